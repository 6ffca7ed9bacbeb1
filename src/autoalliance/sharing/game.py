"""Transferable-utility (TU) coalitional games.

A TU game is a set of players and a value ``v(S)`` in USD for every coalition ``S``
(``v(∅) = 0``). Internally a coalition is a bitmask over ``Game.players`` (bit ``i`` is
``players[i]``) and, for up to :data:`MAX_DENSE_PLAYERS` players, the values sit in one
numpy array of length ``2**n`` indexed by that mask.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from .errors import GameError

MAX_DENSE_PLAYERS = 20
"""Largest game whose full value table (``2**n`` floats) is held in memory."""

Coalition = frozenset[str]
CoalitionKey = frozenset[str] | tuple[str, ...] | str


def members(key: CoalitionKey | Iterable[str]) -> tuple[str, ...]:
    """Player names of a coalition key: a set/tuple of names or a string ``"A,B"``."""
    if isinstance(key, str):
        return tuple(p.strip() for p in key.split(",")) if key.strip() else ()
    return tuple(key)


def label(coalition: Iterable[str], players: Sequence[str] | None = None) -> str:
    """``"A,B"`` for a coalition, members in ``players`` order (else sorted)."""
    names = set(coalition)
    order = [p for p in players if p in names] if players is not None else sorted(names)
    return ",".join(order)


def popcount(masks: np.ndarray, n: int) -> np.ndarray:
    """Number of players in each bitmask coalition."""
    masks = np.asarray(masks, dtype=np.int64)
    size = np.zeros(masks.shape, dtype=np.int64)
    for i in range(n):
        size += (masks >> i) & 1
    return size


def incidence(masks: np.ndarray, n: int) -> np.ndarray:
    """0/1 matrix (coalitions × players) of bitmask coalitions."""
    masks = np.asarray(masks, dtype=np.int64)
    return ((masks[:, None] >> np.arange(n)) & 1).astype(float)


def check_players(players: Iterable[str]) -> tuple[str, ...]:
    """Validate player names: unique, non-empty strings without commas."""
    out = tuple(players)
    seen: set[str] = set()
    for p in out:
        if not isinstance(p, str) or not p.strip():
            raise GameError(f"player names must be non-empty strings, got {p!r}")
        if "," in p or p != p.strip():
            raise GameError(f"player name {p!r} must not contain commas or surrounding spaces")
        if p in seen:
            raise GameError(f"duplicate player {p!r}")
        seen.add(p)
    if not out:
        raise GameError("a game needs at least one player")
    return out


def _finite(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise GameError(f"{what}: value must be a number, got {value!r}")
    try:
        x = float(value)
    except OverflowError:  # an integer beyond the float range
        raise GameError(f"{what}: value is too large (more than 1.8e308); values must be "
                        "finite numbers (USD)") from None
    if not math.isfinite(x):
        raise GameError(f"{what}: value is {x}; values must be finite numbers (USD)")
    return x


class Game:
    """TU coalitional game: ``players`` and ``value(S)`` in USD for each coalition ``S``.

    Build one with :meth:`from_function` or :meth:`from_table`. Values are computed at
    most once per coalition and cached; ``v(∅)`` is 0 by definition and never evaluated.

    Parameters
    ----------
    players
        Player names (unique strings without commas).
    evaluate_many
        Batch evaluator: takes a list of coalitions, returns their values in USD.
    """

    def __init__(
        self,
        players: Iterable[str],
        evaluate_many: Callable[[list[Coalition]], Sequence[float]],
    ) -> None:
        self.players: tuple[str, ...] = check_players(players)
        self._index = {p: i for i, p in enumerate(self.players)}
        self._evaluate_many = evaluate_many
        self._cache: dict[int, float] = {0: 0.0}
        self._dense: np.ndarray | None = None

    # -- construction ------------------------------------------------------------------
    @classmethod
    def from_function(
        cls,
        players: Iterable[str],
        fn: Callable[[Coalition], float],
        *,
        evaluate_many: Callable[[list[Coalition]], Sequence[float]] | None = None,
    ) -> Game:
        """Game whose value is ``fn(coalition)`` in USD, each coalition evaluated once.

        ``evaluate_many``, if given, is used instead of ``fn`` whenever several coalitions
        are needed at once (e.g. all ``2**n`` for the exact Shapley value, or every
        coalition a Shapley sample visits), so a caller can solve them in parallel. It
        takes a list of coalitions and returns their values in the same order.
        """
        many = evaluate_many

        def evaluate(coalitions: list[Coalition]) -> Sequence[float]:
            if many is not None and len(coalitions) > 1:
                return many(coalitions)
            return [fn(c) for c in coalitions]

        return cls(players, evaluate)

    @classmethod
    def from_table(
        cls,
        table: Mapping[CoalitionKey, float],
        players: Iterable[str] | None = None,
    ) -> Game:
        """Game from a table ``{coalition: value (USD)}`` covering every nonempty coalition.

        Keys are frozensets or tuples of player names, or strings ``"A,B"``. ``players``
        defaults to the names in order of first appearance. The empty coalition may be
        given (value 0) or left out.
        """
        names, values = normalise_table(table, players, where="table")
        return cls.from_values(names, values)

    @classmethod
    def from_values(cls, players: Iterable[str], values: np.ndarray) -> Game:
        """Game from a dense array of ``2**n`` values (USD) indexed by bitmask."""
        players = check_players(players)
        values = np.asarray(values, dtype=float)
        if values.shape != (1 << len(players),):
            raise GameError(
                f"expected {1 << len(players)} values for {len(players)} players, "
                f"got shape {values.shape}"
            )
        if not np.all(np.isfinite(values)) or values[0] != 0.0:
            raise GameError("values must be finite numbers (USD) with v(empty) = 0")
        game = cls(players, _no_evaluation)
        game._dense = values.copy()
        return game

    # -- coalitions --------------------------------------------------------------------
    @property
    def n(self) -> int:
        """Number of players."""
        return len(self.players)

    @property
    def grand_mask(self) -> int:
        """Bitmask of the grand coalition N."""
        return (1 << self.n) - 1

    def mask(self, coalition: CoalitionKey | Iterable[str]) -> int:
        """Bitmask of a coalition (see :func:`members` for accepted keys)."""
        m = 0
        for p in members(coalition):
            i = self._index.get(p)
            if i is None:
                raise GameError(
                    f"unknown player {p!r} in coalition {{{label(members(coalition))}}} "
                    f"(players: {', '.join(self.players)})"
                )
            m |= 1 << i
        return m

    def coalition(self, mask: int) -> Coalition:
        """Coalition (frozenset of names) of a bitmask."""
        return frozenset(p for i, p in enumerate(self.players) if (int(mask) >> i) & 1)

    def label(self, mask: int) -> str:
        """``"A,B"`` label of a bitmask coalition, in player order."""
        return ",".join(p for i, p in enumerate(self.players) if (int(mask) >> i) & 1)

    # -- values ------------------------------------------------------------------------
    def value(self, coalition: CoalitionKey | Iterable[str]) -> float:
        """``v(S)`` in USD."""
        return float(self.values_at(np.array([self.mask(coalition)]))[0])

    def values_at(self, masks: np.ndarray) -> np.ndarray:
        """Values (USD) of bitmask coalitions, evaluating unseen ones in one batch."""
        masks = np.asarray(masks, dtype=np.int64)
        if self._dense is not None:
            return self._dense[masks]
        missing = [int(m) for m in np.unique(masks) if int(m) not in self._cache]
        if missing:
            self._evaluate(missing)
        return np.array([self._cache[int(m)] for m in masks.ravel()]).reshape(masks.shape)

    def values(self) -> np.ndarray:
        """All ``2**n`` values (USD) indexed by bitmask; evaluates any missing ones."""
        if self._dense is None:
            if self.n > MAX_DENSE_PLAYERS:
                raise GameError(
                    f"game has {self.n} players; the full value table is limited to "
                    f"{MAX_DENSE_PLAYERS} players (2**{MAX_DENSE_PLAYERS} coalitions): "
                    "use sampling (shapley_sample) instead"
                )
            size = 1 << self.n
            missing = [m for m in range(size) if m not in self._cache]
            if missing:
                self._evaluate(missing)
            self._dense = np.array([self._cache[m] for m in range(size)], dtype=float)
            self._cache = {}
        return self._dense

    def _evaluate(self, masks: list[int]) -> None:
        coalitions = [self.coalition(m) for m in masks]
        out = list(self._evaluate_many(coalitions))
        if len(out) != len(masks):
            raise GameError(f"evaluate_many returned {len(out)} values for {len(masks)} coalitions")
        for m, c, x in zip(masks, coalitions, out, strict=True):
            self._cache[m] = _finite(x, f"coalition {{{label(c, self.players)}}}")

    @property
    def grand_value(self) -> float:
        """``v(N)`` in USD."""
        return float(self.values_at(np.array([self.grand_mask]))[0])

    def standalone(self) -> pd.Series:
        """Standalone values ``v({i})`` in USD, indexed by player."""
        v = self.values_at(1 << np.arange(self.n, dtype=np.int64))
        return pd.Series(v, index=list(self.players), name="standalone_usd")

    def to_table(self) -> dict[Coalition, float]:
        """All nonempty coalitions and their values (USD)."""
        v = self.values()
        return {self.coalition(m): float(v[m]) for m in range(1, len(v))}

    def allocation(self, x: Mapping[str, float] | Sequence[float] | np.ndarray) -> np.ndarray:
        """Allocation (USD) as an array in player order, from a mapping or a sequence."""
        if isinstance(x, Mapping):
            unknown = set(x) - set(self.players)
            if unknown:
                raise GameError(f"allocation names unknown players: {sorted(unknown)}")
            missing = [p for p in self.players if p not in x]
            if missing:
                raise GameError(f"allocation has no amount for players: {missing}")
            arr = np.array([float(x[p]) for p in self.players])
        else:
            arr = np.asarray(x, dtype=float).ravel()
            if arr.shape != (self.n,):
                raise GameError(f"allocation has {arr.size} amounts for {self.n} players")
        if not np.all(np.isfinite(arr)):
            raise GameError("allocation amounts must be finite numbers (USD)")
        return arr

    def series(self, x: np.ndarray, name: str = "allocation_usd") -> pd.Series:
        """Player-indexed Series of an array in player order."""
        return pd.Series(np.asarray(x, dtype=float), index=list(self.players), name=name)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(players={list(self.players)})"


def _no_evaluation(coalitions: list[Coalition]) -> list[float]:  # pragma: no cover
    raise GameError("table game has no value for these coalitions")


MAX_TABLE_PLAYERS = 20  # a table lists 2**n - 1 values: 1,048,575 at 20 players


def normalise_table(
    table: Mapping[Hashable, object],
    players: Iterable[str] | None,
    *,
    where: str,
    duplicates: Iterable[str] = (),
) -> tuple[tuple[str, ...], np.ndarray]:
    """Check a coalition table and return ``(players, dense values)``.

    Errors name ``where`` (a file or ``"table"``), the offending key and what is wrong.
    """
    dup = list(duplicates)
    if dup:
        raise GameError(f"{where}: values: duplicate key {dup[0]!r}")
    parsed: list[tuple[str, tuple[str, ...], object]] = []
    for key, value in table.items():
        if not isinstance(key, (str, tuple, frozenset)):
            raise GameError(f"{where}: values: key {key!r} is not a coalition")
        shown = key if isinstance(key, str) else ",".join(sorted(key))
        names = members(key)
        parsed.append((shown, names, value))
    if players is None:
        order: dict[str, None] = {}
        for _, names, _ in parsed:
            order.update(dict.fromkeys(names))
        players = tuple(order)
    try:
        players = check_players(players)
    except GameError as exc:
        raise GameError(f"{where}: players: {exc}") from None
    if len(players) > MAX_TABLE_PLAYERS:  # 2**n values: refuse before allocating them
        raise GameError(f"{where}: players: {len(players)} players need "
                        f"{(1 << len(players)) - 1:,} coalition values; a game table holds at "
                        f"most {MAX_TABLE_PLAYERS} players")
    index = {p: i for i, p in enumerate(players)}
    values = np.full(1 << len(players), np.nan)
    seen: dict[int, str] = {}
    for shown, names, value in parsed:
        what = f"{where}: values[{shown!r}]"
        m = 0
        for p in names:
            if p not in index:
                raise GameError(f"{what}: unknown player {p!r} (players: {', '.join(players)})")
            if (m >> index[p]) & 1:
                raise GameError(f"{what}: player {p!r} listed twice")
            m |= 1 << index[p]
        x = _finite(value, what)
        if m in seen:
            raise GameError(
                f"{where}: values: keys {seen[m]!r} and {shown!r} name the same coalition"
            )
        seen[m] = shown
        if m == 0 and x != 0.0:
            raise GameError(f"{what}: the empty coalition must have value 0, got {x}")
        values[m] = x
    values[0] = 0.0
    missing = np.flatnonzero(np.isnan(values))
    if missing.size:
        first = ",".join(p for i, p in enumerate(players) if (int(missing[0]) >> i) & 1)
        more = f" (and {missing.size - 1} more)" if missing.size > 1 else ""
        raise GameError(f"{where}: values: missing coalition {first!r}{more}")
    return players, values


# -- properties of a game --------------------------------------------------------------
def is_superadditive(game: Game, tol: float = 1e-9) -> bool:
    """``v(S ∪ T) ≥ v(S) + v(T)`` for all disjoint ``S, T`` (within ``tol`` USD)."""
    v = game.values()
    masks = np.arange(len(v), dtype=np.int64)
    for t in range(1, len(v)):
        s = masks[((masks & t) == 0) & (masks < t)]
        if np.any(v[s | t] < v[s] + v[t] - tol):
            return False
    return True


def is_convex(game: Game, tol: float = 1e-9) -> bool:
    """Supermodular: ``v(S ∪ T) + v(S ∩ T) ≥ v(S) + v(T)`` (within ``tol`` USD).

    Checked through the equivalent local condition
    ``v(S+i+j) − v(S+i) − v(S+j) + v(S) ≥ 0`` for ``i ≠ j`` outside ``S``.
    """
    v = game.values()
    masks = np.arange(len(v), dtype=np.int64)
    for i in range(game.n):
        for j in range(i + 1, game.n):
            bi, bj = 1 << i, 1 << j
            s = masks[(masks & (bi | bj)) == 0]
            if np.any(v[s | bi | bj] - v[s | bi] - v[s | bj] + v[s] < -tol):
                return False
    return True


def surplus_over_standalone(
    game: Game, coalition: CoalitionKey | Iterable[str] | None = None
) -> float:
    """Gain from collaboration ``v(S) − Σ_{i∈S} v({i})`` in USD (``S`` defaults to N)."""
    m = game.grand_mask if coalition is None else game.mask(coalition)
    bits = np.array([1 << i for i in range(game.n) if (m >> i) & 1], dtype=np.int64)
    standalone = game.values_at(bits).sum() if bits.size else 0.0
    return float(game.values_at(np.array([m]))[0] - standalone)
