"""The operations page: the report's operations section alone, for ``beringia operations``.

Written like the full report (one self-contained page, plotly.js inline once, nothing
fetched when it opens), from the result of :func:`beringia.operations` rather than a whole
assessment: the section and figures are the full report's (``_operations.html.j2`` and
:data:`~beringia.report.operations_figures.OPERATIONS_FIGURES`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from beringia._version import __version__
from beringia.errors import ScenarioError
from beringia.models.alignment import AlignmentResult
from beringia.models.operations import OperationsAssessment
from beringia.output import check_output_path, write_atomic
from beringia.report.operations_figures import OPERATIONS_FIGURES, operations_section
from beringia.report.page import CONTENT_SECURITY_POLICY, environment, figure_html, plotly_js
from beringia.scenario.model import Scenario

TEMPLATE = "operations.html.j2"


@dataclass(frozen=True)
class OperationsView:
    """An operations run as the operations figures read it (see ``OperationsRun``)."""

    scenario: Scenario
    operations: OperationsAssessment
    alignment: AlignmentResult | None = None


def render_operations_report(view: OperationsView, *, seed: int) -> str:
    """Render an operations run as one self-contained HTML page.

    Parameters
    ----------
    view : OperationsView
        The scenario, its operations results and its alignment (if any).
    seed : int
        The seed of the run, stated under the title.

    Returns
    -------
    str
        The HTML document: capacity, running times, simulated years and disruptions, and
        the six operations figures, as in the full report's operations section.
    """
    section = operations_section(view)
    if section is None:
        raise ScenarioError("operations", "(missing)", "the scenario has no operations section")
    figures = {k: figure_html(k, build(view)) for k, build in OPERATIONS_FIGURES.items()}
    context = {
        "version": __version__,
        "scenario": view.scenario,
        "seed": seed,
        "csp": CONTENT_SECURITY_POLICY,
        "plotly_js": plotly_js(),
        "figures": figures,
        "operations": section,
    }
    return environment().get_template(TEMPLATE).render(context)


def write_operations_report(
    view: OperationsView, path: str | os.PathLike[str], *, seed: int
) -> Path:
    """Render an operations run and write it to ``path`` atomically.

    Parameters
    ----------
    view : OperationsView
        The scenario, its operations results and its alignment.
    path : str or PathLike
        Where to write the HTML; missing parent directories are created.
    seed : int
        The seed of the run.

    Returns
    -------
    Path
        The path written.

    Raises
    ------
    ScenarioError
        If the scenario has no operations section, or ``path`` cannot hold a regular file
        (see :func:`beringia.output.write_atomic`).
    OSError
        If writing fails; no partial file is left behind.
    """
    check_output_path(path)
    return write_atomic(render_operations_report(view, seed=seed), path)
