"""Report, workbook and chart outputs of a run.

- :func:`build` runs the available stages and returns :class:`ReportData` (plain tables);
- :func:`write_html` writes the self-contained HTML report (plotly.js embedded, works offline);
- :func:`write_workbook` writes a dataset (and result tables) to an editable .xlsx workbook.

The names load on first use, so a command that needs one module of this package (``plan``'s
landed cost) does not import plotly and openpyxl (``tests/cli/test_cli_startup.py``).
"""

__all__ = ["ReportData", "build", "neutralise", "restore", "write_html", "write_workbook"]


def __getattr__(name: str):
    if name in ("ReportData", "build"):
        from autoalliance.report import data as module
    elif name in ("neutralise", "restore", "write_workbook"):
        from autoalliance.report import excel as module
    elif name == "write_html":
        from autoalliance.report.html import write

        return write
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(module, name)
