"""The alliance game from the planner, a fair split of its value and the fees that deliver it.

v(S) is the best joint profit of coalition S over the plan horizon (USD) using only its members'
plants and the options among them; singletons are the standalone plans. Each coalition is
solved once (cached by the game) and the coalitions of one batch in parallel processes.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import combinations

import pandas as pd

from autoalliance.dataset.footprint import Footprint
from autoalliance.plan import PlanResult, Settings, build_inputs, solve_inputs
from autoalliance.plan.result import assemble

from .core import core_violation, in_core, least_core
from .errors import GameError
from .fees import FeeInstrument, FeeSchedule, fee_schedule
from .game import Game
from .nash import nash_bargaining
from .nucleolus import nucleolus
from .shapley import shapley

RULES = ("shapley", "nash", "leastcore", "nucleolus")


def _solve(fp: Footprint, coalition: tuple[str, ...], settings: Settings) -> PlanResult:
    d = build_inputs(fp, list(coalition), settings)
    return assemble(fp, d, solve_inputs(d, settings))


def _value(args) -> float:
    fp, coalition, settings = args
    return float(_solve(fp, coalition, settings).companies["profit_usd"].sum())


def alliance_game(fp: Footprint, partners: list[str] | None = None,
                  settings: Settings | None = None, workers: int | None = None) -> Game:
    """The coalitional game of the partners (default: every company in the dataset)."""
    settings = (settings or Settings()).for_dataset(fp)
    known = list(fp.companies["company"])
    partners = known if partners is None else list(partners)
    bad = [p for p in partners if p not in known]
    if bad or len(set(partners)) != len(partners) or not partners:
        raise GameError(f"partners must be distinct companies of the dataset "
                        f"({', '.join(known)}); got {', '.join(partners) or 'none'}")
    workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    order = {p: i for i, p in enumerate(partners)}

    def key(coalition) -> tuple[str, ...]:
        return tuple(sorted(coalition, key=order.__getitem__))

    def one(coalition) -> float:
        return _value((fp, key(coalition), settings))

    def many(coalitions) -> list[float]:
        jobs = [(fp, key(c), settings) for c in coalitions]
        if workers <= 1 or len(jobs) <= 1:
            return [_value(j) for j in jobs]
        # spawn, not fork: the parent may hold solver or stdout locks a forked child would inherit
        with ProcessPoolExecutor(max_workers=min(workers, len(jobs)),
                                 mp_context=multiprocessing.get_context("spawn")) as pool:
            return list(pool.map(_value, jobs))

    return Game.from_function(partners, one, evaluate_many=many)


@dataclass
class ShareResult:
    """A split of the alliance's value (USD over the plan horizon) and how to pay it."""

    rule: str
    partners: list[str]
    allocation: pd.Series
    standalone: pd.Series
    coalition_values: pd.DataFrame
    in_core: bool
    core_epsilon: float
    most_violated: tuple[list[str], float]
    plan: PlanResult
    fees: FeeSchedule
    interval: pd.DataFrame | None = None
    extra: dict = field(default_factory=dict)

    @property
    def gain(self) -> pd.Series:
        return self.allocation - self.standalone

    def to_dict(self) -> dict:
        def num(s: pd.Series) -> dict:
            return {k: float(v) for k, v in s.items()}
        out = {
            "rule": self.rule, "partners": self.partners,
            "allocation": num(self.allocation), "standalone": num(self.standalone),
            "gain": num(self.gain), "in_core": bool(self.in_core),
            "core_epsilon_usd": float(self.core_epsilon),
            "most_violated_coalition": {"coalition": self.most_violated[0],
                                        "excess_usd": float(self.most_violated[1])},
            "coalition_values": [
                {"coalition": r.coalition.split("+"), "value_usd": float(r.value_usd)}
                for r in self.coalition_values.itertuples()],
            "options_taken": self.plan.options_taken,
            "fee_schedule": {
                "feasible": bool(self.fees.feasible), "message": self.fees.message,
                "fees": [{k: (float(v) if isinstance(v, (int, float)) else v) for k, v in r.items()}
                         for r in self.fees.fees.to_dict("records")],
                "lump_sums": [{k: (float(v) if isinstance(v, (int, float)) else v)
                               for k, v in r.items()}
                              for r in self.fees.lump_sums.to_dict("records")],
            },
        }
        if self.interval is not None:
            out["interval"] = {r.Index: [float(r.ci_low), float(r.ci_high)]
                               for r in self.interval.itertuples()}
        return out


def _instruments(fp: Footprint, plan: PlanResult) -> list[FeeInstrument]:
    """Per-unit fees the plan's options allow: one instrument per option taken with units."""
    opts = fp.table("options")
    if opts.empty or plan.options.empty:
        return []
    bounds = opts.set_index("option")
    out = []
    for r in plan.options.itertuples():
        if not r.taken or r.covered_units <= 0 or r.option not in bounds.index:
            continue
        b = bounds.loc[r.option]
        lo = 0.0 if pd.isna(b["fee_min_usd"]) else float(b["fee_min_usd"])
        hi = lo if pd.isna(b["fee_max_usd"]) else float(b["fee_max_usd"])
        if hi <= 0 and lo <= 0:
            continue
        out.append(FeeInstrument(r.option, r.owner, r.host, float(r.covered_units), lo, hi))
    return out


def share(fp: Footprint, rule: str = "shapley", partners: list[str] | None = None,
          settings: Settings | None = None, weights: dict[str, float] | None = None,
          lump_sum_allowed: bool = True, workers: int | None = None,
          seed: int = 0) -> ShareResult:
    """Split the grand coalition's plan value by ``rule`` and find the fees that deliver it.

    ``rule``: shapley (exact up to 12 partners, sampled beyond), nash (disagreement point =
    standalone values; ``weights`` optional), leastcore, nucleolus. The plan is the grand
    coalition's best plan; its per-unit fees are re-chosen within each option's bounds (plus
    lump sums when ``lump_sum_allowed``) so every partner ends at its share.
    """
    if rule not in RULES:
        raise GameError(f"rule must be one of {', '.join(RULES)}, not {rule!r}")
    settings = (settings or Settings()).for_dataset(fp)
    game = alliance_game(fp, partners, settings, workers)
    players = list(game.players)
    masks = [frozenset(c) for k in range(1, len(players) + 1)
             for c in combinations(players, k)]
    game.values()  # every coalition, in one parallel batch
    values = pd.DataFrame({"coalition": ["+".join(c for c in players if c in m) for m in masks],
                           "value_usd": [game.value(m) for m in masks]})
    interval = None
    if rule == "shapley":
        est = shapley(game, seed=seed)
        allocation = est.value
        if not est.exact:
            interval = pd.DataFrame({"ci_low": est.ci_low, "ci_high": est.ci_high})
    elif rule == "nash":
        allocation = nash_bargaining(game, weights)
    elif rule == "leastcore":
        allocation = least_core(game).allocation
    else:
        allocation = nucleolus(game)
    allocation = pd.Series(allocation, index=players, dtype=float)
    standalone = pd.Series({p: game.value(frozenset([p])) for p in players})
    lc = least_core(game)
    coalition, excess = core_violation(game, allocation.to_dict())

    plan = _solve(fp, tuple(players), settings)
    comp = plan.companies.set_index("company").reindex(players)
    before_fees = comp["profit_usd"] + comp["fees_paid_usd"] - comp["fees_received_usd"]
    total = float(before_fees.sum())
    target = allocation * (total / allocation.sum()) if allocation.sum() else allocation
    fees = fee_schedule(before_fees.to_dict(), target.to_dict(), _instruments(fp, plan),
                        lump_sum_allowed=lump_sum_allowed, tol_usd=max(1.0, 1e-9 * abs(total)))
    plan.mode = "alliance"
    plan.companies["standalone_profit_usd"] = plan.companies["company"].map(standalone)
    plan.companies["gain_usd"] = plan.companies["profit_usd"] - \
        plan.companies["standalone_profit_usd"]
    return ShareResult(rule=rule, partners=players, allocation=allocation, standalone=standalone,
                       coalition_values=values,
                       in_core=in_core(game, allocation.to_dict()), core_epsilon=lc.epsilon,
                       most_violated=([p for p in players if p in coalition], float(excess)),
                       plan=plan, fees=fees, interval=interval)
