"""The report shows the recommended deal first in the summary: the split share computes, why,
and the fees that deliver it."""

import json
import re

import pytest
from typer.testing import CliRunner

from autoalliance.cli.main import app
from autoalliance.plan.testing import tiny_alliance
from autoalliance.report import build, write_html


def test_report_summary_shows_the_recommended_deal_of_share(tmp_path):
    fp = tiny_alliance(tmp_path / "ta")
    rd = build(fp, stages=("exposure", "plan", "sharing"))
    html = write_html(rd, tmp_path / "r.html").read_text()
    start = html.index("id='sec-summary'")  # after the answer on page 1
    summary = html[start:html.index("</section>", start)]
    # the deal comes before the other rules' table
    assert summary.index("id='summary-deal'") < summary.index("id='summary-split'")
    r = CliRunner().invoke(app, ["share", str(fp.source_path), "--json", "--workers", "1"])
    rec = json.loads(r.stdout)["recommended"]
    assert f"the {rec['rule']} split" in summary
    for p, g in rec["gain"].items():
        assert f"<td>{g / 1e6:,.1f}</td>" in summary
        assert re.sub("&", "&amp;", rec["reasons"][p].split(":")[0]) in summary
    deal = rd.tables["recommended_deal"]
    assert deal["gain_usd"].tolist() == pytest.approx(list(rec["gain"].values()))
    fees = rd.tables["recommended_fees"]
    want = {f["instrument"]: f["fee_usd"] for f in rec["fee_schedule"]["fees"]}
    got = dict(zip(fees["instrument"], fees["fee_usd"]))
    assert {k: got[k] for k in want} == pytest.approx(want)


def test_report_shows_the_break_even_thresholds(tmp_path):
    import pandas as pd

    from autoalliance.report.html import deal_thresholds

    fp = tiny_alliance(tmp_path / "ta")
    rd = build(fp, stages=("exposure",))
    rd.tables["deal_thresholds"] = pd.DataFrame([
        {"lever": "demand", "partner": "alpha", "factor": 0.9087, "value": 0.9087, "today": 1.0,
         "gain_below_usd": 0.0, "gain_above_usd": 0.0, "jump": False},
        {"lever": "tariff:JP", "partner": "beta", "factor": 3.177, "value": 0.47655,
         "today": 0.15, "gain_below_usd": 0.0, "gain_above_usd": 0.0, "jump": False}])
    rd.tables["deal_no_threshold"] = pd.DataFrame([
        {"lever": "fx:JPY", "partner": "beta", "factor_min": 0.45, "factor_max": 2.2,
         "min_gain_usd": 1e6}])
    out = deal_thresholds(rd)
    assert "90.9% of today's" in out and "15.0% &rarr; 47.7%" in out
    assert "Alpha Motor" in out and "factor 0.45 to 2.2" in out
    html = write_html(rd, tmp_path / "r.html").read_text()
    assert "id='summary-thresholds'" in html
