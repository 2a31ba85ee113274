"""Vertical alignment of a subsea tunnel: why an 82 km strait needs a 100+ km tunnel.

Along a horizontal trace sampled at chainages ``s``, the tunnel crown may rise no higher
than the seabed less the minimum cover where there is sea, and may climb or fall by at most
the maximum gradient. The highest profile that obeys both is the lower envelope of cones
``c_j + g |s - s_j|`` over every constrained point ``j``, computed in two sweeps. Inland of
each shore the envelope rises at the maximum gradient until it reaches the portal elevation:
that is where the portal is, and the ramps are why the tunnel is longer than the strait.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from beringia.core.distributions import FloatArray

SEAWATER_DENSITY_KG_M3 = 1025.0
GRAVITY_M_S2 = 9.80665


class InfeasibleAlignment(ValueError):
    """No profile meets the limits within the trace; ``side`` says where it ran out."""

    def __init__(self, side: str, message: str) -> None:
        self.side = side
        super().__init__(message)


def seabed_depth(
    s: FloatArray, is_land: NDArray[np.bool_], point_s: FloatArray, point_depth: FloatArray
) -> FloatArray:
    """Seabed depth (m, positive down) at every sea point; NaN on land.

    Linear in chainage between the given depth points and zero at every shoreline (midway
    between a land point and the next sea point).
    """
    edges = np.flatnonzero(is_land[1:] != is_land[:-1])
    shore_s = (s[edges] + s[edges + 1]) / 2.0
    anchor_s = np.concatenate([shore_s, point_s])
    anchor_d = np.concatenate([np.zeros(len(shore_s)), point_depth])
    order = np.argsort(anchor_s, kind="stable")
    depth = np.interp(s, anchor_s[order], anchor_d[order])
    return np.where(is_land, np.nan, depth)


@dataclass(frozen=True)
class Profile:
    """A designed vertical alignment.

    Attributes
    ----------
    s : ndarray
        Chainage along the trace (m).
    crown_z : ndarray
        Highest allowed crown elevation (m above sea level) at every point.
    portal_west_s, portal_east_s : float
        Chainages of the portals, where the crown reaches the portal elevations.
    """

    s: FloatArray
    crown_z: FloatArray
    portal_west_s: float
    portal_east_s: float

    @property
    def length_m(self) -> float:
        """Tunnel length between the portals (horizontal chainage)."""
        return self.portal_east_s - self.portal_west_s

    def inside(self) -> NDArray[np.bool_]:
        """Whether each point lies between the portals."""
        return (self.s >= self.portal_west_s) & (self.s <= self.portal_east_s)


def design_profile(
    s: FloatArray,
    seabed: FloatArray,
    max_gradient_permille: float,
    min_cover_m: float,
    portal_west_z: float,
    portal_east_z: float,
) -> Profile:
    """Design the highest crown profile within the gradient and cover limits.

    Parameters
    ----------
    s : ndarray
        Increasing chainages (m) of the trace.
    seabed : ndarray
        Seabed depth (m, positive) where there is sea, NaN on land.
    max_gradient_permille : float
        Steepest gradient allowed (per mille, > 0).
    min_cover_m : float
        Least ground between seabed and crown (m).
    portal_west_z, portal_east_z : float
        Crown elevation at each portal (m above sea level).

    Returns
    -------
    Profile
        The profile and the portal chainages.

    Raises
    ------
    InfeasibleAlignment
        If the trace has no sea, or a ramp runs out of land before reaching its portal.
    """
    sea = ~np.isnan(seabed)
    if not sea.any():
        raise InfeasibleAlignment("both", "the trace crosses no sea")
    g = max_gradient_permille / 1000.0
    limit = np.where(sea, -(np.nan_to_num(seabed) + min_cover_m), np.inf)
    ds = np.diff(s)
    z = limit.copy()
    for i in range(1, len(s)):  # cones opening eastwards
        z[i] = min(z[i], z[i - 1] + g * ds[i - 1])
    for i in range(len(s) - 2, -1, -1):  # and westwards
        z[i] = min(z[i], z[i + 1] + g * ds[i])
    first_sea, last_sea = np.flatnonzero(sea)[[0, -1]]
    west = z[: first_sea + 1]
    if west[0] < portal_west_z:
        short = (portal_west_z - west[0]) / g / 1000.0
        raise InfeasibleAlignment(
            "west",
            f"the western ramp needs about {short:.1f} km more land west of the first waypoint",
        )
    east = z[last_sea:]
    if east[-1] < portal_east_z:
        short = (portal_east_z - east[-1]) / g / 1000.0
        raise InfeasibleAlignment(
            "east",
            f"the eastern ramp needs about {short:.1f} km more land east of the last waypoint",
        )
    for side, part, portal_z in (("west", west, portal_west_z), ("east", east, portal_east_z)):
        if not np.any(part <= portal_z):
            shore_z = part[-1] if side == "west" else part[0]
            raise InfeasibleAlignment(
                f"{side}-portal",
                f"the {side} portal elevation ({portal_z:g} m) is below the tunnel crown at the "
                f"shore ({shore_z:.1f} m); a portal must stand above it",
            )
    # Portals: where the envelope meets the portal elevation (interpolated).
    k = int(np.flatnonzero(west <= portal_west_z)[0])
    s_w = s[0] if k == 0 else float(np.interp(portal_west_z, [z[k], z[k - 1]], [s[k], s[k - 1]]))
    k = last_sea + int(np.flatnonzero(east <= portal_east_z)[-1])
    if k == len(s) - 1:
        s_e = float(s[-1])
    else:
        s_e = float(np.interp(portal_east_z, [z[k], z[k + 1]], [s[k], s[k + 1]]))
    return Profile(s=s, crown_z=z, portal_west_s=s_w, portal_east_s=s_e)


@dataclass(frozen=True)
class ProfileSummary:
    """Headline figures of a profile."""

    tunnel_length_km: float
    undersea_length_km: float
    max_depth_below_sea_m: float
    max_water_pressure_bar: float
    max_gradient_permille: float


def summarise(profile: Profile, seabed: FloatArray, bore_diameter_m: float) -> ProfileSummary:
    """Tunnel and undersea length, deepest invert, water pressure there, steepest gradient."""
    inside = profile.inside()
    s, z = profile.s[inside], profile.crown_z[inside]
    sea = ~np.isnan(seabed[inside])
    ds = np.diff(s)
    undersea = float(np.sum(ds[sea[:-1] & sea[1:]])) / 1000.0
    invert = -float(z.min()) + bore_diameter_m
    grad = np.abs(np.diff(z)) / np.where(ds > 0, ds, np.inf)
    return ProfileSummary(
        tunnel_length_km=profile.length_m / 1000.0,
        undersea_length_km=undersea,
        max_depth_below_sea_m=invert,
        max_water_pressure_bar=SEAWATER_DENSITY_KG_M3 * GRAVITY_M_S2 * invert / 1e5,
        max_gradient_permille=float(grad.max(initial=0.0)) * 1000.0,
    )
