"""The alliance game built from the planner, its split and the fee schedule."""

import itertools
import math

import pytest

from autoalliance.plan import Settings, plan
from autoalliance.plan.testing import tiny_alliance
from autoalliance.sharing.alliance import alliance_game, share


@pytest.fixture(scope="module")
def fp(tmp_path_factory):
    return tiny_alliance(tmp_path_factory.mktemp("alliance"))


def test_singletons_are_the_standalone_plans(fp):
    alone = plan(fp, mode="standalone", horizon=(2026, 2027)).companies.set_index("company")
    game = alliance_game(fp, settings=Settings(horizon=(2026, 2027)), workers=1)
    for c in game.players:
        assert game.value(frozenset([c])) == pytest.approx(alone.at[c, "profit_usd"], rel=1e-9)


@pytest.mark.parametrize("rule", ["shapley", "nash", "leastcore", "nucleolus"])
def test_split_hands_out_the_grand_value_and_fees_deliver_it(fp, rule):
    res = share(fp, rule, settings=Settings(horizon=(2026, 2027)), workers=1)
    values = {frozenset(r.coalition.split("+")): r.value_usd
              for r in res.coalition_values.itertuples()}
    grand = values[frozenset(res.partners)]
    assert res.allocation.sum() == pytest.approx(grand, rel=1e-9)
    assert res.fees.feasible
    parts = res.fees.partners
    assert (parts["final_usd"] - parts["target_usd"]).abs().max() < 1.0
    if rule == "shapley":  # independent: the average marginal contribution over all orders
        n = len(res.partners)
        for p in res.partners:
            tot = 0.0
            for order in itertools.permutations(res.partners):
                before = frozenset(order[:order.index(p)])
                tot += values.get(before | {p}, 0.0) - values.get(before, 0.0)
            assert res.allocation[p] == pytest.approx(tot / math.factorial(n), rel=1e-9)
    if rule in ("leastcore", "nucleolus") and res.core_epsilon <= 0:
        assert res.in_core
        assert (res.allocation >= res.standalone - 1e-6 * abs(grand)).all()


def test_share_cli_on_the_default_dataset():
    """Done-criterion of the sharing issue: three partners, each at least its standalone value,
    with the fee schedule."""
    import json

    from typer.testing import CliRunner

    from autoalliance.cli.main import app

    r = CliRunner().invoke(app, ["share", "--rule", "shapley", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["rule"] == "shapley"
    assert out["partners"] == ["nissan", "honda", "mitsubishi"]
    for p in out["partners"]:
        assert out["allocation"][p] >= out["standalone"][p]
    assert isinstance(out["in_core"], bool)
    assert out["fee_schedule"]["feasible"] and out["fee_schedule"]["fees"]
