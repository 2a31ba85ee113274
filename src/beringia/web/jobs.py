"""A bounded pool of assessment jobs: a few run at a time, a short queue, a clear "busy".

A job is a run of the store: :meth:`JobPool.submit` records it (``running``) before it
queues, so its id is the run's id from the start; the job calls :func:`beringia.assess`
exactly as ``beringia assess`` does (one process; the same scenario, seed and draws give the
same result) and stores the result, or marks the run failed with the reason (an error, a
cancel, the time limit). Progress comes from the pipeline's ``progress(stage, done, total)``
callback, which is also where a cancel or the time limit stops the run (between blocks of
draws).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from beringia._version import __version__
from beringia.errors import BeringiaError, ScenarioError
from beringia.scenario.io import scenario_hash

if TYPE_CHECKING:
    from beringia.pipeline import Assessment
    from beringia.scenario.model import Scenario
    from beringia.store import Run, RunStore

log = logging.getLogger("beringia.web")

KEEP_JOBS = 500
"""Jobs remembered after they end (their status; the run itself stays in the store)."""

KEEP_ASSESSMENTS = 4
"""Finished assessments kept in memory for their full HTML report."""


class Busy(BeringiaError):
    """The pool is full: as many jobs running and queued as it allows."""


class Stopped(Exception):
    """Raised from the progress callback to stop a job (cancel or time limit)."""


@dataclass
class Job:
    """One run in the pool and what is known of its progress."""

    run_id: int
    scenario_name: str
    draws: int
    seed: int
    status: str = "queued"
    """``queued``, ``running``, ``finished``, ``failed`` or ``cancelled``."""
    error: str = ""
    progress: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Stage -> (done, total), in the order the stages started."""
    submitted: float = field(default_factory=time.time)
    started: float | None = None
    ended: float | None = None
    version: int = 0
    """Bumped at every change, so a watcher knows when to send an update."""
    cancel: threading.Event = field(default_factory=threading.Event)
    kind: str = "run"
    """``run`` (a new run of the store) or ``report`` (a saved run again, for its report)."""
    expected: dict[str, Any] | None = None
    """For a ``report`` job: the saved result the run again must give."""

    @property
    def done(self) -> bool:
        """Whether the job has ended (finished, failed or cancelled)."""
        return self.status in ("finished", "failed", "cancelled")

    def to_dict(self) -> dict[str, Any]:
        """Return the job as JSON: status, progress by stage, error."""
        return {
            "run_id": self.run_id,
            "scenario_name": self.scenario_name,
            "draws": self.draws,
            "seed": self.seed,
            "kind": self.kind,
            "status": self.status,
            "error": self.error,
            "progress": [
                {"stage": s, "done": d, "total": t} for s, (d, t) in self.progress.items()
            ],
            "submitted": self.submitted,
            "started": self.started,
            "ended": self.ended,
            "version": self.version,
        }


Runner = Callable[..., "Assessment"]


def _assess(scenario: Scenario, *, draws: int, seed: int, progress: Any) -> Assessment:
    import beringia

    return beringia.assess(scenario, draws=draws, seed=seed, progress=progress)


def without_timings(result: dict[str, Any]) -> dict[str, Any]:
    """Return a result JSON without its wall-clock timings (``provenance.*_seconds``)."""
    prov = result.get("provenance", {})
    return {**result, "provenance": {k: v for k, v in prov.items() if not k.endswith("_seconds")}}


def _check_same(result: Assessment, expected: dict[str, Any]) -> None:
    got = json.loads(json.dumps(result.to_dict()))
    if without_timings(got) != without_timings(expected):
        raise BeringiaError("run again, it does not give its saved result; report not rebuilt")


class JobPool:
    """Runs assessments in a few threads, refusing more than it can queue.

    Parameters
    ----------
    store : RunStore
        Where each job's run is recorded and its result kept.
    max_jobs, queue, max_draws, time_limit_s
        As in :class:`beringia.web.settings.WebSettings`.
    runner : callable, optional
        What runs a job (default :func:`beringia.assess`); tests may slow it down.
    """

    def __init__(
        self,
        store: RunStore,
        *,
        max_jobs: int = 2,
        queue: int = 8,
        max_draws: int = 200_000,
        time_limit_s: float = 600.0,
        runner: Runner | None = None,
    ) -> None:
        self.store = store
        self.max_jobs = max_jobs
        self.queue = queue
        self.max_draws = max_draws
        self.time_limit_s = time_limit_s
        self._runner = runner or _assess
        self._executor = ThreadPoolExecutor(max_workers=max_jobs, thread_name_prefix="job")
        self._lock = threading.Lock()
        self._jobs: OrderedDict[int, Job] = OrderedDict()
        self._assessments: OrderedDict[int, Assessment] = OrderedDict()
        self._closed = False

    # ----------------------------------------------------------------- submitting
    def active(self) -> int:
        """Count the jobs queued or running."""
        with self._lock:
            return sum(1 for j in self._jobs.values() if not j.done)

    def submit(self, scenario: Scenario, *, draws: int, seed: int, name: str | None) -> Job:
        """Record a run and queue it.

        Raises
        ------
        ScenarioError
            If ``draws`` is above this pool's limit, or the name is taken.
        Busy
            If the pool holds as many jobs as it allows (running plus queued).
        """
        if not 1 <= draws <= self.max_draws:
            raise ScenarioError(
                "draws", draws, f"allowed on this server: 1 to {self.max_draws:,} per run"
            )
        with self._lock:
            self._admit()
            run_id = self.store.start(
                scenario, scenario_hash(scenario), seed, draws, name, __version__
            )
            job = Job(run_id, scenario.name, draws, seed)
            self._jobs[run_id] = job
            self._trim()
        self._executor.submit(self._run, job, scenario)
        return job

    def rebuild(self, run: Run) -> Job:
        """Run a finished run again (its scenario, seed and draws) for its full report.

        The store is not touched. The new result must equal the saved one (wall-clock timings
        aside), or the job fails saying so.

        Raises
        ------
        ScenarioError
            If the run is not finished, or was made by another version of beringia.
        Busy
            If the pool is full.
        """
        from beringia.scenario.io import validate_document

        if run.status != "finished" or run.result is None:
            raise ScenarioError("run", run.label, "only a finished run's report can be rebuilt")
        if run.version != __version__:
            raise ScenarioError(
                "run", run.label, f"made by beringia {run.version}, this is {__version__}"
            )
        if not 1 <= run.draws <= self.max_draws:
            raise ScenarioError(
                "draws", run.draws, f"allowed on this server: 1 to {self.max_draws:,} per run"
            )
        scenario = validate_document(run.scenario)
        with self._lock:
            known = self._jobs.get(run.id)
            if known is not None and not known.done:
                return known
            self._admit()
            job = Job(run.id, run.scenario_name, run.draws, run.seed, kind="report")
            job.expected = run.result
            self._jobs.pop(run.id, None)
            self._jobs[run.id] = job
        self._executor.submit(self._run, job, scenario)
        return job

    def _admit(self) -> None:
        """Refuse a new job when closing or full (called with the lock held)."""
        if self._closed:
            raise Busy("the server is shutting down; no new runs")
        active = sum(1 for j in self._jobs.values() if not j.done)
        if active >= self.max_jobs + self.queue:
            raise Busy(
                f"busy: {active} runs are running or queued (at most {self.max_jobs} at a "
                f"time and {self.queue} waiting); try again when one has finished"
            )

    def _trim(self) -> None:
        ended = [k for k, j in self._jobs.items() if j.done]
        for k in ended[: max(0, len(ended) - KEEP_JOBS)]:
            del self._jobs[k]

    # ----------------------------------------------------------------- running
    def _touch(self, job: Job, **changes: Any) -> None:
        with self._lock:
            for k, v in changes.items():
                setattr(job, k, v)
            job.version += 1

    def _run(self, job: Job, scenario: Scenario) -> None:
        with self._lock:
            if job.status != "queued":  # cancelled while it waited
                return
            job.status, job.started = "running", time.time()
            job.version += 1
        deadline = time.monotonic() + self.time_limit_s

        def progress(stage: str, done: int, total: int) -> None:
            with self._lock:
                job.progress[stage] = (done, total)
                job.version += 1
            if job.cancel.is_set():
                raise Stopped("cancelled")
            if time.monotonic() > deadline:
                raise Stopped(f"stopped at the time limit of {self.time_limit_s:g} s")

        try:
            result = self._runner(scenario, draws=job.draws, seed=job.seed, progress=progress)
            if job.kind == "report":
                _check_same(result, job.expected or {})
            else:
                self.store.finish(job.run_id, result)
        except Stopped as exc:
            self._end(job, "cancelled" if str(exc) == "cancelled" else "failed", str(exc))
            return
        except BeringiaError as exc:
            self._end(job, "failed", str(exc))
            return
        except Exception as exc:  # a bug: the run fails, the server carries on
            log.exception("run %s failed", job.run_id)
            self._end(job, "failed", f"{type(exc).__name__}: {exc}")
            return
        with self._lock:
            self._assessments[job.run_id] = result
            while len(self._assessments) > KEEP_ASSESSMENTS:
                self._assessments.popitem(last=False)
        self._touch(job, status="finished", ended=time.time())

    def _end(self, job: Job, status: str, reason: str) -> None:
        """Mark the run failed in the store, then the job ended (the store first).

        A finished run (a ``report`` job's) stays as it is: the store fails running runs only.
        """
        self.store.fail(job.run_id, reason)
        self._touch(job, status=status, error=reason, ended=time.time())

    # ----------------------------------------------------------------- reading
    def get(self, run_id: int) -> Job | None:
        """Return the job of a run, if this server ran it (recently)."""
        with self._lock:
            return self._jobs.get(run_id)

    def jobs(self) -> list[Job]:
        """Return the jobs known to this server, newest first."""
        with self._lock:
            return list(reversed(self._jobs.values()))

    def assessment(self, run_id: int) -> Assessment | None:
        """Return the in-memory result of a recent run (for its full report), if still kept."""
        with self._lock:
            return self._assessments.get(run_id)

    def cancel(self, run_id: int) -> Job:
        """Ask a job to stop (a queued job never starts; a running one stops at a block).

        Raises
        ------
        ScenarioError
            If this server has no such job.
        """
        job = self.get(run_id)
        if job is None:
            raise ScenarioError("run", run_id, "no job of this server has that run id")
        job.cancel.set()
        reason = "cancelled before it started"
        with self._lock:
            queued = job.status == "queued"
            if queued:  # never starts: _run sees it is no longer queued
                job.status, job.error, job.ended = "cancelled", reason, time.time()
                job.version += 1
        if queued:
            self.store.fail(run_id, reason)
        return job

    def shutdown(self) -> None:
        """Stop taking jobs, cancel those queued or running and wait for them to end."""
        with self._lock:
            self._closed = True
            jobs = list(self._jobs.values())
        for job in jobs:
            job.cancel.set()
        self._executor.shutdown(wait=True)
