"""Solving plans: standalone (each firm alone) and alliance (joint profit with every partner at or
above its standalone profit), and explaining a plan that has no solution in the field's words."""

from __future__ import annotations

import logging
import time

import numpy as np

from autoalliance.dataset.footprint import Footprint
from autoalliance.errors import AutoallianceError, InfeasiblePlan
from autoalliance.lp import solver_threads
from autoalliance.plan.data import (
    PlanInputs,
    Settings,
    build_inputs,
    default_partners,
    option_parties,
)
from autoalliance.plan.instance import (
    PlanInstance,
    count_solver,
    instance_for,
    members,
    quiet,
    restrict,
)
from autoalliance.plan.model import FAMILIES, MONEY, UNITS, build_model
from autoalliance.plan.result import PlanResult, Solution, assemble, profit_by_company

MODES = ("standalone", "alliance")

FEASIBILITY_TOL = 1e-6  # HiGHS's primal feasibility tolerance, in model units (million USD)
IR_MARGIN_MIN_USD = 1000 * FEASIBILITY_TOL * MONEY  # $1,000: a thousand times what a row may miss


def ir_margin(settings: Settings) -> float:
    """The gain (USD) each partner of an alliance plan must make over its standalone profit,
    tried first: ``settings.ir_margin_usd``, at least ``IR_MARGIN_MIN_USD`` when positive. A
    row of the model may miss its bound by the solver's tolerance ($1 in model units of $1M), so
    a smaller margin would not be enforced (yen_weak left Mitsubishi at a gain of 0 with $1)."""
    m = float(settings.ir_margin_usd)
    return max(m, IR_MARGIN_MIN_USD) if m > 0 else m


def _run(m, settings: Settings) -> str:
    if settings.solver != "highs":
        raise AutoallianceError(f"solver {settings.solver!r} is not supported; the planner "
                                "needs a MILP solver and uses highs")
    # the planner explains an infeasible plan itself (InfeasiblePlan); linopy's own
    # "Optimization potentially failed ... infeasible" warning would only be noise on stderr
    linopy_log = logging.getLogger("linopy.constants")
    level = linopy_log.level
    linopy_log.setLevel(logging.ERROR)
    threads = {"threads": solver_threads()}  # one count per process (autoalliance.lp)
    try:
        with quiet():
            t0 = time.perf_counter()
            _, cond = m.solve(solver_name="highs", io_api="direct", progress=False,
                              output_flag=False, log_to_console=False,
                              mip_rel_gap=settings.mip_rel_gap,
                              time_limit=settings.time_limit_s, **threads)
            count_solver(time.perf_counter() - t0)  # includes linopy's hand-off to HiGHS
    finally:
        linopy_log.setLevel(level)
    return str(cond)


def _values(parts, objective: float = float("nan")) -> Solution:
    def sol(v):
        return None if v is None else v.solution
    return Solution(**{name: None if parts.get(name) is None else sol(parts[name]) * scale
                       for name, scale in FAMILIES.items()}, objective=objective,
                    book=parts.get("book"))


def solve_inputs(d: PlanInputs, settings: Settings,
                 floors: dict[str, float] | None = None) -> Solution:
    """Best plan for the inputs (with individual-rationality floors in USD when given)."""
    _precheck(d, settings)
    m, parts = build_model(d, settings.max_lost_share, floors)
    cond = _run(m, settings)
    if cond == "optimal" or (cond == "time_limit" and parts["production"].solution.notnull()
                             .all()):
        return _values(parts, float(m.objective.value))
    if cond in ("infeasible", "infeasible_or_unbounded"):
        raise InfeasiblePlan(_explain(d, settings, floors))
    if cond == "unbounded":
        raise InfeasiblePlan("the plan is unbounded: some profit has no limit. Every lane is "
                             "bounded by demand and every plant by capacity_units, so check "
                             "that demand and capacity_units are finite")
    raise InfeasiblePlan(f"the solver stopped without a plan ({cond}); raise the time limit "
                         f"(now {settings.time_limit_s:g} s) or the MIP gap")


def solve_on(inst: PlanInstance | None, d: PlanInputs, settings: Settings,
             floors: dict[str, float] | None = None) -> Solution:
    """Best plan for inputs ``d`` (a coalition of the instance's companies) from the built
    instance: the same plan as ``solve_inputs(d, settings, floors)``, which explains a plan the
    instance finds none for (and answers when there is no instance)."""
    if inst is None or inst.settings.max_lost_share != settings.max_lost_share:
        return solve_inputs(d, settings, floors)
    _precheck(d, settings)
    status, sol = inst.solve(d.companies, floors)
    if sol is None:
        return solve_inputs(d, settings, floors)
    return restrict(sol, d)


def _precheck(d: PlanInputs, settings: Settings) -> None:
    """Necessary conditions, checked before solving, with the rows that break them."""
    if settings.max_lost_share >= 1:
        return
    need = d.demand["units"] * (1 - settings.max_lost_share)
    lanes = d.coef.join(d.lanes[["nm", "plant"]], on="lane")
    lanes = lanes[lanes["available"]]
    cap = d.plants["capacity_units"]
    lanes = lanes.assign(cap=lanes["plant"].map(cap))
    allowed = lanes.reset_index().drop_duplicates(["nm", "fiscal_year", "plant"])
    supply = allowed.groupby(["nm", "fiscal_year"])["cap"].sum()
    plants = allowed.groupby(["nm", "fiscal_year"])["plant"].agg(lambda s: ", ".join(sorted(s)))
    short = need[need > supply.reindex(need.index).fillna(0.0) + 1e-6]
    if len(short):
        rows = []
        for (nm, y), units in short.items():
            n, mkt = nm.split("|")
            allowed_txt = plants.get((nm, y), "")
            rows.append(f"  demand for {n} in {mkt} FY{y}: at least {units:,.0f} units must be "
                        f"served but the plants allowed to build it that year "
                        f"({allowed_txt or 'none'}) have a capacity of "
                        f"{supply.get((nm, y), 0.0):,.0f}")
        raise InfeasiblePlan("no plan meets the demand constraint (max_lost_share="
                             f"{settings.max_lost_share:g}):\n" + "\n".join(rows))


FAMILY_WORDS = {
    "demand_min": ("demand", "the share of demand that must be served"),
    "capacity": ("plant capacity", "units built at a plant in a year"),
    "individual_rationality": ("individual rationality",
                               "each partner's profit at least its standalone profit"),
}


def _explain(d: PlanInputs, settings: Settings, floors) -> str:
    """Relax one family at a time; the first whose relaxation gives a plan is named, with the
    rows that needed slack."""
    families = ["capacity"]
    if settings.max_lost_share < 1:
        families.append("demand_min")
    if floors:
        families.append("individual_rationality")
    for fam in families:
        m, parts = build_model(d, settings.max_lost_share, floors, elastic=fam)
        if _run(m, settings) != "optimal":
            continue
        s = parts["slack"].solution.to_series()
        s = s[s > 1e-6]
        scale = MONEY if fam == "individual_rationality" else UNITS
        unit = "USD" if fam == "individual_rationality" else "units"
        title, words = FAMILY_WORDS[fam]
        rows = [f"  {_row_name(k)}: short by {v * scale:,.0f} {unit}" for k, v in s.items()]
        return (f"no plan satisfies the {title} constraints ({words}); relaxing them alone "
                "gives a plan, with these rows short:\n" + "\n".join(rows[:20]))
    return ("no plan satisfies the constraints together (demand, capacity, tooling, options, "
            "individual rationality); no single family relaxed gives a plan")


def _row_name(key) -> str:
    if isinstance(key, tuple):
        parts = [str(k).replace("|", " in ") if "|" in str(k) else
                 (f"FY{k}" if isinstance(k, (int, np.integer)) else str(k)) for k in key]
        return ", ".join(parts)
    return str(key)


def plan(fp: Footprint, mode: str = "alliance", horizon: tuple[int, int] | None = None,
         partners: list[str] | None = None, settings: Settings | None = None) -> PlanResult:
    """Plan production, tooling and collaboration options over the horizon.

    ``standalone``: each firm alone, with its own plants and no option with another firm.
    ``alliance``: the partners' joint profit is maximised with each partner at or above its
    standalone profit; fees between partners are transfers within each option's fee range.
    ``partners`` defaults to the firms linked by options (standalone: every firm).
    ``horizon`` (fiscal years, inclusive) overrides ``settings.horizon`` when given; when neither
    is set it is the dataset's default (``Footprint.default_horizon``).
    Returns a PlanResult with DataFrames companies, flows, utilisation, options, moves.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    settings = (settings or Settings()).with_(horizon=horizon).for_dataset(fp)
    known = list(fp.companies["company"])
    if partners is not None:
        bad = [p for p in partners if p not in known]
        if bad:
            raise ValueError(f"unknown partner(s) {', '.join(bad)}; companies: "
                             f"{', '.join(known)}")
        companies = [c for c in known if c in set(partners)]
    else:
        companies = known if mode == "standalone" else default_partners(fp)
    d_all, inst = instance_for(fp, companies, settings)
    alone = _standalone(fp, d_all, inst, companies, settings, tables=mode == "standalone")
    if not alone:
        raise InfeasiblePlan(f"nothing to plan: no company among {', '.join(companies)} has a "
                             "nameplate with demand and a plant that can build it in "
                             f"FY{settings.years[0]}-FY{settings.years[-1]}")
    companies = [c for c in companies if c in alone]
    standalone = {c: profit_by_company(d, s)[c] for c, (d, s) in alone.items()}

    def each_alone() -> PlanResult:
        parts = []
        for c, (d, s) in alone.items():
            if len(d.companies) > 1:  # the company's own inputs, for its tables
                d_c = build_inputs(fp, [c], settings)
                d, s = d_c, restrict(s, d_c)
            parts.append(assemble(fp, d, s, standalone))
        return PlanResult.concat(parts, mode, settings, fp)

    if mode == "standalone":
        return _warned(each_alone(), inst)
    parties = option_parties(fp)
    linked = parties[parties["kind"].ne("do_nothing") & parties["owner"].isin(companies)
                     & parties["host"].isin(companies) & parties["owner"].ne(parties["host"])]
    if linked.empty:  # no option between the partners: the alliance is each firm alone
        return _warned(each_alone(), inst)
    d = d_all if list(d_all.companies) == companies else build_inputs(fp, companies, settings)
    margin = ir_margin(settings)
    try:
        sol = solve_on(inst, d, settings, {c: v + margin for c, v in standalone.items()})
    except InfeasiblePlan:
        if margin <= 0:
            raise
        sol = solve_on(inst, d, settings, dict(standalone))
    if settings.balance_fees:
        sol = _balance_fees(d, settings, standalone, sol)
    res = PlanResult.concat([assemble(fp, d, sol, standalone)], mode, settings, fp)
    res.warnings = list(inst.warnings) if inst is not None else []
    return res


def _warned(res: PlanResult, inst: PlanInstance | None) -> PlanResult:
    """The plan with the solver's numerical warnings of its model."""
    res.warnings = list(inst.warnings) if inst is not None else []
    return res


def _standalone(fp: Footprint, d_all: PlanInputs, inst: PlanInstance | None,
                companies: list[str], settings: Settings, tables: bool) -> dict:
    """Each company's standalone plan: company -> (inputs, solution), leaving out a company with
    nothing to build or sell in the horizon. From the built instance (the coalition of one,
    on ``d_all``) unless the company's own inputs are needed (``tables``, a demand floor, or
    no solution there, which the fresh build explains)."""
    out = {}
    for c in companies:
        if inst is not None and not tables and settings.max_lost_share >= 1:
            if not members(d_all, [c])["lane"].any():
                continue
            status, sol = inst.solve((c,))
            if sol is not None:
                out[c] = (d_all, sol)
                continue
        d_c = build_inputs(fp, [c], settings)
        if d_c.lanes.empty:  # nothing to build or sell in the horizon: nothing to plan
            continue
        out[c] = (d_c, solve_on(inst, d_c, settings))
    return out


def _balance_fees(d: PlanInputs, settings: Settings, standalone: dict[str, float],
                  sol: Solution) -> Solution:
    """Same plan, fees chosen to maximise the smallest partner gain over standalone.

    The joint optimum leaves fees anywhere in their ranges (they are transfers), so this picks
    a reproducible, even-handed point: with production, choices and covered units fixed, each
    firm's profit is linear in the fees, and a small LP (max g s.t. gain_c >= g, fee ranges)
    settles them. The split the partners agree on is the sharing module's job."""
    if sol.fee is None or sol.covered is None or d.covers.empty:
        return sol
    from autoalliance.lp import solve_lp

    cov = d.covers
    u = sol.covered.transpose("cover", "fiscal_year").to_numpy()  # units
    paid_now = sol.fee.transpose("cover", "fiscal_year").to_numpy()  # USD
    comps = list(d.companies)
    base = _profits_without_fees(d, sol, paid_now)
    nf = u.size
    # variables: fees (USD million, cover-major) then g
    lo = (cov["fee_min"].to_numpy()[:, None] * u).ravel() / MONEY
    hi = (cov["fee_max"].to_numpy()[:, None] * u).ravel() / MONEY
    rows, rhs = [], []
    for c in comps:  # -(base_c - floor_c + received - paid) + g <= 0
        sign = np.where(cov["payee"].to_numpy() == c, 1.0, 0.0) - np.where(
            cov["company"].to_numpy() == c, 1.0, 0.0)
        row = np.concatenate([-np.repeat(sign, u.shape[1]), [1.0]])
        rows.append(row)
        rhs.append((base[c] - standalone[c]) / MONEY)
    cost = np.zeros(nf + 1)
    cost[-1] = -1.0
    res = solve_lp(cost, A_ub=np.array(rows), b_ub=np.array(rhs),
                   bounds=list(zip(lo, hi)) + [(None, None)])
    if res.status != 0:
        return sol
    fee = sol.fee.copy(data=(res.x[:nf].reshape(u.shape) * MONEY)).transpose(*sol.fee.dims)
    return Solution(**{**sol.__dict__, "fee": fee})


def _profits_without_fees(d: PlanInputs, sol: Solution, fees) -> dict[str, float]:
    """Each firm's profit with the fees taken out (USD)."""
    from autoalliance.plan.result import profit_by_company

    prof = profit_by_company(d, sol)
    cov = d.covers
    per = fees.sum(axis=1)
    for k, c in enumerate(cov["company"]):
        prof[c] += per[k]
    for k, c in enumerate(cov["payee"]):
        prof[c] -= per[k]
    return prof
