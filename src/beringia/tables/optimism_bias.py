"""Layout of ``data/optimism_bias.toml``: reference-class cost overruns by source and class.

Each source (``[dft-2004]``, ``[flyvbjerg-2003]``) has a ``source`` and one table per reference
class, which gives either published quantiles of the uplift (``uplift_quantiles``) or the mean
and standard deviation of the escalation (``mean_escalation``, ``sd_escalation``).
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, model_validator

from beringia.tables.schema import Table, Text, check, read_table

Escalation = Annotated[float, Field(gt=-1.0, lt=100.0)]
"""An uplift or escalation, actual / estimate - 1."""


class ClassRow(Table):
    """One reference class of one source."""

    label: Text
    uplift_quantiles: dict[Literal["p50", "p80", "p90"], Escalation] | None = None
    mean_escalation: Escalation | None = None
    sd_escalation: Annotated[float, Field(gt=0.0)] | None = None
    unverified: bool = False
    note: str = ""

    @model_validator(mode="after")
    def _one_kind(self) -> ClassRow:
        moments = self.mean_escalation is not None and self.sd_escalation is not None
        quantiles = self.uplift_quantiles is not None and len(self.uplift_quantiles) >= 2
        if moments == quantiles:
            raise ValueError(
                "either uplift_quantiles (two or more of p50, p80, p90) or both "
                "mean_escalation and sd_escalation"
            )
        return self


class SourceRow(Table):
    """A source: its publication and its reference classes (every other key)."""

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, ClassRow] = Field(init=False)

    source: Text

    @property
    def classes(self) -> dict[str, ClassRow]:
        """Reference classes by key (``fixed-links``, ``rail``, ``roads``)."""
        return dict(self.model_extra or {})


@cache
def optimism_bias_table() -> dict[str, SourceRow]:
    """Return the shipped uplift sources, checked (cached).

    Raises
    ------
    ScenarioError
        Naming the field of ``data/optimism_bias.toml`` at fault.
    """
    raw = read_table("optimism_bias.toml")
    return {key: check(SourceRow, t, f"data/optimism_bias.toml.{key}") for key, t in raw.items()}
