"""Geography at the I/O boundary: the shipped land mask and geodesic traces (pyproj).

Model code receives plain arrays from here; it never reads the data files itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
from numpy.typing import NDArray
from pyproj import Geod

from beringia.core.distributions import FloatArray
from beringia.errors import ScenarioError

_GEOD = Geod(ellps="WGS84")


@dataclass(frozen=True)
class LandMask:
    """A window of the GLOBE land/sea mask: ``mask[i, j]`` is land at ``(lat[i], lon[j])``."""

    lat: FloatArray  # descending
    lon: FloatArray  # ascending
    mask: NDArray[np.bool_]
    source: str

    def is_land(self, lat: FloatArray, lon: FloatArray) -> NDArray[np.bool_]:
        """Land flag of the cell containing each point.

        Raises
        ------
        ScenarioError
            If a point lies outside the shipped window.
        """
        outside = (
            (lat > self.lat[0]) | (lat < self.lat[-1]) | (lon < self.lon[0]) | (lon > self.lon[-1])
        )
        if np.any(outside):
            bad = int(np.flatnonzero(outside)[0])
            raise ScenarioError(
                "alignment.waypoints",
                f"{lat[bad]:.4f} N, {lon[bad]:.4f} E",
                f"the shipped land data covers {self.lat[-1]:g} to {self.lat[0]:g} N and "
                f"{self.lon[0]:g} to {self.lon[-1]:g} E",
            )
        dlat = self.lat[0] - self.lat[1]
        dlon = self.lon[1] - self.lon[0]
        # Cells are indexed as the global-land-mask package does (truncation to the cell).
        i = np.clip(np.floor((self.lat[0] - lat) / dlat).astype(np.intp), 0, len(self.lat) - 1)
        j = np.clip(np.floor((lon - self.lon[0]) / dlon).astype(np.intp), 0, len(self.lon) - 1)
        return np.asarray(self.mask[i, j], dtype=bool)


def read_packed_mask(filename: str) -> tuple[dict[str, np.ndarray], NDArray[np.bool_]]:
    """Read a shipped bit-packed land mask: its arrays and the unpacked boolean mask."""
    with resources.files("beringia.data").joinpath(filename).open("rb") as fh:
        data = dict(np.load(fh))
    shape = tuple(int(v) for v in data["shape"])
    mask = np.unpackbits(data["packed"])[: shape[0] * shape[1]].reshape(shape).astype(bool)
    return data, mask


@cache
def land_mask() -> LandMask:
    """Load the shipped Bering Strait window of the GLOBE land mask (about 8 kB)."""
    data, mask = read_packed_mask("land_bering.npz")
    return LandMask(
        lat=np.asarray(data["lat"], dtype=np.float64),
        lon=np.asarray(data["lon"], dtype=np.float64),
        mask=mask,
        source=str(data["source"]),
    )


def geodesic_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Geodesic distance (km) on the WGS84 ellipsoid."""
    return float(_GEOD.inv(lon1, lat1, lon2, lat2)[2]) / 1000.0


@dataclass(frozen=True)
class Trace:
    """Points along a polyline of geodesic legs, every ``resolution`` metres or less.

    Attributes
    ----------
    s : ndarray
        Distance (m) from the first waypoint along the legs.
    lat, lon : ndarray
        Position of each point.
    waypoint_s : ndarray
        Distance of each waypoint.
    """

    s: FloatArray
    lat: FloatArray
    lon: FloatArray
    waypoint_s: FloatArray


def trace(lats: list[float], lons: list[float], resolution_m: float) -> Trace:
    """Sample the geodesic legs between consecutive waypoints.

    Parameters
    ----------
    lats, lons : list of float
        Waypoints in order (decimal degrees).
    resolution_m : float
        Largest spacing between consecutive points.
    """
    s_parts, lat_parts, lon_parts = [np.zeros(1)], [np.array([lats[0]])], [np.array([lons[0]])]
    waypoint_s = [0.0]
    for i in range(len(lats) - 1):
        length = float(_GEOD.inv(lons[i], lats[i], lons[i + 1], lats[i + 1])[2])
        n = max(1, int(np.ceil(length / resolution_m)))
        inner = _GEOD.npts(lons[i], lats[i], lons[i + 1], lats[i + 1], n - 1) if n > 1 else []
        pts_lon = np.array([p[0] for p in inner] + [lons[i + 1]])
        pts_lat = np.array([p[1] for p in inner] + [lats[i + 1]])
        s_parts.append(waypoint_s[-1] + length * np.arange(1, n + 1) / n)
        lat_parts.append(pts_lat)
        lon_parts.append(pts_lon)
        waypoint_s.append(waypoint_s[-1] + length)
    return Trace(
        s=np.concatenate(s_parts),
        lat=np.concatenate(lat_parts),
        lon=np.concatenate(lon_parts),
        waypoint_s=np.array(waypoint_s),
    )
