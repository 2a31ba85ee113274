"""Hindcasts: run tunnels that were built through the model and score the forecasts.

Two kinds. **Blind** (the default): the finished tunnels of ``data/tunnel_cases.toml`` (and
any added file of that layout) compiled from what was known before their decision, unit
costs and advance laws learned from earlier tunnels, the model error learned from the other
cases (:mod:`beringia.pipeline.blind`). **Anchored**: the hand-built hindcast scenarios
(``scenario/hindcast/*.toml`` or a user's TOML with an ``outcome``), whose costs are split
from each project's own estimate and whose schedules may be anchored to its programme; they
test the overrun factors, not the unit costs.

The model never reads an outcome; this module only compares it with the predicted
distributions afterwards, and :mod:`beringia.pipeline.hindcast_scores` says what the
comparison shows.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from beringia.core.calibration import Residual
from beringia.core.stats import percentile_of, quantiles
from beringia.errors import ScenarioError
from beringia.models.reference.assess import (
    PRICE_BASE_YEAR,
    outcome_cost_usd_bn,
    outcome_money_usd_bn,
)
from beringia.pipeline.assess import assess
from beringia.pipeline.blind import read_cases, run_blind
from beringia.pipeline.hindcast_case import HindcastCase
from beringia.pipeline.hindcast_scores import (
    COVERAGE_GOAL,
    LOG_ERROR_GOAL,
    findings,
    metric_scores,
    structural_limits,
)
from beringia.scenario.io import apply_overrides, hindcast_names, read_document, validate_document
from beringia.scenario.model import Scenario


@dataclass(frozen=True)
class HindcastReport:
    """All cases and their scores."""

    cases: list[HindcastCase]
    draws: int
    seed: int
    programme: bool = True
    overrides: tuple[str, ...] = ()
    """The ``path=value`` overrides applied to every case."""
    blind: bool = False
    """Blind hindcasts (compiled from earlier tunnels, model error learned leave-one-out)."""
    residual: Residual | None = None
    """Blind: the model error learned from every case of the pool (what a new project uses)."""

    def scored(self, metric: str) -> list[HindcastCase]:
        """Return the cases that have an actual for ``metric``."""
        return [c for c in self.cases if c.scored(metric)]

    def coverage(self) -> dict[str, float | None]:
        """Share of scored cases whose actual lies within the predicted P10-P90."""
        cost, dur = self.scored("cost"), self.cases
        return {
            "cost": sum(bool(c.cost_inside) for c in cost) / len(cost) if cost else None,
            "duration": sum(c.duration_inside for c in dur) / len(dur),
        }

    def median_abs_log_error(self) -> dict[str, float | None]:
        """Median over scored cases of ``|ln(P50 / actual)|``."""
        cost = [
            abs(math.log(c.cost_usd_bn["p50"] / c.actual_cost_usd_bn))
            for c in self.cases
            if c.actual_cost_usd_bn is not None
        ]
        return {
            "cost": statistics.median(cost) if cost else None,
            "duration": statistics.median(
                abs(math.log(c.duration_years["p50"] / c.actual_duration_years)) for c in self.cases
            ),
        }

    def residual_dict(self) -> dict[str, Any] | None:
        """Return the learned model error in JSON form (``None`` for anchored hindcasts)."""
        r = self.residual
        if r is None:
            return None
        return {
            "cases": r.cases,
            "dof": r.dof,
            "mean_log_error": {"cost": float(r.mean[0]), "duration": float(r.mean[1])},
            "scale": {
                "cost": math.sqrt(r.scale[0, 0]),
                "duration": math.sqrt(r.scale[1, 1]),
            },
            "correlation": r.correlation,
            "factor_p10_p50_p90": r.factors(),
        }

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON contract of ``beringia hindcast --json``."""
        return {
            "draws": self.draws,
            "seed": self.seed,
            "price_base": f"{PRICE_BASE_YEAR} USD",
            "kind": "blind" if self.blind else "anchored",
            "schedules_anchored_to_programme": self.programme,
            "model_error": self.residual_dict(),
            "overrides": list(self.overrides),
            "cases": [c.to_dict() for c in self.cases],
            "coverage_p10_p90": self.coverage(),
            "median_abs_log_error_p50": self.median_abs_log_error(),
            "goals": {
                "coverage_p10_p90": COVERAGE_GOAL,
                "median_abs_log_error_p50": LOG_ERROR_GOAL,
            },
            "scores": {
                m: metric_scores(self.scored(m), m).to_dict()
                for m in ("cost", "duration")
                if self.scored(m)
            },
            "findings": findings(self),
            "structural_limits": list(structural_limits(self.blind)),
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
    anchored: bool = False,
    cases_file: Path | None = None,
) -> HindcastReport:
    """Run hindcasts and score them against their outcomes.

    Parameters
    ----------
    names : sequence of str, optional
        Blind: case names of ``data/tunnel_cases.toml`` or ``cases_file`` (default: all; every
        case runs anyway, since each case's model error is learned from all the others).
        Anchored: built-in hindcast names or TOML paths (default: every built-in hindcast).
    draws, seed, processes
        As for :func:`beringia.pipeline.assess.assess`.
    progress : callable, optional
        ``progress(name, done, total)`` after each case.
    programme : bool
        Anchored only: anchor each schedule to its project's own programme
        (``construction.programme``); ``False`` scores the bottom-up schedule alone.
    overrides : sequence of str
        ``path=value`` overrides (as ``assess --set``) applied to every hindcast before
        validation; a path that one of them lacks fails before any case runs.
    anchored : bool
        Run the anchored hindcast scenarios instead of the blind cases.
    cases_file : Path, optional
        Blind only: more finished tunnels, in the layout of ``data/tunnel_cases.toml``.

    Returns
    -------
    HindcastReport
        Per-case predictions, actuals and percentiles; coverage and log errors; for blind
        hindcasts the model error learned from every case.

    Raises
    ------
    ScenarioError
        For an unknown name, a bad override, case or scenario (naming the field), before
        any case runs.
    """
    if not anchored:
        extra = read_cases(cases_file) if cases_file is not None else []
        res = run_blind(
            names,
            extra=extra,
            draws=draws,
            seed=seed,
            processes=processes,
            progress=progress,
            overrides=overrides,
        )
        return HindcastReport(
            cases=res.cases,
            draws=draws,
            seed=seed,
            programme=False,
            overrides=tuple(overrides),
            blind=True,
            residual=res.residual,
        )
    if cases_file is not None:
        raise ScenarioError("--cases", str(cases_file), "blind hindcasts only (drop --anchored)")
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
