"""The hindcast page: measured scores, computed findings, the calibration chart, the cases."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
from conftest import assert_self_contained, html_section
from hindcast_cases import make_case, q3

from beringia.errors import ScenarioError
from beringia.pipeline.hindcast import HindcastReport
from beringia.pipeline.hindcast_scores import STRUCTURAL_LIMITS, coverage_interval, findings
from beringia.report.hindcast import (
    COVERAGE_GOAL,
    LOG_ERROR_GOAL,
    render_hindcast_report,
    write_hindcast_report,
)
from beringia.report.hindcast_figures import calibration_figure, hindcast_figure, short_title
from beringia.report.page import linkify


@pytest.fixture(scope="module")
def hindcasts() -> HindcastReport:
    # cost: inside, above, inside -> 2 of 3; |ln(P50/actual)| = 0.105, 1.204, 0 -> 0.105.
    # duration: below, inside, below -> 1 of 3; 0.336, 0, 0.405 -> 0.336.
    # outside view (two cases): inside, above -> 1 of 2; |ln| = 0, 1.050 -> 0.525.
    # estimate at decision: alpha 8 (|ln 0.8| = 0.223 > the model's 0.105: the model closer),
    # beta 25 (0.223 < 1.204: the estimate closer); programme: alpha only.
    return HindcastReport(
        cases=[
            make_case(
                "alpha",
                "Hindcast: Alpha <Base> Tunnel (A - B), as known in 1990",
                (10.0, 8.0, 9.0, 12.0),
                (5.0, 6.0, 7.0, 9.0),
                outside_view_cost_usd_bn=q3(7.0, 10.0, 15.0),
                cost_percentile_of_actual=71.0,
                duration_percentile_of_actual=0.0,
                estimate_at_decision_usd_bn=8.0,
                programme_years=5.5,
            ),
            make_case(
                "beta",
                "Hindcast: Beta & Co tunnel",
                (20.0, 5.0, 6.0, 8.0),
                (10.0, 8.0, 10.0, 12.0),
                outside_view_cost_usd_bn=q3(4.0, 7.0, 11.0),
                cost_percentile_of_actual=100.0,
                estimate_at_decision_usd_bn=25.0,
                not_blind="Its rates were read off <its> own record.",
                inside_cost_usd_bn=q3(5.5, 6.0, 6.5),
                inside_duration_years=q3(8.0, 10.0, 12.0),  # as the headline: no row
            ),
            make_case("gamma", "", (3.0, 2.0, 3.0, 4.0), (4.0, 5.0, 6.0, 7.0)),
        ],
        draws=500,
        seed=7,
        overrides=("construction.systemic.cost_factor=1",),
    )


NOTES = ["Cost spread too narrow; see https://example.org/notes.", "<b>not bold</b>"]


@pytest.fixture(scope="module")
def hindcast_page(hindcasts: HindcastReport) -> str:
    return render_hindcast_report(hindcasts, notes=NOTES)


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment)).strip()


def test_hindcast_scores(hindcast_page: str, hindcasts: HindcastReport) -> None:
    assert (COVERAGE_GOAL, LOG_ERROR_GOAL) == (0.80, 0.25)
    assert hindcasts.coverage() == pytest.approx({"cost": 2 / 3, "duration": 1 / 3})
    err = hindcasts.median_abs_log_error()
    assert err == pytest.approx({"cost": math.log(10 / 9), "duration": math.log(7 / 5)})
    rows = {
        key: re.search(rf'<tr id="score-{key}">(.*?)</tr>', hindcast_page, re.S)
        for key in ("coverage", "bias", "log-error", "official")
    }
    assert all(m is not None for m in rows.values())
    cells = {
        k: [_text(c) for c in re.findall(r'<td class="num big">(.*?)</td>', m.group(1), re.S)]
        for k, m in rows.items()
        if m is not None
    }
    lo2, hi2 = coverage_interval(2, 3)
    lo1, hi1 = coverage_interval(1, 3)
    assert cells["coverage"][0].startswith("2 of 3 67 %;")
    assert f"interval {100 * lo2:.0f} % to {100 * hi2:.0f} %" in cells["coverage"][0]
    assert cells["coverage"][1].startswith("1 of 3 33 %;")
    assert f"interval {100 * lo1:.0f} % to {100 * hi1:.0f} %" in cells["coverage"][1]
    # bias: cost ln(9/10), ln(6/20), 0 -> median -0.105; duration ln 7/5, 0, ln 6/4 -> +0.336
    assert cells["bias"][0].startswith(f"{math.log(0.9):+.3f}".replace("-", "\u2212"))
    assert cells["bias"][1].startswith(f"{math.log(1.4):+.3f}")
    assert (
        cells["log-error"][0].startswith("0.105")
        and f"factor {10 / 9:.2f}" in cells["log-error"][0]
    )
    assert cells["log-error"][1].startswith("0.336")
    # the estimate's error: median of |ln 0.8| and |ln 1.25| = 0.223; the model closer in one
    assert cells["official"][0].startswith(f"{math.log(1.25):.3f}")
    assert "2 cases; the model closer in 1" in cells["official"][0]
    assert cells["official"][1].startswith(f"{abs(math.log(5.5 / 5)):.3f}")
    assert "1 case;" in cells["official"][1]
    # no verdict badges: the page measures, it does not award passes
    scores = html_section(hindcast_page, "scores")
    assert 'class="badge' not in scores and "pass" not in _text(scores)
    outside = re.search(r'<p id="score-outside">(.*?)</p>', hindcast_page, re.S)
    assert outside is not None
    text = outside.group(1)
    assert "over 2 cases" in text and "<b>1 of 2</b>" in text
    assert f"<b>{math.log(20 / 7) / 2:.3f}</b>" in text


def test_hindcast_not_blind_beside_the_claim(hindcast_page: str) -> None:
    header = hindcast_page[hindcast_page.index("<header>") : hindcast_page.index("</header>")]
    claim = header.index("never reads")
    statement = header.index('id="not-blind"')
    assert 0 < statement - claim < 400  # right after the claim, not at the bottom
    assert "1 of the 3 cases declare" in _text(header) and "(Beta &amp; Co tunnel)" in header


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
    assert num[0] == ["10.00", "8.00", "9.00", "12.00", "71", "8.00"]
    assert num[1] == ["5.00", "6.00", "7.00", "9.00", "&lt; 0.2", "5.50"]  # below all 500
    assert num[2] == ["10.00", "7.00", "10.00", "15.00", "&ndash;", "&ndash;"]
    inside = [re.findall(r'<span class="(yes|no)">', r[1]) for r in rows]
    assert inside == [["yes"], ["no"], ["yes"]]
    # cost, duration, cost in the inside view, cost in the outside view
    assert re.findall(r'<span class="(yes|no)">', beta) == ["no", "yes", "no", "no"]
    assert "&gt; 99.8" in beta  # above all 500 draws
    inside_rows = re.findall(r'<tr class="inside-view"><td>(.*?)</td>(.*?)</tr>', beta, re.S)
    assert [r[0] for r in inside_rows] == ["Cost, inside view (USD bn)"]
    assert re.findall(r'<td class="num">([^<]*)</td>', inside_rows[0][1]) == [
        "5.50",
        "6.00",
        "6.50",
    ]
    assert '<tr class="inside-view">' not in alpha
    assert "Cost, outside view" not in gamma
    assert 'class="notblind"' not in alpha and 'class="notblind"' not in gamma
    nb = beta.index('class="notblind"')
    assert nb < beta.index("<table>")  # beside the scores, above the table
    assert "Its rates were read off &lt;its&gt; own record." in beta
    for b, c in zip(blocks, hindcasts.cases, strict=True):
        assert f"<dd>{c.cost_scope}</dd>" in b and f"<dd>{c.start}</dd>" in b
        assert f'<a href="https://example.org/{c.name}?a=1&amp;b=2"' in b


def test_hindcast_findings_and_limits(hindcast_page: str, hindcasts: HindcastReport) -> None:
    part = html_section(hindcast_page, "wrong")
    assert "<h2>What the model gets wrong</h2>" in part
    items = re.findall(r"<li(?: class=\"note\")?>(.*?)</li>", part, re.S)
    expected = [*findings(hindcasts), *STRUCTURAL_LIMITS, *NOTES]
    assert items == [str(linkify(n)) for n in expected]
    assert "&lt;b&gt;not bold&lt;/b&gt;" in part
    bare = html_section(render_hindcast_report(hindcasts), "wrong")
    assert 'class="note"' not in bare
    text = _text(part)
    assert "2 of 3 cases" in text and "Above the predicted P90 (under-predicted): Beta" in text


def test_hindcast_page_self_contained(hindcast_page: str) -> None:
    assert_self_contained(
        hindcast_page, ["hindcast_calibration", "hindcast_cost", "hindcast_duration"]
    )
    h2 = re.findall(r"<h2>(.*?)</h2>", hindcast_page)
    assert h2 == [
        "Scores beside the goals",
        "What the model gets wrong",
        "Calibration",
        "Predicted and actual",
        "Cases",
    ]
    assert "<code>--set construction.systemic.cost_factor=1</code>" in hindcast_page


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


def test_calibration_figure(hindcasts: HindcastReport) -> None:
    fig = calibration_figure(hindcasts)
    by_name = {t.name: t for t in fig.data}
    cost, duration = by_name["actual cost"], by_name["actual duration"]
    assert list(cost.x) == [71.0, 100.0, 50.0]  # each case's percentile of its actual
    assert list(duration.x) == [0.0, 50.0, 50.0]
    assert all(abs(y - 1.0) < 0.5 for y in cost.y) and all(abs(y) < 0.5 for y in duration.y)
    assert duration.y[1] != duration.y[2]  # equal percentiles drawn apart, not on each other
    assert list(cost.text) == ["Alpha &lt;Base&gt; Tunnel", "Beta &amp; Co tunnel", "gamma"]
    for metric in ("cost", "duration"):
        even = next(t for t in fig.data if str(t.name).startswith(f"3 actual {metric}s spread"))
        assert list(even.x) == [25.0, 50.0, 75.0]  # 100 i / (n + 1)
    band = [s for s in fig.layout.shapes if s.type == "rect"]
    assert [(s.x0, s.x1) for s in band] == [(10, 90)]
    assert list(fig.layout.xaxis.range) == [-2, 102]
    assert list(cost.customdata) == list(cost.text)
    many = HindcastReport(
        cases=[
            make_case(
                f"c{i}",
                f"C{i}",
                (1.0, 0.5, 1.0, 2.0),
                (1.0, 0.5, 1.0, 2.0),
                cost_percentile_of_actual=float(9 * i),
            )
            for i in range(12)
        ],
        draws=100,
        seed=1,
    )
    named = next(t for t in calibration_figure(many).data if t.name == "actual cost")
    assert [t for t in named.text if t] == ["C0", "C1", "C11"]  # percentiles 0, 9 and 99
    empty = calibration_figure(HindcastReport(cases=[], draws=10, seed=1))
    assert not empty.data


def test_short_title(hindcasts: HindcastReport) -> None:
    assert [short_title(c) for c in hindcasts.cases] == [
        "Alpha <Base> Tunnel",
        "Beta & Co tunnel",
        "gamma",
    ]
    assert [c.label for c in hindcasts.cases] == [short_title(c) for c in hindcasts.cases]


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
