"""Workbooks an analyst can edit: one sheet per table (named as the CSVs, so
``load_footprint("book.xlsx")`` reads it back), a ``_schema`` sheet with each column's type, unit
and description from ``schema/*.csv``, and, for a report, its result tables on sheets whose names
start with ``_`` (the dataset reader skips those).

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


def _write_sheet(ws, frame: pd.DataFrame, types: dict[str, str]) -> None:
    cols = list(frame.columns)
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
    ws.freeze_panes = "A2"
    for c, col in enumerate(cols, start=1):
        width = max([len(str(col))] + [len(str(v)) for v in frame[col].head(200)])
        ws.column_dimensions[get_column_letter(c)].width = min(60, max(8, width + 2))


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
    """Write a dataset (and optionally result tables) to an .xlsx workbook."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    wb.remove(wb.active)
    sch = schemas()
    used: set[str] = set()
    ordered = [t for t in sch if t in fp.tables] + [t for t in fp.tables if t not in sch]
    for name in ordered:
        types = (dict(zip(sch[name].columns["column"], sch[name].columns["type"]))
                 if name in sch else {})
        _write_sheet(wb.create_sheet(_sheet_name(name, used)), fp.tables[name], types)
    notes = schema_notes(ordered)
    _write_sheet(wb.create_sheet(_sheet_name("_schema", used)), notes, {})
    for name, frame in (results or {}).items():
        sheet = _sheet_name("_" + name.lstrip("_"), used)
        _write_sheet(wb.create_sheet(sheet), frame, {})
    wb.save(p)
    return p
