"""A throwaway PostgreSQL server for the store's tests: initdb in a temporary folder, a Unix
socket there, no TCP. Debian's server binaries are required (`make test` installs them)."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if found:
        return found[-1]
    path = shutil.which(name)
    if path is None:
        raise RuntimeError(
            f"PostgreSQL's {name} is not installed; `make test` installs Debian's postgresql"
        )
    return path


def fresh_database(url: str, name: str) -> str:
    """Create database ``name`` on the server of ``url``; return its URL."""
    import psycopg

    base, _, query = url.partition("?")
    params = dict(kv.split("=", 1) for kv in query.split("&"))
    with psycopg.connect(
        host=params["host"],
        port=params["port"],
        user="postgres",
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{base.rsplit('/', 1)[0]}/{name}?{query}"


def _as_owner(cmd: list[str], owner: str | None) -> list[str]:
    return ["runuser", "-u", owner, "--", *cmd] if owner else cmd


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a server; yield its SQLAlchemy URL (database ``beringia``); stop and remove it."""
    root = Path(tempfile.mkdtemp(prefix="beringia-pg-"))
    owner = "postgres" if os.geteuid() == 0 else None
    data, sock = root / "data", root / "sock"
    data.mkdir()
    sock.mkdir()
    if owner:
        shutil.chown(root, owner)
        shutil.chown(data, owner)
        shutil.chown(sock, owner)
    run = {"check": True, "capture_output": True, "text": True}
    subprocess.run(
        _as_owner([_bin("initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"], owner),
        **run,  # type: ignore[call-overload]
    )
    opts = f"-k {sock} -c listen_addresses='' -p 5439 -c fsync=off"
    subprocess.run(
        _as_owner(
            [_bin("pg_ctl"), "-D", str(data), "-o", opts, "-w", "-l", str(root / "log"), "start"],
            owner,
        ),
        **run,  # type: ignore[call-overload]
    )
    try:
        subprocess.run(
            _as_owner(
                [_bin("createdb"), "-h", str(sock), "-p", "5439", "-U", "postgres", "beringia"],
                owner,
            ),
            **run,  # type: ignore[call-overload]
        )
        yield f"postgresql+psycopg://postgres@/beringia?host={sock}&port=5439"
    finally:
        subprocess.run(
            _as_owner([_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], owner),
            check=False,
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)
