"""Static images of a report's figures (``--figures DIR``): SVG and PNG by kaleido.

kaleido drives a Chromium the machine already has (Debian's ``chromium`` package, or the
browser that ``BROWSER_PATH`` names); nothing is downloaded: MathJax is off and plotly.js is
the report's own vendored bundle. kaleido is imported only when images are written, so the
command line starts without it.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Mapping, Sequence
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any

import plotly.graph_objects as go

from beringia.errors import ScenarioError
from beringia.output import check_output_path
from beringia.report.page import PLOTLY_BUNDLE

FORMATS = ("svg", "png")
"""What :func:`write_figures` writes by default: SVG for papers, PNG for slides."""
WIDTH = 1000
"""Width in pixels of every image (the figures are responsive on the page)."""
DEFAULT_HEIGHT = 450
"""Height of a figure whose layout sets none."""
PNG_SCALE = 2
"""PNG pixels per layout pixel (sharp on slides)."""
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
"""Executables searched on ``PATH`` when ``BROWSER_PATH`` is not set."""


def browser_path() -> str | None:
    """Return the Chromium to draw with: ``BROWSER_PATH``, else the first on ``PATH``.

    Returns
    -------
    str or None
        The executable, or None when there is none.
    """
    env = os.environ.get("BROWSER_PATH")
    if env:
        return env if Path(env).is_file() else None
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def check_figures_dir(directory: str | os.PathLike[str], field: str = "--figures") -> Path:
    """Check that images can be written into ``directory`` (created later if missing).

    Parameters
    ----------
    directory : str or PathLike
        The folder for the images.
    field : str
        How an error names it.

    Returns
    -------
    Path
        The folder.

    Raises
    ------
    ScenarioError
        If it exists and is not a directory, if it cannot be created or written, or if no
        Chromium is installed to draw with.
    """
    path = Path(directory)
    if not os.fspath(directory):
        raise ScenarioError(field, "", "give a folder for the images")
    if path.exists() and not path.is_dir():
        raise ScenarioError(field, str(path), "is not a directory: give a folder for the images")
    check_output_path(path / "figure.svg", field=field)
    if browser_path() is None:
        raise ScenarioError(
            field,
            str(path),
            "static images need Chromium: install Debian's chromium package "
            "(make system) or set BROWSER_PATH to a Chrome or Chromium",
        )
    return path


def _opts(fig: go.Figure, fmt: str) -> dict[str, Any]:
    height = fig.layout.height
    opts: dict[str, Any] = {
        "format": fmt,
        "width": WIDTH,
        "height": int(height) if height else DEFAULT_HEIGHT,
    }
    if fmt == "png":
        opts["scale"] = PNG_SCALE
    return opts


async def _write(jobs: list[dict[str, Any]], browser: str, plotlyjs: Path) -> None:
    import kaleido  # type: ignore[import-untyped]

    async with kaleido.Kaleido(path=browser, mathjax=False, plotlyjs=str(plotlyjs)) as k:
        await k.write_fig_from_object(jobs, cancel_on_error=True)


def write_figures(
    figures: Mapping[str, go.Figure],
    directory: str | os.PathLike[str],
    formats: Sequence[str] = FORMATS,
    *,
    field: str = "--figures",
) -> list[Path]:
    """Write every figure as a static image, ``KEY.svg`` and ``KEY.png``, into ``directory``.

    Parameters
    ----------
    figures : mapping of str to Figure
        The figures by key (e.g. :func:`beringia.report.figures.all_figures`).
    directory : str or PathLike
        The folder; created (with its parents) if missing. Existing images of the same
        names are replaced.
    formats : sequence of str
        Any of ``svg``, ``png``, ``pdf``.
    field : str
        How an error names the folder.

    Returns
    -------
    list of Path
        The files written, figure by figure and format by format.

    Raises
    ------
    ScenarioError
        If the folder is unusable (see :func:`check_figures_dir`), a format is unknown, or
        Chromium fails to draw.
    """
    bad = [f for f in formats if f not in ("svg", "png", "pdf")]
    if bad:
        raise ScenarioError(field, ",".join(bad), "formats are svg, png and pdf")
    folder = check_figures_dir(directory, field)
    browser = browser_path()
    assert browser is not None  # checked above
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ScenarioError(field, str(folder), f"cannot create: {exc.strerror}") from None
    written: list[Path] = []
    jobs: list[dict[str, Any]] = []
    for key, fig in figures.items():
        for fmt in formats:
            target = folder / f"{key}.{fmt}"
            jobs.append({"fig": fig, "path": str(target), "opts": _opts(fig, fmt)})
            written.append(target)
    with as_file(files("beringia.report").joinpath("static", PLOTLY_BUNDLE)) as bundle:
        try:
            asyncio.run(_write(jobs, browser, bundle))
        except Exception as exc:  # kaleido and choreographer raise their own types
            raise ScenarioError(
                field, str(folder), f"Chromium could not draw the figures: {exc}"
            ) from None
    missing = [p.name for p in written if not p.is_file()]
    if missing:
        raise ScenarioError(field, str(folder), f"not written: {', '.join(missing)}")
    return written


__all__ = ["FORMATS", "browser_path", "check_figures_dir", "write_figures"]
