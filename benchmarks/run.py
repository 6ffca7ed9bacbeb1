"""autoalliance benchmarks: plan build against Pyomo, overhead ratio, exposure throughput against
pandas, sweeps with 1 and 2 workers, warm against cold re-solves.

    python benchmarks/run.py            # full run (tens of minutes); rewrites the tables of
                                        # benchmarks/RESULTS.md and benchmarks/time_vs_size.png
    python benchmarks/run.py --quick    # small sizes (< 2 minutes); writes results-quick.*

Every measurement runs in a fresh process (so each peak memory is the process's own), and the
implementations being compared are measured one after the other at each size, in the same run.
Needs the bench extra: pip install -e '.[bench]'.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PY = sys.executable


def _need_extras() -> None:
    missing = []
    for mod in ("pyomo", "matplotlib"):
        try:
            __import__(mod)
        except ImportError:
            missing.append(mod)
    if missing:
        sys.exit(f"benchmarks need {', '.join(missing)}: pip install -e '.[bench]'")


def _child(script: str, *args: str, timeout: float = 7200) -> dict:
    env = dict(os.environ, PYTHONPATH=str(HERE) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    cmd = [PY, str(HERE / script), *args]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    lines = [ln for ln in r.stdout.splitlines() if ln.startswith("{")]
    if r.returncode != 0 or not lines:
        return {"error": (r.stderr or r.stdout).strip().splitlines()[-1:] or ["failed"],
                "returncode": r.returncode}
    return json.loads(lines[-1])


def machine() -> dict:
    cpu = "unknown"
    try:
        for ln in Path("/proc/cpuinfo").read_text().splitlines():
            if ln.startswith("model name"):
                cpu = ln.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0.0
    try:
        for ln in Path("/proc/meminfo").read_text().splitlines():
            if ln.startswith("MemTotal"):
                mem = int(ln.split()[1]) / 2**20
    except OSError:
        pass
    import highspy
    import linopy
    import pandas
    import pyomo

    return dict(cpu=cpu, cores=os.cpu_count(), memory_gib=round(mem, 1),
                python=platform.python_version(), os=platform.platform(),
                pandas=pandas.__version__, linopy=linopy.__version__,
                highspy=getattr(highspy, "__version__", "?"), pyomo=pyomo.__version__,
                load_average=os.getloadavg()[0])


# --- datasets -------------------------------------------------------------------------------

def plan_dataset(work: Path, nameplates: int, with_binaries: bool) -> Path:
    """A synthetic footprint for the plan benchmark. Without binaries the tooling and options
    tables are left out, so the model is an LP (production, demand, capacity, offset) and
    HiGHS's time stays proportional; with them it is the full MILP."""
    from autoalliance.dataset.synth import write_synth

    name = f"plan_{nameplates}_{'milp' if with_binaries else 'lp'}"
    folder = write_synth(work / name, companies=6, plants=60, nameplates=nameplates, years=11,
                         seed=1)
    if not with_binaries:
        for t in ("tooling", "options"):
            (folder / f"{t}.csv").unlink(missing_ok=True)
    return folder


# --- sections ---------------------------------------------------------------------------------

def bench_plan(work: Path, sizes: list[int], milp_sizes: list[int], log) -> list[dict]:
    rows = []
    for n, binaries in [(n, False) for n in sizes] + [(n, True) for n in milp_sizes]:
        ds = plan_dataset(work, n, binaries)
        for impl in ("linopy", "linopy-direct", "pyomo"):
            r = _child("plan_bench.py", "--dataset", str(ds), "--impl", impl)
            r.update(nameplates=n, model="milp" if binaries else "lp")
            log(f"plan {r['model']} N={n} {impl}: {_short(r)}")
            rows.append(r)
    return rows


def bench_exposure(work: Path, engine_sizes, pandas_sizes, log) -> list[dict]:
    from exposure_bench import FOOTPRINT

    from autoalliance.dataset.synth import write_synth

    ds = write_synth(work / "exposure", **FOOTPRINT)
    rows = []
    for size in sorted(set(engine_sizes) | set(pandas_sizes)):
        impls = ([("engine", [])] if size in engine_sizes
                 else []) + ([("pandas", [])] if size in pandas_sizes else [])
        for label, extra in impls:
            impl = "pandas" if label == "pandas" else "engine"
            r = _child("exposure_bench.py", "--dataset", str(ds), "--impl", impl,
                       "--unit-rows", f"{size:g}", *extra)
            r["label"] = label
            log(f"exposure {size:.0e} {label}: {_short(r)}")
            rows.append(r)
    return rows


def bench_sweeps(work: Path, runs: int, nameplates: int, log) -> list[dict]:
    rows = []
    ds = plan_dataset(work, nameplates, False)
    for workers in (1, 2):
        r = _child("sweep_bench.py", "--dataset", str(ds), "--runs", str(runs), "--workers",
                   str(workers), "--store", str(work / f"sweep_{workers}.duckdb"))
        log(f"sweep workers={workers}: {_short(r)}")
        rows.append(r)
    return rows


def bench_warm(work: Path, nameplates: int, scenarios: int, log, milp: bool) -> list[dict]:
    rows = []
    for binaries in (False, True) if milp else (False,):
        ds = plan_dataset(work, nameplates if not binaries else 70, binaries)
        r = _child("warm_bench.py", "--dataset", str(ds), "--scenarios", str(scenarios))
        r["model"] = "milp" if binaries else "lp"
        log(f"warm {r['model']}: {_short(r)}")
        rows.append(r)
    return rows


def bench_workload(quick: bool, log) -> dict:
    """The analyst's workload on the bundled dataset against the HiGHS floor
    (``workload_bench.py``): each workload in a fresh process, side by side in one run."""
    r = _child("workload_bench.py", *(["--quick"] if quick else []))
    r["dashboard"] = _child("dashboard_bench.py")
    log(f"workload: {json.dumps(r)[:400]}")
    return r


def _short(r: dict) -> str:
    keep = {k: (round(v, 3) if isinstance(v, float) else v) for k, v in r.items()
            if k in ("error", "variables", "inputs", "build", "handoff", "solve", "objective",
                     "peak_rss_mib", "seconds", "unit_rows", "unit_rows_per_s", "runs_per_min",
                     "cold_s", "warm_s", "speedup")}
    return json.dumps(keep)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description="autoalliance benchmarks")
    ap.add_argument("--quick", action="store_true", help="small sizes, under two minutes")
    ap.add_argument("--only", nargs="*", default=None,
                    help="sections to run: plan exposure sweeps warm workload (default: all)")
    ap.add_argument("--out", type=Path, default=None, help="results JSON (default: "
                    "benchmarks/results[-quick].json)")
    args = ap.parse_args(argv)
    _need_extras()
    sys.path.insert(0, str(HERE))
    q = args.quick
    sections = args.only or ["plan", "exposure", "sweeps", "warm", "workload"]
    out = args.out or HERE / ("results-quick.json" if q else "results.json")
    started = time.time()

    def log(msg: str) -> None:
        print(f"[{time.time() - started:7.1f}s] {msg}", flush=True)

    res: dict = {"quick": q, "machine": machine(), "started": time.strftime("%Y-%m-%d %H:%M")}
    with tempfile.TemporaryDirectory(prefix="aa-bench-") as tmp:
        work = Path(tmp)
        if "plan" in sections:
            res["plan"] = bench_plan(work, [70, 700] if q else [70, 700, 7000, 65000],
                                     [] if q else [200], log)
        if "exposure" in sections:
            res["exposure"] = bench_exposure(
                work, [1e4, 1e5] if q else [1e4, 1e5, 1e6, 1e7, 1e8],
                [1e4] if q else [1e4, 1e5, 1e6], log)
        if "sweeps" in sections:
            res["sweeps"] = bench_sweeps(work, 4 if q else 24, 70, log)
        if "warm" in sections:
            res["warm"] = bench_warm(work, 70 if q else 700, 3 if q else 6, log, milp=not q)
        if "workload" in sections:
            res["workload"] = bench_workload(q, log)
    res["seconds"] = time.time() - started
    if args.only and out.exists():  # one section again: keep the others from the last run
        prev = json.loads(out.read_text())
        now = res["started"]
        res = {**prev, **{k: v for k, v in res.items() if k in sections}}
        res["rerun"] = {**prev.get("rerun", {}), **{k: now for k in sections}}
    out.write_text(json.dumps(res, indent=1))
    log(f"results in {out}")
    from report import render

    render(res, HERE, quick=q)
    log("tables and plot written")


if __name__ == "__main__":
    main()
