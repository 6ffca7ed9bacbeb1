"""Linear production games (Owen 1975): LP values and the dual-price allocation."""

from itertools import combinations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from autoalliance.sharing import (
    GameError,
    LinearProductionGame,
    in_core,
    owen_allocation,
    shapley_value,
)


def lp_value(A, c, b):
    """max c x s.t. A x <= b, x >= 0, solved here independently of the library."""
    res = linprog(-np.asarray(c), A_ub=A, b_ub=b, bounds=(0, None), method="highs")
    assert res.status == 0
    return -res.fun


def test_hand_worked_example():
    # Resources (steel, labour); activities sedan (1 steel, 1 labour, margin 2) and truck
    # (1 steel, 3 labour, margin 4). Grand pool b = (4, 6): vertices (4,0)->8, (0,2)->8,
    # (3,1)->10, so v(N) = 10. Dual: y1 + y2 >= 2, y1 + 3 y2 >= 4 both tight -> y = (1, 1).
    # P brings (4, 0), Q and R bring (0, 3) each. v(PQ) = v(PR): b = (4, 3), best (3, 0)
    # -> 6; any coalition without P or without Q and R has no steel or no labour -> 0.
    game = LinearProductionGame(
        A=[[1, 1], [1, 3]], c=[2, 4], resources={"P": [4, 0], "Q": [0, 3], "R": [0, 3]}
    )
    assert game.value({"P", "Q"}) == pytest.approx(6.0)
    assert game.value({"P", "R"}) == pytest.approx(6.0)
    assert game.value({"Q", "R"}) == 0.0
    assert game.grand_value == pytest.approx(10.0)
    plan = game.solve()
    assert plan.activity == pytest.approx([3.0, 1.0])
    assert plan.shadow_price == pytest.approx([1.0, 1.0])
    owen = owen_allocation(game)
    assert owen.to_numpy() == pytest.approx([4.0, 3.0, 3.0])
    assert in_core(game, owen)
    # A production game is a Game: the other concepts apply unchanged.
    assert shapley_value(game).sum() == pytest.approx(10.0)


@st.composite
def production_games(draw):
    n_players = draw(st.integers(2, 4))
    m = draw(st.integers(1, 3))
    k = draw(st.integers(1, 3))
    ints = st.integers(0, 6)
    A = np.array(
        draw(st.lists(st.lists(st.integers(1, 5), min_size=k, max_size=k), min_size=m, max_size=m)),
        dtype=float,
    )
    c = np.array(draw(st.lists(st.integers(1, 9), min_size=k, max_size=k)), dtype=float)
    resources = {
        f"P{i}": np.array(draw(st.lists(ints, min_size=m, max_size=m)), dtype=float)
        for i in range(n_players)
    }
    return A, c, resources


@settings(max_examples=40, deadline=None)
@given(production_games())
def test_owen_allocation_is_in_core(args):
    A, c, resources = args
    game = LinearProductionGame(A, c, resources)
    owen = owen_allocation(game)
    grand = lp_value(A, c, sum(resources.values()))
    assert owen.sum() == pytest.approx(grand, abs=1e-6)  # strong duality
    for k in range(1, len(resources)):
        for s in combinations(resources, k):
            v_s = lp_value(A, c, sum(resources[p] for p in s))
            assert game.value(s) == pytest.approx(v_s, abs=1e-6)
            assert owen[list(s)].sum() >= v_s - 1e-6


def test_bad_inputs():
    with pytest.raises(GameError, match="c has 1 entries for 2 activities"):
        LinearProductionGame([[1, 1]], [1], {"A": [1]})
    with pytest.raises(GameError, match=r"resources\['B'\] has 2 entries for 1 resources"):
        LinearProductionGame([[1, 1]], [1, 1], {"A": [1], "B": [1, 2]})
    free_lunch = LinearProductionGame([[1, 0]], [1, 1], {"A": [1], "B": [1]})
    with pytest.raises(GameError, match=r"production LP of \{A\}: HiGHS found no optimum"):
        free_lunch.value({"A"})
