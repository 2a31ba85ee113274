"""The web app (``beringia serve``): a JSON API under ``/api`` and server-rendered pages.

Runs go through the public API (:func:`beringia.assess`) in a bounded pool of jobs and are
kept in the run store, so a run started from the browser gives the same result as
``beringia assess --json`` for the same scenario, seed and draws. Writes need the bearer
token; reads are open unless the app is private. Nothing here is imported by the rest of
beringia: FastAPI and uvicorn load only when the app is built.
"""

from beringia.web.app import create_app
from beringia.web.settings import WebSettings

__all__ = ["WebSettings", "create_app"]
