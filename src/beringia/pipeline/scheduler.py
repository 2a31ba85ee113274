"""Scale-out on Dask: map a block function over blocks, here or on a ``distributed`` cluster.

Every unit of work beringia scales out (a block of draws, a sweep's point, a comparison's
variant, a block of sensitivity points) is a picklable function applied to one picklable
item, whose result depends only on that item: blocks carry their own seeds
(:func:`beringia.core.rng.stream`). :func:`map_blocks` applies such a function to every item
and returns the results in item order, so a run is bit-identical whether it ran in this
process, on a :class:`distributed.LocalCluster` on this machine, or on an existing cluster,
with any number of workers.

A scheduler is named as on the command line (``--scheduler``):

* ``None``: this process, one item after another (no Dask at all);
* ``"local"``: a ``LocalCluster`` on this machine, worker processes of one thread each
  (``processes`` of them when more than one, else one per CPU), started for the run and
  stopped after it;
* ``"tcp://HOST:PORT"`` (or ``tls://``): an existing cluster's scheduler (``dask
  scheduler`` and ``dask worker`` started elsewhere). Its workers must have the same
  beringia installed;
* an open :class:`Cluster` (:func:`open_scheduler`), reused without being closed.

Dask and ``distributed`` are imported only when a scheduler is asked for, so neither slows
down a command that does not use one.
"""

from __future__ import annotations

import importlib
import logging
import os
import re
import signal
import socket
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from beringia.errors import ScenarioError

T = TypeVar("T")
R = TypeVar("R")

TaskProgress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` each time a task finishes (in finishing order)."""

LOCAL = "local"
CONNECT_TIMEOUT_S = 5.0
"""Seconds to wait for a remote scheduler before giving up."""
MAX_LOCAL_WORKERS = 64
FIELD = "--scheduler"
ALLOWED = "allowed: local, or the address of a Dask scheduler as tcp://HOST:PORT or tls://HOST:PORT"
_ADDRESS = re.compile(r"^(tcp|tls)://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):([0-9]{1,5})$")


def check_scheduler(scheduler: object) -> str | None:
    """Validate a scheduler name without connecting: ``None``, ``"local"`` or an address.

    Parameters
    ----------
    scheduler : object
        The ``--scheduler`` value (or ``scheduler=`` argument).

    Returns
    -------
    str or None
        The name, stripped.

    Raises
    ------
    ScenarioError
        Naming ``--scheduler``, if it is neither ``local`` nor ``tcp://HOST:PORT`` (or
        ``tls://``) with a port from 1 to 65535.
    """
    if scheduler is None:
        return None
    if not isinstance(scheduler, str):
        raise ScenarioError(FIELD, scheduler, ALLOWED)
    name = scheduler.strip()
    if name == LOCAL:
        return name
    m = _ADDRESS.match(name)
    if m is None or not 1 <= int(m[3]) <= 65535:
        raise ScenarioError(FIELD, scheduler, ALLOWED)
    return name


def cli_scheduler(scheduler: str | None, processes: int) -> str | None:
    """Return the command line's choice: ``--scheduler``, else ``local`` when ``-j`` is over 1."""
    name = check_scheduler(scheduler)
    if name is None and processes > 1:
        return LOCAL
    return name


def _distributed() -> Any:
    """Import ``distributed`` (partly untyped) only when a scheduler is asked for."""
    return importlib.import_module("distributed")


def quiet_logs() -> None:
    """Keep ``distributed``'s informational and warning logs off the terminal (errors stay).

    Imports ``distributed`` first: importing it sets its loggers' levels from its config.
    """
    _distributed()
    for name in ("distributed", "dask", "tornado", "bokeh"):
        logging.getLogger(name).setLevel(logging.ERROR)


class Cluster:
    """An open connection to a Dask cluster, and the local cluster it started, if any.

    Made by :func:`open_scheduler`; use :meth:`map` or :meth:`imap`.

    Attributes
    ----------
    client : distributed.Client
        The connection.
    address : str
        The scheduler's address.
    description : str
        ``"local (N workers)"`` or the address given, for provenance.
    """

    def __init__(self, client: Any, description: str, local: Any = None) -> None:
        self.client = client
        self.description = description
        self._local = local
        self.address = str(client.scheduler.address) if client.scheduler is not None else ""

    @property
    def workers(self) -> int:
        """Workers connected now."""
        info = self.client.scheduler_info(n_workers=-1)
        return len(info.get("workers", {}))

    def imap(
        self,
        fn: Callable[[T], R],
        blocks: Sequence[T],
        progress: TaskProgress | None = None,
        *,
        window: int | None = None,
    ) -> Iterator[R]:
        """Run ``fn`` on every block on the cluster; yield the results in block order.

        At most ``window`` blocks (default four per worker, at least 8) are submitted and not
        yet yielded at any time, so a long run holds a few blocks' results, not all of them.

        Parameters
        ----------
        fn : callable
            A picklable function of one block (defined at module level).
        blocks : sequence
            Picklable items, one task each.
        progress : callable, optional
            ``progress(done, total)`` as tasks finish.
        window : int, optional
            Blocks in flight or waiting for their turn.

        Yields
        ------
        object
            ``fn(b)`` for each block ``b``, in block order.

        Raises
        ------
        ScenarioError
            If the cluster's workers cannot import beringia, a worker keeps dying, or the
            cluster goes away.
        Exception
            Whatever ``fn`` raised on a worker (a :class:`~beringia.errors.BeringiaError`
            stays one).
        """
        dist = _distributed()
        items = list(blocks)
        total = len(items)
        ahead = window if window is not None else max(8, 4 * self.workers)
        finished = dist.as_completed()
        pending: dict[Any, int] = {}
        ready: dict[int, R] = {}
        submitted = given = done = 0
        try:
            while given < total:
                while submitted < total and submitted - given < ahead:
                    # pure=False: every block is a task of its own, even two equal ones.
                    future = self.client.submit(fn, items[submitted], pure=False)
                    pending[future] = submitted
                    finished.add(future)
                    submitted += 1
                if given in ready:
                    yield ready.pop(given)
                    given += 1
                    continue
                future = next(finished)
                index = pending.pop(future)
                ready[index] = future.result()  # the task's own exception, if it raised
                future.release()
                done += 1
                if progress is not None:
                    progress(done, total)
        except ModuleNotFoundError as exc:
            raise ScenarioError(
                FIELD,
                self.description,
                f"its workers cannot import {exc.name!r}: install the same beringia there",
            ) from None
        except dist.KilledWorker:
            raise ScenarioError(
                FIELD, self.description, "a worker died on the same task again and again"
            ) from None
        except OSError as exc:  # the scheduler or its workers went away
            raise ScenarioError(
                FIELD, self.description, f"lost the cluster during the run: {exc}"
            ) from None
        finally:  # an error, an interrupt, or a consumer that stopped early
            if pending:
                self.client.cancel(list(pending))

    def map(
        self, fn: Callable[[T], R], blocks: Sequence[T], progress: TaskProgress | None = None
    ) -> list[R]:
        """Run ``fn`` on every block on the cluster; return the results in block order.

        As :meth:`imap`, all at once: ``[fn(b) for b in blocks]``, computed on the cluster.
        """
        return list(self.imap(fn, blocks, progress))

    def close(self) -> None:
        """Close the connection, and stop the local cluster if this made one."""
        try:
            self.client.close()
        finally:
            if self._local is not None:
                self._local.close()


def _local_workers(processes: int) -> int:
    if processes > 1:
        return processes
    return max(1, min(os.cpu_count() or 1, MAX_LOCAL_WORKERS))


DEFERRED_SIGNALS = (signal.SIGINT, signal.SIGTERM)
"""Signals deferred while a local cluster starts (see :func:`start_local`)."""
WORKER_PRELOAD = "beringia.pipeline.scheduler_worker"
"""Imported by every worker of a local cluster: it ignores SIGINT and SIGTERM."""


@contextmanager
def _signals_deferred() -> Iterator[None]:
    """Note SIGINT and SIGTERM during the block; raise them again, in order, after it.

    Only this process's Python handlers change. Outside the main thread, where handlers
    cannot be set, the block runs unchanged.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    noted: list[int] = []

    def note(signum: int, frame: object) -> None:
        noted.append(signum)

    previous = {s: signal.getsignal(s) for s in DEFERRED_SIGNALS}
    try:
        for s in DEFERRED_SIGNALS:
            signal.signal(s, note)
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, signal.SIG_DFL if handler is None else handler)
        for signum in dict.fromkeys(noted):
            signal.raise_signal(signum)  # the usual handler now: KeyboardInterrupt, exit 143...


def start_local(workers: int, *, host: str = "127.0.0.1") -> Cluster:
    """Start a ``LocalCluster`` of ``workers`` processes (one thread each) and connect to it.

    The scheduler's HTTP server (dashboard, health) takes any free port, and
    ``distributed``'s logs below errors are silenced. The caller closes it
    (:meth:`Cluster.close`), or uses :func:`open_scheduler`.

    Ctrl-C and SIGTERM are deferred while the cluster starts: interrupted half way, it could
    not be closed, and ``distributed`` would print a traceback at exit. A deferred signal is
    raised again once the cluster is up, and the cluster is closed on the way out. The
    workers ignore both signals (:mod:`beringia.pipeline.scheduler_worker`): sent to the
    whole process group, they are for the command, which stops its workers as it unwinds.
    """
    dist = _distributed()
    cluster: Cluster | None = None
    try:
        with _signals_deferred():
            local = dist.LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                host=host,
                dashboard_address=":0",  # any free port: never a clash with another cluster
                silence_logs=logging.ERROR,
                preload=[WORKER_PRELOAD],
            )
            try:
                client = dist.Client(local)
            except BaseException:
                local.close()
                raise
            noun = "worker" if workers == 1 else "workers"
            cluster = Cluster(client, f"local ({workers} {noun})", local)
    except BaseException:  # a signal deferred during the start is raised as the block ends
        if cluster is not None:
            cluster.close()
        raise
    return cluster


def _unreachable(address: str, why: str, timeout_s: float) -> ScenarioError:
    return ScenarioError(
        FIELD,
        address,
        f"no Dask scheduler answered there within {timeout_s:g} s ({why}); start one with "
        "`dask scheduler` and `dask worker ADDRESS`, or use --scheduler local",
    )


def connect(address: str, *, timeout_s: float = CONNECT_TIMEOUT_S) -> Cluster:
    """Connect to the Dask scheduler at ``address`` (``tcp://HOST:PORT``).

    A plain TCP connection is tried first, so a refused port or an unknown host fails at
    once rather than after ``distributed``'s retries.

    Raises
    ------
    ScenarioError
        Naming ``--scheduler``, if the address is malformed or nothing answers there within
        ``timeout_s`` seconds.
    """
    check_scheduler(address)
    m = _ADDRESS.match(address.strip())
    if m is not None:
        host = m[2].strip("[]")
        try:
            socket.create_connection((host, int(m[3])), timeout=timeout_s).close()
        except TimeoutError:
            raise _unreachable(address, "timed out", timeout_s) from None
        except OSError as exc:
            raise _unreachable(
                address, (exc.strerror or type(exc).__name__).lower(), timeout_s
            ) from None
    dist = _distributed()
    try:
        client = dist.Client(address, timeout=timeout_s)
    except Exception as exc:
        raise _unreachable(
            address, f"not a Dask scheduler: {type(exc).__name__}", timeout_s
        ) from None
    return Cluster(client, address, None)


@contextmanager
def open_scheduler(scheduler: str | Cluster | None, processes: int = 1) -> Iterator[Cluster | None]:
    """Open the named scheduler for the block; yield ``None`` for the in-process path.

    Parameters
    ----------
    scheduler : str, Cluster or None
        ``None`` (in-process), ``"local"``, ``"tcp://HOST:PORT"``, or an open
        :class:`Cluster` (yielded as is and left open).
    processes : int
        Workers of a local cluster (one per CPU when 1).

    Raises
    ------
    ScenarioError
        Naming ``--scheduler``: malformed name, or an unreachable scheduler.
    """
    if isinstance(scheduler, Cluster):
        yield scheduler
        return
    name = check_scheduler(scheduler)
    if name is None:
        yield None
        return
    cluster: Cluster | None = None
    try:
        cluster = start_local(_local_workers(processes)) if name == LOCAL else connect(name)
        yield cluster
    finally:
        if cluster is not None:
            cluster.close()


def map_blocks(
    fn: Callable[[T], R],
    blocks: Sequence[T],
    scheduler: str | Cluster | None = None,
    progress: TaskProgress | None = None,
    *,
    processes: int = 1,
) -> list[R]:
    """Apply ``fn`` to every block, here or on a Dask cluster; results in block order.

    The result does not depend on where the blocks ran or in what order they finished,
    provided ``fn``'s result depends on its block alone (blocks carry their own seeds).

    Parameters
    ----------
    fn : callable
        A function of one block. For a cluster it must be picklable: defined at module
        level in an importable module, as must everything it returns.
    blocks : sequence
        The items (for a cluster, picklable), one task each.
    scheduler : str, Cluster or None
        ``None``: in this process, one block after another. ``"local"``: a LocalCluster
        on this machine (``processes`` workers, or one per CPU), started and stopped for this
        call. ``"tcp://HOST:PORT"``: an existing cluster. An open :class:`Cluster` from
        :func:`open_scheduler`: reused, to map several times on one cluster.
    progress : callable, optional
        ``progress(done, total)`` each time a block finishes.
    processes : int
        Workers of a local cluster.

    Returns
    -------
    list
        ``[fn(b) for b in blocks]``.

    Raises
    ------
    ScenarioError
        Naming ``--scheduler``: a malformed name, an unreachable scheduler, workers without
        beringia, a cluster lost during the run.

    Examples
    --------
    >>> from beringia.pipeline.scheduler import map_blocks
    >>> map_blocks(abs, [-1, 2, -3])
    [1, 2, 3]
    """
    with open_scheduler(scheduler, processes) as cluster:
        if cluster is not None:
            return cluster.map(fn, blocks, progress)
        results = []
        for done, block in enumerate(blocks, start=1):
            results.append(fn(block))
            if progress is not None:
                progress(done, len(blocks))
        return results


def describe(cluster: Cluster | None) -> str:
    """Say how a run was scheduled: ``in-process``, ``local (N workers)`` or an address."""
    return "in-process" if cluster is None else cluster.description


__all__ = [
    "CONNECT_TIMEOUT_S",
    "LOCAL",
    "Cluster",
    "TaskProgress",
    "check_scheduler",
    "cli_scheduler",
    "connect",
    "describe",
    "map_blocks",
    "open_scheduler",
    "quiet_logs",
    "start_local",
]
