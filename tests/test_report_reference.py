"""The report's outside-view section, the reference scatter, claim sentences and flags (the
hindcast page: test_hindcast_page.py)."""

from __future__ import annotations

import dataclasses
import html as htmlmod
import math
import re

import numpy as np
import pytest
from conftest import (
    assert_left_out,
    assert_placeholders,
    assert_self_contained,
    html_section,
    placed_section,
)
from hypothesis import given
from hypothesis import strategies as st

from beringia.models.numfmt import money_bn
from beringia.models.reference import parse_reference_row, reference_rows, reference_table
from beringia.models.reference.uplift import uplift
from beringia.pipeline.assessment import Assessment
from beringia.report import render_report
from beringia.report.figures import all_figures
from beringia.report.page import linkify
from beringia.report.reference_figures import (
    KEY_NAME,
    REFERENCE_FIGURES,
    SCENARIO_NAME,
    STATUS_STYLE,
    log_ticks,
    outside_view,
    reference_key,
    reference_scatter,
)
from beringia.report.text import format_percent


def _f2(x: float) -> str:
    return f"{x:,.2f}"


def _phi(z: float) -> float:
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))


# --------------------------------------------------------------------------- main report


def test_outside_view_section_placed(claim_page: str, claim_assessment: Assessment) -> None:
    between = ("Time&ndash;cost scattergram", "Cost breakdown")
    part = placed_section(
        claim_page, "outside-view", "Inside view, outside view, forecast", between
    )
    assert 'id="fig-outside_view"' in part and 'id="fig-reference_scatter"' in part
    assert_self_contained(claim_page, list(all_figures(claim_assessment)))


def test_outside_view_table_matches_assessment(
    claim_page: str, claim_assessment: Assessment
) -> None:
    ref = claim_assessment.reference
    assert ref is not None
    part = html_section(claim_page, "outside-view")
    table = part[part.index("<table") : part.index("</table>")]
    rows = re.findall(r"<tr><td>(.*?)</td>(.*?)</tr>", table)
    assert [r[0] for r in rows] == ["P10", "P50 (median)", "P90", "Mean"]
    construction = claim_assessment.to_dict()["construction"]
    inside, forecast = construction["inside_view"]["cost_usd_bn"], construction["cost_usd_bn"]
    calibrated = construction["calibrated_forecast"]["cost_usd_bn"]
    for (_, cells), k in zip(rows, ("p10", "p50", "p90", "mean"), strict=True):
        nums = re.findall(r'<td class="num">([^<]*)</td>', cells)
        out = ref.outside_view_cost_usd_bn[k]
        assert nums == [_f2(inside[k]), _f2(out), _f2(forecast[k]), _f2(calibrated[k])]
    assert "It is not the headline" in part
    u = ref.uplift
    assert f"<b>{htmlmod.escape(u.label)}</b>" in part
    assert f"<code>{u.reference_class}</code>" in part and f"<code>{u.source_key}</code>" in part
    assert ("badge unverified" in part) == u.unverified
    assert str(linkify(u.source)) in part
    # The estimate the uplift applies to, and the fitted ratio.
    assert f"({money_bn(ref.estimate_usd_bn)})" in part
    assert "multiplied by the reference class's distribution of actual/estimate" in part
    # The estimate is the inside view's median (bottom-up and risks, no project-wide factor).
    assert math.isclose(ref.estimate_usd_bn, inside["p50"], rel_tol=1e-9)
    assert "the inside view's median" in part
    assert f"median &times;{math.exp(u.mu):.2f}" in part
    assert f"P90 &times;{math.exp(u.mu + 1.2815515655446004 * u.sigma):.2f}" in part
    # The unit cost of the scenario and its place among built tunnels.
    unit = ref.unit_cost_usd_m_per_bore_km
    assert f"<b>${unit['p50']:,.0f}m per bore-km</b>" in part
    assert f"at percentile <b>{ref.unit_cost_percentile_in_reference:.0f}</b>" in part
    assert f"({ref.bore_km:,.1f} bore-km)" in part


def test_outside_view_other_uplift(claim_assessment: Assessment) -> None:
    ref = claim_assessment.reference
    assert ref is not None
    fly = uplift("flyvbjerg-2003", "rail")
    assert not fly.unverified
    est = 0.8 * float(np.median(claim_assessment.cost_usd_bn))  # another estimate
    other = dataclasses.replace(
        ref, uplift=fly, estimate_usd_bn=est, outside_view_cost_usd_bn=fly.quantiles(est)
    )
    part = html_section(
        render_report(dataclasses.replace(claim_assessment, reference=other)), "outside-view"
    )
    assert "badge unverified" not in part
    assert f"({money_bn(est)})" in part
    assert "published escalation (actual / estimate - 1): mean 45 %, sd 38 %" in part
    assert _f2(fly.quantiles(est)["p90"]) in part


def test_outside_view_figure(claim_assessment: Assessment) -> None:
    ref = claim_assessment.reference
    assert ref is not None
    fig = outside_view(claim_assessment)
    inside, outside = fig.data[0], fig.data[1]
    assert inside.y[-1] == pytest.approx(100.0)
    assert inside.x[-1] == pytest.approx(claim_assessment.cost_usd_bn.max())
    # The outside curve is the log-normal of the uplift around the estimate: 50 % at
    # estimate x exp(mu), and its marked quantiles are those of the assessment.
    x, y = np.asarray(outside.x), np.asarray(outside.y)
    assert np.all(np.diff(x) > 0) and np.all(np.diff(y) >= 0)
    q = ref.outside_view_cost_usd_bn
    assert np.interp(q["p50"], x, y) == pytest.approx(50.0, abs=0.5)
    assert np.interp(q["p90"], x, y) == pytest.approx(90.0, abs=0.5)
    markers = [t for t in fig.data if t.mode == "markers"]
    assert len(markers) == 2
    # the values in the legend, no text over the curves (labels once overlapped at P10)
    assert not [t for t in fig.data if "text" in (t.mode or "")]
    assert [m.name.split(" view", 1)[0] for m in markers] == ["inside", "outside"]
    for m in markers:
        assert all(f"${x:,.1f}bn" in htmlmod.unescape(m.name) for x in m.x)
    assert list(markers[1].x) == pytest.approx([q["p10"], q["p50"], q["p90"]])
    assert list(markers[0].x) == pytest.approx(
        list(np.percentile(claim_assessment.cost_usd_bn, [10, 50, 90]))
    )
    # Each claim with a cost limit: its share within the limit under both views.
    u = ref.uplift
    legends = [t.name for t in fig.data if t.mode == "lines" and len(t.x) == 1]
    costed = [c for c in claim_assessment.claims if c.max_cost_usd_bn is not None]
    assert len(legends) == len(costed) >= 2
    for name, c in zip(legends, costed, strict=True):
        assert c.max_cost_usd_bn is not None
        share_in = float(np.mean(claim_assessment.cost_usd_bn <= c.max_cost_usd_bn))
        share_out = _phi((math.log(c.max_cost_usd_bn / ref.estimate_usd_bn) - u.mu) / u.sigma)
        inside = format_percent(share_in, claim_assessment.n_draws)
        assert f"inside {inside}, outside {format_percent(share_out)}" in htmlmod.unescape(name)


def test_reference_scatter_points(claim_assessment: Assessment) -> None:
    ref = claim_assessment.reference
    assert ref is not None
    fig = reference_scatter(claim_assessment)
    table = reference_table(reference_rows(), scopes={"tunnel"})
    have = np.isfinite(table.usd_m_per_route_km)
    labels = {v[0]: k for k, v in STATUS_STYLE.items()}
    points: dict[str, tuple[float, float, str]] = {}
    for t in fig.data:
        label = t.name.rsplit(" (", 1)[0]
        if label not in labels:
            continue
        assert t.name == f"{label} ({len(t.x)})"
        open_marker = t.marker.symbol.endswith("-open")
        assert open_marker == (labels[label] == "proposed")
        for name, x, y in zip(t.text, t.x, t.y, strict=True):
            points[htmlmod.unescape(name)] = (x, y, labels[label])
    assert len(points) == int(np.count_nonzero(have)) > 15
    for i, name in enumerate(table.names):
        if have[i]:
            x, y, status = points[name]
            assert (x, status) == (table.length_km[i], table.status[i])
            assert y == pytest.approx(table.cost_usd_bn[i] * 1000.0 / table.length_km[i])
        else:
            assert name not in points
    # A known row: the Channel Tunnel, 50.45 km, built, all in.
    assert points["Channel Tunnel"][:1] == (50.45,)
    assert points["Channel Tunnel"][2] == "built"
    assert "Guadarrama Tunnel" not in points  # civil works only: no all-in unit cost
    # The scenario at its route length: P50 with whiskers to P10 and P90.
    scen = next(t for t in fig.data if t.name == SCENARIO_NAME)
    km = ref.route_km
    p10, p50, p90 = np.percentile(claim_assessment.cost_usd_bn, [10, 50, 90]) * 1000.0 / km
    assert scen.x == (km,)
    assert scen.y[0] == pytest.approx(p50)
    assert scen.error_y.array[0] == pytest.approx(p90 - p50)
    assert scen.error_y.arrayminus[0] == pytest.approx(p50 - p10)
    # One marker per claim with a cost limit.
    claims = [t for t in fig.data if t.name.startswith("claim: ")]
    costed = [c for c in claim_assessment.claims if c.max_cost_usd_bn is not None]
    assert len(claims) == len(costed)
    for t, c in zip(claims, costed, strict=True):
        assert c.max_cost_usd_bn is not None
        assert t.x == (km,)
        assert t.y[0] == pytest.approx(c.max_cost_usd_bn * 1000.0 / km)
    assert fig.layout.yaxis.type == "log"
    ticks = list(fig.layout.yaxis.tickvals)
    assert ticks[0] <= min(points[n][1] for n in points)
    assert ticks[-1] >= max(points[n][1] for n in points)


def test_reference_scatter_points_are_numbered_in_a_key(
    claim_assessment: Assessment, claim_page: str
) -> None:
    # Names survive print: each point carries a number, and the key under the figure names it.
    fig = reference_scatter(claim_assessment)
    key = reference_key(claim_assessment)
    numbers = next(t for t in fig.data if t.name == KEY_NAME)
    assert numbers.mode == "text" and numbers.showlegend is False
    assert sorted(int(n) for n in numbers.text) == [k["number"] for k in key]
    assert [k["number"] for k in key] == list(range(1, len(key) + 1))
    lengths = [k["length_km"] for k in key]
    assert lengths == sorted(lengths)
    by_number = {int(n): (x, y) for n, x, y in zip(numbers.text, numbers.x, numbers.y, strict=True)}
    for k in key:
        assert by_number[k["number"]] == (k["length_km"], pytest.approx(k["usd_m_per_route_km"]))
    channel = next(k for k in key if k["name"] == "Channel Tunnel")
    part = html_section(claim_page, "outside-view")
    assert f'<li value="{channel["number"]}">Channel Tunnel' in part
    assert part.count("<li value=") == len(key)


def test_reference_scatter_includes_scenario_rows(claim_assessment: Assessment) -> None:
    row = parse_reference_row(
        {
            "name": "Test strait tunnel",
            "country": "XX",
            "status": "proposed",
            "use": "rail",
            "method": "TBM",
            "length_km": 40.0,
            "bores": 2,
            "running_bores": 2,
            "cost": {"amount": 8.0e9, "currency": "USD", "year": 2025, "scope": "tunnel"},
            "sources": ["test"],
        }
    )
    sc = claim_assessment.scenario
    sc2 = sc.model_copy(update={"reference": sc.reference.model_copy(update={"rows": [row]})})
    fig = reference_scatter(dataclasses.replace(claim_assessment, scenario=sc2))
    proposed = next(t for t in fig.data if t.name.startswith("proposed ("))
    i = list(proposed.text).index("Test strait tunnel")
    assert (proposed.x[i], proposed.y[i]) == pytest.approx((40.0, 200.0))
    base = next(
        t for t in reference_scatter(claim_assessment).data if t.name.startswith("proposed (")
    )
    assert len(proposed.x) == len(base.x) + 1


def test_flags_listed_with_the_claims(claim_page: str, claim_assessment: Assessment) -> None:
    ref = claim_assessment.reference
    assert ref is not None and ref.flags, "the claim scenario breaks records"
    claims = html_section(claim_page, "claims")
    box = claims[claims.index('<div class="flags"') : claims.index('<div class="claims">')]
    assert f"Beyond anything on record ({len(ref.flags)})" in box
    items = re.findall(r"<li>(.*?)</li>", box, re.S)
    assert items == [htmlmod.escape(f.message) for f in ref.flags]
    # Placed before any claim and before the key figures.
    assert claim_page.index('<div class="flags"') < claim_page.index('<div class="claim ')


def test_claim_sentences_and_unit_costs(claim_page: str, claim_assessment: Assessment) -> None:
    claims = html_section(claim_page, "claims")
    cards = claims.split('<div class="claim ')[1:]
    assert len(cards) == len(claim_assessment.claims)
    for card, c in zip(cards, claim_assessment.claims, strict=True):
        assert c.sentence
        assert f'<blockquote class="sentence">{htmlmod.escape(c.sentence)}</blockquote>' in card
        if c.implied_usd_m_per_bore_km is None:
            assert "Implied unit cost" not in card
            continue
        assert f"<b>${c.implied_usd_m_per_bore_km:,.0f}m per bore-km</b>" in card
        assert c.percentile_in_reference is not None
        assert f"at percentile <b>{c.percentile_in_reference:.0f}</b>" in card


def test_no_flags_no_box(claim_assessment: Assessment) -> None:
    ref = claim_assessment.reference
    assert ref is not None
    quiet = dataclasses.replace(claim_assessment, reference=dataclasses.replace(ref, flags=[]))
    assert '<div class="flags"' not in render_report(quiet)


def test_without_reference_view(claim_assessment: Assessment) -> None:
    bare = dataclasses.replace(claim_assessment, reference=None)
    assert not set(REFERENCE_FIGURES) & set(all_figures(bare))
    page = render_report(bare)
    assert_left_out(page, "outside-view", "Inside view, outside view, forecast", REFERENCE_FIGURES)
    assert '<div class="flags"' not in page
    assert_placeholders([outside_view], bare, "no outside view")  # when called directly
    # The scatter still shows the reference set, without the scenario.
    names = [t.name for t in reference_scatter(bare).data]
    assert SCENARIO_NAME not in names and any(n.startswith("built (") for n in names)


@given(
    lo=st.floats(min_value=1e-3, max_value=1e5),
    span=st.floats(min_value=1.0, max_value=1e4),
)
def test_log_ticks_cover(lo: float, span: float) -> None:
    hi = lo * span
    ticks = log_ticks(lo, hi)
    assert ticks[0] <= lo * (1 + 1e-9) and ticks[-1] >= hi * (1 - 1e-9)
    assert ticks == sorted(set(ticks))
    for t in ticks:
        mantissa = t / 10 ** math.floor(math.log10(t) + 1e-9)
        assert round(mantissa, 6) in (1.0, 2.0, 5.0)
    assert len(ticks) <= 3 * (math.log10(span) + 2) + 1


def test_log_ticks_known() -> None:
    assert log_ticks(8, 60) == [5, 10, 20, 50, 100]
    assert log_ticks(100, 100) == [100]
    assert log_ticks(0, 10) == []
