"""Web dashboard (Streamlit): pick a dataset and scenario, edit tariff rates and dates, the yen
and option costs, rerun exposure, plan and sharing, see the charts, download report and workbook.

Start it with ``autoalliance serve`` (binds 127.0.0.1; anywhere else needs a token, see
``report/serve.py``). Safety: a dataset is chosen by name from a fixed list (bundled datasets and
the ``--data-dir`` folder); names that are not on the list, or that try to leave the folder, are
refused. An uploaded workbook is size-limited, read as values only (openpyxl, no formulas
evaluated, no macros run) and validated like any dataset; nothing from it is executed.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import zipfile
from pathlib import Path

import pandas as pd

from autoalliance.dataset.footprint import DATASETS_DIR, Footprint, load_footprint

DATA_DIR_ENV = "AUTOALLIANCE_DATA_DIR"
MAX_UPLOAD_MB = 10  # compressed workbook
MAX_UNPACKED_MB = 100  # what the workbook's zip unpacks to (zip bombs)
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")


class Refused(ValueError):
    """A request the dashboard will not serve (bad dataset name, oversized upload)."""


def _roots(data_dir: str | Path | None) -> list[Path]:
    roots = [DATASETS_DIR]
    if data_dir:
        roots.append(Path(data_dir))
    return roots


def available_datasets(data_dir: str | Path | None = None) -> dict[str, Path]:
    """Datasets on offer by name: bundled folders, and the data folder's dataset folders and
    workbooks (each name once; the bundled ones win)."""
    out: dict[str, Path] = {}
    for root in _roots(data_dir):
        if not root.is_dir():
            continue
        for p in sorted(root.iterdir()):
            if not _NAME.match(p.name) or p.is_symlink():
                continue
            if p.is_dir() and (p / "companies.csv").exists():
                out.setdefault(p.name, p)
            elif p.is_file() and p.suffix.lower() == ".xlsx":
                out.setdefault(p.name, p)
    return out


def resolve_dataset(name: str, data_dir: str | Path | None = None) -> Path:
    """The path of a dataset offered under ``name``; :class:`Refused` for anything else
    (path separators, '..', absolute paths, names not on offer, links leaving the folder)."""
    if not isinstance(name, str) or not _NAME.match(name) or ".." in name:
        raise Refused(f"dataset name {name!r} refused: use one of the names on offer")
    offered = available_datasets(data_dir)
    if name not in offered:
        raise Refused(f"no dataset named {name!r}")
    p = offered[name].resolve()
    roots = [r.resolve() for r in _roots(data_dir)]
    if not any(p.is_relative_to(r) for r in roots):
        raise Refused(f"dataset {name!r} lies outside the data folders")
    return p


def load_upload(data: bytes, name: str = "upload.xlsx") -> Footprint:
    """A dataset from an uploaded workbook: size-checked, read as values, validated."""
    if len(data) > MAX_UPLOAD_MB * 1024 * 1024:
        raise Refused(f"upload larger than {MAX_UPLOAD_MB} MB")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            unpacked = sum(i.file_size for i in z.infolist())
    except zipfile.BadZipFile:
        raise Refused("the upload is not an .xlsx workbook") from None
    if unpacked > MAX_UNPACKED_MB * 1024 * 1024:
        raise Refused(f"workbook unpacks to more than {MAX_UNPACKED_MB} MB")
    with tempfile.TemporaryDirectory() as tmp:
        stem = re.sub(r"[^A-Za-z0-9_.-]", "_", Path(name).stem)[:60] or "upload"
        p = Path(tmp) / f"{stem}.xlsx"
        p.write_bytes(data)
        fp = load_footprint(p)
    fp.source_path = None
    return fp


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")


def error_text(e: BaseException) -> str:
    """An error as the dashboard shows it: the package's own message (file, row, column), or
    one line naming the error type, never a traceback; markdown and HTML escaped, so a cell
    holding ``![x](http://...)`` is shown as text and fetches nothing."""
    from autoalliance.errors import AutoallianceError

    text = str(e) if isinstance(e, (AutoallianceError, Refused)) else \
        f"{type(e).__name__}: {e}"
    return _MARKDOWN.sub(r"\\\1", text[:20_000]).replace("\n", "  \n")


def scenario_files(path: Path) -> dict[str, Path]:
    """Single-scenario files in the dataset's ``scenarios/`` folder, by scenario file name."""
    folder = path / "scenarios" if path.is_dir() else None
    if folder is None or not folder.is_dir():
        return {}
    from autoalliance.scenarios import load_scenarios

    out = {}
    for p in sorted(folder.glob("*.yaml")):
        if p.is_symlink():
            continue
        try:
            one = len(load_scenarios(p).scenarios) == 1
        except Exception:  # a broken file is reported when chosen, not hidden
            one = True
        if one:  # a set of several scenarios is run with `sweep`, not shown as one
            out[p.stem] = p
    return out


def apply_scenario_file(fp: Footprint, file: Path) -> Footprint:
    """The footprint under the (first) scenario of a scenario file."""
    from autoalliance.scenarios import apply_scenario, load_scenarios

    ss = load_scenarios(file)
    if len(ss.scenarios) != 1:
        raise Refused(f"{file.name} holds {len(ss.scenarios)} scenarios; the dashboard shows "
                      "one at a time (run the set with `autoalliance sweep`)")
    return apply_scenario(fp, ss.scenarios[0], ss.origins)


def changes_caption(measures: dict[str, dict], fx: dict[str, float], options: bool) -> str:
    """The caption naming exactly the user's edits (empty when there are none)."""
    def rule(k, v):
        end = "" if pd.isna(v.get("end")) else f" to {v['end']:%Y-%m-%d}"
        return f"{k} ({v['rate']:.1%} from {v['start']:%Y-%m-%d}{end})"
    parts = ([rule(k, v) for k, v in measures.items()]
             + [f"{k} {v:g} per USD" for k, v in fx.items()]
             + (["option costs"] if options else []))
    return ("Changed from the dataset: " + ", ".join(parts)) if parts else ""


def default_measure(fp: Footprint) -> str:
    """The trade rule the rate control starts on: Japan's vehicle deal when there is one."""
    m = fp.measures[fp.measures["layer"] != "base"]
    jp = m[m["origin"].str.contains("JP") & m["goods"].eq("vehicle")
           & m["layer"].eq("all_in")]
    pick = jp if len(jp) else m
    return str(pick["measure"].iloc[0]) if len(pick) else str(fp.measures["measure"].iloc[0])


def apply_edits(fp: Footprint, measures: dict[str, dict], fx: dict[str, float],
                options: pd.DataFrame | None = None) -> Footprint:
    """The footprint with the dashboard's edits: measure rate/start/end, a flat rate per
    currency (units per USD), edited option costs. Returns a new footprint."""
    changes: dict[str, pd.DataFrame] = {}
    if measures:
        m = fp.measures.copy()
        for name, edit in measures.items():
            sel = m["measure"] == name
            for col in ("rate", "start", "end"):
                if col in edit:
                    v = edit[col]
                    m.loc[sel, col] = pd.Timestamp(v) if col != "rate" and v is not None else v
        changes["measures"] = m
    if fx:
        f = fp.fx.copy()
        for cur, per_usd in fx.items():
            f.loc[f["currency"] == cur, "per_usd"] = float(per_usd)
        changes["fx"] = f
    if options is not None and len(options):
        changes["options"] = options
    return fp.replace(**changes) if changes else fp


def _yaml_value(v):
    if isinstance(v, pd.Timestamp):
        return None if pd.isna(v) else v.date().isoformat()
    if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NaT:
        return None
    return v.item() if hasattr(v, "item") else v


def edits_scenario(name: str, measures: dict[str, dict], fx: dict[str, float],
                   options: pd.DataFrame | None = None, base: Footprint | None = None,
                   description: str = "") -> dict:
    """The dashboard's edits as a scenario file's body (``set``/``scenarios``), loadable by
    every command (``--scenario FILE``, ``sweep FILE``): each edited rule's rate and dates, each
    currency's flat rate, each edited option's costs."""
    over: dict[str, dict] = {}
    if measures:
        over["measures"] = {"set": [
            {"where": {"measure": m},
             "values": {k: _yaml_value(v) for k, v in e.items() if k in ("rate", "start", "end")}}
            for m, e in measures.items()]}
    if fx:
        over["fx"] = {"set": [{"where": {"currency": c}, "values": {"per_usd": float(v)}}
                              for c, v in fx.items()]}
    if options is not None and len(options) and base is not None:
        before = base.table("options").set_index("option")
        rows = []
        for r in options.to_dict(orient="records"):
            was = before.loc[r["option"]] if r["option"] in before.index else None
            changed = {k: _yaml_value(v) for k, v in r.items() if k != "option" and was is not None
                       and k in was.index and not (pd.isna(v) and pd.isna(was[k]))
                       and v != was[k]}
            if changed:
                rows.append({"where": {"option": r["option"]}, "values": changed})
        if rows:
            over["options"] = {"set": rows}
    return {"set": name, "description": description or "edits saved from the dashboard",
            "scenarios": [{"name": name, "overrides": over}]}


def compare_table(cmp_) -> pd.DataFrame:
    """A comparison (report.compare) for the page: KPI rows with names, one column per
    scenario in $M (options: a count) and the change against the base beneath as
    ``scenario Δ`` columns."""
    value, change = cmp_.wide("value"), cmp_.wide("change")
    scen = [c for c in cmp_.scenarios if c in value.columns]
    out = value[["KPI", "period", "company"]].copy()
    count = out["KPI"].eq("options taken")
    for sc in scen:
        out[f"{sc} ($M)"] = value[sc].where(count, value[sc] / 1e6)
        if sc != cmp_.base:
            out[f"{sc} Δ"] = change[sc].where(count, change[sc] / 1e6)
    return out


RESULTS_KEPT = 8  # input states whose results a session keeps


def _in_force(row, fy: int, fp: Footprint) -> bool:
    """Whether a trade rule's dates overlap fiscal year ``fy`` (any company's)."""
    from autoalliance.report.data import fiscal_window

    lo, hi = fiscal_window(fp, fy)
    start, end = pd.Timestamp(row["start"]), row["end"]
    return start <= hi and (pd.isna(end) or pd.Timestamp(end) >= lo)


def files_stamp(path: Path) -> tuple:
    """What identifies a dataset folder's (or workbook's) content for the footprint cache: each
    file's name, size and modification time."""
    path = Path(path)
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    return tuple((str(f), f.stat().st_size, f.stat().st_mtime_ns) for f in files)


def main() -> None:  # pragma: no cover - exercised by the browser tests
    import streamlit as st

    from autoalliance.report import build, write_workbook
    from autoalliance.report.charts import charts
    from autoalliance.report.html import render

    @st.cache_resource(max_entries=4, show_spinner=False)
    def _footprint(path: str, stamp: tuple):  # read and validated once per folder content
        return load_footprint(path)

    st.set_page_config(page_title="autoalliance", layout="wide")
    st.title("autoalliance: alliance planning under US tariffs")
    data_dir = os.environ.get(DATA_DIR_ENV) or None
    offered = available_datasets(data_dir)

    with st.sidebar:
        st.header("Inputs")
        asked = st.query_params.get("dataset")
        names = list(offered)
        if asked is not None:
            try:
                resolve_dataset(asked, data_dir)
            except Refused as e:
                st.error("Refused: " + error_text(e))
                st.stop()
        index = names.index(asked) if asked in names else (
            names.index("nissan_honda_2025") if "nissan_honda_2025" in names else 0)
        name = st.selectbox("Dataset", names + ["upload a workbook…"], index=index)
        try:
            if name == "upload a workbook…":
                up = st.file_uploader("Workbook (.xlsx, a sheet per table)", type=["xlsx"])
                if up is None:
                    st.info("Upload a workbook to continue.")
                    st.stop()
                base = load_upload(up.getvalue(), up.name)
                path = None
            else:
                path = resolve_dataset(name, data_dir)
                base = _footprint(str(path), files_stamp(path))
        except Exception as e:  # a dataset error is shown, not raised
            st.error(error_text(e))
            st.stop()
        scen = scenario_files(path) if path is not None else {}
        scenario = st.selectbox("Scenario", ["(dataset as is)"] + list(scen))
        if scenario != "(dataset as is)":
            try:
                base = apply_scenario_file(base, scen[scenario])
            except Exception as e:
                st.error(error_text(e))
                st.stop()
        fy = st.number_input("Fiscal year (exposure)", base.fiscal_years[0],
                             base.fiscal_years[-1], base.base_year, step=1)
        st.session_state["fy_shown"] = int(fy)

        # the controls below show the chosen dataset/scenario/upload's own values: their
        # widgets and the edits are keyed by those inputs, so a value typed for other inputs
        # is never carried over and re-applied on top of them
        bkey = base.content_hash()[:16]
        st.subheader("Tariff rule")
        # the edits belong to the dataset, not to the scenario: kept across scenario switches
        # and applied on top of the scenario chosen (the caption names them)
        edits = st.session_state.setdefault(f"measure_edits-{name}", {})
        rules = base.measures[base.measures["layer"] != "base"]["measure"].tolist()
        pick = st.selectbox("Trade rule", rules, index=rules.index(default_measure(base))
                            if default_measure(base) in rules else 0)
        row = base.measures.set_index("measure").loc[pick]
        cur = edits.get(pick, {})
        if len(edits):
            st.caption("Edited: " + ", ".join(edits) + " (kept when the scenario changes)")
        if not _in_force(row, int(st.session_state.get("fy_shown", base.base_year)), base):
            st.info(f"{pick} is not in force in the fiscal year shown; an edit of it changes "
                    "the figures only in the years it covers.")
        rate = st.number_input("Rate, %", 0.0, 500.0,
                               float(cur.get("rate", row["rate"])) * 100, step=0.5,
                               key=f"rate-{pick}-{bkey}")
        start = st.date_input("Start", pd.Timestamp(cur.get("start", row["start"])).date(),
                              key=f"start-{pick}-{bkey}")
        end_default = cur.get("end", row["end"])
        has_end = st.checkbox("Has an end date", pd.notna(end_default),
                              key=f"hasend-{pick}-{bkey}")
        end = (st.date_input("End", pd.Timestamp(end_default).date() if pd.notna(end_default)
                             else pd.Timestamp(start).date(), key=f"end-{pick}-{bkey}")
               if has_end else None)
        new = {"rate": rate / 100, "start": pd.Timestamp(start),
               "end": pd.Timestamp(end) if end is not None else pd.NaT}
        same = (abs(new["rate"] - row["rate"]) < 1e-12 and new["start"] == row["start"]
                and ((pd.isna(new["end"]) and pd.isna(row["end"])) or new["end"] == row["end"]))
        if same:
            edits.pop(pick, None)
        else:
            edits[pick] = new

        st.subheader("Exchange rates")
        fx_edits = st.session_state.setdefault(f"fx_edits-{name}", {})
        for currency in sorted(c for c in base.fx["currency"].unique() if c != "USD"):
            mean = float(base.fx.loc[base.fx["currency"] == currency, "per_usd"].mean())
            v = st.number_input(f"{currency} per USD (all dates)", 1e-6, 1e9,
                                float(fx_edits.get(currency, round(mean, 2))),
                                key=f"fx-{currency}-{bkey}")
            if abs(v - round(mean, 2)) > 1e-9:
                fx_edits[currency] = v
            else:
                fx_edits.pop(currency, None)

        opts = base.table("options")
        opt_edit = None
        if len(opts):
            st.subheader("Option costs (USD)")
            cols = [c for c in ("option", "investment_usd", "programme_cost_usd",
                                "unit_cost_effect_usd") if c in opts]
            edited = st.data_editor(opts[cols], disabled=["option"], hide_index=True,
                                    key=f"options-editor-{bkey}")
            if not edited.equals(opts[cols]):
                opt_edit = opts.copy()
                for c in cols[1:]:
                    opt_edit[c] = edited[c].to_numpy()

        st.subheader("Stages")
        do_plan = st.checkbox("Plan and share (solves the alliance game)", value=False)
        do_sens = st.checkbox("Sensitivity tornado (slow: two plans per input)", value=False,
                              disabled=not do_plan)
        do_thr = st.checkbox("Break-even thresholds of the recommended deal (slow: re-solves "
                             "per lever)", value=False, disabled=not do_plan)

    fp = apply_edits(base, edits, fx_edits, opt_edit)
    caption = changes_caption(edits, fx_edits, opt_edit is not None)
    if caption:
        st.caption(caption)
    stages = ("exposure",) + (("plan", "sharing") if do_plan else ()) + (
        ("sensitivity",) if do_plan and do_sens else ()) + (
        ("thresholds",) if do_plan and do_thr else ())
    key = (fp.content_hash(), int(fy), stages)
    rerun = st.button("Run again", type="secondary")
    # one computation per input state: results kept by the inputs' hash (the last few states)
    results = st.session_state.setdefault("results", {})
    if key not in results or rerun:
        bar = st.progress(0.0, text="starting")

        def progress(label: str, share: float) -> None:
            bar.progress(min(1.0, share), text=f"running {label}…" if share < 1 else "done")

        try:
            results[key] = build(fp, fy=int(fy), stages=stages, progress=progress)
        except Exception as e:
            st.error(error_text(e))
            st.stop()
        while len(results) > RESULTS_KEPT:
            results.pop(next(iter(results)))
        bar.empty()
    base_key = (base.content_hash(), int(fy), ("exposure",))
    if base_key not in results:
        results[base_key] = build(base, fy=int(fy), stages=("exposure",))
    st.session_state["rd"] = results[key]
    st.session_state["baseline"] = results[base_key]
    rd = st.session_state["rd"]
    baseline = st.session_state["baseline"].tables["exposure_by_company"].set_index("company")

    st.subheader(f"Tariff cost FY{int(fy)} (added duty net of offset)")
    comp = rd.tables["exposure_by_company"]
    cols = st.columns(max(1, len(comp)))
    for col, r in zip(cols, comp.itertuples(index=False)):
        before = baseline.at[r.company, "tariff_cost_usd"] if r.company in baseline.index \
            else r.tariff_cost_usd
        delta = r.tariff_cost_usd - before
        col.metric(f"{r.company}: tariff cost", f"${r.tariff_cost_usd / 1e9:,.3f}B",
                   f"{delta / 1e6:+,.1f}M vs dataset" if abs(delta) > 0.5 else None,
                   delta_color="inverse")
    if rd.has("gain_split"):
        gs = rd.tables["gain_split"]
        st.metric("Alliance gain over the plan horizon",
                  f"${gs['alliance_gain_usd'].iloc[0] / 1e9:,.3f}B")
    if rd.has("deal_thresholds"):
        st.caption("Where the recommended deal stops paying: the lever's value (factor x "
                   "today) at which each partner's gain crosses zero")
        st.dataframe(rd.tables["deal_thresholds"], hide_index=True)
    names = rd.meta.get("labels") or {}

    def named(kind, v):
        return (names.get(kind) or {}).get(v, v)

    if rd.has("plan_companies"):
        pc = rd.tables["plan_companies"]
        st.caption("Profit in the alliance plan over the horizon (USD millions)")
        st.dataframe(pd.DataFrame({
            "company": [named("company", c) for c in pc["company"]],
            "profit ($M)": pc["profit_usd"] / 1e6,
            "standalone ($M)": pc["standalone_profit_usd"] / 1e6,
            "gain ($M)": pc["gain_usd"] / 1e6, "duty paid ($M)": pc["duty_usd"] / 1e6,
            "fees paid ($M)": pc.get("fees_paid_usd", 0.0) / 1e6,
            "fees received ($M)": pc.get("fees_received_usd", 0.0) / 1e6}).round(1),
            hide_index=True)
    if rd.has("recommended_deal"):
        deal = rd.tables["recommended_deal"]
        st.caption(f"Recommended deal: the {deal['rule'].iloc[0]} split (USD millions)")
        st.dataframe(pd.DataFrame({
            "company": [named("company", c) for c in deal["company"]],
            "allocation ($M)": deal["allocation_usd"] / 1e6, "gain ($M)": deal["gain_usd"] / 1e6,
            "why": deal["reason"]}).round(1), hide_index=True)
    if rd.has("recommended_fees"):
        f = rd.tables["recommended_fees"]
        st.caption("Fees and lump sums that deliver it")
        st.dataframe(pd.DataFrame({
            "instrument": [named("option", i) for i in f["instrument"]],
            "payer": [named("company", c) if isinstance(c, str) else "" for c in f["payer"]],
            "payee": [named("company", c) for c in f["payee"]],
            "fee (USD a unit)": f["fee_usd"].round(0),
            "payment ($M)": (f["payment_usd"] / 1e6).round(1)}), hide_index=True)
    if rd.has("plan_options"):
        o = rd.tables["plan_options"]
        st.caption("Options in the alliance plan")
        st.dataframe(pd.DataFrame({
            "option": [named("option", x) for x in o["option"]],
            "taken": o["taken"].map({True: "yes", False: "no"}),
            "from": o["first_year"].map(lambda y: f"FY{int(y)}" if pd.notna(y) else ""),
            "covered units": o["covered_units"].round(0),
            "fees ($M)": (o["fees_usd"] / 1e6).round(1),
            "investment ($M)": (o["investment_usd"] / 1e6).round(1)}), hide_index=True)
    for stage, why in rd.notes.items():
        st.info(f"{stage}: {why.splitlines()[0]}")

    figures = st.session_state.setdefault("charts", {})
    if key not in figures:  # the charts of an input state, made once
        figures.clear()
        figures[key] = charts(rd)
    for ch in figures[key]:
        if ch.figure is not None:
            st.plotly_chart(ch.figure, width="stretch", key=f"chart-{ch.id}")

    if scen:
        st.subheader("Scenarios side by side")
        picked = st.multiselect("Scenarios to compare (the first is the base)", list(scen),
                                default=[])
        if len(picked) >= 2:
            from autoalliance.report.compare import compare_scenarios

            ckey = ("compare", str(path), tuple(picked), do_plan)
            cmp_store = st.session_state.setdefault("compare", {})
            if ckey not in cmp_store:
                with st.spinner(f"running {len(picked)} scenarios"):
                    try:
                        plain = _footprint(str(path), files_stamp(path))
                        fps = {p: apply_scenario_file(plain, scen[p]) for p in picked}
                        cmp_store[ckey] = compare_scenarios(fps, picked[0], with_plan=do_plan,
                                                            fp_labels=plain)
                    except Exception as e:
                        st.error(error_text(e))
            if ckey in cmp_store:
                st.dataframe(compare_table(cmp_store[ckey]).round(1), hide_index=True)

    st.subheader("Downloads")

    def workbook() -> bytes:
        with tempfile.TemporaryDirectory() as tmp:
            return write_workbook(fp, Path(tmp) / "book.xlsx", rd.tables).read_bytes()

    # built when clicked (deferred data), not on every rerun: the report is megabytes; each
    # button builds only its own file, so one failing does not take the other away
    if edits or fx_edits or opt_edit is not None:
        import yaml

        body = edits_scenario("dashboard_edits", edits, fx_edits, opt_edit, base,
                              description=caption)
        st.download_button("Save these edits as a scenario (YAML)",
                           yaml.safe_dump(body, sort_keys=False).encode("utf-8"),
                           file_name="dashboard_edits.yaml", mime="application/x-yaml")
    c1, c2 = st.columns(2)
    try:
        c1.download_button("Download report (HTML)", lambda: render(rd).encode("utf-8"),
                           file_name=f"report-{fp.name}.html", mime="text/html")
    except Exception as e:
        c1.error(error_text(e))
    try:
        c2.download_button("Download workbook (.xlsx)", workbook, file_name=f"{fp.name}.xlsx",
                           mime="application/vnd.openxmlformats-officedocument."
                                "spreadsheetml.sheet")
    except Exception as e:
        c2.error(error_text(e))


if __name__ == "__main__":  # streamlit runs this file as __main__
    main()
