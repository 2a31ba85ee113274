"""The run store: every saved run, kept in SQLite (default) or PostgreSQL (shared use).

A run is written in two steps: a row marked ``running`` (with the scenario, seed, draws,
version and the process that runs it) before the Monte Carlo starts, then, in one
transaction at the end, its result and ``finished``. A process killed in between leaves
a ``running`` row whose process is gone; the next open of the store marks it ``failed``, so the
store never holds a half-written result. Finished runs are immutable but for their name and
note. Per-draw data lives beside the database as Parquet, named by the run and checked by its
SHA-256.

Where: ``BERINGIA_DATABASE_URL`` (any SQLAlchemy URL, e.g. ``postgresql+psycopg://...``), or
else SQLite in the data folder: ``BERINGIA_DATA_DIR``, else ``$XDG_DATA_HOME/beringia``, else
``~/.local/share/beringia``.
"""

from beringia.store.runs import Run, RunStore, open_store

__all__ = ["Run", "RunStore", "open_store"]
