"""Ocean legs: searoute distances, NSR option, dwell and rate sampling, benchmarks, no network."""

from __future__ import annotations

import socket
import tomllib
from collections.abc import Iterator
from importlib import resources
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from searoute.data.ports_dict import node_list as searoute_ports

from beringia.core.distributions import mean, ppf
from beringia.errors import ScenarioError
from beringia.geo.geodesy import geodesic_km
from beringia.models.corridor import ocean as oc

NMI = 1.852


def _no_network(*args: object, **kwargs: object) -> None:
    raise AssertionError("network access attempted")


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fail any attempt to open a connection or resolve a name during these tests."""
    monkeypatch.setattr(socket.socket, "connect", _no_network)
    monkeypatch.setattr(socket.socket, "connect_ex", _no_network)
    monkeypatch.setattr(socket, "create_connection", _no_network)
    monkeypatch.setattr(socket, "getaddrinfo", _no_network)
    yield


def _gc_km(a: oc.Port, b: oc.Port) -> float:
    return geodesic_km(a.lat, a.lon, b.lat, b.lon)


# --- offline ----------------------------------------------------------------------------------


def test_routes_are_computed_with_the_network_blocked() -> None:
    with pytest.raises(AssertionError, match="network access"):
        socket.create_connection(("example.com", 80))
    oc._sea_km.cache_clear()
    oc.load_ocean_data.cache_clear()
    km = oc.sea_distance_km("CNSHA", "USSEA")
    nsr = oc.sea_distance_km("CNSHA", "NLRTM", nsr=True)
    assert 9_000 < km < 10_000
    assert 15_000 < nsr < 18_000


def test_sea_distance_is_cached() -> None:
    first = oc.sea_distance_km("Shanghai", "Seattle")
    hits = oc._sea_km.cache_info().hits
    assert oc.sea_distance_km("CNSHA", "USSEA") == first
    assert oc._sea_km.cache_info().hits == hits + 1


# --- distances against published figures -------------------------------------------------------


def test_shanghai_seattle_between_great_circle_and_ten_percent_more() -> None:
    # searoute gives ~9,550 km (~5,157 nmi); the WGS84 geodesic is 9,192 km.
    km = oc.sea_distance_km("Shanghai", "Seattle")
    gc = _gc_km(oc.port("CNSHA"), oc.port("USSEA"))
    assert gc < km < 1.10 * gc
    assert 5_000 < km / NMI < 5_200


def test_busan_seattle_matches_a_logged_voyage() -> None:
    # "Seattle to Pusan 4616 nm", Hanjin Baltimore voyage log,
    # http://www.frozenheads.net/http:/www.frozenheads.net/by-the-numbers/
    nmi = oc.sea_distance_km("Busan", "Seattle") / NMI
    assert nmi == pytest.approx(4_616, rel=0.03)


def test_qingdao_seattle_matches_notes() -> None:
    # notes 5.2: Seattle-Qingdao ~4,911 nm (https://en.56ok.com/topic/detail-911286-...);
    # searoute measures ~5,167 nmi (+5 %).
    nmi = oc.sea_distance_km("Qingdao", "Seattle") / NMI
    assert nmi == pytest.approx(4_911, rel=0.06)


def test_shanghai_rotterdam_suez_matches_notes_derived_run() -> None:
    # notes 5.5: searoute Shanghai -> Rotterdam via Suez = 19,531 km (without the port hops).
    assert oc.sea_distance_km("Shanghai", "Rotterdam") == pytest.approx(19_531, rel=0.02)


def test_st_petersburg_shanghai_suez_about_12000_nmi() -> None:
    # notes 5.3: Flying Fish 1, ~12,000 nmi via Suez.
    nmi = oc.sea_distance_km("St Petersburg", "Shanghai") / NMI
    assert nmi == pytest.approx(12_000, rel=0.05)


# --- sailing time -----------------------------------------------------------------------------


def test_sailing_days_closed_form() -> None:
    leg = oc.ocean_leg("Shanghai", "Seattle")
    assert leg.speed_knots == 16.0
    assert leg.sailing_days == pytest.approx(leg.distance_km / (16.0 * 1.852 * 24.0), rel=1e-12)
    assert oc.sailing_days(1.852 * 24.0 * 10.0, 10.0) == pytest.approx(1.0)


def test_shanghai_los_angeles_sailing_in_published_port_to_port_range() -> None:
    # notes 5.2: Shanghai/Ningbo -> LA port to port 13-18 d; notes' searoute run 14.9 d at 16 kn.
    leg = oc.ocean_leg("Shanghai", "Los Angeles")
    assert 13.0 <= leg.sailing_days <= 18.0
    assert leg.sailing_days == pytest.approx(14.9, abs=0.3)


def test_transit_days_bounds_are_dwell_bounds_plus_sailing() -> None:
    leg = oc.ocean_leg("Shanghai", "Seattle")
    days = oc.transit_days(leg, np.array([[0.0, 0.0], [1.0, 1.0]]))
    # Shanghai export dwell triangular(2, 3.5, 7); Seattle import dwell triangular(2, 2.9, 5).
    assert days[0] == pytest.approx(leg.sailing_days + 2.0 + 2.0)
    assert days[1] == pytest.approx(leg.sailing_days + 7.0 + 5.0)


def test_transit_days_one_column_drives_both_dwells() -> None:
    leg = oc.ocean_leg("Busan", "Los Angeles")
    u = np.linspace(0.01, 0.99, 7)
    both = oc.transit_days(leg, np.column_stack([u, u]))
    np.testing.assert_allclose(oc.transit_days(leg, u), both)
    with pytest.raises(ValueError, match="shape"):
        oc.transit_days(leg, np.zeros((3, 3)))


def test_express_service_total_in_published_range() -> None:
    # notes 5.2: express 11-13 d ocean, 18-25 d total with origin/destination handling.
    leg = oc.ocean_leg("Shanghai", "Los Angeles")
    median = float(oc.transit_days(leg, np.array([0.5]))[0])
    assert 18.0 <= median <= 25.0


# --- Northern Sea Route -----------------------------------------------------------------------


def test_nsr_shorter_than_suez_shanghai_rotterdam() -> None:
    # Measured: 16,193 km via the NSR against 19,626 km via Suez, 17.5 % shorter (the ~40 %
    # often quoted is for northern Asian ports and sailed NSR tracks).
    suez = oc.sea_distance_km("Shanghai", "Rotterdam")
    nsr = oc.sea_distance_km("Shanghai", "Rotterdam", nsr=True)
    assert nsr < suez
    assert 0.75 < nsr / suez < 0.90


def test_nsr_distance_does_not_depend_on_direction() -> None:
    there = oc.sea_distance_km("Rotterdam", "Shanghai", nsr=True)
    back = oc.sea_distance_km("Shanghai", "Rotterdam", nsr=True)
    assert there == pytest.approx(back, rel=1e-9)


def test_nsr_polyline_against_quoted_length() -> None:
    # notes 5.3: ~5,600 km Kara Strait -> Bering Strait along the sailed route; straight
    # segments between the straits must be shorter, but not by much (measured 4,713 km).
    km = oc.nsr_polyline_km()
    assert 0.8 * 5_600 < km < 5_600
    assert oc.load_ocean_data().nsr_quoted_length_km == 5_600


def test_murmansk_to_vilkitsky_matches_crrel() -> None:
    # CRREL Report 96-3: Murmansk -> Vilkitsky Strait through the Kara Gate ~1,510 nmi.
    w = {p.name: p for p in oc.load_ocean_data().nsr_waypoints}
    mmk = oc.port("Murmansk")
    kara, dikson, vilk = w["Kara Gates"], w["Kara Sea off Dikson"], w["Vilkitsky Strait"]
    km = (
        oc._searoute_km(mmk.lat, mmk.lon, kara.lat, kara.lon)
        + geodesic_km(kara.lat, kara.lon, dikson.lat, dikson.lon)
        + geodesic_km(dikson.lat, dikson.lon, vilk.lat, vilk.lon)
    )
    assert km / NMI == pytest.approx(1_510, rel=0.05)


def test_nsr_season_july_to_november() -> None:
    leg = oc.ocean_leg("Shanghai", "Hamburg", nsr=True)
    assert leg.season_months == (7, 8, 9, 10, 11)
    assert oc.in_season(leg, 8)
    assert not oc.in_season(leg, 1)
    suez = oc.ocean_leg("Shanghai", "Hamburg")
    assert all(oc.in_season(suez, m) for m in range(1, 13))
    with pytest.raises(ScenarioError, match=r"ocean\.month"):
        oc.in_season(leg, 13)


def test_nsr_uses_the_suez_lane_rate() -> None:
    nsr = oc.ocean_leg("Shanghai", "Rotterdam", nsr=True)
    suez = oc.ocean_leg("Shanghai", "Rotterdam")
    assert nsr.usd_per_feu == suez.usd_per_feu
    assert nsr.sailing_days < suez.sailing_days


def test_nsr_between_two_pacific_ports_is_an_error() -> None:
    with pytest.raises(ScenarioError, match=r"ocean\.nsr") as err:
        oc.sea_distance_km("Shanghai", "Seattle", nsr=True)
    assert "pacific" in str(err.value)


# --- errors -----------------------------------------------------------------------------------


def test_unknown_port_names_it_and_the_allowed_ports() -> None:
    with pytest.raises(ScenarioError) as err:
        oc.ocean_leg("Atlantis", "Seattle")
    assert err.value.field == "ocean.origin"
    assert err.value.value == "Atlantis"
    assert "CNSHA (Shanghai)" in err.value.allowed
    assert "USSEA (Seattle)" in err.value.allowed
    with pytest.raises(ScenarioError, match=r"ocean\.destination"):
        oc.sea_distance_km("Shanghai", "Nowhere")


def test_same_port_is_an_error() -> None:
    with pytest.raises(ScenarioError, match="other than the origin"):
        oc.sea_distance_km("CNSHA", "shanghai")


def test_lane_without_rate_is_an_error() -> None:
    with pytest.raises(ScenarioError) as err:
        oc.ocean_leg("New York", "Shanghai")
    assert err.value.value == "na_east->east_asia"
    assert "east_asia->na_west" in err.value.allowed


def test_port_lookup_by_code_or_name() -> None:
    assert oc.port("cnsha") == oc.port("Shanghai") == oc.port(" SHANGHAI ")


# --- rates and sampling -----------------------------------------------------------------------


def test_rate_bounds_are_quoted_wci_values() -> None:
    leg = oc.ocean_leg("Shanghai", "Los Angeles")
    lo, hi = oc.cost_usd_per_feu(leg, np.array([0.0, 1.0]))
    assert (lo, hi) == (2_322.0, 10_621.0)  # Drewry WCI Shanghai -> LA, late 2023 / 2021


def test_sampled_cost_mean_matches_analytic_mean() -> None:
    leg = oc.ocean_leg("Shanghai", "Rotterdam")
    u = (np.arange(20_000) + 0.5) / 20_000
    assert oc.cost_usd_per_feu(leg, u).mean() == pytest.approx(mean(leg.usd_per_feu), rel=1e-3)


def test_fixed_seed_golden_values() -> None:
    leg = oc.ocean_leg("Shanghai", "Seattle")
    u = np.random.default_rng(20260101).random((4, 2))
    days = oc.transit_days(leg, u)
    cost = oc.cost_usd_per_feu(leg, u[:, 0])
    golden_days = [20.70801681752146, 21.78343074686823, 20.259502112943842, 22.126454497229677]
    golden_cost = [3568.827815749135, 5091.163948316937, 3277.502324098934, 8143.930568997654]
    np.testing.assert_allclose(days, golden_days, rtol=1e-9)
    np.testing.assert_allclose(cost, golden_cost, rtol=1e-9)


@given(
    a=st.floats(0.0, 1.0),
    b=st.floats(0.0, 1.0),
)
def test_transit_and_cost_monotone_in_u(a: float, b: float) -> None:
    leg = oc.ocean_leg("Busan", "Seattle")
    lo, hi = min(a, b), max(a, b)
    t = oc.transit_days(leg, np.array([lo, hi]))
    c = oc.cost_usd_per_feu(leg, np.array([lo, hi]))
    assert t[0] <= t[1] + 1e-12
    assert c[0] <= c[1] + 1e-9
    assert t[0] >= leg.sailing_days + 4.0 - 1e-12  # both dwells at least 2 d


# --- inland leg and benchmark -----------------------------------------------------------------


def test_seattle_chicago_consistent_with_ship_to_chicago_days() -> None:
    # notes 5.4: ship-to-Chicago 6 d with the 2025 service (9 d before): import dwell + rail.
    rail = oc.inland_leg("seattle-chicago")
    dwell = oc.port("Seattle").import_days
    typical = dwell.params[1] + rail.days.params[1]
    assert 6.0 <= typical <= 9.0
    assert oc.transit_days(rail, np.array([0.0]))[0] == pytest.approx(3.0)  # 72 h Z train
    cost = oc.cost_usd_per_feu(rail, np.array([0.0, 1.0]))
    assert tuple(cost) == (2_500.0, 4_500.0)
    with pytest.raises(ScenarioError, match="seattle-chicago"):
        oc.inland_leg("seattle-moscow")


def test_china_europe_rail_benchmark_in_its_range() -> None:
    rail = oc.china_europe_rail()
    assert rail.days_range == (20.0, 32.0)
    assert rail.usd_per_feu_range == (5_800.0, 7_000.0)
    u = np.linspace(0.0, 1.0, 11)
    poland = ppf(rail.terminal_days_poland, u)
    assert poland.min() == 13.0
    assert poland.max() == 15.0
    assert ppf(rail.terminal_days_germany, u).max() == 21.0


def test_rail_benchmark_is_faster_and_dearer_than_the_ship() -> None:
    # Sanity: the China-Europe land bridge beats Suez on time and loses on typical price.
    rail = oc.china_europe_rail()
    ship = oc.ocean_leg("Shanghai", "Rotterdam")
    fastest_ship = float(oc.transit_days(ship, np.array([0.0]))[0])
    assert fastest_ship > rail.door_to_door_days.params[1]
    assert ship.usd_per_feu.params[1] < rail.base_usd_per_feu.params[0]


# --- shipped data -----------------------------------------------------------------------------


def _doc() -> dict[str, Any]:
    text = resources.files("beringia.data").joinpath("ocean.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def _dists(node: object) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if "dist" in node:
            yield node
        for v in node.values():
            yield from _dists(v)
    elif isinstance(node, list):
        for v in node:
            yield from _dists(v)


def test_every_figure_has_a_source_and_flags() -> None:
    doc = _doc()
    figures = list(_dists(doc))
    assert len(figures) > 20
    for fig in figures:
        assert fig.get("source"), fig
        if fig.get("assumed"):
            assert fig.get("note"), fig
    for w in doc["nsr"]["waypoints"]:
        assert w.get("source"), w


def test_port_positions_are_searoutes_unlocode_positions() -> None:
    by_code = {v["port"]: (lon, lat) for (lon, lat), v in searoute_ports.items()}
    for p in oc.load_ocean_data().ports.values():
        assert by_code[p.code] == (p.lon, p.lat), p.code
