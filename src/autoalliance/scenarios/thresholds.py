"""Break-even thresholds of a deal: where each partner's gain under the fixed deal crosses zero.

Each lever is a scenario with one factor ``k`` (1 = the dataset):

- ``fx:CUR``: every rate of currency CUR to the USD times ``k`` (a stronger yen is k < 1);
- ``tariff:ORIGIN``: the rate of every trade rule naming that origin group (``JP``, ``MX|CA``,
  ``*`` = every origin without a rule of its own) times ``k``;
- ``demand``: every market's demand times ``k``.

The deal is held fixed (:mod:`autoalliance.scenarios.deal`): its options, tooling, per-unit fees
and lump sums; production and the standalone plans are re-solved on one built model. For each
lever the gains are evaluated on a grid of factors outward from 1; where a partner's gain
changes sign between two neighbours the crossing is found by the Illinois method (regula falsi
that halves the stale end), a bracketing search that converges fast on the piecewise-linear
gain, stopped when the gain is within the solver's tolerance. A gain that jumps across zero
(a standalone plan switching tooling) is reported as a jump with the two gains.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from autoalliance.dataset.footprint import Footprint
from autoalliance.scenarios.deal import Deal, DealEvaluator
from autoalliance.scenarios.overrides import apply_scenario
from autoalliance.scenarios.spec import Scenario
from autoalliance.settings import Settings

GRID = {"fx": (0.8, 0.6, 0.45, 1.25, 1.6, 2.2), "tariff": (0.5, 0.0, 1.5, 2.5, 4.0),
        "demand": (0.85, 0.7, 0.5, 0.3, 1.2, 1.5)}
"""Factors tried outward from 1 for each kind of lever (below 1 first, then above)."""

MAX_STEPS = 30


@dataclass(frozen=True)
class Lever:
    """One lever: its name (``fx:JPY``), what it moves in words, and today's value (a rate per
    USD, a tariff rate as a share, or 1 for the demand level)."""

    name: str
    what: str
    today: float
    measures: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        return self.name.split(":")[0]

    def scenario(self, k: float) -> Scenario:
        """The scenario of factor ``k`` on this lever."""
        name = f"threshold.{self.name.replace('|', '+').replace('*', 'all')}@{k:.6g}"
        if self.kind == "fx":
            cur = self.name.split(":", 1)[1]
            ov = {"fx": {"scale": [{"where": {"currency": cur}, "column": "per_usd",
                                    "factor": k}]}}
        elif self.kind == "tariff":
            ov = {"measures": {"scale": [{"where": {"measure": list(self.measures)},
                                          "column": "rate", "factor": k}]}}
        else:
            ov = {"demand": {"scale": [{"column": "units", "factor": k}]}}
        return Scenario(name=name, overrides=ov,
                        assumption=f"{self.what} times {k:.6g} (break-even search)")


def levers(fp: Footprint, partners: list[str]) -> list[Lever]:
    """The levers of a dataset: each partner currency other than the USD, each origin group
    of a trade rule that the partners' non-US plants ship from, and the demand level."""
    out = []
    comps = fp.companies[fp.companies["company"].isin(partners)]
    fx = fp.table("fx")
    start = pd.Timestamp(fp.default_horizon[0], int(comps["fiscal_year_start_month"].min()), 1)
    for cur in sorted(set(comps["currency"]) - {"USD"}):
        rows = fx[fx["currency"].eq(cur)]
        if rows.empty:
            continue
        on = rows[(rows["start"] <= start) & (rows["end"] >= start)]
        rate = float((on if len(on) else rows.sort_values("start").tail(1))["per_usd"].iloc[0])
        out.append(Lever(f"fx:{cur}", f"{cur} per USD", rate))
    m = fp.table("measures")
    m = m[m["layer"].ne("offset")]
    plants = fp.plants[fp.plants["company"].isin(partners)]
    countries = set(plants["country"]) - set(m["importer"])
    groups: dict[str, list[str]] = {}
    for r in m.itertuples(index=False):
        named = set(str(r.origin).split("|"))
        if r.origin == "*" or named & countries:
            groups.setdefault(str(r.origin), []).append(str(r.measure))
    explicit = set().union(*(set(g.split("|")) for g in groups if g != "*")) if groups else set()
    if "*" in groups and not (countries - explicit):
        del groups["*"]  # every partner origin has rules of its own
    for g, names in sorted(groups.items()):
        rates = m[m["measure"].isin(names)]
        veh = rates[rates["goods"].eq("vehicle")] if "goods" in rates else rates
        today = float((veh if len(veh) else rates)["rate"].max())
        label = "every origin without rules of its own" if g == "*" else f"origin {g}"
        out.append(Lever(f"tariff:{g}", f"the tariff rates of {label}", today, tuple(names)))
    out.append(Lever("demand", "every market's demand", 1.0))
    return out


@dataclass
class Threshold:
    """Where one partner's gain under the deal crosses zero on one lever."""

    lever: str
    what: str
    partner: str
    factor: float
    value: float  # the lever's value there (rate per USD, tariff rate, demand level)
    today: float
    gain_below_usd: float  # the gain on the factor's lower side
    gain_above_usd: float
    jump: bool  # the gain jumps across zero there (no factor gives exactly zero)
    scenario: Scenario

    def to_dict(self) -> dict:
        return {"lever": self.lever, "what": self.what, "partner": self.partner,
                "factor": self.factor, "value": self.value, "today": self.today,
                "gain_below_usd": self.gain_below_usd, "gain_above_usd": self.gain_above_usd,
                "jump": self.jump}


@dataclass
class ThresholdResult:
    """Every lever's thresholds, and the gains at each factor tried (USD)."""

    thresholds: list[Threshold]
    tried: pd.DataFrame  # lever, factor, partner, gain_usd
    levers: list[Lever]
    tolerance_usd: float

    def table(self) -> pd.DataFrame:
        cols = ["lever", "what", "partner", "factor", "value", "today", "gain_below_usd",
                "gain_above_usd", "jump"]
        return pd.DataFrame([t.to_dict() for t in self.thresholds], columns=cols)

    def none_found(self) -> pd.DataFrame:
        """Per lever and partner with no crossing: the factors searched and the smallest gain
        seen (the deal pays that partner over the whole range)."""
        found = {(t.lever, t.partner) for t in self.thresholds}
        t = self.tried
        rows = []
        for (lever, partner), g in t.groupby(["lever", "partner"], sort=False):
            if (lever, partner) in found:
                continue
            rows.append({"lever": lever, "partner": partner, "factor_min": g["factor"].min(),
                         "factor_max": g["factor"].max(), "min_gain_usd": g["gain_usd"].min()})
        return pd.DataFrame(rows, columns=["lever", "partner", "factor_min", "factor_max",
                                           "min_gain_usd"])


def tolerance_usd(settings: Settings, outcome) -> float:
    """The solver's tolerance on a gain (USD): the MIP gap on the larger of the profits a gain
    is the difference of, at least 1 USD."""
    scale = float(max(outcome.profit.abs().sum(), outcome.standalone.abs().sum()))
    return max(1.0, 2 * settings.mip_rel_gap * scale)


def _crossing(f: Callable[[float], pd.Series], partner: str, a: float, ga: float, b: float,
              gb: float, tol: float) -> tuple[float, float, float, bool]:
    """Illinois search for the zero of ``f(k)[partner]`` between ``a`` and ``b`` (signs of
    ``ga`` and ``gb`` differ). Returns (factor, gain below, gain above, jump)."""
    side = 0
    for _ in range(MAX_STEPS):
        k = b - gb * (b - a) / (gb - ga) if gb != ga else 0.5 * (a + b)
        if not (min(a, b) < k < max(a, b)):
            k = 0.5 * (a + b)
        g = float(f(k)[partner])
        if abs(g) <= tol:
            return k, g, g, False
        if np.sign(g) == np.sign(gb):
            b, gb = k, g
            if side == -1:
                ga /= 2
            side = -1
        else:
            a, ga = k, g
            if side == 1:
                gb /= 2
            side = 1
        if abs(b - a) <= 1e-9 * max(1.0, abs(a)):
            break
    lo, hi = sorted([(a, ga), (b, gb)])
    glo, ghi = float(f(lo[0])[partner]), float(f(hi[0])[partner])
    if abs(glo) <= tol:
        return lo[0], glo, glo, False
    if abs(ghi) <= tol:
        return hi[0], ghi, ghi, False
    return 0.5 * (lo[0] + hi[0]), glo, ghi, True


def thresholds(fp: Footprint, deal: Deal, settings: Settings | None = None,
               only: list[str] | None = None,
               progress: Callable[[str], None] | None = None) -> ThresholdResult:
    """Break-even factors of every lever (``only``: lever names to search) for each partner of
    ``deal`` (all money USD over the horizon)."""
    settings = (settings or Settings()).for_dataset(fp)
    ev = DealEvaluator(fp, deal, settings)
    base = ev.outcome(fp)
    tol = tolerance_usd(settings, base)
    found: list[Threshold] = []
    tried = []
    all_levers = [lv for lv in levers(fp, list(deal.partners)) if only is None
                  or lv.name in only]
    for lv in all_levers:
        if progress:
            progress(lv.name)
        seen: dict[float, pd.Series] = {1.0: base.gain}

        def f(k: float, lv: Lever = lv, seen: dict = seen) -> pd.Series:
            k = float(k)
            if k not in seen:
                seen[k] = ev.outcome(apply_scenario(fp, lv.scenario(k))).gain
            return seen[k]

        grid = GRID[lv.kind]
        below = [1.0] + [k for k in grid if k < 1]
        above = [1.0] + [k for k in grid if k > 1]
        for side in (below, above):
            for p in deal.partners:
                for a, b in zip(side, side[1:]):
                    ga, gb = float(f(a)[p]), float(f(b)[p])
                    if abs(gb) <= tol:  # a grid point on the threshold
                        found.append(Threshold(lv.name, lv.what, p, b, lv.today * b, lv.today,
                                               gb, gb, False, lv.scenario(b)))
                        break
                    if np.sign(ga) != np.sign(gb):
                        k, g_lo, g_hi, jump = _crossing(f, p, a, ga, b, gb, tol)
                        found.append(Threshold(lv.name, lv.what, p, k, lv.today * k, lv.today,
                                               g_lo, g_hi, jump, lv.scenario(k)))
                        break
        for k, g in sorted(seen.items()):
            for p, v in g.items():
                tried.append({"lever": lv.name, "factor": k, "partner": p, "gain_usd": float(v)})
    return ThresholdResult(found, pd.DataFrame(tried), all_levers, tol)
