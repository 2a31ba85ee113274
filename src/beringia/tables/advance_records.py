"""Layout of ``data/advance_records.toml``: record TBM advances the claims are checked against."""

from __future__ import annotations

from functools import cache
from typing import Annotated

from pydantic import Field

from beringia.tables.schema import Table, Text, check, read_table


class Record(Table):
    """A record advance of one machine over a stated number of days."""

    label: Text
    metres: Annotated[float, Field(gt=0.0)]
    days: Annotated[float, Field(gt=0.0)]
    diameter_m: Annotated[float, Field(gt=0.0, le=20.0)]
    source: Text
    note: str = ""

    @property
    def m_per_day(self) -> float:
        """Mean advance over the record's days."""
        return self.metres / self.days


class AdvanceRecords(Table):
    """``advance_records.toml``."""

    best_month: Record


@cache
def advance_records() -> AdvanceRecords:
    """Return the shipped advance records, checked (cached).

    Raises
    ------
    ScenarioError
        Naming the field of ``data/advance_records.toml`` at fault.
    """
    return check(AdvanceRecords, read_table("advance_records.toml"), "data/advance_records.toml")
