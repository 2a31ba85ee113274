"""Base classes of the scenario's pydantic models."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from beringia.scenario.distributions import Provenance

Name = str


class Strict(BaseModel):
    """A frozen model that rejects unknown fields and non-finite numbers."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Sourced(Provenance):
    """An object whose plain numbers share one provenance."""
