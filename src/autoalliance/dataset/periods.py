"""Fiscal-year periods of reported figures: FY2025, FY2025Q2, FY2025H1, FY2025-9M, or dates.

A period is a whole number of calendar months inside one company's fiscal year (or, given by
dates, any run of whole months). FY2025 of a firm whose year starts in April runs April 2025 to
March 2026; Q2 is its months 4-6, H2 months 7-12, 9M months 1-9. A ``cumulative`` span runs
from the fiscal year's first day to the end of the period (Q3 cumulative = 9M).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

_PERIOD = re.compile(r"^FY(\d{4})(?:(Q[1-4])|(H[12])|(-9M))?$")
_MONTHS = {None: (1, 12), "Q1": (1, 3), "Q2": (4, 6), "Q3": (7, 9), "Q4": (10, 12),
           "H1": (1, 6), "H2": (7, 12), "-9M": (1, 9)}
FORMS = "FY2025, FY2025Q1-Q4, FY2025H1, FY2025H2 or FY2025-9M"


class PeriodError(ValueError):
    """A period label or date range that cannot be read (the message says why)."""


@dataclass(frozen=True)
class Period:
    """A run of whole months: ``start`` (first day) to ``end`` (last day, inclusive)."""

    start: pd.Timestamp
    end: pd.Timestamp
    fiscal_year: int | None  # the fiscal year the months lie in (None: dates across years)

    @property
    def months(self) -> pd.DatetimeIndex:
        """The first day of each month of the period."""
        return pd.date_range(self.start, self.end, freq="MS")


def fiscal_year_start(fiscal_year: int, start_month: int) -> pd.Timestamp:
    """First day of a fiscal year (FY2025 starting in April: 1 April 2025)."""
    return pd.Timestamp(int(fiscal_year), int(start_month), 1)


def fiscal_year_of(month: pd.Timestamp, start_month: int) -> int:
    """The fiscal year a calendar month lies in (March 2026 is FY2025 for an April year)."""
    m = pd.Timestamp(month)
    return m.year if m.month >= int(start_month) else m.year - 1


def parse_label(label: str, start_month: int, span: str = "discrete") -> Period:
    """The months of a fiscal-year period label (see the module docstring)."""
    m = _PERIOD.match(str(label).strip())
    if not m:
        raise PeriodError(f"period {label!r} is not one of {FORMS}")
    fy = int(m.group(1))
    part = m.group(2) or m.group(3) or m.group(4)
    first, last = _MONTHS[part]
    if span == "cumulative":
        first = 1
    fy_start = fiscal_year_start(fy, start_month)
    start = fy_start + pd.DateOffset(months=first - 1)
    end = fy_start + pd.DateOffset(months=last) - pd.Timedelta(days=1)
    return Period(pd.Timestamp(start), pd.Timestamp(end), fy)


def from_dates(start, end, start_month: int) -> Period:
    """A period given by its first and last day: whole calendar months."""
    s, e = pd.Timestamp(start), pd.Timestamp(end)
    if s.day != 1:
        raise PeriodError(f"start {s:%Y-%m-%d} is not the first day of a month")
    if (e + pd.Timedelta(days=1)).day != 1:
        raise PeriodError(f"end {e:%Y-%m-%d} is not the last day of a month")
    if e < s:
        raise PeriodError(f"end {e:%Y-%m-%d} is before start {s:%Y-%m-%d}")
    fy = fiscal_year_of(s, start_month)
    return Period(s, e, fy if fiscal_year_of(e, start_month) == fy else None)


def reported_period(period: str, start, end, span: str, start_month: int) -> Period:
    """The months a ``reported`` row covers: from its period label, or its start and end dates
    (which must agree with the label when both are given)."""
    span = span or "discrete"
    has_dates = not (pd.isna(start) or start == "") or not (pd.isna(end) or end == "")
    label = "" if period is None or (isinstance(period, float) and pd.isna(period)) \
        else str(period).strip()
    if not label:
        if pd.isna(start) or pd.isna(end) or start == "" or end == "":
            raise PeriodError("a figure needs a period (FY2025, FY2025Q2, ...) or both start and "
                              "end dates")
        p = from_dates(start, end, start_month)
        if span == "cumulative":
            raise PeriodError("span cumulative needs a period label (its fiscal year's start); "
                              "give dates from the fiscal year's first day instead")
        return p
    p = parse_label(label, start_month, span)
    if has_dates:
        d = from_dates(start if not pd.isna(start) else p.start,
                       end if not pd.isna(end) else p.end, start_month)
        if (d.start, d.end) != (p.start, p.end):
            raise PeriodError(f"dates {d.start:%Y-%m-%d} to {d.end:%Y-%m-%d} do not agree with "
                              f"{label} ({span}: {p.start:%Y-%m-%d} to {p.end:%Y-%m-%d})")
    return p
