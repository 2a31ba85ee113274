"""The public API: ``import beringia`` is light, every name works, and the jobs agree."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

import beringia
from beringia.core.construction import simulate_block
from beringia.models.alignment import alignment_for
from beringia.models.construction.compile import compile_construction
from beringia.models.construction.run import anchor_programme
from beringia.pipeline.assess import STAGES

HEAVY = ("scipy", "pyproj", "pandas", "networkx", "pydantic", "plotly", "jinja2", "searoute")


def test_import_beringia_loads_nothing_heavy() -> None:
    code = (
        "import sys, json, beringia, beringia.cli;"
        f"print(json.dumps([m for m in {list(HEAVY)!r} if m in sys.modules]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_every_public_name_resolves() -> None:
    for name in beringia.__all__:
        assert getattr(beringia, name) is not None, name
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        _ = beringia.nonsense  # type: ignore[attr-defined]


def test_api_accepts_a_name_and_overrides() -> None:
    a = beringia.assess(
        "bering-strait", overrides=["construction.bores.0.diameter_m=7"], draws=50, seed=3
    )
    assert a.scenario.construction.bores[0].diameter_m == 7
    b = beringia.assess(a.scenario, draws=50, seed=3)
    np.testing.assert_array_equal(a.cost_usd_bn, b.cost_usd_bn)


def test_draws_table_labels_every_draw_and_its_inputs() -> None:
    sc = beringia.load_scenario("bering-strait")
    a = beringia.assess(sc, draws=5000, seed=11)  # two blocks
    t = a.draws()
    assert len(t) == 5000 and t.index.name == "draw"
    np.testing.assert_array_equal(t["cost_usd_bn"].to_numpy(), a.cost_usd_bn)
    np.testing.assert_array_equal(t["tunnel.npv_usd_bn"].to_numpy(), a.corridor.tunnel.npv_usd_bn)
    parts = t[[c for c in t.columns if c.startswith("cost.")]].sum(axis=1).to_numpy()
    np.testing.assert_allclose(parts, a.cost_usd_bn, rtol=1e-9)
    # the inputs, drawn again, are exactly those the run used (block 0 and block 1)
    inp = anchor_programme(sc, compile_construction(sc, alignment_for(sc)))
    for block, start in ((0, 0), (1, 4096)):
        used = simulate_block(inp, 11, block, min(4096, 5000 - start)).inputs
        for key, values in used.items():
            np.testing.assert_array_equal(
                t[f"input.{key}"].to_numpy()[start : start + values.size], values
            )
    assert sum(c.startswith("input.") for c in t.columns) == len(used) > 10
    assert not any(c.startswith("input.") for c in a.draws(inputs=False).columns)


def test_progress_reports_every_stage_in_order() -> None:
    calls: list[tuple[str, int, int]] = []
    beringia.assess(
        "bering-strait", draws=9000, seed=1, progress=lambda s, d, n: calls.append((s, d, n))
    )
    stages = [s for s, _, _ in calls]
    assert sorted(set(stages), key=STAGES.index) == list(STAGES)
    assert [s for i, s in enumerate(stages) if i == 0 or stages[i - 1] != s] == list(STAGES)
    construction = [(d, n) for s, d, n in calls if s == "construction"]
    assert construction[-1] == (9000, 9000) and len(construction) == 3  # one per block
    corridor = [(d, n) for s, d, n in calls if s == "corridor"]
    assert corridor == [(0, 9000), (4096, 9000), (8192, 9000), (9000, 9000)]  # per block
    hindcast: list[str] = []
    beringia.assess("channel-tunnel", draws=10, progress=lambda s, d, n: hindcast.append(s))
    assert set(hindcast) == {"construction"}  # no operations or corridor section


def test_validate_runs_the_hindcast_money_checks() -> None:
    # The outturn is converted through the scenario's own money: a price base before the
    # local price index begins is refused by validate, as by hindcast (not after a run).
    with pytest.raises(beringia.ScenarioError, match="price_base_year"):
        beringia.validate("channel-tunnel", ["price_base_year=1960"])
    v = beringia.validate("channel-tunnel")
    assert v.outcome_cost_usd_bn is not None and v.outcome_cost_usd_bn > 1
    assert v.lines()[0].startswith("ok: channel-tunnel")


def test_validate_describes_the_whole_scenario() -> None:
    v = beringia.validate("bering-strait")
    assert v.train_types and v.capacity_trains_per_day and v.route_pairs
    assert any(line.startswith("corridor:") for line in v.lines())


def test_claims_job_adds_a_claim() -> None:
    a = beringia.claims(
        "bering-strait",
        add=[{"name": "mine", "max_cost_bn": 500.0, "source": "a test"}],
        draws=200,
        seed=2,
    )
    mine = [c for c in a.claims if c.name == "mine"]
    assert mine and mine[0].probability == pytest.approx(np.mean(a.cost_usd_bn <= 500.0))


def test_corridor_job_needs_a_corridor() -> None:
    with pytest.raises(beringia.ScenarioError, match="no corridor section"):
        beringia.corridor("channel-tunnel", draws=10)


def test_operations_job_matches_the_assessment_on_the_scenario_timetable() -> None:
    ops = beringia.operations("bering-strait", seed=5, years=3)
    a = beringia.assess(
        "bering-strait",
        overrides=["market.timetable=scenario"],
        draws=10,
        seed=5,
        operations_years=3,
    )
    assert a.operations is not None
    assert ops.to_dict() == a.operations.to_dict()
    assert a.operations.to_dict()["timetable"]["follows"] == "scenario"


def test_the_assessment_simulates_the_timetable_that_carries_the_median_demand() -> None:
    ops = beringia.operations("bering-strait", seed=5, years=3)
    a = beringia.assess("bering-strait", draws=200, seed=5, operations_years=3)
    assert a.operations is not None and a.corridor is not None
    tt = a.operations.to_dict()["timetable"]
    assert tt["follows"] == "demand"
    teu = a.corridor.teu_per_train
    for d in ("eastbound", "westbound"):
        boxes = float(
            np.median(a.corridor.carried_teu_per_year[d] + a.corridor.empty_teu_per_year[d])
        )
        assert tt["teu_per_year"][d] == pytest.approx(boxes)
        assert tt["timetabled_trains_per_day"][d] == round(boxes / teu / 365.0)
    # capacity and headways are the scenario mix's; the simulated years are the demand's
    assert a.operations.capacity == ops.capacity
    passenger = 4  # the built-in's passenger trains a day each way, kept
    east = tt["timetabled_trains_per_day"]["eastbound"]
    west = tt["timetabled_trains_per_day"]["westbound"]
    assert a.operations.demand_per_day == max(east, west) + passenger
    run = a.operations.annual.trains_run_per_direction
    assert run.max() <= 365 * (max(east, west) + passenger)
    # the corridor's traffic block names what this timetable offers, not the scenario's
    assert a.corridor.timetable_teu_per_year == max(east, west) * teu * 365.0


def test_write_report_from_the_api(tmp_path) -> None:  # type: ignore[no-untyped-def]
    a = beringia.assess("bering-strait", draws=100, seed=1)
    path = beringia.write_report(a, tmp_path / "r.html")
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
