"""The re-solve oracle (``AUTOALLIANCE_CHECK_RESOLVE=1`` / ``--check-resolve``): every in-place
solve is also built and solved cold and the two compared. On here for the bundled dataset's
plan, share (every rule) and a library sweep; and shown to catch the warm start that gave a
smaller coalition's plan as optimal (issue 19)."""

import json

import numpy as np
import pytest

from autoalliance.plan import Settings, build_inputs
from autoalliance.plan.instance import (
    CHECK_RESOLVE,
    PlanInstance,
    SolverMismatch,
    check_resolve,
    checking,
    resolve_checked,
)


@pytest.fixture
def oracle(monkeypatch):
    """Every solve of the test checked against a cold build."""
    monkeypatch.setenv(CHECK_RESOLVE, "1")


@pytest.fixture(scope="module")
def bundled():
    from autoalliance.dataset.footprint import load_footprint

    return load_footprint()


def test_the_switch(monkeypatch):
    monkeypatch.delenv(CHECK_RESOLVE, raising=False)
    assert not checking()
    with resolve_checked(True):
        assert checking()
    assert not checking()
    for off in ("", "0", "false", "no"):
        monkeypatch.setenv(CHECK_RESOLVE, off)
        assert not checking()
    monkeypatch.setenv(CHECK_RESOLVE, "1")
    assert checking()


def test_bundled_plan_both_modes_under_the_oracle(oracle, bundled):
    from autoalliance.plan import plan

    for mode in ("standalone", "alliance"):
        res = plan(bundled, mode=mode)
        assert len(res.companies) == 3


def test_bundled_share_every_rule_under_the_oracle(oracle, bundled):
    """The issue's partner order (its coalitions and the alliance plan solved through the
    oracle), then every rule in the dataset's order (coalitions solved once per input state,
    each checked when solved)."""
    from autoalliance.sharing.alliance import share

    res = share(bundled, rule="shapley", partners=["mitsubishi", "honda", "nissan"], workers=1)
    v = res.coalition_values.set_index("coalition")["value_usd"]
    # superadditive where the issue saw it broken: Mitsubishi adds its standalone plan at least
    assert v["mitsubishi+honda"] >= v["mitsubishi"] + v["honda"] - 1e-6 * abs(v["honda"])
    for rule in ("shapley", "nash", "leastcore", "nucleolus"):
        res = share(bundled, rule=rule, workers=1)
        assert res.allocation.sum() == pytest.approx(v.iloc[-1], rel=1e-9)


def test_library_sweep_under_the_oracle(oracle, bundled, tmp_path):
    """A bundled-library scenario file swept with the plan stage, the oracle on."""
    from autoalliance.scenarios import load_scenarios
    from autoalliance.scenarios.store import Store
    from autoalliance.scenarios.sweep import resolve_settings, sweep

    sset = load_scenarios("yen_weak")
    s = resolve_settings(["plan"], horizon=sset.spec.horizon)
    rep = sweep(bundled, sset, Store(tmp_path / "runs.duckdb"), settings=s)
    assert rep.failed == 0, rep


def test_cli_flag_turns_the_oracle_on(monkeypatch, tmp_path):
    """``plan --check-resolve`` runs every solve through the oracle (counted here) and leaves the
    environment as it was."""
    from typer.testing import CliRunner

    from autoalliance.cli.main import app
    from autoalliance.plan import instance as mod
    from autoalliance.plan.testing import tiny_alliance

    monkeypatch.delenv(CHECK_RESOLVE, raising=False)
    tiny_alliance(tmp_path / "tiny")
    calls = []
    real = mod.check_resolve
    monkeypatch.setattr(mod, "check_resolve", lambda *a: (calls.append(a[1]), real(*a)))
    r = CliRunner().invoke(app, ["plan", str(tmp_path / "tiny"), "--check-resolve", "--json"])
    assert r.exit_code == 0, r.output
    assert calls, "no solve was checked"
    assert not checking()
    json.loads(r.stdout)


def _sequence(fp, s):
    inst = PlanInstance(build_inputs(fp, ["mitsubishi", "honda", "nissan"], s), s)
    for c in [("mitsubishi",), ("honda",), ("mitsubishi", "honda")]:
        inst.solve(c)


def test_the_old_warm_start_is_caught(bundled, monkeypatch):
    """Put back the MIP start the instance used to hand HiGHS (the previous solution clipped to
    the new bounds): the third solve of the issue's sequence then reads back honda's plan with
    the objective of mitsubishi+honda's, and the read-back check stops it."""
    import highspy

    s = Settings().for_dataset(bundled)
    real = PlanInstance._run

    def with_start(self):
        last = getattr(self, "_previous", None)
        if last is not None:
            h = self.highs
            h.clearSolver()
            sol = highspy.HighsSolution()
            sol.col_value = np.clip(last, self.current.lb, self.current.ub)
            sol.value_valid = True
            h.setSolution(sol)
            h.run()
            x = np.asarray(h.getSolution().col_value)
            reported = h.getInfo().objective_function_value
            if abs(float(self.base.cost @ x) - reported) > 1e-9 * abs(reported):
                raise SolverMismatch("read back a solution that is not the one found")
            self._previous = x
            return "optimal", x
        status, x = real(self)
        self._previous = x
        return status, x

    monkeypatch.setattr(PlanInstance, "_run", with_start)
    with pytest.raises(SolverMismatch):
        _sequence(bundled, s)


def test_a_stale_answer_is_caught_by_the_oracle(bundled, monkeypatch):
    """An in-place solve that returns the previous coalition's plan (consistent with itself, so
    no read-back check can see it) differs from the cold build: the oracle names the
    coalition and both values."""
    s = Settings().for_dataset(bundled)
    monkeypatch.setenv(CHECK_RESOLVE, "1")
    real = PlanInstance._run

    def stale(self):
        status, x = real(self)
        prev = getattr(self, "_previous", None)
        self._previous = x
        return status, (x if prev is None else prev)

    monkeypatch.setattr(PlanInstance, "_run", stale)
    with pytest.raises(SolverMismatch, match=r"coalition honda is worth .* built and solved "
                                             r"cold"):
        _sequence(bundled, s)


def test_check_resolve_compares_with_a_cold_build(tmp_path):
    """The oracle's reference is the coalition's own inputs built and solved cold: a value off
    by one part in 1e8 is refused, the right one passes."""
    from autoalliance.plan.testing import tiny_alliance

    fp = tiny_alliance(tmp_path / "tiny")
    s = Settings(horizon=(2026, 2027))
    inst = PlanInstance(build_inputs(fp, ["alpha", "beta"], s), s, fp=fp, check=False)
    for c in [("beta",), ("alpha", "beta")]:
        status, sol = inst.solve(c)
        check_resolve(inst, c, None, (status, sol))
        off = type(sol)(**{**sol.__dict__, "objective": sol.objective * (1 + 1e-8)})
        with pytest.raises(SolverMismatch, match="built and solved cold"):
            check_resolve(inst, c, None, (status, off))
