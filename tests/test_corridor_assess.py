"""The corridor, its traffic and the economics of tunnel and corridor (issue 6).

Known answers on a toy network A - B - C (a plain new line, a border dwell, the tunnel) with
fixed inputs: door-to-door rail days and $/FEU by hand, the tunnel's and the corridor's NPV as
closed-form annuities. Properties on the built-in scenario: capacity, discount rate, new-build
length, seeds and processes, the JSON contract, and the China-Europe benchmark.
"""

from __future__ import annotations

import ast
import copy
import dataclasses
import functools
import itertools
import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import beringia.models.alignment as alignment_module
import beringia.models.corridor.appraise as appraise
from beringia.core.economics import npv as real_npv
from beringia.errors import ScenarioError
from beringia.models.alignment import alignment_for
from beringia.models.construction.compile import tunnel_length_km
from beringia.models.corridor.appraise import assess_corridor
from beringia.models.corridor.compile import compile_appraisal, scenario_appraisal
from beringia.models.corridor.network import shipped_doc as shipped_network_doc
from beringia.models.corridor.places import shipped_doc
from beringia.models.corridor.results import CorridorAssessment
from beringia.models.corridor.run import run_corridor, scenario_plan
from beringia.models.operations import OperationsAssessment, assess_operations
from beringia.pipeline.assess import assess
from beringia.scenario import load_scenario
from beringia.scenario.io import read_document
from beringia.scenario.model import Scenario

DRAWS = 500
SEED = 7
OPS_YEARS = 5
QUANTILE_KEYS = {"mean", "p5", "p10", "p50", "p80", "p90", "p95"}


def fixed(value: float) -> dict[str, Any]:
    return {"dist": "fixed", "value": value, "source": "test"}


@functools.cache
def _builtin_doc() -> dict[str, Any]:
    return read_document("bering-strait")


def builtin_doc() -> dict[str, Any]:
    """A fresh copy of the built-in scenario document."""
    return copy.deepcopy(_builtin_doc())


@functools.cache
def _operations() -> tuple[Scenario, OperationsAssessment]:
    sc = load_scenario(builtin_doc())
    return sc, assess_operations(sc, alignment_for(sc), seed=SEED, years=OPS_YEARS)


def operations() -> OperationsAssessment:
    """The built-in's operations (the toy scenarios keep its tunnel, so they share them)."""
    return _operations()[1]


def tunnel_draws(n: int = DRAWS, cost: float = 20.0, years: float = 5.0) -> tuple[Any, Any]:
    return np.full(n, cost), np.full(n, years)


def corridor_run(sc: Scenario, n: int = DRAWS, *, seed: int = SEED, **kw: float) -> Any:
    cost, years = tunnel_draws(n, **kw)
    plan = scenario_plan(sc, operations(), tunnel_length_km(sc))
    return run_corridor(sc, plan, cost, years, seed=seed)


# --------------------------------------------------------------------------- the toy

L_AB = 1000.0  # km of new plain line A - B
V_AB = 50.0  # km/h line speed
SPEED = 0.5  # commercial speed factor
DWELL_B = 10.0  # h at the border B
TERMINAL_DAYS = 1.5
TERMINAL_USD = 700.0
TARIFF = 0.55  # $/FEU-km
TOLL = 400.0  # $/FEU
ACCESS_A = (0.25, 120.0)  # days, $/FEU from place PA to node A
ACCESS_C = (0.75, 80.0)  # days, $/FEU from node C to place PC
NEW_USD_M_PER_KM = 10.0
FRONT_KM_PER_YEAR = 500.0  # one front: the new line takes 2 years
RATE = 0.05
HORIZON = 30
OPEX_KM_YEAR = 60_000.0
ARCTIC = 1.5
TUNNEL_LIFE = 100.0
CORRIDOR_LIFE = 60.0
TEU = 10_000_000.0  # a year per flow, when there is traffic


def access(days: float, usd: float) -> dict[str, Any]:
    return {"days": fixed(days), "usd_per_feu": fixed(usd), "source": "test"}


AT_PORT = access(0.0, 0.0)


def toy_places(every_shipped_place: bool) -> list[dict[str, Any]]:
    toy = [
        {
            "name": "PA",
            "rail_node": "A",
            "rail_access": access(*ACCESS_A),
            "ports": [{"port": "CNSHA", **AT_PORT}],
        },
        {
            "name": "PC",
            "rail_node": "C",
            "rail_access": access(*ACCESS_C),
            "ports": [{"port": "USSEA", **AT_PORT}],
        },
    ]
    if not every_shipped_place:
        return toy
    # the shipped places moved onto the toy network (unused: only PA -> PC is a route)
    return [{**p, "rail_node": "A"} for p in shipped_doc()["places"]] + toy


def toy_doc(*, teu: float = 0.0, every_shipped_place: bool = True) -> dict[str, Any]:
    """The built-in tunnel behind a toy corridor, every corridor and economics input fixed.

    ``teu`` is each flow's yearly demand (0: no traffic at all).
    """
    doc = builtin_doc()
    doc["economics"].pop("tunnel_om")  # the open line's upkeep per bore-km, as hand-checked
    c = doc["corridor"]
    c.update(
        replace_network=True,
        tunnel_segment="Toy tunnel",
        nodes=[
            {"name": "A", "kind": "city", "country": "RU", "lat": 62.0, "lon": 129.7},
            {
                "name": "B",
                "kind": "border",
                "country": "RU",
                "lat": 66.2,
                "lon": -169.8,
                "dwell_h": fixed(DWELL_B),
            },
            {"name": "C", "kind": "city", "country": "US", "lat": 65.6, "lon": -168.1},
        ],
        segments=[
            {
                "from": "A",
                "to": "B",
                "length_km": L_AB,
                "status": "new",
                "gauge_mm": 1435,
                "line_speed_kmh": V_AB,
                "terrain": "plain",
                "country": "RU",
            },
            {
                "from": "B",
                "to": "C",
                "name": "Toy tunnel",
                "length_km": 1.0,  # replaced by the tunnel model's length
                "status": "new",
                "gauge_mm": 1435,
                "electrified": True,
                "line_speed_kmh": 1.0,  # not used: the running time comes from operations
                "terrain": "subsea",
                "country": "US-RU",
            },
        ],
        places=toy_places(every_shipped_place),
        routes=[{"origin": "PA", "destination": "PC", "flow": "asia_us", "weight": 1.0}],
        speed_factor=fixed(SPEED),
        terminal_days=fixed(TERMINAL_DAYS),
        terminal_usd_per_feu=fixed(TERMINAL_USD),
        new_build_usd_m_per_km={"RU": {"plain": fixed(NEW_USD_M_PER_KM)}},
        upgrade_usd_m_per_km=fixed(1.0),
        uplift="none",
        build_fronts=fixed(1.0),
        km_per_year_per_front=fixed(FRONT_KM_PER_YEAR),
        build_schedule_factor=fixed(1.0),
    )
    m = doc["market"]
    m["ramp_up_years"] = fixed(0.0)
    for f in m["flows"]:
        f["teu_per_year"] = fixed(teu)
    e = doc["economics"]
    e.pop("tunnel_renewals", None)  # the closed forms below have no renewals
    e.update(
        horizon_years=HORIZON,
        capex_shape="uniform",
        discount_rate=fixed(RATE),
        toll_usd_per_feu=fixed(TOLL),
        rail_tariff_usd_per_feu_km=fixed(TARIFF),
        opex_usd_per_train_km=fixed(25.0),
        opex_usd_per_route_km_year=fixed(OPEX_KM_YEAR),
        arctic_factor=fixed(ARCTIC),
        tunnel_life_years=fixed(TUNNEL_LIFE),
        corridor_life_years=fixed(CORRIDOR_LIFE),
    )
    return doc


def annuity(r: float, years: int) -> float:
    """Present value of 1 a year booked at the end of years 1 .. ``years``."""
    return (1.0 - (1.0 + r) ** -years) / r


def test_toy_rail_days_and_cost_by_hand() -> None:
    sc = load_scenario(toy_doc())
    ops = operations()
    res = corridor_run(sc, n=300)
    tunnel_km = tunnel_length_km(sc)
    (rail,) = [r for r in res.routes if r.mode == "rail"]
    assert (rail.origin, rail.destination, rail.flow) == ("PA", "PC", "asia_us")
    assert rail.path == ("A", "B", "C")
    assert rail.distance_km == pytest.approx(L_AB + tunnel_km, rel=1e-12)
    # the toy tunnel is 1,435 mm: the 1,435 mm container train runs through it
    tunnel_h = ops.running_time_min["doublestack-na"] / 60.0
    hours = L_AB / (V_AB * SPEED) + tunnel_h + DWELL_B
    days = hours / 24.0 + 2 * TERMINAL_DAYS + ACCESS_A[0] + ACCESS_C[0]
    cost = TARIFF * L_AB + TOLL + TERMINAL_USD + ACCESS_A[1] + ACCESS_C[1]
    np.testing.assert_allclose(rail.transit_days, days, rtol=1e-12)
    np.testing.assert_allclose(rail.cost_usd_per_feu, cost, rtol=1e-12)
    # the tunnel segment carries the model's length, not the 1 km typed in
    (tunnel,) = [s for s in res.network.segments if s.name == "Toy tunnel"]
    assert tunnel.length_km == pytest.approx(tunnel_km, rel=1e-12)
    # the sea alternative of the pair sails the shipped lane between the places' ports
    (sea,) = [r for r in res.routes if r.mode == "sea"]
    assert sea.path == ("CNSHA", "USSEA")


def test_toy_speed_factor_applies_to_the_plain_line_only() -> None:
    """Halving the speed factor doubles the plain line's running time, nothing else."""
    slow = toy_doc()
    slow["corridor"]["speed_factor"] = fixed(SPEED / 2)
    base = corridor_run(load_scenario(toy_doc()), n=50)
    other = corridor_run(load_scenario(slow), n=50)
    extra = L_AB / (V_AB * SPEED) / 24.0
    np.testing.assert_allclose(
        other.routes[0].transit_days - base.routes[0].transit_days, extra, rtol=1e-12
    )


def test_toy_economics_without_traffic_is_a_closed_form() -> None:
    """No demand: NPV = -PV(capex) - PV(fixed opex), all annuities; + PV(residual) apart.

    Tunnel: $20 bn spent evenly over 5 years; open from year 5 for 30 years; fixed maintenance
    per bore-km x the Arctic factor; straight-line residual in year 35 (discounted 36 years).
    Corridor: the tunnel plus 1,000 km of new line at $10 M/km, built in 2 years.
    """
    sc = load_scenario(toy_doc(teu=0.0))
    res = corridor_run(sc, cost=20.0, years=5.0)
    bores = len(sc.construction.bores)
    tunnel_km = tunnel_length_km(sc)
    r = RATE
    operating = annuity(r, 5 + HORIZON) - annuity(r, 5)
    end = (1.0 + r) ** -(5 + HORIZON + 1)
    fixed_t = OPEX_KM_YEAR * tunnel_km * bores * ARCTIC / 1e9
    res_t = 20.0 * (1 - HORIZON / TUNNEL_LIFE) * end
    npv_t = -20.0 / 5 * annuity(r, 5) - fixed_t * operating
    capex_c = L_AB * NEW_USD_M_PER_KM / 1000.0
    fixed_c = fixed_t + OPEX_KM_YEAR * L_AB / 1e9  # the plain line has no Arctic factor
    res_c = res_t + capex_c * (1 - HORIZON / CORRIDOR_LIFE) * end
    npv_c = npv_t - capex_c / 2 * annuity(r, 2) - (fixed_c - fixed_t) * operating
    assert np.all(res.carried_teu_per_year["eastbound"] == 0.0)
    np.testing.assert_allclose(res.capex_usd_bn, capex_c, rtol=1e-12)
    np.testing.assert_allclose(res.build_years, L_AB / FRONT_KM_PER_YEAR, rtol=1e-12)
    np.testing.assert_allclose(res.opening_year, 5.0, rtol=1e-12)
    np.testing.assert_allclose(res.tunnel.npv_usd_bn, npv_t, rtol=1e-10)
    np.testing.assert_allclose(res.corridor.npv_usd_bn, npv_c, rtol=1e-10)
    # the residual value is shown apart: its PV, its share of capex, the NPV with it
    np.testing.assert_allclose(res.tunnel.residual_pv_usd_bn, res_t, rtol=1e-10)
    np.testing.assert_allclose(res.corridor.residual_pv_usd_bn, res_c, rtol=1e-10)
    np.testing.assert_allclose(res.tunnel.npv_with_residual_usd_bn, npv_t + res_t, rtol=1e-10)
    np.testing.assert_allclose(res.corridor.npv_with_residual_usd_bn, npv_c + res_c, rtol=1e-10)
    np.testing.assert_allclose(
        res.tunnel.residual_share_of_capex, 1 - HORIZON / TUNNEL_LIFE, rtol=1e-12
    )
    # no traffic: nobody pays back, shippers save nothing, the economic NPV is the financial one
    assert res.tunnel.p_payback == 0.0 and np.all(np.isnan(res.tunnel.payback_year))
    assert res.tunnel.economic is not None
    np.testing.assert_array_equal(res.tunnel.economic.user_benefit_pv_usd_bn, 0.0)
    np.testing.assert_allclose(res.tunnel.economic.npv_usd_bn, npv_t, rtol=1e-10)
    np.testing.assert_allclose(res.tunnel.capex_usd_bn, 20.0, rtol=1e-12)
    np.testing.assert_allclose(res.corridor.capex_usd_bn, 20.0 + capex_c, rtol=1e-12)
    assert res.tunnel.p_npv_positive == 0.0


def test_toy_tunnel_npv_and_breakeven_with_traffic() -> None:
    """Flat traffic from opening (no ramp): the toll is an annuity on the carried boxes."""
    sc = load_scenario(toy_doc(teu=TEU))
    res = corridor_run(sc, cost=20.0, years=5.0)
    (rail,) = [r for r in res.routes if r.mode == "rail"]
    cap = res.capacity_teu_per_year
    # the one route pair stands for asia_us (eastbound); no pair stands for the other flows
    assert rail.share is not None
    np.testing.assert_allclose(res.demand_teu_per_year["eastbound"], TEU * rail.share, rtol=1e-12)
    np.testing.assert_array_equal(res.demand_teu_per_year["westbound"], 0.0)
    np.testing.assert_array_equal(
        res.carried_teu_per_year["eastbound"], np.minimum(res.demand_teu_per_year["eastbound"], cap)
    )
    bores = len(sc.construction.bores)
    r = RATE
    operating = annuity(r, 5 + HORIZON) - annuity(r, 5)
    end = (1.0 + r) ** -(5 + HORIZON + 1)
    fixed_t = OPEX_KM_YEAR * tunnel_length_km(sc) * bores * ARCTIC / 1e9
    residual = 20.0 * (1 - HORIZON / TUNNEL_LIFE) * end
    base = -20.0 / 5 * annuity(r, 5) - fixed_t * operating  # residual value excluded
    per_teu = TOLL / 2 / 1e9 * operating  # PV of one TEU a year, every operating year
    carried = res.carried_teu_per_year["eastbound"] + res.carried_teu_per_year["westbound"]
    assert np.ptp(carried) > 0  # the share varies with the sea's draws
    np.testing.assert_allclose(res.tunnel.npv_usd_bn, base + carried * per_teu, rtol=1e-10)
    np.testing.assert_allclose(
        res.tunnel.npv_with_residual_usd_bn, base + residual + carried * per_teu, rtol=1e-10
    )
    breakeven = -base / per_teu
    assert 0 < breakeven < 2 * cap
    np.testing.assert_allclose(res.tunnel.breakeven_teu_per_year, breakeven, rtol=1e-10)
    # the NPV is zero at the break-even traffic: positive exactly where more is carried
    assert np.array_equal(res.tunnel.npv_usd_bn > 0, carried > breakeven)
    assert 0 < np.sum(carried > breakeven) < DRAWS
    assert 0 < np.sum(carried == cap) < DRAWS  # the capacity binds on some draws


OM_MAINTENANCE = 400_000.0  # $ a year per running bore-km
OM_SYSTEMS = 200.0  # MWh a year per route-km
OM_INFLOW = 0.1  # m3 a minute per route-km
OM_HEAD = 150.0  # m
OM_PRICE = 0.2  # $ per kWh


def with_tunnel_om(doc: dict[str, Any]) -> dict[str, Any]:
    doc["economics"]["tunnel_om"] = {
        "maintenance_usd_per_bore_km_year": fixed(OM_MAINTENANCE),
        "systems_mwh_per_km_year": fixed(OM_SYSTEMS),
        "inflow_m3_per_min_per_km": fixed(OM_INFLOW),
        "pump_head_m": OM_HEAD,
        "pump_efficiency": 0.7,
        "electricity_usd_per_kwh": fixed(OM_PRICE),
        "source": "test",
    }
    return doc


def test_toy_tunnel_om_by_hand() -> None:
    """The tunnel's own upkeep: maintenance per running bore-km, systems and pumping energy."""
    base_sc = load_scenario(toy_doc())
    om_sc = load_scenario(with_tunnel_om(toy_doc()))
    base = corridor_run(base_sc, cost=20.0, years=5.0)
    res = corridor_run(om_sc, cost=20.0, years=5.0)
    km = tunnel_length_km(om_sc)
    running = sum(b.role == "running" for b in om_sc.construction.bores)
    q = OM_INFLOW * km / 60.0  # m3/s
    pump_mwh = 1025.0 * 9.80665 * q * OM_HEAD / 0.7 * 8766.0 / 1e6
    energy = (OM_SYSTEMS * km + pump_mwh) * 1000.0 * OM_PRICE
    om = (OM_MAINTENANCE * km * running * ARCTIC + energy) / 1e9
    np.testing.assert_allclose(res.tunnel.fixed_opex_usd_bn_per_year, om, rtol=1e-12)
    old = OPEX_KM_YEAR * km * len(om_sc.construction.bores) * ARCTIC / 1e9
    np.testing.assert_allclose(base.tunnel.fixed_opex_usd_bn_per_year, old, rtol=1e-12)
    # no traffic: the NPVs differ by the upkeep's difference over the operating years
    operating = annuity(RATE, 5 + HORIZON) - annuity(RATE, 5)
    np.testing.assert_allclose(
        res.tunnel.npv_usd_bn - base.tunnel.npv_usd_bn, -(om - old) * operating, rtol=1e-9
    )
    np.testing.assert_allclose(
        res.corridor.npv_usd_bn - base.corridor.npv_usd_bn, -(om - old) * operating, rtol=1e-9
    )


def test_tunnel_om_needs_a_pump_head_without_an_alignment() -> None:
    doc = with_tunnel_om(toy_doc())
    del doc["economics"]["tunnel_om"]["pump_head_m"]
    sc = load_scenario(doc)
    assert sc.corridor is not None and sc.market is not None and sc.economics is not None
    with pytest.raises(ScenarioError, match=r"economics\.tunnel_om\.pump_head_m"):
        compile_appraisal(sc.corridor, sc.market, sc.economics, 3, deepest_invert_m=None)
    inputs = scenario_appraisal(sc, deepest_invert_m=123.0)
    assert inputs is not None and inputs.pump_head_m == 123.0
    # without one given, the scenario's own alignment is designed for its deepest invert
    designed = scenario_appraisal(sc)
    al = alignment_for(sc)
    assert designed is not None and al is not None
    assert designed.pump_head_m == al.deepest_invert_m() > 50.0


def test_empty_boxes_ride_trains_that_cost_train_km() -> None:
    """Eastbound demand only: every loaded box returns empty, so train-km costs double."""
    doc = toy_doc(teu=TEU)
    free = copy.deepcopy(doc)
    free["economics"]["opex_usd_per_train_km"] = fixed(0.0)
    sc = load_scenario(doc)
    res = corridor_run(sc, cost=20.0, years=5.0)
    res0 = corridor_run(load_scenario(free), cost=20.0, years=5.0)
    loaded = res.carried_teu_per_year["eastbound"]
    empty = res.empty_teu_per_year["westbound"]
    np.testing.assert_array_equal(empty, loaded)  # room westbound for every box
    plan = scenario_plan(sc, operations(), tunnel_length_km(sc))
    (rail,) = [r for r in plan.rail if r.through_tunnel]
    _, plain, arctic_km = appraise._path_km(rail, plan)
    per_teu = 25.0 * (plain + ARCTIC * arctic_km) / plan.teu_per_train / 1e9
    operating = annuity(RATE, 5 + HORIZON) - annuity(RATE, 5)
    np.testing.assert_allclose(
        res.corridor.npv_usd_bn - res0.corridor.npv_usd_bn,
        -per_teu * (loaded + empty) * operating,
        rtol=1e-9,
    )
    np.testing.assert_array_equal(res.tunnel.npv_usd_bn, res0.tunnel.npv_usd_bn)


def test_replaced_network_needs_only_the_places_its_routes_use() -> None:
    """A replaced network need not carry the rail nodes of unused shipped places."""
    sc = load_scenario(toy_doc(every_shipped_place=False))
    res = corridor_run(sc, n=50)
    assert [r.mode for r in res.routes] == ["rail", "sea"]


def test_corridor_without_new_line_costs_nothing_and_opens_with_the_tunnel() -> None:
    """An upgrade-only corridor: no new-build capex, no build time, opening = tunnel finish."""
    doc = toy_doc()
    doc["corridor"]["segments"][0]["status"] = "existing"
    sc = load_scenario(doc)
    res = corridor_run(sc, n=50, years=6.5)
    np.testing.assert_array_equal(res.capex_usd_bn, 0.0)
    np.testing.assert_array_equal(res.build_years, 0.0)
    np.testing.assert_allclose(res.opening_year, 6.5, rtol=1e-12)


# --------------------------------------------------------------------------- the built-in


@functools.cache
def _builtin_assessment() -> tuple[dict[str, Any], CorridorAssessment]:
    sc = load_scenario(builtin_doc())
    a = assess(sc, draws=DRAWS, seed=SEED, operations_years=OPS_YEARS)
    assert a.corridor is not None
    return a.to_dict(), a.corridor


def builtin_run(edit: Callable[[dict[str, Any]], None] | None = None, **kw: Any) -> Any:
    doc = builtin_doc()
    if edit is not None:
        edit(doc)
    return corridor_run(load_scenario(doc), **kw)


def test_more_tunnel_capacity_never_lowers_carried_traffic() -> None:
    sc = _operations()[0]
    plan = scenario_plan(sc, operations(), tunnel_length_km(sc))
    inputs = scenario_appraisal(sc, deepest_invert_m=150.0)  # the drainage's lift, m
    assert inputs is not None
    cost, years = tunnel_draws(300)
    demand = None
    previous: dict[str, np.ndarray] | None = None
    for cap in (0.0, 2e4, 2e5, 1e6, 1e7, 1e9):
        p = dataclasses.replace(plan, capacity_teu_per_year=cap)
        res = assess_corridor(inputs, p, cost, years, seed=SEED)
        if demand is None:
            demand = res.demand_teu_per_year
        for d, carried in res.carried_teu_per_year.items():
            np.testing.assert_array_equal(res.demand_teu_per_year[d], demand[d])  # same draws
            np.testing.assert_array_equal(carried, np.minimum(demand[d], cap))
            if previous is not None:
                assert np.all(carried >= previous[d])
        previous = res.carried_teu_per_year
    assert previous is not None and demand is not None
    # the largest capacity binds nowhere, the smallest everywhere there is demand
    for d in previous:
        np.testing.assert_array_equal(previous[d], demand[d])
        assert np.all(demand[d] > 0)


def test_npv_falls_as_the_discount_rate_rises_for_conventional_cash_flows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Cash negative up to a year k, then non-negative: ``NPV(r) (1 + r)^k`` falls as r rises.

    So the NPV itself falls wherever it is non-negative. The tunnel's yearly cash flows are
    taken from the NPV call of the appraisal (same seed: the same flows at both rates).
    """
    seen: list[tuple[np.ndarray, np.ndarray]] = []

    def spy(cash: Any, rate: Any, **kw: Any) -> Any:
        seen.append((np.array(cash), np.array(rate)))
        return real_npv(cash, rate, **kw)

    monkeypatch.setattr(appraise, "npv", spy)

    def at(rate: float) -> Callable[[dict[str, Any]], None]:
        def edit(doc: dict[str, Any]) -> None:
            doc["economics"]["discount_rate"] = fixed(rate)
            doc["economics"]["toll_usd_per_feu"] = fixed(2000.0)  # some draws pay back
            doc["economics"].pop("tunnel_renewals", None)  # renewals: outlays after inflows
            doc["economics"].pop("tunnel_om", None)  # its upkeep leaves too few paying draws
            doc["economics"]["rail_tariff_usd_per_feu_km"] = fixed(0.1)  # with cheap rail

        return edit

    r1, r2 = 0.03, 0.06
    lo = builtin_run(at(r1), n=DRAWS, cost=20.0, years=6.0)
    cash = seen[0][0]  # one block of draws: the tunnel's call comes first
    assert cash.shape[0] == DRAWS
    second = len(seen)  # the first NPV call of the second run is again the tunnel's cash
    hi = builtin_run(at(r2), n=DRAWS, cost=20.0, years=6.0)
    np.testing.assert_array_equal(seen[second][0], cash)
    assert seen[0][1].tolist() == [r1] * DRAWS and seen[second][1].tolist() == [r2] * DRAWS

    signs = np.sign(cash)
    first_pos = np.argmax(signs > 0, axis=1)
    cols = np.arange(cash.shape[1])[None, :]
    conventional = (
        (signs[:, 0] < 0)
        & np.any(signs > 0, axis=1)
        & np.all(np.where(cols < first_pos[:, None], signs <= 0, signs >= 0), axis=1)
    )
    assert conventional.sum() >= DRAWS // 5, "too few conventional draws to test"
    k = first_pos[conventional]
    npv1 = lo.tunnel.npv_usd_bn[conventional]
    npv2 = hi.tunnel.npv_usd_bn[conventional]
    tol = 1e-9 * (1.0 + np.abs(npv1))
    assert np.all(npv2 * (1 + r2) ** k <= npv1 * (1 + r1) ** k + tol)
    paying = npv1 >= 0
    assert paying.sum() >= 10, "too few paying draws to test"
    assert np.all(npv2[paying] < npv1[paying])


def test_longer_new_build_never_lowers_corridor_capex() -> None:
    net = shipped_network_doc()
    (nome_wales,) = [s for s in net["segments"] if {s["from"], s["to"]} == {"Nome", "Wales"}]
    assert nome_wales["status"] == "new"

    def longer(extra_km: float) -> Callable[[dict[str, Any]], None]:
        def edit(doc: dict[str, Any]) -> None:
            seg = dict(nome_wales)
            seg["length_km"] = nome_wales["length_km"] + extra_km
            doc["corridor"]["segments"] = [seg]

        return edit

    runs = [builtin_run(longer(x), n=300) for x in (0.0, 50.0, 400.0)]
    for short, long in itertools.pairwise(runs):
        assert np.all(long.capex_usd_bn > short.capex_usd_bn)
        assert np.all(long.build_years > short.build_years)
        assert np.all(long.corridor.capex_usd_bn > short.corridor.capex_usd_bn)
        np.testing.assert_array_equal(long.tunnel.capex_usd_bn, short.tunnel.capex_usd_bn)
    assert runs[1].new_build["new_km"] == pytest.approx(runs[0].new_build["new_km"] + 50.0)


def corridor_json(seed: int, processes: int) -> str:
    sc = load_scenario(builtin_doc())
    d = assess(sc, draws=4500, seed=seed, processes=processes, operations_years=2).to_dict()
    return json.dumps({"corridor": d["corridor"], "economics": d["economics"]}, allow_nan=False)


def test_same_seed_same_json_whatever_the_processes() -> None:
    """4,500 draws are two blocks, so two processes really split the work."""
    one = corridor_json(3, 1)
    assert corridor_json(3, 2) == one
    assert corridor_json(4, 1) != one


def _is_quantiles(q: Any) -> bool:
    return (
        isinstance(q, dict)
        and set(q) == QUANTILE_KEYS
        and all(isinstance(v, float) and math.isfinite(v) for v in q.values())
    )


def test_json_contract() -> None:
    d, res = _builtin_assessment()
    json.dumps(d, allow_nan=False)  # no NaN or infinity anywhere in the answer
    c = d["corridor"]
    assert c["new_build_km"] == pytest.approx(res.new_build["new_km"])
    assert c["new_build_km"] > 6000
    assert _is_quantiles(c["capex_usd_bn"])
    assert c["routes"]
    pairs = set()
    for r in c["routes"]:
        assert {"origin", "destination", "mode", "distance_km"} <= set(r)
        assert r["mode"] in ("rail", "sea", "sea-nsr")
        assert isinstance(r["distance_km"], float) and r["distance_km"] > 0
        assert _is_quantiles(r["transit_days"]), r
        assert _is_quantiles(r["cost_usd_per_feu"]), r
        pairs.add((r["origin"], r["destination"], r["mode"]))
    assert len(pairs) == len(c["routes"])
    assert {m for _, _, m in pairs} >= {"rail", "sea"}
    e = d["economics"]
    for project in ("tunnel", "corridor"):
        p = e[project]
        assert _is_quantiles(p["npv_usd_bn"]), project
        assert _is_quantiles(p["irr"]), project  # every built-in draw has an IRR
        assert isinstance(p["p_npv_positive"], float) and 0.0 <= p["p_npv_positive"] <= 1.0
        be = p["breakeven_teu_per_year"]
        assert isinstance(be, dict) and set(be) == QUANTILE_KEYS, project
        # unbounded quantiles: a number, or null where the draw needs more than capacity
        assert all(v is None or (isinstance(v, float) and v >= 0) for v in be.values())
    assert e["corridor"]["capex_usd_bn"]["p50"] > e["tunnel"]["capex_usd_bn"]["p50"]


def test_china_europe_benchmark_within_the_quoted_days() -> None:
    """The calibration claim of ``corridor.speed_factor``: Shanghai -> Warsaw in 13-15 days."""
    d, _ = _builtin_assessment()
    b = d["corridor"]["benchmark"]
    assert (b["origin"], b["destination"]) == ("Shanghai", "Warsaw")
    assert b["quoted_days"] == [13.0, 15.0]
    assert 13.0 <= b["modelled_days"]["p50"] <= 15.0
    assert b["median_within_quoted"] is True


def test_the_alignment_is_designed_once_per_assessment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Construction, operations and the corridor's plan share the one designed alignment."""
    calls: list[int] = []
    real = alignment_module.design

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(alignment_module, "design", counting)
    result = assess(load_scenario(builtin_doc()), draws=50, seed=SEED, operations_years=2)
    assert result.corridor is not None
    assert len(calls) == 1


def test_the_appraisal_never_reads_the_scenario() -> None:
    """appraise.py works on compiled inputs: it imports nothing of beringia.scenario."""
    tree = ast.parse(Path(appraise.__file__).read_text(encoding="utf-8"))
    imported = {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not [m for m in imported if m.startswith("beringia.scenario")]
    assert "beringia.models.corridor.compile" in imported


def test_an_opening_centuries_away_opens_at_the_horizon_and_says_so() -> None:
    """A draw far in the tail (a tunnel built in a million years) is appraised as opening at
    the horizon's end: no allocation over a million years, no refusal of a whole run."""
    sc = load_scenario(builtin_doc())
    far = corridor_run(sc, n=50, years=1e6)
    at = corridor_run(sc, n=50, years=appraise.MAX_OPENING_YEARS)
    assert far.horizon_years == at.horizon_years
    np.testing.assert_array_equal(far.tunnel.npv_usd_bn, at.tunnel.npv_usd_bn)
    assert any("50 of 50 draws take longer than 200 years" in a for a in far.assumptions)
    assert not any("take longer" in a for a in at.assumptions)


def test_the_tunnel_train_follows_the_tunnel_segments_gauge() -> None:
    # data/corridor.toml makes the tunnel 1,435 mm, the break of gauge at Uelen: the through
    # container train is the 1,435 mm one, not the first container train of the traffic.
    sc = load_scenario(builtin_doc())
    ops = operations()
    plan = scenario_plan(sc, ops, tunnel_length_km(sc))
    assert plan.tunnel.gauge_mm == 1435
    assert plan.tunnel_train == "doublestack-na"
    assert ops.gauge_mm[plan.tunnel_train] == 1435
    assert plan.teu_per_train == ops.teu["doublestack-na"]
    assert plan.tunnel_running_h == pytest.approx(ops.running_time_min["doublestack-na"] / 60)
    # Naming a train of the other gauge is refused.
    doc = builtin_doc()
    doc["corridor"]["tunnel_train"] = "container-1520"
    with pytest.raises(ScenarioError, match=r"1520 mm train cannot run through the tunnel"):
        scenario_plan(load_scenario(doc), ops, tunnel_length_km(sc))
    # A 1,520 mm tunnel (the toy corridor on 1,520 mm throughout) takes the 1,520 mm train.
    doc = toy_doc()
    for seg in doc["corridor"]["segments"]:
        seg["gauge_mm"] = 1520
    wide = scenario_plan(load_scenario(doc), ops, tunnel_length_km(sc))
    assert wide.tunnel.gauge_mm == 1520
    assert wide.tunnel_train == "container-1520"


def test_capacity_teu_counts_the_possession_once() -> None:
    # The capacity deducts the nightly possession; the availability that scales it to a year
    # is the share incidents leave open (the simulated availability over the possession's).
    from beringia.models.corridor.plan import capacity_teu_per_year

    ops = operations()
    traffic = {"container-1520": 40, "doublestack-na": 8, "passenger": 4}
    teu = (40 * ops.teu["container-1520"] + 8 * ops.teu["doublestack-na"]) / 52
    incident = float(np.median(ops.annual.availability)) / ops.maintenance_availability
    assert 0.9 < incident <= 1.0
    expected = ops.capacity.trains_per_day * teu * 365 * incident
    assert capacity_teu_per_year(ops, traffic) == pytest.approx(expected, rel=1e-12)
    # Without incidents the availability is the possession's own: the open hours of both
    # directions over 48, the capacity's open hours being the smaller direction's (with the
    # crossovers at the islands single-bore working is shorter than the whole tunnel's).
    assert ops.maintenance_availability >= ops.open_hours_per_day / 24.0
    assert ops.maintenance_availability <= (ops.open_hours_per_day + 24.0) / 48.0
