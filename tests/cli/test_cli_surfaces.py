"""Issue 23 on the path the user takes (the command line): scenario includes confined to the
scenario file's folder and the dataset given on the command line, ``report RUN`` for every
kind of stored run, ``--cluster`` timeouts and schemes, bounded numeric flags, workbook cells
typed by the schema, ``serve`` ports and exact messages."""

from __future__ import annotations

import json
import shutil

import yaml
from typer.testing import CliRunner

from autoalliance.cli.main import app
from autoalliance.plan.testing import tiny_alliance_tables
from autoalliance.scenarios.store import RunRecord, Store
from autoalliance.testing import tiny_tables, write_tables

runner = CliRunner()

SHADOW = ["root:$6$Zq8sEcReT$kV0pQ3:19750:0:99999:7:::",
          "daemon:*:19750:0:99999:7:::",
          "secret_key: s3cr3t-value-never-printed",
          "- listed_secret_line"]


def _shadow(folder):
    """A file standing for /etc/shadow: lines that must never reach a message."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "shadow").write_text("\n".join(SHADOW) + "\n")
    (folder / "ok.yaml").write_text("name: outside_ok\n")  # a valid scenario, still outside
    return folder


def _no_line_of_shadow(text: str) -> None:
    for line in SHADOW:
        for part in [line] + line.replace(":", " ").split():
            if len(part) > 6 and part not in ("listed",):
                assert part not in text, (part, text)


# ---------------------------------------------------------------- 1. includes confined

def test_a_files_own_dataset_key_does_not_widen_the_includes(tmp_path):
    outside = _shadow(tmp_path / "etc")
    data = write_tables(tiny_tables(), tmp_path / "ds")
    scen = tmp_path / "work"
    scen.mkdir()
    f = scen / "s.yaml"
    f.write_text(yaml.safe_dump({"set": "s", "dataset": str(outside),
                                 "include": [str(outside / "shadow"), str(outside / "ok.yaml"),
                                             "../etc/shadow"],
                                 "scenarios": [{"name": "a"}]}))
    for extra in ([], ["--dataset", str(data)]):
        res = runner.invoke(app, ["scenarios", str(f), *extra])
        assert res.exit_code == 2, res.output
        text = " ".join(res.output.split())
        assert text.count("not opened") == 3, text
        assert "whatever the file's `dataset` key says" in text
        _no_line_of_shadow(res.output)
    # the same three refusals from sweep and from --scenario of exposure
    res = runner.invoke(app, ["sweep", str(f), "--dataset", str(data), "--store",
                              str(tmp_path / "r.duckdb")])
    assert res.exit_code == 2 and " ".join(res.output.split()).count("not opened") == 3
    _no_line_of_shadow(res.output)
    assert not (tmp_path / "r.duckdb").exists()
    res = runner.invoke(app, ["exposure", str(data), "--scenario", f"{f}:a"])
    assert res.exit_code == 2 and " ".join(res.output.split()).count("not opened") == 3
    _no_line_of_shadow(res.output)


def test_includes_from_the_dataset_given_on_the_command_line(tmp_path):
    data = write_tables(tiny_tables(), tmp_path / "ds")
    (data / "lapse.yaml").write_text("name: from_the_dataset\n")
    scen = tmp_path / "work"
    scen.mkdir()
    f = scen / "s.yaml"
    f.write_text(yaml.safe_dump({"set": "s", "include": [str(data / "lapse.yaml")],
                                 "scenarios": [{"name": "a"}]}))
    ok = runner.invoke(app, ["scenarios", str(f), "--dataset", str(data), "--json"])
    assert ok.exit_code == 0, ok.output
    assert [r["scenario"] for r in json.loads(ok.stdout)["scenarios"]] == \
        ["from_the_dataset", "a"]
    # without --dataset the default (bundled) dataset is the second folder: refused
    no = runner.invoke(app, ["scenarios", str(f)])
    assert no.exit_code == 2 and "not opened" in no.output


# ---------------------------------------------------------------- 2. report RUN, every kind

def _sweep(tmp_path, stages: str, body: dict, cmd: str = "sweep", extra=(), tables=None):
    data = write_tables(tables or tiny_tables(), tmp_path / "ds")
    f = tmp_path / "set.yaml"
    f.write_text(yaml.safe_dump(body))
    store = tmp_path / "runs.duckdb"
    res = runner.invoke(app, [cmd, str(f), "--dataset", str(data), "--stages", stages,
                              "--store", str(store), *extra])
    assert res.exit_code == 0, res.output
    shutil.rmtree(data)  # a report of a run recomputes nothing
    return store


def _report(store, key, tmp_path):
    out = tmp_path / "r.html"
    res = runner.invoke(app, ["report", key, "--store", str(store), "--out", str(out),
                              "--json"])
    assert res.exit_code == 0, res.output
    human = runner.invoke(app, ["report", key, "--store", str(store), "--out", str(out)])
    assert human.exit_code == 0, human.output
    assert "unexpected error" not in human.output + res.output
    return json.loads(res.stdout), " ".join(human.output.split()), out.read_text()


def test_report_of_a_plan_only_run(tmp_path):
    store = _sweep(tmp_path, "plan", {"set": "p", "horizon": [2026, 2027],
                                      "scenarios": [{"name": "base"}]},
                   tables=tiny_alliance_tables())
    (key,) = Store(store).runs()["run_key"]
    doc, human, html = _report(store, key[:10], tmp_path)
    assert doc["meta"]["fiscal_year"] is None
    assert doc["notes"]["exposure"] == "the run has no exposure stage"
    assert "plan_companies" in doc["tables"] and "exposure_by_company" not in doc["tables"]
    # the stored plan's gains, as stored
    stored = Store(store).load_run(key)["result"]["plan"]["companies"]
    assert [r["gain_usd"] for r in doc["tables"]["plan_companies"]] == \
        [r["gain_usd"] for r in stored]
    assert "holds: plan_companies" in human and "exposure left out: the run has no exposure" \
        in human
    assert "FYNone" not in html and "run " + key[:12] in html


def test_report_of_a_failed_run(tmp_path):
    store = Store(tmp_path / "runs.duckdb")
    store.init()
    store.write(RunRecord(run_key="f" * 64, scenario="broken", scenario_hash="0" * 64,
                          dataset_hash="1" * 64, stages=["exposure", "plan"],
                          code_version="test", status="error",
                          error="InfeasiblePlan: no plan meets the demand\nsecond line",
                          scenario_set="s", dataset="tiny"))
    doc, human, html = _report(store.path, "ffff", tmp_path)
    assert doc["meta"]["status"] == "error" and doc["tables"] == {}
    assert doc["notes"]["run"] == ("the run failed, so it holds no results: InfeasiblePlan: "
                                   "no plan meets the demand")
    assert doc["notes"]["exposure"] == "the run has no exposure stage"
    assert doc["notes"]["plan"] == "the run has no plan stage"
    assert "holds: no tables" in human and "run left out: the run failed" in human


def test_report_of_a_sweep_run_and_a_monte_carlo_run(tmp_path):
    body = {"set": "mc", "fiscal_years": [2025],
            "scenarios": [{"name": "holds"}],
            "montecarlo": {"samples": 2, "seed": 3, "start": "2025-10-01", "quarters": 2,
                           "fx": [{"currency": "JPY", "volatility": 0.05}]}}
    store = _sweep(tmp_path, "exposure", body, cmd="montecarlo")
    runs = Store(store).runs()
    assert len(runs) == 2
    key = runs["run_key"].iloc[0]
    doc, human, _ = _report(store, key, tmp_path)
    assert doc["meta"]["fiscal_year"] == 2025 and doc["meta"]["params"]["fx"]
    run = Store(store).load_run(key)
    want = {r["company"]: r["tariff_cost_usd"] for r in run["result"]["exposure"]
            if r["fiscal_year"] == 2025}
    assert {r["company"]: r["tariff_cost_usd"]
            for r in doc["tables"]["exposure_by_company"]} == want
    assert "plan left out: the run has no plan stage" in human
    # a year the run does not hold is named with the ones it does
    bad = runner.invoke(app, ["report", key, "--store", str(store), "--fy", "2030"])
    assert bad.exit_code == 2 and "has exposure for FY2025, not FY2030" in bad.output
