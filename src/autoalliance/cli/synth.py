"""``autoalliance synth``: write a synthetic dataset of any size (``autoalliance.dataset.synth``).
"""

from __future__ import annotations

import time
from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    from autoalliance.cli.output import console, handles_errors

    @app.command()
    @handles_errors
    def synth(companies: int = typer.Option(3, "--companies", min=1, help="Number of firms"),
              plants: int = typer.Option(25, "--plants", min=1,
                                         help="Vehicle and powertrain plants (>= companies)"),
              nameplates: int = typer.Option(46, "--nameplates", min=1,
                                             help="Vehicles sold in the US (>= companies)"),
              years: int = typer.Option(6, "--years", min=1, help="Fiscal years of demand"),
              seed: int = typer.Option(0, "--seed", help="Random seed: the same seed gives "
                                       "byte-identical files"),
              first_year: int = typer.Option(2025, "--first-year", help="First fiscal year"),
              out: Path = typer.Option(..., "--out", help="Folder to write the CSV files to"),
              check: bool = typer.Option(True, "--check/--no-check",
                                         help="Validate the written dataset", metavar="")):
        """Write a synthetic dataset with the structure and value ranges of the bundled one."""
        from autoalliance.cli.bounds import FISCAL_YEARS, MAX_SEED, SYNTH, bounded
        from autoalliance.dataset.footprint import validate
        from autoalliance.dataset.synth import write_synth
        from autoalliance.errors import DatasetError

        for flag, v in (("--companies", companies), ("--plants", plants),
                        ("--nameplates", nameplates), ("--years", years)):
            bounded(flag, v, 1, SYNTH[flag])
        bounded("--seed", seed, 0, MAX_SEED)
        bounded("--first-year", first_year, *FISCAL_YEARS, "a fiscal year the dataset "
                "schemas take")
        bounded("--years", years, 1, FISCAL_YEARS[1] - first_year + 1,
                f"from --first-year {first_year} to FY{FISCAL_YEARS[1]}")
        t0 = time.perf_counter()
        folder = write_synth(out, companies=companies, plants=plants, nameplates=nameplates,
                             years=years, seed=seed, first_year=first_year)
        rows = {f.stem: sum(1 for _ in f.open()) - 1 for f in sorted(folder.glob("*.csv"))}
        console.print(f"wrote {folder}/ in {time.perf_counter() - t0:.1f} s: "
                      + ", ".join(f"{k} {v:,}" for k, v in rows.items()), highlight=False)
        if check:
            problems = validate(folder)
            if problems:
                raise DatasetError(problems)
            console.print(f"[green]valid:[/] {folder}")
