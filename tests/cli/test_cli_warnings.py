"""Implausible input and empty answers are said out loud (issue 13): warnings on stderr, errors
with exit codes, never a silent empty table or an 'ok' run with no numbers."""

from __future__ import annotations

import pandas as pd
from typer.testing import CliRunner

from autoalliance.cli.main import app
from autoalliance.testing import tiny_tables, write_tables
from autoalliance.trade.calibration import calibrate  # noqa: F401  (the command's engine)
from autoalliance.trade.plausibility import ratio_warnings

runner = CliRunner()


def _out(res) -> str:
    return res.output + (res.stderr if res.stderr_bytes is not None else "")


def test_a_year_with_no_demand_is_an_error_not_an_empty_table(tmp_path):
    path = write_tables(tiny_tables(), tmp_path / "ds")
    res = runner.invoke(app, ["exposure", str(path), "--fy", "2019"])
    assert res.exit_code == 2
    assert "no demand in FY2019" in _out(res)
    both = runner.invoke(app, ["exposure", str(path), "--fy", "2019", "--fy", "2025"])
    assert both.exit_code == 0 and "warning: no demand in FY2019" in _out(both)


def test_implausible_customs_value_and_fx_are_warned(tmp_path):
    t = tiny_tables()
    t["costs"] = t["costs"].astype(object)
    t["costs"].loc[1, "customs_value_usd"] = "900"  # a total or a typo: $900 a vehicle
    t["fx"] = pd.concat([t["fx"].assign(end="2029-12-31"),
                         t["fx"].assign(start="2030-01-01", end="2035-12-31", per_usd=1500)])
    t["fx"] = pd.concat([t["fx"], t["fx"].iloc[:1].assign(start="2036-01-01",
                                                          end="2036-12-31")])
    path = write_tables(t, tmp_path / "ds")
    res = runner.invoke(app, ["exposure", str(path), "--fy", "2025", "--json"])
    assert res.exit_code == 0, _out(res)
    out = _out(res)
    assert "costs.csv row 3, customs_value_usd: 900 USD a vehicle (sedan at jp1)" in out
    assert "fx.csv row 3, per_usd: 1500 JPY per USD from 2030-01-01 is more than 2x" in out


def test_calibration_ratio_outside_the_band_is_warned():
    cal = pd.DataFrame([dict(company="acme", as_of="2025-05-13", ratio=0.1),
                        dict(company="acme", as_of="2025-08-01", ratio=1.2),
                        dict(company="acme", as_of="2025-11-01", ratio=float("nan"))])
    w = ratio_warnings(cal)
    assert len(w) == 2 and "ratio 0.10 is outside 0.2-5" in w[0] and "not computable" in w[1]


def test_a_sweep_whose_runs_all_failed_exits_non_zero(tmp_path):
    path = write_tables(tiny_tables(), tmp_path / "ds")
    f = tmp_path / "set.yaml"
    f.write_text("fiscal_years: [2030]\nscenarios:\n  - name: a\n  - name: b\n")
    res = runner.invoke(app, ["sweep", str(f), "--dataset", str(path), "--stages", "exposure",
                              "--store", str(tmp_path / "r.duckdb")])
    assert res.exit_code == 1, _out(res)
    assert "every run of the sweep failed (2 of 2)" in _out(res)
