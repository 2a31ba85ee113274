"""Writing output files safely: checked before the run, atomic, regular files only.

Every file beringia writes (the HTML report, the hindcast page) goes through
:func:`write_atomic`. A command that will write checks its path first with
:func:`check_output_path`, which never opens the target, so an unusable path is reported before
a long simulation instead of after it.

Only regular files are written. A path naming a directory, a device (``/dev/null``), a FIFO
or a socket, or a symbolic link to one of those, is refused: :func:`os.replace` would
otherwise replace the special file itself. A symbolic link to a regular file is written
through (the link is kept and its target replaced).

The text goes to a temporary file beside the target, named
``.<name>.beringia-<pid>-<random>.tmp``, which is moved into place with :func:`os.replace`:
a reader never sees half a file. An exception (``KeyboardInterrupt`` included, which the CLI
also raises on SIGTERM) removes the temporary file. A process killed outright (SIGKILL, power
loss) cannot clean up, so every write first removes the temporaries in its directory that
are this program's, older than :data:`STALE_AFTER_S` and whose writing process is gone.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
import time
from pathlib import Path

from beringia.errors import ScenarioError

STALE_AFTER_S = 3600.0
"""Age (seconds) after which a temporary file of a process that no longer runs is removed."""

ABANDONED_AFTER_S = 86_400.0
"""Age after which a temporary file is removed even if its pid runs (the pid was reused)."""

_MARK = "beringia"
_TMP = re.compile(r"^\..*\.beringia-(?P<pid>[0-9]+)-[A-Za-z0-9_]+\.tmp$")
_NAME_KEEP = 120  # characters of the target's name kept in a temporary name (NAME_MAX 255)

_KINDS = (
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
)


def _kind(mode: int) -> str:
    """Name the kind of a non-regular, non-directory file."""
    for test, name in _KINDS:
        if test(mode):
            return name
    return "a special file"


def _refuse(field: str, path: str | os.PathLike[str], why: str) -> ScenarioError:
    return ScenarioError(field, os.fspath(path), why)


def _check_target(target: Path, shown: str | os.PathLike[str], field: str) -> None:
    """Refuse an existing target that is not a writable regular file (stat only)."""
    try:
        st = os.stat(target)
    except FileNotFoundError:
        return
    except NotADirectoryError:
        return  # a parent is not a directory: reported by the folder check
    except OSError as exc:
        raise _refuse(field, shown, f"cannot be used: {exc.strerror}") from None
    if stat.S_ISDIR(st.st_mode):
        raise _refuse(field, shown, "is a directory; give a file path")
    if not stat.S_ISREG(st.st_mode):
        raise _refuse(
            field,
            shown,
            f"is {_kind(st.st_mode)}, not a regular file; give the path of a regular file",
        )
    if not os.access(target, os.W_OK):
        raise _refuse(field, shown, "is a read-only file; make it writable or give another path")


def _temporary(folder: Path, name: str) -> tuple[int, str]:
    """Create an empty temporary file for ``name`` in ``folder``: (descriptor, path)."""
    return tempfile.mkstemp(
        prefix=f".{name[:_NAME_KEEP]}.{_MARK}-{os.getpid()}-", suffix=".tmp", dir=folder
    )


def _check_folder(target: Path, shown: str | os.PathLike[str], field: str) -> None:
    """Require the nearest existing folder of ``target`` to be a directory we can write in.

    Permission bits do not tell (root passes every :func:`os.access` test, yet cannot create
    files in ``/proc``), so an empty temporary file is created there and removed at once.
    """
    folder = target.parent
    while not os.path.lexists(folder) and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise _refuse(field, shown, f"{os.fspath(folder)!r} is not a directory")
    try:
        fd, probe = _temporary(folder, target.name)
    except OSError as exc:
        raise _refuse(
            field, shown, f"cannot write in {os.fspath(folder)!r}: {exc.strerror}"
        ) from None
    os.close(fd)
    with contextlib.suppress(OSError):  # if it stays, the next write removes it when stale
        os.unlink(probe)


def check_output_path(path: str | os.PathLike[str], *, field: str = "path") -> Path:
    """Check that a file can be written at ``path``, leaving nothing behind.

    The target itself is only examined (``os.stat``), never opened or written. If it is
    absent or a regular file, an empty temporary file is created and removed beside it to
    prove that the folder takes new files.

    Parameters
    ----------
    path : str or PathLike
        Where a file is to be written. Missing folders are allowed (the write creates them)
        if the nearest existing one is a writable directory.
    field : str
        How the error names the path (``"--report"`` on the command line).

    Returns
    -------
    Path
        The file to write: ``path`` itself, or the file a symbolic link at ``path`` points to.

    Raises
    ------
    ScenarioError
        If ``path`` is empty, ends in a separator, or names a directory, a device, a FIFO, a
        socket (or a link to one), a read-only file, or a file in a folder that is not a
        writable directory.
    """
    raw = os.fspath(path)
    if not raw:
        raise _refuse(field, raw, "give a file path")
    if raw.endswith(os.sep) or (os.altsep is not None and raw.endswith(os.altsep)):
        raise _refuse(field, raw, "is a directory; give a file path")
    target = Path(raw)
    if target.is_symlink():
        target = Path(os.path.realpath(target))
    _check_target(target, raw, field)
    _check_folder(target, raw, field)
    return target


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine (``False`` if unknown)."""
    if pid <= 0 or os.name != "posix":
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, under another user
    except (OverflowError, OSError):
        return False
    return True


def remove_stale_temporaries(folder: str | os.PathLike[str], *, now: float | None = None) -> int:
    """Remove temporary files of interrupted writes in ``folder``.

    A file is removed if its name is one :func:`write_atomic` makes, it is a regular file
    (not a link) owned by this user, and it is older than :data:`STALE_AFTER_S` with its
    writing process gone, or older than :data:`ABANDONED_AFTER_S` whatever the pid.

    Parameters
    ----------
    folder : str or PathLike
        The directory to tidy.
    now : float, optional
        The current time (seconds since the epoch); for tests.

    Returns
    -------
    int
        How many files were removed. Errors (a file vanishing, no permission) are ignored.
    """
    clock = time.time() if now is None else now
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        match = _TMP.match(entry.name)
        if match is None:
            continue
        try:
            st = entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(st.st_mode) or st.st_uid != os.getuid():
                continue
            age = clock - st.st_mtime
            if age < STALE_AFTER_S:
                continue
            if age < ABANDONED_AFTER_S and pid_alive(int(match["pid"])):
                continue
            os.unlink(entry.path)
            removed += 1
        except OSError:
            continue
    return removed


def write_atomic(
    content: str | bytes, path: str | os.PathLike[str], *, field: str = "path"
) -> Path:
    """Write ``content`` to ``path`` through a temporary file in the same directory.

    Parameters
    ----------
    content : str or bytes
        What to write; text is written as UTF-8, line ends unchanged.
    path : str or PathLike
        Where to write it; missing parent directories are created. Checked as by
        :func:`check_output_path`, once before writing and again just before the file is
        moved into place.
    field : str
        How an error names the path.

    Returns
    -------
    Path
        The file written (the target of a symbolic link at ``path``).

    Raises
    ------
    ScenarioError
        If the path cannot hold a regular file (see :func:`check_output_path`).
    OSError
        If the directory cannot be made or written; no file is left behind.
    """
    target = check_output_path(path, field=field)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(target.parent)
    data = content.encode("utf-8") if isinstance(content, str) else content
    tmp: str | None = None
    try:
        fd, tmp = _temporary(target.parent, target.name)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        _check_target(target, path, field)  # it may have changed during a long run
        os.replace(tmp, target)
        tmp = None
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
    return target


__all__ = [
    "ABANDONED_AFTER_S",
    "STALE_AFTER_S",
    "check_output_path",
    "pid_alive",
    "remove_stale_temporaries",
    "write_atomic",
]
