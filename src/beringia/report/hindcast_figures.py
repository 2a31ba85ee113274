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
from beringia.report.style import COST_COLOUR, DURATION_COLOUR, empty_figure, layout
from beringia.report.text import DOLLAR, plot_text

if TYPE_CHECKING:
    from beringia.pipeline.hindcast import HindcastCase, HindcastReport

ACTUAL_COLOUR = "#111111"
"""Colour of an actual outcome."""


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
        as known at the 1987 decision"; the case's name when the title is empty.
    """
    text = case.title.strip()
    if text.lower().startswith("hindcast:"):
        text = text[len("hindcast:") :].strip()
    for sep in (" (", ", "):
        text = text.split(sep, 1)[0]
    return text.strip() or case.name


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
    cases = report.cases
    if not cases:
        return empty_figure(title, "no hindcast cases")
    n = len(cases)
    ys = [float(n - 1 - i) for i in range(n)]
    unit = "bn" if is_cost else " years"
    pre = DOLLAR if is_cost else ""
    colour = COST_COLOUR if is_cost else DURATION_COLOUR
    qs = [c.cost_usd_bn if is_cost else c.duration_years for c in cases]
    actual = [c.actual_cost_usd_bn if is_cost else c.actual_duration_years for c in cases]
    pct = [
        c.cost_percentile_of_actual if is_cost else c.duration_percentile_of_actual for c in cases
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
