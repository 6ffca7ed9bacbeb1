"""Reported periods: labels and dates to months, and validate's refusals (file, row, column)."""

import pandas as pd
import pytest

from autoalliance.dataset.footprint import validate
from autoalliance.dataset.periods import PeriodError, fiscal_year_of, reported_period
from autoalliance.errors import Problem
from autoalliance.testing import tiny_tables, write_tables

T = pd.Timestamp
NAN = float("nan")


@pytest.mark.parametrize("label,span,start,end", [
    ("FY2025", "", "2025-04-01", "2026-03-31"),
    ("FY2025Q1", "", "2025-04-01", "2025-06-30"),
    ("FY2025Q3", "", "2025-10-01", "2025-12-31"),
    ("FY2025Q4", "discrete", "2026-01-01", "2026-03-31"),
    ("FY2025Q3", "cumulative", "2025-04-01", "2025-12-31"),
    ("FY2025H1", "", "2025-04-01", "2025-09-30"),
    ("FY2025H2", "", "2025-10-01", "2026-03-31"),
    ("FY2025-9M", "", "2025-04-01", "2025-12-31"),
])
def test_labels_of_an_april_year(label, span, start, end):
    p = reported_period(label, NAN, NAN, span, 4)
    assert (p.start, p.end, p.fiscal_year) == (T(start), T(end), 2025)


def test_calendar_year_firm_and_dates():
    p = reported_period("FY2025Q2", NAN, NAN, "", 1)
    assert (p.start, p.end) == (T("2025-04-01"), T("2025-06-30"))
    p = reported_period("", T("2025-04-01"), T("2025-12-31"), "", 4)
    assert (p.start, p.end, p.fiscal_year, len(p.months)) == (T("2025-04-01"), T("2025-12-31"),
                                                              2025, 9)
    across = reported_period("", T("2025-01-01"), T("2025-12-31"), "", 4)
    assert across.fiscal_year is None and len(across.months) == 12
    assert fiscal_year_of(T("2026-03-01"), 4) == 2025 and fiscal_year_of(T("2026-04-01"), 4) == 2026


@pytest.mark.parametrize("label,start,end,message", [
    ("2025Q2", NAN, NAN, "period '2025Q2' is not one of"),
    ("FY2025Q5", NAN, NAN, "is not one of"),
    ("", NAN, NAN, "needs a period"),
    ("", T("2025-04-02"), T("2025-06-30"), "not the first day of a month"),
    ("", T("2025-04-01"), T("2025-06-29"), "not the last day of a month"),
    ("FY2025Q2", T("2025-04-01"), T("2025-06-30"), "do not agree with FY2025Q2"),
])
def test_unreadable_periods(label, start, end, message):
    with pytest.raises(PeriodError, match=message):
        reported_period(label, start, end, "", 4)


def _reported(**cells):
    row = dict(company="acme", metric="tariff_cost", period="FY2025", as_of="2026-02-10",
               value=1e9, currency="JPY", out_of_scope_share=0, source="s", assumption="")
    row.update(cells)
    return pd.DataFrame([row])


def test_validate_refuses_what_calibrate_cannot_read(tmp_path):
    t = tiny_tables()
    t["reported"] = pd.concat([_reported(period="2025Q2"),
                               _reported(period="", start="2025-04-01", end="2025-06-15",
                                         as_of="2025-08-01"),
                               _reported(period="FY2025Q3", span="cumulative",
                                         as_of="2026-02-11"),
                               _reported(period="FY2025Q3", span="discrete", scope="autos",
                                         as_of="2026-02-11"),
                               _reported(period="FY2025Q3", span="discrete", scope="group",
                                         outlet="call", as_of="2026-02-11")],
                              ignore_index=True)
    problems = validate(write_tables(t, tmp_path / "ds"))
    assert problems == [
        Problem("reported.csv", 2, "period", "period '2025Q2' is not one of FY2025, "
                "FY2025Q1-Q4, FY2025H1, FY2025H2 or FY2025-9M"),
        Problem("reported.csv", 3, "end", "end 2025-06-15 is not the last day of a month")]


def test_dated_sourcing_rules(tmp_path):
    t = tiny_tables()
    src = t["sourcing"]
    t["sourcing"] = pd.concat([
        src, src.assign(start="2025-10-01", share=[1.0, 0.0]),    # fine: a closure from October
        src.assign(start="2026-05-01", share=[1.0, 0.0]),         # outside FY2025
        src.assign(start="2025-11-15", share=[1.0, 0.0]),         # not a month's first day
        src.assign(start="2025-12-01", share=[0.7, 0.2])],        # does not sum to one
        ignore_index=True)
    problems = validate(write_tables(t, tmp_path / "ds"))
    late = "2026-05-01 is not in FY2025 of the company of sedan (its years start in month 4)"
    mid = "2025-11-15 is not the first day of a month"
    assert problems == sorted([
        Problem("sourcing.csv", 6, "start", late), Problem("sourcing.csv", 7, "start", late),
        Problem("sourcing.csv", 8, "start", mid), Problem("sourcing.csv", 9, "start", mid),
        Problem("sourcing.csv", 10, "share", "shares of sedan for US in FY2025 from 2025-12-01 "
                "sum to 0.9, not 1")])


def test_year_with_dated_shares_needs_its_first_day(tmp_path):
    t = tiny_tables()
    t["sourcing"] = t["sourcing"].assign(start="2025-07-01")
    problems = validate(write_tables(t, tmp_path / "ds"))
    assert problems == [Problem("sourcing.csv", 2, "start", "sedan for US in FY2025 has dated "
                                "shares but none from the fiscal year's first day (a row with "
                                "a blank start)")]


def test_fx_gap_is_caught(tmp_path):
    t = tiny_tables()
    t["fx"] = pd.DataFrame([
        dict(currency="JPY", start="2020-01-01", end="2025-05-31", per_usd=150, source="s",
             assumption=""),
        dict(currency="JPY", start="2025-07-01", end="2035-12-31", per_usd=150, source="s",
             assumption="")])
    assert validate(write_tables(t, tmp_path / "ds")) == [
        Problem("fx.csv", 2, "end", "no JPY rate from 2025-06-01 to 2025-06-30 (the next rate "
                "starts later): rates of a currency must not leave a gap")]
