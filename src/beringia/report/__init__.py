"""Self-contained HTML reports of an assessment and of hindcasts (plotly figures, Jinja2).

A shell: it reads the pipeline's :class:`~beringia.pipeline.assessment.Assessment` and the
models' result types, never the kernels of ``beringia.core``. One module per job:

- ``html`` renders the assessment's page, ``hindcast`` the hindcast page,
  ``operations_page`` the operations section alone (``beringia operations --report``);
  ``page`` holds what they share (templates and their filters, plotly.js inline once at the
  end of the page, one figure as a sized ``<div>`` and its JSON, drawn by ``static/plots.js``);
  ``answers`` the first screen's four answers; ``export`` static SVG and PNG images of the
  figures (``--figures``, kaleido with the system Chromium);
- one figure module per model: ``construction_figures``, ``alignment_figures`` (plan map and
  longitudinal profile), ``reference_figures`` (outside view), ``operations_figures``,
  ``corridor_figures`` with ``corridor_map``, and ``hindcast_figures``; each lists its
  figures in one mapping, and ``figures`` says which sections an assessment has;
- shared by the figure modules: ``style`` (colours, layout, placeholders), ``text`` (labels,
  percentages, spreads), ``reduce`` (thinned curves, 32-bit arrays) and ``png`` (small
  raster images as data URIs, by Pillow).
"""

from beringia.report.hindcast import render_hindcast_report, write_hindcast_report
from beringia.report.html import render_report, write_report
from beringia.report.operations_page import (
    OperationsView,
    render_operations_report,
    write_operations_report,
)

__all__ = [
    "OperationsView",
    "render_hindcast_report",
    "render_operations_report",
    "render_report",
    "write_hindcast_report",
    "write_operations_report",
    "write_report",
]
