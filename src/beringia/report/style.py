"""How every figure of the report looks: colours, fonts, the common layout and placeholders.

Each figure module draws with these colours and finishes its figure with :func:`layout`, so
that the report reads as one document; a figure with nothing to show is
:func:`empty_figure`. Nothing here knows about an assessment.
"""

from __future__ import annotations

import math
from typing import Any

import plotly.graph_objects as go

COST_COLOUR = "#1f5fa8"
DURATION_COLOUR = "#c0661a"
QUANTILE_COLOUR = "#333333"
"""Dashed P10, P50 and P90 markers, and other neutral reference lines."""
CRITICAL_COLOUR = "#c62828"
CLAIM_COLOURS = ("#b2182b", "#6a3d9a", "#1b7837", "#8c510a", "#01665e", "#762a83")
"""One colour per claim, in the order of the scenario's claims (cycled)."""
GROUP_COLOURS = ("#6c8ebf", "#82b366", "#d6b656", "#9673a6", "#b0b0b0", "#56a0a8", "#d79b00")
"""One colour per group of schedule activities (cycled)."""
SEA_COLOUR = "#d6e8f5"
LAND_COLOUR = "#e9e2c8"
SEABED_COLOUR = "#2b6c9e"
TUNNEL_COLOUR = "#b2182b"
APPROACH_COLOUR = "#777777"
NOTE_COLOUR = "#666666"
"""Small print under a figure, such as the source of a land mask."""
TEMPLATE = "plotly_white"
FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"}
EMPTY_HEIGHT = 200
"""Height in pixels of :func:`empty_figure`."""


LEGEND_ROW_PX = 24
"""Height of one row of a horizontal legend, pixels."""


def layout(fig: go.Figure, title: str, height: int, legend_top: bool = False) -> go.Figure:
    """Give a figure the report's title, template, font, size, margins and legend.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
        The figure, changed in place.
    title : str
        Title, left-aligned above the plot (already escaped for plotly).
    height : int
        Height in pixels.
    legend_top : bool
        A horizontal legend above the plot (with a larger top margin) instead of below it.

    Returns
    -------
    plotly.graph_objects.Figure
        ``fig``, for chaining.
    """
    top = 60
    if legend_top:
        legend = {"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "left", "x": 0.0}
        # room for the legend's rows between the title and the plot (about two entries a row)
        named = sum(1 for t in fig.data if t.name and t.showlegend is not False)
        top = 60 + LEGEND_ROW_PX * max(1, math.ceil(named / 2))
    else:
        legend = {"orientation": "h", "yanchor": "top", "y": -0.2, "xanchor": "left", "x": 0.0}
    fig.update_layout(
        # the title keeps to the top of the figure, above any legend
        title={
            "text": title,
            "x": 0.0,
            "xanchor": "left",
            "yref": "container",
            "y": 1.0,
            "yanchor": "top",
            "pad": {"t": 12},
        },
        template=TEMPLATE,
        font=FONT,
        height=height + (top - 60),
        margin={
            "l": 60,
            "r": MARGIN_LABEL_WIDTH if _has_margin_labels(fig) else 30,
            "t": top,
            "b": 50,
        },
        legend=legend,
    )
    return fig


def empty_figure(title: str, message: str) -> go.Figure:
    """Return a placeholder: a titled figure with only ``message`` in its middle.

    Parameters
    ----------
    title : str
        The title the full figure would have.
    message : str
        Why there is nothing to draw, e.g. ``"no draws"``.

    Returns
    -------
    plotly.graph_objects.Figure
        No traces, hidden axes, :data:`EMPTY_HEIGHT` pixels high.
    """
    fig = go.Figure()
    fig.add_annotation(text=message, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return layout(fig, title, EMPTY_HEIGHT)


def legend_entry(
    name: str,
    *,
    line: dict[str, Any] | None = None,
    marker: dict[str, Any] | None = None,
) -> go.Scatter:
    """Return a trace that draws nothing but a legend entry.

    Lines drawn as layout shapes (``add_vline`` and the like) have no legend entry of their
    own; adding this trace with the same line style names them in the legend.

    Parameters
    ----------
    name : str
        Legend text.
    line : dict, optional
        Line style of the entry (a line entry).
    marker : dict, optional
        Marker style of the entry (a marker entry, used when ``line`` is not given).

    Returns
    -------
    plotly.graph_objects.Scatter
        One point at ``(None, None)``, no hover.
    """
    if line is not None:
        return go.Scatter(x=[None], y=[None], mode="lines", line=line, name=name, hoverinfo="skip")
    return go.Scatter(
        x=[None], y=[None], mode="markers", marker=marker, name=name, hoverinfo="skip"
    )


def mark_quantile(fig: go.Figure, x: float, percent: float, text: str, ax: int = 40) -> None:
    """Mark a quantile on an S-curve: a dashed line across at ``percent``, the value labelled.

    The label stands in the right margin at the line's height, outside the plotted area,
    so that it never covers the curve or a claim's line; a dot marks the point on the
    curve. :func:`layout` widens the right margin for it.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
        An empirical CDF with the share in percent on y; changed in place.
    x : float
        The quantile's value.
    percent : float
        Its level, e.g. 50 for the P50.
    text : str
        The label, e.g. ``"P50 12.3 years"`` (already escaped for plotly).
    ax : int
        Unused (labels once stood beside the curve); kept for callers.
    """
    del ax
    fig.add_hline(y=percent, line={"color": "#999999", "width": 1, "dash": "dash"})
    fig.add_trace(
        go.Scatter(
            x=[x],
            y=[percent],
            mode="markers",
            marker={"color": QUANTILE_COLOUR, "size": 6},
            showlegend=False,
            hoverinfo="skip",
        )
    )
    fig.add_annotation(
        x=1.0,
        y=percent,
        xref="paper",
        yref="y",
        xanchor="left",
        yanchor="middle",
        xshift=6,
        text=text,
        showarrow=False,
        align="left",
        font={"size": 11, "color": QUANTILE_COLOUR},
    )


MARGIN_LABEL_WIDTH = 130
"""Right margin in pixels of a figure with labels beside its plot area (:func:`mark_quantile`)."""


def _has_margin_labels(fig: go.Figure) -> bool:
    return any(
        a.xref == "paper" and a.x is not None and a.x >= 1.0 and a.xanchor == "left"
        for a in fig.layout.annotations
    )


def source_note(fig: go.Figure, text: str, yshift: int) -> None:
    """Write a line of small print under the plot, such as where a map's land comes from.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
        The figure, changed in place.
    text : str
        The note, already escaped for plotly.
    yshift : int
        Pixels below the bottom of the plot area (clear of the x-axis title).
    """
    fig.add_annotation(
        text=text,
        x=0.0,
        y=0.0,
        xref="paper",
        yref="paper",
        xanchor="left",
        yanchor="top",
        yshift=yshift,
        showarrow=False,
        align="left",
        font={"size": 10, "color": NOTE_COLOUR},
    )


def rgba(colour: str, alpha: float) -> str:
    """Return ``#rrggbb`` with an opacity as a CSS ``rgba(...)`` colour.

    Parameters
    ----------
    colour : str
        ``#rrggbb``.
    alpha : float
        Opacity from 0 to 1.

    Returns
    -------
    str
        E.g. ``"rgba(178,24,43,0.35)"``.
    """
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"
