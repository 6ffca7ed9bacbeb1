"""Fuzzing the workbook loader (and the dashboard's upload path over it): whatever a workbook
holds, `validate` answers with Problems naming ``book.xlsx[sheet]``, row and column, `load`
either succeeds or raises DatasetError with the same problems, and nothing is written.

Also the workbook half of the bad-input catalogue, with exact messages. The budget is small
here; `make fuzz` raises it (AUTOALLIANCE_FUZZ_EXAMPLES).
"""

import datetime as dt
import io
import os
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from autoalliance.dashboard.app import Refused, load_upload
from autoalliance.dataset.footprint import load_footprint, validate
from autoalliance.dataset.schema import schemas
from autoalliance.errors import DatasetError, Problem
from autoalliance.testing import tiny_tables

BUDGET = int(os.environ.get("AUTOALLIANCE_FUZZ_EXAMPLES", "40"))
# a workbook example costs ~0.3 s (write, validate, load): a quarter of the budget in make test
FUZZ = settings(max_examples=max(10, BUDGET // 4), deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
TABLES = list(tiny_tables())


def _cell(v: str):
    """A CSV cell as a spreadsheet user would type it: numbers as numbers."""
    try:
        f = float(v)
    except (TypeError, ValueError):
        return v if v != "" else None
    return int(f) if f.is_integer() and abs(f) < 1e15 else f


def write_book(tables, path, header_rows=0, merge=False, extra=None, notes=True):
    """Tables as a workbook, a sheet per table; ``header_rows`` junk rows above each header."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, frame in tables.items():
        ws = wb.create_sheet(name)
        for i in range(header_rows):
            ws.append([f"{name} table (junk title {i})"])
        if merge and header_rows:
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=3)
        ws.append(list(frame.columns))
        for row in frame.itertuples(index=False):
            ws.append([v if not isinstance(v, str) else _cell(v) for v in row])
    for name, rows in (extra or {}).items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    if notes:
        wb.create_sheet("_schema").append(["notes sheets are skipped"])
    wb.save(path)
    return path


def listing(folder):
    return sorted((str(p.relative_to(folder)), p.stat().st_size) for p in folder.rglob("*"))


def check_outcome(book):
    before = listing(book.parent)
    problems = validate(book)
    for p in problems:
        assert p.file.startswith(book.name), p
        assert isinstance(p.row, int) and p.row >= 0 and p.message, p
    try:
        load_footprint(book)
    except DatasetError as e:
        assert e.problems == problems
    else:
        assert problems == []
    assert listing(book.parent) == before  # nothing written
    return problems


cell_values = st.one_of(
    st.none(), st.booleans(), st.integers(-10**18, 10**18),
    st.floats(allow_nan=False, allow_infinity=False),  # a workbook cannot hold NaN or inf
    # text a workbook can hold (openpyxl refuses control characters when writing)
    st.text(max_size=20).filter(lambda s: not s.startswith("=") and
                                not ILLEGAL_CHARACTERS_RE.search(s)),
    st.sampled_from(["nan", "inf", "-inf", "1e309", "=1+1", "=HYPERLINK(\"x\")", "#N/A",
                     "#DIV/0!", "2025-02-30", "true", "TRUE", " 5 ", "1,5", "\u00a0", "x" * 300]),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2100, 1, 1)),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 1, 1)),
    st.times(),
)


@FUZZ
@given(table=st.sampled_from(TABLES), data=st.data())
def test_random_cell_values_and_types(tmp_path_factory, table, data):
    t = tiny_tables()
    frame = t[table].astype(object)
    for _ in range(data.draw(st.integers(1, 4))):
        row = data.draw(st.integers(0, len(frame) - 1))
        col = data.draw(st.sampled_from(list(frame.columns)))
        frame.loc[row, col] = data.draw(cell_values)
    t[table] = frame
    check_outcome(write_book(t, tmp_path_factory.mktemp("wb") / "book.xlsx"))


@FUZZ
@given(drop=st.lists(st.sampled_from(TABLES), max_size=3, unique=True),
       extra=st.dictionaries(st.text(st.characters(blacklist_characters="[]:*?/\\'"),
                                     min_size=1, max_size=20).filter(lambda s: s.strip()),
                             st.lists(st.lists(cell_values, max_size=4), max_size=3), max_size=2),
       header_rows=st.integers(0, 2), merge=st.booleans(), notes=st.booleans())
def test_extra_missing_sheets_and_header_junk(tmp_path_factory, drop, extra, header_rows, merge,
                                              notes):
    t = {k: v for k, v in tiny_tables().items() if k not in drop}
    extra = {k: v for k, v in extra.items() if k not in t and k.lower() not in
             {n.lower() for n in t} and k.lower() != "_schema"}
    if not t and not extra:
        extra = {"empty": []}
    try:
        book = write_book(t, tmp_path_factory.mktemp("wb") / "book.xlsx", header_rows, merge,
                          extra, notes)
    except ValueError:  # openpyxl refuses the sheet title (too long, reserved): not our loader
        return
    problems = check_outcome(book)
    required = {n for n, sch in schemas().items() if sch.required}
    if set(drop) & required or extra or header_rows:  # parts_content is optional
        assert problems


@FUZZ
@given(blob=st.one_of(
    st.binary(max_size=400),
    st.sampled_from([b"", b"PK\x03\x04", b"company,name\nacme,Acme\n",
                     "\ufeffplant;company\n".encode(), b"\xff\xfe\x00\x00"])))
def test_not_a_workbook_named_xlsx(tmp_path_factory, blob):
    book = tmp_path_factory.mktemp("wb") / "book.xlsx"
    book.write_bytes(blob)
    problems = check_outcome(book)
    assert [(p.file, p.row, p.column) for p in problems] == [("book.xlsx", 0, "")]
    assert problems[0].message.startswith("cannot be read as a workbook: ")


@FUZZ
@given(members=st.dictionaries(st.sampled_from(["[Content_Types].xml", "xl/workbook.xml",
                                                "xl/worksheets/sheet1.xml", "_rels/.rels",
                                                "xl/_rels/workbook.xml.rels", "junk.bin"]),
                               st.binary(max_size=200), max_size=5),
       cut=st.integers(0, 4000))
def test_broken_zip_and_truncated_workbook(tmp_path_factory, members, cut):
    folder = tmp_path_factory.mktemp("wb")
    good = write_book(tiny_tables(), folder / "good.xlsx")
    data = good.read_bytes()
    good.unlink()
    (folder / "cut.xlsx").write_bytes(data[: cut % max(1, len(data) - 1)])
    check_outcome(folder / "cut.xlsx")
    (folder / "cut.xlsx").unlink()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, body in members.items():
            z.writestr(name, body)
    (folder / "zip.xlsx").write_bytes(buf.getvalue())
    check_outcome(folder / "zip.xlsx")


@FUZZ
@given(blob=st.binary(max_size=300), name=st.text(max_size=40))
def test_dashboard_upload(blob, name):
    """The dashboard's upload path: refused, a DatasetError, or a footprint; never else."""
    try:
        load_upload(blob, name)
    except (Refused, DatasetError):
        pass


def test_upload_of_a_good_workbook_with_a_hostile_name(tmp_path):
    book = write_book(tiny_tables(), tmp_path / "book.xlsx")
    fp = load_upload(book.read_bytes(), "../../etc/passwd\x00.xlsx")
    assert fp.source_path is None and len(fp.plants) == 2
    assert listing(tmp_path) == [("book.xlsx", book.stat().st_size)]


# ------------------------------------------------------------ the workbook catalogue (exact)

def _broken(tmp_path, table, row, column, value, **kw):
    t = tiny_tables()
    t[table] = t[table].astype(object)
    t[table].loc[row, column] = value
    return write_book(t, tmp_path / "book.xlsx", **kw)


CATALOGUE = {
    "text where a number goes": (
        "plants", 0, "capacity_units", "lots",
        [Problem("book.xlsx[plants]", 2, "capacity_units",
                 "expected a finite number, got 'lots'")]),
    "negative capacity": (
        "plants", 1, "capacity_units", -5,
        [Problem("book.xlsx[plants]", 3, "capacity_units", "-5 is negative")]),
    "huge share": (
        "parts_content", 0, "share", 1e300,
        [Problem("book.xlsx[parts_content]", 2, "share",
                 "1e+300 is beyond the largest magnitude a table may hold (1e+15)")]),
    "a date typed as a date cell": (
        "fx", 0, "start", dt.datetime(2019, 1, 1),
        []),
    "a date cell where a number goes": (
        "fx", 0, "per_usd", dt.datetime(2025, 4, 1),
        [Problem("book.xlsx[fx]", 2, "per_usd", "expected a finite number, got '2025-04-01'")]),
    "a number where a date goes": (
        "measures", 5, "start", 45750,
        [Problem("book.xlsx[measures]", 7, "start",
                 "expected a date as YYYY-MM-DD, got '45750'")]),
    "boolean cell as text column": (
        "costs", 0, "usmca_qualifying", True,
        []),
    "fraction of a year": (
        "demand", 0, "fiscal_year", 2025.5,
        [Problem("book.xlsx[demand]", 2, "fiscal_year", "expected a whole number, got '2025.5'")]),
    "dangling plant (sourcing -> plants)": (
        "sourcing", 1, "plant", "zz9",
        [Problem("book.xlsx[sourcing]", 3, "plant", "'zz9' is not a plant in plants"),
         Problem("book.xlsx[sourcing]", 3, "plant", "no costs row for sedan built at zz9")]),
    "dangling company (nameplates -> companies)": (
        "nameplates", 0, "company", "wayne",
        [Problem("book.xlsx[nameplates]", 2, "company", "'wayne' is not a company in companies")]),
    "formula text in a cell": (
        "plants", 0, "name", "=1+1",
        []),
    # found by fuzzing: a formula saved without its value used to read as an empty cell
    # ("required value is missing"); it now shows what the cell holds
    "formula without a saved value where a number goes": (
        "plants", 0, "capacity_units", "=100*2",
        [Problem("book.xlsx[plants]", 2, "capacity_units",
                 "expected a finite number, got '=100*2'")]),
}


@pytest.mark.parametrize("case", CATALOGUE, ids=list(CATALOGUE))
def test_workbook_catalogue(tmp_path, case):
    table, row, column, value, expected = CATALOGUE[case]
    book = _broken(tmp_path, table, row, column, value)
    assert check_outcome(book) == sorted(expected)


def test_workbook_duplicate_key(tmp_path):
    t = tiny_tables()
    t["plants"] = t["plants"].iloc[[0, 1, 0]].reset_index(drop=True)
    book = write_book(t, tmp_path / "book.xlsx")
    assert Problem("book.xlsx[plants]", 4, "plant", "duplicate key (plant=us1)") in \
        check_outcome(book)


def test_workbook_duplicate_column(tmp_path):
    t = tiny_tables()
    frame = t["plants"]
    t["plants"] = frame.set_axis([*frame.columns[:-1], "plant"], axis=1)
    problems = check_outcome(write_book(t, tmp_path / "book.xlsx"))
    assert Problem("book.xlsx[plants]", 1, "plant", "column appears more than once") in problems
    assert Problem("book.xlsx[plants]", 1, "assumption", "required column is missing") \
        not in problems


def test_workbook_missing_and_unknown_sheet(tmp_path):
    t = tiny_tables()
    del t["costs"]
    book = write_book(t, tmp_path / "book.xlsx", extra={"Sheet1": [["a", "b"], [1, 2]]})
    problems = check_outcome(book)
    assert Problem("book.xlsx", 0, "", "required table 'costs' is missing") in problems
    assert any(p.file == "book.xlsx[Sheet1]" and p.row == 0 and
               p.message.startswith("'Sheet1' is not a table autoalliance knows") for p in problems)


def test_workbook_title_row_above_header(tmp_path):
    book = write_book(tiny_tables(), tmp_path / "book.xlsx", header_rows=1, merge=True)
    problems = check_outcome(book)
    assert Problem("book.xlsx[plants]", 1, "plant", "required column is missing") in problems
    assert any(p.file == "book.xlsx[plants]" and p.row == 1 and
               p.column == "plants table (junk title 0)" for p in problems)


def test_workbook_empty_sheet(tmp_path):
    t = tiny_tables()
    t["plants"] = t["plants"].iloc[:0]
    problems = check_outcome(write_book(t, tmp_path / "book.xlsx"))
    assert Problem("book.xlsx[plants]", 0, "", "table 'plants' has no rows") in problems


def test_not_a_workbook(tmp_path):
    (tmp_path / "book.xlsx").write_text("plant,company\nus1,acme\n")
    [p] = check_outcome(tmp_path / "book.xlsx")
    assert p == Problem("book.xlsx", 0, "", "cannot be read as a workbook: File is not a zip file")
