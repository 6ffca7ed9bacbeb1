"""Scenario overrides change exactly what they name, nothing else (property test), and FX paths
and reference lookups (demand by segment) do what they say."""

import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autoalliance.dataset.footprint import load_footprint
from autoalliance.dataset.schema import schemas
from autoalliance.scenarios import Scenario, apply_scenario
from autoalliance.testing import tiny_tables, write_tables

# numeric columns an override may set or scale without leaving the dataset invalid
NUMERIC = {
    "measures": {"rate": (0.0, 0.5)},
    "plants": {"capacity_units": (0.0, 5e5), "utilisation": (0.0, 1.0)},
    "costs": {"variable_cost_usd": (0.0, 5e4), "logistics_usd": (0.0, 5e3)},
    "nameplates": {"msrp_usd": (1.0, 9e4)},
}


@pytest.fixture(scope="module")
def fp(tmp_path_factory):
    return load_footprint(write_tables(tiny_tables(), tmp_path_factory.mktemp("tiny")))


def _key(table):
    return list(schemas()[table].key)


def _rows(frame, table):
    return {tuple(r[k] for k in _key(table)): r for r in frame.to_dict(orient="records")}


def _same(a, b):
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if pd.isna(a) and pd.isna(b):
        return True
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == pytest.approx(b, rel=1e-12, abs=1e-12)
    return a == b


@st.composite
def overrides(draw, fp):
    table = draw(st.sampled_from(sorted(NUMERIC)))
    frame = fp.tables[table]
    key = _key(table)[0]
    values = sorted(frame[key].astype(str).unique())
    ops = {"set": [], "scale": []}
    for _ in range(draw(st.integers(0, 3))):
        col = draw(st.sampled_from(sorted(NUMERIC[table])))
        lo, hi = NUMERIC[table][col]
        where = {key: draw(st.lists(st.sampled_from(values), min_size=1, max_size=3,
                                    unique=True))}
        if draw(st.booleans()):
            ops["set"].append({"where": where, "values": {col: draw(st.floats(lo, hi))}})
        else:
            factor = draw(st.floats(0.0, 1.0)) if hi <= 1.0 else draw(st.floats(0.01, 2.0))
            ops["scale"].append({"where": where, "column": col, "factor": factor})
    removed, added = [], []
    if table == "measures":
        removed = draw(st.lists(st.sampled_from(values), max_size=3, unique=True))
        for i in range(draw(st.integers(0, 2))):
            added.append(dict(measure=f"new_{i}", layer="additional", importer="US",
                              origin="DE", goods="vehicle", category="*", usmca="*",
                              basis="customs_value", rate=draw(st.floats(0, 1)),
                              start="2025-06-01", source="property test"))
    ov = {k: v for k, v in ops.items() if v}
    if removed:
        ov["remove"] = [{"measure": m} for m in removed]
    if added:
        ov["add"] = added
    return table, ov, removed, added


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_overrides_change_exactly_what_they_name(fp, data):
    table, ov, removed, added = data.draw(overrides(fp))
    out = apply_scenario(fp, Scenario.model_validate({"name": "prop", "overrides": {table: ov}}))
    for other in fp.tables:
        if other != table:
            assert out.tables[other] is fp.tables[other], other
    before, after = _rows(fp.tables[table], table), _rows(out.tables[table], table)
    # expected cell by cell, by a plain loop over the rows
    expected = {k: dict(r) for k, r in before.items() if k[0] not in removed}
    key = _key(table)[0]
    for op in ov.get("set", []):
        for r in expected.values():
            if r[key] in op["where"][key]:
                r.update(op["values"])
    for op in ov.get("scale", []):
        for r in expected.values():
            if r[key] in op["where"][key]:
                r[op["column"]] = float(r[op["column"]]) * op["factor"]
    for row in added:
        expected[(row["measure"],)] = row
    assert set(after) == set(expected)
    for k, want in expected.items():
        got = after[k]
        for col in schemas()[table].column_names:
            if col in want:
                w = want[col]
                if col in ("start", "end") and isinstance(w, str):
                    w = pd.Timestamp(w)
                assert _same(got[col], w), (table, k, col, got[col], w)


def test_demand_by_segment_through_the_nameplate_reference(tmp_path):
    t = tiny_tables()
    t["nameplates"] = pd.concat([t["nameplates"], t["nameplates"].assign(
        nameplate="truck", segment="pickup", category="light_truck")], ignore_index=True)
    t["demand"] = pd.concat([t["demand"], t["demand"].assign(nameplate="truck", units=1000)],
                            ignore_index=True)
    t["sourcing"] = pd.concat([t["sourcing"], t["sourcing"].assign(nameplate="truck")],
                              ignore_index=True)
    t["costs"] = pd.concat([t["costs"], t["costs"].assign(nameplate="truck")], ignore_index=True)
    fp = load_footprint(write_tables(t, tmp_path / "two"))
    sc = Scenario.model_validate({"name": "d", "overrides": {"demand": {"scale": [
        {"where": {"segment": "pickup"}, "column": "units", "factor": 1.5}]}}})
    d = apply_scenario(fp, sc).demand.set_index("nameplate")["units"]
    assert d["truck"] == 1500 and d["sedan"] == 120000


def test_fx_path_cuts_the_old_rate_and_continues_to_its_end(tmp_path):
    fp = load_footprint(write_tables(tiny_tables(), tmp_path / "t"))
    sc = Scenario.model_validate({"name": "yen", "fx_paths": [
        {"currency": "JPY", "points": {"2025-10-01": 160, "2026-01-01": 170}}]})
    fx = apply_scenario(fp, sc).fx.sort_values("start").reset_index(drop=True)
    assert list(fx["per_usd"]) == [150, 160, 170]
    assert list(fx["end"].dt.strftime("%Y-%m-%d")) == ["2025-09-30", "2025-12-31", "2035-12-31"]
    assert apply_scenario(fp, Scenario(name="nothing")) is fp
