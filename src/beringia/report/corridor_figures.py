"""Plotly figures and key figures of the report's corridor and economics section.

Pure functions like the other figure modules, with the colours of
:mod:`beringia.report.style`: each builds and returns a
:class:`plotly.graph_objects.Figure` (or the plain rows of a table) and writes nothing.
The map is :mod:`beringia.report.corridor_map`'s; per-draw curves are thinned and stored as
32-bit floats.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from beringia.models.corridor.results import CorridorAssessment, ProjectEconomics, RouteDraws
from beringia.models.numfmt import quantile_spread, signed, whole_year
from beringia.pipeline.assessment import Assessment
from beringia.report.corridor_map import corridor_map
from beringia.report.reduce import FloatArray, ecdf_points, f32
from beringia.report.style import (
    QUANTILE_COLOUR,
    TUNNEL_COLOUR,
    empty_figure,
    layout,
    legend_entry,
    rgba,
)
from beringia.report.text import DOLLAR, format_percent, plot_text, spread

MODE_COLOURS = {"rail": "#c0661a", "sea": "#1f5fa8", "sea-nsr": "#35978f"}
"""Colour of a door-to-door mode in the route comparison."""
MODE_LABELS = {"rail": "rail via the tunnel", "sea": "sea", "sea-nsr": "sea, Northern Sea Route"}
PROJECT_COLOURS = {"tunnel": TUNNEL_COLOUR, "corridor": "#6a3d9a"}
PROJECT_LABELS = {"tunnel": "tunnel alone", "corridor": "whole corridor"}
CARRIED_COLOUR = "#1b7837"
CAPACITY_COLOUR = "#333333"
MAX_ECDF_POINTS = 1000
"""Most points of one NPV or break-even curve."""
TERRAIN_LABELS = {"subsea": "subsea (the strait tunnel)"}

# --------------------------------------------------------------------------- routes


def route_pairs(c: CorridorAssessment) -> list[tuple[str, str]]:
    """Return the origin-destination pairs in the order of the routes (first seen first).

    Parameters
    ----------
    c : CorridorAssessment
        The corridor results.

    Returns
    -------
    list of (str, str)
        Each pair once.
    """
    out: list[tuple[str, str]] = []
    for r in c.routes:
        if (r.origin, r.destination) not in out:
            out.append((r.origin, r.destination))
    return out


def _modes(c: CorridorAssessment) -> list[str]:
    seen = {r.mode for r in c.routes}
    return [m for m in ("rail", "sea", "sea-nsr") if m in seen] + sorted(
        seen - {"rail", "sea", "sea-nsr"}
    )


def _pair_label(origin: str, destination: str) -> str:
    return f"{origin} → {destination}"


def route_comparison(a: Assessment) -> go.Figure:
    """Door-to-door days and cost per FEU of every pair, rail against sea.

    Parameters
    ----------
    a : Assessment
        The assessment; its ``corridor.routes``.

    Returns
    -------
    plotly.graph_objects.Figure
        Two panels sharing the pairs (first pair on top): days (left) and USD per FEU
        (right). Per mode one trace per panel with one point per pair at its P50 and a
        horizontal bar from P10 to P90; modes offset within a pair's row. The rail rows'
        hover gives the P50 of the corridor's logit share of the pair. A placeholder
        without a corridor.
    """
    title = "Door to door: rail via the tunnel against sea (P50, bars P10–P90)"
    c = a.corridor
    if c is None or not c.routes:
        return empty_figure(title, "the scenario has no corridor section")
    pairs = route_pairs(c)
    row = {p: i for i, p in enumerate(pairs)}
    modes = _modes(c)
    width = 0.6 / max(1, len(modes))
    fig = make_subplots(
        rows=1,
        cols=2,
        shared_yaxes=True,
        horizontal_spacing=0.04,
    )
    for m_i, mode in enumerate(modes):
        rows = [r for r in c.routes if r.mode == mode]
        offset = (m_i - (len(modes) - 1) / 2) * width
        y = [row[(r.origin, r.destination)] + offset for r in rows]
        colour = MODE_COLOURS.get(mode, "#555555")
        label = MODE_LABELS.get(mode, mode)
        extra = [_route_hover(r) for r in rows]
        for col, (key, unit, fmt) in enumerate(
            (("days", " days", ",.1f"), ("cost", f" {DOLLAR}/FEU", ",.0f")), start=1
        ):
            q = [r.to_dict()["transit_days" if key == "days" else "cost_usd_per_feu"] for r in rows]
            p50 = np.array([v["p50"] for v in q])
            p10 = np.array([v["p10"] for v in q])
            p90 = np.array([v["p90"] for v in q])
            fig.add_trace(
                go.Scatter(
                    x=p50,
                    y=y,
                    mode="markers",
                    marker={"color": colour, "size": 8, "symbol": "diamond"},
                    error_x={
                        "type": "data",
                        "symmetric": False,
                        "array": p90 - p50,
                        "arrayminus": p50 - p10,
                        "color": colour,
                        "thickness": 5,
                        "width": 0,
                    },
                    name=label,
                    legendgroup=mode,
                    showlegend=col == 1,
                    customdata=np.column_stack([p10, p90]),
                    text=extra,
                    hovertemplate=(
                        f"%{{text}}<br>P50 %{{x:{fmt}}}{unit}<br>"
                        f"P10–P90 %{{customdata[0]:{fmt}}}–%{{customdata[1]:{fmt}}}{unit}"
                        "<extra></extra>"
                    ),
                ),
                row=1,
                col=col,
            )
    fig.update_yaxes(
        tickvals=list(range(len(pairs))),
        ticktext=[plot_text(_pair_label(*p)) for p in pairs],
        autorange="reversed",
        row=1,
        col=1,
    )
    fig.update_yaxes(showgrid=False, zeroline=False)
    fig.update_xaxes(title_text="Transit time door to door (days)", row=1, col=1)
    fig.update_xaxes(
        title_text=f"Freight cost door to door ({DOLLAR} per FEU, 2025)",
        tickformat=",d",
        rangemode="tozero",
        row=1,
        col=2,
    )
    fig.update_layout(showlegend=True)
    fig = layout(fig, title, 160 + 30 * len(pairs), legend_top=True)
    fig.update_layout(margin={"l": 190})
    return fig


def _route_hover(r: RouteDraws) -> str:
    text = f"{plot_text(_pair_label(r.origin, r.destination))}, {r.mode}, {r.distance_km:,.0f} km"
    if r.share is not None:
        text += f"<br>rail share P50 {100 * float(np.percentile(r.share, 50)):.1f} %"
    return text


# --------------------------------------------------------------------------- economics


def _projects(c: CorridorAssessment) -> tuple[ProjectEconomics, ProjectEconomics]:
    return c.tunnel, c.corridor


def npv_distribution(a: Assessment) -> go.Figure:
    """Empirical CDF of the NPV of the tunnel alone and of the whole corridor.

    Parameters
    ----------
    a : Assessment
        The assessment; its ``corridor.tunnel`` and ``corridor.corridor``.

    Returns
    -------
    plotly.graph_objects.Figure
        One curve per project (thinned to :data:`MAX_ECDF_POINTS`), the share of draws with
        a positive NPV in its legend entry, and NPV = 0 as a vertical line. A placeholder
        without a corridor.
    """
    title = "Net present value, residual value excluded (2025 USD bn)"
    c = a.corridor
    if c is None:
        return empty_figure(title, "the scenario has no corridor section")
    fig = go.Figure()
    for p in _projects(c):
        if p.npv_usd_bn.size == 0:
            continue
        x, share = ecdf_points(p.npv_usd_bn, MAX_ECDF_POINTS)
        label = PROJECT_LABELS.get(p.name, p.name)
        fig.add_trace(
            go.Scatter(
                x=f32(x),
                y=f32(100.0 * share),
                mode="lines",
                line={"color": PROJECT_COLOURS.get(p.name, "#555555"), "width": 2.5, "shape": "hv"},
                name=f"{label}, financial: NPV &gt; 0 in "
                f"{format_percent(p.p_npv_positive, a.n_draws)} of draws",
                hovertemplate=f"{label}, financial<br>NPV {DOLLAR}%{{x:,.1f}}bn<br>"
                "%{y:.1f} % of draws at or below<extra></extra>",
            )
        )
        if p.economic is None:
            continue
        ex, eshare = ecdf_points(p.economic.npv_usd_bn, MAX_ECDF_POINTS)
        p_econ = float(np.mean(p.economic.npv_usd_bn > 0))
        fig.add_trace(
            go.Scatter(
                x=f32(ex),
                y=f32(100.0 * eshare),
                mode="lines",
                line={
                    "color": PROJECT_COLOURS.get(p.name, "#555555"),
                    "width": 2.0,
                    "shape": "hv",
                    "dash": "dot",
                },
                name=f"{label}, economic: NPV &gt; 0 in "
                f"{format_percent(p_econ, a.n_draws)} of draws",
                hovertemplate=f"{label}, economic<br>NPV {DOLLAR}%{{x:,.1f}}bn<br>"
                "%{y:.1f} % of draws at or below<extra></extra>",
            )
        )
    fig.add_vline(x=0.0, line={"color": QUANTILE_COLOUR, "width": 1.5, "dash": "dash"})
    fig.update_xaxes(title_text="NPV (2025 USD bn): financial (solid), economic (dotted)")
    fig.update_yaxes(title_text="Share of draws at or below (%)", range=[0, 101])
    fig.update_layout(showlegend=True)
    return layout(fig, title, 460, legend_top=True)


def fan_years(p: ProjectEconomics) -> int:
    """Return how many years of the fan chart to draw: up to the last year with cash.

    Parameters
    ----------
    p : ProjectEconomics
        One project.

    Returns
    -------
    int
        One more than the last year in which the P10 or P90 of net cash is not zero (at
        least 1 when there are years at all).
    """
    lo, hi = p.cash_fan_usd_bn["p10"], p.cash_fan_usd_bn["p90"]
    live = np.flatnonzero((lo != 0) | (hi != 0))
    n = int(p.cash_years.size)
    return min(n, int(live[-1]) + 1) if live.size else min(n, 1)


def cash_fan(a: Assessment) -> go.Figure:
    """Fan chart of the yearly net cash flow of both projects.

    Parameters
    ----------
    a : Assessment
        The assessment; its projects' ``cash_fan_usd_bn`` (P10, P50, P90 over draws).

    Returns
    -------
    plotly.graph_objects.Figure
        Per project a shaded band from P10 to P90 of each year's net cash flow (an upper
        P90 line, then the P10 line filled to it) and the P50 line, over years after notice
        to proceed, cut after the last year with cash; the P50 opening year as a dotted
        vertical line. A placeholder without a corridor.
    """
    title = "Net cash flow a year (2025 USD bn): P50, band P10–P90"
    c = a.corridor
    if c is None:
        return empty_figure(title, "the scenario has no corridor section")
    fig = go.Figure()
    for p in _projects(c):
        n = fan_years(p)
        years = f32(p.cash_years[:n])
        colour = PROJECT_COLOURS.get(p.name, "#555555")
        label = PROJECT_LABELS.get(p.name, p.name)
        fan = {k: f32(p.cash_fan_usd_bn[k][:n]) for k in ("p10", "p50", "p90")}
        fig.add_trace(
            go.Scatter(
                x=years,
                y=fan["p90"],
                mode="lines",
                line={"color": colour, "width": 0.5},
                legendgroup=p.name,
                showlegend=False,
                name=f"{label} P90",
                hovertemplate=f"{label} year %{{x:.0f}}: P90 {DOLLAR}%{{y:,.2f}}bn<extra></extra>",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=years,
                y=fan["p10"],
                mode="lines",
                line={"color": colour, "width": 0.5},
                fill="tonexty",
                fillcolor=rgba(colour, 0.18),
                legendgroup=p.name,
                name=f"{label} P10–P90",
                hovertemplate=f"{label} year %{{x:.0f}}: P10 {DOLLAR}%{{y:,.2f}}bn<extra></extra>",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=years,
                y=fan["p50"],
                mode="lines",
                line={"color": colour, "width": 2.5},
                legendgroup=p.name,
                name=f"{label} P50",
                hovertemplate=f"{label} year %{{x:.0f}}: P50 {DOLLAR}%{{y:,.2f}}bn<extra></extra>",
            )
        )
    if c.opening_year.size:
        opening = float(np.percentile(c.opening_year, 50))
        dotted = {"color": QUANTILE_COLOUR, "width": 1.5, "dash": "dot"}
        fig.add_vline(x=opening, line=dotted)
        # named in the legend, never over the fan
        fig.add_trace(legend_entry(f"opening P50: year {whole_year(opening)}", line=dotted))
    fig.add_hline(y=0.0, line={"color": "#999999", "width": 1})
    fig.update_xaxes(title_text="Years after notice to proceed", rangemode="tozero")
    fig.update_yaxes(title_text="Net cash flow (2025 USD bn a year)")
    fig.update_layout(showlegend=True)
    return layout(fig, title, 480, legend_top=True)


def carried_total(c: CorridorAssessment) -> FloatArray:
    """Return the carried TEU a year of both directions together, per draw.

    Parameters
    ----------
    c : CorridorAssessment
        The corridor results.

    Returns
    -------
    ndarray
        Sum over directions of ``carried_teu_per_year`` (the unit of the break-even).
    """
    arrays = list(c.carried_teu_per_year.values())
    if not arrays:
        return np.zeros(c.opening_year.size)
    return np.asarray(np.sum(arrays, axis=0), dtype=np.float64)


def breakeven(a: Assessment) -> go.Figure:
    """Break-even traffic of both projects against the modelled traffic and the capacity.

    Parameters
    ----------
    a : Assessment
        The assessment; its projects' ``breakeven_teu_per_year`` (both directions
        together; infinite where no traffic within capacity pays).

    Returns
    -------
    plotly.graph_objects.Figure
        Per project the empirical CDF of the finite break-even TEU a year as a share of
        all draws (so a curve stops at the share of draws in which some traffic within
        capacity pays, said in its legend entry), the P50 of the carried traffic and the
        capacity of both directions as vertical lines. A placeholder without a corridor.
    """
    title = "Break-even traffic: TEU a year (both directions) that makes the NPV zero"
    c = a.corridor
    if c is None:
        return empty_figure(title, "the scenario has no corridor section")
    fig = go.Figure()
    for p in _projects(c):
        be = p.breakeven_teu_per_year
        n = be.size
        finite = np.sort(be[np.isfinite(be)])
        label = PROJECT_LABELS.get(p.name, p.name)
        share = finite.size / n if n else 0.0
        name = (
            f"{label}: pays within capacity in {format_percent(share, n or None)} of draws "
            f"(never in {format_percent(1 - share, n or None)})"
        )
        if finite.size:
            x, q = ecdf_points(finite, MAX_ECDF_POINTS)
            y = 100.0 * q * share
        else:
            x, y = np.array([np.nan]), np.array([np.nan])
        fig.add_trace(
            go.Scatter(
                x=f32(x),
                y=f32(y),
                mode="lines",
                line={"color": PROJECT_COLOURS.get(p.name, "#555555"), "width": 2.5, "shape": "hv"},
                name=name,
                hovertemplate=f"{label}<br>break-even %{{x:,.0f}} TEU a year<br>"
                "%{y:.1f} % of draws at or below<extra></extra>",
            )
        )
    carried = carried_total(c)
    marks = []
    if carried.size:
        marks.append(
            (
                float(np.percentile(carried, 50)),
                "modelled carried traffic P50",
                CARRIED_COLOUR,
                "dash",
            )
        )
    marks.append(
        (2.0 * c.capacity_teu_per_year, "capacity (both directions)", CAPACITY_COLOUR, "dot")
    )
    for at, label, colour, dash in marks:
        line = {"color": colour, "width": 2, "dash": dash}
        fig.add_vline(x=at, line=line)
        fig.add_trace(legend_entry(f"{label}: {at:,.0f} TEU a year", line=line))
    fig.update_xaxes(title_text="TEU a year, both directions", tickformat=",d", rangemode="tozero")
    fig.update_yaxes(title_text="Share of all draws at or below (%)", range=[0, 101])
    fig.update_layout(showlegend=True)
    fig = layout(fig, title, 500, legend_top=True)
    fig.update_layout(margin={"t": 140})
    return fig


CORRIDOR_FIGURES: Mapping[str, Callable[[Assessment], go.Figure]] = {
    "corridor_map": corridor_map,
    "route_comparison": route_comparison,
    "npv_distribution": npv_distribution,
    "cash_fan": cash_fan,
    "breakeven": breakeven,
}
"""Figures of the corridor and economics section, by key, in page order (drawn with a corridor)."""


# --------------------------------------------------------------------------- tables


def route_rows(c: CorridorAssessment) -> list[dict[str, Any]]:
    """Return one table row per pair and mode, pairs in route order, rail first.

    Parameters
    ----------
    c : CorridorAssessment
        The corridor results.

    Returns
    -------
    list of dict
        Keys ``pair``, ``mode`` (with the months of a seasonal route), ``km`` (to the
        kilometre), ``days`` (``P50 (P10–P90)`` to 0.1 day), ``cost`` (USD per FEU to the
        dollar, same form) and ``share`` (P50 of the rail share as a probability, ``None``
        for sea rows).
    """
    order = {m: i for i, m in enumerate(_modes(c))}
    pair_order = {p: i for i, p in enumerate(route_pairs(c))}
    routes = sorted(c.routes, key=lambda r: (pair_order[(r.origin, r.destination)], order[r.mode]))
    out = []
    for r in routes:
        d = r.to_dict()
        mode = MODE_LABELS.get(r.mode, r.mode)
        if r.season_months:
            mode += f" (months {', '.join(str(m) for m in r.season_months)})"
        out.append(
            {
                "pair": _pair_label(r.origin, r.destination),
                "mode": mode,
                "km": f"{r.distance_km:,.0f}",
                "days": spread(d["transit_days"], ",.1f"),
                "cost": spread(d["cost_usd_per_feu"], ",.0f"),
                "share": None if r.share is None else float(np.percentile(r.share, 50)),
            }
        )
    return out


def _economics_rows(e: dict[str, Any], draws: int | None = None) -> list[tuple[str, str, str]]:
    """Rows of the appraisal table (label, tunnel alone, whole corridor) from ``economics_dict``."""
    t, w = e["tunnel"], e["corridor"]

    def both(f: Any) -> tuple[str, str]:
        return f(t), f(w)

    def rate(key: str) -> Any:
        def one(x: dict[str, Any]) -> str:
            q = x[key]
            if q is None:
                return "none in any draw"
            text = spread(q, ".1f", 100.0) + " %"
            if key == "irr" and x["irr_defined_share"] < 1.0:
                text += (
                    f" where defined ({format_percent(x['irr_defined_share'], draws)} of "
                    "draws); none in the rest: the yearly cash never turns positive, or the "
                    "rate is below −99 %"
                )
            return text

        return one

    def payback(x: dict[str, Any]) -> str:
        pay = x["payback"]
        within = (
            f"{format_percent(pay['p_within_horizon'], draws)} of draws pay back within the horizon"
        )
        if pay["year_if_paid_back"] is None:
            return within
        year = quantile_spread(pay["year_if_paid_back"], whole=True)
        return f"{within}; in those, in year {year}"

    def breakeven_text(x: dict[str, Any]) -> str:
        return (
            f"{spread(x['breakeven_teu_per_year'], ',.0f')}; some traffic within capacity pays "
            f"in {format_percent(x['p_breakeven_within_capacity'], draws)} of draws"
        )

    def ratio(get: Any) -> Any:
        return lambda x: "—" if get(x) is None else spread(get(x), ".2f")

    rows = [
        ("Capex (USD bn)", *both(lambda x: spread(x["capex_usd_bn"], ",.1f"))),
        (
            "Financial NPV, residual value excluded (USD bn)",
            *both(lambda x: spread(x["npv_usd_bn"], ",.1f")),
        ),
        (
            "Share of draws with financial NPV > 0",
            *both(lambda x: format_percent(x["p_npv_positive"], draws)),
        ),
        (
            "Residual value at the horizon, PV (USD bn)",
            *both(lambda x: spread(x["residual_value"]["pv_usd_bn"], ",.1f")),
        ),
        (
            "Residual value / capex (undiscounted)",
            *both(lambda x: spread(x["residual_value"]["share_of_capex"], ".0f", 100.0) + " %"),
        ),
        (
            "Financial NPV with residual value (USD bn)",
            *both(lambda x: spread(x["npv_with_residual_usd_bn"], ",.1f")),
        ),
        ("IRR (real), residual value excluded", *both(rate("irr"))),
        ("IRR (real) with residual value", *both(rate("irr_with_residual"))),
        ("Payback, residual value excluded (years after notice to proceed)", *both(payback)),
        ("Revenue-cost ratio (financial)", *both(ratio(lambda x: x["revenue_cost_ratio"]))),
        ("Break-even (TEU a year, both directions)", *both(breakeven_text)),
        (
            "Fixed operation and maintenance a year (USD m)",
            *both(lambda x: spread(x["fixed_opex_usd_m_per_year"], ",.0f")),
        ),
    ]
    if "economic" in t:
        rows += [
            (
                "Economic: shippers' savings, PV (USD bn)",
                *both(lambda x: spread(x["economic"]["user_benefit_pv_usd_bn"], ",.1f")),
            ),
            (
                "Economic NPV, residual value excluded (USD bn)",
                *both(lambda x: spread(x["economic"]["npv_usd_bn"], ",.1f")),
            ),
            (
                "Share of draws with economic NPV > 0",
                *both(lambda x: format_percent(x["economic"]["p_npv_positive"], draws)),
            ),
            (
                "Economic benefit-cost ratio",
                *both(ratio(lambda x: x["economic"]["benefit_cost_ratio"])),
            ),
        ]
    if "financing" in t:
        f = t["financing"]
        rows.append(
            (
                f"Interest during construction at {100 * f['debt_rate']:.1f} % "
                f"({f['structure']}, USD bn)",
                *both(
                    lambda x: spread(x["financing"]["interest_during_construction_usd_bn"], ",.1f")
                ),
            )
        )
        if "equity_irr" in f:
            rows.append(("PPP equity IRR (real)", *both(rate_fin("equity_irr"))))
            rows.append(
                (
                    "Share of draws meeting the equity's required "
                    f"{100 * f['equity_return_required']:.1f} %",
                    *both(lambda x: format_percent(x["financing"]["p_equity_return_met"], draws)),
                )
            )
    return rows


def rate_fin(key: str) -> Any:
    """Return a formatter of a financing rate's quantiles (``None``: no draw has one)."""

    def one(x: dict[str, Any]) -> str:
        q = x["financing"][key]
        return "none in any draw" if q is None else spread(q, ".1f", 100.0) + " %"

    return one


def _rate_rows(e: dict[str, Any], draws: int | None = None) -> list[dict[str, Any]]:
    """Rows of the fixed-rate NPV table: rate, the P50 NPVs and their P(> 0), the source."""
    out = []
    pairs = zip(e["tunnel"]["npv_at_fixed_rates"], e["corridor"]["npv_at_fixed_rates"], strict=True)
    for t, w in pairs:
        out.append(
            {
                "rate": f"{100 * t['rate']:.1f} %",
                "tunnel": f"{t['npv_usd_bn']['p50']:,.1f} "
                f"({format_percent(t['p_npv_positive'], draws)} > 0)",
                "corridor": f"{w['npv_usd_bn']['p50']:,.1f} "
                f"({format_percent(w['p_npv_positive'], draws)} > 0)",
                "economic": f"{w['economic_npv_usd_bn']['p50']:,.1f} "
                f"({format_percent(w['p_economic_npv_positive'], draws)} > 0)",
                "source": t["source"] + (" [unverified]" if t["unverified"] else ""),
            }
        )
    return out


def _rate_label(e: dict[str, Any]) -> str:
    q = e["discount_rate"]
    if e.get("discount_rate_fixed", False):
        return f"a fixed real discount rate of {100 * q['p50']:.1f} %"
    return (
        f"each draw's own real discount rate (P10–P90 {100 * q['p10']:.1f}–{100 * q['p90']:.1f} %)"
    )


def _benchmark(c: CorridorAssessment) -> dict[str, Any] | None:
    b = c.benchmark
    days = b.get("modelled_days")
    quoted = b.get("quoted_days")
    if not b or not isinstance(days, dict) or not quoted:
        return None
    lo, hi = float(quoted[0]), float(quoted[-1])
    return {
        "origin": str(b.get("origin", "")),
        "destination": str(b.get("destination", "")),
        "km": f"{float(b.get('distance_km', math.nan)):,.0f}",
        "days": spread(days, ",.1f"),
        "quoted": f"{lo:g} to {hi:g}",
        "within": bool(b.get("median_within_quoted", lo <= days["p50"] <= hi)),
        "source": str(b.get("source", "")),
    }


def corridor_section(a: Assessment) -> dict[str, Any] | None:
    """Return what the report's corridor and economics section shows, None without a corridor.

    Parameters
    ----------
    a : Assessment
        The assessment; its ``corridor`` results.

    Returns
    -------
    dict or None
        Formatted from ``a.corridor`` (money in 2025 USD bn, ``P50 (P10–P90)`` strings):
        ``build`` (new-build, upgrade and network km, new-build km by country and by
        terrain), ``key`` rows (label, unit, P10, P50, P90: corridor capex, build years,
        opening year, capacity, demand, carried loaded and empty TEU and the container
        trains they need per direction, discount rate), ``capacity`` (TEU a year per
        direction), ``timetable`` (follows demand or fixed) and ``timetable_teu`` (what the
        operations section's timetable offers a direction), ``economics`` rows (label, tunnel
        alone, whole corridor: capex, financial NPV without and with the residual value and the
        residual value apart, share of NPV > 0, IRR, payback probability and year, revenue-cost
        ratio, break-even, economic NPV and benefit-cost ratio, financing), ``rates`` (the NPV
        at each fixed policy rate, with sources), ``rate_label``, ``value_of_time``,
        ``p_npv`` per project, ``horizon``, ``benchmark`` (or None), ``routes``
        (:func:`route_rows`) and ``assumptions``.
    """
    c = a.corridor
    if c is None:
        return None
    nb = c.new_build
    q = c.corridor_dict()
    e = c.economics_dict()

    def key(label: str, unit: str, x: dict[str, float], fmt: str, scale: float = 1.0) -> list[str]:
        return [label, unit, *(signed(format(scale * x[k], fmt)) for k in ("p10", "p50", "p90"))]

    key_rows = [
        key("Corridor capex (tunnel excluded)", "USD bn", q["capex_usd_bn"], ",.1f"),
        key("Corridor build time", "years", q["build_years"], ",.1f"),
        key(
            "Opening (tunnel and corridor both finished)",
            "years after NTP",
            q["opening_year"],
            ",.0f",
        ),
    ]
    t = q["traffic"]
    flat = {k: t["capacity_teu_per_year_per_direction"] for k in ("p10", "p50", "p90")}
    key_rows.append(key("Capacity of the tunnel, each way", "TEU a year", flat, ",.0f"))
    for d, v in q["demand_teu_per_year"].items():
        key_rows.append(key(f"Demand for the corridor, {d}", "TEU a year", v, ",.0f"))
    carried_label = "min(demand, capacity)" if c.timetable == "demand" else "min(demand, timetable)"
    for d, v in q["carried_teu_per_year"].items():
        key_rows.append(key(f"Carried loaded, {d} = {carried_label}", "TEU a year", v, ",.0f"))
    for d, v in t["empty_teu_per_year"].items():
        key_rows.append(key(f"Empty boxes returned, {d}", "TEU a year", v, ",.0f"))
    for d, v in t["container_trains_per_day"].items():
        if v is not None:
            key_rows.append(key(f"Container trains needed, {d}", "trains a day", v, ",.2f"))
    key_rows.append(key("Real discount rate", "%", e["discount_rate"], ".1f", 100.0))
    be = {p.name: e[p.name]["breakeven_teu_per_year"] for p in _projects(c)}
    return {
        "build": {
            "new_km": nb["new_km"],
            "upgrade_km": nb["upgrade_km"],
            "network_km": nb["total_km"],
            "by_country": sorted(nb["new_by_country"].items(), key=lambda kv: -kv[1]),
            "by_terrain": [
                (TERRAIN_LABELS.get(k, k), v)
                for k, v in sorted(nb["new_by_terrain"].items(), key=lambda kv: -kv[1])
            ],
        },
        "key": key_rows,
        "capacity": f"{c.capacity_teu_per_year:,.0f}",
        "timetable": t["timetable"],
        "timetable_teu": f"{c.timetable_teu_per_year:,.0f}",
        "economics": _economics_rows(e, a.n_draws),
        "rates": _rate_rows(e, a.n_draws),
        "rate_label": _rate_label(e),
        "value_of_time": {
            "usd_per_feu_day": spread(e["value_of_time"]["usd_per_feu_day"], ",.0f"),
            "definition": e["value_of_time"]["definition"],
            "source": e["value_of_time"]["source"],
        },
        "p_npv": {p.name: p.p_npv_positive for p in _projects(c)},
        "breakeven_p50": {k: v["p50"] for k, v in be.items()},
        "horizon": c.horizon_years,
        "benchmark": _benchmark(c),
        "routes": route_rows(c),
        "assumptions": list(c.assumptions),
    }
