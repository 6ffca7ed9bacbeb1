"""Sweeps: Dask and local processes give the serial results run for run; a sweep killed with
kill -9 resumes with no duplicate and no lost run; two sweeps share one store; a held store
makes the writer wait, then refuses with a clear message."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from typer.testing import CliRunner

from autoalliance.cli.main import app
from autoalliance.dataset.footprint import load_footprint
from autoalliance.scenarios import Scenario, Settings, sweep
from autoalliance.scenarios.store import Store, StoreBusy
from scenario_helpers import rate_scenarios, write_set

runner = CliRunner()
EXPOSURE = Settings(stages=("exposure",))


def _numbers(store):
    m = store.metrics()
    return {(r.run_key, r.stage, r.company, r.period, r.metric): r.value
            for r in m.itertuples(index=False)}


def _env():
    return {**os.environ, "AUTOALLIANCE_CODE_VERSION": "test", "PYTHONUNBUFFERED": "1"}


def test_dask_and_processes_match_serial_run_for_run(tmp_path, tiny_dir):
    distributed = pytest.importorskip("distributed")
    fp = load_footprint(tiny_dir)
    scenarios = [Scenario.model_validate(s) for s in rate_scenarios(6)]
    serial = Store(tmp_path / "serial.duckdb")
    rep = sweep(fp, scenarios, serial, settings=EXPOSURE)
    assert rep.written == 6 and rep.failed == 0
    want = _numbers(serial)
    assert len({k[0] for k in want}) == 6

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        on_dask = Store(tmp_path / "dask.duckdb")
        rep = sweep(fp, scenarios, on_dask, settings=EXPOSURE, cluster=client)
        assert rep.executor == "dask" and rep.written == 6
        workers = set(on_dask.runs()["worker"])
        assert not any(w.endswith(f":{os.getpid()}") for w in workers)  # ran on the cluster
    pool = Store(tmp_path / "pool.duckdb")
    rep = sweep(fp, scenarios, pool, settings=EXPOSURE, workers=2)
    assert rep.executor == "processes" and rep.written == 6
    for store in (on_dask, pool):
        got = _numbers(store)
        assert got.keys() == want.keys()
        for k, v in want.items():
            assert got[k] == pytest.approx(v, rel=1e-12), k


def test_resume_after_kill_9(tmp_path, tiny_dir):
    n = 30
    spec = write_set(tmp_path / "many.yaml", rate_scenarios(n), name="many")
    store_path = tmp_path / "runs.duckdb"
    cmd = [sys.executable, "-m", "autoalliance.cli.main", "sweep", spec, "--dataset", str(tiny_dir),
           "--store", str(store_path)]
    proc = subprocess.Popen(cmd, env=_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    store = Store(store_path, lock_timeout_s=30)
    deadline = time.monotonic() + 120
    done = 0
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if store_path.exists():
                done = int(store.query("SELECT count(*) AS n FROM runs")["n"].iloc[0])
                if done >= 3:
                    break
            time.sleep(0.2)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    before = store.runs()
    assert 3 <= len(before) < n, "the sweep should be killed mid-way"
    assert before["run_key"].is_unique and set(before["status"]) == {"ok"}
    # every run written before the kill is complete: its numbers are there
    m = store.metrics()
    assert set(m["run_key"]) == set(before["run_key"])

    r = runner.invoke(app, ["sweep", spec, "--dataset", str(tiny_dir), "--store",
                            str(store_path), "--resume", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["skipped"] == len(before) and out["written"] == n - len(before)
    after = store.runs()
    assert len(after) == n and after["run_key"].is_unique
    kept = after.set_index("run_key").loc[before["run_key"], "finished_at"]
    assert list(kept) == list(before["finished_at"])  # nothing that finished was recomputed
    counts = store.query("SELECT run_key, count(*) AS k FROM metrics GROUP BY run_key")
    assert len(counts) == n and counts["k"].nunique() == 1


def test_two_sweeps_write_to_one_store_at_once(tmp_path, tiny_dir):
    store_path = tmp_path / "shared.duckdb"
    procs = []
    for prefix in ("a", "b"):
        spec = write_set(tmp_path / f"{prefix}.yaml", rate_scenarios(8, prefix), name=prefix)
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "autoalliance.cli.main", "sweep", spec, "--dataset",
             str(tiny_dir), "--store", str(store_path), "--json"],
            env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    outs = [p.communicate(timeout=300) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err
        assert json.loads(out)["written"] == 8
    runs = Store(store_path).runs()
    assert len(runs) == 16 and runs["run_key"].is_unique
    assert runs.groupby("scenario_set").size().to_dict() == {"a": 8, "b": 8}


def test_store_held_by_another_process_waits_then_refuses(tmp_path):
    path = tmp_path / "held.duckdb"
    Store(path).init()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
         "print('held', flush=True); time.sleep(60)", str(path)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        t = time.monotonic()
        with pytest.raises(StoreBusy, match="held by another process"):
            Store(path, lock_timeout_s=1.0).runs()
        assert time.monotonic() - t >= 1.0  # it waited before refusing
    finally:
        holder.kill()
        holder.wait()
    assert Store(path, lock_timeout_s=5).runs().empty  # free again once the holder is gone


def test_plan_stage_serial_pool_and_dask_agree_run_for_run(tmp_path):
    """With the plan stage (one built model per run, HiGHS on one thread in pool workers) the
    three executors give the same numbers, run for run."""
    distributed = pytest.importorskip("distributed")
    from autoalliance.plan.testing import tiny_alliance

    fp = tiny_alliance(tmp_path / "alliance")
    scenarios = [Scenario.model_validate(s) for s in rate_scenarios(3)]
    plan = Settings(stages=("exposure", "plan"), horizon=(2026, 2027))
    serial = Store(tmp_path / "serial.duckdb")
    assert sweep(fp, scenarios, serial, settings=plan).written == 3
    want = _numbers(serial)
    assert any(k[1] == "plan" and k[4] == "alliance_gain_usd" for k in want)
    pool = Store(tmp_path / "pool.duckdb")
    assert sweep(fp, scenarios, pool, settings=plan, workers=2).executor == "processes"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        on_dask = Store(tmp_path / "dask.duckdb")
        assert sweep(fp, scenarios, on_dask, settings=plan, cluster=client).written == 3
    for store in (pool, on_dask):
        got = _numbers(store)
        assert got.keys() == want.keys()
        for k, v in want.items():
            assert got[k] == pytest.approx(v, rel=1e-9, abs=1e-6), k
