"""Tiny alliance footprints for planner tests (public, so users' own tests can reuse them).

``tiny_alliance_tables()``: two firms (alpha, beta), three vehicle plants (alpha's US and Japan
plants, beta's US plant), four nameplates, demand for FY2026-FY2027, one tooling row, and one
option of each kind (contract build, shared powertrain, joint vehicle, do nothing). Beta is short
of US capacity and alpha's US plant has room, so the contract build is worth something.

``shared_quota_tables()``: two firms importing under one tariff-rate quota (issue 19).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from autoalliance.dataset.footprint import Footprint
from autoalliance.testing import LAW_2025, SRC, tiny_footprint

YEARS = (2026, 2027)


def _rows(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame([{**r, "source": SRC, "assumption": ""} for r in rows])


def tiny_alliance_tables() -> dict[str, pd.DataFrame]:
    """Raw (string-celled as a CSV holds them) tables of the tiny alliance dataset."""
    companies = _rows([
        dict(company="alpha", name="Alpha Motor", currency="JPY", fiscal_year_start_month=4),
        dict(company="beta", name="Beta Motor", currency="JPY", fiscal_year_start_month=4)])
    fx = _rows([dict(currency="JPY", start="2020-01-01", end="2035-12-31", per_usd=150)])
    plants = _rows([
        dict(plant="a_us", company="alpha", name="Alpha US", country="US", kind="vehicle",
             capacity_units=150000, utilisation=0.5, platforms="P"),
        dict(plant="a_jp", company="alpha", name="Alpha Japan", country="JP", kind="vehicle",
             capacity_units=200000, utilisation=0.8, platforms="P;Q"),
        dict(plant="b_us", company="beta", name="Beta US", country="US", kind="vehicle",
             capacity_units=120000, utilisation=0.95, platforms="R")])
    nameplates = _rows([
        dict(nameplate="a_suv", company="alpha", brand="Alpha", segment="compact_suv",
             platform="P", powertrain="ice", category="car", msrp_usd=32000),
        dict(nameplate="a_sedan", company="alpha", brand="Alpha", segment="midsize_sedan",
             platform="Q", powertrain="hybrid", category="car", msrp_usd=30000),
        dict(nameplate="b_suv", company="beta", brand="Beta", segment="compact_suv",
             platform="R", powertrain="ice", category="car", msrp_usd=34000),
        dict(nameplate="b_hyb", company="beta", brand="Beta", segment="midsize_sedan",
             platform="R", powertrain="hybrid", category="car", msrp_usd=33000)])
    dem = {"a_suv": (90000, 95000), "a_sedan": (70000, 72000), "b_suv": (110000, 115000),
           "b_hyb": (50000, 52000)}
    demand = _rows([dict(nameplate=n, market="US", fiscal_year=y, units=u)
                    for n, us in dem.items() for y, u in zip((2025,) + YEARS, (us[0],) + us)])
    today = [("a_suv", "a_us", 0.6), ("a_suv", "a_jp", 0.4), ("a_sedan", "a_jp", 1.0),
             ("b_suv", "b_us", 1.0), ("b_hyb", "b_us", 1.0)]
    sourcing = _rows([dict(nameplate=n, plant=p, market="US", fiscal_year=y, share=sh)
                      for y in (2025,) + YEARS for n, p, sh in today])
    cost = dict(usmca_qualifying="false")
    costs = _rows([
        dict(nameplate="a_suv", plant="a_us", customs_value_usd=26000, variable_cost_usd=24500,
             us_content_share=1.0, logistics_usd=400, **cost),
        dict(nameplate="a_suv", plant="a_jp", customs_value_usd=26000, variable_cost_usd=22000,
             us_content_share=0.0, logistics_usd=1600, **cost),
        dict(nameplate="a_sedan", plant="a_jp", customs_value_usd=24000,
             variable_cost_usd=20500, us_content_share=0.0, logistics_usd=1600, **cost),
        dict(nameplate="a_sedan", plant="a_us", customs_value_usd=24000,
             variable_cost_usd=22800, us_content_share=1.0, logistics_usd=400, **cost),
        dict(nameplate="b_suv", plant="b_us", customs_value_usd=27000, variable_cost_usd=25000,
             us_content_share=1.0, logistics_usd=450, **cost),
        dict(nameplate="b_suv", plant="a_us", customs_value_usd=27000, variable_cost_usd=25600,
             us_content_share=1.0, logistics_usd=500, **cost),
        dict(nameplate="b_hyb", plant="b_us", customs_value_usd=26500, variable_cost_usd=24000,
             us_content_share=1.0, logistics_usd=450, **cost)])
    parts = _rows([dict(plant="a_us", origin="JP", usmca_compliant="false", share=0.2),
                   dict(plant="b_us", origin="JP", usmca_compliant="false", share=0.1)])
    revenue = _rows([dict(nameplate="a_suv", market="US", net_price_usd=29500),
                     dict(nameplate="a_sedan", market="US", net_price_usd=27000),
                     dict(nameplate="b_suv", market="US", net_price_usd=30500),
                     dict(nameplate="b_hyb", market="US", net_price_usd=29800)])
    tooling = _rows([dict(plant="a_us", investment_usd=60e6, lead_time_years=1)])
    options = _rows([
        dict(option="cb", kind="contract_build", owner="beta", host="alpha",
             nameplates="b_suv", plant="a_us", investment_usd=40e6, programme_cost_usd="",
             programme_share_owner="", lead_time_years=1, capacity_units=60000,
             fee_min_usd=300, fee_max_usd=2500, unit_cost_effect_usd=150),
        dict(option="pt", kind="shared_powertrain", owner="alpha", host="beta",
             nameplates="a_sedan", plant="", investment_usd=15e6, programme_cost_usd="",
             programme_share_owner="", lead_time_years=0, capacity_units=50000,
             fee_min_usd=100, fee_max_usd=400, unit_cost_effect_usd=-500),
        dict(option="jv", kind="joint_vehicle", owner="alpha", host="beta",
             nameplates="a_suv;b_suv", plant="", investment_usd=0, programme_cost_usd=120e6,
             programme_share_owner=0.5, lead_time_years=1, capacity_units="",
             fee_min_usd=0, fee_max_usd=0, unit_cost_effect_usd=-450),
        dict(option="none", kind="do_nothing", owner="", host="", nameplates="", plant="",
             investment_usd=0, programme_cost_usd="", programme_share_owner="",
             lead_time_years=0, capacity_units="", fee_min_usd="", fee_max_usd="",
             unit_cost_effect_usd="")])
    return {"companies": companies, "fx": fx, "plants": plants, "nameplates": nameplates,
            "demand": demand, "sourcing": sourcing, "costs": costs, "parts_content": parts,
            "measures": pd.DataFrame(LAW_2025), "revenue": revenue, "tooling": tooling,
            "options": options}


def tiny_alliance(folder: str | Path, **overrides) -> Footprint:
    """Write the tiny alliance dataset (with table overrides) to ``folder`` and load it."""
    tables = tiny_alliance_tables()
    tables.update(overrides)
    return tiny_footprint(folder, **tables)


def shared_quota_tables(units: int = 80000, investment_usd: float = 50e6) -> dict:
    """Raw tables of two firms importing under one tariff-rate quota (the UK's 100,000 cars a
    calendar year at 10%, 27.5% beyond it): alpha's and beta's sedans, ``units`` a year each in
    FY2025-FY2027, both built today at alpha's UK plant ``uk``; one option, a contract build of
    beta's sedan at alpha's US plant (``investment_usd``, a year's lead time, 80,000 a year).
    Per car (USD): net price 27,000; built in the UK, variable cost 18,000 and logistics 1,500
    on a 24,000 customs value (so 900 beyond the quota, 5,100 within it); built in the US,
    21,000 and 300 with no imported parts (5,700, no duty)."""
    row = dict(source=SRC, assumption="")
    companies = _rows([
        dict(company="alpha", name="Alpha Motor", currency="JPY", fiscal_year_start_month=4),
        dict(company="beta", name="Beta Motor", currency="JPY", fiscal_year_start_month=4)])
    fx = _rows([dict(currency="JPY", start="2020-01-01", end="2035-12-31", per_usd=150)])
    plants = _rows([
        dict(plant="uk", company="alpha", name="Alpha UK", country="GB", kind="vehicle",
             capacity_units=300000, utilisation=0.5, platforms="Q"),
        dict(plant="a_us", company="alpha", name="Alpha US", country="US", kind="vehicle",
             capacity_units=100000, utilisation=0.5, platforms="P")])
    nameplates = _rows([
        dict(nameplate=n, company=c, brand=c.title(), segment="midsize_sedan", platform="Q",
             powertrain="ice", category="car", msrp_usd=30000)
        for n, c in (("a_sedan", "alpha"), ("b_sedan", "beta"))])
    years = (2025,) + YEARS
    demand = _rows([dict(nameplate=n, market="US", fiscal_year=y, units=units)
                    for n in ("a_sedan", "b_sedan") for y in years])
    sourcing = _rows([dict(nameplate=n, plant="uk", market="US", fiscal_year=y, share=1.0)
                      for n in ("a_sedan", "b_sedan") for y in years])
    uk = dict(plant="uk", customs_value_usd=24000, variable_cost_usd=18000,
              us_content_share=0.0, logistics_usd=1500, usmca_qualifying="false")
    costs = _rows([dict(nameplate="a_sedan", **uk), dict(nameplate="b_sedan", **uk),
                   dict(nameplate="b_sedan", plant="a_us", customs_value_usd=24000,
                        variable_cost_usd=21000, us_content_share=1.0, logistics_usd=300,
                        usmca_qualifying="false")])
    revenue = _rows([dict(nameplate=n, market="US", net_price_usd=27000)
                     for n in ("a_sedan", "b_sedan")])
    parts = pd.DataFrame(columns=["plant", "origin", "usmca_compliant", "share", *row])
    options = _rows([
        dict(option="cb", kind="contract_build", owner="beta", host="alpha",
             nameplates="b_sedan", plant="a_us", investment_usd=investment_usd,
             programme_cost_usd="", programme_share_owner="", lead_time_years=1,
             capacity_units=80000, fee_min_usd=0, fee_max_usd=3000, unit_cost_effect_usd=0),
        dict(option="none", kind="do_nothing", owner="", host="", nameplates="", plant="",
             investment_usd=0, programme_cost_usd="", programme_share_owner="",
             lead_time_years=0, capacity_units="", fee_min_usd="", fee_max_usd="",
             unit_cost_effect_usd="")])
    return {"companies": companies, "fx": fx, "plants": plants, "nameplates": nameplates,
            "demand": demand, "sourcing": sourcing, "costs": costs, "parts_content": parts,
            "measures": pd.DataFrame(LAW_2025), "revenue": revenue, "options": options}


def shared_quota(folder: str | Path, **kwargs) -> Footprint:
    """Write the two-firm quota dataset (``shared_quota_tables(**kwargs)``) and load it."""
    return tiny_footprint(folder, **shared_quota_tables(**kwargs))


def assert_instance_matches_build(inst, d=None, atol: float = 1e-12) -> None:
    """The numbers held by a built :class:`~autoalliance.plan.instance.PlanInstance` equal what
    the ``define_*`` functions build from plan inputs ``d`` (default: the instance's own): the
    costs and matrix coefficients inside its HiGHS model, and the column and row bounds it
    writes per solve (individual-rationality rows open). In the style of linopy's
    ``assert_model_equal``; raises AssertionError naming the family, the row or column and both
    values. For the in-place update of new numbers (``PlanInstance.update``)."""
    import numpy as np
    from scipy import sparse

    from autoalliance.plan.instance import IR, _vectors
    from autoalliance.plan.model import build_model

    d = inst.d if d is None else d
    m, _ = build_model(d, inst.settings.max_lost_share, {c: 0.0 for c in d.companies})
    want = _vectors(m)
    want.row_lo[inst.row_ir] = -np.inf
    family = np.empty(len(want.lb), dtype=object)
    for name, (pos, _, _) in inst._col_members.items():
        family[pos] = name
    rows = np.empty(len(want.row_lo), dtype=object)
    for name in m.constraints:
        labels = m.constraints[name].labels.values.ravel()
        rows[np.searchsorted(inst._clabels, labels[labels >= 0])] = name
    rows[inst.row_ir] = IR

    def same(what, got, exp, names):
        got, exp = np.asarray(got, float), np.asarray(exp, float)
        assert got.shape == exp.shape, f"{what}: {got.shape} entries, the build has {exp.shape}"
        with np.errstate(invalid="ignore"):  # inf - inf where both bounds are open
            bad = np.flatnonzero(~((got == exp) | (np.abs(got - exp) <= atol)))
        if len(bad):
            k = bad[0]
            raise AssertionError(f"{what} of {names[k]} (entry {k}): the instance has "
                                 f"{got[k]!r}, define_* builds {exp[k]!r} ({len(bad)} differ)")

    lp = inst.highs.getLp()
    same("cost", lp.col_cost_, want.cost, family)
    for what in ("lb", "ub", "row_lo", "row_hi"):
        same(what, getattr(inst.base, what), getattr(want, what),
             family if what in ("lb", "ub") else rows)
    a = lp.a_matrix_
    shape = (lp.num_row_, lp.num_col_)
    data = (np.asarray(a.value_), np.asarray(a.index_), np.asarray(a.start_))
    held = (sparse.csc_matrix(data, shape=shape) if int(a.format_) == 1 else
            sparse.csr_matrix(data, shape=shape)).tocoo()
    # HiGHS drops a coefficient no larger than its small_matrix_value (1e-9) on every pass-in,
    # a cold build's included: such an entry of the build counts as the zero HiGHS holds
    small = float(inst.highs.getOptionValue("small_matrix_value")[1])
    exp = sparse.csr_matrix(want.A, copy=True)
    exp.data[np.abs(exp.data) <= small] = 0.0
    exp.eliminate_zeros()
    diff = (held.tocsr() - exp).tocoo()
    big = np.abs(diff.data) > atol
    if big.any():
        r, c = diff.row[big][0], diff.col[big][0]
        raise AssertionError(f"coefficient of {family[c]} in {rows[r]} (row {r}, column {c}): "
                             f"the instance has {held.tocsr()[r, c]!r}, define_* builds "
                             f"{exp[r, c]!r} ({int(big.sum())} differ)")


__all__ = ["YEARS", "assert_instance_matches_build", "shared_quota", "shared_quota_tables",
           "tiny_alliance", "tiny_alliance_tables"]
