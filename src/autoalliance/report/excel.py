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
from openpyxl.worksheet.datavalidation import DataValidation

from autoalliance.dataset.footprint import SUMMARY_SHEET, Footprint
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


#: Derived columns of result tables, written as live formulas over the row's own cells
FORMULAS = {
    "gain_usd": "{profit_usd}-{standalone_profit_usd}",
    "alliance_gain_usd": "{profit_usd}-{standalone_profit_usd}",
    "tariff_cost_usd": "{added_duty_usd}+{offset_usd}",
    "tariff_cost_per_unit_usd": "IF({units}>0,{tariff_cost_usd}/{units},\"\")",
    "margin_usd": "{price_usd}-{variable_cost_usd}-{logistics_usd}-{duty_usd}+{offset_usd}"
                  "-{fees_usd}",
    "margin_total_usd": "{margin_usd}*{units}",
    "change_units": "{plan_units}-{today_units}",
    "gain_share_usd": "{allocation_usd}-{standalone_usd}",
}


def formula_for(column: str, cols: list[str], row: int) -> str | None:
    """The Excel formula of a derived column in row ``row`` (None when the table lacks one of
    the columns it is worked out from)."""
    template = FORMULAS.get(column)
    if template is None:
        return None
    import re

    needed = re.findall(r"\{(\w+)\}", template)
    if any(n not in cols or n == column for n in needed):
        return None
    return "=" + template.format(**{n: f"{get_column_letter(cols.index(n) + 1)}{row}"
                                    for n in needed})


def _whole(frame: pd.DataFrame, col: str) -> bool:
    v = pd.to_numeric(frame[col], errors="coerce").dropna()
    return bool(len(v)) and bool(((v - v.round()).abs() < 1e-9).all())


def _print_setup(ws, ncols: int, nrows: int, key_cols: int = 1) -> None:
    """Print area, landscape, fit to one page wide, the header row and key column repeated."""
    if ncols == 0:
        return
    ws.print_area = f"A1:{get_column_letter(ncols)}{max(1, nrows)}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    ws.print_title_cols = f"A:{get_column_letter(max(1, key_cols))}"


def _write_sheet(ws, frame: pd.DataFrame, types: dict[str, str],
                 units: dict[str, str] | None = None, formulas: bool = False) -> None:
    cols = list(frame.columns)
    units = units or {}
    formats = {c: number_format(c, types.get(c, "auto"), units.get(c, "")) for c in cols}
    for c in cols:  # unit counts: whole numbers shown whole, fractions not hidden
        if formats[c] == "#,##0" and ("units" in c or "units" in units.get(c, "")) \
                and not _whole(frame, c):
            formats[c] = "#,##0.0"
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
                f = formula_for(col, cols, r) if formulas and value is not None else None
                cell.value = f if f is not None else value
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
    _print_setup(ws, len(cols), len(frame) + 1)


def add_validation(ws, table: str, frame: pd.DataFrame, sheet_of: dict[str, str],
                   sizes: dict[str, int]) -> list[DataValidation]:
    """Drop-down lists from the schema's allowed values: ``in:a|b`` as the list itself,
    ``ref:table.column`` as the referenced sheet's column."""
    sch = schemas().get(table)
    if sch is None or frame.empty:
        return []
    cols = list(frame.columns)
    out = []
    last = len(frame) + 1
    for r in sch.columns.itertuples(index=False):
        check = str(r.check) if isinstance(r.check, str) else ""
        if r.column not in cols:
            continue
        letter = get_column_letter(cols.index(r.column) + 1)
        if check.startswith("in:"):
            allowed = check[3:].split("|")
            if len(",".join(allowed)) > 250:  # Excel's limit for a written-out list
                continue
            dv = DataValidation(type="list", formula1='"' + ",".join(allowed) + '"',
                                allow_blank=not bool(r.required))
        elif check.startswith("ref:"):
            ref_table, _, ref_col = check[4:].partition(".")
            ref_sheet = sheet_of.get(ref_table)
            ref_cols = sizes.get(f"{ref_table}.columns")
            if ref_sheet is None or ref_cols is None or ref_col not in ref_cols:
                continue
            rl = get_column_letter(ref_cols.index(ref_col) + 1)
            n = sizes[ref_table] + 1
            dv = DataValidation(type="list", formula1=f"'{ref_sheet}'!${rl}$2:${rl}${n}",
                                allow_blank=not bool(r.required))
        else:
            continue
        dv.error = f"{r.column}: choose one of the values the schema allows ({check})"
        dv.errorTitle = "Not an allowed value"
        dv.add(f"{letter}2:{letter}{last}")
        ws.add_data_validation(dv)
        out.append(dv)
    return out


def summary_frame(results: dict[str, pd.DataFrame], labels: dict | None = None) -> pd.DataFrame:
    """The Summary sheet's table: per company its tariff cost, profit, standalone profit and
    gain in the plan, and the recommended (else Shapley) share of the gain; USD millions."""
    names = (labels or {}).get("company") or {}
    rows: dict[str, dict] = {}
    ex = results.get("exposure_by_company")
    if ex is not None and len(ex):
        fy = int(ex["fiscal_year"].iloc[0])
        for r in ex.itertuples(index=False):
            rows.setdefault(r.company, {})[f"tariff cost FY{fy} ($M)"] = r.tariff_cost_usd / 1e6
    pc = results.get("plan_companies")
    if pc is not None and len(pc):
        for r in pc.itertuples(index=False):
            d = rows.setdefault(r.company, {})
            d["profit in the plan ($M)"] = r.profit_usd / 1e6
            d["standalone profit ($M)"] = r.standalone_profit_usd / 1e6
            d["alliance gain ($M)"] = None  # a formula: profit less standalone
    deal = results.get("recommended_deal")
    gs = results.get("gain_split")
    if deal is not None and len(deal):
        for r in deal.itertuples(index=False):
            rows.setdefault(r.company, {})[f"{r.rule} share of the gain ($M)"] = r.gain_usd / 1e6
    elif gs is not None and len(gs):
        for r in gs[gs["method"] == "shapley"].itertuples(index=False):
            rows.setdefault(r.company, {})["Shapley share of the gain ($M)"] = \
                r.gain_share_usd / 1e6
    if not rows:
        return pd.DataFrame()
    out = pd.DataFrame([{"company": names.get(c, c), **v} for c, v in rows.items()])
    return out


def _write_summary(ws, frame: pd.DataFrame, inputs: str) -> None:
    """The front sheet: the summary table in $M with the gain as a live formula, a total row
    of SUM formulas, and what it was computed from."""
    from openpyxl.worksheet.table import Table, TableStyleInfo

    cols = list(frame.columns)
    ws.append(cols)
    for cell in ws[1]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    at = {c: get_column_letter(i + 1) for i, c in enumerate(cols)}
    for r, row in enumerate(frame.itertuples(index=False), start=2):
        for c, (col, v) in enumerate(zip(cols, row), start=1):
            cell = ws.cell(row=r, column=c)
            if col == "alliance gain ($M)" and {"profit in the plan ($M)",
                                                 "standalone profit ($M)"} <= set(cols):
                cell.value = (f"={at['profit in the plan ($M)']}{r}"
                              f"-{at['standalone profit ($M)']}{r}")
            else:
                cell.value = _cell_value(v, "auto")
            if c > 1:
                cell.number_format = "#,##0.0"
    n = len(frame) + 1
    total = n + 1
    ws.cell(row=total, column=1, value="all partners").font = HEADER_FONT
    for c in range(2, len(cols) + 1):
        letter = get_column_letter(c)
        cell = ws.cell(row=total, column=c, value=f"=SUM({letter}2:{letter}{n})")
        cell.number_format = "#,##0.0"
        cell.font = HEADER_FONT
    tab = Table(displayName="Summary", ref=f"A1:{get_column_letter(len(cols))}{n}")
    tab.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(tab)
    ws.cell(row=total + 2, column=1, value="USD millions. Alliance gain = profit in the plan "
            "less standalone profit (a formula). The other sheets: the dataset (one per table, "
            "drop-downs from the schema), _schema, and the results in USD on _ sheets.")
    ws.cell(row=total + 3, column=1, value=f"inputs hash {inputs}")
    ws.freeze_panes = "B2"
    for c, col in enumerate(cols, start=1):
        ws.column_dimensions[get_column_letter(c)].width = max(12, min(40, len(col) + 2))
    _print_setup(ws, len(cols), total)


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
    inputs = fp.content_hash()
    front = summary_frame(results or {}, _labels(fp)) if results else pd.DataFrame()
    if len(front):
        _write_summary(wb.create_sheet(_sheet_name(SUMMARY_SHEET, used)), front, inputs)
    ordered = [t for t in sch if t in fp.tables] + [t for t in fp.tables if t not in sch]
    sheet_of, sizes = {}, {}
    for name in ordered:
        cols = sch[name].columns if name in sch else None
        types = dict(zip(cols["column"], cols["type"])) if cols is not None else {}
        units = dict(zip(cols["column"], cols["unit"].fillna(""))) if cols is not None else {}
        sheet = _sheet_name(name, used)
        sheet_of[name], sizes[name] = sheet, len(fp.tables[name])
        sizes[f"{name}.columns"] = list(fp.tables[name].columns)
        _write_sheet(wb.create_sheet(sheet), fp.tables[name], types, units)
    for name in ordered:
        add_validation(wb[sheet_of[name]], name, fp.tables[name], sheet_of, sizes)
    notes = schema_notes(ordered)
    _write_sheet(wb.create_sheet(_sheet_name("_schema", used)), notes, {})
    stamps = []
    written = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    for name, frame in (results or {}).items():
        sheet = _sheet_name("_" + name.lstrip("_"), used)
        _write_sheet(wb.create_sheet(sheet), frame, {}, formulas=True)
        stamps.append({"sheet": sheet, "inputs_hash": inputs, "written_at": written,
                       "autoalliance": __version__})
    if stamps:
        _write_sheet(wb.create_sheet(_sheet_name(STAMP_SHEET, used)), pd.DataFrame(stamps), {})
    wb.save(p)
    return p


STAMP_SHEET = "_stamp"


def _labels(fp: Footprint) -> dict:
    from autoalliance.report.data import labels

    try:
        return labels(fp)
    except Exception:  # names are a nicety: ids when a table lacks what the names need
        return {}


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
