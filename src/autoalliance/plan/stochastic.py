"""The two-stage alliance plan over a set of scenarios' inputs.

First stage (decided now, the same in every scenario): tooling and collaboration options.
Second stage (per scenario): volumes per lane, covered units, fees, offsets. Each scenario gets a
block built by ``define_plan`` (the planner's ``define_*`` families; names prefixed ``s<k>:``),
and non-anticipativity constraints tie every block's tooling and option binaries to the first
block's.

Objective: the expected joint profit (``objective="expected"``) or its CVaR (``"cvar"``: the
expected joint profit over the worst ``tail`` share of probability); ``floors`` keep each
partner's expected profit at least a given value. Applying scenarios to a footprint is the
scenarios package's job (``scenarios.robust``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from autoalliance.dataset.footprint import Footprint
from autoalliance.errors import AutoallianceError, InfeasiblePlan
from autoalliance.plan.data import build_inputs
from autoalliance.plan.model import MONEY, define_plan
from autoalliance.plan.result import profit_by_company
from autoalliance.plan.solve import _precheck, _run, _values

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

    def add_expressions(self, *args, name=None, **kwargs):
        return self._m.add_expressions(*args, name=self._prefix + name, **kwargs)

    @property
    def variables(self):
        return _PrefixedVariables(self._m.variables, self._prefix)

    def __getitem__(self, name):
        return self._m[self._prefix + name]

    def __getattr__(self, item):
        return getattr(self._m, item)


class _PrefixedVariables:
    """A model's variables seen through a name prefix."""

    def __init__(self, variables, prefix: str):
        self._v, self._prefix = variables, prefix

    def __contains__(self, name) -> bool:
        return self._prefix + name in self._v

    def __getitem__(self, name):
        return self._v[self._prefix + name]


def _block(m, d, prefix: str, max_lost_share: float) -> dict:
    """One scenario's block: the plan's families (``define_plan``), no objective."""
    return define_plan(_Prefixed(m, prefix), d, max_lost_share)


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
