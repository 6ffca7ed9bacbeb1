"""Store faults (issue 14): damaged, half-created and unwritable stores explained with what to do;
a failed write keeps its cause; a run belongs to its scenario set (two sets sharing a scenario
both keep it); a 0.1 store is re-keyed; pool workers die with a sweep killed by SIGKILL."""

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from autoalliance.cli.main import app
from autoalliance.dataset.footprint import load_footprint
from autoalliance.scenarios import Scenario, Settings, sweep
from autoalliance.scenarios.store import RunRecord, Store, StoreError, make_run_key
from scenario_helpers import rate_scenarios, write_set

runner = CliRunner()
EXPOSURE = Settings(stages=("exposure",))


def _store_with_runs(path: Path, tiny_dir, n=3) -> Store:
    store = Store(path)
    sweep(load_footprint(tiny_dir), [Scenario.model_validate(s) for s in rate_scenarios(n)],
          store, settings=EXPOSURE, scenario_set="s")
    return store


def test_truncated_store_is_named_with_what_to_do(tmp_path, tiny_dir):
    path = tmp_path / "runs.duckdb"
    _store_with_runs(path, tiny_dir)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(StoreError) as e:
        Store(path).runs()
    msg = str(e.value)
    assert str(path) in msg and "delete it" in msg and "--store" in msg
    r = runner.invoke(app, ["runs", "--store", str(path)])
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert "delete it" in r.output.replace("\n", " ")


@pytest.mark.parametrize("content", [b"", b"\0" * 4096])
def test_half_created_store_is_named(tmp_path, content):
    path = tmp_path / "half.duckdb"
    path.write_bytes(content)
    with pytest.raises(StoreError) as e:
        Store(path).init()
    assert str(path) in str(e.value) and "delete it" in str(e.value)


def test_store_that_is_a_folder(tmp_path):
    (tmp_path / "dir.duckdb").mkdir()
    with pytest.raises(StoreError, match="is a folder"):
        Store(tmp_path / "dir.duckdb").init()


def test_failed_first_write_leaves_no_store_behind(tmp_path):
    path = tmp_path / "new.duckdb"
    store = Store(path)
    # a folder where the WAL must go: the first write cannot finish
    (tmp_path / "new.duckdb.wal").mkdir()
    with pytest.raises(StoreError) as e:
        store.init()
        store.write(RunRecord("k", "a", "h", "d", ["exposure"], "v"))
    assert str(path) in str(e.value)
    (tmp_path / "new.duckdb.wal").rmdir()
    # whatever was left does not block the next sweep
    Store(path).write(RunRecord("k", "a", "h", "d", ["exposure"], "v"))
    assert list(Store(path).runs()["run_key"]) == ["k"]


def test_failed_write_keeps_its_cause(tmp_path):
    store = Store(tmp_path / "runs.duckdb").init()
    store.write(RunRecord("k1", "a", "h", "d", ["exposure"], "v"))
    bad = RunRecord("k2", None, "h", "d", ["exposure"], "v")  # scenario NOT NULL
    with pytest.raises(StoreError) as e:
        store.write(bad)
    msg = str(e.value)
    assert "NOT NULL" in msg and "cannot rollback" not in msg and "k2" in msg
    assert list(store.runs()["run_key"]) == ["k1"]  # the run before it is kept


def test_two_sets_sharing_a_scenario_both_keep_it(tmp_path, tiny_dir):
    fp = load_footprint(tiny_dir)
    sc = [Scenario.model_validate(s) for s in rate_scenarios(3)]
    store = Store(tmp_path / "runs.duckdb")
    sweep(fp, sc, store, settings=EXPOSURE, scenario_set="first")
    sweep(fp, sc[1:], store, settings=EXPOSURE, scenario_set="second")
    assert len(store.runs(scenario_set="first")) == 3
    assert len(store.runs(scenario_set="second")) == 2
    # the numbers of the shared runs are the same in both sets
    m = store.metrics()
    a = m[m.scenario_set == "first"].set_index(["scenario", "stage", "company", "period",
                                                "metric"])["value"]
    b = m[m.scenario_set == "second"].set_index(["scenario", "stage", "company", "period",
                                                 "metric"])["value"]
    assert len(b) and (a.loc[b.index] == b).all()
    # resuming the first set skips all three
    rep = sweep(fp, sc, store, settings=EXPOSURE, scenario_set="first", resume=True)
    assert rep.skipped == 3 and rep.written == 0


def _old_key(dataset_hash, scenario, scenario_hash, settings, version):
    """The 0.1 run key (no scenario set), written out independently of the store's code."""
    body = json.dumps([dataset_hash, scenario, scenario_hash, settings, version], sort_keys=True)
    return hashlib.sha256(body.encode()).hexdigest()[:24]


def test_a_01_store_is_rekeyed_and_resumes(tmp_path, tiny_dir):
    path = tmp_path / "old.duckdb"
    store = _store_with_runs(path, tiny_dir)
    runs = store.runs()
    # turn it into a 0.1 store: old keys, no meta table
    con = duckdb.connect(str(path))
    for r in runs.itertuples(index=False):
        old = _old_key(r.dataset_hash, r.scenario, r.scenario_hash, json.loads(r.settings),
                       r.code_version)
        con.execute("UPDATE metrics SET run_key = ? WHERE run_key = ?", [old, r.run_key])
        con.execute("UPDATE runs SET run_key = ? WHERE run_key = ?", [old, r.run_key])
    con.execute("DROP TABLE meta")
    con.close()
    n_metrics = len(Store(path).metrics())
    migrated = Store(path).init()
    after = migrated.runs()
    assert sorted(after["run_key"]) == sorted(runs["run_key"])
    for r in after.itertuples(index=False):
        assert r.run_key == make_run_key(r.dataset_hash, r.scenario, r.scenario_hash,
                                         json.loads(r.settings), r.code_version, "s")
    assert len(migrated.metrics()) == n_metrics
    rep = sweep(load_footprint(tiny_dir), [Scenario.model_validate(s) for s in rate_scenarios(3)],
                migrated, settings=EXPOSURE, scenario_set="s", resume=True)
    assert rep.skipped == 3


def _children(pid: int) -> set[int]:
    out = set()
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == pid:
                out.add(int(d.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_die_with_a_sweep_killed_by_sigkill(tmp_path, tiny_dir):
    spec = write_set(tmp_path / "many.yaml", rate_scenarios(40), name="many")
    env = {**os.environ, "AUTOALLIANCE_CODE_VERSION": "test"}
    proc = subprocess.Popen([sys.executable, "-m", "autoalliance.cli.main", "sweep", spec,
                             "--dataset", str(tiny_dir), "--store", str(tmp_path / "r.duckdb"),
                             "--workers", "2"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    workers: set[int] = set()
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            workers = {c for c in _children(proc.pid)
                       if b"multiprocessing" in Path(f"/proc/{c}/cmdline").read_bytes()}
            if len(workers) >= 2 and (tmp_path / "r.duckdb").exists():
                break
            time.sleep(0.2)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert len(workers) >= 2, "the sweep should have started its workers"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(w) for w in workers):
        time.sleep(0.1)
    left = [w for w in workers if _alive(w)]
    for w in left:
        os.kill(w, signal.SIGKILL)
    assert not left, f"workers {left} outlived the killed sweep"
