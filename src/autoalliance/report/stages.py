"""Adapters from the later pipeline stages (plan, sharing, scenarios) to report tables.

Each function returns ``{table name: DataFrame}`` or raises :class:`StageUnavailable` with the
reason a stage cannot run (module not installed yet, dataset lacks the tables it needs, solver
failure). The report shows that reason where the chart would be.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from autoalliance import sharing
from autoalliance.dataset.footprint import Footprint
from autoalliance.plan import plan
from autoalliance.scenarios import apply_scenario, load_scenarios
from autoalliance.settings import Settings
from autoalliance.sharing.alliance import alliance_game as sharing_game
from autoalliance.sharing.recommend import recommended_allocation


class StageUnavailable(Exception):
    """A stage of the pipeline cannot run for this report (the message says why)."""


def run_plan(fp: Footprint, mode: str = "alliance", partners=None):
    """The planner's result over the dataset's default horizon, or StageUnavailable."""
    try:
        return plan(fp, mode=mode, partners=None if partners is None else list(partners))
    except Exception as e:  # the planner's own errors (infeasible, missing tables)
        first = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise StageUnavailable(f"the plan could not be made: {first}") from None


def _frame(obj, name: str) -> pd.DataFrame:
    v = getattr(obj, name, None)
    if isinstance(v, pd.DataFrame):
        return v.copy()
    return pd.DataFrame()


def plan_tables(fp: Footprint, cache: dict | None = None) -> dict[str, pd.DataFrame]:
    """Plan results: flows, utilisation, chosen options, moves and per-company profit."""
    res = run_plan(fp, "alliance")
    if cache is not None:
        cache["alliance_plan"] = res
    out = {}
    for name in ("companies", "flows", "utilisation", "options", "moves"):
        t = _frame(res, name)
        if len(t):
            out[f"plan_{name}"] = t
    if not out:
        raise StageUnavailable("the planner returned no tables")
    from autoalliance.report.landed import decisive, landed_cost

    lc = landed_cost(fp, res)
    out["landed_cost"] = lc
    out["landed_decisive"] = decisive(lc, _frame(res, "moves"))
    return out


def sharing_tables(fp: Footprint, cache: dict | None = None) -> dict[str, pd.DataFrame]:
    """The alliance gain (value of the grand coalition over standalone) and its split by
    Shapley value, Nash bargaining and least core, on the sharing module's alliance game."""
    try:
        game = sharing_game(fp, settings=Settings().for_dataset(fp))
        if len(game.players) < 2:
            raise StageUnavailable("fewer than two partners: no alliance to share")
        game.values()  # every coalition solved here, so a failure is reported as the reason
    except StageUnavailable:
        raise
    except Exception as e:
        first = str(e).splitlines()[-1] if str(e) else type(e).__name__
        raise StageUnavailable(f"the alliance game could not be built: {first}") from None
    table = split_table(game)
    if cache is not None:
        cache["alliance_gain"] = float(table["alliance_gain_usd"].iloc[0]) if len(table) else 0.0
    return {"gain_split": table, **recommended_tables(fp)}


def recommended_tables(fp: Footprint) -> dict[str, pd.DataFrame]:
    """The recommended deal (``share``'s first table): per partner its split, gain, marginal
    contribution and reasons in words (``recommended_deal``), and the fees and lump sums that
    deliver it (``recommended_fees``; USD). Empty when the deal cannot be worked out."""
    from autoalliance.sharing.alliance import share

    try:
        res = share(fp, "recommended", settings=Settings().for_dataset(fp))
    except Exception:  # the split table above already says why sharing could not run
        return {}
    rec = res.recommendation
    deal = rec.partners.reset_index().rename(columns={"partner": "company"})
    deal.insert(1, "rule", rec.rule)
    deal["reason"] = deal["company"].map(rec.reasons)
    fees = res.recommended_fees
    lump = fees.lump_sums.rename(columns={"partner": "payee", "lump_sum_usd": "payment_usd"})
    lump.insert(0, "instrument", "lump sum")
    rows = pd.concat([fees.fees[["instrument", "payer", "payee", "units", "fee_usd",
                                 "payment_usd"]], lump[lump["payment_usd"].abs() > 0.5]],
                     ignore_index=True)
    return {"recommended_deal": deal, "recommended_fees": rows}


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


def threshold_tables(fp: Footprint) -> dict[str, pd.DataFrame]:
    """Break-even thresholds of the recommended deal held fixed (``share --thresholds``): per
    lever and partner the factor and value where its gain crosses zero (``deal_thresholds``)."""
    from autoalliance.scenarios.deal import deal_from_share
    from autoalliance.scenarios.thresholds import thresholds
    from autoalliance.sharing.alliance import share

    try:
        settings = Settings().for_dataset(fp)
        res = thresholds(fp, deal_from_share(share(fp, "recommended", settings=settings)),
                         settings)
    except Exception as e:
        first = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise StageUnavailable(f"the break-even search could not run: {first}") from None
    return {"deal_thresholds": res.table().drop(columns=["what"]),
            "deal_no_threshold": res.none_found()}


def split_table(game) -> pd.DataFrame:
    """One row per partner and method: standalone value, allocation, share of the gain."""
    players = list(game.players)
    standalone = {p: float(game.value([p])) for p in players}
    grand = float(game.value(players))
    gain = grand - sum(standalone.values())
    rows = []
    methods: dict[str, Callable] = {
        "recommended (nucleolus)": lambda: recommended_allocation(game)[0],
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
    """Scenarios side by side: the results table passed in (from a sweep or the store), or
    else each single-scenario file in the dataset's ``scenarios/`` folder run here through the
    sweep's stages (report.compare): tariff cost per company in FY``fy+1`` under today's
    sourcing and, ``with_plan``, the alliance plan's profit, gain and options over its horizon;
    the change against the base scenario (the ``base`` of a set file in the folder, else the
    first file)."""
    if results is not None and len(results):
        return {"scenario_results": results.reset_index(drop=True)}
    from autoalliance.report.compare import compare_scenarios

    folder = fp.source_path / "scenarios" if fp.source_path and fp.source_path.is_dir() \
        else None
    if folder is None or not folder.is_dir():
        raise StageUnavailable("no scenario results and no scenarios/ folder in the dataset: "
                               "run a sweep (autoalliance sweep) and report on its run")
    fps, bases = {}, []
    for file in sorted(folder.glob("*.yaml")):
        try:
            ss = load_scenarios(file)
        except Exception:
            continue
        if len(ss.scenarios) != 1:
            bases.append(getattr(ss.base, "name", ss.base))  # a set: its members have their own files
            continue
        sc = ss.scenarios[0]
        fps[sc.name] = apply_scenario(fp, sc, ss.origins)
    if not fps:
        raise StageUnavailable(f"no single-scenario files in {folder}")
    base = next((b for b in bases if b in fps), next(iter(fps)))
    settings = Settings(fiscal_years=[fy + 1]).for_dataset(fp)
    try:
        cmp_ = compare_scenarios(fps, base, settings=settings, with_plan=with_plan)
    except Exception as e:  # a plan that cannot be made in one scenario: exposure only
        if not with_plan:
            raise
        first = str(e).splitlines()[0] if str(e) else type(e).__name__
        cmp_ = compare_scenarios(fps, base, settings=settings, with_plan=False)
        cmp_.grid.attrs["note"] = f"plan left out: {first}"
    g = cmp_.grid
    rows = []
    for name in cmp_.scenarios:
        t = g[g["scenario"] == name]
        row = {"scenario": name}
        for r in t[t["kpi"].eq("tariff_cost_usd") & t["company"].ne("alliance")].itertuples():
            row[f"tariff_cost_fy{fy + 1}_{r.company}_usd"] = float(r.value)
        gain = t[t["kpi"].eq("alliance_gain_usd") & t["company"].eq("alliance")]
        if with_plan:
            row["alliance_gain_usd"] = float(gain["value"].iloc[0]) if len(gain) else \
                float("nan")
        rows.append(row)
    opts = cmp_.options.assign(**{k: cmp_.options[k].map(";".join)
                                  for k in ("options_taken", "added", "dropped")})
    return {"scenario_results": pd.DataFrame(rows),
            "scenario_compare": g.assign(base=cmp_.base),
            "scenario_options": opts}


def plan_gain(fp: Footprint) -> float:
    """Alliance gain in USD over the plan horizon: joint profit of the alliance plan less the
    partners' standalone profits (one plan solve)."""
    res = run_plan(fp, "alliance")
    return float(res.companies["gain_usd"].sum())


def sensitivity_tables(fp: Footprint, rd, top: int = 10) -> dict[str, pd.DataFrame]:
    """Tornado of the alliance gain over its most influential inputs."""
    from autoalliance.report.sensitivity import tornado

    if "plan" in rd.notes or not rd.has("plan_companies"):
        raise StageUnavailable("needs the alliance plan (the plan stage)")
    return {"sensitivity": tornado(fp, plan_gain, top=top)}
