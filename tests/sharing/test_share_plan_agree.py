"""``share`` and ``plan`` agree on which plan is split (issue 13): the split is of the plan
``plan --mode alliance`` returns, the fee schedule belongs to that plan, and no partner is asked
to fall below its standalone profit; without lump sums a split fees cannot deliver falls back
to the plan's own fees."""

import pytest

from autoalliance.plan import Settings, plan
from autoalliance.plan.testing import tiny_alliance
from autoalliance.sharing.alliance import share

SET = Settings(horizon=(2026, 2027))


@pytest.fixture(scope="module")
def fp(tmp_path_factory):
    return tiny_alliance(tmp_path_factory.mktemp("agree"))


def test_share_splits_the_alliance_plan(fp):
    res = share(fp, "shapley", settings=SET, workers=1)
    alone = plan(fp, "alliance", horizon=SET.horizon, settings=SET)
    assert res.plan.options_taken == alone.options_taken
    assert res.plan.joint_profit_usd == pytest.approx(alone.joint_profit_usd, rel=1e-9)
    target = res.extra["target"]
    # the targets hand out exactly the plan's joint profit, each at least standalone
    assert sum(target.values()) == pytest.approx(alone.joint_profit_usd, rel=1e-9)
    for p, v in target.items():
        assert v >= res.standalone[p] - 1.0
    # in the rule's proportions of the gain
    gain = {p: target[p] - res.standalone[p] for p in target}
    rule_gain = res.allocation - res.standalone
    for p in target:
        assert gain[p] / sum(gain.values()) == pytest.approx(rule_gain[p] / rule_gain.sum(),
                                                             rel=1e-6)
    assert res.extra["split_delivered"] and res.fees.feasible
    d = res.to_dict()
    assert d["split_delivered"] and "plan --mode alliance" in d["plan_split"]


def test_a_plan_the_alliance_rejects_is_not_split(fp):
    """Reproduction: with fixed per-unit fees the best joint plan leaves a partner below its
    standalone profit, so `plan --mode alliance` takes no option; `share` used to split that
    best joint plan anyway (and, without lump sums, report it undeliverable). It now splits
    the plan `plan` returns."""
    o = fp.options.copy()
    o.loc[o["option"].eq("cb"), ["fee_min_usd", "fee_max_usd"]] = 300.0
    o.loc[o["option"].eq("pt"), ["fee_min_usd", "fee_max_usd"]] = 100.0
    fixed = fp.replace(options=o)
    res = share(fixed, "shapley", settings=SET, lump_sum_allowed=False, workers=1)
    own = plan(fixed, "alliance", horizon=SET.horizon, settings=SET)
    assert res.plan.options_taken == own.options_taken
    # the game's grand value is the better plan the alliance cannot implement
    assert res.extra["grand_coalition_value_usd"] > own.joint_profit_usd + 1e6
    assert res.extra["plan_joint_profit_usd"] == pytest.approx(own.joint_profit_usd, rel=1e-9)
    assert res.extra["split_delivered"] and res.fees.feasible
    parts = res.fees.partners
    for p in res.partners:
        assert parts.loc[p, "final_usd"] >= res.standalone[p] - 1.0
