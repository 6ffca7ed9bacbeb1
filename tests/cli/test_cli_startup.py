"""Start-up: ``--help`` and ``--version`` load none of the numeric stack (checked in a fresh
interpreter, where nothing else has imported it)."""

import subprocess
import sys

import autoalliance

HEAVY = ("pandas", "numpy", "xarray", "linopy", "highspy")

PROBE = """
import sys
from typer.testing import CliRunner
from autoalliance.cli.main import app
for args in (["--help"], ["--version"], ["plan", "--help"], ["share", "--help"],
             ["scenarios", "--help"]):
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 0, (args, r.output)
    if args == ["--version"]:
        print(r.output.strip())
print(",".join(k for k in %r if k in sys.modules))
"""


def test_help_and_version_import_no_numeric_stack():
    out = subprocess.run([sys.executable, "-c", PROBE % (HEAVY,)], capture_output=True,
                         text=True, check=True).stdout.splitlines()
    assert out[0] == f"autoalliance {autoalliance.__version__}"
    assert out[-1] == "", f"loaded at start-up: {out[-1]}"


# What `plan` and `share` must not load: the optimiser and statistics of scipy (the LPs go to
# highspy, autoalliance.lp), dask (xarray would import dask.array on its first DataArray:
# plan.lazy_dask), the run store, the dashboard, charts and workbooks.
NOT_ON_PLAN_OR_SHARE = ("scipy.optimize", "scipy.stats", "scipy.fft", "dask", "dask.array",
                        "distributed", "duckdb", "streamlit", "plotly", "openpyxl", "jinja2",
                        "matplotlib")

RUN_PROBE = """
import sys
from typer.testing import CliRunner
from autoalliance.cli.main import app
for args in (["plan", "--mode", "alliance", "--json"], ["share", "--rule", "shapley", "--json"]):
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 0, (args, r.output)
    assert '"profit_usd"' in r.output or '"shapley' in r.output, r.output[:300]
print(",".join(k for k in %r if k in sys.modules))
"""


def test_plan_and_share_load_only_what_they_use():
    """A structural check, not a timed one: after `plan --mode alliance` and `share --rule
    shapley` in one fresh interpreter, none of the heavy modules they do not use is loaded."""
    out = subprocess.run([sys.executable, "-c", RUN_PROBE % (NOT_ON_PLAN_OR_SHARE,)],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.splitlines()[-1] == "", f"loaded by plan/share: {out.stdout.splitlines()[-1]}"
