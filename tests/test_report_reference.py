"""The report's outside-view section, the reference scatter, claim sentences and flags, and
the hindcast page."""

from __future__ import annotations

import dataclasses
import html as htmlmod
import math
import re
from pathlib import Path

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

from beringia.errors import ScenarioError
from beringia.models.reference import parse_reference_row, reference_rows, reference_table
from beringia.models.reference.uplift import uplift
from beringia.pipeline.assessment import Assessment
from beringia.pipeline.hindcast import HindcastCase, HindcastReport
from beringia.report import render_report
from beringia.report.figures import all_figures
from beringia.report.hindcast import (
    COVERAGE_GOAL,
    LOG_ERROR_GOAL,
    render_hindcast_report,
    write_hindcast_report,
)
from beringia.report.hindcast_figures import hindcast_figure, short_title
from beringia.report.page import linkify
from beringia.report.reference_figures import (
    REFERENCE_FIGURES,
    SCENARIO_NAME,
    STATUS_STYLE,
    log_ticks,
    outside_view,
    reference_scatter,
)


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
    for (_, cells), k in zip(rows, ("p10", "p50", "p90", "mean"), strict=True):
        nums = re.findall(r'<td class="num">([^<]*)</td>', cells)
        out = ref.outside_view_cost_usd_bn[k]
        assert nums == [_f2(inside[k]), _f2(out), _f2(forecast[k])]
    u = ref.uplift
    assert f"<b>{htmlmod.escape(u.label)}</b>" in part
    assert f"<code>{u.reference_class}</code>" in part and f"<code>{u.source_key}</code>" in part
    assert ("badge unverified" in part) == u.unverified
    assert str(linkify(u.source)) in part
    # The estimate the uplift applies to, and the fitted ratio.
    assert f"(${_f2(ref.estimate_usd_bn)}bn)" in part
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
    assert f"(${_f2(est)}bn)" in part
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
    markers = [t for t in fig.data if t.mode == "markers+text"]
    assert len(markers) == 2
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
        assert f"inside {100 * share_in:.1f} %, outside {100 * share_out:.1f} %" in name


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


# --------------------------------------------------------------------------- hindcasts


def _q(p10: float, p50: float, p90: float) -> dict[str, float]:
    return {
        "mean": p50,
        "p5": p10 * 0.9,
        "p10": p10,
        "p50": p50,
        "p80": (p50 + p90) / 2,
        "p90": p90,
        "p95": p90 * 1.1,
    }


def _case(name: str, title: str, cost: tuple[float, ...], years: tuple[float, ...], **kw: object):
    fields: dict[str, object] = {
        "name": name,
        "title": title,
        "actual_cost_usd_bn": cost[0],
        "actual_duration_years": years[0],
        "cost_usd_bn": _q(*cost[1:]),
        "duration_years": _q(*years[1:]),
        "outside_view_cost_usd_bn": {},
        "cost_percentile_of_actual": 50.0,
        "duration_percentile_of_actual": 50.0,
        "cost_scope": f"{name} scope",
        "start": f"{name} start",
        "end": f"{name} end",
        "source": f"https://example.org/{name}?a=1&b=2",
    }
    fields.update(kw)
    return HindcastCase(**fields)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def hindcasts() -> HindcastReport:
    # cost: inside, above, inside -> 2 of 3; |ln(P50/actual)| = 0.105, 1.204, 0 -> 0.105.
    # duration: below, inside, below -> 1 of 3; 0.336, 0, 0.405 -> 0.336.
    # outside view (two cases): inside, above -> 1 of 2; |ln| = 0, 1.050 -> 0.525.
    return HindcastReport(
        cases=[
            _case(
                "alpha",
                "Hindcast: Alpha <Base> Tunnel (A - B), as known in 1990",
                (10.0, 8.0, 9.0, 12.0),
                (5.0, 6.0, 7.0, 9.0),
                outside_view_cost_usd_bn=_q(7.0, 10.0, 15.0),
                cost_percentile_of_actual=71.0,
                duration_percentile_of_actual=0.0,
            ),
            _case(
                "beta",
                "Hindcast: Beta & Co tunnel",
                (20.0, 5.0, 6.0, 8.0),
                (10.0, 8.0, 10.0, 12.0),
                outside_view_cost_usd_bn=_q(4.0, 7.0, 11.0),
                cost_percentile_of_actual=100.0,
            ),
            _case("gamma", "", (3.0, 2.0, 3.0, 4.0), (4.0, 5.0, 6.0, 7.0)),
        ],
        draws=500,
        seed=7,
    )


NOTES = ["Cost spread too narrow; see https://example.org/notes.", "<b>not bold</b>"]


@pytest.fixture(scope="module")
def hindcast_page(hindcasts: HindcastReport) -> str:
    return render_hindcast_report(hindcasts, notes=NOTES)


def test_hindcast_scores(hindcast_page: str, hindcasts: HindcastReport) -> None:
    assert (COVERAGE_GOAL, LOG_ERROR_GOAL) == (0.80, 0.25)
    assert hindcasts.coverage() == pytest.approx({"cost": 2 / 3, "duration": 1 / 3})
    err = hindcasts.median_abs_log_error()
    assert err == pytest.approx({"cost": math.log(10 / 9), "duration": math.log(7 / 5)})
    cov = re.search(r'<tr id="score-coverage">(.*?)</tr>', hindcast_page, re.S)
    log = re.search(r'<tr id="score-log-error">(.*?)</tr>', hindcast_page, re.S)
    assert cov is not None and log is not None
    cells = re.findall(r'<td class="num big">(.*?)</td>', cov.group(1), re.S)
    assert "67 %" in cells[0] and "2 of 3 cases" in cells[0] and "badge miss" in cells[0]
    assert "33 %" in cells[1] and "1 of 3 cases" in cells[1] and "badge miss" in cells[1]
    assert "&ge; 80 %" in cov.group(1)
    cells = re.findall(r'<td class="num big">(.*?)</td>', log.group(1), re.S)
    assert "0.105" in cells[0] and "badge pass" in cells[0]
    assert f"factor {10 / 9:.2f}" in cells[0]
    assert "0.336" in cells[1] and "badge miss" in cells[1]
    assert "&le; 0.25 (a factor 1.28)" in log.group(1)
    outside = re.search(r'<p id="score-outside">(.*?)</p>', hindcast_page, re.S)
    assert outside is not None
    text = outside.group(1)
    assert "over 2 cases" in text and "<b>50 %</b> (1 of 2)" in text
    assert f"<b>{math.log(20 / 7) / 2:.3f}</b>" in text
    assert text.count("badge miss") == 2


def test_hindcast_cases(hindcast_page: str, hindcasts: HindcastReport) -> None:
    blocks = hindcast_page.split('<div class="case" id="case-')[1:]
    assert [b.split('"', 1)[0] for b in blocks] == ["alpha", "beta", "gamma"]
    alpha, beta, gamma = blocks
    assert "<h3>Alpha &lt;Base&gt; Tunnel <code" in alpha
    assert "Hindcast: Beta &amp; Co tunnel" in beta
    assert "<h3>gamma <code" in gamma  # no title: the name
    rows = re.findall(r"<tr(?: class=\"outside\")?><td>(.*?)</td>(.*?)</tr>", alpha, re.S)
    assert [r[0] for r in rows] == [
        "Cost (USD bn)",
        "Duration (years)",
        "Cost, outside view (USD bn)",
    ]
    num = [re.findall(r'<td class="num[^"]*">([^<]*)</td>', r[1]) for r in rows]
    assert num[0] == ["10.00", "8.00", "9.00", "12.00", "71"]
    assert num[1] == ["5.00", "6.00", "7.00", "9.00", "0"]
    assert num[2] == ["10.00", "7.00", "10.00", "15.00", "&ndash;"]
    inside = [re.findall(r'<span class="(yes|no)">', r[1]) for r in rows]
    assert inside == [["yes"], ["no"], ["yes"]]
    assert re.findall(r'<span class="(yes|no)">', beta) == ["no", "yes", "no"]
    assert "Cost, outside view" not in gamma
    for b, c in zip(blocks, hindcasts.cases, strict=True):
        assert f"<dd>{c.cost_scope}</dd>" in b and f"<dd>{c.start}</dd>" in b
        assert f'<a href="https://example.org/{c.name}?a=1&amp;b=2"' in b


def test_hindcast_notes(hindcast_page: str, hindcasts: HindcastReport) -> None:
    part = html_section(hindcast_page, "wrong")
    assert "<h2>What the model gets wrong</h2>" in part
    assert re.findall(r"<li>(.*?)</li>", part) == [str(linkify(n)) for n in NOTES]
    assert "&lt;b&gt;not bold&lt;/b&gt;" in part
    bare = html_section(render_hindcast_report(hindcasts), "wrong")
    assert "<li>" not in bare and "No notes were given" in bare


def test_hindcast_page_self_contained(hindcast_page: str) -> None:
    assert_self_contained(hindcast_page, ["hindcast_cost", "hindcast_duration"])
    h2 = re.findall(r"<h2>(.*?)</h2>", hindcast_page)
    assert h2 == [
        "Scores against the goals",
        "Predicted and actual",
        "Cases",
        "What the model gets wrong",
    ]


def test_hindcast_figures(hindcasts: HindcastReport) -> None:
    cost = hindcast_figure(hindcasts, "cost")
    by_name = {t.name: t for t in cost.data}
    assert list(by_name["actual"].x) == [10.0, 20.0, 3.0]
    assert list(by_name["actual"].y) == [2.0, 1.0, 0.0]  # first case on top
    bars = by_name["model (inside view): P10–P90"]
    assert list(bars.x) == [8.0, 12.0, None, 5.0, 8.0, None, 2.0, 4.0, None]
    assert list(by_name["model (inside view): P50"].x) == [9.0, 6.0, 3.0]
    out = by_name["outside view: P10–P90"]
    assert list(out.x) == [7.0, 15.0, None, 4.0, 11.0, None]  # gamma has no outside view
    assert cost.layout.xaxis.type == "log"
    assert list(cost.layout.yaxis.ticktext) == [
        "Alpha &lt;Base&gt; Tunnel",
        "Beta &amp; Co tunnel",
        "gamma",
    ]
    duration = hindcast_figure(hindcasts, "duration")
    names = [t.name for t in duration.data]
    assert not any(n.startswith("outside") for n in names)
    assert duration.layout.xaxis.type != "log"
    assert list(next(t for t in duration.data if t.name == "actual").x) == [5.0, 10.0, 4.0]
    with pytest.raises(ScenarioError, match="metric"):
        hindcast_figure(hindcasts, "speed")  # type: ignore[arg-type]


def test_short_title(hindcasts: HindcastReport) -> None:
    assert [short_title(c) for c in hindcasts.cases] == [
        "Alpha <Base> Tunnel",
        "Beta & Co tunnel",
        "gamma",
    ]


def test_write_hindcast_report(tmp_path: Path, hindcasts: HindcastReport) -> None:
    target = tmp_path / "a" / "hindcast.html"
    assert write_hindcast_report(hindcasts, target, notes=NOTES) == target
    assert target.read_text(encoding="utf-8") == render_hindcast_report(hindcasts, notes=NOTES)
    assert [p.name for p in target.parent.iterdir()] == ["hindcast.html"]


def test_write_hindcast_report_unwritable(tmp_path: Path, hindcasts: HindcastReport) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"file\.txt' is not a directory"):
        write_hindcast_report(hindcasts, blocker / "sub" / "h.html")
    directory = tmp_path / "dir"
    directory.mkdir()
    with pytest.raises(ScenarioError, match="is a directory"):
        write_hindcast_report(hindcasts, directory)  # a directory is not a file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir", "file.txt"]
    assert list(directory.iterdir()) == []
    empty = HindcastReport(cases=[], draws=10, seed=1)
    with pytest.raises(ScenarioError, match="at least one case"):
        write_hindcast_report(empty, tmp_path / "empty.html")
    assert not (tmp_path / "empty.html").exists()


def test_both_pages_share_the_house_style(hindcast_page: str, claim_page: str) -> None:
    def house(page: str) -> list[str]:
        css = page[page.index("<style>") : page.index("</style>")]
        rules = css.split("\n")
        return rules[
            : rules.index(
                ".figure { margin: .6rem 0 1.2rem; break-inside: avoid; page-break-inside: avoid; }"
            )
        ]

    def footer(page: str) -> str:
        return page[page.index("<footer>") : page.index("</footer>")]

    assert house(hindcast_page) == house(claim_page)
    assert ":root {" in house(claim_page) and len(house(claim_page)) > 30
    assert footer(hindcast_page) == footer(claim_page)
    assert hindcast_page.count("<footer>") == claim_page.count("<footer>") == 1
