"""Properties every plan must have, on random variants of the tiny alliance instance."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autoalliance.errors import InfeasiblePlan
from autoalliance.plan import Settings, build_inputs, plan
from autoalliance.plan.testing import YEARS, tiny_alliance, tiny_alliance_tables
from autoalliance.testing import LAW_2025, measure
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
    """Every line of the bill (vehicles, own and suppliers' parts, metals, service parts, the
    offset): the plan's duty paid per company equals the exposure engine's on the plan's
    flows and fiscal years."""
    flows = res.flows[["nameplate", "plant", "market", "fiscal_year", "units"]]
    exp = duty_for_flows(fp, flows, service_years=range(res.horizon[0], res.horizon[1] + 1))
    engine = (exp.groupby("company")["duty_usd"].sum() + exp.groupby("company")["offset_usd"]
              .sum())
    planner = res.companies.set_index("company")["duty_usd"]
    for c, v in planner.items():
        assert v == pytest.approx(engine.get(c, 0.0), rel=1e-9, abs=1.0)


def test_planner_duty_equals_exposure_engine_duty_for_the_same_flows(base):
    res = plan(base, "alliance", horizon=YEARS)
    assert any(res.flows["enabler"] == "option")  # a partner plant builds: duty still matches
    _duty_matches_exposure(base, res)


STEEL = [measure("s232_steel", "additional", "*", "metal", "steel", rate=0.5,
                 start="2025-06-04"),
         measure("s232_copper", "additional", "*", "metal", "copper", rate=0.5,
                 start="2025-08-01")]


def _with_lines(folder, own, pass_through, to_suppliers, claims, steel, under, service=0.0):
    """The tiny alliance with every line of the bill: who imports the parts, supplier
    pass-through, offset share to suppliers, the offset's claims date, metals, service parts
    (``service`` USD a year of Japanese replacement parts for alpha, Canadian for beta)."""
    t = tiny_alliance_tables()
    parts = t["parts_content"].assign(own_import_share=own)
    parts = pd.concat([parts, pd.DataFrame([dict(plant="b_us", origin="CN",
                                                 usmca_compliant="false", share=0.05,
                                                 own_import_share=0.0)])], ignore_index=True)
    law = pd.DataFrame(LAW_2025 + STEEL).assign(claims_from="")
    law.loc[law["layer"] == "offset", "claims_from"] = claims
    metals = pd.DataFrame([dict(plant="a_us", origin="JP", metal="steel", value_usd=steel,
                                under_auto_tariff=under),
                           dict(plant="b_us", origin="CA", metal="copper", value_usd=120,
                                under_auto_tariff=False)]).assign(source="t")
    companies = t["companies"].assign(supplier_pass_through=pass_through,
                                      offset_to_suppliers=to_suppliers)
    sp = pd.DataFrame([dict(company="alpha", market="US", origin="JP", usmca_compliant="false",
                            value_usd=service),
                       dict(company="beta", market="US", origin="CA", usmca_compliant="false",
                            value_usd=service / 2)]).assign(source="t")
    return tiny_alliance(folder, parts_content=parts.assign(source="t"), measures=law,
                         metals=metals, companies=companies,
                         service_parts=sp if service else sp.iloc[0:0])


def test_plant_parts_duty_depends_on_who_imports(tmp_path):
    """a_suv at a_us: $26,000 ex-factory, 20% Japanese parts at the deal's 15% all FY2026 (2.5%
    base). Alpha imports 40% itself; its suppliers pass on half of their duty on the rest:
    duty 26,000 x 0.2 x 0.15 x (0.4 + 0.6 x 0.5) = $546 a car, of which the offset may cancel
    only alpha's own added duty 26,000 x 0.2 x 0.125 x 0.4 = $260; the credit is
    3.75% x $32,000 = $1,200 a car (claims credited from 1 Jan 2026, before FY2026)."""
    fp = _with_lines(tmp_path, 0.4, 0.5, "", "2026-01-01", 0, False)
    d = build_inputs(fp, ["alpha", "beta"], Settings(horizon=YEARS))
    lanes = d.lanes.reset_index()
    lane = lanes[(lanes["nameplate"] == "a_suv") & (lanes["plant"] == "a_us")]["lane"].iloc[0]
    c = d.coef.loc[(lane, 2026)]
    assert c["duty"] == pytest.approx(26000 * 0.2 * 0.15 * (0.4 + 0.6 * 0.5))
    assert c["parts_added"] == pytest.approx(26000 * 0.2 * 0.125 * 0.4)
    assert c["credit"] == pytest.approx(0.0375 * 32000)


lines = st.tuples(st.sampled_from(["", 0.0, 0.4, 1.0]), st.sampled_from(["", 0.0, 0.6, 1.0]),
                  st.sampled_from(["", 0.0, 0.5]),
                  st.sampled_from(["", "2026-01-01", "2026-10-01", "2027-06-01"]),
                  st.integers(0, 800), st.booleans(),
                  st.sampled_from([0.0, 1e6, 100e6]))


@settings(max_examples=4, **FAST)
@given(v=lines)
def test_planner_duty_equals_exposure_with_every_bill_line(tmp_path_factory, v):
    """Random own-import shares, pass-through, offset share to suppliers, claims dates,
    metals and service parts: the planner's duty paid (gross less the offset it uses) equals
    the exposure engine's for the plan's flows and years, company by company."""
    fp = _with_lines(tmp_path_factory.mktemp("lines"), *v)
    res = plan(fp, "alliance", horizon=YEARS, settings=EXACT)
    _duty_matches_exposure(fp, res)
    flows = res.flows[["nameplate", "plant", "market", "fiscal_year", "units"]]
    goods = set(duty_for_flows(fp, flows, service_years=YEARS)["goods"])
    assert "metal" in goods or v[4] == 0
    assert "supplier_part" in goods  # b_us's Chinese parts are all suppliers'
    assert "service_part" in goods or v[6] == 0


def test_service_parts_duty_is_in_the_plan(tmp_path):
    """$100M a year of Japanese service parts for alpha: the deal's 15% on parts all FY2026 and
    FY2027 (from 16 September 2025), $15M a year, $30M over the horizon. No choice changes it:
    alpha's plan duty and profit move by exactly that, beta's not at all, and the flows stay."""
    without = plan(_with_lines(tmp_path / "a", "", "", "", "", 0, False), "alliance",
                   horizon=YEARS, settings=EXACT)
    fp = _with_lines(tmp_path / "b", "", "", "", "", 0, False, service=100e6)
    res = plan(fp, "alliance", horizon=YEARS, settings=EXACT)
    a = res.companies.set_index("company")
    b = without.companies.set_index("company")
    beta_sp = 2 * 50e6 * 0.275  # Canadian non-USMCA parts: MFN 2.5% + Section 232 25%
    assert a.at["alpha", "duty_usd"] - b.at["alpha", "duty_usd"] == pytest.approx(30e6)
    assert a.at["beta", "duty_usd"] - b.at["beta", "duty_usd"] == pytest.approx(beta_sp)
    assert b["profit_usd"].sum() - a["profit_usd"].sum() == pytest.approx(30e6 + beta_sp)
    pd.testing.assert_frame_equal(res.flows, without.flows)
    _duty_matches_exposure(fp, res)


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
