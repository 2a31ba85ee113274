"""The app factory: the API, the pages, the static files, error handling and limits."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import ExitStack, asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request, Response
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from beringia._version import __version__
from beringia.errors import BeringiaError, ScenarioError
from beringia.web.jobs import Busy, JobPool, Runner
from beringia.web.library import Library
from beringia.web.settings import WebSettings

if TYPE_CHECKING:
    from beringia.store import RunStore

STATIC = Path(__file__).parent / "static"


class BodyLimit:
    """Refuse request bodies over a size (413), by their length or as they stream in."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, cutting it off at the limit."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for key, value in scope.get("headers", []):
            if key == b"content-length" and (not value.isdigit() or int(value) > self.limit):
                await _too_large(self.limit, send)
                return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await _too_large(self.limit, send)


class _TooLarge(Exception):
    pass


async def _too_large(limit: int, send: Send) -> None:
    body = JSONResponse(
        {"detail": f"request body larger than {limit:,} bytes"}, status_code=413
    ).body
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _is_page(request: Request) -> bool:
    path = request.url.path
    return not (path.startswith(("/api/", "/static/")) or path == "/openapi.json")


LOOKUPS = ("run", "scenario", "sweep", "sensitivity")
"""Error fields that name a thing looked up: a page answers 404 when it is not found."""


def _is_lookup(exc: BeringiaError) -> bool:
    return isinstance(exc, ScenarioError) and exc.field in LOOKUPS


def _error(exc: BeringiaError, status: int) -> JSONResponse:
    body: dict[str, Any] = {"detail": str(exc)}
    if isinstance(exc, ScenarioError):
        body["field"] = exc.field
        body["allowed"] = exc.allowed
    return JSONResponse(body, status_code=status)


def create_app(
    settings: WebSettings,
    store: RunStore | None = None,
    folder: Path | None = None,
    runner: Runner | None = None,
) -> FastAPI:
    """Build the web app.

    Parameters
    ----------
    settings : WebSettings
        Token, privacy, the job pool's bounds and its Dask scheduler (opened here, closed
        when the app stops).
    store : RunStore, optional
        The run store (default: :func:`beringia.store.open_store`, as the command line).
    folder : Path, optional
        Data folder of the saved scenarios (default: the store's folder).
    runner : callable, optional
        What runs a job (default :func:`beringia.assess`).

    Returns
    -------
    FastAPI
        The app; serve it with uvicorn (``beringia serve``).
    """
    from beringia.store import open_store
    from beringia.web import api, pages, sensitivity, sweeps

    st = store if store is not None else open_store()
    cluster = ExitStack()
    if settings.scheduler is not None:  # opened now: a bad address fails before serving
        from beringia.pipeline.scheduler import open_scheduler

        scheduler = cluster.enter_context(open_scheduler(settings.scheduler))
    else:
        scheduler = None
    jobs = JobPool(
        st,
        max_jobs=settings.max_jobs,
        queue=settings.queue,
        max_draws=settings.max_draws,
        time_limit_s=settings.time_limit_s,
        runner=runner,
        scheduler=scheduler,
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        with cluster:  # closed (a local cluster stopped) once the jobs have ended
            jobs.shutdown()

    app = FastAPI(
        title="beringia",
        version=__version__,
        description="Feasibility simulator for the Bering Strait rail tunnel: runs, "
        "scenarios, claims. Writes need 'Authorization: Bearer <token>'.",
        lifespan=lifespan,
        docs_url=None,  # Swagger UI and ReDoc load from a CDN; the schema is /openapi.json
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.store = st
    app.state.pool = jobs
    app.state.library = Library(folder if folder is not None else st.folder)

    @app.exception_handler(Busy)
    async def _busy(_: Request, exc: Busy) -> Response:
        r = _error(exc, 429)
        r.headers["Retry-After"] = "5"
        return r

    @app.exception_handler(BeringiaError)
    async def _user_error(request: Request, exc: BeringiaError) -> Response:
        if _is_page(request):
            return pages.error_page(404 if _is_lookup(exc) else 422, str(exc))
        return _error(exc, 422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _is_page(request):
            return pages.error_page(exc.status_code, str(exc.detail))
        return await http_exception_handler(request, exc)

    @app.exception_handler(RecursionError)
    async def _deep(_: Request, exc: RecursionError) -> JSONResponse:
        return JSONResponse({"detail": "document nested too deep"}, status_code=422)

    @app.exception_handler(RequestValidationError)
    async def _bad_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"field": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "")}
            for e in exc.errors()
        ]
        return JSONResponse({"detail": errors}, status_code=422)

    app.include_router(api.router)
    app.include_router(sweeps.router)
    app.include_router(sensitivity.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    if settings.allowed_hosts:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(settings.allowed_hosts))
    return app
