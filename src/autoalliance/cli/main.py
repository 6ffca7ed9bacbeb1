"""The ``autoalliance`` command: human tables on the terminal, ``--json`` for machines.

Each module of this package registers its command group on the one Typer app built here.
"""

from __future__ import annotations

import typer

from autoalliance.cli import dataset, plan, report, scenarios, share, synth

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode="markdown",
                  help="Planning engine for automaker alliances under trade tariffs.")

for _group in (dataset, plan, share, scenarios, report, synth):
    _group.register(app)


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
