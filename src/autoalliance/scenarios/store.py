"""The results store: a DuckDB file with one row per run and its tidy per-company numbers.

- ``runs``: one row per run key (dataset hash, scenario name and content hash, stages and
  settings, code version) with timings, status and the results as JSON.
- ``metrics``: ``run_key, stage, company, period, metric, value`` (money in USD), so runs can be
  compared across scenarios, datasets and code versions.

The run key hashes (dataset hash, scenario name and content hash, settings, code version,
scenario set). Stores written by 0.1 keyed runs without the set; they are re-keyed from their own
columns the first time they are opened for writing (``SCHEMA_VERSION`` in the ``meta`` table).

Every DuckDB or OS error becomes a ``StoreError`` naming the file and what to do (a damaged or
half-created store: delete it or pass another ``--store``); a failed write keeps its own cause.

Writes are transactional: a run's row and its numbers go in one transaction, so a process
killed mid-sweep leaves every completed run readable and no half-written one. DuckDB lets one
process at a time open a file for writing; the store holds the file only for the length of one
read or write and, when another process holds it, waits with retries (up to ``lock_timeout_s``)
before refusing with ``StoreBusy``. Two sweeps writing to one store at once therefore interleave
their writes and lose nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import random
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from autoalliance.encoding import default
from autoalliance.errors import AutoallianceError

DEFAULT_STORE = "runs.duckdb"
ENV_STORE = "AUTOALLIANCE_STORE"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_key VARCHAR NOT NULL,
    sweep_id VARCHAR,
    scenario_set VARCHAR,
    scenario VARCHAR NOT NULL,
    scenario_hash VARCHAR NOT NULL,
    dataset VARCHAR,
    dataset_hash VARCHAR NOT NULL,
    stages VARCHAR NOT NULL,
    settings VARCHAR,
    code_version VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    error VARCHAR,
    started_at TIMESTAMP,
    finished_at TIMESTAMP,
    seconds DOUBLE,
    timings VARCHAR,
    worker VARCHAR,
    params VARCHAR,
    result VARCHAR
);
CREATE TABLE IF NOT EXISTS metrics (
    run_key VARCHAR NOT NULL,
    stage VARCHAR NOT NULL,
    company VARCHAR,
    period VARCHAR,
    metric VARCHAR NOT NULL,
    value DOUBLE
);
"""

SCHEMA_VERSION = 2  # 1 (0.1): run keys without the scenario set

RUN_COLUMNS = ["run_key", "sweep_id", "scenario_set", "scenario", "scenario_hash", "dataset",
               "dataset_hash", "stages", "settings", "code_version", "status", "error",
               "started_at", "finished_at", "seconds", "timings", "worker", "params", "result"]


class StoreBusy(AutoallianceError):
    """Another process held the store longer than we were willing to wait."""


class StoreError(AutoallianceError):
    """The store file cannot be used (not a DuckDB file, unreadable, disk full)."""


def make_run_key(dataset_hash: str, scenario: str, scenario_hash: str, settings: dict,
                 version: str, scenario_set: str | None) -> str:
    """The identity of a run: what it computed, with which code, for which scenario set."""
    body = json.dumps([dataset_hash, scenario, scenario_hash, settings, version, scenario_set],
                      sort_keys=True)
    return hashlib.sha256(body.encode()).hexdigest()[:24]


def _hint(path: Path) -> str:
    return (f"if {path} is damaged or was left half-created, delete it (its runs are lost) or "
            f"use another store with --store")


@dataclass
class RunRecord:
    """One finished run, as the store keeps it."""

    run_key: str
    scenario: str
    scenario_hash: str
    dataset_hash: str
    stages: list[str]
    code_version: str
    status: str = "ok"  # ok | error
    metrics: pd.DataFrame = field(default_factory=pd.DataFrame)  # stage, company, period, ...
    result: dict = field(default_factory=dict)
    error: str | None = None
    sweep_id: str | None = None
    scenario_set: str | None = None
    dataset: str | None = None
    settings: dict = field(default_factory=dict)
    started_at: float | None = None  # unix seconds
    finished_at: float | None = None
    seconds: float | None = None
    timings: dict = field(default_factory=dict)
    worker: str | None = None
    params: dict = field(default_factory=dict)

    def row(self) -> list:
        def ts(t):
            return None if t is None else dt.datetime.fromtimestamp(t, dt.UTC).replace(tzinfo=None)
        return [self.run_key, self.sweep_id, self.scenario_set, self.scenario, self.scenario_hash,
                self.dataset, self.dataset_hash, ",".join(self.stages),
                json.dumps(self.settings, sort_keys=True), self.code_version, self.status,
                self.error, ts(self.started_at), ts(self.finished_at), self.seconds,
                json.dumps(self.timings), self.worker, json.dumps(self.params, default=str),
                json.dumps(self.result, default=default)]


def default_store_path() -> Path:
    return Path(os.environ.get(ENV_STORE, DEFAULT_STORE))


def _is_lock_error(e: Exception) -> bool:
    msg = str(e).lower()
    return "lock" in msg or "being used by another process" in msg


class Store:
    """A DuckDB results file. Every method opens the file, does one transaction, and closes it."""

    def __init__(self, path: str | Path | None = None, lock_timeout_s: float = 120.0):
        self.path = Path(path) if path is not None else default_store_path()
        self.lock_timeout_s = lock_timeout_s
        self._ready = False

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    def _check_file(self) -> None:
        p = self.path
        if p.is_dir():
            raise StoreError(f"the results store {p} is a folder, not a DuckDB file; pass a file "
                             f"name with --store")
        if p.exists() and not p.is_file():
            raise StoreError(f"the results store {p} is not a regular file (a device or a "
                             f"pipe); pass a file with --store")
        if p.exists() and p.stat().st_size == 0:
            raise StoreError(f"the results store {p} is empty (0 bytes: a store whose creation "
                             f"failed); {_hint(p)}")

    @contextmanager
    def _connect(self, read_only: bool = False):
        try:
            self._check_file()
        except OSError as e:
            raise StoreError(f"cannot open the results store {self.path}: {e.strerror}; "
                             f"{_hint(self.path)}") from None
        if read_only and not self.path.exists():
            read_only = False  # creates the file and its tables
        created = not self.path.exists()
        deadline = time.monotonic() + self.lock_timeout_s
        delay = 0.02
        while True:
            try:
                con = duckdb.connect(str(self.path), read_only=read_only)
                break
            except duckdb.IOException as e:
                if not _is_lock_error(e):
                    self._drop_if_created(created)
                    raise StoreError(f"cannot open the results store {self.path}: {e}; "
                                     f"{_hint(self.path)}") from None
                if time.monotonic() >= deadline:
                    raise StoreBusy(
                        f"the results store {self.path} is held by another process and stayed "
                        f"so for {self.lock_timeout_s:g} s; wait for it to finish or use "
                        f"another store (--store)") from None
                time.sleep(delay * (0.5 + random.random()))
                delay = min(delay * 2, 1.0)
            except duckdb.Error as e:
                self._drop_if_created(created)
                raise StoreError(f"cannot open the results store {self.path}: {e}; "
                                 f"{_hint(self.path)}") from None
        try:
            try:
                if not read_only and not self._ready:
                    con.execute(_SCHEMA)
                    _migrate(con)
                    self._ready = True
            except duckdb.Error as e:
                con.close()
                self._drop_if_created(created)
                raise StoreError(f"cannot prepare the results store {self.path}: {e}; "
                                 f"{_hint(self.path)}") from None
            try:
                yield con
            except duckdb.Error as e:
                raise StoreError(f"the results store {self.path} cannot be "
                                 f"{'read' if read_only else 'written'}: {e}; "
                                 f"{_hint(self.path)}") from None
        finally:
            con.close()

    def _drop_if_created(self, created: bool) -> None:
        """A store this process began creating and could not finish is removed, so it cannot
        block later sweeps."""
        if not created:
            return
        for p in (self.path, self.path.with_name(self.path.name + ".wal")):
            try:
                p.unlink(missing_ok=True)
            except OSError:
                pass

    def init(self) -> Store:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StoreError(f"cannot create the folder of the results store {self.path}: "
                             f"{e.strerror}; use another store with --store") from None
        with self._connect():
            pass
        return self

    # ------------------------------------------------------------------ writes

    def write(self, records: RunRecord | list[RunRecord]) -> None:
        """Write runs, each in one transaction with its numbers; a run key already in the
        store is replaced (one row per run key)."""
        records = [records] if isinstance(records, RunRecord) else list(records)
        if not records:
            return
        with self._connect() as con:
            for rec in records:
                con.execute("BEGIN TRANSACTION")
                try:
                    con.execute("DELETE FROM metrics WHERE run_key = ?", [rec.run_key])
                    con.execute("DELETE FROM runs WHERE run_key = ?", [rec.run_key])
                    con.execute(f"INSERT INTO runs VALUES ({', '.join('?' * len(RUN_COLUMNS))})",
                                rec.row())
                    m = rec.metrics
                    if len(m):
                        frame = pd.DataFrame({
                            "run_key": rec.run_key, "stage": m["stage"].astype(str),
                            "company": m["company"].astype(str), "period": m["period"].astype(str),
                            "metric": m["metric"].astype(str),
                            "value": m["value"].astype(float)})
                        con.register("_m", frame)
                        con.execute("INSERT INTO metrics SELECT run_key, stage, company, period, "
                                    "metric, value FROM _m")
                        con.unregister("_m")
                    con.execute("COMMIT")
                except BaseException as e:
                    try:
                        con.execute("ROLLBACK")
                    except duckdb.Error:
                        pass  # the failed statement already ended the transaction
                    if isinstance(e, duckdb.Error):
                        raise StoreError(
                            f"cannot write run {rec.run_key} ({rec.scenario}) to the results "
                            f"store {self.path}: {e}; the runs written before it are kept. Free "
                            f"disk space or check the folder's permissions, then rerun with "
                            f"--resume") from None
                    raise

    # ------------------------------------------------------------------ reads

    def finished(self, keys: list[str] | None = None) -> set[str]:
        """Run keys stored with status ok (of ``keys`` when given)."""
        if not self.path.exists():
            return set()
        with self._connect(read_only=True) as con:
            rows = con.execute("SELECT run_key FROM runs WHERE status = 'ok'").fetchall()
        done = {r[0] for r in rows}
        return done if keys is None else done & set(keys)

    def runs(self, scenario_set: str | None = None, sweep_id: str | None = None,
             with_result: bool = False) -> pd.DataFrame:
        """One row per run (newest first)."""
        cols = [c for c in RUN_COLUMNS if with_result or c != "result"]
        if not self.path.exists():
            return pd.DataFrame(columns=cols)
        where, args = [], []
        if scenario_set is not None:
            where.append("scenario_set = ?")
            args.append(scenario_set)
        if sweep_id is not None:
            where.append("sweep_id = ?")
            args.append(sweep_id)
        sql = f"SELECT {', '.join(cols)} FROM runs"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY finished_at DESC, scenario"
        with self._connect(read_only=True) as con:
            return con.execute(sql, args).df()

    def metrics(self, run_keys: list[str] | None = None, metric: str | None = None) \
            -> pd.DataFrame:
        """Tidy numbers joined with their run's scenario and set."""
        empty = pd.DataFrame(columns=["run_key", "scenario_set", "scenario", "stage", "company",
                                      "period", "metric", "value"])
        if not self.path.exists() or (run_keys is not None and not run_keys):
            return empty
        sql = ("SELECT m.run_key, r.scenario_set, r.scenario, m.stage, m.company, m.period, "
               "m.metric, m.value FROM metrics m JOIN runs r USING (run_key)")
        where, args = [], []
        if metric is not None:
            where.append("m.metric = ?")
            args.append(metric)
        if run_keys is not None:
            where.append(f"m.run_key IN ({', '.join('?' * len(run_keys))})")
            args.extend(run_keys)
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY r.scenario, m.stage, m.company, m.period, m.metric"
        with self._connect(read_only=True) as con:
            return con.execute(sql, args).df()

    def load_run(self, run_key: str) -> dict:
        """One stored run as it was written: its ``runs`` row (``settings``, ``timings``,
        ``params`` and ``result`` parsed from JSON) and its ``metrics`` (a DataFrame). A unique
        prefix of the key is enough; StoreError names what is there otherwise."""
        import json

        if not self.path.exists():
            raise StoreError(f"no results store at {self.path} (run `autoalliance sweep` first)")
        with self._connect(read_only=True) as con:
            rows = con.execute(f"SELECT {', '.join(RUN_COLUMNS)} FROM runs WHERE run_key LIKE ?",
                               [run_key.replace("%", "") + "%"]).df()
        if len(rows) != 1:
            with self._connect(read_only=True) as con:
                keys = [r[0] for r in con.execute(
                    "SELECT run_key FROM runs ORDER BY finished_at DESC LIMIT 5").fetchall()]
            what = "no run" if rows.empty else f"{len(rows)} runs"
            raise StoreError(f"{what} in {self.path} with key {run_key!r} (latest: "
                             f"{', '.join(keys) or 'none'}; `autoalliance runs` lists them)")
        run = rows.iloc[0].to_dict()
        for c in ("settings", "timings", "params", "result"):
            run[c] = json.loads(run[c]) if isinstance(run[c], str) and run[c] else {}
        run["metrics"] = self.metrics([run["run_key"]])
        return run

    def query(self, sql: str, args: list | None = None) -> pd.DataFrame:
        with self._connect(read_only=True) as con:
            return con.execute(sql, args or []).df()


def _migrate(con) -> None:
    """Bring a store to ``SCHEMA_VERSION`` in one transaction: a 0.1 store (no ``meta`` table)
    gets its run keys recomputed with the scenario set, in ``runs`` and ``metrics`` alike."""
    con.execute("CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if row is not None and int(row[0]) >= SCHEMA_VERSION:
        return
    con.execute("BEGIN TRANSACTION")
    try:
        old = con.execute("SELECT run_key, dataset_hash, scenario, scenario_hash, settings, "
                          "code_version, scenario_set FROM runs").df()
        if len(old):
            new = [make_run_key(r.dataset_hash, r.scenario, r.scenario_hash,
                                json.loads(r.settings) if r.settings else {}, r.code_version,
                                r.scenario_set) for r in old.itertuples(index=False)]
            keys = pd.DataFrame({"old": old["run_key"], "new": new})
            con.register("_keys", keys)
            con.execute("UPDATE metrics SET run_key = k.new FROM _keys k "
                        "WHERE metrics.run_key = k.old")
            con.execute("UPDATE runs SET run_key = k.new FROM _keys k WHERE runs.run_key = k.old")
            con.unregister("_keys")
        con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)",
                    [str(SCHEMA_VERSION)])
        con.execute("COMMIT")
    except BaseException:
        try:
            con.execute("ROLLBACK")
        except duckdb.Error:
            pass
        raise
