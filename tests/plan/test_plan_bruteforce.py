"""The planner against brute force: every binary choice fixed in turn, the rest an LP written
out here by hand from the tiny tables and solved with scipy.optimize.linprog."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from autoalliance.plan import plan
from autoalliance.plan.testing import YEARS, tiny_alliance
from autoalliance.trade.exposure import unit_duty

# The tiny instance's lanes, written out by hand: (nameplate, plant, how it opens, first year)
LANES = [("a_suv", "a_us", "open", 2026), ("a_suv", "a_jp", "open", 2026),
         ("a_sedan", "a_jp", "open", 2026), ("a_sedan", "a_us", "tool", 2027),
         ("b_suv", "b_us", "open", 2026), ("b_suv", "a_us", "cb", 2027),
         ("b_hyb", "b_us", "open", 2026)]
COMPANY = {"a_suv": "alpha", "a_sedan": "alpha", "b_suv": "beta", "b_hyb": "beta"}
CAPACITY = {"a_us": 150.0, "a_jp": 200.0, "b_us": 120.0}  # thousand units
# covers: (option, nameplate, payer, payee, lanes it counts, opened lanes, effect USD, fee range)
COVERS = [("cb", "b_suv", "beta", "alpha", [5], [5], 150.0, (300.0, 2500.0)),
          ("pt", "a_sedan", "alpha", "beta", [2, 3], [], -500.0, (100.0, 400.0)),
          ("jv", "a_suv", "alpha", "beta", [0, 1], [], -450.0, (0.0, 0.0)),
          ("jv", "b_suv", "beta", "alpha", [4, 5], [], -450.0, (0.0, 0.0))]
OPTION_CAP = {"cb": (60.0, 2027), "pt": (50.0, 2026), "jv": (None, 2027)}
# one-off costs in USD million by (binary, company)
ONE_OFF = {("tool", "alpha"): 60.0, ("cb", "alpha"): 40.0, ("pt", "beta"): 15.0,
           ("jv", "alpha"): 60.0, ("jv", "beta"): 60.0}
BINARIES = ["tool", "cb", "pt", "jv"]


@pytest.fixture(scope="module")
def fp(tmp_path_factory):
    return tiny_alliance(tmp_path_factory.mktemp("tiny"))


def _coefficients(fp):
    lanes = pd.DataFrame([dict(nameplate=n, plant=p, market="US", fiscal_year=y)
                          for n, p, _, _ in LANES for y in YEARS])
    duty = unit_duty(fp, lanes).set_index(["nameplate", "plant", "fiscal_year"])
    rev = fp.revenue.set_index("nameplate")["net_price_usd"]
    cost = fp.costs.set_index(["nameplate", "plant"])
    dem = fp.demand.set_index(["nameplate", "fiscal_year"])["units"]
    margin = np.zeros((len(LANES), len(YEARS)))
    credit, parts, demand = np.zeros_like(margin), np.zeros_like(margin), np.zeros_like(margin)
    for i, (n, p, _, _) in enumerate(LANES):
        for j, y in enumerate(YEARS):
            d = duty.loc[(n, p, y)]
            margin[i, j] = (rev[n] - cost.at[(n, p), "variable_cost_usd"]
                            - cost.at[(n, p), "logistics_usd"] - d["duty_usd"])
            credit[i, j] = -d["offset_usd"]
            parts[i, j] = d["parts_added_duty_usd"]
            demand[i, j] = dem[(n, y)] / 1e3
    return margin / 1e3, credit / 1e3, parts / 1e3, demand  # USD M per thousand units


def _solve_fixed(fp, coef, companies, on: dict[str, int], floors=None):
    """Best profit per company with the binaries fixed; None when infeasible."""
    margin, credit, parts, demand = coef
    ny = len(YEARS)
    lanes = [i for i, (n, *_rest) in enumerate(LANES) if COMPANY[n] in companies]
    covers = [k for k, c in enumerate(COVERS) if on.get(c[0], 0)]
    names: list[tuple] = [("x", i, j) for i in lanes for j in range(ny)]
    names += [("off", c, j) for c in companies for j in range(ny)]
    names += [(v, k, j) for v in ("u", "f") for k in covers for j in range(ny)]
    col = {nm: c for c, nm in enumerate(names)}
    n = len(names)
    profit = {c: np.zeros(n) for c in companies}
    bounds = [(0, None)] * n
    for i in lanes:
        _, p, how, first = LANES[i]
        enabled = how == "open" or on.get(how, 0)
        for j, y in enumerate(YEARS):
            ub = demand[i, j] if enabled and y >= first else 0.0
            bounds[col[("x", i, j)]] = (0, ub)
            profit[COMPANY[LANES[i][0]]][col[("x", i, j)]] += margin[i, j]
    for c in companies:
        for j in range(ny):
            profit[c][col[("off", c, j)]] += 1.0
    for k in covers:
        opt, _, payer, payee, _, _, effect, _ = COVERS[k]
        for j in range(ny):
            profit[payer][col[("u", k, j)]] -= effect / 1e3
            profit[payer][col[("f", k, j)]] -= 1.0
            profit[payee][col[("f", k, j)]] += 1.0
    const = {c: -sum(v for (b, cc), v in ONE_OFF.items() if cc == c and on.get(b, 0))
             for c in companies}
    A, b = [], []

    def le(coeffs: dict, rhs: float):
        row = np.zeros(n)
        for key, v in coeffs.items():
            row[col[key]] += v
        A.append(row)
        b.append(rhs)

    for j in range(ny):
        for nm in {LANES[i][0] for i in lanes}:
            le({("x", i, j): 1 for i in lanes if LANES[i][0] == nm},
               demand[[i for i in lanes if LANES[i][0] == nm][0], j])
        for p, cap in CAPACITY.items():
            at = [i for i in lanes if LANES[i][1] == p]
            if at:
                le({("x", i, j): 1 for i in at}, cap)
        for c in companies:
            mine = [i for i in lanes if COMPANY[LANES[i][0]] == c]
            le({("off", c, j): 1, **{("x", i, j): -credit[i, j] for i in mine}}, 0)
            le({("off", c, j): 1, **{("x", i, j): -parts[i, j] for i in mine}}, 0)
        for k in covers:
            opt, nm, _, _, counted, opened, _, (fmin, fmax) = COVERS[k]
            le({("u", k, j): 1, **{("x", i, j): -1 for i in counted}}, 0)
            if opened:
                le({("x", i, j): 1 for i in opened} | {("u", k, j): -1}, 0)
            le({("u", k, j): fmin / 1e3, ("f", k, j): -1}, 0)
            le({("f", k, j): 1, ("u", k, j): -fmax / 1e3}, 0)
        for opt in {COVERS[k][0] for k in covers}:
            cap, first = OPTION_CAP[opt]
            mine = [k for k in covers if COVERS[k][0] == opt]
            if cap is None:
                cap = sum(demand[COVERS[k][4][0], j] for k in mine)
            le({("u", k, j): 1 for k in mine}, cap if YEARS[j] >= first else 0.0)
    if floors:
        for c in companies:  # profit_c >= floor_c  ->  -profit_c <= -floor_c
            A.append(-profit[c])
            b.append(const[c] - floors[c])
    total = sum(profit.values())
    res = linprog(-total, A_ub=np.array(A), b_ub=np.array(b), bounds=bounds, method="highs")
    if res.status != 0:
        return None
    return {c: float(profit[c] @ res.x + const[c]) for c in companies}


def _brute(fp, companies, floors=None):
    coef = _coefficients(fp)
    allowed = [b for b in BINARIES if (b == "tool" and "alpha" in companies)
               or set(companies) == {"alpha", "beta"}]
    best = None
    for bits in itertools.product((0, 1), repeat=len(allowed)):
        on = dict(zip(allowed, bits))
        res = _solve_fixed(fp, coef, companies, on, floors)
        if res is not None and (best is None or sum(res.values()) > sum(best[0].values())):
            best = (res, on)
    return best


def test_standalone_matches_brute_force(fp):
    got = plan(fp, "standalone", horizon=YEARS)
    prof = got.companies.set_index("company")["profit_usd"] / 1e6
    for c in ("alpha", "beta"):
        best, on = _brute(fp, [c])
        assert prof[c] == pytest.approx(best[c], rel=1e-6, abs=1e-3)
    _, on = _brute(fp, ["alpha"])
    assert bool(got.tooling["taken"].any()) == bool(on["tool"])


def test_alliance_matches_brute_force(fp):
    got = plan(fp, "alliance", horizon=YEARS)
    floors = {c: _brute(fp, [c])[0][c] for c in ("alpha", "beta")}
    best, on = _brute(fp, ["alpha", "beta"], floors)
    assert got.joint_profit_usd / 1e6 == pytest.approx(sum(best.values()), rel=1e-6)
    taken = set(got.options_taken)
    assert taken - {"none"} == {b for b in ("cb", "pt", "jv") if on[b]}
    assert bool(got.tooling["taken"].any()) == bool(on["tool"])
    assert ("none" in taken) == (not any(on[b] for b in ("cb", "pt", "jv")))
    c = got.companies.set_index("company")
    assert (c["profit_usd"] >= c["standalone_profit_usd"]).all()
