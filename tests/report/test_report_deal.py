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
    summary = html[html.index("id='sec-summary'"):html.index("</section>")]
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
