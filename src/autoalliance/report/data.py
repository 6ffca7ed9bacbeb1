"""The numbers behind the report, the workbook and the dashboard, as plain tables.

``build(fp)`` runs each stage of the pipeline that is available (exposure always; the planner,
gain sharing and scenario results when their modules are installed and the dataset has what they
need) and keeps every table it charts. A stage that cannot run leaves a note saying why, and its
charts are left out; nothing is made up.

Money is in USD unless a column says ``_local``; units are vehicles a year.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from autoalliance.dataset.footprint import Footprint
from autoalliance.trade.exposure import current_flows, exposure, exposure_table

#: Stages a report can include, in pipeline order, with what each needs.
STAGES = ("exposure", "plan", "sharing", "scenarios", "sensitivity", "thresholds")


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


#: Country names of the origins the datasets use (ISO 3166 alpha-2; ``other`` = the rest)
COUNTRY_NAMES = {"US": "United States", "JP": "Japan", "MX": "Mexico", "CA": "Canada",
                 "CN": "China", "TH": "Thailand", "KR": "South Korea", "GB": "United Kingdom",
                 "DE": "Germany", "IN": "India", "other": "other countries"}
#: One colour per company and one per origin, from two palettes that never share a colour,
#: so a colour means the same thing in every chart of a report
COMPANY_PALETTE = ["#1f3b73", "#b2182b", "#2a9d8f", "#6a3d9a", "#e76f51", "#264653",
                   "#8d6e63", "#d81b60"]
ORIGIN_PALETTE = {"US": "#9e9e9e", "JP": "#f4a261", "MX": "#8ab17d", "CA": "#e9c46a",
                  "CN": "#c77dff", "TH": "#90e0ef", "KR": "#ffafcc", "GB": "#a3b18a",
                  "other": "#cdb4db"}
ORIGIN_SPARE = ["#b5838d", "#ffd6a5", "#caffbf", "#9bf6ff", "#bdb2ff"]


def labels(fp: Footprint) -> dict[str, dict[str, str]]:
    """Names for the ids a report shows: companies, plants, nameplates, origins."""
    plants = {p: str(n).split(",")[0] for p, n in zip(fp.plants["plant"], fp.plants["name"])}
    np_ = fp.nameplates
    nameplates = {n: f"{b} {_pretty(n, b)}" for n, b in zip(np_["nameplate"], np_["brand"])}
    origins = set(fp.plants["country"]) | set(fp.table("parts_content").get("origin", []))
    short = [re.split(r",| \(", str(n))[0].strip() or c
             for c, n in zip(fp.companies["company"], fp.companies["name"])]
    company = dict(zip(fp.companies["company"], short))
    return {"company": company, "plant": plants, "nameplate": nameplates,
            "origin": {o: COUNTRY_NAMES.get(o, o) for o in sorted(origins)},
            "option": option_names(fp, company, plants, nameplates)}


def option_names(fp: Footprint, company: dict, plants: dict, nameplates: dict) -> dict:
    """``honda_crv_at_smyrna`` -> ``Honda CR-V, CR-V Hybrid at Nissan Smyrna Vehicle Assembly
    (contract build)``: the nameplates, the plant and the kind of each option."""
    out = {}
    for r in fp.table("options").to_dict(orient="records"):
        kind = str(r.get("kind") or "").replace("_", " ")
        if kind == "do nothing":
            out[r["option"]] = "do nothing"
            continue
        ids = [n for n in str(r.get("nameplates") or "").split(";") if n and n != "nan"]
        names = [nameplates.get(n, n) for n in ids]
        # "Honda CR-V, CR-V Hybrid": the brand once per run of the same brand
        shown, last = [], None
        for n in names:
            brand, _, rest = n.partition(" ")
            shown.append(rest if brand == last and rest else n)
            last = brand
        what = ", ".join(shown) or company.get(r.get("owner"), str(r.get("owner")))
        plant = r.get("plant")
        at = f" at {plants.get(plant, plant)}" if isinstance(plant, str) and plant else \
            f" with {company.get(r.get('host'), r.get('host'))}" if r.get("host") else ""
        out[r["option"]] = f"{what}{at} ({kind})" if kind else f"{what}{at}"
    return out


def _pretty(nameplate: str, brand: str) -> str:
    """``cr_v_hybrid`` -> ``CR-V Hybrid``; the brand is dropped when the id starts with it."""
    words = nameplate.split("_")
    if words and words[0].lower() == str(brand).lower():
        words = words[1:] or words
    out: list[str] = []
    for w in words:
        caps = len(w) <= 3 or any(ch.isdigit() for ch in w) or w in ("phev", "hev")
        w = w.upper() if caps else w.capitalize()
        if len(w) == 1 and out and len(out[-1]) <= 2:  # cr_v -> CR-V, gt_r -> GT-R
            out[-1] = f"{out[-1]}-{w}"
        else:
            out.append(w)
    return " ".join(out)


def colours(fp: Footprint) -> dict[str, dict[str, str]]:
    """The report's colour of each company and each origin."""
    companies = sorted(fp.companies["company"])
    origins = sorted(set(fp.plants["country"]) | set(fp.table("parts_content").get("origin",
                                                                                   [])))
    spare = iter(ORIGIN_SPARE * 4)
    return {"company": {c: COMPANY_PALETTE[i % len(COMPANY_PALETTE)]
                        for i, c in enumerate(companies)},
            "origin": {o: ORIGIN_PALETTE.get(o) or next(spare) for o in origins}}


def sources(fp: Footprint) -> pd.DataFrame:
    """Every citation of the dataset once (rows cite several, separated by `` | ``), with the
    tables that use it."""
    rows: dict[str, set[str]] = {}
    for name, t in fp.tables.items():
        if "source" not in t:
            continue
        for cell in t["source"].dropna().astype(str):
            for s in (x.strip() for x in cell.split(" | ")):
                if s:
                    rows.setdefault(s, set()).add(name)
    return pd.DataFrame([{"source": s, "tables": ", ".join(sorted(v))}
                         for s, v in sorted(rows.items())], columns=["source", "tables"])


def assumptions(fp: Footprint) -> pd.DataFrame:
    """Every distinct assumption of the dataset, with its table and how many rows state it."""
    rows = []
    for name, t in fp.tables.items():
        if "assumption" not in t:
            continue
        a = t["assumption"].dropna().astype(str).str.strip()
        for text, n in a[a != ""].value_counts(sort=False).items():
            rows.append({"table": name, "assumption": text, "rows": int(n)})
    return pd.DataFrame(rows, columns=["table", "assumption", "rows"])


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
    if len(fp.table("reported")):
        from autoalliance.trade.calibration import calibrate

        from autoalliance.trade.calibration import cumulative_by_quarter

        rd.tables["calibration"] = calibrate(fp)
        rd.tables["calibration_quarters"] = cumulative_by_quarter(fp, rd.tables["calibration"])


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
                          "fiscal_year": int(fy), "labels": labels(fp),
                          "colours": colours(fp)})
    rd.tables["sources"] = sources(fp)
    rd.tables["assumptions"] = assumptions(fp)
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
                plan_result = cache.get("alliance_plan")
                if plan_result is not None:
                    rd.meta["plan_horizon"] = [int(y) for y in plan_result.horizon]
            elif stage == "sharing":
                rd.tables.update(st.sharing_tables(fp, cache))
            elif stage == "scenarios":
                rd.tables.update(st.scenario_tables(fp, fy, scenario_results,
                                                   with_plan=rd.has("plan_companies")))
            elif stage == "sensitivity":
                rd.tables.update(st.sensitivity_tables(fp, rd))
            elif stage == "thresholds":
                rd.tables.update(st.threshold_tables(fp))
        except st.StageUnavailable as e:
            rd.notes[stage] = str(e)
    if progress:
        progress("done", 1.0)
    return rd
