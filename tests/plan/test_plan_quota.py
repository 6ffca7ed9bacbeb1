"""Tariff-rate quotas in the planner and in exposure (issue 13): the quota counts a calendar
year's entries, whatever fiscal year they belong to, and the planner charges the units beyond
it the over-quota rate, as the exposure engine does."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autoalliance.plan import Settings, plan
from autoalliance.plan.testing import YEARS, tiny_alliance_tables
from autoalliance.testing import tiny_footprint
from autoalliance.trade.exposure import current_flows, duty_for_flows, exposure

SERVE_ALL = Settings(horizon=YEARS, mip_rel_gap=0.0, max_lost_share=0.0)
FAST = dict(deadline=None, derandomize=True)


def uk_sedan(folder, units=160000):
    """alpha's a_sedan built only in a UK plant (the 100,000-car UK quota at 10%, 27.5% beyond
    it), ``units`` a year in FY2025-FY2027; a_suv built in the US."""
    t = tiny_alliance_tables()
    t["plants"].loc[t["plants"]["plant"] == "a_jp", "country"] = "GB"
    t["costs"] = t["costs"][~((t["costs"]["nameplate"] == "a_sedan")
                              & (t["costs"]["plant"] == "a_us"))]
    s = t["sourcing"]
    s.loc[s["nameplate"] == "a_suv", "plant"] = "a_us"
    s.loc[s["nameplate"] == "a_suv", "share"] = 1.0
    t["sourcing"] = s.drop_duplicates(["nameplate", "plant", "market", "fiscal_year"])
    d = t["demand"]
    d["units"] = d["units"].astype(object)
    d.loc[d["nameplate"] == "a_sedan", "units"] = str(units)
    return tiny_footprint(folder, **t)


# By hand, flat entries (1/12 of a fiscal year's units a month, April-March), 160,000 a year:
# calendar 2026: FY2025 Jan-Mar 40,000 + FY2026 Apr-Dec 120,000; quota 100,000 -> FY2026 gets
# 60,000 in; calendar 2027: FY2026 Jan-Mar 40,000 (all in) + FY2027 Apr-Dec 120,000 (60,000 in);
# calendar 2028: FY2027 Jan-Mar 40,000 in. Each fiscal year: 100,000 at 10% and 60,000 at
# 2.5% MFN + 25% Section 232 on a $24,000 customs value.
FY_DUTY = 100000 * 0.10 * 24000 + 60000 * 0.275 * 24000  # 636 M USD


def test_exposure_of_a_fiscal_year_does_not_depend_on_the_years_asked(tmp_path):
    fp = uk_sedan(tmp_path)
    alone = exposure(fp, [2027])
    both = exposure(fp, [2026, 2027])
    sedan = both[both["nameplate"] == "a_sedan"].groupby("fiscal_year")["duty_usd"].sum()
    assert sedan[2026] == pytest.approx(FY_DUTY, rel=1e-9)
    assert sedan[2027] == pytest.approx(FY_DUTY, rel=1e-9)
    one = alone[alone["nameplate"] == "a_sedan"]["duty_usd"].sum()
    assert one == pytest.approx(FY_DUTY, rel=1e-9)


def test_planner_charges_the_over_quota_rate_like_exposure(tmp_path):
    fp = uk_sedan(tmp_path)
    res = plan(fp, "standalone", horizon=YEARS, partners=["alpha"], settings=SERVE_ALL)
    f = res.flows[res.flows["nameplate"] == "a_sedan"]
    assert f["units"].sum() == pytest.approx(320000)
    # every unit at the in-quota rate would be 320,000 x $2,400 = $768M (the old answer)
    assert f["gross_duty_usd"].sum() == pytest.approx(2 * FY_DUTY, rel=1e-7)
    exp = exposure(fp, list(YEARS))
    assert f["gross_duty_usd"].sum() == pytest.approx(
        exp.loc[exp["nameplate"] == "a_sedan", "duty_usd"].sum(), rel=1e-7)


@settings(max_examples=4, **FAST)
@given(st.floats(40000, 190000), st.floats(0.5, 1.5))
def test_planner_duty_equals_exposure_duty_with_quotas_binding(tmp_path_factory, units, price):
    """On random volumes and prices (the quota binding or not), the planner's duty per company
    equals the exposure engine's on the plan's own flows plus the entries before the horizon."""
    fp = uk_sedan(tmp_path_factory.mktemp("q"), units)
    r = fp.revenue.copy()
    r["net_price_usd"] *= price
    fp = fp.replace(revenue=r)
    res = plan(fp, "standalone", horizon=YEARS, settings=Settings(horizon=YEARS,
                                                                  mip_rel_gap=0.0))
    flows = res.flows[["nameplate", "plant", "market", "fiscal_year", "units"]]
    before = current_flows(fp, [YEARS[0] - 1])
    exp = duty_for_flows(fp, pd.concat([before, flows], ignore_index=True))
    exp = exp[exp["fiscal_year"].isin(YEARS)]
    engine = exp.groupby("company")[["duty_usd", "offset_usd"]].sum().sum(axis=1)
    for c, v in res.companies.set_index("company")["duty_usd"].items():
        assert v == pytest.approx(engine.get(c, 0.0), rel=1e-7, abs=1.0)
