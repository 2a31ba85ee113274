"""``beringia claims`` and ``beringia hindcast`` from the command line."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from beringia.cli import app
from beringia.scenario.io import hindcast_names
from beringia.tables.money import money_table

MINE = '{name = "Mine", max_cost_bn = 20, currency = "EUR", year = 2020, source = "my estimate"}'


def test_claims_json_adds_a_users_claim(runner: CliRunner, cwd: Path) -> None:
    result = runner.invoke(app, ["claims", "--draws", "500", "--json", "--claim", MINE])
    assert result.exit_code == 0, result.output
    d = json.loads(result.stdout)
    names = [c["name"] for c in d["claims"]]
    assert names[-1] == "Mine" and len(names) == 5
    mine = d["claims"][-1]
    assert mine["max_cost_usd_bn"] == pytest.approx(money_table().to_usd(20, "EUR", 2020))
    assert mine["implied_usd_m_per_bore_km"] == pytest.approx(
        mine["max_cost_usd_bn"] * 1000 / d["reference"]["bore_km"]
    )
    for c in d["claims"]:
        assert c["sentence"].startswith(c["name"] + ": under the bering-strait scenario")
    assert {"outside_view_cost_usd_bn", "unit_cost_usd_m_per_bore_km", "flags"} <= set(
        d["reference"]
    )
    assert list(cwd.iterdir()) == []  # nothing written


def test_claims_table_prints_sentences(runner: CliRunner, cwd: Path) -> None:
    result = runner.invoke(app, ["claims", "bering-strait-claim", "--draws", "300"])
    assert result.exit_code == 0, result.output
    assert "per bore-km" in result.stdout
    assert "flag:" in result.stdout and "230 m/day" in result.stdout


@pytest.mark.parametrize(
    ("claim", "expected"),
    [
        ('{name = "x", max_cost_bn = 20}', "claims.x.source"),
        ('{name = "x", max_cost_bn = 20, currency = "XYZ", source = "s"}', "unknown currency"),
        ('{name = "x", max_cost_bn = 20, year = 1850, source = "s"}', "year 1850"),
        ("not toml", "--claim"),
    ],
)
def test_claims_bad_claim(runner: CliRunner, cwd: Path, claim: str, expected: str) -> None:
    result = runner.invoke(app, ["claims", "--draws", "100", "--claim", claim])
    assert result.exit_code == 2
    assert result.stdout == ""
    err = result.stderr.strip()
    assert err.startswith("error:") and expected in err and len(err.splitlines()) <= 2


def test_hindcast_json_contract(runner: CliRunner, cwd: Path) -> None:
    names = hindcast_names()
    assert {"channel-tunnel", "gotthard-base", "guadarrama"} <= set(names)
    result = runner.invoke(app, ["hindcast", "--anchored", "--draws", "400", "--json"])
    assert result.exit_code == 0, result.output
    d = json.loads(result.stdout)
    assert d["schedules_anchored_to_programme"] is True
    assert [c["name"] for c in d["cases"]] == names
    keys = {"p10", "p50", "p90", "mean"}
    for c in d["cases"]:
        assert keys <= set(c["cost_usd_bn"]) and keys <= set(c["duration_years"])
        assert c["actual_cost_usd_bn"] > 0 and c["actual_duration_years"] > 0
        assert 0 <= c["cost_percentile_of_actual"] <= 100
        assert 0 <= c["duration_percentile_of_actual"] <= 100
    inside = sum(
        c["cost_usd_bn"]["p10"] <= c["actual_cost_usd_bn"] <= c["cost_usd_bn"]["p90"]
        for c in d["cases"]
    )
    assert d["coverage_p10_p90"]["cost"] == pytest.approx(inside / len(names))
    errors = sorted(
        abs(math.log(c["duration_years"]["p50"] / c["actual_duration_years"])) for c in d["cases"]
    )
    mid = len(errors) // 2
    median = errors[mid] if len(errors) % 2 else (errors[mid - 1] + errors[mid]) / 2
    assert d["median_abs_log_error_p50"]["duration"] == pytest.approx(median)


def test_hindcast_unknown_name(runner: CliRunner, cwd: Path) -> None:
    result = runner.invoke(app, ["hindcast", "atlantis", "--draws", "100"])
    assert result.exit_code == 2
    assert "atlantis" in result.stderr and "channel-tunnel" in result.stderr


def test_hindcast_bottom_up(runner: CliRunner, cwd: Path) -> None:
    result = runner.invoke(
        app, ["hindcast", "guadarrama", "--anchored", "--draws", "300", "--json", "--bottom-up"]
    )
    assert result.exit_code == 0, result.output
    d = json.loads(result.stdout)
    assert d["schedules_anchored_to_programme"] is False and len(d["cases"]) == 1


def test_reference_lists_every_row_in_2025_usd(runner: CliRunner, cwd: Path) -> None:
    from beringia.models.reference.dataset import reference_rows

    result = runner.invoke(app, ["reference", "--json"])
    assert result.exit_code == 0, result.output
    d = json.loads(result.stdout)
    rows = {r["name"]: r for r in d["rows"]}
    assert len(rows) == len(reference_rows()) >= 25
    ch = rows["Channel Tunnel"]
    expected = money_table().to_usd(4.65e9, "GBP", 1985) / 1e9
    assert ch["cost_usd_bn"] == pytest.approx(expected, rel=1e-9)
    assert ch["usd_m_per_route_km"] == pytest.approx(expected * 1000 / 50.45, rel=1e-9)
    assert ch["usd_m_per_bore_km"] == pytest.approx(expected * 1000 / 50.45 / 3, rel=1e-9)
    assert all(r["sources"] for r in d["rows"])
    table = runner.invoke(app, ["reference"])
    assert table.exit_code == 0 and "Channel Tunnel" in table.stdout
