"""Self-contained HTML reports of an assessment (plotly figures, Jinja2 template)."""

from beringia.report.html import render_report, write_report

__all__ = ["render_report", "write_report"]
