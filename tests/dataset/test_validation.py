"""`validate` on a catalogue of broken datasets: each asserts the exact file, row and column.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first data row row 2.
"""

import pandas as pd
import pytest
from typer.testing import CliRunner

from autoalliance.cli.main import app
from autoalliance.dataset.footprint import load_footprint, validate
from autoalliance.errors import DatasetError, Problem
from autoalliance.testing import tiny_tables, write_tables


def broken(tmp_path, table, row=None, column=None, value=None, frame=None):
    t = tiny_tables()
    if frame is not None:
        t[table] = frame
    else:
        t[table] = t[table].astype(object)
        t[table].loc[row, column] = value
    return write_tables(t, tmp_path / "ds")


def test_tiny_dataset_is_valid(tmp_path):
    assert validate(write_tables(tiny_tables(), tmp_path)) == []


CASES = {
    "unknown plant in sourcing": (
        "sourcing", 1, "plant", "zz9",
        [Problem("sourcing.csv", 3, "plant", "'zz9' is not a plant in plants"),
         Problem("sourcing.csv", 3, "plant", "no costs row for sedan built at zz9")]),
    "text where a number goes": (
        "plants", 0, "capacity_units", "lots",
        [Problem("plants.csv", 2, "capacity_units", "expected a finite number, got 'lots'")]),
    "infinite number": (
        "plants", 1, "capacity_units", "inf",
        [Problem("plants.csv", 3, "capacity_units", "expected a finite number, got 'inf'")]),
    "negative capacity": (
        "plants", 1, "capacity_units", "-5",
        [Problem("plants.csv", 3, "capacity_units", "-5 is negative")]),
    "negative price": (
        "nameplates", 0, "msrp_usd", "-1",
        [Problem("nameplates.csv", 2, "msrp_usd", "-1 must be greater than 0")]),
    "shares not summing to one": (
        "sourcing", 1, "share", "0.4",
        [Problem("sourcing.csv", 2, "share", "shares of sedan for US in FY2025 sum to 0.9, "
                 "not 1")]),
    "dates out of order": (
        "fx", 0, "end", "2019-12-31",
        [Problem("fx.csv", 2, "end", "2019-12-31 is before start")]),
    "bad date": (
        "measures", 5, "start", "3 April 2025",
        [Problem("measures.csv", 7, "start", "expected a date as YYYY-MM-DD, got '3 April 2025'")]),
    "no source nor assumption": (
        "costs", 1, "source", "",
        [Problem("costs.csv", 3, "source", "row has neither a source nor an assumption")]),
    "unknown layer": (
        "measures", 0, "layer", "retaliation",
        [Problem("measures.csv", 2, "layer",
                 "'retaliation' is not one of base, additional, all_in, offset, surcharge")]),
    "bad boolean": (
        "costs", 0, "usmca_qualifying", "maybe",
        [Problem("costs.csv", 2, "usmca_qualifying", "expected true or false, got 'maybe'")]),
    "share above one": (
        "parts_content", 0, "share", "1.5",
        [Problem("parts_content.csv", 2, "share", "1.5 is outside 0 to 1"),
         Problem("parts_content.csv", 2, "share",
                 "imported parts shares of us1 sum to 1.5, more than 1")]),
    "missing required value": (
        "nameplates", 0, "company", "",
        [Problem("nameplates.csv", 2, "company", "required value is missing")]),
    "unknown company": (
        "plants", 0, "company", "wayne",
        [Problem("plants.csv", 2, "company", "'wayne' is not a company in companies")]),
    "offset not on the importer": (
        "measures", 12, "origin", "JP",
        [Problem("measures.csv", 14, "origin", "an offset rule credits vehicles assembled in "
                 "the importing country, so origin must be US")]),
    # issue 13: dates that wrapped inside the matcher, magnitudes that overflowed, codes unchecked
    "a no-end date that would wrap to 1816": (
        "measures", 0, "end", "9999-12-31",
        [Problem("measures.csv", 2, "end", "9999-12-31 is outside 1900-01-01 to 2199-12-31 "
                 "(leave end blank for a rule still in force)")]),
    "a date before the stated range": (
        "measures", 0, "start", "1850-01-01",
        [Problem("measures.csv", 2, "start", "1850-01-01 is outside 1900-01-01 to 2199-12-31")]),
    "a customs value of 1e306": (
        "costs", 0, "customs_value_usd", "1e306",
        [Problem("costs.csv", 2, "customs_value_usd",
                 "1e+306 is beyond the largest magnitude a table may hold (1e+15)")]),
    "a customs value above the per-unit range": (
        "costs", 0, "customs_value_usd", "2e8",
        [Problem("costs.csv", 2, "customs_value_usd", "2e+08 is above 1e+08")]),
    "an FX of 1e300": (
        "fx", 0, "per_usd", "1e300",
        [Problem("fx.csv", 2, "per_usd",
                 "1e+300 is beyond the largest magnitude a table may hold (1e+15)")]),
    "an FX beyond its range": (
        "fx", 0, "per_usd", "5e8",
        [Problem("fx.csv", 2, "per_usd", "5e+08 is outside 0.0001 to 1e+08")]),
    "plant country USA": (
        "plants", 0, "country", "USA",
        [Problem("plants.csv", 2, "country", "'USA' is not an ISO 3166-1 alpha-2 country code "
                 "or a code declared in codes.csv; did you mean 'US'?")]),
    "plant country in lower case": (
        "plants", 0, "country", "us",
        [Problem("plants.csv", 2, "country", "'us' is not an ISO 3166-1 alpha-2 country code "
                 "or a code declared in codes.csv; did you mean 'US'?")]),
    "parts origin spelled out": (
        "parts_content", 0, "origin", "Japan",
        [Problem("parts_content.csv", 2, "origin", "'Japan' is not an ISO 3166-1 alpha-2 "
                 "country code or a code declared in codes.csv; did you mean 'JP'?")]),
    "market USA": (
        "demand", 0, "market", "USA",
        [Problem("demand.csv", 2, "market", "'USA' is not an ISO 3166-1 alpha-2 country code "
                 "or a code declared in codes.csv; did you mean 'US'?"),
         Problem("demand.csv", 2, "nameplate", "demand for sedan in USA FY2025 has no "
                 "sourcing rows")]),
    "an unknown origin in a rule's list": (
        "measures", 9, "origin", "JP|JPN",
        [Problem("measures.csv", 11, "origin", "'JPN' is not an ISO 3166-1 alpha-2 country "
                 "code or a code declared in codes.csv; did you mean 'JP'?")]),
    "currency YEN": (
        "companies", 0, "currency", "YEN",
        [Problem("companies.csv", 2, "currency", "'YEN' is not an ISO 4217 currency code or a "
                 "code declared in codes.csv; did you mean 'JPY'?")]),
    "an undeclared extra code": (
        "parts_content", 0, "origin", "other",
        [Problem("parts_content.csv", 2, "origin", "'other' is not an ISO 3166-1 alpha-2 "
                 "country code or a code declared in codes.csv")]),
    "sourcing from a powertrain plant": (
        "plants", 0, "kind", "powertrain",
        [Problem("sourcing.csv", 2, "plant", "us1 is a powertrain plant, not a vehicle plant")]),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_broken_dataset(tmp_path, case):
    table, row, column, value, expected = CASES[case]
    path = broken(tmp_path, table, row, column, value)
    assert validate(path) == sorted(expected)
    with pytest.raises(DatasetError) as e:
        load_footprint(path)
    assert e.value.problems == sorted(expected)


def test_duplicate_key(tmp_path):
    t = tiny_tables()["plants"]
    path = broken(tmp_path, "plants", frame=pd.concat([t, t.iloc[[0]]], ignore_index=True))
    assert Problem("plants.csv", 4, "plant", "duplicate key (plant=us1)") in validate(path)


def test_demand_without_sourcing(tmp_path):
    t = tiny_tables()["demand"]
    extra = t.assign(fiscal_year=2026)
    path = broken(tmp_path, "demand", frame=pd.concat([t, extra], ignore_index=True))
    assert validate(path) == [Problem("demand.csv", 3, "nameplate",
                                      "demand for sedan in US FY2026 has no sourcing rows")]


def test_missing_and_unknown_columns(tmp_path):
    # (capacity_units is optional since an exposure-only dataset needs none: country is not)
    t = tiny_tables()["plants"].rename(columns={"country": "cuntry"})
    problems = validate(broken(tmp_path, "plants", frame=t))
    assert Problem("plants.csv", 1, "country", "required column is missing") in problems
    assert any(p.file == "plants.csv" and p.row == 1 and p.column == "cuntry"
               and p.message.startswith("column 'cuntry' is not in the schema of plants")
               for p in problems)


def test_missing_table(tmp_path):
    t = tiny_tables()
    del t["costs"]
    path = write_tables(t, tmp_path / "ds")
    assert Problem("ds", 0, "", "required table 'costs' is missing") in validate(path)


def test_semicolon_separated_file(tmp_path):
    path = write_tables(tiny_tables(), tmp_path / "ds")
    tiny_tables()["plants"].to_csv(path / "plants.csv", sep=";", index=False)
    assert Problem("plants.csv", 1, "", "the header looks separated by ;; tables are "
                   "comma-separated") in validate(path)


def test_not_utf8(tmp_path):
    path = write_tables(tiny_tables(), tmp_path / "ds")
    (path / "companies.csv").write_bytes("company,name\nacmé,x\n".encode("latin-1"))
    [p] = validate(path)
    assert (p.file, p.row, p.column) == ("companies.csv", 0, "")
    assert p.message.startswith("not UTF-8 text")


def test_empty_file(tmp_path):
    path = write_tables(tiny_tables(), tmp_path / "ds")
    (path / "fx.csv").write_text("")
    assert validate(path) == [Problem("fx.csv", 0, "", "the file is empty (no header row)")]


def test_every_problem_reported_at_once(tmp_path):
    t = tiny_tables()
    t["plants"] = t["plants"].astype(object)
    t["plants"].loc[0, "capacity_units"] = "-1"
    t["nameplates"] = t["nameplates"].astype(object)
    t["nameplates"].loc[0, "category"] = "bus"
    problems = validate(write_tables(t, tmp_path / "ds"))
    assert [(p.file, p.row, p.column) for p in problems] == [
        ("nameplates.csv", 2, "category"), ("plants.csv", 2, "capacity_units")]


def test_workbook_problems_name_the_sheet(tmp_path):
    t = tiny_tables()
    t["plants"] = t["plants"].astype(object)
    t["plants"].loc[1, "capacity_units"] = -3
    book = tmp_path / "data.xlsx"
    with pd.ExcelWriter(book) as w:
        for name, frame in t.items():
            frame.to_excel(w, sheet_name=name, index=False)
    assert validate(book) == [Problem("data.xlsx[plants]", 3, "capacity_units", "-3 is negative")]


def test_cli_validate_exit_code_and_nothing_written(tmp_path):
    path = broken(tmp_path, "plants", 0, "capacity_units", "-5")
    before = sorted(p.name for p in tmp_path.rglob("*"))
    result = CliRunner().invoke(app, ["validate", str(path), "--json"])
    assert result.exit_code == 2
    assert '"row": 2' in result.stdout and '"column": "capacity_units"' in result.stdout
    assert sorted(p.name for p in tmp_path.rglob("*")) == before
    ok = CliRunner().invoke(app, ["validate", str(write_tables(tiny_tables(), tmp_path / "ok"))])
    assert ok.exit_code == 0


def test_validate_runs_the_planner_rules_across_options(tmp_path):
    from autoalliance.plan.testing import tiny_alliance_tables

    t = tiny_alliance_tables()
    opts = t["options"].astype(object)
    row = opts.index[opts["kind"].eq("contract_build")][0]
    opts.loc[row, ["fee_min_usd", "fee_max_usd"]] = [900, 100]
    t["options"] = opts
    problems = validate(write_tables(t, tmp_path / "ds"))
    assert Problem("options.csv", row + 2, "fee_max_usd",
                   "fee_max_usd 100 is below fee_min_usd 900") in problems
    result = CliRunner().invoke(app, ["validate", str(tmp_path / "ds")])
    assert result.exit_code == 2


def test_option_rules_name_the_workbook_sheet(tmp_path):
    """The option rules are part of dataset validation: load and validate agree, and a
    workbook's problems name its sheet."""
    from autoalliance.plan.testing import tiny_alliance_tables

    t = tiny_alliance_tables()
    opts = t["options"].astype(object)
    row = opts.index[opts["kind"].eq("contract_build")][0]
    opts.loc[row, ["fee_min_usd", "fee_max_usd"]] = [900, 100]
    t["options"] = opts
    book = tmp_path / "data.xlsx"
    with pd.ExcelWriter(book) as w:
        for name, frame in t.items():
            frame.to_excel(w, sheet_name=name, index=False)
    expected = Problem("data.xlsx[options]", row + 2, "fee_max_usd",
                       "fee_max_usd 100 is below fee_min_usd 900")
    assert expected in validate(book)
    with pytest.raises(DatasetError) as e:
        load_footprint(book)
    assert expected in e.value.problems


def test_declared_extra_code_is_accepted(tmp_path):
    """A code the dataset declares in codes.csv (``other``) is valid where its kind goes."""
    t = tiny_tables()
    t["parts_content"] = t["parts_content"].astype(object)
    t["parts_content"].loc[0, "origin"] = "other"
    t["codes"] = pd.DataFrame([dict(code="other", kind="country", meaning="rest of world",
                                    source="", assumption="pooled origins")])
    assert validate(write_tables(t, tmp_path / "ds")) == []
    t["codes"].loc[0, "kind"] = "currency"  # declared for the other kind: still refused
    problems = validate(write_tables(t, tmp_path / "ds2"))
    assert [(p.file, p.row, p.column) for p in problems] == [("parts_content.csv", 2, "origin")]
