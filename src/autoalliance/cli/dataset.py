"""Dataset commands: ``validate``, ``exposure``, ``calibrate`` and the ``demo`` job."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import typer
from rich.markup import escape

from autoalliance.cli.output import (
    JsonOpt,
    PathArg,
    console,
    err_console,
    handles_errors,
    money,
    print_json,
    records,
    table,
)
from autoalliance.errors import DatasetError


def register(app: typer.Typer) -> None:
    @app.command()
    @handles_errors
    def validate(path: Path = typer.Argument(..., help="Dataset folder or .xlsx workbook"),
                 json_out: bool = JsonOpt):
        """Check a dataset against the schemas and its own references; exit code 2 on problems."""
        from autoalliance.dataset.footprint import validate as run

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
                 fy: list[int] | None = typer.Option(None, "--fy",
                                                     help="Fiscal year(s), repeatable; FY2025 = "
                                                     "April 2025 to March 2026 for an April "
                                                     "year (default: the dataset's first)"),
                 by: str = typer.Option("company", "--by",
                                        help="nameplate | plant | origin | company | goods "
                                        "| month"),
                 json_out: bool = JsonOpt):
        """Tariff cost per company, nameplate, plant, origin or month for a fiscal year."""
        from autoalliance.dataset.footprint import load_footprint
        from autoalliance.trade import exposure as run
        from autoalliance.trade.exposure import exposure_table

        fp = load_footprint(path)
        res = exposure_table(run(fp, fy or None, by_month=(by == "month")), by)
        if json_out:
            print_json(records(res))
            return
        usd = {c: money for c in ["duty_usd", "added_duty_usd", "offset_usd", "tariff_cost_usd"]}
        fmt = {**usd, "units": lambda v: f"{v:,.0f}",
               "tariff_cost_per_unit_usd": lambda v: "–" if pd.isna(v) else f"{v:,.0f}",
               "tariff_cost_local": lambda v: money(v, 1e9, "B"), "fiscal_year": lambda v: f"FY{v}"}
        shown = res.rename(columns={"tariff_cost_per_unit_usd": "per_unit_usd"})
        fmt["per_unit_usd"] = fmt.pop("tariff_cost_per_unit_usd")
        console.print(table(f"Tariff exposure by {by} (USD in millions, local currency in "
                            "billions; tariff cost = added duty + offset)", shown, fmt))


    @app.command()
    @handles_errors
    def calibrate(path: Path | None = PathArg, json_out: bool = JsonOpt,
                  sensitivity: bool = typer.Option(False, "--sensitivity",
                                                   help="Also move each main assumption one at a "
                                                   "time and show the modelled cost")):
        """Modelled tariff cost against each figure the companies reported."""
        from autoalliance.dataset.footprint import load_footprint
        from autoalliance.trade.calibration import calibrate as run
        from autoalliance.trade.calibration import sensitivity as run_sensitivity

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
        fmt["ratio"] = lambda v: "–" if pd.isna(v) else f"{v:.2f}"
        shown = res.assign(ratio=res["ratio"].where(res["comparable"])).rename(
            columns={"reported_total": "published", "reported": "in_scope",
                     "tolerance": "band", "within_band": "inside"})
        shown = shown[["company", "as_of", "basis", "countermeasures", "currency", "published",
                       "in_scope", "modelled", "ratio", "band", "inside"]]
        console.print(table("Calibration, FY2025: modelled tariff cost against each reported "
                            "figure on its basis (gross = before the offset, net = after; "
                            "in_scope = published less what the model does not cover; a figure "
                            "after countermeasures is not compared; billions)",
                            shown, fmt))
        lines = res.drop_duplicates(["company", "period"])
        cols = ["vehicle", "own_part", "supplier_part", "metal", "service_part", "offset"]
        bill = lines[["company", "period"]].copy()
        for c in cols:
            bill[c] = lines[f"{c}_local"]
        bill["gross"], bill["net"] = lines["gross"], lines["net"]
        console.print(table("Modelled bill by line (company currency, billions; the offset "
                            "cancels own parts duty only; gross = the lines, net = gross + "
                            "offset)", bill, {c: bn for c in cols + ["gross", "net"]}))
        if sens is not None:
            console.print(table("Sensitivity: modelled tariff cost with one assumption moved "
                                "(company currency, billions)",
                                sens[["company", "input", "low", "base", "high"]],
                                {"low": bn, "base": bn, "high": bn}))


    @app.command()
    @handles_errors
    def demo(out: Path = typer.Option(Path("out"), "--out", help="Folder for the demo's outputs")):
        """Run the main job on the bundled dataset: validate, exposure, calibration."""
        from autoalliance.dataset.footprint import dataset_path, load_footprint
        from autoalliance.dataset.footprint import validate as run_validate
        from autoalliance.trade import exposure as run_exposure
        from autoalliance.trade import summarise
        from autoalliance.trade.calibration import calibrate as run_calibration

        path = dataset_path(None)
        problems = run_validate(path)
        if problems:
            raise DatasetError(problems)
        console.print(f"[green]dataset valid:[/] {path.name}")
        fp = load_footprint(path)
        year = fp.base_year
        res = run_exposure(fp, [year], by_month=True)
        out.mkdir(parents=True, exist_ok=True)
        res.to_csv(out / f"exposure_fy{year}_by_month.csv", index=False)
        for by in ("company", "origin", "nameplate"):
            s = summarise(res, by)
            s.to_csv(out / f"exposure_fy{year}_by_{by}.csv", index=False)
        exposure(path=None, fy=[year], by="company", json_out=False)
        exposure(path=None, fy=[year], by="origin", json_out=False)
        cal = run_calibration(fp)
        cal.to_csv(out / "calibration.csv", index=False)
        calibrate(path=None, json_out=False, sensitivity=True)
        console.print(f"outputs written to {out}/")
