"""The ``autoalliance`` command: human tables on the terminal, ``--json`` for machines.

Errors in the input are printed with file, row and column, without a traceback; exit code 2.
"""

from __future__ import annotations

import json
import math
import sys
from functools import wraps
from pathlib import Path

import pandas as pd
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from autoalliance.errors import AutoallianceError, DatasetError

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode="markdown",
                  help="Planning engine for automaker alliances under trade tariffs.")
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


def _clean(v):
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d")
    if hasattr(v, "item"):  # numpy scalars
        return _clean(v.item())
    if v is pd.NA or v is pd.NaT:
        return None
    return v


def records(frame: pd.DataFrame) -> list[dict]:
    """DataFrame rows as JSON-ready dicts (NaN -> null, dates as YYYY-MM-DD)."""
    return [{k: _clean(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]


def print_json(obj) -> None:
    sys.stdout.write(json.dumps(obj, indent=2, default=_clean) + "\n")


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


@app.command()
@handles_errors
def validate(path: Path = typer.Argument(..., help="Dataset folder or .xlsx workbook"),
             json_out: bool = JsonOpt):
    """Check a dataset against the schemas and its own references; exit code 2 on problems."""
    from autoalliance.footprint import validate as run

    problems = run(path)
    if json_out:
        print_json({"path": str(path), "valid": not problems,
                    "problems": [p.to_dict() for p in problems]})
    elif problems:
        err_console.print(f"[bold red]{len(problems)} problem(s)[/] in {escape(str(path))}:",
                          highlight=False)
        for p in problems:
            err_console.print(f"  {p}", highlight=False, markup=False)
    else:
        console.print(f"[green]valid:[/] {escape(str(path))}")
    if problems:
        raise typer.Exit(2)


@app.command()
@handles_errors
def exposure(path: Path | None = PathArg,
             fy: list[int] = typer.Option([2025], "--fy", help="Fiscal year(s); FY2025 = "
                                          "April 2025 to March 2026 for an April year"),
             by: str = typer.Option("company", "--by",
                                    help="nameplate | plant | origin | company | goods | month"),
             json_out: bool = JsonOpt):
    """Tariff cost per company, nameplate, plant, origin or month for a fiscal year."""
    from autoalliance.footprint import load_footprint
    from autoalliance.trade import exposure as run
    from autoalliance.trade import summarise

    fp = load_footprint(path)
    res = summarise(run(fp, fy, by_month=(by == "month")), by)
    cols = list(dict.fromkeys(["company", "fiscal_year", by])) + [
        "units", "duty_usd", "added_duty_usd", "offset_usd", "tariff_cost_usd",
        "tariff_cost_per_unit_usd", "tariff_cost_local", "currency"]
    res = res[cols].sort_values(["company", "fiscal_year", "tariff_cost_usd"],
                                ascending=[True, True, False])
    if json_out:
        print_json(records(res))
        return
    usd = {c: money for c in ["duty_usd", "added_duty_usd", "offset_usd", "tariff_cost_usd"]}
    fmt = {**usd, "units": lambda v: f"{v:,.0f}",
           "tariff_cost_per_unit_usd": lambda v: "–" if pd.isna(v) else f"{v:,.0f}",
           "tariff_cost_local": lambda v: money(v, 1e9, "B"), "fiscal_year": lambda v: f"FY{v}"}
    shown = res.rename(columns={"tariff_cost_per_unit_usd": "per_unit_usd"})
    fmt["per_unit_usd"] = fmt.pop("tariff_cost_per_unit_usd")
    console.print(table(f"Tariff exposure by {by} (USD in millions, local currency in billions; "
                        "tariff cost = added duty + offset)", shown, fmt))


@app.command()
@handles_errors
def calibrate(path: Path | None = PathArg, json_out: bool = JsonOpt,
              sensitivity: bool = typer.Option(False, "--sensitivity",
                                               help="Also move each main assumption one at a "
                                               "time and show the modelled cost")):
    """Modelled tariff cost against each figure the companies reported."""
    from autoalliance.calibration import calibrate as run
    from autoalliance.calibration import sensitivity as run_sensitivity
    from autoalliance.footprint import load_footprint

    fp = load_footprint(path)
    res = run(fp)
    sens = run_sensitivity(fp) if sensitivity else None
    if json_out:
        print_json(records(res) if sens is None else
                   {"calibration": records(res), "sensitivity": records(sens)})
        return
    bn = lambda v: money(v, 1e9, "B")  # noqa: E731
    fmt = {"published": bn, "in_scope": bn, "modelled": bn,
           "ratio": lambda v: "–" if pd.isna(v) else f"{v:.2f}",
           "band": lambda v: "" if pd.isna(v) else f"±{v:.0%}",
           "inside": lambda v: "" if pd.isna(v) or v is None else ("yes" if v else "NO")}
    shown = res.rename(columns={"reported_total": "published", "reported": "in_scope",
                                "tolerance": "band", "within_band": "inside"})
    shown = shown[["company", "as_of", "currency", "published", "in_scope", "modelled", "ratio",
                   "band", "inside"]]
    console.print(table("Calibration, FY2025: modelled tariff cost against each reported figure "
                        "(in_scope = published less what the model does not cover; billions)",
                        shown, fmt))
    if sens is not None:
        console.print(table("Sensitivity: modelled tariff cost with one assumption moved "
                            "(company currency, billions)",
                            sens[["company", "input", "low", "base", "high"]],
                            {"low": bn, "base": bn, "high": bn}))


@app.command()
@handles_errors
def demo(out: Path = typer.Option(Path("out"), "--out", help="Folder for the demo's outputs")):
    """Run the main job on the bundled dataset: validate, exposure, calibration."""
    from autoalliance.calibration import calibrate as run_calibration
    from autoalliance.footprint import dataset_path, load_footprint
    from autoalliance.footprint import validate as run_validate
    from autoalliance.trade import exposure as run_exposure
    from autoalliance.trade import summarise

    path = dataset_path(None)
    problems = run_validate(path)
    if problems:
        raise DatasetError(problems)
    console.print(f"[green]dataset valid:[/] {path.name}")
    fp = load_footprint(path)
    res = run_exposure(fp, [2025], by_month=True)
    out.mkdir(parents=True, exist_ok=True)
    res.to_csv(out / "exposure_fy2025_by_month.csv", index=False)
    for by in ("company", "origin", "nameplate"):
        s = summarise(res, by)
        s.to_csv(out / f"exposure_fy2025_by_{by}.csv", index=False)
    exposure(path=None, fy=[2025], by="company", json_out=False)
    exposure(path=None, fy=[2025], by="origin", json_out=False)
    cal = run_calibration(fp)
    cal.to_csv(out / "calibration.csv", index=False)
    calibrate(path=None, json_out=False, sensitivity=True)
    console.print(f"outputs written to {out}/")


def _register_commands() -> None:
    import importlib
    import pkgutil

    from autoalliance import commands

    for mod in sorted(m.name for m in pkgutil.iter_modules(commands.__path__)):
        importlib.import_module(f"autoalliance.commands.{mod}").register(app)


_register_commands()


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
