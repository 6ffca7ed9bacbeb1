"""Sweeps: run a scenario set on local processes or an existing Dask cluster, writing each result
to the store as it finishes; ``resume`` skips every run the store already holds.

A run is ``execute(fp, task)``: apply the scenario to the footprint, compute the stages, return a
``RunRecord``. The same function runs under every executor, so the executors differ only in where
it runs:

- ``SerialExecutor``: in this process (``workers=1``);
- ``ProcessExecutor``: a pool of local processes, each given the footprint once;
- ``DaskExecutor``: an existing ``distributed`` cluster (scheduler address or ``Client``); the
  footprint is scattered to the workers once.

The run key is a hash of (dataset hash, scenario name, scenario content hash, stages and their
settings, code version, scenario set): resuming recomputes exactly the runs whose key is not in
the store, and sweeping one set never replaces another set's run of a shared scenario.

Workers keep their model: a pool worker, a Dask worker thread and the serial executor build the
plan instance once per structure and answer each later run of the same structure (a scenario's
or Monte Carlo sample's new numbers) by writing the numbers into it
(``plan.instance.keep_model_across_runs``). A pool can be started before the runs are drawn
(``ProcessExecutor.start``), its workers importing the stack and building the base model
meanwhile. HiGHS runs on one thread in every worker (``autoalliance.lp.solver_threads``).

Pool workers die with the sweep: each sets the parent-death signal (Linux ``PR_SET_PDEATHSIG``)
and watches its parent, so a sweep killed with SIGKILL leaves no worker running.
"""

from __future__ import annotations

import hashlib
import os
import socket
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd

from autoalliance.dataset.footprint import Footprint
from autoalliance.errors import AutoallianceError
from autoalliance.lp import SOLVER_THREADS
from autoalliance.scenarios.overrides import apply_scenario, check_scenarios
from autoalliance.scenarios.spec import Scenario, ScenarioSet
from autoalliance.scenarios.stages import STAGES, available_stages
from autoalliance.scenarios.store import RunRecord, Store, make_run_key
from autoalliance.settings import Settings

ENV_CODE_VERSION = "AUTOALLIANCE_CODE_VERSION"


class SweepInterrupted(AutoallianceError):
    """The sweep was interrupted; the runs finished so far are in the store."""

    def __init__(self, report: SweepReport):
        self.report = report
        super().__init__(f"interrupted: {report.written} run(s) written to the store, "
                         f"{report.remaining} not done; rerun with --resume to finish")


@cache
def _source_hash() -> str:
    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for p in sorted(root.rglob("*.py")):
        h.update(str(p.relative_to(root)).encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:12]


def code_version() -> str:
    """The package version and a hash of its source (``AUTOALLIANCE_CODE_VERSION`` overrides):
    a run computed by other code is another run."""
    env = os.environ.get(ENV_CODE_VERSION)
    if env:
        return env
    from autoalliance import __version__

    return f"{__version__}+{_source_hash()}"


def run_key(dataset_hash: str, scenario: Scenario, settings: Settings, version: str,
            scenario_set: str | None = None) -> str:
    return make_run_key(dataset_hash, scenario.name, scenario.content_hash(), settings.to_dict(),
                        version, scenario_set)


@dataclass(frozen=True)
class RunTask:
    scenario: Scenario
    settings: Settings
    run_key: str
    dataset_hash: str
    dataset: str
    code_version: str
    scenario_set: str | None = None
    sweep_id: str | None = None


def execute(fp: Footprint, task: RunTask) -> RunRecord:
    """One run: the scenario applied to ``fp``, each stage computed. Errors become a record with
    status ``error`` (the sweep goes on; ``--resume`` retries them)."""
    t0 = time.time()
    timings: dict[str, float] = {}
    rec = RunRecord(run_key=task.run_key, scenario=task.scenario.name,
                    scenario_hash=task.scenario.content_hash(), dataset_hash=task.dataset_hash,
                    stages=list(task.settings.stages), code_version=task.code_version,
                    sweep_id=task.sweep_id, scenario_set=task.scenario_set, dataset=task.dataset,
                    settings=task.settings.to_dict(), started_at=t0,
                    worker=f"{socket.gethostname()}:{os.getpid()}", params=task.scenario.params)
    try:
        t = time.perf_counter()
        sfp = apply_scenario(fp, task.scenario, validate=True)
        timings["apply_s"] = time.perf_counter() - t
        frames, result = [], {}
        for name in task.settings.stages:
            t = time.perf_counter()
            out = STAGES[name].fn(sfp, task.settings)
            timings[f"{name}_s"] = time.perf_counter() - t
            frames.append(out.metrics.assign(stage=name))
            result[name] = out.payload
        rec.metrics = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        rec.result = result
    except Exception as e:  # recorded, not raised: one bad future must not stop a sweep
        rec.status = "error"
        rec.error = f"{type(e).__name__}: {e}"
    rec.finished_at = time.time()
    rec.seconds = rec.finished_at - t0
    rec.timings = timings
    return rec


# ---------------------------------------------------------------- executors

class SerialExecutor:
    """Runs in this process, one after another; with ``keep_model`` (the default) each run of
    the structure of the one before updates its plan instance instead of building one
    (``keep_model=False``: every run builds its own, the slow twin the tests compare with)."""

    name = "serial"

    def __init__(self, keep_model: bool = True):
        self.keep_model = keep_model

    def run(self, fp: Footprint, tasks: list[RunTask]) -> Iterator[RunRecord]:
        from autoalliance.plan.instance import keep_model_across_runs

        keep_model_across_runs(self.keep_model)
        try:
            for task in tasks:
                yield execute(fp, task)
        finally:
            keep_model_across_runs(False)


_WORKER_FP: Footprint | None = None


def die_with_parent(parent_pid: int) -> None:
    """End this process when ``parent_pid`` ends, however it ends (SIGKILL included).

    On Linux the kernel sends SIGKILL at the parent's death (``PR_SET_PDEATHSIG``); everywhere a
    daemon thread also checks every half second that the parent is still ours (the fallback, and
    the cover for a parent that died before the signal was set)."""
    import signal
    import sys
    import threading

    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG = 1
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent_pid:
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent_pid:
                os._exit(1)

    threading.Thread(target=watch, name="die-with-parent", daemon=True).start()


def _init_worker(fp: Footprint, parent_pid: int | None = None,
                 settings: Settings | None = None) -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    if parent_pid is not None:
        die_with_parent(parent_pid)
    os.environ[SOLVER_THREADS] = "1"  # the pool uses the cores; HiGHS one thread per worker
    global _WORKER_FP
    _WORKER_FP = fp
    from autoalliance.plan.instance import keep_model_across_runs

    keep_model_across_runs(True)
    if settings is not None:
        warm_up(fp, settings)


def warm_up(fp: Footprint, settings: Settings) -> None:
    """Build the base footprint's plan instance (and import the stack) before the first run
    arrives, so that runs of the same structure only write their numbers into it. A failure
    here is left for the runs to report."""
    if not {"plan", "sharing"} & set(settings.stages):
        return
    from autoalliance.plan import plan

    try:
        plan(fp, mode="alliance", settings=settings.for_dataset(fp))
    except Exception:  # the run that needs it records the error
        pass


def _ready() -> int:
    return os.getpid()


def _execute_in_worker(task: RunTask) -> RunRecord:
    return execute(_WORKER_FP, task)


class ProcessExecutor:
    """A pool of local processes (spawned), each given the footprint once and keeping its plan
    instance across runs. ``start`` spawns the pool ahead of ``run`` (the workers import and
    build the base model while the caller draws its runs); ``run`` starts it otherwise."""

    name = "processes"

    def __init__(self, workers: int):
        self.workers = max(1, int(workers))
        self._pool = None
        self._fp = None

    def start(self, fp: Footprint, settings: Settings | None = None,
              tasks: int | None = None) -> None:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        n = min(self.workers, max(1, tasks)) if tasks is not None else self.workers
        self._pool = ProcessPoolExecutor(max_workers=n, mp_context=mp.get_context("spawn"),
                                         initializer=_init_worker,
                                         initargs=(fp, os.getpid(), settings))
        self._fp = fp
        for _ in range(n):  # spawns every worker now; each runs the initializer first
            self._pool.submit(_ready)

    def close(self) -> None:
        """Stop a started pool that ``run`` did not consume."""
        if self._pool is not None:
            procs = list(getattr(self._pool, "_processes", {}).values())
            self._pool.shutdown(wait=False, cancel_futures=True)
            for p in procs:
                p.terminate()
            self._pool = None

    def run(self, fp: Footprint, tasks: list[RunTask]) -> Iterator[RunRecord]:
        from concurrent.futures import as_completed

        if self._pool is None or self._fp is not fp:
            self.close()
            self.start(fp, tasks[0].settings if tasks else None, len(tasks))
        pool, self._pool = self._pool, None
        clean = False
        try:
            futures = [pool.submit(_execute_in_worker, t) for t in tasks]
            for f in as_completed(futures):
                yield f.result()
            clean = True
        finally:
            if not clean:
                procs = list(getattr(pool, "_processes", {}).values())
                pool.shutdown(wait=False, cancel_futures=True)
                for p in procs:
                    p.terminate()
            else:
                pool.shutdown(wait=True)


def execute_keeping_model(fp: Footprint, task: RunTask) -> RunRecord:
    """``execute`` on a Dask worker thread that keeps its plan instance across runs."""
    from autoalliance.plan.instance import keep_model_across_runs

    keep_model_across_runs(True)  # once per thread; later calls keep what is kept
    return execute(fp, task)


class DaskExecutor:
    """An existing Dask ``distributed`` cluster: a scheduler address (``tcp://HOST:PORT``) or a
    ``distributed.Client``. The footprint is scattered to every worker once."""

    name = "dask"

    def __init__(self, cluster):
        self.cluster = cluster

    def run(self, fp: Footprint, tasks: list[RunTask]) -> Iterator[RunRecord]:
        try:
            from distributed import as_completed
        except ImportError:
            raise AutoallianceError("running on a Dask cluster needs dask[distributed]: "
                                    "pip install 'autoalliance[dask]'") from None
        from autoalliance.scenarios.cluster import DEFAULT_TIMEOUT_S, lost, open_client

        client, own = open_client(self.cluster)  # connect and first answer bounded in time
        futures = []
        clean = False
        finished = 0
        try:
            try:
                fp_future = client.scatter(fp, broadcast=True, hash=False, timeout=getattr(
                    self.cluster, "timeout_s", DEFAULT_TIMEOUT_S))
                futures = [client.submit(execute_keeping_model, fp_future, t,
                                         key=f"autoalliance-run-{t.run_key}", pure=False,
                                         retries=1) for t in tasks]
                for f in as_completed(futures):
                    rec = f.result()
                    finished += 1
                    yield rec
            except AutoallianceError:
                raise
            except Exception as e:  # the scheduler or its connection lost mid-sweep
                raise lost(self.cluster, finished, e) from None
            clean = True
        finally:
            try:
                if not clean and futures:
                    client.cancel(futures)
            except Exception:
                pass
            if own:
                try:
                    client.close(timeout=5)
                except Exception:
                    pass


def make_executor(workers: int = 1, cluster=None):
    if cluster is not None:
        return DaskExecutor(cluster)
    return ProcessExecutor(workers) if workers > 1 else SerialExecutor()


# ---------------------------------------------------------------- the sweep

@dataclass
class SweepReport:
    sweep_id: str
    scenario_set: str
    executor: str
    total: int
    skipped: int = 0
    written: int = 0
    failed: int = 0
    seconds: float = 0.0
    run_keys: list[str] = field(default_factory=list)

    @property
    def remaining(self) -> int:
        return self.total - self.skipped - self.written

    @property
    def runs_per_minute(self) -> float:
        return 60.0 * self.written / self.seconds if self.seconds > 0 else float("nan")

    def to_dict(self) -> dict:
        return {"sweep_id": self.sweep_id, "scenario_set": self.scenario_set,
                "executor": self.executor, "total": self.total, "skipped": self.skipped,
                "written": self.written, "failed": self.failed,
                "seconds": round(self.seconds, 3),
                "runs_per_minute": round(self.runs_per_minute, 2) if self.written else None,
                "run_keys": self.run_keys}


def resolve_settings(spec_stages: Iterable[str] | None, fiscal_years=None,
                     horizon=None) -> Settings:
    """Run settings with the stage list checked: None means every default stage available."""
    stages = list(spec_stages) if spec_stages is not None else \
        [s for s in available_stages() if STAGES[s].default]
    for s in stages:
        if s not in STAGES:
            raise AutoallianceError(f"unknown stage {s!r} (stages: {', '.join(STAGES)})")
        if not STAGES[s].available():
            raise AutoallianceError(f"stage {s!r} is not available in this installation "
                                    f"(available: {', '.join(available_stages())})")
    return Settings(stages=tuple(stages), fiscal_years=fiscal_years,
                    horizon=None if horizon is None else tuple(horizon))


def settings_of(sset: ScenarioSet) -> Settings:
    s = sset.spec
    return resolve_settings(s.stages, s.fiscal_years, s.horizon)


def plan_tasks(fp: Footprint, scenarios: list[Scenario], settings: Settings,
               scenario_set: str | None = None, sweep_id: str | None = None) -> list[RunTask]:
    version = code_version()
    h = fp.content_hash()
    return [RunTask(sc, settings, run_key(h, sc, settings, version, scenario_set), h, fp.name,
                    version, scenario_set, sweep_id) for sc in scenarios]


def sweep(fp: Footprint, scenarios: ScenarioSet | list[Scenario], store: Store,
          settings: Settings | None = None, workers: int = 1, cluster=None,
          resume: bool = False, on_start: Callable[[int, int], None] | None = None,
          on_result: Callable[[RunRecord], None] | None = None, check: bool = True,
          scenario_set: str | None = None, executor=None) -> SweepReport:
    """Run every scenario, writing each finished run to ``store`` at once.

    ``resume``: skip runs whose key the store holds with status ok. Without it every run is
    computed again and replaces its row. ``check``: apply every scenario once in this process
    first, so an invalid override stops the sweep before anything is written.
    Ctrl-C raises ``SweepInterrupted`` once the runs finished so far are written.
    ``executor``: one made (and perhaps started) by the caller instead of ``workers``/``cluster``.
    """
    if isinstance(scenarios, ScenarioSet):
        settings = settings or settings_of(scenarios)
        origins = scenarios.origins
        scenario_set = scenario_set or scenarios.name
        scenarios = scenarios.scenarios
    else:
        origins = {}
        settings = settings or resolve_settings(None)
    if check:
        check_scenarios(fp, scenarios, origins)
    sweep_id = uuid.uuid4().hex[:12]
    tasks = plan_tasks(fp, scenarios, settings, scenario_set, sweep_id)
    keys = [t.run_key for t in tasks]
    if len(set(keys)) != len(keys):
        raise AutoallianceError("two scenarios of the sweep have the same name and content")
    store.init()
    done = store.finished(keys) if resume else set()
    todo = [t for t in tasks if t.run_key not in done]
    executor = executor or make_executor(workers, cluster)
    report = SweepReport(sweep_id, scenario_set or "adhoc", executor.name, len(tasks),
                         skipped=len(tasks) - len(todo), run_keys=keys)
    if on_start:
        on_start(len(tasks), report.skipped)
    t0 = time.perf_counter()
    results = executor.run(fp, todo) if todo else (r for r in ())
    try:
        for rec in results:
            store.write(rec)
            report.written += 1
            report.failed += rec.status != "ok"
            if on_result:
                on_result(rec)
    except KeyboardInterrupt:
        results.close()
        report.seconds = time.perf_counter() - t0
        raise SweepInterrupted(report) from None
    finally:
        results.close()
    report.seconds = time.perf_counter() - t0
    return report
