"""Plotly figures of the hindcast page: what the model forecast for built tunnels, and the truth.

Pure functions like the other figure modules, with the colours of
:mod:`beringia.report.style`: each builds and returns a
:class:`plotly.graph_objects.Figure` and writes nothing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import plotly.graph_objects as go

from beringia.errors import ScenarioError
from beringia.models.reference.assess import PRICE_BASE_YEAR
from beringia.report.reference_figures import OUTSIDE_COLOUR, log_ticks
from beringia.report.style import (
    COST_COLOUR,
    DURATION_COLOUR,
    QUANTILE_COLOUR,
    empty_figure,
    layout,
    legend_entry,
    rgba,
)
from beringia.report.text import DOLLAR, plot_text

if TYPE_CHECKING:
    from beringia.pipeline.hindcast import HindcastCase, HindcastReport

ACTUAL_COLOUR = "#111111"
"""Colour of an actual outcome."""
MAX_NAMED = 8
"""Up to this many cases every dot of the calibration chart is named; beyond it only the dots
outside the P10-P90 band are (the others on hover), so that names never cover dots."""
BAND_COLOUR = "#8c8c8c"
"""Colour of the P10-P90 band on the calibration chart."""


def short_title(case: HindcastCase) -> str:
    """Return a case's title without the ``Hindcast:`` prefix and the qualifiers after it.

    Parameters
    ----------
    case : HindcastCase
        The case.

    Returns
    -------
    str
        E.g. ``"Channel Tunnel"`` for "Hindcast: Channel Tunnel (Folkestone - Coquelles),
        as known at the 1987 decision"; the case's name when the title is empty
        (:attr:`~beringia.pipeline.hindcast.HindcastCase.label`).
    """
    return case.label


def _bars(
    lows: Sequence[float], highs: Sequence[float], ys: Sequence[float]
) -> tuple[list[float | None], list[float | None]]:
    x: list[float | None] = []
    y: list[float | None] = []
    for lo, hi, yy in zip(lows, highs, ys, strict=True):
        x += [lo, hi, None]
        y += [yy, yy, None]
    return x, y


def hindcast_figure(report: HindcastReport, metric: Literal["cost", "duration"]) -> go.Figure:
    """Each case's predicted P10–P90 and P50 against its actual outcome.

    Parameters
    ----------
    report : HindcastReport
        The hindcast cases.
    metric : {"cost", "duration"}
        Construction cost (2025 USD bn, log axis; the outside view drawn below each case)
        or duration (years).

    Returns
    -------
    plotly.graph_objects.Figure
        One row per case (first on top): the predicted P10–P90 as a bar, the P50 as a
        circle and the actual as a black diamond.

    Raises
    ------
    ScenarioError
        If ``metric`` is neither ``"cost"`` nor ``"duration"``.
    """
    if metric not in ("cost", "duration"):
        raise ScenarioError("metric", metric, "allowed: cost, duration")
    is_cost = metric == "cost"
    title = (
        "Construction cost: predicted and actual"
        if is_cost
        else ("Construction duration: predicted and actual")
    )
    cases = report.scored(metric)  # a cost outturn wider than the tunnel is not scored
    if not cases:
        return empty_figure(title, "no hindcast cases")
    n = len(cases)
    ys = [float(n - 1 - i) for i in range(n)]
    unit = "bn" if is_cost else " years"
    pre = DOLLAR if is_cost else ""
    colour = COST_COLOUR if is_cost else DURATION_COLOUR
    qs = [c.cost_usd_bn if is_cost else c.duration_years for c in cases]
    # every case here is scored for the metric, so its actual and percentile are set
    actual = [
        float((c.actual_cost_usd_bn if is_cost else c.actual_duration_years) or 0.0) for c in cases
    ]
    pct = [
        float((c.cost_percentile_of_actual if is_cost else c.duration_percentile_of_actual) or 0.0)
        for c in cases
    ]
    names = [plot_text(short_title(c)) for c in cases]
    fig = go.Figure()
    rows: list[tuple[str, list[dict[str, float]], list[float], str]] = [
        ("model (inside view)", qs, ys, colour)
    ]
    if is_cost:
        with_outside = [i for i, c in enumerate(cases) if c.outside_view_cost_usd_bn]
        if with_outside:
            rows.append(
                (
                    "outside view",
                    [cases[i].outside_view_cost_usd_bn for i in with_outside],
                    [ys[i] - 0.28 for i in with_outside],
                    OUTSIDE_COLOUR,
                )
            )
    for label, q, yy, col in rows:
        bx, by = _bars([d["p10"] for d in q], [d["p90"] for d in q], yy)
        fig.add_trace(
            go.Scatter(
                x=bx,
                y=by,
                mode="lines",
                line={"color": col, "width": 9},
                opacity=0.45,
                name=f"{label}: P10–P90",
                hoverinfo="skip",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=[d["p50"] for d in q],
                y=yy,
                mode="markers",
                marker={
                    "color": col,
                    "size": 11,
                    "symbol": "circle",
                    "line": {"width": 1.5, "color": "#ffffff"},
                },
                name=f"{label}: P50",
                customdata=[[d["p10"], d["p90"]] for d in q],
                hovertemplate=(
                    f"{label}<br>P50 {pre}%{{x:,.2f}}{unit}<br>P10–P90 {pre}"
                    f"%{{customdata[0]:,.2f}}–%{{customdata[1]:,.2f}}{unit}<extra></extra>"
                ),
            )
        )
    fig.add_trace(
        go.Scatter(
            x=actual,
            y=ys,
            mode="markers",
            marker={"color": ACTUAL_COLOUR, "size": 13, "symbol": "diamond"},
            name="actual",
            text=names,
            customdata=pct,
            hovertemplate=(
                f"<b>%{{text}}</b><br>actual {pre}%{{x:,.2f}}{unit}<br>at percentile "
                "%{customdata:.0f} of the model's draws<extra></extra>"
            ),
        )
    )
    values = [v for q in qs for v in (q["p10"], q["p90"])] + actual
    if is_cost:
        values += [
            v
            for c in cases
            if c.outside_view_cost_usd_bn
            for v in (c.outside_view_cost_usd_bn["p10"], c.outside_view_cost_usd_bn["p90"])
        ]
        lo, hi = math.log10(min(values)), math.log10(max(values))
        pad = max(0.05, 0.08 * (hi - lo))
        ticks = log_ticks(min(values), max(values))
        fig.update_xaxes(
            type="log",
            range=[lo - pad, hi + pad],
            tickvals=ticks,
            ticktext=[f"{t:,g}" for t in ticks],
            title_text=f"Construction cost ({PRICE_BASE_YEAR} USD bn, log scale)",
        )
    else:
        fig.update_xaxes(title_text="Construction duration (years)", rangemode="tozero")
    fig.update_yaxes(
        tickvals=ys,
        ticktext=names,
        range=[-0.7, n - 0.4],
        showgrid=False,
        zeroline=False,
        automargin=True,
    )
    fig.update_layout(showlegend=True)
    return layout(fig, title, 170 + 70 * n, legend_top=True)


def _spread_ties(xs: Sequence[float], step: float = 0.13) -> list[float]:
    """Vertical offsets that keep dots at (nearly) the same x from hiding each other."""
    offsets = [0.0] * len(xs)
    seen: dict[int, int] = {}
    for i, x in enumerate(xs):
        key = round(x / 2.5)
        k = seen.get(key, 0)
        seen[key] = k + 1
        offsets[i] = 0.0 if k == 0 else step * ((k + 1) // 2) * (1 if k % 2 else -1)
    return offsets


def calibration_figure(report: HindcastReport) -> go.Figure:
    """Where each actual fell in its predicted distribution, against an even spread.

    A calibrated model puts its actuals anywhere from 0 to 100 with equal chance (the
    probability integral transform of the outcome is uniform): 80 % inside the P10–P90
    band, 10 % on each side. With few cases the dots scatter even then; the expected
    positions of ``n`` evenly spread actuals (``100 i / (n + 1)``) are drawn beside them.

    Parameters
    ----------
    report : HindcastReport
        The hindcast cases.

    Returns
    -------
    plotly.graph_objects.Figure
        Two rows (cost above, duration below): a dot per case at the percentile of its
        actual, named beside it (with more than :data:`MAX_NAMED` cases, only the dots
        outside the band are named); open ticks at the evenly spread positions; the P10–P90
        band shaded; "over-predicted" and "under-predicted" written above the two tails.
    """
    title = "Calibration: where each actual fell in its predicted distribution"
    if not report.cases:
        return empty_figure(title, "no hindcast cases")
    fig = go.Figure()
    fig.add_vrect(x0=10, x1=90, fillcolor=rgba(BAND_COLOUR, 0.14), line_width=0, layer="below")
    fig.add_trace(
        legend_entry(
            "predicted P10–P90 (a calibrated model's actuals fall here 4 times in 5)",
            marker={"color": rgba(BAND_COLOUR, 0.35), "symbol": "square", "size": 14},
        )
    )
    rows = (("cost", 1.0, COST_COLOUR), ("duration", 0.0, DURATION_COLOUR))
    for metric, y0, colour in rows:
        scored = report.scored(metric)  # a cost outturn wider than the tunnel is not scored
        k = len(scored)
        even = [100 * (i + 1) / (k + 1) for i in range(k)]
        fig.add_trace(
            go.Scatter(
                x=even,
                y=[y0] * k,
                mode="markers",
                marker={
                    "symbol": "line-ns-open",
                    "size": 22,
                    "color": QUANTILE_COLOUR,
                    "line": {"width": 1.5},
                },
                opacity=0.55,
                name=f"{k} actual {metric}s spread evenly (a calibrated model, on average)",
                hovertemplate="evenly spread: %{x:.0f}<extra></extra>",
            )
        )
        pct = [
            c.duration_percentile_of_actual
            if metric == "duration"
            else (c.cost_percentile_of_actual or 0.0)  # scored: never None
            for c in scored
        ]
        order = sorted(range(k), key=lambda i: pct[i])
        offsets = _spread_ties([pct[i] for i in order])
        ys = [0.0] * k
        pos = [""] * k
        for rank, (i, off) in enumerate(zip(order, offsets, strict=True)):
            ys[i] = y0 + off
            pos[i] = "top center" if rank % 2 == 0 else "bottom center"
        fig.add_trace(
            go.Scatter(
                x=pct,
                y=ys,
                mode="markers+text",
                marker={"color": colour, "size": 12, "line": {"width": 1.5, "color": "#ffffff"}},
                text=[
                    plot_text(short_title(c))
                    if k <= MAX_NAMED or not 10 <= p <= 90  # with many cases, only the tails
                    else ""
                    for c, p in zip(scored, pct, strict=True)
                ],
                customdata=[plot_text(short_title(c)) for c in scored],
                textposition=pos,
                textfont={"size": 10, "color": colour},
                name=f"actual {metric}",
                hovertemplate=(
                    f"<b>%{{customdata}}</b><br>actual {metric} at percentile %{{x:.1f}} of the "
                    "model's draws<extra></extra>"
                ),
            )
        )
    for x, text in ((5, "over-predicted"), (50, "inside P10–P90"), (95, "under-predicted")):
        fig.add_annotation(
            x=x,
            y=1.0,
            yref="paper",
            yanchor="bottom",
            text=text,
            showarrow=False,
            font={"size": 11, "color": QUANTILE_COLOUR},
        )
    fig.update_xaxes(
        range=[-2, 102],
        tickvals=[0, 10, 25, 50, 75, 90, 100],
        title_text="Percentile of the actual among the model's draws",
        zeroline=False,
    )
    fig.update_yaxes(
        tickvals=[1.0, 0.0],
        ticktext=["cost", "duration"],
        range=[-0.6, 1.6],
        showgrid=False,
        zeroline=False,
        automargin=True,
    )
    fig.update_layout(showlegend=True)
    return layout(fig, title, 330)
