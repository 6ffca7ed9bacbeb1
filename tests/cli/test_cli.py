"""The command line: JSON shapes, human tables, errors without tracebacks, the demo end to end."""

import json

import pytest
from typer.testing import CliRunner

from autoalliance.cli.main import app
from autoalliance.testing import tiny_tables, write_tables

runner = CliRunner()


@pytest.fixture
def tiny(tmp_path):
    t = tiny_tables()
    t["reported"] = [dict(company="acme", metric="tariff_cost", period="FY2025",
                          as_of="2025-11-01", value=50e9, currency="JPY", out_of_scope_share=0.2,
                          tolerance=0.25, source="test fixture", assumption="")]
    import pandas as pd
    t["reported"] = pd.DataFrame(t["reported"])
    return write_tables(t, tmp_path / "tiny")


def test_exposure_json_by_origin(tiny):
    r = runner.invoke(app, ["exposure", str(tiny), "--fy", "2025", "--by", "origin", "--json"])
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    assert {row["origin"] for row in rows} == {"JP", "US"}
    for row in rows:
        assert {"company", "fiscal_year", "origin", "units", "duty_usd", "tariff_cost_usd",
                "tariff_cost_local", "currency"} <= set(row)
    assert sum(row["units"] for row in rows) == pytest.approx(120000)


@pytest.mark.parametrize("by", ["nameplate", "plant", "company", "month", "goods"])
def test_exposure_human_table(tiny, by):
    r = runner.invoke(app, ["exposure", str(tiny), "--by", by])
    assert r.exit_code == 0, r.output
    assert "Tariff exposure" in r.stdout


def test_exposure_bad_grouping_is_a_clear_error(tiny):
    r = runner.invoke(app, ["exposure", str(tiny), "--by", "colour"])
    assert r.exit_code == 2
    # the choices are listed by the option itself (an Enum), before anything runs
    assert "colour" in r.output and "nameplate" in r.output and "goods" in r.output
    assert "Traceback" not in r.output


def test_calibrate_json(tiny):
    r = runner.invoke(app, ["calibrate", str(tiny), "--json"])
    assert r.exit_code == 0, r.output
    [row] = json.loads(r.stdout)
    assert {"company", "period", "currency", "reported", "modelled", "ratio"} <= set(row)
    assert row["reported"] == pytest.approx(50e9 * 0.8)
    assert row["ratio"] == pytest.approx(row["modelled"] / row["reported"])


def test_dataset_error_is_rendered_without_traceback(tmp_path):
    t = tiny_tables()
    t["plants"] = t["plants"].astype(object)
    t["plants"].loc[0, "capacity_units"] = "-5"
    r = runner.invoke(app, ["exposure", str(write_tables(t, tmp_path / "bad"))])
    assert r.exit_code == 2
    assert "plants.csv, row 2, column capacity_units: -5 is negative" in r.output
    assert "Traceback" not in r.output


def test_demo_runs_end_to_end(tmp_path):
    r = runner.invoke(app, ["demo", "--out", str(tmp_path / "out")])
    assert r.exit_code == 0, r.output
    assert "dataset valid" in r.stdout and "Calibration" in r.stdout
    for name in ["exposure_fy2025_by_month.csv", "exposure_fy2025_by_company.csv",
                 "calibration.csv"]:
        assert (tmp_path / "out" / name).stat().st_size > 0
    cal = __import__("pandas").read_csv(tmp_path / "out" / "calibration.csv")
    assert set(cal["company"]) == {"nissan", "honda", "mitsubishi"}


def test_exposure_by_goods_lines_equal_calibrate_line_items(tiny):
    """Each line of the bill shown by ``exposure --by goods`` is the one ``calibrate`` shows."""
    import pandas as pd

    t = tiny_tables()
    t["parts_content"] = t["parts_content"].assign(own_import_share=0.5)
    t["reported"] = pd.read_csv(tiny / "reported.csv")
    write_tables(t, tiny)
    r = runner.invoke(app, ["exposure", str(tiny), "--by", "goods", "--json"])
    assert r.exit_code == 0, r.output
    lines = {row["goods"]: row["tariff_cost_local"] for row in json.loads(r.stdout)}
    assert set(lines) == {"vehicle", "own_part", "supplier_part", "offset"}
    r = runner.invoke(app, ["calibrate", str(tiny), "--json"])
    [row] = json.loads(r.stdout)
    for goods, value in lines.items():
        assert row[f"{goods}_local"] == pytest.approx(value)
    assert row["net"] == pytest.approx(sum(lines.values()))
    assert row["gross"] == pytest.approx(sum(v for g, v in lines.items() if g != "offset"))
