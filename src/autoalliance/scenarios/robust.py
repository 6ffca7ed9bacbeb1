"""Robust planning: a two-stage alliance plan over a scenario set.

First stage (decided now, the same in every scenario): tooling and collaboration options.
Second stage (per scenario): volumes per lane, covered units, fees, offsets. The model is the
planner's (``plan.stochastic``: one block per scenario from the planner's ``define_*``
functions, tied by non-anticipativity); this module applies the scenarios to the footprint and
compares the robust plan with the base-case plan.

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

import pandas as pd

from autoalliance.dataset.footprint import Footprint
from autoalliance.errors import InfeasiblePlan
from autoalliance.plan.stochastic import OBJECTIVES, TwoStageSolution, solve_two_stage
from autoalliance.scenarios.overrides import apply_scenario
from autoalliance.scenarios.spec import Scenario

__all__ = ["OBJECTIVES", "RobustResult", "TwoStageSolution", "robust_plan", "solve_two_stage"]


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
