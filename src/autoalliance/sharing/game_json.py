"""JSON reader and writer for tabular games.

Format::

    {"players": ["A", "B"], "values": {"A": 1.0, "B": 0.0, "A,B": 3.0}}

Values are in USD; keys are comma-separated player names; every nonempty coalition
must appear; the empty coalition (key ``""``) may appear with value 0. The JSON that
``autoalliance share --json`` writes is read too: its ``partners`` and its
``coalition_values`` (a list of ``{"coalition": [names], "value_usd": number}``).
"""

from __future__ import annotations

import json
from itertools import combinations
from pathlib import Path

from .errors import GameError
from .game import Game, normalise_table


class _Object(dict):
    """JSON object that remembers keys given more than once."""

    duplicates: list[str]


def _object(pairs: list[tuple[str, object]]) -> _Object:
    out = _Object()
    out.duplicates = []
    for key, value in pairs:
        if key in out:
            out.duplicates.append(key)
        out[key] = value
    return out


def read_game_json(path: str | Path) -> Game:
    """Read a tabular game; raise :class:`GameError` naming file, key and problem."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise GameError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}); save the "
                        "file as UTF-8") from None
    except OSError as exc:
        raise GameError(f"{path}: cannot be read: {exc.strerror}") from None
    try:
        doc = json.loads(text, object_pairs_hook=_object)
    except json.JSONDecodeError as exc:
        raise GameError(
            f"{path}: not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    except RecursionError:
        raise GameError(f"{path}: not valid JSON: nested too deeply") from None
    if not isinstance(doc, dict):
        raise GameError(f"{path}: expected an object with keys 'players' and 'values'")
    if doc.duplicates:
        raise GameError(f"{path}: duplicate key {doc.duplicates[0]!r}")
    if "players" not in doc and "coalition_values" in doc:
        doc = _from_share(doc, path)
    for key in ("players", "values"):
        if key not in doc:
            raise GameError(f"{path}: missing key {key!r}")
    players, values = doc["players"], doc["values"]
    if not isinstance(players, list) or not all(isinstance(p, str) for p in players):
        raise GameError(f"{path}: 'players' must be a list of player names (strings)")
    if not isinstance(values, dict):
        raise GameError(f"{path}: 'values' must be an object mapping 'A,B' to a number")
    names, dense = normalise_table(values, players, where=str(path), duplicates=values.duplicates)
    return Game.from_values(names, dense)


def _from_share(doc: dict, path: Path) -> _Object:
    """The game in the JSON ``share --json`` writes, as ``{"players", "values"}``."""
    players, rows = doc.get("partners"), doc["coalition_values"]
    if not isinstance(rows, list):
        raise GameError(f"{path}: 'coalition_values' must be a list of "
                        "{\"coalition\": [names], \"value_usd\": number}")
    out = _object([])
    values = _object([])
    for i, r in enumerate(rows):
        if not isinstance(r, dict) or "coalition" not in r or "value_usd" not in r:
            raise GameError(f"{path}: coalition_values[{i}]: expected an object with "
                            "'coalition' and 'value_usd'")
        names = r["coalition"]
        if not isinstance(names, list) or not all(isinstance(p, str) for p in names):
            raise GameError(f"{path}: coalition_values[{i}].coalition: expected a list of "
                            "partner names")
        key = ",".join(names)
        if key in values:
            values.duplicates.append(key)
        values[key] = r["value_usd"]
    out["players"] = players if players is not None else []
    out["values"] = values
    if players is None:
        raise GameError(f"{path}: missing key 'partners' (the players of coalition_values)")
    return out


def write_game_json(game: Game, path: str | Path) -> Path:
    """Write every nonempty coalition's value (USD), smallest coalitions first."""
    path = Path(path)
    v = game.values()
    values: dict[str, float] = {}
    for k in range(1, game.n + 1):
        for idx in combinations(range(game.n), k):
            m = sum(1 << i for i in idx)
            values[game.label(m)] = float(v[m])
    doc = {"players": list(game.players), "values": values}
    path.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    return path
