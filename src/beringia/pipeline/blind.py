"""Blind hindcasts: finished tunnels compiled from what was known, scored leave-one-out.

Each case of ``data/tunnel_cases.toml`` (and of any file of the same layout the user adds) is
compiled into a scenario by :func:`beringia.models.blind.compile.compile_case` and run
through the model bottom-up, with no project-wide factor and no programme. Its errors
``ln(actual / P50)`` over all cases are the data the model error is learned from
(:mod:`beringia.core.calibration`): each case's calibrated forecast multiplies its bottom-up
draws by draws of the residual fitted to the *other* cases only, so coverage is honest. The
residual fitted to every case is what a new project's calibrated forecast uses.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from beringia.core.calibration import Residual, fit_residual
from beringia.core.distributions import FloatArray
from beringia.core.rng import stream
from beringia.core.stats import percentile_of, quantiles
from beringia.errors import ScenarioError
from beringia.models.blind.compile import Compiled, compile_case
from beringia.models.blind.priors import usd_bn
from beringia.pipeline.assess import assess
from beringia.pipeline.hindcast_case import NO_OUTTURN, HindcastCase
from beringia.scenario.io import apply_overrides, read_toml_file, validate_document
from beringia.scenario.model import Scenario
from beringia.tables.tunnel_cases import Case, parse_tunnel_cases, tunnel_cases


def read_cases(path: Path) -> list[Case]:
    """Read a file of finished tunnels in the layout of ``data/tunnel_cases.toml``.

    Raises
    ------
    ScenarioError
        Naming the file or the field at fault.
    """
    return list(parse_tunnel_cases(read_toml_file(path, "--cases"), str(path)).cases)


def case_pool(extra: Sequence[Case] = ()) -> list[Case]:
    """Return the shipped cases followed by ``extra``; a name may not repeat.

    Raises
    ------
    ScenarioError
        If an added case reuses a shipped or another added case's name.
    """
    pool = list(tunnel_cases().cases)
    seen = {c.name for c in pool}
    for c in extra:
        if c.name in seen:
            raise ScenarioError(
                f"cases.{c.name}.name", c.name, "a name no shipped or other case has"
            )
        seen.add(c.name)
        pool.append(c)
    return pool


def split_overrides(overrides: Sequence[str], names: Sequence[str]) -> dict[str, list[str]]:
    """Return the overrides each case gets: ``path=value`` for all, ``CASE:path=value`` for one.

    Raises
    ------
    ScenarioError
        For ``CASE:`` naming no case of the pool.
    """
    out: dict[str, list[str]] = {n: [] for n in names}
    for o in overrides:
        head, sep, rest = o.partition(":")
        if sep and "=" not in head and "." not in head:
            if head not in out:
                raise ScenarioError(
                    "--set",
                    o,
                    f"path=value, or CASE:path=value with CASE one of {', '.join(names)}",
                )
            out[head].append(rest)
            continue
        for n in names:
            out[n].append(o)
    return out


@dataclass(frozen=True)
class _Run:
    compiled: Compiled
    cost: FloatArray
    years: FloatArray
    outside_view: dict[str, float]


def _compile(
    case: Case, pool: Sequence[Case], overrides: Sequence[str]
) -> tuple[Compiled, Scenario]:
    """Compile one case and validate its scenario with the overrides (errors name the case)."""
    compiled = compile_case(case, pool)
    try:
        sc = validate_document(apply_overrides(compiled.document, overrides))
    except ScenarioError as exc:
        if not overrides:
            raise
        where = (
            f"{exc.allowed} (in the compiled scenario of blind hindcast {case.name}, which has "
            "no project-wide factors, risk register, events or marine works; a plain "
            "--set path=value applies to every case of the pool, which all run, as the model "
            "error is learned from all of them, and CASE:path=value to that case alone)"
        )
        raise ScenarioError(exc.field, exc.value, where) from None
    return compiled, sc


def _errors(runs: Sequence[_Run]) -> FloatArray:
    """``ln(actual / P50)`` of cost (NaN where not scored) and duration, shape (k, 2)."""
    rows = []
    for r in runs:
        a = r.compiled.actual_cost_usd_bn
        c = math.nan if a is None else math.log(a / float(np.median(r.cost)))
        rows.append([c, math.log(r.compiled.actual_duration_years / float(np.median(r.years)))])
    return np.array(rows, dtype=np.float64)


def _calibrated(run: _Run, residual: Residual, seed: int) -> tuple[FloatArray, FloatArray]:
    n = run.cost.size
    rng = stream(seed, "calibration", 0, f"hindcast/{run.compiled.case.name}")
    r = residual.draws(rng.standard_normal((n, 2)), rng.random(n))
    return run.cost * np.exp(r[:, 0]), run.years * np.exp(r[:, 1])


def _case(run: _Run, residual: Residual, seed: int) -> HindcastCase:
    c = run.compiled
    case = c.case
    cost, years = _calibrated(run, residual, seed)
    actual = c.actual_cost_usd_bn
    out = case.outturn
    bound = (
        usd_bn(out, case.start.date, case.opening.date)
        if out is not None and actual is None
        else None
    )
    return HindcastCase(
        name=case.name,
        title=c.document["title"],
        actual_cost_usd_bn=actual,
        actual_duration_years=c.actual_duration_years,
        cost_usd_bn=quantiles(cost),
        duration_years=quantiles(years),
        outside_view_cost_usd_bn=run.outside_view,
        cost_percentile_of_actual=None if actual is None else percentile_of(cost, actual),
        cost_upper_bound_usd_bn=bound,
        cost_percentile_of_bound=None if bound is None else percentile_of(cost, bound),
        duration_percentile_of_actual=percentile_of(years, c.actual_duration_years),
        cost_scope=(
            NO_OUTTURN
            if out is None
            else f"{out.scope}: {out.scope_note}"
            + ("" if actual is not None else " (not the tunnel's scope: cost not scored)")
        ),
        start=f"{case.start.date.isoformat()}: {case.start.what}",
        end=f"{case.opening.date.isoformat()}: {case.opening.what}",
        source="; ".join(
            s for s in (case.start.source, case.opening.source, out and out.source) if s
        ),
        estimate_at_decision_usd_bn=c.estimate_usd_bn,
        programme_years=c.programme_years,
        not_blind=c.not_blind,
        model_notes=tuple(c.notes),
        inside_cost_usd_bn=quantiles(run.cost),
        inside_duration_years=quantiles(run.years),
        decision_year=case.decision.year,
        learned_from={
            "unit_cost": c.unit_cost.names,
            **{f"advance_{r}": law.names for r, law in sorted(c.advance.items())},
        },
    )


@dataclass(frozen=True)
class BlindResult:
    """Every blind case scored leave-one-out, and the residual learned from all of them."""

    cases: list[HindcastCase]
    residual: Residual
    errors: FloatArray
    """Bottom-up log errors of every case of the pool, shape (k, 2) (cost NaN if not scored)."""
    names: list[str]
    """The pool's case names, in the order of ``errors``."""


def run_blind(
    names: Sequence[str] | None = None,
    *,
    extra: Sequence[Case] = (),
    draws: int = 2000,
    seed: int = 2025,
    processes: int = 1,
    progress: Callable[[str, int, int], None] | None = None,
    overrides: Sequence[str] = (),
) -> BlindResult:
    """Run every case of the pool blind; score the ``names`` chosen (default: all) leave-one-out.

    Every case of the pool runs, whichever are shown: each case's residual is learned from
    all the others.

    Raises
    ------
    ScenarioError
        For an unknown name, a bad added case or a bad override, before any case runs.
    """
    pool = case_pool(extra)
    known = [c.name for c in pool]
    chosen = list(names) if names else known
    for n in chosen:
        if n not in known:
            raise ScenarioError("hindcast", n, f"a case name: {', '.join(known)}")
    targeted = split_overrides(overrides, known)
    compiled = [_compile(c, pool, targeted[c.name]) for c in pool]
    runs = []
    for i, (cc, sc) in enumerate(compiled):
        a = assess(sc, draws=draws, seed=seed, processes=processes)
        ref = a.reference
        runs.append(
            _Run(cc, a.cost_usd_bn, a.duration_years, ref.outside_view_cost_usd_bn if ref else {})
        )
        if progress is not None:
            progress(cc.case.name, i + 1, len(compiled))
    errors = _errors(runs)
    out = []
    for run in runs:
        if run.compiled.case.name not in chosen:
            continue
        i = known.index(run.compiled.case.name)
        out.append(_case(run, fit_residual(np.delete(errors, i, axis=0)), seed))
    order = {n: k for k, n in enumerate(chosen)}
    out.sort(key=lambda c: order[c.name])
    return BlindResult(out, fit_residual(errors), errors, known)


__all__ = ["BlindResult", "case_pool", "read_cases", "run_blind", "split_overrides"]
