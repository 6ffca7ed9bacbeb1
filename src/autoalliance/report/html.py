"""The HTML report: one self-contained file (plotly.js inlined, no CDN, no network).

The key numbers are embedded as JSON in ``<script type="application/json" id="report-data">``
with the same shapes as the CLI's ``--json`` output, so a reader (or a test) can check them.

Order: an executive summary (tariff cost against what each company reported, the alliance gain
and its split, the options taken, the scenarios in which the alliance still pays), the
calibration, the charts of the stages that ran, what was left out and why, then the sources and
assumptions of the dataset. Print-ready: navigation hidden, sections kept on one page.
"""

from __future__ import annotations

import html
import re
import json
from pathlib import Path

import pandas as pd
import plotly.io as pio
from plotly.offline import get_plotlyjs

from autoalliance import __version__
from autoalliance.report.charts import charts
from autoalliance.report.data import ReportData

CSS = """
body{font-family:Helvetica,Arial,sans-serif;margin:0 auto;max-width:1200px;padding:0 24px;
color:#222}
h1{font-size:1.6em;margin-top:1em}h2{font-size:1.25em;margin-top:2em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:.9em}td,th{padding:3px 10px;border-bottom:1px solid #eee;
text-align:right}td:first-child,th:first-child{text-align:left}
.note{background:#f6f6f0;border-left:4px solid #c9b458;padding:8px 12px;color:#555}
.meta{color:#666;font-size:.9em}nav a{margin-right:12px}
.summary{background:#f4f6fa;border:1px solid #d8dee9;padding:4px 18px 12px}
.summary li{margin:4px 0}.big{font-size:1.15em;font-weight:bold}
.appendix{font-size:.8em;color:#444}.appendix li{margin:2px 0;word-break:break-word}
.swatch{display:inline-block;width:.8em;height:.8em;margin-right:4px;vertical-align:baseline}
@media print{nav{display:none}body{max-width:none;padding:0}figure.chart,table,.answer
{break-inside:avoid}h2,h3{break-after:avoid}.js-plotly-plot .modebar{display:none}
.newpage:not(.first),#sec-compare,#sec-calibration,#sec-sources{break-before:page}}
figure.chart{margin:0 0 12px 0}.refs{font-size:.75em;color:#666;margin-left:6px}
.refs a{color:#335}.answer{border:2px solid #1f3b73;padding:6px 18px 10px;margin:8px 0}
.answer h2{margin-top:.3em;border:none}.appendix h3{font-size:1em;margin:10px 0 2px}
@page{size:A4 landscape;margin:12mm}
"""


def _json_script(obj) -> str:
    """JSON safe inside a <script> element (no '</script>' or HTML comment can close it)."""
    text = json.dumps(obj, default=str, allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _money(v) -> str:
    return f"{v / 1e6:,.1f}"


def _summary_table(rd: ReportData) -> str:
    if not rd.has("exposure_by_company"):
        return ""
    t = rd.tables["exposure_by_company"]
    rows = "".join(
        f"<tr><td>{_name(rd, 'company', r.company)}</td><td>{r.units:,.0f}</td>"
        f"<td>{_money(r.duty_usd)}</td><td>{_money(r.added_duty_usd)}</td>"
        f"<td>{_money(r.offset_usd)}</td><td>{_money(r.tariff_cost_usd)}</td>"
        f"<td>{r.tariff_cost_per_unit_usd:,.0f}</td>"
        f"<td>{r.tariff_cost_local / 1e9:,.1f} {html.escape(str(r.currency))}</td></tr>"
        for r in t.itertuples(index=False))
    return ("<table id='exposure-table'><tr><th>company</th><th>units</th><th>duty</th>"
            "<th>added duty</th><th>offset</th><th>tariff cost</th><th>per unit (USD)</th>"
            "<th>tariff cost, local (bn)</th></tr>" + rows + "</table>"
            "<p class='meta'>USD millions unless stated. Tariff cost = duty above what MFN or "
            "preference rates alone would charge, net of the US-assembly offset.</p>")


def _m(v) -> str:
    return f"{v / 1e6 + 0.0:,.1f}".replace("-0.0", "0.0") if abs(v) < 5e4 else f"{v / 1e6:,.1f}"


def _name(rd: ReportData, kind: str, key) -> str:
    return html.escape(((rd.meta.get("labels") or {}).get(kind) or {}).get(key, str(key)))


def _swatch(rd: ReportData, company: str) -> str:
    c = ((rd.meta.get("colours") or {}).get("company") or {}).get(company, "#888")
    return f"<span class='swatch' style='background:{c}'></span>"


#: The dataset tables each summary figure is worked out from (its sources and assumptions)
USES = {
    "tariff_cost": ("measures", "costs", "sourcing", "demand", "parts_content", "companies",
                    "fx", "metals", "service_parts"),
    "reported": ("reported",),
    "plan": ("options", "revenue", "costs", "demand", "plants", "tooling", "measures", "fx"),
}


def _anchor(table: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in str(table))


def refs(rd: ReportData, what: str) -> str:
    """Links from a figure to the sources and assumptions of the tables it is worked out from
    (the appendix's anchors ``sources-TABLE`` and ``assumptions-TABLE``)."""
    have_s = set(rd.tables["sources"]["tables"].str.split(", ").explode()) \
        if rd.has("sources") else set()
    have_a = set(rd.tables["assumptions"]["table"]) if rd.has("assumptions") else set()
    tables = USES.get(what, ())
    s = [f"<a href='#sources-{_anchor(t)}'>{html.escape(t)}</a>" for t in tables if t in have_s]
    a = [f"<a href='#assumptions-{_anchor(t)}'>{html.escape(t)}</a>" for t in tables
         if t in have_a]
    parts = ([f"sources: {', '.join(s)}"] if s else []) + \
        ([f"assumptions: {', '.join(a)}"] if a else [])
    return f"<span class='refs'>({'; '.join(parts)})</span>" if parts else ""


def _range_over_scenarios(rd: ReportData) -> str:
    """The alliance gain and each partner's gain, lowest to highest over the scenarios."""
    if not rd.has("scenario_compare"):
        return ""
    from autoalliance.report.compare import ALLIANCE

    g = rd.tables["scenario_compare"]
    g = g[g["kpi"] == "alliance_gain_usd"]
    if g.empty:
        return ""
    rows = []
    for company, t in g.groupby("company", sort=False):
        lo, hi = t.loc[t["value"].idxmin()], t.loc[t["value"].idxmax()]
        who = "all partners" if company == ALLIANCE else _name(rd, "company", company)
        rows.append((company == ALLIANCE, who,
                     f"<tr><td>{who}</td><td>{_m(lo['value'])} ({html.escape(lo['scenario'])})"
                     f"</td><td>{_m(hi['value'])} ({html.escape(hi['scenario'])})</td></tr>"))
    rows.sort(key=lambda r: (r[0], r[1]))
    tot = g[g["company"] == ALLIANCE]
    pays = int((tot["value"] > 0).sum())
    return (f"<p><b>Its range over the {len(tot)} scenarios</b> (the gain each partner ends with "
            f"in each scenario's own plan, $M): the alliance pays in {pays} of {len(tot)}.</p>"
            "<table id='answer-range'><tr><th>gain, $M</th><th>lowest (scenario)</th>"
            "<th>highest (scenario)</th></tr>" + "".join(r[2] for r in rows) + "</table>")


def answer(rd: ReportData) -> str:
    """Page 1: the recommended deal (else the Shapley split), its range over the scenarios and
    what it rests on, each figure linked to its sources and assumptions."""
    if rd.has("recommended_deal"):
        t = rd.tables["recommended_deal"]
        rule = str(t["rule"].iloc[0])
        split = [(r.company, r.gain_usd) for r in t.itertuples(index=False)]
    elif rd.has("gain_split"):
        gs = rd.tables["gain_split"]
        gs = gs[gs["method"] == "shapley"]
        rule = "Shapley"
        split = [(r.company, r.gain_share_usd) for r in gs.itertuples(index=False)]
    else:
        return ""
    hz = rd.meta.get("plan_horizon")
    when = f"FY{hz[0]}-FY{hz[1]}" if hz else "the plan's horizon"
    total = sum(v for _, v in split)
    lis = "".join(f"<li>{_swatch(rd, c)}{_name(rd, 'company', c)}: <b>${_m(v)}M</b></li>"
                  for c, v in split)
    rests = []
    if rd.has("plan_options"):
        o = rd.tables["plan_options"]
        taken = o[o["taken"].astype(bool)] if "taken" in o else o.iloc[0:0]
        for r in taken.itertuples(index=False):
            rests.append(f"{_name(rd, 'option', r.option)}, from FY{int(r.first_year)}")
    rests.append("the trade rules in force on each day of the horizon and today's sourcing "
                 + refs(rd, "tariff_cost"))
    rests.append("the prices, costs and option terms of the dataset " + refs(rd, "plan"))
    fees = ""
    if rd.has("recommended_fees"):
        f = rd.tables["recommended_fees"]
        def item(r) -> str:
            if str(r.instrument) == "lump sum":
                verb = "receives" if r.payment_usd >= 0 else "pays"
                return (f"{_name(rd, 'company', r.payee)} {verb} a lump sum of "
                        f"${_m(abs(r.payment_usd))}M")
            return (f"{_name(rd, 'company', r.payer)} pays {_name(rd, 'company', r.payee)} "
                    + ("" if pd.isna(r.fee_usd) else f"${r.fee_usd:,.0f} a unit ")
                    + f"for {_name(rd, 'option', r.instrument)} (${_m(r.payment_usd)}M)")
        fees = "<p>Delivered by: " + "; ".join(item(r) for r in f.itertuples(index=False)) \
            + ".</p>"
    return ("<section id='sec-answer' class='answer'><h2 id='answer'>The answer</h2>"
            f"<p class='big'>Sign the {html.escape(rule)} split of the alliance gain: "
            f"${_m(total)}M over {when} {refs(rd, 'plan')}</p><ul id='answer-split'>{lis}"
            f"</ul>{fees}{_range_over_scenarios(rd)}<p><b>What it rests on</b>:</p>"
            f"<ul id='answer-rests'>" + "".join(f"<li>{x}</li>" for x in rests) + "</ul>"
            "</section>")


def latest_calibration(rd: ReportData) -> pd.DataFrame:
    """The latest reported figure of each company against the model (the summary's rows)."""
    if not rd.has("calibration"):
        return pd.DataFrame()
    c = rd.tables["calibration"]
    c = c[c["latest"].astype(bool)] if "latest" in c else c
    # one row per company, even when several figures share its latest day: a compared figure
    # with a band first, then a compared one, then any
    rank = (c.get("comparable", True) == True).astype(int) * 2 \
        + c["tolerance"].notna().astype(int)  # noqa: E712
    c = c.assign(_rank=rank).sort_values(["company", "_rank"], kind="stable")
    return c.drop_duplicates("company", keep="last").drop(columns="_rank") \
        .reset_index(drop=True)


def band_words(r) -> str:
    """A figure against its band: inside, outside, or not compared (a figure after the company's
    own countermeasures has no band to be inside); '' without a band."""
    if not bool(r.get("comparable", True)) or pd.isna(r.get("ratio")):
        return "not compared"
    if pd.isna(r.get("tolerance")):
        return ""
    inside = r.get("within_band")
    return "inside its band" if pd.notna(inside) and bool(inside) else "outside its band"


def summary(rd: ReportData) -> str:
    """The executive summary: only what the stages that ran can say."""
    items = []
    fy = rd.meta["fiscal_year"]
    if rd.has("exposure_by_company"):
        cal = latest_calibration(rd).set_index("company") if rd.has("calibration") else None
        rows = []
        for r in rd.tables["exposure_by_company"].itertuples(index=False):
            rep = ""
            if cal is not None and r.company in cal.index:
                x = cal.loc[r.company]
                words = band_words(x)
                band = f" ({words})" if words else ""
                rep = (f"{x['reported'] / 1e9:,.0f}bn {html.escape(str(x['currency']))} "
                       f"reported on {pd.Timestamp(x['as_of']):%d %b %Y}; ratio "
                       f"{x['ratio']:.2f}{band}")
            rows.append(f"<tr><td>{_swatch(rd, r.company)}{_name(rd, 'company', r.company)}"
                        f"</td><td>{_m(r.tariff_cost_usd)}</td><td>"
                        f"{r.tariff_cost_local / 1e9:,.1f}bn {html.escape(str(r.currency))}"
                        f"</td><td>{rep or '–'}</td></tr>")
        items.append(f"<p class='big'>Tariff cost, FY{fy}: modelled against what each company "
                     f"reported {refs(rd, 'tariff_cost')} {refs(rd, 'reported')}</p><table id='summary-cost'><tr><th>company</th><th>tariff "
                     "cost, $M</th><th>in its currency</th><th>latest reported (in scope)</th>"
                     "</tr>" + "".join(rows) + "</table>")
    if rd.has("plan_companies"):
        pc = rd.tables["plan_companies"]
        gain = float(pc["gain_usd"].sum())
        split = ", ".join(f"{_name(rd, 'company', r.company)} {_m(r.gain_usd)}"
                          for r in pc.itertuples(index=False))
        hz = rd.meta.get("plan_horizon")
        when = f"FY{hz[0]}-FY{hz[1]}" if hz else "the plan's horizon"
        items.append(f"<p class='big' id='summary-gain'>The alliance gains ${_m(gain)}M over "
                     f"{when} {refs(rd, 'plan')}</p><p>Gain over each partner's standalone "
                     "plan, $M: "
                     f"{split} (every partner at or above its standalone profit).</p>")
    if rd.has("recommended_deal"):
        items.append(recommended_deal(rd))
    if rd.has("deal_thresholds") or rd.has("deal_no_threshold"):
        items.append(deal_thresholds(rd))
    if rd.has("gain_split"):
        gs = rd.tables["gain_split"]
        piv = gs.pivot_table(index="company", columns="method", values="gain_share_usd")
        head = "".join(f"<th>{html.escape(m)}</th>" for m in piv.columns)
        body = "".join(f"<tr><td>{_swatch(rd, c)}{_name(rd, 'company', c)}</td>"
                       + "".join(f"<td>{_m(v)}</td>" for v in row) + "</tr>"
                       for c, row in piv.iterrows())
        items.append("<p>A fair split of the gain, $M:</p><table id='summary-split'><tr>"
                     f"<th>company</th>{head}</tr>{body}</table>")
    if rd.has("plan_options"):
        o = rd.tables["plan_options"]
        taken = o[o["taken"].astype(bool)] if "taken" in o else o.iloc[0:0]
        if len(taken):
            lis = "".join(
                f"<li><b>{_name(rd, 'option', r.option)}</b>: "
                f"{_name(rd, 'company', r.host)} for {_name(rd, 'company', r.owner)} from "
                f"FY{int(r.first_year)}, {r.covered_units:,.0f} units over the horizon</li>"
                for r in taken.itertuples(index=False))
            items.append(f"<p>Options the alliance plan takes:</p><ul id='summary-options'>"
                         f"{lis}</ul>")
        else:
            items.append("<p id='summary-options'>The alliance plan takes no collaboration "
                         "option.</p>")
    if rd.has("scenario_results") and "alliance_gain_usd" in rd.tables["scenario_results"]:
        t = rd.tables["scenario_results"].dropna(subset=["alliance_gain_usd"])
        pays = t[t["alliance_gain_usd"] > 0]
        not_ = t[t["alliance_gain_usd"] <= 0]
        names = ", ".join(html.escape(str(x)) for x in pays.get("scenario", []))
        items.append(f"<p id='summary-scenarios'>The alliance still pays in {len(pays)} of "
                     f"{len(t)} scenarios" + (f": {names}" if names else "") + "."
                     + (" It does not in: " + ", ".join(html.escape(str(x)) for x in
                                                        not_.get("scenario", [])) + "."
                        if len(not_) else "") + "</p>")
    if not items:
        return ""
    first = "" if rd.has("recommended_deal") or rd.has("gain_split") else " first"
    return (f"<section id='sec-summary' class='summary newpage{first}'><h2 id='summary'>"
            "Executive summary</h2>"
            + "".join(items) + "<p class='meta'>USD millions unless stated. Tariff cost = duty "
            "above what MFN or preference rates alone would charge, net of the US-assembly "
            "offset.</p></section>")


def recommended_deal(rd: ReportData) -> str:
    """The deal to sign: the recommended split's gains, why each partner gets its share, and
    the fees (and lump sums) that deliver it."""
    t = rd.tables["recommended_deal"]
    rule = html.escape(str(t["rule"].iloc[0]))
    rows = "".join(f"<tr><td>{_swatch(rd, r.company)}{_name(rd, 'company', r.company)}</td>"
                   f"<td>{_m(r.allocation_usd)}</td><td>{_m(r.gain_usd)}</td>"
                   f"<td>{_m(r.marginal_contribution_usd)}</td></tr>"
                   for r in t.itertuples(index=False))
    why = "".join(f"<li>{html.escape(str(r.reason))}</li>" for r in t.itertuples(index=False))
    out = (f"<p class='big' id='summary-deal'>Recommended deal: the {rule} split</p>"
           "<table id='summary-deal-split'><tr><th>company</th><th>allocation, $M</th>"
           "<th>gain, $M</th><th>marginal contribution, $M</th></tr>" + rows + "</table>"
           f"<ul id='summary-deal-why'>{why}</ul>")
    if rd.has("recommended_fees"):
        f = rd.tables["recommended_fees"]
        fr = "".join(f"<tr><td>{html.escape(str(r.instrument))}</td>"
                     f"<td>{html.escape(str(r.payer)) if isinstance(r.payer, str) else '–'}"
                     f"</td><td>{html.escape(str(r.payee))}</td>"
                     f"<td>{'' if pd.isna(r.fee_usd) else f'{r.fee_usd:,.2f}'}</td>"
                     f"<td>{_m(r.payment_usd)}</td></tr>" for r in f.itertuples(index=False))
        out += ("<p>The fees that deliver it (USD a unit; payments over the horizon, $M; a "
                "lump sum is received, negative = paid):</p><table id='summary-deal-fees'><tr>"
                "<th>instrument</th><th>payer</th><th>payee</th><th>fee, $</th>"
                "<th>payment, $M</th></tr>" + fr + "</table>")
    return out


def scenario_grid(rd: ReportData) -> str:
    """Scenarios side by side: each KPI per scenario (base first) with its change against the
    base scenario beneath; names for ids; USD millions."""
    if not rd.has("scenario_compare"):
        return ""
    from autoalliance.report.compare import ALLIANCE, KPIS

    g = rd.tables["scenario_compare"]
    base = str(g["base"].iloc[0]) if "base" in g else ""
    scen = list(dict.fromkeys(g["scenario"]))
    head = "".join(f"<th>{html.escape(s)}{' (base)' if s == base else ''}</th>" for s in scen)
    body = []
    keys = g[["kpi", "period", "company"]].drop_duplicates()
    keys = keys.assign(_o=keys["kpi"].map(list(KPIS).index),
                       _a=keys["company"].eq(ALLIANCE)).sort_values(["_o", "period", "_a",
                                                                      "company"])
    idx = g.set_index(["kpi", "period", "company", "scenario"])
    for k in keys.itertuples(index=False):
        label = KPIS.get(k.kpi, (k.kpi,))[0]
        who = "all partners" if k.company == ALLIANCE else _name(rd, "company", k.company)
        count = k.kpi == "options_taken"
        cells = []
        for s in scen:
            try:
                r = idx.loc[(k.kpi, k.period, k.company, s)]
            except KeyError:
                cells.append("<td>–</td>")
                continue
            v = f"{r['value']:,.0f}" if count else _m(r["value"])
            ch = r["change"]
            d = "" if s == base or pd.isna(ch) else (
                f"<br><small>{ch:+,.0f}</small>" if count else
                f"<br><small>{ch / 1e6 + 0.0:+,.1f}</small>")
            cells.append(f"<td>{v}{d}</td>")
        style = " style='font-weight:bold'" if k.company == ALLIANCE else ""
        body.append(f"<tr{style}><td>{html.escape(label)}, {html.escape(str(k.period))}: "
                    f"{who}</td>{''.join(cells)}</tr>")
    opts = ""
    if rd.has("scenario_options"):
        o = rd.tables["scenario_options"]
        lis = []
        for r in o.itertuples(index=False):
            added = [x for x in str(r.added).split(";") if x]
            dropped = [x for x in str(r.dropped).split(";") if x]
            if added or dropped:
                lis.append(f"<li><b>{html.escape(r.scenario)}</b>: "
                           + "; ".join([f"adds {_name(rd, 'option', x)}" for x in added]
                                       + [f"drops {_name(rd, 'option', x)}" for x in dropped])
                           + "</li>")
        opts = (f"<p>Options against the base ({html.escape(base)}):</p><ul>{''.join(lis)}</ul>"
                if lis else "<p>Every scenario's plan takes the base's options.</p>")
    return ("<section id='sec-compare'><h2 id='compare'>Scenarios side by side</h2>"
            f"<table id='compare-table'><tr><th>KPI</th>{head}</tr>{''.join(body)}</table>"
            f"<p class='meta'>USD millions (options: a count); under each figure its change "
            f"against the base scenario {html.escape(base)}. Tariff cost under today's sourcing; "
            "profit, gain and options in the alliance plan over its horizon (the gain of a "
            "partner: its profit in the plan less its standalone profit).</p>"
            f"{opts}</section>")


def deal_thresholds(rd: ReportData) -> str:
    """Where the recommended deal stops paying each partner (one lever at a time)."""
    t = rd.tables.get("deal_thresholds", pd.DataFrame())

    def val(r) -> str:
        if str(r.lever).startswith("tariff:"):
            return f"{r.today:.1%} &rarr; {r.value:.1%}"
        if r.lever == "demand":
            return f"{r.value:.1%} of today's"
        return f"{r.today:,.1f} &rarr; {r.value:,.1f}"
    rows = "".join(f"<tr><td>{html.escape(str(r.lever))}</td><td>"
                   f"{_name(rd, 'company', r.partner)}</td><td>{val(r)}</td>"
                   f"<td>{'gain jumps across 0' if r.jump else ''}</td></tr>"
                   for r in t.itertuples(index=False))
    nf = rd.tables.get("deal_no_threshold", pd.DataFrame())
    never = "".join(f"<li>{html.escape(str(r.lever))}: {_name(rd, 'company', r.partner)} gains "
                    f"over the whole range searched (factor {r.factor_min:g} to "
                    f"{r.factor_max:g})</li>" for r in nf.itertuples(index=False))
    return ("<p id='summary-thresholds'>Where the recommended deal stops paying (its options, "
            "tooling and fees fixed; one lever at a time):</p><table id='summary-thresholds-"
            "table'><tr><th>lever</th><th>partner</th><th>break-even</th><th></th></tr>"
            + rows + "</table>" + (f"<ul>{never}</ul>" if never else ""))


def calibration(rd: ReportData) -> str:
    if not rd.has("calibration"):
        return ""
    c = rd.tables["calibration"]

    def basis(r) -> str:
        parts = [str(getattr(r, k)) for k in ("basis", "countermeasures")
                 if k in c and pd.notna(getattr(r, k)) and str(getattr(r, k))]
        return html.escape(", ".join(parts))

    def ratio(r) -> str:
        ok = bool(getattr(r, "comparable", True)) and pd.notna(r.ratio)
        return f"{r.ratio:.2f}" if ok else "not compared"

    rows = "".join(
        f"<tr><td>{_name(rd, 'company', r.company)}</td><td>{pd.Timestamp(r.as_of):%Y-%m-%d}"
        f"</td><td>{basis(r)}</td><td>{r.reported_total / 1e9:,.1f}</td>"
        f"<td>{r.reported / 1e9:,.1f}</td><td>{r.modelled / 1e9:,.1f}</td><td>{ratio(r)}</td><td>"
        + ("" if pd.isna(r.tolerance) else f"±{r.tolerance:.0%} "
           + band_words(r._asdict()).replace(" its band", ""))
        + f"</td><td>{html.escape(str(r.currency))}</td></tr>"
        for r in c.itertuples(index=False))
    return ("<section id='sec-calibration'><h2 id='calibration'>Calibration: the model against "
            "every reported figure</h2><table id='calibration-table'><tr><th>company</th>"
            "<th>published on</th><th>basis</th><th>published (bn)</th><th>in scope (bn)</th>"
            "<th>modelled (bn)</th><th>ratio</th><th>band</th><th>currency</th></tr>" + rows +
            "</table><p class='meta'>Each figure is compared on its basis: gross = before the "
            "assembly offset, net = after it; a figure after the company's own countermeasures "
            "is listed, not compared. In scope = the published figure less what the model does "
            "not cover (e.g. motorcycles). The latest figure of each company is checked against "
            "its band.</p></section>")


_URL = re.compile(r"https?://[^\s,;|)\]]+")


def _linked(text: str) -> str:
    """Text with its web addresses as links (escaped)."""
    out, last = [], 0
    for m in _URL.finditer(text):
        out.append(html.escape(text[last:m.start()]))
        url = m.group(0).rstrip(".")
        out.append(f"<a href='{html.escape(url, quote=True)}'>{html.escape(url)}</a>")
        last = m.start() + len(url)
    out.append(html.escape(text[last:]))
    return "".join(out)


def appendix(rd: ReportData) -> str:
    """Sources and assumptions, grouped by the table that uses them (anchors
    ``sources-TABLE``, ``assumptions-TABLE`` that the summary links to); addresses as links."""
    out = []
    if rd.has("sources"):
        src = rd.tables["sources"].assign(table=lambda t: t["tables"].str.split(", "))
        src = src.explode("table")
        parts = []
        for table, g in src.groupby("table", sort=True):
            lis = "".join(f"<li>{_linked(str(r.source))}</li>" for r in g.itertuples(index=False))
            parts.append(f"<h3 id='sources-{_anchor(table)}'>{html.escape(str(table))}</h3>"
                         f"<ol>{lis}</ol>")
        out.append(f"<section id='sec-sources' class='appendix'><h2 id='sources'>Appendix: "
                   f"sources ({len(rd.tables['sources'])})</h2>{''.join(parts)}</section>")
    if rd.has("assumptions"):
        a = rd.tables["assumptions"]
        parts = []
        for table, g in a.groupby("table", sort=False):
            lis = "".join(f"<li>{_linked(str(r.assumption))}"
                          + (f" <i>({r.rows} rows)</i>" if r.rows > 1 else "") + "</li>"
                          for r in g.itertuples(index=False))
            parts.append(f"<h3 id='assumptions-{_anchor(table)}'>{html.escape(str(table))}</h3>"
                         f"<ul>{lis}</ul>")
        out.append("<section id='sec-assumptions' class='appendix'><h2 id='assumptions'>"
                   f"Appendix: assumptions ({len(a)})</h2>" + "".join(parts) + "</section>")
    return "".join(out)


def title_of(rd: ReportData) -> str:
    """The report's title: the scenario and dataset it shows (a stored run's scenario and set),
    and the fiscal year."""
    m = rd.meta
    fy = f", FY{m['fiscal_year']}" if m.get("fiscal_year") else ""
    if m.get("scenario"):
        where = f" of set {m['scenario_set']}" if m.get("scenario_set") else ""
        return f"autoalliance report: scenario {m['scenario']}{where}, {m.get('dataset')}{fy}"
    return f"autoalliance report: {m['dataset']}{fy}"


def render(rd: ReportData, title: str | None = None) -> str:
    """The report as one HTML string: the answer on page 1, the summary, scenarios side by
    side, the calibration, one chart per figure (never split across printed pages), what was
    left out, then the appendices."""
    title = title or title_of(rd)
    parts = []
    ans = answer(rd)
    nav = (["<a href='#answer'>The answer</a>"] if ans else []) + \
        (["<a href='#summary'>Summary</a>"] if summary(rd) else [])
    if rd.has("scenario_compare"):
        nav.append("<a href='#compare'>Scenarios side by side</a>")
    if rd.has("calibration"):
        nav.append("<a href='#calibration'>Calibration</a>")
    for ch in charts(rd):
        if ch.figure is None:
            continue  # no empty sections: what was left out is listed once, with the reason
        nav.append(f"<a href='#{ch.id}'>{html.escape(ch.title)}</a>")
        parts.append(f"<section id='sec-{ch.id}'><figure class='chart'><h2 id='{ch.id}'>"
                     f"{html.escape(ch.title)}</h2>")
        parts.append(pio.to_html(ch.figure, full_html=False, include_plotlyjs=False,
                                 div_id=f"chart-{ch.id}",
                                 config={"displaylogo": False, "responsive": True}))
        parts.append("</figure></section>")
    left = ""
    if rd.notes:
        lis = "".join(f"<li><b>{html.escape(stage)}</b>: {html.escape(why)}</li>"
                      for stage, why in rd.notes.items())
        left = ("<section id='sec-left-out'><h2 id='left-out'>Left out of this report</h2>"
                f"<ul class='note'>{lis}</ul></section>")
    nav += ["<a href='#sources'>Sources</a>", "<a href='#assumptions'>Assumptions</a>"]
    m = rd.meta
    inputs = (f"inputs hash <code>{html.escape(str(m.get('inputs_hash', ''))[:12])}</code>")
    if m.get("scenario_hash"):
        inputs += (f" (dataset <code>{html.escape(str(m.get('dataset_hash', ''))[:12])}</code>"
                   f" + scenario <code>{html.escape(str(m['scenario_hash'])[:12])}</code>)")
    meta = (f"dataset <b>{html.escape(str(m['dataset']))}</b> · {inputs} · autoalliance "
            f"{html.escape(__version__)}")
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{CSS}</style>"
        f"<script>{get_plotlyjs()}</script>"
        f"<script type='application/json' id='report-data'>{_json_script(rd.to_json())}</script>"
        "</head><body>"
        f"<h1>{html.escape(title)}</h1><p class='meta'>{meta}</p>"
        f"<nav>{' '.join(nav)}</nav>" + ans + summary(rd) + scenario_grid(rd) + calibration(rd)
        + f"<section id='sec-exposure-table'><h2>Tariff cost by company</h2>{_summary_table(rd)}"
        "</section>" + "".join(parts) + left + appendix(rd) + "</body></html>")


def write(rd: ReportData, path: str | Path, title: str | None = None) -> Path:
    """Write the report to ``path`` (folders created); returns the path."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(render(rd, title), encoding="utf-8")
    return p
