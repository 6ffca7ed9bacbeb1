"""Commands of the report area: ``report`` (HTML and Excel), ``serve`` (web dashboard),
``casestudy`` (docs/nissan-honda.md and its figures)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape


def register(app: typer.Typer) -> None:
    from autoalliance.cli.output import console, handles_errors, print_json, progress_steps

    @app.command()
    @handles_errors
    def report(source: str | None = typer.Argument(
                   None, metavar="[PATH|RUN]",
                   help="Dataset folder or .xlsx workbook (default: the bundled "
                        "nissan_honda_2025), or the key of a run in the results store "
                        "(a unique prefix is enough): the report of its stored numbers"),
               store: Path | None = typer.Option(None, "--store",
                                                    help="Results store for RUN (default: "
                                                         "$AUTOALLIANCE_STORE or "
                                                         "./runs.duckdb)"),
               out: Path | None = typer.Option(None, "--out",
                                                  help="HTML report to write (default "
                                                       "report.html unless only --xlsx)"),
               xlsx: Path | None = typer.Option(None, "--xlsx",
                                                   help="Also write the dataset and the "
                                                        "report's tables to this workbook"),
               fy: int | None = typer.Option(None, "--fy",
                                             help="Fiscal year of the exposure charts "
                                                  "(default: the dataset's first, e.g. 2025)"),
               stages: str = typer.Option("exposure,plan,sharing,scenarios", "--stages",
                                          help="Stages to include (comma list); add "
                                               "sensitivity for the tornado (two plans "
                                               "per input: slow)"),
               json_out: bool = typer.Option(False, "--json",
                                             help="Print the report's numbers as JSON",
                                             metavar="")):
        """Self-contained HTML report (charts, offline) and/or an Excel workbook."""
        from autoalliance.cli.bounds import FISCAL_YEARS, bounded
        from autoalliance.report import build, write_html, write_workbook
        from autoalliance.report.source import from_run, is_dataset, resolve

        bounded("--fy", fy, *FISCAL_YEARS, "a fiscal year the dataset schemas take")

        if not is_dataset(source):  # a stored run: its numbers, nothing recomputed
            from autoalliance.scenarios.store import Store

            rd = from_run(Store(store).load_run(source), fy)
            if xlsx is not None:
                raise ValueError("--xlsx writes the dataset, which a stored run does not keep")
            out = out or Path("report.html")
            m = rd.meta
            fy_ = f", FY{m['fiscal_year']}" if m.get("fiscal_year") else ""
            write_html(rd, out, title=f"autoalliance report: run {m['run_key'][:12]} "
                                      f"({m['scenario']}, {m['status']}){fy_}")
            if json_out:
                print_json(rd.to_json())
                return
            held = ", ".join(rd.tables) or "no tables"
            console.print(f"run {escape(m['run_key'])} ({escape(str(m['scenario']))}, "
                          f"{escape(str(m['status']))}) holds: {escape(held)}", highlight=False)
            for stage, why in rd.notes.items():
                console.print(f"[yellow]{escape(stage)} left out:[/] "
                              f"{escape(why.splitlines()[0])}", highlight=False)
            console.print(f"[green]wrote[/] {out} (from run {rd.meta['run_key']})")
            return
        fp, scenario_results = resolve(source)
        wanted = tuple(s.strip() for s in stages.split(",") if s.strip())
        with progress_steps("report") as tell:
            rd = build(fp, fy=fy, stages=wanted, scenario_results=scenario_results,
                       progress=tell)
        if out is None and xlsx is None:
            out = Path("report.html")
        if out is not None:
            write_html(rd, out)
        if xlsx is not None:
            write_workbook(fp, xlsx, rd.tables)
        if json_out:
            print_json(rd.to_json())
            return
        for stage, why in rd.notes.items():
            console.print(f"[yellow]{stage} left out:[/] {escape(why.splitlines()[0])}",
                          highlight=False)
        for p in (out, xlsx):
            if p is not None:
                console.print(f"[green]wrote[/] {p}")

    @app.command()
    @handles_errors
    def serve(host: str = typer.Option("127.0.0.1", "--host",
                                       help="Address to bind; anything but loopback needs a "
                                            "token"),
              port: int = typer.Option(8501, "--port", help="Port to listen on, 1 to 65535 "
                                       "(0: any free port; the address printed is the one "
                                       "listened on)"),
              token: str | None = typer.Option(None, "--token", envvar="AUTOALLIANCE_TOKEN",
                                                  help="Access token (required beyond "
                                                       "localhost; generated when not given)"),
              data_dir: Path | None = typer.Option(None, "--data-dir",
                                                      help="Folder of datasets to offer "
                                                           "besides the bundled ones")):
        """Web dashboard: pick a dataset, edit tariffs, FX and option costs, see the charts."""
        from autoalliance.dashboard.serve import run

        raise typer.Exit(run(host=host, port=port, token=token, data_dir=data_dir))

    @app.command()
    @handles_errors
    def casestudy(out: Path = typer.Option(Path("docs"), "--out",
                                           help="Folder for nissan-honda.md and img/"),
                  path: Path | None = typer.Option(None, "--data",
                                                      help="Dataset (default: bundled)"),
                  since: Path | None = typer.Option(None, "--since",
                                                    help="An earlier version of the dataset: "
                                                    "the case study says what changed from it "
                                                    "and how it moved the answers")):
        """Write the Nissan-Honda case study (markdown, figures, tables) from the dataset."""
        from autoalliance.report.casestudy import write

        with progress_steps("case study") as tell:
            md = write(path, out, progress=tell, since=since)
        console.print(f"[green]wrote[/] {md}")
