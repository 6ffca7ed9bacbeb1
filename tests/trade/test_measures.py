"""Each trade rule of the shipped measures table on hand-worked examples.

Rates by hand (Section 232 Proclamations 10908/10925, the Japan/EU/Korea/UK deals):
Japanese car: 2.5% MFN before 3 Apr 2025; 25% + 2.5% = 27.5% from 3 Apr; 15% all-in from 16 Sep.
"""

import pandas as pd
import pytest

from autoalliance.dataset.footprint import DATASETS_DIR
from autoalliance.dataset.schema import schema
from autoalliance.dataset.validation import RawTable, check_table
from autoalliance.testing import measure
from autoalliance.trade.measures import AmbiguousMeasures, duty_for_entries


def shipped_measures() -> pd.DataFrame:
    raw = pd.read_csv(DATASETS_DIR / "nissan_honda_2025" / "measures.csv", dtype=str,
                      keep_default_na=False)
    problems = []
    typed = check_table(RawTable(raw, "measures.csv"), schema("measures"), problems)
    assert problems == []
    return typed


def typed_measures(rows) -> pd.DataFrame:
    problems = []
    typed = check_table(RawTable(pd.DataFrame(rows).astype(str).replace("nan", ""),
                                 "measures.csv"), schema("measures"), problems)
    assert problems == []
    return typed


def entry(date, origin, goods="vehicle", category="car", usmca=False, value=30000.0,
          us_content=0.0, msrp=0.0, units=1.0):
    return dict(date=date, importer="US", origin=origin, goods=goods, category=category,
                usmca=usmca, customs_value_usd=value, us_content_share=us_content,
                msrp_usd=msrp, units=units)


def duty(*entries, measures=None):
    m = shipped_measures() if measures is None else measures
    return duty_for_entries(m, pd.DataFrame(list(entries)))


@pytest.mark.parametrize("date, total, added", [
    ("2025-04-02", 0.025 * 30000, 0.0),          # MFN only, the day before Section 232
    ("2025-04-03", 0.275 * 30000, 0.25 * 30000),  # 232 stacks on MFN
    ("2025-06-01", 0.275 * 30000, 0.25 * 30000),
    ("2025-09-15", 0.275 * 30000, 0.25 * 30000),  # last day before the deal
    ("2025-09-16", 0.15 * 30000, 0.125 * 30000),  # 15% all-in, not retroactive
])
def test_japanese_car(date, total, added):
    r = duty(entry(date, "JP")).iloc[0]
    assert r.duty_usd == pytest.approx(total)
    assert r.added_duty_usd == pytest.approx(added)


def test_usmca_car_with_60_percent_us_content():
    r = duty(entry("2025-03-01", "MX", usmca=True, us_content=0.6),
             entry("2025-06-01", "MX", usmca=True, us_content=0.6))
    assert r.duty_usd.tolist() == pytest.approx([0.0, 0.25 * 30000 * 0.4])  # $3,000


def test_non_qualifying_mexican_car_pays_full_stack():
    r = duty(entry("2025-06-01", "MX", usmca=False)).iloc[0]
    assert r.duty_usd == pytest.approx(0.275 * 30000)


def test_light_truck_from_japan_before_and_after_the_deal():
    r = duty(entry("2025-03-01", "JP", category="light_truck"),
             entry("2025-06-01", "JP", category="light_truck"),
             entry("2025-10-01", "JP", category="light_truck"))
    # 25% MFN; 25% + 25% stacked; deal: max(15%, 25% MFN) = 25% with nothing added
    assert r.duty_usd.tolist() == pytest.approx([7500.0, 15000.0, 7500.0])
    assert r.added_duty_usd.tolist() == pytest.approx([0.0, 7500.0, 0.0])


@pytest.mark.parametrize("date, origin, usmca, total", [
    ("2025-04-15", "JP", False, 0.025),   # parts tariff starts 3 May
    ("2025-05-03", "JP", False, 0.275),
    ("2025-06-01", "MX", True, 0.0),      # USMCA-compliant parts exempt
    ("2025-06-01", "MX", False, 0.275),   # non-compliant Mexican parts pay
    ("2025-06-01", "CN", False, 0.275),
    ("2025-10-01", "JP", False, 0.15),    # Japanese parts at the 15% deal rate
])
def test_parts(date, origin, usmca, total):
    r = duty(entry(date, origin, goods="part", category="car", usmca=usmca, value=1000.0))
    assert r.duty_usd.iloc[0] == pytest.approx(total * 1000.0)


def test_offset_is_three_point_seven_five_percent_of_msrp_for_us_assembly():
    """In force 3 Apr 2025 - 30 Apr 2030, but claims are credited from 1 Nov 2025 (Ford: the
    credit 'became effective on Nov. 1'), so June assembly earns nothing."""
    r = duty(entry("2025-03-01", "US", msrp=40000.0), entry("2025-06-01", "US", msrp=40000.0),
             entry("2025-12-01", "US", msrp=40000.0), entry("2030-04-30", "US", msrp=40000.0),
             entry("2030-05-01", "US", msrp=40000.0))
    assert r.duty_usd.tolist() == [0.0] * 5
    assert r.offset_credit_usd.tolist() == pytest.approx([0.0, 0.0, 1500.0, 1500.0, 0.0])


@pytest.mark.parametrize("date,metal,rate", [
    ("2025-03-01", "steel", 0.0),        # before 12 Mar 2025
    ("2025-05-01", "steel", 0.25),       # 25% from 12 Mar
    ("2025-07-01", "steel", 0.50),       # 50% from 4 Jun
    ("2025-07-01", "aluminium", 0.50),
    ("2025-07-15", "copper", 0.0),       # copper from 1 Aug 2025
    ("2025-10-01", "copper", 0.50),      # no Japan deal on metals
])
def test_metals(date, metal, rate):
    r = duty(entry(date, "JP", goods="metal", category=metal, value=1000.0))
    assert r.duty_usd.iloc[0] == pytest.approx(rate * 1000.0)


def test_korea_and_eu_deals():
    r = duty(entry("2025-06-01", "KR"), entry("2025-11-01", "KR"),
             entry("2025-07-31", "DE"), entry("2025-08-01", "DE"))
    assert r.duty_usd.tolist() == pytest.approx([7500.0, 4500.0, 8250.0, 4500.0])


def test_uk_quota_crossing_within_a_year():
    # 60,000 cars in July fill 60k of the 100k quota; of 60,000 in August 40,000 fit at 10%,
    # 20,000 pay 27.5%; the quota starts again in January.
    r = duty(entry("2025-07-01", "GB", units=60000), entry("2025-08-01", "GB", units=60000),
             entry("2026-01-05", "GB", units=10000))
    assert r.within_quota.tolist() == pytest.approx([1.0, 40000 / 60000, 1.0])
    expected = [60000 * 3000.0, 40000 * 3000.0 + 20000 * 8250.0, 10000 * 3000.0]
    assert r.duty_usd.tolist() == pytest.approx(expected)


def test_uk_before_the_deal_pays_full_stack():
    r = duty(entry("2025-06-29", "GB")).iloc[0]
    assert r.duty_usd == pytest.approx(8250.0)


def test_new_deal_is_a_new_row_not_new_code():
    rows = shipped_measures().to_dict("records")
    rows.append(dict(measure="india_deal", layer="all_in", importer="US", origin="IN",
                     goods="vehicle", category="*", usmca="*", basis="customs_value", rate=0.10,
                     start=pd.Timestamp("2026-01-01"), end=pd.NaT, quota_units=float("nan"),
                     source="hypothetical", assumption=""))
    r = duty(entry("2025-12-31", "IN"), entry("2026-01-01", "IN"), measures=pd.DataFrame(rows))
    assert r.duty_usd.tolist() == pytest.approx([8250.0, 3000.0])


def test_equally_specific_rules_are_refused():
    m = typed_measures([measure("a", "base", "JP", "vehicle", rate=0.1),
                        measure("b", "base", "JP", "vehicle", rate=0.2)])
    with pytest.raises(AmbiguousMeasures, match="measures a, b .base layer. both apply"):
        duty(entry("2025-01-01", "JP"), measures=m)
