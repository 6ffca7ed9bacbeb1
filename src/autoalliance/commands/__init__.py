"""Command modules of the ``autoalliance`` CLI beyond the core ones in ``cli.py``.

Each module here defines ``register(app: typer.Typer) -> None`` and is picked up in name order,
so an area (plan, share, sweep, report, ...) adds its commands without editing ``cli.py``.
"""
