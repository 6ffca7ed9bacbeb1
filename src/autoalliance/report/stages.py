"""Adapters from the later pipeline stages (plan, sharing, scenarios) to report tables.

Each function returns ``{table name: DataFrame}`` or raises :class:`StageUnavailable` with the
reason a stage cannot run (module not installed yet, dataset lacks the tables it needs, solver
failure). The report shows that reason where the chart would be.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

import pandas as pd

from autoalliance.footprint import Footprint


class StageUnavailable(Exception):
    """A stage of the pipeline cannot run for this report (the message says why)."""


def _module(name: str):
    try:
        return importlib.import_module(name)
    except ImportError as e:
        raise StageUnavailable(f"{name} is not available ({e})") from None


def _plan_fn():
    mod = _module("autoalliance.plan")
    fn = getattr(mod, "plan", None)
    if fn is None:
        raise StageUnavailable("autoalliance.plan has no plan() function yet")
    return fn


def run_plan(fp: Footprint, mode: str = "alliance", partners=None):
    """The planner's result for a footprint, or StageUnavailable."""
    fn = _plan_fn()
    try:
        kwargs = {"mode": mode}
        if partners is not None:
            kwargs["partners"] = partners
        return fn(fp, **kwargs)
    except StageUnavailable:
        raise
    except Exception as e:  # the planner's own errors (infeasible, missing tables)
        raise StageUnavailable(f"the plan could not be made: {e}") from None


def _frame(obj, name: str) -> pd.DataFrame:
    v = getattr(obj, name, None)
    if isinstance(v, pd.DataFrame):
        return v.copy()
    return pd.DataFrame()


def plan_tables(fp: Footprint, fy: int) -> dict[str, pd.DataFrame]:
    """Plan results: flows, utilisation, chosen options, moves and per-company profit."""
    res = run_plan(fp, "alliance")
    out = {}
    for name in ("companies", "flows", "utilisation", "options", "moves"):
        t = _frame(res, name)
        if len(t):
            out[f"plan_{name}"] = t
    if not out:
        raise StageUnavailable("the planner returned no tables")
    return out


def sharing_tables(fp: Footprint, rd) -> dict[str, pd.DataFrame]:
    """The alliance gain (value of the grand coalition over standalone) and its split by
    Shapley value, Nash bargaining and least core."""
    sharing = _module("autoalliance.sharing")
    make = getattr(sharing, "alliance_game", None)
    if make is None:
        raise StageUnavailable("autoalliance.sharing has no alliance_game() yet (the game built "
                               "from the planner's coalition values)")
    try:
        game = make(fp)
    except Exception as e:
        raise StageUnavailable(f"the alliance game could not be built: {e}") from None
    return {"gain_split": split_table(sharing, game)}


def split_table(sharing, game) -> pd.DataFrame:
    """One row per partner and method: standalone value, share of the gain, total."""
    players = list(game.players)
    standalone = {p: float(game.value([p])) for p in players}
    grand = float(game.value(players))
    gain = grand - sum(standalone.values())
    rows = []
    methods: dict[str, Callable] = {
        "shapley": lambda: sharing.shapley(game),
        "nash": lambda: sharing.nash_bargaining(game),
        "least_core": lambda: sharing.least_core(game),
    }
    for method, fn in methods.items():
        try:
            alloc = fn()
        except Exception:  # a method that does not apply to this game is left out
            continue
        alloc = getattr(alloc, "allocation", alloc)
        if not isinstance(alloc, dict):
            alloc = dict(zip(players, list(alloc)))
        for p in players:
            total = float(alloc[p])
            rows.append({"method": method, "company": p, "standalone_usd": standalone[p],
                         "allocation_usd": total, "gain_share_usd": total - standalone[p],
                         "alliance_gain_usd": gain})
    return pd.DataFrame(rows)


def scenario_tables(fp: Footprint, results: pd.DataFrame | None) -> dict[str, pd.DataFrame]:
    """Distributions over scenarios: the results table passed in (from a sweep or the store)."""
    if results is None or len(results) == 0:
        raise StageUnavailable("no scenario results: run a sweep (autoalliance sweep) and pass "
                               "its run to the report")
    return {"scenario_results": results.reset_index(drop=True)}


def alliance_gain(fp: Footprint) -> float:
    """Alliance gain in USD over the plan horizon: the grand coalition's value less the sum of
    standalone values (StageUnavailable until the planner and the game exist)."""
    sharing = _module("autoalliance.sharing")
    make = getattr(sharing, "alliance_game", None)
    if make is None:
        raise StageUnavailable("autoalliance.sharing has no alliance_game() yet")
    game = make(fp)
    players = list(game.players)
    return float(game.value(players)) - sum(float(game.value([p])) for p in players)


def sensitivity_tables(fp: Footprint, rd) -> dict[str, pd.DataFrame]:
    """Tornado of the alliance gain over its most influential inputs."""
    from autoalliance.report.sensitivity import tornado

    if "sharing" in rd.notes or not rd.has("gain_split"):
        raise StageUnavailable("needs the alliance gain (the sharing stage)")
    return {"sensitivity": tornado(fp, alliance_gain, top=10)}
