"""The command line's side of ``--scheduler``: open the cluster quietly, for one command."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from beringia.pipeline.scheduler import Cluster


@contextmanager
def scheduled(where: str | None, processes: int) -> Iterator[Cluster | None]:
    """Open the scheduler the command runs on, with ``distributed``'s logs kept quiet.

    Parameters
    ----------
    where : str or None
        ``None`` (this process, no Dask imported), ``"local"`` or ``"tcp://HOST:PORT"``, as
        :func:`beringia.pipeline.scheduler.cli_scheduler` chose it.
    processes : int
        Workers of a local cluster.

    Raises
    ------
    ScenarioError
        Naming ``--scheduler`` when no scheduler answers at the address.
    """
    if where is None:
        yield None
        return
    from beringia.pipeline.scheduler import LOCAL, open_scheduler, quiet_logs

    quiet_logs()
    try:
        with open_scheduler(where, processes) as cluster:
            yield cluster
    finally:
        if where == LOCAL:
            _stop_resource_tracker()


def _stop_resource_tracker(wait_s: float = 5.0) -> None:
    """Stop and reap the resource tracker that spawning a local cluster's workers started.

    It would end by itself once the command exits, but as an orphan whose exit an init
    process may take seconds to collect: the command then seems to leave a process behind.
    The command's only cluster is closed by now, so nothing needs the tracker any more. It
    ends when the last holder of its pipe closes it; this waits at most ``wait_s``.
    """
    import os
    import time
    from multiprocessing import resource_tracker

    tracker = resource_tracker._resource_tracker
    fd, pid = getattr(tracker, "_fd", None), getattr(tracker, "_pid", None)
    if not isinstance(fd, int) or not isinstance(pid, int):
        return
    tracker._fd = tracker._pid = None  # type: ignore[attr-defined]
    os.close(fd)
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        try:
            if os.waitpid(pid, os.WNOHANG) != (0, 0):
                return
        except ChildProcessError:
            return
        time.sleep(0.02)


__all__ = ["scheduled"]
