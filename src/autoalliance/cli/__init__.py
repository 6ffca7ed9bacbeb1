"""The ``autoalliance`` command line: ``main.app`` is the Typer app, one module per command
group."""
