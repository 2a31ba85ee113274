"""Plotly figures of an :class:`~beringia.pipeline.assessment.Assessment`.

Pure functions: each builds and returns a :class:`plotly.graph_objects.Figure` and writes
nothing. Large per-draw arrays are reduced first (binned histograms, thinned S-curves, the
assessment's scatter sample) so that a report stays small whatever the number of draws.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from numpy.typing import NDArray

from beringia.core.distributions import FloatArray
from beringia.geo.land import land_mask
from beringia.models.alignment import AlignmentResult
from beringia.models.reference.claims import ClaimResult
from beringia.pipeline.assessment import Assessment

COST_COLOUR = "#1f5fa8"
DURATION_COLOUR = "#c0661a"
QUANTILE_COLOUR = "#333333"
CRITICAL_COLOUR = "#c62828"
CLAIM_COLOURS = ("#b2182b", "#6a3d9a", "#1b7837", "#8c510a", "#01665e", "#762a83")
GROUP_COLOURS = ("#6c8ebf", "#82b366", "#d6b656", "#9673a6", "#b0b0b0", "#56a0a8", "#d79b00")
DOLLAR = "&#36;"
"""A dollar sign that plotly never takes for the start of TeX."""
MARKER_QUANTILES = (("P10", 10.0), ("P50", 50.0), ("P90", 90.0))
MAX_BINS = 80
MAX_CURVE_POINTS = 1000
TEMPLATE = "plotly_white"
SEA_COLOUR = "#d6e8f5"
LAND_COLOUR = "#e9e2c8"
WATER_COLOUR = "#9ecae1"
SEABED_COLOUR = "#2b6c9e"
TUNNEL_COLOUR = "#b2182b"
APPROACH_COLOUR = "#777777"
MAP_MARGIN_DEG = 0.3
MAP_ASPECT = 1.7
"""Width over height of the plan map's plot area, in true distances."""
MAX_MAP_CELLS = 400
"""Most land-mask cells drawn along either axis of the plan map (more are subsampled)."""
LAND_GAP_KM = 0.2
"""Land stretches of the profile closer than this are shaded as one."""
MAX_LINE_POINTS = 1500
"""Most points of a route or profile line (the 10 m trace is thinned, keeping shores)."""
FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"}

COMPONENT_LABELS = {
    "machines": "Machines (TBMs)",
    "sites": "Sites, harbours, islands",
    "tunnelling_length": "Tunnelling: per-km costs",
    "tunnelling_time": "Tunnelling: per-heading-day costs",
    "site_overheads": "Site overheads",
    "events": "Rare events",
    "cross_passages": "Cross-passages",
    "fitout": "Fit-out and systems",
    "owner": "Owner's costs",
    "systemic": "Project-wide (systemic) risk",
}


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


def _layout(fig: go.Figure, title: str, height: int, legend_top: bool = False) -> go.Figure:
    if legend_top:
        legend = {"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "left", "x": 0.0}
    else:
        legend = {"orientation": "h", "yanchor": "top", "y": -0.2, "xanchor": "left", "x": 0.0}
    fig.update_layout(
        title={"text": title, "x": 0.0, "xanchor": "left"},
        template=TEMPLATE,
        font=FONT,
        height=height,
        margin={"l": 60, "r": 30, "t": 90 if legend_top else 60, "b": 50},
        legend=legend,
    )
    return fig


def _empty(title: str, message: str) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=message, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig, title, 200)


def _window(values: FloatArray) -> tuple[float, float]:
    """Return the range within which a claim limit is drawn to scale next to ``values``."""
    lo, hi = float(np.min(values)), float(np.max(values))
    span = hi - lo if hi > lo else max(abs(hi), 1.0)
    return lo - span, hi + span


def plot_text(text: str) -> str:
    """Escape text for plotly labels: HTML entities, and ``$`` so it is never TeX.

    Parameters
    ----------
    text : str
        Plain text such as a claim or activity name.

    Returns
    -------
    str
        The text with ``&``, ``<``, ``>`` and ``$`` as HTML entities, which plotly
        renders literally (two ``$`` in a label would otherwise be taken for LaTeX).
    """
    return html.escape(text, quote=False).replace("$", DOLLAR)


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
        if limit is None:
            continue
        colour = CLAIM_COLOURS[i % len(CLAIM_COLOURS)]
        share = float(np.mean(values <= limit))
        name = (
            f"{plot_text(c.name)}<br>≤ {axis.fmt(limit, exact=True)} "
            f"in {100 * share:.1f} % of draws"
        )
        line = {"color": colour, "width": 2, "dash": "dot"}
        if lo <= limit <= hi:
            fig.add_vline(x=limit, line=line)
        else:
            name += " (off scale)"
        fig.add_trace(
            go.Scatter(x=[None], y=[None], mode="lines", line=line, name=name, hoverinfo="skip")
        )


def _quantile_lines(fig: go.Figure, values: FloatArray, axis: _Axis) -> None:
    for label, q in MARKER_QUANTILES:
        x = float(np.percentile(values, q))
        fig.add_vline(x=x, line={"color": QUANTILE_COLOUR, "width": 1.5, "dash": "dash"})
        fig.add_annotation(
            x=x,
            y=1.0,
            xref="x",
            yref="y domain",
            text=f"{label} {axis.fmt(x)}",
            showarrow=False,
            xanchor="left",
            yanchor="top",
            textangle=-90,
            font={"color": QUANTILE_COLOUR, "size": 11},
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
        return _empty(title, "no draws")
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
    return _layout(fig, title, 480)


def cost_histogram(a: Assessment) -> go.Figure:
    """Histogram of construction cost over the draws.

    Parameters
    ----------
    a : Assessment
        The assessment.

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
        The assessment.

    Returns
    -------
    plotly.graph_objects.Figure
        Share of draws per duration bin, with dashed P10, P50, P90 markers and each
        claim's duration limit as a dotted line.
    """
    return _histogram(a, a.duration_years, _DURATION, "Construction duration")


def f32(x: FloatArray) -> NDArray[np.float32]:
    """Store a plotted array in 32 bits: half the bytes in the page, precision to spare."""
    return np.asarray(x, dtype=np.float32)


def ecdf_points(
    values: FloatArray, max_points: int = MAX_CURVE_POINTS
) -> tuple[FloatArray, FloatArray]:
    """Points of the empirical CDF of ``values``, thinned to at most ``max_points``.

    Parameters
    ----------
    values : ndarray
        Per-draw values.
    max_points : int
        Most points returned; the smallest and largest values are always kept.

    Returns
    -------
    x, p : ndarray
        Sorted values and the share of draws at or below each (0 to 1].
    """
    x = np.sort(np.asarray(values, dtype=np.float64))
    n = x.size
    if n == 0:
        return x, x.copy()
    p = np.arange(1, n + 1, dtype=np.float64) / n
    if n > max_points:
        idx = np.unique(np.linspace(0, n - 1, max_points).round().astype(np.int64))
        return x[idx], p[idx]
    return x, p


def _s_curve(a: Assessment, values: FloatArray, axis: _Axis, title: str) -> go.Figure:
    if values.size == 0:
        return _empty(title, "no draws")
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
        fig.add_hline(y=q, line={"color": "#999999", "width": 1, "dash": "dash"})
        xq = float(np.percentile(values, q))
        fig.add_annotation(
            x=xq,
            y=q,
            text=f"{label} {axis.fmt(xq)}",
            showarrow=True,
            arrowhead=0,
            ax=40,
            ay=-18,
            font={"size": 11, "color": QUANTILE_COLOUR},
            bgcolor="rgba(255,255,255,0.8)",
        )
    _claim_lines(fig, a.claims, axis, values)
    fig.update_layout(showlegend=True)
    fig.update_xaxes(title_text=axis.label)
    fig.update_yaxes(title_text="Probability of not exceeding (%)", range=[0, 101])
    return _layout(fig, title, 480)


def cost_s_curve(a: Assessment) -> go.Figure:
    """S-curve (empirical CDF) of construction cost.

    Parameters
    ----------
    a : Assessment
        The assessment.

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
        The assessment.

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
        return _empty(title, "no draws")
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
        if c.max_cost_usd_bn is not None and c.max_cost_usd_bn <= x_hi:
            x_max = max(x_max, c.max_cost_usd_bn)
        if c.max_duration_years is not None and c.max_duration_years <= y_hi:
            y_max = max(y_max, c.max_duration_years)
    x_max *= 1.05
    y_max *= 1.05
    for i, c in enumerate(a.claims):
        colour = CLAIM_COLOURS[i % len(CLAIM_COLOURS)]
        label = f"{plot_text(c.name)}: {100 * c.probability:.1f} %"
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
            fig.add_annotation(
                x=0,
                y=min(c.max_duration_years, y_max),
                text=label,
                showarrow=False,
                xanchor="left",
                yanchor="bottom" if c.max_duration_years < y_max else "top",
                font={"color": colour, "size": 11},
                bgcolor="rgba(255,255,255,0.8)",
            )
        elif c.max_cost_usd_bn is not None and c.max_cost_usd_bn <= x_max:
            fig.add_vline(
                x=c.max_cost_usd_bn,
                line={"color": colour, "width": 2, "dash": "dot"},
                annotation={"text": label, "font": {"color": colour, "size": 11}},
                annotation_position="top left",
            )
        elif c.max_duration_years is not None and c.max_duration_years <= y_max:
            fig.add_hline(
                y=c.max_duration_years,
                line={"color": colour, "width": 2, "dash": "dot"},
                annotation={"text": label, "font": {"color": colour, "size": 11}},
                annotation_position="top left",
            )
    fig.update_xaxes(title_text=_COST.label, range=[0, x_max])
    fig.update_yaxes(title_text=_DURATION.label, range=[0, y_max])
    return _layout(fig, title, 560, legend_top=True)


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
        return _empty(title, "no cost components")
    labels = [COMPONENT_LABELS.get(k, k.replace("_", " ")) for k in keys]
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
    return _layout(fig, f"{title}; mean total {DOLLAR}{float(np.mean(a.cost_usd_bn)):,.1f}bn", 420)


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
        return _empty(title, "no activities")
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
    return _layout(fig, title, max(320, 140 + 18 * len(labels)), legend_top=True)


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
        return _empty(title, "no sampled inputs (too few draws or a fixed scenario)")
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
    return _layout(fig, title, max(320, 160 + 44 * len(names)), legend_top=True)


def _thin(n: int, keep: NDArray[np.intp], max_points: int = MAX_LINE_POINTS) -> NDArray[np.intp]:
    """Return about ``max_points`` evenly spaced indices plus ``keep`` and both ends."""
    base = np.linspace(0, n - 1, min(n, max_points)).round().astype(np.intp)
    keep = keep[(keep >= 0) & (keep < n)]
    return np.unique(np.concatenate([base, keep, np.array([0, n - 1], dtype=np.intp)]))


def _edges(flag: NDArray[np.bool_]) -> NDArray[np.intp]:
    """Return the indices on both sides of every change of ``flag``."""
    e = np.flatnonzero(flag[1:] != flag[:-1])
    return np.concatenate([e, e + 1]).astype(np.intp)


def _at_chainage(al: AlignmentResult, chainage_m: float) -> tuple[float, float]:
    """Latitude and longitude of the trace at a chainage from the west portal."""
    s = al.origin_m + chainage_m
    tr = al.trace
    return float(np.interp(s, tr.s, tr.lat)), float(np.interp(s, tr.s, tr.lon))


def short_source(source: str, max_chars: int = 140) -> str:
    """Shorten a data source for a figure note: URLs dropped, at most ``max_chars``.

    Parameters
    ----------
    source : str
        A source statement such as :attr:`beringia.geo.land.LandMask.source`.
    max_chars : int
        Longest text returned; longer text is cut at a word and ends with an ellipsis.

    Returns
    -------
    str
        The statement without URLs (and without brackets left empty by removing them).
    """
    text = re.sub(r",?\s*https?://[^\s),;]+", "", source)
    text = re.sub(r"\s*\(\s*\)", "", text)
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) > max_chars:
        text = text[: max_chars - 1].rsplit(" ", 1)[0].rstrip(",;") + "…"
    return text


def _land_image(al: AlignmentResult) -> tuple[go.Heatmap, tuple[float, float, float, float], str]:
    """Crop the land mask to the route plus a margin and draw it as a two-colour heatmap."""
    lm = land_mask()
    tr = al.trace
    lat0 = max(float(tr.lat.min()) - MAP_MARGIN_DEG, float(lm.lat[-1]))
    lat1 = min(float(tr.lat.max()) + MAP_MARGIN_DEG, float(lm.lat[0]))
    lon0 = float(tr.lon.min()) - MAP_MARGIN_DEG
    lon1 = float(tr.lon.max()) + MAP_MARGIN_DEG
    # Widen a tall window to the map's aspect, showing more of both shores.
    cos_mid = float(np.cos(np.radians((lat0 + lat1) / 2)))
    extra = MAP_ASPECT * (lat1 - lat0) / cos_mid - (lon1 - lon0)
    if extra > 0:
        lon0, lon1 = lon0 - extra / 2, lon1 + extra / 2
    lon0, lon1 = max(lon0, float(lm.lon[0])), min(lon1, float(lm.lon[-1]))
    rows = np.flatnonzero((lm.lat >= lat0) & (lm.lat <= lat1))
    cols = np.flatnonzero((lm.lon >= lon0) & (lm.lon <= lon1))
    step_r = max(1, int(np.ceil(rows.size / MAX_MAP_CELLS)))
    step_c = max(1, int(np.ceil(cols.size / MAX_MAP_CELLS)))
    rows, cols = rows[::step_r], cols[::step_c]
    dlat = float(lm.lat[0] - lm.lat[1]) * step_r
    dlon = float(lm.lon[1] - lm.lon[0]) * step_c
    z = lm.mask[np.ix_(rows, cols)].astype(np.uint8)
    image = go.Heatmap(
        x=lm.lon[cols] + dlon / 2,  # mask[i, j] covers the cell south-east of (lat, lon)
        y=lm.lat[rows] - dlat / 2,
        z=z,
        zmin=0,
        zmax=1,
        colorscale=[[0.0, SEA_COLOUR], [0.5, SEA_COLOUR], [0.5, LAND_COLOUR], [1.0, LAND_COLOUR]],
        showscale=False,
        hoverinfo="skip",
        name="land mask",
    )
    return image, (lat0, lat1, lon0, lon1), lm.source


def _label_sides(al: AlignmentResult) -> list[str]:
    """Place attack-point labels south-west of the route, islands alternating sides."""
    out, k = [], 0
    for p in al.attack_points:
        if p.kind == "portal":
            out.append("bottom left")
        else:
            out.append("bottom left" if k % 2 == 0 else "bottom right")
            k += 1
    return out


def plan_map(a: Assessment) -> go.Figure:
    """Plan map of the route across the strait, drawn from the shipped land mask.

    Parameters
    ----------
    a : Assessment
        The assessment; its ``alignment`` gives the route.

    Returns
    -------
    plotly.graph_objects.Figure
        Land and sea of the shipped GLOBE window around the route (no map tiles, nothing
        fetched), in degrees with x scaled by the cosine of the latitude so that shapes are
        roughly true. Over it: the route between the waypoints (the tunnel between the
        portals in bold), the waypoints, the attack points at their designed chainages and
        the seabed depth points. A placeholder without an alignment.
    """
    title = "Plan of the route"
    al = a.alignment
    if al is None:
        return _empty(title, "the scenario has no alignment")
    tr = al.trace
    image, (lat0, lat1, lon0, lon1), source = _land_image(al)
    fig = go.Figure(image)
    chain_km = (tr.s - al.origin_m) / 1000.0
    inside = al.profile.inside()
    idx = _thin(tr.s.size, _edges(inside))
    fig.add_trace(
        go.Scatter(
            x=tr.lon[idx],
            y=tr.lat[idx],
            mode="lines",
            line={"color": APPROACH_COLOUR, "width": 2, "dash": "dot"},
            name="route (approaches at the surface)",
            hoverinfo="skip",
        )
    )
    tunnel = idx[inside[idx]]
    fig.add_trace(
        go.Scatter(
            x=tr.lon[tunnel],
            y=tr.lat[tunnel],
            mode="lines",
            line={"color": TUNNEL_COLOUR, "width": 4},
            name=f"tunnel ({al.summary.tunnel_length_km:,.1f} km between the portals)",
            customdata=chain_km[tunnel],
            hovertemplate="chainage %{customdata:,.1f} km<br>%{y:.4f} N, %{x:.4f} E<extra></extra>",
        )
    )
    wp_names = [n for n in al.places_m if n not in {p.name for p in al.attack_points}]
    wp_names = [n for n in wp_names if n not in ("west-shore", "east-shore")]
    wp = [_at_chainage(al, al.places_m[n]) for n in wp_names]
    fig.add_trace(
        go.Scatter(
            x=[p[1] for p in wp],
            y=[p[0] for p in wp],
            mode="markers+text",
            marker={"symbol": "circle-open", "size": 9, "color": "#333333", "line": {"width": 2}},
            text=[plot_text(n) for n in wp_names],
            textposition="top right",
            textfont={"size": 11, "color": "#333333"},
            name="waypoints",
            customdata=[al.places_m[n] / 1000.0 for n in wp_names],
            hovertemplate="%{text}<br>chainage %{customdata:,.1f} km<br>"
            "%{y:.4f} N, %{x:.4f} E<extra></extra>",
        )
    )
    pts = [_at_chainage(al, p.chainage_km * 1000.0) for p in al.attack_points]
    fig.add_trace(
        go.Scatter(
            x=[p[1] for p in pts],
            y=[p[0] for p in pts],
            mode="markers+text",
            marker={
                "symbol": ["square" if p.kind == "portal" else "diamond" for p in al.attack_points],
                "size": 12,
                "color": TUNNEL_COLOUR,
                "line": {"color": "#ffffff", "width": 1},
            },
            text=[plot_text(p.name) for p in al.attack_points],
            textposition=_label_sides(al),
            textfont={"size": 11, "color": TUNNEL_COLOUR},
            name="attack points (portals ■, islands ◆)",
            customdata=[[p.kind, p.chainage_km] for p in al.attack_points],
            hovertemplate="%{text} (%{customdata[0]})<br>chainage %{customdata[1]:,.1f} km<br>"
            "%{y:.4f} N, %{x:.4f} E<extra></extra>",
        )
    )
    if al.depth_points:
        dps = [_at_chainage(al, c) for _, c, _ in al.depth_points]
        fig.add_trace(
            go.Scatter(
                x=[p[1] for p in dps],
                y=[p[0] for p in dps],
                mode="markers+text",
                marker={"symbol": "triangle-down", "size": 10, "color": SEABED_COLOUR},
                text=[f"{d:g} m" for _, _, d in al.depth_points],
                textposition="top right",
                textfont={"size": 10, "color": SEABED_COLOUR},
                name="seabed depth points",
                customdata=[[plot_text(n), c / 1000.0] for n, c, _ in al.depth_points],
                hovertemplate="%{customdata[0]}: depth %{text}<br>chainage "
                "%{customdata[1]:,.1f} km<extra></extra>",
            )
        )
    fig.add_annotation(
        text="Land and sea: " + plot_text(short_source(source)),
        x=0.0,
        y=0.0,
        xref="paper",
        yref="paper",
        xanchor="left",
        yanchor="top",
        yshift=-45,
        showarrow=False,
        align="left",
        font={"size": 10, "color": "#666666"},
    )
    mid = np.radians((lat0 + lat1) / 2)
    fig.update_xaxes(
        title_text="Longitude (°, negative = west)",
        range=[lon0, lon1],
        constrain="domain",
        showgrid=False,
        ticksuffix="°",
    )
    fig.update_yaxes(
        title_text="Latitude (° N)",
        range=[lat0, lat1],
        scaleanchor="x",
        scaleratio=1.0 / float(np.cos(mid)),
        constrain="domain",
        showgrid=False,
        ticksuffix="°",
    )
    fig.update_layout(showlegend=True, plot_bgcolor=SEA_COLOUR)
    # A page about 1000 px wide: tall enough for the true-aspect map, within limits.
    aspect = (lat1 - lat0) / ((lon1 - lon0) * float(np.cos(mid)))
    height = int(min(800, max(420, 1000 * aspect + 200)))
    fig = _layout(fig, title, height, legend_top=True)
    fig.update_layout(margin={"b": 80})
    return fig


def _runs(flag: NDArray[np.bool_], x: FloatArray, min_gap: float) -> list[tuple[int, int]]:
    """Return the first and last index of every run of True in ``flag``.

    Runs less than ``min_gap`` apart in ``x`` are merged into one.
    """
    padded = np.concatenate([[False], flag, [False]]).astype(np.int8)
    d = np.diff(padded)
    runs: list[tuple[int, int]] = []
    for j0, j1 in zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1) - 1, strict=True):
        if runs and x[j0] - x[runs[-1][1]] < min_gap:
            runs[-1] = (runs[-1][0], int(j1))
        else:
            runs.append((int(j0), int(j1)))
    return runs


def longitudinal_profile(a: Assessment) -> go.Figure:
    """Longitudinal section of the designed tunnel: sea, seabed, crown and invert.

    Parameters
    ----------
    a : Assessment
        The assessment; its ``alignment`` gives the profile.

    Returns
    -------
    plotly.graph_objects.Figure
        Elevation (m above sea level) over chainage (km from the west portal), a little
        beyond both portals: the sea down to the seabed where there is sea, land stretches
        as shaded bands (their ground level is not modelled), the tunnel between its crown
        and invert (crown less the bore diameter), the attack points and shores as vertical
        lines, and the lowest invert and steepest gradient. A placeholder without an
        alignment.
    """
    title = "Longitudinal profile"
    al = a.alignment
    if al is None:
        return _empty(title, "the scenario has no alignment")
    tr, pr, sm = al.trace, al.profile, al.summary
    length_km = pr.length_m / 1000.0
    pad = max(2.0, 0.04 * length_km)
    x_lo, x_hi = -pad, length_km + pad
    chain = (tr.s - al.origin_m) / 1000.0
    shown = np.flatnonzero((chain >= x_lo) & (chain <= x_hi))
    i0, i1 = int(shown[0]), int(shown[-1])
    x_all = chain[i0 : i1 + 1]
    land = al.is_land[i0 : i1 + 1]
    inside = pr.inside()[i0 : i1 + 1]
    crown = pr.crown_z[i0 : i1 + 1]
    invert_all = crown - al.bore_diameter_m
    low = int(np.argmin(np.where(inside, invert_all, np.inf)))
    idx = _thin(x_all.size, np.concatenate([_edges(land), _edges(inside), [low]]).astype(np.intp))
    x = x_all[idx]
    fig = go.Figure()
    for j0, j1 in _runs(land, x_all, LAND_GAP_KM):
        fig.add_vrect(
            x0=float(x_all[j0]),
            x1=float(x_all[j1]),
            fillcolor=LAND_COLOUR,
            opacity=0.8,
            line={"width": 0},
            layer="below",
            annotation={"text": "land", "font": {"size": 10, "color": "#7a6a3a"}},
            annotation_position="bottom",
        )
    depth = -al.seabed[i0 : i1 + 1][idx]
    fig.add_trace(
        go.Scatter(
            x=x,
            y=depth,
            mode="lines",
            line={"color": SEABED_COLOUR, "width": 2},
            fill="tozeroy",
            fillcolor="rgba(158, 202, 225, 0.45)",
            connectgaps=False,
            name="seabed (sea above)",
            hovertemplate="chainage %{x:,.2f} km<br>seabed %{y:,.0f} m<extra></extra>",
        )
    )
    tin = idx[inside[idx]]
    fig.add_trace(
        go.Scatter(
            x=x_all[tin],
            y=invert_all[tin],
            mode="lines",
            line={"color": TUNNEL_COLOUR, "width": 1},
            name=f"invert (crown − {al.bore_diameter_m:g} m bore)",
            hovertemplate="chainage %{x:,.2f} km<br>invert %{y:,.1f} m<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=x_all[tin],
            y=crown[tin],
            mode="lines",
            line={"color": TUNNEL_COLOUR, "width": 2.5},
            fill="tonexty",
            fillcolor="rgba(178, 24, 43, 0.35)",
            name="tunnel crown",
            hovertemplate="chainage %{x:,.2f} km<br>crown %{y:,.1f} m<extra></extra>",
        )
    )
    if al.depth_points:
        fig.add_trace(
            go.Scatter(
                x=[c / 1000.0 for _, c, _ in al.depth_points],
                y=[-d for _, _, d in al.depth_points],
                mode="markers",
                marker={"symbol": "triangle-down", "size": 9, "color": SEABED_COLOUR},
                name="seabed depth points",
                text=[plot_text(n) for n, _, _ in al.depth_points],
                hovertemplate="%{text}<br>chainage %{x:,.1f} km, depth %{y:,.0f} m<extra></extra>",
            )
        )
    fig.add_hline(y=0, line={"color": SEABED_COLOUR, "width": 1})
    for p in al.attack_points:
        fig.add_vline(
            x=p.chainage_km,
            line={"color": TUNNEL_COLOUR, "width": 1, "dash": "dot"},
            annotation={
                "text": plot_text(p.name),
                "font": {"size": 10, "color": TUNNEL_COLOUR},
                "textangle": -90,
            },
            annotation_position="top left",
        )
    for shore, side in (("west-shore", "bottom right"), ("east-shore", "bottom left")):
        if shore in al.places_m:
            fig.add_vline(
                x=al.places_m[shore] / 1000.0,
                line={"color": SEABED_COLOUR, "width": 1, "dash": "dash"},
                annotation={
                    "text": shore.replace("-", " "),
                    "font": {"size": 10, "color": SEABED_COLOUR},
                    "textangle": -90,
                },
                annotation_position=side,
            )
    fig.add_annotation(
        x=float(x_all[low]),
        y=float(invert_all[low]),
        text=(
            f"lowest invert {invert_all[low]:,.1f} m "
            f"({sm.max_water_pressure_bar:,.1f} bar water pressure)"
        ),
        showarrow=True,
        arrowhead=2,
        ax=0,
        ay=40,
        font={"size": 11, "color": TUNNEL_COLOUR},
        bgcolor="rgba(255,255,255,0.85)",
    )
    y_lo = float(np.nanmin(invert_all[inside])) - 25.0
    y_hi = max(30.0, float(np.nanmax(crown[inside])) + 20.0)
    fig.update_xaxes(title_text="Chainage from the west portal (km)", range=[x_lo, x_hi])
    fig.update_yaxes(title_text="Elevation above sea level (m)", range=[y_lo, y_hi])
    fig.update_layout(showlegend=True)
    fig = _layout(
        fig,
        f"{title}: tunnel {sm.tunnel_length_km:,.1f} km ({sm.undersea_length_km:,.1f} km under "
        f"the sea), steepest gradient {sm.max_gradient_permille:.1f} ‰, lowest invert "
        f"{invert_all[low]:,.1f} m",
        520,
        legend_top=True,
    )
    fig.update_layout(legend={"traceorder": "normal"})
    return fig


def all_figures(a: Assessment) -> dict[str, go.Figure]:
    """Every figure of the report, by key.

    Parameters
    ----------
    a : Assessment
        The assessment.

    Returns
    -------
    dict of str to Figure
        Keys ``cost_histogram``, ``duration_histogram``, ``cost_s_curve``,
        ``duration_s_curve``, ``scattergram``, ``cost_breakdown``, ``gantt``, ``tornado``,
        and, when the assessment has an alignment, ``plan_map`` and ``longitudinal_profile``.
    """
    figs = {
        "cost_histogram": cost_histogram(a),
        "duration_histogram": duration_histogram(a),
        "cost_s_curve": cost_s_curve(a),
        "duration_s_curve": duration_s_curve(a),
        "scattergram": scattergram(a),
        "cost_breakdown": cost_breakdown(a),
        "gantt": gantt(a),
        "tornado": tornado(a),
    }
    if a.alignment is not None:
        figs["plan_map"] = plan_map(a)
        figs["longitudinal_profile"] = longitudinal_profile(a)
    return figs
