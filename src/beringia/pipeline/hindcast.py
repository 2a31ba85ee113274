"""Hindcasts: run tunnels that were built through the model and score the forecasts.

Each hindcast scenario holds inputs as known before construction and, apart, the
``outcome`` (what the tunnel really cost and how long it took, the official estimate at the
decision and what in the inputs is not blind to the outcome). The model never reads the
outcome; this module only compares it with the predicted distributions afterwards, and
:mod:`beringia.pipeline.hindcast_scores` says what the comparison shows.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from beringia.core.stats import percentile_of, quantiles
from beringia.errors import ScenarioError
from beringia.models.reference.assess import (
    PRICE_BASE_YEAR,
    outcome_cost_usd_bn,
    outcome_money_usd_bn,
)
from beringia.pipeline.assess import assess
from beringia.pipeline.hindcast_scores import (
    COVERAGE_GOAL,
    LOG_ERROR_GOAL,
    STRUCTURAL_LIMITS,
    findings,
    metric_scores,
)
from beringia.scenario.io import apply_overrides, hindcast_names, read_document, validate_document
from beringia.scenario.model import Scenario


@dataclass(frozen=True)
class HindcastCase:
    """One built tunnel: what the model predicted and what happened (2025 USD, years)."""

    name: str
    title: str
    actual_cost_usd_bn: float
    actual_duration_years: float
    cost_usd_bn: dict[str, float]
    duration_years: dict[str, float]
    outside_view_cost_usd_bn: dict[str, float]
    cost_percentile_of_actual: float
    duration_percentile_of_actual: float
    cost_scope: str
    start: str
    end: str
    source: str
    estimate_at_decision_usd_bn: float | None = None
    """The official cost estimate at the decision, converted like the actual."""
    programme_years: float | None = None
    """The project's own programme (``construction.programme``), t = 0 to opening."""
    not_blind: str | None = None
    """What in the case's inputs is not blind to its outcome (``outcome.not_blind``)."""
    inside_cost_usd_bn: dict[str, float] = field(default_factory=dict)
    """Quantiles of the inside view's cost: bottom-up and named risks, no project-wide factor."""
    inside_duration_years: dict[str, float] = field(default_factory=dict)
    """Quantiles of the inside view's duration."""

    @property
    def label(self) -> str:
        """The case's title without the ``Hindcast:`` prefix and the qualifiers after it.

        E.g. ``"Channel Tunnel"`` for "Hindcast: Channel Tunnel (Folkestone - Coquelles),
        as known at the 1987 decision"; the case's name when the title is empty.
        """
        text = self.title.strip()
        if text.lower().startswith("hindcast:"):
            text = text[len("hindcast:") :].strip()
        for sep in (" (", ", "):
            text = text.split(sep, 1)[0]
        return text.strip() or self.name

    @property
    def cost_inside(self) -> bool:
        """Whether the actual cost lies within the predicted P10-P90."""
        return self.cost_usd_bn["p10"] <= self.actual_cost_usd_bn <= self.cost_usd_bn["p90"]

    @property
    def duration_inside(self) -> bool:
        """Whether the actual duration lies within the predicted P10-P90."""
        q = self.duration_years
        return q["p10"] <= self.actual_duration_years <= q["p90"]

    def to_dict(self) -> dict[str, Any]:
        """Return the case's JSON form."""
        return {
            "name": self.name,
            "title": self.title,
            "actual_cost_usd_bn": self.actual_cost_usd_bn,
            "actual_duration_years": self.actual_duration_years,
            "cost_usd_bn": self.cost_usd_bn,
            "duration_years": self.duration_years,
            "outside_view_cost_usd_bn": self.outside_view_cost_usd_bn,
            "cost_percentile_of_actual": self.cost_percentile_of_actual,
            "duration_percentile_of_actual": self.duration_percentile_of_actual,
            "cost_inside_p10_p90": self.cost_inside,
            "duration_inside_p10_p90": self.duration_inside,
            "estimate_at_decision_usd_bn": self.estimate_at_decision_usd_bn,
            "programme_years": self.programme_years,
            "not_blind": self.not_blind,
            "inside_view": {
                "cost_usd_bn": self.inside_cost_usd_bn or None,
                "duration_years": self.inside_duration_years or None,
            },
            "cost_scope": self.cost_scope,
            "start": self.start,
            "end": self.end,
            "source": self.source,
        }


@dataclass(frozen=True)
class HindcastReport:
    """All cases and their scores."""

    cases: list[HindcastCase]
    draws: int
    seed: int
    programme: bool = True
    overrides: tuple[str, ...] = ()
    """The ``path=value`` overrides applied to every case."""

    def coverage(self) -> dict[str, float]:
        """Share of cases whose actual lies within the predicted P10-P90."""
        n = len(self.cases)
        return {
            "cost": sum(c.cost_inside for c in self.cases) / n,
            "duration": sum(c.duration_inside for c in self.cases) / n,
        }

    def median_abs_log_error(self) -> dict[str, float]:
        """Median over cases of ``|ln(P50 / actual)|``."""
        return {
            "cost": statistics.median(
                abs(math.log(c.cost_usd_bn["p50"] / c.actual_cost_usd_bn)) for c in self.cases
            ),
            "duration": statistics.median(
                abs(math.log(c.duration_years["p50"] / c.actual_duration_years)) for c in self.cases
            ),
        }

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON contract of ``beringia hindcast --json``."""
        return {
            "draws": self.draws,
            "seed": self.seed,
            "price_base": f"{PRICE_BASE_YEAR} USD",
            "schedules_anchored_to_programme": self.programme,
            "overrides": list(self.overrides),
            "cases": [c.to_dict() for c in self.cases],
            "coverage_p10_p90": self.coverage(),
            "median_abs_log_error_p50": self.median_abs_log_error(),
            "goals": {
                "coverage_p10_p90": COVERAGE_GOAL,
                "median_abs_log_error_p50": LOG_ERROR_GOAL,
            },
            "scores": {m: metric_scores(self.cases, m).to_dict() for m in ("cost", "duration")},
            "findings": findings(self),
            "structural_limits": list(STRUCTURAL_LIMITS),
        }


def _estimate_usd_bn(sc: Scenario, name: str) -> float | None:
    """Return the estimate at decision in 2025 USD bn, converted exactly like the outturn."""
    est = sc.outcome.estimate_at_decision_bn if sc.outcome is not None else None
    if est is None:
        return None
    return outcome_money_usd_bn(sc, est, "estimate_at_decision_bn", name)


@dataclass(frozen=True)
class _Prepared:
    """A hindcast ready to run: its scenario and what is compared with it afterwards."""

    name: str
    scenario: Scenario
    actual_cost_usd_bn: float
    estimate_at_decision_usd_bn: float | None
    programme_years: float | None


def _prepare(source: str, overrides: Sequence[str], programme: bool) -> _Prepared:
    """Read, override and validate one hindcast and convert its money; no Monte Carlo."""
    doc = read_document(source)
    try:
        doc = apply_overrides(doc, overrides)
        full = validate_document(doc)
    except ScenarioError as exc:
        if not overrides:
            raise
        where = f"{exc.allowed} (hindcast {source}, with --set)"
        raise ScenarioError(exc.field, exc.value, where) from None
    plan = full.construction.programme
    sc = full
    if not programme and plan is not None:
        doc.get("construction", {}).pop("programme", None)
        sc = validate_document(doc)
    name = sc.name
    actual_cost = outcome_cost_usd_bn(sc, name)
    if actual_cost is None or sc.outcome is None:
        raise ScenarioError(f"{name}.outcome", "(missing)", "a hindcast scenario needs [outcome]")
    return _Prepared(
        name=name,
        scenario=sc,
        actual_cost_usd_bn=actual_cost,
        estimate_at_decision_usd_bn=_estimate_usd_bn(sc, name),
        programme_years=None if plan is None else plan.duration_years,
    )


def _case(p: _Prepared, draws: int, seed: int, processes: int) -> HindcastCase:
    sc, name, actual_cost = p.scenario, p.name, p.actual_cost_usd_bn
    out = sc.outcome
    if out is None:  # checked by _prepare
        raise ScenarioError(f"{name}.outcome", "(missing)", "a hindcast scenario needs [outcome]")
    a = assess(sc, draws=draws, seed=seed, processes=processes)
    ref = a.reference
    return HindcastCase(
        name=name,
        title=sc.title,
        actual_cost_usd_bn=actual_cost,
        actual_duration_years=out.duration_years,
        cost_usd_bn=quantiles(a.cost_usd_bn),
        duration_years=quantiles(a.duration_years),
        outside_view_cost_usd_bn=ref.outside_view_cost_usd_bn if ref is not None else {},
        cost_percentile_of_actual=percentile_of(a.cost_usd_bn, actual_cost),
        duration_percentile_of_actual=percentile_of(a.duration_years, out.duration_years),
        cost_scope=out.cost_scope,
        start=out.start,
        end=out.end,
        source=out.source,
        estimate_at_decision_usd_bn=p.estimate_at_decision_usd_bn,
        programme_years=p.programme_years,
        not_blind=out.not_blind,
        inside_cost_usd_bn=quantiles(a.inside_cost_usd_bn),
        inside_duration_years=quantiles(
            a.duration_years if a.inside_duration_years is None else a.inside_duration_years
        ),
    )


def run_hindcasts(
    names: Sequence[str] | None = None,
    *,
    draws: int = 2000,
    seed: int = 2025,
    processes: int = 1,
    progress: Callable[[str, int, int], None] | None = None,
    programme: bool = True,
    overrides: Sequence[str] = (),
) -> HindcastReport:
    """Run hindcast scenarios and score them against their outcomes.

    Parameters
    ----------
    names : sequence of str, optional
        Built-in hindcast names or TOML paths (default: every built-in hindcast).
    draws, seed, processes
        As for :func:`beringia.pipeline.assess.assess`.
    progress : callable, optional
        ``progress(name, done, total)`` after each case.
    programme : bool
        Anchor each schedule to its project's own programme (``construction.programme``);
        ``False`` scores the bottom-up schedule alone.
    overrides : sequence of str
        ``path=value`` overrides (as ``assess --set``) applied to every hindcast before
        validation; a path that one of them lacks fails before any case runs.

    Returns
    -------
    HindcastReport
        Per-case predictions, actuals and percentiles; coverage and log errors.

    Raises
    ------
    ScenarioError
        For an unknown name, a bad override or a bad scenario (naming the field), before
        any case runs.
    """
    chosen = list(names) if names else hindcast_names()
    if not chosen:
        raise ScenarioError("hindcast", "(none)", "no hindcast scenarios to run")
    prepared = [_prepare(name, list(overrides), programme) for name in chosen]
    cases = []
    for i, p in enumerate(prepared):
        cases.append(_case(p, draws, seed, processes))
        if progress is not None:
            progress(p.name, i + 1, len(prepared))
    return HindcastReport(
        cases=cases, draws=draws, seed=seed, programme=programme, overrides=tuple(overrides)
    )


__all__ = ["HindcastCase", "HindcastReport", "run_hindcasts"]
