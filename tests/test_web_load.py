"""Load on loopback with a real uvicorn, on SQLite and on PostgreSQL: 50 concurrent reads while
10 runs are asked for at once. No 5xx; every run is accepted and finishes, or is refused with a
clear "busy"; the store holds exactly the accepted runs, finished, with the same result (same
scenario, seed, draws)."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from pg import fresh_database, postgres_server
from webapp import AUTH, SHORT, live_server, make_app, without_timings

READS = ("/api/runs", "/api/scenarios", "/api/jobs", "/", "/runs", "/api/scenarios/bering-strait")


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """The store's database: SQLite in the data folder, or a throwaway PostgreSQL server."""
    if request.param == "sqlite":
        yield None
        return
    with postgres_server() as url:
        yield fresh_database(url, f"load{uuid.uuid4().hex}")


def test_concurrent_reads_and_queued_runs(tmp_path: Path, database: str | None) -> None:
    app, store = make_app(tmp_path, url=database, max_jobs=2, queue=3)
    body = {"scenario": "bering-strait", "overrides": SHORT, "draws": 100, "seed": 7}
    with (
        live_server(app) as base,
        httpx.Client(base_url=base, timeout=60, limits=httpx.Limits(max_connections=64)) as c,
        ThreadPoolExecutor(60) as workers,
    ):
        starts = [workers.submit(c.post, "/api/runs", json=body, headers=AUTH) for _ in range(10)]
        reads = [workers.submit(c.get, READS[i % len(READS)]) for i in range(50)]
        started = [f.result() for f in starts]
        read = [f.result() for f in reads]
        assert all(r.status_code == 200 for r in read), {r.status_code for r in read}
        accepted = [r.json()["run_id"] for r in started if r.status_code == 202]
        refused = [r for r in started if r.status_code != 202]
        assert len(accepted) == 5 and len(refused) == 5  # 2 running + 3 queued
        for r in refused:
            assert r.status_code == 429 and r.json()["detail"].startswith("busy: ")
            assert r.headers["retry-after"]
        ends: list[dict[str, Any]] = []
        for rid in accepted:  # each run's event stream ends when the run does
            with c.stream("GET", f"/api/jobs/{rid}/events") as s:
                ends += [line for line in s.iter_lines() if line.startswith("event: end")]
        assert len(ends) == len(accepted)
        after = [workers.submit(c.get, READS[i % len(READS)]) for i in range(50)]
        assert all(f.result().status_code == 200 for f in after)
    runs = store.list()
    assert sorted(r.id for r in runs) == sorted(accepted)
    assert {r.status for r in runs} == {"finished"}
    first = without_timings(runs[0].result or {})
    for r in runs:
        assert without_timings(r.result or {}) == first  # threads do not disturb each other
        assert r.draws_file is not None and r.draws_sha256 is not None
        assert hashlib.sha256(r.draws_file.read_bytes()).hexdigest() == r.draws_sha256
