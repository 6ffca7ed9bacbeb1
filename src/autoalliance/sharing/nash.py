"""Nash bargaining solution, symmetric or weighted (asymmetric Nash).

The disagreement point is each partner's standalone value ``d_i = v({i})``. For a TU
game the bargaining set is the efficient line ``Σ x_i = v(N)`` and the maximiser of
``Σ w_i log(x_i − d_i)`` has the closed form
``x_i = d_i + w_i / Σw · (v(N) − Σ d)``: equal weights give the equal-surplus split.

:func:`nash_bargaining_linear` handles a general (non-TU) feasible set given by linear
inequalities ``A x ≤ b``, solved numerically (SLSQP from a strictly interior point).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from autoalliance.lp import solve_lp as solve_lp_raw

from ._lp import solve_lp
from .errors import GameError
from .game import Game


def _weights(weights: Mapping[str, float] | None, players: Sequence[str]) -> np.ndarray:
    if weights is None:
        return np.ones(len(players))
    unknown = set(weights) - set(players)
    if unknown:
        raise GameError(f"weights name unknown players: {sorted(unknown)}")
    w = np.array([float(weights.get(p, np.nan)) for p in players])
    if not np.all(np.isfinite(w)) or np.any(w <= 0):
        bad = [p for p, x in zip(players, w, strict=True) if not (np.isfinite(x) and x > 0)]
        raise GameError(f"bargaining weights must be positive numbers; check {bad}")
    return w


def nash_bargaining(game: Game, weights: Mapping[str, float] | None = None) -> pd.Series:
    """Nash bargaining split (USD) of ``v(N)`` with standalone values as disagreement.

    TU only: the surplus ``v(N) − Σ v({i})`` is split in proportion to ``weights``
    (default equal). Raises :class:`GameError` when the surplus is negative.
    """
    d = game.standalone().to_numpy()
    w = _weights(weights, game.players)
    surplus = game.grand_value - d.sum()
    scale = max(1.0, float(np.abs(d).sum()), abs(game.grand_value))
    if surplus < -1e-9 * scale:
        raise GameError(
            f"no gain to bargain over: v(N) = {game.grand_value:,.2f} USD is below the sum "
            f"of standalone values {d.sum():,.2f} USD"
        )
    x = d + w / w.sum() * max(surplus, 0.0)
    return game.series(x, name="nash_usd")


def nash_bargaining_linear(
    A_ub: np.ndarray,
    b_ub: np.ndarray,
    disagreement: Mapping[str, float],
    weights: Mapping[str, float] | None = None,
) -> pd.Series:
    """Nash bargaining over a polyhedral feasible set ``{x : A_ub x ≤ b_ub}`` (USD).

    Maximises ``Σ w_i log(x_i − d_i)``. Columns of ``A_ub`` follow the order of
    ``disagreement``. Raises :class:`GameError` if no feasible point gives every player
    strictly more than ``d_i`` or if the set is unbounded above ``d``.
    """
    players = list(disagreement)
    d = np.array([float(disagreement[p]) for p in players])
    A = np.atleast_2d(np.asarray(A_ub, dtype=float))
    b = np.asarray(b_ub, dtype=float).ravel()
    n = len(players)
    if A.shape != (b.size, n):
        raise GameError(f"A_ub must be {b.size} × {n}, got {A.shape[0]} × {A.shape[1]}")
    w = _weights(weights, players)
    scale = max(1.0, float(np.abs(b).max(initial=0.0)), float(np.abs(d).max()))
    b_s, d_s = b / scale, d / scale
    # Gains u = x − d satisfy A u ≤ b − A d. Interior point: max t s.t. A u + t ≤ rhs, u ≥ t.
    rhs = b_s - A @ d_s
    c = np.r_[np.zeros(n), -1.0]
    A_int = np.vstack([np.c_[A, np.ones(len(b))], np.c_[-np.eye(n), np.ones(n)]])
    b_int = np.r_[rhs, np.zeros(n)]
    bounds = [(None, None)] * n + [(None, 1.0)]
    inner = solve_lp(c, A_ub=A_int, b_ub=b_int, bounds=bounds, what="Nash feasible set")
    if inner.x[-1] <= 1e-12:
        raise GameError(
            "no gain to bargain over: no feasible point gives every player more than "
            "its disagreement payoff"
        )
    gain = solve_lp_raw(-np.ones(n), A_ub=A, b_ub=rhs, bounds=(0, None))
    if gain.status == 3:
        raise GameError("Nash feasible set is unbounded: players' gains have no upper limit")
    u0 = inner.x[:n]

    def objective(u: np.ndarray) -> tuple[float, np.ndarray]:
        u = np.maximum(u, 1e-300)
        return -float(w @ np.log(u)), -w / u

    from scipy.optimize import minimize  # only the Nash rule needs it (0.3-0.6 s to import)

    res = minimize(
        objective,
        u0,
        jac=True,
        method="SLSQP",
        bounds=[(1e-12, None)] * n,
        constraints=[{"type": "ineq", "fun": lambda u: rhs - A @ u, "jac": lambda u: -A}],
        options={"ftol": 1e-14, "maxiter": 500},
    )
    if not res.success:
        raise GameError(f"Nash bargaining did not converge: {res.message}")
    return pd.Series((d_s + res.x) * scale, index=players, name="nash_usd")
