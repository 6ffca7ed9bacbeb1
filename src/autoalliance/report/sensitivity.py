"""One-at-a-time sensitivity (tornado): how a metric moves when each input goes low and high.

Inputs are the ones an analyst argues about: each trade rule's rate (other than base rates),
each currency's rate to the dollar, each collaboration option's investment and unit-cost effect,
and each company's demand. Each is moved down and up by a relative step, the metric is computed
on the changed footprint, and the inputs are ranked by the swing (high - low in absolute terms).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from autoalliance.dataset.footprint import Footprint


@dataclass(frozen=True)
class Perturbation:
    """One input: a label, its base value (for the chart's axis) and how to scale it."""

    label: str
    base: float
    apply: Callable[[Footprint, float], Footprint]  # (fp, factor) -> changed fp


def _scale(table: str, column: str, mask_col: str | None, key) -> Callable:
    def apply(fp: Footprint, factor: float) -> Footprint:
        t = fp.table(table).copy()
        sel = t[mask_col] == key if mask_col else slice(None)
        t.loc[sel, column] = t.loc[sel, column].astype(float) * factor
        return fp.replace(**{table: t})

    return apply


def candidates(fp: Footprint) -> list[Perturbation]:
    """The inputs a tornado considers for this footprint."""
    out: list[Perturbation] = []
    m = fp.measures
    for row in m[(m["layer"] != "base") & (m["rate"] > 0)].itertuples(index=False):
        out.append(Perturbation(f"rate {row.measure}", float(row.rate),
                                _scale("measures", "rate", "measure", row.measure)))
    for cur, rows in fp.fx.groupby("currency"):
        out.append(Perturbation(f"{cur} per USD", float(rows["per_usd"].mean()),
                                _scale("fx", "per_usd", "currency", cur)))
    opts = fp.table("options")
    for col in ("investment_usd", "unit_cost_effect_usd", "programme_cost_usd"):
        if col not in opts:
            continue
        for row in opts.itertuples(index=False):
            v = getattr(row, col)
            if pd.notna(v) and float(v) != 0:
                out.append(Perturbation(f"{col.removesuffix('_usd')} {row.option}", float(v),
                                        _scale("options", col, "option", row.option)))
    dem = fp.demand.merge(fp.nameplates[["nameplate", "company"]], on="nameplate")
    for company in sorted(dem["company"].unique()):
        names = set(fp.nameplates.loc[fp.nameplates["company"] == company, "nameplate"])

        def apply(f: Footprint, factor: float, names=names) -> Footprint:
            d = f.demand.copy()
            sel = d["nameplate"].isin(names)
            d.loc[sel, "units"] = d.loc[sel, "units"].astype(float) * factor
            return f.replace(demand=d)

        total = float(dem.loc[dem["company"] == company, "units"].sum())
        out.append(Perturbation(f"demand {company}", total, apply))
    return out


def tornado(fp: Footprint, metric: Callable[[Footprint], float], top: int = 10,
            step: float = 0.2, inputs: list[Perturbation] | None = None) -> pd.DataFrame:
    """Metric at base, with each input scaled by (1 - step) and (1 + step); the ``top`` inputs
    with the largest swing, largest first. Columns: input, base_value, low_value, high_value,
    metric_base, metric_low, metric_high, swing."""
    inputs = candidates(fp) if inputs is None else inputs
    base = float(metric(fp))
    rows = []
    for p in inputs:
        lo = float(metric(p.apply(fp, 1 - step)))
        hi = float(metric(p.apply(fp, 1 + step)))
        rows.append({"input": p.label, "base_value": p.base, "low_value": p.base * (1 - step),
                     "high_value": p.base * (1 + step), "metric_base": base, "metric_low": lo,
                     "metric_high": hi, "swing": abs(hi - lo)})
    out = pd.DataFrame(rows, columns=["input", "base_value", "low_value", "high_value",
                                      "metric_base", "metric_low", "metric_high", "swing"])
    return out.sort_values("swing", ascending=False, kind="stable").head(top) \
        .reset_index(drop=True)
