"""Text the report writes in figures and tables: escaped labels, percentages, spreads, sources.

One formatting of each kind for the whole report, so that a share reads the same in a figure's
legend, a table and a sentence.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

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


def format_percent(p: float) -> str:
    """Format a probability as a percentage with one decimal.

    Parameters
    ----------
    p : float
        A probability in [0, 1].

    Returns
    -------
    str
        ``"12.5 %"``; ``"< 0.1 %"`` and ``"> 99.9 %"`` for probabilities that are not
        exactly 0 or 1 but would round to them.
    """
    if 0 < p < 0.0005:
        return "< 0.1 %"
    if 0.9995 <= p < 1:
        return "> 99.9 %"
    return f"{100 * p:.1f} %"


def spread(q: Mapping[str, float | None], fmt: str, scale: float = 1.0) -> str:
    """Format ``P50 (P10–P90)`` of a quantile dict; a missing value reads ``∞``.

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
        E.g. ``"23.4 (21.8–25.0)"``.
    """

    def one(v: float | None) -> str:
        return "∞" if v is None else format(scale * v, fmt)

    return f"{one(q['p50'])} ({one(q['p10'])}–{one(q['p90'])})"


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
