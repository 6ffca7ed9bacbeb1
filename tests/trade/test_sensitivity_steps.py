"""Sensitivity steps follow each company's currency and home country."""

import pandas as pd
import pytest

from autoalliance.testing import tiny_footprint, tiny_tables
from autoalliance.trade.calibration import _perturbations, home_countries


def test_home_country_stated_or_from_plants(tmp_path):
    fp = tiny_footprint(tmp_path / "a")
    assert home_countries(fp).to_dict() == {"acme": "JP"}  # its one plant outside the US
    comp = tiny_tables()["companies"].assign(home_country="KR")
    assert home_countries(tiny_footprint(tmp_path / "b", companies=comp)).to_dict() == \
        {"acme": "KR"}


def test_currency_step_is_five_yen_or_a_thirtieth_of_the_rate(tmp_path):
    comp = tiny_tables()["companies"].assign(currency="KRW")
    fx = pd.DataFrame([dict(currency="KRW", start="2020-01-01", end="2035-12-31",
                            per_usd=1380, source="s", assumption="")])
    fp = tiny_footprint(tmp_path, companies=comp, fx=fx)
    steps = _perturbations(fp)
    name = [k for k in steps if "per USD" in k][0]
    assert name.startswith("KRW per USD")
    low, high = steps[name]
    assert low["fx"]["per_usd"].iloc[0] == pytest.approx(1380 - 46)
    assert high["fx"]["per_usd"].iloc[0] == pytest.approx(1380 + 46)
    jp = _perturbations(tiny_footprint(tmp_path / "jp"))
    name = [k for k in jp if "per USD" in k][0]
    assert jp[name][1]["fx"]["per_usd"].iloc[0] == pytest.approx(155)


def test_home_units_step_moves_only_home_built_lanes(tmp_path):
    comp = tiny_tables()["companies"].assign(home_country="US")
    fp = tiny_footprint(tmp_path, companies=comp)
    _, high = _perturbations(fp)["units built in the company's home country -/+10%"]
    # the sedan is built at home (US) in part, so its units move
    assert high["demand"]["units"].iloc[0] == pytest.approx(120000 * 1.1)
