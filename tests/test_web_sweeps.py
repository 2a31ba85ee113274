"""Sweeps in the web app: the API gives pipeline.sweep's (and ``beringia sweep --json``'s)
result bit for bit, through the same job pool (busy, draws limit, cancel, time limit), with
a bad ``vary`` a 422 naming the field; the sweep page shows progress, then the report."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner
from webapp import AUTH, SHORT, WRONG, client, make_app, wait_finished

from beringia.cli import app as cli_app
from beringia.errors import ScenarioError
from beringia.pipeline.sweep import grid_points, lhs_points, parse_vary, sweep
from beringia.web.jobs import JobPool, Study

DIAMETER = "construction.bores.0.diameter_m"
GRID = {"scenario": "bering-strait", "overrides": SHORT, "vary": [f"{DIAMETER}=8,9"]}


def wait_sweep(c: Any, sweep_id: int, limit: float = 120.0) -> dict[str, Any]:
    """Poll a sweep's job until it ends; its last status."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        job: dict[str, Any] = c.get(f"/api/sweeps/{sweep_id}/job").json()
        if job["status"] in ("finished", "failed", "cancelled"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"sweep {sweep_id} did not end within {limit} s")


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    app, _ = make_app(tmp_path_factory.mktemp("sweeps"), max_draws=5_000)
    with client(app) as c:
        yield c


@pytest.fixture(scope="module")
def grid(web: Any) -> int:
    """A finished sweep of bering-strait over two bore diameters (40 draws, seed 3)."""
    r = web.post("/api/sweeps", json={**GRID, "draws": 40, "seed": 3}, headers=AUTH)
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["kind"] == "sweep" and "run_id" not in job
    assert wait_sweep(web, job["id"])["status"] == "finished"
    return int(job["id"])


def test_a_web_sweep_is_the_pipeline_and_cli_sweep_bit_for_bit(web: Any, grid: int) -> None:
    got = web.get(f"/api/sweeps/{grid}").json()
    points = grid_points([parse_vary(f"{DIAMETER}=8,9")])
    api = sweep("bering-strait", points, overrides=SHORT, draws=40, seed=3)
    assert got == json.loads(json.dumps(api.to_dict()))
    args = ["sweep", "bering-strait", "--json", "-n", "40", "-s", "3", "--vary", f"{DIAMETER}=8,9"]
    for s in SHORT:
        args += ["--set", s]
    cli = CliRunner().invoke(cli_app, args)
    assert cli.exit_code == 0, cli.output
    assert got == json.loads(cli.stdout)
    job = web.get(f"/api/sweeps/{grid}/job").json()
    assert job["progress"] == [{"stage": "sweep", "done": 2, "total": 2}]
    assert grid in [j["id"] for j in web.get("/api/sweeps").json()]
    with web.stream("GET", f"/api/sweeps/{grid}/events") as s:
        assert s.headers["content-type"].startswith("text/event-stream")
        lines = [line for line in s.iter_lines() if line]
    assert lines[0] == "event: end" and json.loads(lines[1][6:])["status"] == "finished"


def test_a_latin_hypercube_sweep_matches_the_pipeline(web: Any) -> None:
    body = {
        "scenario": "bering-strait-claim",
        "overrides": SHORT,
        "vary": [f"{DIAMETER}=7.5:9.5"],
        "lhs": 2,
        "draws": 30,
        "seed": 5,
    }
    r = web.post("/api/sweeps", json=body, headers=AUTH)
    assert r.status_code == 202, r.text
    sid = r.json()["id"]
    assert wait_sweep(web, sid)["status"] == "finished"
    points = lhs_points([parse_vary(f"{DIAMETER}=7.5:9.5")], 2, 5)
    expected = sweep("bering-strait-claim", points, overrides=SHORT, draws=30, seed=5, design="lhs")
    got = web.get(f"/api/sweeps/{sid}").json()
    assert got == json.loads(json.dumps(expected.to_dict()))
    assert got["design"] == "lhs" and got["points"][0]["claims"]


def test_the_sweep_page_shows_the_report_and_the_editor_starts_one(web: Any, grid: int) -> None:
    page = web.get(f"/sweeps/{grid}")
    assert page.status_code == 200
    assert f"Sweep of {DIAMETER}" in page.text and "Every point" in page.text
    assert page.text.count('class="figure"') >= 2  # one line chart a metric at least
    listed = web.get("/sweeps")
    assert listed.status_code == 200 and f'href="/sweeps/{grid}"' in listed.text
    for missing in ("999", "abc", "1" * 30):
        assert web.get(f"/sweeps/{missing}").status_code == 404, missing
    editor = web.get("/scenarios/bering-strait").text
    assert 'id="sweep-form"' in editor and 'id="sweep-vary"' in editor


@pytest.mark.parametrize(
    ("vary", "extra", "field"),
    [
        (["no equals sign"], {}, "vary"),
        ([f"{DIAMETER}=a:b"], {}, f"vary {DIAMETER}"),
        ([f"{DIAMETER}=8:9"], {}, f"vary {DIAMETER}"),  # a range without lhs
        ([f"{DIAMETER}=8,9"], {"lhs": 3}, f"vary {DIAMETER}"),  # lhs over a list
        ([f"{DIAMETER}=8:9:40", "market.growth=0:1:40"], {}, "vary"),  # 1,600 points
        (["construction.nope=1,2"], {}, "construction.nope"),
        ([f"{DIAMETER}=8,50"], {}, "construction.bores.running-north.diameter_m"),
        ([f"{DIAMETER}=8:9:11"], {"draws": 500}, "draws"),  # 5,500 draws > 5,000
    ],
)
def test_a_bad_sweep_is_a_422_naming_the_field_and_queues_nothing(
    web: Any, vary: list[str], extra: dict[str, Any], field: str
) -> None:
    before = len(web.get("/api/sweeps").json())
    body = {"scenario": "bering-strait", "vary": vary, "draws": 20, **extra}
    r = web.post("/api/sweeps", json=body, headers=AUTH)
    assert r.status_code == 422, r.text
    assert r.json()["field"] == field and r.json()["detail"].startswith(field)
    assert "--" not in r.json()["detail"]  # the request's names, not the command line's
    assert len(web.get("/api/sweeps").json()) == before


def test_a_sweep_without_vary_is_refused_by_the_schema(web: Any) -> None:
    r = web.post("/api/sweeps", json={"scenario": "bering-strait", "vary": []}, headers=AUTH)
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "body.vary"


def test_a_sweep_needs_the_token(web: Any, grid: int) -> None:
    before = len(web.get("/api/sweeps").json())
    for headers, status in (({}, 401), (WRONG, 403)):
        assert web.post("/api/sweeps", json=GRID, headers=headers).status_code == status
        r = web.post(f"/api/sweeps/{grid}/cancel", headers=headers)
        assert r.status_code == status
    assert len(web.get("/api/sweeps").json()) == before
    assert web.get(f"/api/sweeps/{grid}/job").json()["status"] == "finished"


# --------------------------------------------------------------------------- the pool
class Gate:
    """A runner of runs that holds its run until let go (or stopped by the pool)."""

    def __init__(self) -> None:
        self.go = threading.Event()
        self.started = threading.Semaphore(0)

    def __call__(self, scenario: Any, *, draws: int, seed: int, progress: Any) -> Any:
        self.started.release()
        while not self.go.wait(0.01):
            progress("construction", 0, draws)
        raise ScenarioError("run", 0, "let go")


def test_sweeps_share_the_pool_with_runs_busy_and_cancel(tmp_path: Path) -> None:
    gate = Gate()
    app, store = make_app(tmp_path, runner=gate, max_jobs=1, queue=1)
    with client(app) as c:
        run = c.post("/api/runs", json={"scenario": "bering-strait", "draws": 10}, headers=AUTH)
        assert gate.started.acquire(timeout=30)
        queued = c.post("/api/sweeps", json={**GRID, "draws": 10}, headers=AUTH)
        assert queued.status_code == 202 and queued.json()["status"] == "queued"
        sid = queued.json()["id"]
        waiting = c.get(f"/sweeps/{sid}").text  # the page watches it live
        assert f'data-events="/api/sweeps/{sid}/events"' in waiting and 'id="cancel"' in waiting
        busy = c.post("/api/sweeps", json={**GRID, "draws": 10}, headers=AUTH)
        assert busy.status_code == 429 and busy.json()["detail"].startswith("busy:")
        assert busy.headers["retry-after"]
        assert c.post(f"/api/sweeps/{sid}/cancel", headers=AUTH).json()["status"] == "cancelled"
        job = wait_sweep(c, sid)
        assert job["error"] == "cancelled before it started"
        r = c.get(f"/api/sweeps/{sid}")
        assert r.status_code == 409 and r.json()["status"] == "cancelled"
        page = c.get(f"/sweeps/{sid}")
        assert page.status_code == 200 and "cancelled before it started" in page.text
        gate.go.set()
        assert wait_finished(c, run.json()["run_id"])["status"] == "failed"
        assert [r.id for r in store.list()] == [run.json()["run_id"]]  # no sweep in the store
        assert c.post("/api/sweeps/77/cancel", headers=AUTH).status_code == 422


def _study(step: threading.Event, **kw: Any) -> Study:
    def run(progress: Any) -> Any:
        for i in range(10_000):
            progress("sweep", i, 10_000)
            step.set()
            time.sleep(0.01)
        raise AssertionError("never stopped")

    return Study("sweep", "x", 1, 0, 1, run, **kw)


def test_a_running_study_stops_at_cancel_and_at_the_time_limit(tmp_path: Path) -> None:
    from beringia.store import open_store

    store = open_store(f"sqlite:///{tmp_path / 'runs.sqlite'}", tmp_path)
    pool = JobPool(store, max_jobs=2, queue=0, max_draws=10, time_limit_s=0.5)
    try:
        stepped = threading.Event()
        job = pool.submit_study(_study(stepped))
        assert stepped.wait(30)
        pool.cancel_study("sweep", job.id)
        timed = pool.submit_study(_study(threading.Event()))
        end = time.monotonic() + 60
        while not (job.done and timed.done) and time.monotonic() < end:
            time.sleep(0.02)
        assert (job.status, job.error) == ("cancelled", "cancelled")
        assert timed.status == "failed" and "time limit of 0.5 s" in timed.error
        with pytest.raises(ScenarioError, match="at most 10 draws per job"):
            pool.submit_study(Study("sweep", "x", 1, 0, 11, lambda p: None))
        with pytest.raises(ScenarioError, match="no sensitivity of this server"):
            pool.study("sensitivity", job.id)
        assert store.list() == []
    finally:
        pool.shutdown()
