"""The plan model written the way a Pyomo user would: the same variables, bounds, constraints
and objective as ``autoalliance.plan.model.build_model(d)`` (no floors, any demand may be
lost), built from the same ``PlanInputs``.

Written idiomatically and with care for speed: index sets and coefficients are turned into
Python dicts once, each constraint family is an indexed ``Constraint`` with a rule, and the
groupings (lanes of a nameplate, of a plant, of a company) are precomputed so no rule scans
all lanes. The model goes to HiGHS through Pyomo's own HiGHS interface (``highspy``, no file).
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pyomo.environ as pe

from autoalliance.plan.data import PlanInputs
from autoalliance.plan.model import MONEY, PER_UNIT, UNITS


def _lane_year(d: PlanInputs, column: str) -> dict:
    t = d.coef[column].unstack("fiscal_year").reindex(index=d.lanes.index, columns=d.years)
    arr = t.to_numpy(dtype=float)
    return {(lane, y): arr[i, j] for i, lane in enumerate(d.lanes.index)
            for j, y in enumerate(d.years)}


def build_pyomo(d: PlanInputs) -> pe.ConcreteModel:
    m = pe.ConcreteModel()
    lanes = list(d.lanes.index)
    years = list(d.years)
    comps = list(d.companies)
    m.L = pe.Set(initialize=lanes, ordered=True)
    m.Y = pe.Set(initialize=years, ordered=True)
    m.C = pe.Set(initialize=comps, ordered=True)

    demand = _lane_year(d, "demand")
    bound = _lane_year(d, "bound")
    avail = _lane_year(d, "available")
    margin_cols = {c: _lane_year(d, c) for c in ("revenue", "cost", "logistics", "duty")}
    credit = _lane_year(d, "credit")
    parts_added = _lane_year(d, "parts_added")

    # production
    m.x = pe.Var(m.L, m.Y, within=pe.NonNegativeReals,
                 bounds=lambda m, lane, y: (0, bound[lane, y] * avail[lane, y] / UNITS))

    # demand
    by_nm = defaultdict(list)
    for lane, nm in d.lanes["nm"].items():
        by_nm[nm].append(lane)
    dem = d.demand["units"].unstack("fiscal_year").reindex(columns=years).fillna(0.0)
    dem_rhs = {(nm, y): dem.at[nm, y] / UNITS for nm in dem.index for y in years}
    m.NM = pe.Set(initialize=[nm for nm in dem.index if by_nm.get(nm)], ordered=True)
    m.demand = pe.Constraint(m.NM, m.Y, rule=lambda m, nm, y: sum(
        m.x[lane, y] for lane in by_nm[nm]) <= dem_rhs[nm, y])

    # capacity
    by_plant = defaultdict(list)
    for lane, p in d.lanes["plant"].items():
        by_plant[p].append(lane)
    cap = (d.plants["capacity_units"].astype(float) / UNITS).to_dict()
    m.P = pe.Set(initialize=[p for p in d.plants.index if by_plant.get(p)], ordered=True)
    m.capacity = pe.Constraint(m.P, m.Y, rule=lambda m, p, y: sum(
        m.x[lane, y] for lane in by_plant[p]) <= cap[p])

    # tooling
    t = None
    if not d.tools.empty:
        m.T = pe.Set(initialize=list(d.tools.index), ordered=True)
        m.t = pe.Var(m.T, within=pe.Binary)
        tl = d.lanes[d.lanes["enabler"] == "tool"]
        tool_of = tl["tool"].to_dict()
        m.TL = pe.Set(initialize=list(tl.index), ordered=True)
        m.tooled_lanes = pe.Constraint(m.TL, m.Y, rule=lambda m, lane, y: m.x[lane, y]
                                       - demand[lane, y] / UNITS * m.t[tool_of[lane]] <= 0)
        t = m.t

    # options
    z = None
    if not d.options.empty:
        m.O = pe.Set(initialize=list(d.options.index), ordered=True)
        m.z = pe.Var(m.O, within=pe.Binary)
        z = m.z
        ol = d.lanes[d.lanes["enabler"] == "option"]
        if len(ol):
            opt_of = ol["option"].to_dict()
            m.OL = pe.Set(initialize=list(ol.index), ordered=True)
            m.option_lanes = pe.Constraint(m.OL, m.Y, rule=lambda m, lane, y: m.x[lane, y]
                                           - demand[lane, y] / UNITS * m.z[opt_of[lane]] <= 0)
        dn = list(d.options.index[d.options["kind"] == "do_nothing"])
        other = list(d.options.index[d.options["kind"] != "do_nothing"])
        if dn and other:
            m.OTHER = pe.Set(initialize=other, ordered=True)
            m.do_nothing = pe.Constraint(m.OTHER, rule=lambda m, o: m.z[o] + m.z[dn[0]] <= 1)
            m.do_nothing_or_some = pe.Constraint(
                expr=sum(m.z[o] for o in dn) + sum(m.z[o] for o in other) >= 1)
        elif dn:
            m.do_nothing_or_some = pe.Constraint(expr=sum(m.z[o] for o in dn) >= 1)

    # covered, fees
    u = None
    if not d.covers.empty and z is not None:
        covers = list(d.covers.index)
        m.K = pe.Set(initialize=covers, ordered=True)
        m.u = pe.Var(m.K, m.Y, within=pe.NonNegativeReals)
        u = m.u
        cl = d.cover_lanes
        lanes_of = defaultdict(list)
        opened_of = defaultdict(list)
        for c, lane, op in zip(cl["cover"], cl["lane"], cl["opened"]):
            lanes_of[c].append(lane)
            if op:
                opened_of[c].append(lane)
        m.cover_supply = pe.Constraint(m.K, m.Y, rule=lambda m, c, y: m.u[c, y] - sum(
            m.x[lane, y] for lane in lanes_of[c]) <= 0)
        if opened_of:
            m.KO = pe.Set(initialize=list(dict.fromkeys(
                cl.loc[cl["opened"].to_numpy(), "cover"])), ordered=True)
            m.opened_lanes = pe.Constraint(m.KO, m.Y, rule=lambda m, c, y: sum(
                m.x[lane, y] for lane in opened_of[c]) - m.u[c, y] <= 0)
        covers_of = defaultdict(list)
        for c, o in d.covers["option"].items():
            covers_of[o].append(c)
        capt = d.option_cap
        m.OC = pe.Set(initialize=list(capt.index), ordered=True)
        capd = {(o, y): capt.at[o, y] / UNITS for o in capt.index for y in years}
        m.option_capacity = pe.Constraint(m.OC, m.Y, rule=lambda m, o, y: sum(
            m.u[c, y] for c in covers_of[o]) - capd[o, y] * m.z[o] <= 0)
        m.f = pe.Var(m.K, m.Y, within=pe.NonNegativeReals)
        lo = (d.covers["fee_min"] * PER_UNIT).to_dict()
        hi = (d.covers["fee_max"] * PER_UNIT).to_dict()
        m.fee_min = pe.Constraint(m.K, m.Y, rule=lambda m, c, y: m.f[c, y] - lo[c] * m.u[c, y]
                                  >= 0)
        m.fee_max = pe.Constraint(m.K, m.Y, rule=lambda m, c, y: m.f[c, y] - hi[c] * m.u[c, y]
                                  <= 0)

    # offset
    by_company = defaultdict(list)
    for lane, c in d.lanes["company"].items():
        by_company[c].append(lane)
    m.off = pe.Var(m.C, m.Y, within=pe.NonNegativeReals)
    m.offset_credit = pe.Constraint(m.C, m.Y, rule=lambda m, c, y: m.off[c, y] - sum(
        credit[lane, y] * PER_UNIT * m.x[lane, y] for lane in by_company[c]) <= 0)
    m.offset_parts_duty = pe.Constraint(m.C, m.Y, rule=lambda m, c, y: m.off[c, y] - sum(
        parts_added[lane, y] * PER_UNIT * m.x[lane, y] for lane in by_company[c]) <= 0)

    # objective: total profit over the firms (fees are transfers between them)
    cset = set(comps)
    terms = []
    for lane in lanes:
        for y in years:
            mg = (margin_cols["revenue"][lane, y] - margin_cols["cost"][lane, y]
                  - margin_cols["logistics"][lane, y] - margin_cols["duty"][lane, y]) * PER_UNIT
            terms.append(mg * m.x[lane, y])
    obj = pe.quicksum(terms) + pe.quicksum(m.off[c, y] for c in comps for y in years)
    if u is not None:
        eff = (d.covers["effect"] * PER_UNIT).to_dict()
        payer = d.covers["company"].to_dict()
        payee = d.covers["payee"].to_dict()
        obj -= pe.quicksum(eff[c] * m.u[c, y] for c in m.K for y in years if payer[c] in cset)
        obj -= pe.quicksum(m.f[c, y] for c in m.K for y in years if payer[c] in cset)
        obj += pe.quicksum(m.f[c, y] for c in m.K for y in years if payee[c] in cset)
    if t is not None:
        inv = (d.tools["investment_usd"] * d.tools["charge_share"] / MONEY).to_dict()
        owner = d.tools["company"].to_dict()
        obj -= pe.quicksum(inv[k] * m.t[k] for k in m.T if owner[k] in cset)
    if z is not None:
        o = d.options[d.options["kind"] != "do_nothing"]
        if len(o):
            prog = o["programme_cost_usd"].fillna(0.0).astype(float)
            share = o["programme_share_owner"].fillna(0.5).astype(float)
            charged = o["charge_share"].astype(float)
            host_cost = ((o["investment_usd"].astype(float) + prog * (1 - share)) * charged
                         / MONEY).to_dict()
            owner_cost = (prog * share * charged / MONEY).to_dict()
            obj -= pe.quicksum(host_cost[k] * m.z[k] for k in o.index if o.at[k, "host"] in cset)
            obj -= pe.quicksum(owner_cost[k] * m.z[k] for k in o.index
                               if o.at[k, "owner"] in cset)
    m.obj = pe.Objective(expr=obj, sense=pe.maximize)
    return m


def solve_pyomo(m: pe.ConcreteModel, mip_rel_gap: float = 1e-6, time_limit: float = 600.0):
    """Hand the model to HiGHS through Pyomo's HiGHS interface and solve it; returns the
    objective value."""
    from pyomo.contrib.solver.common.factory import SolverFactory

    opt = SolverFactory("highs")
    res = opt.solve(m, tee=False, time_limit=time_limit,
                    solver_options={"mip_rel_gap": mip_rel_gap, "output_flag": False})
    return float(pe.value(m.obj)), res


def objective_equal(a: float, b: float, rel: float = 1e-5) -> bool:
    return bool(np.isclose(a, b, rtol=rel, atol=1e-6))
