"""Nucleolus: literature values, core membership and symmetry."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autoalliance.sharing import Game, GameError, in_core, least_core, nucleolus


def bankruptcy_game(estate, claims):
    """v(S) = max(0, E - claims of the others): what S gets after paying everyone else."""
    names = list(claims)
    return Game.from_function(
        names, lambda s: max(0.0, estate - sum(claims[j] for j in names if j not in s))
    )


@pytest.mark.parametrize(
    ("estate", "expected"),
    [(100, [100 / 3, 100 / 3, 100 / 3]), (200, [50, 75, 75]), (300, [50, 100, 150])],
)
def test_talmud_bankruptcy(estate, expected):
    # Aumann & Maschler (1985), "Game theoretic analysis of a bankruptcy problem from the
    # Talmud", J. Econ. Theory 36:195-213: claims 100, 200, 300; the Talmud's division
    # for estates 100, 200, 300 is the nucleolus of the bankruptcy game.
    game = bankruptcy_game(estate, {"1": 100, "2": 200, "3": 300})
    assert nucleolus(game).to_numpy() == pytest.approx(expected, abs=1e-7)


def test_two_stage_example_by_hand():
    # v(12) = 80, v(N) = 100, all else 0. Excesses: -x_i, x3 - 20, x2 - 100, x1 - 100.
    # Stage 1: min max(-x3, x3 - 20) -> x3 = 10, eps = -10 ({3} and {1,2} fixed).
    # Stage 2: x1 + x2 = 90, min max(-x1, -x2) -> x1 = x2 = 45.
    game = Game.from_table({"1": 0, "2": 0, "3": 0, "1,2": 80, "1,3": 0, "2,3": 0, "1,2,3": 100})
    assert nucleolus(game).to_numpy() == pytest.approx([45, 45, 10], abs=1e-7)


def test_unique_core_point():
    # x1 + x2 >= 60, x1 + x3 >= 80, x2 + x3 >= 100, sum 120: the core is {(20, 40, 60)}.
    game = Game.from_table({"1": 0, "2": 0, "3": 0, "1,2": 60, "1,3": 80, "2,3": 100, "1,2,3": 120})
    assert nucleolus(game).to_numpy() == pytest.approx([20, 40, 60], abs=1e-7)


def test_glove_and_majority():
    gloves = Game.from_table(
        {"L": 0, "R1": 0, "R2": 0, "L,R1": 1, "L,R2": 1, "R1,R2": 0, "L,R1,R2": 1}
    )
    assert nucleolus(gloves).to_numpy() == pytest.approx([1, 0, 0], abs=1e-9)
    majority = Game.from_function(["A", "B", "C"], lambda s: float(len(s) >= 2))
    assert nucleolus(majority).to_numpy() == pytest.approx([1 / 3] * 3, abs=1e-9)


@st.composite
def convex_games(draw):
    w = draw(st.lists(st.integers(0, 9), min_size=2, max_size=6))
    names = [f"P{i}" for i in range(len(w))]
    weight = dict(zip(names, w, strict=True))
    return Game.from_function(names, lambda s: float(sum(weight[p] for p in s) ** 2))


@settings(max_examples=30, deadline=None)
@given(convex_games())
def test_in_core_when_core_nonempty(game):
    assert in_core(game, nucleolus(game))


@st.composite
def random_games(draw):
    n = draw(st.integers(2, 5))
    v = draw(st.lists(st.integers(-10, 10), min_size=2**n - 1, max_size=2**n - 1))
    return Game.from_values([f"P{i}" for i in range(n)], np.r_[0.0, v])


@settings(max_examples=40, deadline=None)
@given(random_games())
def test_prenucleolus_is_in_least_core(game):
    x = nucleolus(game, imputations=False).to_numpy()
    masks = np.arange(1, (1 << game.n) - 1)
    worst = max(
        game.value(game.coalition(m)) - x[[i for i in range(game.n) if m >> i & 1]].sum()
        for m in masks
    )
    assert x.sum() == pytest.approx(game.grand_value, abs=1e-7)
    assert worst == pytest.approx(least_core(game).epsilon, abs=1e-6)


@settings(max_examples=30, deadline=None)
@given(random_games())
def test_symmetric_players_get_equal_nucleolus(game):
    # Make P0 and P1 interchangeable: v'(S) = v(S) + v(swap S).
    v = game.values()
    swap = [(m & ~3) | ((m & 1) << 1) | ((m >> 1) & 1) for m in range(len(v))]
    sym = Game.from_values(game.players, v + v[swap])
    x = nucleolus(sym, imputations=False).to_numpy()
    assert x[0] == pytest.approx(x[1], abs=1e-6)


def test_errors():
    empty = Game.from_table({"A": 5, "B": 5, "A,B": 8})
    with pytest.raises(GameError) as err:
        nucleolus(empty)
    assert str(err.value) == (
        "imputation set is empty: standalone values sum to 10.00 USD, more than v(N) = 8.00 USD"
    )
    assert nucleolus(empty, imputations=False).tolist() == pytest.approx([4.0, 4.0])
    big = Game.from_function([f"P{i}" for i in range(13)], lambda s: float(len(s)))
    with pytest.raises(GameError, match="limited to 12"):
        nucleolus(big)


def sorted_excesses(game, x):
    """All proper coalitions' excesses v(S) - x(S), largest first."""
    masks = np.arange(1, (1 << game.n) - 1)
    bits = (masks[:, None] >> np.arange(game.n)) & 1
    return np.sort(game.values()[masks] - bits @ x)[::-1]


def lex_leq(a, b, tol=1e-7):
    for x, y in zip(a, b, strict=True):
        if x < y - tol:
            return True
        if x > y + tol:
            return False
    return True


@settings(max_examples=40, deadline=None)
@given(random_games(), st.integers(0, 2**32 - 1))
def test_no_nearby_imputation_has_smaller_excesses(game, seed):
    # Definition (Schmeidler 1969): the nucleolus lexicographically minimises the sorted
    # excess vector over imputations. Probe random efficient moves that stay imputations.
    single = np.array([game.value({p}) for p in game.players])
    if single.sum() > game.grand_value:
        return
    x = nucleolus(game).to_numpy()
    theta = sorted_excesses(game, x)
    rng = np.random.default_rng(seed)
    for _ in range(20):
        d = rng.normal(size=game.n)
        d -= d.mean()
        for t in (1e-3, 1e-1, 1.0):
            y = x + t * d
            if np.all(y >= single - 1e-12):
                assert lex_leq(theta, sorted_excesses(game, y))
