"""Shared fixtures: a minimal scenario document whose answers can be worked out by hand, and
the report pages the report tests read, with helpers to take a page apart."""

from __future__ import annotations

import copy
import html as htmlmod
import os
import re
from collections.abc import Callable, Iterable
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import settings
from typer.testing import CliRunner

if TYPE_CHECKING:
    from beringia.pipeline.assessment import Assessment

# CI runs the property tests on a fixed sequence of examples, so a run is repeatable;
# locally they explore new examples each time.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


def minimal_doc() -> dict[str, Any]:
    """One bore, one ground class, fixed inputs, no events: a hand-checkable tunnel.

    12 km bored from the west portal only at 2 m/h x 0.25 x 24 h = 12 m/day: 1,000 days.
    """
    fixed0 = {"dist": "fixed", "value": 0.0}
    point = {
        "kind": "portal",
        "marine_works_days": fixed0,
        "site_works_months": fixed0,
        "site_cost_usd_m": 50.0,
        "overhead_usd_m_per_year": 10.0,
        "source": "test",
    }
    return {
        "schema_version": 1,
        "name": "hand",
        "title": "hand-checkable",
        "route": {
            "attack_points": [
                {**point, "name": "west", "chainage_km": 0.0, "headings": ["east"]},
                {**point, "name": "east", "chainage_km": 12.0, "headings": []},
            ]
        },
        "geology": {
            "classes": [{"name": "rock", "source": "test"}],
            "zones": [
                {
                    "name": "all",
                    "from_km": 0.0,
                    "to_km": 12.0,
                    "share": {"rock": 1.0},
                    "mean_run_m": {"rock": 1000.0},
                    "source": "test",
                }
            ],
        },
        "construction": {
            "start_day_of_year": 0.0,
            "marine_season": {"open_day_of_year": 182, "close_day_of_year": 305},
            "advance_envelope": {"area_exponent": 0.4},
            "machines": [
                {
                    "name": "tbm",
                    "reference_diameter_m": 9.0,
                    "penetration_m_per_h": {"rock": 2.0},
                    "utilisation": {"rock": 0.25},
                    "manufacture_months": 0.0,
                    "shipping_days": 0.0,
                    "launch_months": 0.0,
                    "learning_days": 0.0,
                    "learning_initial_efficiency": 1.0,
                }
            ],
            "bores": [
                {
                    "name": "main",
                    "role": "running",
                    "diameter_m": 9.0,
                    "machine": "tbm",
                    "cost_reference_diameter_m": 9.0,
                    "unit_cost_usd_m_per_km": 10.0,
                    "machine_cost_usd_m": 20.0,
                    "heading_cost_usd_m_per_day": 0.1,
                    "performance_factor": 1.0,
                }
            ],
            "events": [],
            "cross_passages": {
                "spacing_m": 500.0,
                "cost_usd_m_each": 1.0,
                "months_after_breakthrough": 0.0,
            },
            "fitout": {
                "usd_m_per_track_km": 5.0,
                "fixed_usd_m": 100.0,
                "track_km_per_month_per_front": 1.0,
                "integration_months": 0.0,
                "commissioning_months": 0.0,
            },
            "arctic": {
                "labour_cost_factor": 1.0,
                "materials_cost_factor": 1.0,
                "surface_productivity": 1.0,
            },
            "owner_cost_fraction": 0.1,
        },
        "claims": [
            {"name": "cheap", "max_cost_bn": 0.1, "source": "test"},
            {"name": "fast", "max_duration_years": 10.0, "source": "test"},
        ],
    }


@pytest.fixture
def runner() -> CliRunner:
    """A CLI runner on a wide, colourless terminal, so nothing wraps or is styled."""
    return CliRunner(env={"COLUMNS": "300", "NO_COLOR": "1", "FORCE_COLOR": None})


@pytest.fixture
def cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in an empty directory (the default report path lands there)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def hand_doc() -> dict[str, Any]:
    """A fresh copy of :func:`minimal_doc`."""
    return copy.deepcopy(minimal_doc())


def typed_in(name: str = "bering-strait") -> dict[str, Any]:
    """A built-in scenario with its alignment replaced by the chainages it designs.

    Tests that vary chainages directly (a longer tunnel, an extra shaft) start from this.
    """
    from beringia.models.alignment import alignment_for
    from beringia.models.construction.compile import places_m, zone_bounds
    from beringia.scenario import load_scenario
    from beringia.scenario.io import read_document

    doc = read_document(name)
    sc = load_scenario(doc)
    places = places_m(sc, alignment_for(sc))
    bounds = zone_bounds(sc, places)
    doc.pop("alignment")
    for section in ("operations", "corridor", "market", "economics"):
        doc.pop(section, None)  # construction only: traffic has nothing to do with these tests
    for p in doc["route"]["attack_points"]:
        p.pop("waypoint", None)
        p["chainage_km"] = round(places[p["name"]] / 1000.0, 6)
    for z, (start, end) in zip(doc["geology"]["zones"], bounds, strict=True):
        z.pop("from_point", None)
        z.pop("to_point", None)
        z["from_km"] = round(start / 1000.0, 6)
        z["to_km"] = round(end / 1000.0, 6)
    doc["geology"]["zones"][-1]["to_km"] = doc["route"]["attack_points"][-1]["chainage_km"]
    return doc


# --------------------------------------------------------------------------- report pages
REPORT_DRAWS = 2000
"""Draws of :func:`assessment`, as in ``beringia assess -n 2000 --report``."""
REPORT_SEED = 11
REPORT_YEARS = 20
"""Simulated years of operations behind :func:`assessment` (fewer than the scenario's)."""
CLAIM_DRAWS = 300
CLAIM_SEED = 3
# Tags and attributes that would make a browser fetch something when the page opens.
LOADING_TAGS = {"script", "link", "img", "iframe", "embed", "object", "source", "audio"}
LOADING_TAGS |= {"video", "track", "image", "use", "frame", "input", "base", "form"}
LOADING_ATTRS = {"src", "href", "srcset", "data", "poster", "xlink:href", "action"}
EXTERNAL = re.compile(r"^\s*(https?:|//|ftp:)", re.IGNORECASE)


def _read_only(a: Assessment) -> Assessment:
    """Lock the per-draw arrays of an assessment that many tests share: a test that wrote
    into them would change what the others read."""
    arrays = [a.cost_usd_bn, a.duration_years, *a.breakdown_usd_bn.values()]
    for h in a.headings:
        arrays += [h.length_km, h.duration_years]
    for x in arrays:
        x.flags.writeable = False
    return a


@pytest.fixture(scope="session")
def assessment() -> Assessment:
    """The default built-in scenario, with operations and a corridor: the full report."""
    import beringia

    a = beringia.assess(
        beringia.load_scenario(),
        draws=REPORT_DRAWS,
        seed=REPORT_SEED,
        operations_years=REPORT_YEARS,
    )
    return _read_only(a)


@pytest.fixture(scope="session")
def page(assessment: Assessment) -> str:
    """The report of :func:`assessment`."""
    from beringia.report import render_report

    return render_report(assessment)


@pytest.fixture(scope="session")
def claim_assessment() -> Assessment:
    """The claim scenario: three claims (two with cost limits far apart) and record flags."""
    import beringia

    a = beringia.assess(
        beringia.load_scenario("bering-strait-claim"), draws=CLAIM_DRAWS, seed=CLAIM_SEED
    )
    return _read_only(a)


@pytest.fixture(scope="session")
def claim_page(claim_assessment: Assessment) -> str:
    """The report of :func:`claim_assessment`."""
    from beringia.report import render_report

    return render_report(claim_assessment)


def html_section(page: str, sid: str) -> str:
    """The HTML of ``<section id="sid">`` up to its end."""
    start = page.index(f'<section id="{sid}">')
    return page[start : page.index("</section>", start)]


def placed_section(page: str, sid: str, title: str, between: tuple[str, str]) -> str:
    """Check that section ``sid``, headed ``title``, stands between the sections headed
    ``between`` and is linked once from the contents; return its HTML."""
    h2 = re.findall(r"<h2>(.*?)</h2>", page)
    i = h2.index(title)
    assert (h2[i - 1], h2[i + 1]) == between
    assert page.count(f'href="#{sid}"') == 1
    return html_section(page, sid)


def assert_left_out(page: str, sid: str, title: str, figure_keys: Iterable[str]) -> None:
    """Check that the page has no section ``sid``: no element, no link from the contents, no
    heading ``title`` and none of the section's figures."""
    assert f'<section id="{sid}">' not in page and f'href="#{sid}"' not in page
    assert f"<h2>{title}</h2>" not in page
    assert not [k for k in figure_keys if f'id="fig-{k}"' in page]


def assert_placeholders(
    builders: Iterable[Callable[[Assessment], Any]], a: Assessment, why: str
) -> None:
    """Check that every builder draws nothing for ``a`` and says ``why`` instead."""
    for build in builders:
        fig = build(a)
        assert not fig.data, build
        assert why in fig.layout.annotations[0].text, build


def html_table(part: str, css: str) -> str:
    """The first ``<table class="compact css">`` in ``part``, up to its end."""
    start = part.index(f'<table class="compact {css}">')
    return part[start : part.index("</table>", start)]


def html_rows(table: str) -> list[list[str]]:
    """The rows of a table as lists of cell texts (header rows included, entities decoded)."""
    return [
        [htmlmod.unescape(c) for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", r, re.S)]
        for r in re.findall(r"<tr>(.*?)</tr>", table, re.S)
    ]


class PageTags(HTMLParser):
    """Every start tag of a page with its attributes, its ``<h2>`` texts and its CSS."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.h2: list[str] = []
        self.css: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        style = dict(attrs).get("style")
        if style:
            self.css.append(style)
        if tag in ("h2", "style"):
            self._in = tag
            (self.h2 if tag == "h2" else self.css).append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in is not None:
            (self.h2 if self._in == "h2" else self.css)[-1] += data


def page_tags(page: str) -> PageTags:
    """Parse a page with :class:`PageTags`."""
    parser = PageTags()
    parser.feed(page)
    parser.close()
    return parser


def assert_self_contained(page: str, figure_keys: list[str]) -> None:
    """Nothing loads from elsewhere; a CSP forbids fetching; plotly.js (the vendored partial
    bundle) inline exactly once, after the last figure; one element and one JSON block per
    figure key, and no other figure."""
    from beringia.report.page import plotly_js, plots_js

    parsed = page_tags(page)
    for tag, attrs in parsed.tags:
        if tag == "script":
            assert "src" not in attrs, attrs
        if tag in LOADING_TAGS:
            for name, value in attrs.items():
                if name in LOADING_ATTRS and value:
                    assert not EXTERNAL.match(value), (tag, attrs)
    # The raw text of any link/script tag carries no remote address either.
    for m in re.finditer(r"<(script|link)\b[^>]*>", page, re.IGNORECASE):
        assert not re.search(r"(src|href)\s*=\s*[\"']?\s*(https?:)?//", m.group(0), re.I)
    # Nothing styled from outside: no @import or url(...) in any CSS.
    assert parsed.css
    for css in parsed.css:
        assert "@import" not in css and "url(" not in css
    csp = [
        a["content"]
        for t, a in parsed.tags
        if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"
    ]
    assert len(csp) == 1 and csp[0] is not None
    assert "default-src 'none'" in csp[0] and "connect-src 'none'" in csp[0]
    assert page.count(plotly_js()) == 1 and page.count(plots_js()) == 1
    assert page.count("* plotly.js (cartesian - minified) v") == 1
    scripts = [a for t, a in parsed.tags if t == "script"]
    # one JSON block per figure, then plotly.js and the script that draws them
    assert len(scripts) == 2 + len(figure_keys)
    assert sorted(a.get("data-plot") or "" for a in scripts[:-2]) == sorted(
        f"fig-{k}" for k in figure_keys
    )
    assert all(a.get("type") == "application/json" for a in scripts[:-2])
    if figure_keys:
        assert page.index(plotly_js()) > page.rindex('data-plot="fig-')
    assert sorted(re.findall(r'id="fig-(\w+)"', page)) == sorted(figure_keys)
