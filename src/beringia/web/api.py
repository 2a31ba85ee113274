"""The JSON API under ``/api``: scenarios, validation, runs and their jobs, compare, claims.

Every write (``POST``, ``PUT``, ``PATCH``, ``DELETE``) needs the bearer token; reads need it
only when the app is private. Bad input is a 422 whose body names the field, the value and
what is allowed, as the command line's errors do.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from beringia.errors import BeringiaError, ScenarioError
from beringia.pipeline.assess import MAX_DRAWS
from beringia.store import Run
from beringia.store.runs import diff_documents, flatten_document
from beringia.web.auth import require_reader, require_writer
from beringia.web.jobs import Job, JobPool
from beringia.web.library import Library, parse_toml, scenario_schema
from beringia.web.state import library, pool, store

router = APIRouter(prefix="/api", dependencies=[Depends(require_reader)])
Write = [Depends(require_writer)]
NameStr = Annotated[str, Field(min_length=1, max_length=200)]
SetStr = Annotated[str, Field(min_length=1, max_length=10_000)]


class ScenarioInput(BaseModel):
    """A scenario: a library name, or a whole document, then ``--set`` edits."""

    model_config = ConfigDict(extra="forbid")
    scenario: str | None = Field(
        "bering-strait", max_length=200, description="Built-in or saved scenario name"
    )
    document: dict[str, Any] | None = Field(
        None, description="A whole scenario document (instead of a name)"
    )
    overrides: list[SetStr] = Field(
        default_factory=list, max_length=500, description="path=value edits, as --set takes"
    )


class ClaimInput(BaseModel):
    """A claim to check besides the scenario's own (as a scenario's [[claims]] table)."""

    model_config = ConfigDict(extra="forbid")
    name: NameStr
    max_cost_bn: float | None = Field(None, description="Cost not exceeded, billions")
    max_duration_years: float | None = Field(None, description="Years not exceeded")
    scope: str = Field("tunnel", max_length=20, description="tunnel, corridor or both")
    source: str = Field(
        "entered in the web claim checker",
        min_length=1,
        max_length=2000,
        description="Where the claim was made",
    )


class RunInput(ScenarioInput):
    """A run to start: the scenario, the Monte Carlo, an optional name and added claims."""

    draws: int = Field(2000, ge=1, le=MAX_DRAWS, description="Monte Carlo draws")
    seed: int = Field(2025, ge=0, le=2**63 - 1, description="Seed of all random streams")
    name: NameStr | None = Field(None, description="Name of the saved run (unique)")
    claims: list[ClaimInput] = Field(default_factory=list, max_length=20)


class RunEdit(BaseModel):
    """New name and/or note of a saved run."""

    model_config = ConfigDict(extra="forbid")
    name: NameStr | None = None
    note: str | None = Field(None, max_length=10_000)


def _summary(run: Run) -> dict[str, Any]:
    d = run.to_dict()
    d.pop("scenario")
    d.pop("result")
    d.pop("draws_file")
    res = run.result or {}
    cons = res.get("construction", {})
    d["cost_usd_bn_p50"] = cons.get("cost_usd_bn", {}).get("p50")
    d["duration_years_p50"] = cons.get("duration_years", {}).get("p50")
    return d


def _with_job(p: JobPool, run: Run) -> dict[str, Any]:
    d = run.to_dict()
    d.pop("draws_file")
    job = p.get(run.id)
    d["job"] = None if job is None else job.to_dict()
    return d


def build_run(lib: Library, body: RunInput) -> Any:
    """Validate the scenario of a run request, with its added claims."""
    from beringia.pipeline.jobs import with_claims

    sc = lib.build(body.scenario if body.document is None else None, body.document, body.overrides)
    if body.claims:
        sc = with_claims(sc, [c.model_dump(exclude_none=True) for c in body.claims])
    return sc


# --------------------------------------------------------------------------- scenarios
@router.get("/scenarios", summary="List the built-in and saved scenarios")
def list_scenarios(request: Request) -> list[dict[str, str]]:
    """List every scenario of the library: name, title and kind (builtin or saved)."""
    return [e.__dict__ for e in library(request).entries()]


@router.get("/schema", summary="JSON Schema of the scenario document")
def get_schema() -> dict[str, Any]:
    """Return the scenario document's JSON Schema (as ``beringia schema``)."""
    return scenario_schema()


@router.get("/scenarios/{name}", summary="A scenario document")
def get_scenario(request: Request, name: str) -> dict[str, Any]:
    """Return the raw document of a built-in or saved scenario."""
    return library(request).document(name)


@router.put("/scenarios/{name}", summary="Save a scenario", dependencies=Write)
def put_scenario(request: Request, name: str, body: ScenarioInput) -> dict[str, Any]:
    """Validate a scenario (a name or document, then edits) and keep it under ``name``."""
    lib = library(request)
    sc = lib.build(body.scenario if body.document is None else None, body.document, body.overrides)
    lib.save(name, sc)
    return {"name": name, "saved": True}


@router.post("/scenarios/{name}/upload", summary="Upload a TOML scenario", dependencies=Write)
async def upload_scenario(
    request: Request, name: str, file: Annotated[UploadFile, File()]
) -> dict[str, Any]:
    """Parse an uploaded TOML scenario with the command line's validator and keep it."""
    limit: int = request.app.state.settings.max_body_bytes
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise ScenarioError("file", file.filename, f"larger than {limit:,} bytes")
    lib = library(request)
    sc = await asyncio.to_thread(lambda: lib.build(None, parse_toml(data)))
    lib.save(name, sc)
    return {"name": name, "saved": True}


@router.delete("/scenarios/{name}", summary="Delete a saved scenario", dependencies=Write)
def delete_scenario(request: Request, name: str) -> dict[str, Any]:
    """Delete a saved scenario (built-ins stay)."""
    library(request).remove(name)
    return {"name": name, "deleted": True}


@router.post("/validate", summary="Validate a scenario")
def validate(
    request: Request,
    body: ScenarioInput,
    deep: Annotated[bool, Query(description="Every check of assess, as beringia validate")] = True,
) -> dict[str, Any]:
    """Check a scenario; errors name the field path (as ``beringia validate``)."""
    import beringia

    try:
        sc = library(request).build(
            body.scenario if body.document is None else None, body.document, body.overrides
        )
        lines = beringia.validate(sc).lines() if deep else [f"ok: {sc.name}"]
    except ScenarioError as exc:
        return {
            "ok": False,
            "errors": [{"field": exc.field, "value": _jsonable(exc.value), "message": str(exc)}],
        }
    except BeringiaError as exc:  # a model's own check (a train too weak to climb, ...)
        return {"ok": False, "errors": [{"field": "scenario", "value": None, "message": str(exc)}]}
    return {"ok": True, "errors": [], "lines": lines}


def _jsonable(value: Any) -> Any:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)
    return value if not isinstance(value, dict | list) else "(table)"


# --------------------------------------------------------------------------- runs
@router.post("/runs", summary="Start a run", status_code=202, dependencies=Write)
def start_run(request: Request, body: RunInput) -> dict[str, Any]:
    """Validate the scenario and queue the run; 429 when the server is busy."""
    sc = build_run(library(request), body)
    job = pool(request).submit(sc, draws=body.draws, seed=body.seed, name=body.name)
    return job.to_dict()


@router.get("/runs", summary="List the saved runs")
def list_runs(request: Request) -> list[dict[str, Any]]:
    """List every saved run, newest first, without its scenario and result."""
    return [_summary(r) for r in store(request).list()]


@router.get("/runs/{ref}", summary="A saved run")
def get_run(request: Request, ref: str) -> dict[str, Any]:
    """Return a run by id or name: how it was made, its scenario, its result and its job."""
    return _with_job(pool(request), store(request).get(ref))


@router.get("/runs/{ref}/result", summary="A run's result JSON")
def get_result(request: Request, ref: str) -> Any:
    """Return the result exactly as ``beringia assess --json`` prints it (null until finished)."""
    return store(request).get(ref).result


@router.patch("/runs/{ref}", summary="Rename or annotate a run", dependencies=Write)
def edit_run(request: Request, ref: str, body: RunEdit) -> dict[str, Any]:
    """Give a run a (unique) name and/or a note."""
    s = store(request)
    run = s.get(ref)
    if body.name is not None and body.name != run.name:
        run = s.rename(str(run.id), body.name)
    if body.note is not None:
        run = s.annotate(str(run.id), body.note)
    return _summary(run)


@router.delete("/runs/{ref}", summary="Delete a run", dependencies=Write)
def delete_run(request: Request, ref: str) -> dict[str, Any]:
    """Delete a run that is not running, and its per-draw data."""
    run = store(request).remove(ref)
    return {"id": run.id, "deleted": True}


@router.post(
    "/runs/{ref}/report", summary="Rebuild a run's full report", status_code=202, dependencies=Write
)
def rebuild_report(request: Request, ref: str) -> dict[str, Any]:
    """Run a finished run again (same scenario, seed, draws) to rebuild its HTML report."""
    return pool(request).rebuild(store(request).get(ref)).to_dict()


@router.get("/jobs", summary="Jobs of this server")
def list_jobs(request: Request) -> list[dict[str, Any]]:
    """List the jobs this server has run or queued, newest first."""
    return [j.to_dict() for j in pool(request).jobs()]


@router.get("/jobs/{run_id}", summary="A job's status and progress")
def get_job(request: Request, run_id: int) -> dict[str, Any]:
    """Return the status and progress by stage of a run started on this server."""
    job = pool(request).get(run_id)
    if job is None:
        raise ScenarioError("run", run_id, "no job of this server has that run id")
    return job.to_dict()


@router.post("/jobs/{run_id}/cancel", summary="Cancel a job", dependencies=Write)
def cancel_job(request: Request, run_id: int) -> dict[str, Any]:
    """Stop a queued job, or a running one at its next block of draws."""
    return pool(request).cancel(run_id).to_dict()


@router.get(
    "/jobs/{run_id}/events",
    summary="Live progress (server-sent events)",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
)
async def job_events(request: Request, run_id: int) -> StreamingResponse:
    """``progress`` events as the job advances, then one ``end`` event with its status."""
    p = pool(request)
    if p.get(run_id) is None:
        raise ScenarioError("run", run_id, "no job of this server has that run id")
    return events_response(request, lambda: p.get(run_id))


def events_response(request: Request, get: Callable[[], Job | None]) -> StreamingResponse:
    """Stream a job's progress as server-sent events (``get`` reads the job afresh)."""
    return StreamingResponse(
        _events(request, get),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


async def _events(request: Request, get: Callable[[], Job | None]) -> AsyncIterator[str]:
    seen = -1
    while True:
        job = get()
        if job is None:
            return
        if job.version != seen:
            seen = job.version
            data = json.dumps(job.to_dict())
            if job.done:
                yield f"event: end\ndata: {data}\n\n"
                return
            yield f"event: progress\ndata: {data}\n\n"
        if await request.is_disconnected():
            return
        await asyncio.sleep(0.1)


# --------------------------------------------------------------------------- compare, claims
@router.get("/compare", summary="Compare two runs")
def compare(
    request: Request,
    a: Annotated[str, Query(max_length=200)],
    b: Annotated[str, Query(max_length=200)],
) -> dict[str, Any]:
    """Return the scenario fields that differ (``--set`` paths), then results side by side."""
    s = store(request)
    ra, rb = s.get(a), s.get(b)
    fa, fb = dict(flatten_document(ra.result or {})), dict(flatten_document(rb.result or {}))
    common = sorted(fa.keys() & fb.keys())
    keys = [k for k in common if k.endswith((".p10", ".p50", ".p90"))]
    keys += [k for k in common if k.endswith(".probability")]
    results = []
    for k in keys:
        va, vb = fa[k], fb[k]
        if isinstance(va, int | float) and isinstance(vb, int | float):
            results.append({"result": k, "a": va, "b": vb, "difference": vb - va})
    return {
        "a": _summary(ra),
        "b": _summary(rb),
        "scenario": [
            {"path": p, "a": va, "b": vb} for p, va, vb in diff_documents(ra.scenario, rb.scenario)
        ],
        "results": results,
    }


@router.get("/runs/{ref}/claims", summary="A run's claim verdicts")
def run_claims(request: Request, ref: str) -> list[dict[str, Any]]:
    """Return the claims of a finished run: probability and the sentence of the verdict."""
    result = store(request).get(ref).result or {}
    claims: list[dict[str, Any]] = result.get("claims", [])
    return claims


@router.post("/claims", summary="Check a custom claim", status_code=202, dependencies=Write)
def check_claims(request: Request, body: RunInput) -> dict[str, Any]:
    """Queue a run of the scenario with the added claims (as ``beringia claims --claim``)."""
    if not body.claims:
        raise ScenarioError("claims", [], "give at least one claim to check")
    return start_run(request, body)
