"""The dashboard's "save these edits as a scenario": the YAML it offers, loaded back by the CLI
(``exposure --scenario FILE``, ``plan --scenario FILE``), gives the numbers of the edited
dataset the dashboard shows (``apply_edits``)."""

import json

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from autoalliance.cli.main import app
from autoalliance.dashboard.app import apply_edits, edits_scenario
from autoalliance.plan import plan
from autoalliance.plan.testing import tiny_alliance
from autoalliance.trade.exposure import exposure, exposure_table


def test_saved_edits_load_back_in_the_cli(tmp_path):
    fp = tiny_alliance(tmp_path / "ta")
    rule = fp.measures[fp.measures["layer"] != "base"]["measure"].iloc[0]
    measures = {rule: {"rate": 0.2, "start": pd.Timestamp("2025-06-01"), "end": pd.NaT}}
    fx = {"JPY": 160.0}
    opts = fp.table("options").copy()
    opts.loc[opts["option"] == "cb", "investment_usd"] = 55e6
    edited = apply_edits(fp, measures, fx, opts)
    body = edits_scenario("mine", measures, fx, opts, fp)
    assert [r["where"] for r in body["scenarios"][0]["overrides"]["options"]["set"]] == \
        [{"option": "cb"}]  # only the option that changed
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump(body, sort_keys=False))
    r = CliRunner().invoke(app, ["exposure", str(fp.source_path), "--fy", "2025", "--scenario",
                                 str(path), "--json"])
    assert r.exit_code == 0, r.output
    want = exposure_table(exposure(edited, [2025]), "company").set_index("company")
    for row in json.loads(r.stdout):
        assert row["tariff_cost_usd"] == pytest.approx(want.at[row["company"],
                                                               "tariff_cost_usd"], rel=1e-12)
    assert want["tariff_cost_usd"].sum() != pytest.approx(
        exposure_table(exposure(fp, [2025]), "company")["tariff_cost_usd"].sum())
    r = CliRunner().invoke(app, ["plan", str(fp.source_path), "--scenario", str(path),
                                 "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["joint_profit_usd"] == pytest.approx(
        plan(edited, mode="alliance").joint_profit_usd, rel=1e-9)
