"""``plan.lp.solve_lp`` (highspy) against ``scipy.optimize.linprog(method="highs")``, its slow
twin, on random LPs: same status, objective, solution and duals; and hand-solved cases."""

import numpy as np
import pytest
from scipy.optimize import linprog

from autoalliance.lp import INFEASIBLE, OPTIMAL, UNBOUNDED, solve_lp


def _random_lp(rng, n, m_ub, m_eq):
    """A feasible, bounded LP with a unique optimum (generic costs): x0 inside the box
    satisfies every row."""
    x0 = rng.uniform(0.5, 2.0, n)
    A_ub = rng.normal(size=(m_ub, n))
    b_ub = A_ub @ x0 + rng.uniform(0.1, 1.0, m_ub)
    A_eq = rng.normal(size=(m_eq, n)) if m_eq else None
    b_eq = A_eq @ x0 if m_eq else None
    bounds = [(0.0, 5.0) if k % 3 else (None, 6.0) for k in range(n)]
    bounds = [(lo, hi) if lo is not None else (-4.0, hi) for lo, hi in bounds]
    return rng.normal(size=n), A_ub, b_ub, A_eq, b_eq, bounds


@pytest.mark.parametrize("seed", range(25))
def test_equals_scipy_linprog_on_random_lps(seed):
    rng = np.random.default_rng(seed)
    n, m_ub, m_eq = int(rng.integers(2, 9)), int(rng.integers(1, 8)), int(rng.integers(0, 3))
    c, A_ub, b_ub, A_eq, b_eq, bounds = _random_lp(rng, n, m_ub, m_eq)
    ours = solve_lp(c, A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=b_eq, bounds=bounds)
    ref = linprog(c, A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=b_eq, bounds=bounds, method="highs")
    assert ref.status == 0 and ours.status == OPTIMAL and ours.success
    assert ours.fun == pytest.approx(ref.fun, rel=1e-9, abs=1e-9)
    np.testing.assert_allclose(ours.x, ref.x, rtol=1e-7, atol=1e-7)
    np.testing.assert_allclose(ours.ineqlin.marginals, ref.ineqlin.marginals, atol=1e-7)
    np.testing.assert_allclose(ours.ineqlin.residual, ref.ineqlin.residual, atol=1e-7)
    if m_eq:
        np.testing.assert_allclose(ours.eqlin.marginals, ref.eqlin.marginals, atol=1e-7)


def test_hand_solved_lp_and_its_duals():
    # max x + y s.t. x + 2y <= 4, 3x + y <= 6, x, y >= 0: optimum (1.6, 1.2), value 2.8;
    # duals (shadow prices of the two rows) solve [1 3; 2 1] u = [1 1]: u = (0.4, 0.2)
    r = solve_lp([-1.0, -1.0], A_ub=[[1, 2], [3, 1]], b_ub=[4, 6])
    np.testing.assert_allclose(r.x, [1.6, 1.2])
    assert r.fun == pytest.approx(-2.8)
    np.testing.assert_allclose(r.ineqlin.marginals, [-0.4, -0.2])
    np.testing.assert_allclose(r.ineqlin.residual, [0.0, 0.0], atol=1e-12)


def test_default_bounds_are_nonnegative_and_one_pair_applies_to_all():
    assert solve_lp([1.0, 1.0]).x.tolist() == [0.0, 0.0]
    r = solve_lp([1.0, 1.0], bounds=(-2, None))
    assert r.x.tolist() == [-2.0, -2.0]
    r = solve_lp([1.0, -1.0], bounds=[(1, 3), (None, 2)])
    assert r.x.tolist() == [1.0, 2.0]


def test_infeasible_and_unbounded():
    assert solve_lp([1.0], A_ub=[[1.0]], b_ub=[-1.0]).status == INFEASIBLE
    r = solve_lp([-1.0], bounds=(0, None))
    assert r.status == UNBOUNDED and not r.success and r.x is None
