"""Nucleolus (Schmeidler 1969) by sequential LPs, for small games (n ≤ ~10).

The nucleolus lexicographically minimises the excesses ``v(S) − x(S)`` sorted from the
largest. Stage ``k`` solves (HiGHS)::

    min ε  s.t.  x(S) + ε ≥ v(S)      for S still free,
                 x(S) = v(S) − ε_j    for S fixed at an earlier stage j,
                 x(N) = v(N),  x_i ≥ v({i}) (imputations; dropped for the prenucleolus)

Coalitions whose constraint has a positive dual price are tight in every optimal
solution: they are fixed at ``ε_k`` (Maschler, Peleg & Shapley 1979). Coalitions whose
incidence vector lies in the span of the fixed ones are dropped. The loop ends when the
fixed coalitions determine ``x`` (rank ``n``), after at most ``n − 1`` stages.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._lp import solve_lp
from .core import value_scale
from .errors import GameError
from .game import Game, incidence

MAX_NUCLEOLUS_PLAYERS = 12
"""Largest game accepted by :func:`nucleolus`."""


def nucleolus(game: Game, *, imputations: bool = True, tol: float = 1e-9) -> pd.Series:
    """Nucleolus allocation (USD); the prenucleolus with ``imputations=False``.

    The nucleolus is in the core whenever the core is nonempty. Raises
    :class:`GameError` when the imputation set is empty (``Σ v({i}) > v(N)``).
    """
    n = game.n
    if n > MAX_NUCLEOLUS_PLAYERS:
        raise GameError(
            f"game has {n} players; the nucleolus is limited to {MAX_NUCLEOLUS_PLAYERS}"
        )
    scale = value_scale(game)
    v = game.values() / scale
    grand = (1 << n) - 1
    single = v[1 << np.arange(n)]
    if imputations and single.sum() > v[grand] + 1e-9:
        raise GameError(
            f"imputation set is empty: standalone values sum to {single.sum() * scale:,.2f}"
            f" USD, more than v(N) = {v[grand] * scale:,.2f} USD"
        )
    if n == 1:
        return game.series(np.array([v[grand] * scale]), "nucleolus_usd")
    bounds = [(s, None) for s in single] if imputations else [(None, None)] * n
    free = np.arange(1, grand, dtype=np.int64)
    fixed: list[int] = []
    fixed_eps: list[float] = []
    basis = np.ones((1, n))
    x = np.zeros(n)
    for _ in range(n + 1):
        M_free = incidence(free, n)
        A_eq_x = np.vstack([np.ones((1, n)), incidence(np.array(fixed, dtype=np.int64), n)])
        b_eq = np.r_[v[grand], v[fixed] - np.array(fixed_eps)]
        res = solve_lp(
            np.r_[np.zeros(n), 1.0],
            A_ub=np.c_[-M_free, -np.ones(free.size)],
            b_ub=-v[free],
            A_eq=np.c_[A_eq_x, np.zeros(len(b_eq))],
            b_eq=b_eq,
            bounds=bounds + [(None, None)],
            what=f"nucleolus stage {len(set(fixed_eps)) + 1}",
        )
        x, eps = res.x[:n], float(res.x[-1])
        dual = -res.ineqlin.marginals
        tight = dual > tol
        if not tight.any():  # numerical fallback: take the coalitions binding at x
            slack = M_free @ x + eps - v[free]
            tight = slack <= 1e-9
        fixed += [int(m) for m in free[tight]]
        fixed_eps += [eps] * int(tight.sum())
        basis = np.vstack([np.ones((1, n)), incidence(np.array(fixed, dtype=np.int64), n)])
        if np.linalg.matrix_rank(basis, tol=1e-9) == n:
            break
        rest = free[~tight]
        # drop coalitions whose x(S) is already pinned down by the fixed ones
        _, sv, vt = np.linalg.svd(basis)
        span = vt[: int((sv > 1e-9).sum())]
        rows = incidence(rest, n)
        in_span = np.linalg.norm(rows - (rows @ span.T) @ span, axis=1) < 1e-9
        free = rest[~in_span]
        if free.size == 0:  # pragma: no cover - rank n is reached first
            break
    else:  # pragma: no cover
        raise GameError("nucleolus did not converge")
    b = np.r_[v[grand], v[fixed] - np.array(fixed_eps)]
    sol, *_ = np.linalg.lstsq(basis, b, rcond=None)
    if np.abs(basis @ sol - b).max() > 1e-6:  # pragma: no cover
        sol = x
    return game.series(sol * scale, "nucleolus_usd")
