"""The stages a scenario run computes, as a registry: exposure always; plan when the planner is
importable; more (sharing, reports) plug in with ``register_stage``.

A stage is ``fn(fp, settings) -> StageOutput``: tidy numbers per company (``company, period,
metric, value``; money in USD) that the store keeps for comparisons, and a JSON-ready payload.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import pandas as pd

METRIC_COLUMNS = ["company", "period", "metric", "value"]


@dataclass(frozen=True)
class RunSettings:
    """What a run computes besides its inputs: the stages and their settings."""

    stages: tuple[str, ...] = ("exposure",)
    fiscal_years: tuple[int, ...] | None = None  # exposure; None: every year with demand
    horizon: tuple[int, int] = (2026, 2030)  # plan

    def to_dict(self) -> dict:
        d = asdict(self)
        d["stages"] = list(self.stages)
        d["fiscal_years"] = None if self.fiscal_years is None else list(self.fiscal_years)
        d["horizon"] = list(self.horizon)
        return d


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


STAGES: dict[str, Stage] = {}


def register_stage(name: str, fn: Callable[..., StageOutput],
                   available: Callable[[], bool] = lambda: True, description: str = "") -> None:
    """Add a stage (``fn(fp, settings) -> StageOutput``) that scenario runs can compute."""
    STAGES[name] = Stage(name, fn, available, description)


def available_stages() -> list[str]:
    return [n for n, s in STAGES.items() if s.available()]


def _long(frame: pd.DataFrame, period, metrics: list[str]) -> pd.DataFrame:
    m = frame.melt(id_vars=["company"] + (["period"] if "period" in frame else []),
                   value_vars=metrics, var_name="metric", value_name="value")
    if "period" not in m:
        m.insert(1, "period", period)
    m["value"] = m["value"].astype(float)
    return m[METRIC_COLUMNS]


def exposure_stage(fp, settings: RunSettings) -> StageOutput:
    """Duty and tariff cost per company and fiscal year under today's sourcing (USD)."""
    from autoalliance.trade.exposure import exposure, summarise

    years = settings.fiscal_years
    if years is None:
        years = sorted(int(y) for y in fp.demand["fiscal_year"].unique())
    s = summarise(exposure(fp, years), "company")
    s["period"] = "FY" + s["fiscal_year"].astype(int).astype(str)
    metrics = ["units", "duty_usd", "added_duty_usd", "offset_usd", "tariff_cost_usd",
               "tariff_cost_local"]
    payload = s[["company", "fiscal_year", "currency"] + metrics].to_dict(orient="records")
    return StageOutput(_long(s, None, metrics), payload)


def _plan_module():
    try:
        mod = importlib.import_module("autoalliance.plan")
    except ImportError:
        return None
    return mod if hasattr(mod, "plan") else None


def plan_stage(fp, settings: RunSettings) -> StageOutput:
    """The alliance plan over the horizon: each company's profit, its standalone profit, the
    gain (profit - standalone) and duty, all in USD over the horizon."""
    mod = _plan_module()
    res = mod.plan(fp, mode="alliance", horizon=tuple(settings.horizon))
    c = res.companies.copy()
    c["alliance_gain_usd"] = c["profit_usd"] - c["standalone_profit_usd"]
    period = f"{settings.horizon[0]}-{settings.horizon[1]}"
    metrics = [m for m in ["profit_usd", "standalone_profit_usd", "alliance_gain_usd", "duty_usd"]
               if m in c]
    payload = res.to_dict() if hasattr(res, "to_dict") else {}
    return StageOutput(_long(c, period, metrics), payload)


register_stage("exposure", exposure_stage, description="duty and tariff cost per fiscal year")
register_stage("plan", plan_stage, available=lambda: _plan_module() is not None,
               description="alliance plan: profit, standalone profit, gain, duty over the horizon")
