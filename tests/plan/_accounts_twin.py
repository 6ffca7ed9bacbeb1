"""The slow twin of the plan's accounts: each company's money worked out with plain pandas
arithmetic on the plan inputs and the solution's arrays (the planner's path before the accounts
became named expressions on the model), and the quota filled greedily (each quota's room to the
segments that save most per unit, what ``in_quota`` does at an optimum where nothing else binds
it). Tests compare it with ``Solution.accounts()``; ``tables_by_pandas`` is the slow twin of
``result.assemble``'s tables."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from autoalliance.trade.exposure import current_flows


def _frame(arr, name: str) -> pd.Series:
    if arr is None:
        return pd.Series(dtype=float, name=name)
    return arr.to_series().rename(name)


def greedy_quota_saving(d, units: pd.Series) -> np.ndarray:
    """Duty saved per lane-year (indexed like ``d.coef``) when each quota's room goes to the
    segments that save most per unit first (per firm: each has its allotment)."""
    q = d.quota
    if q is None or q.empty:
        return np.zeros(len(units))
    cap = q["share"].to_numpy() * units.reindex(pd.MultiIndex.from_arrays(
        [q["lane"], q["fiscal_year"]])).fillna(0.0).to_numpy()
    g = q.assign(cap=cap, company=q["lane"].map(d.lanes["company"])).sort_values(
        ["measure", "calendar_year", "company", "saving"],
        ascending=[True, True, True, False], kind="stable")
    room = d.quota_room.reindex(pd.MultiIndex.from_arrays(
        [g["measure"], g["calendar_year"], g["company"]])).fillna(0.0).to_numpy()
    before = g.groupby(["measure", "calendar_year", "company"])["cap"].cumsum().to_numpy() \
        - g["cap"]
    fill = np.clip(room - before, 0.0, g["cap"].to_numpy())
    saved = (fill * g["saving"]).groupby([g["lane"], g["fiscal_year"]]).sum()
    return saved.reindex(units.index).fillna(0.0).to_numpy()


def accounts_by_arithmetic(d, s) -> pd.DataFrame:
    """company x line (the model's ACCOUNTS and profit), USD."""
    x = _frame(s.production, "units")
    coef = d.coef.join(x.rename_axis(["lane", "fiscal_year"]))
    coef["units"] = coef["units"].fillna(0.0)
    coef = coef.join(d.lanes[["company"]], on="lane")
    u = coef["units"]
    comps = pd.Index(d.companies, name="company")
    money = pd.DataFrame({"company": coef["company"], "revenue": coef["revenue"] * u,
                          "variable_cost": coef["cost"] * u,
                          "logistics": coef["logistics"] * u,
                          "gross_duty": coef["duty"] * u - greedy_quota_saving(d, u)})
    out = money.groupby("company").sum().reindex(comps).fillna(0.0)
    service = d.service["duty_usd"].groupby(level="company").sum()
    # a company outside the solved coalition has every column at zero, its service parts too
    live = _frame(s.service_parts_duty, "sp").groupby(level="company").sum().abs() > 0
    out["gross_duty"] += (service * live.reindex(service.index).fillna(False)) \
        .reindex(comps).fillna(0.0)
    out["offset"] = _frame(s.offset, "o").groupby(level="company").sum().reindex(comps) \
        .fillna(0.0)
    for line in ("cost_effect", "fees_paid", "fees_received", "investment"):
        out[line] = 0.0
    cov = d.covers
    if s.covered is not None and len(cov):
        cu = _frame(s.covered, "c").groupby(level="cover").sum().reindex(cov.index)
        fe = _frame(s.fee, "f").groupby(level="cover").sum().reindex(cov.index)
        out["cost_effect"] = (cov["effect"] * cu).groupby(cov["company"]).sum() \
            .reindex(comps).fillna(0.0)
        out["fees_paid"] = fe.groupby(cov["company"]).sum().reindex(comps).fillna(0.0)
        out["fees_received"] = fe.groupby(cov["payee"]).sum().reindex(comps).fillna(0.0)
    if s.tooling is not None and len(d.tools):
        taken = _frame(s.tooling, "t").reindex(d.tools.index).round()
        out["investment"] += (d.tools["investment_usd"] * d.tools["charge_share"] * taken) \
            .groupby(d.tools["company"]).sum().reindex(comps).fillna(0.0)
    if s.option is not None and len(d.options):
        o = d.options
        taken = _frame(s.option, "z").reindex(o.index).round()
        out["investment"] += ((o["host_cost_usd"] * taken).groupby(o["host"]).sum()
                              .reindex(comps).fillna(0.0)
                              + (o["owner_cost_usd"] * taken).groupby(o["owner"]).sum()
                              .reindex(comps).fillna(0.0))
    out["profit"] = (out["revenue"] - out["variable_cost"] - out["logistics"]
                     - out["gross_duty"] + out["offset"] - out["cost_effect"]
                     - out["fees_paid"] + out["fees_received"] - out["investment"])
    return out


def _lane_table(d, s) -> pd.DataFrame:
    """Per lane and year: the plan inputs' coefficients, the lane's labels, its units and its
    money (USD: revenue, variable cost, logistics, gross duty less what its units within a
    quota save, customs value)."""
    x = _frame(s.production, "units").clip(lower=0.0)
    coef = d.coef.join(x.rename_axis(["lane", "fiscal_year"]))
    coef["units"] = coef["units"].fillna(0.0)
    coef = coef.join(d.lanes[["nameplate", "plant", "market", "nm", "company", "plant_company",
                              "enabler", "option", "tool"]], on="lane")
    u = coef["units"]
    coef["revenue_usd"] = coef["revenue"] * u
    coef["variable_cost_usd"] = coef["cost"] * u
    coef["logistics_usd"] = coef["logistics"] * u
    coef["gross_duty_usd"] = coef["duty"] * u - greedy_quota_saving(d, u)
    coef["customs_value_total_usd"] = coef["customs_value"] * u
    return coef


def _options_table(d, s) -> pd.DataFrame:
    """Each collaboration option: taken or not, covered units, fees, what it charges."""
    cols = ["option", "kind", "owner", "host", "taken", "first_year", "covered_units",
            "fees_usd", "investment_usd", "programme_cost_usd", "charged_to_horizon_usd"]
    if s.option is None or not len(d.options):
        return pd.DataFrame(columns=cols)
    o, cov = d.options, d.covers
    covered = pd.Series(dtype=float)
    fees = pd.Series(dtype=float)
    if s.covered is not None and len(cov):
        covered = _frame(s.covered, "covered").groupby(level="cover").sum().reindex(cov.index) \
            .groupby(cov["option"]).sum()
        fees = _frame(s.fee, "fee").groupby(level="cover").sum().reindex(cov.index) \
            .groupby(cov["option"]).sum()
    taken = _frame(s.option, "taken").reindex(o.index).round().astype(bool)
    prog = o["programme_cost_usd"]
    return pd.DataFrame({
        "option": o.index, "kind": o["kind"].to_numpy(), "owner": o["owner"].to_numpy(),
        "host": o["host"].to_numpy(), "taken": taken.to_numpy(),
        "first_year": o["first_year"].astype(int).to_numpy(),
        "covered_units": covered.reindex(o.index).fillna(0.0).to_numpy(),
        "fees_usd": fees.reindex(o.index).fillna(0.0).to_numpy(),
        "investment_usd": o["investment_usd"].astype(float).to_numpy(),
        "programme_cost_usd": prog.to_numpy(),
        "charged_to_horizon_usd": ((o["investment_usd"].astype(float) + prog)
                                   * o["charge_share"].astype(float) * taken).to_numpy()})[cols]


def _tooling_table(d, s) -> pd.DataFrame:
    """Each plant-platform tooling choice, taken or not."""
    if s.tooling is None or not len(d.tools):
        return pd.DataFrame(columns=["plant", "platform", "company", "taken", "first_year",
                                     "investment_usd"])
    taken = _frame(s.tooling, "taken").reindex(d.tools.index).round().astype(bool)
    return d.tools.assign(taken=taken).reset_index()[
        ["plant", "platform", "company", "taken", "first_year", "investment_usd",
         "charge_share"]]


def tables_by_pandas(fp, d, s, standalone=None) -> dict:
    """The plan's tables (companies, flows, utilisation, sales, moves, options, tooling) by
    pandas joins and group-bys, the planner's path before the solution-vector one."""
    acc = accounts_by_arithmetic(d, s)
    comps = acc.index
    coef = _lane_table(d, s)
    units = coef.groupby("company")["units"].sum().reindex(comps).fillna(0.0)
    demand = d.demand.groupby(d.demand["nameplate"].map(
        fp.nameplates.set_index("nameplate")["company"]))["units"].sum().reindex(comps) \
        .fillna(0.0)
    companies = pd.DataFrame({
        "company": comps, "profit_usd": acc["profit"].to_numpy(),
        "standalone_profit_usd": [standalone.get(c, math.nan) if standalone else math.nan
                                  for c in comps],
        "revenue_usd": acc["revenue"].to_numpy(),
        "variable_cost_usd": acc["variable_cost"].to_numpy(),
        "logistics_usd": acc["logistics"].to_numpy(),
        "gross_duty_usd": acc["gross_duty"].to_numpy(),
        "offset_usd": -acc["offset"].to_numpy(),
        "duty_usd": (acc["gross_duty"] - acc["offset"]).to_numpy(),
        "cost_effect_usd": acc["cost_effect"].to_numpy(),
        "fees_paid_usd": acc["fees_paid"].to_numpy(),
        "fees_received_usd": acc["fees_received"].to_numpy(),
        "investment_usd": acc["investment"].to_numpy(),
        "units_sold": units.to_numpy(),
        "units_lost": (demand - units).clip(lower=0).to_numpy()})
    companies["gain_usd"] = companies["profit_usd"] - companies["standalone_profit_usd"]
    options, tooling = _options_table(d, s), _tooling_table(d, s)

    flows = coef.reset_index()
    flows = flows[flows["units"] > 1e-6][
        ["company", "nameplate", "plant", "plant_company", "market", "fiscal_year", "units",
         "enabler", "option", "tool", "revenue_usd", "variable_cost_usd", "logistics_usd",
         "gross_duty_usd", "customs_value_total_usd"]].reset_index(drop=True)

    built = coef.groupby(["plant", "fiscal_year"])["units"].sum()
    grid = pd.MultiIndex.from_product([d.plants.index, d.years], names=["plant", "fiscal_year"])
    util = built.reindex(grid).fillna(0.0).rename("units").reset_index()
    util["company"] = util["plant"].map(d.plants["company"])
    util["capacity_units"] = util["plant"].map(d.plants["capacity_units"]).astype(float)
    util["utilisation"] = util["units"] / util["capacity_units"].where(
        util["capacity_units"] > 0)
    util = util[util["company"].isin(d.companies)][
        ["company", "plant", "fiscal_year", "units", "capacity_units", "utilisation"]]

    lost = d.demand.copy()
    sold = coef.groupby(["nm", "fiscal_year"])["units"].sum()
    lost["sold"] = sold.reindex(lost.index).fillna(0.0)
    lost["lost"] = (lost["units"] - lost["sold"]).clip(lower=0)
    lost = lost.reset_index().rename(columns={"units": "demand"})
    lost["company"] = lost["nameplate"].map(fp.nameplates.set_index("nameplate")["company"])
    lost = lost[["company", "nameplate", "market", "fiscal_year", "demand", "sold", "lost"]]

    return dict(companies=companies, flows=flows, utilisation=util, options=options,
                tooling=tooling, moves=_moves(fp, d, flows), sales=lost)


def _moves(fp, d, flows: pd.DataFrame) -> pd.DataFrame:
    """What moved from today's sourcing: per lane and year, today's units, planned units and
    the change (rows with a change of at least one unit)."""
    keys = ["nameplate", "plant", "market", "fiscal_year"]
    today = current_flows(fp, d.years, d.demand["nameplate"].unique())
    today = today.groupby(keys)["units"].sum().rename("today_units")
    planned = flows.groupby(keys)["units"].sum().rename("plan_units")
    mv = pd.concat([today, planned], axis=1).fillna(0.0).reset_index()
    mv["change_units"] = mv["plan_units"] - mv["today_units"]
    mv = mv[mv["change_units"].abs() >= 1.0]
    mv["company"] = mv["nameplate"].map(fp.nameplates.set_index("nameplate")["company"])
    return mv[["company"] + keys + ["today_units", "plan_units", "change_units"]] \
        .sort_values(["company", "fiscal_year", "change_units"]).reset_index(drop=True)
