"""The workbook works like Excel: a Summary sheet first, derived columns as live formulas that
evaluate (by a small evaluator of the formulas written: + - * /, IF, SUM) to the CLI's numbers,
drop-down lists equal to the schema's allowed values, print settings on every sheet, and the
dataset still reads back unchanged."""

import json
import re

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from autoalliance.cli.main import app
from autoalliance.dataset.footprint import load_footprint
from autoalliance.dataset.schema import schemas
from autoalliance.plan.testing import tiny_alliance
from autoalliance.report import build, write_workbook

REF = re.compile(r"(?:'([^']+)'!)?\$?([A-Z]{1,3})\$?(\d+)")


def evaluate(wb, sheet: str, coord: str):
    """The value of a cell, working out the formulas this package writes."""
    v = wb[sheet][coord].value
    if not (isinstance(v, str) and v.startswith("=")):
        return v
    expr = v[1:]

    def total(m):
        a, b = m.group(1), m.group(2)
        col, lo, hi = re.match(r"([A-Z]+)(\d+)", a).group(1), int(a[len(re.match(
            r"[A-Z]+", a).group()):]), int(b[len(re.match(r"[A-Z]+", b).group()):])
        return repr(sum(evaluate(wb, sheet, f"{col}{r}") or 0.0 for r in range(lo, hi + 1)))

    expr = re.sub(r"SUM\(([A-Z]+\d+):([A-Z]+\d+)\)", total, expr)
    expr = REF.sub(lambda m: f"_v({m.group(2) + m.group(3)!r})", expr)
    expr = expr.replace("IF(", "_if(").replace("<>", "!=")

    def _if(c, a, b):
        return a if c else b
    return eval(expr, {"_v": lambda c: evaluate(wb, sheet, c), "_if": _if})  # noqa: S307


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("xl")
    fp = tiny_alliance(tmp / "ta")
    rd = build(fp, stages=("exposure", "plan", "sharing"))
    return fp, rd, write_workbook(fp, tmp / "book.xlsx", rd.tables)


def _json(args):
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def _rows(ws):
    head = [c.value for c in ws[1]]
    return head, {h: i for i, h in enumerate(head)}


def test_summary_first_and_formulas_equal_the_cli(book):
    fp, rd, path = book
    wb = load_workbook(path)
    assert wb.sheetnames[0] == "Summary"
    plan = _json(["plan", str(fp.source_path), "--json"])
    by = {c["company"]: c for c in plan["companies"]}
    names = rd.meta["labels"]["company"]
    s = wb["Summary"]
    head, at = _rows(s)
    from openpyxl.utils import get_column_letter

    gain_col = get_column_letter(at["alliance gain ($M)"] + 1)
    for r in range(2, 2 + len(by)):
        company = next(c for c, n in names.items() if n == s.cell(row=r, column=1).value)
        assert s[f"{gain_col}{r}"].value.startswith("=")
        assert evaluate(wb, "Summary", f"{gain_col}{r}") == \
            pytest.approx(by[company]["gain_usd"] / 1e6, rel=1e-9, abs=1e-6)
    total = evaluate(wb, "Summary", f"{gain_col}{2 + len(by)}")
    assert total == pytest.approx(sum(c["gain_usd"] for c in by.values()) / 1e6, abs=1e-6)
    # the result sheets: gain and tariff cost as formulas of their row
    ws = wb["_plan_companies"]
    head, at = _rows(ws)
    col = get_column_letter(at["gain_usd"] + 1)
    for r in range(2, ws.max_row + 1):
        company = ws.cell(row=r, column=at["company"] + 1).value
        assert ws[f"{col}{r}"].value.startswith("=")
        assert evaluate(wb, "_plan_companies", f"{col}{r}") == \
            pytest.approx(by[company]["gain_usd"], rel=1e-9, abs=1e-3)
    exp = {r["company"]: r for r in _json(["exposure", str(fp.source_path), "--json"])}
    ws = wb["_exposure_by_company"]
    head, at = _rows(ws)
    col = get_column_letter(at["tariff_cost_usd"] + 1)
    for r in range(2, ws.max_row + 1):
        company = ws.cell(row=r, column=at["company"] + 1).value
        assert evaluate(wb, "_exposure_by_company", f"{col}{r}") == \
            pytest.approx(exp[company]["tariff_cost_usd"], rel=1e-12, abs=1e-3)
    # the dataset reads back unchanged, the Summary sheet skipped
    back = load_footprint(path)
    assert sorted(back.tables) == sorted(fp.tables)


def test_drop_downs_equal_the_schema(book):
    fp, _, path = book
    wb = load_workbook(path)
    sch = schemas()
    checked = 0
    for table in fp.tables:
        if table not in sch:
            continue
        ws = wb[table]
        head = [c.value for c in ws[1]]
        lists = {}
        for dv in ws.data_validations.dataValidation:
            for rng in str(dv.sqref).split():
                lists[head[ws[rng.split(":")[0]].column - 1]] = dv.formula1
        for r in sch[table].columns.itertuples(index=False):
            check = r.check if isinstance(r.check, str) else ""
            if r.column not in head or not len(fp.tables[table]):
                continue
            if check.startswith("in:") and len(",".join(check[3:].split("|"))) <= 250:
                assert lists[r.column] == '"' + ",".join(check[3:].split("|")) + '"'
                checked += 1
            elif check.startswith("ref:"):
                ref_table, _, ref_col = check[4:].partition(".")
                if ref_table not in fp.tables:
                    continue
                formula = lists[r.column]
                sheet, rng = formula.split("!")
                assert sheet.strip("'") == ref_table
                ref = wb[ref_table]
                rhead = [c.value for c in ref[1]]
                letter = ref.cell(row=1, column=rhead.index(ref_col) + 1).column_letter
                assert rng == f"${letter}$2:${letter}${len(fp.tables[ref_table]) + 1}"
                checked += 1
    assert checked >= 5


def test_print_settings_and_units(book):
    _, _, path = book
    wb = load_workbook(path)
    for ws in wb.worksheets:
        if ws.max_column < 1 or ws.max_row < 1:
            continue
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows == "$1:$1", ws.title
        assert ws.print_area, ws.title
    d = wb["demand"]
    head = [c.value for c in d[1]]
    assert d.cell(row=2, column=head.index("units") + 1).number_format == "#,##0"
