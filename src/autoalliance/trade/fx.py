"""Exchange rates: the rate of a currency on a day, from the ``fx`` table (the one lookup)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def per_usd_on(fx: pd.DataFrame, currency, date, latest_when_uncovered: bool = False) \
        -> np.ndarray:
    """Units of ``currency`` per USD on each ``date`` (arrays of equal length, or scalars): the
    ``fx`` row whose [start, end] holds the day; USD is 1. NaN where no row covers the day,
    unless ``latest_when_uncovered``, which takes the currency's last rate (a path beyond the
    table, e.g. a Monte Carlo start)."""
    cur = np.atleast_1d(np.asarray(currency, dtype=object))
    day = pd.to_datetime(pd.Series(np.atleast_1d(np.asarray(date)))).to_numpy(
        dtype="datetime64[ns]")
    cur = np.broadcast_to(cur, day.shape) if cur.size == 1 else cur
    out = np.full(len(day), np.nan)
    out[cur == "USD"] = 1.0
    for c, rates in fx.groupby("currency"):
        sel = cur == c
        if not sel.any():
            continue
        rates = rates.sort_values("start")
        d = day[sel]
        starts = rates["start"].to_numpy(dtype="datetime64[ns]")
        ends = rates["end"].to_numpy(dtype="datetime64[ns]")
        values = rates["per_usd"].to_numpy(float)
        i = np.searchsorted(starts, d, side="right") - 1
        ok = i >= 0
        ok[ok] &= d[ok] <= ends[i[ok]]
        got = np.where(ok, values[np.clip(i, 0, None)], np.nan)
        if latest_when_uncovered:
            got = np.where(ok, got, values[np.argmax(ends)])
        out[sel] = got
    return out
