"""The web app's JSON API: scenarios, validation, runs that match the CLI bit for bit, the
bounded job pool (busy, cancel, time limit), live progress, compare, claims, uploads."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner
from webapp import AUTH, SHORT, client, make_app, wait_finished, without_timings

import beringia
from beringia.cli import app as cli_app
from beringia.scenario.io import builtin_names, builtin_text, read_document


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    app, _ = make_app(tmp_path_factory.mktemp("web"))
    with client(app) as c:
        yield c


@pytest.fixture(scope="module")
def two_runs(web: Any) -> tuple[int, int]:
    """Two finished runs of bering-strait: seed 1, and seed 1 with a wider bore."""
    ids = []
    for extra in ([], ["construction.bores.running-north.diameter_m=9"]):
        r = web.post(
            "/api/runs",
            json={"scenario": "bering-strait", "overrides": SHORT + extra, "draws": 150, "seed": 1},
            headers=AUTH,
        )
        assert r.status_code == 202, r.text
        ids.append(r.json()["run_id"])
    for i in ids:
        assert wait_finished(web, i)["status"] == "finished"
    return ids[0], ids[1]


def test_the_library_lists_every_builtin_and_serves_its_document(web: Any) -> None:
    listed = web.get("/api/scenarios").json()
    assert [e["name"] for e in listed if e["kind"] == "builtin"] == builtin_names()
    assert web.get("/api/scenarios/bering-strait").json() == read_document("bering-strait")
    assert web.get("/api/schema").json()["title"] == "beringia scenario"


@pytest.mark.parametrize("name", ["../../etc/passwd", "..", "bering-strait.toml", "x/y", "%2e%2e"])
def test_a_scenario_name_is_looked_up_never_opened_as_a_path(web: Any, name: str) -> None:
    r = web.get(f"/api/scenarios/{name}")
    assert r.status_code in (404, 422)
    assert "root:" not in r.text


def test_validation_names_the_field_as_the_cli_does(web: Any) -> None:
    bad = web.post(
        "/api/validate",
        json={"scenario": "bering-strait", "overrides": ["construction.bores.0.diameter_m=50"]},
    ).json()
    assert bad["ok"] is False
    (e,) = bad["errors"]
    assert e["field"] == "construction.bores.running-north.diameter_m"
    assert e["value"] == 50 and "<= 20" in e["message"]
    good = web.post("/api/validate", json={"scenario": "bering-strait-claim"}).json()
    assert good["ok"] is True and good["lines"][0].startswith("ok: bering-strait-claim")
    doc = web.post("/api/validate", json={"document": {"schema_version": 1}}).json()
    assert doc["ok"] is False and doc["errors"][0]["field"]


def test_a_web_run_is_the_cli_run_bit_for_bit(web: Any, two_runs: tuple[int, int]) -> None:
    a, _ = two_runs
    got = web.get(f"/api/runs/{a}/result").json()
    sc = beringia.load_scenario("bering-strait", SHORT)
    api = json.loads(json.dumps(beringia.assess(sc, draws=150, seed=1).to_dict()))
    assert without_timings(got) == without_timings(api)
    args = ["assess", "bering-strait", "--json", "-n", "150", "-s", "1"]
    for s in SHORT:
        args += ["--set", s]
    cli = CliRunner().invoke(cli_app, args)
    assert cli.exit_code == 0, cli.output
    assert without_timings(got) == without_timings(json.loads(cli.stdout))
    run = web.get(f"/api/runs/{a}").json()
    assert run["status"] == "finished" and run["seed"] == 1 and run["draws"] == 150
    assert run["job"]["progress"][-1]["done"] == run["job"]["progress"][-1]["total"]


def test_runs_are_listed_renamed_compared_and_deleted(web: Any, two_runs: tuple[int, int]) -> None:
    a, b = two_runs
    listed = {r["id"]: r for r in web.get("/api/runs").json()}
    assert {a, b} <= set(listed) and listed[a]["cost_usd_bn_p50"] > 0
    r = web.patch(f"/api/runs/{b}", json={"name": "wide bore", "note": "9 m"}, headers=AUTH)
    assert r.status_code == 200 and r.json()["name"] == "wide bore"
    cmp = web.get("/api/compare", params={"a": str(a), "b": "wide bore"}).json()
    assert [d["path"] for d in cmp["scenario"]] == ["construction.bores.running-north.diameter_m"]
    cost = {x["result"]: x for x in cmp["results"]}["construction.cost_usd_bn.p50"]
    assert cost["a"] != cost["b"] and cost["difference"] == pytest.approx(cost["b"] - cost["a"])
    dup = web.patch(f"/api/runs/{a}", json={"name": "wide bore"}, headers=AUTH)
    assert dup.status_code == 422 and "already" in dup.json()["detail"]


def test_a_custom_claim_gets_a_verdict(web: Any) -> None:
    claim = {"name": "cheap and quick", "max_cost_bn": 30.0, "max_duration_years": 20.0}
    r = web.post(
        "/api/claims",
        json={"scenario": "bering-strait", "overrides": SHORT, "draws": 100, "claims": [claim]},
        headers=AUTH,
    )
    assert r.status_code == 202, r.text
    rid = r.json()["run_id"]
    assert wait_finished(web, rid)["status"] == "finished"
    verdicts = {c["name"]: c for c in web.get(f"/api/runs/{rid}/claims").json()}
    got = verdicts["cheap and quick"]
    assert 0.0 <= got["probability"] <= 1.0 and "cheap and quick" in got["sentence"]
    empty = web.post("/api/claims", json={"scenario": "bering-strait"}, headers=AUTH)
    assert empty.status_code == 422 and empty.json()["field"] == "claims"
    bad = dict(claim, max_cost_bn=-1.0)
    r = web.post("/api/claims", json={"scenario": "bering-strait", "claims": [bad]}, headers=AUTH)
    assert r.status_code == 422 and "max_cost_bn" in r.json()["field"]


def test_progress_streams_as_server_sent_events(web: Any) -> None:
    r = web.post(
        "/api/runs",
        json={"scenario": "bering-strait", "overrides": SHORT, "draws": 120},
        headers=AUTH,
    )
    rid = r.json()["run_id"]
    events: list[tuple[str, dict[str, Any]]] = []
    with web.stream("GET", f"/api/jobs/{rid}/events") as s:
        assert s.headers["content-type"].startswith("text/event-stream")
        kind = ""
        for line in s.iter_lines():
            if line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: "):
                events.append((kind, json.loads(line[6:])))
    assert events[-1][0] == "end" and events[-1][1]["status"] == "finished"
    assert all(k == "progress" for k, _ in events[:-1])
    stages = {p["stage"]: p for p in events[-1][1]["progress"]}
    assert stages["construction"]["done"] == stages["construction"]["total"] == 120


# --------------------------------------------------------------------------- the pool
class Gate:
    """A runner that reports progress until let go (or stopped by the pool)."""

    def __init__(self) -> None:
        self.go = threading.Event()
        self.started = threading.Semaphore(0)

    def __call__(self, scenario: Any, *, draws: int, seed: int, progress: Any) -> Any:
        self.started.release()
        while not self.go.wait(0.01):
            progress("construction", 0, draws)
        return beringia.assess(scenario, draws=draws, seed=seed)


def test_a_full_pool_answers_busy_and_a_cancelled_run_is_marked_failed(tmp_path: Path) -> None:
    gate = Gate()
    app, store = make_app(tmp_path, runner=gate, max_jobs=1, queue=1, max_draws=500)
    body = {"scenario": "bering-strait-claim", "draws": 50}
    with client(app) as c:
        first = c.post("/api/runs", json=body, headers=AUTH).json()["run_id"]
        assert gate.started.acquire(timeout=30)
        second = c.post("/api/runs", json=body, headers=AUTH).json()["run_id"]
        assert c.get(f"/api/jobs/{second}").json()["status"] == "queued"
        busy = c.post("/api/runs", json=body, headers=AUTH)
        assert busy.status_code == 429 and busy.json()["detail"].startswith("busy:")
        assert busy.headers["retry-after"]
        too_many = c.post("/api/runs", json=dict(body, draws=501), headers=AUTH)
        assert too_many.status_code == 422 and too_many.json()["field"] == "draws"
        assert len(store.list()) == 2  # nothing recorded for the refused runs
        assert c.post(f"/api/jobs/{second}/cancel", headers=AUTH).json()["status"] == "cancelled"
        assert c.post(f"/api/jobs/{first}/cancel", headers=AUTH).status_code == 200
        assert wait_finished(c, first)["status"] == "cancelled"
        assert wait_finished(c, second)["error"] == "cancelled before it started"
        assert {r.status for r in store.list()} == {"failed"}
        assert c.delete(f"/api/runs/{first}", headers=AUTH).status_code == 200
        assert [r.id for r in store.list()] == [second]


def test_a_run_over_the_time_limit_is_stopped(tmp_path: Path) -> None:
    app, store = make_app(tmp_path, runner=Gate(), time_limit_s=0.3)
    with client(app) as c:
        rid = c.post("/api/runs", json={"scenario": "bering-strait"}, headers=AUTH).json()
        job = wait_finished(c, rid["run_id"])
    assert job["status"] == "failed" and "time limit" in job["error"]
    assert store.get(str(rid["run_id"])).status == "failed"


# --------------------------------------------------------------------------- saved scenarios
def test_saved_and_uploaded_scenarios_go_through_the_validator(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path, max_body_bytes=200_000)
    with client(app) as c:
        r = c.put(
            "/api/scenarios/narrow",
            json={"scenario": "bering-strait", "overrides": ["construction.bores.0.diameter_m=8"]},
            headers=AUTH,
        )
        assert r.status_code == 200, r.text
        doc = c.get("/api/scenarios/narrow").json()
        assert doc["construction"]["bores"][0]["diameter_m"] == 8
        text = builtin_text("bering-strait-claim").encode()
        up = c.post(
            "/api/scenarios/claim-copy/upload", files={"file": ("x.toml", text)}, headers=AUTH
        )
        assert up.status_code == 200, up.text
        names = {e["name"]: e["kind"] for e in c.get("/api/scenarios").json()}
        assert names["narrow"] == names["claim-copy"] == "saved"
        bad = c.post(
            "/api/scenarios/bad/upload", files={"file": ("x.toml", b"name = [")}, headers=AUTH
        )
        assert bad.status_code == 422 and "malformed TOML" in bad.json()["detail"]
        wrong = text.replace(b"diameter_m = ", b"diameter_m = 5", 1)
        r = c.post("/api/scenarios/w/upload", files={"file": ("x.toml", wrong)}, headers=AUTH)
        assert r.status_code == 422 and "diameter_m" in r.json()["field"]
        big = c.post(
            "/api/scenarios/big/upload", files={"file": ("x.toml", b"#" * 300_000)}, headers=AUTH
        )
        assert big.status_code == 413
        for name in ("../evil", "Evil", "bering-strait", "a.b"):
            r = c.put(f"/api/scenarios/{name}", json={"scenario": "bering-strait"}, headers=AUTH)
            assert r.status_code in (404, 422), name
        assert not (tmp_path.parent / "evil.json").exists()
        assert c.delete("/api/scenarios/narrow", headers=AUTH).status_code == 200
        assert c.delete("/api/scenarios/bering-strait", headers=AUTH).status_code == 422
        names = {e["name"] for e in c.get("/api/scenarios").json()}
    assert "narrow" not in names and "claim-copy" in names
    assert sorted(p.name for p in (tmp_path / "scenarios").iterdir()) == ["claim-copy.json"]


def test_a_report_no_longer_in_memory_is_rebuilt_and_checked(tmp_path: Path) -> None:
    from sqlalchemy import update
    from sqlalchemy.orm import Session

    from beringia.store.tables import RunRow

    first, _ = make_app(tmp_path)
    body = {"scenario": "bering-strait-claim", "overrides": SHORT, "draws": 60, "seed": 3}
    with client(first) as c:
        rid = c.post("/api/runs", json=body, headers=AUTH).json()["run_id"]
        assert wait_finished(c, rid)["status"] == "finished"
        assert 'id="report-link"' in c.get(f"/runs/{rid}").text  # kept in memory
    later, store = make_app(tmp_path)  # a new server: nothing in memory
    with client(later) as c:
        gone = c.get(f"/runs/{rid}/report")
        assert gone.status_code == 404 and 'id="rebuild"' in gone.text
        assert c.post(f"/api/runs/{rid}/report").status_code == 401
        r = c.post(f"/api/runs/{rid}/report", headers=AUTH)
        assert r.status_code == 202 and r.json()["kind"] == "report"
        assert wait_finished(c, rid)["status"] == "finished"
        page = c.get(f"/runs/{rid}/report")
        assert page.status_code == 200 and "<html" in page.text[:500]
        saved = store.get(str(rid))
        assert saved.status == "finished" and len(store.list()) == 1
        cost = saved.result["construction"]["cost_usd_bn"]  # type: ignore[index]
        cost["p50"] += 1.0  # a saved result the model does not give
        with Session(store.engine) as s, s.begin():
            s.execute(
                update(RunRow).where(RunRow.id == rid).values(result_json=json.dumps(saved.result))
            )
        c.post(f"/api/runs/{rid}/report", headers=AUTH)
        job = wait_finished(c, rid)
        assert job["status"] == "failed" and "does not give its saved result" in job["error"]
        assert store.get(str(rid)).status == "finished"  # the run itself is untouched
