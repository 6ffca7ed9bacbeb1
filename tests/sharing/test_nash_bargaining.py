"""Nash bargaining with standalone values as the disagreement point."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autoalliance.sharing import Game, GameError, nash_bargaining, nash_bargaining_linear


@st.composite
def random_games(draw):
    n = draw(st.integers(2, 5))
    v = draw(st.lists(st.integers(-20, 20), min_size=2**n - 1, max_size=2**n - 1))
    v = np.r_[0.0, v]
    singles = sum(v[1 << i] for i in range(n))
    v[-1] = max(v[-1], singles)  # some gain to bargain over
    return Game.from_values([f"P{i}" for i in range(n)], v)


@settings(max_examples=60, deadline=None)
@given(random_games())
def test_equal_weights_give_equal_surplus_split(game):
    d = np.array([game.value({p}) for p in game.players])
    expected = d + (game.grand_value - d.sum()) / game.n
    assert nash_bargaining(game).to_numpy() == pytest.approx(expected, abs=1e-9)


def test_two_partners_by_hand():
    # d = (10, 20), v(N) = 60: surplus 30 -> equal (25, 35); weights 2:1 -> (30, 30).
    game = Game.from_table({"Nissan": 10, "Honda": 20, "Nissan,Honda": 60})
    assert nash_bargaining(game).tolist() == [25.0, 35.0]
    assert nash_bargaining(game, {"Nissan": 2, "Honda": 1}).tolist() == [30.0, 30.0]


def test_no_gain_to_bargain_over():
    game = Game.from_table({"Nissan": 10, "Honda": 20, "Nissan,Honda": 25})
    with pytest.raises(GameError) as err:
        nash_bargaining(game)
    assert str(err.value) == (
        "no gain to bargain over: v(N) = 25.00 USD is below the sum of standalone values 30.00 USD"
    )


def test_bad_weights():
    game = Game.from_table({"A": 0, "B": 0, "A,B": 1})
    with pytest.raises(
        GameError, match=r"bargaining weights must be positive numbers; check \['B'\]"
    ):
        nash_bargaining(game, {"A": 1.0, "B": 0.0})


def test_linear_set_reproduces_tu_closed_form():
    # TU set {x : x_A + x_B + x_C <= 90}, d = (10, 20, 0), weights 1:2:3 -> surplus 60
    # split 10/20/30: x = (20, 40, 30).
    x = nash_bargaining_linear(
        np.ones((1, 3)), [90.0], {"A": 10, "B": 20, "C": 0}, {"A": 1, "B": 2, "C": 3}
    )
    assert x.to_numpy() == pytest.approx([20.0, 40.0, 30.0], abs=1e-5)


def test_linear_non_tu_by_hand():
    # max log x1 + log x2 s.t. x1 + 2 x2 <= 4: Lagrange gives x1 = 2 x2, so (2, 1).
    x = nash_bargaining_linear([[1.0, 2.0]], [4.0], {"A": 0.0, "B": 0.0})
    assert x.to_numpy() == pytest.approx([2.0, 1.0], abs=1e-6)
    # Adding x2 <= 0.5 binds: x1 = 4 - 2(0.5) = 3.
    x = nash_bargaining_linear([[1.0, 2.0], [0.0, 1.0]], [4.0, 0.5], {"A": 0.0, "B": 0.0})
    assert x.to_numpy() == pytest.approx([3.0, 0.5], abs=1e-6)


def test_linear_errors():
    with pytest.raises(GameError, match="no gain to bargain over"):
        nash_bargaining_linear([[1.0, 1.0]], [5.0], {"A": 3.0, "B": 3.0})
    with pytest.raises(GameError, match="unbounded"):
        nash_bargaining_linear([[1.0, -1.0]], [5.0], {"A": 0.0, "B": 0.0})
