"""Sensitivity analyses in the web app: the API gives pipeline.sensitivity's (and ``beringia
sensitivity --json``'s) result, its timing aside, through the job pool (draws limit: the model
calls together), with a bad design a 422 naming the field; the page shows the report."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from typer.testing import CliRunner
from webapp import AUTH, WRONG, client, make_app

from beringia.cli import app as cli_app
from beringia.pipeline.sensitivity import sensitivity

SCENARIO = "bering-strait-claim"
SITE = "route.attack_points.chukotka-portal"
INPUTS = [f"{SITE}.marine_works_days", f"{SITE}.site_works_months", f"{SITE}.site_cost_usd_m"]
SOBOL = {
    "scenario": SCENARIO,
    "method": "sobol",
    "samples": 8,
    "inputs": INPUTS,
    "groups": [f"site={INPUTS[1]},{INPUTS[2]}"],
    "outputs": ["cost", "duration"],
    "seed": 4,
}


def timeless(d: dict[str, Any]) -> dict[str, Any]:
    """The result without its wall-clock seconds."""
    return {k: v for k, v in d.items() if k != "seconds"}


def wait_study(c: Any, path: str, limit: float = 120.0) -> dict[str, Any]:
    """Poll a study's job until it ends; its last status."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        job: dict[str, Any] = c.get(f"{path}/job").json()
        if job["status"] in ("finished", "failed", "cancelled"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"{path} did not end within {limit} s")


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    app, _ = make_app(tmp_path_factory.mktemp("sensitivity"), max_draws=2_000)
    with client(app) as c:
        yield c


@pytest.fixture(scope="module")
def sobol(web: Any) -> int:
    """A finished Sobol analysis of three inputs (two grouped), N = 8, k = 2."""
    r = web.post("/api/sensitivity", json=SOBOL, headers=AUTH)
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["kind"] == "sensitivity" and job["status"] in ("queued", "running")
    assert wait_study(web, f"/api/sensitivity/{job['id']}")["status"] == "finished"
    return int(job["id"])


def test_a_web_sensitivity_is_the_pipeline_one(web: Any, sobol: int) -> None:
    got = web.get(f"/api/sensitivity/{sobol}").json()
    expected = sensitivity(
        SCENARIO,
        inputs=INPUTS,
        groups=[("site", INPUTS[1:])],
        method="sobol",
        n=8,
        seed=4,
        outputs=["cost", "duration"],
    )
    assert timeless(got) == timeless(json.loads(json.dumps(expected.to_dict())))
    assert [f["name"] for f in got["factors"]] == ["site", INPUTS[0]]
    job = web.get(f"/api/sensitivity/{sobol}/job").json()
    assert job["draws"] == got["evaluations"] == 8 * (2 + 2) * 2  # N (D + 2) k, held to limit
    (stage,) = job["progress"]
    assert stage["stage"] == "sobol (model calls)" and stage["done"] == stage["total"]


def test_a_morris_analysis_is_the_cli_one(web: Any) -> None:
    body = {"scenario": SCENARIO, "method": "morris", "samples": 3, "inputs": INPUTS[:2]}
    body |= {"noise": "group", "outputs": ["cost"], "seed": 9}
    r = web.post("/api/sensitivity", json=body, headers=AUTH)
    assert r.status_code == 202, r.text
    path = f"/api/sensitivity/{r.json()['id']}"
    assert wait_study(web, path)["status"] == "finished"
    args = ["sensitivity", SCENARIO, "--json", "--method", "morris", "-N", "3", "--noise"]
    args += ["group", "--outputs", "cost", "--seed", "9", "--inputs", ",".join(INPUTS[:2])]
    cli = CliRunner().invoke(cli_app, args)
    assert cli.exit_code == 0, cli.output
    got = web.get(path).json()
    assert timeless(got) == timeless(json.loads(cli.stdout))
    assert got["evaluations"] == 3 * (3 + 1)  # N (D + 1), the randomness a factor


def test_the_sensitivity_page_shows_the_report(web: Any, sobol: int) -> None:
    page = web.get(f"/sensitivity/{sobol}")
    assert page.status_code == 200 and "<html" in page.text[:300]
    assert "Sobol" in page.text and INPUTS[0] in page.text
    listed = web.get("/sensitivity")
    assert listed.status_code == 200 and f'href="/sensitivity/{sobol}"' in listed.text
    assert web.get("/sensitivity/12345").status_code == 404
    assert web.get("/sweeps/1").status_code == 404  # a sensitivity's id is no sweep's
    editor = web.get(f"/scenarios/{SCENARIO}").text
    assert 'id="sensitivity-form"' in editor


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"samples": 6}, "samples"),  # not a power of 2 for Sobol
        ({"inputs": ["construction.nope"]}, "inputs"),
        ({"groups": ["no equals"]}, "groups"),
        ({"groups": ["g=construction.nope"]}, "groups g"),
        ({"noise": "group", "replications": 3}, "replications"),
        ({"outputs": ["colour"]}, "outputs"),
        ({"scenario": "no-such"}, "scenario"),
        ({"samples": 256}, "draws"),  # 256 (2 + 2) 2 = 2,048 model calls > 2,000
    ],
)
def test_a_bad_design_is_a_422_naming_the_field_and_queues_nothing(
    web: Any, extra: dict[str, Any], field: str
) -> None:
    before = len(web.get("/api/sensitivity").json())
    r = web.post("/api/sensitivity", json={**SOBOL, **extra}, headers=AUTH)
    assert r.status_code == 422, r.text
    assert r.json()["field"] == field and r.json()["detail"].startswith(field)
    assert " --" not in r.json()["detail"] and "-N" not in r.json()["detail"]
    assert len(web.get("/api/sensitivity").json()) == before


def test_a_sensitivity_needs_the_token(web: Any, sobol: int) -> None:
    before = len(web.get("/api/sensitivity").json())
    for headers, status in (({}, 401), (WRONG, 403)):
        assert web.post("/api/sensitivity", json=SOBOL, headers=headers).status_code == status
        assert web.post(f"/api/sensitivity/{sobol}/cancel", headers=headers).status_code == status
    assert len(web.get("/api/sensitivity").json()) == before
