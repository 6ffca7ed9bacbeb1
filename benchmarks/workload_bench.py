"""The analyst's workload on the bundled dataset against the HiGHS floor, side by side in one run.

Each workload runs in a fresh process (``--part NAME``, imports done before the clock starts)
and reports wall and CPU seconds, (a) HiGHS's own ``run`` time of its solves (every solve of the
process, counted by ``floor.timed``) and (b) the floor: the raw-highspy loop over the same
models (``floor.replay``), whose answers are asserted equal to the planner's. Workloads:

- ``plan``: ``plan(fp, "alliance")`` (3 standalone solves + the alliance);
- ``share``: the sharing game for the four rules (the 7 coalitions + the alliance);
- ``montecarlo``: one Monte Carlo sample (exposure + alliance plan + Shapley split), the mean
  of the samples after the first in one serial run that keeps its model;
- ``sweep``: one sweep run of ``policy_2026`` (exposure + plan), the mean after the first;
- ``cli``: ``autoalliance plan --mode alliance --json`` and ``share --rule shapley --json``
  against ``python -c "import pandas, numpy, xarray, linopy, highspy"`` (medians, interleaved;
  wall and CPU), and ``-X importtime`` of the plan command (import share and top packages);
- ``workers``: 1 against 2 workers on the 7-run sweep and on N Monte Carlo samples;
- ``threads``: ``plan(alliance)`` with HiGHS on 1 thread against HiGHS's own choice.

Prints one JSON line with the machine's load average and the date.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
IMPORTS = "import pandas, numpy, xarray, linopy, highspy"
STACK = ("pandas", "numpy", "xarray", "linopy", "highspy", "scipy", "pyarrow")


def _clock():
    return time.perf_counter(), time.process_time()


def _since(t):
    w, c = _clock()
    return w - t[0], c - t[1]


def _with_floor(work, label: str) -> dict:
    """Time ``work()`` (wall, CPU, HiGHS run), then record its solves on a second call and
    replay them on raw highspy."""
    from floor import check, recorded, replay, timed

    t = _clock()
    out, highs_s, highs_cpu, solves = timed(work)
    wall, cpu = _since(t)
    models = recorded(work)
    floor = replay(models, reps=3)
    worst = check(models, floor)
    return {"workload": label, "wall_s": wall, "cpu_s": cpu, "highs_s": highs_s,
            "highs_cpu_s": highs_cpu, "solves": solves, "floor_s": floor["wall_s"],
            "floor_cpu_s": floor["cpu_s"], "floor_solves": floor["solves"],
            "floor_max_rel_diff": worst, "ratio_highs": wall / max(highs_s, 1e-9),
            "ratio_floor": wall / max(floor["wall_s"], 1e-9),
            "cpu_ratio_floor": cpu / max(floor["cpu_s"], 1e-9), "result": out}


def part_plan() -> dict:
    from autoalliance.dataset.footprint import load_footprint
    from autoalliance.plan import plan

    def work():
        plan(load_footprint(), "alliance")  # a new footprint: nothing kept from before

    return _with_floor(work, "plan(alliance)")


def part_share() -> dict:
    from autoalliance.dataset.footprint import load_footprint
    from autoalliance.sharing.alliance import RULES, share

    def work():
        fp = load_footprint()
        for rule in RULES:
            share(fp, rule, workers=1)
        return len(RULES)

    return _with_floor(work, "sharing game, 4 rules")


def _runs(set_name: str, stages: list[str], samples: int | None):
    from autoalliance.dataset.footprint import load_footprint
    from autoalliance.scenarios import load_scenarios
    from autoalliance.scenarios.montecarlo import sample_scenarios
    from autoalliance.scenarios.sweep import plan_tasks, resolve_settings

    sset = load_scenarios(set_name)
    fp = load_footprint()
    settings = resolve_settings(stages, sset.spec.fiscal_years, sset.spec.horizon)
    if samples is None:
        scenarios = sset.scenarios
    else:
        mc = sset.spec.montecarlo.model_copy(update={"samples": samples})
        scenarios = sample_scenarios(fp, sset, mc)
    return fp, plan_tasks(fp, scenarios, settings), sset, settings


def _per_run(fp, tasks, label: str) -> dict:
    """The first run (builds the model) apart; the rest timed per run with the model kept."""
    from autoalliance.plan.instance import keep_model_across_runs
    from autoalliance.scenarios.sweep import execute

    keep_model_across_runs(True)
    try:
        t = _clock()
        first = execute(fp, tasks[0])
        first_wall, first_cpu = _since(t)
        assert first.status == "ok", first.error
        rest = tasks[1:]

        def work():
            recs = [execute(fp, task) for task in rest]
            assert all(r.status == "ok" for r in recs), [r.error for r in recs]
            return len(recs)

        out = _with_floor(work, label)
    finally:
        keep_model_across_runs(False)
    n = len(rest)
    for k in ("wall_s", "cpu_s", "highs_s", "highs_cpu_s", "floor_s", "floor_cpu_s"):
        out[k] /= n  # per run
    out.update(runs=n, first_wall_s=first_wall, first_cpu_s=first_cpu)
    return out


def part_montecarlo(samples: int) -> dict:
    fp, tasks, _, _ = _runs("policy_2026", ["exposure", "plan", "sharing"], samples)
    return _per_run(fp, tasks, "one Monte Carlo sample")


def part_sweep() -> dict:
    fp, tasks, _, _ = _runs("policy_2026", ["exposure", "plan"], None)
    return _per_run(fp, tasks, "one sweep run")


def _child_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _run(cmd: list[str], env=None) -> tuple[float, float]:
    c0, t0 = _child_cpu(), time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=env)
    return time.perf_counter() - t0, _child_cpu() - c0


def importtime(cmd: list[str]) -> dict:
    """``python -X importtime`` of a command: total import time, the share of it under each
    top-level package (cumulative, outermost imports), and whether the heavy optional modules
    were imported at all."""
    r = subprocess.run([sys.executable, "-X", "importtime", *cmd], capture_output=True,
                       text=True, check=True)
    top: dict[str, float] = {}
    seen = set()
    for line in r.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if not m:
            continue
        name = m[4]
        seen.add(name)
        if len(m[3]) == 1:  # imported from the program itself, not from another module
            pkg = name.split(".")[0]
            top[pkg] = top.get(pkg, 0.0) + int(m[2]) / 1e6
    total = sum(top.values())
    heavy = {k: k in seen for k in ("scipy.optimize", "scipy.stats", "dask", "dask.array",
                                    "duckdb", "pydantic", "streamlit", "plotly", "openpyxl")}
    return {"imports_s": total, "modules": len(seen),
            "top": dict(sorted(top.items(), key=lambda kv: -kv[1])[:10]), "loaded": heavy}


def part_cli(reps: int) -> dict:
    aa = [sys.executable, "-m", "autoalliance.cli"]
    cmds = {"imports": [sys.executable, "-c", IMPORTS],
            "numpy_highspy": [sys.executable, "-c", "import numpy, highspy"],
            "plan": aa + ["plan", "--mode", "alliance", "--json"],
            "share": aa + ["share", "--rule", "shapley", "--json"],
            "help": aa + ["--help"]}
    wall: dict[str, list[float]] = {k: [] for k in cmds}
    cpu: dict[str, list[float]] = {k: [] for k in cmds}
    for _ in range(reps):
        for k, c in cmds.items():
            w, u = _run(c)
            wall[k].append(w)
            cpu[k].append(u)
    med = {k: statistics.median(v) for k, v in wall.items()}
    medc = {k: statistics.median(v) for k, v in cpu.items()}
    return {"reps": reps, "wall_s": med, "cpu_s": medc,
            "plan_ratio": med["plan"] / med["imports"],
            "share_ratio": med["share"] / med["imports"],
            "plan_cpu_ratio": medc["plan"] / medc["imports"],
            "share_cpu_ratio": medc["share"] / medc["imports"],
            "importtime_plan": importtime(["-m", "autoalliance.cli", "plan", "--mode",
                                           "alliance", "--json"]),
            "importtime_share": importtime(["-m", "autoalliance.cli", "share", "--rule",
                                            "shapley", "--json"]),
            "importtime_stack": importtime(["-c", IMPORTS])}


def part_workers(samples: int) -> dict:
    from autoalliance.scenarios.montecarlo import run_montecarlo
    from autoalliance.scenarios.store import Store
    from autoalliance.scenarios.sweep import sweep

    out: dict = {"sweep": [], "montecarlo": []}
    fp, _, sset, settings = _runs("policy_2026", ["exposure", "plan"], None)
    for w in (1, 2):
        with tempfile.TemporaryDirectory() as tmp:
            t = _clock()
            rep = sweep(fp, sset, Store(Path(tmp) / "runs.duckdb"), settings=settings,
                        workers=w)
            wall, cpu = _since(t)
        n = rep.written + rep.failed
        out["sweep"].append({"workers": w, "runs": n, "failed": rep.failed, "wall_s": wall,
                             "parent_cpu_s": cpu, "runs_per_min": 60 * n / wall})
    fp, _, sset, settings = _runs("policy_2026", ["exposure", "plan", "sharing"], None)
    mc = sset.spec.montecarlo.model_copy(update={"samples": samples})
    for w in (1, 2):
        with tempfile.TemporaryDirectory() as tmp:
            t = _clock()
            res = run_montecarlo(fp, sset, mc, store=Store(Path(tmp) / "runs.duckdb"),
                                 settings=settings, workers=w)
            wall, cpu = _since(t)
        out["montecarlo"].append({"workers": w, "samples": samples,
                                  "failed": res.report.failed, "wall_s": wall,
                                  "parent_cpu_s": cpu, "samples_per_min": 60 * samples / wall})
    out["sweep_speedup"] = out["sweep"][1]["runs_per_min"] / out["sweep"][0]["runs_per_min"]
    out["montecarlo_speedup"] = (out["montecarlo"][1]["samples_per_min"]
                                 / out["montecarlo"][0]["samples_per_min"])
    out["montecarlo_1000_min"] = 1000 / out["montecarlo"][1]["samples_per_min"]
    return out


def part_threads(reps: int) -> dict:
    """plan(alliance) in fresh processes, HiGHS threads 1 against 0 (HiGHS's choice),
    interleaved; medians of wall, CPU and HiGHS run time."""
    code = ("import json,time,sys; sys.path.insert(0, HERE); from floor import timed; "
            "from autoalliance.dataset.footprint import load_footprint; "
            "from autoalliance.plan import plan; plan(load_footprint(), 'alliance'); "
            "t=time.perf_counter(); c=time.process_time(); "
            "_, h, hc, n = timed(lambda: plan(load_footprint(), 'alliance')); "
            "print(json.dumps([time.perf_counter()-t, time.process_time()-c, h, hc]))"
            ).replace("HERE", repr(str(HERE)))
    res: dict = {"1": [], "0": []}
    for _ in range(reps):
        for th in res:
            env = dict(os.environ, AUTOALLIANCE_SOLVER_THREADS=th)
            r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                               env=env, check=True)
            res[th].append(json.loads(r.stdout.strip().splitlines()[-1]))
    out = {}
    for th, rows in res.items():
        cols = list(zip(*rows))
        out[f"threads_{th}"] = {k: statistics.median(v) for k, v in
                                zip(("wall_s", "cpu_s", "highs_s", "highs_cpu_s"), cols)}
    return {"reps": reps, **out}


def _child(part: str, args) -> dict:
    env = dict(os.environ, PYTHONPATH=str(HERE) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    cmd = [sys.executable, str(Path(__file__)), "--part", part, "--samples", str(args.samples),
           "--reps", str(args.reps), "--mc-workers-samples", str(args.mc_workers_samples)]
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    lines = [ln for ln in r.stdout.splitlines() if ln.startswith("{")]
    if r.returncode != 0 or not lines:
        return {"error": (r.stderr or r.stdout).strip().splitlines()[-3:]}
    return json.loads(lines[-1])


PARTS = ("plan", "share", "montecarlo", "sweep", "cli", "workers", "threads")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer samples and repetitions")
    ap.add_argument("--samples", type=int, default=5, help="Monte Carlo samples per sample "
                    "figure (the first apart)")
    ap.add_argument("--mc-workers-samples", type=int, default=50,
                    help="Monte Carlo samples for 1 against 2 workers")
    ap.add_argument("--reps", type=int, default=5, help="CLI and threads repetitions (median)")
    ap.add_argument("--only", nargs="*", default=None, help=f"parts: {' '.join(PARTS)}")
    ap.add_argument("--part", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.quick:
        args.samples, args.mc_workers_samples, args.reps = 3, 8, 2
    if args.part:  # in a fresh child process
        sys.path.insert(0, str(HERE))
        import autoalliance.plan
        import autoalliance.scenarios
        import autoalliance.sharing.alliance  # noqa: F401

        fn = {"plan": part_plan, "share": part_share,
              "montecarlo": lambda: part_montecarlo(args.samples), "sweep": part_sweep,
              "cli": lambda: part_cli(args.reps),
              "workers": lambda: part_workers(args.mc_workers_samples),
              "threads": lambda: part_threads(args.reps)}[args.part]
        res = fn()
        res["load_after"] = os.getloadavg()
        sys.stdout.write(json.dumps(res, default=str) + "\n")
        return
    out = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
           "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores",
           "quick": args.quick, "load_start": os.getloadavg()}
    for part in args.only or PARTS:
        before = os.getloadavg()
        out[part] = _child(part, args)
        out[part]["load_before"] = before
    out["load_end"] = os.getloadavg()
    sys.stdout.write(json.dumps(out, default=str) + "\n")


if __name__ == "__main__":
    main()
