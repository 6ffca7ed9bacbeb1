"""Shapley value: closed forms, textbook games, axioms, and sampled intervals."""

from fractions import Fraction
from itertools import permutations
from math import factorial

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autoalliance.sharing import (
    EXACT_SHAPLEY_MAX_PLAYERS,
    Game,
    in_core,
    is_convex,
    shapley,
    shapley_sample,
    shapley_value,
)


def brute_shapley(game):
    """Average marginal contribution over all n! orders (independent of the library)."""
    total = dict.fromkeys(game.players, 0.0)
    for order in permutations(game.players):
        before: set[str] = set()
        for p in order:
            total[p] += game.value(before | {p}) - game.value(before)
            before.add(p)
    return np.array([total[p] / factorial(game.n) for p in game.players])


@st.composite
def random_games(draw, min_players=2, max_players=5):
    n = draw(st.integers(min_players, max_players))
    v = draw(st.lists(st.integers(-20, 20), min_size=2**n - 1, max_size=2**n - 1))
    return Game.from_values([f"P{i}" for i in range(n)], np.r_[0.0, v])


# -- closed forms and textbook games ---------------------------------------------------
def littlechild_owen(costs):
    """Littlechild & Owen (1973): sort c1<=...<=cn; player k pays
    sum_{j<=k} (c_j-c_{j-1})/(n-j+1)."""
    n = len(costs)
    order = sorted(range(n), key=lambda i: costs[i])
    share, paid, prev = [0.0] * n, 0.0, 0.0
    for rank, i in enumerate(order, start=1):
        paid += (costs[i] - prev) / (n - rank + 1)
        prev = costs[i]
        share[i] = paid
    return np.array(share)


def airport_game(costs):
    names = [f"plane{i}" for i in range(len(costs))]
    cost = dict(zip(names, costs, strict=True))
    return Game.from_function(names, lambda s: max(cost[p] for p in s))


def test_airport_game_hand_worked():
    # Runway costs 2, 5, 9: shares 2/3, 2/3 + 3/2 = 13/6, 13/6 + 4/1 = 37/6 (sum 9).
    phi = shapley_value(airport_game([5.0, 2.0, 9.0]))
    assert phi.to_numpy() == pytest.approx([13 / 6, 2 / 3, 37 / 6], abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 1000), min_size=1, max_size=9))
def test_airport_game_matches_littlechild_owen(costs):
    phi = shapley_value(airport_game([float(c) for c in costs]))
    assert phi.to_numpy() == pytest.approx(littlechild_owen(costs), abs=1e-9)


def test_glove_game():
    # One left glove, two right gloves; a pair is worth 1.
    gloves = Game.from_table(
        {"L": 0, "R1": 0, "R2": 0, "L,R1": 1, "L,R2": 1, "R1,R2": 0, "L,R1,R2": 1}
    )
    assert shapley_value(gloves).to_numpy() == pytest.approx([2 / 3, 1 / 6, 1 / 6])


def test_symmetric_game_splits_equally():
    f = [0.0, 3.0, 7.0, 20.0, 21.0, 40.0]
    game = Game.from_function(list("ABCDE"), lambda s: f[len(s)])
    assert shapley_value(game).to_numpy() == pytest.approx([8.0] * 5)


def test_additive_game_gives_standalone():
    a = {"A": 3.0, "B": -1.5, "C": 10.0, "D": 0.0}
    game = Game.from_function(list(a), lambda s: sum(a[p] for p in s))
    assert shapley_value(game).to_dict() == pytest.approx(a)


def test_three_player_example_by_hand():
    # v(1)=v(2)=v(3)=0, v(12)=80, v(13)=v(23)=0, v(N)=100.
    # phi_3 = (1/3)(100 - 80) = 20/3; phi_1 = phi_2 = (100 - 20/3) / 2 = 140/3.
    game = Game.from_table({"1": 0, "2": 0, "3": 0, "1,2": 80, "1,3": 0, "2,3": 0, "1,2,3": 100})
    assert shapley_value(game).to_numpy() == pytest.approx([140 / 3, 140 / 3, 20 / 3])


def test_weighted_majority_exact_fractions():
    # Weighted voting [3; 2, 1, 1]: player A is pivotal in 4 of 6 orders -> 2/3.
    w = {"A": 2, "B": 1, "C": 1}
    game = Game.from_function(list(w), lambda s: float(sum(w[p] for p in s) >= 3))
    phi = [Fraction(x).limit_denominator(100) for x in shapley_value(game)]
    assert phi == [Fraction(2, 3), Fraction(1, 6), Fraction(1, 6)]


# -- axioms on random games ------------------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(random_games())
def test_matches_permutation_definition_and_is_efficient(game):
    phi = shapley_value(game).to_numpy()
    assert phi == pytest.approx(brute_shapley(game), abs=1e-9)
    assert phi.sum() == pytest.approx(game.grand_value, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(random_games(), st.data())
def test_symmetry(game, data):
    i, j = data.draw(st.lists(st.integers(0, game.n - 1), min_size=2, max_size=2, unique=True))

    def swap(m: int) -> int:
        bi, bj = (m >> i) & 1, (m >> j) & 1
        return (m & ~((1 << i) | (1 << j))) | (bi << j) | (bj << i)

    v = game.values()
    sym = v + v[[swap(m) for m in range(len(v))]]  # v(S) + v(swap S): i, j interchangeable
    phi = shapley_value(Game.from_values(game.players, sym)).to_numpy()
    assert phi[i] == pytest.approx(phi[j], abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(random_games(), st.data())
def test_null_player(game, data):
    k = data.draw(st.integers(0, game.n - 1))
    v = game.values()
    null = v[[m & ~(1 << k) for m in range(len(v))]]  # v'(S) = v(S minus k)
    phi = shapley_value(Game.from_values(game.players, null)).to_numpy()
    assert phi[k] == pytest.approx(0.0, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(random_games(min_players=3, max_players=3), random_games(min_players=3, max_players=3))
def test_additivity(g, h):
    both = Game.from_values(g.players, g.values() + h.values())
    total = shapley_value(g).to_numpy() + shapley_value(h).to_numpy()
    assert shapley_value(both).to_numpy() == pytest.approx(total, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 9), min_size=2, max_size=6))
def test_convex_game_shapley_is_in_core(weights):
    # Shapley (1971): the Shapley value of a convex game lies in its core.
    w = dict(zip([f"P{i}" for i in range(len(weights))], weights, strict=True))
    game = Game.from_function(list(w), lambda s: float(sum(w[p] for p in s) ** 2))
    assert is_convex(game)
    assert in_core(game, shapley_value(game))


def test_large_exact_game_is_fast():
    rng = np.random.default_rng(0)
    game = Game.from_values([f"P{i}" for i in range(16)], np.r_[0.0, rng.random(2**16 - 1)])
    assert shapley_value(game).sum() == pytest.approx(game.grand_value)


# -- sampling --------------------------------------------------------------------------
def ten_player_game(seed):
    rng = np.random.default_rng(seed)
    w = rng.integers(1, 10, size=10)
    masks = np.arange(1 << 10)
    bits = (masks[:, None] >> np.arange(10)) & 1
    v = (bits @ w) ** 1.5 + rng.normal(0, 5, size=masks.size) * (bits.sum(1) > 1)
    v[0] = 0.0
    return Game.from_values([f"P{i}" for i in range(10)], v)


def test_sampled_interval_covers_exact_value_at_999():
    # 5 games x 10 players = 50 intervals at 99.9%: 0.05 misses expected; allow 1.
    misses = 0
    for seed in range(5):
        game = ten_player_game(seed)
        exact = shapley_value(game)
        est = shapley_sample(game, 2000, seed=seed, confidence=0.999)
        assert est.value.sum() == pytest.approx(game.grand_value)  # efficient per order
        misses += int(((exact < est.ci_low) | (exact > est.ci_high)).sum())
    assert misses <= 1


def test_sampled_interval_is_calibrated_at_90():
    # 10 games x 10 players = 100 intervals at 90%: ~10 misses expected (sd ~3).
    misses = 0
    for seed in range(10):
        game = ten_player_game(100 + seed)
        exact = shapley_value(game)
        est = shapley_sample(game, 500, seed=seed, confidence=0.90)
        misses += int(((exact < est.ci_low) | (exact > est.ci_high)).sum())
    assert 2 <= misses <= 22


def test_sampling_is_reproducible_and_batches_coalitions():
    batches = []

    def many(coalitions):
        batches.append(len(coalitions))
        return [float(len(c) ** 2) for c in coalitions]

    players = [f"P{i}" for i in range(25)]
    game = Game.from_function(players, lambda s: 0.0, evaluate_many=many)
    a = shapley_sample(game, 200, seed=7)
    b = shapley_sample(game, 200, seed=7)
    assert a.value.equals(b.value)
    assert len(batches) == 1  # second run hits the cache
    assert a.value.sum() == pytest.approx(625.0)
    assert (a.ci_low <= a.value).all() and (a.value <= a.ci_high).all()


def test_shapley_switches_to_sampling_above_default():
    assert EXACT_SHAPLEY_MAX_PLAYERS == 12
    small = Game.from_function(list("ABC"), lambda s: float(len(s)))
    est = shapley(small)
    assert est.exact and est.value.tolist() == [1.0, 1.0, 1.0]
    assert est.to_frame().columns.tolist() == [
        "shapley_usd",
        "ci_low_usd",
        "ci_high_usd",
        "std_error_usd",
    ]
    big = Game.from_function([f"P{i}" for i in range(13)], lambda s: float(len(s)))
    est = shapley(big, n_permutations=50, seed=1)
    assert not est.exact and est.n_permutations == 50
    assert est.value.to_numpy() == pytest.approx([1.0] * 13)


def test_sample_interval_uses_the_normal_quantile_scipy_gives():
    """The interval's z (stdlib NormalDist, so no scipy import) equals scipy.stats.norm.ppf."""
    from statistics import NormalDist

    from scipy.stats import norm

    for conf in (0.5, 0.8, 0.9, 0.95, 0.99, 0.999):
        assert NormalDist().inv_cdf(0.5 + conf / 2) == pytest.approx(norm.ppf(0.5 + conf / 2),
                                                                    rel=1e-12)
