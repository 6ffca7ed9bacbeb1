"""Workbooks an analyst can edit: one sheet per table (named as the CSVs, so
``load_footprint("book.xlsx")`` reads it back), a ``_schema`` sheet with each column's type, unit
and description from ``schema/*.csv``, and, for a report, its result tables on sheets whose names
start with ``_`` (the dataset reader skips those).

Every sheet has a frozen, filtered header row, widths that fit its columns and number formats
from the schema's units (USD with thousands separators, shares as percentages, dates as dates);
the formats change only how cells look, never their values. Result sheets are stamped (sheet
``_stamp``) with the hash of the inputs they were computed from; :func:`stale_sheets` names those
whose inputs have since been edited.

Cells keep their types: numbers as numbers, dates as dates, true/false as booleans, text as text.
Text that a spreadsheet would run as a formula (starting with ``= + - @``, tab or CR) is written
as a text cell with Excel's own quote prefix (what typing ``'=x`` in Excel stores): shown and
stored as text, never evaluated, and read back as the same string, so the round trip is exact.
Numbers are never touched, so negative numbers stay numbers.

For CSV, which has no cell types, :func:`neutralise` prefixes such text with ``'`` (and a text
that already starts with ``'``, so the escape is reversible) and :func:`restore` strips it.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from autoalliance.dataset.footprint import Footprint
from autoalliance.dataset.schema import schemas

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")


def is_risky(text: str) -> bool:
    """Would a spreadsheet treat this text as a formula (or DDE) when opened as CSV?"""
    return bool(text) and text[0] in FORMULA_START


def neutralise(text: str) -> str:
    """CSV export: prefix risky text (and text already starting with a quote) with ``'``."""
    if text and (text[0] in FORMULA_START or text[0] == "'"):
        return "'" + text
    return text


def restore(text: str) -> str:
    """CSV import: undo :func:`neutralise` (strip one leading quote)."""
    return text[1:] if text.startswith("'") else text


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells are neutralised; numbers, dates and booleans untouched."""
    out = frame.copy()
    for c in out.columns:
        if out[c].dtype == object or pd.api.types.is_string_dtype(out[c]):
            out[c] = out[c].map(lambda v: neutralise(v) if isinstance(v, str) else v)
    return out


def restore_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for c in out.columns:
        if out[c].dtype == object or pd.api.types.is_string_dtype(out[c]):
            out[c] = out[c].map(lambda v: restore(v) if isinstance(v, str) else v)
    return out


def write_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """A result table as CSV with formula-like text neutralised."""
    p = Path(path)
    neutralise_frame(frame).to_csv(p, index=False, lineterminator="\r\n")  # RFC 4180
    return p


def read_csv(path: str | Path) -> pd.DataFrame:
    """Read a CSV written by :func:`write_csv` (text cells restored)."""
    return restore_frame(pd.read_csv(path, keep_default_na=False, na_values=[""]))


def _cell_value(v, typ: str):
    """Python value for a cell of a column of schema type ``typ`` (None for missing)."""
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT:
        return None
    if isinstance(v, str) and v == "" and typ != "str":
        return None
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    if typ == "date":
        return pd.Timestamp(v).to_pydatetime().date()
    if typ == "bool":
        return bool(v)
    if typ == "int":
        return int(v)
    if typ == "float":
        f = float(v)
        return int(f) if f.is_integer() and abs(f) < 2**53 else f
    if hasattr(v, "item"):  # numpy scalar in a result table
        v = v.item()
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    if isinstance(v, (bool, int, float, dt.date)):
        return v
    return str(v)


def visible_controls(text: str) -> str:
    """Control characters an .xlsx cannot hold (openpyxl raises IllegalCharacterError) written
    as ``\\x01``: datasets refuse them when read; results and names made elsewhere may hold
    them."""
    return ILLEGAL_CHARACTERS_RE.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def number_format(column: str, typ: str, unit: str = "") -> str | None:
    """Excel number format of a column from its schema type and unit (or, for result tables,
    its name): money with thousands separators, shares as percentages, counts as integers."""
    unit = unit or ""
    name = column.lower()
    if typ == "date":
        return "yyyy-mm-dd"
    if typ == "int" or name in ("fiscal_year", "first_year", "calendar_year"):
        return "0"
    share = unit.startswith("share") or name.endswith(("share", "_share_owner")) or name in (
        "utilisation", "ratio_share", "tolerance", "probability", "rate")
    if share:
        return "0.0%"
    if unit.startswith("USD") or name.endswith(("_usd", "_local")):
        return "#,##0"
    if "units" in unit or name.endswith("units") or name in ("units", "value"):
        return "#,##0"
    if typ in ("float", "auto"):
        return "#,##0.00"
    return None


def _write_sheet(ws, frame: pd.DataFrame, types: dict[str, str],
                 units: dict[str, str] | None = None) -> None:
    cols = list(frame.columns)
    units = units or {}
    formats = {c: number_format(c, types.get(c, "auto"), units.get(c, "")) for c in cols}
    ws.append([visible_controls(str(c)) for c in cols])
    for cell in ws[1]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    for r, row in enumerate(frame.itertuples(index=False), start=2):
        for c, (col, v) in enumerate(zip(cols, row), start=1):
            value = _cell_value(v, types.get(col, "auto"))
            cell = ws.cell(row=r, column=c)
            if isinstance(value, str):
                value = visible_controls(value)
                cell.value = value
                cell.data_type = "s"  # text, never a formula
                if is_risky(value):
                    cell.quotePrefix = True
            else:
                cell.value = value
                if isinstance(value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
                elif isinstance(value, (int, float)) and not isinstance(value, bool) \
                        and formats[col]:
                    cell.number_format = formats[col]
    ws.freeze_panes = "A2"
    if cols:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{max(1, len(frame) + 1)}"
    for c, col in enumerate(cols, start=1):
        shown = [_shown(v, formats[col]) for v in frame[col].head(200)]
        width = max([len(str(col)) + 2] + [len(x) for x in shown])  # +2: the filter button
        ws.column_dimensions[get_column_letter(c)].width = min(60, max(8, width + 2))


def _shown(v, fmt: str | None) -> str:
    """Roughly what a cell shows, for its column's width."""
    if isinstance(v, (int, float)) and not isinstance(v, bool) and fmt and pd.notna(v):
        if fmt == "0.0%":
            return f"{v:.1%}"
        if fmt == "#,##0":
            return f"{v:,.0f}"
        if fmt == "#,##0.00":
            return f"{v:,.2f}"
    return str(v)


def schema_notes(tables) -> pd.DataFrame:
    """One row per column of each table: type, unit, required, check, description."""
    rows = []
    sch = schemas()
    for name in tables:
        if name not in sch:
            continue
        s = sch[name]
        for r in s.columns.itertuples(index=False):
            rows.append({"table": name, "column": r.column, "type": r.type, "unit": r.unit,
                         "required": bool(r.required), "check": r.check,
                         "description": r.description})
    return pd.DataFrame(rows)


def _sheet_name(name: str, used: set[str]) -> str:
    base = name[:31]
    n, out = 1, base
    while out in used:
        n += 1
        out = f"{base[:28]}~{n}"
    used.add(out)
    return out


def write_workbook(fp: Footprint, path: str | Path,
                   results: dict[str, pd.DataFrame] | None = None) -> Path:
    """Write a dataset (and optionally result tables, stamped with the inputs' hash) to an
    .xlsx workbook."""
    from autoalliance import __version__

    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    wb.remove(wb.active)
    sch = schemas()
    used: set[str] = set()
    ordered = [t for t in sch if t in fp.tables] + [t for t in fp.tables if t not in sch]
    for name in ordered:
        cols = sch[name].columns if name in sch else None
        types = dict(zip(cols["column"], cols["type"])) if cols is not None else {}
        units = dict(zip(cols["column"], cols["unit"].fillna(""))) if cols is not None else {}
        _write_sheet(wb.create_sheet(_sheet_name(name, used)), fp.tables[name], types, units)
    notes = schema_notes(ordered)
    _write_sheet(wb.create_sheet(_sheet_name("_schema", used)), notes, {})
    stamps = []
    inputs = fp.content_hash()
    written = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    for name, frame in (results or {}).items():
        sheet = _sheet_name("_" + name.lstrip("_"), used)
        _write_sheet(wb.create_sheet(sheet), frame, {})
        stamps.append({"sheet": sheet, "inputs_hash": inputs, "written_at": written,
                       "autoalliance": __version__})
    if stamps:
        _write_sheet(wb.create_sheet(_sheet_name(STAMP_SHEET, used)), pd.DataFrame(stamps), {})
    wb.save(p)
    return p


STAMP_SHEET = "_stamp"


def stale_sheets(path: str | Path) -> pd.DataFrame:
    """Result sheets of a workbook whose inputs have changed since they were written: one row
    per stale sheet with the hash it was computed from and the inputs' hash now."""
    from openpyxl import load_workbook

    from autoalliance.dataset.footprint import load_footprint

    p = Path(path)
    wb = load_workbook(p, read_only=True)
    try:
        if STAMP_SHEET not in wb.sheetnames:
            return pd.DataFrame(columns=["sheet", "inputs_hash", "inputs_hash_now"])
        rows = list(wb[STAMP_SHEET].iter_rows(values_only=True))
    finally:
        wb.close()
    stamps = pd.DataFrame(rows[1:], columns=rows[0])
    now = load_footprint(p).content_hash()
    stale = stamps[stamps["inputs_hash"].ne(now)]
    return stale[["sheet", "inputs_hash"]].assign(inputs_hash_now=now).reset_index(drop=True)
