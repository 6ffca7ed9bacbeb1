"""The ``autoalliance`` command: human tables on the terminal, ``--json`` for machines.

Each module of this package registers its command group on the one Typer app built here.
Modules of this package import only typer and rich at module level; pandas, numpy and the solver
load inside the commands that use them, so ``--help`` and ``--version`` start fast.
"""

from __future__ import annotations

import typer

from autoalliance.cli import dataset, diff, plan, report, scenarios, share, synth

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode="markdown",
                  help="Planning engine for automaker alliances under trade tariffs.")



def _version(value: bool) -> None:
    if value:
        from autoalliance import __version__

        typer.echo(f"autoalliance {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Print the version and exit")) -> None:
    """Planning engine for automaker alliances under trade tariffs."""


for _group in (dataset, plan, share, scenarios, report, synth, diff):
    _group.register(app)


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
