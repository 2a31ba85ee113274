"""Sensitivity analyses in the web app: ``/api/sensitivity``, in the job pool, kept in memory.

A request names a scenario (built-in or saved, or a whole document) with ``--set`` edits and
the design as ``beringia sensitivity`` takes it: method (Sobol or Morris), samples, the
treatment of the model's own randomness, inputs, groups, outputs, seed. The model and the
design are checked before the analysis is queued (a bad input path is a 422 naming the field),
and its model calls together are held to the server's draws limit. The job calls
:func:`beringia.pipeline.sensitivity.sensitivity` as the command line does, so the JSON is
that of ``beringia sensitivity --json`` (its ``seconds`` aside).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import Field

from beringia.errors import ScenarioError
from beringia.pipeline.sensitivity import MAX_BASE_SAMPLES, MAX_REPLICATIONS
from beringia.web.api import ScenarioInput
from beringia.web.auth import require_reader, require_writer
from beringia.web.jobs import ProgressFn, Study
from beringia.web.library import Library
from beringia.web.state import library, pool
from beringia.web.studies import add_study_routes, api_field

KIND = "sensitivity"
DEFAULT_SAMPLES = {"sobol": 128, "morris": 20}
"""Samples when none are given, as ``beringia sensitivity``."""
SHORT = {"-N": "samples", "--group": "groups"}
"""The command line's option names that differ from the request's fields."""
router = APIRouter(
    prefix="/api/sensitivity", tags=["sensitivity"], dependencies=[Depends(require_reader)]
)
Write = [Depends(require_writer)]
PathStr = Annotated[str, Field(min_length=1, max_length=300)]
GroupStr = Annotated[str, Field(min_length=1, max_length=10_000)]


class SensitivityInput(ScenarioInput):
    """A sensitivity analysis to start: the scenario and its edits, then the design."""

    method: Literal["sobol", "morris"] = Field("sobol", description="sobol or morris")
    samples: int | None = Field(
        None,
        ge=2,
        le=MAX_BASE_SAMPLES,
        description="Sobol base samples (a power of 2) or Morris trajectories "
        "(default 128 for sobol, 20 for morris)",
    )
    noise: Literal["mean", "group"] = Field(
        "mean", description="The model's own randomness: mean of k replications, or a factor"
    )
    replications: int | None = Field(
        None, ge=1, le=MAX_REPLICATIONS, description="k replications per point (noise mean)"
    )
    inputs: list[PathStr] | None = Field(
        None, max_length=1_000, description="Input paths (default: every uncertain input)"
    )
    groups: list[GroupStr] = Field(
        default_factory=list, max_length=200, description="name=path,path,... moved as one"
    )
    outputs: list[Annotated[str, Field(min_length=1, max_length=40)]] | None = Field(
        None,
        max_length=20,
        description="cost, duration, npv, irr, traffic, pays, corridor-npv (default: all)",
    )
    seed: int = Field(2025, ge=0, le=2**63 - 1, description="Seed of the design and the model")


def evaluations(method: str, samples: int, factors: int, noise: str, replications: int) -> int:
    """Return the model calls of a design, as :func:`run_design` makes them.

    Sobol (Saltelli, no second order): ``N (D + 2)`` points; Morris: ``N (D + 1)``; ``D``
    counts the model's randomness when it is a factor; each point ``k`` times.
    """
    d = factors + (noise == "group")
    return samples * (d + (2 if method == "sobol" else 1)) * replications


def build_sensitivity(
    lib: Library, body: SensitivityInput, check_draws: Any, scheduler: Any = None
) -> Study:
    """Turn a request into a study for the pool, its model and design checked first.

    With the pool's Dask cluster (``scheduler``), the model calls' blocks are its tasks
    (their results in order, as :func:`map`).

    Raises
    ------
    ScenarioError
        Naming the field (``samples``, ``replications``, ``inputs``, ``group ...``,
        ``outputs``, ``draws`` or a scenario path).
    """
    from beringia.pipeline import sensitivity as sens

    doc = lib.source(body.scenario if body.document is None else None, body.document)
    n = DEFAULT_SAMPLES[body.method] if body.samples is None else body.samples
    overrides = list(body.overrides)
    try:
        sens.check_design(body.method, n, body.noise, body.replications)
        groups = [sens.parse_group(g) for g in body.groups]
        model = sens.scenario_model(
            doc, body.inputs, overrides=overrides, seed=body.seed, outputs=body.outputs
        )
        factors = sens.factors_of(model.names, groups)
    except ScenarioError as exc:
        raise api_field(exc, SHORT) from None
    k = sens.replications_for(body.noise, body.replications)
    calls = evaluations(body.method, n, len(factors), body.noise, k)
    check_draws(KIND, calls, calls)
    stage = f"{body.method} (model calls)"

    mapper: Any = map if scheduler is None else lambda fn, tasks: scheduler.imap(fn, list(tasks))

    def run(progress: ProgressFn) -> Any:
        return sens.sensitivity(
            doc,
            inputs=body.inputs,
            groups=groups,
            method=body.method,
            n=n,
            seed=body.seed,
            noise=body.noise,
            replications=body.replications,
            overrides=overrides,
            outputs=body.outputs,
            mapper=mapper,
            progress=lambda done, total: progress(stage, done, total),
        )

    return Study(KIND, model.scenario.name, calls, body.seed, calls, run)


@router.post("", summary="Start a sensitivity analysis", status_code=202, dependencies=Write)
def start_sensitivity(request: Request, body: SensitivityInput) -> dict[str, Any]:
    """Check the model and design and queue the analysis; 429 when the server is busy."""
    p = pool(request)
    study = build_sensitivity(library(request), body, p.check_draws, p.scheduler)
    return p.submit_study(study).to_dict()


add_study_routes(router, KIND)
