"""The report in a real browser: Debian's Chromium driven by Playwright (tests/browser.py).

Every figure draws, nothing logs an error, nothing is requested outside the file itself, the
first screen holds the four answers at laptop and phone width, and a PDF print puts them on
page one with the summary in two pages. Timings are printed (run with ``-s``), never asserted.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from browser import chromium
from hindcast_cases import make_case, q3
from test_report import EVERY_FIGURE

from beringia.pipeline.assessment import Assessment
from beringia.pipeline.hindcast import HindcastReport
from beringia.report import OperationsView, render_hindcast_report, render_operations_report
from beringia.report.page import plotly_js

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

ANSWERS = ("cost", "time", "carry", "pay")
LAPTOP = {"width": 1400, "height": 900}
PHONE = {"width": 390, "height": 844}
FIRST_SCREEN_BYTES = 100_000
"""The page's head (all its CSS) and first screen come before this many bytes."""
PAGE = re.compile(rb"/Type\s*/Page\b")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def report_file(page: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("browser") / "report.html"
    path.write_text(page, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def hindcast_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    report = HindcastReport(
        cases=[
            make_case(
                "alpha",
                "Hindcast: Alpha Tunnel",
                (10.0, 8.0, 9.0, 12.0),
                (5.0, 6.0, 7.0, 9.0),
                outside_view_cost_usd_bn=q3(7.0, 10.0, 15.0),
                estimate_at_decision_usd_bn=8.0,
            ),
            make_case("gamma", "", (3.0, 2.0, 3.0, 4.0), (4.0, 5.0, 6.0, 7.0)),
        ],
        draws=500,
        seed=7,
    )
    path = tmp_path_factory.mktemp("browser") / "hindcast.html"
    path.write_text(render_hindcast_report(report), encoding="utf-8")
    return path


class Visit:
    """A page opened offline, with its console errors and every request it made."""

    def __init__(self, browser: Browser, path: Path, viewport: dict[str, int]) -> None:
        self.tab: Page = browser.new_page(viewport=viewport)  # type: ignore[arg-type]
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.tab.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.tab.on("pageerror", lambda e: self.errors.append(str(e)))
        self.tab.route("**/*", self._route)
        start = time.perf_counter()
        self.tab.goto(path.as_uri(), wait_until="load")
        self.load_s = time.perf_counter() - start

    def _route(self, route: Any) -> None:
        self.requests.append(route.request.url)
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            route.abort()

    def ready_s(self) -> dict[str, float]:
        """Seconds from navigation to first paint, to the load event and to the figures on
        the first screen drawn (``performance`` marks of the page)."""
        self.tab.wait_for_function("document.documentElement.dataset.plotsVisible === 'ready'")
        marks = self.tab.evaluate(
            """() => {
              const out = {};
              for (const e of performance.getEntriesByType('paint')) out[e.name] = e.startTime;
              const nav = performance.getEntriesByType('navigation')[0];
              out.load = nav.loadEventEnd;
              const m = performance.getEntriesByName('plots-visible');
              out['plots-visible'] = m.length ? m[0].startTime : NaN;
              return out;
            }"""
        )
        return {k: float(v) / 1000.0 for k, v in marks.items()}

    def draw_all(self) -> float:
        """Draw every figure now and return the seconds from opening to all drawn."""
        self.tab.evaluate("window.beringiaDrawAll()")
        self.tab.wait_for_function("document.documentElement.dataset.plots === 'ready'")
        return float(self.tab.evaluate("performance.now()")) / 1000.0

    def close(self) -> None:
        self.tab.close()


def _figures_drawn(visit: Visit, keys: list[str]) -> dict[str, int]:
    return {
        k: int(visit.tab.evaluate(f"document.querySelectorAll('#fig-{k} .main-svg').length"))
        for k in keys
    }


def test_every_figure_draws_offline(browser: Browser, report_file: Path, page: str) -> None:
    visit = Visit(browser, report_file, LAPTOP)
    times = visit.ready_s()
    paint = times.get("first-contentful-paint", math.nan)
    ready = visit.draw_all()
    drawn = _figures_drawn(visit, EVERY_FIGURE)
    assert all(n >= 1 for n in drawn.values()), drawn
    assert int(visit.tab.evaluate("document.querySelectorAll('.js-plotly-plot').length")) == len(
        EVERY_FIGURE
    )
    assert visit.errors == []
    assert visit.requests == [report_file.as_uri()]
    first = page.index("</header>")
    print(
        f"\nreport at 1400x900: {len(page.encode()):,} bytes; head and first screen "
        f"{first:,} bytes; before plotly.js {page.index(plotly_js()):,} bytes; first paint "
        f"{paint:.2f} s; load event {times['load']:.2f} s; figures "
        f"on the first screen drawn (page ready) {times['plots-visible']:.2f} s; every "
        f"figure drawn {ready:.2f} s (on request; by itself in the background after load)"
    )
    visit.close()


def test_hindcast_page_draws_offline(browser: Browser, hindcast_file: Path) -> None:
    visit = Visit(browser, hindcast_file, LAPTOP)
    times = visit.ready_s()
    paint = times.get("first-contentful-paint", math.nan)
    ready = visit.draw_all()
    html = hindcast_file.read_text(encoding="utf-8")
    print(
        f"\nhindcast page: {len(html.encode()):,} bytes; before plotly.js "
        f"{html.index(plotly_js()):,} bytes; first paint {paint:.2f} s;"
        f" page ready {times['plots-visible']:.2f} s; every figure drawn {ready:.2f} s"
    )
    keys = re.findall(r'data-plot="fig-(\w+)"', html)
    assert len(keys) >= 3
    assert all(n >= 1 for n in _figures_drawn(visit, keys).values())
    assert visit.errors == []
    assert visit.requests == [hindcast_file.as_uri()]
    visit.close()


def test_operations_page_draws_offline(
    browser: Browser, assessment: Assessment, tmp_path: Path
) -> None:
    assert assessment.operations is not None
    view = OperationsView(assessment.scenario, assessment.operations, assessment.alignment)
    path = tmp_path / "operations.html"
    path.write_text(render_operations_report(view, seed=assessment.seed), encoding="utf-8")
    visit = Visit(browser, path, PHONE)
    visit.draw_all()
    keys = re.findall(r'data-plot="fig-(\w+)"', path.read_text(encoding="utf-8"))
    assert len(keys) == 6
    assert all(n >= 1 for n in _figures_drawn(visit, keys).values())
    assert visit.errors == []
    assert visit.requests == [path.as_uri()]
    assert int(visit.tab.evaluate("document.documentElement.scrollWidth")) <= PHONE["width"]
    visit.close()


def test_first_screen_bytes(page: str) -> None:
    head_and_first_screen = page[: page.index("</header>")].encode()
    assert len(head_and_first_screen) < FIRST_SCREEN_BYTES
    assert 'data-plot="' not in head_and_first_screen.decode()
    assert page.index("</header>") < page.index(plotly_js())


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1400px", "390px"])
def test_four_answers_on_the_first_screen(
    browser: Browser, report_file: Path, viewport: dict[str, int]
) -> None:
    visit = Visit(browser, report_file, viewport)
    for key in ANSWERS:
        for part in (".value", ".range"):
            box = visit.tab.locator(f"#answer-{key} {part}").bounding_box()
            assert box is not None, (key, part)
            assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], (key, part)
            assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], (key, part)
    if viewport is LAPTOP:  # the verdicts and the share of assumptions too
        for sel in ("#verdicts", ".assumption-share"):
            box = visit.tab.locator(sel).bounding_box()
            assert box is not None and box["y"] + box["height"] <= viewport["height"], sel
    # nothing wider than the screen
    width = int(visit.tab.evaluate("document.documentElement.scrollWidth"))
    assert width <= viewport["width"]
    assert visit.errors == []
    visit.close()


def _pdf_pages(visit: Visit, keep: tuple[str, ...]) -> int:
    """Pages of an A4 print of the page with only the ``keep`` children of <main>."""
    shown = "".join(f":not({sel})" for sel in keep)
    visit.tab.add_style_tag(content=f"main > *{shown} {{ display: none !important; }}")
    pdf = visit.tab.pdf(format="A4", print_background=True)
    return len(PAGE.findall(pdf))


def test_print_answers_on_page_one_summary_in_two(browser: Browser, report_file: Path) -> None:
    visit = Visit(browser, report_file, LAPTOP)
    visit.draw_all()
    assert _pdf_pages(visit, ("#summary",)) == 1
    visit.close()
    visit = Visit(browser, report_file, LAPTOP)
    assert _pdf_pages(visit, ("#summary", ".page-two")) == 2
    # page two (the scenario and the key figures) stands alone: the details start on page three
    visit.tab.emulate_media(media="print")
    breaks = visit.tab.evaluate(
        "[document.querySelector('.page-two'), document.querySelector('.page-two + *')]"
        ".map((e) => getComputedStyle(e).breakBefore)"
    )
    assert breaks == ["page", "page"]
    visit.close()


def test_inputs_table_folded_searchable_and_opened_by_links(
    browser: Browser, report_file: Path, page: str
) -> None:
    visit = Visit(browser, report_file, LAPTOP)
    tab = visit.tab
    assert tab.evaluate("document.getElementById('inputs-table').open") is False
    assert not tab.locator("#inputs-rows").is_visible()
    # a link from the drivers' table to an input row opens the table at that row
    link = tab.locator('#tornado a[href^="#in-"]').first
    target = str(link.get_attribute("href"))[1:]
    link.click()
    tab.wait_for_function("document.getElementById('inputs-table').open === true")
    assert tab.locator(f'[id="{target}"]').is_visible()
    # the filter keeps the rows that contain every word typed
    words = "tbm assumed"
    tab.fill("input[data-filter='inputs-rows']", words)
    shown = tab.evaluate(
        "[...document.querySelectorAll('#inputs-rows tbody tr')]"
        ".filter((r) => !r.hidden).map((r) => r.textContent.toLowerCase())"
    )
    expected = [r for r in re.findall(r'<tr id="in-[^"]*" class="[^"]*">(.*?)</tr>', page, re.S)]
    assert 0 < len(shown) < len(expected)
    assert all(all(w in text for w in words.split()) for text in shown)
    assert tab.text_content("#inputs-rows-count") == f"{len(shown)} shown"
    tab.fill("input[data-filter='inputs-rows']", "")
    hidden = tab.evaluate(
        "[...document.querySelectorAll('#inputs-rows tbody tr')].filter((r) => r.hidden).length"
    )
    assert hidden == 0
    assert visit.errors == []
    visit.close()
