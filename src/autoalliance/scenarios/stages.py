"""The stages a scenario run computes, as a registry: exposure, plan and sharing; more plug in
with ``register_stage``.

A stage is ``fn(fp, settings) -> StageOutput``: tidy numbers per company (``company, period,
metric, value``; money in USD) that the store keeps for comparisons, and a JSON-ready payload.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from autoalliance.plan import plan
from autoalliance.settings import Settings
from autoalliance.sharing import shapley
from autoalliance.sharing.alliance import alliance_game
from autoalliance.trade.exposure import exposure, summarise

METRIC_COLUMNS = ["company", "period", "metric", "value"]


@dataclass
class StageOutput:
    metrics: pd.DataFrame  # company, period, metric, value
    payload: dict | list = field(default_factory=dict)


@dataclass(frozen=True)
class Stage:
    name: str
    fn: Callable[..., StageOutput]
    available: Callable[[], bool] = lambda: True
    description: str = ""
    default: bool = True  # run when a scenario file names no stages


STAGES: dict[str, Stage] = {}


def register_stage(name: str, fn: Callable[..., StageOutput],
                   available: Callable[[], bool] = lambda: True, description: str = "",
                   default: bool = True) -> None:
    """Add a stage (``fn(fp, settings) -> StageOutput``) that scenario runs can compute;
    ``default``: run when a scenario file names no stages."""
    STAGES[name] = Stage(name, fn, available, description, default)


def available_stages() -> list[str]:
    return [n for n, s in STAGES.items() if s.available()]


def _long(frame: pd.DataFrame, period, metrics: list[str]) -> pd.DataFrame:
    m = frame.melt(id_vars=["company"] + (["period"] if "period" in frame else []),
                   value_vars=metrics, var_name="metric", value_name="value")
    if "period" not in m:
        m.insert(1, "period", period)
    m["value"] = m["value"].astype(float)
    return m[METRIC_COLUMNS]


def exposure_stage(fp, settings: Settings) -> StageOutput:
    """Duty and tariff cost per company and fiscal year under today's sourcing (USD)."""
    years = settings.fiscal_years
    if years is None:
        years = fp.fiscal_years
    s = summarise(exposure(fp, years), "company")
    have = set(s["fiscal_year"].astype(int))
    missing = [y for y in years if int(y) not in have]
    if missing:  # a run with no numbers for a year asked is a failed run, not an ok one
        raise ValueError(f"no demand in {', '.join(f'FY{int(y)}' for y in missing)}: nothing "
                         "to compute exposure on")
    s["period"] = "FY" + s["fiscal_year"].astype(int).astype(str)
    metrics = ["units", "duty_usd", "added_duty_usd", "offset_usd", "tariff_cost_usd",
               "tariff_cost_local"]
    payload = s[["company", "fiscal_year", "currency"] + metrics].to_dict(orient="records")
    return StageOutput(_long(s, None, metrics), payload)


def plan_stage(fp, settings: Settings) -> StageOutput:
    """The alliance plan over the horizon: each company's profit, its standalone profit, the
    gain (profit - standalone) and duty, all in USD over the horizon."""
    settings = settings.for_dataset(fp)
    res = plan(fp, mode="alliance", settings=settings)
    c = res.companies.copy()
    c["alliance_gain_usd"] = c["profit_usd"] - c["standalone_profit_usd"]
    period = f"{settings.horizon[0]}-{settings.horizon[1]}"
    metrics = ["profit_usd", "standalone_profit_usd", "alliance_gain_usd", "duty_usd"]
    return StageOutput(_long(c, period, metrics), res.to_dict())


def sharing_stage(fp, settings: Settings) -> StageOutput:
    """The Shapley split of the alliance's value over the horizon (every company a partner):
    each company's share and its gain over standalone, USD. Solved on the plan stage's model
    when both run (one model per input state)."""
    settings = settings.for_dataset(fp)
    game = alliance_game(fp, settings=settings, workers=1)
    split = shapley(game).value
    alone = {p: game.value(frozenset([p])) for p in game.players}
    c = pd.DataFrame({"company": list(game.players),
                      "shapley_usd": [float(split[p]) for p in game.players],
                      "shapley_gain_usd": [float(split[p] - alone[p]) for p in game.players]})
    period = f"{settings.horizon[0]}-{settings.horizon[1]}"
    return StageOutput(_long(c, period, ["shapley_usd", "shapley_gain_usd"]),
                       c.to_dict(orient="records"))


register_stage("exposure", exposure_stage, description="duty and tariff cost per fiscal year")
register_stage("plan", plan_stage,
               description="alliance plan: profit, standalone profit, gain, duty over the horizon")
register_stage("sharing", sharing_stage,
               description="Shapley split of the alliance's value and each company's gain",
               default=False)
