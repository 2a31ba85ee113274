"""Every figure of the report, from each model's figure module, by key.

The keys name the page's elements (``fig-KEY``); a section whose model did not run (no
alignment, no operations, no corridor) has no figures and the page leaves it out.
"""

from __future__ import annotations

import plotly.graph_objects as go

from beringia.pipeline.assessment import Assessment
from beringia.report.alignment_figures import alignment_figures
from beringia.report.construction_figures import construction_figures
from beringia.report.corridor_figures import corridor_figures
from beringia.report.operations_figures import operations_figures
from beringia.report.reference_figures import reference_figures


def all_figures(a: Assessment) -> dict[str, go.Figure]:
    """Return every figure of the report, by key, in the order of the page's sections.

    Parameters
    ----------
    a : Assessment
        The assessment.

    Returns
    -------
    dict of str to Figure
        The construction figures, then those of the alignment, the outside view,
        operations and the corridor, each when the assessment has that part.
    """
    figs = construction_figures(a)
    for section in (alignment_figures, reference_figures, operations_figures, corridor_figures):
        figs.update(section(a))
    return figs
