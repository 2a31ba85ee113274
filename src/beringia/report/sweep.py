"""The sweep page: quantiles and claim probabilities across the points of a sweep.

One varied input gives line charts (P10, P50, P90 of each metric, and each claim's
probability) against it; two give heat maps of the P50 and of each claim's probability over
the grid; a Latin hypercube, or more inputs, gives one scatter of each metric's P50 against
each input. The table of every point follows.
"""

from __future__ import annotations

import os
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

import plotly.graph_objects as go

from beringia._version import __version__
from beringia.errors import ScenarioError
from beringia.output import check_output_path, write_atomic
from beringia.pipeline.compare import METRICS
from beringia.report.page import CONTENT_SECURITY_POLICY, environment, figure_html, plotly_js
from beringia.report.style import layout

if TYPE_CHECKING:
    from beringia.pipeline.sweep import Sweep

TEMPLATE = "sweep.html.j2"
HEIGHT = 380
LABELS = {m.key: f"{m.label} ({m.unit})" for m in METRICS}


def _numeric(sw: Sweep, path: str) -> list[float] | None:
    vals = [p.values[path] for p in sw.points]
    if all(isinstance(v, int | float) for v in vals):
        return [float(v) for v in vals]
    return None


def _lines(sw: Sweep, key: str) -> go.Figure:
    path = sw.paths[0]
    xs = [p.values[path] for p in sw.points]
    fig = go.Figure()
    for q, dash in (("p10", "dot"), ("p50", "solid"), ("p90", "dot")):
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=[p.metrics[key][q] for p in sw.points],
                mode="lines+markers",
                name=q.upper(),
                line={"dash": dash},
            )
        )
    fig.update_layout(xaxis_title=path, yaxis_title=LABELS[key])
    return layout(fig, escape(LABELS[key]), HEIGHT, legend_top=True)


def _claim_lines(sw: Sweep) -> go.Figure:
    path = sw.paths[0]
    xs = [p.values[path] for p in sw.points]
    fig = go.Figure()
    for name in sw.points[0].claims:
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=[100 * p.claims[name] for p in sw.points],
                mode="lines+markers",
                name=name,
            )
        )
    fig.update_layout(xaxis_title=path, yaxis_title="probability (%)")
    return layout(fig, "Claim probabilities", HEIGHT, legend_top=True)


def _heat(sw: Sweep, title: str, value: Any) -> go.Figure:
    a, b = sw.paths[:2]
    xs = sorted({p.values[b] for p in sw.points}, key=str)
    ys = sorted({p.values[a] for p in sw.points}, key=str)
    if all(isinstance(v, int | float) for v in [*xs, *ys]):
        xs, ys = sorted(xs), sorted(ys)
    z: list[list[float | None]] = [[None] * len(xs) for _ in ys]
    for p in sw.points:
        z[ys.index(p.values[a])][xs.index(p.values[b])] = value(p)
    fig = go.Figure(go.Heatmap(x=[str(x) for x in xs], y=[str(y) for y in ys], z=z))
    fig.update_layout(xaxis_title=b, yaxis_title=a)
    return layout(fig, escape(title), HEIGHT)


def _scatter(sw: Sweep, key: str) -> go.Figure:
    fig = go.Figure()
    for path in sw.paths:
        xs = _numeric(sw, path)
        if xs is None:
            continue
        lo, hi = min(xs), max(xs)
        span = hi - lo or 1.0
        fig.add_trace(
            go.Scatter(
                x=[(x - lo) / span for x in xs],
                y=[p.metrics[key]["p50"] for p in sw.points],
                mode="markers",
                name=path,
            )
        )
    fig.update_layout(
        xaxis_title="each input, from its lowest (0) to its highest (1) value",
        yaxis_title=LABELS[key],
    )
    return layout(fig, escape(f"{LABELS[key]}: P50 at each point"), HEIGHT, legend_top=True)


def sweep_figures(sw: Sweep) -> dict[str, go.Figure]:
    """Return the sweep's figures by key (see the module docstring for which)."""
    keys = list(sw.points[0].metrics)
    figs: dict[str, go.Figure] = {}
    if len(sw.paths) == 1 and sw.design == "grid":
        for k in keys:
            figs[k] = _lines(sw, k)
        if sw.points[0].claims:
            figs["claims"] = _claim_lines(sw)
    elif len(sw.paths) == 2 and sw.design == "grid":
        for k in keys:
            figs[k] = _heat(sw, f"{LABELS[k]}: P50", lambda p, k=k: p.metrics[k]["p50"])
        for name in sw.points[0].claims:
            figs[f"claim:{name}"] = _heat(
                sw, f"{name}: probability (%)", lambda p, n=name: 100 * p.claims[n]
            )
    else:
        for k in keys:
            figs[k] = _scatter(sw, k)
    return figs


def render_sweep_report(sw: Sweep) -> str:
    """Render the sweep page as one self-contained HTML document."""
    if not sw.points:
        raise ScenarioError("sweep.points", "(none)", "a sweep page needs at least one point")
    figs = {k: figure_html(f"sweep_{i}", f) for i, (k, f) in enumerate(sweep_figures(sw).items())}
    frame = sw.to_frame()
    context = {
        "csp": CONTENT_SECURITY_POLICY,
        "plotly_js": plotly_js(),
        "version": __version__,
        "sweep": sw,
        "figures": list(figs.values()),
        "columns": list(frame.columns),
        "rows": frame.to_dict(orient="records"),
    }
    return environment().get_template(TEMPLATE).render(context)


def write_sweep_report(sw: Sweep, path: str | os.PathLike[str]) -> Path:
    """Render the sweep page and write it to ``path`` atomically (checked first)."""
    check_output_path(path, field="--report")
    return write_atomic(render_sweep_report(sw), path, field="--report")


__all__ = ["render_sweep_report", "sweep_figures", "write_sweep_report"]
