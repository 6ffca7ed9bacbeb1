"""What a report is made from: a dataset folder or workbook, or a bundled dataset's name.

(A report from a run of the results store is not built yet: ``Store`` keeps each run's numbers
but not its inputs, so there is nothing to report from without recomputing.)
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from autoalliance.dataset.footprint import DATASETS_DIR, Footprint, load_footprint
from autoalliance.errors import DatasetError, Problem


def resolve(source: str | None) -> tuple[Footprint, pd.DataFrame | None]:
    """(footprint, scenario results or None) for a dataset path or bundled name."""
    if source is None:
        return load_footprint(None), None
    p = Path(source)
    if p.exists() or (DATASETS_DIR / source).is_dir():
        return load_footprint(source), None
    raise DatasetError([Problem(str(source), 0, "", "no such dataset folder or workbook")])
