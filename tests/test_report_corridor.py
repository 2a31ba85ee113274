"""The report's corridor and economics section: map, routes, NPV, cash fan, break-even."""

from __future__ import annotations

import base64
import dataclasses
import html as htmlmod
import io
import re
import subprocess
import sys

import numpy as np
import pytest
from conftest import (
    assert_left_out,
    assert_placeholders,
    html_rows,
    html_section,
    html_table,
    placed_section,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from PIL import Image

import beringia
from beringia.geo.world import world_land, wrap_lon
from beringia.models.corridor.network import Network, Node
from beringia.pipeline.assessment import Assessment
from beringia.report import render_report
from beringia.report.corridor_figures import (
    CORRIDOR_FIGURES,
    MAX_ECDF_POINTS,
    PROJECT_COLOURS,
    breakeven,
    carried_total,
    cash_fan,
    corridor_section,
    fan_years,
    npv_distribution,
    route_comparison,
    route_pairs,
)
from beringia.report.corridor_map import STATUS_COLOURS, corridor_map, land_raster, map_window
from beringia.report.figures import all_figures
from beringia.report.png import png_data_uri
from beringia.report.style import LAND_COLOUR, SEA_COLOUR, TUNNEL_COLOUR
from beringia.report.text import format_percent, spread
from beringia.scenario import load_scenario
from beringia.scenario.io import read_document

PAGE_LIMIT = 6_000_000  # tests/test_report.py::test_report_is_small


def _decode_png(uri: str) -> tuple[np.ndarray, list[bytes]]:
    """Decode an indexed PNG data URI with Pillow: palette indices and the palette's colours."""
    head, data = uri.split(",", 1)
    assert head == "data:image/png;base64"
    with Image.open(io.BytesIO(base64.b64decode(data))) as image:
        assert image.format == "PNG" and image.mode == "P"
        pixels = np.asarray(image)
        palette = image.getpalette()
    assert palette is not None
    return pixels, [bytes(palette[i : i + 3]) for i in range(0, len(palette), 3)]


# --------------------------------------------------------------------------- page


def test_section_in_page(page: str) -> None:
    between = ("Operations", "Inputs and their sources")
    part = placed_section(page, "corridor", "Corridor and economics", between)
    for key in CORRIDOR_FIGURES:
        assert page.count(f'id="fig-{key}"') == 1
        assert f'id="fig-{key}"' in part


def test_page_size(page: str) -> None:
    assert len(page.encode()) < PAGE_LIMIT
    assert len(html_section(page, "corridor").encode()) < 200_000


def test_route_table_matches_quantiles(page: str, assessment: Assessment) -> None:
    c = assessment.corridor
    assert c is not None
    rows = html_rows(html_table(html_section(page, "corridor"), "corr-routes"))
    assert rows[0][:3] == ["Pair", "Mode", "km"]
    body = rows[1:]
    pairs = route_pairs(c)
    assert len(body) == len(c.routes) == 2 * len(pairs)  # rail and sea per pair, no NSR
    by_key = {(r[0], r[1]): r for r in body}
    for route in c.routes:
        d = route.to_dict()
        label = "rail via the tunnel" if route.mode == "rail" else "sea"
        row = by_key[(f"{route.origin} → {route.destination}", label)]
        t, k = d["transit_days"], d["cost_usd_per_feu"]
        assert row[2] == f"{route.distance_km:,.0f}"
        assert row[3] == f"{t['p50']:,.1f} ({t['p10']:,.1f} to {t['p90']:,.1f})"
        assert row[4] == f"{k['p50']:,.0f} ({k['p10']:,.0f} to {k['p90']:,.0f})"
        if route.mode == "rail":
            assert row[5] == format_percent(d["rail_share"]["p50"])
        else:
            assert row[5] == "—"
    # pairs in route order, rail before sea
    assert [r[0] for r in body[::2]] == [f"{o} → {d}" for o, d in pairs]
    assert all(r[1] == "rail via the tunnel" for r in body[::2])


def test_economics_table(page: str, assessment: Assessment) -> None:
    c = assessment.corridor
    assert c is not None
    rows = {r[0]: r[1:] for r in html_rows(html_table(html_section(page, "corridor"), "corr-econ"))}
    e = c.economics_dict()
    for col, name in enumerate(("tunnel", "corridor")):
        q = e[name]["npv_usd_bn"]
        n = assessment.n_draws
        label = "Financial NPV, residual value excluded (USD bn)"
        assert rows[label][col] == spread(q, ",.1f")
        assert "-" not in rows[label][col]  # a real minus sign, ranges with "to"
        q = e[name]["npv_with_residual_usd_bn"]
        label = "Financial NPV with residual value (USD bn)"
        assert rows[label][col] == spread(q, ",.1f")
        p = e[name]["p_npv_positive"]
        assert rows["Share of draws with financial NPV > 0"][col] == format_percent(p, n)
        pay = e[name]["payback"]
        text = rows["Payback, residual value excluded (years after notice to proceed)"][col]
        assert text.startswith(
            f"{format_percent(pay['p_within_horizon'], n)} of draws pay back within the horizon"
        )
        p = e[name]["economic"]["p_npv_positive"]
        assert rows["Share of draws with economic NPV > 0"][col] == format_percent(p, n)
        assert "Benefit-cost ratio" not in rows  # the financial ratio is named for what it is
        assert "Revenue-cost ratio (financial)" in rows
        cap = e[name]["capex_usd_bn"]
        assert rows["Capex (USD bn)"][col].startswith(f"{cap['p50']:,.1f} (")
        be = rows["Break-even (TEU a year, both directions)"][col]
        share = e[name]["p_breakeven_within_capacity"]
        assert f"in {format_percent(share, assessment.n_draws)} of draws" in be
        assert be.startswith(spread(e[name]["breakeven_teu_per_year"], ",.0f") + ";")
        payback = rows["Payback, residual value excluded (years after notice to proceed)"][col]
        if e[name]["payback"]["year_if_paid_back"] is not None:  # the year, a whole number
            assert re.search(r"; in those, in year [0-9]+ \([0-9]+ to [0-9]+\)$", payback)


def test_key_figures_and_text(page: str, assessment: Assessment) -> None:
    c = assessment.corridor
    assert c is not None
    part = html_section(page, "corridor")
    key = {r[0]: r[2:] for r in html_rows(html_table(part, "corr-key"))}
    q = c.corridor_dict()
    capex = q["capex_usd_bn"]
    assert key["Corridor capex (tunnel excluded)"] == [
        f"{capex[k]:,.1f}" for k in ("p10", "p50", "p90")
    ]
    opening = q["opening_year"]
    assert key["Opening (tunnel and corridor both finished)"][1] == f"{opening['p50']:,.0f}"
    for d in ("eastbound", "westbound"):
        carried = q["carried_teu_per_year"][d]
        label = f"Carried loaded, {d} = min(demand, capacity)"
        assert key[label][1] == f"{carried['p50']:,.0f}"
        demand = q["demand_teu_per_year"][d]
        assert key[f"Demand for the corridor, {d}"][1] == f"{demand['p50']:,.0f}"
    cap = f"{c.capacity_teu_per_year:,.0f}"
    assert key["Capacity of the tunnel, each way"] == [cap, cap, cap]
    country = {r[0]: r[1] for r in html_rows(html_table(part, "corr-country"))[1:]}
    assert country == {k: f"{v:,.0f}" for k, v in q["new_build_km_by_country"].items()}
    terrain = html_rows(html_table(part, "corr-terrain"))[1:]
    assert sum(float(r[1].replace(",", "")) for r in terrain) == pytest.approx(
        q["new_build_km"], abs=len(terrain)
    )
    assert f"{c.capacity_teu_per_year:,.0f} TEU a year per direction" in part
    b = q["benchmark"]
    text = htmlmod.unescape(re.sub(r"<[^>]+>", "", re.sub(r"\s+", " ", part)))
    days = b["modelled_days"]
    assert (
        f"{b['origin']} → {b['destination']} ({b['distance_km']:,.0f} km) takes "
        f"{days['p50']:,.1f} ({days['p10']:,.1f} to {days['p90']:,.1f}) days"
    ) in text
    assert "against 13 to 15 days quoted" in text and "the median is within" in text
    items = re.findall(r"<li>(.*?)</li>", part.split('class="corr-assumptions', 1)[1], re.S)
    assert [htmlmod.unescape(i) for i in items] == c.assumptions


def test_without_corridor(assessment: Assessment) -> None:
    bare = dataclasses.replace(assessment, corridor=None)
    assert not set(CORRIDOR_FIGURES) & set(all_figures(bare))
    assert corridor_section(bare) is None
    page = render_report(bare)
    assert_left_out(page, "corridor", "Corridor and economics", CORRIDOR_FIGURES)
    assert "Corridor and economics" not in page
    assert_placeholders(CORRIDOR_FIGURES.values(), bare, "no corridor")


def test_doc_without_corridor_sections() -> None:
    doc = read_document("bering-strait")
    for key in ("corridor", "market", "economics"):
        doc.pop(key, None)
    a = beringia.assess(load_scenario(doc), draws=8, seed=2, operations_years=1)
    assert a.corridor is None
    page = render_report(a)
    assert '<section id="corridor">' not in page and "<h2>Operations</h2>" in page


# --------------------------------------------------------------------------- figures


def test_figure_keys(assessment: Assessment) -> None:
    assert list(all_figures(assessment))[-len(CORRIDOR_FIGURES) :] == list(CORRIDOR_FIGURES)


def test_map(assessment: Assessment) -> None:
    c = assessment.corridor
    assert c is not None
    fig = corridor_map(assessment)
    assert len(fig.to_json().encode()) < 200_000
    west, east, south, north = map_window(c.network)
    lines = [t for t in fig.data if t.mode == "lines"]
    by_colour = {t.line.color: t for t in lines}
    counts: dict[str, int] = {}
    for s in c.network.segments:
        key = "tunnel" if s.terrain == "subsea" else s.status
        counts[key] = counts.get(key, 0) + 1
    for status, colour in STATUS_COLOURS.items():
        if status not in counts:
            assert colour not in by_colour
            continue
        trace = by_colour[colour]
        assert trace.name.startswith({"existing": "existing", "new": "new build"}.get(status, ""))
        # one [start, end, None] triple per segment
        assert len(trace.x) == 3 * counts[status]
        assert list(trace.x[2::3]) == [None] * counts[status]
    tunnel = by_colour[TUNNEL_COLOUR]
    assert tunnel.line.width > max(t.line.width for t in lines if t is not tunnel)
    assert counts["tunnel"] == 1 and "strait tunnel" in tunnel.name
    # every vertex on the continuous axis, inside the window
    xs = [x for t in lines for x in t.x if x is not None]
    assert west <= min(xs) and max(xs) <= east
    nodes = next(t for t in fig.data if t.mode == "markers+text")
    names = [n.name for n in c.network.nodes]
    assert len(nodes.x) == len(names)
    x = dict(zip(names, nodes.x, strict=True))
    assert x["Moscow"] == pytest.approx(37.6173) and x["Seattle"] == pytest.approx(237.6679)
    for place in ("St Petersburg", "Shanghai", "Chicago", "New York", "Wales"):
        assert place in nodes.text
    assert tuple(fig.layout.xaxis.range) == (west, east)
    # the land: one small PNG stretched over the raster's extent
    (image,) = fig.layout.images
    z, (left, right, bottom, top) = land_raster(world_land(), (west, east, south, north))
    pixels, palette = _decode_png(image.source)
    assert np.array_equal(pixels, z)
    assert palette == [bytes.fromhex(c[1:]) for c in (SEA_COLOUR, LAND_COLOUR)]
    assert (image.x, image.y) == (left, top)
    assert image.sizex == pytest.approx(right - left) and image.sizey == pytest.approx(top - bottom)
    assert len(image.source) < 20_000


def test_map_window_known() -> None:
    def node(name: str, lat: float, lon: float) -> Node:
        return Node(name=name, kind="city", country="XX", lat=lat, lon=lon)

    # Two places either side of the antimeridian: a narrow window across it.
    net = Network(nodes=(node("a", 60.0, 170.0), node("b", 65.0, -170.0)), segments=())
    west, east, south, north = map_window(net)
    assert (west, east) == pytest.approx((162.0, 198.0))
    assert (south, north) == pytest.approx((54.0, 73.0))
    # Europe to North America the long way round: the gap is the Atlantic.
    net = Network(
        nodes=(
            node("warsaw", 52.2, 21.0),
            node("moscow", 55.8, 37.6),
            node("tynda", 55.2, 124.7),
            node("uelen", 66.2, -169.8),
            node("seattle", 47.6, -122.3),
            node("new york", 40.7, -74.0),
        ),
        segments=(),
    )
    west, east, south, north = map_window(net)
    assert west == pytest.approx(13.0) and east == pytest.approx(286.0 + 8.0)
    assert south == pytest.approx(34.7) and north == pytest.approx(74.2)
    assert float(wrap_lon(-74.0, west)) == pytest.approx(286.0)
    # latitudes clipped to the shipped land band
    net = Network(nodes=(node("x", 21.0, 0.0), node("y", 78.0, 10.0)), segments=())
    _, _, south, north = map_window(net)
    assert (south, north) == (world_land().south, world_land().north)


def test_land_raster_is_coarse_majority() -> None:
    land = world_land()
    z, (left, right, bottom, top) = land_raster(land, (13.0, 294.0, 25.2, 74.2), step_deg=0.5)
    assert z.dtype == np.uint8 and set(np.unique(z)) <= {0, 1}
    assert z.shape == (98, 562)
    assert (right - left) / z.shape[1] == pytest.approx(0.5)
    assert (top - bottom) / z.shape[0] == pytest.approx(0.5)
    # Cell centres agree with the fine mask for most cells (majority vote, coasts differ)
    lat = top - 0.5 * (np.arange(z.shape[0]) + 0.5)
    lon = left + 0.5 * (np.arange(z.shape[1]) + 0.5)
    fine = land.is_land(lat[:, None], lon[None, :])
    assert np.mean(fine == z.astype(bool)) > 0.95
    # Known places: Siberia land, the middle of the Pacific sea
    assert z[int((top - 62.0) / 0.5), int((100.0 - left) / 0.5)] == 1
    assert z[int((top - 40.0) / 0.5), int((200.0 - left) / 0.5)] == 0


@settings(max_examples=40, deadline=None)
@given(
    z=hnp.arrays(
        np.uint8, hnp.array_shapes(min_dims=2, max_dims=2, max_side=30), elements=st.integers(0, 2)
    )
)
def test_png_round_trip(z: np.ndarray) -> None:
    palette = ("#000000", "#ff8000", "#ffffff")
    pixels, plte = _decode_png(png_data_uri(z, palette))
    assert np.array_equal(pixels, z)
    used = plte[: int(z.max()) + 1]  # Pillow may write the palette shorter than given
    assert used == [b"\x00\x00\x00", b"\xff\x80\x00", b"\xff\xff\xff"][: len(used)]


# Written by the hand-made encoder this project used before Pillow (8-bit indexed, filter 0).
OLD_PNG = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAcAAAAFCAMAAAC+RAbqAAAACVBMVEXW6PXp4siyGCu61qmi"
    "AAAAFklEQVR42mNgYGQCISjFyMCEKgATBwACyQAjshWKngAAAABJRU5ErkJggg=="
)


def test_png_decodes_like_the_old_encoder() -> None:
    z = (np.arange(35).reshape(5, 7) * 7 % 3).astype(np.uint8)
    palette = ("#d6e8f5", "#e9e2c8", "#b2182b")
    old_pixels, old_palette = _decode_png(OLD_PNG)
    new_pixels, new_palette = _decode_png(png_data_uri(z, palette))
    assert np.array_equal(old_pixels, z) and np.array_equal(new_pixels, old_pixels)
    assert new_palette[:3] == old_palette[:3] == [bytes.fromhex(c[1:]) for c in palette]


def test_png_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="no colour"):
        png_data_uri(np.array([[0, 2]], dtype=np.uint8), ("#000000", "#ffffff"))
    with pytest.raises(ValueError, match="2-D"):
        png_data_uri(np.zeros(3, dtype=np.uint8), ("#000000",))
    with pytest.raises(ValueError, match="rrggbb"):
        png_data_uri(np.zeros((1, 1), dtype=np.uint8), ("black",))
    with pytest.raises(ValueError, match="rrggbb"):
        png_data_uri(np.zeros((1, 1), dtype=np.uint8), ("#12345g",))
    with pytest.raises(ValueError, match="1 to 256"):
        png_data_uri(np.zeros((1, 1), dtype=np.uint8), ())


def test_png_two_colours_one_bit() -> None:
    # Two colours need one bit a pixel: the map's land adds a few kB to the page.
    z = (np.arange(64 * 40).reshape(40, 64) % 3 == 0).astype(np.uint8)
    png = base64.b64decode(png_data_uri(z, ("#000000", "#ffffff")).split(",", 1)[1])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert png[24:26] == bytes([1, 3])  # IHDR: bit depth 1, colour type 3 (indexed)


def test_pillow_only_when_an_image_is_drawn() -> None:
    code = (
        "import sys, beringia, beringia.cli, beringia.report.figures; "
        "print('PIL.Image' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_route_comparison(assessment: Assessment) -> None:
    c = assessment.corridor
    assert c is not None
    fig = route_comparison(assessment)
    pairs = route_pairs(c)
    assert len(pairs) == 32
    assert len(fig.data) == 4  # rail and sea, days and cost
    assert list(fig.layout.yaxis.ticktext) == [f"{o} → {d}" for o, d in pairs]
    for trace in fig.data:
        mode = "rail" if trace.name.startswith("rail") else "sea"
        rows = [r for r in c.routes if r.mode == mode]
        assert len(trace.x) == len(pairs) == len(rows)  # one point per pair and mode
        days = trace.xaxis in (None, "x")
        for k, r in enumerate(rows):
            q = r.to_dict()["transit_days" if days else "cost_usd_per_feu"]
            assert trace.x[k] == pytest.approx(q["p50"])
            assert trace.error_x.array[k] == pytest.approx(q["p90"] - q["p50"])
            assert trace.error_x.arrayminus[k] == pytest.approx(q["p50"] - q["p10"])
            assert round(trace.y[k]) == pairs.index((r.origin, r.destination))
        if mode == "rail":
            share = c.routes[0].to_dict()["rail_share"]["p50"]
            assert f"rail share P50 {100 * share:.1f} %" in trace.text[0]
    rail, sea = fig.data[0], fig.data[2]  # modes outer, panels (days, cost) inner
    assert rail.xaxis == sea.xaxis == "x"
    assert rail.marker.color != sea.marker.color
    assert all(yr < ys for yr, ys in zip(rail.y, sea.y, strict=True))


def test_npv_distribution(assessment: Assessment) -> None:
    c = assessment.corridor
    assert c is not None
    fig = npv_distribution(assessment)
    assert len(fig.data) == 4  # financial and economic, per project
    for trace, p in zip(fig.data[::2], (c.tunnel, c.corridor), strict=True):
        assert len(trace.x) <= MAX_ECDF_POINTS
        assert trace.line.color == PROJECT_COLOURS[p.name]
        share = format_percent(p.p_npv_positive, assessment.n_draws)
        assert f"NPV &gt; 0 in {share} of draws" in trace.name
        assert float(trace.y[-1]) == pytest.approx(100.0)
        assert float(trace.x[0]) == pytest.approx(float(p.npv_usd_bn.min()), rel=1e-6)
        assert float(trace.x[-1]) == pytest.approx(float(p.npv_usd_bn.max()), rel=1e-6)
        assert np.all(np.diff(np.asarray(trace.x)) >= 0)
    assert [s.x0 for s in fig.layout.shapes] == [0.0]


def test_cash_fan_bands_ordered(assessment: Assessment) -> None:
    c = assessment.corridor
    assert c is not None
    fig = cash_fan(assessment)
    assert len(fig.data) == 7  # three bands a project, and the opening's legend entry
    assert fig.data[6].name.startswith("opening P50: year ") and not fig.layout.annotations
    for k, p in enumerate((c.tunnel, c.corridor)):
        hi, lo, mid = fig.data[3 * k : 3 * k + 3]
        assert lo.fill == "tonexty" and hi.fill in (None, "none")
        assert mid.name.endswith("P50") and lo.name.endswith("P10–P90")
        n = fan_years(p)
        assert 0 < n <= p.cash_years.size
        for trace, key in ((lo, "p10"), (mid, "p50"), (hi, "p90")):
            assert np.asarray(trace.y) == pytest.approx(p.cash_fan_usd_bn[key][:n], abs=1e-5)
        y10, y50, y90 = (np.asarray(t.y, dtype=float) for t in (lo, mid, hi))
        assert np.all(y10 <= y50) and np.all(y50 <= y90)
        # cut after the last year with cash: everything later is zero
        rest = np.concatenate([p.cash_fan_usd_bn[k][n:] for k in ("p10", "p90")])
        assert np.all(rest == 0.0)
        assert y10[0] < 0  # capex first
    (vline,) = [s for s in fig.layout.shapes if s.x0 == s.x1]
    assert vline.x0 == pytest.approx(float(np.median(c.opening_year)))


def test_breakeven(assessment: Assessment) -> None:
    c = assessment.corridor
    assert c is not None
    fig = breakeven(assessment)
    for trace, p in zip(fig.data[:2], (c.tunnel, c.corridor), strict=True):
        be = p.breakeven_teu_per_year
        share = float(np.mean(np.isfinite(be)))
        assert f"pays within capacity in {format_percent(share)} of draws" in trace.name
        assert f"never in {format_percent(1 - share)})" in trace.name
        if share == 0.0:
            assert np.isnan(trace.y[0])
            continue
        assert float(trace.y[-1]) == pytest.approx(100 * share, rel=1e-6)
        assert float(trace.x[-1]) <= 2 * c.capacity_teu_per_year * (1 + 1e-6)
        assert len(trace.x) <= MAX_ECDF_POINTS
    vlines = [s.x0 for s in fig.layout.shapes if s.x0 == s.x1]
    carried = c.carried_teu_per_year["eastbound"] + c.carried_teu_per_year["westbound"]
    assert np.array_equal(carried_total(c), carried)
    assert vlines == pytest.approx([float(np.median(carried)), 2 * c.capacity_teu_per_year])


def test_spread() -> None:
    assert spread({"p10": 1.0, "p50": 2.5, "p90": 1234.5}, ",.1f") == "2.5 (1.0 to 1,234.5)"
    assert spread({"p10": 0.01, "p50": None, "p90": None}, ".1f", 100.0) == "∞ (1.0 to ∞)"


@pytest.mark.parametrize("p", [0.0, 1e-5, 0.0004, 0.0095, 0.5, 0.9994, 0.9996, 1.0])
def test_percent_matches_report_filter(p: float) -> None:
    from beringia.report.page import environment

    assert environment().filters["pct"](p) == format_percent(p)
