"""Sweeps in the web app: ``/api/sweeps``, run in the job pool, kept in memory.

A sweep request names a scenario (built-in or saved, or a whole document) with ``--set``
edits, and the inputs to vary exactly as ``beringia sweep --vary`` takes them (``path=v1,v2``,
``path=low:high:n``, or ``path=low:high`` with ``lhs``). Every point is validated before the
sweep is queued, so a bad ``vary`` is a 422 naming the field, never a failed job. The job
calls :func:`beringia.pipeline.sweep.sweep` as the command line does, so the sweep's JSON is
that of ``beringia sweep --json`` for the same inputs. Sweeps are not runs of the store.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import Field

from beringia.errors import ScenarioError
from beringia.pipeline.assess import MAX_DRAWS
from beringia.pipeline.sweep import MAX_AXES, MAX_POINTS
from beringia.web.api import ScenarioInput
from beringia.web.auth import require_reader, require_writer
from beringia.web.jobs import ProgressFn, Study
from beringia.web.library import Library
from beringia.web.state import library, pool
from beringia.web.studies import add_study_routes, api_field

KIND = "sweep"
router = APIRouter(prefix="/api/sweeps", tags=["sweeps"], dependencies=[Depends(require_reader)])
Write = [Depends(require_writer)]
VaryStr = Annotated[str, Field(min_length=1, max_length=2_000)]


class SweepInput(ScenarioInput):
    """A sweep to start: the scenario and its edits, the inputs to vary, the Monte Carlo."""

    vary: list[VaryStr] = Field(
        min_length=1,
        max_length=MAX_AXES,
        description="Inputs to vary, as `beringia sweep --vary`: path=v1,v2,... or "
        "path=low:high:n (a grid of every combination), or path=low:high with lhs",
    )
    lhs: int | None = Field(
        None, ge=1, le=MAX_POINTS, description="Points of a Latin hypercube over the ranges"
    )
    draws: int = Field(1000, ge=1, le=MAX_DRAWS, description="Monte Carlo draws of each point")
    seed: int = Field(2025, ge=0, le=2**63 - 1, description="Seed, the same at every point")


def _literal(v: float | int | str) -> str:
    """Write a point's value as the ``--set`` literal the pipeline's sweep writes."""
    return v if isinstance(v, str) else repr(v)


def build_sweep(lib: Library, body: SweepInput, check_draws: Any, scheduler: Any = None) -> Study:
    """Turn a sweep request into a study for the pool, every point validated first.

    Parameters
    ----------
    lib : Library
        Where the scenario's name is looked up.
    body : SweepInput
        The request.
    check_draws : callable
        ``check_draws(kind, draws, total)`` refuses too many draws before the (slower)
        validation of every point.
    scheduler : Cluster, optional
        The pool's Dask cluster: each point is one task there.

    Raises
    ------
    ScenarioError
        Naming the field (``vary ...``, ``lhs``, ``draws`` or a scenario path).
    """
    from beringia.pipeline.sweep import grid_points, lhs_points, parse_vary
    from beringia.scenario.io import load_scenario

    doc = lib.source(body.scenario if body.document is None else None, body.document)
    try:
        axes = [parse_vary(v) for v in body.vary]
        if body.lhs is None:
            count = math.prod(len(a.values) for a in axes if a.values)
            if count > MAX_POINTS:
                raise ScenarioError(
                    "vary", f"{count:,} points", f"allowed: at most {MAX_POINTS:,} points"
                )
            points = grid_points(axes)
        else:
            points = lhs_points(axes, body.lhs, body.seed)
    except ScenarioError as exc:
        raise api_field(exc) from None
    check_draws(KIND, body.draws, len(points) * body.draws)
    overrides = list(body.overrides)
    first = None
    for p in points:
        sc = load_scenario(doc, [*overrides, *(f"{k}={_literal(v)}" for k, v in p.items())])
        first = first or sc
    assert first is not None  # points is never empty
    design = "grid" if body.lhs is None else "lhs"

    def run(progress: ProgressFn) -> Any:
        from beringia.pipeline.sweep import sweep

        progress("sweep", 0, len(points))
        return sweep(
            doc,
            points,
            overrides=overrides,
            draws=body.draws,
            seed=body.seed,
            design=design,
            progress=progress,
            scheduler=scheduler,
        )

    return Study(KIND, first.name, body.draws, body.seed, len(points) * body.draws, run)


@router.post("", summary="Start a sweep", status_code=202, dependencies=Write)
def start_sweep(request: Request, body: SweepInput) -> dict[str, Any]:
    """Validate every point and queue the sweep; 429 when the server is busy."""
    p = pool(request)
    study = build_sweep(library(request), body, p.check_draws, p.scheduler)
    return p.submit_study(study).to_dict()


add_study_routes(router, KIND)
