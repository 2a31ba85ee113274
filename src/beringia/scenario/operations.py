"""Scenario section ``operations``: rolling stock, signalling, traffic, maintenance, incidents."""

from __future__ import annotations

import itertools
from functools import cache
from typing import Literal

from pydantic import Field, field_validator, model_validator

from beringia.scenario.base import Name, Sourced
from beringia.scenario.distributions import NonNegDist
from beringia.tables.schema import Table, check, read_table

_NAME = r"^[A-Za-z0-9_.-]+$"


class TrainType(Sourced):
    """A type of train: its dynamics (OSRD conventions), size and load.

    Resistance is Davis ``A + B v + C v^2`` in newtons with ``v`` in m/s; the
    tractive-effort curve is piecewise linear through ``[speed_kmh, force_kn]`` points.
    """

    name: Name = Field(min_length=1, pattern=_NAME)
    description: str = ""
    gauge_mm: int = Field(ge=600, le=2000, description="Track gauge the train runs on")
    length_m: float = Field(gt=0, le=5000)
    mass_t: float = Field(gt=0, le=50_000)
    payload_t: float = Field(0.0, ge=0, description="Cargo tonnes per train")
    teu: float = Field(0.0, ge=0, description="Twenty-foot equivalent units per train")
    passengers: int = Field(0, ge=0, description="Seats, for passenger and shuttle trains")
    rotating_mass_factor: float = Field(ge=1.0, le=1.5)
    davis_a_n: float = Field(ge=0)
    davis_b_n_per_m_s: float = Field(ge=0)
    davis_c_n_per_m2_s2: float = Field(ge=0)
    tractive_effort: list[tuple[float, float]] = Field(
        min_length=2, description="[speed_kmh, force_kn] points, speeds strictly increasing"
    )
    max_speed_kmh: float = Field(gt=0, le=400)
    service_brake_m_s2: float = Field(gt=0, le=3)
    emergency_brake_m_s2: float = Field(gt=0, le=5)

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
    hours: float = Field(24.0, gt=0, le=24, description="Paths are spread over these hours")
    sequencing: Literal["mixed", "flighted"] = "mixed"
    flight_size: int = Field(1, ge=1, le=100, description="Trains per flight when flighted")


class Maintenance(Sourced):
    """Nightly possession of one bore (alternately) and single-bore working meanwhile."""

    possession_start_h: float = Field(ge=0, lt=24)
    possession_hours: float = Field(ge=0, le=12)
    single_bore_green_min: float = Field(
        gt=0, le=720, description="Green time per direction and cycle in single-bore working"
    )
    single_bore_switch_headway_s: float = Field(
        ge=0, le=3600, description="Added to the longest running time at a change of direction"
    )


class Incident(Sourced):
    """An incident type: Poisson per train-km, full closure, then single-bore working."""

    name: Name = Field(min_length=1, pattern=_NAME)
    rate_per_million_train_km: float = Field(ge=0, le=1000)
    closure_hours: NonNegDist
    degraded_days: NonNegDist


class Earthquakes(Sourced):
    """Closing earthquakes: Gutenberg-Richter ``log10 N(>= M) = a - b M`` per year."""

    a_value: float = Field(ge=-10, le=15)
    b_value: float = Field(gt=0, le=3)
    closure_magnitude: float = Field(ge=0, le=10)
    closure_hours: NonNegDist
    degraded_days: NonNegDist


class Operations(Sourced):
    """What the tunnel carries once built, and what interrupts it."""

    track_gauges_mm: list[int] = Field(
        min_length=1, description="Gauges laid in the bores (dual gauge: both)"
    )
    line_speed_kmh: float = Field(gt=0, le=400, description="Speed limit in the tunnel")
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
        default_factory=list, description="Train types beyond the built-in library"
    )
    traffic: list[Traffic] = Field(min_length=1)
    timetable: Timetable = Field(default_factory=Timetable)
    maintenance: Maintenance
    incidents: list[Incident] = Field(default_factory=list)
    earthquakes: Earthquakes | None = None
    simulated_years: int = Field(200, ge=1, le=1_000_000)

    @model_validator(mode="after")
    def _check(self) -> Operations:
        library = {t.name: t for t in train_library()} | {t.name: t for t in self.trains}
        own = [t.name for t in self.trains]
        if len(set(own)) != len(own):
            raise ValueError(f"operations.trains: names must be unique, got {own}")
        names = [t.train for t in self.traffic]
        if len(set(names)) != len(names):
            raise ValueError(f"operations.traffic: each train type once, got {names}")
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
        incidents = [i.name for i in self.incidents]
        if len(set(incidents)) != len(incidents):
            raise ValueError(f"operations.incidents: names must be unique, got {incidents}")
        if sum(t.trains_per_day for t in self.traffic) == 0:
            raise ValueError("operations.traffic: no trains at all; give trains_per_day > 0")
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
