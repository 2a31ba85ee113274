"""The web app as a user sees it, in Debian's Chromium: open the library, see a field error
for a bad value, edit an input, start a run, watch its progress reach the end, read the
verdict, save the run under a name, run a variant and compare the two runs, sweep an input
and read the sweep's report, then a sensitivity analysis's. A failing test
leaves a screenshot (its path is in the failure message)."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from browser import chromium, screenshot_on_failure
from webapp import SHORT, TOKEN, live_server, make_app, without_timings

import beringia

DIAMETER = "construction.bores.running-north.diameter_m"
YEARS = "operations.simulated_years"


class Held:
    """Runs :func:`beringia.assess` as the app does, each run held until the test lets it go."""

    def __init__(self) -> None:
        self.go = threading.Semaphore(0)

    def __call__(self, scenario: Any, *, draws: int, seed: int, progress: Any) -> Any:
        self.go.acquire(timeout=120)
        return beringia.assess(scenario, draws=draws, seed=seed, progress=progress)


def _open(page: Any, path: str) -> None:
    """Open every group on the way to a dotted path (the editor's tables start closed)."""
    parts = path.split(".")
    for i in range(1, len(parts)):
        group = page.locator(f'details[data-path="{".".join(parts[:i])}"]')
        if group.get_attribute("open") is None:
            group.locator(":scope > summary").click()


def _edit(page: Any, path: str, value: str) -> None:
    _open(page, path)
    page.fill(f'[data-path="{path}"]', value)
    page.dispatch_event(f'[data-path="{path}"]', "change")


def _run(page: Any, held: Held, draws: str, seed: str) -> str:
    """Start the run from the editor, watch its progress to the end; return the run's URL."""
    page.fill("#draws", draws)
    page.fill("#seed", seed)
    page.click("#run")
    page.wait_for_selector("[data-live]")  # held: the page opens while the run waits
    assert page.text_content("#status") in ("running", "queued")
    held.go.release()
    page.wait_for_selector("#status.finished", timeout=120_000)  # reloaded at the end
    bars = page.locator("#stages progress")
    assert bars.count() >= 2
    for i in range(bars.count()):
        bar = bars.nth(i)
        assert bar.get_attribute("value") == bar.get_attribute("max")
    construction = page.locator('[data-stage="construction"] .count').text_content()
    assert construction == f"{draws}/{draws}"
    return str(page.url)


def _journey(page: Any, base: str, store: Any) -> None:
    page.goto(base + "/")
    assert page.locator('#library [data-scenario="bering-strait"]').count() == 1
    page.fill("#token", TOKEN)
    page.click("#token-form button")
    page.click('#library [data-scenario="bering-strait"] a.button')
    page.wait_for_selector("#launcher")

    # a bad value: the error shows at the field, in the validator's words
    _edit(page, DIAMETER, "50")
    page.click("#validate")
    error = page.locator(f'[data-field="{DIAMETER}"] .field-error')
    error.wait_for()
    assert "<= 20" in error.text_content()
    field = page.locator(f'[data-field="{DIAMETER}"]')
    assert field.evaluate("e => e.classList.contains('invalid')")

    # a good edit, a run watched to the end, its verdict, saved under a name
    _edit(page, DIAMETER, "8.4")
    _edit(page, YEARS, "8")
    page.click("#validate")
    page.wait_for_selector(".ok-box >> text=ok: bering-strait")
    assert page.locator(".field-error").count() == 0
    first = _run(page, held, "150", "1")
    verdict = page.locator("#verdict .verdict").first.text_content()
    assert "the chance that the tunnel costs no more than" in verdict
    assert verdict.startswith("Dmitriev 2025") and "Under the bering-strait" in verdict
    page.fill("#rename", "first from the browser")
    page.click("#save-run")
    page.wait_for_selector(".ok-box >> text=Saved as first from the browser")
    saved = store.get("first from the browser")
    assert first.endswith(f"/runs/{saved.id}")

    # the browser's run is the API's (and so the CLI's) run, bit for bit
    sc = beringia.load_scenario("bering-strait", [*SHORT, f"{DIAMETER}=8.4"])
    again = json.loads(json.dumps(beringia.assess(sc, draws=150, seed=1).to_dict()))
    assert without_timings(saved.result or {}) == without_timings(again)

    # a variant, then the two compared
    page.goto(base + "/scenarios/bering-strait")
    _edit(page, DIAMETER, "9.5")
    _edit(page, YEARS, "8")
    second = _run(page, held, "150", "1")
    page.goto(base + "/compare")
    page.select_option("#compare-a", first.rsplit("/", 1)[1])
    page.select_option("#compare-b", second.rsplit("/", 1)[1])
    page.click("#compare-form button")
    rows = page.locator("#diff tbody tr")
    assert rows.count() == 1
    assert rows.first.locator("td").all_text_contents() == [DIAMETER, "8.4", "9.5"]
    assert "cost (USD bn) P50" in page.locator("#results").text_content()

    # a sweep of the edited scenario from the editor: progress, then its report and charts
    page.goto(base + "/scenarios/bering-strait")
    _edit(page, YEARS, "8")
    page.click("#sweep-box > summary")
    page.fill("#sweep-vary", f"{DIAMETER}=8,9")
    page.fill("#sweep-draws", "40")
    page.fill("#sweep-seed", "3")
    page.click("#sweep")
    page.wait_for_selector("html[data-plots=ready]", timeout=120_000)
    assert page.url == base + "/sweeps/1"
    assert page.text_content("h1") == f"Sweep of {DIAMETER}"
    assert page.locator(".plotly-graph-div .main-svg").count() >= 2

    # a Morris analysis of two inputs from the editor, read in its report
    page.goto(base + "/scenarios/bering-strait-claim")
    page.click("#sensitivity-box > summary")
    page.select_option("#sens-method", "morris")
    page.fill("#sens-samples", "2")
    page.fill("#sens-outputs", "cost")
    site = "route.attack_points.chukotka-portal"
    page.fill("#sens-inputs", f"{site}.marine_works_days\n{site}.site_cost_usd_m")
    page.click("#sensitivity")
    page.wait_for_selector("html[data-plots=ready]", timeout=120_000)
    assert page.url == base + "/sensitivity/2"  # study ids: the sweep had 1
    assert "Morris" in page.text_content("body")
    assert page.locator(".plotly-graph-div .main-svg").count() >= 1


held = Held()


def test_a_user_edits_runs_saves_and_compares_in_chromium(tmp_path: Path) -> None:
    app, store = make_app(tmp_path, runner=held)
    shot = tmp_path / "failure.png"
    with live_server(app) as base, chromium() as browser:
        page = browser.new_page()
        page.set_default_timeout(30_000)
        try:
            _journey(page, base, store)
        except BaseException as exc:
            screenshot_on_failure(page, shot)
            raise AssertionError(f"{exc} (screenshot: {shot})") from exc
