"""Plotly figures of a report's tables. One function per chart; each returns a Figure or None
when its table is missing (the stage did not run). Figures carry their data, so the HTML
report, the dashboard and PNG exports show the same thing."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from autoalliance.report.data import ReportData

PALETTE = ["#1f5aa6", "#c8102e", "#6c8e3b", "#e59c24", "#7a4fa0", "#2b9aa0", "#8c6d46",
           "#d45d9b", "#555555", "#b8b831"]
LAYOUT = dict(template="plotly_white", margin=dict(l=60, r=30, t=60, b=50),
              font=dict(family="Helvetica, Arial, sans-serif", size=12))


@dataclass
class Chart:
    """A chart of the report: id (HTML anchor), title, the stage it needs, figure or None."""

    id: str
    title: str
    stage: str
    figure: go.Figure | None
    caption: str = ""


def _company_colours(companies) -> dict[str, str]:
    return {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(sorted(set(companies)))}


def duty_timeline(rd: ReportData) -> go.Figure | None:
    """Monthly duty (USD) by origin, one panel per company, through the fiscal year, with the
    dates on which a trade rule starts or ends marked."""
    if not rd.has("exposure_by_month_origin"):
        return None
    from plotly.subplots import make_subplots

    t = rd.tables["exposure_by_month_origin"].copy()
    t["month"] = pd.to_datetime(t["month"])
    companies = sorted(t["company"].unique())
    origins = sorted(t["origin"].unique())
    colours = {o: PALETTE[i % len(PALETTE)] for i, o in enumerate(origins)}
    fig = make_subplots(rows=len(companies), cols=1, shared_xaxes=True, vertical_spacing=0.06,
                        subplot_titles=companies)
    for r, company in enumerate(companies, start=1):
        for origin in origins:
            g = t[(t["company"] == company) & (t["origin"] == origin)].sort_values("month")
            if g.empty or not g["duty_usd"].any():
                continue
            fig.add_bar(x=g["month"] + pd.Timedelta(days=14), y=g["duty_usd"], name=origin,
                        legendgroup=origin, showlegend=r == 1 or origin not in
                        set(t.loc[t["company"].isin(companies[: r - 1]), "origin"]),
                        marker_color=colours[origin], row=r, col=1,
                        hovertemplate=f"{company} · {origin}<br>%{{x|%b %Y}}<br>"
                                      "%{y:$,.0f}<extra></extra>")
    dates = [pd.Timestamp(p["date"]) for p in rd.policy_dates]
    for d in dates:
        fig.add_shape(type="line", x0=d, x1=d, y0=0, y1=1, xref="x", yref="paper",
                      line=dict(color="#444", dash="dot", width=1))
    for d, p in zip(dates, rd.policy_dates):
        fig.add_annotation(x=d, y=1.0, xref="x", yref="paper", yanchor="bottom", showarrow=False,
                           text=d.strftime("%d %b"), hovertext=p["label"],
                           font=dict(size=10, color="#444"))
    fig.update_layout(barmode="stack", title="Duty by origin of entry, per company and month "
                      f"(FY{rd.meta['fiscal_year']}; dotted: a trade rule starts or ends)",
                      height=max(420, 230 * len(companies) + 120), legend_title="origin",
                      **{**LAYOUT, "margin": dict(l=60, r=30, t=100, b=50)})
    fig.update_yaxes(title_text="duty, USD")
    return fig


def unit_duty_by_nameplate(rd: ReportData) -> go.Figure | None:
    """Duty and tariff cost per unit (USD) of each nameplate, largest first."""
    if not rd.has("exposure_by_nameplate"):
        return None
    t = rd.tables["exposure_by_nameplate"].copy()
    t = t[t["units"] > 0]
    t["duty_per_unit_usd"] = t["duty_usd"] / t["units"]
    t = t.sort_values("duty_per_unit_usd")
    colours = _company_colours(t["company"])
    fig = go.Figure()
    fig.add_bar(y=t["nameplate"], x=t["duty_per_unit_usd"], orientation="h", name="duty per unit",
                marker_color=[colours[c] for c in t["company"]],
                customdata=t[["company", "units"]].to_numpy(),
                hovertemplate="%{y} (%{customdata[0]})<br>duty %{x:$,.0f}/unit<br>"
                              "%{customdata[1]:,.0f} units<extra></extra>")
    fig.add_scatter(y=t["nameplate"], x=t["tariff_cost_per_unit_usd"], mode="markers",
                    name="tariff cost per unit (added duty net of offset)",
                    marker=dict(color="#111", symbol="diamond", size=7))
    fig.update_layout(title=f"Duty per unit by nameplate, FY{rd.meta['fiscal_year']} "
                      "(bar colour: company)", xaxis_title="USD per unit",
                      height=max(400, 18 * len(t) + 120), **LAYOUT)
    return fig


def _plan_utilisation(rd: ReportData) -> pd.DataFrame | None:
    if not rd.has("plan_utilisation"):
        return None
    u = rd.tables["plan_utilisation"].copy()
    year_col = next((c for c in ("fiscal_year", "year") if c in u), None)
    if year_col:
        u = u[u[year_col] == u[year_col].max()]
    val = next((c for c in ("utilisation", "utilisation_share", "share") if c in u), None)
    if val is None or "plant" not in u:
        return None
    return u.groupby("plant", as_index=False)[val].mean().rename(columns={val: "plan"})


def utilisation(rd: ReportData) -> go.Figure | None:
    """Vehicle plant utilisation: stated today, implied by the dataset's flows, and in the plan."""
    if not rd.has("utilisation_today"):
        return None
    t = rd.tables["utilisation_today"].sort_values(["company", "plant"])
    fig = go.Figure()
    if t["utilisation_stated"].notna().any():
        fig.add_bar(x=t["plant"], y=t["utilisation_stated"], name="today (stated by source)",
                    marker_color="#9aa9bd")
    fig.add_bar(x=t["plant"], y=t["utilisation_flows"], name="today (dataset flows, its markets)",
                marker_color="#1f5aa6")
    plan = _plan_utilisation(rd)
    if plan is not None:
        p = t[["plant"]].merge(plan, on="plant", how="left")
        fig.add_bar(x=p["plant"], y=p["plan"], name="alliance plan (last year)",
                    marker_color="#c8102e")
    fig.update_layout(barmode="group", title="Vehicle plant utilisation (share of capacity)",
                      yaxis=dict(tickformat=".0%", title="share of capacity"), **LAYOUT)
    return fig


def sankey(flows: pd.DataFrame, title: str) -> go.Figure | None:
    """Flows nameplate -> plant -> market (units)."""
    if flows is None or len(flows) == 0:
        return None
    f = flows[flows["units"] > 0]
    a = f.groupby(["nameplate", "plant"], as_index=False)["units"].sum()
    b = f.groupby(["plant", "market"], as_index=False)["units"].sum()
    nodes = (list(dict.fromkeys(a["nameplate"])) + list(dict.fromkeys(a["plant"]))
             + ["→ " + m for m in dict.fromkeys(b["market"])])
    idx = {n: i for i, n in enumerate(nodes)}
    src = [idx[n] for n in a["nameplate"]] + [idx[p] for p in b["plant"]]
    dst = [idx[p] for p in a["plant"]] + [idx["→ " + m] for m in b["market"]]
    val = list(a["units"]) + list(b["units"])
    fig = go.Figure(go.Sankey(node=dict(label=nodes, pad=8, thickness=12),
                              link=dict(source=src, target=dst, value=val)))
    fig.update_layout(title=title, height=max(500, 14 * len(nodes)), **LAYOUT)
    return fig


def _plan_flows(rd: ReportData) -> pd.DataFrame | None:
    if not rd.has("plan_flows"):
        return None
    f = rd.tables["plan_flows"].copy()
    year_col = next((c for c in ("fiscal_year", "year") if c in f), None)
    if year_col:
        f = f[f[year_col] == f[year_col].max()]
    if not {"nameplate", "plant", "market", "units"} <= set(f.columns):
        return None
    return f


def gain_split(rd: ReportData) -> go.Figure | None:
    """Alliance gain and each partner's share of it under each sharing method."""
    if not rd.has("gain_split"):
        return None
    t = rd.tables["gain_split"]
    colours = _company_colours(t["company"])
    fig = go.Figure()
    for company, g in t.groupby("company"):
        fig.add_bar(x=g["method"], y=g["gain_share_usd"], name=company,
                    marker_color=colours[company],
                    hovertemplate="%{x}: %{y:$,.0f}<extra>" + company + "</extra>")
    gain = float(t["alliance_gain_usd"].iloc[0])
    fig.update_layout(barmode="stack", title=f"Alliance gain {gain:,.0f} USD and its split "
                      "(share of the gain over standalone profit)", yaxis_title="USD", **LAYOUT)
    return fig


def scenario_distributions(rd: ReportData) -> go.Figure | None:
    """Distribution over scenarios of the alliance gain and of each partner's gain."""
    if not rd.has("scenario_results"):
        return None
    t = rd.tables["scenario_results"]
    cols = [c for c in t.columns if c.endswith("_usd") and pd.api.types.is_numeric_dtype(t[c])]
    if not cols:
        return None
    fig = go.Figure()
    for i, c in enumerate(cols):
        fig.add_box(y=t[c], name=c.removesuffix("_usd"), boxpoints="all", jitter=0.4,
                    text=t["scenario"] if "scenario" in t else None,
                    marker_color=PALETTE[i % len(PALETTE)])
    fig.update_layout(title=f"Across {len(t)} scenarios", yaxis_title="USD", showlegend=False,
                      **LAYOUT)
    return fig


def tornado(rd: ReportData) -> go.Figure | None:
    """Alliance gain when each of its most influential inputs goes down and up."""
    if not rd.has("sensitivity"):
        return None
    t = rd.tables["sensitivity"].iloc[::-1]
    base = float(t["metric_base"].iloc[0])
    fig = go.Figure()
    fig.add_bar(y=t["input"], x=t["metric_low"] - base, base=base, orientation="h",
                name="input −20%", marker_color="#1f5aa6")
    fig.add_bar(y=t["input"], x=t["metric_high"] - base, base=base, orientation="h",
                name="input +20%", marker_color="#c8102e")
    fig.add_shape(type="line", x0=base, x1=base, y0=0, y1=1, yref="paper",
                  line=dict(color="#111", width=1))
    fig.update_layout(barmode="overlay", title="Sensitivity of the alliance gain: the "
                      f"{len(t)} most influential inputs", xaxis_title="alliance gain, USD",
                      height=max(400, 40 * len(t) + 120), **LAYOUT)
    return fig


SECTIONS = [
    ("duty-timeline", "Duty by company and origin through the fiscal year", "exposure",
     duty_timeline),
    ("unit-duty", "Duty per unit by nameplate", "exposure", unit_duty_by_nameplate),
    ("utilisation", "Plant utilisation today and in the plan", "exposure", utilisation),
    ("flows-today", "Flows today: nameplate → plant → market", "exposure",
     lambda rd: sankey(rd.tables.get("flows_today"), "Flows today (units, FY"
                       f"{rd.meta['fiscal_year']}): nameplate → plant → market")),
    ("flows-plan", "Flows in the alliance plan", "plan",
     lambda rd: sankey(_plan_flows(rd), "Flows in the alliance plan (units, last year of the "
                       "horizon): nameplate → plant → market")),
    ("gain-split", "The alliance gain and its split", "sharing", gain_split),
    ("scenarios", "Scenario distributions", "scenarios", scenario_distributions),
    ("tornado", "Sensitivity of the alliance gain (tornado)", "sensitivity", tornado),
]


def charts(rd: ReportData) -> list[Chart]:
    """Every chart of the report in order; figure None where its stage did not run."""
    return [Chart(cid, title, stage, fn(rd)) for cid, title, stage, fn in SECTIONS]
