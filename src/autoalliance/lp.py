"""Small dense linear programs on highspy, in ``scipy.optimize.linprog``'s terms.

The planner's fee balance and the sharing rules (least core, nucleolus, fee schedule, Nash's
feasible set) solve LPs of a few dozen rows. ``scipy.optimize`` would cost 0.3-0.6 s to import
on every ``plan``/``share``; highspy, which the planner loads anyway, solves the same LP with the
same HiGHS method scipy uses (dual simplex after presolve). ``tests/test_lp.py`` compares
every field used here with ``scipy.optimize.linprog(method="highs")`` on random LPs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

SOLVER_THREADS = "AUTOALLIANCE_SOLVER_THREADS"  # environment: HiGHS threads (default 1)


def solver_threads() -> int:
    """HiGHS threads for every solve of this process: ``AUTOALLIANCE_SOLVER_THREADS``, default 1.

    One process runs one solve at a time (a pool worker, the CLI, the dashboard's lock), and on
    the planner's models one thread needs less CPU for the same answers (benchmarks/RESULTS.md).
    It must be one number per process: HiGHS refuses a thread count other than the one its
    scheduler started with ("Not Set" status), so every solve here asks for the same."""
    return int(os.environ.get(SOLVER_THREADS, "") or 1)


OPTIMAL, ITERATION_LIMIT, INFEASIBLE, UNBOUNDED, OTHER = 0, 1, 2, 3, 4


@dataclass(frozen=True)
class Marginals:
    """Duals of one constraint block: d(objective)/d(right-hand side), as scipy reports them."""

    marginals: np.ndarray
    residual: np.ndarray


@dataclass(frozen=True)
class LPResult:
    """``x``, ``fun`` and ``status`` as in scipy (0 optimal, 2 infeasible, 3 unbounded, 4
    other); ``ineqlin``/``eqlin`` hold the duals of the ``A_ub``/``A_eq`` rows."""

    x: np.ndarray | None
    fun: float | None
    status: int
    message: str
    ineqlin: Marginals | None = None
    eqlin: Marginals | None = None

    @property
    def success(self) -> bool:
        return self.status == OPTIMAL


def _bounds(bounds, n: int) -> tuple[np.ndarray, np.ndarray]:
    """scipy's bounds (one ``(lo, hi)`` pair for all or one per variable; None = unbounded)
    as two arrays with infinities."""
    if bounds is None:
        bounds = (0, None)
    pairs = [bounds] * n if _is_pair(bounds) else list(bounds)
    if len(pairs) != n:
        raise ValueError(f"bounds: {len(pairs)} pairs for {n} variables")
    lo = np.array([-np.inf if p[0] is None else float(p[0]) for p in pairs], dtype=float)
    hi = np.array([np.inf if p[1] is None else float(p[1]) for p in pairs], dtype=float)
    return lo, hi


def _is_pair(b) -> bool:
    """One ``(lo, hi)`` pair of numbers or None (not a sequence of pairs)."""
    return len(b) == 2 and all(v is None or np.isscalar(v) for v in b)


def solve_lp(c, *, A_ub=None, b_ub=None, A_eq=None, b_eq=None,
             bounds=(0, None)) -> LPResult:
    """Minimise ``c @ x`` subject to ``A_ub x <= b_ub``, ``A_eq x = b_eq`` and the bounds
    (scipy's default: ``x >= 0``), with HiGHS's dual simplex. Threads are left to the
    process's HiGHS scheduler: a second thread count in one process is an error in HiGHS."""
    import highspy

    c = np.asarray(c, dtype=float).ravel()
    n = c.size
    lo, hi = _bounds(bounds, n)
    blocks, row_lo, row_hi = [], [], []
    m_ub = m_eq = 0
    if A_ub is not None:
        A = np.atleast_2d(np.asarray(A_ub, dtype=float))
        b = np.asarray(b_ub, dtype=float).ravel()
        m_ub = A.shape[0]
        blocks.append(A)
        row_lo.append(np.full(m_ub, -np.inf))
        row_hi.append(b)
    if A_eq is not None:
        A = np.atleast_2d(np.asarray(A_eq, dtype=float))
        b = np.asarray(b_eq, dtype=float).ravel()
        m_eq = A.shape[0]
        blocks.append(A)
        row_lo.append(b)
        row_hi.append(b)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", solver_threads())
    h.setOptionValue("simplex_strategy", 1)  # dual simplex, as scipy's linprog(method="highs")
    inf = highspy.kHighsInf
    h.addVars(n, np.clip(lo, -inf, inf), np.clip(hi, -inf, inf))
    h.changeColsCost(n, np.arange(n, dtype=np.int32), c)
    if blocks:
        A = np.vstack(blocks)
        nz = A != 0
        indptr = np.r_[0, np.cumsum(nz.sum(axis=1))].astype(np.int32)
        indices = np.nonzero(nz)[1].astype(np.int32)
        h.addRows(A.shape[0], np.clip(np.concatenate(row_lo), -inf, inf),
                  np.clip(np.concatenate(row_hi), -inf, inf), int(indptr[-1]), indptr,
                  indices, A[nz])
    h.run()
    status = h.getModelStatus()
    S = highspy.HighsModelStatus
    code = {S.kOptimal: OPTIMAL, S.kInfeasible: INFEASIBLE, S.kUnbounded: UNBOUNDED,
            S.kIterationLimit: ITERATION_LIMIT}.get(status, OTHER)
    message = h.modelStatusToString(status)
    if code != OPTIMAL:
        return LPResult(None, None, code, message)
    sol = h.getSolution()
    x = np.array(sol.col_value)
    row = np.array(sol.row_value)
    dual = np.array(sol.row_dual)
    rhs = np.concatenate(row_hi) if blocks else np.zeros(0)
    return LPResult(x, float(h.getInfo().objective_function_value), code, message,
                    Marginals(dual[:m_ub], rhs[:m_ub] - row[:m_ub]),
                    Marginals(dual[m_ub:m_ub + m_eq], rhs[m_ub:] - row[m_ub:]))
