"""The hindcast page: how well the model forecast tunnels that were built (self-contained HTML).

The page has the main report's look and rules: plotly.js inline once, inline CSS, nothing
fetched when it opens (the same Content-Security-Policy), sources as clickable links.
"""

from __future__ import annotations

import math
import os
import statistics
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from beringia._version import __version__
from beringia.errors import ScenarioError
from beringia.models.reference.assess import PRICE_BASE
from beringia.output import check_output_path, write_atomic
from beringia.report.hindcast_figures import hindcast_figure, short_title
from beringia.report.page import CONTENT_SECURITY_POLICY, environment, figure_html, plotly_js

if TYPE_CHECKING:
    from beringia.pipeline.hindcast import HindcastCase, HindcastReport

TEMPLATE = "hindcast.html.j2"
COVERAGE_GOAL = 0.80
"""Goal for the share of cases whose actual lies inside the predicted P10-P90 (issue 4).

An honest P10-P90 band holds the outcome four times in five."""
LOG_ERROR_GOAL = 0.25
"""Goal for the median over cases of ``|ln(P50 / actual)|`` (issue 4): within a factor of
about 1.28 either way."""


def _outside_inside(c: HindcastCase) -> bool | None:
    q = c.outside_view_cost_usd_bn
    if not q:
        return None
    return q["p10"] <= c.actual_cost_usd_bn <= q["p90"]


def _score(value: float, goal: float, higher_is_better: bool) -> dict[str, Any]:
    ok = value >= goal if higher_is_better else value <= goal
    return {"value": value, "pass": bool(ok)}


def _scores(report: HindcastReport) -> dict[str, Any]:
    """Coverage and log error of the model, and of the outside view for cost."""
    cases = report.cases
    n = len(cases)
    cov = report.coverage()
    err = report.median_abs_log_error()
    out: dict[str, Any] = {
        "n": n,
        "coverage": {
            k: {**_score(cov[k], COVERAGE_GOAL, True), "inside": round(cov[k] * n)}
            for k in ("cost", "duration")
        },
        "log_error": {
            k: {**_score(err[k], LOG_ERROR_GOAL, False), "factor": math.exp(err[k])}
            for k in ("cost", "duration")
        },
        "outside": None,
    }
    with_outside = [c for c in cases if c.outside_view_cost_usd_bn]
    if with_outside:
        m = len(with_outside)
        inside = sum(bool(_outside_inside(c)) for c in with_outside)
        e = statistics.median(
            abs(math.log(c.outside_view_cost_usd_bn["p50"] / c.actual_cost_usd_bn))
            for c in with_outside
        )
        out["outside"] = {
            "n": m,
            "coverage": {**_score(inside / m, COVERAGE_GOAL, True), "inside": inside},
            "log_error": {**_score(e, LOG_ERROR_GOAL, False), "factor": math.exp(e)},
        }
    return out


def _case(c: HindcastCase) -> dict[str, Any]:
    return {
        "name": c.name,
        "title": c.title,
        "short": short_title(c),
        "cost": {
            "actual": c.actual_cost_usd_bn,
            "q": c.cost_usd_bn,
            "pct": c.cost_percentile_of_actual,
            "inside": c.cost_inside,
        },
        "duration": {
            "actual": c.actual_duration_years,
            "q": c.duration_years,
            "pct": c.duration_percentile_of_actual,
            "inside": c.duration_inside,
        },
        "outside": (
            {"q": c.outside_view_cost_usd_bn, "inside": _outside_inside(c)}
            if c.outside_view_cost_usd_bn
            else None
        ),
        "scope": c.cost_scope,
        "start": c.start,
        "end": c.end,
        "source": c.source,
    }


def render_hindcast_report(report: HindcastReport, *, notes: Sequence[str] = ()) -> str:
    """Render a hindcast report as one self-contained HTML page.

    Parameters
    ----------
    report : HindcastReport
        The result of :func:`beringia.pipeline.hindcast.run_hindcasts`.
    notes : sequence of str
        Paragraphs for the "What the model gets wrong" block (plain text; URLs become
        links). Without notes the block says that none were given.

    Returns
    -------
    str
        The HTML document: headline scores beside their goals (coverage of the P10-P90
        band for cost and duration, at least 80 %; median ``|ln(P50 / actual)|``, at most
        0.25) with pass or miss, the same scores for the outside view of cost, one figure
        per metric, a table per case with the sources of its outcome, and the notes.

    Raises
    ------
    ScenarioError
        If the report has no cases.
    """
    if not report.cases:
        raise ScenarioError("hindcast.cases", "(none)", "a hindcast report needs at least one case")
    figs = {
        f"hindcast_{m}": figure_html(f"hindcast_{m}", hindcast_figure(report, m))
        for m in ("cost", "duration")
    }
    context = {
        "anchored": report.programme,
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
        },
        "cases": [_case(c) for c in report.cases],
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
