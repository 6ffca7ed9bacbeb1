"""Numerical robustness: degenerate inputs either solve with sensible answers or are explained
(InfeasiblePlan / DatasetError in the field's words), magnitudes from single units to trillions
of yen give answers that scale, and HiGHS sees a well-scaled model on the default and a
synthetic dataset (coefficient ranges from its own log, no numerical warnings, tiny
infeasibilities).
"""

import math
import re

import pandas as pd
import pytest

from autoalliance.dataset.footprint import load_footprint
from autoalliance.errors import DatasetError, InfeasiblePlan
from autoalliance.plan import Settings, build_inputs, default_partners, plan
from autoalliance.plan.model import build_model
from autoalliance.plan.testing import YEARS, tiny_alliance_tables
from autoalliance.testing import tiny_footprint, tiny_tables, write_tables
from autoalliance.trade import exposure, summarise

HORIZON = (YEARS[0], YEARS[-1])
RANGE = (1e-4, 1e6)  # what HiGHS should see after the model's own scaling


def alliance(tmp_path, **changes):
    t = tiny_alliance_tables()
    for name, fn in changes.items():
        t[name] = fn(t[name].copy())
    return load_footprint(write_tables(t, tmp_path / "ds"))


def profits(res) -> dict[str, float]:
    return res.companies.set_index("company")["profit_usd"].to_dict()


def duty(fp, years=(2025,)) -> pd.DataFrame:
    return summarise(exposure(fp, list(years)), "company").set_index("company")


# ------------------------------------------------------------ HiGHS' view of the model

def highs_report(m, tmp_path) -> dict:
    """Solve with HiGHS writing its log; return the coefficient ranges it printed, the log's
    warning lines and the solution's infeasibilities."""
    log = tmp_path / "highs.log"
    m.solve(solver_name="highs", log_file=str(log), output_flag=True, log_to_console=False)
    text = log.read_text()
    ranges = {}
    for name, lo, hi in re.findall(r"^\s+(Matrix|Cost|Bound|RHS)\s+\[([\d.e+-]+),\s*([\d.e+-]+)\]",
                                   text, re.M):
        old = ranges.get(name, (math.inf, 0.0))
        ranges[name] = (min(old[0], float(lo)), max(old[1], float(hi)))
    warnings = [ln for ln in text.splitlines()
                if re.search(r"numeric|ill.?condition|warning|excessive|large bound|small",
                             ln, re.I)]
    out = {"ranges": ranges, "warnings": warnings, "log": text, "status": m.status}
    h = getattr(m, "solver_model", None)
    if h is not None and hasattr(h, "getInfo"):
        info = h.getInfo()
        out["primal_infeasibility"] = info.max_primal_infeasibility
        out["integrality_violation"] = getattr(info, "max_integrality_violation", 0.0)
    return out


def assert_well_scaled(rep):
    assert rep["status"] == "ok", rep["log"][-2000:]
    assert rep["ranges"], rep["log"][:2000]
    for name, (lo, hi) in rep["ranges"].items():
        if name == "Bound" and lo == hi == 1.0:
            continue
        assert RANGE[0] <= lo and hi <= RANGE[1], (name, lo, hi)
    assert rep["warnings"] == [], rep["warnings"]
    assert rep.get("primal_infeasibility", 0.0) <= 1e-6
    assert rep.get("integrality_violation", 0.0) <= 1e-6


def test_highs_sees_a_well_scaled_model_on_the_default_dataset(tmp_path):
    fp = load_footprint(None)
    s = Settings()
    d = build_inputs(fp, default_partners(fp), s)
    m, _ = build_model(d, s.max_lost_share, None)
    assert_well_scaled(highs_report(m, tmp_path))


def test_highs_sees_a_well_scaled_model_on_a_synthetic_dataset(tmp_path):
    from autoalliance.dataset.synth import synth_footprint

    fp = synth_footprint(tmp_path / "syn", companies=3, plants=10, nameplates=16, years=4,
                         seed=7)
    s = Settings(horizon=(2026, 2027))
    d = build_inputs(fp, default_partners(fp), s)
    m, _ = build_model(d, s.max_lost_share, None)
    assert_well_scaled(highs_report(m, tmp_path))


# ------------------------------------------------------------ degenerate inputs

def test_zero_demand_gives_zero_duty_and_zero_profit(tmp_path):
    fp = alliance(tmp_path, demand=lambda f: f.assign(units=0))
    ex = duty(fp)
    assert (ex[["units", "duty_usd", "added_duty_usd", "tariff_cost_usd"]] == 0).all().all()
    res = plan(fp, "alliance", horizon=HORIZON)
    assert all(abs(v) < 1e-3 for v in profits(res).values())
    assert res.options_taken in ([], ["none"])
    assert res.companies["duty_usd"].abs().max() < 1e-3


def test_zero_capacity_everywhere_solves_with_nothing_built(tmp_path):
    fp = alliance(tmp_path, plants=lambda f: f.assign(capacity_units=0))
    res = plan(fp, "standalone", horizon=HORIZON)
    assert res.flows.empty or res.flows.filter(like="units").abs().to_numpy().max() < 1e-6
    assert all(abs(v) < 1e-3 for v in profits(res).values())


def test_zero_capacity_with_demand_that_must_be_served_is_explained(tmp_path):
    fp = alliance(tmp_path, plants=lambda f: f.assign(capacity_units=0))
    with pytest.raises(InfeasiblePlan) as e:
        plan(fp, "standalone", horizon=HORIZON, settings=Settings(max_lost_share=0.5))
    msg = str(e.value)
    assert msg.startswith("no plan meets the demand constraint (max_lost_share=0.5)")
    assert "demand for a_suv in US FY2027: at least 47,500 units must be served but the plants " \
        "allowed to build it that year (a_jp, a_us) have a capacity of 0" in msg


def test_a_company_with_no_plant_and_no_nameplate(tmp_path):
    def add_gamma(f):
        row = f.iloc[[0]].assign(company="gamma", name="Gamma Motor")
        return pd.concat([f, row], ignore_index=True)

    fp = alliance(tmp_path, companies=add_gamma)
    res = plan(fp, "standalone", horizon=HORIZON)
    p = profits(res)
    assert p.get("gamma", 0.0) == 0.0 and p["alpha"] > 0 and p["beta"] > 0
    assert "gamma" not in duty(fp, [2026]).index or duty(fp, [2026]).at["gamma", "duty_usd"] == 0


def test_a_company_whose_only_plant_is_closed(tmp_path):
    fp = alliance(tmp_path, plants=lambda f: f.assign(
        capacity_units=f["capacity_units"].where(f["plant"].ne("b_us"), 0)))
    alone = profits(plan(fp, "standalone", horizon=HORIZON))
    assert abs(alone["beta"]) < 1e-3  # nothing to build with, nothing lost but its margin
    res = plan(fp, "alliance", horizon=HORIZON)
    after = profits(res)
    assert after["beta"] >= alone["beta"] and after["alpha"] >= alone["alpha"] - 1e-3
    assert "cb" in res.options_taken  # the partner builds for it under contract


def _rates(f, value):
    m = f.copy()
    not_offset = m["layer"].ne("offset")
    m.loc[not_offset, "rate"] = value
    return m


def test_zero_tariffs_mean_zero_added_duty(tmp_path):
    t = tiny_tables()
    t["measures"] = _rates(t["measures"], 0.0)
    fp = load_footprint(write_tables(t, tmp_path / "ds"))
    ex = duty(fp)
    assert ex.at["acme", "duty_usd"] == 0 and ex.at["acme", "added_duty_usd"] == 0
    # the offset is capped at the added parts duty: nothing to offset
    assert ex.at["acme", "tariff_cost_usd"] == 0
    pa = alliance(tmp_path / "a", measures=lambda f: _rates(f, 0.0))
    assert plan(pa, "standalone", horizon=HORIZON).companies["duty_usd"].abs().max() < 1e-3


def test_hundred_percent_tariffs(tmp_path):
    t = tiny_tables()
    base = duty(load_footprint(write_tables(t, tmp_path / "base")))
    t["measures"] = _rates(t["measures"], 1.0)
    high = duty(load_footprint(write_tables(t, tmp_path / "high")))
    # Japan-built half (60k units at $24,000 customs value) pays at least 100% on the value
    assert high.at["acme", "duty_usd"] >= 60000 * 24000
    assert high.at["acme", "added_duty_usd"] > base.at["acme", "added_duty_usd"]
    pa = alliance(tmp_path / "a", measures=lambda f: _rates(f, 1.0))
    res = plan(pa, "standalone", horizon=HORIZON)
    assert math.isfinite(res.joint_profit_usd)
    flows = res.flows
    jp = flows[flows["plant"].eq("a_jp")].filter(like="units").to_numpy().sum()
    assert jp < 1e-6  # nothing imported from Japan at a 100% tariff


def test_rates_beyond_the_schema_are_refused_in_the_fields_words(tmp_path):
    t = tiny_tables()
    t["measures"] = _rates(t["measures"], 6.0)  # 600%: the schema allows 0 to 5
    with pytest.raises(DatasetError) as e:
        load_footprint(write_tables(t, tmp_path / "ds"))
    assert "measures.csv, row 2, column rate: 6 is outside 0 to 5" in str(e.value)


# ------------------------------------------------------------ magnitudes

# per-unit money scales with prices; volumes with units; fixed costs (investments, programmes)
# with both, so that every profit scales by units x money
MONEY_COLS = {"nameplates": ["msrp_usd"],
              "costs": ["customs_value_usd", "variable_cost_usd", "logistics_usd"],
              "revenue": ["net_price_usd"],
              "options": ["fee_min_usd", "fee_max_usd", "unit_cost_effect_usd"]}
UNIT_COLS = {"demand": ["units"], "plants": ["capacity_units"], "options": ["capacity_units"]}
FIXED_COLS = {"tooling": ["investment_usd"], "options": ["investment_usd", "programme_cost_usd"]}


def _scale(f, cols, k):
    f = f.copy()
    for c in cols:
        f[c] = pd.to_numeric(f[c], errors="coerce").mul(k).map(
            lambda v: "" if pd.isna(v) else repr(float(v)))
    return f


def scaled(tmp_path, units=1.0, money=1.0, yen=1.0):
    changes = {}
    for cols, k in ((MONEY_COLS, money), (UNIT_COLS, units), (FIXED_COLS, units * money)):
        for t, c in cols.items():
            prev = changes.get(t)
            changes[t] = (lambda f, c=c, k=k, prev=prev: _scale(prev(f) if prev else f, c, k))
    changes["fx"] = lambda f: _scale(f, ["per_usd"], yen)
    return alliance(tmp_path, **changes)


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    fp = scaled(tmp_path_factory.mktemp("ref"))
    return fp, profits(plan(fp, "alliance", horizon=HORIZON)), duty(fp, [2026])


@pytest.mark.parametrize(("units", "money", "yen"), [
    (1e-3, 1.0, 1.0),   # a few dozen vehicles a year
    (1e3, 1.0, 1.0),    # tens of millions of vehicles
    (1.0, 1e3, 1.0),    # prices in the tens of millions of USD
    (1.0, 1e-3, 1.0),   # prices of tens of USD
    (1.0, 1.0, 1e4),    # yen figures in the quadrillions (1.5 million yen a dollar)
], ids=["units-1e-3", "units-1e3", "money-1e3", "money-1e-3", "yen-1e4"])
def test_answers_scale_with_the_magnitudes(tmp_path, reference, units, money, yen):
    _, ref_profit, ref_duty = reference
    fp = scaled(tmp_path, units, money, yen)
    ex = duty(fp, [2026])
    k = units * money
    for c in ref_duty.index:  # sums that cancel to ~0 carry float noise: abs tolerance 1e-3
        assert ex.at[c, "duty_usd"] == pytest.approx(ref_duty.at[c, "duty_usd"] * k, rel=1e-9,
                                                     abs=1e-3 * k)
        assert ex.at[c, "tariff_cost_local"] == pytest.approx(
            ref_duty.at[c, "tariff_cost_local"] * k * yen, rel=1e-9, abs=1e-3 * k * yen * 150)
    got = profits(plan(fp, "alliance", horizon=HORIZON))
    for c, v in ref_profit.items():
        # the MIP gap (1e-6) and the solver's tolerances allow a small relative difference
        assert got[c] == pytest.approx(v * k, rel=1e-4, abs=1e-6 * abs(v) * k + 1e-6)


def test_yen_figures_in_the_trillions(tmp_path):
    fp = tiny_footprint(tmp_path / "ds", demand=tiny_tables()["demand"].assign(units=120e6))
    ex = duty(fp)
    assert ex.at["acme", "tariff_cost_local"] > 1e12
    assert math.isfinite(ex.at["acme", "tariff_cost_local"])
