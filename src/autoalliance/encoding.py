"""One JSON encoding for every output (CLI ``--json``, report data, store): NaN -> null,
dates as YYYY-MM-DD (times of day, when there is one, as YYYY-MM-DDTHH:MM:SS), numpy scalars as
Python numbers."""

from __future__ import annotations

import json
import math


def clean(v):
    """A value ready for JSON: non-finite floats and missing values as None, dates as text,
    numpy scalars as Python numbers."""
    import numpy as np  # here, not at module level: the command line starts without them
    import pandas as pd

    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d" if v == v.normalize() else "%Y-%m-%dT%H:%M:%S")
    if isinstance(v, np.generic):  # numpy scalars
        return clean(v.item())
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if v is pd.NA or v is pd.NaT:
        return None
    return v


def records(frame) -> list[dict]:
    """DataFrame rows as JSON-ready dicts (NaN -> null, dates as YYYY-MM-DD)."""
    return [{k: clean(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]


def default(v):
    """``json.dumps``'s ``default``: :func:`clean`, and text for anything else."""
    out = clean(v)
    return str(out) if out is v else out


def dumps(obj, **kwargs) -> str:
    """``json.dumps`` with :func:`default` for values json cannot encode."""
    return json.dumps(obj, default=default, **kwargs)
