"""The recommended split (the nucleolus), its reasons, and ``share --game`` on a given game."""

import json

import pytest
from typer.testing import CliRunner

from autoalliance.cli.main import app
from autoalliance.sharing import Game, excesses, least_core, read_game_json
from autoalliance.sharing.recommend import recommend, split

# v(12) = 80, v(N) = 100, all else 0: the nucleolus is (45, 45, 10) (worked in
# test_nucleolus.py: stage 1 fixes {3} and {1,2} at excess -10, stage 2 splits 90 equally)
HAND = {"1": 0, "2": 0, "3": 0, "1,2": 80, "1,3": 0, "2,3": 0, "1,2,3": 100}


def test_recommended_is_the_nucleolus_with_reasons_worked_by_hand():
    rec = recommend(Game.from_table(HAND))
    assert rec.rule == "nucleolus" and rec.in_core
    assert rec.allocation.to_numpy() == pytest.approx([45, 45, 10], abs=1e-6)
    t = rec.partners
    # marginal contributions v(N) - v(N \ i): 100 - 0, 100 - 0, 100 - 80
    assert t["marginal_contribution_usd"].to_numpy() == pytest.approx([100, 100, 20])
    # player 3 is held down by {1,2} (excess 80 - 90 = -10), held up by nothing bigger
    assert t.loc["3", "binding_without"] == "1,2"
    assert t.loc["3", "binding_without_excess_usd"] == pytest.approx(-10, abs=1e-6)
    # player 1 is held down by {3} (excess 0 - 10 = -10) and held up by {1,2} (80 - 90)
    assert t.loc["1", "binding_without"] == "3"
    assert t.loc["1", "binding_with"] == "1,2"
    assert t.loc["1", "binding_with_excess_usd"] == pytest.approx(-10, abs=1e-6)
    # Shapley gains by hand: player 3 adds 20 only when last (1/3 of orders): 20/3
    assert t.loc["3", "shapley_gain_usd"] == pytest.approx(20 / 3)
    assert "1 + 2 together would make 0.0 M USD without it" in rec.reasons["3"]
    assert set(rec.reasons) == {"1", "2", "3"}


def test_empty_core_recommends_a_least_core_point():
    # majority game: v(S) = 1 for |S| >= 2; the core is empty, least-core epsilon is 1/3 and
    # the nucleolus (1/3 each) has exactly that largest excess
    g = Game.from_function(["A", "B", "C"], lambda s: float(len(s) >= 2))
    rec = recommend(g)
    assert not rec.in_core
    assert rec.core_epsilon_usd == pytest.approx(1 / 3, abs=1e-7)
    assert excesses(g, rec.allocation).max() == pytest.approx(least_core(g).epsilon, abs=1e-7)
    assert rec.allocation.to_numpy() == pytest.approx([1 / 3] * 3, abs=1e-7)


def test_no_imputation_falls_back_to_the_prenucleolus():
    # standalone values sum to 3 > v(N) = 2: no split gives each its standalone value
    g = Game.from_table({"A": 1, "B": 1, "C": 1, "A,B": 2, "A,C": 2, "B,C": 2, "A,B,C": 2})
    rec = recommend(g)
    assert rec.rule == "prenucleolus"
    assert rec.allocation.to_numpy() == pytest.approx([2 / 3] * 3, abs=1e-7)  # symmetric
    assert split(g, "recommended")[2] == "prenucleolus"


def _share_json(game: Game, path):
    doc = {"partners": list(game.players), "coalition_values": [
        {"coalition": sorted(c, key=list(game.players).index), "value_usd": v}
        for c, v in game.to_table().items()]}
    path.write_text(json.dumps(doc))
    return path


def test_game_json_reads_what_share_writes(tmp_path):
    g = Game.from_table(HAND)
    back = read_game_json(_share_json(g, tmp_path / "share.json"))
    assert back.players == g.players
    assert back.values().tolist() == g.values().tolist()


def test_share_game_cli_splits_a_given_game(tmp_path):
    f = _share_json(Game.from_table(HAND), tmp_path / "share.json")
    r = CliRunner().invoke(app, ["share", "--game", str(f), "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert list(out)[0] == "recommended"
    assert [out["recommended"]["allocation"][p] for p in "123"] == pytest.approx([45, 45, 10],
                                                                                 abs=1e-6)
    r = CliRunner().invoke(app, ["share", "--game", str(f), "--rule", "shapley", "--json"])
    # Shapley by hand: 3 adds 20 only when last (2 of 6 orders): 20/3; 1 and 2 split the rest
    assert [json.loads(r.stdout)["allocation"][p] for p in "123"] == pytest.approx(
        [140 / 3, 140 / 3, 20 / 3])
    text = CliRunner().invoke(app, ["share", "--game", str(f)]).stdout
    assert "Recommended deal: the nucleolus split" in text and "What holds" in text


def test_share_game_bad_file_is_one_line_exit_2(tmp_path):
    f = tmp_path / "bad.json"
    f.write_text(json.dumps({"partners": ["A", "B"], "coalition_values": [
        {"coalition": ["A"], "value_usd": 1.0}, {"coalition": ["A", "B"], "value_usd": 3.0}]}))
    r = CliRunner().invoke(app, ["share", "--game", str(f)])
    assert r.exit_code == 2
    assert "missing coalition 'B'" in r.output and "Traceback" not in r.output
