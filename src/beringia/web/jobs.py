"""A bounded pool of jobs: a few run at a time, a short queue, a clear "busy".

A job is a run of the store: :meth:`JobPool.submit` records it (``running``) before it
queues, so its id is the run's id from the start; the job calls :func:`beringia.assess`
exactly as ``beringia assess`` does (one process; the same scenario, seed and draws give the
same result) and stores the result, or marks the run failed with the reason (an error, a
cancel, the time limit). Progress comes from the pipeline's ``progress(stage, done, total)``
callback, which is also where a cancel or the time limit stops the run (between blocks of
draws).

A :class:`Study` (a sweep, a sensitivity analysis) goes through the same pool, its limits and
its cancel, but is not a run of the store: its job and result are kept in memory only, under
an id of their own (:meth:`JobPool.submit_study`).
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

KEEP_STUDIES = 20
"""Ended studies (sweeps, sensitivity analyses) remembered with their results."""


class Busy(BeringiaError):
    """The pool is full: as many jobs running and queued as it allows."""


class Stopped(Exception):
    """Raised from the progress callback to stop a job (cancel or time limit)."""


@dataclass
class Job:
    """One run (or study) in the pool and what is known of its progress."""

    id: int
    """The run's id in the store; a study's own id (see :meth:`JobPool.submit_study`)."""
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
    """``run`` (a new run of the store), ``report`` (a saved run again, for its report), or
    a study's kind (``sweep``, ``sensitivity``)."""
    expected: dict[str, Any] | None = None
    """For a ``report`` job: the saved result the run again must give."""
    result: Any = None
    """For a study: what it returned, once finished."""

    @property
    def is_study(self) -> bool:
        """Whether the job is a study (kept in memory) rather than a run of the store."""
        return self.kind not in ("run", "report")

    @property
    def done(self) -> bool:
        """Whether the job has ended (finished, failed or cancelled)."""
        return self.status in ("finished", "failed", "cancelled")

    def to_dict(self) -> dict[str, Any]:
        """Return the job as JSON: status, progress by stage, error."""
        ident = {"id": self.id} if self.is_study else {"run_id": self.id}
        return {
            **ident,
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
ProgressFn = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Study:
    """A study to run in the pool: not a run of the store, its result is kept in memory.

    Attributes
    ----------
    kind : str
        ``sweep`` or ``sensitivity``.
    scenario_name : str
        The scenario studied, for the record.
    draws, seed : int
        Draws of each model run and the seed.
    total_draws : int
        Draws of the whole study (points times draws), held to the pool's draws limit.
    run : callable
        ``run(progress)`` does the work and returns the result (with a ``to_dict()``);
        ``progress(stage, done, total)`` is where a cancel or the time limit stops it.
    """

    kind: str
    scenario_name: str
    draws: int
    seed: int
    total_draws: int
    run: Callable[[ProgressFn], Any]


def _assess(
    scenario: Scenario, *, draws: int, seed: int, progress: Any, scheduler: Any = None
) -> Assessment:
    import beringia

    return beringia.assess(scenario, draws=draws, seed=seed, progress=progress, scheduler=scheduler)


def without_timings(result: dict[str, Any]) -> dict[str, Any]:
    """Return a result JSON without what changes from run to run of the same inputs.

    The wall-clock timings (``provenance.*_seconds``) and where it ran
    (``provenance.scheduler``): a run on Dask gives the same numbers as one in-process.
    """
    prov = result.get("provenance", {})
    kept = {k: v for k, v in prov.items() if not k.endswith("_seconds") and k != "scheduler"}
    return {**result, "provenance": kept}


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
    scheduler : Cluster, optional
        An open Dask cluster (:func:`beringia.pipeline.scheduler.open_scheduler`) the jobs
        run on; the runner gets it as ``scheduler=``. The pool does not close it.
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
        scheduler: Any = None,
    ) -> None:
        self.store = store
        self.scheduler = scheduler
        self.max_jobs = max_jobs
        self.queue = queue
        self.max_draws = max_draws
        self.time_limit_s = time_limit_s
        self._runner = runner or _assess
        self._executor = ThreadPoolExecutor(max_workers=max_jobs, thread_name_prefix="job")
        self._lock = threading.Lock()
        self._jobs: OrderedDict[int, Job] = OrderedDict()
        self._assessments: OrderedDict[int, Assessment] = OrderedDict()
        self._studies: OrderedDict[int, Job] = OrderedDict()
        self._last_study = 0
        self._closed = False

    # ----------------------------------------------------------------- submitting
    def active(self) -> int:
        """Count the jobs queued or running."""
        with self._lock:
            return self._active()

    def _active(self) -> int:
        return sum(1 for j in (*self._jobs.values(), *self._studies.values()) if not j.done)

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

    def submit_study(self, study: Study) -> Job:
        """Queue a study (a sweep, a sensitivity analysis) under a new id of its own.

        It shares the pool's limits with the runs: the same concurrency and queue, the draws
        limit on its ``total_draws``, the time limit, cancel. Nothing goes to the store.

        Raises
        ------
        ScenarioError
            If its draws are above this pool's limit.
        Busy
            If the pool is full.
        """
        self.check_draws(study.kind, study.draws, study.total_draws)
        with self._lock:
            self._admit()
            self._last_study += 1
            job = Job(
                self._last_study, study.scenario_name, study.draws, study.seed, kind=study.kind
            )
            self._studies[job.id] = job
            ended = [k for k, j in self._studies.items() if j.done]
            for k in ended[: max(0, len(ended) - KEEP_STUDIES)]:
                del self._studies[k]
        self._executor.submit(self._run_study, job, study)
        return job

    def check_draws(self, kind: str, draws: int, total: int) -> None:
        """Refuse a study whose draws together (``total``) are above this pool's limit.

        Raises
        ------
        ScenarioError
            Naming ``draws``, the limit and what the study asks.
        """
        if not 1 <= total <= self.max_draws:
            raise ScenarioError(
                "draws",
                draws,
                f"allowed on this server: at most {self.max_draws:,} draws per job; this "
                f"{kind} asks {total:,} (the draws of all its model runs together)",
            )

    def _admit(self) -> None:
        """Refuse a new job when closing or full (called with the lock held)."""
        if self._closed:
            raise Busy("the server is shutting down; no new runs")
        active = self._active()
        if active >= self.max_jobs + self.queue:
            raise Busy(
                f"busy: {active} jobs are running or queued (at most {self.max_jobs} at a "
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

    def _start(self, job: Job) -> ProgressFn | None:
        """Mark a queued job running; return its progress callback (None if cancelled)."""
        with self._lock:
            if job.status != "queued":  # cancelled while it waited
                return None
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

        return progress

    def _run(self, job: Job, scenario: Scenario) -> None:
        progress = self._start(job)
        if progress is None:
            return
        try:
            on = {} if self.scheduler is None else {"scheduler": self.scheduler}
            result = self._runner(scenario, draws=job.draws, seed=job.seed, progress=progress, **on)
            if job.kind == "report":
                _check_same(result, job.expected or {})
            else:
                self.store.finish(job.id, result)
        except Stopped as exc:
            self._end(job, "cancelled" if str(exc) == "cancelled" else "failed", str(exc))
            return
        except BeringiaError as exc:
            self._end(job, "failed", str(exc))
            return
        except Exception as exc:  # a bug: the run fails, the server carries on
            log.exception("run %s failed", job.id)
            self._end(job, "failed", f"{type(exc).__name__}: {exc}")
            return
        with self._lock:
            self._assessments[job.id] = result
            while len(self._assessments) > KEEP_ASSESSMENTS:
                self._assessments.popitem(last=False)
        self._touch(job, status="finished", ended=time.time())

    def _run_study(self, job: Job, study: Study) -> None:
        progress = self._start(job)
        if progress is None:
            return
        try:
            result = study.run(progress)
        except Stopped as exc:
            self._end(job, "cancelled" if str(exc) == "cancelled" else "failed", str(exc))
            return
        except BeringiaError as exc:
            self._end(job, "failed", str(exc))
            return
        except Exception as exc:  # a bug: the study fails, the server carries on
            log.exception("%s %s failed", job.kind, job.id)
            self._end(job, "failed", f"{type(exc).__name__}: {exc}")
            return
        self._touch(job, status="finished", ended=time.time(), result=result)

    def _end(self, job: Job, status: str, reason: str) -> None:
        """Mark the run failed in the store, then the job ended (the store first).

        A finished run (a ``report`` job's) stays as it is: the store fails running runs only.
        A study is not in the store.
        """
        if not job.is_study:
            self.store.fail(job.id, reason)
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
        if self._cancel(job):
            self.store.fail(run_id, "cancelled before it started")
        return job

    def _cancel(self, job: Job) -> bool:
        """Ask a job to stop; return whether it was still queued (so never starts)."""
        job.cancel.set()
        with self._lock:
            queued = job.status == "queued"
            if queued:  # never starts: _start sees it is no longer queued
                job.status, job.error = "cancelled", "cancelled before it started"
                job.ended = time.time()
                job.version += 1
        return queued

    def study(self, kind: str, study_id: int) -> Job:
        """Return a study's job (its ``result`` once finished).

        Raises
        ------
        ScenarioError
            If this server has no such study of that kind (or no longer remembers it).
        """
        with self._lock:
            job = self._studies.get(study_id)
        if job is None or job.kind != kind:
            raise ScenarioError(kind, study_id, f"no {kind} of this server has that id")
        return job

    def studies(self, kind: str) -> list[Job]:
        """Return the studies of a kind this server remembers, newest first."""
        with self._lock:
            return [j for j in reversed(self._studies.values()) if j.kind == kind]

    def cancel_study(self, kind: str, study_id: int) -> Job:
        """Ask a study to stop (a queued one never starts; a running one at its next step).

        Raises
        ------
        ScenarioError
            If this server has no such study.
        """
        job = self.study(kind, study_id)
        self._cancel(job)
        return job

    def shutdown(self) -> None:
        """Stop taking jobs, cancel those queued or running and wait for them to end."""
        with self._lock:
            self._closed = True
            jobs = [*self._jobs.values(), *self._studies.values()]
        for job in jobs:
            job.cancel.set()
        self._executor.shutdown(wait=True)
