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
