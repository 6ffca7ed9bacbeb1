"""Workbooks: dataset -> workbook -> dataset is identical; formula-like text never runs."""

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from autoalliance.cli.main import app
from autoalliance.dataset.footprint import _csv_ready, load_footprint
from autoalliance.report import build, write_workbook
from autoalliance.report.excel import neutralise, read_csv, restore, write_csv
from autoalliance.testing import tiny_tables, write_tables

RISKY = ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR", "-",
         "- a dash note", "'quoted", "''twice", "=", "plain"]


def assert_same(a, b):
    assert sorted(a.tables) == sorted(b.tables)
    for name in a.tables:
        # the text a CSV or workbook holds, cell by cell, and the typed values
        pd.testing.assert_frame_equal(_csv_ready(a.tables[name], name),
                                      _csv_ready(b.tables[name], name), obj=name)
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name], check_dtype=False,
                                      obj=name)


def test_bundled_dataset_round_trips_through_a_workbook(tmp_path):
    fp = load_footprint()
    book = write_workbook(fp, tmp_path / "book.xlsx")
    assert_same(fp, load_footprint(book))
    wb = load_workbook(book, read_only=True)
    assert set(fp.tables) | {"_schema"} == set(wb.sheetnames)
    notes = pd.read_excel(book, sheet_name="_schema")
    row = notes[(notes["table"] == "plants") & (notes["column"] == "capacity_units")].iloc[0]
    assert row["unit"] == "units/year" and row["description"]


def test_formula_like_text_is_neutralised_and_round_trips(tmp_path):
    t = tiny_tables()
    # (a lone CR cannot start a cell of a CSV dataset: the CSV reader reads it as a newline)
    texts = [x for x in RISKY if x != "\rCR"]
    t["measures"]["assumption"] = [texts[i % len(texts)] for i in range(len(t["measures"]))]
    t["plants"].loc[0, "name"] = "=cmd|' /C calc'!A0"
    fp = load_footprint(write_tables(t, tmp_path / "risky"))
    book = write_workbook(fp, tmp_path / "book.xlsx")
    wb = load_workbook(book)  # not data_only: formulas would show up as formulas here
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value[:1] in "=+-@\t\r":
                    assert cell.data_type == "s" and cell.quotePrefix, cell.coordinate
    assert wb["plants"]["C2"].value == "=cmd|' /C calc'!A0"
    assert_same(fp, load_footprint(book))


def test_result_sheets_keep_negative_numbers_as_numbers(tmp_path):
    fp = load_footprint(write_tables(tiny_tables(), tmp_path / "tiny"))
    rd = build(fp, stages=("exposure",))
    book = write_workbook(fp, tmp_path / "book.xlsx", rd.tables)
    wb = load_workbook(book)
    ws = wb["_exposure_by_company"]
    header = [c.value for c in ws[1]]
    offset = ws.cell(row=2, column=header.index("offset_usd") + 1)
    assert offset.data_type == "n" and offset.value < 0
    back = pd.read_excel(book, sheet_name="_exposure_by_company")
    assert back["offset_usd"].iloc[0] == pytest.approx(rd.tables["exposure_by_company"]
                                                        ["offset_usd"].iloc[0], rel=1e-15)
    assert_same(fp, load_footprint(book))  # result sheets are skipped by the dataset reader


@pytest.mark.parametrize("text", RISKY)
def test_csv_neutralise_is_reversible(text):
    safe = neutralise(text)
    assert safe[:1] not in ("=", "+", "-", "@", "\t", "\r")
    assert restore(safe) == text


def test_csv_export_round_trip_keeps_numbers(tmp_path):
    frame = pd.DataFrame({"label": RISKY, "value": [-1.5, 2.0, -3.25] * 4})
    p = write_csv(frame, tmp_path / "t.csv")
    raw = p.read_text()
    assert "\n=" not in raw and "\n+" not in raw and "\n@" not in raw
    assert "-1.5" in raw  # numbers are never quoted
    pd.testing.assert_frame_equal(read_csv(p), frame)


def test_report_xlsx_from_the_command_line(tmp_path):
    tiny = write_tables(tiny_tables(), tmp_path / "tiny")
    book = tmp_path / "out.xlsx"
    r = CliRunner().invoke(app, ["report", str(tiny), "--xlsx", str(book), "--stages",
                                 "exposure"])
    assert r.exit_code == 0, r.output
    assert not (tmp_path / "report.html").exists()
    names = load_workbook(book, read_only=True).sheetnames
    assert "_exposure_by_company" in names and "measures" in names
    assert_same(load_footprint(tiny), load_footprint(book))


def test_workbook_formats_filters_and_stale_stamps(tmp_path):
    """Number formats from the schema's units, frozen and filtered headers, widths that fit;
    result sheets stamped with the inputs' hash, flagged stale once an input cell is edited."""
    fp = load_footprint(write_tables(tiny_tables(), tmp_path / "tiny"))
    res = pd.DataFrame({"company": ["acme"], "tariff_cost_usd": [19_700_000_000.0],
                        "utilisation": [0.5]})
    book = write_workbook(fp, tmp_path / "book.xlsx", {"exposure": res})
    wb = load_workbook(book)
    ws = wb["costs"]
    head = [c.value for c in ws[1]]
    cv = ws.cell(row=2, column=head.index("customs_value_usd") + 1)
    assert cv.number_format == "#,##0" and cv.value == 24000
    share = ws.cell(row=2, column=head.index("us_content_share") + 1)
    assert share.number_format == "0.0%"
    from openpyxl.utils import get_column_letter

    last = get_column_letter(len(head))  # every schema column of costs (cost currency too)
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:{last}{len(fp.costs) + 1}"
    m = wb["measures"]
    mh = [c.value for c in m[1]]
    assert m.cell(row=2, column=mh.index("start") + 1).number_format == "yyyy-mm-dd"
    r = wb["_exposure"]
    assert r["B2"].number_format == "#,##0" and r["B2"].value == 19_700_000_000
    assert r["C2"].number_format == "0.0%"
    # wide enough for 19,700,000,000 (14 characters) and for each header plus its filter button
    assert r.column_dimensions["B"].width >= len("tariff_cost_usd") + 2
    assert r.column_dimensions["B"].width >= len("19,700,000,000")
    stamp = pd.read_excel(book, sheet_name="_stamp")
    assert stamp["sheet"].tolist() == ["_exposure"]
    assert stamp["inputs_hash"].iloc[0] == fp.content_hash()

    from autoalliance.report.excel import stale_sheets

    assert stale_sheets(book).empty  # read back unchanged: the stamp matches
    assert load_footprint(book).content_hash() == fp.content_hash()
    ws.cell(row=2, column=head.index("customs_value_usd") + 1).value = 25000  # an analyst edit
    wb.save(book)
    stale = stale_sheets(book)
    assert stale["sheet"].tolist() == ["_exposure"]
    assert stale["inputs_hash_now"].iloc[0] == load_footprint(book).content_hash()
    r = CliRunner().invoke(app, ["validate", str(book), "--json"])
    assert r.exit_code == 0
    import json

    assert json.loads(r.stdout)["stale_sheets"] == ["_exposure"]
