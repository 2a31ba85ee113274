"""Static images of the report's figures: ``--figures DIR`` (kaleido with Debian's Chromium)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import pytest
from browser import chromium_path
from helpers import toml_text
from typer.testing import CliRunner

from beringia.cli import app
from beringia.errors import ScenarioError
from beringia.report.export import browser_path, check_figures_dir, write_figures
from beringia.report.figures import all_figures
from beringia.report.page import PLOTLY_TRACES


def _figures() -> dict[str, go.Figure]:
    line = go.Figure(go.Scatter(x=[1, 2, 3], y=[3, 1, 2], name="a <line>"))
    line.update_layout(height=300, title={"text": "Line"})
    heat = go.Figure(go.Heatmap(z=[[1, 2], [3, 4]]))
    return {"line": line, "heat": heat}


def test_writes_svg_and_png(tmp_path: Path) -> None:
    folder = tmp_path / "new" / "figs"
    written = write_figures(_figures(), folder)
    assert [p.name for p in written] == ["line.svg", "line.png", "heat.svg", "heat.png"]
    svg = (folder / "line.svg").read_text(encoding="utf-8")
    assert svg.startswith("<svg") and 'height="300"' in svg and "Line" in svg
    assert 'width="1000"' in svg
    png = (folder / "heat.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (2000, 900)  # 1000 x 450 layout pixels at scale 2


@pytest.mark.parametrize("bad", ["file", "in-file", "fmt"])
def test_bad_folder_or_format(tmp_path: Path, bad: str) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    target = {"file": tmp_path / "file", "in-file": tmp_path / "file" / "sub"}.get(
        bad, tmp_path / "ok"
    )
    formats = ("gif",) if bad == "fmt" else ("svg",)
    with pytest.raises(ScenarioError) as err:
        write_figures(_figures(), target, formats)
    assert err.value.field == "--figures"
    assert not (tmp_path / "ok").exists()


def test_no_browser_is_a_clean_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-such-chromium"))
    assert browser_path() is None
    with pytest.raises(ScenarioError, match="need Chromium"):
        check_figures_dir(tmp_path / "figs")


def test_browser_is_the_system_chromium(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    assert browser_path() == chromium_path()


def test_report_figures_use_only_the_bundled_traces(assessment: Any) -> None:
    # the vendored plotly.js partial bundle draws every trace type of the report
    used = {t.type for f in all_figures(assessment).values() for t in f.data}
    assert used <= PLOTLY_TRACES, used - PLOTLY_TRACES


def test_bundle_matches_plotly_for_python() -> None:
    from plotly.offline import get_plotlyjs

    from beringia.report.page import plotly_js

    full = re.search(r"plotly\.js v(\d+\.\d+\.\d+)", get_plotlyjs()[:300])
    ours = re.search(r"plotly\.js \(cartesian - minified\) v(\d+\.\d+\.\d+)", plotly_js()[:300])
    assert full is not None and ours is not None
    assert ours.group(1) == full.group(1)
    assert 1_000_000 < len(plotly_js()) < len(get_plotlyjs()) / 2
    static = Path(__file__).parents[1] / "src" / "beringia" / "report" / "static"
    assert "MIT License" in (static / "plotly-LICENSE.txt").read_text(encoding="utf-8")
    readme = (static / "README.md").read_text(encoding="utf-8")
    assert f"plotly.js-cartesian-dist-min-{ours.group(1)}.tgz" in readme
    assert f"github.com/plotly/plotly.js/tree/v{ours.group(1)}" in readme


def test_cli_figures(runner: CliRunner, cwd: Path, hand_doc: dict[str, Any]) -> None:
    path = cwd / "hand.toml"
    path.write_text(toml_text(hand_doc), encoding="utf-8")
    result = runner.invoke(
        app, ["assess", str(path), "-n", "50", "--report", "r.html", "--figures", "figs"]
    )
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (cwd / "figs").iterdir())
    page = (cwd / "r.html").read_text(encoding="utf-8")
    keys = re.findall(r'data-plot="fig-(\w+)"', page)
    assert names == sorted(f"{k}.{ext}" for k in keys for ext in ("png", "svg"))
    assert f"{len(names)} images in figs" in result.stdout


def test_cli_figures_bad_folder(runner: CliRunner, cwd: Path) -> None:
    (cwd / "taken").write_text("x", encoding="utf-8")
    result = runner.invoke(app, ["assess", "-n", "10", "--figures", "taken"])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: --figures")
    assert "is not a directory" in lines[0]
    assert "Traceback" not in result.output
    assert not (cwd / "reports").exists()  # refused before the simulation


def test_cli_operations_figures(runner: CliRunner, cwd: Path) -> None:
    result = runner.invoke(app, ["operations", "-y", "2", "--figures", "ops"])
    assert result.exit_code == 0, result.output
    from beringia.report.operations_figures import OPERATIONS_FIGURES

    names = sorted(p.name for p in (cwd / "ops").iterdir())
    assert names == sorted(f"{k}.{ext}" for k in OPERATIONS_FIGURES for ext in ("png", "svg"))


@pytest.mark.parametrize("command", [["hindcast"], ["operations"]])
def test_cli_figures_bad_folder_elsewhere(runner: CliRunner, cwd: Path, command: list[str]) -> None:
    (cwd / "taken").write_text("x", encoding="utf-8")
    result = runner.invoke(app, [*command, "--figures", "taken/sub"])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: --figures"), lines
