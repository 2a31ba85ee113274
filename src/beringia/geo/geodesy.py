"""Geodesy on the WGS84 ellipsoid (pyproj): the one place distances on the Earth come from.

Every distance between positions (the alignment's legs and offsets, the sea route's
polyline) is a geodesic on WGS84, never a sphere.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

from beringia.core.distributions import FloatArray

if TYPE_CHECKING:
    from pyproj import Geod


@cache
def _geod() -> Geod:
    """Return the WGS84 ellipsoid (pyproj is imported on first use, not with beringia)."""
    from pyproj import Geod

    return Geod(ellps="WGS84")


def geodesic_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Geodesic distance (km) on the WGS84 ellipsoid.

    Parameters
    ----------
    lat1, lon1, lat2, lon2 : float
        The two positions (decimal degrees).

    Returns
    -------
    float
        Length of the shortest path on the ellipsoid between them, in km.
    """
    return float(_geod().inv(lon1, lat1, lon2, lat2)[2]) / 1000.0


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

    Returns
    -------
    Trace
        The points, the waypoints included, with their distances along the legs.
    """
    s_parts, lat_parts, lon_parts = [np.zeros(1)], [np.array([lats[0]])], [np.array([lons[0]])]
    waypoint_s = [0.0]
    for i in range(len(lats) - 1):
        length = float(_geod().inv(lons[i], lats[i], lons[i + 1], lats[i + 1])[2])
        n = max(1, int(np.ceil(length / resolution_m)))
        inner = _geod().npts(lons[i], lats[i], lons[i + 1], lats[i + 1], n - 1) if n > 1 else []
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
