"""Scenarios: the same pipeline over many futures.

- ``spec``: scenario files (YAML, validated, errors with file, line and key) and scenario sets;
- ``overrides``: a scenario applied to a Footprint and re-validated;
- ``stages``: what a run computes (exposure; plan when the planner is installed; pluggable);
- ``sweep``: runs on local processes or a Dask cluster, written to the results store as they end;
- ``montecarlo``: sampled futures (tariff regime Markov chain, FX random walk, lognormal demand);
- ``robust``: a two-stage plan that holds up across a scenario set.
"""

from autoalliance.scenarios.overrides import apply_scenario, check_scenarios
from autoalliance.scenarios.spec import (
    Scenario,
    ScenarioError,
    ScenarioFile,
    ScenarioProblem,
    ScenarioSet,
    TableOverride,
    load_scenarios,
    resolve_scenario_path,
    scenario_set,
)
from autoalliance.scenarios.stages import (
    STAGES,
    StageOutput,
    available_stages,
    register_stage,
)
from autoalliance.scenarios.sweep import (
    DaskExecutor,
    ProcessExecutor,
    SerialExecutor,
    SweepInterrupted,
    SweepReport,
    code_version,
    execute,
    run_key,
    sweep,
)
from autoalliance.settings import Settings

__all__ = [
    "STAGES", "DaskExecutor", "ProcessExecutor", "Scenario", "ScenarioError",
    "ScenarioFile", "ScenarioProblem", "ScenarioSet", "SerialExecutor", "Settings", "StageOutput",
    "SweepInterrupted", "SweepReport", "TableOverride", "apply_scenario", "available_stages",
    "check_scenarios", "code_version", "execute", "load_scenarios", "register_stage",
    "resolve_scenario_path", "run_key", "scenario_set", "sweep",
]
