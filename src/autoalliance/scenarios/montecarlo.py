"""Monte Carlo over futures: each sample is a scenario, so samples run (and resume) like a sweep.

A sample draws, from a seeded numpy Generator (one child seed per sample, so sample i is the
same whatever the sample count):

- the tariff regime as a Markov chain by quarter from ``start``: its states are named scenarios
  of the library, each standing for the measures table it produces; in a spell of quarters in a
  state, the measures in force are that state's rules clipped to the spell's dates (before
  ``start``, the dataset's own rules; after the last quarter, the last state's);
- each listed currency's rate to the USD as a random walk in logs by quarter (from the dataset's
  rate on ``start`` unless ``start`` is given);
- demand multipliers, lognormal with mean 1, one per group (segment, powertrain, ...), applied to
  every fiscal year from ``start``'s calendar year on.

``summarise`` turns the runs' numbers into quantiles per company and metric (totals over each
run's periods; ``alliance`` is the sum over companies) and, when the plan stage ran, the
probability that the alliance beats standalone for each partner.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from autoalliance.dataset.footprint import Footprint
from autoalliance.scenarios.overrides import apply_scenario
from autoalliance.scenarios.spec import MonteCarloSpec, Scenario, ScenarioSet
from autoalliance.trade.fx import per_usd_on

QUANTILES = {"p05": 0.05, "p25": 0.25, "p50": 0.5, "p75": 0.75, "p95": 0.95}
GAIN_TOLERANCE_USD = 1.0  # a gain below this is no gain


def quarter_starts(start: dt.date, quarters: int) -> list[pd.Timestamp]:
    s = pd.Timestamp(start)
    return [s + pd.DateOffset(months=3 * k) for k in range(quarters)]


def regime_path(rng: np.random.Generator, regime, quarters: int) -> list[str]:
    """States by quarter of one draw of the chain."""
    states = list(regime.states)
    init = {regime.initial: 1.0} if isinstance(regime.initial, str) else regime.initial
    p0 = np.array([init.get(s, 0.0) for s in states])
    P = np.array([[regime.transition[a].get(b, 0.0) for b in states] for a in states])
    i = rng.choice(len(states), p=p0 / p0.sum())
    path = [states[i]]
    for _ in range(quarters - 1):
        i = rng.choice(len(states), p=P[i] / P[i].sum())
        path.append(states[i])
    return path


def _clip(m: pd.DataFrame, lo: pd.Timestamp | None, hi: pd.Timestamp | None,
          tag: str) -> pd.DataFrame:
    """The rules of ``m`` in force within [lo, hi] (None: open), dates clipped to it."""
    start, end = m["start"], m["end"]
    keep = pd.Series(True, index=m.index)
    if lo is not None:
        keep &= end.isna() | (end >= lo)
    if hi is not None:
        keep &= start <= hi
    out = m[keep].copy()
    if lo is not None:
        out["start"] = out["start"].where(out["start"] >= lo, lo)
    if hi is not None:
        out["end"] = out["end"].where(out["end"].notna() & (out["end"] <= hi), hi)
    if tag:
        out["measure"] = out["measure"].astype(str) + tag
    return out


def regime_measures(base: pd.DataFrame, states: dict[str, pd.DataFrame], path: list[str],
                    starts: list[pd.Timestamp]) -> pd.DataFrame:
    """One measures table for a path of states by quarter."""
    day = pd.Timedelta(days=1)
    parts = [_clip(base, None, starts[0] - day, "")]
    k = 0
    while k < len(path):
        j = k
        while j + 1 < len(path) and path[j + 1] == path[k]:
            j += 1
        lo = starts[k]
        hi = starts[j + 1] - day if j + 1 < len(path) else None
        parts.append(_clip(states[path[k]], lo, hi, f"@{path[k]}@{lo:%Y%m%d}"))
        k = j + 1
    return pd.concat(parts, ignore_index=True)


def _rows(frame: pd.DataFrame) -> list[dict]:
    out = []
    for row in frame.to_dict(orient="records"):
        cells = {}
        for k, v in row.items():
            if isinstance(v, pd.Timestamp):
                v = v.date()
            elif v is pd.NaT or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
                v = None
            elif hasattr(v, "item"):
                v = v.item()
            cells[k] = v
        out.append(cells)
    return out


def horizon_start(fp: Footprint) -> dt.date:
    """The first day of the dataset's default plan horizon: its first fiscal year, starting in
    the earliest fiscal-year start month of the dataset's companies."""
    month = int(fp.companies["fiscal_year_start_month"].astype(int).min())
    return dt.date(fp.default_horizon[0], month, 1)


def sample_scenarios(fp: Footprint, sset: ScenarioSet, mc: MonteCarloSpec | None = None) \
        -> list[Scenario]:
    """The Monte Carlo draws of a scenario set's ``montecarlo`` section, as scenarios."""
    mc = mc or sset.spec.montecarlo
    if mc is None:
        raise ValueError(f"{sset.name} has no montecarlo section")
    start = mc.start or horizon_start(fp)
    starts = quarter_starts(start, mc.quarters)
    states = {}
    if mc.regime:
        for s in mc.regime.states:
            states[s] = apply_scenario(fp, sset.scenario(s), sset.origins).measures
    groups: list = []
    if mc.demand:
        groups = sorted(fp.nameplates[mc.demand.by].astype(str).unique())
    years = [int(y) for y in sorted(fp.demand["fiscal_year"].unique()) if y >= start.year]
    fx0 = {w.currency: (w.start or float(per_usd_on(fp.fx, w.currency, starts[0],
                                                   latest_when_uncovered=True)[0]))
           for w in mc.fx}
    children = np.random.SeedSequence(mc.seed).spawn(mc.samples)
    out = []
    for i, child in enumerate(children):
        rng = np.random.default_rng(child)
        overrides: dict = {}
        params: dict = {"sample": i, "seed": mc.seed}
        if mc.regime:
            path = regime_path(rng, mc.regime, mc.quarters)
            params["regime"] = path
            overrides["measures"] = {"replace": _rows(regime_measures(fp.measures, states, path,
                                                                      starts))}
        fx_paths = []
        for w in mc.fx:
            steps = w.drift + w.volatility * rng.standard_normal(mc.quarters - 1)
            levels = fx0[w.currency] * np.exp(np.concatenate([[0.0], np.cumsum(steps)]))
            levels = np.round(levels, 4)
            fx_paths.append({"currency": w.currency,
                             "points": {d.date(): float(v) for d, v in zip(starts, levels)}})
            params.setdefault("fx", {})[w.currency] = [float(v) for v in levels]
        if mc.demand:
            sig = mc.demand.sigma
            mult = np.exp(sig * rng.standard_normal(len(groups)) - sig * sig / 2)
            params["demand"] = {g: float(m) for g, m in zip(groups, mult)}
            overrides["demand"] = {"scale": [
                {"where": {mc.demand.by: g, "fiscal_year": years}, "column": "units",
                 "factor": float(m)} for g, m in zip(groups, mult)]}
        out.append(Scenario(name=f"{sset.name}.mc{mc.seed}.{i:05d}", overrides=overrides,
                            fx_paths=fx_paths, params=params,
                            description=f"Monte Carlo sample {i} of seed {mc.seed}"))
    return out


def totals(metrics: pd.DataFrame) -> pd.DataFrame:
    """Per run, stage, company and metric: the value summed over periods; plus ``alliance``,
    the sum over companies."""
    cols = ["run_key", "scenario", "stage", "company", "metric", "value"]
    if metrics.empty:
        return pd.DataFrame(columns=cols)
    t = metrics.groupby(["run_key", "scenario", "stage", "company", "metric"],
                        as_index=False)["value"].sum()
    joint = t.groupby(["run_key", "scenario", "stage", "metric"], as_index=False)["value"].sum()
    joint["company"] = "alliance"
    return pd.concat([t, joint[cols]], ignore_index=True)[cols]


def summarise(metrics: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(quantiles, probabilities): quantiles of each company's totals over the samples, and the
    probability that the alliance beats standalone (gain > 1 USD) for each partner."""
    t = totals(metrics)
    qcols = ["stage", "company", "metric", "n", "mean"] + list(QUANTILES)
    if t.empty:
        return pd.DataFrame(columns=qcols), pd.DataFrame(columns=["company", "p_beats_standalone",
                                                                  "n"])
    g = t.groupby(["stage", "company", "metric"])["value"]
    q = g.agg(n="count", mean="mean").reset_index()
    for name, level in QUANTILES.items():
        q[name] = g.quantile(level).to_numpy()
    gain = t[t["metric"].eq("alliance_gain_usd") & t["company"].ne("alliance")]
    p = gain.groupby("company")["value"].agg(
        p_beats_standalone=lambda v: float((v > GAIN_TOLERANCE_USD).mean()), n="count"
    ).reset_index()
    return q[qcols], p


@dataclass
class MonteCarloResult:
    scenarios: list[Scenario]
    metrics: pd.DataFrame  # tidy numbers of every run
    quantiles: pd.DataFrame
    p_beats_standalone: pd.DataFrame
    report: object

    def samples(self) -> pd.DataFrame:
        """Totals per sample (one row per sample, company and metric)."""
        return totals(self.metrics)


def montecarlo_label(sset: ScenarioSet, mc: MonteCarloSpec) -> str:
    """The scenario-set name a Monte Carlo run is stored under."""
    return f"{sset.name}:montecarlo:seed{mc.seed}"


def run_montecarlo(fp: Footprint, sset: ScenarioSet, mc: MonteCarloSpec | None = None,
                   store=None, settings=None, workers: int = 1, cluster=None,
                   resume: bool = False, on_start=None, on_result=None,
                   on_estimate=None) -> MonteCarloResult:
    """Sample, run every sample (locally or on a Dask cluster), and summarise.

    ``on_start(total, done)`` and ``on_result(record)`` are the sweep's progress callbacks over
    all samples. The first sample runs alone and is timed, so that ``on_estimate(seconds,
    remaining)`` can say how long the rest will take before it starts."""
    from autoalliance.scenarios.sweep import ProcessExecutor, settings_of

    mc = mc or sset.spec.montecarlo
    settings = settings or settings_of(sset)
    pool = None
    if cluster is None and workers > 1 and mc.samples > 1:  # workers start before the draws
        pool = ProcessExecutor(workers)
        pool.start(fp, settings, mc.samples - 1)
    try:
        return _run(fp, sset, mc, store, settings, workers, cluster, resume, on_start,
                    on_result, on_estimate, pool)
    finally:
        if pool is not None:
            pool.close()


def _run(fp, sset, mc, store, settings, workers, cluster, resume, on_start, on_result,
         on_estimate, pool) -> MonteCarloResult:
    from autoalliance.scenarios.store import Store
    from autoalliance.scenarios.sweep import SweepInterrupted, sweep

    draws = sample_scenarios(fp, sset, mc)
    if store is None:
        store = Store(Path(tempfile.mkdtemp(prefix="autoalliance-mc-")) / "runs.duckdb")
    kw = dict(settings=settings, cluster=cluster, resume=resume,
              check=False, on_result=on_result, scenario_set=montecarlo_label(sset, mc))

    def started(offset):
        return None if on_start is None else (lambda _, done: on_start(len(draws),
                                                                       offset + done))

    report = sweep(fp, draws[:1], store, workers=1, on_start=started(0), **kw)
    if len(draws) > 1:
        if on_estimate is not None and report.written:
            on_estimate(report.seconds, len(draws) - 1)
        def with_first(rest):  # the counts of both sweeps: the first sample is a run too
            rest.run_keys = report.run_keys + rest.run_keys
            for name in ("total", "written", "skipped", "failed", "seconds"):
                setattr(rest, name, getattr(rest, name) + getattr(report, name))
            return rest

        try:  # written counts every run stored, failed ones included
            rest = sweep(fp, draws[1:], store, workers=workers,
                         on_start=started(report.skipped + report.written),
                         executor=pool, **kw)
        except SweepInterrupted as e:
            raise SweepInterrupted(with_first(e.report)) from None
        report = with_first(rest)
    m = store.metrics(report.run_keys)
    q, p = summarise(m)
    return MonteCarloResult(draws, m, q, p, report)
