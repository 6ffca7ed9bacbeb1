"""What a report is made from: a dataset folder or workbook, a bundled dataset's name, or a run
of the results store (``from_run``: its stored numbers, nothing recomputed)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from autoalliance.dataset.footprint import DATASETS_DIR, Footprint, load_footprint
from autoalliance.errors import DatasetError, Problem
from autoalliance.report.data import ReportData


def is_dataset(source: str | None) -> bool:
    """Whether ``source`` names a dataset (a path that exists or a bundled dataset)."""
    return source is None or Path(source).exists() or (DATASETS_DIR / source).is_dir()


def resolve(source: str | None) -> tuple[Footprint, pd.DataFrame | None]:
    """(footprint, scenario results or None) for a dataset path or bundled name."""
    if is_dataset(source):
        return load_footprint(source), None
    raise DatasetError([Problem(str(source), 0, "", "no such dataset folder or workbook")])


def run_inputs_hash(run: dict) -> str:
    """The hash of what a stored run computed from: its dataset's content hash and its
    scenario's content hash together (the dataset's hash alone names the unedited dataset)."""
    import hashlib

    body = f"{run.get('dataset_hash') or ''}|{run.get('scenario_hash') or ''}"
    return hashlib.sha256(body.encode()).hexdigest()[:24]


def from_run(run: dict, fy: int | None = None) -> ReportData:
    """The report's tables from a stored run (``Store.load_run``), as they were stored: the
    exposure stage's per-company figures and the plan stage's tables. Charts that need tables a
    run does not keep (monthly duty, flows today) are left out with a note; nothing is rerun."""
    result = run.get("result") or {}
    meta = {"source": "stored run", "run_key": run["run_key"], "scenario": run["scenario"],
            "scenario_set": run.get("scenario_set"), "dataset": run.get("dataset") or "",
            "inputs_hash": run_inputs_hash(run), "dataset_hash": run.get("dataset_hash") or "",
            "scenario_hash": run.get("scenario_hash") or "",
            "code_version": run.get("code_version"),
            "status": run.get("status"), "fiscal_year": None,
            "stages": list((run.get("settings") or {}).get("stages") or [])}
    if run.get("params"):  # what a Monte Carlo sample drew (regime path, FX, demand)
        meta["params"] = run["params"]
    rd = ReportData(meta=meta)
    if run.get("status") != "ok":
        first = str(run.get("error") or "no reason stored").splitlines() or [""]
        rd.notes["run"] = f"the run failed, so it holds no results: {first[0]}"
    exp = pd.DataFrame(result.get("exposure") or [])
    need = ["fiscal_year", "company", "units", "tariff_cost_usd", "tariff_cost_local",
            "currency"]
    if len(exp) and not set(need) <= set(exp):
        rd.notes["exposure"] = (f"the run's exposure stage lacks the per-company columns "
                                f"{', '.join(c for c in need if c not in exp)}")
    elif len(exp):
        years = sorted(int(y) for y in exp["fiscal_year"].unique())
        year = years[0] if fy is None else int(fy)
        if year not in years:
            raise ValueError(f"run {run['run_key']} has exposure for "
                             f"{', '.join(f'FY{y}' for y in years)}, not FY{year}")
        t = exp[exp["fiscal_year"] == year].reset_index(drop=True)
        t["tariff_cost_per_unit_usd"] = t["tariff_cost_usd"] / t["units"].where(t["units"] > 0)
        rd.tables["exposure_by_company"] = t
        rd.meta["fiscal_year"] = year
        rd.notes["exposure"] = ("from the stored run: per company only (a run keeps no "
                                "monthly, origin or nameplate breakdown)")
    elif "exposure" not in rd.notes:
        rd.notes["exposure"] = "the run has no exposure stage"
    p = result.get("plan") or {}
    for name in ("companies", "options", "utilisation", "moves"):
        t = pd.DataFrame(p.get(name) or [])
        if len(t):
            rd.tables[f"plan_{name}"] = t
    if not p:
        rd.notes["plan"] = "the run has no plan stage"
    return rd
