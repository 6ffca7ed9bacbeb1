"""``--scenario NAME|FILE`` looks at one scenario without a sweep (issue 13)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from autoalliance.cli.main import app
from autoalliance.dataset.footprint import load_footprint
from autoalliance.scenarios import apply_scenario, load_scenarios
from autoalliance.trade import exposure, summarise

runner = CliRunner()


def _nissan(args) -> float:
    res = runner.invoke(app, ["exposure", "--fy", "2026", "--json"] + args)
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    return next(r["tariff_cost_usd"] for r in rows if r["company"] == "nissan")


def test_exposure_under_a_library_scenario_equals_the_scenario_applied_by_hand():
    ss = load_scenarios("japan_deal_lapses")
    fp = apply_scenario(load_footprint(), ss.scenarios[0], ss.origins)
    s = summarise(exposure(fp, [2026]))
    want = float(s.set_index("company").at["nissan", "tariff_cost_usd"])
    got = _nissan(["--scenario", "japan_deal_lapses"])
    assert got == want
    assert got != _nissan([])  # the scenario changed something


def test_one_scenario_of_a_set_file_is_picked_by_name():
    assert _nissan(["--scenario", "policy_2026:japan_deal_lapses"]) == \
        _nissan(["--scenario", "japan_deal_lapses"])
    res = runner.invoke(app, ["exposure", "--fy", "2026", "--scenario", "policy_2026"])
    assert res.exit_code == 2 and "holds 7 scenarios" in res.output
