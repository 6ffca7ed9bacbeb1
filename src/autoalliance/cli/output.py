"""Shared pieces of the command line: consoles, common options, error handling, tables, JSON.

Errors in the input are printed with file, row and column, without a traceback; exit code 2.
"""

from __future__ import annotations

import math
import os
import sys
from functools import wraps

import pandas as pd
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from autoalliance.encoding import dumps, records  # noqa: F401  (records: re-exported for commands)
from autoalliance.errors import AutoallianceError

console = Console()
err_console = Console(stderr=True)

PathArg = typer.Argument(None, help="Dataset folder or .xlsx workbook (default: the bundled "
                         "nissan_honda_2025)")
JsonOpt = typer.Option(False, "--json", help="Machine-readable JSON on stdout")


_INPUT_PARAMS = ("path", "file", "source", "dataset", "store", "game", "out", "xlsx")
DEBUG_ENV = "AUTOALLIANCE_DEBUG"  # set to show the traceback of an unexpected error


def _inputs(kwargs: dict) -> str:
    """The files a command was given, to name in a message that has none of its own."""
    named = [str(kwargs[k]) for k in _INPUT_PARAMS if kwargs.get(k) not in (None, "", False)]
    return ", ".join(named)


def _explain(e: BaseException, kwargs: dict) -> str | None:
    """One line for an error from outside the package's own checks (None: not one we know)."""
    import duckdb
    import yaml

    where = _inputs(kwargs)
    about = f" (reading {where})" if where else ""
    if isinstance(e, OSError):
        name = e.filename or where or "a file"
        what = e.strerror or str(e) or type(e).__name__
        return f"{name}: {what}"
    if isinstance(e, UnicodeError):
        return f"an input is not UTF-8 text{about}: {e}; save it as UTF-8"
    if isinstance(e, RecursionError):
        return f"an input is nested too deeply{about}"
    if isinstance(e, OverflowError):
        return f"a number is too large{about}: {e}"
    if isinstance(e, MemoryError):
        return f"an input is too large for memory{about}"
    if isinstance(e, duckdb.Error):
        return f"the results store failed{about}: {e}"
    if isinstance(e, yaml.YAMLError):
        return f"not valid YAML{about}: {e}"
    return None


def handles_errors(fn):
    """Render input errors for people: the problems, no traceback, exit code 2.

    OS, decoding, recursion, overflow, memory and library errors are input errors too (exit 2,
    naming the file); anything else is a bug: one line, exit 1, the traceback only with
    ``AUTOALLIANCE_DEBUG=1``."""

    @wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (typer.Exit, typer.Abort, KeyboardInterrupt, SystemExit):
            raise
        except AutoallianceError as e:
            err_console.print(f"[bold red]error:[/] {escape(str(e))}", highlight=False)
            raise typer.Exit(2) from None
        except Exception as e:
            msg = _explain(e, kwargs)
            if msg is None and isinstance(e, ValueError):
                msg = str(e)
            if msg is not None:
                err_console.print(f"[bold red]error:[/] {escape(msg)}", highlight=False)
                raise typer.Exit(2) from None
            if os.environ.get(DEBUG_ENV):
                raise
            err_console.print(f"[bold red]unexpected error[/] (a bug: please report it; set "
                              f"{DEBUG_ENV}=1 to see the traceback): "
                              f"{escape(type(e).__name__)}: {escape(str(e)[:500])}",
                              highlight=False)
            raise typer.Exit(1) from None

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


