"""The run store: lifecycle, immutability, names, diff, SIGKILL recovery, CLI."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from pg import fresh_database, postgres_server
from typer.testing import CliRunner

import beringia
from beringia.cli import app
from beringia.errors import ScenarioError
from beringia.scenario.io import scenario_hash
from beringia.store import RunStore, open_store
from beringia.store.runs import diff_documents

SHORT = ["operations.simulated_years=8"]


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def folder(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The data folder; with ``postgresql`` the runs go to a fresh database of a real server."""
    monkeypatch.setenv("BERINGIA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("BERINGIA_DATABASE_URL", raising=False)
    if request.param == "postgresql":
        url = request.getfixturevalue("server")
        monkeypatch.setenv("BERINGIA_DATABASE_URL", fresh_database(url, f"t{uuid.uuid4().hex}"))
    return tmp_path / "data"


def _saved(store: RunStore, name: str | None = None, seed: int = 1) -> int:
    sc = beringia.load_scenario("bering-strait", SHORT)
    rid = store.start(sc, scenario_hash(sc), seed, 150, name, beringia.__version__)
    store.finish(rid, beringia.assess(sc, draws=150, seed=seed))
    return rid


def test_a_saved_run_keeps_its_scenario_result_and_draws(folder: Path) -> None:
    store = open_store()
    if "BERINGIA_DATABASE_URL" not in os.environ:
        assert store.url == f"sqlite:///{folder / 'runs.sqlite'}"
    rid = _saved(store, "first")
    run = store.get("first")
    assert run.id == rid and run.status == "finished" and run.draws == 150
    sc = beringia.load_scenario("bering-strait", SHORT)
    assert run.scenario_sha256 == scenario_hash(sc)
    again = beringia.assess(sc, draws=150, seed=1).to_dict()
    again["provenance"] = run.result["provenance"]  # timings differ, nothing else
    assert run.result == json.loads(json.dumps(again))
    assert run.draws_file is not None
    assert hashlib.sha256(run.draws_file.read_bytes()).hexdigest() == run.draws_sha256
    with pytest.raises(ScenarioError):  # finished runs are immutable
        store.finish(rid, beringia.assess(sc, draws=150, seed=2))
    assert store.get(str(rid)).result == run.result


def test_names_notes_and_removal(folder: Path) -> None:
    store = open_store()
    a, b = _saved(store, "a"), _saved(store)
    for bad in ("a", "123", " ", "x" * 201):
        with pytest.raises(ScenarioError):
            store.rename(str(b), bad)
    assert store.rename(str(b), "b").name == "b"
    assert store.annotate("b", "the variant").note == "the variant"
    gone = store.remove("a")
    assert gone.id == a and gone.draws_file is not None and not gone.draws_file.exists()
    assert [r.name for r in store.list()] == ["b"]
    with pytest.raises(ScenarioError, match="no saved run"):
        store.get("a")


def test_diff_documents_names_field_paths() -> None:
    a = {"x": 1, "bores": [{"name": "n", "d": 9}], "only_a": True}
    b = {"x": 1, "bores": [{"name": "n", "d": 7}]}
    assert diff_documents(a, b) == [("bores.n.d", 9, 7), ("only_a", True, None)]


def test_a_run_killed_mid_way_is_marked_failed_on_the_next_start(folder: Path) -> None:
    env = {**os.environ, "BERINGIA_DATA_DIR": str(folder)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "beringia",
            "assess",
            "-n",
            "5000000",
            "--save",
            "--name",
            "doomed",
            "--json",
            "--set",
            SHORT[0],
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        running = False
        while time.monotonic() < deadline and not running:
            time.sleep(0.5)
            if "BERINGIA_DATABASE_URL" in os.environ or (folder / "runs.sqlite").exists():
                try:
                    running = any(r.status == "running" for r in open_store().list())
                except Exception:  # the schema may be mid-creation
                    running = False
        assert running, "the run never started"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    store = open_store()
    (run,) = store.list()
    assert run.name == "doomed" and run.status == "failed"
    assert "interrupted" in run.error and run.result is None
    assert not list((folder / "draws").glob("*.parquet")) if (folder / "draws").exists() else True


def test_cli_save_list_show_diff_export(folder: Path, runner: CliRunner, cwd: Path) -> None:
    res = runner.invoke(app, ["runs", "list"])
    assert res.exit_code == 0 and "No saved runs" in res.output
    base = ["assess", "-n", "120", "--json", "--set", SHORT[0], "--save"]
    assert runner.invoke(app, [*base, "--name", "one"]).exit_code == 0
    res = runner.invoke(app, [*base, "--set", "construction.bores.2.diameter_m=6"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["runs", "list"])
    assert "one" in res.output and "finished" in res.output
    res = runner.invoke(app, ["runs", "diff", "one", "2"])
    assert res.exit_code == 0 and "construction.bores.service.diameter_m" in res.output
    res = runner.invoke(app, ["runs", "export", "one", "--out", "one.json"])
    assert res.exit_code == 0
    d = json.loads((cwd / "one.json").read_text())
    assert d["name"] == "one" and d["result"]["draws"] == 120
    for args in (["runs", "show", "nine"], ["runs", "rename", "2", "one"], ["runs", "rm", "77"]):
        res = runner.invoke(app, args)
        assert res.exit_code == 2 and "Traceback" not in res.output
    res = runner.invoke(app, ["assess", "-n", "10", "--name", "x"])
    assert res.exit_code == 2 and "--save" in res.output
