"""Scenario section ``operations``: rolling stock, signalling, traffic, maintenance, incidents."""

from __future__ import annotations

import itertools
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, field_validator, model_validator

from beringia.scenario import limits as L
from beringia.scenario.base import Name, Sourced
from beringia.scenario.quantities import Days, Hours
from beringia.scenario.unique import unique_names
from beringia.tables.schema import Table, check, read_table


def _pair(v: Any) -> Any:
    """Turn a TOML array of two numbers into the tuple the model holds (strict takes no list)."""
    return tuple(v) if isinstance(v, list) else v


SpeedForce = Annotated[
    tuple[
        Annotated[float, Field(ge=0, le=L.MAX_SPEED_KMH)],
        Annotated[float, Field(ge=0, le=L.MAX_TRACTIVE_KN)],
    ],
    BeforeValidator(_pair),
]
"""One ``[speed_kmh, force_kn]`` point of a tractive-effort curve."""


class TrainType(Sourced):
    """A type of train: its dynamics (OSRD conventions), size and load.

    Resistance is Davis ``A + B v + C v^2`` in newtons with ``v`` in m/s, or a
    ``resistance_table`` of ``[speed_kmh, force_kn]`` points (then the Davis coefficients are
    not used); the tractive-effort curve is piecewise linear through ``[speed_kmh, force_kn]``
    points.
    """

    name: Name
    description: str = ""
    gauge_mm: int = Field(ge=600, le=2000, description="Track gauge the train runs on")
    length_m: float = Field(gt=0, le=5000, description="Sanity: the longest trains run ~3.5 km")
    mass_t: float = Field(gt=0, le=50_000)
    payload_t: float = Field(0.0, ge=0, le=50_000, description="Cargo tonnes per train")
    teu: float = Field(0.0, ge=0, le=2000, description="Twenty-foot equivalent units per train")
    passengers: int = Field(
        0, ge=0, le=10_000, description="Seats, for passenger and shuttle trains"
    )
    rotating_mass_factor: float = Field(ge=1.0, le=1.5)
    davis_a_n: float = Field(ge=0, le=L.MAX_DAVIS_N)
    davis_b_n_per_m_s: float = Field(ge=0, le=L.MAX_DAVIS_N)
    davis_c_n_per_m2_s2: float = Field(ge=0, le=L.MAX_DAVIS_N)
    tractive_effort: list[SpeedForce] = Field(
        min_length=2,
        max_length=L.MAX_CURVE_POINTS,
        description="[speed_kmh, force_kn] points, speeds strictly increasing",
    )
    max_speed_kmh: float = Field(ge=L.MIN_SPEED_KMH, le=L.MAX_SPEED_KMH)
    service_brake_m_s2: float = Field(ge=L.MIN_BRAKE_M_S2, le=3)
    emergency_brake_m_s2: float = Field(ge=L.MIN_BRAKE_M_S2, le=5)
    adhesive_mass_t: float | None = Field(
        None,
        gt=0,
        le=50_000,
        description="Mass on the locomotives' driven axles; caps tractive effort by adhesion",
    )
    restart_adhesion: float | None = Field(
        None,
        gt=0,
        le=1,
        description="Wheel-rail adhesion the train must restart with in the bore (wet rail)",
    )

    resistance_table: list[SpeedForce] | None = Field(
        None,
        min_length=2,
        max_length=L.MAX_CURVE_POINTS,
        description="[speed_kmh, force_kn] running resistance, 0 to max speed; replaces Davis",
    )

    @model_validator(mode="after")
    def _resistance_table(self) -> TrainType:
        pts = self.resistance_table
        if pts is None:
            return self
        speeds = [v for v, _ in pts]
        where = f"operations.trains.{self.name}.resistance_table"
        if speeds[0] != 0 or speeds[-1] < self.max_speed_kmh:
            raise ValueError(
                f"{where}: speeds run from {speeds[0]:g} to {speeds[-1]:g} km/h; allowed: from "
                f"0 to at least max_speed_kmh ({self.max_speed_kmh:g})"
            )
        for v0, v1 in itertools.pairwise(speeds):
            if v1 <= v0:
                raise ValueError(
                    f"{where}: not a function of speed: speeds must strictly increase, got "
                    f"{v0:g} then {v1:g} km/h"
                )
        return self

    @model_validator(mode="after")
    def _adhesion(self) -> TrainType:
        if (self.adhesive_mass_t is None) != (self.restart_adhesion is None):
            raise ValueError(
                f"operations.trains.{self.name}: give adhesive_mass_t and restart_adhesion "
                "together, or neither"
            )
        if self.adhesive_mass_t is not None and self.adhesive_mass_t > self.mass_t:
            raise ValueError(
                f"operations.trains.{self.name}.adhesive_mass_t: got {self.adhesive_mass_t:g}; "
                f"allowed: at most mass_t ({self.mass_t:g} t)"
            )
        return self

    @field_validator("tractive_effort")
    @classmethod
    def _function_of_speed(cls, pts: list[tuple[float, float]]) -> list[tuple[float, float]]:
        speeds = [v for v, _ in pts]
        if speeds[0] != 0:
            raise ValueError(f"the curve must start at speed 0 km/h, it starts at {speeds[0]:g}")
        for (v0, _), (v1, _) in itertools.pairwise(pts):
            if v1 <= v0:
                raise ValueError(
                    f"not a function of speed: speeds must strictly increase, got {v0:g} then "
                    f"{v1:g} km/h"
                )
        bad = [f for _, f in pts if f < 0]
        if bad:
            raise ValueError(f"forces must be >= 0 kN, got {bad[0]:g}")
        return pts


class Signalling(Sourced):
    """Train separation in the bore (blocking-time parameters after Pachl)."""

    kind: Literal["fixed_block", "etcs_l2", "moving_block"]
    block_length_m: float = Field(ge=0, le=20_000, description="0 for moving block")
    setup_s: float = Field(ge=0, le=600, description="Route setting / movement authority")
    sight_reaction_s: float = Field(ge=0, le=600, description="Fixed block only")
    release_s: float = Field(ge=0, le=600)
    overlap_m: float = Field(ge=0, le=2000, description="Overlap (safety margin for moving block)")
    etcs_update_s: float = Field(0.0, ge=0, le=600, description="ETCS L2 / moving block")
    braking: Literal["service", "emergency"] = Field(
        "service", description="Braking curve used for the approach distance"
    )

    @model_validator(mode="after")
    def _blocks(self) -> Signalling:
        if self.kind != "moving_block" and self.block_length_m < L.MIN_BLOCK_LENGTH_M:
            raise ValueError(
                f"operations.signalling.block_length_m: got {self.block_length_m:g}; a "
                f"{self.kind} block must be >= {L.MIN_BLOCK_LENGTH_M:g} m (0 only for moving_block)"
            )
        return self


class Traffic(Sourced):
    """One train type in the timetable."""

    train: Name = Field(description="A train type: built-in or from operations.trains")
    trains_per_day: int = Field(ge=0, le=1000, description="Trains a day in each direction")
    westbound_trains_per_day: int | None = Field(
        None, ge=0, le=1000, description="Westbound if different from trains_per_day"
    )
    entry_delay_mean_min: float = Field(
        ge=0, le=1440, description="Mean of the exponential delay at the portal, minutes"
    )


class Timetable(Sourced):
    """How the daily paths are laid out."""

    start_h: float = Field(0.0, ge=0, lt=24)
    hours: float = Field(
        24.0, ge=L.MIN_TIMETABLE_HOURS, le=24, description="Paths are spread over these hours"
    )
    sequencing: Literal["mixed", "flighted"] = "mixed"
    flight_size: int = Field(1, ge=1, le=100, description="Trains per flight when flighted")


class Maintenance(Sourced):
    """Nightly possession of one bore (alternately) and single-bore working meanwhile."""

    possession_start_h: float = Field(ge=0, lt=24)
    possession_hours: float = Field(ge=0, le=12)
    single_bore_green_min: float = Field(
        ge=L.MIN_GREEN_MIN,
        le=720,
        description="Green time per direction and cycle in single-bore working",
    )
    single_bore_switch_headway_s: float = Field(
        ge=0, le=3600, description="Added to the section's running time at a change of direction"
    )
    crossover_points: list[Name] = Field(
        default_factory=list,
        max_length=L.MAX_CROSSOVERS,
        description="Places (route attack points) with a crossover between the bores",
    )
    crossovers_km: list[Annotated[float, Field(gt=0, le=L.MAX_TUNNEL_KM)]] = Field(
        default_factory=list,
        max_length=L.MAX_CROSSOVERS,
        description="Further crossovers, km from the west portal",
    )


class Incident(Sourced):
    """An incident type: Poisson per train-km, full closure, then single-bore working."""

    name: Name
    rate_per_million_train_km: float = Field(ge=0, le=L.MAX_INCIDENT_RATE)
    closure_hours: Hours
    degraded_days: Days


class Earthquakes(Sourced):
    """Closing earthquakes: Gutenberg-Richter ``log10 N(>= M) = a - b M`` per year."""

    a_value: float = Field(ge=-10, le=15)
    b_value: float = Field(gt=0, le=3)
    closure_magnitude: float = Field(ge=0, le=10)
    closure_hours: Hours
    degraded_days: Days

    @model_validator(mode="after")
    def _rate(self) -> Earthquakes:
        per_year = 10.0 ** (self.a_value - self.b_value * self.closure_magnitude)
        if per_year > L.MAX_EARTHQUAKES_PER_YEAR:
            raise ValueError(
                f"operations.earthquakes: a_value, b_value and closure_magnitude give "
                f"{per_year:.3g} closing earthquakes a year; allowed: at most "
                f"{L.MAX_EARTHQUAKES_PER_YEAR:g} (log10 N = a - b M)"
            )
        return self


class Operations(Sourced):
    """What the tunnel carries once built, and what interrupts it."""

    track_gauges_mm: list[Annotated[int, Field(ge=600, le=2000)]] = Field(
        min_length=1,
        max_length=L.MAX_TRACK_GAUGES,
        description="Gauges laid in the bores (dual gauge: both)",
    )
    line_speed_kmh: float = Field(
        ge=L.MIN_SPEED_KMH, le=L.MAX_SPEED_KMH, description="Speed limit in the tunnel"
    )
    entry_at_line_speed: bool = Field(
        True, description="Trains reach the portal at speed (no stop at the portals)"
    )
    allowance_pct: float = Field(0.0, ge=0, le=50, description="Running-time allowance, %")
    allowance_min_per_100km: float = Field(0.0, ge=0, le=60)
    occupancy_limit: float = Field(
        gt=0, le=1, description="Share of the period usable for paths (UIC 406 style)"
    )
    signalling: Signalling
    trains: list[TrainType] = Field(
        default_factory=list,
        max_length=L.MAX_TRAIN_TYPES,
        description="Train types beyond the built-in library",
    )
    traffic: list[Traffic] = Field(min_length=1, max_length=L.MAX_TRAFFIC)
    timetable: Timetable = Field(default_factory=Timetable)
    maintenance: Maintenance
    incidents: list[Incident] = Field(default_factory=list, max_length=L.MAX_INCIDENT_TYPES)
    earthquakes: Earthquakes | None = None
    simulated_years: int = Field(200, ge=1, le=L.MAX_SIMULATED_YEARS)

    @model_validator(mode="after")
    def _check(self) -> Operations:
        library = {t.name: t for t in train_library()} | {t.name: t for t in self.trains}
        unique_names("operations.trains", [t.name for t in self.trains])
        unique_names("operations.traffic", [t.train for t in self.traffic])
        unique_names("operations.track_gauges_mm", [str(g) for g in self.track_gauges_mm])
        for t in self.traffic:
            if t.train not in library:
                raise ValueError(
                    f"operations.traffic.{t.train}.train: unknown train type; allowed: "
                    f"{', '.join(sorted(library))}"
                )
            gauge = library[t.train].gauge_mm
            if gauge not in self.track_gauges_mm:
                raise ValueError(
                    f"operations.traffic.{t.train}: a {gauge} mm train cannot run on the "
                    f"tunnel's track ({', '.join(map(str, self.track_gauges_mm))} mm); add "
                    f"{gauge} to operations.track_gauges_mm (dual gauge) or drop the train"
                )
        unique_names("operations.incidents", [i.name for i in self.incidents])
        if sum(t.trains_per_day for t in self.traffic) == 0:
            raise ValueError("operations.traffic: no trains at all; give trains_per_day > 0")
        daily = sum(
            t.trains_per_day
            + (
                t.trains_per_day
                if t.westbound_trains_per_day is None
                else t.westbound_trains_per_day
            )
            for t in self.traffic
        )
        if self.simulated_years * daily > L.MAX_SIMULATED_TRAIN_YEARS:
            raise ValueError(
                f"operations.simulated_years: {self.simulated_years} years of {daily} trains a "
                f"day (both directions) is {self.simulated_years * daily:,} train-years to "
                f"simulate; allowed: at most {L.MAX_SIMULATED_TRAIN_YEARS:,} (simulate fewer years)"
            )
        return self

    def train(self, name: str) -> TrainType:
        """Return a train type by name (the scenario's own first, then the library)."""
        for t in self.trains:
            if t.name == name:
                return t
        return {t.name: t for t in train_library()}[name]


class _TrainLibrary(Table):
    """Layout of ``data/trains.toml``."""

    trains: list[TrainType] = Field(min_length=1)


@cache
def train_library() -> tuple[TrainType, ...]:
    """Return the built-in train types (``beringia/data/trains.toml``), checked."""
    doc = check(_TrainLibrary, read_table("trains.toml"), "data/trains.toml")
    return tuple(doc.trains)
