"""JSON reader/writer for tabular games; each malformed file gets an exact message."""

import json

import pytest

from autoalliance.sharing import Game, GameError, read_game_json, write_game_json

PLAYERS = ["Nissan", "Honda", "Mitsubishi"]
GOOD = {
    "Nissan": 1.0,
    "Honda": 2.0,
    "Mitsubishi": 0.5,
    "Nissan,Honda": 4.0,
    "Nissan,Mitsubishi": 2.0,
    "Honda,Mitsubishi": 3.0,
    "Nissan,Honda,Mitsubishi": 6.0,
}


def _write(tmp_path, text):
    path = tmp_path / "game.json"
    path.write_text(text)
    return path


def _doc(**changes):
    values = dict(GOOD)
    for key, value in changes.items():
        values[key.replace("__", ",")] = value
    return {"players": PLAYERS, "values": values}


def test_round_trip(tmp_path):
    game = Game.from_table(GOOD, players=PLAYERS)
    path = write_game_json(game, tmp_path / "out.json")
    doc = json.loads(path.read_text())
    assert doc["players"] == PLAYERS
    assert list(doc["values"])[:3] == ["Nissan", "Honda", "Mitsubishi"]
    again = read_game_json(path)
    assert again.players == game.players
    assert again.to_table() == game.to_table()
    assert again.value({"Honda", "Mitsubishi"}) == 3.0


def test_key_order_and_spaces_do_not_matter(tmp_path):
    doc = _doc()
    doc["values"]["Mitsubishi, Honda"] = doc["values"].pop("Honda,Mitsubishi")
    game = read_game_json(_write(tmp_path, json.dumps(doc)))
    assert game.value({"Honda", "Mitsubishi"}) == 3.0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            json.dumps(_doc(Nissan__Toyota=1.0)),
            (
                "values['Nissan,Toyota']: unknown player 'Toyota' "
                "(players: Nissan, Honda, Mitsubishi)"
            ),
        ),
        (
            json.dumps(
                {
                    "players": PLAYERS,
                    "values": {k: v for k, v in GOOD.items() if k != "Honda,Mitsubishi"},
                }
            ),
            "values: missing coalition 'Honda,Mitsubishi'",
        ),
        (
            json.dumps(_doc(Honda=float("nan"))),
            "values['Honda']: value is nan; values must be finite numbers (USD)",
        ),
        (
            json.dumps(_doc(Nissan__Honda=float("inf"))),
            "values['Nissan,Honda']: value is inf; values must be finite numbers (USD)",
        ),
        (
            json.dumps(_doc(Honda="a lot")),
            "values['Honda']: value must be a number, got 'a lot'",
        ),
        (
            json.dumps(_doc(Honda=True)),
            "values['Honda']: value must be a number, got True",
        ),
        (
            json.dumps(_doc(**{"": 1.5})),
            "values['']: the empty coalition must have value 0, got 1.5",
        ),
        (
            json.dumps(_doc(**{"Honda,Nissan": 4.0})),
            "values: keys 'Nissan,Honda' and 'Honda,Nissan' name the same coalition",
        ),
        (
            json.dumps(_doc(Honda__Honda=4.0)),
            "values['Honda,Honda']: player 'Honda' listed twice",
        ),
        (
            '{"players": ["A", "B"], "values": {"A": 1, "B": 1, "A,B": 2, "A": 3}}',
            "values: duplicate key 'A'",
        ),
        (
            '{"players": ["A", "B"], "players": ["A"], "values": {}}',
            "duplicate key 'players'",
        ),
        ('{"players": ["A", "B"]}', "missing key 'values'"),
        ('{"players": "A,B", "values": {}}', "'players' must be a list of player names (strings)"),
        ('{"players": ["A", "A"], "values": {}}', "players: duplicate player 'A'"),
        ('["A"]', "expected an object with keys 'players' and 'values'"),
        (
            '{"players": ["A"], "values": {"A": 1,}}',
            "not valid JSON: Expecting property name enclosed in double quotes (line 1, column 38)",
        ),
    ],
    ids=[
        "unknown-player",
        "missing-coalition",
        "nan",
        "inf",
        "not-a-number",
        "bool",
        "empty-coalition-nonzero",
        "same-coalition-twice",
        "player-twice",
        "duplicate-key",
        "duplicate-top-key",
        "missing-values",
        "players-not-list",
        "duplicate-player",
        "not-an-object",
        "invalid-json",
    ],
)
def test_bad_game_json(tmp_path, text, message):
    path = _write(tmp_path, text)
    with pytest.raises(GameError) as err:
        read_game_json(path)
    assert str(err.value) == f"{path}: {message}"


def test_empty_coalition_zero_is_accepted(tmp_path):
    game = read_game_json(_write(tmp_path, json.dumps(_doc(**{"": 0}))))
    assert game.value(()) == 0.0
