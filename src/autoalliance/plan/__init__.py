"""The alliance planner: standalone and alliance plans on linopy + HiGHS.

``plan(fp, mode="alliance", horizon=(2026, 2030), partners=None) -> PlanResult``
"""

from autoalliance.plan.data import (
                                    PlanInputs,
                                    Settings,
                                    build_inputs,
                                    check_plan_tables,
                                    default_partners,
)
from autoalliance.plan.result import PlanResult, Solution, today_flows
from autoalliance.plan.solve import MODES, plan, solve_inputs

__all__ = ["MODES", "PlanInputs", "PlanResult", "Settings", "Solution", "build_inputs",
           "check_plan_tables", "default_partners", "plan", "solve_inputs", "today_flows"]
