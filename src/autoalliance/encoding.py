"""One JSON encoding for every output (CLI ``--json``, report data, store): NaN -> null,
dates as YYYY-MM-DD, numpy scalars as Python numbers."""

from __future__ import annotations

import json
import math

import pandas as pd


def clean(v):
    """A value ready for JSON: non-finite floats and missing values as None, dates as text."""
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d")
    if hasattr(v, "item"):  # numpy scalars
        return clean(v.item())
    if v is pd.NA or v is pd.NaT:
        return None
    return v


def records(frame: pd.DataFrame) -> list[dict]:
    """DataFrame rows as JSON-ready dicts (NaN -> null, dates as YYYY-MM-DD)."""
    return [{k: clean(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]


def dumps(obj, **kwargs) -> str:
    """``json.dumps`` with :func:`clean` for values json cannot encode."""
    return json.dumps(obj, default=clean, **kwargs)
