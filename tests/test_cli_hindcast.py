"""``beringia hindcast --set``, ``--json`` and its tables when piped."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from helpers import assert_clean_failure
from typer.testing import CliRunner

from beringia.cli import app

TWO = ["guadarrama", "channel-tunnel", "--draws", "300", "--anchored"]


def _json(runner: CliRunner, *args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["hindcast", *args, "--json"])
    assert result.exit_code == 0, result.output
    d: dict[str, Any] = json.loads(result.stdout)  # the whole of stdout is one JSON object
    return d


@pytest.fixture(scope="module")
def plain() -> dict[str, Any]:
    return _json(CliRunner(), *TWO)


def test_json_has_cases_scores_and_findings(plain: dict[str, Any]) -> None:
    assert [c["name"] for c in plain["cases"]] == ["guadarrama", "channel-tunnel"]
    assert plain["overrides"] == []
    for c in plain["cases"]:
        for metric in ("cost_usd_bn", "duration_years"):
            q = c[metric]
            assert q["p10"] <= q["p50"] <= q["p90"]
        assert c["actual_cost_usd_bn"] > 0 and c["actual_duration_years"] > 0
        assert 0 <= c["cost_percentile_of_actual"] <= 100
        q = c["cost_usd_bn"]
        assert c["cost_inside_p10_p90"] == (q["p10"] <= c["actual_cost_usd_bn"] <= q["p90"])
        q = c["duration_years"]
        inside = q["p10"] <= c["actual_duration_years"] <= q["p90"]
        assert c["duration_inside_p10_p90"] == inside
        assert c["estimate_at_decision_usd_bn"] > 0 and c["programme_years"] > 0
        assert c["not_blind"]
    for m in ("cost", "duration"):
        s = plain["scores"][m]
        assert s["n"] == 2
        inside = sum(c[f"{m}_inside_p10_p90"] for c in plain["cases"])
        assert s["inside_p10_p90"] == inside
        assert s["coverage_p10_p90"] == plain["coverage_p10_p90"][m] == inside / 2
        assert s["coverage_interval"]["low"] <= inside / 2 <= s["coverage_interval"]["high"]
        assert s["median_abs_log_error_p50"] == pytest.approx(plain["median_abs_log_error_p50"][m])
        assert s["official"]["n"] == 2
    assert plain["findings"][0].startswith("Cost: the actual fell inside the predicted P10 to P90")
    assert plain["structural_limits"] and "known_limits" not in plain


def test_set_changes_every_case(plain: dict[str, Any]) -> None:
    fixed = _json(CliRunner(), *TWO, "--set", "construction.systemic.cost_factor=1")
    assert fixed["overrides"] == ["construction.systemic.cost_factor=1"]
    for a, b in zip(plain["cases"], fixed["cases"], strict=True):
        assert a["name"] == b["name"]
        assert a["cost_usd_bn"]["p50"] != b["cost_usd_bn"]["p50"]
        # the factor no longer spreads the cost: the band is much narrower
        width = math.log(b["cost_usd_bn"]["p90"] / b["cost_usd_bn"]["p10"])
        assert width < 0.5 * math.log(a["cost_usd_bn"]["p90"] / a["cost_usd_bn"]["p10"])
    assert fixed["cases"][0]["duration_years"] == plain["cases"][0]["duration_years"]


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ("construction.nope=1", "construction.nope"),
        ("construction.systemic.cost_factor", "expected path=value"),
        ("route.attack_points.sangatte.chainage_km=1", "hindcast guadarrama"),
    ],
)
def test_bad_set_exits_2_with_nothing_written(cwd: Path, override: str, expected: str) -> None:
    runner = CliRunner()
    result = runner.invoke(
        app, ["hindcast", *TWO, "--set", override, "--report", "out/hindcast.html", "--json"]
    )
    assert_clean_failure(result, cwd, expected)
    assert list(cwd.iterdir()) == []


def _rows(stdout: str, title: str) -> dict[str, list[str]]:
    block = stdout.split(title, 1)[1]
    rows: dict[str, list[str]] = {}
    for line in block.splitlines()[1:]:
        cells = line.split()
        if cells and cells[0] in ("guadarrama", "channel-tunnel"):
            rows[cells[0]] = cells[1:]
        elif rows and not cells:
            break
    return rows


def test_piped_tables_have_every_quantile(plain: dict[str, Any]) -> None:
    narrow = CliRunner(env={"COLUMNS": "40", "NO_COLOR": "1", "FORCE_COLOR": None})
    result = narrow.invoke(app, ["hindcast", *TWO])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "…" not in out and "..." not in out
    cost, years = _rows(out, "Cost (2025 USD bn)"), _rows(out, "Duration (years)")
    for c in plain["cases"]:
        q, y = c["cost_usd_bn"], c["duration_years"]
        assert cost[c["name"]][:4] == [
            f"{v:,.2f}" for v in (c["actual_cost_usd_bn"], q["p10"], q["p50"], q["p90"])
        ]
        assert years[c["name"]][:4] == [
            f"{v:.1f}" for v in (c["actual_duration_years"], y["p10"], y["p50"], y["p90"])
        ]
        assert cost[c["name"]][-1] == f"{c['estimate_at_decision_usd_bn']:,.2f}"
    assert "What the model gets wrong (computed from this run)" in out
    for sentence in plain["findings"]:
        assert f"- {sentence}" in out  # whole, not wrapped
    assert "Inside P10-P90: cost " in out and "Median |ln(P50 / actual)|: cost " in out


def test_piped_through_a_real_pipe(tmp_path: Path) -> None:
    env = {**os.environ, "COLUMNS": "30", "NO_COLOR": "1"}
    env.pop("FORCE_COLOR", None)
    proc = subprocess.run(
        [sys.executable, "-m", "beringia", "hindcast", "guadarrama", "-n", "300", "--anchored"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""  # no progress lines when stderr is not a terminal
    row = next(line for line in proc.stdout.splitlines() if line.strip().startswith("guadarrama"))
    cells = row.split()
    assert len(cells) == 8 and cells[6] in ("yes", "NO")
    assert "…" not in proc.stdout


def test_split_overrides_targets_one_case_or_all() -> None:
    from beringia.errors import ScenarioError
    from beringia.pipeline.blind import split_overrides

    got = split_overrides(["a.b=1", "laerdal:c.d=2", "e={dist='x'}"], ["laerdal", "eurasia"])
    assert got == {
        "laerdal": ["a.b=1", "c.d=2", "e={dist='x'}"],
        "eurasia": ["a.b=1", "e={dist='x'}"],
    }
    # a colon inside a value or after a dotted path is not a case
    got = split_overrides(["x.source=https://a.b"], ["laerdal"])
    assert got == {"laerdal": ["x.source=https://a.b"]}
    with pytest.raises(ScenarioError, match="CASE:path=value"):
        split_overrides(["nosuch:c.d=2"], ["laerdal"])


def test_targeted_set_changes_only_its_case(tmp_path: Path) -> None:
    runner = CliRunner()
    base = _json(runner, "-n", "200")
    moved = _json(
        runner, "-n", "200", "--set", "laerdal:construction.bores.road-tube.performance_factor=2"
    )
    inside = {c["name"]: c["inside_view"] for c in base["cases"]}
    changed = {c["name"]: c["inside_view"] for c in moved["cases"]}
    assert [n for n in inside if inside[n] != changed[n]] == ["laerdal"]
    bad = runner.invoke(app, ["hindcast", "-n", "200", "--set", "nosuch:a.b=1"])
    assert_clean_failure(bad, tmp_path, "--set", "CASE:path=value")


def test_the_terminal_shows_how_each_case_was_modelled() -> None:
    """The compile's notes reach the terminal, not only --json and --report."""
    runner = CliRunner(env={"COLUMNS": "200", "NO_COLOR": "1"})
    args = ["hindcast", "seelisberg", "laerdal", "-n", "200"]
    text = runner.invoke(app, args)
    assert text.exit_code == 0, text.output
    data = _json(runner, *args[1:])
    notes = {c["name"]: c["model_notes"] for c in data["cases"]}
    assert notes["seelisberg"]
    assert "How the cases were modelled (the compile's notes)" in text.stdout
    shared = [n for n in notes["seelisberg"] if n in notes["laerdal"]]
    for n in notes["seelisberg"]:
        if n.startswith("Recorded but not used"):
            continue
        line = f"- Every case: {n}" if n in shared else f"- Seelisberg Tunnel: {n}"
        assert line in text.stdout
