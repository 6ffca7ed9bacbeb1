"""The analyst's workload on the bundled dataset, each figure a ratio measured side by side in
one run: ``plan(alliance)`` and the sharing game (all coalitions, four rules) against the HiGHS
time of their solves; the CLI's ``plan``/``share`` wall time against importing the numeric stack;
Monte Carlo samples per minute (exposure + alliance plan + Shapley split) against their HiGHS
time; sweep runs per minute on ``policy_2026`` with 1 and 2 workers. Prints one JSON line."""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
IMPORTS = "import pandas, numpy, xarray, linopy, highspy"


def _wall(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def cli(reps: int) -> dict:
    """Median wall of each command, the commands interleaved so load hits them alike."""
    cmds = {"imports": [sys.executable, "-c", IMPORTS],
            "plan": [str(BIN / "autoalliance"), "plan", "--mode", "alliance", "--json"],
            "share": [str(BIN / "autoalliance"), "share", "--rule", "shapley", "--json"],
            "help": [str(BIN / "autoalliance"), "--help"]}
    times: dict[str, list[float]] = {k: [] for k in cmds}
    for _ in range(reps):
        for k, c in cmds.items():
            times[k].append(_wall(c))
    med = {k: statistics.median(v) for k, v in times.items()}
    return {"imports_s": med["imports"], "plan_s": med["plan"], "share_s": med["share"],
            "help_s": med["help"], "plan_ratio": med["plan"] / med["imports"],
            "share_ratio": med["share"] / med["imports"], "reps": reps}


def in_process() -> dict:
    from autoalliance.dataset.footprint import load_footprint
    from autoalliance.plan import plan
    from autoalliance.plan.instance import solver_seconds
    from autoalliance.sharing.alliance import RULES, share

    out = {}
    fp = load_footprint()
    s0, t0 = solver_seconds(), time.perf_counter()
    plan(fp, "alliance")
    out["plan_s"] = time.perf_counter() - t0
    out["plan_highs_s"] = solver_seconds() - s0
    fp = load_footprint()  # a new footprint: nothing kept from the plan
    s0, t0 = solver_seconds(), time.perf_counter()
    for rule in RULES:
        share(fp, rule, workers=1)
    out["share_all_rules_s"] = time.perf_counter() - t0
    out["share_highs_s"] = solver_seconds() - s0
    out["plan_ratio"] = out["plan_s"] / out["plan_highs_s"]
    out["share_ratio"] = out["share_all_rules_s"] / out["share_highs_s"]
    return out


def split() -> dict:
    """Where one built-once game goes (bundled dataset, every coalition): inputs, the linopy
    build (``define_*``), linopy's matrices, passing them to highspy, and per re-solve the
    in-place change plus HiGHS ``run``."""
    import itertools

    from autoalliance.dataset.footprint import load_footprint
    from autoalliance.plan import Settings, build_inputs, default_partners
    from autoalliance.plan.instance import PlanInstance
    from autoalliance.plan.model import build_model

    fp = load_footprint()
    s = Settings()
    partners = default_partners(fp)
    t0 = time.perf_counter()
    d = build_inputs(fp, partners, s)
    out = {"inputs_s": time.perf_counter() - t0}
    build_model(d)  # first-use costs (xarray's lazy imports) out of the figures below
    t0 = time.perf_counter()
    m, _ = build_model(d, floors={c: 0.0 for c in d.companies})
    out["build_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    m.matrices.A  # noqa: B018
    out["matrices_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    inst = PlanInstance(d, s)
    out["instance_s"] = time.perf_counter() - t0  # build + matrices + pass to highspy
    coalitions = [c for k in range(1, len(partners) + 1)
                  for c in itertools.combinations(partners, k)]
    t0 = time.perf_counter()
    for c in coalitions:
        inst.solve(c)
    wall = time.perf_counter() - t0
    out.update(coalitions=len(coalitions), resolve_wall_s=wall, resolve_highs_s=inst.run_seconds,
               resolve_overhead_s=wall - inst.run_seconds, variables=int(m.nvars),
               constraints=int(m.ncons))
    return out


def montecarlo(samples: int, workers: int) -> dict:
    from autoalliance.dataset.footprint import load_footprint
    from autoalliance.plan.instance import solver_seconds
    from autoalliance.scenarios import load_scenarios
    from autoalliance.scenarios.montecarlo import run_montecarlo
    from autoalliance.scenarios.sweep import resolve_settings

    sset = load_scenarios("policy_2026")
    mc = sset.spec.montecarlo.model_copy(update={"samples": samples})
    fp = load_footprint()
    settings = resolve_settings(["exposure", "plan", "sharing"], sset.spec.fiscal_years,
                                sset.spec.horizon)
    s0, t0 = solver_seconds(), time.perf_counter()
    res = run_montecarlo(fp, sset, mc, settings=settings, workers=workers)
    secs = time.perf_counter() - t0
    out = {"samples": samples, "workers": workers, "seconds": secs,
           "failed": res.report.failed, "samples_per_min": 60 * samples / secs}
    if workers == 1:  # the solves ran in this process
        out["highs_s"] = solver_seconds() - s0
        out["ratio"] = secs / out["highs_s"]
    return out


def sweeps(workers: int) -> dict:
    from autoalliance.dataset.footprint import load_footprint
    from autoalliance.scenarios import load_scenarios
    from autoalliance.scenarios.store import Store
    from autoalliance.scenarios.sweep import resolve_settings, sweep

    sset = load_scenarios("policy_2026")
    fp = load_footprint()
    settings = resolve_settings(["exposure", "plan"], sset.spec.fiscal_years, sset.spec.horizon)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        rep = sweep(fp, sset, Store(Path(tmp) / "runs.duckdb"), settings=settings,
                    workers=workers)
        secs = time.perf_counter() - t0
    runs = rep.written + rep.failed
    return {"workers": workers, "runs": runs, "failed": rep.failed, "seconds": secs,
            "runs_per_min": 60 * runs / secs}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=int, default=40, help="Monte Carlo samples")
    ap.add_argument("--reps", type=int, default=3, help="CLI repetitions (median)")
    ap.add_argument("--only", nargs="*", default=None,
                    help="parts: split inprocess cli montecarlo sweeps (default: all)")
    args = ap.parse_args(argv)
    parts = args.only or ["split", "inprocess", "cli", "montecarlo", "sweeps"]
    res: dict = {}
    if "split" in parts:
        res["split"] = split()
    if "inprocess" in parts:
        res["in_process"] = in_process()
    if "cli" in parts:
        res["cli"] = cli(args.reps)
    if "montecarlo" in parts:
        res["montecarlo"] = [montecarlo(args.samples, w) for w in (1, 2)]
    if "sweeps" in parts:
        res["sweeps"] = [sweeps(w) for w in (1, 2)]
        one, two = res["sweeps"]
        res["sweeps_speedup_2_workers"] = two["runs_per_min"] / one["runs_per_min"]
    sys.stdout.write(json.dumps(res) + "\n")


if __name__ == "__main__":
    main()
