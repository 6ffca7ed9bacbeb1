"""``autoalliance report RUN`` (issue 13): a report of a stored run's numbers, nothing
recomputed (the dataset is gone by the time the report is made)."""

from __future__ import annotations

import json
import shutil

from typer.testing import CliRunner

from autoalliance.cli.main import app
from autoalliance.scenarios.store import Store
from autoalliance.testing import tiny_tables, write_tables

runner = CliRunner()


def test_report_of_a_stored_run_equals_the_stored_numbers(tmp_path):
    data = write_tables(tiny_tables(), tmp_path / "ds")
    f = tmp_path / "set.yaml"
    f.write_text("fiscal_years: [2025]\nscenarios:\n  - name: base\n  - name: deal_lapses\n"
                 "    overrides:\n      measures:\n        set:\n"
                 "          - where: {measure: [japan_vehicles]}\n"
                 "            values: {rate: 0.25}\n")
    store = tmp_path / "runs.duckdb"
    res = runner.invoke(app, ["sweep", str(f), "--dataset", str(data), "--stages", "exposure",
                              "--store", str(store), "--json"])
    assert res.exit_code == 0, res.output
    runs = {r["scenario"]: r["run_key"] for r in json.loads(res.stdout)["runs"]}
    shutil.rmtree(data)  # nothing left to recompute from
    key = runs["deal_lapses"]
    out = tmp_path / "r.html"
    rep = runner.invoke(app, ["report", key[:10], "--store", str(store), "--out", str(out),
                              "--json"])
    assert rep.exit_code == 0, rep.output
    doc = json.loads(rep.stdout)
    assert doc["meta"]["run_key"] == key and doc["meta"]["scenario"] == "deal_lapses"
    stored = Store(store).metrics([key], metric="tariff_cost_usd")
    want = {r.company: r.value for r in stored.itertuples()}
    got = {r["company"]: r["tariff_cost_usd"] for r in doc["tables"]["exposure_by_company"]}
    assert got == want
    html = out.read_text()
    assert "exposure-table" in html and "deal_lapses" not in doc["notes"]
    bad = runner.invoke(app, ["report", "zzzz", "--store", str(store)])
    assert bad.exit_code == 2 and "no run" in bad.output
