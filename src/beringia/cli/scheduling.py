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
    from beringia.pipeline.scheduler import open_scheduler, quiet_logs

    quiet_logs()
    with open_scheduler(where, processes) as cluster:
        yield cluster


__all__ = ["scheduled"]
