"""Fuzzing the scenario-file loader: random bytes, random YAML documents and random override
structures against the tiny dataset. Whatever the file holds, the answer is a scenario set or a
ScenarioError whose problems name the file, a line and a key; applying overrides gives a
footprint or a ScenarioError; the CLI exits with 2 and no traceback; nothing else escapes.

The budget is small here; `make fuzz` raises it (AUTOALLIANCE_FUZZ_EXAMPLES).
"""

import datetime as dt
import os
import textwrap

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from autoalliance.cli.main import app
from autoalliance.dataset.footprint import load_footprint
from autoalliance.dataset.schema import schemas
from autoalliance.scenarios import ScenarioError, apply_scenario, load_scenarios
from autoalliance.scenarios.spec import ScenarioProblem
from autoalliance.testing import tiny_tables, write_tables

BUDGET = int(os.environ.get("AUTOALLIANCE_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=BUDGET, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
SLOW = settings(FUZZ, max_examples=max(10, BUDGET // 4))


@pytest.fixture(scope="module")
def tiny_fp(tmp_path_factory):
    return load_footprint(write_tables(tiny_tables(), tmp_path_factory.mktemp("tiny")))


def _text_lines(path):
    # YAML counts CR, NEL and the Unicode line separators as line breaks too
    return len(path.read_bytes().decode("utf-8", errors="replace").splitlines()) + 1


def loaded(path):
    """Load a scenario file; on error, check every problem names the file, a line, a key."""
    try:
        return load_scenarios(path)
    except ScenarioError as e:
        assert e.problems
        n = _text_lines(path)
        for p in e.problems:
            assert isinstance(p, ScenarioProblem)
            assert p.file == str(path) and p.message, p
            assert 0 <= p.line <= n, (p, n)
        assert str(path) in str(e)
        return None


# ------------------------------------------------------------ strategies

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(),
    st.text(max_size=12), st.dates(),
    st.sampled_from(["yes", "no", "on", "NaN", ".inf", "-.inf", "2025-04-01", "japan_vehicles",
                     "rate", "measures", "US", "JP", "*", "", "~"]))
yaml_values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.one_of(st.text(max_size=10), st.sampled_from(
        ["name", "overrides", "scenarios", "include", "set", "sets", "base", "stages",
         "fx_paths", "montecarlo", "where", "values", "scale", "add", "remove", "replace"])),
        inner, max_size=4)), max_leaves=20)

TABLES = list(tiny_tables())
COLUMNS = {t: list(schemas()[t].column_names) for t in TABLES}


@st.composite
def overrides(draw):
    """Override structures that pass the schema often, with values anywhere."""
    out = {}
    for table in draw(st.lists(st.sampled_from(TABLES), min_size=1, max_size=2, unique=True)):
        cols = COLUMNS[table]
        col = st.sampled_from(cols)
        where = st.dictionaries(col, st.one_of(scalars, st.lists(scalars, max_size=3)),
                                max_size=2)
        ops = {}
        if draw(st.booleans()):
            ops["set"] = draw(st.lists(st.fixed_dictionaries(
                {"where": where, "values": st.dictionaries(col, scalars, min_size=1,
                                                           max_size=2)}), max_size=2))
        if draw(st.booleans()):
            ops["scale"] = draw(st.lists(st.fixed_dictionaries(
                {"where": where, "column": col,
                 "factor": st.one_of(st.floats(0, 1e12), st.sampled_from([0, 1e-12, 1e300]))}),
                max_size=2))
        if draw(st.booleans()):
            ops["remove"] = draw(st.lists(where, max_size=2))
        if draw(st.booleans()):
            base = tiny_tables()[table].to_dict(orient="records")
            row = dict(draw(st.sampled_from(base)))
            row.update(draw(st.dictionaries(col, scalars, max_size=2)))
            ops["add"] = [row]
        if draw(st.integers(0, 5)) == 0:
            ops["replace"] = draw(st.lists(st.dictionaries(col, scalars, max_size=3),
                                           max_size=2))
        out[table] = ops
    return out


def _dump(doc) -> str:
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


# ------------------------------------------------------------ properties

@FUZZ
@given(blob=st.binary(max_size=300))
def test_random_bytes(tmp_path_factory, blob):
    path = tmp_path_factory.mktemp("sc") / "s.yaml"
    path.write_bytes(blob)
    loaded(path)


@FUZZ
@given(text=st.text(max_size=200))
def test_random_text(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("sc") / "s.yaml"
    path.write_text(text, encoding="utf-8")
    loaded(path)


@FUZZ
@given(doc=yaml_values)
def test_random_documents(tmp_path_factory, doc):
    path = tmp_path_factory.mktemp("sc") / "s.yaml"
    try:
        text = _dump(doc)
    except yaml.YAMLError:
        return
    path.write_text(text, encoding="utf-8")
    loaded(path)


@FUZZ
@given(ov=overrides(), fx=st.lists(st.fixed_dictionaries(
    {"currency": st.sampled_from(["JPY", "USD", "EUR"]),
     "points": st.dictionaries(st.dates(dt.date(2000, 1, 1), dt.date(2040, 1, 1)),
                               st.one_of(st.floats(), st.integers(-5, 10**9)), max_size=3)}),
    max_size=1))
def test_random_overrides_against_the_tiny_dataset(tmp_path_factory, tiny_fp, ov, fx):
    path = tmp_path_factory.mktemp("sc") / "s.yaml"
    doc = {"name": "fuzz", "overrides": ov}
    if fx:
        doc["fx_paths"] = fx
    path.write_text(_dump(doc), encoding="utf-8")
    ss = loaded(path)
    if ss is None:
        return
    before = {k: v.copy() for k, v in tiny_fp.tables.items()}
    try:
        out = apply_scenario(tiny_fp, ss.scenarios[0], ss.origins)
    except ScenarioError as e:
        for p in e.problems:
            assert p.file == str(path) and p.key.startswith(("overrides", "fx_paths")), p
            assert p.line >= 1 and p.message.startswith("scenario fuzz"), p
    else:
        for table, frame in out.tables.items():
            assert len(frame.columns) == len(COLUMNS[table])
    for k, v in before.items():  # inputs never mutated
        assert tiny_fp.tables[k].equals(v)


@SLOW
@given(ov=overrides())
def test_cli_scenarios_exit_code(tmp_path_factory, ov):
    folder = tmp_path_factory.mktemp("sc")
    data = write_tables(tiny_tables(), folder / "tiny")
    path = folder / "s.yaml"
    path.write_text(_dump({"set": "fuzz", "dataset": str(data), "stages": ["exposure"],
                           "scenarios": [{"name": "a", "overrides": ov}]}), encoding="utf-8")
    before = sorted(p.name for p in folder.rglob("*"))
    result = CliRunner().invoke(app, ["scenarios", str(path)])
    assert result.exit_code in (0, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert str(path) in result.output.replace("\n", "")
    assert sorted(p.name for p in folder.rglob("*")) == before


# ------------------------------------------------------------ catalogue of what the fuzzing found

def _write(tmp_path, text):
    p = tmp_path / "s.yaml"
    p.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return p


def _problems(path):
    with pytest.raises(ScenarioError) as e:
        load_scenarios(path)
    return e.value.problems


def test_duplicate_key_in_a_mapping(tmp_path):
    p = _write(tmp_path, """
        name: a
        overrides:
          measures:
            set:
              - where: {measure: japan_vehicles}
                values: {rate: 0.2}
                values: {rate: 0.3}
        """)
    assert _problems(p) == [ScenarioProblem(str(p), 7, "overrides.measures.set[0].values",
                                            "key 'values' appears more than once (also line 6)")]


def test_duplicate_top_level_key(tmp_path):
    p = _write(tmp_path, """
        name: a
        name: b
        """)
    assert _problems(p) == [ScenarioProblem(str(p), 2, "name",
                                            "key 'name' appears more than once (also line 1)")]


def test_include_cycle(tmp_path):
    (tmp_path / "b.yaml").write_text("set: b\ninclude: [a.yaml]\n")
    a = tmp_path / "a.yaml"
    a.write_text("set: a\ninclude: [b.yaml]\n")
    assert _problems(a) == [ScenarioProblem(str(tmp_path / "b.yaml"), 2, "include[0]",
                                            "a.yaml includes itself")]


def test_dangling_set_member_and_base(tmp_path):
    p = _write(tmp_path, """
        set: s
        base: nowhere
        scenarios:
          - name: a
        sets:
          main: [a, ghost]
        """)
    assert _problems(p) == [
        ScenarioProblem(str(p), 2, "base", "no scenario named 'nowhere'"),
        ScenarioProblem(str(p), 6, "sets.main[1]", "no scenario named 'ghost'")]


def test_not_utf8(tmp_path):
    p = tmp_path / "s.yaml"
    p.write_bytes("name: caf\xe9\n".encode("latin-1"))
    assert _problems(p) == [ScenarioProblem(str(p), 0, "",
                                            "not UTF-8 text: invalid continuation byte")]


def test_override_to_a_dangling_plant(tmp_path, tiny_fp):
    p = _write(tmp_path, """
        name: a
        overrides:
          sourcing:
            set:
              - where: {plant: jp1}
                values: {plant: nowhere}
        """)
    ss = load_scenarios(p)
    with pytest.raises(ScenarioError) as e:
        apply_scenario(tiny_fp, ss.scenarios[0], ss.origins)
    assert ScenarioProblem(str(p), 1, "overrides.sourcing.set[0]",
                           "scenario a leaves the dataset invalid: sourcing.csv, row 3, column "
                           "plant: 'nowhere' is not a plant in plants") in e.value.problems


def test_override_with_nan_and_huge_values(tmp_path, tiny_fp):
    p = _write(tmp_path, """
        name: a
        overrides:
          plants:
            set:
              - where: {plant: us1}
                values: {capacity_units: .nan}
          demand:
            scale:
              - {column: units, factor: 1e300}
        """)
    ss = load_scenarios(p)
    with pytest.raises(ScenarioError) as e:
        apply_scenario(tiny_fp, ss.scenarios[0], ss.origins)
    assert e.value.problems == [ScenarioProblem(
        str(p), 1, "overrides.plants.set[0].values.capacity_units",
        "scenario a: capacity_units: expected a finite number, got nan")]
