"""Numbers as a reader meets them: one formatting for the report, the CLI and the sentences.

Pure string functions, shared by every layer that words a result (the claim sentence in
``models.reference``, the report, the command line) so that a figure reads the same wherever it is
printed:

* a probability estimated from Monte Carlo draws is never printed as 0 % or 100 % when no
  draw, or every draw, qualifies: it is a bound, "< 0.015 %" or "> 99.98 %" for 20,000
  draws (the rule of three, :func:`zero_bound`), the same bound the claim sentence states;
* other probabilities and shares never round to 0 % or 100 % either, and never print in
  scientific notation ("< 0.001 %", "0.0028 %");
* money keeps three significant figures, one decimal from $10bn up ("$100.9bn", "$8bn");
* negative numbers carry a real minus sign (U+2212) and ranges are written with "to"
  ("−8.4 to 31.3", "−35.1 to −8.3"), never with a hyphen or dash between two numbers;
* counted years are whole numbers ("year 18").
"""

from __future__ import annotations

import math
from collections.abc import Mapping

MINUS = "\u2212"
"""The minus sign written before negative numbers (not the hyphen-minus)."""

INFINITY = "∞"
"""How an infinite (or missing, ``None``) quantile reads."""

RULE_OF_THREE = 3.0
"""Events over draws giving the 95 % upper bound of a probability when none was seen."""


def signed(text: str) -> str:
    """Replace a leading hyphen-minus of a formatted number with the minus sign.

    Parameters
    ----------
    text : str
        A formatted number such as ``"-8.4"`` or ``"-$23bn"``.

    Returns
    -------
    str
        ``"−8.4"``; a text without a leading ``-`` is returned unchanged.
    """
    return MINUS + text[1:] if text.startswith("-") else text


def fixed(x: float | None, decimals: int = 1, *, thousands: bool = True) -> str:
    """Format a number with fixed decimals, thousands separators and a real minus sign.

    Parameters
    ----------
    x : float or None
        The number; ``None`` or an infinity reads ``∞`` (``−∞`` if negative), NaN ``n/a``.
    decimals : int
        Decimals shown.
    thousands : bool
        Whether to group thousands with commas.

    Returns
    -------
    str
        E.g. ``"−8.4"``, ``"1,234.5"``; a value that rounds to zero reads without a sign.
    """
    if x is None:
        return INFINITY
    if math.isnan(x):
        return "n/a"
    if math.isinf(x):
        return INFINITY if x > 0 else MINUS + INFINITY
    text = f"{x:{',' if thousands else ''}.{decimals}f}"
    if text.startswith("-") and float(text.replace(",", "")) == 0.0:
        text = text[1:]
    return signed(text)


def _trim(text: str) -> str:
    """Drop trailing zeros after a decimal point (and the point itself if nothing is left)."""
    if "." not in text:
        return text
    return text.rstrip("0").rstrip(".")


def significant(x: float | None, digits: int = 3, *, trim: bool = False) -> str:
    """Format with ``digits`` significant figures, never in scientific notation.

    Integer digits are never rounded away: 1,234.5 with three significant figures reads
    ``"1,235"``.

    Parameters
    ----------
    x : float or None
        The number.
    digits : int
        Significant figures (at least 1).
    trim : bool
        Drop trailing zeros after the decimal point (``"8"`` rather than ``"8.00"``).

    Returns
    -------
    str
        E.g. ``"0.0028"``, ``"48.4"``, ``"−0.61"``.
    """
    if x is None or not math.isfinite(x):
        return fixed(x)
    if x == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(x)))
    decimals = max(0, digits - 1 - magnitude)
    if decimals > 0 and abs(round(x, decimals)) >= 10 ** (magnitude + 1):
        decimals -= 1  # rounding carried into a new digit (9.96 -> 10.0)
    text = fixed(x, decimals)
    return _trim(text) if trim else text


def money_bn(x: float | None, *, currency: str = "$", trim: bool = True) -> str:
    """Format an amount in billions: three significant figures, one decimal from 10 up.

    Parameters
    ----------
    x : float or None
        The amount in billions.
    currency : str
        Symbol written before the number (after the minus sign).
    trim : bool
        Drop trailing zeros (``"$8bn"`` rather than ``"$8.00bn"``).

    Returns
    -------
    str
        E.g. ``"$100.9bn"``, ``"$48.4bn"``, ``"$8bn"``, ``"$0.35bn"``, ``"−$23.2bn"``.
    """
    if x is None or not math.isfinite(x):
        return f"{currency}{fixed(x)}bn"
    if abs(x) >= 1000:
        text = fixed(abs(x), 0)
    elif abs(x) >= 10:
        text = fixed(abs(x), 1)
    else:
        text = significant(abs(x), 3)
    if trim:
        text = _trim(text)
    sign = MINUS if x < 0 and text.strip("0.,") else ""
    return f"{sign}{currency}{text}bn"


def zero_bound(draws: int) -> float:
    """95 % upper bound of a probability of which none of ``draws`` draws qualified.

    Parameters
    ----------
    draws : int
        Number of independent Monte Carlo draws (positive).

    Returns
    -------
    float
        ``3 / draws`` capped at 1 (the rule of three).
    """
    return min(1.0, RULE_OF_THREE / draws)


def _small_percent(pct: float) -> str:
    """Two significant figures of a percentage below 1, without exponent or trailing zeros."""
    return _trim(significant(pct, 2))


def _near_hundred(pct: float) -> str:
    """Write a percentage just under 100 rounded down, so that it never reads 100."""
    rest = 100.0 - pct
    decimals = max(1, -math.floor(math.log10(rest)))
    scale = 10**decimals
    return f"{math.floor(pct * scale + 1e-9) / scale:.{decimals}f}"


def percent(
    p: float | None, draws: int | None = None, *, decimals: int = 1, smallest: float = 0.001
) -> str:
    """Format a probability or share as a percentage that never misleads at the ends.

    Parameters
    ----------
    p : float or None
        A probability or share in [0, 1]; ``None`` or NaN reads ``n/a``.
    draws : int, optional
        Number of Monte Carlo draws behind ``p``. When given and no draw qualifies, the text
        is the 95 % upper bound ``"< 0.015 %"`` (20,000 draws, see :func:`zero_bound`); when
        every draw qualifies, ``"> 99.98 %"``, the same bound the claim sentence states.
    decimals : int
        Decimals between 1 % and 99 % (``"12.5 %"``). Below 1 % two significant figures
        are shown (``"0.0028 %"``), above 99 % as many decimals as tell it from 100
        (``"99.96 %"``), rounded down so that it never reads 100.
    smallest : float
        Without ``draws``: the smallest percentage written; a share greater than zero but
        below it reads ``"< 0.001 %"``.

    Returns
    -------
    str
        The percentage with a space before ``%``. Exactly 0 and 1 read ``"0 %"`` and
        ``"100 %"`` only when ``draws`` is not given.
    """
    if p is None or math.isnan(p):
        return "n/a"
    if draws is not None and draws > 0:
        k = round(p * draws)
        bound = 100.0 * zero_bound(draws)
        if k <= 0:
            return f"< {_small_percent(bound)} %"
        if k >= draws:
            return f"> {_near_hundred(100.0 - bound)} %" if bound < 100.0 else "> 0 %"
    pct = 100.0 * p
    if pct <= 0.0:
        return "0 %"
    if pct >= 100.0:
        return "100 %"
    if draws is None and pct < smallest:
        return f"< {_trim(f'{smallest:.10f}')} %"
    if draws is None and 100.0 - pct < smallest:
        return f"> {_trim(f'{100.0 - smallest:.10f}')} %"
    if pct < 1.0:
        return f"{_small_percent(pct)} %"
    if pct > 99.0:
        return f"{_near_hundred(pct)} %"
    return f"{pct:.{decimals}f} %"


def span(lo: str, hi: str) -> str:
    """Write a range of two formatted numbers: ``"−8.4 to 31.3"``."""
    return f"{lo} to {hi}"


def quantile_spread(
    q: Mapping[str, float | None], fmt: str = ",.1f", scale: float = 1.0, *, whole: bool = False
) -> str:
    """Format ``P50 (P10 to P90)`` of a quantile dict with real minus signs.

    Parameters
    ----------
    q : mapping
        Quantiles with keys ``p10``, ``p50``, ``p90``; ``None`` stands for an infinite value.
    fmt : str
        Format spec of each number, e.g. ``",.1f"``.
    scale : float
        Factor applied before formatting (100 for percentages).
    whole : bool
        Round to whole numbers (counted years), whatever ``fmt`` says.

    Returns
    -------
    str
        E.g. ``"−23.2 (−43.4 to −16.3)"``.
    """

    def one(v: float | None) -> str:
        if v is None or not math.isfinite(v):
            return fixed(None if v is None else scale * v)
        value = scale * v
        text = format(round(value) if whole else value, ",.0f" if whole else fmt)
        if text.startswith("-") and float(text.replace(",", "").replace("%", "")) == 0.0:
            text = text[1:]
        return signed(text)

    return f"{one(q['p50'])} ({span(one(q['p10']), one(q['p90']))})"


def whole_year(x: float | None) -> str:
    """Write a counted year (years after notice to proceed) as a whole number: ``"18"``."""
    if x is None or not math.isfinite(x):
        return fixed(x)
    return signed(f"{round(x):,d}")


def bound_sentence(draws: int) -> str:
    """Say what a claim no draw met is bounded by: ``"below about 0.015 % (95 % upper bound)"``."""
    return f"below about {_small_percent(100.0 * zero_bound(draws))} % (95 % upper bound)"


__all__ = [
    "INFINITY",
    "MINUS",
    "RULE_OF_THREE",
    "bound_sentence",
    "fixed",
    "money_bn",
    "percent",
    "quantile_spread",
    "signed",
    "significant",
    "span",
    "whole_year",
    "zero_bound",
]
