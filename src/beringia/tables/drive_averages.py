"""Layout of ``data/drive_averages.toml``: achieved whole-drive averages, the advance caps.

A ground class's sustained advance may not beat what whole drives achieved in its regime.
:func:`cap_drives` states the rule: the drives of the regime that are not flagged
``unverified`` (and, under saturation pressure, only those driven at 5 bar or more) are the
candidates, and the model's cap for a bore of diameter ``D`` is the best of their calendar
averages, each scaled ``(d / D) ** (2 alpha)`` from the drive's diameter ``d`` with the
scenario's area exponent ``alpha`` (a drive without a diameter, drill-and-blast, unscaled).
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Literal, get_args

from pydantic import Field, model_validator

from beringia.tables.schema import Table, Text, check, read_table

Regime = Literal["hard-rock", "closed-face", "drill-and-blast"]
"""How a ground class is driven: a rock TBM with the face at atmospheric pressure, a
closed-face machine (EPB, slurry, mixshield, multi-mode) holding the face under pressure, or
drill and blast from one face."""

REGIMES: tuple[str, ...] = get_args(Regime)
"""Every regime, in the table's order."""

DEFAULT_REGIME: Regime = "hard-rock"
"""The regime of a class a scenario does not name: the fastest TBM regime, so leaving it out
never holds a scenario below what rock TBMs achieved."""

PRESSURE_SENSITIVE: frozenset[str] = frozenset({"closed-face"})
"""Regimes whose advance the water pressure at the face bounds (interventions under pressure)."""

SATURATION_BAR = 5.0
"""Water pressure from which closed-face drives count as saturation-pressure drives: beyond
~5 bar compressed-air work gives way to mixed gas and saturation (research notes, 4.1)."""


class Drive(Table):
    """One drive: its machine, ground and whole-drive (calendar) average advance."""

    name: Text
    machine: Text
    diameter_m: Annotated[float, Field(gt=0.0, le=20.0)] | None = None
    regime: Regime
    ground: Text
    water_pressure_bar: Annotated[float, Field(ge=0.0, le=50.0)] | None = None
    length_m: Annotated[float, Field(gt=0.0)]
    start: str | None = None
    end: str | None = None
    m_per_day: Annotated[float, Field(gt=0.0, le=200.0)]
    source: Text
    copy_source: bool = False
    unverified: bool = False
    case: str | None = None
    """The ``data/tunnel_cases.toml`` case this drive belongs to, if any: a blind hindcast
    of that case never learns from its own drives."""
    note: str = ""


class DriveAverages(Table):
    """``drive_averages.toml``."""

    drive: Annotated[list[Drive], Field(min_length=1)]

    @model_validator(mode="after")
    def _unique(self) -> DriveAverages:
        names = [d.name for d in self.drive]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"drive names must be unique; repeated: {', '.join(twice)}")
        return self


@cache
def drive_averages() -> DriveAverages:
    """Return the shipped whole-drive averages, checked (cached).

    Raises
    ------
    ScenarioError
        Naming the field of ``data/drive_averages.toml`` at fault.
    """
    return check(DriveAverages, read_table("drive_averages.toml"), "data/drive_averages.toml")


def cap_drives(regime: str, *, saturation: bool = False) -> list[Drive]:
    """Return the drives whose averages cap a class of ``regime``.

    Parameters
    ----------
    regime : str
        One of :data:`REGIMES`.
    saturation : bool
        The class is bored under saturation pressure (>= :data:`SATURATION_BAR`); for a
        pressure-sensitive regime only drives at that pressure or more then count.

    Returns
    -------
    list of Drive
        The regime's drives not flagged ``unverified`` (copies count: another source backs
        them), filtered by pressure as above; never empty for the shipped table.
    """
    pressured = saturation and regime in PRESSURE_SENSITIVE
    return [
        d
        for d in drive_averages().drive
        if d.regime == regime
        and not d.unverified
        and (not pressured or (d.water_pressure_bar or 0.0) >= SATURATION_BAR)
    ]


__all__ = [
    "DEFAULT_REGIME",
    "PRESSURE_SENSITIVE",
    "REGIMES",
    "SATURATION_BAR",
    "Drive",
    "DriveAverages",
    "Regime",
    "cap_drives",
    "drive_averages",
]
