"""Shared pieces of the command line: consoles, common options, error handling, tables, JSON.

Errors in the input are printed with file, row and column, without a traceback; exit code 2.
"""

from __future__ import annotations

import math
import os
import re
import sys
from contextlib import contextmanager
from enum import StrEnum
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console, Group
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from autoalliance.encoding import dumps, records  # noqa: F401  (records: re-exported for commands)
from autoalliance.errors import AutoallianceError

if TYPE_CHECKING:  # pandas loads inside the commands, not at start-up
    import pandas as pd

console = Console()
err_console = Console(stderr=True)

PathArg = typer.Argument(None, help="Dataset folder or .xlsx workbook (default: the bundled "
                         "nissan_honda_2025)")
JsonOpt = typer.Option(False, "--json", metavar="",
                       help="Machine-readable JSON on stdout (same as --format json)")


_INPUT_PARAMS = ("path", "file", "source", "dataset", "store", "game", "out", "xlsx")
DEBUG_ENV = "AUTOALLIANCE_DEBUG"  # set to show the traceback of an unexpected error


def _inputs(kwargs: dict) -> str:
    """The files a command was given, to name in a message that has none of its own."""
    named = [str(kwargs[k]) for k in _INPUT_PARAMS if kwargs.get(k) not in (None, "", False)]
    return ", ".join(named)


def _printing(e: BaseException) -> bool:
    """Whether ``e`` was raised while printing (inside rich's console or a write to stdout)."""
    tb = e.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename.endswith(os.path.join("rich", "console.py")) or \
                code.co_name in ("_flush_stdout", "print_json", "print_csv"):
            return True
        tb = tb.tb_next
    return False


def _flush_stdout() -> None:
    sys.stdout.flush()


def _stdout_broken() -> bool:
    """Whether standard output cannot take what is written to it (a full disk, /dev/full, a
    closed pipe): what is left in its buffer fails to flush."""
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        try:  # what is left is dropped, so the interpreter's own flush at exit stays quiet
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return True
    return False


def _explain(e: BaseException, kwargs: dict) -> str | None:
    """One line for an error from outside the package's own checks (None: not one we know)."""
    import duckdb
    import yaml

    where = _inputs(kwargs)
    about = f" (reading {where})" if where else ""
    if isinstance(e, OSError) and not e.filename and (_printing(e) or _stdout_broken()):
        _stdout_broken()  # drop what is left, so the exit is quiet
        return (f"cannot write the output (standard output): {e.strerror or e}; the command's "
                "inputs are fine")
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


ScenarioOpt = typer.Option(None, "--scenario", metavar="NAME|FILE[:SCENARIO]",
                           help="Look at the dataset under one scenario: a file of the bundled "
                           "library by name (japan_deal_lapses) or a YAML file; FILE:SCENARIO "
                           "picks one of a file holding several")


KnownOnOpt = typer.Option(None, "--as-known-on", metavar="YYYY-MM-DD",
                          help="Use only the trade rules known on this day (a rule announced "
                          "later, even one made retroactive, is left out; an end announced "
                          "later is not yet known)")


def known_on(fp, day: str | None):
    """The footprint under the trade rules known on ``--as-known-on`` (unchanged when none)."""
    if not day:
        return fp
    import datetime as dt

    from autoalliance.trade.measures import as_known_on

    try:
        when = dt.date.fromisoformat(day)
    except ValueError:
        raise ValueError(f"--as-known-on: expected a date as YYYY-MM-DD, got {day!r}") \
            from None
    return fp.replace(measures=as_known_on(fp.measures, when))


CheckResolveOpt = typer.Option(False, "--check-resolve",
                               help="Also build and solve every in-place re-solve cold and stop "
                               "with an error if the two differ beyond 1e-9 relative (slower; "
                               "the same as AUTOALLIANCE_CHECK_RESOLVE=1)")


def with_scenario(fp, scenario: str | None):
    """The footprint under ``--scenario`` (unchanged when none is given)."""
    if not scenario:
        return fp
    from pathlib import Path

    from autoalliance.scenarios import apply_scenario, load_scenarios

    file, name = scenario, None
    if ":" in scenario and not Path(scenario).exists():
        file, name = scenario.rsplit(":", 1)
    ss = load_scenarios(file, dataset=getattr(fp, "source_path", None))
    if name is not None:
        chosen = ss.scenario(name)
    elif len(ss.scenarios) == 1:
        chosen = ss.scenarios[0]
    else:
        raise ValueError(f"{file} holds {len(ss.scenarios)} scenarios; pick one as "
                         f"{file}:NAME (have: {', '.join(s.name for s in ss.scenarios)})")
    return apply_scenario(fp, chosen, ss.origins)


def handles_errors(fn):
    """Render input errors for people: the problems, no traceback, exit code 2.

    OS, decoding, recursion, overflow, memory and library errors are input errors too (exit 2,
    naming the file); anything else is a bug: one line, exit 1, the traceback only with
    ``AUTOALLIANCE_DEBUG=1``."""

    @wraps(fn)
    def wrapper(*args, **kwargs):
        if sys.stdout is None or getattr(sys.stdout, "closed", False):
            err_console.print("[bold red]error:[/] standard output is closed (>&-): nothing "
                              "could be printed; redirect it to a file or /dev/null instead",
                              highlight=False)
            raise typer.Exit(2)
        try:
            out = fn(*args, **kwargs)
            _flush_stdout()  # a full disk or /dev/full fails here, inside the handler
            return out
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


def print_warnings(warnings: list[str]) -> None:
    """Warnings on stderr (so ``--json`` output on stdout stays one document)."""
    for w in warnings:
        err_console.print(f"[bold yellow]warning:[/] {escape(w)}", highlight=False)


def print_json(obj) -> None:
    sys.stdout.write(dumps(obj, indent=2) + "\n")


def money(v: float, scale: float = 1e6, unit: str = "M") -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "–"
    return f"{v / scale:,.1f}{unit}"


class Format(StrEnum):
    """What a command prints on stdout."""

    table = "table"
    csv = "csv"
    json = "json"


FormatOpt = typer.Option(Format.table, "--format", help="table: for people (never cuts a "
                         "number, whatever the width); csv: the main table, raw numbers; json: "
                         "everything (same as --json)")
OutOpt = typer.Option(None, "--out", help="Also write the tables to FILE (.csv or .parquet); "
                      "a command with several tables writes the main one to FILE and each "
                      "other beside it, named FILE_options.csv and so on",
                      dir_okay=False)


def mode(fmt: Format, json_out: bool) -> Format:
    """``--json`` is kept as a short form of ``--format json``."""
    return Format.json if json_out else Format(fmt)


def write_tables(out: Path | None, tables: dict[str, pd.DataFrame]) -> list[Path]:
    """Write the command's tables: the first to ``out``, the others to ``out``'s stem +
    ``_<name>`` with the same suffix. CSV (formula-like text neutralised) or Parquet."""
    if out is None:
        return []
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise ValueError(f"--out {out}: the file must end in .csv or .parquet")
    from autoalliance.report.excel import write_csv

    out.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for i, (name, frame) in enumerate(tables.items()):
        p = out if i == 0 else out.with_name(f"{out.stem}_{name}{out.suffix}")
        if suffix == ".csv":
            write_csv(frame, p)
        else:
            frame.reset_index(drop=True).to_parquet(p, index=False)
        written.append(p)
    for p in written:
        err_console.print(f"[green]wrote[/] {escape(str(p))}", highlight=False)
    return written


def print_csv(frame: pd.DataFrame) -> None:
    """The table as CSV on stdout (raw numbers; formula-like text neutralised)."""
    from autoalliance.report.excel import neutralise_frame

    sys.stdout.write(neutralise_frame(without_float_noise(frame)).to_csv(index=False))


def without_float_noise(frame: pd.DataFrame, digits: int = 6) -> pd.DataFrame:
    """Float columns rounded to ``digits`` decimals (USD and units are exact far above that):
    315973.99999999994 is printed 315974.0."""
    import pandas as pd

    out = frame.copy()
    for c in out.columns:
        if pd.api.types.is_float_dtype(out[c]):
            out[c] = out[c].round(digits)
    return out


_NUMBERLIKE = re.compile(r"^[–\-+±(]?(FY)?[\d.,:/\- ]*\d[\d.,:/\-]*[%MBkx)]?( ?[A-Z]{3})?$"
                         r"|^[–-]?$")
_PAD = 2  # Rich's default padding: one space either side of a cell
_TEXT_MIN = 10  # text columns fold (wrap mid-word) down to this width, never cut
_TEXT_WIDE = 40  # and are never wider than this


def _rigid(cells: list[str], formatted: bool) -> bool:
    """Numbers, dates and fiscal years never wrap: their column keeps its full width."""
    return formatted or (bool(cells) and all(_NUMBERLIKE.match(c) for c in cells if c))


def _widths(header: list[str], cells: list[list[str]], rigid: list[bool]) -> list[int]:
    out = []
    for h, col, r in zip(header, cells, rigid):
        longest = max((len(c) for c in col), default=1)
        word = max((len(w) for w in h.split()), default=1)
        out.append(max(longest, word, 1) if r
                   else max(1, min(_TEXT_WIDE, max(longest, min(word, _TEXT_MIN)))))
    return out


def _total(w: list[int]) -> int:
    return sum(w) + (_PAD + 1) * len(w) + 1


def _fit(widths: list[int], flex: list[bool], room: int) -> list[int]:
    """Shrink the flexible (text) columns, widest first, until the table fits ``room`` or none
    is wider than ``_TEXT_MIN``; numbers keep their width."""
    w = list(widths)
    while _total(w) > room:
        cand = [i for i, f in enumerate(flex) if f and w[i] > _TEXT_MIN]
        if not cand:
            break
        i = max(cand, key=lambda k: w[k])
        w[i] -= 1
    return w


def _layout(w: list[int], rigid: list[bool], keys: list[int], room: int) \
        -> list[tuple[list[int], list[int]]]:
    """Column groups (indices, widths): one table when it fits (text columns folded if need
    be); otherwise several, each repeating the key columns."""
    n = len(w)
    one = _fit(w, [not r for r in rigid], room)
    if _total(one) <= room or n == len(keys):
        return [(list(range(n)), one)]
    rest = [i for i in range(n) if i not in keys]
    groups, current = [], []
    for i in rest:
        idx = keys + current + [i]
        trial = _fit([w[k] for k in idx], [not rigid[k] for k in idx], room)
        if current and _total(trial) > room:
            groups.append(keys + current)
            current = []
        current.append(i)
    groups.append(keys + current)
    return [(g, _fit([w[k] for k in g], [not rigid[k] for k in g], room)) for g in groups]


_KEY_NAMES = ("fiscal_year", "month", "as_of", "period")


def _keys(cols: list, formats: dict, w: list[int], width: int) -> list[int]:
    """The columns that name a row (text, fiscal years, dates), repeated in each part of a
    split table: from the left, while they take at most 60% of the width (at least one)."""
    keys, used = [], 1
    for i, c in enumerate(cols):
        if c in formats and c not in _KEY_NAMES:
            continue
        need = w[i] + _PAD + 1
        if keys and used + need > 0.6 * width:
            break
        keys.append(i)
        used += need
    return keys


def table(title: str, frame: pd.DataFrame, formats: dict, width: int | None = None) -> Group:
    """A Rich table that never cuts a number: numbers and dates keep their full width, text
    folds (wraps mid-word) and headers wrap at spaces; when the numbers alone are wider than
    the terminal, the columns are split over several tables, each repeating the columns that
    name a row (as many as fit in 60% of the width)."""
    width = width or console.width
    cols = list(frame.columns)
    header = [str(c).replace("_", " ") for c in cols]
    cells = [[formats[c](v) if c in formats else ("" if v is None else str(v))
              for v in frame[c].tolist()] for c in cols]
    rigid = [_rigid(col, c in formats) for c, col in zip(cols, cells)]
    w = _widths(header, cells, rigid)
    keys = _keys(cols, formats, w, width)
    groups = _layout(w, rigid, keys, width)
    parts = []
    for n, (idx, widths) in enumerate(groups):
        name = title if len(groups) == 1 else f"{title} ({n + 1}/{len(groups)})"
        t = Table()
        for i, wi in zip(idx, widths):
            t.add_column(header[i], justify="right" if rigid[i] and cols[i] in formats
                         else "left", width=wi, overflow="fold", no_wrap=False)
        for r in range(len(frame)):
            t.add_row(*[cells[i][r] for i in idx])
        parts += [Text(name, style="italic"), t]  # the title over the full width, not the table's
    return Group(*parts)


@contextmanager
def progress_status(what: str):
    """A spinner with the elapsed time on stderr while ``what`` runs (stdout stays clean for
    pipes; nothing is drawn when stderr is not a terminal)."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=err_console, transient=True) as p:
        p.add_task(what, total=None)
        yield p


@contextmanager
def progress_steps(what: str):
    """A bar on stderr for a job that reports ``(label, share_done)``; yields that callback."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                  TextColumn("{task.fields[step]}"), TimeElapsedColumn(), console=err_console,
                  transient=True) as p:
        task = p.add_task(what, total=1.0, step="")

        def tell(label: str, done: float) -> None:
            p.update(task, completed=done, step=label)

        yield tell
