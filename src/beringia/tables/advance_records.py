"""Layout of ``data/advance_records.toml``: the best month of a TBM by diameter class.

Each row covers bores of ``min_diameter_m`` up to (not including) ``max_diameter_m``; the rows
tile 0-20 m without gaps. A bore is compared with the record of its class, scaled from the
record machine's diameter (:func:`best_month_for`).
"""

from __future__ import annotations

import itertools
from functools import cache
from typing import Annotated, Literal

from pydantic import Field, model_validator

from beringia.tables.schema import Table, Text, check, read_table

MAX_DIAMETER_M = 20.0
"""The largest bore the classes must cover (as the scenario limits)."""


class Record(Table):
    """The best month of one diameter class of TBM."""

    label: Text
    min_diameter_m: Annotated[float, Field(ge=0.0, lt=MAX_DIAMETER_M)]
    max_diameter_m: Annotated[float, Field(gt=0.0, le=MAX_DIAMETER_M)]
    metres: Annotated[float, Field(gt=0.0)]
    days: Annotated[float, Field(gt=0.0)]
    diameter_m: Annotated[float, Field(gt=0.0, le=MAX_DIAMETER_M)]
    status: Literal["class", "regional", "project", "maker"]
    source: Text
    unverified: bool = False
    note: str = ""

    @property
    def m_per_day(self) -> float:
        """Mean advance over the record's days."""
        return self.metres / self.days

    @model_validator(mode="after")
    def _in_class(self) -> Record:
        if not self.min_diameter_m <= self.diameter_m <= self.max_diameter_m:
            raise ValueError(
                f"diameter_m {self.diameter_m:g} must lie in its class "
                f"{self.min_diameter_m:g}-{self.max_diameter_m:g} m"
            )
        return self


class AdvanceRecords(Table):
    """``advance_records.toml``."""

    best_month: Annotated[list[Record], Field(min_length=1)]

    @model_validator(mode="after")
    def _tile(self) -> AdvanceRecords:
        rows = self.best_month
        if rows[0].min_diameter_m != 0.0 or rows[-1].max_diameter_m != MAX_DIAMETER_M:
            raise ValueError(f"the classes must run from 0 to {MAX_DIAMETER_M:g} m")
        for a, b in itertools.pairwise(rows):
            if a.max_diameter_m != b.min_diameter_m:
                raise ValueError(
                    f"the classes must follow each other: one ends at {a.max_diameter_m:g} m, "
                    f"the next starts at {b.min_diameter_m:g} m"
                )
        return self

    def best_month_for(self, diameter_m: float) -> Record:
        """Return the record of the class a bore of ``diameter_m`` falls in."""
        for row in self.best_month:
            if row.min_diameter_m <= diameter_m < row.max_diameter_m:
                return row
        return self.best_month[-1]


@cache
def advance_records() -> AdvanceRecords:
    """Return the shipped advance records, checked (cached).

    Raises
    ------
    ScenarioError
        Naming the field of ``data/advance_records.toml`` at fault.
    """
    return check(AdvanceRecords, read_table("advance_records.toml"), "data/advance_records.toml")
