"""The alliance planner: standalone and alliance plans on linopy + HiGHS.

``plan(fp, mode="alliance", horizon=None, partners=None) -> PlanResult`` (horizon: the
dataset's default, ``Footprint.default_horizon``, when not given). ``PlanInstance``: the model
built once and re-solved in place for coalitions, floors and new numbers.
"""

from autoalliance.plan.lazy_dask import keep_dask_lazy

keep_dask_lazy()  # before any DataArray: xarray would import dask.array for its first one

from autoalliance.plan.data import (  # noqa: E402
                                    PlanInputs,
                                    build_inputs,
                                    check_plan_tables,
                                    default_partners,
)
from autoalliance.plan.instance import PlanInstance, StructureChanged  # noqa: E402
from autoalliance.plan.result import PlanResult, Solution, today_flows  # noqa: E402
from autoalliance.plan.solve import MODES, plan, solve_inputs  # noqa: E402
from autoalliance.settings import Settings  # noqa: E402

__all__ = ["MODES", "PlanInputs", "PlanInstance", "PlanResult", "Settings", "Solution",
           "StructureChanged", "build_inputs", "check_plan_tables", "default_partners", "plan",
           "solve_inputs", "today_flows"]
