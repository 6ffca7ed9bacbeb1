"""``--as-known-on DATE`` on exposure, calibrate and plan: only the rules known that day."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from autoalliance.cli.main import app
from autoalliance.testing import measure, tiny_tables, write_tables

runner = CliRunner()
VALUE = 60_000 * 24_000.0  # the tiny dataset's Japanese vehicles in FY2025, USD


@pytest.fixture
def retro(tmp_path):
    """The tiny dataset under MFN + 232 from 1 Apr 2025 and a 15% deal retroactive to 1 Apr
    2025, published 1 Oct 2025; two reported figures either side of the notice."""
    deal = measure("retro_deal", "all_in", "JP", "vehicle", rate=0.15, start="2025-04-01")
    deal["known"] = "2025-10-01"
    law = [measure("mfn_car", "base", "*", "vehicle", "car", rate=0.025),
           measure("mfn_parts", "base", "*", "part", rate=0.025),
           measure("s232_vehicles", "additional", "*", "vehicle", rate=0.25, start="2025-04-01"),
           deal]
    row = dict(company="acme", metric="tariff_cost", period="FY2025", currency="JPY",
               out_of_scope_share=0.0, tolerance="", basis="gross", countermeasures="before",
               source="t", assumption="")
    tables = tiny_tables() | {"measures": pd.DataFrame(law), "parts_content": pd.DataFrame(
        columns=["plant", "origin", "usmca_compliant", "share", "source", "assumption"]),
        "reported": pd.DataFrame([dict(row, as_of="2025-09-30", value=5e10),
                                  dict(row, as_of="2025-10-01", value=3e10)])}
    return write_tables(tables, tmp_path / "retro")


def _added(args) -> float:
    res = runner.invoke(app, ["exposure", "--json"] + [str(a) for a in args])
    assert res.exit_code == 0, res.output
    return sum(r["added_duty_usd"] for r in json.loads(res.stdout))


def test_exposure_before_and_after_the_notice(retro):
    assert _added([retro, "--as-known-on", "2025-09-30"]) == pytest.approx(0.25 * VALUE)
    assert _added([retro, "--as-known-on", "2025-10-01"]) == pytest.approx(0.125 * VALUE)
    assert _added([retro]) == pytest.approx(0.125 * VALUE)


def test_calibrate_shows_the_known_and_the_final_figure(retro):
    res = runner.invoke(app, ["calibrate", str(retro), "--json"])
    assert res.exit_code == 0, res.output
    rows = {r["as_of"]: r for r in json.loads(res.stdout)}
    assert rows["2025-09-30"]["modelled"] == pytest.approx(0.25 * VALUE * 150)
    assert rows["2025-10-01"]["modelled"] == pytest.approx(0.125 * VALUE * 150)
    assert rows["2025-09-30"]["modelled_final"] == pytest.approx(0.125 * VALUE * 150)
    # --as-known-on caps every row's knowledge at that day
    res = runner.invoke(app, ["calibrate", str(retro), "--json", "--as-known-on", "2025-06-01"])
    rows = {r["as_of"]: r for r in json.loads(res.stdout)}
    assert rows["2025-10-01"]["modelled"] == pytest.approx(0.25 * VALUE * 150)
    table = runner.invoke(app, ["calibrate", str(retro)])
    assert table.exit_code == 0 and "final" in table.output


def test_plan_uses_the_rules_known_then():
    """The bundled plan as known on 1 Jul 2025 (before the Japan deal was announced) pays more duty
    than under the final rules."""
    def duty(extra):
        res = runner.invoke(app, ["plan", "--mode", "standalone", "--horizon", "2026-2026",
                                  "--json"] + extra)
        assert res.exit_code == 0, res.output
        return sum(c["duty_usd"] for c in json.loads(res.stdout)["companies"])
    assert duty(["--as-known-on", "2025-07-01"]) > duty([]) + 1e8


def test_a_bad_date_is_one_line_exit_2(retro):
    res = runner.invoke(app, ["exposure", str(retro), "--as-known-on", "2025-13-01"])
    assert res.exit_code == 2
    assert "--as-known-on: expected a date as YYYY-MM-DD" in res.output
    assert "Traceback" not in res.output
