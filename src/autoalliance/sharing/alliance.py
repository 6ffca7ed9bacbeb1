"""The alliance game from the planner, a fair split of its value and the fees that deliver it.

v(S) is the best joint profit of coalition S over the plan horizon (USD) using only its members'
plants and the options among them; singletons are the standalone plans. Each coalition is
solved once, all from one built model of the partners (fixing the columns outside a coalition at
zero); a batch goes to parallel processes only when the solve time saved pays for the workers.
"""

from __future__ import annotations

import copy
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import combinations

import pandas as pd

from autoalliance.dataset.footprint import Footprint
from autoalliance.plan import PlanResult, Settings, Solution, build_inputs, solve_inputs
from autoalliance.plan import plan as alliance_plan
from autoalliance.plan.instance import PlanInstance, index_sets, instance_for
from autoalliance.plan.result import assemble, profit_by_company

from .core import core_violation, in_core, least_core
from .errors import GameError
from .fees import FeeInstrument, FeeSchedule, fee_schedule
from .game import Game
from .recommend import RULES, Recommendation, recommend, split

POOL_STARTUP_S = 12.0
"""Measured cost of a spawned worker on the bundled dataset (start, imports, one model build):
coalitions go to a process pool only when the solve time it would save exceeds it."""


class Coalitions:
    """Every coalition's best plan from one built model of the partners (``PlanInstance``):
    a coalition fixes the columns outside it at zero; each plan is solved once and kept."""

    def __init__(self, fp: Footprint, partners: list[str], settings: Settings, workers: int = 1):
        self.fp, self.partners, self.settings, self.workers = fp, list(partners), settings, workers
        self.d, self.instance = instance_for(fp, self.partners, settings)
        # kept on the instance: every game of this input state shares the values
        kept = self.instance.kept if self.instance is not None else {}
        self.solutions: dict[tuple[str, ...], Solution] = kept.setdefault("coalition_plans", {})
        self.values: dict[tuple[str, ...], float] = kept.setdefault("coalition_values", {})

    def solution(self, coalition: tuple[str, ...]) -> Solution:
        if coalition not in self.solutions:  # a value from a pool worker: solve here too
            self.values.pop(coalition, None)
            self.value(coalition)
        return self.solutions[coalition]

    def value(self, coalition: tuple[str, ...]) -> float:
        """v(S) in USD: the coalition's best joint profit."""
        if coalition not in self.values:
            if self.instance is None:  # nothing any partner can build: every value is zero
                self.values[coalition] = 0.0
                return 0.0
            status, sol = self.instance.solve(coalition)
            if sol is None:  # the fresh build names the cause
                d = build_inputs(self.fp, list(coalition), self.settings)
                sol = restrict_to(solve_inputs(d, self.settings), self.d)
            self.solutions[coalition] = sol
            self.values[coalition] = float(sum(profit_by_company(self.d, sol).values()))
        return self.values[coalition]

    def many(self, coalitions: list[tuple[str, ...]]) -> list[float]:
        todo = [c for c in coalitions if c not in self.values]
        if todo and self.workers > 1 and self.instance is not None:
            first = todo.pop(0)
            t0 = time.perf_counter()
            self.value(first)
            per_solve = time.perf_counter() - t0
            workers = min(self.workers, len(todo))
            if workers > 1 and len(todo) * per_solve * (1 - 1 / workers) > POOL_STARTUP_S:
                self._pool(todo, workers)
        return [self.value(c) for c in coalitions]

    def _pool(self, todo: list[tuple[str, ...]], workers: int) -> None:
        # spawn, not fork: the parent may hold solver or stdout locks a forked child would inherit
        chunks = [todo[k::workers] for k in range(workers)]
        with ProcessPoolExecutor(max_workers=workers,
                                 mp_context=multiprocessing.get_context("spawn")) as pool:
            jobs = [(self.d, self.settings, c) for c in chunks]
            for chunk, vals in zip(chunks, pool.map(_values_in_worker, jobs)):
                self.values.update(zip(chunk, vals))

    def plan(self) -> PlanResult:
        """The grand coalition's plan (tables), from its kept solution (a copy to change)."""
        grand = tuple(self.partners)
        kept = self.instance.kept if self.instance is not None else {}
        if ("grand_plan", grand) not in kept:
            kept[("grand_plan", grand)] = assemble(self.fp, self.d, self.solution(grand))
        return copy.deepcopy(kept[("grand_plan", grand)])


def _values_in_worker(args) -> list[float]:
    """A pool worker: one model build, every coalition of its chunk re-solved on one thread."""
    d, settings, chunk = args
    inst = PlanInstance(d, settings, threads=1)
    out = []
    for c in chunk:
        status, sol = inst.solve(c)
        if sol is None:
            raise GameError(f"coalition {'+'.join(c)} has no plan ({status})")
        out.append(float(sum(profit_by_company(d, sol).values())))
    return out


def restrict_to(sol: Solution, d) -> Solution:
    """A coalition's solution on the partners' labels (zero outside the coalition)."""
    def widen(a, dims):
        if a is None:
            return None
        return a.reindex({k: list(v) for k, v in dims.items() if k in a.dims}, fill_value=0.0)
    sets = index_sets(d)
    return Solution(**{**sol.__dict__, **{k: widen(v, sets) for k, v in sol.arrays().items()}})


def _check_partners(fp: Footprint, partners: list[str] | None) -> list[str]:
    known = list(fp.companies["company"])
    partners = known if partners is None else list(partners)
    bad = [p for p in partners if p not in known]
    if bad or len(set(partners)) != len(partners) or not partners:
        raise GameError(f"partners must be distinct companies of the dataset "
                        f"({', '.join(known)}); got {', '.join(partners) or 'none'}")
    return partners


def _game(co: Coalitions) -> Game:
    order = {p: i for i, p in enumerate(co.partners)}

    def key(coalition) -> tuple[str, ...]:
        return tuple(sorted(coalition, key=order.__getitem__))

    return Game.from_function(co.partners, lambda c: co.value(key(c)),
                              evaluate_many=lambda cs: co.many([key(c) for c in cs]))


def alliance_game(fp: Footprint, partners: list[str] | None = None,
                  settings: Settings | None = None, workers: int | None = None) -> Game:
    """The coalitional game of the partners (default: every company in the dataset)."""
    settings = (settings or Settings()).for_dataset(fp)
    partners = _check_partners(fp, partners)
    workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    return _game(Coalitions(fp, partners, settings, workers))


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
    recommendation: Recommendation | None = None
    recommended_fees: FeeSchedule | None = None
    recommended_target: pd.Series | None = None
    recommended_delivered: bool = True

    @property
    def gain(self) -> pd.Series:
        return self.allocation - self.standalone

    def to_dict(self) -> dict:
        def num(s: pd.Series) -> dict:
            return {k: float(v) for k, v in s.items()}
        out = {}
        if self.recommendation is not None:  # the deal to sign comes first
            rec = self.recommendation.to_dict()
            rec["target"] = num(self.recommended_target)
            rec["split_delivered"] = bool(self.recommended_delivered)
            rec["fee_schedule"] = _fees_dict(self.recommended_fees)
            out["recommended"] = rec
        out |= {
            "rule": self.rule, "partners": self.partners,
            "allocation": num(self.allocation), "standalone": num(self.standalone),
            "gain": num(self.gain), "in_core": bool(self.in_core),
            "core_epsilon_usd": float(self.core_epsilon),
            "most_violated_coalition": {"coalition": self.most_violated[0],
                                        "excess_usd": float(self.most_violated[1])},
            "coalition_values": [
                {"coalition": r.coalition.split("+"), "value_usd": float(r.value_usd)}
                for r in self.coalition_values.itertuples()],
            "plan_split": "the alliance plan (as `plan --mode alliance`): every partner at or "
                          "above its standalone profit; its gain split in the rule's "
                          "proportions",
            "split_delivered": bool(self.extra.get("split_delivered", self.fees.feasible)),
            "target": self.extra.get("target", {}),
            "options_taken": self.plan.options_taken,
            "warnings": list(getattr(self.plan, "warnings", [])),
            "fee_schedule": _fees_dict(self.fees),
        }
        if self.interval is not None:
            out["interval"] = {r.Index: [float(r.ci_low), float(r.ci_high)]
                               for r in self.interval.itertuples()}
        return out


def _fees_dict(fees: FeeSchedule) -> dict:
    def cell(v):
        return float(v) if isinstance(v, (int, float)) else v
    return {"feasible": bool(fees.feasible), "message": fees.message,
            "fees": [{k: cell(v) for k, v in r.items()} for r in fees.fees.to_dict("records")],
            "lump_sums": [{k: cell(v) for k, v in r.items()}
                          for r in fees.lump_sums.to_dict("records")]}


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


def share(fp: Footprint, rule: str = "recommended", partners: list[str] | None = None,
          settings: Settings | None = None, weights: dict[str, float] | None = None,
          lump_sum_allowed: bool = True, workers: int | None = None,
          seed: int = 0) -> ShareResult:
    """Split the grand coalition's plan value by ``rule`` and find the fees that deliver it.

    ``rule``: recommended (the nucleolus, ``sharing.recommend``), shapley (exact up to 12
    partners, sampled beyond), nash (disagreement point = standalone values; ``weights``
    optional), leastcore, nucleolus. Whatever the rule, the recommended split, its reasons and
    its fees are kept too (``recommendation``, ``recommended_fees``). The plan is the grand
    coalition's allocation by the rule (of the game's values v(S), the coalitions' best plans);
    the plan split is the one ``plan(mode="alliance")`` returns, the same as the ``plan``
    command's, and its gain over the standalone plans is divided in the rule's proportions
    (``extra["target"]``). Its per-unit fees are re-chosen within each option's bounds (plus
    lump sums when ``lump_sum_allowed``) so every partner ends at its target; without lump sums
    and when fees cannot, the plan's own fees are kept and ``split_delivered`` is False.
    """
    if rule not in RULES:
        raise GameError(f"rule must be one of {', '.join(RULES)}, not {rule!r}")
    settings = (settings or Settings()).for_dataset(fp)
    partners = _check_partners(fp, partners)
    workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    co = Coalitions(fp, partners, settings, workers)
    game = _game(co)
    players = list(game.players)
    masks = [frozenset(c) for k in range(1, len(players) + 1)
             for c in combinations(players, k)]
    game.values()  # every coalition, in one parallel batch
    values = pd.DataFrame({"coalition": ["+".join(c for c in players if c in m) for m in masks],
                           "value_usd": [game.value(m) for m in masks]})
    allocation, interval, applied = split(game, rule, weights, seed)
    recommendation = recommend(game)
    standalone = pd.Series({p: game.value(frozenset([p])) for p in players})
    lc = least_core(game)
    coalition, excess = core_violation(game, allocation.to_dict())

    # the plan split is the one `plan --mode alliance` returns (every partner at or above its
    # standalone profit with the options' per-unit fees); its gain over the standalone plans is
    # split in the rule's proportions, so the split never asks a partner to fall below alone
    plan = alliance_plan(fp, mode="alliance", partners=players, settings=settings)
    comp = plan.companies.set_index("company").reindex(players)
    before_fees = comp["profit_usd"] + comp["fees_paid_usd"] - comp["fees_received_usd"]
    total = float(before_fees.sum())
    tol = max(1.0, 1e-9 * abs(total))
    instruments = _instruments(fp, plan)
    target, fees, delivered = _deliver(allocation, standalone, before_fees, comp["profit_usd"],
                                       instruments, lump_sum_allowed, tol, applied)
    if rule == "recommended":
        rec_target, rec_fees, rec_delivered = target, fees, delivered
    else:
        rec_target, rec_fees, rec_delivered = _deliver(
            recommendation.allocation, standalone, before_fees, comp["profit_usd"],
            instruments, lump_sum_allowed, tol, recommendation.rule)
    plan.mode = "alliance"
    plan.companies["standalone_profit_usd"] = plan.companies["company"].map(standalone)
    plan.companies["gain_usd"] = plan.companies["profit_usd"] - \
        plan.companies["standalone_profit_usd"]
    return ShareResult(rule=applied if rule != "recommended" else f"{applied} (recommended)",
                       partners=players, allocation=allocation, standalone=standalone,
                       coalition_values=values,
                       in_core=in_core(game, allocation.to_dict()), core_epsilon=lc.epsilon,
                       most_violated=([p for p in players if p in coalition], float(excess)),
                       plan=plan, fees=fees, interval=interval,
                       extra={"split_delivered": delivered,
                              "target": {p: float(v) for p, v in target.items()},
                              "plan_joint_profit_usd": total,
                              "grand_coalition_value_usd": float(allocation.sum())},
                       recommendation=recommendation, recommended_fees=rec_fees,
                       recommended_target=rec_target, recommended_delivered=rec_delivered)


def _deliver(allocation: pd.Series, standalone: pd.Series, before_fees: pd.Series,
             own: pd.Series, instruments: list[FeeInstrument], lump_sum_allowed: bool,
             tol: float, rule: str) -> tuple[pd.Series, FeeSchedule, bool]:
    """The plan split of a game allocation (its gain over standalone scaled to the alliance
    plan's gain) and the fee schedule that delivers it (USD): ``(target, fees, delivered)``.
    Without lump sums and when fees cannot reach it, the plan's own fees (``own``: each
    partner's plan profit with them) are kept and ``delivered`` is False."""
    total = float(before_fees.sum())
    plan_gain = total - float(standalone.sum())
    game_gain = float(allocation.sum() - standalone.sum())
    target = (standalone + (allocation - standalone) * (plan_gain / game_gain)
              if abs(game_gain) > 1e-9 else standalone + plan_gain / len(standalone))
    fees = fee_schedule(before_fees.to_dict(), target.to_dict(), instruments,
                        lump_sum_allowed=lump_sum_allowed, tol_usd=tol)
    delivered = bool(fees.feasible)
    if not delivered and not lump_sum_allowed:
        # per-unit fees cannot reach the split: keep the plan's own fees, which the plan chose
        # to hold every partner at or above its standalone profit (a schedule that exists)
        kept = fee_schedule(before_fees.to_dict(), own.to_dict(), instruments,
                            lump_sum_allowed=False, tol_usd=tol)
        fees = type(kept)(kept.fees, kept.lump_sums, kept.partners, kept.feasible,
                          f"{fees.message} The fees shown are the alliance plan's own, which "
                          "keep every partner at or above its standalone profit; the "
                          f"{rule} split itself needs lump sums.")
    return target, fees, delivered
