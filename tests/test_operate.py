"""Operations of a scenario: glue, errors, shortfall, JSON contract, reproducibility."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import beringia
from beringia.cli import app
from beringia.core.traindynamics import Profile, TrainCannotClimbError
from beringia.errors import ScenarioError
from beringia.models.alignment import alignment_for
from beringia.models.operations import (
    assess_operations,
    compile_operations,
    section_running_s,
    tunnel_track,
)
from beringia.scenario.io import builtin_text

YEARS = 40

WEAK = """
[[operations.trains]]
name = "weakling"
gauge_mm = 1435
length_m = 700
mass_t = 4000
rotating_mass_factor = 1.06
davis_a_n = 50000
davis_b_n_per_m_s = 0
davis_c_n_per_m2_s2 = 200
tractive_effort = [[0, 250], [50, 100], [100, 50]]
max_speed_kmh = 100
service_brake_m_s2 = 0.3
emergency_brake_m_s2 = 0.5
source = "test"

[[operations.traffic]]
train = "weakling"
trains_per_day = 2
entry_delay_mean_min = 0
source = "test"
"""


def with_weak_train(tmp_path: Path, curve: str | None = None) -> Path:
    text = builtin_text("bering-strait")
    anchor = '[[operations.traffic]]\ntrain = "container-1520"'
    assert text.count(anchor) == 1
    weak = WEAK if curve is None else WEAK.replace("[[0, 250], [50, 100], [100, 50]]", curve)
    path = tmp_path / "weak.toml"
    path.write_text(text.replace(anchor, weak + "\n" + anchor))
    return path


@pytest.fixture(scope="module")
def ops() -> beringia.Scenario:
    return beringia.load_scenario("bering-strait")


def test_operations_figures_hang_together(ops: beringia.Scenario) -> None:
    res = assess_operations(ops, alignment_for(ops), seed=3, years=YEARS)
    d = res.to_dict()
    names = [t.train for t in ops.operations.traffic]  # type: ignore[union-attr]
    assert list(d["running_time_min"]) == names
    length_km = tunnel_track(ops, alignment_for(ops), ops.operations).position_m[-1] / 1000  # type: ignore[arg-type]
    for n in names:
        # no train beats the line speed; the allowance is 5 %
        assert d["running_time_min"][n] >= length_km / 160 * 60 * 1.05 - 1e-9
    assert set(d["min_headway_s"]) == {f"{a}->{b}" for a in names for b in names}
    # a fast train behind a slow one waits at least the difference of running times
    gap = (d["running_time_min"]["container-1520"] - d["running_time_min"]["passenger"]) * 60
    assert d["min_headway_s"]["container-1520->passenger"] >= gap
    cap = res.capacity
    # The nightly possession (6 h from 00:00) leaves 18 h of double-bore working; in single-
    # bore working the switch is the longest running time through a section between the
    # island crossovers + 300 s, the cycle 2 (100 min + switch): direction 0 is green from 0,
    # direction 1 from 100 min + switch, each green cut at 6 h - switch (the bore must clear).
    # The capacity uses the less open direction.
    section_s = compile_operations(ops, alignment_for(ops)).inputs.single_bore_running_s
    assert section_s is not None and section_s < max(d["running_time_min"].values()) * 60
    switch_min = section_s / 60.0 + 5.0
    cycle, stop = 2 * (100.0 + switch_min), 360.0 - switch_min
    greens = [0.0, 0.0]
    for k in range(3):
        for direction, start in enumerate((k * cycle, k * cycle + 100.0 + switch_min)):
            greens[direction] += max(0.0, min(start + 100.0, stop) - start)
    open_h = 18.0 + min(greens) / 60.0
    assert res.open_hours_per_day == pytest.approx(open_h)
    assert d["capacity_open_hours_per_day"] == pytest.approx(open_h)
    assert cap.trains_per_day == pytest.approx(0.6 * open_h * 3600 / cap.mean_headway_s)
    assert cap.trains_per_day < 0.6 * 24 * 3600 / cap.mean_headway_s * 0.85
    a = d["annual"]
    for key in (
        "trains_per_direction",
        "freight_mt_per_direction",
        "teu_per_direction",
        "availability",
        "mean_delay_min",
    ):
        assert set(a[key]) == {"mean", "p5", "p10", "p50", "p80", "p90", "p95"}
    assert 0 < a["availability"]["p50"] <= 1
    assert a["trains_per_direction"]["p95"] <= 52 * 365
    # tonnes and TEU are trains run times the payload of each type
    run = res.annual.trains_run.sum(axis=1)
    teu = np.array([res.teu[n] for n in names])
    assert np.allclose(res.annual.teu.sum(axis=1), run @ teu)
    assert d["shortfall"] is None


def test_years_are_reproducible_and_independent_of_the_count(ops: beringia.Scenario) -> None:
    al = alignment_for(ops)
    a = assess_operations(ops, al, seed=9, years=300)
    b = assess_operations(ops, al, seed=9, years=300)
    c = assess_operations(ops, al, seed=9, years=270)
    assert np.array_equal(a.annual.availability, b.annual.availability)
    assert np.array_equal(a.annual.availability[:270], c.annual.availability)
    assert np.array_equal(a.annual.trains_run[:270], c.annual.trains_run)


def test_a_train_too_weak_to_climb_is_named_with_its_chainage(tmp_path: Path) -> None:
    sc = beringia.load_scenario(with_weak_train(tmp_path))
    with pytest.raises(TrainCannotClimbError) as info:
        assess_operations(sc, alignment_for(sc), seed=1, years=2)
    assert "weakling" in str(info.value) and " km" in str(info.value)


def test_cli_weak_train_and_bad_curve(tmp_path: Path, runner: CliRunner) -> None:
    weak = with_weak_train(tmp_path)
    result = runner.invoke(app, ["operations", str(weak), "--years", "2"])
    assert result.exit_code == 2 and result.stdout == ""
    assert "weakling" in result.stderr and "chainage" in result.stderr
    bad = with_weak_train(tmp_path, "[[0, 250], [50, 100], [40, 50]]")
    result = runner.invoke(app, ["operations", str(bad), "--years", "2"])
    assert result.exit_code == 2
    err = result.stderr.strip()
    assert "operations.trains.weakling.tractive_effort" in err and "function of speed" in err
    assert len(err.splitlines()) <= 2


def test_wrong_gauge_is_refused() -> None:
    with pytest.raises(ScenarioError, match="1520 mm train cannot run"):
        beringia.load_scenario("bering-strait", ["operations.track_gauges_mm=[1435]"])


def test_too_many_trains_is_a_reported_shortfall(ops: beringia.Scenario) -> None:
    sc = beringia.load_scenario(
        "bering-strait", ["operations.traffic.container-1520.trains_per_day=300"]
    )
    res = assess_operations(sc, alignment_for(sc), seed=2, years=5)
    msg = res.shortfall_message()
    assert msg is not None and "312 trains a day" in msg
    assert np.all(res.annual.shortfall.sum(axis=1) > 0)


def test_assess_json_has_the_operations_contract(runner: CliRunner, cwd: Path) -> None:
    result = runner.invoke(
        app, ["assess", "--draws", "300", "--json", "--set", "operations.simulated_years=20"]
    )
    assert result.exit_code == 0, result.output
    ops = json.loads(result.stdout)["operations"]
    assert {
        "running_time_min",
        "min_headway_s",
        "capacity_trains_per_day_per_direction",
        "annual",
    } <= set(ops)
    assert {
        "trains_per_direction",
        "freight_mt_per_direction",
        "teu_per_direction",
        "availability",
        "mean_delay_min",
    } <= set(ops["annual"])
    assert all("->" in k for k in ops["min_headway_s"])


def test_validate_runs_the_trains_too(tmp_path: Path, runner: CliRunner) -> None:
    ok = runner.invoke(app, ["validate", "bering-strait"])
    assert ok.exit_code == 0 and "operations: 3 train types" in ok.stdout
    result = runner.invoke(app, ["validate", str(with_weak_train(tmp_path))])
    assert result.exit_code == 2 and "weakling" in result.stderr and result.stdout == ""


ONE_LOCO = """
[[operations.trains]]
name = "one-2es10"
gauge_mm = 1520
length_m = 1228
mass_t = 5200
rotating_mass_factor = 1.06
davis_a_n = 72986
davis_c_n_per_m2_s2 = 257.6
davis_b_n_per_m_s = 0
tractive_effort = [[0, 784], [38.6, 784], [60, 504], [100, 302.4]]
max_speed_kmh = 100
service_brake_m_s2 = 0.3
emergency_brake_m_s2 = 0.5
adhesive_mass_t = 200
restart_adhesion = 0.25
source = "test: the container train before issue 13, one 2ES10"

[[operations.traffic]]
train = "one-2es10"
trains_per_day = 2
entry_delay_mean_min = 0
source = "test"
"""


def test_one_locomotive_cannot_restart_5200_t_on_the_ruling_gradient(tmp_path: Path) -> None:
    # 0.25 x 200 t x 9.81 = 490.5 kN against 72,986 / 5,200 = 14.04 N/t of rolling resistance
    # and 9,810 x sin(atan(0.0125)) = 122.6 N/t of grade: at most 3,589 t (trailing 3,389 t).
    text = builtin_text("bering-strait")
    anchor = '[[operations.traffic]]\ntrain = "container-1520"'
    path = tmp_path / "one.toml"
    path.write_text(text.replace(anchor, ONE_LOCO + "\n" + anchor))
    sc = beringia.load_scenario(path)
    with pytest.raises(ScenarioError) as info:
        assess_operations(sc, alignment_for(sc), seed=1, years=2)
    msg = str(info.value)
    assert msg.startswith("operations.trains.one-2es10.mass_t: got 5200.0")
    limit = 490_500.0 / (72_986.0 / 5_200.0 + 9_810.0 * np.sin(np.arctan(0.0125)))
    assert f"at most {limit:,.0f} t (trailing load {limit - 200:,.0f} t)" in msg
    assert "12.5 per mille" in msg


def test_a_scenario_train_with_a_resistance_table_runs(tmp_path: Path) -> None:
    # The weak train's Davis (A = 50 kN, C = 200 N/(m/s)^2) as a table: the same running time
    # within the table's linear interpolation, on the scenario's alignment.
    table = ", ".join(
        f"[{v}, {(50_000 + 200 * (v / 3.6) ** 2) / 1000:.6f}]" for v in range(0, 101, 5)
    )
    strong = "[[0, 900], [50, 600], [100, 400]]"
    sc_davis = beringia.load_scenario(with_weak_train(tmp_path, strong))
    text = with_weak_train(tmp_path, strong).read_text()
    path = tmp_path / "table.toml"
    path.write_text(
        text.replace(
            "max_speed_kmh = 100\n", f"max_speed_kmh = 100\nresistance_table = [{table}]\n", 1
        )
    )
    sc_table = beringia.load_scenario(path)
    assert sc_table.operations.train("weakling").resistance_table is not None  # type: ignore[union-attr]
    a = assess_operations(sc_davis, alignment_for(sc_davis), seed=1, years=2)
    b = assess_operations(sc_table, alignment_for(sc_table), seed=1, years=2)
    assert b.running_time_min["weakling"] == pytest.approx(a.running_time_min["weakling"], rel=1e-3)
    bad = tmp_path / "bad.toml"
    bad.write_text(path.read_text().replace("resistance_table = [[0,", "resistance_table = [[5,"))
    with pytest.raises(ScenarioError, match="resistance_table"):
        beringia.load_scenario(bad)


def test_section_running_time_known_answer() -> None:
    # A head at 20 m/s over 10 km: cuts at 2 km and 7 km leave sections of 100, 250 and
    # 150 s; the longest governs. No cut: the whole run.
    x = np.linspace(0.0, 10_000.0, 101)
    p = Profile("t", x, np.full_like(x, 20.0), x / 20.0, 500.0, 500.0, 500.0)
    assert section_running_s([p], [7_000.0, 2_000.0]) == pytest.approx(250.0)
    assert section_running_s([p], []) == pytest.approx(500.0)


def test_island_crossovers_shorten_single_bore_working(ops: beringia.Scenario) -> None:
    # The built-in scenario has crossovers at both Diomede Islands; without them the whole
    # tunnel is one single-bore section, the switch is longer and fewer hours are open.
    al = alignment_for(ops)
    assert ops.operations is not None
    assert ops.operations.maintenance.crossover_points == ["big-diomede", "little-diomede"]
    crossed = compile_operations(ops, al)
    bare = beringia.load_scenario(
        "bering-strait", overrides=["operations.maintenance.crossover_points=[]"]
    )
    whole = compile_operations(bare, al)
    assert whole.inputs.single_bore_running_s is None
    section = crossed.inputs.single_bore_running_s
    assert section is not None
    assert 0.25 * max(whole.running_s.values()) < section < 0.6 * max(whole.running_s.values())
    assert crossed.open_hours > whole.open_hours
    assert crossed.maintenance_availability > whole.maintenance_availability


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ('operations.maintenance.crossover_points=["atlantis"]', "crossover_points"),
        ("operations.maintenance.crossovers_km=[150.0]", "crossovers_km"),
    ],
)
def test_bad_crossovers_name_the_field(override: str, field: str) -> None:
    sc = beringia.load_scenario("bering-strait", overrides=[override])
    with pytest.raises(ScenarioError) as err:
        compile_operations(sc, alignment_for(sc))
    assert err.value.field == f"operations.maintenance.{field}"
