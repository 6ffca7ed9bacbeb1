"""Properties every plan must have, on random variants of the tiny alliance instance."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autoalliance.errors import InfeasiblePlan
from autoalliance.plan import Settings, plan
from autoalliance.plan.testing import YEARS, tiny_alliance
from autoalliance.trade.exposure import duty_for_flows

EXACT = Settings(horizon=YEARS, mip_rel_gap=0.0)
TOL_USD = 1.0  # solver tolerance on profits of ~1e9 USD
FAST = dict(deadline=None, derandomize=True,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return tiny_alliance(tmp_path_factory.mktemp("tiny"))


scale = st.floats(0.3, 1.6)


def variant(fp, demand, capacity, price, fee_hi, effect, invest):
    """The tiny instance with demand, capacity, prices, fee ceilings, cost effects and
    investments scaled (per row where the lists are longer than one)."""
    d = fp.demand.copy()
    d["units"] = d["units"] * [demand[i % len(demand)] for i in range(len(d))]
    p = fp.plants.copy()
    p["capacity_units"] = p["capacity_units"] * capacity
    r = fp.revenue.copy()
    r["net_price_usd"] = r["net_price_usd"] * price
    o = fp.options.copy()
    o["fee_max_usd"] = o["fee_min_usd"].fillna(0) + fee_hi * o["fee_max_usd"].fillna(0)
    o["unit_cost_effect_usd"] = o["unit_cost_effect_usd"] * effect
    o["investment_usd"] = o["investment_usd"] * invest
    return fp.replace(demand=d, plants=p, revenue=r, options=o)


instances = st.tuples(st.lists(scale, min_size=4, max_size=4),
                      st.lists(st.floats(0.5, 1.5), min_size=3, max_size=3),
                      st.lists(st.floats(0.95, 1.08), min_size=4, max_size=4),
                      st.floats(0.0, 2.0), st.floats(0.0, 3.0), st.floats(0.0, 4.0))


@settings(max_examples=3, **FAST)
@given(instances)
def test_alliance_keeps_every_partner_at_or_above_standalone(base, inst):
    fp = variant(base, *inst)
    res = plan(fp, "alliance", horizon=YEARS, settings=EXACT)
    c = res.companies.set_index("company")
    assert (c["profit_usd"] >= c["standalone_profit_usd"] - TOL_USD).all()
    assert res.joint_profit_usd >= c["standalone_profit_usd"].sum() - TOL_USD


def _dutiable_from(res, fp, country: str) -> float:
    f = res.flows.merge(fp.plants[["plant", "country"]], on="plant")
    return float(f.loc[f["country"] == country, "customs_value_total_usd"].sum())


@settings(max_examples=3, **FAST)
@given(instances, st.floats(0.01, 0.5))
def test_raising_a_tariff_never_raises_dutiable_value_from_that_origin(base, inst, rise):
    fp = variant(base, *inst)
    m = fp.measures.copy()
    before = plan(fp, "standalone", horizon=YEARS, partners=["alpha"], settings=EXACT)
    m.loc[m["measure"] == "japan_vehicles", "rate"] += rise
    after = plan(fp.replace(measures=m), "standalone", horizon=YEARS, partners=["alpha"],
                 settings=EXACT)
    assert _dutiable_from(after, fp, "JP") <= _dutiable_from(before, fp, "JP") + 1e3


@settings(max_examples=3, **FAST)
@given(instances, st.sampled_from(["a_us", "a_jp", "b_us"]), st.floats(1.0, 80000.0))
def test_adding_capacity_never_lowers_profit(base, inst, plant, extra):
    fp = variant(base, *inst)
    p = fp.plants.copy()
    p.loc[p["plant"] == plant, "capacity_units"] += extra
    who = ["beta" if plant == "b_us" else "alpha"]
    before = plan(fp, "standalone", horizon=YEARS, partners=who, settings=EXACT).companies
    after = plan(fp.replace(plants=p), "standalone", horizon=YEARS, partners=who,
                 settings=EXACT).companies
    assert (after["profit_usd"].to_numpy() >= before["profit_usd"].to_numpy() - TOL_USD).all()


def _duty_matches_exposure(fp, res):
    flows = res.flows[["nameplate", "plant", "market", "fiscal_year", "units"]]
    exp = duty_for_flows(fp, flows)
    engine = (exp.groupby("company")["duty_usd"].sum() + exp.groupby("company")["offset_usd"]
              .sum())
    planner = res.companies.set_index("company")["duty_usd"]
    for c, v in planner.items():
        assert v == pytest.approx(engine.get(c, 0.0), rel=1e-9, abs=1.0)


def test_planner_duty_equals_exposure_engine_duty_for_the_same_flows(base):
    res = plan(base, "alliance", horizon=YEARS)
    assert any(res.flows["enabler"] == "option")  # a partner plant builds: duty still matches
    _duty_matches_exposure(base, res)


def test_infeasible_demand_is_explained_before_solving(base):
    d = base.demand.copy()
    d.loc[d["nameplate"] == "a_sedan", "units"] = 1e6
    fp = base.replace(demand=d)
    with pytest.raises(InfeasiblePlan) as e:
        plan(fp, "standalone", horizon=YEARS,
             settings=Settings(horizon=YEARS, max_lost_share=0.0))
    msg = str(e.value)
    assert "demand for a_sedan in US FY2026" in msg and "a_jp" in msg and "200,000" in msg


def test_infeasible_capacity_is_explained_by_relaxing_families(base):
    # beta must serve all of b_suv and b_hyb (160,000+) in a 120,000-unit plant
    with pytest.raises(InfeasiblePlan) as e:
        plan(base, "standalone", horizon=YEARS, partners=["beta"],
             settings=Settings(horizon=YEARS, max_lost_share=0.0))
    msg = str(e.value)
    assert "plant capacity" in msg and "b_us, FY2026: short by 40,000 units" in msg
    assert "status" not in msg and "optimal" not in msg


def test_default_dataset_alliance_beats_standalone_for_everyone():
    from autoalliance.dataset.footprint import load_footprint

    fp = load_footprint()
    res = plan(fp, "alliance")
    c = res.companies.set_index("company")
    assert len(c) >= 2
    assert (c["profit_usd"] >= c["standalone_profit_usd"]).all()
    assert res.joint_profit_usd >= c["standalone_profit_usd"].sum()
    assert res.options_taken and "do_nothing" not in res.options_taken
    _duty_matches_exposure(fp, res)
    d = res.to_dict()
    assert {"mode", "companies", "options_taken"} <= set(d)
    assert {"company", "profit_usd", "standalone_profit_usd", "duty_usd"} <= set(d["companies"][0])
