"""Scenarios side by side: a scenario × KPI grid from the results store, every figure with its
change against a named base scenario.

The KPIs (money in USD; ``company`` is ``alliance`` for the sum over companies):

- ``tariff_cost_usd``: added duty net of the offset under today's sourcing, per company and
  fiscal year (the exposure stage);
- ``profit_usd``: profit in the alliance plan over the horizon (the plan stage);
- ``alliance_gain_usd``: profit in the plan less the standalone profit, per partner: each
  partner's share of the gain as the plan (with its fees) delivers it;
- ``shapley_gain_usd``: each partner's Shapley share of the gain (the sharing stage, when run);
- ``options_taken``: how many collaboration options the plan takes;
- ``regret_usd``: joint profit lost in a scenario by committing now to the base scenario's
  tooling and options (volumes re-planned), against the plan made knowing the scenario
  (:func:`regret`, the ``robust`` command's ``base_plan_regret_usd``; optional: it solves).

Each run compared is the latest ``ok`` run of its scenario in one scenario set.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pandas as pd

#: KPI -> (label with its unit, stage it comes from)
KPIS = {
    "tariff_cost_usd": ("tariff cost", "exposure"),
    "profit_usd": ("profit in the plan", "plan"),
    "alliance_gain_usd": ("alliance gain (plan)", "plan"),
    "shapley_gain_usd": ("Shapley share of the gain", "sharing"),
    "options_taken": ("options taken", "plan"),
    "regret_usd": ("regret of the base plan", "robust"),
}
GRID_COLUMNS = ["scenario", "kpi", "company", "period", "value", "base_value", "change"]
ALLIANCE = "alliance"


@dataclass
class Comparison:
    """The grid (one row per scenario, KPI, company and period, with the base's value and the
    change against it) and the options each scenario's plan takes."""

    scenario_set: str | None
    base: str
    scenarios: list[str]  # in the order shown, base first
    grid: pd.DataFrame  # GRID_COLUMNS
    options: pd.DataFrame  # scenario, options_taken, added, dropped (lists of option ids)
    labels: dict | None = None  # names of companies and options (report.data.labels)

    def option_names(self) -> pd.DataFrame:
        """The options table with names for ids, one text per cell ("; " between options)."""
        names = (self.labels or {}).get("option") or {}
        return self.options.assign(**{k: self.options[k].map(
            lambda ids: "; ".join(names.get(i, i) for i in ids))
            for k in ("options_taken", "added", "dropped")})

    def wide(self, what: str = "value") -> pd.DataFrame:
        """KPI rows × scenario columns (``what``: ``value`` or ``change``), names for ids."""
        names = (self.labels or {}).get("company") or {}
        g = self.grid.copy()
        g["KPI"] = g["kpi"].map(lambda k: KPIS.get(k, (k,))[0])
        g["company"] = g["company"].map(lambda c: names.get(c, c))
        g["order"] = g["kpi"].map(list(KPIS).index)
        g["alliance_last"] = g["company"].eq(ALLIANCE)
        piv = g.pivot_table(index=["order", "KPI", "period", "alliance_last", "company"],
                            columns="scenario", values=what, aggfunc="first", sort=True)
        piv = piv.reindex(columns=[s for s in self.scenarios if s in piv.columns])
        piv = piv.reset_index().drop(columns=["order", "alliance_last"])
        piv.columns.name = None
        return piv

    def to_dict(self) -> dict:
        from autoalliance.encoding import records

        return {"scenario_set": self.scenario_set, "base": self.base,
                "scenarios": self.scenarios, "kpis": {k: v[0] for k, v in KPIS.items()},
                "grid": records(self.grid), "options": records(self.options)}


def _with_totals(m: pd.DataFrame) -> pd.DataFrame:
    tot = m.groupby(["scenario", "kpi", "period"], as_index=False)["value"].sum()
    return pd.concat([m, tot.assign(company=ALLIANCE)], ignore_index=True)


def compare_frames(metrics: pd.DataFrame, options: dict[str, list[str]], base: str,
                   order: list[str] | None = None, regret: dict[str, float] | None = None,
                   scenario_set: str | None = None) -> Comparison:
    """The comparison of stored numbers: ``metrics`` (scenario, metric, company, period,
    value: one run per scenario, as the store keeps them), the options each plan takes, and
    optionally each scenario's regret (USD)."""
    scenarios = list(dict.fromkeys(order or sorted(metrics["scenario"].unique())))
    for s in list(options) + list(regret or {}):
        if s not in scenarios:
            scenarios.append(s)
    if base not in scenarios:
        raise ValueError(f"base scenario {base!r} is not among the runs compared "
                         f"({', '.join(scenarios) or 'none'})")
    scenarios = [base] + [s for s in scenarios if s != base]
    m = metrics[metrics["metric"].isin(KPIS)].rename(columns={"metric": "kpi"})
    m = m[["scenario", "kpi", "company", "period", "value"]].astype({"value": float})
    parts = [_with_totals(m)] if len(m) else []
    if options:
        period = next(iter(m.loc[m["kpi"].eq("profit_usd"), "period"]), "")
        parts.append(pd.DataFrame([{"scenario": s, "kpi": "options_taken", "company": ALLIANCE,
                                    "period": period, "value": float(len(v))}
                                   for s, v in options.items()]))
    if regret:
        period = next(iter(m.loc[m["kpi"].eq("profit_usd"), "period"]), "")
        parts.append(pd.DataFrame([{"scenario": s, "kpi": "regret_usd", "company": ALLIANCE,
                                    "period": period, "value": float(v)}
                                   for s, v in regret.items()]))
    g = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=GRID_COLUMNS[:5])
    b = g[g["scenario"] == base][["kpi", "company", "period", "value"]].rename(
        columns={"value": "base_value"})
    g = g.merge(b, on=["kpi", "company", "period"], how="left")
    g["change"] = g["value"] - g["base_value"]
    g["scenario"] = pd.Categorical(g["scenario"], scenarios, ordered=True)
    g["order"] = g["kpi"].map(list(KPIS).index)
    g = g.sort_values(["order", "period", "company", "scenario"]).drop(columns="order")
    g["scenario"] = g["scenario"].astype(str)
    base_opts = set(options.get(base, []))
    opt = pd.DataFrame([{"scenario": s, "options_taken": list(options.get(s, [])),
                         "added": sorted(set(options.get(s, [])) - base_opts),
                         "dropped": sorted(base_opts - set(options.get(s, [])))}
                        for s in scenarios if s in options],
                       columns=["scenario", "options_taken", "added", "dropped"])
    return Comparison(scenario_set, base, scenarios, g[GRID_COLUMNS].reset_index(drop=True),
                      opt)


def latest_runs(store, scenario_set: str | None = None) -> tuple[pd.DataFrame, str | None]:
    """The latest ok run of each scenario of one set (``scenario_set``, else the set of the
    newest ok run), oldest first, and that set's name."""
    runs = store.runs(scenario_set=scenario_set, with_result=True)
    runs = runs[runs["status"].eq("ok")]
    if runs.empty:
        what = f" of set {scenario_set!r}" if scenario_set else ""
        raise ValueError(f"no finished run{what} in {store.path} to compare (run "
                         "`autoalliance sweep` first)")
    if scenario_set is None:
        newest = runs.sort_values("finished_at").iloc[-1]["scenario_set"]
        runs = runs[runs["scenario_set"].isna()] if pd.isna(newest) else \
            runs[runs["scenario_set"] == newest]
        scenario_set = None if pd.isna(newest) else str(newest)
    runs = runs.sort_values("finished_at").drop_duplicates("scenario", keep="last")
    return runs.sort_values("started_at").reset_index(drop=True), scenario_set


def set_base(scenario_set: str | None, scenarios: list[str]) -> str | None:
    """The ``base`` a scenario set's file names, when the file is found (the bundled library
    or a path) and its base was run."""
    if not scenario_set:
        return None
    try:
        from autoalliance.scenarios import load_scenarios

        base = load_scenarios(scenario_set).base
    except Exception:  # a set whose file is not at hand: no stated base
        return None
    base = getattr(base, "name", base)
    return base if base in scenarios else None


def compare_runs(store, scenario_set: str | None = None, base: str | None = None,
                 regret: dict[str, float] | None = None, fp=None) -> Comparison:
    """The scenarios of one set side by side, from the store: the latest ok run of each.
    ``base``: the scenario changes are taken against (default: the set file's ``base`` when
    found, else the scenario run first). ``fp``: the dataset whose names are shown (default:
    the runs' dataset by name, when it can be loaded)."""
    runs, scenario_set = latest_runs(store, scenario_set)
    names = list(runs["scenario"])
    if base is not None and base not in names:
        raise ValueError(f"no finished run of scenario {base!r} in set "
                         f"{scenario_set or '(none)'} of {store.path}; scenarios there: "
                         f"{', '.join(names)}")
    base = base or set_base(scenario_set, names) or names[0]
    metrics = store.metrics(list(runs["run_key"]))
    options = {}
    for r in runs.itertuples(index=False):
        result = json.loads(r.result) if isinstance(r.result, str) and r.result else {}
        plan = result.get("plan") or {}
        if "options_taken" in plan:
            options[r.scenario] = [o for o in plan["options_taken"] if o != "do_nothing"]
    out = compare_frames(metrics, options, base, order=names, regret=regret,
                         scenario_set=scenario_set)
    if fp is not None:
        from autoalliance.report.data import labels

        out.labels = labels(fp)
    else:
        out.labels = dataset_labels(runs["dataset"].iloc[0])
    return out


def dataset_labels(dataset) -> dict | None:
    """Names of the ids of the dataset the runs used (None when it cannot be read here)."""
    from autoalliance.dataset.footprint import load_footprint
    from autoalliance.report.data import labels

    try:
        return labels(load_footprint(dataset if isinstance(dataset, str) and dataset else None))
    except Exception:  # the runs' dataset is elsewhere: ids are shown
        return None


def regret(fp, scenarios, base, origins=None, settings=None) -> dict[str, float]:
    """Regret of the base plan per scenario (USD over the horizon): the best joint profit
    knowing the scenario less the joint profit with the base scenario's tooling and options
    (volumes re-planned); the ``robust`` command's ``base_plan_regret_usd``."""
    from autoalliance.scenarios.robust import robust_plan

    res = robust_plan(fp, list(scenarios), base=base, settings=settings, origins=origins)
    t = res.scenarios
    return dict(zip(t["scenario"], t["base_plan_regret_usd"].astype(float)))


def compare_scenarios(fps: dict, base: str, settings=None, with_plan: bool = True,
                      fp_labels=None) -> Comparison:
    """Scenarios side by side computed here (no store): ``fps`` maps a scenario name to the
    footprint under it; each is run through the sweep's own stages (exposure, and plan when
    ``with_plan``), so the figures are the ones a sweep stores."""
    from autoalliance.scenarios.stages import exposure_stage, plan_stage
    from autoalliance.settings import Settings

    settings = settings or Settings()
    frames, options = [], {}
    for name, f in fps.items():
        out = exposure_stage(f, settings)
        frames.append(out.metrics.assign(scenario=name))
        if with_plan:
            out = plan_stage(f, settings)
            frames.append(out.metrics.assign(scenario=name))
            options[name] = [o for o in out.payload.get("options_taken", [])
                             if o != "do_nothing"]
    res = compare_frames(pd.concat(frames, ignore_index=True), options, base,
                         order=list(fps))
    if fp_labels is not None:
        from autoalliance.report.data import labels

        res.labels = labels(fp_labels)
    return res
