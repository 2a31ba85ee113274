"""Uncertain figures of the corridor's data files: a compiled distribution plus provenance."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter, ValidationError

from beringia.core.distributions import DistSpec, mean
from beringia.errors import ScenarioError
from beringia.scenario.distributions import Distribution, dist_spec

_ADAPTER: TypeAdapter[Any] = TypeAdapter(Distribution)
_BOUNDED = ("fixed", "uniform", "triangular", "pert")


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


def parse_quantity(raw: Any, field: str, what: str = "") -> Quantity:
    """Validate one distribution table (as in a scenario) and compile it.

    Parameters
    ----------
    raw : object
        The table, e.g. ``{dist = "triangular", low = 1, mode = 2, high = 3, source = "..."}``.
    field : str
        Its path, for the error message.
    what : str
        What the table belongs to (``segment 'A - B'``), prefixed to the message.

    Raises
    ------
    ScenarioError
        If the table is not a distribution, or its values can be negative.
    """
    prefix = f"{what}: " if what else ""
    try:
        d = _ADAPTER.validate_python(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise ScenarioError(
            field, raw, f"{prefix}a distribution table ({loc}: {first['msg']})"
        ) from None
    spec = dist_spec(d)
    if mean(spec) < 0 or (spec.kind in _BOUNDED and min(spec.params[:3]) < 0):
        raise ScenarioError(field, raw, f"{prefix}a distribution of values >= 0")
    return Quantity(
        spec=spec, source=d.source, unverified=d.unverified, assumed=d.assumed, note=d.note
    )


def is_bounded(spec: DistSpec) -> bool:
    """Whether the distribution has finite bounds given by its parameters."""
    return spec.kind in _BOUNDED
