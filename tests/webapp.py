"""Shared pieces of the web tests: an app on a throwaway store, a client, a live server."""

from __future__ import annotations

import socket
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from beringia.store import RunStore, open_store
from beringia.web import WebSettings, create_app

if TYPE_CHECKING:
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

TOKEN = "test-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
WRONG = {"Authorization": "Bearer not-the-token-at-all"}
SHORT = ["operations.simulated_years=8"]
"""A shorter operations simulation: runs of a second or two."""
TIMING = ("simulation_seconds", "operations_seconds", "corridor_seconds", "total_seconds")


def make_app(
    folder: Path, runner: Any = None, url: str | None = None, **settings: Any
) -> tuple[FastAPI, RunStore]:
    """An app whose runs and saved scenarios live in ``folder`` (SQLite unless ``url``)."""
    store = open_store(url or f"sqlite:///{folder / 'runs.sqlite'}", folder)
    return create_app(WebSettings(token=TOKEN, **settings), store, runner=runner), store


def client(app: FastAPI) -> TestClient:
    """A test client (Starlette's deprecation note on httpx is not ours to fix)."""
    from starlette.exceptions import StarletteDeprecationWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StarletteDeprecationWarning)
        from fastapi.testclient import TestClient
    return TestClient(app)


def without_timings(result: dict[str, Any]) -> dict[str, Any]:
    """The result JSON without the wall-clock timings, which differ from run to run."""
    out = dict(result)
    out["provenance"] = {k: v for k, v in result["provenance"].items() if k not in TIMING}
    return out


def wait_finished(c: TestClient, run_id: int, limit: float = 120.0) -> dict[str, Any]:
    """Poll a job until it ends; its last status."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        job = c.get(f"/api/jobs/{run_id}").json()
        if job["status"] in ("finished", "failed", "cancelled"):
            return dict(job)
        time.sleep(0.05)
    raise AssertionError(f"run {run_id} did not end within {limit} s")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def live_server(app: FastAPI) -> Iterator[str]:
    """Serve the app with a real uvicorn on a free loopback port; yield its base URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="on",
            # uvicorn closes idle connections after 5 s: on a busy machine a client may reuse
            # one just as it closes (a ReadError that is not the app's)
            timeout_keep_alive=120,
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    end = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > end or not thread.is_alive():
            raise AssertionError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)
