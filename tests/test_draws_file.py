"""Per-draw Parquet output: contents equal to Assessment.draws(), units, provenance, errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import beringia
from beringia.cli import app
from beringia.draws_file import column_unit

SHORT = ["--set", "operations.simulated_years=8"]


@pytest.mark.parametrize(
    ("column", "unit"),
    [
        ("cost_usd_bn", "USD bn (2025)"),
        ("heading.x.duration_years", "years"),
        ("tunnel.payback_year", "years after notice to proceed"),
        ("tunnel.irr", "fraction a year"),
        ("tunnel.irr_with_residual", "fraction a year"),
        ("whole_corridor.revenue_cost_ratio", "ratio"),
        ("corridor.discount_rate", "fraction a year"),
        ("input.construction.arctic.labour_cost_factor", "ratio"),
        ("input.route.attack_points.x.marine_works_days", "days"),
        ("input.construction.something", "as in the scenario"),
    ],
)
def test_column_units_known_answers(column: str, unit: str) -> None:
    assert column_unit(column) == unit


def test_parquet_holds_every_draw_with_its_provenance(tmp_path: Path) -> None:
    a = beringia.assess(
        "bering-strait", overrides=["operations.simulated_years=8"], draws=300, seed=5
    )
    path = beringia.write_draws(a, tmp_path / "sub" / "d.parquet")
    table = pq.read_table(path)
    meta = table.schema.metadata
    assert meta[b"beringia.scenario_sha256"].decode() == a.scenario_sha256
    assert int(meta[b"beringia.seed"]) == 5 and int(meta[b"beringia.draws"]) == 300
    frame = table.to_pandas()
    expected = a.draws()
    assert list(frame.columns) == list(expected.columns)
    assert frame.index.name == "draw" and len(frame) == 300
    np.testing.assert_array_equal(frame.to_numpy(), expected.to_numpy())
    units = json.loads(meta[b"beringia.units"])
    assert set(units) == set(frame.columns)
    assert units["cost_usd_bn"] == "USD bn (2025)"


def test_cli_draws_out(runner: CliRunner, cwd: Path) -> None:
    res = runner.invoke(
        app, ["assess", "-n", "200", "--json", "--draws-out", "out/d.parquet", *SHORT]
    )
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    table = pq.read_table(cwd / "out" / "d.parquet")
    assert table.num_rows == 200
    assert table.schema.metadata[b"beringia.scenario_sha256"].decode() == d["scenario"]["sha256"]


def test_cli_draws_out_to_a_folder_fails_before_the_run(runner: CliRunner, cwd: Path) -> None:
    (cwd / "folder").mkdir()
    res = runner.invoke(app, ["assess", "-n", "200", "--json", "--draws-out", "folder", *SHORT])
    assert res.exit_code == 2, res.output
    assert "--draws-out" in res.output and "Traceback" not in res.output
    assert sorted(p.name for p in cwd.iterdir()) == ["folder"]
    assert list((cwd / "folder").iterdir()) == []


def test_draws_carry_the_inside_view_never_above_the_headline() -> None:
    import beringia

    a = beringia.assess(beringia.load_scenario("bering-strait"), draws=400, seed=9)
    t = a.draws(inputs=False)
    assert (t["inside.cost_usd_bn"] <= t["cost_usd_bn"]).all()
    assert (t["inside.duration_years"] <= t["duration_years"]).all()
    assert (t["inside.cost_usd_bn"] == t["cost_usd_bn"] - t["cost.systemic_usd_bn"]).mean() > 0.99
