"""What a report is made from: a dataset (folder or workbook) or a run of the results store."""

from __future__ import annotations

import importlib
from pathlib import Path

import pandas as pd

from autoalliance.dataset.footprint import DATASETS_DIR, Footprint, load_footprint
from autoalliance.errors import DatasetError, Problem


def resolve(source: str | None) -> tuple[Footprint, pd.DataFrame | None]:
    """(footprint, scenario results or None) for a dataset path, bundled name or run id."""
    if source is None:
        return load_footprint(None), None
    p = Path(source)
    if p.exists() or (DATASETS_DIR / source).is_dir():
        return load_footprint(source), None
    run = _from_store(source)
    if run is not None:
        return run
    raise DatasetError([Problem(str(source), 0, "", "no such dataset folder, workbook or run "
                                "of the results store")])


def _from_store(run_id: str):
    """A run of the results store as (footprint, scenario results), when the store offers it."""
    try:
        store = importlib.import_module("autoalliance.scenarios.store")
    except ImportError:
        return None
    loader = getattr(store, "load_run", None)
    if loader is None:
        return None
    try:
        run = loader(run_id)
    except Exception:
        return None
    fp = getattr(run, "footprint", None)
    results = getattr(run, "results", None)
    if fp is None:
        return None
    return fp, results if isinstance(results, pd.DataFrame) else None
