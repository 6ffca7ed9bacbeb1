"""Thin wrapper over HiGHS (:func:`autoalliance.lp.solve_lp`) that raises :class:`GameError`."""

from __future__ import annotations

import numpy as np

from autoalliance.lp import LPResult
from autoalliance.lp import solve_lp as _solve

from .errors import GameError


def solve_lp(
    c: np.ndarray,
    *,
    A_ub: np.ndarray | None = None,
    b_ub: np.ndarray | None = None,
    A_eq: np.ndarray | None = None,
    b_eq: np.ndarray | None = None,
    bounds: object = (None, None),
    what: str = "linear program",
) -> LPResult:
    """Minimise ``c @ x`` with HiGHS; raise :class:`GameError` unless optimal."""
    res = _solve(c, A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=b_eq, bounds=bounds)
    if res.status != 0:
        reason = {2: "infeasible", 3: "unbounded"}.get(res.status, res.message)
        raise GameError(f"{what}: HiGHS found no optimum ({reason})")
    return res
