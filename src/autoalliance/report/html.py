"""The HTML report: one self-contained file (plotly.js inlined, no CDN, no network).

The key numbers are embedded as JSON in ``<script type="application/json" id="report-data">``
with the same shapes as the CLI's ``--json`` output, so a reader (or a test) can check them.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

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
        f"<tr><td>{html.escape(str(r.company))}</td><td>{r.units:,.0f}</td>"
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


def render(rd: ReportData, title: str | None = None) -> str:
    """The report as one HTML string."""
    title = title or f"autoalliance report: {rd.meta['dataset']}, FY{rd.meta['fiscal_year']}"
    parts = []
    nav = []
    for ch in charts(rd):
        nav.append(f"<a href='#{ch.id}'>{html.escape(ch.title)}</a>")
        parts.append(f"<section id='sec-{ch.id}'><h2 id='{ch.id}'>{html.escape(ch.title)}</h2>")
        if ch.figure is not None:
            parts.append(pio.to_html(ch.figure, full_html=False, include_plotlyjs=False,
                                     div_id=f"chart-{ch.id}",
                                     config={"displaylogo": False, "responsive": True}))
        else:
            why = rd.notes.get(ch.stage, "its stage did not run for this report")
            parts.append(f"<p class='note'>Not shown: {html.escape(why)}</p>")
        parts.append("</section>")
    meta = (f"dataset <b>{html.escape(str(rd.meta['dataset']))}</b> · inputs hash "
            f"<code>{html.escape(rd.meta['inputs_hash'][:12])}</code> · autoalliance "
            f"{html.escape(__version__)}")
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{CSS}</style>"
        f"<script>{get_plotlyjs()}</script>"
        f"<script type='application/json' id='report-data'>{_json_script(rd.to_json())}</script>"
        "</head><body>"
        f"<h1>{html.escape(title)}</h1><p class='meta'>{meta}</p>"
        f"<nav>{' '.join(nav)}</nav>"
        f"<h2>Tariff cost by company</h2>{_summary_table(rd)}"
        + "".join(parts) + "</body></html>")


def write(rd: ReportData, path: str | Path, title: str | None = None) -> Path:
    """Write the report to ``path`` (folders created); returns the path."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(render(rd, title), encoding="utf-8")
    return p
