"""The report's first screen: four questions a newcomer asks, each answered with its range.

What would it cost, how long would it take, what could it carry (capacity against demand)
and could it pay (the tunnel's financial NPV and the share of draws in which it is positive,
worded as a bound when no draw or every draw is). Read from ``Assessment.to_dict()``: a
question the scenario does not model says so instead of a number.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from beringia.models.numfmt import (
    bound_sentence,
    fixed,
    money_bn,
    percent,
    significant,
    span,
    whole_year,
)
from beringia.pipeline.assessment import Assessment


@dataclass(frozen=True)
class Answer:
    """One question of the first screen and its answer.

    Attributes
    ----------
    key : str
        ``cost``, ``time``, ``carry`` or ``pay`` (the card's element id is ``answer-KEY``).
    question : str
        The question, e.g. ``"What would it cost?"``.
    value : str
        The headline figure with its unit, e.g. ``"$49.3bn"``; a dash when not modelled.
    range : str
        Its range, e.g. ``"P10 to P90: $34.8bn to $87.7bn"``; empty when not modelled.
    note : str
        The one thing to read with it, shown even on a phone (the chance that the NPV is
        positive, worded as a bound where it is one; how much of the capacity demand fills);
        may be empty.
    details : tuple of str
        One or two short sentences: what the figure is and what else to know.
    """

    key: str
    question: str
    value: str
    range: str
    note: str
    details: tuple[str, ...]


def teu(x: float | None) -> str:
    """Format a number of TEU for reading: ``"9.71 million"``, ``"43,200"``, ``"205"``.

    Parameters
    ----------
    x : float or None
        TEU (twenty-foot containers), e.g. a year's traffic.

    Returns
    -------
    str
        Three significant figures; millions from one million up; ``"under 1"`` for a
        positive number below one; ``"0"`` for zero.
    """
    if x is None or not math.isfinite(x):
        return fixed(x)
    if x >= 1e6:
        return f"{significant(x / 1e6, 3, trim=True)} million"
    if x >= 1:
        return significant(float(f"{x:.3g}"), 3, trim=True)
    return "under 1" if x > 0 else "0"


WORD_JOINER = "\u2060"
"""Keeps a minus sign on the line of its dollar sign (``−$20.4bn`` never breaks after ``−``)."""


def _money(x: float | None) -> str:
    return money_bn(x).replace("\u2212$", "\u2212" + WORD_JOINER + "$")


def _range(lo: str, hi: str) -> str:
    return f"P10 to P90: {span(lo, hi)}"


def chance_positive(p: float, draws: int) -> str:
    """Say how likely a positive NPV is: a bound when no draw or every draw has one.

    Parameters
    ----------
    p : float
        Share of draws with NPV > 0.
    draws : int
        Number of draws behind it.

    Returns
    -------
    str
        E.g. ``"Chance of NPV > 0: below about 0.015 % (95 % upper bound; no draw of
        20,000)"``, ``"... above about 99.98 % (95 % lower bound; every draw ...)"`` or
        ``"... 12.5 % (2,500 of 20,000 draws)"``; never 0 % or 100 %.
    """
    k = round(p * draws)
    head = "Chance of NPV > 0:"
    if draws > 0 and k == 0:
        return f"{head} {bound_sentence(draws)[:-1]}; no draw of {draws:,})"
    if draws > 0 and k == draws:
        return (
            f"{head} above about {percent(1.0, draws)[2:]} "
            f"(95 % lower bound; every draw of {draws:,})"
        )
    return f"{head} {percent(p, draws)} ({k:,} of {draws:,} draws)"


def _cost(d: dict[str, Any], price_base: str) -> Answer:
    q = d["construction"]["cost_usd_bn"]
    details = [f"The tunnel, median of the forecast, in {price_base}."]
    corridor = d.get("corridor")
    if corridor:
        c = corridor["capex_usd_bn"]
        details.append(
            f"The corridor's new and upgraded lines add {_money(c['p50'])} "
            f"({span(_money(c['p10']), _money(c['p90']))})."
        )
    return Answer(
        "cost",
        "What would it cost?",
        _money(q["p50"]),
        _range(_money(q["p10"]), _money(q["p90"])),
        "",
        tuple(details),
    )


def _time(d: dict[str, Any]) -> Answer:
    q = d["construction"]["duration_years"]
    details = ["The tunnel, median, from notice to proceed to the end of commissioning."]
    corridor = d.get("corridor")
    if corridor:
        o = corridor["opening_year"]
        details.append(
            f"Trains run the whole corridor from year {whole_year(o['p50'])} after notice to "
            f"proceed ({span(whole_year(o['p10']), whole_year(o['p90']))})."
        )
    return Answer(
        "time",
        "How long would it take?",
        f"{fixed(q['p50'], 1)} years",
        _range(fixed(q["p10"], 1), f"{fixed(q['p90'], 1)} years"),
        "",
        tuple(details),
    )


def _carry(d: dict[str, Any]) -> Answer:
    corridor = d.get("corridor")
    if corridor:
        t = corridor["traffic"]
        cap = t["capacity_teu_per_year_per_direction"]
        east = t["demand_teu_per_year"]["eastbound"]
        west = t["demand_teu_per_year"]["westbound"]
        share = east["p50"] / cap if cap > 0 else math.nan
        return Answer(
            "carry",
            "What could it carry?",
            f"{teu(cap)} TEU a year each way",
            f"Demand, eastbound: {teu(east['p50'])} TEU a year "
            f"(P10 to P90: {span(teu(east['p10']), teu(east['p90']))})",
            f"Median demand fills {percent(share)} of the capacity.",
            (
                "The tunnel's capacity (TEU: twenty-foot containers) against the loaded "
                "containers the market would send by the corridor.",
                f"Westbound demand: {teu(west['p50'])} TEU a year "
                f"({span(teu(west['p10']), teu(west['p90']))}).",
            ),
        )
    ops = d.get("operations")
    if ops:
        cap_trains = ops["capacity_trains_per_day_per_direction"]
        asked = ops.get("demand_trains_per_day_per_direction")
        detail = "Trains a day each way that the signalling and the timetable's mix allow."
        rest = () if asked is None else (f"The timetable asks for {fixed(asked, 0)} a day.",)
        return Answer(
            "carry",
            "What could it carry?",
            f"{significant(cap_trains, 3, trim=True)} trains a day each way",
            "Demand: not modelled (no corridor in this scenario)",
            "",
            (detail, *rest),
        )
    return Answer(
        "carry",
        "What could it carry?",
        "—",
        "",
        "",
        ("Not modelled: this scenario has no operations or corridor section.",),
    )


def _pay(d: dict[str, Any], draws: int) -> Answer:
    e = d.get("economics")
    if not e:
        return Answer(
            "pay",
            "Could it pay?",
            "—",
            "",
            "",
            ("Not modelled: this scenario has no corridor, so no traffic, toll or appraisal.",),
        )
    t = e["tunnel"]
    q = t["npv_usd_bn"]
    rate = e["discount_rate"]["p50"]
    rate_text = f"{fixed(100 * rate, 1)} % real" if e.get("discount_rate_fixed") else "a drawn rate"
    return Answer(
        "pay",
        "Could it pay?",
        f"NPV {_money(q['p50'])}",
        _range(_money(q["p10"]), _money(q["p90"])),
        chance_positive(t["p_npv_positive"], draws),
        (
            f"The tunnel's financial net present value to its owner, median, at {rate_text} over "
            f"{e['horizon_years']} years of operation, residual value left out.",
        ),
    )


def answers(a: Assessment, summary: dict[str, Any] | None = None) -> list[Answer]:
    """Answer the first screen's four questions from an assessment.

    Parameters
    ----------
    a : Assessment
        The result of :func:`beringia.assess`.
    summary : dict, optional
        ``a.to_dict()`` when the caller has it already (it takes a moment).

    Returns
    -------
    list of Answer
        Cost, time, carry and pay, in that order; each has its range, or says that the
        scenario does not model it.
    """
    d = summary if summary is not None else a.to_dict()
    price_base = str(a.provenance.get("price_base", "2025 USD"))
    return [_cost(d, price_base), _time(d), _carry(d), _pay(d, a.n_draws)]


__all__ = ["Answer", "answers", "chance_positive", "teu"]
