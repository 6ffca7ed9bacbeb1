"""The deal commands: robust --deal on a two-future set, and --lever named wrong."""

import json

from typer.testing import CliRunner

from autoalliance.cli.main import app
from autoalliance.plan.testing import tiny_alliance

TWO = """set: two
horizon: [2026, 2027]
scenarios:
  - name: base
  - name: low_demand
    assumption: demand at 85% of today's
    overrides:
      demand:
        scale:
          - column: units
            factor: 0.85
"""


def test_robust_deal_gives_each_partner_its_probability(tmp_path):
    fp = tiny_alliance(tmp_path / "ta")
    (tmp_path / "two.yaml").write_text(TWO)
    r = CliRunner().invoke(app, ["robust", str(tmp_path / "two.yaml"), "--dataset",
                                 str(fp.source_path), "--deal", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)["deal"]
    s = {(x["deal"], x["partner"]): x for x in out["summary"]}
    # the test alliance's demand threshold for alpha is near 91% of today's demand
    # (tests/scenarios/test_deal.py): at 85% alpha loses under the signed deal, beta gains
    assert s[("recommended", "alpha")]["p_gain"] == 0.5
    assert s[("recommended", "beta")]["p_gain"] == 1.0
    assert s[("recommended", "alpha")]["p05_gain_usd"] < 0
    assert out["deals"]["recommended"]["options_taken"] == ["cb", "pt"]


def test_an_unknown_lever_is_one_line(tmp_path):
    fp = tiny_alliance(tmp_path / "ta")
    r = CliRunner().invoke(app, ["share", str(fp.source_path), "--workers", "1",
                                 "--thresholds", "--lever", "tariff:XX"])
    assert r.exit_code == 2
    text = " ".join(r.output.split())  # the console wraps at its width
    assert "unknown lever 'tariff:XX'" in text and "levers: fx:JPY, tariff:JP, demand" in text
    assert "Traceback" not in r.output
