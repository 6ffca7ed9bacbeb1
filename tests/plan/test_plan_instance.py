"""Build once, solve many: a built model re-solved for a coalition, floors or new numbers gives
the plan and profits of a fresh build (the independent reference: ``solve_inputs`` builds the
coalition's own model from its own inputs)."""

import itertools

import numpy as np
import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from autoalliance.plan import Settings, build_inputs, solve_inputs
from autoalliance.plan.instance import PlanInstance, StructureChanged, restrict, same_structure
from autoalliance.plan.result import profit_by_company
from autoalliance.plan.testing import tiny_alliance

SETTINGS = Settings(horizon=(2026, 2027))
REL = 1e-9


@pytest.fixture(scope="module")
def fp(tmp_path_factory):
    return tiny_alliance(tmp_path_factory.mktemp("instance"))


@pytest.fixture(scope="module")
def instance(fp):
    return PlanInstance(build_inputs(fp, ["alpha", "beta"], SETTINGS), SETTINGS)


def _coalitions(companies):
    return [c for k in range(1, len(companies) + 1) for c in itertools.combinations(companies, k)]


def _same(fp, inst, coalition, floors=None, warm=True):
    """The instance's plan for ``coalition`` equals a fresh build's: profits, objective and the
    production, options and covered units."""
    d = build_inputs(fp, list(coalition), SETTINGS)
    fresh = solve_inputs(d, SETTINGS, floors)
    status, sol = inst.solve(coalition, floors, warm=warm)
    assert status == "optimal"
    mine = restrict(sol, d)
    a, b = profit_by_company(d, mine), profit_by_company(d, fresh)
    scale = max(1.0, sum(abs(v) for v in b.values()))
    for c in b:
        assert abs(a[c] - b[c]) <= REL * scale, (coalition, c, a[c], b[c])
    assert mine.objective == pytest.approx(fresh.objective, rel=REL, abs=1e-9)
    for name in ("production", "option", "covered", "tooling"):
        x, y = getattr(mine, name), getattr(fresh, name)
        assert (x is None) == (y is None), name
        if x is not None:
            np.testing.assert_allclose(x.transpose(*y.dims).to_numpy(), y.to_numpy(),
                                       rtol=1e-7, atol=1e-6, err_msg=name)
    return a


def test_every_coalition_from_one_model(fp, instance):
    for coalition in _coalitions(["alpha", "beta"]):
        _same(fp, instance, coalition)


def test_floors_are_row_bounds(fp, instance):
    alone = {c: sum(profit_by_company(build_inputs(fp, [c], SETTINGS), solve_inputs(
        build_inputs(fp, [c], SETTINGS), SETTINGS)).values()) for c in ("alpha", "beta")}
    got = _same(fp, instance, ("alpha", "beta"), {c: v + 1.0 for c, v in alone.items()})
    for c, v in alone.items():
        assert got[c] >= v + 1.0 - 1e-6


def test_warm_start_never_changes_an_answer(fp, instance):
    order = _coalitions(["alpha", "beta"])
    cold = {c: instance.solve(c, warm=False)[1].objective for c in order}
    for c in order[::-1] + order:  # every coalition after every other, warm
        instance.forget()  # solve again rather than answer from the kept solutions
        assert instance.solve(c, warm=True)[1].objective == pytest.approx(cold[c], rel=REL)


def test_bundled_dataset_every_coalition():
    """The sharing game's every coalition on the bundled dataset, one model against fresh
    builds."""
    from autoalliance.dataset.footprint import load_footprint
    from autoalliance.plan import default_partners

    big = load_footprint()
    s = Settings()
    partners = default_partners(big)
    inst = PlanInstance(build_inputs(big, partners, s), s)
    for coalition in _coalitions(partners):
        d = build_inputs(big, list(coalition), s)
        fresh = sum(profit_by_company(d, solve_inputs(d, s)).values())
        sol = inst.solve(coalition)[1]
        mine = sum(profit_by_company(inst.d, sol).values())
        assert mine == pytest.approx(fresh, rel=REL), coalition


def _variant(fp, demand, capacity, rate, fx, investment, fee):
    """The footprint with scenario overrides: demand, plant capacity, tariff rates, FX,
    option investment and fee ranges scaled."""
    t = {k: fp.table(k).copy() for k in ("demand", "plants", "measures", "fx", "options")}
    t["demand"]["units"] = t["demand"]["units"] * demand
    t["plants"]["capacity_units"] = (t["plants"]["capacity_units"] * capacity).round()
    t["measures"]["rate"] = t["measures"]["rate"] * rate
    t["fx"]["per_usd"] = t["fx"]["per_usd"] * fx
    o = t["options"]
    o["investment_usd"] = o["investment_usd"] * investment
    o["fee_max_usd"] = o["fee_max_usd"] * fee
    return fp.replace(**t)


@settings(max_examples=5, deadline=None, phases=[Phase.explicit, Phase.generate])
@given(demand=st.floats(0.5, 1.5), capacity=st.floats(0.5, 1.5), rate=st.floats(0.0, 3.0),
       fx=st.floats(0.7, 1.4), investment=st.floats(0.0, 3.0), fee=st.floats(1.0, 2.0))
def test_new_numbers_in_place_match_a_fresh_build(fp, instance, demand, capacity, rate, fx,
                                                  investment, fee):
    var = _variant(fp, demand, capacity, rate, fx, investment, fee)
    d = build_inputs(var, ["alpha", "beta"], SETTINGS)
    assert same_structure(instance.d, d)
    instance.update(d)
    for coalition in _coalitions(["alpha", "beta"]):
        _same(var, instance, coalition)


def test_another_structure_is_refused(fp, instance):
    d = build_inputs(fp, ["alpha"], SETTINGS)
    assert not same_structure(instance.d, d)
    with pytest.raises(StructureChanged):
        instance.update(d)
