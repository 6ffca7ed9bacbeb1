"""Sweep throughput: runs per minute of ``autoalliance.scenarios.sweep`` with 1 or 2 local worker
processes, on a synthetic footprint, stages exposure and plan. One measurement per process;
prints one JSON line."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

from autoalliance.dataset.footprint import load_footprint
from autoalliance.scenarios import Scenario, Settings
from autoalliance.scenarios.spec import FxPath
from autoalliance.scenarios.store import Store
from autoalliance.scenarios.sweep import sweep


def scenarios(fp, n: int) -> list[Scenario]:
    """``n`` futures of the yen (the synthetic firms report in JPY, USD, KRW, EUR)."""
    cur = sorted(set(fp.companies["currency"]) - {"USD"})[0]
    return [Scenario(name=f"fx_{i:03d}", assumption="benchmark",
                     fx_paths=[FxPath(currency=cur, points={dt.date(2026, 4, 1):
                                                            130.0 + 2.5 * i})])
            for i in range(n)]


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", required=True, type=Path)
    ap.add_argument("--runs", type=int, default=16)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--store", type=Path, required=True)
    args = ap.parse_args(argv)
    fp = load_footprint(args.dataset)
    settings = Settings(stages=("exposure", "plan"), fiscal_years=(2026,),
                           horizon=(2026, 2030))
    sc = scenarios(fp, args.runs)
    t0 = time.perf_counter()
    rep = sweep(fp, sc, Store(args.store), settings=settings, workers=args.workers)
    secs = time.perf_counter() - t0
    sys.stdout.write(json.dumps(dict(workers=args.workers, runs=args.runs, seconds=secs,
                                     failed=rep.failed, runs_per_min=60 * args.runs / secs))
                     + "\n")


if __name__ == "__main__":
    main()
