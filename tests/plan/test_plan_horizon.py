"""A plan horizon must lie within the years with demand: a year without demand is refused with
the years the dataset has, not planned empty while tooling is charged to it, and not refused
for a missing exchange rate."""

import pytest
from typer.testing import CliRunner

from autoalliance.cli.main import app
from autoalliance.dataset.footprint import load_footprint
from autoalliance.errors import DatasetError
from autoalliance.plan import Settings, plan

runner = CliRunner()


@pytest.fixture(scope="module")
def short():
    fp = load_footprint(None)
    return fp.replace(demand=fp.demand[fp.demand["fiscal_year"] <= 2027])


def test_years_without_demand_are_refused_naming_them(short):
    with pytest.raises(DatasetError) as e:
        plan(short, mode="standalone", settings=Settings(horizon=(2026, 2029)))
    msg = str(e.value)
    assert "no demand for FY2028, FY2029" in msg and "FY2025-FY2027" in msg
    assert "--horizon 2026-2027" in msg and "demand.csv" in msg


def test_beyond_the_fx_path_says_no_demand_not_fx():
    r = runner.invoke(app, ["plan", "--horizon", "2026-2031"])
    assert r.exit_code == 2
    assert "no demand for FY2031" in r.output and "fx" not in r.output.lower()


def test_a_horizon_within_the_demand_years_plans(short):
    res = plan(short, mode="standalone", settings=Settings(horizon=(2026, 2027)))
    assert res.horizon == (2026, 2027)
    assert set(res.flows["fiscal_year"]) <= {2026, 2027}
