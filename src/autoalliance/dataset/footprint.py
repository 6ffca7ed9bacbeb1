"""Footprint: the validated tables of a dataset, read from a CSV folder or an .xlsx workbook."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from autoalliance.dataset.files import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_TABLE_BYTES,
    FileRefused,
    read_bounded,
    workbook_extent,
)
from autoalliance.dataset.schema import schemas
from autoalliance.dataset.validation import (
    RawTable,
    check_across_tables,
    check_dataset,
    check_table,
)
from autoalliance.errors import DatasetError, Problem

SUMMARY_SHEET = "Summary"  # a workbook's front sheet of results (report/excel.py), not a table
DATASETS_DIR = Path(__file__).parents[1] / "datasets"
DEFAULT_DATASET = "nissan_honda_2025"


def dataset_path(path: str | Path | None) -> Path:
    """Resolve a dataset argument: None -> the bundled default; a bundled name; or a path."""
    if path is None:
        return DATASETS_DIR / DEFAULT_DATASET
    p = Path(path)
    if not p.exists() and (DATASETS_DIR / str(path)).is_dir() and "/" not in str(path):
        return DATASETS_DIR / str(path)
    return p


def _read_csv(file: Path) -> pd.DataFrame:
    try:
        data = read_bounded(file, MAX_TABLE_BYTES, "CSV table")
    except FileRefused as e:
        raise DatasetError([Problem(file.name, 0, "", e.reason)]) from None
    try:
        text = data.decode("utf-8-sig")  # keeps a lone CR inside a quoted cell
    except UnicodeDecodeError as e:
        raise DatasetError([Problem(file.name, 0, "", f"not UTF-8 text ({e.reason} at byte "
                                    f"{e.start}); save the file as UTF-8 CSV")]) from None
    if not text.strip():
        raise DatasetError([Problem(file.name, 0, "", "the file is empty (no header row)")])
    from io import StringIO

    try:
        return pd.read_csv(StringIO(text), dtype=str, keep_default_na=False, na_filter=False,
                           skipinitialspace=False)
    except (pd.errors.ParserError, csv.Error) as e:
        msg = str(e)
        row = 0
        if "line" in msg:
            try:
                row = int(msg.split("line")[1].split(",")[0].strip())
            except (ValueError, IndexError):
                row = 0
        raise DatasetError([Problem(file.name, row, "", f"cannot be read as CSV: {msg}")]) from None


def _cell_text(v) -> str:
    """A workbook cell as the text a CSV would hold. A date is YYYY-MM-DD; a time of day keeps
    its time (09:30:00, or 2025-04-01 09:30:00 with a date), so a date column refuses it with
    the cell named instead of reading 1900-01-01 or dropping the hour."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%d") if v.time() == dt.time(0) and v.tzinfo is None else \
            v.isoformat(sep=" ")
    if isinstance(v, dt.time):
        return v.isoformat()
    if isinstance(v, dt.timedelta):  # a duration cell ([h]:mm)
        return f"{v}"
    if hasattr(v, "strftime"):
        return v.strftime("%Y-%m-%d")
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


_CONTROL = r"([\x00-\x08\x0b\x0c\x0e-\x1f])"  # what an .xlsx cannot hold (tab, LF, CR can)


def check_bounds(raws: dict[str, RawTable]) -> list[Problem]:
    """Tables beyond the bounds on work (rows, columns, characters in a cell); the oversized
    cells are named by row and column, their content never echoed."""
    problems = []
    for raw in raws.values():
        frame = raw.frame
        if len(frame) > MAX_ROWS:
            problems.append(Problem(raw.file, 0, "", f"{len(frame):,} rows, more than the "
                                    f"{MAX_ROWS:,} a table may have"))
        if frame.shape[1] > MAX_COLUMNS:
            problems.append(Problem(raw.file, 0, "", f"{frame.shape[1]:,} columns, more than "
                                    f"the {MAX_COLUMNS} a table may have"))
        if problems:
            continue
        for i, col in enumerate(frame.columns):
            if len(str(col)) > MAX_CELL_CHARS:
                problems.append(Problem(raw.file, 1, f"#{i + 1}", f"the header holds "
                                        f"{len(str(col)):,} characters, more than "
                                        f"{MAX_CELL_CHARS:,}"))
                continue
            text = frame.iloc[:, i].astype(str)
            lengths = text.str.len().to_numpy()
            for r in (lengths > MAX_CELL_CHARS).nonzero()[0]:
                problems.append(Problem(raw.file, raw.row_number(r), str(col),
                                        f"the cell holds {int(lengths[r]):,} characters, more "
                                        f"than the {MAX_CELL_CHARS:,} a cell may hold"))
            found = text.str.extract(_CONTROL, expand=False).to_numpy()
            for r in pd.notna(found).nonzero()[0]:
                if lengths[r] <= MAX_CELL_CHARS:
                    problems.append(Problem(raw.file, raw.row_number(r), str(col),
                                            f"the cell holds the control character "
                                            f"U+{ord(found[r]):04X}, which a workbook cannot "
                                            f"hold; remove it"))
    return problems


def read_raw(path: Path) -> dict[str, RawTable]:
    """Read every table of a dataset as strings, keeping where each came from; tables beyond
    the bounds on work (``dataset.files``) are refused before they are checked."""
    raws = _read_tables(path)
    problems = check_bounds(raws)
    if problems:
        raise DatasetError(problems)
    return raws


def _read_tables(path: Path) -> dict[str, RawTable]:
    try:
        is_dir = path.is_dir()
    except OSError as e:
        raise DatasetError([Problem(str(path), 0, "", f"cannot be read: {e.strerror}")]) \
            from None
    if is_dir:
        raws = {}
        try:
            files = sorted(path.glob("*.csv"))
        except OSError as e:
            raise DatasetError([Problem(str(path), 0, "", f"the folder cannot be listed: "
                                        f"{e.strerror}")]) from None
        for file in files:
            raws[file.stem] = RawTable(_read_csv(file), file.name)
        return raws
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            data = read_bounded(path, MAX_TABLE_BYTES, "workbook")
            workbook_extent(data)
        except FileRefused as e:
            raise DatasetError([Problem(path.name, 0, "", e.reason)]) from None
        try:
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            sheets = {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}
            wb.close()
            # a formula saved without its value (written by a program, never opened in a
            # spreadsheet) reads as empty; keep its text so the message shows what the cell holds
            if any(v is None for rows in sheets.values() for r in rows for v in r):
                wf = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
                for ws in wf.worksheets:
                    sheets[ws.title] = [
                        [v if v is not None or getattr(c, "data_type", "") != "f" else c.value
                         for v, c in zip(vals, cells)]
                        for vals, cells in zip(sheets[ws.title], ws.iter_rows())]
                wf.close()
        except Exception as e:  # openpyxl raises many types for a broken file
            reason = str(e) or type(e).__name__
            raise DatasetError([Problem(path.name, 0, "", f"cannot be read as a workbook: "
                                        f"{reason[:300]}")]) from None
        raws = {}
        for title, sheet_rows in sheets.items():
            if title.startswith("_") or title == SUMMARY_SHEET:  # notes and summary sheets
                continue
            # (row number as the spreadsheet shows it, cells): blank rows are skipped but
            # counted, so a message names the row the user sees
            rows = [(n, [_cell_text(v) for v in r]) for n, r in enumerate(sheet_rows, start=1)]
            rows = [(n, r) for n, r in rows if any(c != "" for c in r)]
            label = f"{path.name}[{title}]"
            if not rows:
                raws[title] = RawTable(pd.DataFrame(), label)
                continue
            header_row, header = rows[0][0], list(rows[0][1])
            while header and header[-1] == "":
                header.pop()
            body = [r[: len(header)] + [""] * (len(header) - len(r)) for _, r in rows[1:]]
            raws[title] = RawTable(pd.DataFrame(body, columns=header, dtype=str), label,
                                   first_row=header_row + 1, rows=[n for n, _ in rows[1:]])
        return raws
    if path.is_symlink() and not path.exists():
        raise DatasetError([Problem(str(path), 0, "", "a link to a dataset that does not "
                                    "exist")])
    if not path.exists():
        raise DatasetError([Problem(str(path), 0, "", "no such dataset folder or workbook")])
    raise DatasetError([Problem(path.name, 0, "", "a dataset is a folder of CSV files or an "
                                ".xlsx workbook")])


@dataclass
class Footprint:
    """The validated tables of one dataset (inputs only; results live elsewhere)."""

    tables: dict[str, pd.DataFrame]
    name: str = DEFAULT_DATASET
    source_path: Path | None = None
    _hash: str | None = field(default=None, repr=False)

    def __getattr__(self, item: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if item in tables:
            return tables[item]
        if item in schemas():
            return empty_table(item)
        raise AttributeError(item)

    def table(self, name: str) -> pd.DataFrame:
        return self.tables.get(name, empty_table(name))

    def replace(self, **tables: pd.DataFrame) -> Footprint:
        """A copy with some tables replaced (inputs are never mutated)."""
        new = dict(self.tables)
        new.update(tables)
        return Footprint(new, self.name, self.source_path)

    def content_hash(self) -> str:
        """SHA-256 over the tables' canonical CSV text: identifies the inputs of a run."""
        if self._hash is None:
            h = hashlib.sha256()
            for name in sorted(self.tables):
                h.update(name.encode())
                h.update(self.tables[name].to_csv(index=False, date_format="%Y-%m-%d").encode())
            self._hash = h.hexdigest()
        return self._hash

    def currency_of(self, company: str) -> str:
        return self.companies.set_index("company").at[company, "currency"]

    @property
    def fiscal_years(self) -> list[int]:
        """Every fiscal year with demand, in order."""
        return sorted({int(y) for y in self.table("demand")["fiscal_year"].dropna()})

    @property
    def base_year(self) -> int:
        """The dataset's first fiscal year (today's sourcing; the year figures were reported):
        the default fiscal year of exposure and calibration."""
        years = self.fiscal_years
        if not years:
            raise DatasetError([Problem("demand.csv", 0, "fiscal_year",
                                        "the dataset has no demand, so no fiscal year")])
        return years[0]

    @property
    def default_horizon(self) -> tuple[int, int]:
        """The default plan horizon: the fiscal years with demand after the base year (the base
        year alone when there are no later ones)."""
        years = self.fiscal_years
        later = [y for y in years if y > self.base_year]
        return (later[0], later[-1]) if later else (years[0], years[0])


def empty_table(name: str) -> pd.DataFrame:
    return pd.DataFrame(columns=schemas()[name].column_names)


def validate(path: str | Path | None = None) -> list[Problem]:
    """Every problem of a dataset (empty list when it is valid). Reads only; writes nothing."""
    p = dataset_path(path)
    try:
        raws = read_raw(p)
    except DatasetError as e:
        return e.problems
    _, problems = check_dataset(raws, p.name)
    return sorted(problems)


def load_footprint(path: str | Path | None = None) -> Footprint:
    """Load and validate a dataset; raises DatasetError listing every problem."""
    p = dataset_path(path)
    raws = read_raw(p)
    typed, problems = check_dataset(raws, p.name)
    if problems:
        raise DatasetError(problems)
    name = p.stem if p.is_file() else p.name
    return Footprint(typed, name=name, source_path=p)


def _csv_ready(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Cells as the text a CSV or workbook holds: ISO dates, true/false, blanks for missing."""
    out = pd.DataFrame(index=frame.index)
    cols = schemas()[table].columns.set_index("column")["type"] if table in schemas() else {}
    for c in frame.columns:
        s = frame[c]
        typ = cols.get(c, "str") if hasattr(cols, "get") else "str"
        if typ == "date":
            out[c] = pd.to_datetime(s).dt.strftime("%Y-%m-%d").fillna("")
        elif typ == "bool":
            out[c] = s.map(lambda v: "" if pd.isna(v) else ("true" if bool(v) else "false"))
        elif typ in ("int", "float"):
            out[c] = s.map(lambda v: "" if pd.isna(v) else (str(int(v)) if float(v).is_integer()
                                                             else repr(float(v))))
        else:
            out[c] = s.map(lambda v: "" if pd.isna(v) else str(v))
    return out


def revalidate(fp: Footprint, changed: dict[str, pd.DataFrame]) \
        -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """The dataset checks over a footprint whose ``changed`` tables were replaced: the changed
    tables go through the schema checks again (as the strings a CSV would hold), and the rules
    across tables (references, shares, coverage, trade-rule consistency) run over all of them.
    Unchanged tables were checked when the dataset was loaded and are not converted again."""
    problems: list[Problem] = []
    raws = {n: RawTable(pd.DataFrame(), f"{n}.csv") for n in fp.tables}
    typed = dict(fp.tables)
    for table, frame in changed.items():
        raws[table] = RawTable(_csv_ready(frame, table).reset_index(drop=True), f"{table}.csv")
        before = len(problems)
        typed[table] = check_table(raws[table], schemas()[table], problems)
        if schemas()[table].required and len(frame) == 0 and len(problems) == before:
            problems.append(Problem(f"{table}.csv", 0, "", f"table {table!r} has no rows"))
    if all(p.row != 1 for p in problems):
        check_across_tables(raws, typed, problems)
    return typed, problems


def save_csv_folder(fp: Footprint, path: str | Path) -> Path:
    """Write every table as ``<table>.csv`` in a folder (created if missing)."""
    p = Path(path)
    p.mkdir(parents=True, exist_ok=True)
    for name, frame in fp.tables.items():
        _csv_ready(frame, name).to_csv(p / f"{name}.csv", index=False)
    return p
