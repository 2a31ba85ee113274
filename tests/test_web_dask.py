"""``beringia serve --scheduler``: the web app's runs, sweeps and sensitivity analyses run on a
Dask cluster (here an in-process one on loopback) and give the in-process results."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from webapp import AUTH, SHORT, client, make_app, wait_finished, without_timings

import beringia
from beringia.pipeline.sensitivity import sensitivity
from beringia.pipeline.sweep import grid_points, parse_vary, sweep

DIAMETER = "construction.bores.0.diameter_m"
SITE = "route.attack_points.chukotka-portal"


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    """A scheduler and one worker thread in this process, listening on 127.0.0.1."""
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=False,
        protocol="tcp://",
        host="127.0.0.1",
        dashboard_address=":0",
    ) as c:
        yield c


def _finished(c: Any, path: str) -> Any:
    end = time.monotonic() + 120
    while c.get(f"{path}/job").json()["status"] in ("queued", "running"):
        assert time.monotonic() < end, path
        time.sleep(0.05)
    r = c.get(path)
    assert r.status_code == 200, r.text
    return r.json()


def test_jobs_on_the_scheduler_give_the_in_process_results(tmp_path: Path, cluster: Any) -> None:
    address = cluster.scheduler_address
    app, _ = make_app(tmp_path, scheduler=address)
    with client(app) as c:
        body = {"scenario": "bering-strait", "overrides": SHORT, "draws": 120, "seed": 2}
        rid = c.post("/api/runs", json=body, headers=AUTH).json()["run_id"]
        sw = {"scenario": "bering-strait", "overrides": SHORT, "vary": [f"{DIAMETER}=8,9"]}
        sid = c.post("/api/sweeps", json={**sw, "draws": 30}, headers=AUTH).json()["id"]
        design = {"scenario": "bering-strait-claim", "method": "morris", "samples": 2}
        design |= {"inputs": [f"{SITE}.site_cost_usd_m"], "outputs": ["cost"], "seed": 3}
        nid = c.post("/api/sensitivity", json=design, headers=AUTH).json()["id"]
        assert wait_finished(c, rid)["status"] == "finished"
        run = c.get(f"/api/runs/{rid}/result").json()
        swept = _finished(c, f"/api/sweeps/{sid}")
        indices = _finished(c, f"/api/sensitivity/{nid}")
    assert run["provenance"]["scheduler"] == address  # the blocks ran on the cluster
    here = beringia.assess(beringia.load_scenario("bering-strait", SHORT), draws=120, seed=2)
    expected = json.loads(json.dumps(here.to_dict()))
    assert here.to_dict()["provenance"]["scheduler"] == "in-process"
    for d in (run, expected):
        d["provenance"].pop("scheduler")
    assert without_timings(run) == without_timings(expected)
    points = grid_points([parse_vary(f"{DIAMETER}=8,9")])
    local = sweep("bering-strait", points, overrides=SHORT, draws=30, seed=2025)
    assert swept == json.loads(json.dumps(local.to_dict()))
    alone = sensitivity(
        "bering-strait-claim",
        method="morris",
        n=2,
        inputs=[f"{SITE}.site_cost_usd_m"],
        outputs=["cost"],
        seed=3,
    ).to_dict()
    assert {**indices, "seconds": 0} == {**json.loads(json.dumps(alone)), "seconds": 0}
    prefixes = set(cluster.scheduler.task_prefixes)
    assert {"run_point", "evaluate_task"} <= prefixes, prefixes  # sweep, sensitivity tasks
