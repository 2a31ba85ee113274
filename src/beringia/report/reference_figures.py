"""The report's outside-view section: inside against outside cost, real tunnels, key figures.

Pure functions like the other figure modules, with the colours of
:mod:`beringia.report.style`: each builds and returns a
:class:`plotly.graph_objects.Figure` (or what the section shows) and writes nothing.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import plotly.graph_objects as go
from scipy.stats import norm

from beringia.models.reference.assess import ALL_IN, PRICE_BASE_YEAR
from beringia.models.reference.dataset import ReferenceTable, reference_rows, reference_table
from beringia.models.reference.view import ReferenceView
from beringia.pipeline.assessment import Assessment
from beringia.report.reduce import FloatArray, ecdf_points
from beringia.report.style import (
    CLAIM_COLOURS,
    COST_COLOUR,
    empty_figure,
    layout,
    legend_entry,
)
from beringia.report.text import DOLLAR, format_percent, plot_text

OUTSIDE_COLOUR = "#35978f"
"""Colour of the outside view (the reference class's distribution applied to the estimate)."""
UNVERIFIED_COLOUR = "#9a5b00"
"""Outline of reference rows flagged unverified (the colour of the report's badge)."""
STATUS_STYLE: dict[str, tuple[str, str, str]] = {
    "built": ("built", "circle", "#4d4d4d"),
    "under-construction": ("under construction", "square", "#8c8c8c"),
    "proposed": ("proposed", "circle-open", "#6f6f6f"),
}
"""Legend label, marker symbol and colour per status: built and under construction filled,
proposed open."""
CURVE_POINTS = 400
"""Points of the outside view's log-normal curve."""
SCENARIO_NAME = "this scenario: P50, whiskers P10–P90"


def reference_set(a: Assessment) -> ReferenceTable:
    """Return the reference rows the assessment is compared with, in US dollars of 2025.

    Parameters
    ----------
    a : Assessment
        The assessment; its scenario's own reference rows are added to the shipped ones.

    Returns
    -------
    ReferenceTable
        Per-km unit costs only for costs of the whole tunnel (scope ``tunnel``), as the
        reference checks use (:data:`beringia.models.reference.assess.ALL_IN`).
    """
    rows = reference_rows(a.scenario.reference.rows)
    return reference_table(rows, to_year=PRICE_BASE_YEAR, scopes=ALL_IN)


def _outside_cdf(ref: ReferenceView, x: FloatArray) -> FloatArray:
    """Return the outside view's probability of not exceeding each cost in ``x``."""
    u = ref.uplift
    z = (np.log(np.maximum(x, 1e-300) / ref.estimate_usd_bn) - u.mu) / u.sigma
    out: FloatArray = norm.cdf(z)
    return out


def _outside_share(ref: ReferenceView, limit: float) -> float:
    return float(_outside_cdf(ref, np.array([limit], dtype=np.float64))[0])


def outside_view(a: Assessment) -> go.Figure:
    """Inside-view and outside-view cost as two curves of probability of not exceeding.

    Parameters
    ----------
    a : Assessment
        The assessment; its ``reference`` gives the outside view.

    Returns
    -------
    plotly.graph_objects.Figure
        The empirical CDF of the simulated cost (inside view) and the log-normal CDF of the
        outside view (the estimate times the reference class's ratio actual / estimate), each
        with P10, P50 and P90 marked, and each claim's cost limit as a dotted line whose
        legend entry gives the share within it under both views. A placeholder without a
        reference view or draws.
    """
    title = "Inside and outside view of cost"
    ref = a.reference
    if ref is None or a.n_draws == 0:
        return empty_figure(title, "no outside view")
    u = ref.uplift
    out_q = ref.outside_view_cost_usd_bn
    x_in, p_in = ecdf_points(a.cost_usd_bn)
    lo = min(float(x_in[0]), ref.estimate_usd_bn * u.ratio_quantile(0.005))
    hi = max(float(x_in[-1]), ref.estimate_usd_bn * u.ratio_quantile(0.995))
    fig = go.Figure(
        go.Scatter(
            x=x_in,
            y=100.0 * p_in,
            mode="lines",
            line={"color": COST_COLOUR, "width": 2.5, "shape": "hv"},
            name="inside view (the model's draws)",
            hovertemplate=DOLLAR + "%{x:,.2f}bn<br>%{y:.1f} % of draws<extra>inside</extra>",
        )
    )
    x_out = np.geomspace(max(lo, 1e-9), hi, CURVE_POINTS)
    fig.add_trace(
        go.Scatter(
            x=x_out,
            y=100.0 * _outside_cdf(ref, x_out),
            mode="lines",
            line={"color": OUTSIDE_COLOUR, "width": 2.5, "dash": "dash"},
            name=(
                f"outside view (estimate {DOLLAR}{ref.estimate_usd_bn:,.1f}bn × ratio actual / "
                f"estimate of {plot_text(u.label)}, {plot_text(u.source_key)})"
            ),
            hovertemplate=DOLLAR + "%{x:,.2f}bn<br>%{y:.1f} %<extra>outside</extra>",
        )
    )
    in_q = [float(np.percentile(a.cost_usd_bn, q)) for q in (10.0, 50.0, 90.0)]
    o_q = [out_q["p10"], out_q["p50"], out_q["p90"]]
    for label, xs, colour, symbol in (
        ("inside", in_q, COST_COLOUR, "circle"),
        ("outside", o_q, OUTSIDE_COLOUR, "diamond"),
    ):
        # The values in the legend, never as labels over the curves.
        values = ", ".join(f"{DOLLAR}{x:,.1f}bn" for x in xs)
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=[10.0, 50.0, 90.0],
                mode="markers",
                marker={"color": colour, "size": 10, "symbol": symbol},
                name=f"{label} view P10, P50, P90: {values}",
                hovertemplate=f"{label} view P%{{y:.0f}} {DOLLAR}%{{x:,.2f}}bn<extra></extra>",
            )
        )
    span = hi - lo
    for i, c in enumerate(a.claims):
        limit = c.max_cost_usd_bn
        if limit is None:
            continue
        colour = CLAIM_COLOURS[i % len(CLAIM_COLOURS)]
        inside = float(np.mean(a.cost_usd_bn <= limit))
        name = (
            f"{plot_text(c.name)}<br>≤ {DOLLAR}{limit:,.1f}bn: inside "
            f"{plot_text(format_percent(inside, a.n_draws))}, outside "
            f"{plot_text(format_percent(_outside_share(ref, limit)))}"
        )
        line = {"color": colour, "width": 2, "dash": "dot"}
        if lo - span <= limit <= hi + span:
            fig.add_vline(x=limit, line=line)
        else:
            name += " (off scale)"
        fig.add_trace(legend_entry(name, line=line))
    fig.update_xaxes(title_text="Construction cost (USD bn)")
    fig.update_yaxes(title_text="Probability of not exceeding (%)", range=[0, 101])
    fig.update_layout(showlegend=True)
    return layout(fig, title, 560)


def _per_route_km(cost_usd_bn: float, route_km: float) -> float:
    return cost_usd_bn * 1000.0 / route_km


KEY_NAME = "numbers of the key"
"""The reference scatter's trace of point numbers (the key is a table under the figure)."""


def key_numbers(tab: ReferenceTable) -> dict[int, int]:
    """Give each plotted row of the reference set a number, by length (row index to number).

    Parameters
    ----------
    tab : ReferenceTable
        The reference set (:func:`reference_set`).

    Returns
    -------
    dict of int to int
        Each row with a cost per route-km, numbered from the shortest tunnel up (ties by
        name).
    """
    rows = [i for i in range(len(tab)) if math.isfinite(float(tab.usd_m_per_route_km[i]))]
    rows.sort(key=lambda i: (float(tab.length_km[i]), str(tab.names[i])))
    return {i: n for n, i in enumerate(rows, start=1)}


def reference_key(a: Assessment) -> list[dict[str, Any]]:
    """Return the key of the reference scatter: what each numbered point is.

    Parameters
    ----------
    a : Assessment
        The assessment (its reference set, as :func:`reference_scatter` plots it).

    Returns
    -------
    list of dict
        ``number``, ``name``, ``status``, ``length_km``, ``usd_m_per_route_km`` and
        ``unverified``, in the order of the numbers.
    """
    tab = reference_set(a)
    return [
        {
            "number": n,
            "name": str(tab.names[i]),
            "status": str(tab.status[i]),
            "length_km": float(tab.length_km[i]),
            "usd_m_per_route_km": float(tab.usd_m_per_route_km[i]),
            "unverified": bool(tab.unverified[i]),
        }
        for i, n in key_numbers(tab).items()
    ]


def reference_scatter(a: Assessment) -> go.Figure:
    """Cost per route-km against length for the reference tunnels, with the scenario on it.

    Parameters
    ----------
    a : Assessment
        The assessment; the shipped reference rows plus the scenario's own.

    Returns
    -------
    plotly.graph_objects.Figure
        One point per reference row with a cost of the whole tunnel (2025 USD m per route-km
        on a log scale, length in km): built and under construction filled, proposed open,
        unverified rows outlined. The scenario at its route length (P50, whiskers P10 to
        P90) and each claim with a cost limit as a level mark in the claim's colour, when the
        assessment has a reference view.
    """
    title = f"The scenario among real tunnels (cost per route-km, {PRICE_BASE_YEAR} USD)"
    tab = reference_set(a)
    fig = go.Figure()
    have = np.isfinite(tab.usd_m_per_route_km)
    numbers = key_numbers(tab)
    for status, (label, symbol, colour) in STATUS_STYLE.items():
        idx = [i for i in range(len(tab)) if have[i] and tab.status[i] == status]
        if not idx:
            continue
        unv = [bool(tab.unverified[i]) for i in idx]
        filled = not symbol.endswith("-open")
        if filled:
            marker = {
                "symbol": symbol,
                "size": 10,
                "color": colour,
                "line": {
                    "color": [UNVERIFIED_COLOUR if f else "#ffffff" for f in unv],
                    "width": [2.5 if f else 1.0 for f in unv],
                },
            }
        else:
            marker = {
                "symbol": symbol,
                "size": 10,
                "color": [UNVERIFIED_COLOUR if f else colour for f in unv],
                "line": {"width": 2},
            }
        fig.add_trace(
            go.Scatter(
                x=tab.length_km[idx],
                y=tab.usd_m_per_route_km[idx],
                mode="markers",
                marker=marker,
                name=f"{label} ({len(idx)})",
                text=[plot_text(tab.names[i]) for i in idx],
                customdata=[
                    [
                        label,
                        float(tab.cost_usd_bn[i]),
                        float(tab.usd_m_per_bore_km[i]),
                        int(tab.bores[i]),
                        "<br>unverified" if tab.unverified[i] else "",
                    ]
                    for i in idx
                ],
                hovertemplate=(
                    "<b>%{text}</b> (%{customdata[0]})<br>%{x:,.1f} km, %{customdata[3]} bores"
                    "<br>"
                    + DOLLAR
                    + "%{customdata[1]:,.2f}bn<br>"
                    + DOLLAR
                    + "%{y:,.0f}m per route-km, "
                    + DOLLAR
                    + "%{customdata[2]:,.0f}m per bore-km%{customdata[4]}<extra></extra>"
                ),
            )
        )
    if numbers:
        # Each point's number in the key under the figure: the names survive print.
        idx = list(numbers)
        fig.add_trace(
            go.Scatter(
                x=tab.length_km[idx],
                y=tab.usd_m_per_route_km[idx],
                mode="text",
                text=[str(numbers[i]) for i in idx],
                # neighbours in length alternate above and below their points
                textposition=["top right" if numbers[i] % 2 else "bottom right" for i in idx],
                textfont={"size": 10, "color": "#444444"},
                name=KEY_NAME,
                showlegend=False,
                hoverinfo="skip",
            )
        )
    if bool(np.any(tab.unverified & have)):
        fig.add_trace(
            legend_entry(
                "outlined: a figure unverified",
                marker={
                    "symbol": "circle-open",
                    "size": 10,
                    "color": UNVERIFIED_COLOUR,
                    "line": {"width": 2.5},
                },
            )
        )
    ref = a.reference
    if ref is not None and a.n_draws > 0 and ref.route_km > 0:
        km = ref.route_km
        p10, p50, p90 = (
            _per_route_km(float(np.percentile(a.cost_usd_bn, q)), km) for q in (10.0, 50.0, 90.0)
        )
        fig.add_trace(
            go.Scatter(
                x=[km],
                y=[p50],
                mode="markers",
                marker={
                    "symbol": "star",
                    "size": 18,
                    "color": COST_COLOUR,
                    "line": {"color": "#ffffff", "width": 1},
                },
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": [p90 - p50],
                    "arrayminus": [p50 - p10],
                    "color": COST_COLOUR,
                    "thickness": 2,
                    "width": 8,
                },
                name=SCENARIO_NAME,
                customdata=[[p10, p90, p50 * km / ref.bore_km]],
                hovertemplate=(
                    f"<b>{plot_text(a.scenario.name)}</b><br>%{{x:,.1f}} km<br>P50 "
                    + DOLLAR
                    + "%{y:,.0f}m per route-km ("
                    + DOLLAR
                    + "%{customdata[2]:,.0f}m per bore-km)<br>P10–P90 "
                    + DOLLAR
                    + "%{customdata[0]:,.0f}–%{customdata[1]:,.0f}m per route-km<extra></extra>"
                ),
            )
        )
        for i, c in enumerate(a.claims):
            if c.max_cost_usd_bn is None:
                continue
            pct = c.percentile_in_reference
            unit = c.implied_usd_m_per_bore_km
            fig.add_trace(
                go.Scatter(
                    x=[km],
                    y=[_per_route_km(c.max_cost_usd_bn, km)],
                    mode="markers",
                    marker={
                        # A level mark, so that a claim near the scenario's P50 hides no star.
                        "symbol": "line-ew",
                        "size": 26,
                        "color": CLAIM_COLOURS[i % len(CLAIM_COLOURS)],
                        "line": {"color": CLAIM_COLOURS[i % len(CLAIM_COLOURS)], "width": 3.5},
                    },
                    name=f"claim: {plot_text(c.name)}",
                    hovertemplate=(
                        f"<b>{plot_text(c.name)}</b><br>{DOLLAR}{c.max_cost_usd_bn:,.1f}bn over "
                        f"{km:,.1f} km<br>{DOLLAR}%{{y:,.0f}}m per route-km"
                        + (f", {DOLLAR}{unit:,.0f}m per bore-km" if unit is not None else "")
                        + (
                            f"<br>percentile {pct:.0f} of built tunnels per bore-km"
                            if pct is not None
                            else ""
                        )
                        + "<extra></extra>"
                    ),
                )
            )
    if not fig.data:
        return empty_figure(title, "no reference tunnel with a cost of the whole tunnel")
    ys = [float(y) for t in fig.data if t.y is not None for y in t.y if y is not None]
    if ref is not None and a.n_draws > 0 and ref.route_km > 0:
        ys += [
            _per_route_km(float(np.percentile(a.cost_usd_bn, q)), ref.route_km) for q in (10, 90)
        ]
    ticks = log_ticks(min(ys), max(ys))
    fig.update_xaxes(title_text="Tunnel length (km)", rangemode="tozero")
    fig.update_yaxes(
        title_text=f"Cost per route-km ({PRICE_BASE_YEAR} USD m, log scale)",
        type="log",
        tickvals=ticks,
        ticktext=[f"{t:,g}" for t in ticks],
    )
    fig.update_layout(showlegend=True)
    return layout(fig, title, 600)


def log_ticks(lo: float, hi: float) -> list[float]:
    """Return the 1-2-5 ticks of a log axis that cover ``[lo, hi]`` (one beyond each end).

    Parameters
    ----------
    lo, hi : float
        Positive ends of the data.

    Returns
    -------
    list of float
        E.g. ``[5, 10, 20, 50, 100]`` for ``(8, 60)``.
    """
    if not (lo > 0 and hi >= lo and math.isfinite(hi)):
        return []
    out: list[float] = []
    for e in range(math.floor(math.log10(lo)) - 1, math.ceil(math.log10(hi)) + 1):
        for m in (1, 2, 5):
            out.append(float(m * 10.0**e))
    below = [t for t in out if t <= lo]
    above = [t for t in out if t >= hi]
    first = below[-1] if below else out[0]
    last = above[0] if above else out[-1]
    return [round(t, 12) for t in out if first <= t <= last]


REFERENCE_FIGURES: Mapping[str, Callable[[Assessment], go.Figure]] = {
    "outside_view": outside_view,
    "reference_scatter": reference_scatter,
}
"""Figures of the outside-view section, by key, in page order (drawn with a reference view)."""


# --------------------------------------------------------------------------- the section


def outside_view_section(
    a: Assessment,
    inside: dict[str, float],
    forecast: dict[str, float],
    calibrated: dict[str, Any] | None = None,
) -> dict[str, Any] | None:
    """Return what the report's three-views section shows, None without a reference view.

    Parameters
    ----------
    a : Assessment
        The assessment; its ``reference`` view and scenario.
    inside : dict
        Quantiles of the inside view's cost: bottom-up and named risks, no project-wide
        factor (``construction.inside_view.cost_usd_bn`` of ``Assessment.to_dict``).
    forecast : dict
        Quantiles of the headline cost (``construction.cost_usd_bn``).
    calibrated : dict, optional
        ``construction.calibrated_forecast`` of ``Assessment.to_dict``: the inside view times
        the model error learned from blind hindcasts.

    Returns
    -------
    dict or None
        ``rows`` (label, inside, outside, forecast for P10, P50, P90 and the mean), the
        ``estimate`` the uplift applies to, whether the forecast is the inside view, the
        uplift (label, reference class, source, note, flags, published figures, ratio
        quantiles and mean), the scenario's unit cost and its percentile among built tunnels,
        and counts of the reference rows behind the figures.
    """
    ref = a.reference
    if ref is None:
        return None
    u = ref.uplift
    outside = ref.outside_view_cost_usd_bn
    stats = (("P10", "p10"), ("P50 (median)", "p50"), ("P90", "p90"), ("Mean", "mean"))
    cal = calibrated["cost_usd_bn"] if calibrated else None
    rows = [
        (label, inside[k], outside[k], forecast[k], None if cal is None else cal[k])
        for label, k in stats
    ]
    if "p50" in u.published:
        published = ", ".join(f"{k.upper()} +{100 * v:.0f} %" for k, v in u.published.items())
        published = f"published uplifts {published}"
    else:
        published = ", ".join(f"{k} {100 * v:.0f} %" for k, v in u.published.items())
        published = f"published escalation (actual / estimate - 1): {published}"
    table = reference_set(a)
    unit_rows = table.mask() & np.isfinite(table.usd_m_per_bore_km)
    return {
        "rows": rows,
        "calibrated": calibrated,
        "estimate": ref.estimate_usd_bn,
        "forecast_is_inside": inside == forecast,
        "label": u.label,
        "reference_class": u.reference_class,
        "source_key": u.source_key,
        "source": u.source,
        "note": u.note,
        "unverified": u.unverified,
        "published": published,
        "ratio": {k: u.ratio_quantile(p) for k, p in (("p10", 0.1), ("p50", 0.5), ("p90", 0.9))},
        "mean_ratio": u.mean_ratio(),
        "unit": ref.unit_cost_usd_m_per_bore_km,
        "unit_percentile": ref.unit_cost_percentile_in_reference,
        "route_km": ref.route_km,
        "bore_km": ref.bore_km,
        "bores": round(ref.bore_km / ref.route_km) if ref.route_km else 0,
        "built_with_unit_cost": int(np.count_nonzero(unit_rows)),
        "plotted": int(np.count_nonzero(np.isfinite(table.usd_m_per_route_km))),
        "key": reference_key(a),
        "to_year": table.to_year,
    }
