"""Preloaded in every worker process of a local cluster (see :func:`.scheduler.start_local`).

Ctrl-C and SIGTERM sent to the whole process group (a terminal, a service manager) are for
the command: it stops its workers as it unwinds. A worker that took them itself would die
printing a traceback, and its nanny would start another. So the workers ignore both, as the
forked workers of ``processes`` do.
"""

from __future__ import annotations

import signal
import threading


def ignore_signals() -> None:
    """Ignore SIGINT and SIGTERM in this process (from its main thread; else nothing)."""
    if threading.current_thread() is threading.main_thread():
        for s in (signal.SIGINT, signal.SIGTERM):
            signal.signal(s, signal.SIG_IGN)


def dask_setup(worker: object) -> None:
    """``distributed``'s preload hook: the import below has done the work already."""
    ignore_signals()


ignore_signals()  # at import, as the worker is made: the earliest a preload can act


__all__ = ["dask_setup", "ignore_signals"]
