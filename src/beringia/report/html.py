"""Render an :class:`~beringia.pipeline.assessment.Assessment` as one self-contained HTML page.

The page opens offline and answers first: its first screen (about 13 kB with all the CSS)
gives the four answers, the claims' verdicts and the share of assumed inputs; every figure
is a sized ``<div>`` with its JSON, drawn by the scripts at the end of the page (plotly.js
once, see :mod:`beringia.report.page`); nothing is fetched when the page opens (a
Content-Security-Policy forbids it). Source references become clickable links, which are
only followed when clicked.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from beringia.models.construction.results import TornadoBar
from beringia.models.numfmt import bound_sentence, money_bn, significant
from beringia.models.reference.claims import SCOPE_SUBJECT, ClaimResult
from beringia.output import check_output_path, write_atomic
from beringia.pipeline.assessment import Assessment
from beringia.pipeline.calibrated import MODEL_ERROR_INPUTS
from beringia.pipeline.provenance import InputRow, input_rows, provenance_counts
from beringia.report.alignment_figures import alignment_section
from beringia.report.answers import answers
from beringia.report.construction_figures import component_label
from beringia.report.corridor_figures import corridor_section
from beringia.report.figures import all_figures
from beringia.report.operations_figures import operations_section
from beringia.report.page import (
    CONTENT_SECURITY_POLICY,
    environment,
    figure_html,
    plotly_js,
)
from beringia.report.reference_figures import outside_view_section
from beringia.report.text import format_percent

TEMPLATE = "report.html.j2"
STAT_LABELS = {
    "mean": "Mean",
    "p5": "P5",
    "p10": "P10",
    "p50": "P50 (median)",
    "p80": "P80",
    "p90": "P90",
    "p95": "P95",
}


def _limits(c: ClaimResult) -> str:
    parts = []
    if c.max_cost_usd_bn is not None:
        parts.append(f"costs at most {money_bn(c.max_cost_usd_bn)}")
    if c.max_duration_years is not None:
        parts.append(f"takes at most {significant(c.max_duration_years, 3, trim=True)} years")
    return " and ".join(parts)


def _likelihood(p: float) -> tuple[str, str]:
    """Return a plain word for a probability and a CSS class for its badge."""
    if p < 0.05:
        return "very unlikely", "bad"
    if p < 1 / 3:
        return "unlikely", "poor"
    if p <= 2 / 3:
        return "about as likely as not", "even"
    if p <= 0.95:
        return "likely", "good"
    return "very likely", "good"


def claim_verdict(c: ClaimResult, draws: int) -> str:
    """State in one sentence how likely a claim is under the scenario.

    Parameters
    ----------
    c : ClaimResult
        The claim and its probability.
    draws : int
        Number of Monte Carlo draws behind the probability.

    Returns
    -------
    str
        For example "Under this scenario, the chance that the tunnel costs at most $8bn
        and takes at most 8 years is < 0.015 % (0 of 20,000 draws)": when no draw (or every
        draw) meets the claim the probability is the rule-of-three bound, never 0 % or 100 %.
    """
    k = round(c.probability * draws)
    subject = SCOPE_SUBJECT.get(c.scope, c.scope)
    return (
        f"Under this scenario, the chance that {subject} {_limits(c)} is "
        f"{format_percent(c.probability, draws)} ({k:,} of {draws:,} draws)."
    )


def _claims(a: Assessment) -> list[dict[str, Any]]:
    out = []
    for c in a.claims:
        word, css = _likelihood(c.probability)
        k = round(c.probability * a.n_draws)
        caveat = ""
        if k == 0 and a.n_draws > 0:
            caveat = (
                f"No draw met the claim: with {a.n_draws:,} draws, its probability under this "
                f"scenario is {bound_sentence(a.n_draws)}."
            )
        elif k == a.n_draws and a.n_draws > 0:
            caveat = (
                f"Every draw met the claim: with {a.n_draws:,} draws, its probability under "
                f"this scenario is above about {format_percent(1.0, a.n_draws)[2:]} "
                "(95 % lower bound)."
            )
        out.append(
            {
                "name": c.name,
                "limits": _limits(c),
                "max_cost": c.max_cost_usd_bn,
                "max_years": c.max_duration_years,
                "probability": c.probability,
                "percent": format_percent(c.probability, a.n_draws),
                "verdict": claim_verdict(c, a.n_draws),
                "likelihood": word,
                "css": css,
                "caveat": caveat,
                "source": c.source,
                "unverified": c.unverified,
                "assumed": c.assumed,
                "note": c.note,
                "sentence": c.sentence,
                "unit": c.implied_usd_m_per_bore_km,
                "percentile": c.percentile_in_reference,
            }
        )
    return out


def _slug(path: str) -> str:
    return "in-" + re.sub(r"[^A-Za-z0-9_.-]+", "-", path)


def _input_table(rows: list[InputRow]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    section = None
    for r in rows:
        head = r.path.split(".", 1)[0]
        if head != section:
            section = head
            out.append({"section": head})
        out.append(
            {
                "section": None,
                "id": _slug(r.path),
                "path": r.path,
                "value": r.value,
                "kind": r.kind,
                "source": r.source,
                "unverified": r.unverified,
                "assumed": r.assumed,
                "note": r.note,
            }
        )
    return out


def _tornado(bars: Sequence[TornadoBar], rows: list[InputRow]) -> list[dict[str, Any]]:
    by_path = {r.path: r for r in rows}
    out = []
    for t in bars:
        row = by_path.get(t.input)
        value = row.value if row is not None else ""
        if t.input in MODEL_ERROR_INPUTS:
            what = "cost" if t.input == MODEL_ERROR_INPUTS[0] else "duration"
            value = f"log error of the {what}, learned from blind hindcasts"
        out.append(
            {
                "input": t.input,
                "anchor": _slug(t.input) if row is not None else None,
                "value": value,
                "unverified": row.unverified if row is not None else False,
                "assumed": row.assumed if row is not None else False,
                "cost": t.cost_rank_corr,
                "duration": t.duration_rank_corr,
            }
        )
    return out


def _headings(construction: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows of the headings table from the construction part of ``Assessment.to_dict``."""
    return [
        {
            "name": h["name"],
            "bore": h["bore"],
            "attack_point": h["attack_point"],
            "direction": h["direction"],
            "length": h["length_km"],
            "years": h["duration_years"],
        }
        for h in construction["headings"]
    ]


def _breakdown(a: Assessment, construction: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows of the cost breakdown table: label, quantiles and share of the mean cost."""
    q = construction["cost_breakdown_usd_bn"]
    return [
        {
            "key": k,
            "label": component_label(k),
            "q": q[k],
            "share": float(np.mean(v) / np.mean(a.cost_usd_bn)) if a.n_draws else 0.0,
        }
        for k, v in a.breakdown_usd_bn.items()
    ]


def _provenance_value(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, int | str | bool) or v is None:
        return str(v)
    return json.dumps(v, sort_keys=True, default=str)


def _provenance(a: Assessment) -> list[tuple[str, str]]:
    merged: dict[str, Any] = {
        "beringia_version": a.version,
        "scenario_name": a.scenario.name,
        "scenario_sha256": a.scenario_sha256,
        "seed": a.seed,
        "draws": a.n_draws,
    }
    merged.update(a.provenance)
    return [(k, _provenance_value(v)) for k, v in merged.items()]


def render_report(assessment: Assessment) -> str:
    """Render the assessment as one self-contained HTML page.

    Parameters
    ----------
    assessment : Assessment
        The result of :func:`beringia.assess`.

    Returns
    -------
    str
        The HTML document: a first screen with the four answers (cost, time, what it
        could carry, could it pay; :func:`~beringia.report.answers.answers`), the claims'
        verdicts in one line each and the share of assumed inputs; then the claim verdicts
        in full (and flags against the reference set),
        then key figures, the alignment (plan and longitudinal profile, when the scenario
        has one), distributions, scattergram, the outside view (when the assessment has
        one), cost breakdown, schedule of the median draw, tornado, headings, operations
        (capacity, running times, headways and simulated years, when the assessment has
        them), the corridor and its economics (when the assessment has a corridor), every
        input with its provenance (collapsed, with a filter box), and the run's
        provenance. plotly.js is inline once, at the end; nothing is loaded from the
        network when the page opens.
    """
    a = assessment
    summary = a.to_dict()
    construction = summary["construction"]
    rows = input_rows(a.scenario)
    figs = {k: figure_html(k, f) for k, f in all_figures(a).items()}
    m = a.median_draw
    has_median = 0 <= m < a.n_draws
    median = {
        "index": m,
        "cost": float(a.cost_usd_bn[m]) if has_median else math.nan,
        "years": float(a.duration_years[m]) if has_median else math.nan,
        "cost_rank": float(np.mean(a.cost_usd_bn < a.cost_usd_bn[m])) if has_median else 0.0,
        "years_rank": (
            float(np.mean(a.duration_years < a.duration_years[m])) if has_median else 0.0
        ),
        "critical": [g.name for g in a.gantt if g.critical],
    }
    context = {
        "a": a,
        "version": a.version,
        "scenario": a.scenario,
        "price_base": a.provenance.get("price_base", "2025 USD"),
        "csp": CONTENT_SECURITY_POLICY,
        "plotly_js": plotly_js(),
        "figures": figs,
        "answers": answers(a, summary),
        "claims": _claims(a),
        "stats": [
            (
                STAT_LABELS.get(k, k),
                construction["cost_usd_bn"][k],
                construction["duration_years"][k],
            )
            for k in construction["cost_usd_bn"]
        ],
        "cost": construction["cost_usd_bn"],
        "years": construction["duration_years"],
        "breakdown": _breakdown(a, construction),
        "median": median,
        "tornado": _tornado(a.tornado, rows),
        "calibrated_tornado": [] if a.calibrated is None else _tornado(a.calibrated.tornado, rows),
        "headings": _headings(construction),
        "inputs": _input_table(rows),
        "counts": provenance_counts(a.scenario),
        "provenance": _provenance(a),
        "alignment": alignment_section(a),
        "outside": outside_view_section(
            a,
            construction["inside_view"]["cost_usd_bn"],
            construction["cost_usd_bn"],
            construction["calibrated_forecast"],
        ),
        "operations": operations_section(a),
        "corridor": corridor_section(a),
        "flags": [f.message for f in a.reference.flags] if a.reference is not None else [],
    }
    return environment().get_template(TEMPLATE).render(context)


def write_report(assessment: Assessment, path: str | os.PathLike[str]) -> Path:
    """Render the assessment and write it to ``path`` atomically.

    Parameters
    ----------
    assessment : Assessment
        The result of :func:`beringia.assess`.
    path : str or PathLike
        Where to write the HTML; missing parent directories are created.

    Returns
    -------
    Path
        The path written.

    Raises
    ------
    ScenarioError
        If ``path`` names a directory, a device or another special file, a read-only file,
        or lies in a folder that is not writable (see :func:`beringia.output.write_atomic`).
    OSError
        If writing fails; no partial file is left behind.

    Notes
    -----
    The page is written to a temporary file in the same directory and moved into place
    with :func:`os.replace`, so a reader never sees a half-written report.
    """
    check_output_path(path)  # before rendering, which takes seconds
    return write_atomic(render_report(assessment), path)
