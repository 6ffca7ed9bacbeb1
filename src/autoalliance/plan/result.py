"""Plan results as tables (never written back into the footprint).

Each company's accounts (revenue, costs, duty, offset, fees, investment; profit their sum) are
the values of the model's named expressions (``model.define_accounts``), read through the
model's :class:`~autoalliance.plan.model.Book`; per-lane tables are the plan inputs' USD per unit
times the solution's units (within a quota, the ``in_quota`` values), in USD and units.
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
from autoalliance.plan.model import FAMILIES, Book
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
    in_quota: xr.DataArray | None = None  # seg, units entering within a quota
    service_parts_duty: xr.DataArray | None = None  # company x year, USD (fixed by the inputs)
    book: Book | None = field(default=None, repr=False, compare=False)  # the model's accounts

    def accounts(self) -> pd.DataFrame:
        """Each company's accounts (company x line of ``ACCOUNTS``, USD) and ``profit``."""
        return self.book.evaluate(self)

    def arrays(self) -> dict:
        """The solution's value arrays by family (no book, no objective)."""
        return {name: getattr(self, name) for name in FAMILIES}


def _frame(arr: xr.DataArray | None, name: str) -> pd.Series:
    if arr is None:
        return pd.Series(dtype=float, name=name)
    return arr.to_series().rename(name)


def _quota_saving(d: PlanInputs, s: Solution, index: pd.Index) -> np.ndarray:
    """Duty saved per lane-year (indexed like ``d.coef``) on the units the plan fits in a
    tariff-rate quota: each segment's ``in_quota`` units times its saving per unit."""
    q = d.quota
    if q is None or q.empty or s.in_quota is None:
        return np.zeros(len(index))
    units = s.in_quota.to_series().reindex(q.index).fillna(0.0).to_numpy()
    saved = pd.Series(units * q["saving"].to_numpy()).groupby(
        [q["lane"].to_numpy(), q["fiscal_year"].to_numpy()]).sum()
    return saved.reindex(index).fillna(0.0).to_numpy()


def _layout(d: PlanInputs) -> dict:
    """Positions worked out once per plan inputs (kept on them): each coefficient row's lane
    and year, each lane's plant and nameplate-market, each quota segment's lane-year row."""
    got = d.__dict__.get("_layout")
    if got is not None:
        return got
    lane = d.coef.index.get_level_values("lane")
    year = d.coef.index.get_level_values("fiscal_year")
    li = d.lanes.index.get_indexer(lane)
    yi = pd.Index(d.years).get_indexer(year)
    nm = d.demand.index.get_level_values("nm").unique()
    lay = dict(lane=li, year=yi, plant=d.plants.index.get_indexer(d.lanes["plant"]),
               nm=nm, nm_of=nm.get_indexer(d.lanes["nm"]))
    if d.quota is not None and len(d.quota):
        rows = pd.MultiIndex.from_arrays([d.quota["lane"], d.quota["fiscal_year"]])
        lay["seg_row"] = d.coef.index.get_indexer(rows)
    d.__dict__["_layout"] = lay
    return lay


def _grid(values: xr.DataArray | None, dims: dict) -> np.ndarray:
    """A solution array as numpy over the given labels (zero where it has none)."""
    shape = tuple(len(v) for v in dims.values())
    if values is None:
        return np.zeros(shape)
    names = list(dims)
    if list(values.dims) != names or any(
            len(values.coords[k]) != len(v) or (values.coords[k].values != v).any()
            for k, v in dims.items()):
        values = values.transpose(*names).reindex({k: v for k, v in dims.items()},
                                                  fill_value=0.0)
    return np.nan_to_num(values.to_numpy())


def _quota_saving(d: PlanInputs, s: Solution) -> np.ndarray:
    """Duty saved per coefficient row (lane-year, ordered like ``d.coef``) on the units the plan
    fits in a tariff-rate quota: each segment's ``in_quota`` units times its saving per unit."""
    out = np.zeros(len(d.coef))
    q = d.quota
    if q is None or q.empty or s.in_quota is None:
        return out
    units = _grid(s.in_quota, {"seg": q.index.to_numpy()})
    np.add.at(out, _layout(d)["seg_row"], units * q["saving"].to_numpy(float))
    return out


def _units(d: PlanInputs, s: Solution) -> np.ndarray:
    """Units per coefficient row (lane-year, ordered like ``d.coef``), at least 0."""
    lay = _layout(d)
    x = _grid(s.production, {"lane": d.lanes.index.to_numpy(), "fiscal_year": np.array(d.years)})
    return np.clip(x[lay["lane"], lay["year"]], 0.0, None)


def _lane_table(d: PlanInputs, s: Solution, rows: np.ndarray | None = None) -> pd.DataFrame:
    """Per lane and year (the coefficient rows ``rows``, default all): the lane's labels, its
    units and its money (USD: revenue, variable cost, logistics, gross duty less what its units
    within a quota save, customs value), as array products over the solution."""
    u = _units(d, s)
    saved = _quota_saving(d, s)
    rows = np.arange(len(u)) if rows is None else rows
    c, u, saved = d.coef.iloc[rows], u[rows], saved[rows]
    li = _layout(d)["lane"][rows]
    lanes = d.lanes
    out = {"lane": lanes.index.to_numpy()[li], "fiscal_year": np.array(d.years)[
        _layout(d)["year"][rows]]}
    for col in ("nameplate", "plant", "market", "nm", "company", "plant_company", "enabler",
                "option", "tool"):
        out[col] = lanes[col].to_numpy()[li]
    out["units"] = u
    out["revenue_usd"] = c["revenue"].to_numpy(float) * u
    out["variable_cost_usd"] = c["cost"].to_numpy(float) * u
    out["logistics_usd"] = c["logistics"].to_numpy(float) * u
    out["gross_duty_usd"] = c["duty"].to_numpy(float) * u - saved
    out["customs_value_total_usd"] = c["customs_value"].to_numpy(float) * u
    return pd.DataFrame(out)


def _options_table(d: PlanInputs, s: Solution) -> pd.DataFrame:
    """Each collaboration option: taken or not, covered units, fees, what it charges."""
    cols = ["option", "kind", "owner", "host", "taken", "first_year", "covered_units",
            "fees_usd", "investment_usd", "programme_cost_usd", "charged_to_horizon_usd"]
    if s.option is None or not len(d.options):
        return pd.DataFrame(columns=cols)
    o, cov = d.options, d.covers
    covered = np.zeros(len(o))
    fees = np.zeros(len(o))
    if s.covered is not None and len(cov):
        dims = {"cover": cov.index.to_numpy(), "fiscal_year": np.array(d.years)}
        at = o.index.get_indexer(cov["option"])
        covered = np.bincount(at, weights=_grid(s.covered, dims).sum(axis=1), minlength=len(o))
        fees = np.bincount(at, weights=_grid(s.fee, dims).sum(axis=1), minlength=len(o))
    covered, fees = pd.Series(covered, index=o.index), pd.Series(fees, index=o.index)
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


def _tooling_table(d: PlanInputs, s: Solution) -> pd.DataFrame:
    """Each plant-platform tooling choice, taken or not."""
    if s.tooling is None or not len(d.tools):
        return pd.DataFrame(columns=["plant", "platform", "company", "taken", "first_year",
                                     "investment_usd"])
    taken = _frame(s.tooling, "taken").reindex(d.tools.index).round().astype(bool)
    return d.tools.assign(taken=taken).reset_index()[
        ["plant", "platform", "company", "taken", "first_year", "investment_usd",
         "charge_share"]]


def company_accounts(d: PlanInputs, s: Solution) -> pd.DataFrame:
    """Each company of ``d``'s accounts in a solved plan (company x line of ``ACCOUNTS`` and
    ``profit``, USD): the values of the model's named expressions."""
    return s.accounts().reindex(pd.Index(d.companies, name="company")).fillna(0.0)


def profit_by_company(d: PlanInputs, s: Solution) -> dict[str, float]:
    """Each firm's profit in a solved plan (USD): its row of the model's profit times the
    solution (``Book.profits``)."""
    got = dict(zip(s.book.companies, s.book.profits(s).tolist()))
    return {c: float(got.get(c, 0.0)) for c in d.companies}


FLOW_COLUMNS = ["company", "nameplate", "plant", "plant_company", "market", "fiscal_year",
                "units", "enabler", "option", "tool", "revenue_usd", "variable_cost_usd",
                "logistics_usd", "gross_duty_usd", "customs_value_total_usd"]


def assemble(fp: Footprint, d: PlanInputs, s: Solution,
             standalone: dict[str, float] | None = None) -> PlanResult:
    """Tables of one solved plan: the accounts are the model's expressions' values (the Book);
    units per company, plant and nameplate-market are sums over the solution's units
    (``np.bincount``); pandas frames are built once, for what is shown (the flows with units)."""
    acc = company_accounts(d, s)
    comps = acc.index
    lay = _layout(d)
    u = _units(d, s)
    li, yi, ny = lay["lane"], lay["year"], len(d.years)
    lane_company = pd.Index(comps).get_indexer(d.lanes["company"])[li]
    own = lane_company >= 0
    units = np.bincount(lane_company[own], weights=u[own], minlength=len(comps))
    np_company = fp.nameplates.set_index("nameplate")["company"]
    demand = d.demand.groupby(d.demand["nameplate"].map(np_company))["units"].sum() \
        .reindex(comps).fillna(0.0).to_numpy()
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
        "units_sold": units,
        "units_lost": np.clip(demand - units, 0.0, None)})
    companies["gain_usd"] = companies["profit_usd"] - companies["standalone_profit_usd"]
    options, tooling = _options_table(d, s), _tooling_table(d, s)

    flows = _lane_table(d, s, np.flatnonzero(u > 1e-6))[FLOW_COLUMNS]

    # units per plant and year, and per nameplate-market and year
    plant = lay["plant"][li]
    built = np.bincount(plant * ny + yi, weights=u, minlength=len(d.plants) * ny)
    util = pd.DataFrame({"plant": np.repeat(d.plants.index.to_numpy(), ny),
                         "fiscal_year": np.tile(np.array(d.years), len(d.plants)),
                         "units": built})
    util["company"] = np.repeat(d.plants["company"].to_numpy(), ny)
    util["capacity_units"] = np.repeat(d.plants["capacity_units"].to_numpy(float), ny)
    util["utilisation"] = util["units"] / util["capacity_units"].where(
        util["capacity_units"] > 0)
    util = util[util["company"].isin(d.companies)][
        ["company", "plant", "fiscal_year", "units", "capacity_units", "utilisation"]] \
        .reset_index(drop=True)

    nm = lay["nm_of"][li]
    sold = np.bincount(nm * ny + yi, weights=u, minlength=len(lay["nm"]) * ny)
    lost = d.demand.copy()
    at = lay["nm"].get_indexer(lost.index.get_level_values("nm")) * ny + pd.Index(
        d.years).get_indexer(lost.index.get_level_values("fiscal_year"))
    lost["sold"] = sold[at]
    lost["lost"] = (lost["units"] - lost["sold"]).clip(lower=0)
    lost = lost.reset_index().rename(columns={"units": "demand"})
    lost["company"] = lost["nameplate"].map(np_company)
    lost = lost[["company", "nameplate", "market", "fiscal_year", "demand", "sold", "lost"]]

    return PlanResult(mode="", horizon=(d.years[0], d.years[-1]), partners=list(d.companies),
                      companies=companies, flows=flows, utilisation=util, options=options,
                      tooling=tooling, moves=moves(fp, d, flows), sales=lost)


def today_flows(fp: Footprint, d: PlanInputs) -> pd.DataFrame:
    """Units each lane would carry under today's sourcing shares (the latest sourcing year at
    or before each plan year; the earliest when all are later) applied to the plan's demand."""
    if d.today is not None and len(d.today.columns):
        return d.today
    return current_flows(fp, d.years, d.demand["nameplate"].unique())


def moves(fp: Footprint, d: PlanInputs, flows: pd.DataFrame) -> pd.DataFrame:
    """What moved from today's sourcing: per lane and year, today's units, planned units and
    the change (rows with a change of at least one unit)."""
    keys = ["nameplate", "plant", "market", "fiscal_year"]
    today = d.__dict__.get("_today_units")
    if today is None:  # today's units per lane-year, once per plan inputs
        today = today_flows(fp, d).groupby(keys)["units"].sum().rename("today_units")
        d.__dict__["_today_units"] = today
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
