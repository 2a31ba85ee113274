"""Self-contained HTML reports of an assessment and of hindcasts (plotly figures, Jinja2)."""

from beringia.report.hindcast import render_hindcast_report, write_hindcast_report
from beringia.report.html import render_report, write_report

__all__ = ["render_hindcast_report", "render_report", "write_hindcast_report", "write_report"]
