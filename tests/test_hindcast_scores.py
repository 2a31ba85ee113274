"""Hindcast scores and the computed "what the model gets wrong" sentences: known answers."""

from __future__ import annotations

import math

import pytest
from hindcast_cases import make_case, q3
from hypothesis import given
from hypothesis import strategies as st

from beringia.pipeline.hindcast import HindcastCase, HindcastReport
from beringia.pipeline.hindcast_scores import (
    STRUCTURAL_LIMITS,
    coverage_interval,
    findings,
    metric_scores,
    not_blind_sentence,
    percentile_text,
)


def _report(cases: list[HindcastCase]) -> HindcastReport:
    return HindcastReport(cases=cases, draws=1000, seed=1)


def _cost_case(name: str, actual: float, p50: float, estimate: float | None = None) -> HindcastCase:
    """A case whose cost band is P50 / 1.5 to P50 * 1.5 and whose duration is exact."""
    return make_case(
        name,
        f"Hindcast: {name} tunnel (X - Y), as known in 2000",
        (actual, p50 / 1.5, p50, p50 * 1.5),
        (10.0, 8.0, 10.0, 12.0),
        estimate_at_decision_usd_bn=estimate,
    )


# --------------------------------------------------------------------------- coverage interval


def test_coverage_interval_known_answers() -> None:
    lo, hi = coverage_interval(5, 5)
    assert (lo, hi) == (pytest.approx(0.05 ** (1 / 5)), 1.0)  # 0.549: P(5 of 5 | p) = p^5
    lo, hi = coverage_interval(0, 5)
    assert (lo, hi) == (0.0, pytest.approx(1 - 0.05 ** (1 / 5)))
    lo, hi = coverage_interval(1, 2)  # P(X >= 1 | lo) = 0.05 and P(X <= 1 | hi) = 0.05
    assert 1 - (1 - lo) ** 2 == pytest.approx(0.05)
    assert 1 - hi**2 == pytest.approx(0.05)
    with pytest.raises(ValueError):
        coverage_interval(3, 2)
    with pytest.raises(ValueError):
        coverage_interval(0, 0)


@given(st.integers(1, 60), st.data())
def test_coverage_interval_properties(n: int, data: st.DataObject) -> None:
    k = data.draw(st.integers(0, n))
    lo, hi = coverage_interval(k, n)
    assert 0 <= lo <= k / n <= hi <= 1
    mirror = coverage_interval(n - k, n)
    assert lo == pytest.approx(1 - mirror[1], abs=1e-9)
    assert hi == pytest.approx(1 - mirror[0], abs=1e-9)
    wide = coverage_interval(k, n, level=0.99)
    assert wide[0] <= lo + 1e-12 and wide[1] >= hi - 1e-12


# --------------------------------------------------------------------------- percentiles


def test_percentile_text_bounds_not_zero() -> None:
    assert percentile_text(63.4, 2000) == "63"
    assert percentile_text(0.4, 2000) == "0.4"
    assert percentile_text(99.6, 2000) == "99.6"
    assert percentile_text(0.0, 2000) == "< 0.05"
    assert percentile_text(100.0, 2000) == "> 99.95"
    assert percentile_text(0.0, 300) == "< 0.34"  # 1/300 = 0.333..., rounded outwards
    assert percentile_text(100.0, 300) == "> 99.66"
    assert percentile_text(0.0, 4000) == "< 0.025"


def test_case_percentiles_are_the_share_of_draws_below() -> None:
    import beringia

    rep = beringia.hindcast(["guadarrama"], draws=300, seed=3, anchored=True)
    (c,) = rep.cases
    a = beringia.assess("guadarrama", draws=300, seed=3)
    below = float((a.cost_usd_bn < c.actual_cost_usd_bn).mean())
    equal = float((a.cost_usd_bn == c.actual_cost_usd_bn).mean())
    assert c.cost_percentile_of_actual == pytest.approx(100 * (below + equal / 2))
    below = float((a.duration_years < c.actual_duration_years).mean())
    assert c.duration_percentile_of_actual == pytest.approx(100 * below)
    assert c.cost_inside == (c.cost_usd_bn["p10"] <= c.actual_cost_usd_bn <= c.cost_usd_bn["p90"])
    # the official forecasts are read and converted like the actual
    assert c.programme_years == pytest.approx(4.08)
    assert c.estimate_at_decision_usd_bn is not None
    ratio = c.actual_cost_usd_bn / c.estimate_at_decision_usd_bn
    assert 1.2 < ratio < 1.6  # EUR 1.6bn of 2007 against EUR 1.08bn of 2000, deflated
    assert c.not_blind and "not blind" not in c.not_blind.lower()


# --------------------------------------------------------------------------- findings


def test_findings_follow_the_outcomes() -> None:
    # a (actual 10, band 6.7-15): inside; b (actual 40, band 6.7-15): above P90;
    # c (actual 3, band 6.7-15): below P10. Estimates 9, 30, 4: our P50 of 10 is exact for a,
    # the estimate closer for b and c.
    rep = _report(
        [
            _cost_case("Aa", 10.0, 10.0, estimate=9.0),
            _cost_case("Bb", 40.0, 10.0, estimate=30.0),
            _cost_case("Cc", 3.0, 10.0, estimate=4.0),
        ]
    )
    text = findings(rep)
    cost = [t for t in text if t.startswith("Cost")]
    assert cost[0].startswith(
        "Cost: the actual fell inside the predicted P10 to P90 in 1 of 3 cases (33 %)."
    )
    lo, hi = coverage_interval(1, 3)
    assert f"runs from {100 * lo:.0f} % to {100 * hi:.0f} %" in cost[0]
    assert "Above the predicted P90 (under-predicted): Bb tunnel; below the P10" in cost[0]
    assert "(over-predicted): Cc tunnel." in cost[0]
    # bias: ln(10/10), ln(10/40), ln(10/3) -> median 0; spread median of 0, 1.386, 1.204
    assert "median of ln(P50 / actual) is +0.000" in cost[1]
    assert f"median |ln(P50 / actual)| is {math.log(10 / 3):.3f}" in cost[1]
    assert "outside the goal of 0.25" in cost[1]
    assert "(3 of 3 cases have one)" in cost[2]
    assert "is larger than the official forecast's" in cost[2]
    assert f"the official forecast's {math.log(4 / 3):.3f}" in cost[2]
    assert (
        "the model in 1 (Aa tunnel), the official forecast in 2 (Bb tunnel and Cc tunnel)"
        in (cost[2])
    )
    # P50 / estimate = 10/9, 1/3, 2.5: no common multiple
    assert "The P50 is 0.33 to 2.50 times the estimate at decision across these cases." in cost[2]
    assert "But every P50" not in cost[2]

    # Change the outcomes: every actual at our P50, the estimates 20 % low -> all inside,
    # the model closer in every case, and every P50 the same multiple of its estimate.
    rep2 = _report([_cost_case(n, 10.0, 10.0, estimate=8.0) for n in ("Aa", "Bb", "Cc")])
    cost2 = [t for t in findings(rep2) if t.startswith("Cost")]
    assert "in 3 of 3 cases (100 %)" in cost2[0] and "No actual fell outside the band." in cost2[0]
    assert "consistent with the 80 % an honest band holds" in cost2[0]
    assert "is smaller than the official forecast's 0.223" in cost2[2]
    assert (
        "the model in 3 (Aa tunnel, Bb tunnel and Cc tunnel), the official forecast in none"
        in (cost2[2])
    )
    assert "But every P50 is 1.25 times the estimate at decision, whatever the tunnel" in cost2[2]
    assert cost != cost2


def test_findings_say_when_the_band_is_too_narrow_or_too_wide() -> None:
    narrow = metric_scores([_cost_case(f"n{i}", 100.0, 10.0) for i in range(5)], "cost")
    assert narrow.inside == 0 and narrow.above_p90 == tuple(f"n{i} tunnel" for i in range(5))
    text = findings(_report([_cost_case(f"n{i}", 100.0, 10.0) for i in range(5)]))
    assert "too narrow (the model is overconfident)" in text[0]
    names = "n0 tunnel, n1 tunnel, n2 tunnel, n3 tunnel and n4 tunnel"
    assert f"Above the predicted P90 (under-predicted): {names}" in text[0]
    many = [_cost_case(f"w{i}", 10.0, 10.0) for i in range(40)]
    assert "wider than it needs to be" in findings(_report(many))[0]


def test_duration_benchmark_is_the_programme() -> None:
    cases = [
        make_case("p", "p", (1.0, 0.5, 1.0, 2.0), (10.0, 8.0, 11.0, 14.0), programme_years=9.0),
        make_case("q", "q", (1.0, 0.5, 1.0, 2.0), (10.0, 8.0, 9.0, 14.0)),
    ]
    s = metric_scores(cases, "duration")
    assert s.benchmark is not None and s.benchmark.n == 1
    assert s.benchmark.official == "the project's own programme"
    assert s.benchmark.official_error == pytest.approx(math.log(10 / 9))
    assert s.benchmark.model_error == pytest.approx(math.log(11 / 10))
    assert s.benchmark.model_closer == ("p",) and not s.benchmark.anchored  # one case: no claim
    assert metric_scores(cases[1:], "duration").benchmark is None
    assert not any("against" in t for t in findings(_report(cases[1:])))


def test_not_blind_sentence_names_the_cases() -> None:
    blind = _cost_case("A", 1.0, 1.0)
    seen = make_case("B", "B", (1.0, 0.5, 1.0, 2.0), (1.0, 0.5, 1.0, 2.0), not_blind="read it")
    assert not_blind_sentence([blind, seen]).startswith(
        "Not blind: 1 of the 2 cases declare inputs that knew something of the outcome (B)"
    )
    assert not_blind_sentence([seen, seen]).startswith("Not blind: all 2 cases declare")
    assert not_blind_sentence([blind]).startswith("No case states an input")
    assert findings(_report([blind, seen]))[-1] == not_blind_sentence([blind, seen])


def test_structural_limits_name_no_case_and_no_number() -> None:
    import re

    from beringia.scenario.io import hindcast_names, load_scenario

    titles = [load_scenario(n).title for n in hindcast_names()]
    words = {w for t in titles for w in re.findall(r"[A-Z][a-z]{3,}", t)} - {"Hindcast", "Base"}
    for text in STRUCTURAL_LIMITS:
        assert not re.search(r"\d", text.replace("2025 USD", "")), text
        assert not any(w in text for w in words), text


def test_report_json_carries_scores_and_findings() -> None:
    rep = _report([_cost_case("Aa", 10.0, 10.0, estimate=8.0), _cost_case("Bb", 40.0, 10.0)])
    d = rep.to_dict()
    assert d["findings"] == findings(rep)
    assert d["structural_limits"] == list(STRUCTURAL_LIMITS)
    cost = d["scores"]["cost"]
    assert cost["inside_p10_p90"] == 1 and cost["above_p90"] == ["Bb tunnel"]
    assert cost["coverage_interval"]["low"] == pytest.approx(coverage_interval(1, 2)[0])
    assert cost["official"]["n"] == 1 and cost["official"]["model_closer"] == ["Aa tunnel"]
    assert d["scores"]["duration"]["official"] is None
    case = d["cases"][0]
    assert case["estimate_at_decision_usd_bn"] == 8.0 and case["programme_years"] is None
    assert case["cost_inside_p10_p90"] is True and d["cases"][1]["cost_inside_p10_p90"] is False


def test_inside_view_alone_is_scored_where_it_differs() -> None:
    # headline bands hold both actuals; the inside view (no project-wide factor) is narrow:
    # a's actual 10 lies above its P90 of 8, b's actual 10 inside 9-11.
    a = make_case(
        "a",
        "A",
        (10.0, 6.0, 9.0, 14.0),
        (5.0, 4.0, 5.0, 6.0),
        inside_cost_usd_bn=q3(6.0, 7.0, 8.0),
        inside_duration_years=q3(4.0, 5.0, 6.0),
    )
    b = make_case(
        "b",
        "B",
        (10.0, 6.0, 9.0, 14.0),
        (5.0, 4.0, 5.0, 6.0),
        inside_cost_usd_bn=q3(9.0, 10.0, 11.0),
        inside_duration_years=q3(4.0, 5.0, 6.0),
    )
    cost = metric_scores([a, b], "cost")
    assert cost.inside == 2 and cost.inside_view is not None
    assert (cost.inside_view.inside, cost.inside_view.above_p90) == (1, ("A",))
    text = findings(_report([a, b]))
    line = next(t for t in text if t.startswith("Cost, inside view alone"))
    assert (
        "inside its P10 to P90 in 1 of 2 cases; above its P90 in 1 (A), below its P10 in none"
        in (line)
    )
    # the duration's inside view is the headline itself: nothing said, null in the JSON
    assert not any(t.startswith("Duration, inside view") for t in text)
    d = _report([a, b]).to_dict()
    assert d["scores"]["duration"]["inside_view"] is None
    assert d["scores"]["cost"]["inside_view"]["above_p90"] == ["A"]
    assert d["cases"][0]["inside_view"]["cost_usd_bn"]["p90"] == 8.0
    # cases built without an inside view: nothing said
    assert metric_scores([_cost_case("x", 1.0, 1.0)], "cost").inside_view is None
