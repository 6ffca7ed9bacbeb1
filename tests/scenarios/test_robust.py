"""Robust planning: with the expected-value objective, the two-stage plan's expected joint profit
over the set is at least that of the base-case plan's tooling and options with volumes
re-optimised in each scenario; each partner's expected profit is at least its standalone."""

import pytest

from autoalliance.scenarios import Scenario

plan = pytest.importorskip("autoalliance.plan")
from autoalliance.plan.testing import tiny_alliance  # noqa: E402
from autoalliance.scenarios.robust import robust_plan, solve_two_stage  # noqa: E402

SETTINGS = plan.Settings(horizon=(2026, 2027))


def _scenarios():
    return [
        Scenario(name="base"),
        Scenario.model_validate({"name": "deal_lapses", "overrides": {"measures": {"set": [
            {"where": {"measure": ["japan_vehicles", "japan_parts"]},
             "values": {"end": "2026-03-31"}}]}}}),
        Scenario.model_validate({"name": "beta_boom", "overrides": {"demand": {"scale": [
            {"where": {"company": "beta"}, "column": "units", "factor": 1.4}]}}}),
    ]


def test_robust_plan_beats_the_base_case_plan_in_expectation(tmp_path):
    fp = tiny_alliance(tmp_path / "ta")
    scenarios = [_scenarios()[0], _scenarios()[2]]
    res = robust_plan(fp, scenarios, objective="expected", settings=SETTINGS)
    assert res.base_ir_holds
    tol = 1e-6 * abs(res.base_expected_joint_usd) + 1.0
    assert res.robust_expected_joint_usd >= res.base_expected_joint_usd - tol
    c = res.companies.set_index("company")
    assert (c["robust_expected_usd"] >= c["standalone_expected_usd"] - 1.0).all()
    s = res.scenarios
    assert (s["robust_regret_usd"] >= -tol).all() and (s["base_plan_regret_usd"] >= -tol).all()
    assert set(res.choices["kind"]) == {"tooling", "option"}


def test_cvar_is_at_most_the_expected_joint_profit(tmp_path):
    from autoalliance.scenarios import apply_scenario

    fp = tiny_alliance(tmp_path / "ta")
    fps = [apply_scenario(fp, s) for s in _scenarios()[:2]]
    sol = solve_two_stage(fps, ["base", "deal_lapses"], ["alpha", "beta"], SETTINGS,
                          objective="cvar", tail=0.5)
    worst = sol.joint.min()
    assert sol.objective == pytest.approx(worst, rel=1e-6)  # tail 0.5 of two: the worst one
    assert sol.objective <= sol.expected_joint + 1.0
