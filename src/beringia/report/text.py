"""Text the report writes in figures and tables: escaped labels, percentages, spreads, sources.

One formatting of each kind for the whole report, so that a share reads the same in a figure's
legend, a table and a sentence.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

from beringia.models.numfmt import percent, quantile_spread

DOLLAR = "&#36;"
"""A dollar sign that plotly never takes for the start of TeX."""


def plot_text(text: str) -> str:
    """Escape text for plotly labels: HTML entities, and ``$`` so it is never TeX.

    Parameters
    ----------
    text : str
        Plain text such as a claim or activity name.

    Returns
    -------
    str
        The text with ``&``, ``<``, ``>`` and ``$`` as HTML entities, which plotly
        renders literally (two ``$`` in a label would otherwise be taken for LaTeX).
    """
    return html.escape(text, quote=False).replace("$", DOLLAR)


def format_percent(p: float, draws: int | None = None) -> str:
    """Format a probability or share as a percentage (see :func:`beringia.models.numfmt.percent`).

    Parameters
    ----------
    p : float
        A probability in [0, 1].
    draws : int, optional
        Monte Carlo draws behind ``p``: when none or all qualify, the text is the bound
        (``"< 0.015 %"``, ``"> 99.98 %"`` for 20,000 draws), never 0 % or 100 %.

    Returns
    -------
    str
        ``"12.5 %"``; ``"0.0028 %"`` below 1 %; ``"< 0.001 %"`` for a share greater than
        zero but smaller than that; never scientific notation.
    """
    return percent(p, draws)


def spread(q: Mapping[str, float | None], fmt: str, scale: float = 1.0) -> str:
    """Format ``P50 (P10 to P90)`` of a quantile dict; a missing value reads ``∞``.

    Parameters
    ----------
    q : mapping
        Quantiles with keys ``p10``, ``p50``, ``p90``, as in the results' ``to_dict``; a
        ``None`` stands for an infinite value (no finite answer in those draws).
    fmt : str
        Format spec of each number, e.g. ``",.1f"``.
    scale : float
        Factor applied before formatting (100 for percentages).

    Returns
    -------
    str
        E.g. ``"23.4 (21.8 to 25.0)"``, ``"−23.2 (−43.4 to −16.3)"`` (a real minus sign).
    """
    return quantile_spread(q, fmt, scale)


def short_source(source: str, max_chars: int = 140) -> str:
    """Shorten a data source for a figure note: URLs dropped, at most ``max_chars``.

    Parameters
    ----------
    source : str
        A source statement such as the ``source`` of a shipped land mask.
    max_chars : int
        Longest text returned; longer text is cut at a word and ends with an ellipsis.

    Returns
    -------
    str
        The statement without URLs (and without brackets left empty by removing them).
    """
    text = re.sub(r",?\s*https?://[^\s),;]+", "", source)
    text = re.sub(r"\s*\(\s*\)", "", text)
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) > max_chars:
        text = text[: max_chars - 1].rsplit(" ", 1)[0].rstrip(",;") + "…"
    return text
