"""The scenario commands end to end on the tiny dataset: scenarios, sweep, runs (--json)."""

import json

from typer.testing import CliRunner

from autoalliance.cli.main import app
from scenario_helpers import rate_scenarios, write_set

runner = CliRunner()


def test_scenarios_sweep_and_runs(tmp_path, tiny_dir):
    spec = write_set(tmp_path / "s.yaml", rate_scenarios(2), name="pair")
    store = str(tmp_path / "runs.duckdb")
    r = runner.invoke(app, ["scenarios", spec, "--dataset", str(tiny_dir), "--json"])
    assert r.exit_code == 0, r.output
    assert [s["scenario"] for s in json.loads(r.stdout)["scenarios"]] == ["japan_000",
                                                                          "japan_001"]
    r = runner.invoke(app, ["sweep", spec, "--dataset", str(tiny_dir), "--store", store])
    assert r.exit_code == 0, r.output
    assert "2 run(s) written" in r.stdout
    r = runner.invoke(app, ["runs", "--store", store, "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["total"] == 2
    run = out["runs"][0]
    assert {"run_key", "scenario", "scenario_hash", "dataset_hash", "code_version", "stages",
            "seconds", "timings", "status"} <= set(run)
    assert run["code_version"] == "test" and run["settings"]["stages"] == ["exposure"]
    cmp_ = {(c["scenario"], c["company"]): c["value"] for c in out["compare"]}
    assert cmp_[("japan_001", "acme")] > cmp_[("japan_000", "acme")]  # higher deal rate
    r = runner.invoke(app, ["runs", "--store", store])
    assert r.exit_code == 0 and "tariff_cost_usd by scenario" in r.stdout


def test_runs_without_a_store(tmp_path):
    r = runner.invoke(app, ["runs", "--store", str(tmp_path / "none.duckdb")])
    assert r.exit_code == 2 and "no results store" in r.output
