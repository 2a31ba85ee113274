"""Layout of ``data/model_error.toml``: the model error learned from the blind hindcasts.

The file is written by ``tools/model_error.py`` from a run of every blind hindcast
(:func:`beringia.pipeline.blind.run_blind`) and checked against a fresh run by the test
suite, so it is never edited by hand. It holds the fitted predictive residual of log cost and
log duration (:class:`beringia.core.calibration.Residual`): what a new project's calibrated
forecast multiplies its inside view by.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Literal

import numpy as np
from pydantic import Field

from beringia.core.calibration import Residual
from beringia.tables.schema import Table, Text, check, read_table

FILE = "data/model_error.toml"


class ModelError(Table):
    """``model_error.toml``."""

    schema_version: Literal[1]
    source: Text
    note: Text
    draws: Annotated[int, Field(ge=1)]
    seed: Annotated[int, Field(ge=0)]
    cases: Annotated[list[str], Field(min_length=4)]
    cost_cases: Annotated[int, Field(ge=4)]
    """How many cases have a cost error (an outturn of the tunnel's scope)."""
    mean: Annotated[list[float], Field(min_length=2, max_length=2)]
    """Mean log error (cost, duration): ln(actual / bottom-up P50)."""
    scale: Annotated[list[list[float]], Field(min_length=2, max_length=2)]
    """Scale matrix of the predictive Student t."""
    dof: Annotated[float, Field(gt=0.0)]

    def residual(self) -> Residual:
        """Return the fitted residual."""
        return Residual(
            np.array(self.mean, dtype=np.float64),
            np.array(self.scale, dtype=np.float64),
            self.dof,
            len(self.cases),
        )


@cache
def model_error() -> ModelError:
    """Return the shipped model error, checked (cached).

    Raises
    ------
    ScenarioError
        Naming the field of ``data/model_error.toml`` at fault.
    """
    return check(ModelError, read_table("model_error.toml"), FILE)


__all__ = ["ModelError", "model_error"]
