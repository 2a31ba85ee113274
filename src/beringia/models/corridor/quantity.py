"""Uncertain figures of the corridor's data files: a compiled distribution plus provenance."""

from __future__ import annotations

from dataclasses import dataclass

from beringia.core.distributions import DistSpec, mean

BOUNDED = ("fixed", "uniform", "triangular", "pert")
"""Distribution kinds whose bounds are among their parameters."""


@dataclass(frozen=True)
class Quantity:
    """An uncertain figure with its provenance.

    Parameters
    ----------
    spec : DistSpec
        The compiled distribution.
    source, note : str
        Where the figure comes from; how it was derived or what was assumed.
    unverified, assumed : bool
        Provenance flags (see the data file's header).
    """

    spec: DistSpec
    source: str = ""
    unverified: bool = False
    assumed: bool = False
    note: str = ""

    @property
    def mean(self) -> float:
        """Analytic mean of the distribution."""
        return mean(self.spec)
