"""The Nissan-Honda case study (docs/nissan-honda.md), its tables and figures, from one command:
``autoalliance casestudy``. Every number in the text comes from a table written beside it
(docs/casestudy/*.csv), each produced by the function named in its caption."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from autoalliance.dataset.footprint import Footprint, load_footprint
from autoalliance.report import build
from autoalliance.report import stages as st
from autoalliance.report.charts import duty_timeline, gain_split, scenario_distributions
from autoalliance.report.excel import write_csv
from autoalliance.scenarios.diff import diff_datasets
from autoalliance.trade.calibration import calibrate


def _status(opts: pd.DataFrame) -> dict[str, str]:
    """Each option's public status with its date (``stalled 2026-02-13``), blank when none."""
    if "status" not in opts:
        return {}
    out = {}
    for r in opts.itertuples(index=False):
        s = "" if pd.isna(r.status) else str(r.status).replace("_", " ")
        d = getattr(r, "status_date", None)
        out[r.option] = f"{s} {pd.Timestamp(d):%Y-%m-%d}" if s and pd.notna(d) else s
    return out


def option_effects(fp: Footprint) -> pd.DataFrame:
    """Each collaboration option alone (with do_nothing): its public status, whether the
    alliance plan takes it, the alliance gain over the horizon and each partner's duty."""
    opts = fp.table("options")
    keep = opts[opts["kind"] == "do_nothing"]
    rows = []
    status = _status(opts)
    for r in opts[opts["kind"] != "do_nothing"].itertuples(index=False):
        one = fp.replace(options=pd.concat([opts[opts["option"] == r.option], keep]))
        try:
            res = st.run_plan(one, "alliance", partners=[r.owner, r.host])
        except st.StageUnavailable as e:
            rows.append({"option": r.option, "kind": r.kind, "owner": r.owner, "host": r.host,
                         "status": status.get(r.option, ""), "note": str(e)})
            continue
        c = res.companies.set_index("company")
        taken = res.options.set_index("option").at[r.option, "taken"] \
            if r.option in set(res.options["option"]) else False
        rows.append({"option": r.option, "kind": r.kind, "owner": r.owner, "host": r.host,
                     "status": status.get(r.option, ""), "taken": bool(taken),
                     "alliance_gain_usd": float(c["gain_usd"].sum()),
                     "owner_duty_usd": float(c.at[r.owner, "duty_usd"]),
                     "host_duty_usd": float(c.at[r.host, "duty_usd"]), "note": ""})
    return pd.DataFrame(rows)


def _png(fig, path: Path) -> str | None:
    """Figure to PNG through Kaleido; None (the figure is left out of the text, with the reason
    printed) when no browser is available to it."""
    from autoalliance.report.images import browser, write_image

    if browser() is None:
        return None
    write_image(fig, path, width=1100)
    return path.name


def _md_table(frame: pd.DataFrame, money: list[str] = (), share: list[str] = ()) -> str:
    f = frame.copy()
    for c in money:
        if c in f:
            f[c] = f[c].map(lambda v: "" if pd.isna(v) else f"{round(v / 1e6) + 0:,.0f}")
    if "units" in f:
        f["units"] = f["units"].map(lambda v: f"{v:,.0f}")
    for c in share:
        if c in f:
            f[c] = f[c].map(lambda v: "" if pd.isna(v) else f"{v:.2f}")
    head = "| " + " | ".join(f.columns) + " |\n|" + "---|" * len(f.columns) + "\n"
    return head + "".join("| " + " | ".join(str(v) for v in r) + " |\n"
                          for r in f.itertuples(index=False))


def _fx_sentence(sr: pd.DataFrame) -> str:
    """How the alliance gain moves with the yen: the FX scenarios (named for the yen) against
    the others, from the scenario table."""
    if "alliance_gain_usd" not in sr or "scenario" not in sr:
        return ""
    fx = sr[sr["scenario"].str.contains("yen|fx", case=False)]
    rest = sr[~sr.index.isin(fx.index)]
    if fx.empty or rest.empty:
        return ""
    base = rest.iloc[0]
    moves = ", ".join(f"{r.scenario} {r.alliance_gain_usd / 1e6:,.0f}M"
                      for r in fx.itertuples(index=False))
    return ("Costs incurred in yen (and in pesos and Canadian dollars) are converted at each "
            "scenario's FX path, so the plan and the alliance gain move with the yen: "
            f"{moves}, against {base.alliance_gain_usd / 1e6:,.0f}M under {base.scenario} "
            "(a dearer yen makes Japan-built units cost more in USD and US builds worth more).")


def _since_section(before: Footprint, fp: Footprint, saved: dict) -> list[str]:
    """What changed from an earlier version of the dataset and how it moved the answers: the
    rows changed per table, the tariff cost per company (first two fiscal years) with each
    table's effect applied alone, the alliance plan and the Shapley split (``diff``)."""
    years = [y for y in fp.fiscal_years[:2]]
    d = diff_datasets(before, fp, years=years, with_plan=True)
    saved |= {"changes_rows": d.rows, "changes_tariff": d.tariff}
    rows = d.rows.assign(kind=d.rows["change"].where(~d.rows["notes_only"].astype(bool),
                                                      "notes only"))
    counts = rows.pivot_table(index="table", columns="kind", values="key", aggfunc="count",
                              fill_value=0).reset_index()
    counts.columns.name = None
    t = d.tariff
    whole = t[t["change"].eq("all")][["company", "fiscal_year", "currency", "before_local",
                                      "after_local", "delta_usd"]]
    by_table = t[~t["change"].isin(["all"]) & ~t["change"].str.contains(":")]
    ranked = by_table.assign(size=by_table["delta_usd"].abs()).groupby("change")["size"] \
        .sum().sort_values(ascending=False)
    moved = [f"{c} ({v / 1e6:,.0f}M USD over the companies and years shown)"
             for c, v in ranked.items() if v >= 0.5e6]
    still = sorted(set(counts["table"]) - set(ranked[ranked >= 0.5e6].index))
    fmt = whole.assign(before_local=whole["before_local"] / 1e9,
                       after_local=whole["after_local"] / 1e9)
    fmt["before_local"] = fmt["before_local"].map(lambda v: f"{v:,.1f}")
    fmt["after_local"] = fmt["after_local"].map(lambda v: f"{v:,.1f}")
    lines = [f"## What changed since the earlier dataset (`{before.name}`, inputs hash "
             f"`{before.content_hash()[:12]}`)", "",
             "Rows added, removed or changed, per table (`casestudy/changes_rows.csv`, = "
             "`autoalliance diff EARLIER BUNDLED --json`; notes only = a source or assumption "
             "text changed, no number):", "", _md_table(counts),
             "Tariff cost per company and fiscal year on the earlier and the current dataset "
             "(company currency, billions; change in USD millions; "
             "`casestudy/changes_tariff.csv`):", "",
             _md_table(fmt.rename(columns={"before_local": "earlier_bn",
                                           "after_local": "now_bn"}), money=["delta_usd"]),
             ("Why it moved: each changed table applied alone to the earlier dataset moves the "
              "tariff cost by, largest first: " + "; ".join(moved) + "." if moved else
              "No changed table moves the tariff cost."),
             (f" Tables that changed without moving the tariff cost: {', '.join(still)}."
              if still else ""), ""]
    if d.plan is not None:
        saved |= {"changes_plan": d.plan, "changes_split": d.split}
        p = d.plan[["company", "profit_usd_a", "profit_usd_b", "gain_usd_a", "gain_usd_b",
                    "duty_usd_delta"]].rename(columns={
                        "profit_usd_a": "profit_earlier_usd", "profit_usd_b": "profit_now_usd",
                        "gain_usd_a": "gain_earlier_usd", "gain_usd_b": "gain_now_usd"})
        sp = d.split.rename(columns={"allocation_usd_a": "shapley_earlier_usd",
                                     "allocation_usd_b": "shapley_now_usd",
                                     "allocation_usd_delta": "change_usd"})
        lines += ["The alliance plan over each dataset's horizon and the Shapley split, earlier "
                  "and now (USD millions; `casestudy/changes_plan.csv`, "
                  "`casestudy/changes_split.csv`):", "",
                  _md_table(p, money=[c for c in p.columns if c.endswith("_usd")]),
                  _md_table(sp, money=[c for c in sp.columns if c.endswith("_usd")])]
    return lines


def write(path: str | Path | None = None, out: str | Path = "docs",
          progress: Callable[[str, float], None] | None = None,
          since: str | Path | None = None) -> Path:
    """Write ``out/nissan-honda.md``, ``out/casestudy/*.csv`` and ``out/img/cs-*.png``;
    with ``since`` (an earlier version of the dataset) also what changed from it and how it
    moved the answers. ``progress(label, share_done)`` is told each step."""
    step = progress or (lambda label, done: None)
    fp = load_footprint(path)
    before = load_footprint(since) if since is not None else None
    out = Path(out)
    tables_dir, img = out / "casestudy", out / "img"
    tables_dir.mkdir(parents=True, exist_ok=True)
    img.mkdir(parents=True, exist_ok=True)
    rd = build(fp, stages=("exposure", "plan", "sharing", "scenarios"),
               progress=lambda label, done: step(f"report stage: {label}", 0.6 * done))
    step("calibration", 0.6)
    cal = calibrate(fp)
    step("each collaboration option alone", 0.65)
    effects = option_effects(fp)
    step("figures and text", 0.9)
    saved = {"exposure_by_company": rd.tables["exposure_by_company"],
             "exposure_by_origin": rd.tables["exposure_by_origin"], "calibration": cal,
             "option_effects": effects}
    for name in ("gain_split", "scenario_results", "plan_options", "plan_companies"):
        if rd.has(name):
            saved[name] = rd.tables[name]
    since_lines = []
    if before is not None:
        step("what changed since the earlier dataset", 0.85)
        since_lines = _since_section(before, fp, saved)
    for name, t in saved.items():
        write_csv(t, tables_dir / f"{name}.csv")
    figs = {"cs-duty-timeline.png": duty_timeline(rd), "cs-gain-split.png": gain_split(rd),
            "cs-scenarios.png": scenario_distributions(rd)}
    shown = {k: _png(f, img / k) for k, f in figs.items() if f is not None}

    def fig(name: str, alt: str) -> str:
        return f"![{alt}](img/{name})\n" if shown.get(name) else ""

    exp = rd.tables["exposure_by_company"]
    lines = [
        "# Case study: Nissan and Honda under the 2025 US tariffs",
        "",
        f"Made by `autoalliance casestudy` from the bundled dataset `{fp.name}` (inputs hash "
        f"`{fp.content_hash()[:12]}`). Every number below is a cell of a CSV in "
        "[`casestudy/`](casestudy/), written by the same command; rerun it after changing the "
        "data and this page follows.",
        "",
        *since_lines,
        f"## What the 2025 tariffs cost each company (FY{fp.base_year}, April {fp.base_year} to "
        f"March {fp.base_year + 1})",
        "",
        "Tariff cost = duty above what MFN or preference rates alone would charge, net of the "
        "US-assembly offset (USD millions; `casestudy/exposure_by_company.csv`, "
        "= `autoalliance exposure --json`).",
        "",
        _md_table(exp[["company", "units", "duty_usd", "added_duty_usd", "offset_usd",
                       "tariff_cost_usd"]],
                  money=["duty_usd", "added_duty_usd", "offset_usd", "tariff_cost_usd"]),
        "Where: by origin of the vehicles and parts (`casestudy/exposure_by_origin.csv`).",
        "",
        _md_table(rd.tables["exposure_by_origin"][["company", "origin", "units", "duty_usd",
                                                   "tariff_cost_usd"]],
                  money=["duty_usd", "tariff_cost_usd"]),
        fig("cs-duty-timeline.png", "duty by month and origin"),
        "Against what the companies reported (`casestudy/calibration.csv`, = `autoalliance "
        "calibrate --json`; figures in the reporting currency):",
        "",
        _md_table(cal[["company", "period", "as_of", "basis", "currency", "reported", "modelled",
                       "ratio"]], money=["reported", "modelled"], share=["ratio"]),
        "## What each collaboration would change",
        "",
        "Each option alone (with the choice of doing nothing), in the alliance plan of its two "
        "firms over the plan horizon: where it stands in public (status and the date of the "
        "latest report: none is agreed), whether the plan takes it, the alliance gain over "
        "standalone, and each firm's duty summed over the horizon (USD millions; "
        "`casestudy/option_effects.csv`).",
        "",
        _md_table(effects, money=["alliance_gain_usd", "owner_duty_usd", "host_duty_usd"]),
    ]
    if rd.has("gain_split"):
        gs = rd.tables["gain_split"]
        lines += ["## The alliance gain and its split", "",
                  f"With every option on the table, the alliance gain over the horizon is "
                  f"{gs['alliance_gain_usd'].iloc[0] / 1e6:,.0f} million USD "
                  "(`casestudy/gain_split.csv`). Split by method (USD millions):", "",
                  _md_table(gs[["method", "company", "standalone_usd", "allocation_usd",
                                "gain_share_usd"]],
                            money=["standalone_usd", "allocation_usd", "gain_share_usd"]),
                  fig("cs-gain-split.png", "gain split")]
    else:
        lines += ["## The alliance gain and its split", "",
                  f"Not computed: {rd.notes.get('sharing') or rd.notes.get('plan')}", ""]
    if rd.has("scenario_results"):
        sr = rd.tables["scenario_results"]
        money = [c for c in sr.columns if c.endswith("_usd")]
        pays = sr[sr.get("alliance_gain_usd", pd.Series(dtype=float)) > 0]["scenario"].tolist() \
            if "alliance_gain_usd" in sr else []
        lines += ["## Under which policy scenarios the collaboration still pays", "",
                  "Each scenario file of the dataset's `scenarios/` folder "
                  "(`casestudy/scenario_results.csv`; USD millions):", "",
                  _md_table(sr, money=money),
                  (f"The alliance gain is positive in: {', '.join(pays)}." if pays else
                   "The alliance gain is not positive in any scenario run here.")
                  if "alliance_gain_usd" in sr else "", "", _fx_sentence(sr), "",
                  fig("cs-scenarios.png", "scenarios")]
    md = out / "nissan-honda.md"
    md.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return md
