"""Who may do what: every write needs the token (401 without, 403 when wrong) and changes
nothing without it; reads are open unless the app is private; the token's origin."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any

import pytest
from webapp import AUTH, SHORT, TOKEN, WRONG, client, make_app, wait_finished

from beringia.web.auth import load_token
from beringia.web.settings import LOOPBACK_HOSTS

WRITES = ("POST", "PUT", "PATCH", "DELETE")
READS_BY_POST = {"/api/validate"}
"""Posts that change nothing (a document to check travels in the body)."""


def _write_routes(app: Any) -> list[tuple[str, str]]:
    """Every write of the API (from its OpenAPI schema; the pages only read), its path
    parameters filled with a real run or scenario name."""
    out = []
    for path, operations in app.openapi()["paths"].items():
        for method in operations:
            if method.upper() in WRITES and path not in READS_BY_POST:
                filled = re.sub(r"\{run_id\}|\{ref\}|\{study_id\}", "1", path)
                filled = filled.replace("{name}", "kept")
                out.append((method.upper(), filled))
    return out


def _body(method: str, path: str) -> dict[str, Any]:
    if path.endswith("/upload"):
        return {"files": {"file": ("x.toml", b'schema_version = 1\nname = "x"\n')}}
    if method == "PATCH":
        return {"json": {"name": "renamed"}}
    if method == "DELETE" or path.endswith("/cancel"):
        return {}
    body = {"scenario": "bering-strait", "overrides": SHORT, "draws": 20}
    if path.endswith("/claims"):
        body["claims"] = [{"name": "c", "max_cost_bn": 50.0}]
    if path.endswith("/sweeps"):
        body["vary"] = ["construction.bores.0.diameter_m=8,9"]
    return {"json": body}


def _state(store: Any, folder: Path) -> Any:
    runs = [(r.id, r.name, r.note, r.status) for r in store.list()]
    files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    return runs, [f for f in files if not f.startswith("runs.sqlite")]


def test_every_write_needs_the_token_and_changes_nothing_without_it(tmp_path: Path) -> None:
    app, store = make_app(tmp_path)
    routes = _write_routes(app)
    assert {m for m, _ in routes} == set(WRITES) and len(routes) >= 10
    assert ("POST", "/api/sweeps") in routes and ("POST", "/api/sweeps/1/cancel") in routes
    with client(app) as c:
        rid = c.post(
            "/api/runs",
            json={"scenario": "bering-strait", "overrides": SHORT, "draws": 20},
            headers=AUTH,
        ).json()["run_id"]
        assert rid == 1 and wait_finished(c, rid)["status"] == "finished"
        ok = c.put("/api/scenarios/kept", json={"scenario": "bering-strait"}, headers=AUTH)
        assert ok.status_code == 200
        before = _state(store, tmp_path)
        for method, path in routes:
            for headers, status in (({}, 401), (WRONG, 403), ({"Authorization": "Basic x"}, 403)):
                r = c.request(method, path, headers=headers, **_body(method, path))
                assert r.status_code == status, (method, path, headers, r.text)
            assert _state(store, tmp_path) == before, (method, path)
        r = c.post("/api/runs", json={}, headers={})
        assert r.headers["www-authenticate"] == "Bearer"


def test_reads_are_open_unless_private(tmp_path: Path) -> None:
    open_app, _ = make_app(tmp_path / "open")
    with client(open_app) as c:
        for path in ("/api/runs", "/api/scenarios", "/", "/runs"):
            assert c.get(path).status_code == 200, path
    private, _ = make_app(tmp_path / "private", private=True)
    with client(private) as c:
        for path in ("/api/runs", "/api/scenarios", "/api/schema", "/", "/runs"):
            assert c.get(path).status_code == 401, path
            assert c.get(path, headers=WRONG).status_code == 403, path
            assert c.get(path, headers=AUTH).status_code == 200, path
            c.cookies.set("beringia_token", TOKEN)
            assert c.get(path).status_code == 200, path
            c.cookies.clear()
        assert c.get("/static/app.js").status_code == 200  # assets carry no data


def test_a_cookie_never_stands_in_for_the_token_on_a_write(tmp_path: Path) -> None:
    app, store = make_app(tmp_path)
    with client(app) as c:
        c.cookies.set("beringia_token", TOKEN)
        r = c.post("/api/runs", json={"scenario": "bering-strait"})
        assert r.status_code == 401 and store.list() == []


def test_the_token_comes_from_the_environment_or_a_private_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BERINGIA_TOKEN", "from-the-environment-123")
    assert load_token(tmp_path) == ("from-the-environment-123", "from BERINGIA_TOKEN")
    monkeypatch.delenv("BERINGIA_TOKEN")
    token, origin = load_token(tmp_path)
    assert len(token) >= 32 and origin.startswith("generated")
    mode = stat.S_IMODE(os.stat(tmp_path / "web-token").st_mode)
    assert mode == 0o600
    assert load_token(tmp_path) == (token, f"kept in {tmp_path / 'web-token'}")


def test_on_loopback_only_loopback_host_names_are_answered(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path, allowed_hosts=LOOPBACK_HOSTS)
    with client(app) as c:
        assert c.get("http://127.0.0.1/api/scenarios").status_code == 200
        assert c.get("http://localhost:8000/runs").status_code == 200
        rebound = c.get("/api/runs", headers={"Host": "attacker.example"})
        assert rebound.status_code == 400
