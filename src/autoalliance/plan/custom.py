"""The plan's linopy model, for users who add their own constraints.

``plan_model(fp, companies)`` builds the same model ``plan`` solves (one ``define_*`` per
family, see ``autoalliance.plan.model``) and returns it with its variables and inputs; add
constraints with linopy, then ``PlanModel.solve()`` gives a :class:`PlanResult` with the same
tables as ``plan``. Variables are in thousands of units (``UNITS``) and millions of USD
(``MONEY``), like the model.
"""

from __future__ import annotations

from dataclasses import dataclass

import linopy
import pandas as pd

from autoalliance.dataset.footprint import Footprint
from autoalliance.errors import AutoallianceError
from autoalliance.plan.data import PlanInputs, build_inputs, default_partners
from autoalliance.plan.model import MONEY, UNITS, build_model
from autoalliance.plan.result import PlanResult, assemble
from autoalliance.plan.solve import _run, _values
from autoalliance.settings import Settings


@dataclass
class PlanModel:
    """A plan model before solving: ``model`` (linopy), ``variables`` (production, tooling,
    option, covered, fee, offset and the ``profit`` expression per company), ``inputs`` (the
    index sets: ``inputs.lanes`` names each lane's nameplate, plant and market)."""

    fp: Footprint
    inputs: PlanInputs
    settings: Settings
    model: linopy.Model
    variables: dict

    units_scale: float = UNITS
    money_scale: float = MONEY

    def lanes(self, **where) -> pd.Index:
        """Lanes whose columns equal the given values, e.g. ``lanes(plant="nissan_smyrna")``."""
        lanes = self.inputs.lanes
        keep = pd.Series(True, index=lanes.index)
        for col, value in where.items():
            keep &= lanes[col].eq(value)
        return lanes.index[keep]

    def solve(self) -> PlanResult:
        """Solve with HiGHS (the settings' gap and time limit) and return the plan's tables."""
        cond = _run(self.model, self.settings)
        if cond != "optimal":
            raise AutoallianceError(f"the model with your constraints is {cond}")
        sol = _values(self.variables, float(self.model.objective.value))
        res = assemble(self.fp, self.inputs, sol)
        mode = "alliance" if len(self.inputs.companies) > 1 else "standalone"
        return PlanResult.concat([res], mode, self.settings, self.fp)


def plan_model(fp: Footprint, companies: list[str] | None = None,
               horizon: tuple[int, int] | None = None, settings: Settings | None = None,
               floors: dict[str, float] | None = None) -> PlanModel:
    """The joint plan model of ``companies`` (default: the firms the options link) over the
    horizon (default: the dataset's); ``floors`` (USD by company) adds each partner's
    individual-rationality constraint, as ``plan(mode="alliance")`` does with the standalone
    profits."""
    settings = (settings or Settings()).with_(horizon=horizon).for_dataset(fp)
    companies = companies or default_partners(fp)
    d = build_inputs(fp, companies, settings)
    m, parts = build_model(d, settings.max_lost_share, floors)
    return PlanModel(fp, d, settings, m, parts)
