"""The sensitivity page: Sobol or Morris indices of each output, with their intervals.

One horizontal bar chart per output: Sobol first-order (S1) and total-order (ST) indices
side by side with their bootstrap intervals as error bars, or Morris mu* with its interval;
the factors with the largest total index (or mu*) first, at most :data:`TOP` of them. The
table of every factor follows, and the page states how the inputs were sampled and how the
model's internal randomness was handled.
"""

from __future__ import annotations

import math
import os
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

import plotly.graph_objects as go

from beringia._version import __version__
from beringia.models.numfmt import fixed, significant
from beringia.output import check_output_path, write_atomic
from beringia.report.page import CONTENT_SECURITY_POLICY, environment, figure_html, plotly_js
from beringia.report.style import layout

if TYPE_CHECKING:
    from beringia.pipeline.sensitivity import OutputIndices, Sensitivity

TEMPLATE = "sensitivity.html.j2"
TOP = 15
"""Factors per chart (those with the largest total index or mu*)."""
ROW_PX = 26


def _finite(x: float) -> float:
    return x if math.isfinite(x) else 0.0


def ranked(sens: Sensitivity, o: OutputIndices) -> list[int]:
    """Return the factor indices of ``o``, largest total index (Sobol) or mu* (Morris) first."""
    key = "ST" if sens.method == "sobol" else "mu_star"
    values = o.indices[key]
    return sorted(range(len(values)), key=lambda i: -_finite(values[i]))


def _bars(sens: Sensitivity, o: OutputIndices) -> go.Figure:
    top = ranked(sens, o)[:TOP][::-1]  # plotly draws the first bar at the bottom
    names = [sens.factors[i].name for i in top]
    fig = go.Figure()
    pairs: tuple[tuple[str, str], ...] = (("ST", "total order ST"), ("S1", "first order S1"))
    if sens.method == "morris":
        pairs = (("mu_star", "mu*"),)
    for key, label in pairs:
        fig.add_trace(
            go.Bar(
                y=names,
                x=[_finite(o.indices[key][i]) for i in top],
                orientation="h",
                name=label,
                error_x={
                    "type": "data",
                    "array": [_finite(o.indices[key + "_conf"][i]) for i in top],
                    "visible": True,
                },
            )
        )
    unit = "" if sens.method == "sobol" else f" ({o.unit} per unit of quantile)"
    fig.update_layout(
        barmode="group",
        xaxis_title=("share of variance" if sens.method == "sobol" else "mu*") + unit,
        yaxis={"automargin": True},
    )
    title = f"{o.label}" + (f" ({o.unit})" if o.unit else "")
    return layout(fig, escape(title), 120 + ROW_PX * len(top) * len(pairs), legend_top=True)


def sensitivity_figures(sens: Sensitivity) -> dict[str, go.Figure]:
    """Return one bar chart per output, by output key."""
    return {o.output: _bars(sens, o) for o in sens.outputs}


def render_sensitivity_report(sens: Sensitivity) -> str:
    """Render the sensitivity page as one self-contained HTML document."""
    figs = [figure_html(f"sens_{i}", f) for i, f in enumerate(sensitivity_figures(sens).values())]
    keys = (
        ("S1", "S1_conf", "ST", "ST_conf")
        if sens.method == "sobol"
        else ("mu_star", "mu_star_conf", "mu", "sigma")
    )
    fmt = (lambda x: fixed(x, 3)) if sens.method == "sobol" else significant
    tables: list[dict[str, Any]] = []
    for o in sens.outputs:
        rows = [
            {"factor": sens.factors[i].name, **{k: fmt(o.indices[k][i]) for k in keys}}
            for i in ranked(sens, o)
        ]
        tables.append(
            {
                "output": o,
                "rows": rows,
                "mean": significant(o.mean),
                "sd": significant(o.sd),
                "noise": None
                if o.noise is None
                else (f"{100 * o.noise.single:.1f} %", f"{100 * o.noise.of_means:.1f} %"),
            }
        )
    context = {
        "csp": CONTENT_SECURITY_POLICY,
        "plotly_js": plotly_js(),
        "version": __version__,
        "sens": sens,
        "figures": figs,
        "keys": keys,
        "tables": tables,
    }
    return environment().get_template(TEMPLATE).render(context)


def write_sensitivity_report(sens: Sensitivity, path: str | os.PathLike[str]) -> Path:
    """Render the sensitivity page and write it to ``path`` atomically (checked first)."""
    check_output_path(path, field="--report")
    return write_atomic(render_sensitivity_report(sens), path, field="--report")


__all__ = ["ranked", "render_sensitivity_report", "sensitivity_figures", "write_sensitivity_report"]
