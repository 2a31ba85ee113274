"""Design the alignment of a scenario: waypoints -> trace -> land/sea -> seabed -> profile.

This module joins the geography shell (:mod:`beringia.geo.land`, which reads the shipped land
mask, and :mod:`beringia.geo.geodesy`, which computes geodesics) to the pure vertical design
(:mod:`beringia.core.alignment`).
Chainages it reports run from the western portal (0) eastwards, as everywhere in beringia.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from beringia.core.alignment import (
    InfeasibleAlignment,
    Profile,
    ProfileSummary,
    design_profile,
    seabed_depth,
    summarise,
)
from beringia.core.distributions import FloatArray
from beringia.core.pressure import head_pressure_bar
from beringia.errors import ScenarioError
from beringia.geo import geodesy
from beringia.geo.land import land_mask
from beringia.scenario.model import Alignment, Scenario

MAX_DEPTH_POINT_OFFSET_KM = 10.0
"""A depth point farther than this from the route is refused as not describing it."""

GRADIENTS_PERMILLE = (8.0, 10.0, 12.5, 15.0, 20.0)
COVERS_M = (20.0, 40.0, 60.0, 80.0)


@dataclass(frozen=True)
class AttackPlace:
    """An attack point placed on the designed alignment."""

    name: str
    chainage_km: float
    kind: str


@dataclass(frozen=True)
class AlignmentResult:
    """A designed alignment and where everything on it lies.

    Arrays are over the trace (``s`` from the first waypoint); ``chainage_km`` properties
    are measured from the western portal.
    """

    trace: geodesy.Trace
    is_land: NDArray[np.bool_]
    seabed: FloatArray
    profile: Profile
    summary: ProfileSummary
    places_m: dict[str, float]  # named places: chainage from the west portal (m)
    attack_points: list[AttackPlace]
    depth_points: list[tuple[str, float, float]]  # name, chainage (m), depth (m)
    bore_diameter_m: float

    @property
    def origin_m(self) -> float:
        """Trace distance of the western portal."""
        return self.profile.portal_west_s

    def water_pressure_bar(self) -> tuple[FloatArray, FloatArray]:
        """Return chainages (m from the west portal) and the water pressure (bar) at rail level.

        Rail level is taken at the invert of the largest bore (the track sits ~1 m above it,
        ~0.1 bar less). Under the sea the head runs from the sea surface; onshore the
        groundwater is assumed to stand at the surface, taken at sea level because the model
        has no ground elevations inland: the same head, from sea level to the invert.
        """
        inside = self.profile.inside()
        chainage = self.profile.s[inside] - self.origin_m
        invert_depth = -(self.profile.crown_z[inside] - self.bore_diameter_m)
        return chainage, head_pressure_bar(invert_depth)

    def deepest_invert_m(self) -> float:
        """Return the largest bore's deepest invert below sea level, m (the drainage's lift)."""
        inside = self.profile.inside()
        return float(np.max(self.bore_diameter_m - self.profile.crown_z[inside]))

    def to_dict(self) -> dict[str, Any]:
        """Return the ``alignment`` section of ``beringia assess --json``."""
        sm = self.summary
        return {
            "tunnel_length_km": sm.tunnel_length_km,
            "undersea_length_km": sm.undersea_length_km,
            "max_depth_below_sea_m": sm.max_depth_below_sea_m,
            "max_water_pressure_bar": sm.max_water_pressure_bar,
            "max_gradient_permille": sm.max_gradient_permille,
            "attack_points": [
                {"name": a.name, "chainage_km": a.chainage_km, "kind": a.kind}
                for a in self.attack_points
            ],
        }


def _shores(is_land: NDArray[np.bool_], s: FloatArray) -> tuple[float, float]:
    sea = np.flatnonzero(~is_land)
    first, last = sea[0], sea[-1]
    return float((s[first - 1] + s[first]) / 2), float((s[last] + s[last + 1]) / 2)


def survey(
    al: Alignment,
) -> tuple[geodesy.Trace, NDArray[np.bool_], FloatArray, list[tuple[str, float, float]]]:
    """Trace the waypoints, find land and sea, place the depth points, interpolate the seabed.

    Returns the trace, its land flags, the seabed depth (NaN on land) and the depth points
    as (name, trace distance m, depth m).

    Raises
    ------
    ScenarioError
        For waypoints on top of each other or off the shipped land data, a route without sea
        or with an end at sea, and depth points far from the route or on land.
    """
    wps = al.waypoints
    for a, b in itertools.pairwise(wps):
        if geodesy.geodesic_km(a.lat_deg, a.lon_deg, b.lat_deg, b.lon_deg) < 0.001:
            raise ScenarioError(
                f"alignment.waypoints.{b.name}",
                f"{b.lat_deg}, {b.lon_deg}",
                f"within 1 m of waypoint {a.name}; consecutive waypoints must be apart",
            )
    mask = land_mask()
    for w in wps:  # name the waypoint, not a trace point, if one lies off the shipped data
        if not (
            mask.lat[-1] <= w.lat_deg <= mask.lat[0] and mask.lon[0] <= w.lon_deg <= mask.lon[-1]
        ):
            raise ScenarioError(
                f"alignment.waypoints.{w.name}",
                f"{w.lat_deg}, {w.lon_deg}",
                f"the shipped land data covers {mask.lat[-1]:g} to {mask.lat[0]:g} N and "
                f"{mask.lon[0]:g} to {mask.lon[-1]:g} E",
            )
    tr = geodesy.trace([w.lat_deg for w in wps], [w.lon_deg for w in wps], al.resolution_m)
    land = mask.is_land(tr.lat, tr.lon)
    if land.all():
        names = [w.name for w in wps]
        raise ScenarioError("alignment.waypoints", names, "the route crosses no sea")
    if not (land[0] and land[-1]):
        end = wps[0].name if not land[0] else wps[-1].name
        raise ScenarioError(
            f"alignment.waypoints.{end}", "(at sea)", "the first and last waypoints must be on land"
        )
    depth_points = []
    for dp in al.seabed:
        # Nearest trace point, by local equirectangular distance (the trace is 10 m dense).
        dy = (tr.lat - dp.lat_deg) * 111.2
        dx = (tr.lon - dp.lon_deg) * 111.2 * np.cos(np.radians(dp.lat_deg))
        k = int(np.argmin(dx * dx + dy * dy))
        off = geodesy.geodesic_km(dp.lat_deg, dp.lon_deg, float(tr.lat[k]), float(tr.lon[k]))
        if off > MAX_DEPTH_POINT_OFFSET_KM:
            raise ScenarioError(
                f"alignment.seabed.{dp.name}",
                f"{dp.lat_deg}, {dp.lon_deg}",
                f"{off:.1f} km from the route; allowed: within {MAX_DEPTH_POINT_OFFSET_KM:g} km",
            )
        if land[k]:
            raise ScenarioError(
                f"alignment.seabed.{dp.name}", f"{dp.lat_deg}, {dp.lon_deg}", "lies on land"
            )
        depth_points.append((dp.name, float(tr.s[k]), dp.depth_m))
    seabed = seabed_depth(
        tr.s,
        land,
        np.array([d[1] for d in depth_points]),
        np.array([d[2] for d in depth_points]),
    )
    return tr, land, seabed, depth_points


def design(al: Alignment, tr: geodesy.Trace, seabed: FloatArray) -> Profile:
    """Design the profile of a surveyed route with the alignment's limits.

    Raises
    ------
    ScenarioError
        Naming the end waypoint whose ramp runs out of land, or the portal elevation that
        lies below the crown at the shore.
    """
    try:
        return design_profile(
            tr.s,
            seabed,
            al.max_gradient_permille,
            al.min_cover_m,
            al.portal_west_elevation_m,
            al.portal_east_elevation_m,
        )
    except InfeasibleAlignment as exc:
        if exc.side.endswith("-portal"):
            side = exc.side.removesuffix("-portal")
            field = f"alignment.portal_{side}_elevation_m"
            value = al.portal_west_elevation_m if side == "west" else al.portal_east_elevation_m
            raise ScenarioError(field, value, str(exc)) from None
        far = al.waypoints[0] if exc.side == "west" else al.waypoints[-1]
        raise ScenarioError(f"alignment.waypoints.{far.name}", far.name, str(exc)) from None


ISLAND_TOLERANCE_M = 1000.0
"""An island attack point's waypoint must have land within this distance along the route: the
shipped GLOBE mask has 30-arc-second cells (~0.4 x 0.9 km here), so a point on a small island
or a cape can fall in a sea cell, while an island moved into open sea is kilometres from land."""


def alignment_for(sc: Scenario) -> AlignmentResult | None:
    """Design the scenario's alignment and place its attack points, or None without one."""
    al = sc.alignment
    if al is None:
        return None
    bore_d = max(b.diameter_m for b in sc.construction.bores)
    tr, land, seabed, depth_points = survey(al)
    profile = design(al, tr, seabed)
    origin = profile.portal_west_s
    length = profile.length_m
    west_shore, east_shore = _shores(land, tr.s)
    waypoint_m = {w.name: float(tr.waypoint_s[i]) - origin for i, w in enumerate(al.waypoints)}
    places = dict(waypoint_m)
    places["west-shore"] = west_shore - origin
    places["east-shore"] = east_shore - origin
    pts = sc.route.attack_points
    attack = []
    for i, p in enumerate(pts):
        if i == 0:
            at = 0.0
        elif i == len(pts) - 1:
            at = length
        else:
            at = waypoint_m[p.waypoint or ""]
            k = next(j for j, w in enumerate(al.waypoints) if w.name == p.waypoint)
            near = np.abs(tr.s - tr.waypoint_s[k]) <= ISLAND_TOLERANCE_M
            if p.kind == "island" and not land[near].any():
                w = al.waypoints[k]
                raise ScenarioError(
                    f"alignment.waypoints.{w.name}",
                    f"{w.lat_deg}, {w.lon_deg}",
                    f"island attack point {p.name} stands here, at sea by the shipped land "
                    "data; move the waypoint onto the island (or make it a shaft)",
                )
            if not 0 < at < length:
                raise ScenarioError(
                    f"route.attack_points.{p.name}.waypoint",
                    p.waypoint,
                    f"lies outside the tunnel (0 to {length / 1000:.2f} km from the west portal)",
                )
        places[p.name] = at
        attack.append(AttackPlace(p.name, at / 1000.0, p.kind))
    for a, b in itertools.pairwise(attack):
        if b.chainage_km <= a.chainage_km:
            raise ScenarioError(
                f"route.attack_points.{b.name}",
                f"{b.chainage_km:.2f} km",
                f"must lie east of {a.name} ({a.chainage_km:.2f} km): list attack points "
                "west to east",
            )
    return AlignmentResult(
        trace=tr,
        is_land=land,
        seabed=seabed,
        profile=profile,
        summary=summarise(profile, seabed, bore_d),
        places_m=places,
        attack_points=attack,
        depth_points=[(n, s_ - origin, d) for n, s_, d in depth_points],
        bore_diameter_m=bore_d,
    )


def length_table(sc: Scenario) -> list[tuple[float, float, float | None]]:
    """Tunnel length (km) for each gradient limit and cover, None where infeasible.

    The route is surveyed once; only the vertical design is repeated.
    """
    al = sc.alignment
    if al is None:
        return []
    tr, _, seabed, _ = survey(al)
    rows: list[tuple[float, float, float | None]] = []
    for g in GRADIENTS_PERMILLE:
        for c in COVERS_M:
            try:
                profile = design(
                    al.model_copy(update={"max_gradient_permille": g, "min_cover_m": c}),
                    tr,
                    seabed,
                )
                rows.append((g, c, profile.length_m / 1000.0))
            except ScenarioError:
                rows.append((g, c, None))
    return rows
