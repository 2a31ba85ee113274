"""Demand, capacity and what is carried (issue 13): weights, empties, the timetable.

Known answers: two weighted pairs of one flow on the toy corridor summed by hand; carried =
min(demand, capacity) per draw, and min(demand, timetable) when the scenario fixes the
timetable; empty returns by hand. Properties on the built-in scenario: a cheaper sea never
raises rail demand; more weight on a pair never lowers demand. Errors: a pair without a
weight, weights of a flow over 1.
"""

from __future__ import annotations

import dataclasses
import itertools
from typing import Any

import numpy as np
import pytest
from test_corridor_assess import (
    ACCESS_A,
    AT_PORT,
    FRONT_KM_PER_YEAR,
    L_AB,
    NEW_USD_M_PER_KM,
    SEED,
    TEU,
    access,
    builtin_doc,
    operations,
    toy_doc,
    tunnel_draws,
)

from beringia.core.distributions import DistSpec
from beringia.errors import ScenarioError
from beringia.models.construction.compile import tunnel_length_km
from beringia.models.corridor.appraise import assess_corridor, carried_split
from beringia.models.corridor.compile import scenario_appraisal
from beringia.models.corridor.plan import CorridorPlan
from beringia.models.corridor.run import scenario_plan
from beringia.scenario import load_scenario

N = 400


def _two_pair_doc(w1: float, w2: float) -> dict[str, Any]:
    doc = toy_doc(teu=TEU, every_shipped_place=False)
    doc["corridor"]["places"].append(
        {
            "name": "PA2",
            "rail_node": "A",
            "rail_access": access(ACCESS_A[0] + 1.0, ACCESS_A[1] + 500.0),
            "ports": [{"port": "CNSHA", **AT_PORT}],
        }
    )
    doc["corridor"]["routes"] = [
        {"origin": "PA", "destination": "PC", "flow": "asia_us", "weight": w1},
        {"origin": "PA2", "destination": "PC", "flow": "asia_us", "weight": w2},
    ]
    return doc


def _run(doc: dict[str, Any], edit_plan: Any = None, n: int = N) -> Any:
    sc = load_scenario(doc)
    plan = scenario_plan(sc, operations(), tunnel_length_km(sc))
    if edit_plan is not None:
        plan = edit_plan(plan)
    inputs = scenario_appraisal(sc, deepest_invert_m=150.0)  # the drainage's lift, m
    assert inputs is not None
    cost, years = tunnel_draws(n)
    return assess_corridor(inputs, plan, cost, years, seed=SEED)


def test_two_weighted_pairs_by_hand() -> None:
    """Demand = flow TEU x (w1 share1 + w2 share2); the rest of the flow takes no share."""
    w1, w2 = 0.3, 0.5
    res = _run(_two_pair_doc(w1, w2))
    rails = {r.origin: r for r in res.routes if r.mode == "rail"}
    s1, s2 = rails["PA"].share, rails["PA2"].share
    assert s1 is not None and s2 is not None
    assert np.all(s2 < s1)  # the dearer, slower access loses share
    np.testing.assert_allclose(
        res.demand_teu_per_year["eastbound"], TEU * (w1 * s1 + w2 * s2), rtol=1e-12
    )
    # no pair stands for a westbound flow: no loaded westbound demand
    np.testing.assert_array_equal(res.demand_teu_per_year["westbound"], 0.0)


def test_carried_is_the_smaller_of_demand_and_capacity_per_draw() -> None:
    base = _run(_two_pair_doc(0.3, 0.5))
    east = base.demand_teu_per_year["eastbound"]
    cap = float(np.median(east))  # binds on about half the draws

    def small(plan: CorridorPlan) -> CorridorPlan:
        return dataclasses.replace(plan, capacity_teu_per_year=cap)

    res = _run(_two_pair_doc(0.3, 0.5), small)
    np.testing.assert_array_equal(res.demand_teu_per_year["eastbound"], east)  # same draws
    np.testing.assert_array_equal(res.carried_teu_per_year["eastbound"], np.minimum(east, cap))
    assert 0 < np.sum(east > cap) < N
    # the loaded boxes return empty westbound, in the room the westbound capacity leaves
    np.testing.assert_array_equal(res.empty_teu_per_year["westbound"], np.minimum(east, cap))
    np.testing.assert_array_equal(res.empty_teu_per_year["eastbound"], 0.0)
    t = res.traffic_dict()
    assert t["timetable"] == "follows demand"
    assert t["capacity_teu_per_year_per_direction"] == cap


def test_a_fixed_timetable_caps_what_is_carried() -> None:
    doc = _two_pair_doc(0.3, 0.5)
    doc["market"]["timetable"] = "scenario"
    base = _run(_two_pair_doc(0.3, 0.5))
    east = base.demand_teu_per_year["eastbound"]
    slots = float(np.percentile(east, 30))

    def tight(plan: CorridorPlan) -> CorridorPlan:
        return dataclasses.replace(plan, timetable_teu_per_year=slots)

    res = _run(doc, tight)
    np.testing.assert_array_equal(res.carried_teu_per_year["eastbound"], np.minimum(east, slots))
    assert res.traffic_dict()["timetable"] == "fixed by the scenario"


def test_carried_split_by_hand() -> None:
    east = np.array([10.0, 100.0, 5.0])
    west = np.array([4.0, 0.0, 8.0])
    loaded, empty = carried_split(east, west, 50.0)
    np.testing.assert_array_equal(loaded["eastbound"], [10.0, 50.0, 5.0])
    np.testing.assert_array_equal(loaded["westbound"], [4.0, 0.0, 8.0])
    np.testing.assert_array_equal(empty["westbound"], [6.0, 50.0, 0.0])
    np.testing.assert_array_equal(empty["eastbound"], [0.0, 0.0, 3.0])


def _scaled(spec: DistSpec, factor: float) -> DistSpec:
    assert spec.kind in ("fixed", "uniform", "triangular")
    return dataclasses.replace(spec, params=tuple(factor * p for p in spec.params))


@pytest.mark.parametrize("factor", [0.5, 0.8])
def test_a_cheaper_sea_never_raises_rail_demand(factor: float) -> None:
    doc = builtin_doc()

    def cheaper(plan: CorridorPlan) -> CorridorPlan:
        sea = tuple(
            dataclasses.replace(
                p, leg=dataclasses.replace(p.leg, usd_per_feu=_scaled(p.leg.usd_per_feu, factor))
            )
            for p in plan.sea
        )
        return dataclasses.replace(plan, sea=sea)

    base = _run(doc, n=300)
    low = _run(doc, cheaper, n=300)
    for d in ("eastbound", "westbound"):
        assert np.all(low.demand_teu_per_year[d] <= base.demand_teu_per_year[d])
    assert np.any(low.demand_teu_per_year["eastbound"] < base.demand_teu_per_year["eastbound"])


def test_more_weight_on_a_pair_never_lowers_demand() -> None:
    lo = _run(_two_pair_doc(0.3, 0.2))
    hi = _run(_two_pair_doc(0.3, 0.6))
    assert np.all(hi.demand_teu_per_year["eastbound"] >= lo.demand_teu_per_year["eastbound"])


def test_a_pair_without_a_known_weight_is_refused() -> None:
    doc = _two_pair_doc(0.3, 0.5)
    del doc["corridor"]["routes"][1]["weight"]
    sc = load_scenario(doc)
    with pytest.raises(ScenarioError) as e:
        scenario_plan(sc, operations(), tunnel_length_km(sc))
    assert e.value.field == "corridor.routes.1.weight"
    assert e.value.value == "(missing)"
    assert "from 0 to 1" in e.value.allowed


def test_weights_of_a_flow_over_one_are_refused() -> None:
    with pytest.raises(ScenarioError) as e:
        load_scenario(_two_pair_doc(0.6, 0.5))
    assert "corridor.routes" in e.value.field
    assert "at most 1" in e.value.allowed


def test_a_shipped_pair_keeps_its_shipped_weight() -> None:
    doc = builtin_doc()
    doc["corridor"]["routes"] = [{"origin": "Harbin", "destination": "Chicago", "flow": "asia_us"}]
    sc = load_scenario(doc)
    plan = scenario_plan(sc, operations(), tunnel_length_km(sc))
    (pair,) = plan.pairs
    assert pair.weight == pytest.approx(0.061 * 0.207)


# --------------------------------------------------------------------------- building the line


def _toy_build(edit: Any) -> Any:
    doc = toy_doc()
    edit(doc)
    return _run(doc, n=50)


def test_schedule_factor_stretches_the_planned_build_time_by_hand() -> None:
    def slip(doc: dict[str, Any]) -> None:
        doc["corridor"]["build_schedule_factor"] = {"dist": "fixed", "value": 1.5, "source": "t"}

    res = _toy_build(slip)
    np.testing.assert_allclose(res.build_years, 1.5 * L_AB / FRONT_KM_PER_YEAR, rtol=1e-12)


def test_river_crossings_are_priced_as_bridges_by_hand() -> None:
    def bridge(doc: dict[str, Any]) -> None:
        doc["corridor"]["segments"][0]["bridge_km"] = 10.0
        doc["corridor"]["new_build_usd_m_per_km"]["RU"]["bridge"] = {
            "dist": "fixed",
            "value": 400.0,
            "source": "t",
        }

    res = _toy_build(bridge)
    capex = ((L_AB - 10.0) * NEW_USD_M_PER_KM + 10.0 * 400.0) / 1000.0
    np.testing.assert_allclose(res.capex_usd_bn, capex, rtol=1e-12)


def test_a_bridge_longer_than_its_segment_is_refused() -> None:
    doc = toy_doc()
    doc["corridor"]["segments"][0]["bridge_km"] = L_AB + 1.0
    sc = load_scenario(doc)
    with pytest.raises(ScenarioError) as e:
        scenario_plan(sc, operations(), tunnel_length_km(sc))
    assert e.value.field == "corridor.segments.0.bridge_km"
    assert e.value.value == L_AB + 1.0
    assert "at most the segment's length_km" in e.value.allowed


def test_a_bridge_without_a_unit_cost_is_refused() -> None:
    doc = toy_doc()
    doc["corridor"]["segments"][0]["bridge_km"] = 5.0
    sc = load_scenario(doc)
    with pytest.raises(ScenarioError) as e:
        scenario_plan(sc, operations(), tunnel_length_km(sc))
    assert e.value.field == "corridor.new_build_usd_m_per_km.RU.bridge"
    assert e.value.value == "(missing)"


def test_a_longer_bridge_never_costs_less() -> None:
    def bridge(km: float) -> Any:
        def edit(doc: dict[str, Any]) -> None:
            doc["corridor"]["segments"][0]["bridge_km"] = km
            doc["corridor"]["new_build_usd_m_per_km"]["RU"]["bridge"] = {
                "dist": "uniform",
                "low": 300.0,
                "high": 600.0,
                "source": "t",
            }

        return edit

    runs = [_toy_build(bridge(km)) for km in (1.0, 5.0, 20.0)]
    for a, b in itertools.pairwise(runs):
        assert np.all(b.capex_usd_bn > a.capex_usd_bn)


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("edit", "field", "allowed"),
    [
        (lambda d: d["market"].__setitem__("timetable", "fixed"), "market.timetable", "demand"),
        (
            lambda d: d["corridor"]["routes"][0].__setitem__("weight", 1.5),
            "corridor.routes.0.weight",
            "1",
        ),
        (
            lambda d: d["corridor"].__setitem__(
                "build_schedule_factor", {"dist": "fixed", "value": -1.0, "source": "t"}
            ),
            "corridor.build_schedule_factor",
            "0.01",
        ),
    ],
)
def test_bad_demand_and_build_fields_name_field_value_and_allowed(
    edit: Any, field: str, allowed: str
) -> None:
    doc = _two_pair_doc(0.3, 0.5)
    edit(doc)
    with pytest.raises(ScenarioError) as e:
        load_scenario(doc)
    assert e.value.field.startswith(field), e.value.field
    assert allowed in e.value.allowed
    assert e.value.value is not None
