"""Workers that keep their model: a run of the structure of the run before writes its numbers
into the kept plan instance instead of building one. The slow twin is the serial executor that
builds every run's model anew (``SerialExecutor(keep_model=False)``); the kept-model serial
path, the process pool (started before the draws) and Monte Carlo through the pool give its
numbers run for run."""

import pytest

from autoalliance.dataset.footprint import load_footprint
from autoalliance.plan.instance import keep_model_across_runs, worker_model_stats
from autoalliance.scenarios import load_scenarios
from autoalliance.scenarios.montecarlo import run_montecarlo, sample_scenarios
from autoalliance.scenarios.store import Store
from autoalliance.scenarios.sweep import (
    SerialExecutor,
    execute,
    plan_tasks,
    resolve_settings,
    sweep,
)

SAMPLES = 3


def _numbers(store, keys):
    m = store.metrics(keys)
    return {(r.scenario, r.stage, r.company, r.period, r.metric): r.value
            for r in m.itertuples(index=False)}


def _same(got, want):
    assert got.keys() == want.keys() and want
    for k, v in want.items():
        assert got[k] == pytest.approx(v, rel=1e-9, abs=1e-3), k


@pytest.fixture(scope="module")
def mc_case():
    fp = load_footprint()
    sset = load_scenarios("policy_2026")
    mc = sset.spec.montecarlo.model_copy(update={"samples": SAMPLES})
    settings = resolve_settings(["exposure", "plan", "sharing"], sset.spec.fiscal_years,
                                sset.spec.horizon)
    return fp, sset, mc, settings, sample_scenarios(fp, sset, mc)


@pytest.fixture(scope="module")
def fresh(mc_case, tmp_path_factory):
    """Every run with a model of its own (the slow twin)."""
    fp, _, _, settings, draws = mc_case
    store = Store(tmp_path_factory.mktemp("fresh") / "runs.duckdb")
    rep = sweep(fp, draws, store, settings=settings, check=False,
                executor=SerialExecutor(keep_model=False))
    assert rep.written == SAMPLES and rep.failed == 0
    return _numbers(store, rep.run_keys)


def test_kept_instance_is_updated_not_rebuilt_and_answers_as_a_new_build(mc_case, fresh):
    fp, _, _, settings, draws = mc_case
    keep_model_across_runs(True)
    try:
        recs = [execute(fp, t) for t in plan_tasks(fp, draws, settings)]
        stats = worker_model_stats()
    finally:
        keep_model_across_runs(False)
    assert [r.status for r in recs] == ["ok"] * SAMPLES, [r.error for r in recs]
    assert stats == {"built": 1, "updated": SAMPLES - 1}  # one build, then numbers only
    _same({(r.scenario, m.stage, m.company, m.period, m.metric): m.value
           for r in recs for m in r.metrics.itertuples(index=False)}, fresh)


def test_montecarlo_through_the_pool_equals_the_fresh_serial_runs(mc_case, fresh, tmp_path):
    """run_montecarlo with 2 workers: the pool starts (ProcessExecutor.start) before the
    samples are drawn, the first sample runs here, the rest in workers that keep their model."""
    fp, sset, mc, settings, _ = mc_case
    store = Store(tmp_path / "mc.duckdb")
    res = run_montecarlo(fp, sset, mc, store=store, settings=settings, workers=2)
    assert res.report.executor == "processes" and res.report.failed == 0
    assert res.report.written == SAMPLES
    _same(_numbers(store, res.report.run_keys), fresh)
