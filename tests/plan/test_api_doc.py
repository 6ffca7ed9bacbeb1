"""docs/api.md runs as written: every python block, in order, in one namespace."""

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def test_api_doc_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)
    assert len(blocks) >= 6
    ns: dict = {}
    for i, code in enumerate(blocks):
        exec(compile(code, f"{DOC.name}[block {i + 1}]", "exec"), ns)
    # the constraint bit: closing Alpha's Japanese plant in FY2027 cannot raise joint profit,
    # and the sweep stored one run per scenario
    assert ns["joint_constrained"] <= ns["joint"] + 1
    runs = ns["store"].runs(scenario_set="japan_deal")
    assert sorted(runs["scenario"]) == ["japan_0.10", "japan_0.15", "japan_0.25"]
    m = ns["metrics"].groupby("scenario")["value"].sum()
    assert m["japan_0.10"] <= m["japan_0.15"] <= m["japan_0.25"]


def test_infeasible_solve_prints_no_linopy_warning(tmp_path, capfd):
    """The planner explains an infeasible plan itself; linopy's own "Optimization potentially
    failed" warning (which a succeeding casestudy printed) stays silent."""
    import pytest

    from autoalliance.errors import AutoallianceError
    from autoalliance.plan.custom import plan_model
    from autoalliance.plan.testing import tiny_alliance

    pm = plan_model(tiny_alliance(tmp_path / "ta"), horizon=(2026, 2027))
    pm.model.add_constraints(pm.variables["production"].sum() >= 1e9, name="impossible")
    with pytest.raises(AutoallianceError, match="infeasible"):
        pm.solve()
    out, err = capfd.readouterr()
    assert "Optimization potentially failed" not in out + err
