"""Shared pieces of the command line: consoles, common options, error handling, tables, JSON.

Errors in the input are printed with file, row and column, without a traceback; exit code 2.
"""

from __future__ import annotations

import math
import sys
from functools import wraps

import pandas as pd
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from autoalliance.encoding import dumps, records  # noqa: F401  (records: re-exported for commands)
from autoalliance.errors import AutoallianceError, DatasetError

console = Console()
err_console = Console(stderr=True)

PathArg = typer.Argument(None, help="Dataset folder or .xlsx workbook (default: the bundled "
                         "nissan_honda_2025)")
JsonOpt = typer.Option(False, "--json", help="Machine-readable JSON on stdout")


def handles_errors(fn):
    """Render input errors for people: the problems, no traceback, exit code 2."""

    @wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except DatasetError as e:
            err_console.print(f"[bold red]error:[/] {escape(str(e))}", highlight=False)
            raise typer.Exit(2) from None
        except (AutoallianceError, ValueError) as e:
            err_console.print(f"[bold red]error:[/] {escape(str(e))}", highlight=False)
            raise typer.Exit(2) from None

    return wrapper


def print_json(obj) -> None:
    sys.stdout.write(dumps(obj, indent=2) + "\n")


def money(v: float, scale: float = 1e6, unit: str = "M") -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "–"
    return f"{v / scale:,.1f}{unit}"


def table(title: str, frame: pd.DataFrame, formats: dict) -> Table:
    t = Table(title=title, title_justify="left")
    for c in frame.columns:
        t.add_column(c, justify="right" if c in formats else "left")
    for row in frame.itertuples(index=False):
        t.add_row(*[formats[c](v) if c in formats else str(v)
                    for c, v in zip(frame.columns, row)])
    return t


