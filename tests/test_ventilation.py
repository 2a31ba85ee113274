"""Ventilation plants sized by the route each serves (issue 12: systems sized from the tunnel)."""

from __future__ import annotations

import dataclasses

import pytest

import beringia
from beringia.core.construction import ConstructionInputs, ventilation_plants
from beringia.errors import ScenarioError
from beringia.models.alignment import alignment_for
from beringia.models.construction.compile import compile_construction


def _inputs(*overrides: str) -> ConstructionInputs:
    sc = beringia.load_scenario("bering-strait", list(overrides))
    return compile_construction(sc, alignment_for(sc))


def test_plants_by_hand() -> None:
    inp = _inputs()
    chain = [p.chainage_m for p in inp.points]
    served = [
        (chain[1] - chain[0]) / 2,
        (chain[2] - chain[0]) / 2,
        (chain[3] - chain[1]) / 2,
        (chain[3] - chain[2]) / 2,
    ]
    expected = sum((s / 20_000.0) ** 0.6 for s in served)
    assert ventilation_plants(inp) == pytest.approx(expected, rel=1e-12)
    # unsized: one plant each; exponent 0: one each too; exponent 1: route / reference
    assert ventilation_plants(dataclasses.replace(inp, ventilation_reference_m=None)) == 4.0
    assert ventilation_plants(dataclasses.replace(inp, ventilation_exponent=0.0)) == 4.0
    one = dataclasses.replace(inp, ventilation_exponent=1.0)
    assert ventilation_plants(one) == pytest.approx(chain[-1] / 20_000.0, rel=1e-12)


def test_a_plant_serving_more_route_costs_more() -> None:
    base = _inputs()
    far = dataclasses.replace(base, ventilation_reference_m=10_000.0)
    assert ventilation_plants(far) > ventilation_plants(base)
    # fewer attack points: each plant serves more, so each costs more, but there are fewer
    two = dataclasses.replace(base, points=(base.points[0], base.points[-1]))
    assert ventilation_plants(two) == pytest.approx(2 * (base.length_m / 2 / 20_000.0) ** 0.6)


def test_fitout_cost_follows_the_plants() -> None:
    a = beringia.assess(beringia.load_scenario("bering-strait"), draws=200, seed=5)
    b = beringia.assess(
        beringia.load_scenario(
            "bering-strait", ["construction.fitout.ventilation_reference_km=10"]
        ),
        draws=200,
        seed=5,
    )
    assert (b.breakdown_usd_bn["fitout"] > a.breakdown_usd_bn["fitout"]).all()


@pytest.mark.parametrize(
    "overrides",
    [
        ["construction.fitout.ventilation_size_exponent=null"],
        ["construction.fitout.ventilation_size_exponent=1.5"],
        ["construction.fitout.ventilation_reference_km=0"],
        ["construction.fitout.ventilation_reference_km=0.001"],
    ],
)
def test_bad_sizing_is_refused(overrides: list[str]) -> None:
    with pytest.raises(ScenarioError, match="ventilation"):
        beringia.load_scenario("bering-strait", overrides)
