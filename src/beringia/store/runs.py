"""Saved runs: start, finish, fail, list, read, rename, annotate, remove, diff."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import socket
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from beringia.errors import ScenarioError
from beringia.output import pid_alive
from beringia.store.location import data_dir, database_url
from beringia.store.schema import migrate
from beringia.store.tables import RunRow

if TYPE_CHECKING:
    from beringia.pipeline import Assessment
    from beringia.scenario import Scenario

MAX_NAME = 200


@dataclass(frozen=True)
class Run:
    """A saved run as read from the store."""

    id: int
    name: str | None
    note: str
    scenario_name: str
    scenario_sha256: str
    scenario: dict[str, Any]
    seed: int
    draws: int
    version: str
    status: str
    error: str
    created_at: dt.datetime
    finished_at: dt.datetime | None
    seconds: float | None
    result: dict[str, Any] | None
    draws_file: Path | None
    draws_sha256: str | None

    @property
    def label(self) -> str:
        """``#id`` and the name, if any."""
        return f"#{self.id}" + (f" {self.name}" if self.name else "")

    def to_dict(self) -> dict[str, Any]:
        """Return the run as JSON (``runs export``)."""
        return {
            "id": self.id,
            "name": self.name,
            "note": self.note,
            "status": self.status,
            "error": self.error,
            "scenario_name": self.scenario_name,
            "scenario_sha256": self.scenario_sha256,
            "seed": self.seed,
            "draws": self.draws,
            "version": self.version,
            "created_at": self.created_at.isoformat(),
            "finished_at": None if self.finished_at is None else self.finished_at.isoformat(),
            "seconds": self.seconds,
            "draws_file": None if self.draws_file is None else str(self.draws_file),
            "draws_sha256": self.draws_sha256,
            "scenario": self.scenario,
            "result": self.result,
        }


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _engine(url: str) -> Engine:
    """Return an engine without a pool.

    Each session opens and closes its own connection: a command runs a handful of
    statements, and nothing is left open when it ends.
    """
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, poolclass=NullPool)

        @event.listens_for(engine, "connect")
        def _pragmas(conn: Any, _record: Any) -> None:  # pragma: no cover - trivial
            cur = conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.close()

        return engine
    return create_engine(url, poolclass=NullPool)


class RunStore:
    """The store of saved runs (see the package docstring for where it lives).

    Opening it brings its schema up to date (Alembic) and marks every run of this host whose
    process has ended while ``running`` as ``failed``.
    """

    def __init__(self, url: str | None = None, folder: Path | None = None) -> None:
        self.url = url or database_url()
        self.folder = folder or data_dir()
        self.engine = _engine(self.url)
        migrate(self.engine)
        self.host = socket.gethostname()
        self.recover()

    # ------------------------------------------------------------------ writing
    def start(
        self, scenario: Scenario, sha256: str, seed: int, draws: int, name: str | None, version: str
    ) -> int:
        """Record a run that is about to start; return its id."""
        if name is not None:
            self._check_name(name)
        row = RunRow(
            name=name,
            note="",
            scenario_name=scenario.name,
            scenario_sha256=sha256,
            scenario_json=json.dumps(scenario.model_dump(mode="json"), sort_keys=True),
            seed=seed,
            draws=draws,
            version=version,
            status="running",
            error="",
            host=self.host,
            pid=os.getpid(),
            created_at=_now(),
        )
        with Session(self.engine) as s, s.begin():
            s.add(row)
            s.flush()
            return int(row.id)

    def finish(self, run_id: int, assessment: Assessment, *, with_draws: bool = True) -> Run:
        """Store a run's result and mark it ``finished``, in one transaction.

        The per-draw Parquet file is written first (atomically) and named in the same
        transaction, with its SHA-256.
        """
        from beringia.draws_file import write_draws

        path = None
        digest = None
        if with_draws:
            path = write_draws(assessment, self.folder / "draws" / f"run-{run_id}.parquet")
            digest = _sha256(path)
        with Session(self.engine) as s, s.begin():
            row = s.get(RunRow, run_id)
            if row is None or row.status != "running":
                raise ScenarioError("run", run_id, "not a running run of this store")
            row.result_json = json.dumps(assessment.to_dict(), sort_keys=True)
            row.status = "finished"
            row.finished_at = _now()
            row.seconds = float(assessment.provenance.get("total_seconds", 0.0))
            row.draws_file = None if path is None else path.name
            row.draws_sha256 = digest
        return self.get(str(run_id))

    def fail(self, run_id: int, error: str) -> None:
        """Mark a running run ``failed`` with the reason."""
        with Session(self.engine) as s, s.begin():
            row = s.get(RunRow, run_id)
            if row is not None and row.status == "running":
                row.status = "failed"
                row.error = error[:2000]
                row.finished_at = _now()

    def recover(self) -> int:
        """Mark this host's ``running`` runs whose process has ended as ``failed``.

        Per-draw files that no run names are removed too. Returns how many runs were marked.
        """
        marked = 0
        with Session(self.engine) as s, s.begin():
            rows = s.scalars(
                select(RunRow).where(RunRow.status == "running", RunRow.host == self.host)
            ).all()
            for row in rows:
                if row.pid != os.getpid() and not pid_alive(row.pid):
                    row.status = "failed"
                    row.error = "interrupted: its process ended before the run finished"
                    row.finished_at = _now()
                    marked += 1
            named = set(s.scalars(select(RunRow.draws_file)).all())
        folder = self.folder / "draws"
        if folder.is_dir():
            for f in folder.glob("run-*.parquet"):
                run = f.stem.removeprefix("run-")
                if f.name not in named and not self._is_running(run):
                    f.unlink(missing_ok=True)
        return marked

    def _is_running(self, run: str) -> bool:
        if not run.isdigit():
            return False
        with Session(self.engine) as s:
            row = s.get(RunRow, int(run))
            return row is not None and row.status == "running"

    # ------------------------------------------------------------------ editing
    def _check_name(self, name: str) -> None:
        if not name.strip() or len(name) > MAX_NAME or name.isdigit():
            raise ScenarioError(
                "--name", name, f"allowed: 1 to {MAX_NAME} characters, not only digits"
            )
        with Session(self.engine) as s:
            if s.scalars(select(RunRow.id).where(RunRow.name == name)).first() is not None:
                raise ScenarioError("--name", name, "a saved run has that name already")

    def rename(self, ref: str, name: str) -> Run:
        """Give a run a new name (names are unique, not only digits)."""
        run = self.get(ref)
        self._check_name(name)
        with Session(self.engine) as s, s.begin():
            row = s.get(RunRow, run.id)
            assert row is not None
            row.name = name
        return self.get(str(run.id))

    def annotate(self, ref: str, note: str) -> Run:
        """Replace a run's note."""
        run = self.get(ref)
        with Session(self.engine) as s, s.begin():
            row = s.get(RunRow, run.id)
            assert row is not None
            row.note = note[:10_000]
        return self.get(str(run.id))

    def remove(self, ref: str) -> Run:
        """Delete a run that is not running, and its per-draw file."""
        run = self.get(ref)
        if run.status == "running":
            raise ScenarioError("run", ref, "it is still running")
        with Session(self.engine) as s, s.begin():
            row = s.get(RunRow, run.id)
            if row is not None:
                s.delete(row)
        if run.draws_file is not None:
            run.draws_file.unlink(missing_ok=True)
        return run

    # ------------------------------------------------------------------ reading
    def _run(self, row: RunRow) -> Run:
        return Run(
            id=row.id,
            name=row.name,
            note=row.note,
            scenario_name=row.scenario_name,
            scenario_sha256=row.scenario_sha256,
            scenario=json.loads(row.scenario_json),
            seed=row.seed,
            draws=row.draws,
            version=row.version,
            status=row.status,
            error=row.error,
            created_at=row.created_at,
            finished_at=row.finished_at,
            seconds=row.seconds,
            result=None if row.result_json is None else json.loads(row.result_json),
            draws_file=None if row.draws_file is None else self.folder / "draws" / row.draws_file,
            draws_sha256=row.draws_sha256,
        )

    def list(self) -> list[Run]:
        """Return every run, newest first."""
        with Session(self.engine) as s:
            rows = s.scalars(select(RunRow).order_by(RunRow.id.desc())).all()
            return [self._run(r) for r in rows]

    def get(self, ref: str) -> Run:
        """Return a run by id (digits) or name.

        Raises
        ------
        ScenarioError
            If no run has that id or name.
        """
        with Session(self.engine) as s:
            row = (
                s.get(RunRow, int(ref))
                if ref.isdigit()
                else s.scalars(select(RunRow).where(RunRow.name == ref)).first()
            )
            if row is None:
                known = ", ".join(r.label for r in self.list()[:10]) or "(the store is empty)"
                raise ScenarioError("run", ref, f"no saved run of that id or name; saved: {known}")
            return self._run(row)

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()


def open_store(url: str | None = None, folder: Path | None = None) -> RunStore:
    """Open (creating or upgrading) the run store."""
    return RunStore(url, folder)


def flatten_document(node: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Yield ``(path, value)`` for every leaf of a document; list elements by ``name``."""
    if isinstance(node, Mapping):
        for k in sorted(node):
            yield from flatten_document(node[k], f"{prefix}.{k}" if prefix else str(k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            label = v.get("name", i) if isinstance(v, Mapping) else i
            yield from flatten_document(v, f"{prefix}.{label}")
    else:
        yield prefix, node


def diff_documents(a: Any, b: Any) -> list[tuple[str, Any, Any]]:
    """Return the field paths (as ``--set``) whose values differ between two documents.

    Each with both values (``None`` where a side lacks the field).
    """
    fa, fb = dict(flatten_document(a)), dict(flatten_document(b))
    return [
        (k, fa.get(k), fb.get(k)) for k in sorted(fa.keys() | fb.keys()) if fa.get(k) != fb.get(k)
    ]


__all__ = ["Run", "RunStore", "diff_documents", "flatten_document", "open_store"]
