"""Scenario section ``operations``: rolling stock, signalling, traffic, maintenance, incidents."""

from __future__ import annotations

import itertools

from pydantic import Field, field_validator

from beringia.scenario.base import Name, Sourced

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
