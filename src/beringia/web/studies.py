"""What sweeps and sensitivity analyses share in the API: their reads, cancel and events.

A study (:class:`beringia.web.jobs.Study`) runs in the job pool and is kept in memory under an
id of its own; :func:`add_study_routes` gives a study's router the same operations for every
kind: the list, the result (the command line's ``--json``, once finished), the job's status and
progress, cancel, and live progress as server-sent events.
"""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from beringia.errors import ScenarioError
from beringia.web.api import events_response
from beringia.web.auth import require_writer
from beringia.web.jobs import Job
from beringia.web.state import pool

Write = [Depends(require_writer)]
_OPTION = re.compile(r"(?<![\w-])--(?=[a-z])")


def api_field(exc: ScenarioError, short: dict[str, str] | None = None) -> ScenarioError:
    """Name a command-line option as the request's field (``--vary x`` -> ``vary x``).

    Parameters
    ----------
    exc : ScenarioError
        An error of the pipeline, in the command line's words.
    short : dict, optional
        Short options to their request fields (``{"-N": "samples"}``).
    """
    field, allowed = exc.field, exc.allowed
    for opt, name in (short or {}).items():
        if field == opt or field.startswith(opt + " "):
            field = name + field[len(opt) :]
    if field == exc.field and not field.startswith("--"):
        return exc
    return ScenarioError(_OPTION.sub("", field), exc.value, _OPTION.sub("", allowed))


def add_study_routes(router: APIRouter, kind: str) -> None:
    """Add a study kind's reads, cancel and events to its router (prefix ``/api/<kind>``).

    Parameters
    ----------
    router : APIRouter
        The kind's router; its ``POST ""`` (start) is the kind's own.
    kind : str
        ``sweep`` or ``sensitivity``: the job kind, and the word used in messages.
    """

    def job_of(request: Request, study_id: int) -> Job:
        return pool(request).study(kind, study_id)

    @router.get("", summary=f"The {kind} studies of this server")
    def list_studies(request: Request) -> list[dict[str, Any]]:
        """List the studies this server remembers (queued, running or ended), newest first."""
        return [j.to_dict() for j in pool(request).studies(kind)]

    @router.get(
        "/{study_id}",
        summary=f"A {kind}'s result",
        responses={409: {"description": "Not finished: its status and error"}},
    )
    def get_result(request: Request, study_id: int) -> Any:
        """Return the result exactly as the command line's ``--json`` prints it, once finished."""
        job = job_of(request, study_id)
        if job.status != "finished":
            detail = f"{kind} {study_id} is {job.status}" + (f": {job.error}" if job.error else "")
            return JSONResponse({"detail": detail, "status": job.status}, status_code=409)
        # as the command line writes it (json.dumps: a NaN stays NaN, as on the command line)
        return Response(json.dumps(job.result.to_dict()), media_type="application/json")

    @router.get("/{study_id}/job", summary=f"A {kind}'s status and progress")
    def get_job(request: Request, study_id: int) -> dict[str, Any]:
        """Return the status and progress by stage."""
        return job_of(request, study_id).to_dict()

    @router.post("/{study_id}/cancel", summary=f"Cancel a {kind}", dependencies=Write)
    def cancel(request: Request, study_id: int) -> dict[str, Any]:
        """Stop a queued study, or a running one at its next step."""
        return pool(request).cancel_study(kind, study_id).to_dict()

    @router.get(
        "/{study_id}/events",
        summary=f"A {kind}'s live progress (server-sent events)",
        response_class=StreamingResponse,
        responses={200: {"content": {"text/event-stream": {}}}},
    )
    async def events(request: Request, study_id: int) -> StreamingResponse:
        """``progress`` events as it advances, then one ``end`` event with the status."""
        job = job_of(request, study_id)
        return events_response(request, lambda: job)
