"""Adapters from the later pipeline stages (plan, sharing, scenarios) to report tables.

Each function returns ``{table name: DataFrame}`` or raises :class:`StageUnavailable` with the
reason a stage cannot run (module not installed yet, dataset lacks the tables it needs, solver
failure). The report shows that reason where the chart would be.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

import pandas as pd

from autoalliance.dataset.footprint import Footprint


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


def horizon_for(fp: Footprint, fy: int) -> tuple[int, int]:
    """Plan horizon after the exposure year: up to five years the demand table covers."""
    years = sorted(int(y) for y in fp.demand["fiscal_year"].unique() if int(y) > fy)
    if not years:
        raise StageUnavailable(f"the demand table has no year after FY{fy} to plan")
    return years[0], min(years[-1], years[0] + 4)


def run_plan(fp: Footprint, fy: int, mode: str = "alliance", partners=None):
    """The planner's result for a footprint, or StageUnavailable."""
    fn = _plan_fn()
    try:
        kwargs = {"mode": mode, "horizon": horizon_for(fp, fy)}
        if partners is not None:
            kwargs["partners"] = list(partners)
        return fn(fp, **kwargs)
    except StageUnavailable:
        raise
    except Exception as e:  # the planner's own errors (infeasible, missing tables)
        first = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise StageUnavailable(f"the plan could not be made: {first}") from None


def _frame(obj, name: str) -> pd.DataFrame:
    v = getattr(obj, name, None)
    if isinstance(v, pd.DataFrame):
        return v.copy()
    return pd.DataFrame()


def plan_tables(fp: Footprint, fy: int, cache: dict | None = None) -> dict[str, pd.DataFrame]:
    """Plan results: flows, utilisation, chosen options, moves and per-company profit."""
    res = run_plan(fp, fy, "alliance")
    if cache is not None:
        cache["alliance_plan"] = res
    out = {}
    for name in ("companies", "flows", "utilisation", "options", "moves"):
        t = _frame(res, name)
        if len(t):
            out[f"plan_{name}"] = t
    if not out:
        raise StageUnavailable("the planner returned no tables")
    return out


def alliance_game(fp: Footprint, fy: int, cache: dict | None = None):
    """The alliance game: the sharing module's own when it has one, else v(S) = joint profit
    of the alliance plan of coalition S (standalone profit for one firm), in USD."""
    sharing = _module("autoalliance.sharing")
    make = getattr(sharing, "alliance_game", None)
    if make is not None:
        settings_cls = getattr(_module("autoalliance.plan"), "Settings", None)
        try:
            return make(fp, settings=settings_cls(horizon=horizon_for(fp, fy)))
        except TypeError:
            return make(fp)
    grand = (cache or {}).get("alliance_plan") or run_plan(fp, fy, "alliance")
    players = list(grand.partners)
    if len(players) < 2:
        raise StageUnavailable("fewer than two partners: no alliance to share")
    profit = grand.companies.set_index("company")
    known = {frozenset(players): float(profit.loc[players, "profit_usd"].sum())}
    known.update({frozenset([p]): float(profit.at[p, "standalone_profit_usd"]) for p in players})

    def value(coalition) -> float:
        key = frozenset(coalition)
        if key not in known:
            res = run_plan(fp, fy, "alliance", partners=sorted(key))
            known[key] = float(res.companies["profit_usd"].sum())
        return known[key]

    return sharing.Game.from_function(players, value)


def sharing_tables(fp: Footprint, fy: int, cache: dict | None = None) -> dict[str, pd.DataFrame]:
    """The alliance gain (value of the grand coalition over standalone) and its split by
    Shapley value, Nash bargaining and least core."""
    sharing = _module("autoalliance.sharing")
    try:
        game = alliance_game(fp, fy, cache)
    except StageUnavailable:
        raise
    except Exception as e:
        raise StageUnavailable(f"the alliance game could not be built: {e}") from None
    table = split_table(sharing, game)
    if cache is not None:
        cache["alliance_gain"] = float(table["alliance_gain_usd"].iloc[0]) if len(table) else 0.0
    return {"gain_split": table}


def _as_dict(alloc, players) -> dict[str, float]:
    for attr in ("value", "allocation"):
        inner = getattr(alloc, attr, None)
        if isinstance(inner, pd.Series):
            alloc = inner
            break
    if isinstance(alloc, pd.Series):
        return {str(k): float(v) for k, v in alloc.items()}
    if isinstance(alloc, dict):
        return {str(k): float(v) for k, v in alloc.items()}
    return dict(zip(players, (float(v) for v in alloc)))


def split_table(sharing, game) -> pd.DataFrame:
    """One row per partner and method: standalone value, allocation, share of the gain."""
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
            alloc = _as_dict(fn(), players)
        except Exception:  # a method that does not apply to this game is left out
            continue
        for p in players:
            rows.append({"method": method, "company": p, "standalone_usd": standalone[p],
                         "allocation_usd": alloc[p], "gain_share_usd": alloc[p] - standalone[p],
                         "alliance_gain_usd": gain})
    return pd.DataFrame(rows)


def scenario_tables(fp: Footprint, fy: int, results: pd.DataFrame | None = None,
                    with_plan: bool = False) -> dict[str, pd.DataFrame]:
    """Distributions over scenarios: the results table passed in (from a sweep or the store),
    or else each single-scenario file in the dataset's ``scenarios/`` folder run here: tariff
    cost per company in FY``fy+1`` under today's sourcing and, ``with_plan``, the alliance gain
    over the plan horizon."""
    if results is not None and len(results):
        return {"scenario_results": results.reset_index(drop=True)}
    folder = fp.source_path / "scenarios" if fp.source_path and fp.source_path.is_dir() \
        else None
    if folder is None or not folder.is_dir():
        raise StageUnavailable("no scenario results and no scenarios/ folder in the dataset: "
                               "run a sweep (autoalliance sweep) and report on its run")
    scen = _module("autoalliance.scenarios")
    from autoalliance.trade.exposure import exposure, summarise

    rows = []
    for file in sorted(folder.glob("*.yaml")):
        try:
            ss = scen.load_scenarios(file)
        except Exception:
            continue
        if len(ss.scenarios) != 1:
            continue  # a set: its members have their own files
        sc = ss.scenarios[0]
        f = scen.apply_scenario(fp, sc, ss.origins)
        by = summarise(exposure(f, [fy + 1]), "company").set_index("company")
        row = {"scenario": sc.name}
        for company, v in by["tariff_cost_usd"].items():
            row[f"tariff_cost_fy{fy + 1}_{company}_usd"] = float(v)
        if with_plan:
            try:
                row["alliance_gain_usd"] = plan_gain(f, fy)
            except StageUnavailable:
                row["alliance_gain_usd"] = float("nan")
        rows.append(row)
    if not rows:
        raise StageUnavailable(f"no single-scenario files in {folder}")
    return {"scenario_results": pd.DataFrame(rows)}


def plan_gain(fp: Footprint, fy: int) -> float:
    """Alliance gain in USD over the plan horizon: joint profit of the alliance plan less the
    partners' standalone profits (one plan solve)."""
    res = run_plan(fp, fy, "alliance")
    return float(res.companies["gain_usd"].sum())


def sensitivity_tables(fp: Footprint, fy: int, rd, top: int = 10) -> dict[str, pd.DataFrame]:
    """Tornado of the alliance gain over its most influential inputs."""
    from autoalliance.report.sensitivity import tornado

    if "plan" in rd.notes or not rd.has("plan_companies"):
        raise StageUnavailable("needs the alliance plan (the plan stage)")
    return {"sensitivity": tornado(fp, lambda f: plan_gain(f, fy), top=top)}
