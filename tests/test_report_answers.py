"""The report's first screen: four questions answered with their ranges (report/answers.py)."""

from __future__ import annotations

import dataclasses
import html as htmlmod
import re

import numpy as np
import pytest
from conftest import REPORT_DRAWS

from beringia.models.numfmt import money_bn
from beringia.pipeline.assessment import Assessment
from beringia.report import render_report
from beringia.report.answers import WORD_JOINER, answers, chance_positive, teu


@pytest.mark.parametrize(
    ("x", "text"),
    [
        (9_707_547.9, "9.71 million"),
        (1_000_000.0, "1 million"),
        (43_184.17, "43,200"),
        (205.49, "205"),
        (4.933, "4.93"),
        (1.0, "1"),
        (0.0078, "under 1"),
        (0.0, "0"),
    ],
)
def test_teu(x: float, text: str) -> None:
    assert teu(x) == text


def test_chance_positive_is_a_bound_at_the_ends() -> None:
    assert chance_positive(0.0, 20_000) == (
        "Chance of NPV > 0: below about 0.015 % (95 % upper bound; no draw of 20,000)"
    )
    assert chance_positive(1.0, 20_000) == (
        "Chance of NPV > 0: above about 99.98 % (95 % lower bound; every draw of 20,000)"
    )
    assert chance_positive(0.125, 20_000) == "Chance of NPV > 0: 12.5 % (2,500 of 20,000 draws)"


def _plain(text: str) -> str:
    return text.replace(WORD_JOINER, "")


def test_answers_of_the_default_built_in(assessment: Assessment) -> None:
    got = answers(assessment)
    assert [a.key for a in got] == ["cost", "time", "carry", "pay"]
    d = assessment.to_dict()
    cost, time, carry, pay = got
    q = d["construction"]["cost_usd_bn"]
    assert (
        _plain(cost.value)
        == money_bn(q["p50"])
        == money_bn(float(np.median(assessment.cost_usd_bn)))
    )
    assert _plain(cost.range) == f"P10 to P90: {money_bn(q['p10'])} to {money_bn(q['p90'])}"
    y = d["construction"]["duration_years"]
    assert time.value == f"{y['p50']:.1f} years"
    assert time.range == f"P10 to P90: {y['p10']:.1f} to {y['p90']:.1f} years"
    traffic = d["corridor"]["traffic"]
    assert (
        carry.value == f"{teu(traffic['capacity_teu_per_year_per_direction'])} TEU a year each way"
    )
    east = traffic["demand_teu_per_year"]["eastbound"]
    assert carry.range.startswith(f"Demand, eastbound: {teu(east['p50'])} TEU a year")
    npv = d["economics"]["tunnel"]["npv_usd_bn"]
    assert _plain(pay.value) == f"NPV {money_bn(npv['p50'])}"
    p = d["economics"]["tunnel"]["p_npv_positive"]
    assert pay.note == chance_positive(p, REPORT_DRAWS)
    for a in got:  # never a bare 0 % or 100 %, never "-" for minus, ranges with "to"
        for text in (a.value, a.range, a.note, *a.details):
            assert not re.search(r"(?<![\d.,])(0|100)(\.0+)? %", text), text
            assert not re.search(r"\d-\d", text), text


def test_questions_not_modelled_say_so(assessment: Assessment) -> None:
    bare = dataclasses.replace(assessment, operations=None, corridor=None)
    cost, time, carry, pay = answers(bare)
    assert cost.value == answers(assessment)[0].value
    assert len(cost.details) == 1 and len(time.details) == 1  # no corridor sentences
    assert carry.value == "—" and carry.details[0].startswith("Not modelled")
    assert pay.value == "—" and pay.details[0].startswith("Not modelled")
    page = render_report(bare)
    head = page[: page.index("</header>")]
    assert head.count('class="answer"') == 4
    assert "Not modelled: this scenario has no corridor" in head


def test_first_screen_holds_the_answers_verdicts_and_assumptions(
    page: str, assessment: Assessment
) -> None:
    head = page[: page.index("</header>")]
    text = htmlmod.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", head)))
    for a in answers(assessment):
        assert f'id="answer-{a.key}"' in head
        for part in (a.question, a.value, a.range, a.note):
            assert re.sub(r"\s+", " ", part) in text
    for c in assessment.claims:
        assert htmlmod.unescape(htmlmod.escape(c.name)) in text
    assert "are this project's own assumptions" in text
    # the first screen comes before every figure and the plot library
    assert 'data-plot="' not in head


def test_capacity_without_a_corridor_is_in_trains(assessment: Assessment) -> None:
    ops_only = dataclasses.replace(assessment, corridor=None)
    carry = answers(ops_only)[2]
    o = ops_only.to_dict()["operations"]
    cap = o["capacity_trains_per_day_per_direction"]
    assert carry.value == f"{float(f'{cap:.3g}'):g} trains a day each way"
    assert carry.range == "Demand: not modelled (no corridor in this scenario)"
    assert (
        carry.details[-1]
        == f"The timetable asks for {o['demand_trains_per_day_per_direction']} a day."
    )
