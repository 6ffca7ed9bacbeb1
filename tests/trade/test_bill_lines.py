"""Each line of the tariff bill against figures worked out by hand on the tiny dataset.

The tiny dataset: company acme (JPY, April fiscal year, flat monthly profile) sells 120,000
sedans (MSRP $30,000) in FY2025, 60,000 built in Japan and 60,000 in the US at an ex-factory
value of $24,000 with 10% Japanese parts ($2,400 a car). Japanese parts pay 2.5% to 2 May 2025,
27.5% from 3 May, 15% from 16 Sep 2025.
"""

import pandas as pd
import pytest

from autoalliance.scenarios import Scenario, apply_scenario
from autoalliance.testing import LAW_2025, measure, tiny_footprint, tiny_tables
from autoalliance.trade import exposure, summarise, unit_duty

# the year's average Japanese parts rate, month by month (1/12 of the units each month)
PARTS_RATE = (0.025 + (2 * 0.025 + 29 * 0.275) / 31 + 3 * 0.275
              + (15 * 0.275 + 15 * 0.15) / 30 + 6 * 0.15) / 12
PARTS_VALUE = 60000 * 2400  # Japanese parts of the US-built cars in the year, USD
CREDIT = 0.0375 * 30000 * 60000 * 363 / 365  # the offset accrues from 3 Apr 2025


def _line(res, goods):
    return res[res.goods == goods]


def _companies(pass_through="", to_suppliers=""):
    c = tiny_tables()["companies"]
    return c.assign(supplier_pass_through=pass_through, offset_to_suppliers=to_suppliers)


def _parts(share=0.1, own=""):
    return tiny_tables()["parts_content"].assign(share=share, own_import_share=own)


def test_own_import_and_supplier_import_of_the_same_part(tmp_path):
    """A quarter of the Japanese parts imported by acme, three quarters by its suppliers, who
    pass 80% of their duty on: acme bears 0.25 + 0.75 x 0.8 = 0.85 of the parts duty, and its
    offset cancels only its own quarter."""
    fp = tiny_footprint(tmp_path, companies=_companies(0.8), parts_content=_parts(own=0.25))
    res = exposure(fp, [2025])
    own, sup = _line(res, "own_part").iloc[0], _line(res, "supplier_part").iloc[0]
    assert own.duty_usd == pytest.approx(0.25 * PARTS_VALUE * PARTS_RATE)
    assert own.added_duty_usd == pytest.approx(0.25 * PARTS_VALUE * (PARTS_RATE - 0.025))
    assert sup.duty_usd == pytest.approx(0.75 * 0.8 * PARTS_VALUE * PARTS_RATE)
    assert sup.added_duty_usd == pytest.approx(0.75 * 0.8 * PARTS_VALUE * (PARTS_RATE - 0.025))
    assert sup.customs_value_total_usd == pytest.approx(0.75 * PARTS_VALUE)
    us = res[(res.goods == "vehicle") & (res.origin == "US")].iloc[0]
    assert us.offset_usd == pytest.approx(-own.added_duty_usd)  # CREDIT is far larger
    car = res[(res.goods == "vehicle") & (res.origin == "JP")].iloc[0]
    total = summarise(res, "company").iloc[0]
    assert total.tariff_cost_usd == pytest.approx(car.added_duty_usd + sup.added_duty_usd)


def test_offset_larger_than_own_parts_duty_is_capped_there(tmp_path):
    """Credit $67M against own added parts duty of about $6M: the rest is lost; naming
    suppliers as importers of record for half their duty raises the cap by that half."""
    fp = tiny_footprint(tmp_path / "a", parts_content=_parts(own=0.25))
    res = exposure(fp, [2025])
    own_added = 0.25 * PARTS_VALUE * (PARTS_RATE - 0.025)
    sup_added = 0.75 * PARTS_VALUE * (PARTS_RATE - 0.025)  # pass-through blank = 1
    assert CREDIT > own_added + sup_added
    assert res["offset_usd"].sum() == pytest.approx(-own_added)
    assert res["offset_base_usd"].sum() == pytest.approx(own_added)
    fp = tiny_footprint(tmp_path / "b", companies=_companies(to_suppliers=0.5),
                        parts_content=_parts(own=0.25))
    res = exposure(fp, [2025])
    assert res["offset_usd"].sum() == pytest.approx(-(own_added + 0.5 * sup_added))
    gross = summarise(res, "company").iloc[0]
    assert gross.tariff_cost_usd == pytest.approx(gross.added_duty_usd + gross.offset_usd)


def test_offset_credited_from_the_claims_date_and_a_scenario_moves_it(tmp_path):
    """Parts worth half the ex-factory value, so the cap does not bind. Claims credited from
    1 Nov 2025: the credit accrues on the five months Nov-Mar (5/12 of the units); a scenario
    moving the date to 1 Jan 2026 leaves three months."""
    law = pd.DataFrame(LAW_2025).assign(claims_from="")
    law.loc[law["measure"] == "offset", "claims_from"] = "2025-11-01"
    fp = tiny_footprint(tmp_path, measures=law, parts_content=_parts(share=0.5))
    res = exposure(fp, [2025])
    assert res["offset_usd"].sum() == pytest.approx(-0.0375 * 30000 * 60000 * 5 / 12)
    later = apply_scenario(fp, Scenario.model_validate({"name": "late", "overrides": {
        "measures": {"set": [{"where": {"measure": ["offset"]},
                              "values": {"claims_from": "2026-01-01"}}]}}}))
    res = exposure(later, [2025])
    assert res["offset_usd"].sum() == pytest.approx(-0.0375 * 30000 * 60000 * 3 / 12)
    # the planner's coefficients see the same date
    per = unit_duty(later, pd.DataFrame({"nameplate": ["sedan"], "plant": ["us1"],
                                         "market": ["US"], "fiscal_year": [2025]}))
    assert per["offset_usd"].iloc[0] == pytest.approx(-0.0375 * 30000 * 3 / 12)


def test_service_part_from_japan_before_and_after_16_september(tmp_path):
    """$12M of Japanese service parts a year, $1M a month: 2.5% in April, 27.5% in August,
    half and half in September, the deal's 15% in October. No offset: the vehicles' offset and
    its cap are the same with or without them."""
    sp = [dict(company="acme", market="US", origin="JP", usmca_compliant="false",
               value_usd=12e6, source="test", assumption="")]
    fp = tiny_footprint(tmp_path / "a", service_parts=sp)
    months = exposure(fp, [2025], by_month=True)
    s = _line(months, "service_part").set_index("month")
    assert s.at[pd.Timestamp("2025-04-01"), "duty_usd"] == pytest.approx(1e6 * 0.025)
    assert s.at[pd.Timestamp("2025-04-01"), "added_duty_usd"] == pytest.approx(0.0)
    assert s.at[pd.Timestamp("2025-08-01"), "duty_usd"] == pytest.approx(1e6 * 0.275)
    assert s.at[pd.Timestamp("2025-09-01"), "duty_usd"] == pytest.approx(
        1e6 * (15 * 0.275 + 15 * 0.15) / 30)
    assert s.at[pd.Timestamp("2025-10-01"), "duty_usd"] == pytest.approx(1e6 * 0.15)
    assert s["offset_usd"].sum() == 0 and s["offset_base_usd"].sum() == 0
    year = exposure(fp, [2025])
    without = exposure(tiny_footprint(tmp_path / "b"), [2025])
    assert year["offset_usd"].sum() == pytest.approx(without["offset_usd"].sum())
    added = 12e6 * (PARTS_RATE - 0.025)
    assert _line(year, "service_part")["added_duty_usd"].sum() == pytest.approx(added)
    assert year["tariff_cost_usd"].sum() == pytest.approx(without["tariff_cost_usd"].sum()
                                                          + added)


STEEL = [measure("s232_steel", "additional", "*", "metal", "steel", rate=0.25,
                 start="2025-03-12", end="2025-06-03"),
         measure("s232_steel_50", "additional", "*", "metal", "steel", rate=0.50,
                 start="2025-06-04")]


def test_metals_under_and_not_under_the_auto_tariff(tmp_path):
    """$500 of Japanese steel per US-built car (5,000 cars a month). Not under the auto tariff:
    25% to 3 June, 50% from 4 June, no deal, no offset. Classed as an auto part: the parts
    rates (27.5% in July, 15% in October), never the metals rate on top, and it counts as the
    firm's own parts duty for the offset."""
    law = LAW_2025 + STEEL
    steel = dict(plant="us1", origin="JP", metal="steel", value_usd=500, source="test",
                 assumption="")
    fp = tiny_footprint(tmp_path / "a", measures=law,
                        metals=[dict(steel, under_auto_tariff="false")])
    m = _line(exposure(fp, [2025], by_month=True), "metal").set_index("month")
    v = 5000 * 500
    assert m.at[pd.Timestamp("2025-04-01"), "duty_usd"] == pytest.approx(v * 0.25)
    assert m.at[pd.Timestamp("2025-06-01"), "duty_usd"] == pytest.approx(
        v * (3 * 0.25 + 27 * 0.5) / 30)
    assert m.at[pd.Timestamp("2025-10-01"), "duty_usd"] == pytest.approx(v * 0.5)
    assert m["offset_base_usd"].sum() == 0
    fp = tiny_footprint(tmp_path / "b", measures=law,
                        metals=[dict(steel, under_auto_tariff="true")])
    res = exposure(fp, [2025], by_month=True)
    m = _line(res, "metal").set_index("month")
    assert m.at[pd.Timestamp("2025-07-01"), "duty_usd"] == pytest.approx(v * 0.275)
    assert m.at[pd.Timestamp("2025-10-01"), "duty_usd"] == pytest.approx(v * 0.15)
    assert m["offset_base_usd"].sum() == pytest.approx(m["added_duty_usd"].sum())


def test_exposure_by_goods_shows_each_line_and_the_offset(tmp_path):
    """summarise by goods: one row per line, the offset in its own row; totals unchanged."""
    sp = [dict(company="acme", market="US", origin="JP", usmca_compliant="false",
               value_usd=12e6, source="test", assumption="")]
    fp = tiny_footprint(tmp_path, companies=_companies(0.8), parts_content=_parts(own=0.25),
                        service_parts=sp, measures=LAW_2025 + STEEL,
                        metals=[dict(plant="us1", origin="JP", metal="steel", value_usd=500,
                                     under_auto_tariff="false", source="t", assumption="")])
    res = exposure(fp, [2025])
    g = summarise(res, "goods").set_index("goods")
    assert set(g.index) == {"vehicle", "own_part", "supplier_part", "metal", "service_part",
                            "offset"}
    assert g.at["offset", "tariff_cost_usd"] == pytest.approx(res["offset_usd"].sum())
    assert g.at["vehicle", "tariff_cost_usd"] == pytest.approx(
        _line(res, "vehicle")["added_duty_usd"].sum())
    assert g["tariff_cost_usd"].sum() == pytest.approx(res["tariff_cost_usd"].sum())
    assert g["tariff_cost_local"].sum() == pytest.approx(res["tariff_cost_local"].sum())
