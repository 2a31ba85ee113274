"""Ocean legs for the door-to-door comparison: sea distance, sailing time, dwell and freight rate.

Sea distances come from the offline maritime network of the ``searoute`` package (it never
fetches anything). ``searoute`` has no usable Northern Sea Route, so the NSR is a polyline of
strait positions (Bering Strait ... Kara Gates, shipped in ``beringia/data/ocean.toml``) joined
to ``searoute`` legs at both ends, usable in its navigation season only.

Uncertain quantities (port dwell, freight rate, inland rail time and cost) are
:class:`~beringia.core.distributions.DistSpec` objects sampled by inverse CDF from uniforms the
caller supplies, so the caller controls the random streams (common random numbers).
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import searoute
from numpy.typing import ArrayLike, NDArray

from beringia.core.distributions import DistSpec, ppf
from beringia.errors import NumericalError, ScenarioError
from beringia.geo.geodesy import geodesic_km
from beringia.models.corridor.schema import OceanDoc
from beringia.scenario.distributions import AnyDist, dist_spec
from beringia.tables.schema import check, read_table

FloatArray = NDArray[np.float64]

KM_PER_NMI = 1.852
"""Kilometres per international nautical mile (exact)."""

_DATA_FILE = "ocean.toml"


@dataclass(frozen=True)
class Port:
    """A container port.

    Parameters
    ----------
    code : str
        UN/LOCODE (``CNSHA``).
    name : str
        Display name.
    lat, lon : float
        Position in decimal degrees.
    region : str
        Freight-rate region (``east_asia``, ``na_west``, ``na_east``, ``n_europe``).
    side : str
        ``pacific`` or ``atlantic``: the end from which the port reaches the NSR.
    export_days, import_days : DistSpec
        Dwell in the port of loading and of discharge.
    """

    code: str
    name: str
    lat: float
    lon: float
    region: str
    side: str
    export_days: DistSpec
    import_days: DistSpec


@dataclass(frozen=True)
class Waypoint:
    """A named position on the Northern Sea Route polyline."""

    name: str
    lat: float
    lon: float


@dataclass(frozen=True)
class InlandLeg:
    """A land leg from a port inland (rail running time and cost per FEU).

    Parameters
    ----------
    name : str
        Key (``seattle-chicago``).
    port : str
        UN/LOCODE of the port it starts from.
    to : str
        Inland destination.
    mode : str
        ``rail``.
    days : DistSpec
        Running time in days (the port's import dwell is counted in the ocean leg).
    usd_per_feu : DistSpec
        Cost per 40-ft container.
    """

    name: str
    port: str
    to: str
    mode: str
    days: DistSpec
    usd_per_feu: DistSpec


@dataclass(frozen=True)
class ChinaEuropeRail:
    """The China-Europe rail benchmark (research notes section 5.1).

    Parameters
    ----------
    terminal_days_poland, terminal_days_germany : DistSpec
        Terminal-to-terminal days from China.
    door_to_door_days, door_to_door_days_congested : DistSpec
        Door-to-door days, normal and congested.
    base_usd_per_feu, extras_usd_per_feu : DistSpec
        Base rail freight and the port, customs and delivery extras per FEU.
    """

    terminal_days_poland: DistSpec
    terminal_days_germany: DistSpec
    door_to_door_days: DistSpec
    door_to_door_days_congested: DistSpec
    base_usd_per_feu: DistSpec
    extras_usd_per_feu: DistSpec

    @property
    def days_range(self) -> tuple[float, float]:
        """Return the door-to-door range in days, from the normal low to the congested high."""
        return _support(self.door_to_door_days)[0], _support(self.door_to_door_days_congested)[1]

    @property
    def usd_per_feu_range(self) -> tuple[float, float]:
        """Return the all-in cost range per FEU (base freight plus extras)."""
        base, extra = _support(self.base_usd_per_feu), _support(self.extras_usd_per_feu)
        return base[0] + extra[0], base[1] + extra[1]


@dataclass(frozen=True)
class OceanData:
    """Everything ``ocean.toml`` ships, compiled."""

    speed_knots: float
    ports: Mapping[str, Port]
    rates: Mapping[str, DistSpec]
    nsr_waypoints: tuple[Waypoint, ...]
    nsr_season_months: tuple[int, ...]
    nsr_path_factor: float
    nsr_quoted_length_km: float
    inland: Mapping[str, InlandLeg]
    china_europe_rail: ChinaEuropeRail


@dataclass(frozen=True)
class OceanLeg:
    """A port-to-port ocean leg.

    Parameters
    ----------
    origin, destination : str
        UN/LOCODEs of the ports.
    nsr : bool
        Whether the leg sails the Northern Sea Route.
    lane : str
        Freight-rate lane (``east_asia->na_west``).
    distance_km : float
        Sea distance.
    speed_knots : float
        Vessel speed.
    sailing_days : float
        ``distance_km / (speed_knots * 1.852 * 24)``.
    export_days, import_days : DistSpec
        Dwell at the port of loading and of discharge.
    usd_per_feu : DistSpec
        Ocean freight rate per 40-ft container.
    season_months : tuple of int
        Months (1-12) the leg can be sailed; empty means all year.
    """

    origin: str
    destination: str
    nsr: bool
    lane: str
    distance_km: float
    speed_knots: float
    sailing_days: float
    export_days: DistSpec
    import_days: DistSpec
    usd_per_feu: DistSpec
    season_months: tuple[int, ...]


def _support(spec: DistSpec) -> tuple[float, float]:
    """Return the (low, high) bounds of a bounded distribution."""
    if spec.kind == "fixed":
        return spec.params[0], spec.params[0]
    if spec.kind == "uniform":
        return spec.params[0], spec.params[1]
    return spec.params[0], spec.params[2]


def _spec(d: AnyDist) -> DistSpec:
    return dist_spec(d)


def _compile(doc: Any) -> OceanData:
    """Check the parsed ``ocean.toml`` document against its layout and compile it.

    Raises
    ------
    ScenarioError
        Naming the field at fault (``ocean.ports.3.side``).
    """
    t = check(OceanDoc, doc, "ocean")
    export_default = _spec(t.dwell.export_days)
    import_default = _spec(t.dwell.import_days)
    ports = {
        p.code: Port(
            code=p.code,
            name=p.name,
            lat=p.lat,
            lon=p.lon,
            region=p.region,
            side=p.side,
            export_days=export_default if p.export_days is None else _spec(p.export_days),
            import_days=import_default if p.import_days is None else _spec(p.import_days),
        )
        for p in t.ports
    }
    inland = {
        leg.name: InlandLeg(
            name=leg.name,
            port=leg.port,
            to=leg.to,
            mode=leg.mode,
            days=_spec(leg.days),
            usd_per_feu=_spec(leg.usd_per_feu),
        )
        for leg in t.inland
    }
    bench = t.benchmarks.china_europe_rail
    rail = ChinaEuropeRail(
        terminal_days_poland=_spec(bench.terminal_days_poland),
        terminal_days_germany=_spec(bench.terminal_days_germany),
        door_to_door_days=_spec(bench.door_to_door_days),
        door_to_door_days_congested=_spec(bench.door_to_door_days_congested),
        base_usd_per_feu=_spec(bench.base_usd_per_feu),
        extras_usd_per_feu=_spec(bench.extras_usd_per_feu),
    )
    return OceanData(
        speed_knots=_spec(t.vessel.speed_knots).params[0],
        ports=ports,
        rates={r.lane: _spec(r.usd_per_feu) for r in t.rates},
        nsr_waypoints=tuple(Waypoint(w.name, w.lat, w.lon) for w in t.nsr.waypoints),
        nsr_season_months=tuple(t.nsr.season_months),
        nsr_path_factor=_spec(t.nsr.path_factor).params[0],
        nsr_quoted_length_km=_spec(t.nsr.quoted_length_km).params[0],
        inland=inland,
        china_europe_rail=rail,
    )


@functools.cache
def load_ocean_data() -> OceanData:
    """Load and compile the shipped ``ocean.toml`` (cached).

    Returns
    -------
    OceanData
        Ports, rates, NSR polyline and season, inland legs and the rail benchmark.
    """
    return _compile(read_table(_DATA_FILE))


def port(name: str, field: str = "ocean.port") -> Port:
    """Return a shipped port by UN/LOCODE or name (case-insensitive).

    Parameters
    ----------
    name : str
        ``CNSHA`` or ``Shanghai``.
    field : str
        Field path named in the error.

    Returns
    -------
    Port
        The port.

    Raises
    ------
    ScenarioError
        If no shipped port has that code or name.
    """
    ports = load_ocean_data().ports
    key = name.strip().casefold()
    for p in ports.values():
        if key in (p.code.casefold(), p.name.casefold()):
            return p
    allowed = ", ".join(f"{p.code} ({p.name})" for p in ports.values())
    raise ScenarioError(field, name, f"a port among: {allowed}")


def nsr_polyline_km() -> float:
    """Return the length of the NSR polyline (Bering Strait to Kara Gates) times its path factor.

    Returns
    -------
    float
        Kilometres along WGS84 geodesics between the shipped strait positions.
    """
    data = load_ocean_data()
    w = data.nsr_waypoints
    km = sum(geodesic_km(a.lat, a.lon, b.lat, b.lon) for a, b in itertools.pairwise(w))
    return km * data.nsr_path_factor


def _searoute_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the searoute sea distance between two positions in km (offline network)."""
    feature = searoute.searoute(
        [lon1, lat1],
        [lon2, lat2],
        units="km",
        append_orig_dest=True,
        restrictions=["northwest"],
    )
    km = float(feature["properties"]["length"])
    if not math.isfinite(km) or km <= 0:
        raise NumericalError(
            f"searoute found no sea route from ({lat1}, {lon1}) to ({lat2}, {lon2})"
        )
    return km


@functools.cache
def _sea_km(origin: str, destination: str, nsr: bool) -> float:
    """Return the cached sea distance between two shipped ports given by code."""
    ports = load_ocean_data().ports
    o, d = ports[origin], ports[destination]
    if not nsr:
        return _searoute_km(o.lat, o.lon, d.lat, d.lon)
    w = load_ocean_data().nsr_waypoints
    pac, atl = (o, d) if o.side == "pacific" else (d, o)
    return (
        _searoute_km(pac.lat, pac.lon, w[0].lat, w[0].lon)
        + nsr_polyline_km()
        + _searoute_km(w[-1].lat, w[-1].lon, atl.lat, atl.lon)
    )


def sea_distance_km(origin_port: str, destination_port: str, *, nsr: bool = False) -> float:
    """Return the port-to-port sea distance in km.

    Parameters
    ----------
    origin_port, destination_port : str
        Shipped ports by UN/LOCODE or name.
    nsr : bool
        Sail the Northern Sea Route (one port must be on the Pacific side, one on the Atlantic
        side); otherwise ``searoute``'s shortest route (Suez, Panama ...; no Northwest Passage).

    Returns
    -------
    float
        Kilometres (cached per port pair).

    Raises
    ------
    ScenarioError
        For an unknown port, identical ports, or an NSR leg that does not cross from one ocean
        to the other.
    """
    o = port(origin_port, "ocean.origin")
    d = port(destination_port, "ocean.destination")
    if o.code == d.code:
        raise ScenarioError("ocean.destination", destination_port, "a port other than the origin")
    if nsr and o.side == d.side:
        raise ScenarioError(
            "ocean.nsr",
            nsr,
            f"the Northern Sea Route only between a Pacific-side and an Atlantic-side port; "
            f"{o.name} and {d.name} are both on the {o.side} side",
        )
    return _sea_km(o.code, d.code, nsr)


def sailing_days(distance_km: float, speed_knots: float) -> float:
    """Return sailing days: ``distance_km / (speed_knots * 1.852 * 24)``."""
    return distance_km / (speed_knots * KM_PER_NMI * 24.0)


def ocean_leg(origin: str, destination: str, *, nsr: bool = False) -> OceanLeg:
    """Build a port-to-port ocean leg from the shipped data.

    Parameters
    ----------
    origin, destination : str
        Shipped ports by UN/LOCODE or name.
    nsr : bool
        Sail the Northern Sea Route (in its season only, see ``OceanLeg.season_months``).

    Returns
    -------
    OceanLeg
        Distance, sailing days at the data's speed, dwell and rate distributions.

    Raises
    ------
    ScenarioError
        For an unknown port, or a lane without a shipped freight rate.
    """
    data = load_ocean_data()
    km = sea_distance_km(origin, destination, nsr=nsr)
    o, d = port(origin, "ocean.origin"), port(destination, "ocean.destination")
    lane = f"{o.region}->{d.region}"
    if lane not in data.rates:
        raise ScenarioError(
            "ocean.lane", lane, f"a lane with a shipped freight rate: {', '.join(data.rates)}"
        )
    return OceanLeg(
        origin=o.code,
        destination=d.code,
        nsr=nsr,
        lane=lane,
        distance_km=km,
        speed_knots=data.speed_knots,
        sailing_days=sailing_days(km, data.speed_knots),
        export_days=o.export_days,
        import_days=d.import_days,
        usd_per_feu=data.rates[lane],
        season_months=data.nsr_season_months if nsr else (),
    )


def in_season(leg: OceanLeg, month: int) -> bool:
    """Return whether ``leg`` can be sailed in ``month`` (1-12)."""
    if not 1 <= month <= 12:
        raise ScenarioError("ocean.month", month, "a month number from 1 to 12")
    return not leg.season_months or month in leg.season_months


def inland_leg(name: str) -> InlandLeg:
    """Return a shipped inland leg (``seattle-chicago``).

    Raises
    ------
    ScenarioError
        If no inland leg has that name.
    """
    legs = load_ocean_data().inland
    if name not in legs:
        raise ScenarioError("ocean.inland", name, f"one of: {', '.join(legs)}")
    return legs[name]


def china_europe_rail() -> ChinaEuropeRail:
    """Return the China-Europe rail benchmark (research notes section 5.1)."""
    return load_ocean_data().china_europe_rail


def transit_days(leg: OceanLeg | InlandLeg, u: ArrayLike) -> FloatArray:
    """Sample a leg's transit days from uniforms by inverse CDF.

    Parameters
    ----------
    leg : OceanLeg or InlandLeg
        The leg.
    u : array_like
        Uniforms on (0, 1). For an ``OceanLeg``: shape ``(n, 2)`` gives independent export
        (column 0) and import (column 1) dwell; shape ``(n,)`` drives both with the same
        uniform (fully correlated). For an ``InlandLeg``: any shape.

    Returns
    -------
    ndarray
        Days, shape ``(n,)`` for an ocean leg, the shape of ``u`` for an inland leg.
        Ocean: export dwell + sailing days + import dwell.
    """
    arr = np.asarray(u, dtype=np.float64)
    if isinstance(leg, InlandLeg):
        return ppf(leg.days, arr)
    if arr.ndim == 1:
        u_exp, u_imp = arr, arr
    elif arr.ndim == 2 and arr.shape[1] == 2:
        u_exp, u_imp = arr[:, 0], arr[:, 1]
    else:
        raise ValueError(f"u must have shape (n,) or (n, 2), got {arr.shape}")
    return ppf(leg.export_days, u_exp) + leg.sailing_days + ppf(leg.import_days, u_imp)


def cost_usd_per_feu(leg: OceanLeg | InlandLeg, u: ArrayLike) -> FloatArray:
    """Sample a leg's cost per 40-ft container from uniforms by inverse CDF.

    Parameters
    ----------
    leg : OceanLeg or InlandLeg
        The leg.
    u : array_like
        Uniforms on (0, 1), any shape.

    Returns
    -------
    ndarray
        US dollars per FEU, the shape of ``u``.
    """
    return ppf(leg.usd_per_feu, np.asarray(u, dtype=np.float64))
