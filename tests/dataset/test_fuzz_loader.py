"""Fuzzing the dataset loader: whatever a table holds, validate answers with Problems (file, row,
column) and load either succeeds or raises DatasetError; nothing else escapes.

The budget is small here; `make fuzz` runs the same properties with a larger one.
"""

import os

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autoalliance.dataset.footprint import load_footprint, validate
from autoalliance.errors import DatasetError, Problem
from autoalliance.testing import tiny_tables, write_tables

BUDGET = int(os.environ.get("AUTOALLIANCE_FUZZ_EXAMPLES", "40"))
TABLES = list(tiny_tables())
FUZZ = settings(max_examples=BUDGET, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

nasty_cells = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["nan", "NaN", "inf", "-inf", "1e309", "-1", "0", "1e15", "", " ", "=1+1",
                     "true", "2025-02-30", "2025-13-01", "1,000", "\u00a0", "NULL", "None"]),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-10**20, 10**20).map(str),
)


def check_outcome(path):
    problems = validate(path)
    for p in problems:
        assert p.file and isinstance(p.row, int) and isinstance(p.message, str) and p.message
    try:
        load_footprint(path)
    except DatasetError as e:
        assert e.problems == problems
    else:
        assert problems == []


@FUZZ
@given(table=st.sampled_from(TABLES), data=st.data())
def test_random_cells(tmp_path_factory, table, data):
    t = tiny_tables()
    frame = t[table].astype(object)
    for _ in range(data.draw(st.integers(1, 4))):
        row = data.draw(st.integers(0, len(frame) - 1))
        col = data.draw(st.sampled_from(list(frame.columns)))
        frame.loc[row, col] = data.draw(nasty_cells)
    t[table] = frame
    check_outcome(write_tables(t, tmp_path_factory.mktemp("ds")))


@FUZZ
@given(table=st.sampled_from(TABLES), blob=st.binary(max_size=300))
def test_random_bytes(tmp_path_factory, table, blob):
    path = write_tables(tiny_tables(), tmp_path_factory.mktemp("ds"))
    (path / f"{table}.csv").write_bytes(blob)
    check_outcome(path)


@FUZZ
@given(table=st.sampled_from(TABLES), data=st.data())
def test_duplicated_dropped_and_shuffled_rows(tmp_path_factory, table, data):
    t = tiny_tables()
    frame = t[table]
    idx = data.draw(st.lists(st.integers(0, len(frame) - 1), max_size=4))
    t[table] = frame.iloc[idx].reset_index(drop=True) if idx or len(frame) else frame
    check_outcome(write_tables(t, tmp_path_factory.mktemp("ds")))


@FUZZ
@given(cols=st.lists(st.text(min_size=1, max_size=8), min_size=1, max_size=5))
def test_random_headers(tmp_path_factory, cols):
    path = write_tables(tiny_tables(), tmp_path_factory.mktemp("ds"))
    pd.DataFrame([["x"] * len(cols)], columns=cols).to_csv(path / "plants.csv", index=False)
    check_outcome(path)


# ------------------------------------------------ regressions the fuzzing found (exact messages)

def _one_cell(tmp_path, table, row, column, value):
    t = tiny_tables()
    t[table] = t[table].astype(object)
    t[table].loc[row, column] = value
    return write_tables(t, tmp_path / "ds")


FOUND = {
    # a fractional year used to be rounded into a second, wrong message ("FY2026 has no sourcing")
    "fractional year in demand": (
        "demand", 0, "fiscal_year", "2025.5",
        [Problem("demand.csv", 2, "fiscal_year", "expected a whole number, got '2025.5'")]),
    # an unreadable year used to add "demand for sedan in US FYnan has no sourcing rows"
    "unreadable year in demand": (
        "demand", 0, "fiscal_year", "lots",
        [Problem("demand.csv", 2, "fiscal_year", "expected a finite number, got 'lots'")]),
    "missing year in demand": (
        "demand", 0, "fiscal_year", "",
        [Problem("demand.csv", 2, "fiscal_year", "required value is missing")]),
    # ... and "shares of sedan for US in FYnan sum to 0.5" on the broken row itself
    "missing year in sourcing": (
        "sourcing", 0, "fiscal_year", "",
        [Problem("sourcing.csv", 2, "fiscal_year", "required value is missing"),
         Problem("sourcing.csv", 3, "share", "shares of sedan for US in FY2025 sum to 0.5, "
                 "not 1")]),
}


@pytest.mark.parametrize("case", FOUND, ids=list(FOUND))
def test_found_by_fuzzing(tmp_path, case):
    table, row, column, value, expected = FOUND[case]
    assert validate(_one_cell(tmp_path, table, row, column, value)) == expected
