"""Core and least core.

An allocation ``x`` (USD) is in the core when it is efficient (``x(N) = v(N)``) and no
coalition gets less than it could alone: the excess ``e(S, x) = v(S) − x(S)`` is ``≤ 0``
for every coalition. The least core relaxes every proper coalition's constraint by the
smallest ``ε`` that makes the set nonempty (HiGHS LP)::

    min ε  s.t.  x(S) ≥ v(S) − ε  for all proper nonempty S,   x(N) = v(N)

The core is nonempty iff ``ε ≤ 0``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._lp import solve_lp
from .errors import GameError
from .game import Coalition, Game, incidence

TOL = 1e-7
"""Default tolerance, relative to the largest ``|v(S)|`` (at least 1 USD)."""

MAX_CORE_PLAYERS = 16
"""Largest game for the core LPs (one row per coalition: ``2**n − 2`` rows)."""

Allocation = Mapping[str, float] | Sequence[float] | np.ndarray


@dataclass(frozen=True)
class LeastCore:
    """Least-core allocation (USD), its ``ε`` (USD) and whether the core is nonempty."""

    allocation: pd.Series
    epsilon: float
    in_core: bool


def value_scale(game: Game) -> float:
    """Largest ``|v(S)|`` in USD, at least 1: the unit for relative tolerances."""
    return max(1.0, float(np.abs(game.values()).max()))


def proper_masks(game: Game) -> np.ndarray:
    """Bitmasks of all proper nonempty coalitions."""
    if game.n > MAX_CORE_PLAYERS:
        raise GameError(
            f"game has {game.n} players; core computations enumerate all 2**n coalitions "
            f"and are limited to {MAX_CORE_PLAYERS} players"
        )
    return np.arange(1, game.grand_mask, dtype=np.int64)


def excesses(game: Game, x: Allocation) -> pd.Series:
    """Excess ``v(S) − x(S)`` (USD) of every proper nonempty coalition, by label."""
    arr = game.allocation(x)
    masks = proper_masks(game)
    e = game.values()[masks] - incidence(masks, game.n) @ arr
    return pd.Series(e, index=[game.label(m) for m in masks], name="excess_usd")


def core_violation(game: Game, x: Allocation) -> tuple[Coalition, float]:
    """Most-violated proper coalition and its excess ``v(S) − x(S)`` (USD).

    A positive excess means the coalition would do better on its own. Efficiency
    (``x(N) = v(N)``) is not part of this check; see :func:`in_core`. Ties go to the
    coalition with the smallest bitmask (fewest / earliest players).
    """
    arr = game.allocation(x)
    masks = proper_masks(game)
    if masks.size == 0:  # one player: no proper coalition
        return frozenset(), 0.0
    e = game.values()[masks] - incidence(masks, game.n) @ arr
    k = int(np.argmax(e))
    return game.coalition(int(masks[k])), float(e[k])


def in_core(game: Game, x: Allocation, tol: float = TOL) -> bool:
    """Whether ``x`` is efficient and no coalition's excess exceeds ``tol`` (relative)."""
    arr = game.allocation(x)
    slack = tol * value_scale(game)
    if abs(arr.sum() - game.grand_value) > slack:
        return False
    return core_violation(game, arr)[1] <= slack


def least_core(game: Game, tol: float = TOL) -> LeastCore:
    """Least-core allocation: minimise the largest excess of a proper coalition.

    ``in_core`` is ``ε ≤ tol`` (relative to :func:`value_scale`); the allocation is then
    a core point. With the core empty, ``ε > 0`` is the smallest uniform subsidy that
    would make the grand coalition stable.
    """
    n = game.n
    scale = value_scale(game)
    v = game.values() / scale
    masks = proper_masks(game)
    if masks.size == 0:
        x = np.array([game.grand_value])
        return LeastCore(game.series(x, "least_core_usd"), 0.0, True)
    # the least core is a set; the LP's vertex depends on the order of its columns and rows,
    # so it is posed over the players sorted by name (one LP, one point, whatever order the
    # players were given in)
    rank = np.argsort(np.argsort(np.array(game.players, dtype=object)))
    by_rank = np.argsort(rank)  # the player of each sorted position
    original = (incidence(masks, n) * (1 << by_rank)).sum(axis=1).astype(np.int64)
    A_ub = np.c_[-incidence(masks, n), -np.ones(masks.size)]
    A_eq = np.r_[np.ones(n), 0.0][None, :]
    res = solve_lp(
        np.r_[np.zeros(n), 1.0],
        A_ub=A_ub,
        b_ub=-v[original],
        A_eq=A_eq,
        b_eq=[v[-1]],
        what="least core",
    )
    eps = float(res.x[-1])
    return LeastCore(
        allocation=game.series(res.x[:n][rank] * scale, "least_core_usd"),
        epsilon=eps * scale,
        in_core=eps <= tol,
    )
