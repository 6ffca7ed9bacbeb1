"""Plan build, hand-off to HiGHS and solve, for the autoalliance planner (linopy) and the same
model in Pyomo, on one synthetic footprint. One measurement per process (``run.py`` starts a
fresh one for each, so peak memory is the process's own); prints one JSON line.

Stages (seconds, wall clock):

- ``inputs``: ``build_inputs`` (tables -> index sets and coefficients, incl. the per-unit duty
  of every lane and year from the exposure engine); shared by both formulations;
- ``build``: the model's variables, constraints and objective (``build_model`` or Pyomo);
- ``handoff``: from the built model to a HiGHS instance holding it (matrices, LP file, ...) plus
  reading the solution back: the solve call's wall time less HiGHS's own ``run``;
- ``solve``: HiGHS's ``run`` alone (timed around ``highspy.Highs.run``).

Overhead ratio = (inputs + build + handoff + solve) / solve.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import highspy
from memory import current_rss_mib, peak_rss_mib

from autoalliance.dataset.footprint import load_footprint
from autoalliance.plan.data import Settings, build_inputs
from autoalliance.plan.model import build_model

HORIZON = (2026, 2035)
_RUN = {"seconds": 0.0, "calls": 0}
_orig_run = highspy.Highs.run


def _timed_run(self, *a, **k):
    t0 = time.perf_counter()
    try:
        return _orig_run(self, *a, **k)
    finally:
        _RUN["seconds"] += time.perf_counter() - t0
        _RUN["calls"] += 1


highspy.Highs.run = _timed_run


@contextlib.contextmanager
def quiet():
    """HiGHS writes its banner to fd 1 from C++; keep stdout for the JSON line."""
    sys.stdout.flush()
    saved = os.dup(1)
    with open(os.devnull, "w") as null:
        os.dup2(null.fileno(), 1)
        try:
            yield
        finally:
            sys.stdout.flush()
            os.dup2(saved, 1)
            os.close(saved)


def reset_peak() -> None:
    """Reset VmHWM to the current RSS (Linux >= 4.0: write 5 to /proc/self/clear_refs)."""
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def measure(dataset: Path, impl: str, gap: float = 1e-6, time_limit: float = 1800.0) -> dict:
    fp = load_footprint(dataset)
    settings = Settings(horizon=HORIZON)
    companies = list(fp.companies["company"])
    out: dict = dict(impl=impl)
    t0 = time.perf_counter()
    d = build_inputs(fp, companies, settings)
    out["inputs"] = time.perf_counter() - t0
    out["inputs_peak_rss_mib"] = peak_rss_mib()
    out["rss_after_inputs_mib"] = current_rss_mib()
    reset_peak()  # from here VmHWM is the peak of the model build, hand-off and solve
    if impl == "pyomo":
        from pyomo_plan import build_pyomo, solve_pyomo  # imported before the clock starts
    t0 = time.perf_counter()
    if impl == "pyomo":
        m = build_pyomo(d)
        out["build"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        with quiet():
            obj, res = solve_pyomo(m, gap, time_limit)
        call = time.perf_counter() - t0
        out["status"] = str(res.termination_condition)
        out["variables"] = m.nvariables()
        out["constraints"] = m.nconstraints()
    else:
        m, _ = build_model(d)
        out["build"] = time.perf_counter() - t0
        io_api = "direct" if impl == "linopy-direct" else None  # None: the planner's default
        t0 = time.perf_counter()
        with quiet():
            _, cond = m.solve(solver_name="highs", io_api=io_api, output_flag=False,
                              log_to_console=False, mip_rel_gap=gap, time_limit=time_limit)
        call = time.perf_counter() - t0
        obj = float(m.objective.value)
        out["status"] = str(cond)
        out["variables"] = int(m.nvars)
        out["constraints"] = int(m.ncons)
    out["solve"] = _RUN["seconds"]
    out["handoff"] = call - _RUN["seconds"]
    out["objective"] = obj
    out["total"] = out["inputs"] + out["build"] + call
    out["overhead_ratio"] = out["total"] / out["solve"] if out["solve"] > 0 else None
    out["peak_rss_mib"] = max(peak_rss_mib(), out["inputs_peak_rss_mib"])
    out["model_peak_rss_mib"] = peak_rss_mib()  # build + hand-off + solve (process RSS)
    out["model_rss_mib"] = out["model_peak_rss_mib"] - out["rss_after_inputs_mib"]
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", required=True, type=Path)
    ap.add_argument("--impl", choices=["linopy", "linopy-direct", "pyomo"], required=True)
    ap.add_argument("--gap", type=float, default=1e-6)
    args = ap.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).parent))
    res = measure(args.dataset, args.impl, args.gap)
    sys.stdout.write(json.dumps(res) + "\n")


if __name__ == "__main__":
    main()
