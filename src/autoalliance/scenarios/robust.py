"""Robust planning: a two-stage alliance plan over a scenario set.

First stage (decided now, the same in every scenario): tooling and collaboration options.
Second stage (per scenario): volumes per lane, covered units, fees, offsets. The model is the
planner's own: each scenario gets a block built by the planner's ``define_*`` functions (names
prefixed ``s<k>:``), and non-anticipativity constraints tie every block's tooling and option
binaries to the first block's.

Objective: the expected joint profit (``objective="expected"``) or its CVaR (``"cvar"``: the
expected joint profit over the worst ``tail`` share of probability), with each partner's
expected profit at least its standalone expected profit (its own two-stage plan over the same
scenarios, with the same objective).

``robust_plan`` also solves the plan optimised for the base scenario alone and evaluates its
first-stage choices on the set with volumes re-optimised in each scenario (same constraints),
and reports regret per scenario: the best joint profit with perfect foresight of that scenario
minus what each plan makes in it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from autoalliance.dataset.footprint import Footprint
from autoalliance.errors import AutoallianceError, InfeasiblePlan
from autoalliance.scenarios.overrides import apply_scenario
from autoalliance.scenarios.spec import Scenario

OBJECTIVES = ("expected", "cvar")


class _Prefixed:
    """A linopy model seen through a name prefix, so the planner's ``define_*`` functions can
    add one block per scenario to one model."""

    def __init__(self, m, prefix: str):
        self._m, self._prefix = m, prefix

    def add_variables(self, *args, name=None, **kwargs):
        return self._m.add_variables(*args, name=self._prefix + name, **kwargs)

    def add_constraints(self, *args, name=None, **kwargs):
        return self._m.add_constraints(*args, name=self._prefix + name, **kwargs)

    def __getattr__(self, item):
        return getattr(self._m, item)


def _block(m, d, prefix: str, max_lost_share: float) -> dict:
    """One scenario's block: the planner's families, no objective (as ``build_model``)."""
    from autoalliance.plan import model as pm

    b = _Prefixed(m, prefix)
    x = pm.define_production(b, d)
    pm.define_demand(b, d, x, max_lost_share)
    pm.define_capacity(b, d, x)
    t = pm.define_tooling(b, d, x)
    z = pm.define_options(b, d, x)
    u = pm.define_covered(b, d, x, z)
    f = pm.define_fees(b, d, u)
    off = pm.define_offset(b, d, x)
    profit = pm.profit_expression(d, x, t, z, u, f, off)
    return dict(production=x, tooling=t, option=z, covered=u, fee=f, offset=off, profit=profit)


@dataclass
class TwoStageSolution:
    companies: list[str]
    scenarios: list[str]
    probabilities: np.ndarray
    tooling: pd.Series  # tool -> 0/1 (empty when the plan has no tooling choice)
    options: pd.Series  # option -> 0/1
    profits: pd.DataFrame  # scenario x company, USD
    objective: float  # USD: expected joint profit, or its CVaR

    @property
    def joint(self) -> pd.Series:
        return self.profits.sum(axis=1)

    @property
    def expected_joint(self) -> float:
        return float(self.joint.to_numpy() @ self.probabilities)

    @property
    def expected(self) -> pd.Series:
        return self.profits.T @ pd.Series(self.probabilities, index=self.profits.index)


def _inputs(fps: list[Footprint], companies: list[str], settings):
    from autoalliance.plan import build_inputs

    ds = [build_inputs(fp, companies, settings) for fp in fps]
    for k, d in enumerate(ds[1:], 1):
        for what in ("tools", "options"):
            if not getattr(d, what).index.equals(getattr(ds[0], what).index):
                raise AutoallianceError(
                    f"scenario {k} changes the set of first-stage choices ({what}: "
                    f"{list(getattr(d, what).index)} vs {list(getattr(ds[0], what).index)}); "
                    "a two-stage plan needs the same tooling and options in every scenario")
    return ds


def solve_two_stage(fps: list[Footprint], names: list[str], companies: list[str], settings,
                    probabilities=None, objective: str = "expected", tail: float = 0.2,
                    floors: dict[str, float] | None = None,
                    fixed: tuple[pd.Series, pd.Series] | None = None) -> TwoStageSolution:
    """Solve the two-stage plan. ``floors``: each company's least expected profit (USD).
    ``fixed``: (tooling, options) first-stage values to hold (volumes still re-optimised)."""
    import linopy

    from autoalliance.plan.model import MONEY
    from autoalliance.plan.result import profit_by_company
    from autoalliance.plan.solve import _precheck, _run, _values

    if objective not in OBJECTIVES:
        raise ValueError(f"objective must be one of {', '.join(OBJECTIVES)}, not {objective!r}")
    if not 0 < tail <= 1:
        raise ValueError(f"tail must be in (0, 1], got {tail}")
    n = len(fps)
    p = np.full(n, 1.0 / n) if probabilities is None else np.asarray(probabilities, float)
    if len(p) != n or (p < 0).any() or abs(p.sum() - 1) > 1e-9:
        raise ValueError("probabilities must be one per scenario, >= 0, summing to 1")
    ds = _inputs(fps, companies, settings)
    for d in ds:
        _precheck(d, settings)
    m = linopy.Model()
    blocks = [_block(m, d, f"s{k}:", settings.max_lost_share) for k, d in enumerate(ds)]
    first = blocks[0]
    for k, b in enumerate(blocks[1:], 1):  # non-anticipativity: one first stage for all
        for fam in ("tooling", "option"):
            if first[fam] is not None:
                m.add_constraints(b[fam] - first[fam] == 0, name=f"nonanticipativity_{fam}_{k}")
    if fixed is not None:
        for fam, values in zip(("tooling", "option"), fixed):
            var = first[fam]
            if var is None or values is None or values.empty:
                continue
            dim = var.dims[0]
            target = xr.DataArray(values.reindex(var.coords[dim].values).to_numpy(float),
                                  dims=dim, coords={dim: var.coords[dim].values})
            m.add_constraints(var == target, name=f"fixed_{fam}")
    joint = [b["profit"].sum() for b in blocks]
    if floors is not None:
        comps = pd.Index(companies, name="company")
        expected = sum(float(p[k]) * b["profit"] for k, b in enumerate(blocks))
        rhs = xr.DataArray(np.array([floors[c] for c in comps]) / MONEY, dims="company",
                           coords={"company": comps.to_numpy()})
        m.add_constraints(expected >= rhs, name="individual_rationality")
    if objective == "expected":
        m.add_objective(sum(float(p[k]) * j for k, j in enumerate(joint)), sense="max")
    else:
        eta = m.add_variables(name="cvar_eta")
        short = m.add_variables(lower=0, coords=[pd.RangeIndex(n, name="scenario")],
                                name="cvar_shortfall")
        for k, j in enumerate(joint):
            m.add_constraints(short.sel(scenario=k) - eta + j >= 0, name=f"cvar_{k}")
        m.add_objective(eta - (1.0 / tail) * (xr.DataArray(p, dims="scenario") * short).sum(),
                        sense="max")
    cond = _run(m, settings)
    if cond != "optimal" and not (cond == "time_limit"
                                  and first["production"].solution.notnull().all()):
        raise InfeasiblePlan(f"the two-stage plan has no solution ({cond})"
                             + (" with every partner's expected profit at least its "
                                "standalone" if floors else ""))
    profits = pd.DataFrame([profit_by_company(d, _values(b)) for d, b in zip(ds, blocks)],
                           index=pd.Index(names, name="scenario"))[companies]

    def taken(var):
        if var is None:
            return pd.Series(dtype=float)
        return var.solution.to_series().round()

    return TwoStageSolution(companies, list(names), p, taken(first["tooling"]),
                            taken(first["option"]), profits,
                            float(m.objective.value) * MONEY)


@dataclass
class RobustResult:
    """The robust plan, the base-case plan evaluated on the set, and regret per scenario."""

    objective: str
    companies: pd.DataFrame  # company, standalone_expected_usd, robust_expected_usd, base_...
    scenarios: pd.DataFrame  # scenario, probability, perfect_foresight_usd, robust_usd, ...
    choices: pd.DataFrame  # kind (tooling|option), choice, robust, base
    robust: TwoStageSolution
    base: TwoStageSolution  # base plan's first stage, volumes re-optimised per scenario
    base_ir_holds: bool  # whether the base plan's choices keep every partner >= standalone

    @property
    def robust_expected_joint_usd(self) -> float:
        return self.robust.expected_joint

    @property
    def base_expected_joint_usd(self) -> float:
        return self.base.expected_joint

    def to_dict(self) -> dict:
        return {"objective": self.objective, "base_ir_holds": self.base_ir_holds,
                "robust_expected_joint_usd": self.robust_expected_joint_usd,
                "base_expected_joint_usd": self.base_expected_joint_usd,
                "companies": self.companies.to_dict(orient="records"),
                "scenarios": self.scenarios.to_dict(orient="records"),
                "choices": self.choices.to_dict(orient="records")}


def robust_plan(fp: Footprint, scenarios: list[Scenario], base: Scenario | None = None,
                objective: str = "expected", tail: float = 0.2, probabilities=None,
                partners: list[str] | None = None, settings=None,
                origins: dict | None = None) -> RobustResult:
    """Two-stage plan over ``scenarios`` compared with the plan optimised for ``base`` (default:
    the first scenario). Money in USD over the planning horizon."""
    from autoalliance.plan import Settings, default_partners

    settings = (settings or Settings()).for_dataset(fp)
    base = base or scenarios[0]
    fps = [apply_scenario(fp, s, origins) for s in scenarios]
    names = [s.name for s in scenarios]
    companies = partners or default_partners(fp)
    kw = dict(probabilities=probabilities, objective=objective, tail=tail)
    standalone = {}
    for c in companies:
        alone = solve_two_stage(fps, names, [c], settings, **kw)
        standalone[c] = float(alone.expected[c])
    robust = solve_two_stage(fps, names, companies, settings, floors=standalone, **kw)

    # the plan optimised for the base case alone (with its own standalone floors)
    base_fp = [apply_scenario(fp, base, origins)]
    base_alone = {c: float(solve_two_stage(base_fp, [base.name], [c], settings).expected[c])
                  for c in companies}
    base_plan = solve_two_stage(base_fp, [base.name], companies, settings, floors=base_alone)
    fixed = (base_plan.tooling, base_plan.options)
    try:
        base_eval = solve_two_stage(fps, names, companies, settings, floors=standalone,
                                    fixed=fixed, **kw)
        ir_holds = True
    except InfeasiblePlan:
        base_eval = solve_two_stage(fps, names, companies, settings, fixed=fixed, **kw)
        ir_holds = False
    foresight = [solve_two_stage([f], [n], companies, settings).expected_joint
                 for f, n in zip(fps, names)]
    p = robust.probabilities
    sc = pd.DataFrame({"scenario": names, "probability": p,
                       "perfect_foresight_usd": foresight,
                       "robust_usd": robust.joint.to_numpy(),
                       "base_plan_usd": base_eval.joint.to_numpy()})
    sc["robust_regret_usd"] = sc["perfect_foresight_usd"] - sc["robust_usd"]
    sc["base_plan_regret_usd"] = sc["perfect_foresight_usd"] - sc["base_plan_usd"]
    comp = pd.DataFrame({"company": companies,
                         "standalone_expected_usd": [standalone[c] for c in companies],
                         "robust_expected_usd": robust.expected.reindex(companies).to_numpy(),
                         "base_plan_expected_usd": base_eval.expected.reindex(companies)
                         .to_numpy()})
    comp["robust_gain_usd"] = comp["robust_expected_usd"] - comp["standalone_expected_usd"]
    choices = pd.concat([
        pd.DataFrame({"kind": kind, "choice": r.index.astype(str),
                      "robust": r.to_numpy().astype(bool),
                      "base": b.reindex(r.index).to_numpy().astype(bool)})
        for kind, r, b in (("tooling", robust.tooling, base_plan.tooling),
                           ("option", robust.options, base_plan.options)) if len(r)],
        ignore_index=True) if len(robust.tooling) or len(robust.options) else \
        pd.DataFrame(columns=["kind", "choice", "robust", "base"])
    return RobustResult(objective, comp, sc, choices, robust, base_eval, ir_holds)
