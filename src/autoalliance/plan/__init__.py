"""The alliance planner: standalone and alliance plans on linopy + HiGHS.

``plan(fp, mode="alliance", horizon=None, partners=None) -> PlanResult`` (horizon: the
dataset's default, ``Footprint.default_horizon``, when not given). ``PlanInstance``: the model
built once and re-solved in place for coalitions, floors and new numbers.
"""

from autoalliance.plan.data import (
                                    PlanInputs,
                                    build_inputs,
                                    check_plan_tables,
                                    default_partners,
)
from autoalliance.plan.instance import PlanInstance, StructureChanged
from autoalliance.plan.result import PlanResult, Solution, today_flows
from autoalliance.plan.solve import MODES, plan, solve_inputs
from autoalliance.settings import Settings

__all__ = ["MODES", "PlanInputs", "PlanInstance", "PlanResult", "Settings", "Solution",
           "StructureChanged", "build_inputs", "check_plan_tables", "default_partners", "plan",
           "solve_inputs", "today_flows"]
