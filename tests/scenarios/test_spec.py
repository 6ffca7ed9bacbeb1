"""Scenario files: schema errors name file, line and key; exit code 2; nothing written."""

import textwrap

import pytest
from typer.testing import CliRunner

from autoalliance.cli.main import app
from autoalliance.dataset.footprint import load_footprint
from autoalliance.scenarios import ScenarioError, check_scenarios, load_scenarios

runner = CliRunner()


def _write(tmp_path, text, name="s.yaml"):
    p = tmp_path / name
    p.write_text(textwrap.dedent(text).lstrip())
    return p


def _problems(path):
    with pytest.raises(ScenarioError) as e:
        load_scenarios(path)
    return e.value.problems


def test_unknown_key_names_file_line_and_key(tmp_path):
    p = _write(tmp_path, """
        set: demo
        scenarios:
          - name: a
            overrides:
              measures:
                set:
                  - where: {measure: japan_vehicles}
                    valuez: {rate: 0.2}
        """)
    (prob,) = [q for q in _problems(p) if q.key.endswith("valuez")]
    assert prob.file == str(p) and prob.line == 8
    assert prob.key == "scenarios[0].overrides.measures.set[0].valuez"
    assert "unknown key" in str(prob)


def test_bad_value_and_unknown_table(tmp_path):
    p = _write(tmp_path, """
        name: a
        overrides:
          demand:
            scale:
              - {column: units, factor: -1}
          planets: {}
        """)
    probs = _problems(p)
    keys = {q.key for q in probs}
    assert "overrides.demand.scale[0].factor" in keys
    assert any("planets" in q.message for q in probs)
    factor = next(q for q in probs if q.key.endswith("factor"))
    assert factor.line == 5


def test_yaml_syntax_error_has_line(tmp_path):
    p = _write(tmp_path, """
        name: a
        overrides: {measures: [unclosed
        """)
    (prob,) = _problems(p)
    assert prob.line >= 2 and "not valid YAML" in prob.message


def test_override_that_breaks_the_dataset_names_scenario_and_key(tmp_path, tiny_dir):
    p = _write(tmp_path, """
        set: demo
        scenarios:
          - name: fine
          - name: broken
            overrides:
              measures:
                add:
                  - {measure: extra, layer: sideways, importer: US, origin: JP, goods: vehicle,
                     category: "*", usmca: "*", basis: customs_value, rate: 0.1,
                     start: 2025-01-01, source: test}
        """)
    sset = load_scenarios(p)
    with pytest.raises(ScenarioError) as e:
        check_scenarios(load_footprint(tiny_dir), sset.scenarios, sset.origins)
    (prob,) = e.value.problems
    assert prob.file == str(p) and prob.line == 4
    assert prob.key == "overrides.measures.add[0]"
    assert "broken" in prob.message and "sideways" in prob.message


def test_cli_exit_2_and_nothing_written(tmp_path, tiny_dir):
    p = _write(tmp_path, """
        set: demo
        stages: [exposure]
        scenarios:
          - name: a
            overrides:
              measures:
                set:
                  - where: {measure: japan_vehicles}
                    values: {rate: "fifteen"}
        """)
    store = tmp_path / "runs.duckdb"
    r = runner.invoke(app, ["sweep", str(p), "--dataset", str(tiny_dir), "--store", str(store)])
    assert r.exit_code == 2, r.output
    assert "s.yaml, line 4" in r.output and "overrides.measures.set[0].values.rate" in r.output
    assert "Traceback" not in r.output
    assert not store.exists()


def test_library_is_valid_on_the_default_dataset():
    sset = load_scenarios("policy_2026")
    names = {s.name for s in sset.scenarios}
    assert {"japan_deal_holds", "japan_deal_lapses", "s232_repealed", "usmca_tightened",
            "korea_back_to_25", "yen_weak", "yen_strong"} <= names
    check_scenarios(load_footprint(), sset.scenarios, sset.origins)
