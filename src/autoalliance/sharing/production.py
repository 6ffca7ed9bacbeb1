"""Linear production games and Owen's (1975) dual-price allocation.

Each partner ``i`` brings a resource vector ``b_i`` (e.g. plant hours, battery cells).
A coalition ``S`` pools its resources and earns the best margin of a production plan::

    v(S) = max c·x  s.t.  A x ≤ Σ_{i∈S} b_i,  x ≥ 0

With ``y*`` an optimal dual (shadow prices, USD per unit of resource) of the grand
coalition's LP, Owen's allocation pays each partner the value of what it brought:
``x_i = y*·b_i``. It is always in the core (Owen 1975).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ._lp import solve_lp
from .errors import GameError
from .game import Coalition, Game, label


@dataclass(frozen=True)
class ProductionPlan:
    """Optimum of one coalition's LP: margin (USD), activity levels, shadow prices."""

    value: float
    activity: np.ndarray
    shadow_price: np.ndarray


class LinearProductionGame(Game):
    """Linear production game; ``value(S)`` solves the pooled-resource LP with HiGHS.

    Parameters
    ----------
    A
        Resource use per unit of activity, shape (resources, activities).
    c
        Margin per unit of activity (USD), shape (activities,).
    resources
        Resource vector ``b_i`` per player, shape (resources,) each.
    """

    def __init__(self, A: ArrayLike, c: ArrayLike, resources: Mapping[str, ArrayLike]) -> None:
        self.A = np.atleast_2d(np.asarray(A, dtype=float))
        self.c = np.asarray(c, dtype=float).ravel()
        m, k = self.A.shape
        if self.c.shape != (k,):
            raise GameError(f"c has {self.c.size} entries for {k} activities (columns of A)")
        self.resources = {p: np.asarray(b, dtype=float).ravel() for p, b in resources.items()}
        for p, b in self.resources.items():
            if b.shape != (m,):
                raise GameError(f"resources[{p!r}] has {b.size} entries for {m} resources")
            if not np.all(np.isfinite(b)):
                raise GameError(f"resources[{p!r}] must be finite numbers")
        super().__init__(list(self.resources), self._solve_many)

    def pooled(self, coalition: Coalition) -> np.ndarray:
        """Resources of a coalition: ``Σ_{i∈S} b_i``."""
        return sum((self.resources[p] for p in coalition), np.zeros(self.A.shape[0]))

    def solve(self, coalition: Coalition | None = None) -> ProductionPlan:
        """Solve a coalition's LP (the grand coalition by default)."""
        coalition = frozenset(self.players) if coalition is None else frozenset(coalition)
        res = solve_lp(
            -self.c,
            A_ub=self.A,
            b_ub=self.pooled(coalition),
            bounds=(0, None),
            what=f"production LP of {{{label(coalition, self.players)}}}",
        )
        return ProductionPlan(-float(res.fun) + 0.0, res.x + 0.0, -res.ineqlin.marginals + 0.0)

    def _solve_many(self, coalitions: list[Coalition]) -> list[float]:
        return [self.solve(c).value if c else 0.0 for c in coalitions]


def owen_allocation(game: LinearProductionGame) -> pd.Series:
    """Owen's allocation (USD): each player's resources at the grand LP's shadow prices."""
    y = game.solve().shadow_price
    x = np.array([y @ game.resources[p] for p in game.players])
    return game.series(x, "owen_usd")
