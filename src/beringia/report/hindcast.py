"""The hindcast page: how well the model forecast tunnels that were built (self-contained HTML).

The page has the main report's look and rules: inline CSS, the figures as JSON drawn by
plotly.js inlined once at the end (:mod:`beringia.report.page`), nothing fetched when it
opens (the same Content-Security-Policy), sources as clickable links.
"""

from __future__ import annotations

import math
import os
import statistics
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import plotly.graph_objects as go

from beringia._version import __version__
from beringia.errors import ScenarioError
from beringia.models.reference.assess import PRICE_BASE
from beringia.output import check_output_path, write_atomic
from beringia.pipeline.hindcast_scores import (
    COVERAGE_GOAL,
    INTERVAL_LEVEL,
    LOG_ERROR_GOAL,
    METRICS,
    blind_sentence,
    coverage_interval,
    findings,
    metric_scores,
    not_blind_sentence,
    percentile_text,
    structural_limits,
)
from beringia.report.hindcast_figures import calibration_figure, hindcast_figure, short_title
from beringia.report.page import CONTENT_SECURITY_POLICY, environment, figure_html, plotly_js

if TYPE_CHECKING:
    from beringia.pipeline.hindcast import HindcastCase, HindcastReport

TEMPLATE = "hindcast.html.j2"


def _outside_inside(c: HindcastCase) -> bool | None:
    q, a = c.outside_view_cost_usd_bn, c.actual_cost_usd_bn
    if not q or a is None:
        return None
    return q["p10"] <= a <= q["p90"]


def _scores(report: HindcastReport) -> dict[str, Any]:
    """Return the measured scores of cost and duration, and of the outside view for cost."""
    cases = report.cases
    out: dict[str, Any] = {
        "n": len(cases),
        **{m: metric_scores(cases, m) if report.scored(m) else None for m in METRICS},
        "outside": None,
    }
    with_outside = [
        (c, c.actual_cost_usd_bn)
        for c in cases
        if c.outside_view_cost_usd_bn and c.actual_cost_usd_bn is not None
    ]
    if with_outside:
        m = len(with_outside)
        inside = sum(bool(_outside_inside(c)) for c, _ in with_outside)
        e = statistics.median(
            abs(math.log(c.outside_view_cost_usd_bn["p50"] / a)) for c, a in with_outside
        )
        out["outside"] = {
            "n": m,
            "inside": inside,
            "coverage": inside / m,
            "interval": coverage_interval(inside, m),
            "log_error": e,
        }
    return out


def _inside_rows(c: HindcastCase) -> list[tuple[str, dict[str, float], bool]]:
    """(label, quantiles, actual inside P10-P90) of the inside view, where it differs."""
    rows = []
    for label, q, actual, headline in (
        ("Cost, inside view (USD bn)", c.inside_cost_usd_bn, c.actual_cost_usd_bn, c.cost_usd_bn),
        (
            "Duration, inside view (years)",
            c.inside_duration_years,
            c.actual_duration_years,
            c.duration_years,
        ),
    ):
        if q and q != headline and actual is not None:
            rows.append((label, q, q["p10"] <= actual <= q["p90"]))
    return rows


def _case(c: HindcastCase, draws: int) -> dict[str, Any]:
    return {
        "name": c.name,
        "title": c.title,
        "short": short_title(c),
        "cost": {
            "actual": c.actual_cost_usd_bn,
            "q": c.cost_usd_bn,
            "pct": (
                "–"
                if c.cost_percentile_of_actual is None
                else percentile_text(c.cost_percentile_of_actual, draws)
            ),
            "inside": c.cost_inside,
            "official": c.estimate_at_decision_usd_bn,
        },
        "duration": {
            "actual": c.actual_duration_years,
            "q": c.duration_years,
            "pct": percentile_text(c.duration_percentile_of_actual, draws),
            "inside": c.duration_inside,
            "official": c.programme_years,
        },
        "outside": (
            {"q": c.outside_view_cost_usd_bn, "inside": _outside_inside(c)}
            if c.outside_view_cost_usd_bn
            else None
        ),
        "inside_view": _inside_rows(c),
        "not_blind": c.not_blind,
        "decision_year": c.decision_year,
        "learned_from": c.learned_from,
        "scope": c.cost_scope,
        "start": c.start,
        "end": c.end,
        "source": c.source,
    }


def hindcast_figures(report: HindcastReport) -> dict[str, go.Figure]:
    """Return the hindcast page's figures by key: one per metric, then the calibration.

    Parameters
    ----------
    report : HindcastReport
        The hindcasts.

    Returns
    -------
    dict of str to Figure
        ``hindcast_<metric>`` for each metric and ``hindcast_calibration``.
    """
    figs = {f"hindcast_{m}": hindcast_figure(report, m) for m in METRICS}
    figs["hindcast_calibration"] = calibration_figure(report)
    return figs


def render_hindcast_report(report: HindcastReport, *, notes: Sequence[str] = ()) -> str:
    """Render a hindcast report as one self-contained HTML page.

    Parameters
    ----------
    report : HindcastReport
        The result of :func:`beringia.pipeline.hindcast.run_hindcasts`.
    notes : sequence of str
        Extra paragraphs for the "What the model gets wrong" block (plain text; URLs
        become links), after the sentences computed from the run and the structural limits.

    Returns
    -------
    str
        The HTML document: the measured scores beside their goals (coverage of the P10-P90
        band with its exact interval, bias and spread of the P50, the official forecast's
        error beside the model's) and, next to them, what the run shows the model gets
        wrong (:func:`beringia.pipeline.hindcast_scores.findings`) and how many cases are
        not blind; the calibration chart; one figure per metric; a block per case with
        what in its inputs is not blind, and the sources of its outcome.

    Raises
    ------
    ScenarioError
        If the report has no cases.
    """
    if not report.cases:
        raise ScenarioError("hindcast.cases", "(none)", "a hindcast report needs at least one case")
    figs = {k: figure_html(k, f) for k, f in hindcast_figures(report).items()}
    context = {
        "anchored": report.programme and not report.blind,
        "csp": CONTENT_SECURITY_POLICY,
        "plotly_js": plotly_js(),
        "version": __version__,
        "report": report,
        "price_base": PRICE_BASE,
        "scores": _scores(report),
        "goals": {
            "coverage": COVERAGE_GOAL,
            "log_error": LOG_ERROR_GOAL,
            "log_error_factor": math.exp(LOG_ERROR_GOAL),
            "level": INTERVAL_LEVEL,
        },
        "not_blind": blind_sentence(report) if report.blind else not_blind_sentence(report.cases),
        "blind": report.blind,
        "model_error": report.residual_dict(),
        "findings": findings(report),
        "limits": list(structural_limits(report.blind)),
        "cases": [_case(c, report.draws) for c in report.cases],
        "figures": figs,
        "notes": [n for n in notes if n.strip()],
    }
    return environment().get_template(TEMPLATE).render(context)


def write_hindcast_report(
    report: HindcastReport, path: str | os.PathLike[str], *, notes: Sequence[str] = ()
) -> Path:
    """Render a hindcast report and write it to ``path`` atomically.

    Parameters
    ----------
    report : HindcastReport
        The result of :func:`beringia.pipeline.hindcast.run_hindcasts`.
    path : str or PathLike
        Where to write the HTML; missing parent directories are created.
    notes : sequence of str
        As for :func:`render_hindcast_report`.

    Returns
    -------
    Path
        The path written.

    Raises
    ------
    ScenarioError
        If the report has no cases, or ``path`` cannot hold a regular file (see
        :func:`beringia.output.write_atomic`); nothing is written.
    OSError
        If the path cannot be written; no partial file is left behind.
    """
    check_output_path(path)  # before rendering
    return write_atomic(render_hindcast_report(report, notes=notes), path)


__all__ = [
    "COVERAGE_GOAL",
    "LOG_ERROR_GOAL",
    "render_hindcast_report",
    "write_hindcast_report",
]
