"""Synthetic footprints: deterministic for a seed, valid, shaped and ranged like the bundled one."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from autoalliance.cli.main import app
from autoalliance.dataset.footprint import DATASETS_DIR, DEFAULT_DATASET, load_footprint, validate
from autoalliance.dataset.schema import schemas
from autoalliance.dataset.synth import COUNTRIES, RANGES, synth_tables, write_synth
from autoalliance.trade import exposure, summarise


def _files(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))}


def test_same_seed_gives_byte_identical_files(tmp_path):
    a = write_synth(tmp_path / "a", companies=4, plants=30, nameplates=120, years=5, seed=7)
    b = write_synth(tmp_path / "b", companies=4, plants=30, nameplates=120, years=5, seed=7)
    c = write_synth(tmp_path / "c", companies=4, plants=30, nameplates=120, years=5, seed=8)
    assert _files(a) == _files(b)
    assert _files(a) != _files(c)


def test_default_size_is_valid_and_runs_exposure(tmp_path):
    folder = write_synth(tmp_path, seed=1)
    assert validate(folder) == []
    fp = load_footprint(folder)
    res = summarise(exposure(fp, [2025]), "company")
    assert set(res["company"]) == set(fp.companies["company"])
    assert (res["duty_usd"] > 0).all()
    per_unit = res["tariff_cost_per_unit_usd"]
    assert ((per_unit > 0) & (per_unit < 15000)).all()


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(companies=st.integers(1, 6), extra_plants=st.integers(0, 12),
       extra_nameplates=st.integers(0, 40), years=st.integers(1, 4), seed=st.integers(0, 10**6))
def test_any_small_size_is_valid(tmp_path_factory, companies, extra_plants, extra_nameplates,
                                 years, seed):
    folder = write_synth(tmp_path_factory.mktemp("s"), companies=companies,
                         plants=companies + extra_plants,
                         nameplates=companies + extra_nameplates, years=years, seed=seed)
    assert validate(folder) == []


def test_sizes_and_structure():
    t = synth_tables(companies=5, plants=60, nameplates=400, years=10, seed=3)
    assert len(t["companies"]) == 5 and len(t["plants"]) == 60 and len(t["nameplates"]) == 400
    assert len(t["demand"]) == 400 * 10
    assert sorted(t["demand"]["fiscal_year"].unique()) == list(range(2025, 2035))
    plants = t["plants"]
    assert set(plants["country"]) <= set(COUNTRIES)
    veh = plants[plants["kind"] == "vehicle"]
    assert set(veh["company"]) == set(t["companies"]["company"])  # every firm builds vehicles
    # today's sourcing uses only plants of the nameplate's firm that build its platform
    s = t["sourcing"].merge(t["nameplates"][["nameplate", "company", "platform"]], on="nameplate")
    s = s.merge(plants[["plant", "company", "platforms"]], on="plant", suffixes=("", "_plant"))
    assert (s["company"] == s["company_plant"]).all()
    assert all(p in ps.split(";") for p, ps in zip(s["platform"], s["platforms"]))
    # every table a schema lists as required is there, with the schema's columns in order
    for name, sch in schemas().items():
        if sch.required:
            assert name in t
        if name in t:
            assert list(t[name].columns) == [c for c in sch.column_names if c in t[name]]


def test_value_ranges_follow_the_plant_country():
    t = synth_tables(companies=6, plants=80, nameplates=600, years=2, seed=5)
    c = t["costs"].merge(t["plants"][["plant", "country"]], on="plant").merge(
        t["nameplates"][["nameplate", "msrp_usd"]], on="nameplate")
    for country, g in c.groupby("country"):
        r = RANGES[country]
        ratio = g["customs_value_usd"] / g["msrp_usd"]
        assert ratio.between(r.customs_to_msrp[0] - 0.01, r.customs_to_msrp[1] + 0.01).all()
        assert g["us_content_share"].between(*r.us_content).all()
        assert g["logistics_usd"].between(r.logistics[0] - 10, r.logistics[1] + 10).all()
        assert (g["variable_cost_usd"] < g["customs_value_usd"]).all()
    msrp = t["nameplates"]["msrp_usd"]
    assert msrp.between(16000, 120000).all() and 25000 < msrp.median() < 50000
    assert set(t["nameplates"]["category"]) <= {"car", "light_truck"}
    usmca = c.loc[c["usmca_qualifying"].eq("true"), "country"]
    assert set(usmca) <= {"MX", "CA"}


def test_measures_are_the_bundled_rules():
    t = synth_tables(seed=0)
    bundled = pd.read_csv(DATASETS_DIR / DEFAULT_DATASET / "measures.csv", dtype=str,
                          keep_default_na=False)
    pd.testing.assert_frame_equal(t["measures"], bundled)


def test_demand_matches_plant_output_per_firm():
    t = synth_tables(companies=4, plants=40, nameplates=300, years=1, seed=2)
    p = t["plants"][t["plants"]["kind"] == "vehicle"]
    out = (p["capacity_units"] * p["utilisation"]).groupby(p["company"]).sum()
    d = t["demand"].merge(t["nameplates"][["nameplate", "company"]], on="nameplate")
    dem = d.groupby("company")["units"].sum()
    ratio = (dem / out).to_numpy()
    assert np.all((ratio > 0.7) & (ratio < 1.3))


def test_planner_tables_are_consistent(tmp_path):
    data = pytest.importorskip("autoalliance.plan.data")
    if "options" not in schemas():
        pytest.skip("the planner's tables are not in this version's schemas")
    fp = load_footprint(write_synth(tmp_path, companies=4, plants=30, nameplates=80, seed=4))
    assert data.check_plan_tables(fp) == []
    opts = fp.options
    assert (opts["kind"] == "do_nothing").sum() == 1
    assert len(opts) > 1


def test_bad_sizes_are_refused(tmp_path):
    with pytest.raises(ValueError, match="plants >= companies"):
        synth_tables(companies=5, plants=3)
    r = CliRunner().invoke(app, ["synth", "--companies", "5", "--plants", "3", "--out",
                                 str(tmp_path / "x")])
    assert r.exit_code == 2
    assert "plants >= companies" in r.output


def test_cli_writes_a_valid_dataset(tmp_path):
    out = tmp_path / "big"
    r = CliRunner().invoke(app, ["synth", "--companies", "3", "--plants", "20", "--nameplates",
                                 "50", "--years", "3", "--seed", "9", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "valid" in r.output
    again = write_synth(tmp_path / "again", companies=3, plants=20, nameplates=50, years=3, seed=9)
    assert _files(out) == _files(again)


def test_large_sizes_are_quick():
    import time

    t0 = time.perf_counter()
    t = synth_tables(companies=10, plants=200, nameplates=20000, years=10, seed=1)
    assert len(t["demand"]) == 200000
    assert time.perf_counter() - t0 < 20
