"""Report, workbook and chart outputs of a run.

- :func:`build` runs the available stages and returns :class:`ReportData` (plain tables);
- :func:`write_html` writes the self-contained HTML report (plotly.js embedded, works offline);
- :func:`write_workbook` writes a dataset (and result tables) to an editable .xlsx workbook.
"""

from autoalliance.report.data import ReportData, build
from autoalliance.report.excel import neutralise, restore, write_workbook
from autoalliance.report.html import write as write_html

__all__ = ["ReportData", "build", "neutralise", "restore", "write_html", "write_workbook"]
