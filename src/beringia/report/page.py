"""What both pages of the report share: templates, filters, plotly.js inline, one figure as HTML.

A page opens offline and light: the CSS is inline in the head, so the first screen shows
before any script; every figure is an empty ``<div>`` and its JSON in a
``<script type="application/json">`` block; plotly.js (the vendored cartesian partial bundle,
see ``static/README.md``) and the small drawing script ``static/plots.js`` come once, inline,
at the end of the body, and draw the figures on screen first. Nothing is fetched when the page
opens (the :data:`CONTENT_SECURITY_POLICY` forbids it). Source references become clickable
links, which are only followed when clicked.
"""

from __future__ import annotations

import math
import re
from functools import cache
from importlib.resources import files

import plotly.graph_objects as go
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape
from plotly.io.json import to_json_plotly

from beringia.models.numfmt import fixed, money_bn, signed
from beringia.report.text import format_percent

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; "
    "style-src 'unsafe-inline'; img-src data: blob:; font-src data:; connect-src 'none'; "
    "base-uri 'none'; form-action 'none'"
)
"""The page's policy: inline scripts and styles, images from data URIs, no fetching."""
PLOT_CONFIG = {"displaylogo": False, "responsive": True}
"""plotly's configuration of every figure."""
PLOTLY_BUNDLE = "plotly-cartesian.min.js"
"""The vendored plotly.js partial bundle in ``beringia/report/static`` (see its README)."""
PLOTLY_TRACES = frozenset(
    {
        "bar",
        "box",
        "contour",
        "heatmap",
        "histogram",
        "histogram2d",
        "histogram2dcontour",
        "image",
        "pie",
        "scatter",
        "scatterternary",
        "violin",
    }
)
"""The trace types the vendored bundle draws; a figure of the report uses no other."""

_LINK = re.compile(r"(https?://[^\s<>\"']+|doi:\s?10\.\d{4,9}/[^\s<>\"']+)")
_TRAILING = ".,;:!?'\""


def _split_url(raw: str) -> tuple[str, str]:
    """Split trailing punctuation (and an unbalanced closing bracket) off a URL."""
    url = raw
    while url:
        if url[-1] in _TRAILING:
            url = url[:-1]
        elif url[-1] == ")" and url.count("(") < url.count(")"):
            url = url[:-1]
        elif url[-1] == "]" and url.count("[") < url.count("]"):
            url = url[:-1]
        else:
            break
    return url, raw[len(url) :]


def linkify(text: str) -> Markup:
    """Escape ``text`` and turn its http(s) URLs and DOIs into links.

    Parameters
    ----------
    text : str
        Plain text, e.g. a ``source`` or ``note`` of the scenario.

    Returns
    -------
    markupsafe.Markup
        Escaped HTML in which every ``http://``/``https://`` URL and every ``doi:10.x/y``
        is an ``<a href>`` (DOIs to ``https://doi.org/``). No other scheme is linked.
    """
    out: list[str] = []
    pos = 0
    for m in _LINK.finditer(text):
        url, tail = _split_url(m.group(0))
        out.append(str(escape(text[pos : m.start()])))
        if url.lower().startswith("doi:"):
            href = "https://doi.org/" + url[4:].strip()
        else:
            href = url
        if len(url) > (4 if url.lower().startswith("doi:") else 8):
            out.append(f'<a href="{escape(href)}" rel="noopener noreferrer">{escape(url)}</a>')
        else:
            out.append(str(escape(url)))
        out.append(str(escape(tail)))
        pos = m.end()
    out.append(str(escape(text[pos:])))
    return Markup("".join(out))


def number(x: float, digits: int = 1) -> str:
    """Format ``x`` with ``digits`` decimals, more if needed to show it exactly (up to 3).

    Parameters
    ----------
    x : float
        The number, e.g. a claim's limit.
    digits : int
        Fewest decimals.

    Returns
    -------
    str
        E.g. ``"8.0"`` for 8 and ``"100.75"`` for 100.75, with thousands separators.
    """
    for d in range(digits, 4):
        text = f"{x:,.{d}f}"
        if math.isclose(float(text.replace(",", "")), x, rel_tol=0, abs_tol=1e-12):
            return signed(text)
    return fixed(x, max(digits, 3))


def _fixed(x: float, digits: int = 1) -> str:
    return fixed(x, digits)


def _corr(x: float) -> str:
    v = round(x, 2)
    return "0.00" if v == 0 else signed(f"{v:+.2f}")


def _plus_minus(x: float, digits: int = 3) -> str:
    return signed(f"{x:+.{digits}f}")


def _break_dots(path: str) -> Markup:
    """Escape a dotted path and let it wrap after each dot."""
    return Markup(".<wbr>").join(escape(part) for part in path.split("."))


@cache
def environment() -> Environment:
    """Return the Jinja environment of the report's templates, with the report's filters.

    Returns
    -------
    jinja2.Environment
        Autoescaping, strict about undefined names; filters ``linkify``, ``pct``
        (:func:`~beringia.report.text.format_percent`), ``num`` (:func:`number`), ``f1``
        (fixed decimals, a real minus sign), ``money`` (billions,
        :func:`~beringia.models.numfmt.money_bn`), ``corr`` (a signed correlation),
        ``plusminus`` (a number with its sign, a real minus) and ``breakdots`` (a dotted
        path that may wrap after each dot); the global ``plots_js`` (:func:`plots_js`),
        which ``base.html.j2`` inlines after plotly.js at the end of every page.
    """
    env = Environment(
        loader=PackageLoader("beringia.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["linkify"] = linkify
    env.filters["pct"] = format_percent
    env.filters["num"] = number
    env.filters["f1"] = _fixed
    env.filters["money"] = money_bn
    env.filters["corr"] = _corr
    env.filters["plusminus"] = _plus_minus
    env.filters["breakdots"] = _break_dots
    env.globals["plots_js"] = plots_js()
    return env


def _script_json(obj: object) -> str:
    """JSON that is safe inside a ``<script>`` element (no ``<`` at all)."""
    text: str = to_json_plotly(obj)
    return text.replace("<", "\\u003c")


def figure_html(key: str, fig: go.Figure) -> Markup:
    """Return a figure as an empty ``<div id="fig-KEY">`` and its JSON.

    Parameters
    ----------
    key : str
        The figure's key; the element's id is ``fig-`` and the key.
    fig : plotly.graph_objects.Figure
        The figure; its layout height, if set, is the element's height.

    Returns
    -------
    markupsafe.Markup
        The ``<div>`` (sized, so the page does not jump when it is drawn) and a
        ``<script type="application/json" data-plot="fig-KEY">`` block with the figure's
        data, layout and :data:`PLOT_CONFIG`. The page's closing scripts
        (:func:`plotly_js`, :func:`plots_js`) draw it; a page that uses this carries them
        once, after its last figure.
    """
    height = fig.layout.height
    div_id = f"fig-{key}"
    spec = fig.to_plotly_json()
    data = _script_json(
        {"data": spec.get("data", []), "layout": spec.get("layout", {}), "config": PLOT_CONFIG}
    )
    style = f"height:{int(height)}px;width:100%" if height else "height:100%;width:100%"
    return Markup(
        f'<div id="{div_id}" class="plotly-graph-div" style="{style}"></div>'
        f'<script type="application/json" data-plot="{div_id}">{data}</script>'
    )


def _static(name: str) -> str:
    return files("beringia.report").joinpath("static", name).read_text(encoding="utf-8")


@cache
def plotly_js() -> Markup:
    """Return plotly.js to inline once in a page (safe inside a ``<script>`` element).

    Returns
    -------
    markupsafe.Markup
        The vendored cartesian partial bundle (:data:`PLOTLY_BUNDLE`, about 1.5 MB), with
        its licence header.
    """
    return Markup(_static(PLOTLY_BUNDLE).replace("</script", "<\\/script"))


@cache
def plots_js() -> Markup:
    """Return the script that draws a page's figures (``static/plots.js``), to inline last.

    Returns
    -------
    markupsafe.Markup
        A few kB: draws each ``data-plot`` block (the figures on screen first, every figure
        before printing, then ``<html data-plots="ready">``), opens a collapsed
        ``<details>`` a link points into, and filters a table from an
        ``<input data-filter="TABLE-ID">``.
    """
    return Markup(_static("plots.js").replace("</script", "<\\/script"))
