"""Monte Carlo: reproducible from a seed; a chain that never leaves a state reproduces that
state's scenario; quantiles and the probability the alliance beats standalone."""

import pandas as pd
import pytest

from autoalliance.dataset.footprint import load_footprint
from autoalliance.scenarios import Scenario, Settings, apply_scenario, scenario_set
from autoalliance.scenarios.montecarlo import run_montecarlo, sample_scenarios, summarise
from autoalliance.scenarios.spec import MonteCarloSpec
from autoalliance.scenarios.stages import exposure_stage
from autoalliance.scenarios.store import Store

LAPSE = Scenario.model_validate({"name": "lapse", "overrides": {"measures": {"set": [
    {"where": {"measure": ["japan_vehicles", "japan_parts"]}, "values": {"end": "2025-09-30"}}]}}})


def _spec(**kw):
    base = dict(samples=6, seed=7, start="2025-10-01", quarters=2,
                regime={"states": ["holds", "lapse"], "initial": "holds",
                        "transition": {"holds": {"holds": 0.5, "lapse": 0.5},
                                       "lapse": {"lapse": 1.0}}},
                fx=[{"currency": "JPY", "volatility": 0.05}],
                demand={"by": "segment", "sigma": 0.1})
    base.update(kw)
    return MonteCarloSpec.model_validate(base)


def _set(mc):
    return scenario_set([Scenario(name="holds"), LAPSE], name="mcset", montecarlo=mc)


def test_reproducible_from_the_seed(tiny_dir):
    fp = load_footprint(tiny_dir)
    a = sample_scenarios(fp, _set(_spec()), _spec())
    b = sample_scenarios(fp, _set(_spec()), _spec())
    assert [s.content_hash() for s in a] == [s.content_hash() for s in b]
    c = sample_scenarios(fp, _set(_spec(seed=8)), _spec(seed=8))
    assert [s.content_hash() for s in a] != [s.content_hash() for s in c]
    # sample i does not depend on the sample count
    d = sample_scenarios(fp, _set(_spec(samples=3)), _spec(samples=3))
    assert [s.content_hash() for s in d] == [s.content_hash() for s in a[:3]]
    assert {tuple(s.params["regime"]) for s in a} <= {("holds", "holds"), ("holds", "lapse")}


def test_a_chain_that_stays_put_reproduces_the_state(tiny_dir):
    fp = load_footprint(tiny_dir)
    mc = _spec(samples=1, fx=[], demand=None,
               regime={"states": ["holds", "lapse"], "initial": "lapse",
                       "transition": {"holds": {"holds": 1.0}, "lapse": {"lapse": 1.0}}})
    (draw,) = sample_scenarios(fp, _set(mc), mc)
    want = exposure_stage(apply_scenario(fp, LAPSE), Settings()).metrics
    got = exposure_stage(apply_scenario(fp, draw), Settings()).metrics
    pd.testing.assert_frame_equal(got, want)


def test_quantiles_from_runs(tiny_dir, tmp_path):
    fp = load_footprint(tiny_dir)
    mc = _spec()
    res = run_montecarlo(fp, _set(mc), mc, store=Store(tmp_path / "mc.duckdb"),
                         settings=Settings(stages=("exposure",)))
    q = res.quantiles.set_index(["company", "metric"])
    row = q.loc[("acme", "tariff_cost_usd")]
    assert row["n"] == 6 and row["p05"] <= row["p50"] <= row["p95"]
    assert row["p05"] < row["p95"]  # the draws differ


def test_probability_alliance_beats_standalone():
    m = pd.DataFrame({"run_key": ["r1", "r1", "r2", "r2", "r3", "r3"],
                      "scenario": ["s1", "s1", "s2", "s2", "s3", "s3"], "stage": "plan",
                      "company": ["a", "b"] * 3, "period": "2026-2030",
                      "metric": "alliance_gain_usd", "value": [5e6, 0.0, 3e6, 2e6, 0.0, 0.5]})
    q, p = summarise(m)
    p = p.set_index("company")["p_beats_standalone"]
    assert p["a"] == pytest.approx(2 / 3) and p["b"] == pytest.approx(1 / 3)
    gain = q.set_index(["company", "metric"]).loc[("alliance", "alliance_gain_usd")]
    assert gain["mean"] == pytest.approx((5e6 + 5e6 + 0.5) / 3)


def test_no_start_means_the_first_day_of_the_datasets_horizon(tmp_path):
    from autoalliance.plan.testing import tiny_alliance
    from autoalliance.scenarios.montecarlo import horizon_start

    # tiny alliance: demand FY2025-FY2027 and April fiscal years: the horizon starts 1 April 2026
    fp = tiny_alliance(tmp_path / "ally")
    assert str(horizon_start(fp)) == "2026-04-01"
    given = sample_scenarios(fp, _set(_spec(start="2026-04-01")), _spec(start="2026-04-01"))
    default = sample_scenarios(fp, _set(_spec(start=None)), _spec(start=None))
    assert [s.content_hash() for s in default] == [s.content_hash() for s in given]
