"""Plotly figures of a report's tables. One function per chart; each returns a Figure or None
when its table is missing (the stage did not run). Figures carry their data, so the HTML
report, the dashboard and PNG exports show the same thing."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from autoalliance.report.data import ReportData

#: Tallest a chart may be (px) so that it prints on one A4 landscape page with its heading
PRINT_MAX_HEIGHT = 620
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


def _company_colours(companies, rd: ReportData | None = None) -> dict[str, str]:
    """The report's colour of each company (the same in every chart)."""
    fixed = ((rd.meta.get("colours") or {}).get("company") or {}) if rd else {}
    spare = iter([c for c in PALETTE if c not in fixed.values()] * 4)
    return {c: fixed.get(c) or next(spare) for c in sorted(set(companies))}


def _origin_colours(origins, rd: ReportData) -> dict[str, str]:
    fixed = (rd.meta.get("colours") or {}).get("origin") or {}
    spare = iter(["#b5838d", "#ffd6a5", "#caffbf", "#9bf6ff", "#bdb2ff"] * 4)
    return {o: fixed.get(o) or next(spare) for o in sorted(set(origins))}


def name(rd: ReportData, kind: str, key) -> str:
    """The name a reader knows (company name, plant name, "Nissan Rogue", "Japan") for an id."""
    return ((rd.meta.get("labels") or {}).get(kind) or {}).get(key, str(key))


TOP_UNIT_DUTY = 25  # the duty-per-unit chart shows the nameplates paying most a unit
TOP_NAMEPLATES = 12  # Sankey diagrams show the largest nameplates; the rest are grouped


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
    colours = _origin_colours(origins, rd)
    fig = make_subplots(rows=len(companies), cols=1, shared_xaxes=True, vertical_spacing=0.06,
                        subplot_titles=[name(rd, "company", c) for c in companies])
    for r, company in enumerate(companies, start=1):
        for origin in origins:
            g = t[(t["company"] == company) & (t["origin"] == origin)].sort_values("month")
            if g.empty or not g["duty_usd"].any():
                continue
            fig.add_bar(x=g["month"] + pd.Timedelta(days=14), y=g["duty_usd"],
                        name=name(rd, "origin", origin),
                        legendgroup=origin, showlegend=r == 1 or origin not in
                        set(t.loc[t["company"].isin(companies[: r - 1]), "origin"]),
                        marker_color=colours[origin], row=r, col=1,
                        hovertemplate=f"{name(rd, 'company', company)} · "
                                      f"{name(rd, 'origin', origin)}<br>%{{x|%b %Y}}<br>"
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
                      height=min(PRINT_MAX_HEIGHT, max(420, 160 * len(companies) + 120)),
                      legend_title="origin",
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
    shown = len(t)
    t = t.sort_values("duty_per_unit_usd").tail(TOP_UNIT_DUTY)
    colours = _company_colours(t["company"], rd)
    t["label"] = [name(rd, "nameplate", n) for n in t["nameplate"]]
    t["company_name"] = [name(rd, "company", c) for c in t["company"]]
    fig = go.Figure()
    for company, g in t.groupby("company", sort=True):
        fig.add_bar(y=g["label"], x=g["duty_per_unit_usd"], orientation="h",
                    name=f"duty per unit, {name(rd, 'company', company)}",
                    marker_color=colours[company],
                    customdata=g[["company_name", "units"]].to_numpy(),
                    hovertemplate="%{y} (%{customdata[0]})<br>duty %{x:$,.0f}/unit<br>"
                                  "%{customdata[1]:,.0f} units<extra></extra>")
    fig.add_scatter(y=t["label"], x=t["tariff_cost_per_unit_usd"], mode="markers",
                    name="tariff cost per unit (added duty net of offset)",
                    marker=dict(color="#111", symbol="diamond", size=7))
    which = (f"the {len(t)} highest of {shown} nameplates" if shown > len(t)
             else "every nameplate")
    fig.update_layout(title=f"Duty per unit by nameplate, FY{rd.meta['fiscal_year']}, {which} "
                      "(bar colour: company)", xaxis_title="USD per unit",
                      yaxis=dict(categoryorder="array", categoryarray=list(t["label"])),
                      height=min(PRINT_MAX_HEIGHT, max(400, 18 * len(t) + 120)), **LAYOUT)
    return fig


def _plan_utilisation(rd: ReportData) -> pd.DataFrame | None:
    if not rd.has("plan_utilisation"):
        return None
    u = rd.tables["plan_utilisation"].copy()
    year_col = "fiscal_year" if "fiscal_year" in u else None
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
    t = rd.tables["utilisation_today"].sort_values(["company", "plant"]).copy()
    t["plant_id"] = t["plant"]
    t["plant"] = [name(rd, "plant", p) for p in t["plant"]]
    fig = go.Figure()
    if t["utilisation_stated"].notna().any():
        fig.add_bar(x=t["plant"], y=t["utilisation_stated"], name="today (stated by source)",
                    marker_color="#d0d0d0")
    fig.add_bar(x=t["plant"], y=t["utilisation_flows"], name="today (dataset flows, its markets)",
                marker_color="#8a8a8a")
    plan = _plan_utilisation(rd)
    if plan is not None:
        p = t[["plant", "plant_id"]].merge(plan.rename(columns={"plant": "plant_id"}),
                                           on="plant_id", how="left")
        fig.add_bar(x=p["plant"], y=p["plan"], name="alliance plan (last year)",
                    marker_color="#2b2b2b")
    fig.update_layout(barmode="group", title="Vehicle plant utilisation (share of capacity)",
                      yaxis=dict(tickformat=".0%", title="share of capacity"), **LAYOUT)
    return fig


def sankey(flows: pd.DataFrame, title: str, rd: ReportData | None = None,
           top: int = TOP_NAMEPLATES) -> go.Figure | None:
    """Flows nameplate -> plant -> market (units): the ``top`` nameplates by units, the rest
    grouped per plant as "other nameplates"."""
    if flows is None or len(flows) == 0:
        return None
    f = flows[flows["units"] > 0].copy()
    size = f.groupby("nameplate")["units"].sum().sort_values(ascending=False)
    keep = set(size.index[:top])
    rest = len(size) - len(keep)
    label = (lambda kind, k: name(rd, kind, k)) if rd is not None else (lambda kind, k: str(k))
    f["from"] = [label("nameplate", n) if n in keep else f"{rest} other nameplates"
                 for n in f["nameplate"]]
    f["via"] = [label("plant", p) for p in f["plant"]]
    a = f.groupby(["from", "via"], as_index=False, sort=False)["units"].sum()
    b = f.groupby(["via", "market"], as_index=False, sort=False)["units"].sum()
    nodes = (list(dict.fromkeys(a["from"])) + list(dict.fromkeys(a["via"]))
             + ["→ " + m for m in dict.fromkeys(b["market"])])
    idx = {n: i for i, n in enumerate(nodes)}
    src = [idx[n] for n in a["from"]] + [idx[p] for p in b["via"]]
    dst = [idx[p] for p in a["via"]] + [idx["→ " + m] for m in b["market"]]
    val = list(a["units"]) + list(b["units"])
    company_of = dict(zip(flows["nameplate"], flows.get("company", pd.Series(dtype=str))))
    colours = _company_colours([c for c in company_of.values() if isinstance(c, str)], rd)
    by_label = {label("nameplate", n): colours.get(company_of.get(n), "#888")
                for n in keep}
    node_colours = [by_label.get(n, "#bbbbbb") for n in nodes]
    fig = go.Figure(go.Sankey(node=dict(label=nodes, pad=8, thickness=12, color=node_colours),
                              link=dict(source=src, target=dst, value=val)))
    fig.update_layout(title=title, height=min(PRINT_MAX_HEIGHT, max(500, 22 * len(nodes))),
                      **LAYOUT)
    return fig


def _plan_flows(rd: ReportData) -> pd.DataFrame | None:
    if not rd.has("plan_flows"):
        return None
    f = rd.tables["plan_flows"].copy()
    year_col = "fiscal_year" if "fiscal_year" in f else None
    if year_col:
        f = f[f[year_col] == f[year_col].max()]
    if not {"nameplate", "plant", "market", "units"} <= set(f.columns):
        return None
    if "company" not in f and rd.has("flows_today"):
        np_co = rd.tables["flows_today"].drop_duplicates("nameplate").set_index("nameplate")
        f["company"] = f["nameplate"].map(np_co["company"])
    return f


def gain_split(rd: ReportData) -> go.Figure | None:
    """Alliance gain and each partner's share of it under each sharing method (USD millions)."""
    if not rd.has("gain_split"):
        return None
    t = rd.tables["gain_split"]
    colours = _company_colours(t["company"], rd)
    fig = go.Figure()
    for company, g in t.groupby("company"):
        fig.add_bar(x=g["method"], y=g["gain_share_usd"] / 1e6,
                    name=name(rd, "company", company), marker_color=colours[company],
                    text=[f"{v / 1e6:,.1f}" for v in g["gain_share_usd"]],
                    textposition="inside",
                    hovertemplate="%{x}: %{y:,.1f} $M<extra>" + name(rd, "company", company)
                    + "</extra>")
    gain = float(t["alliance_gain_usd"].iloc[0])
    fig.update_layout(barmode="relative", title=f"Alliance gain ${gain / 1e6:,.1f}M and its "
                      "split (each partner's profit over its standalone plan)",
                      yaxis_title="USD millions", **LAYOUT)
    return fig


WATERFALL_STEPS = [("price_usd", "price", "absolute", 1), ("variable_cost_usd", "variable cost",
                                                            "relative", -1),
                   ("logistics_usd", "logistics", "relative", -1),
                   ("duty_usd", "duty", "relative", -1), ("offset_usd", "offset", "relative", 1),
                   ("fees_usd", "fees", "relative", -1),
                   ("margin_usd", "margin", "total", 1)]


def landed_cost(rd: ReportData) -> go.Figure | None:
    """Landed cost per unit of the lanes behind the plan's largest moves, today against the
    plan: price − variable cost − logistics − duty + offset − fees = margin (USD a unit)."""
    if not rd.has("landed_decisive"):
        return None
    t = rd.tables["landed_decisive"]
    fig = go.Figure()
    for r in t.to_dict(orient="records"):
        lane = (f"{name(rd, 'nameplate', r['nameplate'])}<br>{name(rd, 'plant', r['plant'])}"
                f"<br>({r['case']}, {r['units']:,.0f} units)")
        fig.add_waterfall(
            x=[[lane] * len(WATERFALL_STEPS), [s[1] for s in WATERFALL_STEPS]],
            y=[0.0 if s[2] == "total" else s[3] * float(r[s[0]]) for s in WATERFALL_STEPS],
            measure=[s[2] for s in WATERFALL_STEPS], name=lane.replace("<br>", " · "),
            showlegend=False, connector=dict(line=dict(color="#bbb", width=1)),
            increasing=dict(marker_color="#6c8e3b"), decreasing=dict(marker_color="#c8102e"),
            totals=dict(marker_color="#1f3b73" if r["case"] == "plan" else "#8a8a8a"),
            hovertemplate="%{x}<br>%{y:$,.0f} a unit<extra></extra>")
    fig.update_layout(title=f"Landed cost per unit, FY{int(t['fiscal_year'].iloc[0])}: the "
                      "plan's largest moves, today against the plan (USD a unit)",
                      yaxis_title="USD a unit", height=540, waterfallgap=0.15,
                      **{**LAYOUT, "margin": dict(l=60, r=30, t=60, b=190)})
    fig.update_xaxes(tickangle=-90, tickfont=dict(size=10))
    return fig


def scenario_distributions(rd: ReportData) -> go.Figure | None:
    """Each scenario's alliance gain and per-company numbers, one labelled row per scenario
    (readable in print: the scenario names are the axis)."""
    if not rd.has("scenario_results") or rd.has("scenario_compare"):
        return None  # the grid of scenarios side by side says it with one unit per row
    t = rd.tables["scenario_results"]
    cols = [c for c in t.columns if c.endswith("_usd") and pd.api.types.is_numeric_dtype(t[c])]
    if not cols:
        return None
    names = t["scenario"].astype(str) if "scenario" in t else pd.Series(
        [f"scenario {i + 1}" for i in range(len(t))])
    companies = list((rd.meta.get("labels") or {}).get("company", {}))
    colours = _company_colours(companies, rd)
    fig = go.Figure()
    for c in cols:
        who = next((k for k in companies if f"_{k}_" in f"_{c}"), None)
        colour = colours.get(who, "#111111") if who else "#111111"
        label = c.removesuffix("_usd").replace("_", " ")
        if who:
            label = label.replace(who, name(rd, "company", who))
        fig.add_scatter(x=t[c] / 1e6, y=names, mode="markers", name=label,
                        marker=dict(color=colour, size=9,
                                    symbol="diamond" if who is None else "circle"),
                        hovertemplate="%{y}: %{x:,.1f} $M<extra>" + label + "</extra>")
    fig.add_vline(x=0, line=dict(color="#444", width=1))
    fig.update_layout(title=f"Across {len(t)} scenarios (USD millions)",
                      xaxis_title="USD millions",
                      height=min(PRINT_MAX_HEIGHT, max(380, 28 * len(t) + 160)),
                      legend=dict(orientation="h", y=-0.2), **LAYOUT)
    return fig


def tornado(rd: ReportData) -> go.Figure | None:
    """Alliance gain when each of its most influential inputs goes down and up."""
    if not rd.has("sensitivity"):
        return None
    t = rd.tables["sensitivity"].iloc[::-1]
    base = float(t["metric_base"].iloc[0])
    fig = go.Figure()
    fig.add_bar(y=t["input"], x=t["metric_low"] - base, base=base, orientation="h",
                name="input −20%", marker_color="#5c677d")
    fig.add_bar(y=t["input"], x=t["metric_high"] - base, base=base, orientation="h",
                name="input +20%", marker_color="#c9ada7")
    fig.add_shape(type="line", x0=base, x1=base, y0=0, y1=1, yref="paper",
                  line=dict(color="#111", width=1))
    fig.update_layout(barmode="overlay", title="Sensitivity of the alliance gain: the "
                      f"{len(t)} most influential inputs", xaxis_title="alliance gain, USD",
                      height=min(PRINT_MAX_HEIGHT, max(400, 40 * len(t) + 120)), **LAYOUT)
    return fig


def calibration_quarters(rd: ReportData) -> go.Figure | None:
    """Per maker: the modelled tariff cost recognised, cumulative by quarter of its fiscal
    year (company currency, billions), against each reported figure for a year to date."""
    if not rd.has("calibration_quarters"):
        return None
    from plotly.subplots import make_subplots

    t = rd.tables["calibration_quarters"]
    companies = sorted(t["company"].unique())
    colours = _company_colours(companies, rd)
    cur = {}
    if rd.has("calibration"):
        cur = dict(zip(rd.tables["calibration"]["company"], rd.tables["calibration"]["currency"]))
    fig = make_subplots(rows=1, cols=len(companies),
                        subplot_titles=[name(rd, "company", c) for c in companies])
    for i, company in enumerate(companies, start=1):
        g = t[t["company"].eq(company)].sort_values(["fiscal_year", "quarter"])
        x = [f"FY{y} {('Q1', 'H1', '9M', 'year')[q - 1]}"
             for y, q in zip(g["fiscal_year"], g["quarter"])]
        unit = cur.get(company, "")
        fig.add_scatter(x=x, y=g["modelled"] / 1e9, mode="lines+markers", name="modelled",
                        legendgroup="modelled", showlegend=i == 1,
                        line=dict(color=colours[company]), row=1, col=i,
                        hovertemplate=f"%{{x}}<br>modelled %{{y:,.1f}}B {unit}<extra></extra>")
        rep = g[g["reported"].notna()]
        if len(rep):
            fig.add_scatter(x=[x[k] for k in range(len(g)) if g["reported"].notna().iloc[k]],
                            y=rep["reported"] / 1e9, mode="markers", name="reported (in scope)",
                            legendgroup="reported", showlegend=i == 1,
                            marker=dict(symbol="diamond", size=11, color="#222"), row=1, col=i,
                            text=rep["period"], hovertemplate="%{text}<br>reported "
                            f"%{{y:,.1f}}B {unit}<extra></extra>")
    fig.update_layout(title="Calibration by quarter: tariff cost recognised when sold, "
                      "cumulative from the fiscal year's start,<br>against the reported "
                      "figures (in scope; company currency, billions)", height=440,
                      **{**LAYOUT, "margin": dict(l=60, r=30, t=110, b=60)})
    return fig


SECTIONS = [
    ("duty-timeline", "Duty by company and origin through the fiscal year", "exposure",
     duty_timeline),
    ("unit-duty", "Duty per unit by nameplate", "exposure", unit_duty_by_nameplate),
    ("utilisation", "Plant utilisation today and in the plan", "exposure", utilisation),
    ("flows-today", "Flows today: nameplate → plant → market", "exposure",
     lambda rd: sankey(rd.tables.get("flows_today"), "Flows today (units, FY"
                          f"{rd.meta['fiscal_year']}; the {TOP_NAMEPLATES} largest nameplates): "
                       "nameplate → plant → market", rd)),
    ("flows-plan", "Flows in the alliance plan", "plan",
     lambda rd: sankey(_plan_flows(rd), "Flows in the alliance plan (units, last year of the "
                       f"horizon; the {TOP_NAMEPLATES} largest nameplates): nameplate → plant → "
                       "market", rd)),
    ("landed-cost", "Landed cost: today against the plan", "plan", landed_cost),
    ("gain-split", "The alliance gain and its split", "sharing", gain_split),
    ("scenarios", "Scenario distributions", "scenarios", scenario_distributions),
    ("tornado", "Sensitivity of the alliance gain (tornado)", "sensitivity", tornado),
    ("calibration-quarters", "Calibration by quarter, per maker", "exposure",
     calibration_quarters),
]


def charts(rd: ReportData) -> list[Chart]:
    """Every chart of the report in order; figure None where its stage did not run."""
    return [Chart(cid, title, stage, fn(rd)) for cid, title, stage, fn in SECTIONS]
