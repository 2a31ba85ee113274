"""What the app keeps in ``app.state``, read back with its type."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import Request

if TYPE_CHECKING:
    from beringia.store import RunStore
    from beringia.web.jobs import JobPool
    from beringia.web.library import Library
    from beringia.web.settings import WebSettings


def store(request: Request) -> RunStore:
    """Return the app's run store."""
    s: RunStore = request.app.state.store
    return s


def pool(request: Request) -> JobPool:
    """Return the app's job pool."""
    p: JobPool = request.app.state.pool
    return p


def library(request: Request) -> Library:
    """Return the app's scenario library."""
    lib: Library = request.app.state.library
    return lib


def settings(request: Request) -> WebSettings:
    """Return the app's settings."""
    s: WebSettings = request.app.state.settings
    return s
