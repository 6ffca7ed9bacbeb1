"""Dataset commands: ``validate``, ``exposure``, ``calibrate`` and the ``demo`` job."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer
from rich.markup import escape

from autoalliance.cli.output import (
    Format,
    FormatOpt,
    JsonOpt,
    KnownOnOpt,
    OutOpt,
    PathArg,
    ScenarioOpt,
    console,
    err_console,
    handles_errors,
    known_on,
    mode,
    money,
    print_csv,
    print_json,
    print_warnings,
    records,
    table,
    with_scenario,
    write_tables,
)
from autoalliance.errors import DatasetError


class By(StrEnum):
    """Groupings of ``exposure`` (``autoalliance.trade.exposure.GROUPINGS``)."""

    company = "company"
    nameplate = "nameplate"
    plant = "plant"
    origin = "origin"
    goods = "goods"
    month = "month"
    quarter = "quarter"
    fiscal_year = "fiscal_year"


def _ymd(v) -> str:
    import pandas as pd

    return "" if v is None or pd.isna(v) else pd.Timestamp(v).strftime("%Y-%m-%d")


def _timeline(fp, fy, keys, how, out) -> None:
    """``exposure --by month|quarter|fiscal_year``: duty paid beside cost recognised."""
    import pandas as pd

    from autoalliance.trade.exposure import TIME_GROUPINGS, exposure_timeline

    time = [k for k in keys if k in TIME_GROUPINGS]
    if len(time) > 1:
        raise ValueError(f"--by takes one of month, quarter, fiscal_year, not {', '.join(time)}")
    res = exposure_timeline(fp, fy or None, keys)
    if "month" in res:
        res["month"] = pd.to_datetime(res["month"]).dt.strftime("%Y-%m")
    write_tables(out, {"exposure": res})
    if how is Format.json:
        print_json(records(res))
        return
    if how is Format.csv:
        print_csv(res)
        return
    shown = res.drop(columns=["added_duty_usd", "offset_usd", "units"]).rename(
        columns={"duty_usd": "duty_paid_$M", "tariff_cost_usd": "cost_paid_$M",
                 "tariff_cost_local": "paid_local_bn", "units_sold": "units_sold",
                 "tariff_cost_recognised_usd": "cost_recognised_$M",
                 "tariff_cost_recognised_local": "recognised_local_bn"})
    for c in ("paid_local_bn", "recognised_local_bn"):
        shown[c] = [f"{money(v, 1e9, '')} {cur}" for v, cur in zip(shown[c], shown["currency"])]
    shown = shown.drop(columns=["currency"])
    m = lambda v: money(v, 1e6, "")  # noqa: E731
    fmt_ = {"duty_paid_$M": m, "cost_paid_$M": m, "cost_recognised_$M": m,
            "units_sold": lambda v: f"{v:,.0f}", "paid_local_bn": str,
            "recognised_local_bn": str, "fiscal_year": lambda v: f"FY{v}"}
    console.print(table(f"Tariff exposure by {', '.join(keys)}: duty paid when the units enter "
                        "(cash; cost paid = added duty + offset) and the tariff cost recognised "
                        "when they are sold (inventory days later, first in first out; local = "
                        "company currency, billions)", shown, fmt_))


def register(app: typer.Typer) -> None:
    @app.command()
    @handles_errors
    def validate(path: Path | None = PathArg, json_out: bool = JsonOpt):
        """Check a dataset against the schemas and its own references; exit code 2 on problems."""
        from autoalliance.dataset.footprint import dataset_path
        from autoalliance.dataset.footprint import validate as run

        path = dataset_path(path)
        problems = run(path)
        stale = None
        if not problems and path.suffix.lower() in (".xlsx", ".xlsm"):
            from autoalliance.report.excel import stale_sheets

            stale = stale_sheets(path)
            for r in stale.itertuples(index=False):
                err_console.print(f"[yellow]stale:[/] sheet {r.sheet} was computed from inputs "
                                  f"{r.inputs_hash[:12]}; the inputs now hash "
                                  f"{r.inputs_hash_now[:12]} (rerun `autoalliance report "
                                  "--xlsx`)", highlight=False)
        if json_out:
            print_json({"path": str(path), "valid": not problems,
                        "problems": [p.to_dict() for p in problems]}
                       | ({} if stale is None else {"stale_sheets": list(stale["sheet"])}))
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
    def init(folder: Path = typer.Argument(..., help="New (or empty) folder for the dataset"),
             companies: str = typer.Option("maker", "--companies",
                                           help="Comma list of company ids (lower case), one "
                                           "worked example each"),
             from_bundled: bool = typer.Option(False, "--from-bundled", metavar="",
                                               help="Copy the bundled rows of companies the "
                                               "bundled dataset holds (nissan, honda, "
                                               "mitsubishi) instead of examples"),
             currency: str = typer.Option("JPY", "--currency",
                                          help="Reporting currency of the companies (ISO "
                                          "4217, e.g. KRW); its rates go in fx.csv"),
             fy_start: int = typer.Option(4, "--fy-start", min=1, max=12,
                                          help="First month of the fiscal year (4 = April, "
                                          "1 = calendar year)"),
             home: str = typer.Option("JP", "--home",
                                      help="Home country (ISO 3166 alpha-2, e.g. KR) of the "
                                      "example's non-US plant and imported parts")):
        """Start a dataset for another maker: every table's header, one worked example row per
        table, the method's defaults in `assumption`; guide: docs/new-dataset.md."""
        import shutil
        import tempfile

        import pandas as pd

        from autoalliance.dataset.footprint import validate as run_validate
        from autoalliance.dataset.template import write_template

        who = [c.strip() for c in companies.split(",") if c.strip()]
        if folder.exists() and any(folder.iterdir()):
            raise ValueError(f"{folder} is not empty; init writes only into a new or empty "
                             "folder")
        with tempfile.TemporaryDirectory() as tmp:  # nothing half-written on a problem
            staged = write_template(Path(tmp) / "dataset", who, from_bundled=from_bundled,
                                    currency=currency.strip().upper(), fy_start=fy_start,
                                    home=home.strip().upper())
            problems = run_validate(staged)
            if problems:
                raise DatasetError(problems)
            folder.mkdir(parents=True, exist_ok=True)
            for f in staged.iterdir():
                shutil.copy2(f, folder / f.name)
        p = folder
        files = sorted(f.name for f in p.glob("*.csv"))
        console.print(f"[green]wrote[/] {escape(str(p))}/ ({', '.join(files)}); valid. Next: "
                      "replace the example rows (guide: docs/new-dataset.md), then "
                      f"`autoalliance validate {escape(str(p))}` and `autoalliance calibrate "
                      f"{escape(str(p))}`.", highlight=False)
        fx = pd.read_csv(p / "fx.csv", dtype=str, keep_default_na=False)
        if currency.strip().upper() not in set(fx["currency"]):
            err_console.print(f"note: fx.csv has no {escape(currency.upper())} rates yet: add "
                              "one row per month (sourced) before `exposure` or `calibrate`.")

    @app.command()
    @handles_errors
    def exposure(path: Path | None = PathArg,
                 fy: list[int] | None = typer.Option(None, "--fy",
                                                     help="Fiscal year(s), repeatable; FY2025 = "
                                                     "April 2025 to March 2026 for an April "
                                                     "year (default: the dataset's first)"),
                 by: list[By] = typer.Option([By.company], "--by",
                                             help="Group by, repeatable (--by origin --by "
                                             "goods): goods separates vehicles, own and "
                                             "suppliers' parts, metals, service parts and the "
                                             "offset; month, quarter or fiscal_year show duty "
                                             "paid at entry beside the tariff cost recognised "
                                             "when sold, in time order"),
                 fmt: Format = FormatOpt, out: Path | None = OutOpt,
                 scenario: str | None = ScenarioOpt,
                 as_known_on: str | None = KnownOnOpt,
                 json_out: bool = JsonOpt):
        """Tariff cost per company, nameplate, plant, origin, goods line or month in a fiscal
        year."""
        import pandas as pd

        from autoalliance.cli.bounds import FISCAL_YEARS, bounded
        from autoalliance.dataset.footprint import load_footprint
        from autoalliance.trade import exposure as run
        from autoalliance.trade.exposure import TIME_GROUPINGS, exposure_table
        from autoalliance.trade.plausibility import demand_warnings, input_warnings

        for y in fy or []:
            bounded("--fy", y, *FISCAL_YEARS, "a fiscal year the dataset schemas take")
        how = mode(fmt, json_out)
        keys = list(dict.fromkeys(b.value for b in by))
        fp = known_on(with_scenario(load_footprint(path), scenario), as_known_on)
        empty = demand_warnings(fp, fy or [fp.base_year])
        if len(empty) == len(set(fy or [fp.base_year])):  # nothing to show: an error
            raise ValueError("; ".join(empty))
        print_warnings(input_warnings(fp) + empty)
        if any(k in TIME_GROUPINGS for k in keys):
            _timeline(fp, fy, keys, how, out)
            return
        res = exposure_table(run(fp, fy or None), keys)
        write_tables(out, {"exposure": res})
        if how is Format.json:
            print_json(records(res))
            return
        if how is Format.csv:
            print_csv(res)
            return
        shown = res.rename(columns={"duty_usd": "duty_$M", "added_duty_usd": "added_duty_$M",
                                    "offset_usd": "offset_$M", "tariff_cost_usd": "tariff_cost_$M",
                                    "tariff_cost_per_unit_usd": "per_unit_$",
                                    "vehicle_tariff_cost_per_unit_usd": "vehicle_per_unit_$",
                                    "tariff_cost_local": "local_bn"})
        shown["local_bn"] = [f"{money(v, 1e9, '')} {c}" for v, c in
                             zip(shown["local_bn"], shown.pop("currency"))]
        m = lambda v: money(v, 1e6, "")  # noqa: E731
        fmt_ = {"duty_$M": m, "added_duty_$M": m, "offset_$M": m, "tariff_cost_$M": m,
                "units": lambda v: f"{v:,.0f}",
                "per_unit_$": lambda v: "–" if pd.isna(v) else f"{v:,.0f}",
                "vehicle_per_unit_$": lambda v: "–" if pd.isna(v) else f"{v:,.0f}",
                "local_bn": str, "fiscal_year": lambda v: f"FY{v}"}
        console.print(table(f"Tariff exposure by {', '.join(keys)} (tariff cost = added duty + "
                            "offset; local = company currency, billions)", shown, fmt_))


    @app.command()
    @handles_errors
    def calibrate(path: Path | None = PathArg,
                  scenario: str | None = ScenarioOpt,
                  as_known_on: str | None = KnownOnOpt,
                  sensitivity: bool = typer.Option(False, "--sensitivity", metavar="",
                                                   help="Also move each main assumption one at a "
                                                   "time and show the modelled cost"),
                  fmt: Format = FormatOpt, out: Path | None = OutOpt,
                  json_out: bool = JsonOpt):
        """Modelled tariff cost against each figure the companies reported."""
        import pandas as pd

        from autoalliance.dataset.footprint import load_footprint
        from autoalliance.trade.calibration import calibrate as run
        from autoalliance.trade.calibration import sensitivity as run_sensitivity
        from autoalliance.trade.plausibility import input_warnings, ratio_warnings

        how = mode(fmt, json_out)
        fp = known_on(with_scenario(load_footprint(path), scenario), as_known_on)
        res = run(fp)
        print_warnings(input_warnings(fp) + ratio_warnings(res))
        sens = run_sensitivity(fp) if sensitivity else None
        write_tables(out, {"calibration": res} | ({} if sens is None else
                                                 {"sensitivity": sens}))
        if how is Format.json:
            print_json(records(res) if sens is None else
                       {"calibration": records(res), "sensitivity": records(sens)})
            return
        if how is Format.csv:
            print_csv(res)
            return
        bn = lambda v: money(v, 1e9, "")  # noqa: E731
        shown = res.assign(ratio=res["ratio"].where(res["comparable"])).rename(
            columns={"reported_total": "published", "reported": "in_scope"})
        shown["within_band"] = [
            "" if pd.isna(t) else f"{'yes' if w else 'NO'} ±{t:.0%}"
            for w, t in zip(res["within_band"], res["tolerance"])]
        shown["final_rules"] = res["modelled_final"]
        cols = ["company", "period", "metric", "scope", "outlet", "as_of", "basis",
                "countermeasures", "currency", "published", "in_scope", "modelled", "ratio",
                "within_band", "final_rules"]
        for c in ("metric", "scope", "outlet"):  # shown only when they tell figures apart
            if res[c].nunique() <= 1:
                cols.remove(c)
        currencies = shown["currency"].unique()
        unit = "company currency"
        if len(currencies) == 1:
            unit = str(currencies[0])
            cols.remove("currency")
        fmt_ = {"published": bn, "in_scope": bn, "modelled": bn, "final_rules": bn,
                "as_of": _ymd,
                "ratio": lambda v: "–" if pd.isna(v) else f"{v:.2f}"}
        periods = ", ".join(sorted(res["period"].astype(str).unique())) or "no period"
        console.print(table(f"Calibration, {periods}: modelled tariff cost against each reported "
                            "figure over its own months and on its basis, under the rules "
                            "known on its date (final rules = every rule as finally written; "
                            "tariff_cost = recognised when sold; tariff_paid = paid at entry; "
                            "gross = before the offset, net = after; "
                            "in scope = published less what the model does not cover; a figure "
                            f"after countermeasures is not compared; {unit}, billions)",
                            shown[cols], fmt_))
        lines = res.drop_duplicates(["company", "period"])
        parts = ["vehicle", "own_part", "supplier_part", "metal", "service_part", "offset"]
        bill = lines[["company", "period"]].copy()
        for c in parts:
            bill[c] = lines[f"{c}_local"]
        bill["gross"], bill["net"] = lines["gross"], lines["net"]
        console.print(table("Modelled bill by line (company currency, billions; the offset "
                            "cancels own parts duty only; gross = the lines, net = gross + "
                            "offset)", bill, {c: bn for c in parts + ["gross", "net"]}))
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
        exposure(path=None, fy=[year], scenario=None, as_known_on=None, by=[By.company],
                 fmt=Format.table, out=None, json_out=False)
        exposure(path=None, fy=[year], scenario=None, as_known_on=None,
                 by=[By.origin, By.goods],
                 fmt=Format.table, out=None, json_out=False)
        cal = run_calibration(fp)
        cal.to_csv(out / "calibration.csv", index=False)
        calibrate(path=None, scenario=None, as_known_on=None, sensitivity=True,
                  fmt=Format.table, out=None, json_out=False)
        console.print(f"outputs written to {out}/")
