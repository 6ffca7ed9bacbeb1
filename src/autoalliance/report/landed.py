"""Landed cost and cost-to-serve: per nameplate × plant × market, what a vehicle sold brings in
and what it costs to get there, today and in the plan, in USD per unit for one fiscal year:

    price − variable cost − logistics − duty + offset − fees and option costs = margin

- price, variable cost (in its currency at that year's rate) and logistics: the planner's own
  per-unit coefficients (``plan.data.build_inputs``), the same in both cases;
- duty (every line: the vehicle, own and suppliers' parts) and the US-assembly offset: today
  from ``exposure`` under today's sourcing (``exposure --by nameplate --by plant``); in the plan
  the plan's duty per lane, and each company's offset in the plan spread over its lanes in
  proportion to the credit each earns (3.75% of MSRP of US-built units), since the offset is
  used per company, not per vehicle;
- fees and option costs (plan only): on a lane an option opens (a contract build), the fee per
  unit the owner pays (the option's fees over its covered units) and its unit cost effect.
  Shared-powertrain and joint-vehicle options act on existing lanes; their fees and effects stay
  in the company totals and are not spread over lanes.
"""

from __future__ import annotations

import pandas as pd

from autoalliance.dataset.footprint import Footprint
from autoalliance.trade.exposure import current_flows, exposure, summarise

STEPS = ["price_usd", "variable_cost_usd", "logistics_usd", "duty_usd", "offset_usd",
         "fees_usd", "margin_usd"]
COLUMNS = (["case", "company", "nameplate", "plant", "market", "fiscal_year", "units"] + STEPS
           + ["margin_total_usd"])


def _per_unit(coef: pd.DataFrame, lanes: pd.Series, year: int, col: str) -> pd.Series:
    idx = pd.MultiIndex.from_arrays([lanes, [year] * len(lanes)])
    return pd.Series(coef[col].reindex(idx).to_numpy(float), index=lanes.index)


def landed_cost(fp: Footprint, result, fiscal_year: int | None = None) -> pd.DataFrame:
    """The waterfall of every lane with units, today and in the plan ``result`` (a
    ``PlanResult``), in ``fiscal_year`` (default: the plan's last year). USD per unit, except
    ``units`` and ``margin_total_usd`` (USD)."""
    from autoalliance.plan.data import SEP, build_inputs
    from autoalliance.settings import Settings

    year = int(fiscal_year if fiscal_year is not None else result.horizon[1])
    d = build_inputs(fp, list(result.partners), Settings(horizon=tuple(result.horizon)))
    coef, np_company = d.coef, fp.nameplates.set_index("nameplate")["company"]

    today = current_flows(fp, [year])
    today = today[today["units"] > 0].groupby(["nameplate", "plant", "market", "fiscal_year"],
                                              as_index=False)["units"].sum()
    today = today[today["nameplate"].map(np_company).isin(result.partners)].copy()
    lane = today["nameplate"] + SEP + today["plant"] + SEP + today["market"]
    ex = summarise(exposure(fp, [year]), ["nameplate", "plant"])
    ex = ex.set_index(["nameplate", "plant"])
    key = pd.MultiIndex.from_frame(today[["nameplate", "plant"]])
    t = today.assign(case="today", company=today["nameplate"].map(np_company))
    t["price_usd"] = _per_unit(coef, lane, year, "revenue")
    t["variable_cost_usd"] = _per_unit(coef, lane, year, "cost")
    t["logistics_usd"] = _per_unit(coef, lane, year, "logistics")
    units_ex = ex["units"].reindex(key).to_numpy(float)
    t["duty_usd"] = ex["duty_usd"].reindex(key).to_numpy(float) / units_ex
    t["offset_usd"] = -ex["offset_usd"].reindex(key).to_numpy(float) / units_ex
    t["fees_usd"] = 0.0

    f = result.flows
    f = f[(f["units"] > 0.5)].copy()
    lane_all = f["nameplate"] + SEP + f["plant"] + SEP + f["market"]
    credit = pd.Series(
        coef["credit"].reindex(pd.MultiIndex.from_arrays([lane_all, f["fiscal_year"]]))
        .fillna(0.0).to_numpy(float), index=f.index)
    weight = credit * f["units"]
    off_total = -result.companies.set_index("company")["offset_usd"]  # >= 0: credit used
    share = weight / weight.groupby(f["company"]).transform("sum").where(lambda s: s > 0)
    f["offset_total"] = share.fillna(0.0) * f["company"].map(off_total).fillna(0.0)
    fees = pd.Series(0.0, index=f.index)
    if len(result.options):
        o = result.options.set_index("option")
        per_fee = (o["fees_usd"] / o["covered_units"].where(o["covered_units"] > 0)).fillna(0.0)
        effect = fp.table("options").set_index("option").get("unit_cost_effect_usd")
        effect = pd.to_numeric(effect, errors="coerce").fillna(0.0) if effect is not None \
            else pd.Series(dtype=float)
        on = f["option"].astype(str).ne("") & f["option"].notna()
        fees[on] = (f.loc[on, "option"].map(per_fee).fillna(0.0)
                    + f.loc[on, "option"].map(effect).fillna(0.0))
    p = f[f["fiscal_year"] == year].copy()
    u = p["units"]
    p = p.assign(case="plan", price_usd=p["revenue_usd"] / u,
                 variable_cost_usd=p["variable_cost_usd"] / u, logistics_usd=p["logistics_usd"] / u,
                 duty_usd=p["gross_duty_usd"] / u, offset_usd=p["offset_total"] / u,
                 fees_usd=fees.reindex(p.index))
    p = p.groupby(["case", "company", "nameplate", "plant", "market", "fiscal_year"],
                  as_index=False).apply(_merge_lanes, include_groups=False)
    out = pd.concat([t, p], ignore_index=True)
    out["margin_usd"] = (out["price_usd"] - out["variable_cost_usd"] - out["logistics_usd"]
                         - out["duty_usd"] + out["offset_usd"] - out["fees_usd"])
    out["margin_total_usd"] = out["margin_usd"] * out["units"]
    out["fiscal_year"] = out["fiscal_year"].astype(int)
    return out[COLUMNS].sort_values(["company", "nameplate", "case", "plant"],
                                    ascending=[True, True, False, True]).reset_index(drop=True)


def _merge_lanes(g: pd.DataFrame) -> pd.Series:
    """One row per nameplate, plant and market (a lane opened by an option and the plant's
    own lane add up, weighted by units)."""
    u = g["units"].sum()
    return pd.Series({"units": u, **{c: float((g[c] * g["units"]).sum() / u)
                                     for c in STEPS if c != "margin_usd"}})


def decisive(landed: pd.DataFrame, moves: pd.DataFrame | None, top: int = 3) -> pd.DataFrame:
    """The lanes behind the plan's largest moves in the landed cost's year: for each of the
    ``top`` nameplates whose units move most, its largest lane today and its largest lane in
    the plan at another plant (the "CR-V from Alliston against one from Smyrna" pair)."""
    if moves is None or moves.empty or landed.empty:
        return landed.iloc[0:0]
    year = int(landed["fiscal_year"].iloc[0])
    mv = moves[moves["fiscal_year"] == year]
    size = mv.groupby("nameplate")["change_units"].apply(lambda s: s.abs().sum())
    rows = []
    for n in size.sort_values(ascending=False).index[:top]:
        t = landed[(landed["nameplate"] == n) & (landed["case"] == "today")]
        p = landed[(landed["nameplate"] == n) & (landed["case"] == "plan")]
        if t.empty or p.empty:
            continue
        first = t.loc[t["units"].idxmax()]
        other = p[p["plant"] != first["plant"]]
        second = (other if len(other) else p).loc[(other if len(other) else p)["units"].idxmax()]
        rows += [first, second]
    return pd.DataFrame(rows).reset_index(drop=True) if rows else landed.iloc[0:0]
