"""A signed deal evaluated in another future: options, tooling and fees fixed, production
re-optimised.

A :class:`Deal` is what a board signs: the collaboration options taken, the plants tooled, the
per-unit fee of each option (USD a unit) and the lump sums (USD over the horizon). In a future
(a footprint with new tariffs, FX, demand) the alliance re-plans production jointly with the
options and tooling held at the deal's (the model's ``option`` and ``tooling`` columns fixed),
each option's fee is its per-unit fee on the units the option now covers, and each partner's
standalone plan is re-solved in the same future. A partner's gain is its profit under the deal
less its standalone profit there (USD). Every solve is a re-solve of one built
:class:`~autoalliance.plan.instance.PlanInstance`: a coalition of one for the standalone plans,
the grand coalition with fixed columns for the deal.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import xarray as xr

from autoalliance.dataset.footprint import Footprint
from autoalliance.errors import AutoallianceError
from autoalliance.plan.data import build_inputs
from autoalliance.plan.instance import PlanInstance, same_structure
from autoalliance.plan.result import profit_by_company
from autoalliance.settings import Settings


class DealError(AutoallianceError):
    """A deal cannot be evaluated (a future where its commitments leave no feasible plan)."""


@dataclass(frozen=True)
class Deal:
    """The commitments of a signed deal: options and tooling (1 taken, 0 not), per-unit fee by
    option (USD a unit), lump sum received by partner (USD; negative = paid), and the gains it
    promised when signed (USD over the horizon)."""

    partners: tuple[str, ...]
    options: dict[str, float]
    tooling: dict[str, float]
    fee_usd: dict[str, float]
    lump_sum_usd: dict[str, float]
    gain_usd: dict[str, float] = field(default_factory=dict)
    rule: str = ""

    def to_dict(self) -> dict:
        return {"partners": list(self.partners), "rule": self.rule,
                "options_taken": sorted(k for k, v in self.options.items() if v > 0.5),
                "tooling_taken": sorted(k for k, v in self.tooling.items() if v > 0.5),
                "fee_usd_per_unit": dict(self.fee_usd), "lump_sum_usd": dict(self.lump_sum_usd),
                "gain_usd_at_signing": dict(self.gain_usd)}


def deal_from_share(res) -> Deal:
    """The recommended deal of a ``share`` result (``sharing.alliance.ShareResult``): its plan's
    options and tooling, the recommended fee schedule's per-unit fees and lump sums."""
    plan = res.plan
    opts = plan.options
    options = {str(r.option): float(bool(r.taken)) for r in opts.itertuples(index=False)}
    tools = plan.tooling
    tooling = {}
    if len(tools):
        for r in tools.itertuples(index=False):
            tooling[f"{r.plant}|{r.platform}"] = float(bool(r.taken))
    fees = res.recommended_fees if res.recommended_fees is not None else res.fees
    fee = {str(r.instrument): float(r.fee_usd) for r in fees.fees.itertuples(index=False)}
    lump = {str(r.partner): float(r.lump_sum_usd) for r in fees.lump_sums.itertuples(index=False)}
    target = res.recommended_target if res.recommended_target is not None else \
        pd.Series(res.extra.get("target", {}))
    gain = {p: float(target[p] - res.standalone[p]) for p in res.partners}
    rule = res.recommendation.rule if res.recommendation is not None else res.rule
    return Deal(tuple(res.partners), options, tooling, fee, lump, gain, rule)


@dataclass(frozen=True)
class DealOutcome:
    """One future under a deal (USD over the horizon, per partner)."""

    standalone: pd.Series
    profit: pd.Series  # under the deal: operating profit + deal fees + lump sums
    gain: pd.Series


class DealEvaluator:
    """Evaluate one deal in many futures on one built model of the partners."""

    def __init__(self, fp: Footprint, deal: Deal, settings: Settings | None = None):
        self.deal = deal
        self.settings = (settings or Settings()).for_dataset(fp)
        self.d = build_inputs(fp, list(deal.partners), self.settings)
        self.instance = PlanInstance(self.d, self.settings)
        self._fixed = self._fixed_columns(self.d)

    def _fixed_columns(self, d) -> dict[str, dict[str, float]]:
        fixed: dict[str, dict[str, float]] = {}
        if self.instance.parts.get("option") is not None:
            fixed["option"] = {o: self.deal.options.get(o, 0.0) for o in d.options.index}
        if self.instance.parts.get("tooling") is not None:
            labels = list(self.instance.parts["tooling"].coords["tool"].values)
            keys = [f"{p}|{q}" for p, q in d.tools.index] if isinstance(
                d.tools.index, pd.MultiIndex) else [str(k) for k in d.tools.index]
            fixed["tooling"] = {lab: self.deal.tooling.get(k, 0.0)
                                for lab, k in zip(labels, keys)}
        return fixed

    def _load(self, fp: Footprint) -> None:
        d = build_inputs(fp, list(self.deal.partners), self.settings)
        if same_structure(self.instance.d, d):
            self.instance.update(d)
        else:  # a future with other lanes (a plant closed, a new nameplate): a new model
            self.instance = PlanInstance(d, self.settings)
            self._fixed = self._fixed_columns(d)
        self.d = d

    def outcome(self, fp: Footprint) -> DealOutcome:
        """The partners' standalone profit, profit under the deal and gain in future ``fp``."""
        self._load(fp)
        partners = list(self.deal.partners)
        alone = {}
        for p in partners:
            status, sol = self.instance.solve((p,))
            if sol is None:
                raise DealError(f"{p}'s standalone plan has no solution in this future "
                                f"({status})")
            alone[p] = profit_by_company(self.d, sol)[p]
        status, sol = self.instance.solve(None, fixed=self._fixed)
        if sol is None:
            raise DealError(f"the deal's options and tooling leave no feasible plan in this "
                            f"future ({status})")
        profit = profit_by_company(self.d, self._with_deal_fees(sol))
        under = pd.Series({p: profit[p] + self.deal.lump_sum_usd.get(p, 0.0) for p in partners})
        standalone = pd.Series(alone)
        return DealOutcome(standalone, under, under - standalone)

    def _with_deal_fees(self, sol):
        """The solution with each cover's fee at its option's per-unit fee on its units."""
        if sol.fee is None or sol.covered is None:
            return sol
        option = self.d.covers["option"]
        rate = option.map(lambda o: self.deal.fee_usd.get(o, 0.0)).astype(float)
        r = xr.DataArray(rate.to_numpy(), dims="cover", coords={"cover": rate.index.to_numpy()})
        return dataclasses.replace(sol, fee=sol.covered * r)


@dataclass
class DealRisk:
    """Each candidate deal over a set of futures (USD over the horizon).

    ``outcomes``: one row per deal, future and partner (probability, standalone, profit, gain);
    ``summary``: per deal and partner the probability of ending above its standalone profit
    (gain above ``tolerance_usd``), the expected gain and the 5% worst case (the probability-
    weighted 5% quantile of the gain); ``joint``: per deal the expected joint gain and the worst
    partner's probability."""

    deals: dict[str, Deal]
    outcomes: pd.DataFrame
    summary: pd.DataFrame
    joint: pd.DataFrame
    tolerance_usd: float

    def to_dict(self) -> dict:
        return {"tolerance_usd": self.tolerance_usd,
                "deals": {k: d.to_dict() for k, d in self.deals.items()},
                "summary": self.summary.to_dict("records"),
                "joint": self.joint.to_dict("records")}


def weighted_quantile(values, weights, q: float) -> float:
    """The ``q`` quantile of a discrete distribution (the smallest value whose cumulative
    probability reaches ``q``)."""
    v = np.asarray(values, float)
    w = np.asarray(weights, float)
    order = np.argsort(v, kind="stable")
    cum = np.cumsum(w[order]) / w.sum()
    return float(v[order][np.searchsorted(cum, q - 1e-12)])


def _summarise(outcomes: pd.DataFrame, tol: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = []
    for (deal, partner), g in outcomes.groupby(["deal", "partner"], sort=False):
        w = g["probability"].to_numpy()
        gain = g["gain_usd"].to_numpy()
        rows.append({"deal": deal, "partner": partner,
                     "p_gain": float(w[gain > tol].sum() / w.sum()),
                     "expected_gain_usd": float((w * gain).sum() / w.sum()),
                     "p05_gain_usd": weighted_quantile(gain, w, 0.05),
                     "futures": len(g)})
    summary = pd.DataFrame(rows)
    joint = summary.groupby("deal", sort=False).agg(
        expected_joint_gain_usd=("expected_gain_usd", "sum"),
        worst_partner_p_gain=("p_gain", "min")).reset_index()
    return summary, joint


def max_min_lump_sums(gains: pd.DataFrame, probability: np.ndarray, tol: float) \
        -> dict[str, float]:
    """Lump-sum changes (USD, summing to zero) that maximise the worst partner's probability
    of gaining, given each partner's gain in each future (``gains``: futures x partners).

    A lump sum moves a partner's gain by the same amount in every future, so partner ``p``
    gains with probability at least ``a`` once its change is ``t_p(a) = tol − q_p(1 − a)``
    (``q_p`` the quantile of its gains, from the top). The largest ``a`` with
    ``Σ t_p(a) ≤ 0`` is the best worst-partner probability; what is left over goes back
    equally."""
    w = np.asarray(probability, float) / np.sum(probability)
    g = gains.to_numpy(float)
    levels = sorted({float(x) for x in np.round(np.cumsum(np.sort(w)[::-1]), 12)}, reverse=True)
    best = {p: 0.0 for p in gains.columns}
    for a in levels + [0.0]:
        need = {}
        for j, p in enumerate(gains.columns):
            if a <= 0:
                need[p] = 0.0
                continue
            order = np.argsort(-g[:, j], kind="stable")  # best futures first
            cum = np.cumsum(w[order])
            k = int(np.searchsorted(cum, a - 1e-12))  # futures that must gain
            need[p] = tol * 2 - g[order[k], j]  # lift the k-th best future above tol
        total = sum(need.values())
        if total <= 0:
            spare = -total / len(need)
            return {p: float(v + spare) for p, v in need.items()}
    return best


def deal_risk(fp: Footprint, deal: Deal, futures: list, probabilities=None,
              settings: Settings | None = None, origins: dict | None = None,
              on_future=None) -> DealRisk:
    """The signed ``deal`` (``recommended``) and the deal with lump sums re-chosen to maximise
    the worst partner's probability of gaining (``max_min_probability``) over ``futures``
    (scenarios; equally likely unless ``probabilities``). Production is re-optimised in each
    future within the deal's options and tooling; fees are the deal's per-unit fees on the
    units covered. Lump sums are transfers, so both deals have the same joint gain in every
    future."""
    from autoalliance.scenarios.overrides import apply_scenario
    from autoalliance.scenarios.thresholds import tolerance_usd

    settings = (settings or Settings()).for_dataset(fp)
    ev = DealEvaluator(fp, deal, settings)
    prob = np.full(len(futures), 1.0 / max(1, len(futures))) if probabilities is None else \
        np.asarray(probabilities, float)
    rows, tol = [], 1.0
    for i, sc in enumerate(futures):
        o = ev.outcome(apply_scenario(fp, sc, origins))
        tol = max(tol, tolerance_usd(settings, o))
        for p in deal.partners:
            rows.append({"deal": "recommended", "future": sc.name, "probability": prob[i],
                         "partner": p, "standalone_usd": float(o.standalone[p]),
                         "profit_usd": float(o.profit[p]), "gain_usd": float(o.gain[p])})
        if on_future is not None:
            on_future(i + 1, len(futures))
    out = pd.DataFrame(rows)
    gains = out.pivot(index="future", columns="partner", values="gain_usd") \
        .reindex(index=[sc.name for sc in futures], columns=list(deal.partners))
    change = max_min_lump_sums(gains, prob, tol)
    alt = dataclasses.replace(deal, lump_sum_usd={
        p: deal.lump_sum_usd.get(p, 0.0) + change[p] for p in deal.partners},
        rule=f"{deal.rule}, lump sums re-chosen for the worst partner's probability")
    moved = out.copy()
    moved["deal"] = "max_min_probability"
    moved["profit_usd"] += moved["partner"].map(change)
    moved["gain_usd"] += moved["partner"].map(change)
    both = pd.concat([out, moved], ignore_index=True)
    summary, joint = _summarise(both, tol)
    return DealRisk({"recommended": deal, "max_min_probability": alt}, both, summary, joint, tol)
