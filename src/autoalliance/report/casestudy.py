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
from autoalliance.trade.calibration import calibrate


def option_effects(fp: Footprint) -> pd.DataFrame:
    """Each collaboration option alone (with do_nothing): whether the alliance plan takes it,
    the alliance gain over the horizon and each partner's duty change against standalone."""
    opts = fp.table("options")
    keep = opts[opts["kind"] == "do_nothing"]
    rows = []
    for r in opts[opts["kind"] != "do_nothing"].itertuples(index=False):
        one = fp.replace(options=pd.concat([opts[opts["option"] == r.option], keep]))
        try:
            res = st.run_plan(one, "alliance", partners=[r.owner, r.host])
        except st.StageUnavailable as e:
            rows.append({"option": r.option, "kind": r.kind, "owner": r.owner, "host": r.host,
                         "note": str(e)})
            continue
        c = res.companies.set_index("company")
        taken = res.options.set_index("option").at[r.option, "taken"] \
            if r.option in set(res.options["option"]) else False
        rows.append({"option": r.option, "kind": r.kind, "owner": r.owner, "host": r.host,
                     "taken": bool(taken), "alliance_gain_usd": float(c["gain_usd"].sum()),
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


def write(path: str | Path | None = None, out: str | Path = "docs",
          progress: Callable[[str, float], None] | None = None) -> Path:
    """Write ``out/nissan-honda.md``, ``out/casestudy/*.csv`` and ``out/img/cs-*.png``.
    ``progress(label, share_done)`` is told each step."""
    step = progress or (lambda label, done: None)
    fp = load_footprint(path)
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
        "firms over the plan horizon: whether the plan takes it, the alliance gain over "
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
