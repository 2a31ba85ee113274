"""``beringia serve`` as a user starts it: loopback, a token generated and printed at the first
start, writes refused without it; FastAPI and uvicorn stay out of every other command."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
from typer.testing import CliRunner
from webapp import free_port

from beringia.cli import app

SRC = str(Path(__file__).resolve().parents[1] / "src")


def test_other_commands_never_import_the_web_stack() -> None:
    web = "{'fastapi', 'uvicorn', 'starlette'}"
    code = f"import sys, beringia.cli; print(sorted({web} & set(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "PYTHONPATH": SRC},
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "[]"


def test_bad_serve_options_are_one_line_errors(tmp_path: Path) -> None:
    env = {"BERINGIA_DATA_DIR": str(tmp_path), "BERINGIA_DATABASE_URL": ""}
    cases = (
        (["--port", "70000"], "--port"),
        (["--max-jobs", "0"], "--max-jobs"),
        (["--scheduler", "udp://nowhere"], "--scheduler"),
        (["--scheduler", "tcp://127.0.0.1:1"], "--scheduler"),  # nothing listens there
    )
    for args, field in cases:
        r = CliRunner().invoke(app, ["serve", *args], env=env)
        assert r.exit_code == 2 and field in r.stderr, r.output


def test_serve_binds_loopback_and_prints_the_token(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": SRC, "BERINGIA_DATA_DIR": str(tmp_path)}
    env.pop("BERINGIA_TOKEN", None)
    env.pop("BERINGIA_DATABASE_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "beringia", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(3)]
        assert lines[0].strip() == f"beringia web app: http://127.0.0.1:{port}/"
        origin, token = lines[1].strip().rsplit(": ", 1)
        assert origin.startswith("token (generated at this first start")
        assert (tmp_path / "web-token").read_text().strip() == token
        base = f"http://127.0.0.1:{port}"
        end = time.monotonic() + 30
        while True:
            try:
                r = httpx.get(base + "/api/scenarios")
                break
            except httpx.ConnectError:
                assert time.monotonic() < end and proc.poll() is None, "serve did not start"
                time.sleep(0.1)
        assert r.status_code == 200
        assert httpx.get(base + "/", headers={"Host": "rebound.example"}).status_code == 400
        assert httpx.post(base + "/api/runs", json={}).status_code == 401
        bad = httpx.post(
            base + "/api/runs", json={"draws": 0}, headers={"Authorization": f"Bearer {token}"}
        )
        assert bad.status_code == 422
    finally:
        proc.terminate()
        proc.wait(30)
        if proc.stdout is not None:
            proc.stdout.close()
