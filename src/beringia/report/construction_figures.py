"""Plotly figures of the construction model: cost and duration over the draws.

Pure functions: each builds and returns a :class:`plotly.graph_objects.Figure` and writes
nothing. Large per-draw arrays are reduced first (binned histograms, thinned S-curves, the
assessment's scatter sample) so that a report stays small whatever the number of draws.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from beringia.models.reference.claims import ClaimResult
from beringia.pipeline.assessment import Assessment
from beringia.report.reduce import FloatArray, ecdf_points
from beringia.report.style import (
    CLAIM_COLOURS,
    COST_COLOUR,
    CRITICAL_COLOUR,
    DURATION_COLOUR,
    GROUP_COLOURS,
    QUANTILE_COLOUR,
    empty_figure,
    layout,
    legend_entry,
    mark_quantile,
)
from beringia.report.text import DOLLAR, format_percent, plot_text

MARKER_QUANTILES = (("P10", 10.0), ("P50", 50.0), ("P90", 90.0))
LABEL_GAP = 0.06
"""Share of a histogram's range under which two quantile labels would touch."""
"""Quantiles marked on the histograms and S-curves."""
MAX_BINS = 80
"""Most bins of a histogram."""
COMPONENT_LABELS = {
    "machines": "Machines (TBMs)",
    "sites": "Sites, harbours, islands",
    "tunnelling_length": "Tunnelling: per-km costs",
    "tunnelling_time": "Tunnelling: per-heading-day costs",
    "site_overheads": "Site overheads",
    "events": "Rare events",
    "risks": "Named risks (register)",
    "cross_passages": "Cross-passages",
    "fitout": "Fit-out and systems",
    "owner": "Owner's costs",
    "systemic": "Project-wide (systemic) risk",
}
"""Label of each cost component (the keys of ``Assessment.breakdown_usd_bn``)."""


def component_label(key: str) -> str:
    """Return the label of a cost component (its key in words if it has none)."""
    return COMPONENT_LABELS.get(key, key.replace("_", " "))


@dataclass(frozen=True)
class _Axis:
    """What is plotted: one per-draw quantity of the assessment."""

    key: str
    label: str
    unit: str
    colour: str

    def fmt(self, x: float, exact: bool = False) -> str:
        digits = 2 if exact and round(x, 1) != round(x, 2) else 1
        if self.key == "cost":
            return f"{DOLLAR}{x:,.{digits}f}bn"
        return f"{x:,.{digits}f} years"


_COST = _Axis("cost", "Construction cost (USD bn)", "USD bn", COST_COLOUR)
_DURATION = _Axis("duration", "Construction duration (years)", "years", DURATION_COLOUR)


def _limit(claim: ClaimResult, axis: _Axis) -> float | None:
    return claim.max_cost_usd_bn if axis.key == "cost" else claim.max_duration_years


def _window(values: FloatArray) -> tuple[float, float]:
    """Return the range within which a claim limit is drawn to scale next to ``values``."""
    lo, hi = float(np.min(values)), float(np.max(values))
    span = hi - lo if hi > lo else max(abs(hi), 1.0)
    return lo - span, hi + span


def _claim_lines(
    fig: go.Figure, claims: Sequence[ClaimResult], axis: _Axis, values: FloatArray
) -> None:
    """Draw each claim's limit on ``axis`` as a vertical line named in the legend.

    A limit far outside the draws (beyond one spread of the draws from them) is not drawn
    to scale, which would squash the distribution; its legend entry says so.
    """
    lo, hi = _window(values)
    for i, c in enumerate(claims):
        limit = _limit(c, axis)
        if limit is None or c.scope != "tunnel":  # drawn on the tunnel's cost and time only
            continue
        colour = CLAIM_COLOURS[i % len(CLAIM_COLOURS)]
        share = float(np.mean(values <= limit))
        name = (
            f"{plot_text(c.name)}<br>≤ {axis.fmt(limit, exact=True)} "
            f"in {plot_text(format_percent(share, values.size))} of draws"
        )
        line = {"color": colour, "width": 2, "dash": "dot"}
        if lo <= limit <= hi:
            fig.add_vline(x=limit, line=line)
        else:
            name += " (off scale)"
        fig.add_trace(legend_entry(name, line=line))


def _quantile_lines(fig: go.Figure, values: FloatArray, axis: _Axis) -> None:
    """Dashed P10, P50 and P90 lines, named above the plot area and valued in the legend.

    The labels sit above the bars, never over them or a claim's line; labels closer than
    :data:`LABEL_GAP` of the axis to the previous one are raised a line.
    """
    xs = [float(np.percentile(values, q)) for _, q in MARKER_QUANTILES]
    lo, hi = float(np.min(values)), float(np.max(values))
    gap = LABEL_GAP * (hi - lo if hi > lo else 1.0)
    previous: float | None = None
    level = 0
    for (label, _), x in zip(MARKER_QUANTILES, xs, strict=True):
        fig.add_vline(x=x, line={"color": QUANTILE_COLOUR, "width": 1.5, "dash": "dash"})
        level = level + 1 if previous is not None and x - previous < gap and level == 0 else 0
        previous = x
        fig.add_annotation(
            x=x,
            y=1.0,
            xref="x",
            yref="y domain",
            text=label,
            showarrow=False,
            xanchor="center",
            yanchor="bottom",
            yshift=2 + 13 * level,
            font={"color": QUANTILE_COLOUR, "size": 11},
        )
    values_text = ", ".join(axis.fmt(x) for x in xs)
    fig.add_trace(
        legend_entry(
            f"P10, P50, P90: {values_text}",
            line={"color": QUANTILE_COLOUR, "width": 1.5, "dash": "dash"},
        )
    )


def _bins(values: FloatArray) -> FloatArray:
    lo, hi = float(np.min(values)), float(np.max(values))
    if hi - lo <= 1e-9 * max(1.0, abs(hi)):
        # (Nearly) constant: one bin around the value.
        pad = max(abs(hi), 1.0) * 1e-3
        return np.array([lo - pad, hi + pad])
    edges: FloatArray = np.histogram_bin_edges(values, bins="auto")
    if edges.size - 1 > MAX_BINS:
        edges = np.histogram_bin_edges(values, bins=MAX_BINS)
    return edges


def _histogram(a: Assessment, values: FloatArray, axis: _Axis, title: str) -> go.Figure:
    if values.size == 0:
        return empty_figure(title, "no draws")
    counts, edges = np.histogram(values, bins=_bins(values))
    share = 100.0 * counts / values.size
    centres = (edges[:-1] + edges[1:]) / 2
    fig = go.Figure(
        go.Bar(
            x=centres,
            y=share,
            width=np.diff(edges),
            marker={"color": axis.colour, "line": {"width": 0}},
            opacity=0.85,
            name="draws",
            showlegend=False,
            customdata=np.column_stack([edges[:-1], edges[1:], counts]),
            hovertemplate=(
                "%{customdata[0]:,.2f} – %{customdata[1]:,.2f} "
                + axis.unit
                + "<br>%{y:.2f} % of draws (%{customdata[2]:,})<extra></extra>"
            ),
        )
    )
    _quantile_lines(fig, values, axis)
    _claim_lines(fig, a.claims, axis, values)
    fig.update_layout(bargap=0, showlegend=True)
    fig.update_xaxes(title_text=axis.label)
    fig.update_yaxes(title_text="Share of draws (%)", rangemode="tozero")
    return layout(fig, title, 480)


def cost_histogram(a: Assessment) -> go.Figure:
    """Histogram of construction cost over the draws.

    Parameters
    ----------
    a : Assessment
        The assessment; its ``cost_usd_bn`` and ``claims``.

    Returns
    -------
    plotly.graph_objects.Figure
        Share of draws per cost bin, with dashed P10, P50, P90 markers and each claim's
        cost limit as a dotted line labelled with the share of draws within it.
    """
    return _histogram(a, a.cost_usd_bn, _COST, "Construction cost")


def duration_histogram(a: Assessment) -> go.Figure:
    """Histogram of construction duration over the draws.

    Parameters
    ----------
    a : Assessment
        The assessment; its ``duration_years`` and ``claims``.

    Returns
    -------
    plotly.graph_objects.Figure
        Share of draws per duration bin, with dashed P10, P50, P90 markers and each
        claim's duration limit as a dotted line.
    """
    return _histogram(a, a.duration_years, _DURATION, "Construction duration")


def _s_curve(a: Assessment, values: FloatArray, axis: _Axis, title: str) -> go.Figure:
    if values.size == 0:
        return empty_figure(title, "no draws")
    x, p = ecdf_points(values)
    fig = go.Figure(
        go.Scatter(
            x=x,
            y=100.0 * p,
            mode="lines",
            line={"color": axis.colour, "width": 2.5, "shape": "hv"},
            name="share of draws at or below",
            showlegend=False,
            hovertemplate="%{x:,.2f} " + axis.unit + "<br>%{y:.1f} % of draws<extra></extra>",
        )
    )
    for label, q in MARKER_QUANTILES:
        xq = float(np.percentile(values, q))
        mark_quantile(fig, xq, q, f"{label} {axis.fmt(xq)}")
    _claim_lines(fig, a.claims, axis, values)
    fig.update_layout(showlegend=True)
    fig.update_xaxes(title_text=axis.label)
    fig.update_yaxes(title_text="Probability of not exceeding (%)", range=[0, 101])
    return layout(fig, title, 480)


def cost_s_curve(a: Assessment) -> go.Figure:
    """S-curve (empirical CDF) of construction cost.

    Parameters
    ----------
    a : Assessment
        The assessment; its ``cost_usd_bn`` and ``claims``.

    Returns
    -------
    plotly.graph_objects.Figure
        Probability of not exceeding each cost, with P10, P50, P90 and claim limits.
    """
    return _s_curve(a, a.cost_usd_bn, _COST, "Cost S-curve")


def duration_s_curve(a: Assessment) -> go.Figure:
    """S-curve (empirical CDF) of construction duration.

    Parameters
    ----------
    a : Assessment
        The assessment; its ``duration_years`` and ``claims``.

    Returns
    -------
    plotly.graph_objects.Figure
        Probability of not exceeding each duration, with P10, P50, P90 and claim limits.
    """
    return _s_curve(a, a.duration_years, _DURATION, "Duration S-curve")


def scattergram(a: Assessment) -> go.Figure:
    """Time–cost scattergram of a sample of draws, with the claims drawn on it.

    Parameters
    ----------
    a : Assessment
        The assessment; the points are :meth:`Assessment.scatter_sample`.

    Returns
    -------
    plotly.graph_objects.Figure
        One point per sampled draw (cost on x, duration on y), the median draw as a
        star, a box from the origin to (max cost, max duration) for each claim with both
        limits and a line for each claim with one.
    """
    title = "Time–cost scattergram"
    cost, years = a.scatter_sample()
    if cost.size == 0:
        return empty_figure(title, "no draws")
    fig = go.Figure(
        go.Scatter(
            x=cost,
            y=years,
            mode="markers",
            marker={"size": 4, "color": COST_COLOUR, "opacity": 0.35, "line": {"width": 0}},
            name=f"draws ({cost.size:,} of {a.n_draws:,})",
            hovertemplate=DOLLAR + "%{x:,.2f}bn, %{y:,.2f} years<extra></extra>",
        )
    )
    m = a.median_draw
    if 0 <= m < a.n_draws:
        fig.add_trace(
            go.Scatter(
                x=[float(a.cost_usd_bn[m])],
                y=[float(a.duration_years[m])],
                mode="markers",
                marker={
                    "symbol": "star",
                    "size": 16,
                    "color": "#ffb300",
                    "line": {"color": "#333333", "width": 1},
                },
                name=f"median draw (#{m:,})",
                hovertemplate="median draw: "
                + DOLLAR
                + "%{x:,.2f}bn, %{y:,.2f} years<extra></extra>",
            )
        )
    x_hi = _window(cost)[1]
    y_hi = _window(years)[1]
    x_max = float(np.max(cost))
    y_max = float(np.max(years))
    for c in a.claims:
        if c.scope != "tunnel":
            continue
        if c.max_cost_usd_bn is not None and c.max_cost_usd_bn <= x_hi:
            x_max = max(x_max, c.max_cost_usd_bn)
        if c.max_duration_years is not None and c.max_duration_years <= y_hi:
            y_max = max(y_max, c.max_duration_years)
    x_max *= 1.05
    y_max *= 1.05
    for i, c in enumerate(a.claims):
        if c.scope != "tunnel":  # the scatter shows the tunnel's cost and time only
            continue
        colour = CLAIM_COLOURS[i % len(CLAIM_COLOURS)]
        label = f"{plot_text(c.name)}: {plot_text(format_percent(c.probability, a.n_draws))}"
        if c.max_cost_usd_bn is not None and c.max_duration_years is not None:
            fig.add_shape(
                type="rect",
                x0=0,
                y0=0,
                x1=c.max_cost_usd_bn,
                y1=c.max_duration_years,
                line={"color": colour, "width": 2},
                fillcolor=colour,
                opacity=0.12,
                layer="below",
            )
            # claims are named in the legend, never over the draws
            fig.add_trace(
                legend_entry(
                    label,
                    marker={"symbol": "square", "size": 12, "color": colour, "opacity": 0.5},
                )
            )
        elif c.max_cost_usd_bn is not None and c.max_cost_usd_bn <= x_max:
            dotted = {"color": colour, "width": 2, "dash": "dot"}
            fig.add_vline(x=c.max_cost_usd_bn, line=dotted)
            fig.add_trace(legend_entry(label, line=dotted))
        elif c.max_duration_years is not None and c.max_duration_years <= y_max:
            dotted = {"color": colour, "width": 2, "dash": "dot"}
            fig.add_hline(y=c.max_duration_years, line=dotted)
            fig.add_trace(legend_entry(label, line=dotted))
    fig.update_xaxes(title_text=_COST.label, range=[0, x_max])
    fig.update_yaxes(title_text=_DURATION.label, range=[0, y_max])
    return layout(fig, title, 560, legend_top=True)


def cost_breakdown(a: Assessment) -> go.Figure:
    """Mean cost of each component with P10–P90 error bars.

    Parameters
    ----------
    a : Assessment
        The assessment; components are the keys of ``breakdown_usd_bn`` in order.

    Returns
    -------
    plotly.graph_objects.Figure
        Horizontal bars of the mean, whiskers from P10 to P90 (clipped at the mean when
        a skewed component's mean lies outside them; the hover gives the true values).
    """
    title = "Cost breakdown (mean, whiskers P10–P90)"
    keys = list(a.breakdown_usd_bn)
    if not keys or a.n_draws == 0:
        return empty_figure(title, "no cost components")
    labels = [component_label(k) for k in keys]
    stats = np.array(
        [
            [
                float(np.mean(a.breakdown_usd_bn[k])),
                *np.percentile(a.breakdown_usd_bn[k], [10.0, 50.0, 90.0]),
            ]
            for k in keys
        ]
    )
    mean, p10, p50, p90 = stats.T
    fig = go.Figure(
        go.Bar(
            y=labels,
            x=mean,
            orientation="h",
            marker={"color": COST_COLOUR},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": np.maximum(p90 - mean, 0.0),
                "arrayminus": np.maximum(mean - p10, 0.0),
                "color": "#333333",
                "thickness": 1.5,
                "width": 6,
            },
            customdata=np.column_stack([p10, p50, p90]),
            hovertemplate=(
                "%{y}<br>mean &#36;%{x:,.2f}bn<br>P10 &#36;%{customdata[0]:,.2f}bn, "
                "P50 &#36;%{customdata[1]:,.2f}bn, P90 &#36;%{customdata[2]:,.2f}bn<extra></extra>"
            ),
        )
    )
    fig.update_xaxes(title_text="USD bn", rangemode="tozero")
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_layout(showlegend=False)
    return layout(fig, f"{title}; mean total {DOLLAR}{float(np.mean(a.cost_usd_bn)):,.1f}bn", 420)


def _unique_labels(names: Sequence[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n} ({seen[n]})")
    return out


def gantt(a: Assessment) -> go.Figure:
    """Gantt chart of the median draw's schedule.

    Parameters
    ----------
    a : Assessment
        The assessment; bars are ``a.gantt`` in the order given (first on top).

    Returns
    -------
    plotly.graph_objects.Figure
        One horizontal bar per activity from its start to its finish (years from notice
        to proceed), coloured by group, with critical-path activities in red.
    """
    title = f"Schedule of the median draw (#{a.median_draw:,})"
    if not a.gantt:
        return empty_figure(title, "no activities")
    labels = _unique_labels([plot_text(g.name) for g in a.gantt])
    groups = list(dict.fromkeys(g.group for g in a.gantt))
    fig = go.Figure()
    series: list[tuple[str, str, list[int]]] = [
        (
            grp,
            GROUP_COLOURS[j % len(GROUP_COLOURS)],
            [i for i, g in enumerate(a.gantt) if g.group == grp and not g.critical],
        )
        for j, grp in enumerate(groups)
    ]
    series.append(
        ("critical path", CRITICAL_COLOUR, [i for i, g in enumerate(a.gantt) if g.critical])
    )
    for name, colour, idx in series:
        if not idx:
            continue
        bars = [a.gantt[i] for i in idx]
        fig.add_trace(
            go.Bar(
                y=[labels[i] for i in idx],
                x=[b.finish_years - b.start_years for b in bars],
                base=[b.start_years for b in bars],
                orientation="h",
                marker={"color": colour},
                name=name,
                customdata=[[b.group, b.start_years, b.finish_years] for b in bars],
                hovertemplate=(
                    "%{y}<br>%{customdata[0]}: year %{customdata[1]:.2f} to "
                    "%{customdata[2]:.2f} (%{x:.2f} years)<extra></extra>"
                ),
            )
        )
    finish = max(g.finish_years for g in a.gantt)
    fig.add_vline(
        x=finish,
        line={"color": QUANTILE_COLOUR, "width": 1, "dash": "dash"},
        annotation={"text": f"completion {finish:.1f} y", "font": {"size": 11}},
        annotation_position="top left",
    )
    fig.update_layout(barmode="overlay", bargap=0.25)
    fig.update_xaxes(title_text="Years from notice to proceed", rangemode="tozero")
    fig.update_yaxes(
        categoryorder="array",
        categoryarray=labels,
        autorange="reversed",
        automargin=True,
        tickfont={"size": 10},
    )
    return layout(fig, title, max(320, 140 + 18 * len(labels)), legend_top=True)


def tornado(a: Assessment) -> go.Figure:
    """Tornado of the inputs most rank-correlated with cost or duration.

    Parameters
    ----------
    a : Assessment
        The assessment; bars are ``a.tornado`` in the order given (first on top).

    Returns
    -------
    plotly.graph_objects.Figure
        Two horizontal bars per input: Spearman rank correlation with cost and with
        duration, on a fixed axis from -1 to 1.
    """
    title = "What drives the result: rank correlation of inputs"
    if not a.tornado:
        return empty_figure(title, "no sampled inputs (too few draws or a fixed scenario)")
    names = _unique_labels([plot_text(t.input) for t in a.tornado])
    fig = go.Figure()
    for label, colour, vals in (
        ("cost", COST_COLOUR, [t.cost_rank_corr for t in a.tornado]),
        ("duration", DURATION_COLOUR, [t.duration_rank_corr for t in a.tornado]),
    ):
        fig.add_trace(
            go.Bar(
                y=names,
                x=vals,
                orientation="h",
                name=f"with {label}",
                marker={"color": colour},
                hovertemplate="%{y}<br>rank correlation with "
                + label
                + " %{x:+.3f}<extra></extra>",
            )
        )
    fig.update_layout(barmode="group", bargap=0.25, bargroupgap=0.05)
    fig.update_xaxes(title_text="Spearman rank correlation", range=[-1, 1], zeroline=True)
    fig.update_yaxes(autorange="reversed", automargin=True, tickfont={"size": 11})
    return layout(fig, title, max(320, 160 + 44 * len(names)), legend_top=True)


CONSTRUCTION_FIGURES: Mapping[str, Callable[[Assessment], go.Figure]] = {
    "cost_histogram": cost_histogram,
    "duration_histogram": duration_histogram,
    "cost_s_curve": cost_s_curve,
    "duration_s_curve": duration_s_curve,
    "scattergram": scattergram,
    "cost_breakdown": cost_breakdown,
    "gantt": gantt,
    "tornado": tornado,
}
"""Figures of the construction model, by key, in the order the report shows them."""
