"""Water pressure along the tunnel, pressure regimes, zone splitting and what they drive:
per-zone advance caps and per-zone event rates (interventions)."""

from __future__ import annotations

import dataclasses
import itertools
from typing import Any, get_args

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import beringia
from beringia.core.alignment import Profile
from beringia.core.calendar import YEAR_DAYS
from beringia.core.distributions import DistSpec
from beringia.core.events import EventIn, add_events, event_rates
from beringia.core.geology import Zone, sample_ground
from beringia.core.pressure import (
    PRESSURE_REGIMES,
    head_pressure_bar,
    regime_of,
    split_by_pressure,
)
from beringia.core.rng import VariateCounter, stream
from beringia.models.alignment import alignment_for
from beringia.models.construction.compile import compile_construction
from beringia.scenario.model import PressureRegime
from beringia.tables.drive_averages import cap_drives


def test_regimes_match_the_scenario_schema() -> None:
    assert get_args(PressureRegime) == PRESSURE_REGIMES


def test_head_of_sea_water() -> None:
    # 1,025 kg/m3 x 9.80665 m/s2 x 50 m = 5.03 bar; with fresh water's 10.2 m per bar it
    # would be 4.9 bar.
    assert float(head_pressure_bar(np.array([50.0]))[0]) == pytest.approx(5.0259, abs=1e-4)
    assert float(head_pressure_bar(np.array([-5.0]))[0]) == 0.0  # above the water: none
    assert list(regime_of(np.array([0.0, 3.49, 3.5, 4.99, 5.0, 12.0]))) == [0, 0, 1, 1, 2, 2]


def test_flat_tunnel_fifty_metres_down() -> None:
    a = alignment_for(beringia.load_scenario("bering-strait"))
    assert a is not None
    s = np.linspace(0.0, 10_000.0, 101)
    # Crown at 40.5 m below the sea, the 9.5 m bore's invert (rail level) at 50 m.
    flat = Profile(s=s, crown_z=np.full(101, -40.5), portal_west_s=0.0, portal_east_s=10_000.0)
    flat_a = dataclasses.replace(a, profile=flat, bore_diameter_m=9.5)
    chainage, bar = flat_a.water_pressure_bar()
    np.testing.assert_allclose(chainage, s)
    np.testing.assert_allclose(bar, 5.0259, atol=1e-4)


def _zone(name: str, a: float, b: float) -> Zone:
    return Zone(name, a, b, (0.5, 0.5), (100.0, 200.0))


def test_zone_split_at_the_thresholds() -> None:
    zones = (_zone("a", 0.0, 10_000.0), _zone("b", 10_000.0, 20_000.0))
    chainage = np.array([0.0, 20_000.0])
    bar = np.array([0.0, 10.0])  # 0.5 bar per km: 3.5 bar at 7 km, 5 bar at 10 km
    pieces, regimes = split_by_pressure(zones, chainage, bar)
    assert [p.name for p in pieces] == ["a@air", "a@mixed-gas", "b"]
    assert regimes == (0, 1, 2)
    assert pieces[0].to_m == pytest.approx(7_000.0) == pieces[1].from_m
    assert pieces[1].to_m == 10_000.0 == pieces[2].from_m
    assert all(p.share == zones[0].share and p.mean_run_m == zones[0].mean_run_m for p in pieces)
    # A zone with a stated pressure is not split.
    pieces, regimes = split_by_pressure(zones, chainage, bar, (None, 4.0))
    assert [p.name for p in pieces] == ["a@air", "a@mixed-gas", "b"] and regimes[2] == 1
    pieces, regimes = split_by_pressure(zones, chainage, bar, (0.0, None))
    assert [p.name for p in pieces] == ["a", "b"] and regimes == (0, 2)


def test_a_regime_met_twice_gets_a_second_name() -> None:
    chainage = np.array([0.0, 5_000.0, 10_000.0])
    bar = np.array([6.0, 2.0, 6.0])
    pieces, regimes = split_by_pressure((_zone("z", 0.0, 10_000.0),), chainage, bar)
    assert [p.name for p in pieces] == [
        "z@saturation",
        "z@mixed-gas",
        "z@air",
        "z@mixed-gas-2",
        "z@saturation-2",
    ]
    assert regimes == (2, 1, 0, 1, 2)
    assert pieces[0].to_m == pytest.approx(1_250.0)  # 6 -> 5 bar at 0.8 bar per km


@example(bars=[0.0, 5.0, 0.0], widths=[1.0])  # a profile that touches 5 bar and turns back
@given(
    st.lists(st.floats(0.0, 12.0), min_size=2, max_size=12),
    st.lists(st.floats(0.05, 1.0), min_size=1, max_size=4),
)
def test_zone_split_tiles_every_zone(bars: list[float], widths: list[float]) -> None:
    edges = np.concatenate([[0.0], np.cumsum(widths)]) * 10_000.0
    zones = tuple(_zone(f"z{i}", a, b) for i, (a, b) in enumerate(itertools.pairwise(edges)))
    chainage = np.linspace(0.0, edges[-1], len(bars))
    pieces, regimes = split_by_pressure(zones, chainage, np.array(bars))
    assert pieces[0].from_m == 0.0 and pieces[-1].to_m == edges[-1]
    for p, q in itertools.pairwise(pieces):
        assert p.to_m == q.from_m
    for z in zones:  # each zone's pieces add up to its length
        mine = [p for p in pieces if p.name == z.name or p.name.startswith(z.name + "@")]
        assert sum(p.to_m - p.from_m for p in mine) == pytest.approx(z.to_m - z.from_m)
    for p, r in zip(pieces, regimes, strict=True):
        # the piece's regime holds along it, except where the profile only touches a
        # threshold (a zero-length piece of the other regime is merged into its neighbour)
        inner = np.linspace(p.from_m, p.to_m, 203)[1:-1]
        found = regime_of(np.interp(inner, chainage, bars))
        assert np.count_nonzero(found == r) >= found.size - 1
    assert len(set(p.name for p in pieces)) == len(pieces)


def test_bering_strait_zones_follow_the_alignment() -> None:
    sc = beringia.load_scenario("bering-strait")
    inp = compile_construction(sc)
    names = [z.name for z in inp.zones]
    assert "strait-west@saturation" in names and "strait-east@saturation" in names
    assert inp.zones[0].from_m == 0.0 and inp.zones[-1].to_m == pytest.approx(inp.length_m)
    for a, b in itertools.pairwise(inp.zones):
        assert a.to_m == b.from_m
    # Cap set 1 (saturation) exactly where the zone's regime is saturation.
    saturated = [n.split("@")[-1].startswith("saturation") for n in names]
    assert [c == 1 for c in inp.zone_caps] == saturated
    a = alignment_for(sc)
    assert a is not None
    _, bar = a.water_pressure_bar()
    assert float(bar.max()) == pytest.approx(a.summary.max_water_pressure_bar)


def test_hindcast_zones_keep_their_names() -> None:
    sc = beringia.load_scenario("guadarrama")
    inp = compile_construction(sc)
    assert [z.name for z in inp.zones] == [z.name for z in sc.geology.zones]
    assert set(inp.zone_caps) == {0}


def _pressured(doc: dict[str, Any], bars: tuple[float, float]) -> dict[str, Any]:
    """Two 6 km zones at the given pressures, one closed-face class bored at 480 m/day."""
    zone = doc["geology"]["zones"][0]
    doc["geology"]["zones"] = [
        {**zone, "name": "near", "to_km": 6.0, "water_pressure_bar": bars[0]},
        {**zone, "name": "far", "from_km": 6.0, "water_pressure_bar": bars[1]},
    ]
    machine = doc["construction"]["machines"][0]
    machine["penetration_m_per_h"] = {"rock": 20.0}
    machine["utilisation"] = {"rock": 1.0}
    doc["construction"]["advance_envelope"]["regime"] = {"rock": "closed-face"}
    return doc


def _cap(regime: str, diameter: float, *, saturation: bool) -> float:
    return max(
        d.m_per_day * (d.diameter_m / diameter) ** 0.8
        for d in cap_drives(regime, saturation=saturation)
        if d.diameter_m is not None
    )


def test_saturation_caps_closed_face_advance_zone_by_zone(hand_doc: dict[str, Any]) -> None:
    low = _cap("closed-face", 9.0, saturation=False)
    high = _cap("closed-face", 9.0, saturation=True)
    assert low == pytest.approx(14.7 * (15.2 / 9.0) ** 0.8)  # Madrid M-30
    assert high == pytest.approx(6.8 * (13.7 / 9.0) ** 0.8)  # Eurasia, 11 bar
    a = beringia.assess(beringia.load_scenario(_pressured(hand_doc, (8.0, 2.0))), draws=32, seed=1)
    days = 6_000.0 / high + 6_000.0 / low
    np.testing.assert_allclose(a.headings[0].duration_years, days / YEAR_DAYS, rtol=1e-12)


def test_saturation_leaves_hard_rock_alone(hand_doc: dict[str, Any]) -> None:
    doc = _pressured(hand_doc, (8.0, 8.0))
    doc["construction"]["advance_envelope"]["regime"] = {"rock": "hard-rock"}
    a = beringia.assess(beringia.load_scenario(doc), draws=32, seed=1)
    cap = _cap("hard-rock", 9.0, saturation=False)
    np.testing.assert_allclose(a.headings[0].duration_years, 12_000 / cap / YEAR_DAYS, rtol=1e-12)


# --------------------------------------------------------------------------- per-zone events
ZONES = (
    Zone("one", 0.0, 20_000.0, (0.6, 0.4), (300.0, 500.0)),
    Zone("two", 20_000.0, 40_000.0, (0.6, 0.4), (300.0, 500.0)),
)


def _events(factor: tuple[float, ...]) -> tuple[EventIn, ...]:
    fixed = DistSpec("fixed", (3.0,))
    return (
        EventIn("flood", (0.2, 0.5), "m", fixed, DistSpec("fixed", (1.0,))),
        EventIn("intervention", (2.0, 0.0), "m", fixed, DistSpec("fixed", (0.5,)), factor),
    )


def _run_events(factor: tuple[float, ...], n: int = 400) -> tuple[np.ndarray, np.ndarray, Any]:
    def streams(key: str) -> np.random.Generator:
        return stream(5, "construction", 0, key)

    ground = sample_ground(ZONES, streams, n)
    x = {"m": np.ones(n)}
    events = _events(factor)
    rates = event_rates(events, ground, x)
    run_time = np.zeros(ground.length.shape)
    cost = add_events(events, ground, "b", rates, run_time, streams, VariateCounter())
    return run_time, cost, ground


def test_zone_factor_one_changes_nothing() -> None:
    t0, c0, _ = _run_events(())
    t1, c1, _ = _run_events((1.0, 1.0))
    assert np.array_equal(t0, t1) and np.array_equal(c0, c1)


def test_zone_factor_zero_means_no_events_there() -> None:
    _, c_none, ground = _run_events((0.0, 0.0))
    _, c_two, _ = _run_events((0.0, 1.0))
    _, c_both, _ = _run_events((1.0, 1.0))
    # Interventions cost 0.5 each, floods 1.0: count interventions by cost.
    extra_two = c_two - c_none
    extra_both = c_both - c_none
    assert (extra_two >= 0).all() and extra_two.sum() > 0
    # Zone one's expected interventions: 2 per km x 0.6 share x 20 km = 24 per draw.
    assert extra_both.mean() / 0.5 > 1.5 * extra_two.mean() / 0.5
    rates = event_rates(_events((0.0, 1.0)), ground, {"m": np.ones(ground.length.shape[1])})
    assert rates is not None
    _, start, stop = ground.zone_rows[0]
    flood_only = event_rates(_events((0.0, 0.0)), ground, {"m": np.ones(ground.length.shape[1])})
    assert flood_only is not None
    np.testing.assert_array_equal(rates.per_run[start:stop], flood_only.per_run[start:stop])


def test_zone_rates_scale() -> None:
    n = 200

    def streams(key: str) -> np.random.Generator:
        return stream(9, "construction", 0, key)

    ground = sample_ground(ZONES, streams, n)
    x = {"m": np.ones(n)}
    base = event_rates(_events((0.0, 0.0)), ground, x)
    one = event_rates(_events((1.0, 1.0)), ground, x)
    three = event_rates(_events((3.0, 1.0)), ground, x)
    assert base is not None and one is not None and three is not None
    _, start, stop = ground.zone_rows[0]
    interventions_one = one.per_run[start:stop] - base.per_run[start:stop]
    interventions_three = three.per_run[start:stop] - base.per_run[start:stop]
    np.testing.assert_allclose(interventions_three, 3.0 * interventions_one, rtol=1e-12)
    # Expected interventions in zone one: 2 per km in the first class (60 % of 20 km) = 24.
    assert interventions_one.sum(axis=0).mean() == pytest.approx(24.0, rel=0.05)
