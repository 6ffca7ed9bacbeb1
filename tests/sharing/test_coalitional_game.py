"""Game construction, caching, table errors and game properties."""

from itertools import combinations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autoalliance.sharing import (
    Game,
    GameError,
    is_convex,
    is_superadditive,
    shapley_value,
    surplus_over_standalone,
)

GLOVES = {"L": 0, "R1": 0, "R2": 0, "L,R1": 1, "L,R2": 1, "R1,R2": 0, "L,R1,R2": 1}


@st.composite
def random_games(draw, max_players=5):
    n = draw(st.integers(2, max_players))
    v = draw(st.lists(st.integers(-10, 10), min_size=2**n - 1, max_size=2**n - 1))
    return Game.from_values([f"P{i}" for i in range(n)], np.r_[0.0, v])


def test_function_game_evaluates_each_coalition_once():
    calls = []

    def v(s):
        calls.append(s)
        return float(len(s) ** 2)

    game = Game.from_function(["A", "B", "C"], v)
    assert game.value({"A", "B"}) == 4.0
    assert game.value(("B", "A")) == 4.0
    assert game.value("A,B") == 4.0
    assert calls == [frozenset({"A", "B"})]
    game.values()
    assert sorted(map(len, calls)) == [1, 1, 1, 2, 2, 2, 3]  # never the empty coalition
    assert game.value([]) == 0.0


def test_evaluate_many_gets_all_coalitions_in_one_batch():
    batches = []

    def many(coalitions):
        batches.append(list(coalitions))
        return [float(len(c)) for c in coalitions]

    def single(s):
        raise AssertionError("fn must not be called when evaluate_many is given")

    game = Game.from_function(["A", "B", "C", "D"], single, evaluate_many=many)
    phi = shapley_value(game)
    assert len(batches) == 1
    assert len(batches[0]) == 15
    assert len(set(batches[0])) == 15
    assert phi.tolist() == [1.0, 1.0, 1.0, 1.0]


def test_function_game_rejects_non_finite_value():
    game = Game.from_function(["A", "B"], lambda s: float("nan") if len(s) == 2 else 1.0)
    with pytest.raises(GameError) as err:
        game.value("A,B")
    assert str(err.value) == "coalition {A,B}: value is nan; values must be finite numbers (USD)"


def test_table_accepts_frozensets_tuples_and_strings():
    game = Game.from_table({frozenset({"A"}): 1, ("B",): 2, "A,B": 5, "": 0})
    assert game.players == ("A", "B")
    assert game.values().tolist() == [0.0, 1.0, 2.0, 5.0]
    assert surplus_over_standalone(game) == 2.0
    assert surplus_over_standalone(game, {"A"}) == 0.0


def test_table_missing_coalition_is_named():
    with pytest.raises(GameError) as err:
        Game.from_table({"A": 1, "B": 2, "C": 0, "A,B": 3, "A,B,C": 4})
    assert str(err.value) == "table: values: missing coalition 'A,C' (and 1 more)"


def test_unknown_player_in_value_lookup():
    game = Game.from_table(GLOVES)
    with pytest.raises(GameError) as err:
        game.value({"L", "X"})
    assert "unknown player 'X'" in str(err.value)
    assert "(players: L, R1, R2)" in str(err.value)


def test_player_names_are_checked():
    with pytest.raises(GameError, match="duplicate player 'A'"):
        Game.from_function(["A", "A"], len)
    with pytest.raises(GameError, match="must not contain commas"):
        Game.from_function(["A,B"], len)


def test_dense_table_limit():
    game = Game.from_function([f"P{i}" for i in range(21)], lambda s: float(len(s)))
    assert game.value({"P0", "P20"}) == 2.0  # single values still work
    with pytest.raises(GameError, match="limited to 20 players"):
        game.values()


def test_properties_of_textbook_games():
    gloves = Game.from_table(GLOVES)
    assert is_superadditive(gloves)
    # S={L}, i=R1, j=R2: v(N) - v(L,R1) - v(L,R2) + v(L) = -1 < 0
    assert not is_convex(gloves)
    squares = Game.from_function(list("ABCD"), lambda s: float(len(s) ** 2))
    assert is_convex(squares) and is_superadditive(squares)
    subadditive = Game.from_table({"A": 2, "B": 2, "A,B": 3})
    assert not is_superadditive(subadditive)
    assert surplus_over_standalone(subadditive) == -1.0


def _brute_superadditive(game):
    idx = range(1, 1 << game.n)
    v = game.values()
    return all(v[s | t] >= v[s] + v[t] for s in idx for t in idx if not s & t)


def _brute_convex(game):
    idx = range(1 << game.n)
    v = game.values()
    return all(v[s | t] + v[s & t] >= v[s] + v[t] for s in idx for t in idx)


@settings(max_examples=60, deadline=None)
@given(random_games())
def test_properties_match_brute_force(game):
    assert is_superadditive(game) == _brute_superadditive(game)
    assert is_convex(game) == _brute_convex(game)


def test_to_table_round_trip():
    game = Game.from_table(GLOVES)
    again = Game.from_table(game.to_table(), players=game.players)
    assert np.array_equal(again.values(), game.values())
    assert len(list(combinations(game.players, 2))) == 3


def test_single_lookups_use_fn_and_batches_use_evaluate_many():
    single, batched = [], []

    def fn(s):
        single.append(s)
        return 1.0

    def many(coalitions):
        batched.append(len(coalitions))
        return [2.0] * len(coalitions)

    game = Game.from_function(["A", "B"], fn, evaluate_many=many)
    assert game.value("A") == 1.0
    assert game.values().tolist() == [0.0, 1.0, 2.0, 2.0]
    assert single == [frozenset({"A"})]
    assert batched == [2]


def test_evaluate_many_must_return_one_value_per_coalition():
    game = Game.from_function(["A", "B"], len, evaluate_many=lambda cs: [1.0])
    with pytest.raises(GameError, match="evaluate_many returned 1 values for 3 coalitions"):
        game.values()
