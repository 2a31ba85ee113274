"""The shipped coarse world land mask (land_world.npz) and its loader."""

from __future__ import annotations

from importlib import resources

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from beringia.errors import ScenarioError
from beringia.geo.land import land_mask
from beringia.geo.world import WorldLand, world_land, wrap_lon

LAND = {
    "Moscow": (55.7558, 37.6173),
    "St Petersburg": (59.9343, 30.3351),
    "Chicago": (41.8781, -87.6298),
    "Yakutsk": (62.0355, 129.6755),
    "Seattle": (47.6062, -122.3321),
    "Beijing": (39.9042, 116.4074),
    "Anchorage inland": (61.2, -149.5),
    "Chukotka (Lavrentiya hinterland)": (65.6, -171.5),
}
WATER = {
    "mid-Pacific": (30.0, -150.0),
    "North Pacific near the antimeridian": (45.0, 180.0),
    "mid-Atlantic": (40.0, -40.0),
    "Bering Strait mid-channel (Diomede gap)": (65.75, -169.0),
    "Bering Strait west channel": (65.81, -169.41),
    "Bering Strait east channel": (65.71, -168.61),
    "Sea of Okhotsk": (55.0, 150.0),
}


@pytest.fixture(scope="module")
def w() -> WorldLand:
    return world_land()


def test_loads_with_consistent_axes(w: WorldLand) -> None:
    assert w.mask.shape == (w.lat.size, w.lon.size) == (1200, 7200)
    assert w.step_deg == pytest.approx(0.05)
    assert w.north == pytest.approx(80.0) and w.south == pytest.approx(20.0)
    np.testing.assert_allclose(np.diff(w.lat), -w.step_deg)
    np.testing.assert_allclose(np.diff(w.lon), w.step_deg)
    assert w.lon[0] == pytest.approx(-180.0 + w.step_deg / 2)
    assert w.lon[-1] == pytest.approx(180.0 - w.step_deg / 2)
    assert "GLOBE" in w.source and "majority" in w.source
    # Land share of 20-80 N is about half (GLOBE band, this grid: 48.4 %).
    assert 0.45 < w.mask.mean() < 0.52
    assert world_land() is w  # cached


def test_file_is_small() -> None:
    size = resources.files("beringia.data").joinpath("land_world.npz").read_bytes()
    assert len(size) < 150_000


@pytest.mark.parametrize("name", sorted(LAND))
def test_known_land(w: WorldLand, name: str) -> None:
    lat, lon = LAND[name]
    assert bool(w.is_land(lat, lon))


@pytest.mark.parametrize("name", sorted(WATER))
def test_known_water(w: WorldLand, name: str) -> None:
    lat, lon = WATER[name]
    assert not bool(w.is_land(lat, lon))


def test_vectorised_and_broadcast(w: WorldLand) -> None:
    pts = list(LAND.values()) + list(WATER.values())
    lats = np.array([p[0] for p in pts]).reshape(3, 5)
    lons = np.array([p[1] for p in pts]).reshape(3, 5)
    out = w.is_land(lats, lons)
    assert out.shape == lats.shape and out.dtype == np.bool_
    np.testing.assert_array_equal(out.ravel(), [True] * len(LAND) + [False] * len(WATER))
    # Scalars broadcast against arrays.
    assert w.is_land(np.array([55.7558, 47.6062]), 0.0).shape == (2,)
    assert w.is_land(55.7558, 37.6173).shape == ()


def test_antimeridian_is_seamless(w: WorldLand) -> None:
    lat = np.linspace(20.0, 80.0, 301)
    lon = np.array([-180.0, -179.99, 179.99, -170.0, 170.0])
    a = w.is_land(lat[:, None], lon)
    b = w.is_land(lat[:, None], lon + 360.0)
    c = w.is_land(lat[:, None], lon - 720.0)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, c)
    # 180 E is the same meridian as 180 W.
    np.testing.assert_array_equal(w.is_land(lat, 180.0), w.is_land(lat, -180.0))
    # Chukotka lies at both 170 W and 190 E (= -170).
    assert bool(w.is_land(66.0, 189.0)) and bool(w.is_land(66.0, -171.0))


@settings(max_examples=60, deadline=None)
@given(
    lat=st.floats(20.0, 80.0),
    lon=st.floats(-180.0, 180.0),
    turns=st.integers(-3, 3),
)
def test_lookup_is_nearest_cell_centre(lat: float, lon: float, turns: int) -> None:
    w = world_land()
    i = int(np.argmin(np.abs(w.lat - lat)))
    d = np.abs(np.mod(w.lon - lon + 180.0, 360.0) - 180.0)
    j = int(np.argmin(d))
    # Skip the measure-zero ties on cell edges by comparing with both neighbours' distances.
    di = np.sort(np.abs(w.lat - lat))[:2]
    dj = np.sort(d)[:2]
    if di[1] - di[0] < 1e-9 or dj[1] - dj[0] < 1e-9:
        return
    assert bool(w.is_land(lat, lon + 360.0 * turns)) == bool(w.mask[i, j])


def test_reproduces_majority_vote_of_bering_window(w: WorldLand) -> None:
    # Both files come from the same GLOBE cells and the grids line up (67.5 N = 80 - 250 x 0.05,
    # 173 W = -180 + 140 x 0.05), so the world cells inside the Bering window must be exactly
    # the majority vote (ties land) over 6 x 6 blocks of the shipped fine window.
    lm = land_mask()
    counts = lm.mask[:420, :1080].reshape(70, 6, 180, 6).sum(axis=(1, 3))
    np.testing.assert_array_equal(w.mask[250:320, 140:320], 2 * counts >= 36)
    assert w.lat[250] == pytest.approx(67.5 - 0.025) and w.lon[140] == pytest.approx(-172.975)


def test_agrees_with_bering_window_point_by_point(w: WorldLand) -> None:
    # Regular 150 x 300 grid of points over the window (64-67.5 N, 173-164 W), cell-centred.
    # Measured agreement: 98.77 %; land share 29.68 % (world) vs 29.72 % (fine window).
    lm = land_mask()
    lat = 64.0 + (np.arange(150) + 0.5) * 3.5 / 150
    lon = -173.0 + (np.arange(300) + 0.5) * 9.0 / 300
    la, lo = (a.ravel() for a in np.meshgrid(lat, lon, indexing="ij"))
    coarse = w.is_land(la, lo)
    fine = lm.is_land(la, lo)
    agree = float(np.mean(coarse == fine))
    assert agree >= 0.98
    assert agree < 1.0  # coarser cells must lose something at the coasts
    assert abs(coarse.mean() - fine.mean()) < 0.005


@pytest.mark.parametrize(
    ("lat", "lon"),
    [(19.9, 0.0), (80.1, 0.0), (-45.0, 10.0), (float("nan"), 0.0), (50.0, float("inf"))],
)
def test_outside_band_or_not_finite_is_a_scenario_error(
    w: WorldLand, lat: float, lon: float
) -> None:
    with pytest.raises(ScenarioError, match="20 to 80 N"):
        w.is_land(np.array([50.0, lat]), np.array([0.0, lon]))


def test_edges_of_band_are_inside(w: WorldLand) -> None:
    assert w.is_land([20.0, 80.0], [0.0, 0.0]).shape == (2,)


def test_cell_corner_takes_the_south_east_cell(w: WorldLand) -> None:
    # 65.75 N, 169.0 W lies on a corner of the 0.05 deg grid; the cell to its north-west holds
    # Big Diomede (the only Diomede that survives the vote), the one to its south-east is sea.
    i, j = 285, 220
    assert w.lat[i - 1] == pytest.approx(65.775) and w.lon[j - 1] == pytest.approx(-169.025)
    assert w.mask[i - 1, j - 1] and not w.mask[i, j]
    assert not bool(w.is_land(65.75, -169.0))
    assert bool(w.is_land(65.76, -169.01))


def test_wrap_lon() -> None:
    np.testing.assert_allclose(
        wrap_lon([-170.0, 190.0, 180.0, -180.0, 540.0]), [-170, -170, -180, -180, -180]
    )
    np.testing.assert_allclose(wrap_lon([37.6, -122.3], west=20.0), [37.6, 237.7])


def test_image_whole_band_is_coarsened_by_majority(w: WorldLand) -> None:
    lat, lon, z = w.image(max_cells=600)
    # 1200 x 7200 cells in blocks of 2 x 12.
    assert z.shape == (600, 600) and z.dtype == np.uint8
    assert lat.shape == (600,) and lon.shape == (600,)
    counts = w.mask.reshape(600, 2, 600, 12).sum(axis=(1, 3))
    np.testing.assert_array_equal(z, (2 * counts >= 24).astype(np.uint8))
    np.testing.assert_allclose(lat, w.lat.reshape(600, 2).mean(axis=1))
    np.testing.assert_allclose(lon, w.lon.reshape(600, 12).mean(axis=1))


def test_image_crop_without_coarsening_is_the_mask(w: WorldLand) -> None:
    lat, lon, z = w.image((60.0, 70.0), (-175.0, -160.0), max_cells=1000)
    rows = (w.lat >= 60.0) & (w.lat <= 70.0)
    cols = (w.lon >= -175.0) & (w.lon <= -160.0)
    assert z.shape == (rows.sum(), cols.sum()) == (200, 300)
    np.testing.assert_array_equal(z, w.mask[np.ix_(rows, cols)].astype(np.uint8))
    np.testing.assert_allclose(lat, w.lat[rows])
    np.testing.assert_allclose(lon, w.lon[cols])


def test_image_across_the_antimeridian(w: WorldLand) -> None:
    # The corridor: St Petersburg (30 E) eastward over Chukotka and Alaska to Seattle (122 W).
    lat, lon, z = w.image((40.0, 72.0), (20.0, -115.0), max_cells=5000)
    assert np.all(np.diff(lon) > 0)  # continuous x axis
    assert lon[0] == pytest.approx(20.025) and lon[-1] == pytest.approx(244.975)
    assert z.shape == (640, 4500)
    # Every pixel matches a direct lookup at its centre.
    la, lo = np.meshgrid(lat, lon, indexing="ij")
    np.testing.assert_array_equal(z.astype(bool), w.is_land(la, lo))
    # Cities land on land once put on the same axis with wrap_lon.
    for name in ("Moscow", "St Petersburg", "Yakutsk", "Seattle"):
        c_lat, c_lon = LAND[name]
        i = int(np.argmin(np.abs(lat - c_lat)))
        j = int(np.argmin(np.abs(lon - wrap_lon(c_lon, 20.0))))
        assert z[i, j] == 1, name
    # The strait is water in both channels (65.75 N, 169.0 W itself is a cell corner, next to
    # the two-cell dot of Big Diomede; is_land takes the cell south-east of a corner).
    for c_lat, c_lon in ((65.81, -169.41), (65.71, -168.61)):
        i = int(np.argmin(np.abs(lat - c_lat)))
        j = int(np.argmin(np.abs(lon - wrap_lon(c_lon, 20.0))))
        assert z[i, j] == 0


def test_image_full_circle_from_any_west(w: WorldLand) -> None:
    _, lon, z = w.image((50.0, 51.0), (100.0, 100.0 + 360.0), max_cells=8000)
    assert z.shape[1] == 7200 and lon[0] == pytest.approx(100.025)
    assert np.all(np.diff(lon) > 0)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"lat_range": (60.0, 50.0)}, "map.lat_range"),
        ({"lat_range": (0.0, 10.0)}, "map.lat_range"),
        ({"lat_range": (float("nan"), 10.0)}, "map.lat_range"),
        ({"lon_range": (10.0, 10.0)}, "map.lon_range"),
        ({"lon_range": (float("inf"), 10.0)}, "map.lon_range"),
        ({"max_cells": 0}, "map.max_cells"),
    ],
)
def test_image_bad_ranges(w: WorldLand, kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(ScenarioError) as err:
        w.image(**kwargs)  # type: ignore[arg-type]
    assert err.value.field == field
