"""Every figure of the report, from each model's figure module, by key.

Each figure module lists its figures in one mapping (key to builder); this module says
which sections an assessment has. The keys name the page's elements (``fig-KEY``); a
section whose model did not run (no alignment, no operations, no corridor) has no figures
and the page leaves it out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import plotly.graph_objects as go

from beringia.pipeline.assessment import Assessment
from beringia.report.alignment_figures import ALIGNMENT_FIGURES
from beringia.report.construction_figures import CONSTRUCTION_FIGURES
from beringia.report.corridor_figures import CORRIDOR_FIGURES
from beringia.report.operations_figures import OPERATIONS_FIGURES
from beringia.report.reference_figures import REFERENCE_FIGURES

Builders = Mapping[str, Callable[[Assessment], go.Figure]]

SECTIONS: tuple[tuple[Callable[[Assessment], bool], Builders], ...] = (
    (lambda a: True, CONSTRUCTION_FIGURES),
    (lambda a: a.alignment is not None, ALIGNMENT_FIGURES),
    (lambda a: a.reference is not None, REFERENCE_FIGURES),
    (lambda a: a.operations is not None, OPERATIONS_FIGURES),
    (lambda a: a.corridor is not None, CORRIDOR_FIGURES),
)
"""The page's sections with figures, in page order: when each is shown, and its figures."""


def all_figures(a: Assessment) -> dict[str, go.Figure]:
    """Return every figure of the report, by key, in the order of the page's sections.

    Parameters
    ----------
    a : Assessment
        The assessment; the parts it has (alignment, reference view, operations,
        corridor) decide which sections are drawn.

    Returns
    -------
    dict of str to Figure
        The construction figures, then those of the alignment, the outside view,
        operations and the corridor, each when the assessment has that part.
    """
    return {
        key: build(a) for shown, builders in SECTIONS if shown(a) for key, build in builders.items()
    }
