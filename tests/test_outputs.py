"""Output files: checked before the run, regular files only, atomic, nothing left behind.

The special-file cases use a FIFO, a socket and directories made here. ``/dev/null`` is only
ever given to :func:`check_output_path`, which never opens its target: a regression there
must not be able to replace the device when the suite runs as root.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import stat
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import assert_clean_failure
from typer.testing import CliRunner

import beringia
from beringia.cli import app
from beringia.errors import ScenarioError
from beringia.output import (
    ABANDONED_AFTER_S,
    STALE_AFTER_S,
    check_output_path,
    remove_stale_temporaries,
    write_atomic,
)

SMALL = ["--draws", "50"]
BIG = ["--draws", "1000000"]
UNWRITABLE = "/proc/beringia-test/r.html"  # not even root can create files in /proc


def console_script() -> list[str]:
    script = Path(sys.executable).parent / "beringia"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from beringia.cli import main; main()"]


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.html"
    os.mkfifo(path)
    return path


@pytest.fixture
def sock(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "s.html"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.bind(str(path))
        yield path


def entries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --------------------------------------------------------------------------- the pre-check
def test_dev_null_is_refused_by_the_pre_check() -> None:
    before = os.stat("/dev/null")
    with pytest.raises(ScenarioError, match="character device, not a regular file") as info:
        check_output_path("/dev/null", field="--report")
    assert info.value.field == "--report"
    assert str(info.value).startswith("--report: got '/dev/null'; ")
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode)
    assert (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)


@pytest.mark.parametrize(
    ("kind", "words"), [("fifo", r"a FIFO \(named pipe\)"), ("sock", "a socket")]
)
def test_special_files_are_never_written(
    kind: str, words: str, request: pytest.FixtureRequest
) -> None:
    path: Path = request.getfixturevalue(kind)
    folder = path.parent
    before = entries(folder)
    with pytest.raises(ScenarioError, match=words):
        check_output_path(path)
    with pytest.raises(ScenarioError, match=words):
        write_atomic("<html></html>", path)
    assert entries(folder) == before  # no temporary file either
    mode = path.lstat().st_mode
    assert stat.S_ISFIFO(mode) if kind == "fifo" else stat.S_ISSOCK(mode)


def test_directories_and_links_to_special_files_are_refused(tmp_path: Path, fifo: Path) -> None:
    folder = tmp_path / "dir"
    folder.mkdir()
    (tmp_path / "to-dir").symlink_to(folder)
    (tmp_path / "to-fifo").symlink_to(fifo)
    (tmp_path / "to-null").symlink_to("/dev/null")
    cases = {
        str(folder): "is a directory",
        f"{tmp_path}/new/": "is a directory",
        str(tmp_path / "to-dir"): "is a directory",
        str(tmp_path / "to-fifo"): "FIFO",
        str(tmp_path / "to-null"): "character device",
        "": "give a file path",
    }
    for path, words in cases.items():
        with pytest.raises(ScenarioError, match=words):
            check_output_path(path)
    assert (tmp_path / "to-null").is_symlink()
    assert entries(folder) == []


def test_folder_must_take_files(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("a file\n")
    with pytest.raises(ScenarioError, match=r"notes\.txt' is not a directory"):
        check_output_path(tmp_path / "notes.txt" / "deeper" / "r.html")
    with pytest.raises(ScenarioError, match="cannot write in '/proc'"):
        check_output_path(UNWRITABLE)


def test_read_only_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "r.html"
    target.write_text("keep me\n")
    real = os.access
    # Root passes every access test, so the file's read-only state is simulated.
    monkeypatch.setattr(os, "access", lambda p, m, **kw: p != target and real(p, m, **kw))
    with pytest.raises(ScenarioError, match="read-only"):
        write_atomic("new", target)
    assert target.read_text() == "keep me\n"


def test_pre_check_leaves_nothing_and_allows_missing_folders(tmp_path: Path) -> None:
    assert check_output_path(tmp_path / "a" / "b" / "r.html") == tmp_path / "a" / "b" / "r.html"
    (tmp_path / "old.html").write_text("old\n")
    assert check_output_path(tmp_path / "old.html") == tmp_path / "old.html"
    assert entries(tmp_path) == ["old.html"]


# --------------------------------------------------------------------------- writing
def test_write_replaces_atomically_and_follows_a_link_to_a_file(tmp_path: Path) -> None:
    real = tmp_path / "real.html"
    real.write_text("old\n")
    link = tmp_path / "link.html"
    link.symlink_to(real)
    assert write_atomic("new\n", link) == real
    assert link.is_symlink()
    assert real.read_text() == "new\n"
    assert stat.S_IMODE(real.stat().st_mode) == 0o644
    assert write_atomic(b"\x00bytes", tmp_path / "sub" / "b.bin").read_bytes() == b"\x00bytes"
    assert entries(tmp_path) == ["link.html", "real.html", "sub"]


def test_failed_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "r.html"
    target.write_text("old\n")

    def full_disk(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OSError, match="No space left"):
        write_atomic("new\n", target)
    assert entries(tmp_path) == ["r.html"]
    assert target.read_text() == "old\n"


def dead_pid() -> int:
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    return int(proc.stdout)


def test_stale_temporaries_are_removed_by_the_next_write(tmp_path: Path) -> None:
    now = time.time()
    gone, alive = dead_pid(), os.getpid()
    aged = {
        f".r.html.beringia-{gone}-abc12345.tmp": STALE_AFTER_S + 60,  # removed
        f".other.html.beringia-{gone}-zz_9abcd.tmp": 3 * STALE_AFTER_S,  # removed
        f".r.html.beringia-{alive}-abc12345.tmp": STALE_AFTER_S + 60,  # a live writer: kept
        f".r.html.beringia-{alive}-def12345.tmp": ABANDONED_AFTER_S + 60,  # pid reused: removed
        f".r.html.beringia-{gone}-fresh123.tmp": STALE_AFTER_S - 60,  # too young: kept
        ".r.html.x8k2m1ab.tmp": 10 * ABANDONED_AFTER_S,  # not ours: kept
        "notes.beringia-1-abc.tmp": 10 * ABANDONED_AFTER_S,  # not hidden: not ours, kept
    }
    for name, age in aged.items():
        path = tmp_path / name
        path.write_text("half a report")
        os.utime(path, (now - age, now - age))
    link = tmp_path / f".l.html.beringia-{gone}-abc12345.tmp"
    link.symlink_to(tmp_path / "notes.beringia-1-abc.tmp")
    os.utime(link, (now - ABANDONED_AFTER_S * 2,) * 2, follow_symlinks=False)
    write_atomic("<html></html>\n", tmp_path / "r.html")
    assert entries(tmp_path) == sorted(
        [
            f".l.html.beringia-{gone}-abc12345.tmp",
            f".r.html.beringia-{alive}-abc12345.tmp",
            f".r.html.beringia-{gone}-fresh123.tmp",
            ".r.html.x8k2m1ab.tmp",
            "notes.beringia-1-abc.tmp",
            "r.html",
        ]
    )
    assert remove_stale_temporaries(tmp_path, now=now + ABANDONED_AFTER_S + 3600) == 2


# --------------------------------------------------------------------------- signals
SLOW_WRITE = textwrap.dedent(
    """
    import os, sys, time
    from beringia.cli.signals import sigterm_as_interrupt
    from beringia.output import write_atomic

    def stalled_fsync(fd):
        print("writing", flush=True)
        time.sleep(60)

    os.fsync = stalled_fsync
    with sigterm_as_interrupt():
        write_atomic("<html>" + "x" * 100_000, sys.argv[1])
    """
)


def test_sigterm_during_a_write_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "r.html"
    proc = subprocess.Popen(
        [sys.executable, "-c", SLOW_WRITE, str(target)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline() == "writing\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]  # mid-write
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 143, err
    assert err == ""
    assert entries(tmp_path) == []


def test_sigkill_leftover_is_removed_by_a_later_write(tmp_path: Path) -> None:
    """SIGKILL cannot be caught: the temporary stays, named with the dead writer's pid."""
    target = tmp_path / "r.html"
    proc = subprocess.Popen(
        [sys.executable, "-c", SLOW_WRITE, str(target)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    assert proc.stdout.readline() == "writing\n"
    proc.kill()
    proc.communicate(timeout=30)
    (left,) = tmp_path.iterdir()
    assert re.fullmatch(rf"\.r\.html\.beringia-{proc.pid}-\w+\.tmp", left.name), left.name
    write_atomic("fresh\n", target)
    assert left.exists()  # too young to be called stale
    old = time.time() - STALE_AFTER_S - 60
    os.utime(left, (old, old))
    write_atomic("fresh\n", target)
    assert entries(tmp_path) == ["r.html"]


def sigterm_handled(pid: int) -> bool:
    """Whether the process has a handler for SIGTERM (Linux: /proc/<pid>/status)."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return bool(int(fields["SigCgt"], 16) >> (signal.SIGTERM - 1) & 1)


@pytest.mark.parametrize("group", [False, True], ids=["command", "process-group"])
def test_sigterm_ends_a_run_like_ctrl_c(tmp_path: Path, group: bool) -> None:
    """SIGTERM to the command, or to its whole group (workers too, as a service manager does)."""
    proc = subprocess.Popen(
        [*console_script(), "assess", *BIG, "-j", "2", "--report", "r.html"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while not sigterm_handled(proc.pid):
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    time.sleep(3.0)  # into the run, its workers started
    if group:
        os.killpg(proc.pid, signal.SIGTERM)
    else:
        proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert (out, err) == ("", "")
    assert entries(tmp_path) == []
    time.sleep(0.5)
    with pytest.raises(ProcessLookupError):  # no worker outlives the command
        os.killpg(proc.pid, 0)


# --------------------------------------------------------------------------- the CLI
def test_bad_report_path_is_reported_before_the_run(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fifo: Path
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)

    def no_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("the simulation started")

    monkeypatch.setattr(beringia, "assess", no_run)
    monkeypatch.setattr(beringia, "hindcast", no_run)
    cases = {
        str(fifo): "FIFO",
        UNWRITABLE: "cannot write in '/proc'",
        str(tmp_path): "directory",
    }
    for path, words in cases.items():
        for command in (["assess", *BIG], ["hindcast", "--draws", "1000"]):
            t0 = time.perf_counter()
            result = runner.invoke(app, [*command, "--report", path])
            assert time.perf_counter() - t0 < 5.0
            assert_clean_failure(result, work, "--report", path, words)
    (work / "reports").write_text("a file where the default folder would be\n")
    result = runner.invoke(app, ["assess", *SMALL])
    assert "'reports' is not a directory" in result.stderr
    assert result.exit_code == 2
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_unwritable_report_fails_fast_in_a_real_process(tmp_path: Path) -> None:
    t0 = time.perf_counter()
    proc = subprocess.run(
        [*console_script(), "assess", *BIG, "--report", UNWRITABLE],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    seconds = time.perf_counter() - t0
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.startswith("error: --report: got '/proc/beringia-test/r.html'; ")
    assert len(proc.stderr.splitlines()) == 1
    assert seconds < 30.0  # a million draws take minutes; the check takes no simulation
    assert entries(tmp_path) == []


def test_report_writers_check_the_path_before_rendering(
    fifo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from beringia.report import hindcast, html

    def no_render(*args: object, **kwargs: object) -> str:
        raise AssertionError("rendered before the path was checked")

    monkeypatch.setattr(html, "render_report", no_render)
    monkeypatch.setattr(hindcast, "render_hindcast_report", no_render)
    with pytest.raises(ScenarioError, match="FIFO"):
        html.write_report(None, fifo)  # type: ignore[arg-type]
    with pytest.raises(ScenarioError, match="FIFO"):
        hindcast.write_hindcast_report(None, fifo)  # type: ignore[arg-type]
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
