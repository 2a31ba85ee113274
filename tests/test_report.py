"""The HTML report (self-contained, claims up front) and the provenance rows behind it."""

from __future__ import annotations

import dataclasses
import html as htmlmod
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import REPORT_DRAWS as DRAWS
from conftest import (
    assert_left_out,
    assert_placeholders,
    assert_self_contained,
    html_section,
    page_tags,
)

import beringia
from beringia.models.numfmt import money_bn
from beringia.models.reference.claims import ClaimResult
from beringia.pipeline.assessment import Assessment
from beringia.pipeline.provenance import (
    InputRow,
    describe_distribution,
    input_rows,
    provenance_counts,
)
from beringia.report import render_report, write_report
from beringia.report.alignment_figures import (
    ALIGNMENT_FIGURES,
    MAX_LINE_POINTS,
    MAX_MAP_CELLS,
    longitudinal_profile,
    plan_map,
)
from beringia.report.construction_figures import CONSTRUCTION_FIGURES
from beringia.report.figures import all_figures
from beringia.report.html import claim_verdict
from beringia.report.operations_figures import OPERATIONS_FIGURES
from beringia.report.page import linkify, plotly_js
from beringia.report.reduce import MAX_CURVE_POINTS, ecdf_points
from beringia.report.reference_figures import REFERENCE_FIGURES
from beringia.report.style import EMPTY_HEIGHT, LAND_COLOUR, empty_figure, legend_entry, rgba
from beringia.report.text import format_percent, plot_text
from beringia.scenario import builtin_names, load_scenario
from beringia.scenario.distributions import Fixed, LogNormal, Pert
from beringia.scenario.io import hindcast_names, read_document

SECTIONS = [
    "Key figures",
    "Claim verdicts",
    "Alignment",
    "Distributions of cost and duration",
    "S-curves",
    "Time&ndash;cost scattergram",
    "Inside view, outside view, forecast",
    "Cost breakdown",
    "Schedule of the median draw",
    "What drives the result",
    "Headings",
    "Operations",
    "Corridor and economics",
    "Inputs and their sources",
    "Provenance",
]
FIGURES = list(CONSTRUCTION_FIGURES)
EVERY_FIGURE = [
    *("cost_histogram", "duration_histogram", "cost_s_curve", "duration_s_curve"),
    *("scattergram", "cost_breakdown", "gantt", "tornado"),
    *("plan_map", "longitudinal_profile", "outside_view", "reference_scatter"),
    *("speed_profiles", "time_profiles", "headway_matrix", "capacity_mix"),
    *("annual_trains", "annual_availability"),
    *("corridor_map", "route_comparison", "npv_distribution", "cash_fan", "breakeven"),
]
"""The figures of the default built-in's report, in page order."""


# --------------------------------------------------------------------------- self-contained


def test_self_contained(page: str) -> None:
    assert "<script src=" not in page.lower()
    # The default built-in has every section: alignment, outside view, operations, corridor.
    assert_self_contained(page, EVERY_FIGURE)


def test_report_is_small(page: str) -> None:
    assert len(page.encode()) < 6_000_000


# --------------------------------------------------------------------------- content


def test_sections_in_order(page: str) -> None:
    positions = [page.index(f"<h2>{s}</h2>") for s in SECTIONS]
    assert positions == sorted(positions)
    assert [h.strip() for h in page_tags(page).h2] == [htmlmod.unescape(s) for s in SECTIONS]


def test_title_and_scenario(page: str, assessment: Assessment) -> None:
    sc = assessment.scenario
    assert f"<h1>{htmlmod.escape(sc.title)}</h1>" in page
    assert f"<code>{sc.name}</code>" in page
    assert htmlmod.escape(sc.description, quote=False)[:60] in page


def test_claims_up_front(page: str, assessment: Assessment) -> None:
    assert assessment.claims, "the default scenario states claims"
    first_figure = page.index('id="fig-')
    key_figures = page.index("<h2>Key figures</h2>")
    for c in assessment.claims:
        name = htmlmod.escape(c.name)
        assert name in page
        pos = page.index(name)
        assert pos < key_figures < first_figure
        k = round(c.probability * DRAWS)
        assert k / DRAWS == pytest.approx(c.probability)
        percent = htmlmod.escape(format_percent(c.probability, DRAWS))
        assert percent in page[pos:key_figures]
        if k == 0:  # a bound, never a bare 0 %, and the one the claim sentence states
            assert percent.startswith("&lt; ")
            assert f"below {percent[5:]}" in htmlmod.escape(c.sentence)
            assert '<span class="prob">0.0 %</span>' not in page
        verdict = htmlmod.escape(claim_verdict(c, DRAWS))
        assert verdict in page
        assert f"({k:,} of {DRAWS:,} draws)." in verdict


def test_claim_flags_and_notes(page: str, assessment: Assessment) -> None:
    part = html_section(page, "claims")
    flagged = [c for c in assessment.scenario.claims if c.unverified]
    assert flagged, "the default scenario has an unverified claim"
    assert part.count("badge unverified") == len(flagged)
    for c in assessment.scenario.claims:
        if c.note:
            assert str(linkify(c.note)) in part


def test_verdict_sentence() -> None:
    c = ClaimResult("x", 8.0, 8.0, 0.0, "")
    assert claim_verdict(c, 20_000) == (
        "Under this scenario, the chance that the tunnel costs at most $8bn and takes at "
        "most 8 years is < 0.015 % (0 of 20,000 draws)."
    )
    c = ClaimResult("y", 100.926, None, 0.25, "")
    assert claim_verdict(c, 400) == (
        "Under this scenario, the chance that the tunnel costs at most $100.9bn is "
        "25.0 % (100 of 400 draws)."
    )
    c = ClaimResult("z", None, 15.0, 1.0, "")
    assert "takes at most 15 years is > 99.2 % (400 of 400 draws)" in claim_verdict(c, 400)


def test_format_percent() -> None:
    assert format_percent(0.0) == "0 %"
    assert format_percent(1.0) == "100 %"
    assert format_percent(0.0, 20_000) == "< 0.015 %"
    assert format_percent(1.0, 20_000) == "> 99.98 %"
    assert format_percent(0.125) == "12.5 %"
    assert format_percent(0.00005) == "0.005 %"
    assert format_percent(2.8e-9) == "< 0.001 %"
    assert format_percent(0.9999) == "99.99 %"
    assert format_percent(0.9999999) == "> 99.999 %"


def test_key_figures_and_provenance(page: str, assessment: Assessment) -> None:
    d = assessment.to_dict()
    for q in ("mean", "p5", "p10", "p50", "p80", "p90", "p95"):
        assert f"{d['construction']['cost_usd_bn'][q]:,.2f}" in page
        assert f"{d['construction']['duration_years'][q]:,.2f}" in page
    assert page.count(assessment.scenario_sha256) >= 1
    prov = html_section(page, "provenance")
    assert assessment.scenario_sha256 in prov
    for key, value in assessment.provenance.items():
        assert f"<dt>{key}</dt>" in prov
        if isinstance(value, int | str) and not isinstance(value, bool):
            assert f">{htmlmod.escape(str(value))}</dd>" in prov


def test_median_draw_and_headings(page: str, assessment: Assessment) -> None:
    m = assessment.median_draw
    sched = html_section(page, "schedule")
    assert f"#{m:,}" in sched
    assert money_bn(float(assessment.cost_usd_bn[m])) in sched
    assert f"{assessment.duration_years[m]:,.2f} years" in sched
    for g in assessment.gantt:
        if g.critical:
            assert f"<li>{htmlmod.escape(g.name)}</li>" in sched
    heads = html_section(page, "headings")
    for h in assessment.headings:
        assert htmlmod.escape(h.name) in heads
        assert f"{np.percentile(h.length_km, 50):,.1f}" in heads


def test_inputs_table(page: str, assessment: Assessment) -> None:
    rows = input_rows(assessment.scenario)
    counts = provenance_counts(assessment.scenario)
    part = html_section(page, "inputs")
    for r in rows:
        anchor = "in-" + re.sub(r"[^A-Za-z0-9_.-]+", "-", r.path)
        assert f'id="{anchor}"' in part
    assert part.count('<span class="badge unverified">unverified</span>') >= counts["unverified"]
    assert part.count('<span class="badge assumed">assumed</span>') >= counts["assumed"]
    assert f"<b>{counts['inputs']}</b> figures" in part
    assert f"<b>{counts['assumed']}</b>" in part
    assert "this project's own assumptions" in part
    # sources with URLs are clickable
    assert '<a href="https://tass.com/economy/2031239"' in page


def test_tornado_inputs_are_scenario_paths(assessment: Assessment) -> None:
    paths = {r.path for r in input_rows(assessment.scenario)}
    assert assessment.tornado
    for t in assessment.tornado:
        assert t.input in paths


def test_text_is_escaped(assessment: Assessment) -> None:
    evil = '<script>alert("x")</script> & $1bn'
    claims = [ClaimResult(evil, 30.0, 20.0, 0.5, "see <b>https://example.org/x?a=1&b=2</b>")]
    page = render_report(dataclasses.replace(assessment, claims=claims))
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; $1bn" in page
    assert "&lt;b&gt;" in page
    assert '<a href="https://example.org/x?a=1&amp;b=2"' in page


def test_degenerate_assessments_render(hand_doc: dict[str, Any]) -> None:
    fixed = beringia.assess(load_scenario(hand_doc), draws=20, seed=1)
    assert fixed.alignment is None
    page = render_report(fixed)
    assert "no sampled inputs" in page
    assert page.count(plotly_js()) == 1
    assert_left_out(page, "alignment", "Alignment", ALIGNMENT_FIGURES)
    assert list(all_figures(fixed)) == FIGURES + list(REFERENCE_FIGURES)
    assert_self_contained(page, FIGURES + list(REFERENCE_FIGURES))
    assert fixed.operations is None  # no operations section: none in the page either
    assert_left_out(page, "operations", "Operations", OPERATIONS_FIGURES)
    # Called directly, the builders return a placeholder.
    assert_placeholders(ALIGNMENT_FIGURES.values(), fixed, "no alignment")
    one = beringia.assess(load_scenario(), draws=1, seed=1)
    assert "1 of 1 draws" in render_report(one) or "0 of 1 draws" in render_report(one)


# --------------------------------------------------------------------------- writing


def test_write_report_creates_parents(tmp_path: Path, assessment: Assessment) -> None:
    target = tmp_path / "a" / "b" / "report.html"
    out = write_report(assessment, target)
    assert out == target
    assert target.is_file()
    text = target.read_text(encoding="utf-8")
    assert text == render_report(assessment)
    assert sorted(p.name for p in target.parent.iterdir()) == ["report.html"]


def test_write_report_replaces(tmp_path: Path, assessment: Assessment) -> None:
    target = tmp_path / "r.html"
    target.write_text("old", encoding="utf-8")
    write_report(assessment, str(target))
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]


# --------------------------------------------------------------------------- figures


def test_figures(assessment: Assessment) -> None:
    figs = all_figures(assessment)
    assert list(figs) == EVERY_FIGURE
    tunnel_claims = [c for c in assessment.claims if c.scope == "tunnel"]  # drawn on the tunnel
    n_cost = sum(c.max_cost_usd_bn is not None for c in tunnel_claims)
    hist = figs["cost_histogram"]
    lines = [s for s in hist.layout.shapes if s.type == "line"]
    in_scale = [
        c
        for c in tunnel_claims
        if c.max_cost_usd_bn is not None
        and 2 * assessment.cost_usd_bn.min() - assessment.cost_usd_bn.max()
        <= c.max_cost_usd_bn
        <= 2 * assessment.cost_usd_bn.max() - assessment.cost_usd_bn.min()
    ]
    assert len(lines) == 3 + len(in_scale)
    p50 = float(np.percentile(assessment.cost_usd_bn, 50))
    assert any(s.x0 == pytest.approx(p50) for s in lines)
    # the claims, and one entry that values the dashed P10, P50 and P90 lines
    named = [t.name for t in hist.data if t.showlegend is not False]
    assert len(named) == n_cost + 1
    p10, p90 = np.percentile(assessment.cost_usd_bn, [10, 90])
    assert "P10, P50, P90: $" in htmlmod.unescape(named[0])
    assert f"{p10:,.1f}bn" in named[0] and f"{p90:,.1f}bn" in named[0]
    # the labels stand above the plot area, never over a bar or a claim's line
    labels = [a for a in hist.layout.annotations if a.text in ("P10", "P50", "P90")]
    assert [a.text for a in labels] == ["P10", "P50", "P90"]
    assert all(a.yref == "y domain" and a.y == 1.0 and a.yanchor == "bottom" for a in labels)
    for t in named[1:]:
        assert " 0.0 %" not in t and "100.0 %" not in t
    assert sum(hist.data[0].y) == pytest.approx(100.0)

    both = [c for c in tunnel_claims if c.max_cost_usd_bn and c.max_duration_years]
    rects = [s for s in figs["scattergram"].layout.shapes if s.type == "rect"]
    assert len(rects) == len(both)
    for r, c in zip(rects, both, strict=True):
        assert (r.x0, r.y0, r.x1, r.y1) == (0, 0, c.max_cost_usd_bn, c.max_duration_years)
    # every claim drawn is named in the legend, none over the draws
    scatter = figs["scattergram"]
    assert not scatter.layout.annotations
    names = [t.name for t in scatter.data]
    assert all(any(n.startswith(plot_text(c.name)) for n in names) for c in both)

    bars = figs["cost_breakdown"].data[0]
    assert len(bars.y) == len(assessment.breakdown_usd_bn)
    assert list(bars.x) == pytest.approx([v.mean() for v in assessment.breakdown_usd_bn.values()])

    gantt = figs["gantt"]
    crit = [t for t in gantt.data if t.name == "critical path"]
    assert len(crit) == 1
    assert len(crit[0].y) == sum(g.critical for g in assessment.gantt)
    assert sum(len(t.y) for t in gantt.data) == len(assessment.gantt)
    order = list(gantt.layout.yaxis.categoryarray)
    assert order == [plot_text(g.name) for g in assessment.gantt]

    tornado = figs["tornado"]
    assert len(tornado.data) == 2
    assert list(tornado.data[0].x) == [t.cost_rank_corr for t in assessment.tornado]
    assert list(tornado.data[1].x) == [t.duration_rank_corr for t in assessment.tornado]


def test_alignment_section(page: str, assessment: Assessment) -> None:
    al = assessment.alignment
    assert al is not None
    part = html_section(page, "alignment")
    assert page.index("<h2>Key figures</h2>") < page.index("<h2>Alignment</h2>")
    assert 'href="#alignment"' in page
    sm = al.summary
    assert f"{sm.tunnel_length_km:,.1f} km" in part
    assert f"{sm.undersea_length_km:,.1f} km" in part
    assert f"{sm.max_depth_below_sea_m:,.1f} m below sea level" in part
    assert f"{sm.max_water_pressure_bar:,.1f} bar" in part
    assert f"{sm.max_gradient_permille:,.1f} \u2030" in part
    spec = assessment.scenario.alignment
    assert spec is not None
    assert f"{spec.max_gradient_permille:g} &permil;" in part
    assert f"at least {spec.min_cover_m:g} m of ground" in part
    for w in spec.waypoints:
        assert w.name in part
    for key in ALIGNMENT_FIGURES:
        assert part.count(f'id="fig-{key}"') == 1
    assert part.index('id="fig-plan_map"') < part.index('id="fig-longitudinal_profile"')


def test_plan_map(assessment: Assessment) -> None:
    al = assessment.alignment
    assert al is not None
    fig = plan_map(assessment)
    by_name = {t.name: t for t in fig.data}
    land = fig.data[0]
    assert land.type == "heatmap"
    z = np.asarray(land.z)
    assert set(np.unique(z)) == {0, 1}  # both land and sea in the window
    assert max(z.shape) <= MAX_MAP_CELLS
    lat_lo, lat_hi = fig.layout.yaxis.range
    lon_lo, lon_hi = fig.layout.xaxis.range
    assert lat_lo < al.trace.lat.min() and al.trace.lat.max() < lat_hi
    assert lon_lo < al.trace.lon.min() and al.trace.lon.max() < lon_hi
    assert fig.layout.yaxis.scaleanchor == "x"
    assert fig.layout.yaxis.scaleratio == pytest.approx(
        1 / np.cos(np.radians((lat_lo + lat_hi) / 2))
    )
    route = next(t for n, t in by_name.items() if n.startswith("route"))
    tunnel = next(t for n, t in by_name.items() if n.startswith("tunnel"))
    assert len(route.x) <= MAX_LINE_POINTS + 50
    assert len(tunnel.x) < len(route.x)
    # the tunnel runs between the portals: its ends are the portal markers
    pts = next(t for n, t in by_name.items() if n.startswith("attack points"))
    assert list(pts.text) == [p.name for p in al.attack_points]
    assert pts.x[0] == pytest.approx(tunnel.x[0], abs=1e-3)
    assert pts.y[0] == pytest.approx(tunnel.y[0], abs=1e-3)
    assert pts.x[-1] == pytest.approx(tunnel.x[-1], abs=1e-3)
    assert pts.y[-1] == pytest.approx(tunnel.y[-1], abs=1e-3)
    spec = assessment.scenario.alignment
    assert spec is not None
    waypoints = by_name["waypoints"]
    names = {p.name for p in al.attack_points}
    assert list(waypoints.text) == [w.name for w in spec.waypoints if w.name not in names]
    first = spec.waypoints[0]
    assert (waypoints.y[0], waypoints.x[0]) == pytest.approx(
        (first.lat_deg, first.lon_deg), abs=1e-6
    )
    depth = by_name["seabed depth points"]
    assert list(depth.text) == [f"{d:g} m" for _, _, d in al.depth_points]
    notes = " ".join(a.text for a in fig.layout.annotations)
    assert "GLOBE" in notes and "http" not in notes


def test_longitudinal_profile(assessment: Assessment) -> None:
    al = assessment.alignment
    assert al is not None
    fig = longitudinal_profile(assessment)
    by_name = {t.name: t for t in fig.data}
    length_km = al.profile.length_m / 1000.0
    lo, hi = fig.layout.xaxis.range
    assert lo < 0 and length_km < hi < length_km * 1.2
    crown = by_name["tunnel crown"]
    invert = next(t for n, t in by_name.items() if n.startswith("invert"))
    assert crown.x[0] == pytest.approx(0.0, abs=0.02)
    assert crown.x[-1] == pytest.approx(length_km, abs=0.02)
    assert np.asarray(crown.y) - np.asarray(invert.y) == pytest.approx(al.bore_diameter_m)
    assert float(np.min(invert.y)) == pytest.approx(-al.summary.max_depth_below_sea_m)
    seabed = next(t for n, t in by_name.items() if n.startswith("seabed ("))
    y = np.asarray(seabed.y, dtype=float)
    assert np.isnan(y).any() and np.nanmax(y) <= 0.0  # gaps on land, below sea level
    assert np.nanmin(y) == pytest.approx(-max(d for _, _, d in al.depth_points))
    depth = by_name["seabed depth points"]
    assert list(depth.text) == [n for n, _, _ in al.depth_points]
    # land bands, and a vertical line per attack point and shore
    rects = [s for s in fig.layout.shapes if s.type == "rect"]
    assert rects and all(r.fillcolor == LAND_COLOUR for r in rects)
    xs = [s.x0 for s in fig.layout.shapes if s.type == "line" and s.x0 == s.x1]
    for p in al.attack_points:
        assert p.chainage_km in xs
    for shore in ("west-shore", "east-shore"):
        assert al.places_m[shore] / 1000.0 in xs
    texts = " ".join(a.text for a in fig.layout.annotations)
    assert "lowest invert" in texts and "land" in texts
    assert all(p.name in texts for p in al.attack_points)
    assert f"steepest gradient {al.summary.max_gradient_permille:.1f}" in fig.layout.title.text


def test_ecdf_points() -> None:
    x, p = ecdf_points(np.arange(10_000, 0, -1, dtype=float))
    assert len(x) <= MAX_CURVE_POINTS
    assert x[0] == 1 and x[-1] == 10_000
    assert p[-1] == 1.0
    assert np.all(np.diff(x) >= 0) and np.all(np.diff(p) > 0)
    x, p = ecdf_points(np.array([3.0, 1.0, 2.0]))
    assert list(x) == [1.0, 2.0, 3.0]
    assert list(p) == pytest.approx([1 / 3, 2 / 3, 1.0])


def test_style_helpers() -> None:
    assert rgba("#b2182b", 0.35) == "rgba(178,24,43,0.35)"
    line = legend_entry("a limit", line={"color": "#000000", "dash": "dot"})
    assert (line.mode, line.x, line.name, line.hoverinfo) == ("lines", (None,), "a limit", "skip")
    assert line.line.dash == "dot"
    mark = legend_entry("rows", marker={"symbol": "circle-open"})
    assert mark.mode == "markers" and mark.marker.symbol == "circle-open"
    fig = empty_figure("Title", "nothing to draw")
    assert not fig.data and fig.layout.height == EMPTY_HEIGHT
    assert fig.layout.title.text == "Title" and fig.layout.annotations[0].text == "nothing to draw"
    assert fig.layout.xaxis.visible is False and fig.layout.yaxis.visible is False


def test_linkify() -> None:
    out = str(linkify("<b>a</b> (https://x.org/a_(b)), doi:10.1016/j.tust.2013.02.006."))
    assert "&lt;b&gt;a&lt;/b&gt;" in out
    assert '<a href="https://x.org/a_(b)" rel="noopener noreferrer">' in out
    assert '<a href="https://doi.org/10.1016/j.tust.2013.02.006"' in out
    assert out.endswith("</a>.")
    assert "<a" not in str(linkify("javascript:alert(1) and ftp://x.org"))


# --------------------------------------------------------------------------- provenance rows


def _toml_flags(doc: Any, path: str, flag: str) -> list[str]:
    """Dotted paths of every table of a scenario document with ``flag = true``."""
    out: list[str] = []
    if isinstance(doc, dict):
        if doc.get(flag) is True:
            out.append(path)
        for key, value in doc.items():
            out += _toml_flags(value, f"{path}.{key}" if path else key, flag)
    elif isinstance(doc, list):
        for i, item in enumerate(doc):
            label = (item.get("name") or item.get("train")) if isinstance(item, dict) else None
            name = str(label) if label is not None else str(i)
            out += _toml_flags(item, f"{path}.{name}", flag)
    return out


@pytest.mark.parametrize("name", builtin_names() + hindcast_names())
def test_builtin_rows_all_sourced(name: str) -> None:
    rows = input_rows(load_scenario(name))
    assert rows
    assert [r.path for r in rows if not r.source.strip()] == []
    assert provenance_counts(load_scenario(name))["missing_source"] == 0
    paths = [r.path for r in rows]
    assert len(paths) == len(set(paths))


@pytest.mark.parametrize("name", builtin_names())
def test_builtin_flags_match_toml(name: str) -> None:
    doc = read_document(name)  # a variant: its base with the edits
    # the built-in train types come from data/trains.toml, not from the scenario's TOML
    rows = {
        r.path: r
        for r in input_rows(load_scenario(name))
        if not r.path.startswith(("operations.library.", "corridor.network.", "corridor.places."))
    }
    unverified = _toml_flags(doc, "", "unverified")
    assumed = _toml_flags(doc, "", "assumed")
    assert sorted(unverified) == sorted(p for p, r in rows.items() if r.unverified)
    assert sorted(assumed) == sorted(p for p, r in rows.items() if r.assumed)


def test_default_scenario_rows() -> None:
    rows = {r.path: r for r in input_rows(load_scenario("bering-strait"))}
    owner = rows["construction.owner_cost_fraction"]
    assert owner.unverified and not owner.assumed
    assert owner.value == "triangular(0.1, 0.125, 0.15)"
    assert owner.kind == "distribution"
    assert rows["construction.bores.running-north.machine_cost_usd_m"].unverified
    assert rows["construction.bores.running-north.unit_cost_usd_m_per_km"].assumed
    assert rows["construction.machines.mixshield.utilisation.rock"].value.startswith("triangular(")
    env = rows["construction.advance_envelope"]
    assert env.kind == "object"
    assert env.value == (
        "regime {sediment closed-face, rock hard-rock, fractured closed-face, fault closed-face}"
    )
    assert "drive_averages" in env.source and "Sunkoshi" in env.source and env.assumed
    # Zones are bounded by named points (strings, not summarised): the row shows the shares.
    zone = rows["geology.zones.strait-west"]
    assert zone.kind == "object"
    assert zone.value.startswith("share {sediment 0.35, rock 0.38")
    assert "mean_run_m {" in zone.value
    # The alignment: its limits, and each waypoint and depth point with position and source.
    assert rows["alignment"].value.startswith("max_gradient_permille 12.5; min_cover_m 40")
    sc = load_scenario("bering-strait")
    assert sc.alignment is not None
    for w in sc.alignment.waypoints:
        row = rows[f"alignment.waypoints.{w.name}"]
        assert row.value == f"lat_deg {w.lat_deg:.12g}; lon_deg {w.lon_deg:.12g}"
        assert row.source.strip()
    dezhnev = rows["alignment.waypoints.cape-dezhnev"]
    assert "66 04 45 N" in dezhnev.source and not dezhnev.assumed
    assert rows["alignment.waypoints.chukotka-inland"].assumed
    assert rows["alignment.seabed.eastern-channel"].value.endswith("depth_m 45")
    assert rows["construction.fitout"].unverified
    for obj in (
        "construction.marine_season",
        "construction.cross_passages",
        "geology.classes.fault",
        "construction.events.collapse",
        "construction.machines.mixshield",
    ):
        assert rows[obj].kind == "object"
    claims = [p for p in rows if p.startswith("claims.")]
    assert claims and all(rows[p].kind == "object" for p in claims)
    assert rows[claims[0]].value.startswith("max_cost_bn")
    # document order: an object's own row precedes its distributions
    paths = list(rows)
    assert paths.index("construction.bores.service") < paths.index(
        "construction.bores.service.performance_factor"
    )


@pytest.mark.parametrize("name", builtin_names())
def test_provenance_counts_add_up(name: str) -> None:
    sc = load_scenario(name)
    rows = input_rows(sc)
    counts = provenance_counts(sc)
    assert set(counts) == {"inputs", "sourced", "unverified", "assumed", "missing_source"}
    assert counts["inputs"] == len(rows)
    assert counts["sourced"] + counts["missing_source"] == counts["inputs"]
    assert counts["unverified"] == sum(r.unverified for r in rows)
    assert counts["assumed"] == sum(r.assumed for r in rows)
    assert 0 < counts["unverified"] < counts["inputs"]


def test_counts_see_missing_sources(hand_doc: dict[str, Any]) -> None:
    sc = load_scenario(hand_doc)
    counts = provenance_counts(sc)
    missing = [r.path for r in input_rows(sc) if not r.source]
    assert counts["missing_source"] == len(missing) > 0
    assert "construction.advance_envelope" in missing
    assert counts["sourced"] + counts["missing_source"] == counts["inputs"]


def test_describe_distribution() -> None:
    assert describe_distribution(Fixed(value=172.4)) == "fixed 172.4"
    assert describe_distribution(LogNormal(dist="lognormal", median=30, gsd=2.5)) == (
        "lognormal(median 30, gsd 2.5)"
    )
    assert describe_distribution(Pert(dist="pert", low=1, mode=2, high=4)) == "pert(1, 2, 4)"
    assert describe_distribution(Pert(dist="pert", low=1, mode=2, high=4, shape=6)) == (
        "pert(1, 2, 4, shape 6)"
    )


def test_input_row_is_frozen() -> None:
    row = InputRow("a", "fixed 1", "s", False, False, "")
    with pytest.raises(dataclasses.FrozenInstanceError):
        row.path = "b"  # type: ignore[misc]


def test_report_reaches_no_kernel() -> None:
    # Shells call the pipeline and read the models' results; they never reach into core.
    import ast

    import beringia.report

    package = Path(beringia.report.__file__).parent
    modules = sorted(package.glob("*.py"))
    assert len(modules) > 10
    for path in modules:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            assert not [n for n in names if n.startswith("beringia.core")], (path.name, names)


def test_assumption_share_on_the_first_screen(page: str, assessment: Assessment) -> None:
    counts = provenance_counts(assessment.scenario)
    head = page[: page.index('<section id="claims">')]
    share = round(100 * counts["assumed"] / counts["inputs"])
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", head))
    assert (
        f"Of the scenario's {counts['inputs']:,} input figures, {counts['assumed']:,} ({share} %) "
        "are this project's own assumptions"
    ) in text
    assert 'href="#inputs"' in head


def test_section_links_wrap_on_a_phone(page: str) -> None:
    style = page[: page.index("</style>")]
    rule = re.search(r"nav\.toc \{([^}]*)\}", style)
    assert rule is not None
    assert "flex-wrap: wrap" in rule.group(1) and "display: flex" in rule.group(1)
