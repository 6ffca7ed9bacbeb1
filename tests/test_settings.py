"""The one run configuration: the dataset's defaults, and a horizon set in Settings is obeyed."""

import pytest

from autoalliance.dataset.footprint import load_footprint
from autoalliance.plan import plan
from autoalliance.plan.testing import tiny_alliance
from autoalliance.settings import Settings


@pytest.fixture(scope="module")
def fp(tmp_path_factory):
    return tiny_alliance(tmp_path_factory.mktemp("alliance"))


def test_defaults_come_from_the_demand_years(fp):
    # tiny alliance: demand for FY2025 (today) and FY2026-FY2027 (to plan)
    assert fp.fiscal_years == [2025, 2026, 2027]
    assert fp.base_year == 2025
    assert fp.default_horizon == (2026, 2027)
    assert Settings().for_dataset(fp).horizon == (2026, 2027)
    bundled = load_footprint(None)
    assert (bundled.base_year, bundled.default_horizon) == (2025, (2026, 2030))


def test_a_horizon_in_settings_is_the_plans_horizon(fp):
    # the bug: plan(fp, settings=Settings(horizon=...)) planned the default horizon instead
    res = plan(fp, "standalone", settings=Settings(horizon=(2027, 2027)))
    assert res.horizon == (2027, 2027)
    assert set(res.flows["fiscal_year"]) == {2027}
    same = plan(fp, "standalone", horizon=(2027, 2027))
    assert res.companies["profit_usd"].tolist() == pytest.approx(
        same.companies["profit_usd"].tolist(), rel=1e-9)


def test_the_horizon_argument_overrides_settings(fp):
    res = plan(fp, "standalone", horizon=(2026, 2026), settings=Settings(horizon=(2027, 2027)))
    assert res.horizon == (2026, 2026)


def test_no_horizon_anywhere_is_the_datasets_default(fp):
    assert plan(fp, "standalone").horizon == (2026, 2027)


def test_a_horizon_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="ends before it starts"):
        Settings(horizon=(2027, 2026))
