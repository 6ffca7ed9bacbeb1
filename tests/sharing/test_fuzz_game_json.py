"""Fuzzing the game-JSON loader: random bytes, random JSON documents and near-valid games.
Whatever the file holds, the answer is a Game or a GameError whose message starts with the
file's path; nothing else escapes (no OverflowError, RecursionError, MemoryError, decode error).

The budget is small here; `make fuzz` raises it (AUTOALLIANCE_FUZZ_EXAMPLES).
"""

import json
import math
import os
from itertools import combinations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autoalliance.sharing import Game, GameError, read_game_json

BUDGET = int(os.environ.get("AUTOALLIANCE_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=BUDGET, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
PLAYERS = ["Nissan", "Honda", "Mitsubishi"]


def read(path):
    try:
        game = read_game_json(path)
    except GameError as e:
        assert str(e).startswith(f"{path}: "), str(e)  # (player names may hold newlines)
        return None
    assert isinstance(game, Game)
    assert all(math.isfinite(v) for v in game.values())
    return game


def good_values(players):
    return {",".join(c): float(len(c)) for k in range(1, len(players) + 1)
            for c in combinations(players, k)}


json_scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**400, 10**400),
                         st.floats(), st.text(max_size=10))
json_docs = st.recursive(json_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=15)


@FUZZ
@given(blob=st.binary(max_size=300))
def test_random_bytes(tmp_path_factory, blob):
    path = tmp_path_factory.mktemp("g") / "game.json"
    path.write_bytes(blob)
    read(path)


@FUZZ
@given(doc=json_docs)
def test_random_documents(tmp_path_factory, doc):
    path = tmp_path_factory.mktemp("g") / "game.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    read(path)


@FUZZ
@given(players=st.one_of(st.just(PLAYERS), st.lists(st.text(max_size=6), max_size=5),
                         st.lists(json_scalars, max_size=3)),
       data=st.data())
def test_near_valid_games(tmp_path_factory, players, data):
    names = [p for p in players if isinstance(p, str)]
    values = good_values(list(dict.fromkeys(names))) if len(set(names)) <= 5 else {}
    for _ in range(data.draw(st.integers(0, 3))):
        action = data.draw(st.sampled_from(["drop", "set", "add"]))
        if action == "drop" and values:
            values.pop(data.draw(st.sampled_from(sorted(values))))
        elif action == "set" and values:
            values[data.draw(st.sampled_from(sorted(values)))] = data.draw(json_scalars)
        else:
            values[data.draw(st.text(max_size=12))] = data.draw(json_scalars)
    path = tmp_path_factory.mktemp("g") / "game.json"
    path.write_text(json.dumps({"players": players, "values": values}), encoding="utf-8")
    read(path)


# ------------------------------------------------------------ catalogue of what the fuzzing found

def _write(tmp_path, text: str | bytes):
    path = tmp_path / "game.json"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


FOUND = {
    "not UTF-8": (b'{"players": ["caf\xe9"]}',
                  "not UTF-8 text (invalid continuation byte at byte 17); save the file as "
                  "UTF-8"),
    "integer too large for a float": (
        '{"players": ["A"], "values": {"A": 1' + "0" * 400 + "}}",
        "values['A']: value is too large (more than 1.8e308); values must be finite numbers "
        "(USD)"),
    "nested too deeply": ("[" * 100000 + "]" * 100000,
                          "not valid JSON: nested too deeply"),
    "too many players for a table": (
        json.dumps({"players": [f"p{i}" for i in range(40)], "values": {"p0": 1}}),
        "players: 40 players need 1,099,511,627,775 coalition values; a game table holds at "
        "most 20 players"),
}


@pytest.mark.parametrize("case", FOUND, ids=list(FOUND))
def test_found_by_fuzzing(tmp_path, case):
    text, message = FOUND[case]
    path = _write(tmp_path, text)
    with pytest.raises(GameError) as err:
        read_game_json(path)
    assert str(err.value) == f"{path}: {message}"


def test_no_such_file(tmp_path):
    with pytest.raises(GameError) as err:
        read_game_json(tmp_path / "nope.json")
    assert str(err.value) == f"{tmp_path / 'nope.json'}: cannot be read: No such file or directory"
