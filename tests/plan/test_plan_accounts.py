"""One definition of the money: each company's accounts are named expressions on the plan model
(``account_<line>``, ``profit``), the objective is their sum (PyPSA's ``test_statistics``
pattern: system cost == objective), and the reported accounts equal a plain pandas re-derivation
on the plan inputs (the slow twin, ``_accounts_twin``), on the tiny, the bundled, a synthetic and
a quota-binding dataset, from a fresh build and from the built instance."""

from __future__ import annotations

import pandas as pd
import pytest
from _accounts_twin import accounts_by_arithmetic, tables_by_pandas
from test_plan_quota import uk_sedan

from autoalliance.plan import Settings, build_inputs, default_partners, solve_inputs
from autoalliance.plan.instance import PlanInstance
from autoalliance.plan.model import ACCOUNTS, MONEY, build_model
from autoalliance.plan.result import assemble, company_accounts, profit_by_company
from autoalliance.plan.testing import YEARS, tiny_alliance

REL = 1e-9


def _tiny(tmp):
    sp = pd.DataFrame([dict(company="alpha", market="US", origin="JP", usmca_compliant="false",
                            value_usd=40e6, source="t", assumption="")])
    return tiny_alliance(tmp, service_parts=sp), Settings(horizon=YEARS, mip_rel_gap=0.0)


def _bundled(tmp):
    from autoalliance.dataset.footprint import load_footprint
    return load_footprint(), Settings()


def _synthetic(tmp):
    from autoalliance.dataset.synth import synth_footprint
    fp = synth_footprint(tmp / "syn", companies=3, plants=10, nameplates=16, years=4, seed=7)
    return fp, Settings(horizon=(2026, 2027), mip_rel_gap=0.0)


def _quota(tmp):
    """alpha's UK-built sedan under the 100,000-car UK quota, 160,000 a year: it binds."""
    return uk_sedan(tmp), Settings(horizon=YEARS, mip_rel_gap=0.0)


DATASETS = {"tiny": _tiny, "bundled": _bundled, "synthetic": _synthetic, "quota": _quota}


def _check(d, sol):
    acc = company_accounts(d, sol)
    # the objective (the solver's, in million USD) is the sum of the accounts
    assert acc["profit"].sum() == pytest.approx(sol.objective * MONEY, rel=REL, abs=1.0)
    tiny = 1e-12 * max(1.0, float(acc["profit"].abs().max()))  # rounding only
    assert (acc["profit"] - sum(s * acc[k] for k, s in ACCOUNTS.items())).abs().max() <= tiny
    # each company's profit row (Book.profits) gives the same
    rows = profit_by_company(d, sol)
    assert max(abs(rows[c] - acc.at[c, "profit"]) for c in d.companies) <= tiny
    # the slow twin: the same money by pandas arithmetic on the inputs
    twin = accounts_by_arithmetic(d, sol)[acc.columns]
    scale = max(1.0, float(acc.abs().to_numpy().max()))
    assert (acc - twin).abs().to_numpy().max() <= 1e-9 * scale, (acc - twin)
    return acc


@pytest.mark.parametrize("name", list(DATASETS))
def test_accounts_sum_to_the_objective(tmp_path, name):
    fp, s = DATASETS[name](tmp_path)
    companies = default_partners(fp)
    d = build_inputs(fp, companies, s)
    m, parts = build_model(d, s.max_lost_share)
    for line in ACCOUNTS:  # named on the model, one per line, over the companies
        assert list(m.expressions[f"account_{line}"].coords["company"].values) == companies
    assert "profit" in m.expressions
    fresh = _check(d, solve_inputs(d, s))
    inst = PlanInstance(d, s)
    for coalition in [tuple(companies)] + [(c,) for c in companies]:
        status, sol = inst.solve(coalition)
        assert status == "optimal"
        acc = _check(d, sol)
        outside = [c for c in companies if c not in coalition]
        assert (acc.loc[outside] == 0).all().all()  # a non-member's columns are all zero
    grand = company_accounts(d, inst.solve(tuple(companies))[1])
    assert grand["profit"].sum() == pytest.approx(fresh["profit"].sum(), rel=REL)
    if name == "quota":  # the quota binds: its room is full, the rest pays the over-quota rate
        q = inst.solve(tuple(companies))[1].in_quota.to_series().reindex(d.quota.index)
        filled = q.groupby([d.quota["measure"], d.quota["calendar_year"],
                            d.quota["lane"].map(d.lanes["company"])]).sum()
        room = d.quota_room.reindex(filled.index)
        assert ((filled - room).abs() < 1e-3).any() and (room > 0).any()
    if name == "tiny":  # service parts: 40M a year at the deal's 15%, in alpha's gross duty
        assert d.service["duty_usd"].sum() == pytest.approx(2 * 40e6 * 0.15)


def _same_tables(fast, slow: dict, quota: bool) -> None:
    for name in ("companies", "utilisation", "sales", "moves", "options", "tooling"):
        a = getattr(fast, name).reset_index(drop=True)
        b = slow[name].reset_index(drop=True)
        if name == "companies":
            b = b[a.columns]
        pd.testing.assert_frame_equal(a, b, check_dtype=False, rtol=1e-9, atol=1e-6,
                                      obj=name)
    a, b = fast.flows.reset_index(drop=True), slow["flows"].reset_index(drop=True)
    if quota:  # segments that save the same may share a quota otherwise than greedily
        pd.testing.assert_series_equal(a.groupby("company")["gross_duty_usd"].sum(),
                                       b.groupby("company")["gross_duty_usd"].sum(),
                                       rtol=1e-9)
        a, b = a.drop(columns="gross_duty_usd"), b.drop(columns="gross_duty_usd")
    pd.testing.assert_frame_equal(a, b, check_dtype=False, rtol=1e-9, atol=1e-6, obj="flows")


@pytest.mark.parametrize("name", list(DATASETS))
def test_tables_from_the_solution_vector_equal_the_pandas_path(tmp_path, name):
    """Issue 20: the plan's tables as array products over the solution equal the joins and
    group-bys they replace (the slow twin), for the grand coalition and each firm alone."""
    fp, s = DATASETS[name](tmp_path)
    companies = default_partners(fp)
    d = build_inputs(fp, companies, s)
    inst = PlanInstance(d, s)
    for coalition in [tuple(companies)] + [(c,) for c in companies]:
        sol = inst.solve(coalition)[1]
        alone = {c: 1.0e9 for c in companies}
        _same_tables(assemble(fp, d, sol, alone), tables_by_pandas(fp, d, sol, alone),
                     quota=name == "quota")
