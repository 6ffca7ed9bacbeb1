"""A signed deal in other futures (options, tooling and fees fixed; production and the
standalone plans re-solved) and its break-even thresholds."""

import pytest

from autoalliance.plan.testing import tiny_alliance
from autoalliance.scenarios.deal import DealEvaluator, deal_from_share
from autoalliance.scenarios.overrides import apply_scenario
from autoalliance.scenarios.thresholds import levers, thresholds
from autoalliance.settings import Settings
from autoalliance.sharing.alliance import share

SET = Settings(horizon=(2026, 2027))


@pytest.fixture(scope="module")
def signed(tmp_path_factory):
    fp = tiny_alliance(tmp_path_factory.mktemp("deal"))
    res = share(fp, settings=SET, workers=1)
    return fp, res, deal_from_share(res)


def test_the_deal_today_gives_the_gains_it_promised(signed):
    fp, res, deal = signed
    out = DealEvaluator(fp, deal, SET).outcome(fp)
    promised = res.recommended_target - res.standalone
    assert out.gain.to_dict() == pytest.approx(promised.to_dict(), abs=1.0)
    assert out.standalone.to_dict() == pytest.approx(res.standalone.to_dict(), abs=1.0)
    assert set(deal.options) == set(fp.options["option"])


def test_the_dataset_levers(signed):
    fp, _, deal = signed
    names = [lv.name for lv in levers(fp, list(deal.partners))]
    # tiny alliance: JPY companies, a Japanese plant with its own deal rules, demand
    assert names == ["fx:JPY", "tariff:JP", "demand"]
    jp = levers(fp, list(deal.partners))[1]
    assert set(jp.measures) == {"japan_vehicles", "japan_parts"} and jp.today == 0.15


def test_each_demand_threshold_rerun_as_a_scenario_gives_zero_gain(signed):
    fp, _, deal = signed
    r = thresholds(fp, deal, SET, only=["demand"])
    found = r.table()
    assert set(found["partner"]) == set(deal.partners)  # both lose when demand falls enough
    for t in r.thresholds:
        assert not t.jump and 0 < t.factor < 1
        fresh = DealEvaluator(fp, deal, SET)  # a new model: the scenario re-run on its own
        again = fresh.outcome(apply_scenario(fp, t.scenario)).gain[t.partner]
        assert abs(again) <= r.tolerance_usd, (t.partner, t.factor, again)
        # and the gain is positive just above the threshold, negative just below
        tried = r.tried[(r.tried["lever"] == "demand") & (r.tried["partner"] == t.partner)]
        assert (tried[tried["factor"] > t.factor + 1e-3]["gain_usd"] > 0).any()
        assert (tried[tried["factor"] < t.factor - 1e-3]["gain_usd"] < 0).all()


def test_max_min_lump_sums_by_brute_force():
    import numpy as np
    import pandas as pd

    from autoalliance.scenarios.deal import max_min_lump_sums

    gains = pd.DataFrame({"a": [5.0, -1.0, 3.0, -4.0], "b": [-2.0, 6.0, 1.0, 2.0]})
    w = np.full(4, 0.25)
    tol = 1e-6
    t = max_min_lump_sums(gains, w, tol=tol)
    assert sum(t.values()) == pytest.approx(0.0, abs=1e-9)

    def worst(ta):
        return min(((gains["a"] + ta) > tol).mean(), ((gains["b"] - ta) > tol).mean())
    best = max(worst(ta) for ta in np.arange(-10, 10, 0.125))  # every transfer b -> a
    assert worst(t["a"]) == best
    # by hand: a gains in 3 of 4 futures only with more than +1, b in 3 of 4 only with less
    # than +1 to a, so the best is 2 of 4 each (any transfer between -1 and 1 does it)
    assert best == 0.5
    # a lopsided case: a gains everywhere with room to spare, b loses once by 1
    gains = pd.DataFrame({"a": [10.0, 10.0], "b": [3.0, -1.0]})
    t = max_min_lump_sums(gains, np.array([0.5, 0.5]), tol=tol)
    assert t["b"] > 1 and (gains["b"] + t["b"] > tol).all() and (gains["a"] + t["a"] > tol).all()


def test_zero_variance_futures_give_the_deterministic_gains(signed):
    from autoalliance.scenarios.deal import deal_risk
    from autoalliance.scenarios.montecarlo import sample_scenarios
    from autoalliance.scenarios.spec import MonteCarloSpec, scenario_set

    fp, res, deal = signed
    mc = MonteCarloSpec.model_validate({"samples": 3, "seed": 1, "quarters": 2,
                                        "demand": {"by": "segment", "sigma": 0.0}})
    draws = sample_scenarios(fp, scenario_set([], "zero"), mc)
    risk = deal_risk(fp, deal, draws, settings=SET)
    promised = res.recommended_target - res.standalone
    s = risk.summary[risk.summary["deal"] == "recommended"].set_index("partner")
    for p in deal.partners:
        assert s.loc[p, "expected_gain_usd"] == pytest.approx(promised[p], abs=1.0)
        assert s.loc[p, "p05_gain_usd"] == pytest.approx(promised[p], abs=1.0)
        assert s.loc[p, "p_gain"] == 1.0


def test_a_future_where_one_partner_loses_under_the_fixed_deal(signed):
    from autoalliance.scenarios.deal import deal_risk
    from autoalliance.scenarios.spec import Scenario

    fp, _, deal = signed
    # demand at 85%: alpha's gain under the signed deal is negative (the demand threshold test
    # finds alpha's break-even near 91% of today's demand), beta's positive
    low = Scenario(name="low_demand", overrides={"demand": {"scale": [
        {"column": "units", "factor": 0.85}]}})
    risk = deal_risk(fp, deal, [Scenario(name="base"), low], settings=SET)
    s = risk.summary.set_index(["deal", "partner"])
    assert s.loc[("recommended", "alpha"), "p_gain"] == 0.5
    assert s.loc[("recommended", "beta"), "p_gain"] == 1.0
    g = risk.outcomes[(risk.outcomes["deal"] == "recommended")
                      & (risk.outcomes["future"] == "low_demand")].set_index("partner")
    assert g.loc["alpha", "gain_usd"] < 0 < g.loc["beta", "gain_usd"]
    assert s.loc[("recommended", "alpha"), "p05_gain_usd"] == pytest.approx(
        g.loc["alpha", "gain_usd"])
    # lump sums re-chosen: alpha gains in both futures if beta can pay for it and still gain
    j = risk.joint.set_index("deal")
    assert j.loc["max_min_probability", "worst_partner_p_gain"] >= \
        j.loc["recommended", "worst_partner_p_gain"]
    assert j.loc["max_min_probability", "expected_joint_gain_usd"] == pytest.approx(
        j.loc["recommended", "expected_joint_gain_usd"])
