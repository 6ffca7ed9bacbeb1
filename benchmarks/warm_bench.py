"""Warm-started against cold re-solves across demand scenarios. For each scenario (every
nameplate's demand scaled by a common factor) the plan model is rebuilt and handed to HiGHS;
the cold solve starts from nothing, the warm one from the previous scenario's basis (LP) or
solution (MILP: a MIP start). Times are HiGHS's ``run`` alone. Prints one JSON line."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import highspy

from autoalliance.dataset.footprint import load_footprint
from autoalliance.plan.data import Settings, build_inputs
from autoalliance.plan.model import build_model

HORIZON = (2026, 2035)


def _highs(fp, factor: float):
    d = fp.demand.assign(units=fp.demand["units"] * factor)
    f = fp.replace(demand=d)
    inputs = build_inputs(f, list(f.companies["company"]), Settings(horizon=HORIZON))
    m, _ = build_model(inputs)
    h = m.to_highspy()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", 1e-6)
    return h, m.binaries.nvars > 0 if hasattr(m.binaries, "nvars") else len(m.binaries) > 0


def _run(h) -> tuple[float, float]:
    t0 = time.perf_counter()
    h.run()
    return time.perf_counter() - t0, h.getInfo().objective_function_value


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", required=True, type=Path)
    ap.add_argument("--scenarios", type=int, default=6)
    args = ap.parse_args(argv)
    fp = load_footprint(args.dataset)
    factors = [1.0 + 0.02 * i for i in range(args.scenarios)]
    cold = warm = 0.0
    prev = None
    same = True
    mip = False
    for i, k in enumerate(factors):
        h, mip = _highs(fp, k)
        tc, oc = _run(h)
        if i == 0:
            prev = h
            continue
        cold += tc
        hw, _ = _highs(fp, k)
        if mip:
            hw.setSolution(prev.getSolution())
        else:
            hw.setBasis(prev.getBasis())
        tw, ow = _run(hw)
        warm += tw
        same &= abs(ow - oc) <= 1e-6 * max(1.0, abs(oc))
        prev = hw
    n = len(factors) - 1
    sys.stdout.write(json.dumps(dict(scenarios=n, mip=bool(mip), cold_s=cold / n, warm_s=warm / n,
                                     speedup=cold / warm if warm > 0 else None,
                                     same_objective=bool(same),
                                     highspy=getattr(highspy, "__version__", "?"))) + "\n")


if __name__ == "__main__":
    main()
