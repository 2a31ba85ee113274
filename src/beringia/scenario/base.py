"""Base classes of the scenario's pydantic models."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from beringia.scenario.distributions import Provenance
from beringia.scenario.quantities import Label, Name

__all__ = ["Label", "Name", "Sourced", "Strict"]


class Strict(BaseModel):
    """A frozen model that rejects unknown fields, non-finite numbers and loose types.

    Strict types: a number is an integer or a float (``true`` and ``"7.0"`` are not numbers),
    an integer field takes no float, a string field no number.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, strict=True)


class Sourced(Provenance):
    """An object whose plain numbers share one provenance."""
