"""Scenarios side by side (``runs --compare``): each figure of the grid is the one the single
commands give for that scenario (``exposure``, ``plan`` with ``--scenario``), the alliance row
is the sum over companies, and each change is the scenario's figure less the base's."""

import json

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from autoalliance.cli.main import app
from autoalliance.plan.testing import tiny_alliance
from autoalliance.report.compare import compare_frames

runner = CliRunner()


def test_compare_frames_by_hand():
    m = pd.DataFrame([
        ("a", "tariff_cost_usd", "x", "FY2026", 10.0), ("a", "tariff_cost_usd", "y", "FY2026", 5.0),
        ("b", "tariff_cost_usd", "x", "FY2026", 12.0), ("b", "tariff_cost_usd", "y", "FY2026", 1.0),
        ("a", "units", "x", "FY2026", 99.0)],
        columns=["scenario", "metric", "company", "period", "value"])
    c = compare_frames(m, {"a": ["o1", "o2"], "b": ["o2", "o3"]}, base="b")
    assert c.scenarios == ["b", "a"]  # base first
    g = c.grid.set_index(["scenario", "kpi", "company"])
    assert g.loc[("a", "tariff_cost_usd", "alliance"), "value"] == 15.0
    assert g.loc[("a", "tariff_cost_usd", "x"), "change"] == -2.0
    assert g.loc[("a", "tariff_cost_usd", "y"), "change"] == 4.0
    assert g.loc[("a", "options_taken", "alliance"), "value"] == 2.0
    assert "units" not in set(c.grid["kpi"])
    o = c.options.set_index("scenario")
    assert o.loc["a", "added"] == ["o1"] and o.loc["a", "dropped"] == ["o3"]
    with pytest.raises(ValueError, match="base scenario 'zz'"):
        compare_frames(m, {}, base="zz")


def _json(args):
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_runs_compare_equals_the_single_commands(tmp_path):
    tiny_alliance(tmp_path / "ta")
    ds = str(tmp_path / "ta")
    boom = {"name": "beta_boom", "overrides": {"demand": {"scale": [
        {"where": {"company": "beta"}, "column": "units", "factor": 1.4}]}}}
    spec = tmp_path / "s.yaml"
    spec.write_text(yaml.safe_dump({"set": "pair", "base": "base", "stages": ["exposure", "plan"],
                                    "horizon": [2026, 2027], "fiscal_years": [2026],
                                    "scenarios": [{"name": "base"}, boom]}, sort_keys=False))
    store = str(tmp_path / "runs.duckdb")
    r = runner.invoke(app, ["sweep", str(spec), "--dataset", ds, "--store", store])
    assert r.exit_code == 0, r.output
    out = _json(["runs", "--store", store, "--compare", "--base", "base", "--dataset", ds,
                 "--json"])
    assert out["base"] == "base" and out["scenarios"] == ["base", "beta_boom"]
    g = pd.DataFrame(out["grid"]).set_index(["scenario", "kpi", "company", "period"])
    for sc in ("base", "beta_boom"):
        exp = _json(["exposure", ds, "--fy", "2026", "--scenario", f"{spec}:{sc}", "--json"])
        for row in exp:
            assert g.loc[(sc, "tariff_cost_usd", row["company"], "FY2026"), "value"] == \
                pytest.approx(row["tariff_cost_usd"], rel=1e-12)
        assert g.loc[(sc, "tariff_cost_usd", "alliance", "FY2026"), "value"] == \
            pytest.approx(sum(r["tariff_cost_usd"] for r in exp), rel=1e-12)
        pl = _json(["plan", ds, "--mode", "alliance", "--horizon", "2026-2027", "--scenario",
                    f"{spec}:{sc}", "--json"])
        for row in pl["companies"]:
            assert g.loc[(sc, "profit_usd", row["company"], "2026-2027"), "value"] == \
                pytest.approx(row["profit_usd"], rel=1e-9)
            assert g.loc[(sc, "alliance_gain_usd", row["company"], "2026-2027"), "value"] == \
                pytest.approx(row["gain_usd"], rel=1e-9, abs=1.0)
        taken = [o for o in pl["options_taken"] if o != "none"]
        assert g.loc[(sc, "options_taken", "alliance", "2026-2027"), "value"] == len(taken)
    boom_ = g.xs("beta_boom", level="scenario")
    base_ = g.xs("base", level="scenario")
    assert (boom_["change"] - (boom_["value"] - base_["value"])).abs().max() < 1e-6
    assert (base_["change"] == 0).all()
    names = pd.DataFrame(out["options"])
    assert list(names["scenario"]) == ["base", "beta_boom"]
    r = runner.invoke(app, ["runs", "--store", store, "--compare", "--dataset", ds],
                      env={"COLUMNS": "150"})
    assert r.exit_code == 0, r.output
    assert "Change against the base scenario base" in r.stdout
    assert "Beta Motor" in r.stdout  # names, not ids
    r = runner.invoke(app, ["runs", "--store", store, "--compare", "--base", "nope"])
    assert r.exit_code == 2 and "no finished run of scenario 'nope'" in r.output
