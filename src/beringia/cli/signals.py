"""SIGTERM ends a command the way Ctrl-C does: the same cleanup, then exit status 143.

Ctrl-C raises :class:`KeyboardInterrupt`, which unwinds the command (a half-written report's
temporary file is removed on the way) and exits with status 130. A plain ``kill``, a
container stop or a job scheduler sends SIGTERM instead, whose default action ends the
process at once and leaves such files behind. :func:`sigterm_as_interrupt` makes SIGTERM raise
:class:`KeyboardInterrupt` too, and turns the exit status into 128 + 15 = 143, the status a
shell reports for a process ended by SIGTERM. Worker processes forked by the command ignore
SIGTERM: the command itself stops them as it unwinds (killing them under a running pool would
break it and print the pool's own traceback).
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

SIGINT_STATUS = 130
SIGTERM_STATUS = 128 + signal.SIGTERM


class _State:
    """Which process installed the handler, and whether SIGTERM arrived."""

    owner_pid = 0
    received = False


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    """Raise KeyboardInterrupt once in the process that installed the handler."""
    if os.getpid() != _State.owner_pid:
        # A forked worker inherited the handler. A SIGTERM to the whole process group reaches
        # it too: it finishes its block, and the command, unwinding, shuts the pool down.
        return
    if _State.received:
        return  # already unwinding: let the cleanup finish
    _State.received = True
    raise KeyboardInterrupt


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Within the block, SIGTERM raises KeyboardInterrupt and the exit status becomes 143.

    Outside the main thread (where signal handlers cannot be set) the block runs unchanged.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _State.owner_pid = os.getpid()
    _State.received = False
    previous = signal.getsignal(signal.SIGTERM)
    try:
        # Installed inside the try: a SIGTERM the moment it is installed is handled below.
        signal.signal(signal.SIGTERM, _on_sigterm)
        yield
    except SystemExit as exc:
        if _State.received and exc.code not in (0, None):
            raise SystemExit(SIGTERM_STATUS) from None
        raise
    except KeyboardInterrupt:
        if _State.received:
            raise SystemExit(SIGTERM_STATUS) from None
        raise
    finally:
        # None: a handler set outside Python, which cannot be put back; the default then.
        signal.signal(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)


__all__ = ["SIGINT_STATUS", "SIGTERM_STATUS", "sigterm_as_interrupt"]
