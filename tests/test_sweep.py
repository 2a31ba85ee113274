"""Sweeps: parsing, grid and hypercube designs, common random numbers, CLI outputs and errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from beringia.cli import app
from beringia.core.stats import quantiles
from beringia.errors import ScenarioError
from beringia.pipeline import assess
from beringia.pipeline.sweep import Axis, grid_points, lhs_points, parse_vary, sweep

SHORT = ("operations.simulated_years=8",)
SERVICE = "construction.bores.2.diameter_m"
LABOUR = "construction.arctic.labour_cost_factor"


def test_parse_vary_forms() -> None:
    assert parse_vary("a.b=1,2,3") == Axis("a.b", (1, 2, 3))
    assert parse_vary("a=0.5,x") == Axis("a", (0.5, "x"))
    assert parse_vary("a=0:1:3") == Axis("a", (0.0, 0.5, 1.0))
    assert parse_vary("a=2:2:1") == Axis("a", (2.0,))
    assert parse_vary(" a = -1:1 ") == Axis("a", (), -1.0, 1.0)


@pytest.mark.parametrize("text", ["a=", "novalue", "=1,2", "a=2:1:3", "a=0:1:0", "a=x:1:2"])
def test_parse_vary_refuses(text: str) -> None:
    with pytest.raises(ScenarioError):
        parse_vary(text)


def test_grid_is_every_combination_first_axis_slowest() -> None:
    pts = grid_points([Axis("a", (1, 2)), Axis("b", ("x", "y", "z"))])
    assert [(p["a"], p["b"]) for p in pts] == [
        (1, "x"),
        (1, "y"),
        (1, "z"),
        (2, "x"),
        (2, "y"),
        (2, "z"),
    ]
    with pytest.raises(ScenarioError, match="--lhs"):
        grid_points([Axis("a", (), 0.0, 1.0)])


def test_latin_hypercube_fills_every_stratum_once() -> None:
    n = 8
    pts = lhs_points([Axis("a", (), 0.0, 1.0), Axis("b", (), 10.0, 30.0)], n, seed=3)
    assert len(pts) == n
    for path, lo, hi in (("a", 0.0, 1.0), ("b", 10.0, 30.0)):
        x = np.array([p[path] for p in pts])
        strata = np.floor((x - lo) / (hi - lo) * n).astype(int)
        assert sorted(strata) == list(range(n))
    assert lhs_points([Axis("a", (), 0.0, 1.0)], 5, seed=3) == lhs_points(
        [Axis("a", (), 0.0, 1.0)], 5, seed=3
    )
    with pytest.raises(ScenarioError):
        lhs_points([Axis("a", (1, 2))], 4, seed=3)
    with pytest.raises(ScenarioError):
        lhs_points([Axis("a", (), 0.0, 1.0)], 0, seed=3)


def test_sweep_points_are_the_runs_themselves() -> None:
    sw = sweep(
        "bering-strait",
        grid_points([Axis(SERVICE, (5.0, 7.0))]),
        overrides=SHORT,
        draws=200,
        seed=4,
    )
    small, large = (p.metrics["cost_usd_bn"] for p in sw.points)
    assert small["mean"] < large["mean"]
    direct = assess("bering-strait", overrides=(*SHORT, f"{SERVICE}=7.0"), draws=200, seed=4)
    assert sw.points[1].metrics["cost_usd_bn"] == quantiles(direct.cost_usd_bn)
    assert sw.points[1].claims == {c.name: c.probability for c in direct.claims}
    frame = sw.to_frame()
    assert list(frame[SERVICE]) == [5.0, 7.0]
    assert (
        frame["cost_usd_bn.p50"].iloc[1] == direct.to_dict()["construction"]["cost_usd_bn"]["p50"]
    )


def test_cli_sweep_writes_table_json_and_page(runner: CliRunner, cwd: Path) -> None:
    res = runner.invoke(
        app,
        [
            "sweep",
            "--vary",
            f"{SERVICE}=5,7",
            "--vary",
            "construction.arctic.labour_cost_factor=1,2",
            "-n",
            "100",
            "--set",
            SHORT[0],
            "--out",
            "t.csv",
            "--report",
            "s.html",
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert d["design"] == "grid" and len(d["points"]) == 4
    table = pd.read_csv(cwd / "t.csv")
    assert len(table) == 4 and "claim.Dmitriev 2025: under $8bn and under 8 years" in table
    page = (cwd / "s.html").read_text()
    assert page.count('class="figure"') >= 4 and "heatmap" in page


@pytest.mark.parametrize(
    ("args", "named"),
    [
        ([], "--vary"),
        (["--vary", "construction.nothing=1,2"], "construction.nothing"),
        (["--vary", f"{SERVICE}=-1,2"], "diameter_m: got -1"),
        (["--vary", f"{SERVICE}=5:7"], "--lhs"),
        (["--vary", f"{SERVICE}=5,7", "--out", "t.xlsx"], "--out"),
        (["--vary", f"{SERVICE}=5:7:0"], SERVICE),
    ],
)
def test_cli_sweep_errors(runner: CliRunner, cwd: Path, args: list[str], named: str) -> None:
    res = runner.invoke(app, ["sweep", "-n", "50", *args])
    assert res.exit_code == 2, res.output
    assert named in res.output and "Traceback" not in res.output
    assert list(cwd.iterdir()) == []
