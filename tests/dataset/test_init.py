"""`autoalliance init` and the guide (docs/new-dataset.md): a new maker's dataset validates and
calibrates, and calibrate's figure is the one worked out by hand from the guide's defaults."""

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from autoalliance.cli.main import app
from autoalliance.dataset.footprint import load_footprint
from autoalliance.dataset.schema import schemas

runner = CliRunner()


def months_weight(start_day: int, days_in_month: int) -> float:
    """Share of a month's entries on or after ``start_day`` (entries flat over the month)."""
    return (days_in_month - start_day + 1) / days_in_month


def test_init_writes_every_table_and_validates(tmp_path):
    r = runner.invoke(app, ["init", str(tmp_path / "d"), "--companies", "acme,zeta"])
    assert r.exit_code == 0, r.output
    assert {f.stem for f in (tmp_path / "d").glob("*.csv")} == set(schemas())
    for name, s in schemas().items():  # every table's header, in the schema's order
        head = pd.read_csv(tmp_path / "d" / f"{name}.csv", nrows=0).columns.tolist()
        assert head == s.columns["column"].tolist()
    r = runner.invoke(app, ["validate", str(tmp_path / "d"), "--json"])
    assert r.exit_code == 0 and json.loads(r.stdout)["valid"]
    costs = pd.read_csv(tmp_path / "d" / "costs.csv")
    assert costs["assumption"].str.contains("0.78 x base MSRP").all()


def test_init_refuses_a_full_folder_and_bad_ids(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "x.txt").write_text("keep me")
    r = runner.invoke(app, ["init", str(tmp_path / "d")])
    assert r.exit_code == 2 and "not empty" in " ".join(r.output.split())
    r = runner.invoke(app, ["init", str(tmp_path / "e"), "--companies", "Acme Motors"])
    assert r.exit_code == 2 and "lower-case" in " ".join(r.output.split())
    assert not (tmp_path / "e").exists()  # nothing half-written


def test_guide_steps_calibrate_to_the_hand_worked_figure(tmp_path):
    """The guide's steps on the template: set the company's own numbers (car, MSRP, sales, the
    published figure), then calibrate; the modelled figure is worked out here by hand."""
    d = tmp_path / "d"
    assert runner.invoke(app, ["init", str(d), "--companies", "acme"]).exit_code == 0
    msrp, units, us_share, jp_parts = 30000.0, 80000.0, 0.6, 0.10
    n = pd.read_csv(d / "nameplates.csv")
    n["msrp_usd"] = msrp
    n.to_csv(d / "nameplates.csv", index=False)
    dm = pd.read_csv(d / "demand.csv")
    dm["units"] = units
    dm.to_csv(d / "demand.csv", index=False)
    s = pd.read_csv(d / "sourcing.csv")
    s["share"] = [us_share, 1 - us_share]
    s.to_csv(d / "sourcing.csv", index=False)
    c = pd.read_csv(d / "costs.csv")  # the guide's defaults
    c["customs_value_usd"] = [0.78 * msrp, 0.78 * 0.85 * msrp]
    c["us_content_share"] = [1 - jp_parts, 0.0]
    c.to_csv(d / "costs.csv", index=False)
    pc = pd.read_csv(d / "parts_content.csv")
    pc["share"] = jp_parts
    pc.to_csv(d / "parts_content.csv", index=False)
    rp = pd.read_csv(d / "reported.csv")
    rp["value"] = 20e9
    rp.to_csv(d / "reported.csv", index=False)
    inv = pd.read_csv(d / "inventory.csv")  # charged when entered: the hand sum is by entry
    inv["days"] = 0
    inv.to_csv(d / "inventory.csv", index=False)
    assert runner.invoke(app, ["validate", str(d)]).exit_code == 0

    # by hand, FY2025 = April 2025 - March 2026, entries flat by month (1/12 each):
    # Japan-built cars: section 232 (+25%) from 3 April, the Japan deal (15% all-in = +12.5%
    # over the 2.5% MFN rate) from 16 September
    veh = (months_weight(3, 30) * .25 + 4 * .25 + (months_weight(16, 30) * .125
           + (1 - months_weight(16, 30)) * .25) + 6 * .125) / 12
    jp_units = units * (1 - us_share)
    vehicles = jp_units * 0.78 * 0.85 * msrp * veh
    # Japanese parts of US-built cars: +25% from 3 May, +12.5% from 16 September
    prt = (0 + months_weight(3, 31) * .25 + 3 * .25 + (months_weight(16, 30) * .125
           + (1 - months_weight(16, 30)) * .25) + 6 * .125) / 12
    parts = units * us_share * 0.78 * msrp * jp_parts * prt
    # the guide's defaults: the maker imports half the parts itself (own_import_share 0.5),
    # its suppliers import the rest and pass on 0.8 of their duty
    own, supplier = 0.5 * parts, 0.5 * 0.8 * parts
    # the offset (3.75% of MSRP on cars assembled from 1 November 2025, its claims_from date in
    # the bundled rules: 5 of the 12 months) is larger than the own parts duty: capped there
    offset_credit = units * us_share * msrp * 0.0375 * 5 / 12
    assert offset_credit > own
    expected_usd = vehicles + own + supplier - own

    r = runner.invoke(app, ["exposure", str(d), "--by", "goods", "--json"])
    rows = {x["goods"]: x for x in json.loads(r.stdout)}
    assert rows["vehicle"]["tariff_cost_usd"] == pytest.approx(vehicles, rel=1e-9)
    assert rows["own_part"]["added_duty_usd"] == pytest.approx(own, rel=1e-9)
    assert rows["supplier_part"]["tariff_cost_usd"] == pytest.approx(supplier, rel=1e-9)
    assert rows["offset"]["offset_usd"] == pytest.approx(-own, rel=1e-9)
    assert sum(x["tariff_cost_usd"] for x in rows.values()) == pytest.approx(expected_usd)

    r = runner.invoke(app, ["calibrate", str(d), "--json"])
    assert r.exit_code == 0, r.output
    (cal,) = json.loads(r.stdout)
    local = sum(x["tariff_cost_local"] for x in rows.values())
    assert cal["modelled"] == pytest.approx(local)
    # the yen figure sits between the dollar figure at the year's lowest and highest rate
    fx = load_footprint(d).fx
    assert fx["per_usd"].min() * expected_usd <= cal["modelled"] <= \
        fx["per_usd"].max() * expected_usd
    assert cal["ratio"] == pytest.approx(cal["modelled"] / 20e9)


def test_from_bundled_keeps_the_bundled_figures(tmp_path):
    d = tmp_path / "d"
    r = runner.invoke(app, ["init", str(d), "--companies", "nissan,acme", "--from-bundled"])
    assert r.exit_code == 0, r.output
    companies = set(pd.read_csv(d / "companies.csv")["company"])
    assert companies == {"nissan", "mitsubishi", "acme"}  # Okazaki builds the Rogue PHEV
    mine = pd.DataFrame(json.loads(runner.invoke(app, ["exposure", str(d), "--json"]).stdout))
    full = pd.DataFrame(json.loads(runner.invoke(app, ["exposure", "--json"]).stdout))
    for co in ("nissan", "mitsubishi"):
        assert mine.set_index("company").loc[co, "tariff_cost_usd"] == pytest.approx(
            full.set_index("company").loc[co, "tariff_cost_usd"], rel=1e-12)


def test_exposure_only_dataset_needs_no_planning_columns(tmp_path):
    """Variable cost, logistics and capacity may be blank: validate, exposure and calibrate
    work; a plan names each blank cell it needs (file, row, column), exit code 2."""
    d = tmp_path / "d"
    assert runner.invoke(app, ["init", str(d), "--companies", "acme"]).exit_code == 0
    full = json.loads(runner.invoke(app, ["exposure", str(d), "--json"]).stdout)
    c = pd.read_csv(d / "costs.csv")
    c[["variable_cost_usd", "logistics_usd"]] = None
    c.to_csv(d / "costs.csv", index=False)
    p = pd.read_csv(d / "plants.csv")
    p["capacity_units"] = None
    p.to_csv(d / "plants.csv", index=False)
    assert runner.invoke(app, ["validate", str(d)]).exit_code == 0
    assert json.loads(runner.invoke(app, ["exposure", str(d), "--json"]).stdout) == full
    assert runner.invoke(app, ["calibrate", str(d)]).exit_code == 0
    r = runner.invoke(app, ["plan", str(d), "--mode", "standalone", "--horizon", "2025-2025"])
    text = " ".join(r.output.split())
    assert r.exit_code == 2, r.output
    assert "costs.csv, row 2, column variable_cost_usd" in text
    assert "costs.csv, row 3, column logistics_usd" in text
    assert "plants.csv, row 2, column capacity_units" in text


@pytest.mark.parametrize("company", ["honda", "mitsubishi"])
def test_from_bundled_for_one_company_validates_and_keeps_its_figures(tmp_path, company):
    """A company whose candidate rows (costs of building at a partner's plant) name plants it
    does not own: init keeps only the rows at its own plants, so the dataset validates, and its
    exposure equals the bundled dataset's for that company."""
    d = tmp_path / "d"
    r = runner.invoke(app, ["init", str(d), "--companies", company, "--from-bundled"])
    assert r.exit_code == 0, r.output
    plants = set(pd.read_csv(d / "plants.csv")["plant"])
    assert set(pd.read_csv(d / "costs.csv")["plant"]) <= plants
    assert runner.invoke(app, ["validate", str(d)]).exit_code == 0
    mine = pd.DataFrame(json.loads(runner.invoke(app, ["exposure", str(d), "--json"]).stdout))
    full = pd.DataFrame(json.loads(runner.invoke(app, ["exposure", "--json"]).stdout))
    assert mine.set_index("company").loc[company, "tariff_cost_usd"] == pytest.approx(
        full.set_index("company").loc[company, "tariff_cost_usd"], rel=1e-12)


def test_init_for_a_maker_from_elsewhere(tmp_path):
    """--currency, --fy-start, --home write fitting defaults: the home plant and parts origin,
    no Japanese export-price cut, a stated inventory default; valid."""
    from autoalliance.dataset.footprint import validate
    from autoalliance.dataset.template import CUSTOMS_VALUE_SHARE_OF_MSRP, write_template

    p = write_template(tmp_path / "kr", ["hyundai"], currency="KRW", fy_start=1, home="KR")
    assert validate(p) == []
    read = lambda t: pd.read_csv(p / f"{t}.csv", dtype=str, keep_default_na=False)  # noqa: E731
    comp = read("companies").iloc[0]
    assert (comp["currency"], comp["fiscal_year_start_month"]) == ("KRW", "1")
    plants = read("plants").set_index("plant")["country"]
    assert plants["hyundai_kr_plant"] == "KR"
    costs = read("costs").set_index("plant")
    cv = float(costs.loc["hyundai_kr_plant", "customs_value_usd"])
    assert cv == round(CUSTOMS_VALUE_SHARE_OF_MSRP * 32000.0, 2)  # no export-price cut
    assert read("parts_content")["origin"].tolist() == ["KR"]
    assert read("reported")["currency"].tolist() == ["KRW"]
    inv = read("inventory").iloc[0]
    assert (inv["origin"], inv["goods"], float(inv["days"])) == ("*", "*", 60.0)
    assert "Stated default" in inv["assumption"]
