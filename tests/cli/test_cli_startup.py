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
