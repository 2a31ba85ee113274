"""The shared number wording (beringia.models.numfmt): known answers and properties."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from beringia.models.numfmt import (
    MINUS,
    bound_sentence,
    fixed,
    money_bn,
    percent,
    quantile_spread,
    significant,
    whole_year,
)
from beringia.models.reference.claims import probability_phrase


@pytest.mark.parametrize(
    ("p", "draws", "text"),
    [
        (0.0, 20_000, "< 0.015 %"),
        (1.0, 20_000, "> 99.98 %"),
        (0.0, 2_000, "< 0.15 %"),
        (1 / 20_000, 20_000, "0.005 %"),
        (0.113, 20_000, "11.3 %"),
        (0.9996, 20_000, "99.96 %"),
        (0.0, 10**8, "< 0.000003 %"),
        (1.0, 10**8, "> 99.999997 %"),
        (2.8e-9, None, "< 0.001 %"),
        (2.8e-5, None, "0.0028 %"),
        (0.5, None, "50.0 %"),
        (0.0, None, "0 %"),
        (1.0, None, "100 %"),
    ],
)
def test_percent_known_answers(p: float, draws: int | None, text: str) -> None:
    assert percent(p, draws) == text


@pytest.mark.parametrize(
    ("x", "text"),
    [
        (100.926, "$100.9bn"),
        (48.4, "$48.4bn"),
        (8.0, "$8bn"),
        (35.0, "$35bn"),
        (0.55, "$0.55bn"),
        (-23.2, f"{MINUS}$23.2bn"),
        (2345.6, "$2,346bn"),
        (9.996, "$10bn"),
    ],
)
def test_money_known_answers(x: float, text: str) -> None:
    assert money_bn(x) == text


def test_ranges_are_written_with_to_and_a_minus_sign() -> None:
    assert quantile_spread({"p10": -8.37, "p50": 5.0, "p90": 31.31}, ".1f") == (
        f"5.0 ({MINUS}8.4 to 31.3)"
    )
    assert quantile_spread({"p10": -35.1, "p50": -20.0, "p90": -8.3}) == (
        f"{MINUS}20.0 ({MINUS}35.1 to {MINUS}8.3)"
    )
    assert quantile_spread({"p10": 17.9, "p50": 24.2, "p90": 38.7}, whole=True) == "24 (18 to 39)"
    assert quantile_spread({"p10": 1.0, "p50": None, "p90": None}) == "∞ (1.0 to ∞)"


def test_small_numbers() -> None:
    assert significant(0.00283) == "0.00283"
    assert significant(9.96, 2) == "10"
    assert fixed(-0.04) == "0.0"  # no "-0.0"
    assert whole_year(18.0) == "18"
    assert bound_sentence(20_000) == "below about 0.015 % (95 % upper bound)"


@given(
    draws=st.integers(min_value=4, max_value=10**8),
    k=st.integers(min_value=0, max_value=10**8),
)
def test_a_monte_carlo_probability_is_never_shown_as_0_or_100(draws: int, k: int) -> None:
    k = min(k, draws)
    text = percent(k / draws, draws)
    assert text not in ("0 %", "100 %", "0.0 %", "100.0 %")
    assert "e" not in text
    number = float(text.lstrip("<> ").removesuffix(" %"))
    assert 0 < number < 100
    if 0 < k < draws:
        assert not text.startswith(("<", ">"))
        assert number == pytest.approx(100 * k / draws, rel=0.06, abs=0.051)


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
def test_money_keeps_at_most_four_significant_figures(x: float) -> None:
    text = money_bn(x)
    assert "e" not in text and "-" not in text
    digits = re.sub(r"[^0-9]", "", text).lstrip("0")
    if abs(x) < 1000:
        assert len(digits) <= 4


@given(st.floats(min_value=0.0, max_value=1.0))
def test_shares_never_in_scientific_notation(p: float) -> None:
    text = percent(p)
    assert "e" not in text
    assert re.fullmatch(r"[<>]? ?[0-9]+(\.[0-9]+)? %", text)


@pytest.mark.parametrize(("k", "draws"), [(0, 20_000), (20_000, 20_000), (0, 2_000)])
def test_claim_sentence_states_the_same_bound_as_the_card(k: int, draws: int) -> None:
    card = percent(k / draws, draws)
    phrase = probability_phrase(k / draws, draws)
    word = "below" if k == 0 else "above"
    assert phrase.startswith(f"{word} {card[2:]}")
