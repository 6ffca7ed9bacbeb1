"""``diff``: the rows that changed between two datasets and what each change moves."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from autoalliance.cli.main import app
from autoalliance.dataset.diff import row_changes
from autoalliance.plan.testing import tiny_alliance
from autoalliance.scenarios.diff import diff_datasets, plan_and_split
from autoalliance.sharing.alliance import share
from autoalliance.testing import LAW_2025, measure, tiny_footprint, tiny_tables
from autoalliance.trade import exposure, summarise

JP_UNITS = 60_000  # the tiny dataset's Japanese sedans in FY2025 (half of 120,000)
# The share of a year's Japanese-vehicle value that pays each added rate under LAW_2025 (flat
# months): April 3-30 and May-15 Sep at 25% (232), 16 Sep - March at 12.5% (15% all-in less
# the 2.5% MFN base).
ADDED_RATE = (28 / 30 * 0.25 + 4 * 0.25 + 15 / 30 * 0.25 + 15 / 30 * 0.125 + 6 * 0.125) / 12


@pytest.fixture
def pair(tmp_path):
    a = tiny_footprint(tmp_path / "a")
    t = tiny_tables()
    t["costs"].loc[t["costs"]["plant"].eq("jp1"), "customs_value_usd"] = 30000
    t["measures"] = pd.DataFrame([m for m in LAW_2025 if m["measure"] != "uk_quota"] + [
        measure("s301_jp", "surcharge", "JP", "vehicle", rate=0.10, start="2025-04-01")])
    t["fx"]["per_usd"] = 160
    t["nameplates"]["source"] = "a newer citation"
    b = tiny_footprint(tmp_path / "b", **{k: t[k] for k in ("costs", "measures", "fx",
                                                            "nameplates")})
    return a, b, tmp_path


def test_rows_changed_are_the_hand_built_list(pair):
    a, b, _ = pair
    got = {(r.table, r.key, r.change, r.columns, r.notes_only)
           for r in row_changes(a, b).itertuples(index=False)}
    assert got == {
        ("costs", "sedan/jp1", "changed", "customs_value_usd", False),
        ("measures", "s301_jp", "added", "", False),
        ("measures", "uk_quota", "removed", "", False),
        ("fx", "JPY/2020-01-01", "changed", "per_usd", False),
        ("nameplates", "sedan", "changed", "source", True),
    }
    assert row_changes(a, a).empty


def test_each_change_moves_the_tariff_cost_by_its_hand_worked_amount(pair):
    a, b, _ = pair
    d = diff_datasets(a, b, years=[2025], with_plan=False)
    t = d.tariff.set_index("change")
    usd_a = float(summarise(exposure(a, [2025]), "company")["tariff_cost_usd"].iloc[0])
    usd_b = float(summarise(exposure(b, [2025]), "company")["tariff_cost_usd"].iloc[0])
    assert t.loc["all", "delta_usd"] == pytest.approx(usd_b - usd_a)
    assert t.loc["all", "before_local"] == pytest.approx(usd_a * 150)
    assert t.loc["all", "after_local"] == pytest.approx(usd_b * 160)
    # customs value +$6,000 on 60,000 Japanese units at the year's added rate
    assert t.loc["costs", "delta_usd"] == pytest.approx(JP_UNITS * 6000 * ADDED_RATE)
    # the surcharge: 10% on 60,000 x $24,000 all year
    assert t.loc["measures", "delta_usd"] == pytest.approx(0.10 * JP_UNITS * 24000)
    assert t.loc["measures:s301_jp", "delta_usd"] == pytest.approx(0.10 * JP_UNITS * 24000)
    assert t.loc["measures:uk_quota", "delta_usd"] == pytest.approx(0.0)  # no British goods
    # FX: the same dollars at 160 instead of 150 yen
    assert t.loc["fx", "delta_usd"] == pytest.approx(0.0)
    assert t.loc["fx", "delta_local"] == pytest.approx(usd_a * 10)
    # interaction: the surcharge on the extra $6,000 (costs x measures), and FX on both
    tables = t.loc[["costs", "measures", "fx"], "delta_usd"].sum()
    assert t.loc["interaction", "delta_usd"] == pytest.approx(usd_b - usd_a - tables)
    assert t.loc["interaction", "delta_usd"] == pytest.approx(0.10 * JP_UNITS * 6000)
    assert "nameplates" not in t.index  # a citation moves no number


def test_plan_and_split_are_those_of_each_dataset(tmp_path):
    a = tiny_alliance(tmp_path / "a")
    b = a.replace(fx=a.fx.assign(per_usd=170.0))
    b = b.replace(costs=b.costs.assign(customs_value_usd=b.costs["customs_value_usd"] * 1.2))
    plan, split = plan_and_split(a, b)
    for side, fp in (("a", a), ("b", b)):
        res = share(fp)
        c = res.plan.companies.set_index("company")
        assert plan.set_index("company")[f"profit_usd_{side}"].to_dict() == \
            pytest.approx(c["profit_usd"].to_dict())
        assert split.set_index("partner")[f"allocation_usd_{side}"].to_dict() == \
            pytest.approx(res.allocation.to_dict())
    p = plan.set_index("company")
    assert (p["profit_usd_delta"] == p["profit_usd_b"] - p["profit_usd_a"]).all()


def test_cli_diff_json_and_table(pair):
    a, b, tmp = pair
    runner = CliRunner()
    res = runner.invoke(app, ["diff", str(tmp / "a"), str(tmp / "b"), "--no-plan", "--json"])
    assert res.exit_code == 0, res.output
    js = json.loads(res.stdout)
    assert {r["table"] for r in js["rows"]} == {"costs", "measures", "fx", "nameplates"}
    assert "plan" not in js
    res = runner.invoke(app, ["diff", str(tmp / "a"), str(tmp / "b"), "--no-plan"])
    assert res.exit_code == 0, res.output
    assert "s301_jp" in res.output and "interaction" in res.output
    bad = runner.invoke(app, ["diff", str(tmp / "a"), str(tmp / "missing")])
    assert bad.exit_code == 2 and "Traceback" not in bad.output
