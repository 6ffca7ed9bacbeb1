"""Warnings for input that is valid but implausible, and for answers that are empty: printed
as warnings (and in ``--json`` under ``warnings``), never silent. The bands are stated here."""

from __future__ import annotations

import numpy as np
import pandas as pd

from autoalliance.dataset.footprint import Footprint

# a vehicle's customs value outside this band (USD a unit) is probably a typo or a total
CUSTOMS_VALUE_BAND = (3_000.0, 250_000.0)
# an FX rate more than this factor away from the median of its currency's path
FX_FACTOR = 2.0
# a calibration ratio (modelled / reported in scope) outside this band
RATIO_BAND = (0.2, 5.0)


def input_warnings(fp: Footprint) -> list[str]:
    """Implausible values of a valid dataset, one message each (file, row, column)."""
    out = []
    c = fp.costs
    lo, hi = CUSTOMS_VALUE_BAND
    bad = (c["customs_value_usd"] < lo) | (c["customs_value_usd"] > hi)
    for i in np.flatnonzero(bad.to_numpy()):
        r = c.iloc[i]
        out.append(f"costs.csv row {i + 2}, customs_value_usd: {r['customs_value_usd']:,.0f} "
                   f"USD a vehicle ({r['nameplate']} at {r['plant']}) is outside the plausible "
                   f"band {lo:,.0f}-{hi:,.0f}")
    fx = fp.fx
    if len(fx):
        med = fx.groupby("currency")["per_usd"].transform("median")
        far = (fx["per_usd"] > med * FX_FACTOR) | (fx["per_usd"] < med / FX_FACTOR)
        for i in np.flatnonzero(far.to_numpy()):
            r = fx.iloc[i]
            out.append(f"fx.csv row {i + 2}, per_usd: {r['per_usd']:g} {r['currency']} per USD "
                       f"from {pd.Timestamp(r['start']):%Y-%m-%d} is more than {FX_FACTOR:g}x "
                       f"away from the median of its path ({med.iloc[i]:g})")
    return out


def demand_warnings(fp: Footprint, fiscal_years) -> list[str]:
    """A fiscal year asked for with no demand: its figures are zero, not a finding."""
    have = set(fp.demand.loc[fp.demand["units"] > 0, "fiscal_year"].astype(int))
    return [f"no demand in FY{int(y)} (the dataset has demand for "
            f"{', '.join(f'FY{v}' for v in sorted(have)) or 'no year'}): its figures are zero"
            for y in sorted(set(int(y) for y in fiscal_years)) if int(y) not in have]


def ratio_warnings(calibration: pd.DataFrame) -> list[str]:
    """Calibration ratios outside the plausible band (or not computable)."""
    lo, hi = RATIO_BAND
    out = []
    for r in calibration.itertuples(index=False):
        ratio = getattr(r, "ratio", np.nan)
        if pd.isna(ratio) or ratio < lo or ratio > hi:
            out.append(f"calibration of {r.company} ({pd.Timestamp(r.as_of):%Y-%m-%d}): ratio "
                       f"{'not computable' if pd.isna(ratio) else f'{ratio:.2f}'} is outside "
                       f"{lo:g}-{hi:g}; the modelled figure and the reported one do not describe "
                       "the same thing")
    return out
