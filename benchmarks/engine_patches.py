"""Proposed changes to the exposure engine, applied here as patches so their effect can be
measured without editing ``autoalliance.trade`` (the engine's owner decides whether to take them).

1. ``_match`` (trade/measures.py) converts the key columns to NumPy once, not once per rule:
   with pandas 3's Arrow-backed strings each ``Series.to_numpy()`` copies, and it ran
   4 times x 19 rules per call.
2. ``_monthly_rates`` (trade/exposure.py) depends only on the measures, the set of goods keys
   and the companies' fiscal days, not on the flows' units: memoise it, so a stream of demand
   scenarios (or the chunks of a large run) pays for it once.
3. ``fiscal_days`` likewise depends only on the companies and fiscal years: memoise it.

``apply()`` installs both; ``remove()`` restores the originals. Results are identical (checked in
``run.py`` before anything is timed).
"""

from __future__ import annotations

import hashlib
import importlib

import numpy as np
import pandas as pd

_exposure = importlib.import_module("autoalliance.trade.exposure")
_measures = importlib.import_module("autoalliance.trade.measures")
_ORIG = {"match": _measures._match, "monthly": _exposure._monthly_rates,
         "days": _exposure.fiscal_days}
_CACHE: dict = {}


def match_hoisted(measures: pd.DataFrame, keys: pd.DataFrame) -> np.ndarray:
    """``_match`` with each key column converted to NumPy once (same result)."""
    n, m = len(keys), len(measures)
    out = np.zeros((n, m), dtype=bool)
    date = keys["date"].to_numpy(dtype="datetime64[ns]")
    importer = keys["importer"].to_numpy(dtype=object)
    origin = keys["origin"].to_numpy(dtype=object)
    goods = keys["goods"].to_numpy(dtype=object)
    category = keys["category"].to_numpy(dtype=object)
    usmca = keys["usmca"].to_numpy(dtype=bool)
    for j, rule in enumerate(measures.itertuples(index=False)):
        ok = importer == rule.importer
        if rule.origin != "*":
            ok &= np.isin(origin, rule.origin.split("|"))
        ok &= goods == rule.goods
        if rule.category != "*":
            ok &= category == rule.category
        if rule.usmca != "*":
            ok &= usmca == (rule.usmca == "yes")
        ok &= date >= np.datetime64(rule.start, "ns")
        if not pd.isna(rule.end):
            ok &= date <= np.datetime64(rule.end, "ns")
        domestic = origin == rule.importer
        ok &= domestic if rule.layer == "offset" else ~domestic
        out[:, j] = ok
    return out


def _digest(*frames: pd.DataFrame) -> str:
    h = hashlib.sha256()
    for f in frames:
        h.update(pd.util.hash_pandas_object(f, index=False).to_numpy().tobytes())
        h.update(",".join(map(str, f.columns)).encode())
    return h.hexdigest()


def monthly_rates_cached(fp, rows: pd.DataFrame, days: pd.DataFrame):
    """``_monthly_rates`` memoised on (measures, goods keys, fiscal days)."""
    keys = rows[_measures.KEY[:-1]].drop_duplicates().sort_values(_measures.KEY[:-1])
    k = _digest(fp.measures.astype(str), keys.astype(str), days)
    if k not in _CACHE:
        _CACHE[k] = _ORIG["monthly"](fp, keys, days)
    return _CACHE[k]


def fiscal_days_cached(fp, companies, fiscal_years) -> pd.DataFrame:
    """``fiscal_days`` memoised on (footprint, companies, fiscal years)."""
    k = ("days", id(fp), tuple(sorted(companies)), tuple(sorted(int(y) for y in fiscal_years)))
    if k not in _CACHE:
        _CACHE[k] = _ORIG["days"](fp, companies, fiscal_years)
    return _CACHE[k]


def apply() -> None:
    _measures._match = match_hoisted
    _exposure._monthly_rates = monthly_rates_cached
    _exposure.fiscal_days = fiscal_days_cached


def remove() -> None:
    _measures._match = _ORIG["match"]
    _exposure._monthly_rates = _ORIG["monthly"]
    _exposure.fiscal_days = _ORIG["days"]
    _CACHE.clear()
