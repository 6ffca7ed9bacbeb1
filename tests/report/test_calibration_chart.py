"""The calibration chart per maker: the modelled cumulative quarters and the reported figures
it shows are calibrate's, quarter by quarter."""

import pandas as pd
import pytest

from autoalliance.report.charts import calibration_quarters, charts
from autoalliance.report.data import build
from autoalliance.testing import tiny_footprint
from autoalliance.trade.calibration import calibrate


def _row(period, value, span=""):
    return dict(company="acme", metric="tariff_cost", period=period, span=span,
                as_of="2026-02-10", basis="net", countermeasures="before", value=value,
                currency="JPY", out_of_scope_share=0, source="s", assumption="")


def test_chart_shows_cumulative_modelled_and_reported(tmp_path):
    rep = pd.DataFrame([_row("FY2025Q1", 5e9), _row("FY2025H1", 9e9),
                        _row("FY2025Q3", 20e9, "cumulative"), _row("FY2025Q4", 1e9)])
    inv = pd.DataFrame([dict(company="acme", origin="*", goods="*", days=30, source="s",
                             assumption="")])
    fp = tiny_footprint(tmp_path, reported=rep, inventory=inv)
    rd = build(fp, stages=("exposure",))
    fig = calibration_quarters(rd)
    modelled, reported = fig.data[0], fig.data[1]
    cal = calibrate(fp).set_index(["period", "span"])
    q1 = cal.loc[("FY2025Q1", "discrete"), "modelled"]
    h1 = cal.loc[("FY2025H1", "discrete"), "modelled"]
    nine = cal.loc[("FY2025Q3", "cumulative"), "modelled"]
    q4 = cal.loc[("FY2025Q4", "discrete"), "modelled"]
    assert list(modelled.x) == ["FY2025 Q1", "FY2025 H1", "FY2025 9M", "FY2025 year"]
    assert list(modelled.y) == pytest.approx([v / 1e9 for v in (q1, h1, nine, nine + q4)])
    # a discrete fourth quarter is not a year to date: no marker at the year
    assert list(reported.x) == ["FY2025 Q1", "FY2025 H1", "FY2025 9M"]
    assert list(reported.y) == pytest.approx([5, 9, 20])
    assert "calibration-quarters" in [c.id for c in charts(rd)]
