"""Costs in their currency (issue 13): the local share of a variable cost is converted at the
FX path of each fiscal year, so a weaker yen makes a Japan-built unit cheaper in USD."""

from __future__ import annotations

import pandas as pd
import pytest

from autoalliance.dataset.footprint import validate
from autoalliance.errors import DatasetError
from autoalliance.plan import Settings, plan
from autoalliance.plan.testing import YEARS, tiny_alliance_tables
from autoalliance.testing import tiny_footprint, write_tables

EXACT = Settings(horizon=YEARS, mip_rel_gap=0.0, max_lost_share=0.0)


def _tables(share=0.6, stated=150.0, fy2026=150.0, fy2027=200.0):
    """a_sedan's Japan cost ($20,500) 60% in yen stated at 150 yen; the yen at ``fy2026``
    over FY2026 (Apr 2026-Mar 2027) and ``fy2027`` after."""
    t = tiny_alliance_tables()
    c = t["costs"].astype(object)
    jp = c["plant"].eq("a_jp")
    c.loc[jp, "cost_currency"] = "JPY"
    c.loc[jp, "local_cost_share"] = share
    c.loc[jp, "cost_fx_per_usd"] = stated
    t["costs"] = c.astype(object).fillna("")
    fx = pd.DataFrame([
        dict(currency="JPY", start="2020-01-01", end="2026-03-31", per_usd=150),
        dict(currency="JPY", start="2026-04-01", end="2027-03-31", per_usd=fy2026),
        dict(currency="JPY", start="2027-04-01", end="2035-12-31", per_usd=fy2027)])
    t["fx"] = fx.assign(source="test", assumption="")
    return t


def test_local_share_converts_at_each_fiscal_years_rate(tmp_path):
    fp = tiny_footprint(tmp_path / "a", **_tables())
    res = plan(fp, "standalone", horizon=YEARS, partners=["alpha"], settings=EXACT)
    f = res.flows[(res.flows["nameplate"] == "a_sedan") & (res.flows["plant"] == "a_jp")]
    per_unit = (f["variable_cost_usd"] / f["units"]).set_axis(f["fiscal_year"]).to_dict()
    # by hand: FY2026 at the stated 150: $20,500; FY2027 at 200 yen:
    # 0.4 x 20,500 + 0.6 x 20,500 x 150 / 200 = 8,200 + 9,225 = 17,425
    assert per_unit[2026] == pytest.approx(20500.0)
    assert per_unit[2027] == pytest.approx(17425.0)


def test_a_stronger_yen_raises_a_japan_built_units_usd_cost(tmp_path):
    fp = tiny_footprint(tmp_path / "b", **_tables(fy2026=100.0, fy2027=100.0))
    res = plan(fp, "standalone", horizon=YEARS, partners=["alpha"], settings=EXACT)
    f = res.flows[(res.flows["nameplate"] == "a_sedan") & (res.flows["plant"] == "a_jp")]
    # 0.4 x 20,500 + 0.6 x 20,500 x 150 / 100 = 8,200 + 18,450 = 26,650 a unit
    assert (f["variable_cost_usd"] / f["units"]).to_numpy() == pytest.approx([26650.0] * 2)


def test_local_share_without_its_rate_or_currency_is_refused(tmp_path):
    t = _tables()
    t["costs"].loc[t["costs"]["plant"].eq("a_jp"), "cost_fx_per_usd"] = ""
    problems = validate(write_tables(t, tmp_path / "c"))
    assert {(p.file, p.column) for p in problems} == {("costs.csv", "cost_fx_per_usd")}
    t = _tables()
    t["costs"].loc[t["costs"]["plant"].eq("a_jp"), "cost_currency"] = "MXN"  # no MXN rates
    problems = validate(write_tables(t, tmp_path / "d"))
    assert {(p.file, p.column) for p in problems} == {("costs.csv", "cost_currency")}
    assert "no rates for MXN in fx" in problems[0].message


def test_a_path_that_stops_short_is_an_error(tmp_path):
    t = _tables()
    t["fx"] = t["fx"].iloc[:2]  # ends 2027-03-31, FY2027 needs more
    with pytest.raises(DatasetError) as e:
        plan(tiny_footprint(tmp_path / "e", **t), "standalone", horizon=YEARS,
             partners=["alpha"], settings=EXACT)
    assert "no JPY rate covers 2027-04-01" in str(e.value)
