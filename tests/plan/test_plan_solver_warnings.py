"""HiGHS's numerical warnings are kept with the plan, not swallowed (issue 13)."""

import json

from typer.testing import CliRunner

from autoalliance.cli.main import app
from autoalliance.plan import Settings, plan
from autoalliance.plan.testing import tiny_alliance, tiny_alliance_tables

SET = Settings(horizon=(2026, 2027))


def test_a_badly_scaled_model_reports_the_solvers_warning(tmp_path):
    fp = tiny_alliance(tmp_path / "a")
    assert plan(fp, "alliance", horizon=SET.horizon, settings=SET).warnings == []
    o = fp.options.copy()
    # a fee range of a ten-millionth of a dollar a unit: below HiGHS's matrix tolerance
    o.loc[o["option"].eq("pt"), ["fee_min_usd", "fee_max_usd"]] = [1e-7, 2e-7]
    res = plan(fp.replace(options=o), "alliance", horizon=SET.horizon, settings=SET)
    assert any(w.startswith("HiGHS:") and "tolerance" in w for w in res.warnings)
    assert res.to_dict()["warnings"] == res.warnings


def test_plan_json_carries_the_warnings(tmp_path):
    t = tiny_alliance_tables()
    o = t["options"].astype(object)
    o.loc[o["option"].eq("pt"), ["fee_min_usd", "fee_max_usd"]] = ["1e-07", "2e-07"]
    t["options"] = o
    from autoalliance.testing import tiny_footprint

    fp = tiny_footprint(tmp_path / "b", **t)
    r = CliRunner().invoke(app, ["plan", str(fp.source_path), "--horizon", "2026-2027",
                                 "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert any("HiGHS" in w for w in out["warnings"])
