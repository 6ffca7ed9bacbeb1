"""Landed cost per nameplate × plant × market: today's duty and offset per unit are
``exposure --by nameplate --by plant``'s, price, cost and logistics the dataset's own numbers,
the plan's duty the plan's flows', fees on an option's lanes the option's fees over its units
plus its unit cost effect, and every margin the waterfall's arithmetic."""

import json

import pytest
from typer.testing import CliRunner

from autoalliance.cli.main import app
from autoalliance.plan import plan
from autoalliance.plan.testing import tiny_alliance
from autoalliance.report.landed import STEPS, decisive, landed_cost


@pytest.fixture(scope="module")
def solved(tmp_path_factory):
    fp = tiny_alliance(tmp_path_factory.mktemp("ta") / "ta")
    return fp, plan(fp, mode="alliance")


def test_today_against_exposure_and_the_dataset(solved, tmp_path):
    fp, res = solved
    year = res.horizon[1]
    lc = landed_cost(fp, res)
    assert set(lc["fiscal_year"]) == {year}
    today = lc[lc["case"] == "today"].set_index(["nameplate", "plant"])
    r = CliRunner().invoke(app, ["exposure", str(fp.source_path), "--fy", str(year), "--by",
                                 "nameplate", "--by", "plant", "--json"])
    assert r.exit_code == 0, r.output
    for row in json.loads(r.stdout):
        t = today.loc[(row["nameplate"], row["plant"])]
        assert t["units"] == pytest.approx(row["units"])
        assert t["duty_usd"] * t["units"] == pytest.approx(row["duty_usd"], rel=1e-12)
        assert -t["offset_usd"] * t["units"] == pytest.approx(row["offset_usd"], abs=1e-6)
    # by hand from the tiny dataset: a_suv built in Japan sells at 29,500, costs 22,000 and
    # 1,600 to ship (no cost in a foreign currency, no fees today)
    jp = today.loc[("a_suv", "a_jp")]
    assert (jp["price_usd"], jp["variable_cost_usd"], jp["logistics_usd"], jp["fees_usd"]) == \
        (29500.0, 22000.0, 1600.0, 0.0)
    assert jp["margin_usd"] == pytest.approx(29500 - 22000 - 1600 - jp["duty_usd"]
                                             + jp["offset_usd"])
    back = lc["price_usd"] - lc[STEPS[1:-1]].to_numpy() @ [1, 1, 1, -1, 1]
    assert (back - lc["margin_usd"]).abs().max() < 1e-9


def test_plan_rows_against_the_plan(solved):
    fp, res = solved
    year = res.horizon[1]
    lc = landed_cost(fp, res)
    plan_rows = lc[lc["case"] == "plan"]
    f = res.flows[(res.flows["fiscal_year"] == year) & (res.flows["units"] > 0.5)]
    assert plan_rows["units"].sum() == pytest.approx(f["units"].sum())
    assert (plan_rows["duty_usd"] * plan_rows["units"]).sum() == \
        pytest.approx(f["gross_duty_usd"].sum(), rel=1e-9)
    assert (plan_rows["price_usd"] * plan_rows["units"]).sum() == \
        pytest.approx(f["revenue_usd"].sum(), rel=1e-12)
    o = res.options.set_index("option")
    for opt in res.options_taken:
        lanes = f[f["option"] == opt]
        if lanes.empty or o.at[opt, "covered_units"] <= 0:
            continue
        effect = float(fp.table("options").set_index("option").at[opt, "unit_cost_effect_usd"])
        per = o.at[opt, "fees_usd"] / o.at[opt, "covered_units"] + effect
        for r in lanes.itertuples():
            row = plan_rows[(plan_rows["nameplate"] == r.nameplate)
                            & (plan_rows["plant"] == r.plant)].iloc[0]
            assert row["fees_usd"] == pytest.approx(per, rel=1e-9)
    d = decisive(lc, res.moves)
    assert len(d) % 2 == 0 and set(d["case"]) <= {"today", "plan"}


def test_plan_command_carries_it(solved, tmp_path):
    fp, _ = solved
    r = CliRunner().invoke(app, ["plan", str(fp.source_path), "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["landed_cost"] and {"margin_usd", "duty_usd", "case"} <= set(out["landed_cost"][0])
