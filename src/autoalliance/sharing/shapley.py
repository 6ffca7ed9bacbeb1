"""Shapley value: exact (bitmask, vectorised) and by permutation sampling.

The exact value needs all ``2**n`` coalition values. For a table game that is cheap up
to about 20 players, but when each value is a planner run, ``2**n`` runs is the real
cost: :func:`shapley` therefore switches to sampling above
:data:`EXACT_SHAPLEY_MAX_PLAYERS` (12 players = 4,096 coalitions), the CLI default.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import comb
from statistics import NormalDist

import numpy as np
import pandas as pd

from .errors import GameError
from .game import Game, popcount

EXACT_SHAPLEY_MAX_PLAYERS = 12
"""Exact Shapley up to this many players; sampling above (CLI default switch)."""


@dataclass(frozen=True)
class ShapleyEstimate:
    """Shapley value (USD) with a confidence interval; zero width when exact."""

    value: pd.Series
    ci_low: pd.Series
    ci_high: pd.Series
    std_error: pd.Series
    n_permutations: int
    confidence: float
    exact: bool

    def to_frame(self) -> pd.DataFrame:
        """One row per player: ``shapley_usd``, ``ci_low_usd``, ``ci_high_usd``,
        ``std_error_usd``."""
        return pd.DataFrame(
            {
                "shapley_usd": self.value,
                "ci_low_usd": self.ci_low,
                "ci_high_usd": self.ci_high,
                "std_error_usd": self.std_error,
            }
        )


def shapley_value(game: Game) -> pd.Series:
    """Exact Shapley value (USD) per player.

    ``φ_i = Σ_{S ∌ i} |S|! (n−|S|−1)! / n! · (v(S ∪ i) − v(S))``, evaluated over the
    bitmask value array: ``O(n · 2**n)`` arithmetic, fine up to about 20 players.
    """
    n = game.n
    v = game.values()
    masks = np.arange(len(v), dtype=np.int64)
    size = popcount(masks, n)
    weight = np.array([1.0 / (n * comb(n - 1, s)) for s in range(n)])
    phi = np.empty(n)
    for i in range(n):
        bit = 1 << i
        s = masks[(masks & bit) == 0]
        phi[i] = weight[size[s]] @ (v[s | bit] - v[s])
    return game.series(phi, name="shapley_usd")


def shapley_sample(
    game: Game,
    n_permutations: int = 1000,
    *,
    seed: int | np.random.Generator | None = None,
    confidence: float = 0.95,
) -> ShapleyEstimate:
    """Shapley value (USD) estimated from random orders of the players.

    Each permutation gives every player its marginal contribution on joining those
    before it; the estimate is the mean (efficient: it sums to ``v(N)``). The interval
    is the normal approximation ``mean ± z · s / √m`` from the per-permutation variance
    ``s²`` of each player's marginal contribution, at the given ``confidence`` level.
    Coalitions are evaluated once each, in one batch (``evaluate_many``).
    """
    if n_permutations < 2:
        raise GameError("shapley_sample needs at least 2 permutations")
    if not 0.0 < confidence < 1.0:
        raise GameError(f"confidence must be in (0, 1), got {confidence}")
    if game.n > 62:
        raise GameError("shapley_sample supports at most 62 players (int64 bitmasks)")
    rng = np.random.default_rng(seed)
    n, m = game.n, n_permutations
    order = np.argsort(rng.random((m, n)), axis=1)
    bits = np.left_shift(np.int64(1), order.astype(np.int64))
    after = np.cumsum(bits, axis=1)
    before = after - bits
    v_after, v_before = game.values_at(np.stack([after, before]))
    marginal = np.empty((m, n))
    np.put_along_axis(marginal, order, v_after - v_before, axis=1)
    mean = marginal.mean(axis=0)
    se = marginal.std(axis=0, ddof=1) / np.sqrt(m)
    z = NormalDist().inv_cdf(0.5 + confidence / 2.0)  # the normal quantile, without scipy
    return ShapleyEstimate(
        value=game.series(mean, "shapley_usd"),
        ci_low=game.series(mean - z * se, "ci_low_usd"),
        ci_high=game.series(mean + z * se, "ci_high_usd"),
        std_error=game.series(se, "std_error_usd"),
        n_permutations=m,
        confidence=confidence,
        exact=False,
    )


def shapley(
    game: Game,
    *,
    exact_max_players: int = EXACT_SHAPLEY_MAX_PLAYERS,
    n_permutations: int = 1000,
    seed: int | np.random.Generator | None = None,
    confidence: float = 0.95,
) -> ShapleyEstimate:
    """Exact Shapley value up to ``exact_max_players`` players, sampled above."""
    if game.n > exact_max_players:
        return shapley_sample(game, n_permutations, seed=seed, confidence=confidence)
    phi = shapley_value(game)
    zero = game.series(np.zeros(game.n), "std_error_usd")
    return ShapleyEstimate(
        value=phi,
        ci_low=phi.rename("ci_low_usd"),
        ci_high=phi.rename("ci_high_usd"),
        std_error=zero,
        n_permutations=0,
        confidence=1.0,
        exact=True,
    )
