"""calibrate on quarters, halves, nine months and date ranges: each figure against the hand sum
of the monthly exposure over its months, on its own timing (P&L at sale, cash at entry)."""

import pandas as pd
import pytest

from autoalliance.testing import tiny_footprint, tiny_tables
from autoalliance.trade.calibration import calibrate, cumulative_by_quarter
from autoalliance.trade.exposure import exposure, summarise


def _row(**cells):
    row = dict(company="acme", metric="tariff_cost", period="", start="", end="", span="",
               as_of="2026-02-10", basis="net", countermeasures="before", scope="", outlet="",
               value=1e10, currency="JPY", out_of_scope_share=0, tolerance="", source="s",
               assumption="")
    row.update(cells)
    return row


REPORTED = pd.DataFrame([
    _row(period="FY2025Q1"),
    _row(period="FY2025Q3", span="cumulative"),
    _row(period="FY2025Q3", span="cumulative", scope="group", value=2e10),  # a second figure
    _row(period="FY2025-9M", outlet="call", value=3e10),                     # the same day
    _row(period="FY2025H2"),
    _row(start="2025-07-01", end="2025-12-31"),
    _row(period="FY2025Q2", metric="tariff_paid"),
])


@pytest.fixture
def fp(tmp_path):
    inv = pd.DataFrame([dict(company="acme", origin="*", goods="*", days=45, source="s",
                             assumption="")])
    return tiny_footprint(tmp_path, reported=REPORTED, inventory=inv)


def _monthly(fp, timing):
    m = summarise(exposure(fp, [2025, 2026], by_month=True, timing=timing), ["month"])
    return m.set_index(pd.to_datetime(m["month"]))["tariff_cost_local"]


def _sum(series, first, last):
    return series[pd.Timestamp(first):pd.Timestamp(last)].sum()


def test_each_figure_against_the_hand_sum_of_its_months(fp):
    cal = calibrate(fp)
    sale, entry = _monthly(fp, "sale"), _monthly(fp, "entry")
    got = {(r.metric, r.period, r.scope, r.outlet): r.modelled for r in cal.itertuples()}
    expect = {
        ("tariff_cost", "FY2025Q1", "", ""): _sum(sale, "2025-04", "2025-06"),
        ("tariff_cost", "FY2025Q3", "", ""): _sum(sale, "2025-04", "2025-12"),
        ("tariff_cost", "FY2025Q3", "group", ""): _sum(sale, "2025-04", "2025-12"),
        ("tariff_cost", "FY2025-9M", "", "call"): _sum(sale, "2025-04", "2025-12"),
        ("tariff_cost", "FY2025H2", "", ""): _sum(sale, "2025-10", "2026-03"),
        ("tariff_cost", "2025-07..2025-12", "", ""): _sum(sale, "2025-07", "2025-12"),
        ("tariff_paid", "FY2025Q2", "", ""): _sum(entry, "2025-07", "2025-09"),
    }
    assert got.keys() == expect.keys()
    for k, v in expect.items():
        assert got[k] == pytest.approx(v, rel=1e-12), k
    # recognition lags payment: the first quarter's P&L is below its cash
    assert _sum(sale, "2025-04", "2025-06") < _sum(entry, "2025-04", "2025-06")
    r = cal.set_index(["metric", "period", "scope", "outlet"])
    assert r.loc[("tariff_cost", "FY2025Q3", "group", ""), "ratio"] == pytest.approx(
        r.loc[("tariff_cost", "FY2025Q3", "group", ""), "modelled"] / 2e10)


def test_cumulative_quarters_chart_data(fp):
    cal = calibrate(fp)
    cq = cumulative_by_quarter(fp, cal)
    sale = _monthly(fp, "sale")
    fy = cq[cq["fiscal_year"].eq(2025)].set_index("quarter")
    assert fy.loc[3, "modelled"] == pytest.approx(_sum(sale, "2025-04", "2025-12"), rel=1e-12)
    assert fy.loc[4, "modelled"] == pytest.approx(_sum(sale, "2025-04", "2026-03"), rel=1e-12)
    # Q1 discrete = cumulative Q1; Q3 cumulative (whole scope, firm's own results) is shown
    assert fy.loc[1, "reported"] == 1e10 and fy.loc[3, "reported"] == 1e10
    assert pd.isna(fy.loc[2, "reported"])


def test_a_table_built_in_code_with_a_bad_period_names_its_row(tmp_path):
    fp = tiny_footprint(tmp_path, reported=REPORTED.iloc[:1])
    bad = fp.table("reported").assign(period="2025Q2")
    from autoalliance.errors import DatasetError
    with pytest.raises(DatasetError, match="reported.csv, row 2, column period"):
        calibrate(fp.replace(reported=bad))
