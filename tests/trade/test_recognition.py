"""Tariff cost recognised at sale: first in first out with a constant stock of D days, worked
by hand for a rule change with stock on hand, the stock carried into the first year, and dated
sourcing (a plant that closes within the year)."""

import pandas as pd
import pytest

from autoalliance.testing import tiny_footprint, tiny_tables
from autoalliance.trade.exposure import current_flows, exposure, inventory_days, summarise

UNITS, VALUE = 120_000, 24_000  # the tiny dataset's sedan: units a year, customs value (USD)
JPY = 150


def _japan_only(tmp_path, days=30, **extra):
    """The sedan built only in Japan (no US parts lines), flat monthly profile."""
    src = tiny_tables()["sourcing"].assign(share=["0", "1"])
    inv = pd.DataFrame([dict(company="acme", origin="*", goods="*", days=days, source="s",
                             assumption="")])
    return tiny_footprint(tmp_path, sourcing=src, inventory=inv, **extra)


def per_day(month_days):
    """Share of the year's entries on one day of a month (flat profile: 1/12 a month)."""
    return 1 / 12 / month_days


def added(days_at_25, days_at_12_5, month_days):
    """Added duty (USD) of the entries of some days of one month at 25% and at 15% - 2.5%."""
    return UNITS * VALUE * per_day(month_days) * (0.25 * days_at_25 + 0.125 * days_at_12_5)


def by(fp, grouping, timing, years=(2025,)):
    r = exposure(fp, list(years), by_month=grouping == "month", timing=timing)
    s = summarise(r, "month" if grouping == "month" else "company")
    return s


def test_year_recognised_is_paid_less_the_stock_left_at_year_end(tmp_path):
    fp = _japan_only(tmp_path / "a")
    paid = by(fp, "year", "entry")["added_duty_usd"].sum()
    sold = by(fp, "year", "sale")["added_duty_usd"].sum()
    # sold in FY2025 = entered 2 Mar 2025 .. 1 Mar 2026; the March 2025 stock carried in
    # entered before the first rule (3 Apr 2025) and owes no added duty; the 30 days entered
    # 2-31 Mar 2026 at 15% (12.5 points over MFN) are sold in FY2026
    left = added(0, 30, 31)
    assert sold == pytest.approx(paid - left, rel=1e-12)
    assert paid - sold > 0


def test_quarters_by_hand_with_stock_on_hand_at_the_rule_change(tmp_path):
    fp = _japan_only(tmp_path / "a")
    m = by(fp, "month", "sale").set_index("month")["added_duty_usd"]
    q1 = m[pd.Timestamp("2025-04-01"):pd.Timestamp("2025-06-01")].sum()
    q3 = m[pd.Timestamp("2025-10-01"):pd.Timestamp("2025-12-01")].sum()
    # Q1 sales (Apr-Jun) entered 2 Mar .. 31 May: March none, 3-30 Apr (28 days) and May at 25%
    assert q1 == pytest.approx(added(28, 0, 30) + added(31, 0, 31), rel=1e-12)
    # Q3 sales (Oct-Dec) entered 1 Sep .. 1 Dec: 1-15 Sep still at 25% (the stock on hand
    # when the deal cut the rate on 16 Sep), 16-30 Sep, Oct, Nov and 1 Dec at 15%
    assert q3 == pytest.approx(added(15, 15, 30) + added(0, 31, 31) + added(0, 30, 30)
                               + added(0, 1, 31), rel=1e-12)
    # the same quarter by entry date: Oct-Dec entries, all at 15%
    e = by(fp, "month", "entry").set_index("month")["added_duty_usd"]
    q3_paid = e[pd.Timestamp("2025-10-01"):pd.Timestamp("2025-12-01")].sum()
    assert q3_paid == pytest.approx(added(0, 31, 31) + added(0, 30, 30) + added(0, 31, 31),
                                    rel=1e-12)


def test_local_cost_is_at_the_entry_rate_and_units_move_with_the_sale(tmp_path):
    fp = _japan_only(tmp_path / "a")
    s = by(fp, "year", "sale")
    assert s["tariff_cost_local"].sum() == pytest.approx(JPY * s["tariff_cost_usd"].sum())
    # units sold in FY2025: a full year's (the carried stock replaces the stock left)
    assert s["units"].sum() == pytest.approx(UNITS * (1 - per_day(31) * 30)
                                             + UNITS * per_day(31) * 30, rel=1e-12)


def test_no_inventory_is_charged_at_entry(tmp_path):
    fp = _japan_only(tmp_path / "a", days=0)
    assert by(fp, "year", "sale")["tariff_cost_usd"].sum() == pytest.approx(
        by(fp, "year", "entry")["tariff_cost_usd"].sum(), rel=1e-12)


def test_most_specific_inventory_row_wins(tmp_path):
    inv = pd.DataFrame([dict(company="acme", origin=o, goods=g, days=d, source="s",
                             assumption="")
                        for o, g, d in [("*", "*", 10), ("JP", "*", 20), ("*", "part", 30),
                                        ("JP", "part", 40)]])
    fp = tiny_footprint(tmp_path, inventory=inv)
    got = inventory_days(fp, ["acme"] * 4, ["JP", "JP", "MX", "MX"],
                         ["part", "vehicle", "part", "vehicle"])
    assert list(got) == [40, 20, 30, 10]


def test_dated_sourcing_closure_by_hand(tmp_path):
    """The Japan plant builds the sedan until September, the US plant from October: Japanese
    imports (vehicle duty) only in the first six months, units split by the flat profile."""
    src = tiny_tables()["sourcing"]
    src = pd.concat([src.assign(share=["0", "1"]),
                     src.assign(share=["1", "0"], start="2025-10-01")], ignore_index=True)
    fp = tiny_footprint(tmp_path, sourcing=src)
    flows = current_flows(fp, [2025]).set_index("plant")["units"]
    assert flows["jp1"] == pytest.approx(UNITS / 2) and flows["us1"] == pytest.approx(UNITS / 2)
    m = exposure(fp, [2025], by_month=True)
    veh = m[m["goods"].eq("vehicle") & m["plant"].eq("jp1")].groupby("month")["units"].sum()
    assert list(veh.index) == list(pd.date_range("2025-04-01", periods=6, freq="MS"))
    assert veh.sum() == pytest.approx(UNITS / 2)
    # vehicle duty: April 3-30 and May-Sep at 25% until the deal, 15% from 16 Sep (all over MFN)
    veh_added = m[m["goods"].eq("vehicle")]["added_duty_usd"].sum()
    expect = (added(28, 0, 30) + added(31, 0, 31) + added(30, 0, 30) + added(31, 0, 31)
              + added(31, 0, 31) + added(15, 15, 30))
    assert veh_added == pytest.approx(expect, rel=1e-12)
    # the annual path (no months asked) gives the same bill
    y = exposure(fp, [2025])
    assert y["added_duty_usd"].sum() == pytest.approx(m["added_duty_usd"].sum(), rel=1e-12)


def test_dated_sourcing_ramp_weights_the_profile(tmp_path):
    """A ramp: the US plant takes 0, then 0.5 from July, then 1 from January."""
    src = tiny_tables()["sourcing"]
    src = pd.concat([src.assign(share=["0", "1"]),
                     src.assign(share=["0.5", "0.5"], start="2025-07-01"),
                     src.assign(share=["1", "0"], start="2026-01-01")], ignore_index=True)
    prof = pd.DataFrame([dict(company="acme", month=m, weight=w, source="s", assumption="")
                         for m, w in zip(range(1, 13), [2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1])])
    fp = tiny_footprint(tmp_path, sourcing=src, profile=prof)
    flows = current_flows(fp, [2025]).set_index("plant")["units"]
    # fiscal month 1 (April) weighs 2, the others 1 (sum 13): Apr-Jun 2+1+1 at 0, Jul-Dec 6 at
    # 0.5, Jan-Mar 3 at 1
    us = UNITS * (0 * 4 + 0.5 * 6 + 1 * 3) / 13
    assert flows["us1"] == pytest.approx(us) and flows["jp1"] == pytest.approx(UNITS - us)
