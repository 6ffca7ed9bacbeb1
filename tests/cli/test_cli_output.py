"""Output that survives pipes: at 80 columns and without a terminal no number is cut; --format
csv|json and --out FILE (.csv, .parquet) carry the same numbers as the table."""

import json
import os
import re
import subprocess
import sys

import pandas as pd
import pytest

from autoalliance.plan.testing import tiny_alliance_tables
from autoalliance.testing import tiny_tables, write_tables


def run(*args, columns=80, check=True):
    """The real command in a child process: stdout is a pipe (no terminal), COLUMNS=80."""
    env = {**os.environ, "COLUMNS": str(columns), "AUTOALLIANCE_CODE_VERSION": "test"}
    env.pop("FORCE_COLOR", None)
    r = subprocess.run([sys.executable, "-m", "autoalliance.cli", *map(str, args)],
                       capture_output=True, text=True, env=env, timeout=600)
    if check:
        assert r.returncode == 0, r.stderr
    return r


def assert_uncut(text: str, width: int = 80):
    assert "…" not in text, text
    wide = [ln for ln in text.splitlines() if len(ln) > width]
    assert not wide, wide


def cells(text: str) -> set[str]:
    """Every cell of the box-drawn tables, stripped."""
    out = set()
    for ln in text.splitlines():
        out.update(c.strip() for c in re.split(r"[│┃]", ln))
    return out


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    t = tiny_tables()
    t["reported"] = pd.DataFrame([dict(
        company="acme", metric="tariff_cost", period="FY2025", as_of="2025-11-01", value=50e9,
        currency="JPY", out_of_scope_share=0.2, tolerance=0.25, source="test fixture",
        assumption="")])
    return write_tables(t, tmp_path_factory.mktemp("out") / "tiny")


@pytest.fixture(scope="module")
def ally(tmp_path_factory):
    return write_tables(tiny_alliance_tables(), tmp_path_factory.mktemp("out") / "ally")


def test_exposure_numbers_whole_at_80_columns(tiny):
    text = run("exposure", tiny, "--fy", "2025", "--fy", "2026", "--by", "origin",
               "--by", "goods").stdout
    assert_uncut(text)
    rows = json.loads(run("exposure", tiny, "--fy", "2025", "--fy", "2026", "--by", "origin",
                          "--by", "goods", "--json").stdout)
    got = cells(text)
    for r in rows:  # each number, formatted by hand, is a whole cell of the table
        assert f"{r['tariff_cost_usd'] / 1e6:,.1f}" in got
        assert f"{r['units']:,.0f}" in got
        assert f"FY{r['fiscal_year']}" in got
    # --by repeats: imported vehicles, imported parts of vehicles built in the market, and the
    # offset apart, per origin
    lines = {(r["origin"], r["goods"]) for r in rows}
    assert {("JP", "vehicle"), ("JP", "own_part"), ("US", "offset")} <= lines
    offset = [r for r in rows if r["goods"] == "offset"]
    assert all(r["added_duty_usd"] == 0 and r["offset_usd"] <= 0 for r in offset)
    assert all(r["offset_usd"] == 0 for r in rows if r["goods"] != "offset")


def test_exposure_by_month_is_year_month(tiny):
    text = run("exposure", tiny, "--by", "month").stdout
    assert_uncut(text)
    assert "2025-04" in cells(text) and "00:00:00" not in text
    rows = json.loads(run("exposure", tiny, "--by", "month", "--json").stdout)
    assert rows[0]["month"] == "2025-04" or {r["month"] for r in rows} >= {"2025-04"}


def test_narrow_terminal_splits_rather_than_cuts(tiny):
    for width in (60, 80, 100):
        text = run("exposure", tiny, columns=width).stdout
        assert_uncut(text, width)
        rows = json.loads(run("exposure", tiny, "--json").stdout)
        got = cells(text)
        for r in rows:
            for c in ("duty_usd", "added_duty_usd", "offset_usd", "tariff_cost_usd"):
                assert f"{r[c] / 1e6:,.1f}" in got


def test_calibrate_dates_whole(tiny):
    text = run("calibrate", tiny).stdout
    assert_uncut(text)
    assert "2025-11-01" in cells(text)


def test_csv_and_out_files_match_json(tiny, tmp_path):
    js = pd.DataFrame(json.loads(run("exposure", tiny, "--by", "plant", "--json").stdout))
    from io import StringIO

    csv = pd.read_csv(StringIO(run("exposure", tiny, "--by", "plant", "--format", "csv").stdout))
    pd.testing.assert_series_equal(csv["tariff_cost_usd"], js["tariff_cost_usd"])
    run("exposure", tiny, "--by", "plant", "--out", tmp_path / "e.parquet")
    pq = pd.read_parquet(tmp_path / "e.parquet")
    pd.testing.assert_series_equal(pq["tariff_cost_usd"].reset_index(drop=True),
                                   js["tariff_cost_usd"])
    bad = run("exposure", tiny, "--out", tmp_path / "e.txt", check=False)
    assert bad.returncode == 2 and ".csv or .parquet" in bad.stderr
    assert not (tmp_path / "e.txt").exists()


def test_plan_and_share_tables_uncut_and_files(ally, tmp_path):
    r = run("plan", ally, "--horizon", "2026-2027", "--out", tmp_path / "plan.csv")
    assert_uncut(r.stdout)
    js = json.loads(run("plan", ally, "--horizon", "2026-2027", "--json").stdout)
    got = cells(r.stdout)
    for c in js["companies"]:
        for k in ("profit_usd", "standalone_profit_usd", "gain_usd", "duty_usd"):
            assert f"{c[k] / 1e6:,.1f}" in got, (k, c[k])
    assert {p.name for p in tmp_path.iterdir()} == {
        "plan.csv", "plan_options.csv", "plan_tooling.csv", "plan_utilisation.csv",
        "plan_moves.csv", "plan_landed.csv"}
    written = pd.read_csv(tmp_path / "plan.csv")
    assert written["profit_usd"].tolist() == pytest.approx(
        [c["profit_usd"] for c in js["companies"]])
    s = run("share", ally, "--horizon", "2026-2027", "--workers", "1")
    assert_uncut(s.stdout)
    sj = json.loads(run("share", ally, "--horizon", "2026-2027", "--workers", "1",
                        "--format", "json").stdout)
    got = cells(s.stdout)
    for v in sj["allocation_usd"].values() if isinstance(sj.get("allocation_usd"), dict) else []:
        assert f"{v / 1e6:,.1f}" in got


def test_help_lists_choices_and_documents_every_option():
    for cmd, choices in (("exposure", ["company", "origin", "goods", "month"]),
                         ("plan", ["standalone", "alliance"]),
                         ("share", ["shapley", "nash", "leastcore", "nucleolus"]),
                         ("robust", ["expected", "cvar"])):
        text = run(cmd, "--help", columns=200).stdout
        for c in choices:
            assert c in text, (cmd, c)
        assert "--format" in text
    from typer.main import get_command

    from autoalliance.cli.main import app

    missing = [f"{name} {p.opts[0]}" for name, c in get_command(app).commands.items()
               for p in c.params if getattr(p, "help", "x") in (None, "")
               and p.param_type_name == "option"]
    assert not missing, missing


def test_validate_defaults_to_bundled_dataset():
    r = run("validate", "--json")
    out = json.loads(r.stdout)
    assert out["valid"] and out["path"].endswith("nissan_honda_2025")


def test_montecarlo_times_one_sample_then_estimates(tmp_path):
    import yaml

    d = write_tables(tiny_tables(), tmp_path / "tiny")
    spec = {"set": "mcset", "stages": ["exposure"], "scenarios": [
        {"name": "holds"},
        {"name": "lapse", "overrides": {"measures": {"set": [
            {"where": {"measure": ["japan_vehicles", "japan_parts"]},
             "values": {"end": "2025-09-30"}}]}}}],
        "montecarlo": {"samples": 4, "seed": 7, "start": "2025-10-01", "quarters": 2,
                       "regime": {"states": ["holds", "lapse"], "initial": "holds",
                                  "transition": {"holds": {"holds": 0.5, "lapse": 0.5},
                                                 "lapse": {"lapse": 1.0}}}}}
    f = tmp_path / "mc.yaml"
    f.write_text(yaml.safe_dump(spec, sort_keys=False))
    r = run("montecarlo", f, "--dataset", d, "--store", tmp_path / "s.duckdb", "--json")
    assert "one sample took" in r.stderr and "the other 3 on 1 worker(s) should take" in r.stderr
    out = json.loads(r.stdout)
    assert out["sweep"]["total"] == 4 and out["sweep"]["written"] == 4
    q = {(x["company"], x["metric"]): x for x in out["quantiles"]}
    assert q[("acme", "tariff_cost_usd")]["n"] == 4
    # the command's numbers are the Python API's (scenarios.montecarlo.run_montecarlo)
    from autoalliance.dataset.footprint import load_footprint
    from autoalliance.scenarios import load_scenarios
    from autoalliance.scenarios.montecarlo import run_montecarlo
    from autoalliance.scenarios.store import Store

    api = run_montecarlo(load_footprint(d), load_scenarios(f), store=Store(tmp_path / "py.db"))
    want = api.quantiles.set_index(["company", "metric"])
    for (company, metric), row in q.items():
        for col in ("mean", "p05", "p50", "p95"):
            assert row[col] == pytest.approx(want.at[(company, metric), col], rel=1e-12)
    text = run("montecarlo", f, "--dataset", d, "--store", tmp_path / "s.duckdb").stdout
    assert_uncut(text)
    runs = run("runs", "--store", tmp_path / "s.duckdb")
    assert_uncut(runs.stdout)
    listed = json.loads(run("runs", "--store", tmp_path / "s.duckdb", "--json").stdout)
    # the time of day is kept (YYYY-MM-DDTHH:MM:SS)
    assert all(re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$", x["finished_at"])
               for x in listed["runs"])


def test_robust_table_uncut(ally, tmp_path):
    import yaml

    spec = {"set": "japan_deal", "horizon": [2026, 2027], "scenarios": [
        {"name": f"japan_deal_rate_{r:.2f}", "overrides": {"measures": {"set": [
            {"where": {"measure": "japan_vehicles"}, "values": {"rate": r}}]}}}
        for r in (0.10, 0.25)]}
    f = tmp_path / "r.yaml"
    f.write_text(yaml.safe_dump(spec, sort_keys=False))
    r = run("robust", f, "--dataset", ally)
    assert_uncut(r.stdout)
    js = json.loads(run("robust", f, "--dataset", ally, "--json").stdout)
    got = cells(r.stdout)
    for s in js["scenarios"]:
        # scenario names may fold over lines but are never cut: every piece is in the table
        assert s["scenario"][:10] in r.stdout.replace("\n", "")
        for k in ("perfect_foresight_usd", "robust_usd", "base_plan_usd", "robust_regret_usd"):
            assert f"{s[k] / 1e6:,.1f}" in got, k


def test_csv_has_no_float_noise_and_exposure_takes_one_year():
    import pandas as pd

    from autoalliance.cli.output import without_float_noise
    from autoalliance.dataset.footprint import load_footprint
    from autoalliance.trade.exposure import exposure

    f = without_float_noise(pd.DataFrame({"units": [315973.99999999994, 2.5], "n": [1, 2]}))
    assert f.to_csv(index=False).splitlines()[1] == "315974.0,1"
    fp = load_footprint(None)
    pd.testing.assert_frame_equal(exposure(fp, 2025), exposure(fp, [2025]))
