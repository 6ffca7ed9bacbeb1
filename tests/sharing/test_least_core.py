"""Least core: core points when the core is nonempty, smallest ε when it is empty."""

from itertools import combinations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from autoalliance.sharing import Game, core_violation, excesses, in_core, least_core


def max_excess_by_enumeration(game, x):
    """Largest v(S) - x(S) over proper nonempty coalitions, via itertools."""
    x = dict(zip(game.players, x, strict=True))
    return max(
        game.value(s) - sum(x[p] for p in s)
        for k in range(1, game.n)
        for s in combinations(game.players, k)
    )


def epsilon_by_balanced_weights(game):
    """Dual LP (Bondareva-Shapley): eps* = max sum_S l_S v(S) - c v(N) over l >= 0 with
    sum_S l_S = 1 and sum_{S ni i} l_S = c for every player i."""
    n = game.n
    coalitions = [s for k in range(1, n) for s in combinations(range(n), k)]
    m = len(coalitions)
    values = [game.value({game.players[i] for i in s}) for s in coalitions]
    # variables: l_S (m), c
    obj = -np.r_[values, -game.grand_value]
    A_eq = np.zeros((n + 1, m + 1))
    for j, s in enumerate(coalitions):
        A_eq[list(s), j] = 1.0
        A_eq[n, j] = 1.0
    A_eq[:n, m] = -1.0
    b_eq = np.r_[np.zeros(n), 1.0]
    res = linprog(obj, A_eq=A_eq, b_eq=b_eq, bounds=(0, None), method="highs")
    assert res.status == 0
    return -res.fun


def epsilon_by_grid(game, step=0.05):
    """3 players: min over a grid on x1 + x2 + x3 = v(N) of the largest excess."""
    vn = game.grand_value
    axis = np.arange(-30.0, 30.0 + step, step)
    x1, x2 = np.meshgrid(axis, axis, indexing="ij")
    x3 = vn - x1 - x2
    x = {"P0": x1, "P1": x2, "P2": x3}
    worst = np.full(x1.shape, -np.inf)
    for k in (1, 2):
        for s in combinations(game.players, k):
            worst = np.maximum(worst, game.value(s) - sum(x[p] for p in s))
    return worst.min()


@st.composite
def random_games(draw, min_players=2, max_players=5):
    n = draw(st.integers(min_players, max_players))
    v = draw(st.lists(st.integers(-10, 10), min_size=2**n - 1, max_size=2**n - 1))
    return Game.from_values([f"P{i}" for i in range(n)], np.r_[0.0, v])


@st.composite
def convex_games(draw):
    w = draw(st.lists(st.integers(0, 9), min_size=2, max_size=6))
    names = [f"P{i}" for i in range(len(w))]
    weight = dict(zip(names, w, strict=True))
    return Game.from_function(names, lambda s: float(sum(weight[p] for p in s) ** 2))


@settings(max_examples=40, deadline=None)
@given(convex_games())
def test_core_point_when_core_nonempty(game):
    lc = least_core(game)
    x = lc.allocation.to_numpy()
    assert lc.in_core and lc.epsilon <= 1e-7
    assert x.sum() == pytest.approx(game.grand_value)
    assert max_excess_by_enumeration(game, x) <= 1e-6


@settings(max_examples=60, deadline=None)
@given(random_games())
def test_epsilon_matches_balanced_weights_dual(game):
    lc = least_core(game)
    x = lc.allocation.to_numpy()
    assert lc.epsilon == pytest.approx(epsilon_by_balanced_weights(game), abs=1e-6)
    assert max_excess_by_enumeration(game, x) == pytest.approx(lc.epsilon, abs=1e-6)
    assert lc.in_core == (lc.epsilon <= 1e-7 * max(1.0, np.abs(game.values()).max()))


@pytest.mark.parametrize("seed", range(4))
def test_epsilon_matches_grid_search_for_three_players(seed):
    rng = np.random.default_rng(seed)
    v = np.r_[0.0, rng.integers(0, 11, size=7).astype(float)]
    v[-1] = rng.integers(0, 8)  # small v(N): core usually empty
    game = Game.from_values(["P0", "P1", "P2"], v)
    lc = least_core(game)
    grid = epsilon_by_grid(game)
    # max excess is 2-Lipschitz in (x1, x2) under the sup norm: grid error <= 2 * step/2
    assert lc.epsilon <= grid + 1e-9
    assert grid <= lc.epsilon + 0.05 + 1e-9


def test_majority_game_core_empty():
    # Three-player majority: x_i + x_j >= 1 - eps, sum 1 -> eps = 1/3 at the equal split.
    game = Game.from_function(["A", "B", "C"], lambda s: float(len(s) >= 2))
    lc = least_core(game)
    assert not lc.in_core
    assert lc.epsilon == pytest.approx(1 / 3)
    assert lc.allocation.to_numpy() == pytest.approx([1 / 3] * 3)


def test_glove_core_is_left_glove_takes_all():
    gloves = Game.from_table(
        {"L": 0, "R1": 0, "R2": 0, "L,R1": 1, "L,R2": 1, "R1,R2": 0, "L,R1,R2": 1}
    )
    lc = least_core(gloves)
    assert lc.in_core and lc.epsilon == pytest.approx(0.0, abs=1e-9)
    assert lc.allocation.to_numpy() == pytest.approx([1.0, 0.0, 0.0], abs=1e-9)
    assert in_core(gloves, {"L": 1.0, "R1": 0.0, "R2": 0.0})
    assert not in_core(gloves, {"L": 0.5, "R1": 0.25, "R2": 0.25})
    # {L,R1} and {L,R2} both have excess 1 - 0.75; ties go to the smaller bitmask.
    assert core_violation(gloves, [0.5, 0.25, 0.25]) == (frozenset({"L", "R1"}), 0.25)
    assert excesses(gloves, [0.5, 0.25, 0.25])["L,R2"] == 0.25
    assert not in_core(gloves, [0.9, 0.0, 0.0])  # not efficient


def test_large_values_use_relative_tolerance():
    # Same game in billions of USD: still a core point.
    game = Game.from_function(list("ABCD"), lambda s: 1e9 * len(s) ** 2)
    lc = least_core(game)
    assert lc.in_core
    assert in_core(game, lc.allocation)
