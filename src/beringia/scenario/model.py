"""The scenario document: one validated, frozen description of what is built and how.

Chainage runs from the western (Chukotka) portal, ``0``, to the eastern (Alaska) portal.
Directions: ``east`` is increasing chainage, ``west`` decreasing.
"""

from __future__ import annotations

import itertools
from typing import Annotated, Literal

from pydantic import Field, model_validator

from beringia.scenario import limits as L
from beringia.scenario.base import Label, Name, Sourced, Strict
from beringia.scenario.corridor import Corridor, Economics, Market, check_corridor_sections
from beringia.scenario.distributions import Distribution, within
from beringia.scenario.operations import Operations
from beringia.scenario.quantities import (
    BedsPerFace,
    CampBeds,
    Days,
    Exponent,
    Factor,
    Fraction,
    KmPerMonthPerFront,
    Months,
    MWhPerM3,
    Penetration,
    PositiveUsdMPerKm,
    SitePowerMW,
    SupplyM3PerDay,
    UsdM,
    UsdMPerDay,
    UsdMPerKm,
    Utilisation,
)
from beringia.scenario.reference import MoneyAmount, ReferenceRow, check_money
from beringia.scenario.risks import Risk, RiskGroup, check_risks
from beringia.scenario.unique import unique_names
from beringia.tables.drive_averages import Regime

SCHEMA_VERSION = 1


# --------------------------------------------------------------------------- route
class AttackPoint(Sourced):
    """A site along the route: a portal, an island or a shaft.

    It launches headings in the directions listed in ``headings`` (none: a reception
    site, where machines arrive but none start).
    """

    name: Name
    kind: Literal["portal", "island", "shaft"]
    chainage_km: float | None = Field(
        None,
        ge=0,
        le=L.MAX_TUNNEL_KM,
        description="Position along the tunnel; computed when there is an alignment",
    )
    waypoint: Name | None = Field(
        None, description="With an alignment: the waypoint this island or shaft stands at"
    )
    headings: list[Literal["east", "west"]] = Field(
        max_length=2,
        description="Directions in which headings are launched ([] for a reception site)",
    )
    marine_works_days: Days = Field(
        description="Working days of marine works (harbour, platform) in the ice-free season"
    )
    site_works_months: Months = Field(
        description="Months of land site works after the marine works, before any launch"
    )
    site_cost_usd_m: UsdM = Field(description="Fixed cost of the site, harbour, island works")
    overhead_usd_m_per_year: UsdM = Field(
        description="Site overheads (camp, power, logistics) per year of the project"
    )
    supply_m3_per_day: SupplyM3PerDay | None = Field(
        None,
        description="Excavated volume (m³ in situ per day, all the site's headings together) "
        "that its deliveries sustain averaged over the year: segments, grout, fuel "
        "(default: unlimited)",
    )
    spoil_m3_per_day: SupplyM3PerDay | None = Field(
        None,
        description="Excavated volume (m³ in situ per day, all the site's headings together) "
        "whose spoil the site can place or ship, averaged over the year (default: unlimited)",
    )
    power_mw: SitePowerMW | None = Field(
        None,
        description="Electric power the site has for the works, MW; with "
        "construction.power_mwh_per_m3 it caps the excavation a day (default: unlimited)",
    )
    camp_beds: CampBeds | None = Field(
        None,
        description="Beds the site's camp has for the works; with "
        "construction.beds_per_face it caps the share of its faces' pace it can man "
        "(default: unlimited)",
    )


class Route(Strict):
    """The tunnel's line as attack points along a chainage."""

    attack_points: list[AttackPoint] = Field(min_length=2, max_length=L.MAX_ATTACK_POINTS)

    @model_validator(mode="after")
    def _check(self) -> Route:
        pts = self.attack_points
        unique_names("route.attack_points", [p.name for p in pts])
        for p in pts:
            unique_names(f"route.attack_points.{p.name}.headings", p.headings)
        ch = [p.chainage_km for p in pts if p.chainage_km is not None]
        if len(ch) == len(pts):  # typed-in chainages (no alignment)
            if any(b <= a for a, b in itertools.pairwise(ch)):
                raise ValueError(
                    f"attack points must be in strictly increasing chainage_km order, got {ch}"
                )
            if ch[0] != 0:
                raise ValueError(f"the first attack point must be at chainage_km 0, got {ch[0]}")
        if "west" in pts[0].headings:
            raise ValueError(f"{pts[0].name}: the first attack point cannot launch west")
        if "east" in pts[-1].headings:
            raise ValueError(f"{pts[-1].name}: the last attack point cannot launch east")
        for a, b in itertools.pairwise(pts):
            if "east" not in a.headings and "west" not in b.headings:
                raise ValueError(
                    f"the stretch {a.name} - {b.name} has no heading: launch east from "
                    f"{a.name} or west from {b.name}"
                )
        return self


# --------------------------------------------------------------------------- geology
PressureRegime = Literal["air", "mixed-gas", "saturation"]
"""Regimes of work at a pressurised face (beringia.core.pressure.PRESSURE_REGIMES)."""


class GroundClass(Sourced):
    """A class of ground with one construction method."""

    name: Name
    description: str = ""


class Zone(Sourced):
    """A stretch of the route with its own ground-class shares and run lengths."""

    name: Label
    from_km: float | None = Field(None, ge=0, le=L.MAX_TUNNEL_KM, description="Start, km")
    to_km: float | None = Field(None, gt=0, le=L.MAX_TUNNEL_KM, description="End, km")
    from_point: str | None = Field(
        None, description="Start at a named point: an attack point, waypoint, west-/east-shore"
    )
    to_point: str | None = Field(None, description="End at a named point (as from_point)")
    share: dict[str, Annotated[float, Field(ge=0, le=1)]] = Field(
        max_length=L.MAX_GROUND_CLASSES,
        description="Fraction of the zone's length in each ground class (sums to 1)",
    )
    mean_run_m: dict[str, Annotated[float, Field(le=L.MAX_TUNNEL_KM * 1000)]] = Field(
        max_length=L.MAX_GROUND_CLASSES,
        description="Mean length of one run of each ground class, metres",
    )
    machine: Name | None = Field(
        None,
        description="Method forced in this zone for every bore (a drill-and-blast or NATM "
        "stretch): the machine whose rates apply here; default each bore's own",
    )
    machines: dict[Name, Name] | None = Field(
        None,
        max_length=L.MAX_BORES,
        description="Bore -> machine forced in this zone for that bore (wins over machine "
        "for that bore): bores driven by different methods in one stretch",
    )
    water_pressure_bar: float | None = Field(
        None,
        ge=0,
        le=L.MAX_WATER_PRESSURE_BAR,
        description="Water pressure at the tunnel in this zone, bar (default: from the "
        "alignment's profile, or atmospheric without an alignment)",
    )

    @model_validator(mode="after")
    def _check(self) -> Zone:
        if (self.from_km is None) == (self.from_point is None):
            raise ValueError("give exactly one of from_km and from_point")
        if (self.to_km is None) == (self.to_point is None):
            raise ValueError("give exactly one of to_km and to_point")
        if self.from_km is not None and self.to_km is not None and self.to_km <= self.from_km:
            raise ValueError(f"to_km ({self.to_km}) must exceed from_km ({self.from_km})")
        total = sum(self.share.values())
        if abs(total - 1) > 1e-6:
            raise ValueError(f"share must sum to 1, it sums to {total:g}")
        bad = {k: v for k, v in self.share.items() if v < 0}
        if bad:
            raise ValueError(f"share must be >= 0, got {bad}")
        if set(self.share) != set(self.mean_run_m):
            raise ValueError(
                f"share and mean_run_m must name the same classes: {sorted(self.share)} vs "
                f"{sorted(self.mean_run_m)}"
            )
        runs = {k: v for k, v in self.mean_run_m.items() if v < L.MIN_MEAN_RUN_M}
        if runs:
            raise ValueError(f"mean_run_m must be >= {L.MIN_MEAN_RUN_M:g} m, got {runs}")
        return self


class Geology(Strict):
    """Ground classes and the zones that tile the route."""

    classes: list[GroundClass] = Field(min_length=1, max_length=L.MAX_GROUND_CLASSES)
    zones: list[Zone] = Field(min_length=1, max_length=L.MAX_ZONES)

    @model_validator(mode="after")
    def _check(self) -> Geology:
        unique_names("geology.classes", [c.name for c in self.classes])
        unique_names("geology.zones", [z.name for z in self.zones])
        names = {c.name for c in self.classes}
        for z in self.zones:
            unknown = set(z.share) - names
            if unknown:
                raise ValueError(
                    f"zone {z.name}: unknown ground classes {sorted(unknown)}; "
                    f"allowed: {sorted(names)}"
                )
        for a, b in zip(self.zones, self.zones[1:], strict=False):
            if (a.to_km, a.to_point) != (b.from_km, b.from_point):
                end = a.to_point or f"{a.to_km} km"
                start = b.from_point or f"{b.from_km} km"
                raise ValueError(
                    f"zones must be contiguous: {a.name} ends at {end}, {b.name} starts at {start}"
                )
        if self.zones[0].from_km not in (0, None):
            raise ValueError(f"the first zone must start at 0 km, got {self.zones[0].from_km}")
        return self


# --------------------------------------------------------------------------- alignment
class Waypoint(Sourced):
    """A point the horizontal alignment passes through (WGS84)."""

    name: Name
    lat_deg: float = Field(ge=-90, le=90)
    lon_deg: float = Field(ge=-180, le=180)


class DepthPoint(Sourced):
    """A sourced water depth near the route; it is placed at the nearest point of the route."""

    name: Label
    lat_deg: float = Field(ge=-90, le=90)
    lon_deg: float = Field(ge=-180, le=180)
    depth_m: float = Field(gt=0, le=11_000, description="Deepest ocean: ~11 km (Challenger Deep)")


class Alignment(Sourced):
    """Horizontal route by waypoints and the limits of the vertical design.

    The first and last waypoints must lie inland of the shores, far enough for the ramps
    down to the tunnel's depth; the portals are where the ramps reach the portal elevations.
    """

    waypoints: list[Waypoint] = Field(min_length=2, max_length=L.MAX_WAYPOINTS)
    seabed: list[DepthPoint] = Field(min_length=1, max_length=L.MAX_DEPTH_POINTS)
    max_gradient_permille: float = Field(ge=L.MIN_GRADIENT_PERMILLE, le=L.MAX_GRADIENT_PERMILLE)
    min_cover_m: float = Field(ge=0, le=1000)
    portal_west_elevation_m: float = Field(ge=-100, le=2000)
    portal_east_elevation_m: float = Field(ge=-100, le=2000)
    resolution_m: float = Field(10.0, ge=1, le=100, description="Spacing of the chainage grid")

    @model_validator(mode="after")
    def _check(self) -> Alignment:
        unique_names("alignment.waypoints", [w.name for w in self.waypoints])
        unique_names("alignment.seabed", [d.name for d in self.seabed])
        return self


# --------------------------------------------------------------------------- construction
class MarineSeason(Sourced):
    """The ice-free window for marine works and deliveries, in days of the year."""

    open_day_of_year: float = Field(ge=0, lt=366)
    close_day_of_year: float = Field(gt=0, le=366)

    @model_validator(mode="after")
    def _check(self) -> MarineSeason:
        if self.close_day_of_year <= self.open_day_of_year:
            raise ValueError(
                f"close_day_of_year ({self.close_day_of_year}) must follow open_day_of_year "
                f"({self.open_day_of_year})"
            )
        return self


class AdvanceEnvelope(Sourced):
    """What bounds sustained advance: achieved whole-drive averages by regime and diameter.

    Each ground class is driven in a regime (``regime``; a class not named is ``hard-rock``,
    the fastest TBM regime). Its mean advance is capped at the best whole-drive (calendar)
    average achieved in that regime in the shipped ``data/drive_averages.toml`` (drives
    flagged unverified left out), scaled to the bore's diameter with ``area_exponent``;
    closed-face classes in zones under saturation pressure (5 bar or more) take the best of
    the drives driven at such pressure (beringia.tables.drive_averages.cap_drives).
    """

    regime: dict[str, Regime] = Field(
        default_factory=dict,
        max_length=L.MAX_GROUND_CLASSES,
        description="How each ground class is driven: hard-rock, closed-face or drill-and-blast",
    )
    area_exponent: Exponent = Field(
        description="Advance scales as (face area)^-exponent between diameters"
    )


class Machine(Sourced):
    """A type of tunnel boring machine and how it performs in each ground class."""

    name: Name
    kind: str = ""
    reference_diameter_m: float = Field(
        ge=L.MIN_TBM_DIAMETER_M,
        le=L.MAX_TBM_DIAMETER_M,
        description="Diameter the rates below refer to",
    )
    penetration_m_per_h: dict[str, Penetration] = Field(max_length=L.MAX_GROUND_CLASSES)
    utilisation: dict[str, Utilisation] = Field(max_length=L.MAX_GROUND_CLASSES)
    manufacture_months: Months
    shipping_days: Days = Field(description="Sea voyage to site, in the ice-free season")
    launch_months: Months = Field(description="Assembly and launch at the site")
    learning_days: Days = Field(description="Length of the learning curve of each drive")
    learning_initial_efficiency: Fraction = Field(
        description="Efficiency at the start of a drive; rises linearly to 1"
    )
    regime: Regime | None = Field(
        None,
        description="The method's regime in data/drive_averages.toml; when given, this "
        "machine's cap is that regime's best whole-drive average in every ground class, "
        "instead of the class's regime",
    )


HEADING_PATTERN = r"^[A-Za-z0-9_.-]+:(east|west)$"
"""``<point>:<direction>``: a heading of the bore that names it."""
AFTER_PATTERN = r"^[A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+:(east|west)$"
"""``<bore>:<point>:<direction>``: a heading of any bore."""


class Reuse(Strict):
    """One machine reused: this bore's heading starts after another heading has finished.

    The machine is moved (``relocation_months``: dismantling, carriage, arrival at the new
    site), then assembled and launched (the machine's ``launch_months``) and learns again.
    Its price is paid once, by the heading that used it first.
    """

    heading: str = Field(
        pattern=HEADING_PATTERN, description="This bore's heading: <point>:<east|west>"
    )
    after: str = Field(
        pattern=AFTER_PATTERN, description="The earlier heading: <bore>:<point>:<east|west>"
    )
    relocation_months: Months = Field(description="From the end of the earlier drive")


class Stop(Strict):
    """A heading of this bore that stops at a given chainage (a lot boundary, a fault zone).

    The rest of its stretch is bored from the other side.
    """

    heading: str = Field(
        pattern=HEADING_PATTERN, description="This bore's heading: <point>:<east|west>"
    )
    stop_km: float = Field(gt=0, lt=L.MAX_TUNNEL_KM, description="Where the heading stops, km")


class Bore(Sourced):
    """One bore: a running tunnel, the service tunnel, a pilot tunnel.

    By default a bore runs the whole route and launches a heading wherever an attack point
    does. ``from_km``/``from_point`` and ``to_km``/``to_point`` give a shorter span (outside
    it the bore does not exist: it costs and takes nothing there, and points outside launch
    nothing for it); ``headings`` overrides, for this bore, the directions some points
    launch in (``[]``: none); ``reuse`` drives a heading with an earlier heading's machine;
    ``stops`` stops a heading at a chainage.
    """

    name: Name
    role: Literal["running", "service"]
    diameter_m: float = Field(ge=L.MIN_TBM_DIAMETER_M, le=L.MAX_TBM_DIAMETER_M)
    machine: Name
    cost_reference_diameter_m: float = Field(ge=L.MIN_TBM_DIAMETER_M, le=L.MAX_TBM_DIAMETER_M)
    unit_cost_usd_m_per_km: PositiveUsdMPerKm = Field(
        description="Lining, spoil, grouting per km at cost_reference_diameter_m"
    )
    machine_cost_usd_m: UsdM
    heading_cost_usd_m_per_day: UsdMPerDay = Field(description="Crews and plant per heading-day")
    performance_factor: Factor = Field(
        description="Multiplies boring time of every heading in the bore (1 = as rated)"
    )
    from_km: float | None = Field(
        None, ge=0, le=L.MAX_TUNNEL_KM, description="Start of the bore's span, km (default 0)"
    )
    to_km: float | None = Field(
        None, gt=0, le=L.MAX_TUNNEL_KM, description="End of the span, km (default the end)"
    )
    from_point: str | None = Field(None, description="Start at a named point (as zones)")
    to_point: str | None = Field(None, description="End at a named point (as zones)")
    headings: dict[str, list[Literal["east", "west"]]] | None = Field(
        None,
        max_length=L.MAX_ATTACK_POINTS,
        description="Per attack point, the directions it launches in for this bore",
    )
    reuse: list[Reuse] = Field(default_factory=list, max_length=L.MAX_BORE_REUSES)
    stops: list[Stop] = Field(default_factory=list, max_length=L.MAX_BORE_STOPS)

    @model_validator(mode="after")
    def _span(self) -> Bore:
        if self.from_km is not None and self.from_point is not None:
            raise ValueError("give at most one of from_km and from_point")
        if self.to_km is not None and self.to_point is not None:
            raise ValueError("give at most one of to_km and to_point")
        if self.from_km is not None and self.to_km is not None and self.to_km <= self.from_km:
            raise ValueError(f"to_km ({self.to_km}) must exceed from_km ({self.from_km})")
        for p, dirs in (self.headings or {}).items():
            unique_names(f"construction.bores.{self.name}.headings.{p}", dirs)
        unique_names(f"construction.bores.{self.name}.reuse", [r.heading for r in self.reuse])
        unique_names(f"construction.bores.{self.name}.stops", [s.heading for s in self.stops])
        return self


class EventType(Sourced):
    """A rare event during boring: Poisson per km of each ground class."""

    name: Name
    rate_per_km: dict[str, Annotated[float, Field(ge=0, le=L.MAX_EVENT_RATE_PER_KM)]] = Field(
        max_length=L.MAX_GROUND_CLASSES, description="Expected events per bore-km, per class"
    )
    rate_multiplier: Factor = Field(description="Uncertainty on all rates of this event")
    pressure_factor: dict[
        PressureRegime, Annotated[float, Field(ge=0, le=L.MAX_PRESSURE_FACTOR)]
    ] = Field(
        default_factory=dict,
        description="Rate multiplier in zones of each pressure regime (air below 3.5 bar, "
        "mixed-gas 3.5-5 bar, saturation from 5 bar; a regime not named: 1)",
    )
    delay_days: Days = Field(description="Stoppage of the heading per event")
    cost_usd_m: UsdM = Field(description="Direct cost per event")


class CrossPassages(Sourced):
    """Cross-passages between the bores."""

    spacing_m: float = Field(ge=L.MIN_CROSS_PASSAGE_SPACING_M, le=L.MAX_CROSS_PASSAGE_SPACING_M)
    cost_usd_m_each: UsdM
    months_after_breakthrough: Months


class FitOut(Sourced):
    """Track, power, signalling, ventilation and safety systems, then testing.

    Systems are sized from the tunnel where the scenario says how: a ventilation and cooling
    plant at every attack point (each scaled by the route it serves when
    ``ventilation_reference_km`` is given), and emergency stations between the portals at most
    ``emergency_station_spacing_km`` apart; ``fixed_usd_m`` holds what does not scale.
    """

    usd_m_per_track_km: UsdMPerKm
    fixed_usd_m: UsdM
    ventilation_plant_usd_m_each: UsdM | None = Field(
        None, description="Ventilation and cooling plant at each attack point"
    )
    ventilation_reference_km: float | None = Field(
        None,
        ge=L.MIN_VENTILATION_REFERENCE_KM,
        le=L.MAX_TUNNEL_KM,
        description="Route km a plant of ventilation_plant_usd_m_each serves (none: a lump each)",
    )
    ventilation_size_exponent: float | None = Field(
        None,
        ge=0,
        le=1,
        description="A plant costs each x (route km it serves / ventilation_reference_km) ** this",
    )
    emergency_station_spacing_km: float | None = Field(
        None,
        ge=L.MIN_STATION_SPACING_KM,
        le=L.MAX_TUNNEL_KM,
        description="Longest distance between emergency stations (portals count as ends)",
    )
    emergency_station_usd_m_each: UsdM | None = Field(
        None, description="One underground emergency (fire-fighting) station"
    )

    @model_validator(mode="after")
    def _ventilation(self) -> FitOut:
        sizing = (self.ventilation_reference_km, self.ventilation_size_exponent)
        if (sizing[0] is None) != (sizing[1] is None):
            raise ValueError(
                "construction.fitout: give both ventilation_reference_km and "
                "ventilation_size_exponent, or neither"
            )
        if sizing[0] is not None and self.ventilation_plant_usd_m_each is None:
            raise ValueError(
                "construction.fitout: ventilation_reference_km sizes ventilation_plant_usd_m_each, "
                "which is missing"
            )
        return self

    @model_validator(mode="after")
    def _stations(self) -> FitOut:
        if (self.emergency_station_spacing_km is None) != (
            self.emergency_station_usd_m_each is None
        ):
            raise ValueError(
                "construction.fitout: give both emergency_station_spacing_km and "
                "emergency_station_usd_m_each, or neither"
            )
        return self

    track_km_per_month_per_front: KmPerMonthPerFront
    integration_months: Months
    commissioning_months: Months


class Arctic(Strict):
    """Remoteness and cold factors."""

    labour_cost_factor: Factor
    materials_cost_factor: Factor
    surface_productivity: Fraction = Field(
        description="Productivity of surface site works in the cold (1 = temperate)"
    )


class Systemic(Sourced):
    """Project-wide risk that a bottom-up model misses (estimating bias, scope growth, disputes).

    One factor per draw multiplies the whole cost; another dilates the whole programme (every
    date scales by it). Both come from reference classes, not from the project.
    """

    cost_factor: Factor = Field(description="Multiplies the bottom-up cost")
    schedule_factor: Factor = Field(description="Multiplies every date of the programme")


class Programme(Sourced):
    """The project's own programme at the decision: how long it was planned to take.

    When given, the bottom-up schedule is scaled so that its median (without the systemic
    factor) equals the planned duration, just as a scenario's costs can be set from the
    project's estimate; the bottom-up model then gives the spread and the critical path,
    and the systemic factor the reference class's overrun on top.
    """

    duration_years: float = Field(gt=0, le=L.MAX_YEARS, description="Planned t = 0 to opening")


class Construction(Strict):
    """How the tunnel is built and what that costs."""

    start_day_of_year: float = Field(0.0, ge=0, lt=366, description="Notice to proceed")
    marine_season: MarineSeason
    advance_envelope: AdvanceEnvelope
    machines: list[Machine] = Field(min_length=1, max_length=L.MAX_MACHINES)
    bores: list[Bore] = Field(min_length=1, max_length=L.MAX_BORES)
    events: list[EventType] = Field(default_factory=list, max_length=L.MAX_EVENT_TYPES)
    risks: list[Risk] = Field(
        default_factory=list, max_length=L.MAX_RISKS, description="The named risk register"
    )
    risk_groups: list[RiskGroup] = Field(default_factory=list, max_length=L.MAX_RISKS)
    cross_passages: CrossPassages
    fitout: FitOut
    arctic: Arctic
    owner_cost_fraction: Annotated[Distribution, within(0.0, L.MAX_OWNER_COST_FRACTION)] = Field(
        description="Design, supervision and owner's costs, a fraction of the construction cost"
    )
    power_mwh_per_m3: MWhPerM3 | None = Field(
        None,
        description="Electric energy of the whole works per m³ excavated in situ (TBM, backup, "
        "ventilation, segment plant): with a site's power_mw it caps that site's excavation",
    )
    beds_per_face: BedsPerFace | None = Field(
        None,
        description="People on site (camp beds) per working face, on the rotation: face "
        "crews of every shift, surface, plant and camp staff; with a site's camp_beds it caps "
        "the share of that site's faces it can man",
    )
    systemic: Systemic | None = Field(
        None, description="Project-wide cost and schedule factors (none: pure bottom-up)"
    )
    programme: Programme | None = Field(
        None, description="Anchor the schedule to the project's own planned duration"
    )


# --------------------------------------------------------------------------- claims
class Claim(Sourced):
    """A published claim: cost and/or duration not exceeded, for a stated scope.

    ``max_cost_bn`` is in ``currency`` money of ``year`` (default: the scenario's currency
    and price base year); the assessment converts it to its own price base. ``scope`` says what
    the claim covers and so what it is tested against: ``tunnel`` (the tunnel's cost and
    construction time), ``corridor`` (the corridor's new and upgraded railway behind the
    tunnel, its capex and build years) or ``both`` (their sum, and the time to opening).
    """

    name: Label
    source: str = Field(min_length=1, description="Where the claim was made (URL or publication)")
    max_cost_bn: float | None = Field(
        None, gt=0, le=L.MAX_COST_BN, description="Cost not exceeded, billions"
    )
    currency: str | None = Field(None, description="Currency of max_cost_bn (default: scenario's)")
    year: int | None = Field(None, description="Year of the money of max_cost_bn")
    max_duration_years: float | None = Field(None, gt=0, le=L.MAX_YEARS)
    scope: Literal["tunnel", "corridor", "both"] = Field(
        "tunnel", description="What the claim covers: tunnel, corridor (railway) or both"
    )

    @model_validator(mode="after")
    def _check(self) -> Claim:
        if self.max_cost_bn is None and self.max_duration_years is None:
            raise ValueError("a claim needs max_cost_bn, max_duration_years or both")
        if self.currency is not None or self.year is not None:
            check_money(self.currency or "USD", self.year)
        return self


# --------------------------------------------------------------------------- outcome
class Outcome(Sourced):
    """What really happened, for hindcast scenarios of built tunnels (never a model input)."""

    cost_bn: MoneyAmount = Field(description="Actual cost, billions, same scope as the model's")
    cost_scope: str = Field(min_length=1, description="What the actual cost covers")
    duration_years: float = Field(
        gt=0, le=L.MAX_YEARS, description="From the model's t = 0 to opening"
    )
    start: str = Field(min_length=1, description="What t = 0 is")
    end: str = Field(min_length=1, description="What the end is (opening)")
    estimate_at_decision_bn: MoneyAmount | None = None
    not_blind: str | None = Field(
        None, min_length=1, description="What in this hindcast's inputs is not blind to the outcome"
    )
    source: str = Field(min_length=1)


# --------------------------------------------------------------------------- reference
class ReferenceSettings(Strict):
    """The outside view: which reference class and uplift, and the user's own reference rows."""

    reference_class: Literal["fixed-links", "rail", "roads"] = Field(
        "fixed-links", description="Reference class of the optimism-bias uplift"
    )
    uplift: Literal["dft-2004", "flyvbjerg-2003"] = Field(
        "dft-2004", description="Source of the uplift distribution"
    )
    rows: list[ReferenceRow] = Field(
        default_factory=list,
        max_length=L.MAX_REFERENCE_ROWS,
        description="Extra rows added to the shipped reference set",
    )

    @model_validator(mode="after")
    def _unique(self) -> ReferenceSettings:
        unique_names("reference.rows", [r.name for r in self.rows])
        return self


# --------------------------------------------------------------------------- root
class Scenario(Strict):
    """The one input document of beringia."""

    schema_version: Literal[1] = Field(description="Version of this document format")
    name: Name
    title: str = ""
    description: str = ""
    currency: str = Field("USD", description="Currency of every money input")
    price_base_year: int = Field(2025, ge=1900, le=2100, description="Year of the money inputs")
    route: Route
    alignment: Alignment | None = None
    geology: Geology
    construction: Construction
    claims: list[Claim] = Field(default_factory=list, max_length=L.MAX_CLAIMS)
    reference: ReferenceSettings = Field(default_factory=ReferenceSettings)
    operations: Operations | None = Field(None, description="Traffic through the tunnel")
    corridor: Corridor | None = Field(None, description="The railway behind the tunnel")
    market: Market | None = Field(None, description="Flows that could take the corridor")
    economics: Economics | None = Field(None, description="Whether tunnel and corridor pay")
    outcome: Outcome | None = Field(None, description="Hindcasts only: what really happened")

    @model_validator(mode="after")
    def _cross_check(self) -> Scenario:
        try:
            check_money(self.currency, self.price_base_year)
        except ValueError as exc:
            raise ValueError(f"currency / price_base_year: {exc}") from None
        check_corridor_sections(
            self.corridor, self.market, self.economics, self.operations is not None
        )
        classes = {c.name for c in self.geology.classes}
        self._check_places()
        unique_names("construction.machines", [m.name for m in self.construction.machines])
        unique_names("construction.bores", [b.name for b in self.construction.bores])
        unique_names("construction.events", [e.name for e in self.construction.events])
        unique_names("claims", [c.name for c in self.claims])
        check_risks(
            self.construction.risks,
            self.construction.risk_groups,
            {z.name for z in self.geology.zones},
        )
        machines = {m.name for m in self.construction.machines}
        for m in self.construction.machines:
            for field in ("penetration_m_per_h", "utilisation"):
                given = set(getattr(m, field))
                if given != classes:
                    raise ValueError(
                        f"construction.machines.{m.name}.{field} must give every ground class "
                        f"{sorted(classes)}, got {sorted(given)}"
                    )
        for b in self.construction.bores:
            if b.machine not in machines:
                raise ValueError(
                    f"construction.bores.{b.name}.machine: unknown machine {b.machine!r}; "
                    f"allowed: {sorted(machines)}"
                )
        for z in self.geology.zones:
            if z.machine is not None and z.machine not in machines:
                raise ValueError(
                    f"geology.zones.{z.name}.machine: unknown machine {z.machine!r}; "
                    f"allowed: {sorted(machines)}"
                )
            bores = {b.name for b in self.construction.bores}
            for bore, mname in (z.machines or {}).items():
                if bore not in bores:
                    raise ValueError(
                        f"geology.zones.{z.name}.machines.{bore}: unknown bore {bore!r}; "
                        f"allowed: {sorted(bores)}"
                    )
                if mname not in machines:
                    raise ValueError(
                        f"geology.zones.{z.name}.machines.{bore}: unknown machine {mname!r}; "
                        f"allowed: {sorted(machines)}"
                    )
        unknown = set(self.construction.advance_envelope.regime) - classes
        if unknown:
            raise ValueError(
                f"construction.advance_envelope.regime: unknown ground classes "
                f"{sorted(unknown)}; allowed: {sorted(classes)}"
            )
        powered = [p.name for p in self.route.attack_points if p.power_mw is not None]
        if powered and self.construction.power_mwh_per_m3 is None:
            raise ValueError(
                f"route.attack_points.{powered[0]}.power_mw needs "
                "construction.power_mwh_per_m3 (the energy per m³ excavated)"
            )
        bedded = [p.name for p in self.route.attack_points if p.camp_beds is not None]
        if bedded and self.construction.beds_per_face is None:
            raise ValueError(
                f"route.attack_points.{bedded[0]}.camp_beds needs "
                "construction.beds_per_face (the people on site per working face)"
            )
        for e in self.construction.events:
            unknown = set(e.rate_per_km) - classes
            if unknown:
                raise ValueError(
                    f"construction.events.{e.name}.rate_per_km: unknown ground classes "
                    f"{sorted(unknown)}; allowed: {sorted(classes)}"
                )
        return self

    def _check_places(self) -> None:
        """Attack points and zone bounds refer to places that exist."""
        pts = self.route.attack_points
        zones = self.geology.zones
        if self.alignment is None:
            for p in pts:
                if p.chainage_km is None:
                    raise ValueError(
                        f"route.attack_points.{p.name}.chainage_km: required without an alignment"
                    )
                if p.waypoint is not None:
                    raise ValueError(
                        f"route.attack_points.{p.name}.waypoint: needs an alignment section"
                    )
            names = {p.name: p.chainage_km for p in pts}
            for z in zones:
                for field in ("from_point", "to_point"):
                    anchor = getattr(z, field)
                    if anchor is not None and anchor not in names:
                        raise ValueError(
                            f"geology.zones.{z.name}.{field}: unknown point {anchor!r}; "
                            f"allowed: {', '.join(names)}"
                        )
            last = zones[-1].to_point
            end = names[last] if last is not None else zones[-1].to_km
            length = pts[-1].chainage_km
            if end is None or length is None or abs(end - length) > 1e-6:
                raise ValueError(
                    f"geology.zones must end at the route's last attack point "
                    f"({length} km), they end at {end} km"
                )
            return
        waypoints = {w.name for w in self.alignment.waypoints}
        for i, p in enumerate(pts):
            at_end = i in (0, len(pts) - 1)
            where = f"route.attack_points.{p.name}"
            if p.chainage_km is not None:
                raise ValueError(f"{where}.chainage_km: computed from the alignment; remove it")
            if at_end and (p.kind != "portal" or p.waypoint is not None):
                raise ValueError(
                    f"{where}: the first and last attack points are the portals the alignment "
                    'places (kind = "portal", no waypoint)'
                )
            if not at_end and p.waypoint not in waypoints:
                raise ValueError(
                    f"{where}.waypoint: got {p.waypoint!r}; allowed: {', '.join(sorted(waypoints))}"
                )
        places = {p.name for p in pts} | waypoints | {"west-shore", "east-shore"}
        for z in zones:
            where = f"geology.zones.{z.name}"
            if (z.from_km is not None and z.from_km != 0) or z.to_km is not None:
                raise ValueError(
                    f"{where}: with an alignment, bound zones by named points (from_point, "
                    "to_point), since chainages are computed"
                )
            for field in ("from_point", "to_point"):
                anchor = getattr(z, field)
                if anchor is not None and anchor not in places:
                    raise ValueError(
                        f"{where}.{field}: unknown point {anchor!r}; allowed: "
                        f"{', '.join(sorted(places))}"
                    )
