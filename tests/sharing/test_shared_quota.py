"""A tariff-rate quota that several partners import under (issue 19): each firm fits at most its
own allotment of the quota in every plan (``plan.data.quota_allotments``), so the standalone plan
and the game's v({i}) agree, an alliance that changes no flow gains exactly 0, and the game stays
superadditive. Checked against a MILP written by hand from the dataset's numbers
(``shared_quota_tables``) and solved with scipy."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from autoalliance.plan import Settings, plan
from autoalliance.plan.data import quota_allotments
from autoalliance.plan.testing import YEARS, shared_quota
from autoalliance.sharing.alliance import share

S = Settings(horizon=YEARS, mip_rel_gap=0.0)
UNITS = 80000
QUOTA = 100000
# USD per car: UK-built beyond the quota 27,000 - 18,000 - 1,500 - 27.5% x 24,000 = 900; within
# it the duty is 10% (saves 17.5% x 24,000 = 4,200); US-built 27,000 - 21,000 - 300 = 5,700
UK_OVER, SAVING, US = 900.0, 4200.0, 5700.0


def allotments(units=UNITS):
    """By hand, flat entries (a twelfth of a fiscal year's units a month, April-March): calendar
    2026 has FY2025's January-March entries of both firms before the horizon (units / 4 each),
    so its room is 100,000 - units / 2, split half and half (both enter the same today);
    2027 and 2028 have no entries before the horizon: 50,000 each."""
    return {2026: (QUOTA - units / 2) / 2, 2027: QUOTA / 2, 2028: QUOTA / 2}


def hand_value(firms: set[str], investment: float, units=UNITS) -> float:
    """v(S) by a hand-written MILP. Variables: UK units of each firm in FY2026 and FY2027, beta's
    US units in FY2027 (the contract build's first year), the option, and each firm's units
    within the quota per (fiscal year, calendar year) segment: three quarters of a fiscal year's
    entries fall in its own calendar year, a quarter in the next."""
    names = []

    def var(n):
        names.append(n)
        return len(names) - 1
    uk = {(f, y): var(f"uk_{f}_{y}") for f in firms for y in YEARS}
    opt = "alpha" in firms and "beta" in firms
    us = var("us_beta_2027") if opt else None
    z = var("z") if opt else None
    segs = {(f, y, cy): var(f"q_{f}_{y}_{cy}") for f in firms for y in YEARS
            for cy in (y, y + 1)}
    n = len(names)
    c = np.zeros(n)
    lo, hi = np.zeros(n), np.full(n, np.inf)
    for k in uk.values():
        c[k] = UK_OVER
        hi[k] = units  # demand (beta's UK lane: at most today's units)
    for k in segs.values():
        c[k] = SAVING
    rows, lb, ub = [], [], []

    def row(coefs, low, high):
        r = np.zeros(n)
        for k, v in coefs.items():
            r[k] += v
        rows.append(r)
        lb.append(low)
        ub.append(high)
    if opt:
        c[us], c[z] = US, -investment
        hi[us], hi[z] = np.inf, 1
        row({us: 1, z: -80000}, -np.inf, 0)  # option capacity, zero unless taken
        row({us: 1, uk["beta", 2027]: 1}, -np.inf, units)  # beta's demand in FY2027
    for (f, y, cy), k in segs.items():
        row({k: 1, uk[f, y]: -(0.75 if cy == y else 0.25)}, -np.inf, 0)
    allot = allotments(units)
    for f in firms:
        for cy in (2026, 2027, 2028):
            row({k: 1 for (g, y, c2), k in segs.items() if g == f and c2 == cy}, -np.inf,
                allot[cy])
    integrality = np.zeros(n)
    if opt:
        integrality[z] = 1
    res = milp(-c, constraints=LinearConstraint(np.array(rows), lb, ub),
               bounds=Bounds(lo, hi), integrality=integrality)
    assert res.status == 0
    return -res.fun


def test_allotments_by_hand(tmp_path):
    fp = shared_quota(tmp_path)
    got = quota_allotments(fp, list(range(YEARS[0], YEARS[1] + 1)))
    for (measure, cy, firm), v in got.items():
        assert v == pytest.approx(allotments()[cy]), (cy, firm)


def test_standalone_and_game_agree_with_a_hand_milp(tmp_path):
    """Alone: 160,000 cars, 100,000 within the quota (30,000 + 50,000 + 20,000), so
    160,000 x 900 + 100,000 x 4,200 = $564M each. Together beta's FY2027 cars move to alpha's
    US plant: 80,000 x 5,700 - $50M instead of 80,000 x 900 + 50,000 x 4,200: $124M more."""
    fp = shared_quota(tmp_path)
    alone = plan(fp, "standalone", horizon=YEARS, settings=S).companies.set_index("company")
    game = share(fp, "shapley", settings=S)
    v = {r.coalition: r.value_usd for r in game.coalition_values.itertuples()}
    for firm in ("alpha", "beta"):
        assert alone.at[firm, "profit_usd"] == pytest.approx(564e6, rel=1e-9)
        assert v[firm] == pytest.approx(alone.at[firm, "profit_usd"], rel=1e-9)
        assert v[firm] == pytest.approx(hand_value({firm}, 50e6), rel=1e-9)
    assert v["alpha+beta"] == pytest.approx(hand_value({"alpha", "beta"}, 50e6), rel=1e-9)
    assert v["alpha+beta"] == pytest.approx(564e6 * 2 + 124e6, rel=1e-9)
    assert v["alpha+beta"] >= v["alpha"] + v["beta"]  # superadditive
    res = plan(fp, "alliance", horizon=YEARS, settings=S)
    c = res.companies.set_index("company")
    assert (c["standalone_profit_usd"] == alone["profit_usd"]).all()
    assert res.joint_profit_usd == pytest.approx(v["alpha+beta"], rel=1e-9)
    assert res.options_taken == ["cb"]


@pytest.mark.parametrize("units", [30000, 80000, 150000])
def test_an_alliance_that_changes_no_flow_gains_nothing(tmp_path, units):
    """With the option too dear to take, the alliance's best plan ships the standalone flows,
    and its value is exactly the standalone values' sum: no gain from the quota alone (each firm
    keeps its allotment; partners do not pool it), quota binding or not."""
    fp = shared_quota(tmp_path, units=units, investment_usd=1e12)
    game = share(fp, "shapley", settings=S)
    v = {r.coalition: r.value_usd for r in game.coalition_values.itertuples()}
    assert v["alpha+beta"] == pytest.approx(v["alpha"] + v["beta"], rel=1e-12, abs=1e-3)
    for coalition in ({"alpha"}, {"beta"}, {"alpha", "beta"}):
        assert v["+".join(sorted(coalition))] == pytest.approx(
            hand_value(coalition, 1e12, units), rel=1e-9)
    res = plan(fp, "alliance", horizon=YEARS, settings=S)
    assert res.companies["gain_usd"].abs().max() < 1.0
    assert game.gain.abs().max() < 1.0
