"""The numbers behind the report, the workbook and the dashboard, as plain tables.

``build(fp)`` runs each stage of the pipeline that is available (exposure always; the planner,
gain sharing and scenario results when their modules are installed and the dataset has what they
need) and keeps every table it charts. A stage that cannot run leaves a note saying why, and its
charts are left out; nothing is made up.

Money is in USD unless a column says ``_local``; units are vehicles a year.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from autoalliance.dataset.footprint import Footprint
from autoalliance.trade.exposure import current_flows, exposure, exposure_table

#: Stages a report can include, in pipeline order, with what each needs.
STAGES = ("exposure", "plan", "sharing", "scenarios", "sensitivity")


@dataclass
class ReportData:
    """Tables of one report. ``tables`` maps a name to a DataFrame; ``notes`` maps a stage that
    did not run to the reason; ``meta`` describes the inputs (dataset, content hash, year)."""

    meta: dict
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    policy_dates: list[dict] = field(default_factory=list)

    def has(self, name: str) -> bool:
        t = self.tables.get(name)
        return t is not None and len(t) > 0

    def to_json(self) -> dict:
        """Machine-readable numbers (the report's ``report-data`` block): the same shapes as
        the CLI's ``--json`` output (``exposure_by_company`` = ``exposure --by company --json``)."""
        from autoalliance.encoding import records

        return {"meta": self.meta, "notes": self.notes, "policy_dates": self.policy_dates,
                "tables": {k: records(v) for k, v in self.tables.items()}}


def fiscal_window(fp: Footprint, fy: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day covered by any company's fiscal year ``fy``."""
    months = fp.companies["fiscal_year_start_month"].astype(int)
    starts = [pd.Timestamp(fy, int(m), 1) for m in months]
    return min(starts), max(starts) + pd.DateOffset(years=1) - pd.Timedelta(days=1)


def policy_dates(fp: Footprint, fy: int) -> list[dict]:
    """Days within the fiscal year on which a trade rule (other than a base rate) starts or
    ends, with the rules that change: the dates marked on the duty chart."""
    lo, hi = fiscal_window(fp, fy)
    m = fp.measures
    m = m[m["layer"] != "base"]
    events: dict[pd.Timestamp, list[str]] = {}
    for row in m.itertuples(index=False):
        start = pd.Timestamp(row.start)
        if lo <= start <= hi:
            events.setdefault(start, []).append(f"{row.measure} starts ({row.rate:.1%})")
        end = row.end
        if pd.notna(end) and end != "":
            day_after = pd.Timestamp(end) + pd.Timedelta(days=1)
            if lo <= day_after <= hi:
                events.setdefault(day_after, []).append(f"{row.measure} ends")
    return [{"date": d.strftime("%Y-%m-%d"), "label": "; ".join(v)}
            for d, v in sorted(events.items())]


def utilisation_today(fp: Footprint, fy: int) -> pd.DataFrame:
    """Vehicle plants: capacity, the utilisation the source states, and the units the dataset's
    flows put there in ``fy`` (only the markets in the dataset)."""
    plants = fp.plants
    plants = plants[plants["kind"] == "vehicle"]
    flows = current_flows(fp, [fy]).groupby("plant", as_index=False)["units"].sum()
    out = plants[["plant", "company", "country", "capacity_units"]].merge(
        flows.rename(columns={"units": "flow_units"}), on="plant", how="left")
    out["flow_units"] = out["flow_units"].fillna(0.0)
    stated = plants["utilisation"] if "utilisation" in plants else None
    out["utilisation_stated"] = (stated.to_numpy() if stated is not None
                                 else float("nan"))
    out["utilisation_flows"] = out["flow_units"] / out["capacity_units"].where(
        out["capacity_units"] > 0)
    return out.reset_index(drop=True)


def _exposure_tables(fp: Footprint, fy: int, rd: ReportData) -> None:
    # the yearly tables go the same way as ``autoalliance exposure`` (so they equal its JSON to
    # the last digit); the monthly one sums the same duty in a different order
    res = exposure(fp, [fy])
    rd.tables["exposure_by_company"] = exposure_table(res, "company")
    rd.tables["exposure_by_origin"] = exposure_table(res, "origin")
    rd.tables["exposure_by_nameplate"] = exposure_table(res, "nameplate")
    monthly = exposure_table(exposure(fp, [fy], by_month=True), ["origin", "month"])
    rd.tables["exposure_by_month_origin"] = monthly.sort_values(
        ["company", "origin", "month"]).reset_index(drop=True)
    rd.tables["utilisation_today"] = utilisation_today(fp, fy)
    flows = current_flows(fp, [fy])
    flows = flows.merge(fp.nameplates[["nameplate", "company"]], on="nameplate", how="left")
    rd.tables["flows_today"] = flows
    rd.policy_dates = policy_dates(fp, fy)


def build(fp: Footprint, fy: int | None = None, stages=STAGES,
          progress: Callable[[str, float], None] | None = None,
          scenario_results: pd.DataFrame | None = None) -> ReportData:
    """Run the available stages on a footprint and keep the tables the report charts.

    ``progress(label, share_done)`` is called before each stage (the dashboard's bar).
    ``scenario_results`` (one row per scenario with ``alliance_gain_usd`` and per-company
    columns) is charted as distributions when given. ``fy``: the fiscal year of the exposure
    charts (default: the dataset's base year).
    """
    from autoalliance.report import stages as st

    fy = fp.base_year if fy is None else int(fy)
    rd = ReportData(meta={"dataset": fp.name, "inputs_hash": fp.content_hash(),
                          "fiscal_year": int(fy)})
    steps = [s for s in STAGES if s in stages]
    cache: dict = {}
    for i, stage in enumerate(steps):
        if progress:
            progress(stage, i / len(steps))
        if stage == "exposure":
            _exposure_tables(fp, fy, rd)
            continue
        try:
            if stage == "plan":
                rd.tables.update(st.plan_tables(fp, cache))
            elif stage == "sharing":
                rd.tables.update(st.sharing_tables(fp, cache))
            elif stage == "scenarios":
                rd.tables.update(st.scenario_tables(fp, fy, scenario_results,
                                                   with_plan=rd.has("plan_companies")))
            elif stage == "sensitivity":
                rd.tables.update(st.sensitivity_tables(fp, rd))
        except st.StageUnavailable as e:
            rd.notes[stage] = str(e)
    if progress:
        progress("done", 1.0)
    return rd
