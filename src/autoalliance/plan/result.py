"""Plan results as tables (never written back into the footprint).

Profit, duty and fees are recomputed here from the solution values with plain arithmetic on the
plan inputs, in USD and units, so the tables do not depend on the model's scaling.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import xarray as xr

from autoalliance.dataset.footprint import Footprint
from autoalliance.encoding import records
from autoalliance.plan.data import PlanInputs, Settings
from autoalliance.trade.exposure import current_flows


@dataclass
class Solution:
    """Solution values in USD and units (arrays labelled like the model's variables)."""

    production: xr.DataArray  # lane x year, units
    tooling: xr.DataArray | None  # tool, 0/1
    option: xr.DataArray | None  # option, 0/1
    covered: xr.DataArray | None  # cover x year, units
    fee: xr.DataArray | None  # cover x year, USD
    offset: xr.DataArray  # company x year, USD (>= 0: the credit used)
    objective: float = float("nan")  # the model's objective (million USD)


def _frame(arr: xr.DataArray | None, name: str) -> pd.Series:
    if arr is None:
        return pd.Series(dtype=float, name=name)
    return arr.to_series().rename(name)


def _quota_saving(d: PlanInputs, units: pd.Series) -> np.ndarray:
    """Duty saved per lane-year on the units that fit in a tariff-rate quota: each quota's room
    goes to the segments that save most per unit first (what the plan model's ``in_quota``
    does at its optimum, since nothing else limits it). ``units`` is indexed like ``d.coef``."""
    q = d.quota
    if q is None or q.empty:
        return np.zeros(len(units))
    cap = q["share"].to_numpy() * units.reindex(pd.MultiIndex.from_arrays(
        [q["lane"], q["fiscal_year"]])).fillna(0.0).to_numpy()
    g = q.assign(cap=cap).sort_values(["measure", "calendar_year", "saving"],
                                      ascending=[True, True, False], kind="stable")
    room = d.quota_room.reindex(pd.MultiIndex.from_arrays([g["measure"],
                                                           g["calendar_year"]])).to_numpy()
    before = g.groupby(["measure", "calendar_year"])["cap"].cumsum().to_numpy() - g["cap"]
    fill = np.clip(room - before, 0.0, g["cap"].to_numpy())
    saved = (fill * g["saving"]).groupby([g["lane"], g["fiscal_year"]]).sum()
    return saved.reindex(units.index).fillna(0.0).to_numpy()


def _accounts(d: PlanInputs, s: Solution) -> dict:
    """The money of a solved plan, per company and per lane, option and tool (USD, units)."""
    x = _frame(s.production, "units").clip(lower=0.0)
    coef = d.coef.join(x.rename_axis(["lane", "fiscal_year"]))
    coef["units"] = coef["units"].fillna(0.0)
    lanes = d.lanes
    coef = coef.join(lanes[["nameplate", "plant", "market", "nm", "company", "plant_company",
                            "enabler", "option", "tool"]], on="lane")
    u = coef["units"]
    coef["revenue_usd"] = coef["revenue"] * u
    coef["variable_cost_usd"] = coef["cost"] * u
    coef["logistics_usd"] = coef["logistics"] * u
    coef["gross_duty_usd"] = coef["duty"] * u - _quota_saving(d, u)
    coef["customs_value_total_usd"] = coef["customs_value"] * u

    comps = pd.Index(d.companies, name="company")
    by_c = coef.groupby("company")[["revenue_usd", "variable_cost_usd", "logistics_usd",
                                    "gross_duty_usd", "units"]].sum().reindex(comps).fillna(0.0)
    off = _frame(s.offset, "offset").groupby(level="company").sum().reindex(comps).fillna(0.0)

    cov = d.covers
    effect = pd.Series(0.0, index=comps)
    paid = pd.Series(0.0, index=comps)
    received = pd.Series(0.0, index=comps)
    covered_by_option = pd.Series(dtype=float)
    fees_by_option = pd.Series(dtype=float)
    if s.covered is not None and len(cov):
        cu = _frame(s.covered, "covered").groupby(level="cover").sum().reindex(cov.index)
        fe = _frame(s.fee, "fee").groupby(level="cover").sum().reindex(cov.index)
        effect = (cov["effect"] * cu).groupby(cov["company"]).sum().reindex(comps).fillna(0.0)
        paid = fe.groupby(cov["company"]).sum().reindex(comps).fillna(0.0)
        received = fe.groupby(cov["payee"]).sum().reindex(comps).fillna(0.0)
        covered_by_option = cu.groupby(cov["option"]).sum()
        fees_by_option = fe.groupby(cov["option"]).sum()

    tool_inv = pd.Series(0.0, index=comps)
    tooling = pd.DataFrame(columns=["plant", "platform", "company", "taken", "first_year",
                                    "investment_usd"])
    if s.tooling is not None and len(d.tools):
        taken = _frame(s.tooling, "taken").reindex(d.tools.index).round().astype(bool)
        tooling = d.tools.assign(taken=taken).reset_index()[
            ["plant", "platform", "company", "taken", "first_year", "investment_usd",
             "charge_share"]]
        charged = d.tools["investment_usd"] * d.tools["charge_share"] * taken
        tool_inv = charged.groupby(d.tools["company"]).sum().reindex(comps).fillna(0.0)

    opt_cost = pd.Series(0.0, index=comps)
    options = pd.DataFrame(columns=["option", "kind", "owner", "host", "taken", "first_year",
                                    "covered_units", "fees_usd", "investment_usd",
                                    "programme_cost_usd", "charged_to_horizon_usd"])
    if s.option is not None and len(d.options):
        o = d.options
        taken = _frame(s.option, "taken").reindex(o.index).round().astype(bool)
        prog = o["programme_cost_usd"]
        host_cost = o["host_cost_usd"] * taken
        owner_cost = o["owner_cost_usd"] * taken
        opt_cost = (host_cost.groupby(o["host"]).sum().reindex(comps).fillna(0.0)
                    + owner_cost.groupby(o["owner"]).sum().reindex(comps).fillna(0.0))
        options = pd.DataFrame({
            "option": o.index, "kind": o["kind"].to_numpy(), "owner": o["owner"].to_numpy(),
            "host": o["host"].to_numpy(), "taken": taken.to_numpy(),
            "first_year": o["first_year"].astype(int).to_numpy(),
            "covered_units": covered_by_option.reindex(o.index).fillna(0.0).to_numpy(),
            "fees_usd": fees_by_option.reindex(o.index).fillna(0.0).to_numpy(),
            "investment_usd": o["investment_usd"].astype(float).to_numpy(),
            "programme_cost_usd": prog.to_numpy(),
            "charged_to_horizon_usd": ((o["investment_usd"].astype(float) + prog)
                                       * o["charge_share"].astype(float) * taken).to_numpy()})

    profit = (by_c["revenue_usd"] - by_c["variable_cost_usd"] - by_c["logistics_usd"]
              - by_c["gross_duty_usd"] + off - effect - paid + received - tool_inv - opt_cost)
    return dict(coef=coef, comps=comps, by_c=by_c, off=off, effect=effect, paid=paid,
                received=received, tool_inv=tool_inv, opt_cost=opt_cost, options=options,
                tooling=tooling, profit=profit)


def profit_by_company(d: PlanInputs, s: Solution) -> dict[str, float]:
    """Each firm's profit in a solved plan (USD)."""
    p = _accounts(d, s)["profit"]
    return {c: float(v) for c, v in p.items()}


def assemble(fp: Footprint, d: PlanInputs, s: Solution,
             standalone: dict[str, float] | None = None) -> PlanResult:
    """Tables of one solved plan."""
    acc = _accounts(d, s)
    coef, comps, by_c, off = acc["coef"], acc["comps"], acc["by_c"], acc["off"]
    effect, paid, received = acc["effect"], acc["paid"], acc["received"]
    tool_inv, opt_cost, profit = acc["tool_inv"], acc["opt_cost"], acc["profit"]
    options, tooling = acc["options"], acc["tooling"]
    demand = d.demand.groupby(d.demand["nameplate"].map(
        fp.nameplates.set_index("nameplate")["company"]))["units"].sum().reindex(comps) \
        .fillna(0.0)
    companies = pd.DataFrame({
        "company": comps, "profit_usd": profit.to_numpy(),
        "standalone_profit_usd": [standalone.get(c, math.nan) if standalone else math.nan
                                  for c in comps],
        "revenue_usd": by_c["revenue_usd"].to_numpy(),
        "variable_cost_usd": by_c["variable_cost_usd"].to_numpy(),
        "logistics_usd": by_c["logistics_usd"].to_numpy(),
        "gross_duty_usd": by_c["gross_duty_usd"].to_numpy(),
        "offset_usd": -off.to_numpy(),
        "duty_usd": (by_c["gross_duty_usd"] - off).to_numpy(),
        "cost_effect_usd": effect.to_numpy(),
        "fees_paid_usd": paid.to_numpy(), "fees_received_usd": received.to_numpy(),
        "investment_usd": (tool_inv + opt_cost).to_numpy(),
        "units_sold": by_c["units"].to_numpy(),
        "units_lost": (demand - by_c["units"]).clip(lower=0).to_numpy()})
    companies["gain_usd"] = companies["profit_usd"] - companies["standalone_profit_usd"]

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

    return PlanResult(mode="", horizon=(d.years[0], d.years[-1]), partners=list(d.companies),
                      companies=companies, flows=flows, utilisation=util, options=options,
                      tooling=tooling, moves=moves(fp, d, flows), sales=lost)


def today_flows(fp: Footprint, d: PlanInputs) -> pd.DataFrame:
    """Units each lane would carry under today's sourcing shares (the latest sourcing year at
    or before each plan year; the earliest when all are later) applied to the plan's demand."""
    return current_flows(fp, d.years, d.demand["nameplate"].unique())


def moves(fp: Footprint, d: PlanInputs, flows: pd.DataFrame) -> pd.DataFrame:
    """What moved from today's sourcing: per lane and year, today's units, planned units and
    the change (rows with a change of at least one unit)."""
    keys = ["nameplate", "plant", "market", "fiscal_year"]
    today = today_flows(fp, d).groupby(keys)["units"].sum().rename("today_units")
    planned = flows.groupby(keys)["units"].sum().rename("plan_units")
    mv = pd.concat([today, planned], axis=1).fillna(0.0).reset_index()
    mv["change_units"] = mv["plan_units"] - mv["today_units"]
    mv = mv[mv["change_units"].abs() >= 1.0]
    mv["company"] = mv["nameplate"].map(fp.nameplates.set_index("nameplate")["company"])
    return mv[["company"] + keys + ["today_units", "plan_units", "change_units"]] \
        .sort_values(["company", "fiscal_year", "change_units"]).reset_index(drop=True)


@dataclass
class PlanResult:
    """A solved plan: DataFrames in USD and units over the horizon's fiscal years.

    ``companies``: profit (revenue - variable cost - logistics - duty paid - cost effects - fees
    paid + fees received - investment), standalone profit, gain, duty (gross, offset, paid),
    units sold and lost; ``flows``: units per nameplate, plant, market and year; ``utilisation``:
    per plant and year; ``options``: each collaboration option, taken or not; ``tooling``: each
    plant-platform tooling choice; ``moves``: changes from today's sourcing; ``sales``: demand,
    sold and lost per nameplate, market and year.
    """

    mode: str
    horizon: tuple[int, int]
    partners: list[str]
    companies: pd.DataFrame
    flows: pd.DataFrame
    utilisation: pd.DataFrame
    options: pd.DataFrame
    tooling: pd.DataFrame
    moves: pd.DataFrame
    sales: pd.DataFrame
    settings: Settings | None = None
    dataset: str = ""
    extra: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # the solver's numerical warnings

    @classmethod
    def concat(cls, parts: list[PlanResult], mode: str, settings: Settings,
               fp: Footprint) -> PlanResult:
        def cat(name):
            frames = [getattr(p, name) for p in parts if len(getattr(p, name))]
            return pd.concat(frames, ignore_index=True) if frames else getattr(parts[0], name)
        options = cat("options")
        if len(options):
            options = options.groupby(["option", "kind", "owner", "host"], as_index=False,
                                      sort=False).agg(
                taken=("taken", "max"), first_year=("first_year", "first"),
                covered_units=("covered_units", "sum"), fees_usd=("fees_usd", "sum"),
                investment_usd=("investment_usd", "first"),
                programme_cost_usd=("programme_cost_usd", "first"),
                charged_to_horizon_usd=("charged_to_horizon_usd", "sum"))
            # do_nothing in a standalone plan: taken by every firm alone
        return cls(mode=mode, horizon=parts[0].horizon,
                   partners=[c for p in parts for c in p.partners],
                   companies=cat("companies"), flows=cat("flows"), utilisation=cat("utilisation"),
                   options=options, tooling=cat("tooling"), moves=cat("moves"),
                   sales=cat("sales"), settings=settings, dataset=fp.name)

    @property
    def joint_profit_usd(self) -> float:
        return float(self.companies["profit_usd"].sum())

    @property
    def options_taken(self) -> list[str]:
        o = self.options
        return [] if o.empty else list(o.loc[o["taken"].astype(bool), "option"])

    def to_dict(self) -> dict:
        """JSON-ready summary: mode, companies, options taken, utilisation, moves."""
        t = self.tooling
        return {
            "mode": self.mode, "dataset": self.dataset,
            "horizon": [int(self.horizon[0]), int(self.horizon[1])],
            "partners": self.partners,
            "joint_profit_usd": self.joint_profit_usd,
            "standalone_joint_profit_usd": float(self.companies["standalone_profit_usd"].sum()),
            "companies": records(self.companies),
            "options_taken": self.options_taken,
            "options": records(self.options),
            "tooling_taken": records(t[t["taken"].astype(bool)]) if len(t) else [],
            "utilisation": records(self.utilisation),
            "moves": records(self.moves),
            "warnings": list(self.warnings),
        }
