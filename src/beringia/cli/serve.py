"""``beringia serve``: the web app (FastAPI and uvicorn load only here)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from beringia.cli.base import app, err, fail, out
from beringia.errors import BeringiaError, ScenarioError


@app.command()
def serve(
    host: Annotated[
        str, typer.Option("--host", help="Address to bind (another than loopback shares it).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8000,
    private: Annotated[
        bool, typer.Option("--private", help="Reads need the token too (writes always do).")
    ] = False,
    max_jobs: Annotated[int, typer.Option("--max-jobs", help="Runs at the same time.")] = 2,
    queue: Annotated[int, typer.Option("--queue", help="Runs that may wait; more: busy.")] = 8,
    max_draws: Annotated[
        int, typer.Option("--max-draws", help="Largest number of draws of one run.")
    ] = 200_000,
    time_limit: Annotated[
        float, typer.Option("--time-limit", help="Seconds after which a run is stopped.")
    ] = 600.0,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="Run the jobs on Dask: local (a LocalCluster on this machine, one worker per "
            "CPU, started with the app) or tcp://HOST:PORT (an existing cluster whose workers "
            "have beringia). Results do not change.",
            show_default="the app's own threads",
        ),
    ] = None,
) -> None:
    """Serve the web app: scenario editor, runs with live progress, compare, claims."""
    import uvicorn

    from beringia.cli.runs import _store
    from beringia.web import WebSettings, create_app
    from beringia.web.auth import load_token
    from beringia.web.settings import LOOPBACK_HOSTS

    try:
        if not 1 <= port <= 65535:
            raise ScenarioError("--port", port, "allowed: 1 to 65535")
        store = _store()
        token, origin = load_token(store.folder)
        settings = WebSettings(
            token=token,
            private=private,
            max_jobs=max_jobs,
            queue=queue,
            max_draws=max_draws,
            time_limit_s=time_limit,
            allowed_hosts=LOOPBACK_HOSTS if host in LOOPBACK_HOSTS else (),
            scheduler=scheduler,
        )
        web = create_app(settings, store)
    except BeringiaError as exc:
        raise fail(exc) from None
    shown = f"[{host}]" if ":" in host else host
    out.print(f"beringia web app: [bold]http://{escape(shown)}:{port}/[/]")
    out.print(f"token ({escape(origin)}): {escape(token)}")
    out.print(f"runs kept in {escape(store.url)}")
    if scheduler is not None:
        out.print(f"jobs run on Dask: {escape(scheduler)}")
    if host not in LOOPBACK_HOSTS:
        err.print(f"[yellow]note:[/] listening on {escape(host)}, not only this machine")
    uvicorn.run(web, host=host, port=port, log_level="warning")
