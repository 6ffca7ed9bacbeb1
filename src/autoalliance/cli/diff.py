"""``autoalliance diff DATASET_A DATASET_B``: the rows that changed and what they move."""

from __future__ import annotations

from pathlib import Path

import typer

from autoalliance.cli.output import Format


def register(app: typer.Typer) -> None:
    from autoalliance.cli.output import (
        FormatOpt,
        JsonOpt,
        OutOpt,
        console,
        handles_errors,
        money,
        print_csv,
        print_json,
        progress_status,
        records,
        table,
        write_tables,
    )
    from autoalliance.cli.output import mode as output_mode
    from autoalliance.cli.plan import _horizon

    @app.command()
    @handles_errors
    def diff(a: Path = typer.Argument(..., help="The earlier dataset: folder or .xlsx workbook"),
             b: Path = typer.Argument(..., help="The later dataset: folder or .xlsx workbook"),
             fy: list[int] | None = typer.Option(None, "--fy", help="Fiscal year(s) of the "
                                                 "tariff cost, repeatable (default: every year "
                                                 "with demand in either)"),
             no_plan: bool = typer.Option(False, "--no-plan", metavar="",
                                          help="Skip the alliance plan and its split (the "
                                          "slow part)"),
             horizon: str | None = typer.Option(None, "--horizon", help="Plan horizon, "
                                                "first-last (default: each dataset's own)"),
             notes: bool = typer.Option(False, "--notes", metavar="",
                                        help="Also list rows whose source or assumption text "
                                        "alone changed"),
             fmt: Format = FormatOpt, out: Path | None = OutOpt,
             json_out: bool = JsonOpt):
        """Which rows changed from A to B, and how each change moves the tariff cost per company
        and fiscal year, the alliance plan and the split of its gain."""
        from autoalliance.dataset.footprint import load_footprint
        from autoalliance.scenarios.diff import diff_datasets
        from autoalliance.settings import Settings

        how = output_mode(fmt, json_out)
        fa, fb = load_footprint(a), load_footprint(b)
        with progress_status("pricing each change"):
            d = diff_datasets(fa, fb, years=fy or None, with_plan=not no_plan,
                              settings=Settings(horizon=_horizon(horizon)))
        rows = d.rows if notes else d.rows[~d.rows["notes_only"].astype(bool)]
        cut = lambda v: v if len(str(v)) <= 60 else str(v)[:57] + "..."  # noqa: E731
        tables = {"tariff": d.tariff, "rows": d.rows}
        if d.plan is not None:
            tables |= {"plan": d.plan, "split": d.split}
        write_tables(out, tables)
        if how is Format.json:
            print_json({k: records(v) for k, v in tables.items()})
            return
        if how is Format.csv:
            print_csv(d.tariff)
            return
        n_notes = int(d.rows["notes_only"].astype(bool).sum())
        console.print(table(f"Rows changed from {a.name} to {b.name}"
                            + ("" if notes else f" ({n_notes} with only source or assumption "
                               "text changed not shown; --notes lists them)"),
                            rows.drop(columns=["notes_only"]).assign(
                                before=rows["before"].map(cut), after=rows["after"].map(cut)),
                            {}))
        bn = lambda v: money(v, 1e9, "")  # noqa: E731
        m = lambda v: money(v, 1e6, "")  # noqa: E731
        t = d.tariff[d.tariff["delta_usd"].abs() >= 0.5].copy()
        if t.empty:
            console.print("No change moves the tariff cost in the fiscal years asked.")
        else:
            t["fiscal_year"] = "FY" + t["fiscal_year"].astype(str)
            console.print(table("Tariff cost: A, B and the effect of each change applied alone "
                                "to A (all = every change; interaction = all less the sum of "
                                "the tables; local = company currency, billions; USD millions)",
                                t.rename(columns={"before_local": "A_local_bn",
                                                  "after_local": "B_local_bn",
                                                  "delta_local": "change_local_bn",
                                                  "delta_usd": "change_$M"}),
                                {"A_local_bn": bn, "B_local_bn": bn, "change_local_bn": bn,
                                 "change_$M": m}))
        if d.plan is not None:
            p = d.plan[["company", "profit_usd_a", "profit_usd_b", "profit_usd_delta",
                        "gain_usd_delta", "duty_usd_delta"]]
            console.print(table("Alliance plan: profit over the horizon on A and B and what "
                                "moved (USD millions)", p, {c: m for c in p.columns[1:]}))
            console.print(table("Split of the alliance's profit (Shapley; USD millions)",
                                d.split, {c: m for c in d.split.columns[1:]}))
