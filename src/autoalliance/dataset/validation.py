"""Check raw dataset tables against the schemas and the dataset's own references.

Every problem is collected (never the first only) with file, row and column; the typed tables
come back only when there is none.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from autoalliance.dataset.codes import bad_code
from autoalliance.dataset.option_rules import check_options
from autoalliance.dataset.periods import (
    PeriodError,
    fiscal_year_of,
    fiscal_year_start,
    reported_period,
)
from autoalliance.dataset.schema import TableSchema, schemas
from autoalliance.errors import Problem

SHARE_TOLERANCE = 1e-6
# dates are read only inside this range: a later "no end" such as 9999-12-31 would overflow the
# nanosecond clock of the trade-rule matcher (leave an end blank for a rule still in force)
FIRST_DATE, LAST_DATE = pd.Timestamp("1900-01-01"), pd.Timestamp("2199-12-31")
# no number of any table is larger in magnitude (per-column ranges in the schemas are tighter)
MAGNITUDE_MAX = 1e15
_TRUE = {"true", "yes", "1"}
_FALSE = {"false", "no", "0"}


def exact(v) -> str:
    """A number as short as ``:g`` writes it when that is exactly the value, else every digit
    (so 5.0000001 is never printed as 5 next to a bound of 5)."""
    f = float(v)
    short = f"{f:g}"
    if not np.isfinite(f) or float(short) == f:
        return short
    return str(int(f)) if f.is_integer() else repr(f)


@dataclass
class RawTable:
    """A table as read: every cell a string, with where it came from."""

    frame: pd.DataFrame
    file: str  # label used in messages: "plants.csv" or "data.xlsx[plants]"
    first_row: int = 2  # row number of the first data row (header is row 1)
    rows: list[int] | None = None  # a workbook's: each data row's number in the sheet

    def row_number(self, index: int) -> int:
        if self.rows is not None and 0 <= int(index) < len(self.rows):
            return self.rows[int(index)]
        return self.first_row + int(index)


def _convert_column(raw: RawTable, name: str, spec: pd.Series, problems: list[Problem]):
    s = raw.frame[name].astype(str).str.strip()
    empty = s.eq("")
    typ = spec["type"]

    def report(mask: pd.Series, message) -> None:
        for i in np.flatnonzero(mask.to_numpy()):
            msg = message(s.iloc[i]) if callable(message) else message
            problems.append(Problem(raw.file, raw.row_number(i), name, msg))

    if spec["required"]:
        report(empty, "required value is missing")
    if typ == "str":
        return s.where(~empty, "")
    if typ in ("int", "float"):
        values = pd.to_numeric(s.where(~empty), errors="coerce")
        bad = ~empty & (values.isna() | ~np.isfinite(values.fillna(0.0)))
        report(bad, lambda v: f"expected a finite number, got {v!r}")
        huge = ~empty & ~bad & (values.abs() > MAGNITUDE_MAX)
        report(huge, lambda v: f"{exact(v)} is beyond the largest magnitude a table may hold "
               f"({MAGNITUDE_MAX:g})")
        bad = bad | huge
        if typ == "int":
            frac = ~empty & ~bad & (values.fillna(0) % 1 != 0)
            report(frac, lambda v: f"expected a whole number, got {v!r}")
            bad = bad | frac  # reported; missing for the rules across rows
        values = values.where(~bad)
        return values.astype(float) if typ == "float" else values
    if typ == "date":
        values = pd.to_datetime(s.where(~empty), format="%Y-%m-%d", errors="coerce")
        bad = ~empty & values.isna()
        report(bad, lambda v: f"expected a date as YYYY-MM-DD, got {v!r}")
        out = ~empty & ~bad & ((values < FIRST_DATE) | (values > LAST_DATE))
        report(out, lambda v: f"{v} is outside {FIRST_DATE:%Y-%m-%d} to {LAST_DATE:%Y-%m-%d}"
               + (" (leave end blank for a rule still in force)" if name == "end" else ""))
        return values.where(~out).astype("datetime64[ns]")
    if typ == "bool":
        low = s.str.lower()
        bad = ~empty & ~low.isin(_TRUE | _FALSE)
        report(bad, lambda v: f"expected true or false, got {v!r}")
        return low.isin(_TRUE)
    raise AssertionError(typ)


CODE_CHECKS = {"country": "country", "countries": "country", "currency": "currency"}


def _check_column(raw: RawTable, name: str, check: str, values: pd.Series, typed: pd.DataFrame,
                  problems: list[Problem]) -> None:
    if " " in check:  # several checks, all must hold
        for one in check.split():
            _check_column(raw, name, one, values, typed, problems)
        return
    if not check or check == "key" or check.startswith("ref:") or check in CODE_CHECKS:
        return
    kind, _, arg = check.partition(":")
    present = values.notna() & values.astype(str).ne("")

    def report(mask: pd.Series, message) -> None:
        for i in np.flatnonzero((mask & present).to_numpy()):
            problems.append(Problem(raw.file, raw.row_number(i), name, message(values.iloc[i])))

    if kind == "in":
        allowed = arg.split("|")
        report(~values.isin(allowed), lambda v: f"{v!r} is not one of {', '.join(allowed)}")
    elif kind == "range":
        lo, hi = (float(x) for x in arg.split(":"))
        report((values < lo) | (values > hi), lambda v: f"{exact(v)} is outside {exact(lo)} to "
               f"{exact(hi)}")
    elif kind == "ge":
        lo = float(arg)
        report(values < lo, lambda v: f"{exact(v)} is negative" if lo == 0 else
               f"{exact(v)} is below {exact(lo)}")
    elif kind == "le":
        hi = float(arg)
        report(values > hi, lambda v: f"{exact(v)} is above {exact(hi)}")
    elif kind == "gt":
        lo = float(arg)
        report(values <= lo, lambda v: f"{exact(v)} must be greater than {exact(lo)}")
    elif kind == "after":
        other = typed[arg]
        report(values < other, lambda v: f"{v:%Y-%m-%d} is before {arg}")
    else:
        raise AssertionError(f"unknown check {check!r}")


def _empty_column(typ: str, index: pd.Index) -> pd.Series:
    if typ in ("int", "float"):
        return pd.Series(np.nan, index=index, dtype=float)
    if typ == "date":
        return pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
    if typ == "bool":
        return pd.Series(False, index=index, dtype=bool)
    return pd.Series("", index=index, dtype=object)


def check_table(raw: RawTable, sch: TableSchema, problems: list[Problem]) -> pd.DataFrame:
    """Type-convert one table and check its own columns; returns the typed frame."""
    frame = raw.frame
    cols = list(frame.columns)
    known = set(sch.column_names)
    if len(cols) == 1 and (";" in cols[0] or "\t" in cols[0]):
        sep = ";" if ";" in cols[0] else "tab"
        problems.append(Problem(raw.file, 1, "", f"the header looks separated by {sep}; "
                                "tables are comma-separated"))
        return pd.DataFrame(columns=sch.column_names)
    for c in cols:
        if c not in known:
            problems.append(Problem(raw.file, 1, str(c), f"column {c!r} is not in the schema of "
                                    f"{sch.name} (expected: {', '.join(sch.column_names)})"))
    dup = pd.Index(cols)[pd.Index(cols).duplicated()]
    for c in dup:
        problems.append(Problem(raw.file, 1, str(c), "column appears more than once"))
    for c in sch.required_columns:
        if c not in cols:
            problems.append(Problem(raw.file, 1, c, "required column is missing"))
    typed = pd.DataFrame(index=frame.index)
    for spec in sch.columns.itertuples(index=False):
        if spec.column in cols and spec.column not in dup:
            typed[spec.column] = _convert_column(raw, spec.column, pd.Series(spec._asdict()),
                                                 problems)
        else:  # an absent column reads as a column of empty cells of its type
            typed[spec.column] = _empty_column(spec.type, frame.index)
    for spec in sch.columns.itertuples(index=False):
        if spec.column in cols:
            _check_column(raw, spec.column, spec.check, typed[spec.column], typed, problems)
    if sch.key and all(k in cols for k in sch.key):
        dupe = typed.duplicated(list(sch.key), keep="first")
        for i in np.flatnonzero(dupe.to_numpy()):
            key = ", ".join(f"{k}={typed[k].iloc[i]}" for k in sch.key)
            problems.append(Problem(raw.file, raw.row_number(i), sch.key[-1],
                                    f"duplicate key ({key})"))
    if {"source", "assumption"} <= known:
        src = typed["source"].fillna("").astype(str).str.strip()
        ass = typed["assumption"].fillna("").astype(str).str.strip()
        for i in np.flatnonzero((src.eq("") & ass.eq("")).to_numpy()):
            problems.append(Problem(raw.file, raw.row_number(i), "source",
                                    "row has neither a source nor an assumption"))
    return typed


def _refs(raws: dict[str, RawTable], typed: dict[str, pd.DataFrame],
          problems: list[Problem]) -> None:
    for name, sch in schemas().items():
        if name not in typed:
            continue
        for spec in sch.columns.itertuples(index=False):
            if not spec.check.startswith("ref:"):
                continue
            table, column = spec.check[4:].split(".")
            if table not in typed:
                continue
            allowed = set(typed[table][column].dropna().astype(str))
            values = typed[name][spec.column]
            missing = values.notna() & values.astype(str).ne("") & ~values.astype(str).isin(allowed)
            for i in np.flatnonzero(missing.to_numpy()):
                problems.append(Problem(raws[name].file, raws[name].row_number(i), spec.column,
                                        f"{values.iloc[i]!r} is not a {column} in {table}"))
    _codes(raws, typed, problems)


def _codes(raws: dict[str, RawTable], typed: dict[str, pd.DataFrame],
           problems: list[Problem]) -> None:
    """Country and currency columns hold ISO codes or codes the dataset declares in ``codes``."""
    declared = typed.get("codes")
    extra = {k: set() for k in ("country", "currency")}
    if declared is not None and len(declared):
        for kind, code in zip(declared["kind"], declared["code"]):
            extra.setdefault(kind, set()).add(str(code))
    for name, sch in schemas().items():
        if name not in typed or name == "codes":
            continue
        for spec in sch.columns.itertuples(index=False):
            for one in spec.check.split():
                kind = CODE_CHECKS.get(one)
                if kind is None:
                    continue
                values = typed[name][spec.column].astype(str)
                for i, v in enumerate(values):
                    if v in ("", "nan"):
                        continue
                    parts = v.split("|") if one == "countries" and v != "*" else \
                        ([] if one == "countries" else [v])
                    for part in parts:
                        msg = bad_code(kind, part, extra.get(kind, ()))
                        if msg:
                            problems.append(Problem(raws[name].file, raws[name].row_number(i),
                                                    spec.column, msg))


def _report_rows(raw: RawTable, frame: pd.DataFrame, mask, column: str, message,
                 problems: list[Problem]) -> None:
    for i in np.flatnonzero(np.asarray(mask)):
        problems.append(Problem(raw.file, raw.row_number(i), column, message(frame.iloc[i])))


def _dataset_rules(raws: dict[str, RawTable], t: dict[str, pd.DataFrame],
                   problems: list[Problem]) -> None:
    """Rules that span rows or tables (shares, coverage, trade-rule consistency)."""
    if "sourcing" in t:
        s = t["sourcing"]
        keys = ["nameplate", "market", "fiscal_year", "start"]
        total = s.groupby(keys, dropna=False)["share"].transform("sum")
        first = ~s.duplicated(keys) & s[keys[:3]].notna().all(axis=1)  # a missing key is reported
        bad = first & ((total - 1.0).abs() > SHARE_TOLERANCE)
        _report_rows(raws["sourcing"], s, bad, "share",
                     lambda r: f"shares of {r.nameplate} for {r.market} in FY{r.fiscal_year:.0f} "
                     + ("" if pd.isna(r.start) else f"from {r.start:%Y-%m-%d} ")
                     + f"sum to {total[r.name]:.6g}, not 1", problems)
        _dated_sourcing(raws["sourcing"], t, problems)
        if "costs" in t:
            have = set(zip(t["costs"]["nameplate"], t["costs"]["plant"]))
            no_cost = [(n, p) not in have for n, p in zip(s["nameplate"], s["plant"])]
            _report_rows(raws["sourcing"], s, no_cost, "plant",
                         lambda r: f"no costs row for {r.nameplate} built at {r.plant}", problems)
        if "plants" in t:
            kind = t["plants"].drop_duplicates("plant").set_index("plant")["kind"]
            wrong = s["plant"].map(kind).eq("powertrain")
            _report_rows(raws["sourcing"], s, wrong, "plant",
                         lambda r: f"{r.plant} is a powertrain plant, not a vehicle plant",
                         problems)
    if "demand" in t and "sourcing" in t:
        d = t["demand"]
        have = set(zip(t["sourcing"]["nameplate"], t["sourcing"]["market"],
                       t["sourcing"]["fiscal_year"]))
        orphan = [(u > 0) and pd.notna(k[2]) and (k not in have)
                  for u, k in zip(d["units"], zip(d["nameplate"], d["market"], d["fiscal_year"]))]
        _report_rows(raws["demand"], d, orphan, "nameplate",
                     lambda r: f"demand for {r.nameplate} in {r.market} FY{r.fiscal_year:.0f} "
                     "has no sourcing rows", problems)
    if "parts_content" in t:
        pc = t["parts_content"]
        total = pc.groupby("plant")["share"].transform("sum")
        first = ~pc.duplicated("plant")
        _report_rows(raws["parts_content"], pc, first & (total > 1 + SHARE_TOLERANCE), "share",
                     lambda r: f"imported parts shares of {r.plant} sum to "
                     f"{total[r.name]:.6g}, more than 1", problems)
    if "measures" in t:
        m = t["measures"]
        off = m["layer"].eq("offset")
        _report_rows(raws["measures"], m, off & m["origin"].ne(m["importer"]), "origin",
                     lambda r: "an offset rule credits vehicles assembled in the importing "
                     f"country, so origin must be {r.importer}", problems)
        _report_rows(raws["measures"], m, off & m["basis"].ne("msrp"), "basis",
                     lambda r: "an offset rule is a share of MSRP: basis must be msrp", problems)
        _report_rows(raws["measures"], m, ~off & m["basis"].eq("msrp"), "basis",
                     lambda r: f"only offset rules use basis msrp, not a {r.layer} rule",
                     problems)
        quota = m["quota_units"].notna() & ~m["layer"].eq("all_in")
        _report_rows(raws["measures"], m, quota, "quota_units",
                     lambda r: "only all_in rules take a quota", problems)
        metal_cat = m["category"].isin(["steel", "aluminium", "copper"])
        _report_rows(raws["measures"], m, m["goods"].eq("metal") & ~metal_cat, "category",
                     lambda r: "a metal rule names its metal as category (steel, aluminium or "
                     "copper)", problems)
        _report_rows(raws["measures"], m, ~m["goods"].eq("metal") & metal_cat, "category",
                     lambda r: f"category {r.category} is for metal rules, not {r.goods}",
                     problems)
        claims = m["claims_from"].notna() & ~off
        _report_rows(raws["measures"], m, claims, "claims_from",
                     lambda r: "only offset rules take a claims_from date", problems)
        nonus = m["basis"].eq("non_us_content") & ~m["layer"].eq("additional")
        _report_rows(raws["measures"], m, nonus, "basis",
                     lambda r: "basis non_us_content is for additional rules only", problems)
    if "options" in t and {"nameplates", "plants", "costs"} <= set(t):
        problems.extend(check_options(t, raws["options"].file, raws["options"].first_row))
    if "costs" in t:
        c = t["costs"]
        local = c["local_cost_share"].fillna(0.0) > 0
        _report_rows(raws["costs"], c, local & c["cost_currency"].fillna("").eq(""),
                     "cost_currency", lambda r: "a local_cost_share above 0 needs the "
                     "cost_currency it is incurred in", problems)
        _report_rows(raws["costs"], c, local & c["cost_fx_per_usd"].isna(), "cost_fx_per_usd",
                     lambda r: "a local_cost_share above 0 needs the rate (cost_fx_per_usd) "
                     "at which variable_cost_usd states it", problems)
        if "fx" in t:
            quoted = set(t["fx"]["currency"]) | {"USD"}
            _report_rows(raws["costs"], c, local & ~c["cost_currency"].isin(quoted)
                         & c["cost_currency"].fillna("").ne(""), "cost_currency",
                         lambda r: f"no rates for {r.cost_currency} in fx", problems)
    if "reported" in t and "companies" in t:
        _reported_periods(raws["reported"], t, problems)
    if "fx" in t:
        _fx_gaps(raws["fx"], t, problems)
    if "fx" in t and "companies" in t:
        fx = t["fx"].sort_values(["currency", "start"])
        overlap = fx.groupby("currency")["start"].shift(-1) <= fx["end"]
        for i in fx.index[overlap.fillna(False)]:
            problems.append(Problem(raws["fx"].file, raws["fx"].row_number(i), "end",
                                    "date range overlaps the next rate for "
                                    f"{fx.at[i, 'currency']}"))


def _start_months(t: dict[str, pd.DataFrame]) -> dict[str, int]:
    """Fiscal-year start month per company (those with a valid one)."""
    c = t.get("companies")
    if c is None:
        return {}
    c = c[c["fiscal_year_start_month"].notna()]
    return dict(zip(c["company"], c["fiscal_year_start_month"].astype(int)))


def _dated_sourcing(raw: RawTable, t: dict[str, pd.DataFrame], problems: list[Problem]) -> None:
    """A dated share starts on the first of a month inside its fiscal year, and a year with
    dated shares has shares from its first day (a blank start)."""
    s = t["sourcing"]
    dated = s["start"].notna()
    if not dated.any():
        return
    np_company = (dict(zip(t["nameplates"]["nameplate"], t["nameplates"]["company"]))
                  if "nameplates" in t else {})
    months = _start_months(t)
    for i in np.flatnonzero(dated.to_numpy()):
        r = s.iloc[i]
        if r.start.day != 1:
            problems.append(Problem(raw.file, raw.row_number(i), "start",
                                    f"{r.start:%Y-%m-%d} is not the first day of a month"))
            continue
        sm = months.get(np_company.get(r.nameplate))
        if sm is None or pd.isna(r.fiscal_year):
            continue
        if fiscal_year_of(r.start, sm) != int(r.fiscal_year):
            problems.append(Problem(raw.file, raw.row_number(i), "start",
                                    f"{r.start:%Y-%m-%d} is not in FY{r.fiscal_year:.0f} of the "
                                    f"company of {r.nameplate} (its years start in month {sm})"))
    keys = ["nameplate", "market", "fiscal_year"]
    sm_of = s["nameplate"].map(np_company).map(months)
    fy_first = [fiscal_year_start(int(y), int(m)) if pd.notna(y) and pd.notna(m) else pd.NaT
                for y, m in zip(s["fiscal_year"], sm_of)]
    from_first = s["start"].isna() | s["start"].eq(pd.Series(fy_first, index=s.index))
    has_first = from_first.groupby([s[k] for k in keys]).transform("any")
    lone = ~has_first & ~s.duplicated(keys)
    _report_rows(raw, s, lone, "start",
                 lambda r: f"{r.nameplate} for {r.market} in FY{r.fiscal_year:.0f} has dated "
                 "shares but none from the fiscal year's first day (a row with a blank start)",
                 problems)


def _reported_periods(raw: RawTable, t: dict[str, pd.DataFrame],
                      problems: list[Problem]) -> None:
    """Every reported figure's period is one calibrate can read."""
    rep = t["reported"]
    months = _start_months(t)
    for i, r in enumerate(rep.itertuples(index=False)):
        sm = months.get(r.company)
        if sm is None:
            continue  # an unknown company is reported by its reference check
        try:
            reported_period(r.period, r.start, r.end, r.span, sm)
        except PeriodError as e:
            col = "period" if r.period else ("start" if pd.isna(r.start) else "end")
            problems.append(Problem(raw.file, raw.row_number(i), col, str(e)))


def _fx_gaps(raw: RawTable, t: dict[str, pd.DataFrame], problems: list[Problem]) -> None:
    """A company's currency has rates with no gap between its first and last rate: a missing
    month would fail only when exposure reaches it."""
    fx = t["fx"].dropna(subset=["start"]).sort_values(["currency", "start"])
    nxt = fx.groupby("currency")["start"].shift(-1)
    gap = nxt.notna() & fx["end"].notna() & (nxt > fx["end"] + pd.Timedelta(days=1))
    for i in fx.index[gap]:
        problems.append(Problem(raw.file, raw.row_number(i), "end",
                                f"no {fx.at[i, 'currency']} rate from "
                                f"{fx.at[i, 'end'] + pd.Timedelta(days=1):%Y-%m-%d} to "
                                f"{nxt[i] - pd.Timedelta(days=1):%Y-%m-%d} (the next rate "
                                "starts later): rates of a currency must not leave a gap"))


def check_across_tables(raws: dict[str, RawTable], typed: dict[str, pd.DataFrame],
                        problems: list[Problem]) -> None:
    """The rules across rows and tables: references, shares, coverage, trade-rule consistency."""
    _refs(raws, typed, problems)
    _dataset_rules(raws, typed, problems)


def check_dataset(raws: dict[str, RawTable], label: str) -> tuple[dict[str, pd.DataFrame],
                                                                   list[Problem]]:
    """Type-convert and check every table; returns (typed tables, problems)."""
    problems: list[Problem] = []
    typed: dict[str, pd.DataFrame] = {}
    for name, sch in schemas().items():
        if name not in raws:
            if sch.required:
                problems.append(Problem(f"{label}", 0, "", f"required table {name!r} is missing"))
            continue
        before = len(problems)
        typed[name] = check_table(raws[name], sch, problems)
        if sch.required and len(raws[name].frame) == 0 and len(problems) == before:
            problems.append(Problem(raws[name].file, 0, "", f"table {name!r} has no rows"))
    for name in raws:
        if name not in schemas():
            problems.append(Problem(raws[name].file, 0, "", f"{name!r} is not a table autoalliance "
                                    f"knows (tables: {', '.join(schemas())})"))
    if not problems or all(p.row != 1 for p in problems):
        check_across_tables(raws, typed, problems)
    return typed, problems

