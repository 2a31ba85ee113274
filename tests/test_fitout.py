"""Systems sized from the tunnel: emergency stations and ventilation plants."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import beringia
from beringia.core.construction import emergency_stations, simulate_block, ventilation_plants
from beringia.errors import ScenarioError
from beringia.models.construction.compile import compile_construction
from beringia.scenario.io import read_document


@pytest.mark.parametrize(
    ("length_km", "stations"),
    [(15.0, 0), (20.0, 0), (20.5, 1), (40.0, 1), (57.0, 2), (97.0, 4), (112.0, 5)],
)
def test_stations_are_the_fewest_that_keep_every_gap_within_20_km(
    length_km: float, stations: int
) -> None:
    inp = compile_construction(beringia.load_scenario("bering-strait"))
    last = dataclasses.replace(inp.points[-1], chainage_m=length_km * 1000.0)
    assert emergency_stations(dataclasses.replace(inp, points=(*inp.points[:-1], last))) == stations


def test_fitout_pays_for_every_station_and_plant() -> None:
    sc = beringia.load_scenario("bering-strait")
    inp = compile_construction(sc)
    without = dataclasses.replace(inp, ventilation_plant=None, station_cost=None)
    a, b = simulate_block(inp, 1, 0, 500), simulate_block(without, 1, 0, 500)
    extra = a.breakdown_usd_bn["fitout"] - b.breakdown_usd_bn["fitout"]
    x = a.inputs
    # each plant sized by the route it serves (four attack points: 4.48 reference plants)
    assert ventilation_plants(inp) == pytest.approx(4.48, abs=0.005)
    plants = ventilation_plants(inp) * x["construction.fitout.ventilation_plant_usd_m_each"]
    stations = 4 * x["construction.fitout.emergency_station_usd_m_each"]
    materials = x["construction.arctic.materials_cost_factor"]
    np.testing.assert_allclose(extra, materials * (plants + stations) / 1000.0)


def test_a_spacing_without_a_station_cost_is_an_error() -> None:
    doc = read_document("bering-strait")
    del doc["construction"]["fitout"]["emergency_station_usd_m_each"]
    with pytest.raises(ScenarioError, match="give both emergency_station_spacing_km"):
        beringia.load_scenario(doc)
