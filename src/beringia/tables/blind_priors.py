"""Layout of ``data/blind_priors.toml``: the generic inputs of a blind hindcast.

A blind hindcast (:mod:`beringia.models.blind`) learns its unit cost and advance laws from
tunnels finished before the case's decision; everything else it needs (the systems share of an
all-in cost, owner's costs, mobilisation and fit-out times, diameters a case does not give) is
generic, the same for every case, and kept here with its source. Distribution entries are kept
as scenario distribution tables (``{dist = ..., ...}``) and checked when the compiled scenario
is validated.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any, Literal

from pydantic import Field

from beringia.tables.schema import Sourced, check, read_table

FILE = "data/blind_priors.toml"

Spec = dict[str, Any]
"""A distribution table as a scenario writes it, e.g. ``{"dist": "fixed", "value": 1}``."""


class Learning(Sourced):
    """How much history a learned law needs, and the diameter it is normalised to."""

    min_priors: Annotated[int, Field(ge=1, le=50)]
    reference_diameter_m: Annotated[float, Field(gt=0.0, le=20.0)]
    unit_cost_classes: Annotated[str, Field(min_length=1)]
    """How the unit cost's reference classes were chosen, with the errors measured."""


class ScopeShares(Sourced):
    """Shares that move a cost between scopes and between time and length."""

    systems_share: Annotated[float, Field(ge=0.0, lt=1.0)]
    civil_share_of_time: Annotated[float, Field(ge=0.0, lt=1.0)]


class Owner(Sourced):
    """Owner's costs on top of the construction base."""

    fraction: Spec


class Diameters(Sourced):
    """Bore diameters for cases that do not give one."""

    rail_running_m: Annotated[float, Field(gt=0.0, le=20.0)]
    rail_service_m: Annotated[float, Field(gt=0.0, le=20.0)]
    road_m: Annotated[float, Field(gt=0.0, le=20.0)]


class Schedule(Sourced):
    """Generic schedule inputs (scenario distribution tables)."""

    site_works_months: Spec
    access_months: Spec
    tbm_manufacture_months: Spec
    tbm_launch_months: Spec
    dnb_mobilisation_months: Spec
    learning_days: Spec
    learning_initial_efficiency: Spec
    performance_factor: Spec
    cross_passage_spacing_m: Annotated[float, Field(gt=0.0, le=5000.0)]
    months_after_breakthrough: Spec
    track_km_per_month_per_front: Spec
    integration_months: Spec
    commissioning_months: Spec
    area_exponent: Spec


class BlindPriors(Sourced):
    """``blind_priors.toml``."""

    schema_version: Literal[1]
    meta: dict[str, str]
    learning: Learning
    scope: ScopeShares
    owner: Owner
    diameters: Diameters
    schedule: Schedule


@cache
def blind_priors() -> BlindPriors:
    """Return the shipped generic inputs of blind hindcasts, checked (cached).

    Raises
    ------
    ScenarioError
        Naming the field of ``data/blind_priors.toml`` at fault.
    """
    return check(BlindPriors, read_table("blind_priors.toml"), FILE)


__all__ = ["BlindPriors", "blind_priors"]
