"""Individual rationality and the fee ranges hold at the precision the tool reports, for every
scenario of the bundled library (issue 19): the margin each partner must gain is above what the
solver may leave a row short ($1 in model units of $1M), and each option's fee per covered unit
is inside its range."""

import pytest

from autoalliance.plan import Settings, plan
from autoalliance.plan.model import MONEY
from autoalliance.plan.solve import FEASIBILITY_TOL, IR_MARGIN_MIN_USD, ir_margin


def test_the_margin_is_above_the_solver_tolerance():
    slack = FEASIBILITY_TOL * MONEY  # USD a row may miss its bound by
    assert IR_MARGIN_MIN_USD >= 100 * slack
    assert ir_margin(Settings()) >= IR_MARGIN_MIN_USD
    assert ir_margin(Settings(ir_margin_usd=1.0)) == IR_MARGIN_MIN_USD  # raised, not ignored
    assert ir_margin(Settings(ir_margin_usd=0.0)) == 0.0  # no margin asked: none


@pytest.fixture(scope="module")
def library():
    from autoalliance.dataset.footprint import load_footprint
    from autoalliance.scenarios import apply_scenario, load_scenarios

    fp = load_footprint()
    ss = load_scenarios("policy_2026")
    return [("base", fp)] + [(sc.name, apply_scenario(fp, sc, ss.origins))
                             for sc in ss.scenarios]


def test_every_partner_gains_the_margin_and_fees_stay_in_range(library):
    slack = FEASIBILITY_TOL * MONEY
    for name, fp in library:
        res = plan(fp, mode="alliance")
        c = res.companies.set_index("company")
        gain = c["profit_usd"] - c["standalone_profit_usd"]
        assert (gain >= IR_MARGIN_MIN_USD - slack).all(), (name, gain.to_dict())
        assert (c["gain_usd"] - gain).abs().max() <= 1e-6 * c["profit_usd"].abs().max()
        bounds = fp.table("options").set_index("option")
        o = res.options[res.options["taken"] & (res.options["covered_units"] > 0)]
        for r in o.itertuples():
            lo, hi = bounds.loc[r.option, ["fee_min_usd", "fee_max_usd"]]
            per_unit = r.fees_usd / r.covered_units
            assert lo - 1e-6 <= per_unit <= hi + 1e-6, (name, r.option, per_unit, lo, hi)


def test_yen_weak_leaves_no_partner_at_zero(library):
    """The issue's case: with a $1 margin Mitsubishi ended at a gain of exactly 0 (the row short
    by its tolerance) and the joint gain was the plan without a gain for it."""
    fp = dict(library)["yen_weak"]
    c = plan(fp, mode="alliance").companies.set_index("company")
    assert c.loc["mitsubishi", "gain_usd"] >= IR_MARGIN_MIN_USD - FEASIBILITY_TOL * MONEY
