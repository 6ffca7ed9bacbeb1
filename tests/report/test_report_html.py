"""The HTML report: self-contained, its numbers equal the CLI's JSON, missing stages explained."""

import json
import re

import pandas as pd
import pytest
from typer.testing import CliRunner

from autoalliance.cli.main import app
from autoalliance.dataset.footprint import load_footprint
from autoalliance.report import build, write_html
from autoalliance.report.charts import charts
from autoalliance.report.sensitivity import tornado
from autoalliance.testing import tiny_tables, write_tables
from autoalliance.trade import exposure, summarise

runner = CliRunner()
DATA = re.compile(r"<script type='application/json' id='report-data'>(.*?)</script>", re.S)


@pytest.fixture
def tiny(tmp_path):
    return write_tables(tiny_tables(), tmp_path / "tiny")


def points(trace) -> int:
    if trace.type == "sankey":
        return len(trace.link.value)
    return len(trace.y if trace.y is not None else trace.x)


def report_data(html: str) -> dict:
    return json.loads(DATA.search(html).group(1))


def test_report_numbers_equal_cli_json(tiny, tmp_path):
    out = tmp_path / "r.html"
    r = runner.invoke(app, ["report", str(tiny), "--out", str(out), "--stages", "exposure"])
    assert r.exit_code == 0, r.output
    html = out.read_text()
    assert not re.search(r"<(script|link)[^>]+(src|href)=", html)  # nothing fetched
    data = report_data(html)
    cli = json.loads(runner.invoke(app, ["exposure", str(tiny), "--json"]).stdout)
    assert data["tables"]["exposure_by_company"] == cli
    by_np = json.loads(runner.invoke(app, ["exposure", str(tiny), "--by", "nameplate",
                                           "--json"]).stdout)
    assert data["tables"]["exposure_by_nameplate"] == by_np


def test_every_exposure_chart_has_data_and_later_stages_say_why(tiny):
    fp = load_footprint(tiny)
    rd = build(fp)  # all stages: those that cannot run on the tiny dataset leave a note
    by_id = {c.id: c for c in charts(rd)}
    for cid in ("duty-timeline", "unit-duty", "utilisation", "flows-today"):
        fig = by_id[cid].figure
        assert fig is not None and fig.data, cid
        assert sum(points(t) for t in fig.data) > 0, cid
    for stage in ("sharing", "scenarios", "sensitivity"):
        assert stage in rd.notes
    # the duty chart marks the policy changes inside FY2025 (April 2025 - March 2026)
    dates = [p["date"] for p in rd.policy_dates]
    assert {"2025-04-03", "2025-05-03", "2025-09-16"} <= set(dates)
    html = write_html(rd, tiny.parent / "r.html").read_text()
    # no empty sections: a chart whose stage did not run is left out, and the reason is listed
    # once under "Left out of this report"
    missing = [c for c in charts(rd) if c.figure is None]
    assert missing and all(f"id='sec-{c.id}'" not in html for c in missing)
    left = html[html.index("id='sec-left-out'"):]
    for stage in rd.notes:
        assert f"<b>{stage}</b>" in left


def test_monthly_duty_adds_up_to_the_year(tiny):
    fp = load_footprint(tiny)
    rd = build(fp, stages=("exposure",))
    year = summarise(exposure(fp, [2025]), "company")
    monthly = rd.tables["exposure_by_month_origin"].groupby("company")["duty_usd"].sum()
    assert monthly["acme"] == pytest.approx(year.set_index("company").at["acme", "duty_usd"])


def test_hostile_text_cannot_break_out_of_the_data_block(tmp_path):
    t = tiny_tables()
    evil = "</script><script>alert(1)</script>"
    t["nameplates"].loc[0, "brand"] = evil
    t["companies"].loc[0, "name"] = evil
    fp = load_footprint(write_tables(t, tmp_path / "evil"))
    rd = build(fp, stages=("exposure",))
    rd.meta["dataset"] = evil
    html = write_html(rd, tmp_path / "r.html").read_text()
    assert "<script>alert(1)" not in html
    assert report_data(html)["meta"]["dataset"] == evil


def test_tornado_ranks_inputs_by_swing(tiny):
    fp = load_footprint(tiny)

    def cost(f):
        return float(exposure(f, [2025])["tariff_cost_usd"].sum())

    t = tornado(fp, cost, top=3)
    assert len(t) == 3
    assert list(t["swing"]) == sorted(t["swing"], reverse=True)
    assert t.loc[0, "input"] in {"demand acme", "rate s232_vehicles"}
    base = cost(fp)
    assert (t["metric_base"] == base).all()
    assert isinstance(t, pd.DataFrame)


def test_plan_and_sharing_charts_when_the_planner_runs(tmp_path):
    pytest.importorskip("autoalliance.plan.testing")
    from autoalliance.plan.testing import tiny_alliance

    rd = build(tiny_alliance(tmp_path / "ta"), stages=("exposure", "plan", "sharing"))
    assert not rd.notes, rd.notes
    by_id = {c.id: c for c in charts(rd)}
    for cid in ("flows-plan", "gain-split"):
        assert by_id[cid].figure is not None and sum(points(t) for t in
                                                     by_id[cid].figure.data) > 0, cid
    gs = rd.tables["gain_split"]
    shapley = gs[gs["method"] == "shapley"]
    # the split shares out exactly the alliance gain
    assert shapley["gain_share_usd"].sum() == pytest.approx(gs["alliance_gain_usd"].iloc[0])


def _sections(html: str) -> list[str]:
    return re.findall(r"<section id='sec-([\w-]+)'", html)


def test_board_report_summary_first_names_colours_sources(tmp_path):
    """The executive summary comes first and equals the tables; names, not ids; one colour per
    company and per origin across charts; sources and assumptions at the end."""
    pytest.importorskip("autoalliance.plan.testing")
    from autoalliance.plan.testing import tiny_alliance

    fp = tiny_alliance(tmp_path / "ta")
    rd = build(fp, stages=("exposure", "plan", "sharing"))
    html = write_html(rd, tmp_path / "r.html").read_text()
    secs = _sections(html)
    assert secs[:2] == ["answer", "summary"] and secs[-1] == "sources"  # no assumption here
    assert "assumptions" not in secs  # so no empty section for them
    start = html.index("id='sec-summary'")
    summary = html[start:html.index("</section>", start)]
    pc = rd.tables["plan_companies"]
    assert f"gains ${pc['gain_usd'].sum() / 1e6:,.1f}M over FY2026-FY2027" in summary
    def m(v):  # $M to one decimal; a rounding of zero shows as 0.0, not -0.0
        return "0.0" if round(v / 1e6, 1) == 0 else f"{v / 1e6:,.1f}"

    for r in rd.tables["exposure_by_company"].itertuples():
        assert f"<td>{m(r.tariff_cost_usd)}</td>" in summary
    gs = rd.tables["gain_split"]
    for v in gs["gain_share_usd"]:
        assert f"<td>{m(v)}</td>" in summary
    option_names = rd.meta["labels"]["option"]
    for r in rd.tables["plan_options"].itertuples():  # options by name, not id
        assert (f"<b>{option_names[r.option]}</b>" in summary) == bool(r.taken)
        assert f"<b>{r.option}</b>" not in summary
    # names, not ids, in the charts
    figs = {c.id: c.figure for c in charts(rd) if c.figure is not None}
    trace_names = {t.name for f in figs.values() for t in f.data if t.name}
    assert not trace_names & {"alpha", "beta", "JP", "US"}
    assert "Alpha Motor" in trace_names and "Japan" in trace_names
    # one colour per company in every chart; origins never share a company colour
    company = {}
    for f in (figs["gain-split"],):
        for t in f.data:
            company.setdefault(t.name, set()).add(t.marker.color)
    for t in figs["unit-duty"].data:
        if t.name.startswith("duty per unit, "):
            company.setdefault(t.name.removeprefix("duty per unit, "), set()).add(
                t.marker.color)
    assert all(len(v) == 1 for v in company.values()) and len(company) == 2
    origin = {t.marker.color for t in figs["duty-timeline"].data}
    assert not origin & set().union(*company.values())
    colours = rd.meta["colours"]["company"]
    assert {next(iter(company["Alpha Motor"])), next(iter(company["Beta Motor"]))} == \
        {colours["alpha"], colours["beta"]}
    # sources and assumptions of the dataset, each once
    n_src = len({s.strip() for t in fp.tables.values() if "source" in t
                 for cell in t["source"].dropna() for s in str(cell).split(" | ") if s.strip()})
    assert f"sources ({n_src})" in html


def test_sankey_shows_the_top_nameplates_and_groups_the_rest():
    from autoalliance.report.charts import TOP_NAMEPLATES

    fp = load_footprint()
    rd = build(fp, stages=("exposure",))
    fig = {c.id: c.figure for c in charts(rd)}["flows-today"]
    labels = list(fig.data[0].node.label)
    flows = rd.tables["flows_today"]
    n = flows.loc[flows["units"] > 0, "nameplate"].nunique()
    assert n > TOP_NAMEPLATES
    grouped = f"{n - TOP_NAMEPLATES} other nameplates"
    assert grouped in labels
    top = flows.groupby("nameplate")["units"].sum().nlargest(TOP_NAMEPLATES).index
    names = rd.meta["labels"]["nameplate"]
    assert {names[x] for x in top} <= set(labels)
    # every unit is still there: the links out of the nameplates carry all of today's units
    src_nodes = set(range(TOP_NAMEPLATES + 1))
    out = sum(v for s_, v in zip(fig.data[0].link.source, fig.data[0].link.value)
              if s_ in src_nodes)
    assert out == pytest.approx(flows["units"].sum())
    # the calibration section's table equals `calibrate --json`
    cal = json.loads(runner.invoke(app, ["calibrate", "--json"]).stdout)
    assert rd.to_json()["tables"]["calibration"] == cal


def test_summary_says_in_which_scenarios_the_alliance_pays(tiny):
    fp = load_footprint(tiny)
    res = pd.DataFrame({"scenario": ["deal_holds", "deal_lapses", "s232_repealed"],
                        "alliance_gain_usd": [3e8, 1e8, -2e7],
                        "tariff_cost_fy2026_acme_usd": [5e8, 7e8, 0.0]})
    rd = build(fp, stages=("exposure", "scenarios"), scenario_results=res)
    html = write_html(rd, tiny.parent / "r.html").read_text()
    line = re.search(r"<p id='summary-scenarios'>(.*?)</p>", html).group(1)
    assert line == ("The alliance still pays in 2 of 3 scenarios: deal_holds, deal_lapses. "
                    "It does not in: s232_repealed.")
    fig = {c.id: c.figure for c in charts(rd)}["scenarios"]
    # every point labelled by its scenario (the axis), in $M
    for t in fig.data:
        assert list(t.y) == list(res["scenario"])
    gain = next(t for t in fig.data if t.name == "alliance gain")
    assert list(gain.x) == [300.0, 100.0, -20.0]
    acme = next(t for t in fig.data if "Acme Motor" in t.name)
    assert acme.marker.color == rd.meta["colours"]["company"]["acme"]


def _summary_row(html_text: str, company_name: str) -> str:
    table = re.search(r"<table id='summary-cost'>(.*?)</table>", html_text, re.S).group(1)
    return next(r for r in table.split("<tr>") if company_name in r)


def test_summary_with_two_figures_on_the_latest_day_and_one_not_compared(tmp_path):
    """Two reported figures on a company's latest day (another basis) give one summary row,
    the compared one; a latest figure after countermeasures says "not compared", never
    "inside its band"."""
    from autoalliance.report.html import summary

    fp = load_footprint(None)
    rep = fp.table("reported")
    day = rep[rep["company"] == "nissan"]["as_of"].max()
    twin = rep[(rep["company"] == "nissan") & (rep["as_of"] == day)].assign(
        basis="gross", value=1e12)
    honda = rep["company"] == "honda"
    late = rep[honda]["as_of"].max()
    after = rep.copy()
    after.loc[honda & (after["as_of"] == late), "countermeasures"] = "after"
    f = fp.replace(reported=pd.concat([after, twin], ignore_index=True))
    rd = build(f, stages=("exposure",))
    out = summary(rd)
    nissan = _summary_row(out, "Nissan")
    assert nissan.count("reported on") == 1 and "(inside its band)" in nissan
    assert "1,000bn" not in nissan  # the gross twin (no band) is not the one shown
    honda_row = _summary_row(out, "Honda")
    assert "(not compared)" in honda_row and "inside its band" not in honda_row
    from autoalliance.report.html import calibration

    table = calibration(rd)
    assert table.count("not compared") >= 1
    assert "±30% inside" not in table  # Honda's latest is after countermeasures


def test_report_of_a_run_is_titled_by_its_scenario_and_inputs():
    """``report RUN``: the title names the scenario and its set, and the inputs hash is that of
    the dataset and the scenario together, not the dataset's alone."""
    from autoalliance.report.html import render
    from autoalliance.report.source import from_run, run_inputs_hash

    run = {"run_key": "k1", "scenario": "yen_weak", "scenario_set": "policy_2026",
           "dataset": "nissan_honda_2025", "dataset_hash": "d" * 24, "scenario_hash": "s" * 24,
           "status": "ok", "result": {}}
    rd = from_run(run)
    page = render(rd)
    assert "<title>autoalliance report: scenario yen_weak of set policy_2026" in page
    h = run_inputs_hash(run)
    assert h not in ("d" * 24, "s" * 24) and f"inputs hash <code>{h[:12]}</code>" in page
    assert run_inputs_hash(dict(run, scenario_hash="t" * 24)) != h
