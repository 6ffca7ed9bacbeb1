"""The one recommended split of a game, the rule that chooses it, and why each partner gets its
share, in words.

The rule: **the nucleolus** (Schmeidler 1969). It is unique; it lies in the core whenever the
core is non-empty, so no group of partners can do better by leaving; and it always lies in the
least core (Maschler, Peleg & Shapley 1979), so when the core is empty it is the split that
leaves the strongest blocking group the smallest shortfall. "The nucleolus when the core is
non-empty, else the least core (its nucleolus)" is therefore one formula, not two. When the
standalone values sum to more than v(N) (no split gives everyone at least its standalone
value: the imputation set is empty), the prenucleolus is taken instead. The Shapley value is
kept one flag away: it is the average marginal contribution, but it can lie outside the core
of a game that is not convex (Shapley 1971); Nash bargaining from standalone ignores what
pairs of partners could do on their own.

For each partner the reasons are read off the game at the split (all amounts USD):

- its **marginal contribution** ``m_i = v(N) − v(N∖i)``: in the core no partner gets more
  than that (otherwise the others would do better without it);
- its **average marginal contribution** (the Shapley value) over every order of joining;
- the **binding coalitions**: the group without it with the largest excess ``v(S) − x(S)``
  (giving it more would push that group to leave first) and the group with it with the
  largest excess (giving it less would push that group to leave first).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .core import TOL, excesses, least_core, value_scale
from .errors import GameError
from .game import Game
from .nash import nash_bargaining
from .nucleolus import nucleolus
from .shapley import shapley

RULES = ("recommended", "shapley", "nash", "leastcore", "nucleolus")

RULE_STATEMENT = (
    "Recommended split: the nucleolus (Schmeidler 1969). It is the one split that makes the "
    "group of partners most tempted to leave as little tempted as possible, then the next, and "
    "so on; it lies in the core whenever the core is non-empty (no group of partners does "
    "better alone) and in the least core when it is empty (Maschler, Peleg & Shapley 1979). "
    "The Shapley value, Nash bargaining and the least core are one --rule away.")


def split(game: Game, rule: str, weights: dict[str, float] | None = None,
          seed: int = 0) -> tuple[pd.Series, pd.DataFrame | None, str]:
    """The allocation (USD, in player order) of ``rule``, a confidence interval for sampled
    Shapley values (else None) and the rule's name as applied (``recommended`` is named by
    the rule it chose: ``nucleolus`` or ``prenucleolus``)."""
    if rule not in RULES:
        raise GameError(f"rule must be one of {', '.join(RULES)}, not {rule!r}")
    interval = None
    name = rule
    if rule == "recommended":
        alloc, name = recommended_allocation(game)
    elif rule == "shapley":
        est = shapley(game, seed=seed)
        alloc = est.value
        if not est.exact:
            interval = pd.DataFrame({"ci_low": est.ci_low, "ci_high": est.ci_high})
    elif rule == "nash":
        alloc = nash_bargaining(game, weights)
    elif rule == "leastcore":
        alloc = least_core(game).allocation
    else:
        alloc = nucleolus(game)
    return pd.Series(alloc, index=list(game.players), dtype=float), interval, name


def recommended_allocation(game: Game) -> tuple[pd.Series, str]:
    """The recommended split (USD) and the rule that gave it (nucleolus, or the prenucleolus
    when no split gives every partner its standalone value)."""
    single = game.standalone().to_numpy()
    if single.sum() > game.grand_value + TOL * value_scale(game):
        return nucleolus(game, imputations=False), "prenucleolus"
    return nucleolus(game), "nucleolus"


@dataclass
class Recommendation:
    """The recommended split (USD), the rule, and each partner's reasons in words."""

    rule: str
    statement: str
    allocation: pd.Series
    standalone: pd.Series
    in_core: bool
    core_epsilon_usd: float
    partners: pd.DataFrame  # per partner: standalone, allocation, gain, marginals, binding
    reasons: dict[str, str] = field(default_factory=dict)

    @property
    def gain(self) -> pd.Series:
        return self.allocation - self.standalone

    def to_dict(self) -> dict:
        rows = []
        for r in self.partners.reset_index().to_dict("records"):
            rows.append({k: (float(v) if isinstance(v, (int, float, np.floating)) else
                             (v if not isinstance(v, tuple) else list(v)))
                         for k, v in r.items()})
        return {"rule": self.rule, "statement": self.statement,
                "allocation": {k: float(v) for k, v in self.allocation.items()},
                "standalone": {k: float(v) for k, v in self.standalone.items()},
                "gain": {k: float(v) for k, v in self.gain.items()},
                "in_core": bool(self.in_core), "core_epsilon_usd": float(self.core_epsilon_usd),
                "partners": rows, "reasons": dict(self.reasons)}


def _m(usd: float) -> str:
    """USD as millions in words (``1,234.5 M USD``)."""
    return f"{usd / 1e6:,.1f} M USD"


def _names(coalition: list[str]) -> str:
    return " + ".join(coalition)


def recommend(game: Game) -> Recommendation:
    """The recommended split of ``game`` with, for each partner, why it gets its share."""
    players = list(game.players)
    alloc, rule = recommended_allocation(game)
    standalone = game.standalone()
    phi = shapley(game).value
    lc = least_core(game)
    grand = game.grand_value
    n = game.n
    full = game.grand_mask
    marginal = pd.Series({p: grand - (game.values_at(np.array([full & ~(1 << i)]))[0]
                                      if n > 1 else 0.0)
                          for i, p in enumerate(players)})
    exc = excesses(game, alloc) if n > 1 else pd.Series(dtype=float)
    slack = TOL * value_scale(game)
    rows, reasons = [], {}
    for p in players:
        gain = float(alloc[p] - standalone[p])
        top = float(marginal[p] - standalone[p])  # the largest gain a core split can give
        without = [(k.split(","), float(e)) for k, e in exc.items() if p not in k.split(",")]
        with_ = [(k.split(","), float(e)) for k, e in exc.items()
                 if p in k.split(",") and k.split(",") != [p]]
        up = max(without, key=lambda t: t[1]) if without else ([], float("nan"))
        down = max(with_, key=lambda t: t[1]) if with_ else ([p], -gain)
        rows.append({"partner": p, "standalone_usd": float(standalone[p]),
                     "allocation_usd": float(alloc[p]), "gain_usd": gain,
                     "marginal_contribution_usd": float(marginal[p]),
                     "max_core_gain_usd": top,
                     "shapley_gain_usd": float(phi[p] - standalone[p]),
                     "binding_without": ",".join(up[0]), "binding_without_excess_usd": up[1],
                     "binding_with": ",".join(down[0]), "binding_with_excess_usd": down[1]})
        words = [f"{p} receives {_m(alloc[p])}: {_m(gain)} more than the {_m(standalone[p])} "
                 "it makes alone."]
        if n > 1:
            others = [q for q in players if q != p]
            share_of_top = f"; it gets {gain / top:.0%} of that" if top > slack else ""
            words.append(f"Without it, {_names(others)} would make "
                         f"{_m(grand - marginal[p])}; with it the alliance makes {_m(grand)}, "
                         f"so it brings {_m(marginal[p])}, {_m(top)} more than it makes "
                         f"alone: no stable split gives it a larger gain{share_of_top}.")
            words.append(f"Averaged over every order in which the partners could join, it "
                         f"adds {_m(phi[p] - standalone[p])} over alone (the Shapley gain).")
        if up[0]:
            verb = ("alone would make", "is") if len(up[0]) == 1 else ("together would make",
                                                                        "are")
            words.append(f"What holds its share down: {_names(up[0])} {verb[0]} "
                         f"{_m(game.value(up[0]))} without it and {verb[1]} left "
                         f"{_m(-up[1])} above that; more for {p} would push "
                         f"{'it' if len(up[0]) == 1 else 'them'} first toward leaving.")
        if n > 2 and down[0] != [p]:
            words.append(f"What holds it up: {_names(down[0])} together would make "
                         f"{_m(game.value(down[0]))} and get {_m(-down[1])} more; less for "
                         f"{p} would push that group first toward leaving.")
        reasons[p] = " ".join(words)
    table = pd.DataFrame(rows).set_index("partner")
    return Recommendation(rule=rule, statement=RULE_STATEMENT, allocation=alloc,
                          standalone=standalone, in_core=bool(lc.in_core),
                          core_epsilon_usd=float(lc.epsilon), partners=table, reasons=reasons)
