"""Probability distributions of uncertain scenario inputs (a discriminated union on ``dist``).

Every distribution also carries its provenance: ``source`` (URL or publication),
``unverified`` (the research notes could not confirm the figure) and ``assumed`` (no source
gives it; it is this project's assumption, stated in ``note``). A bare number where a
distribution is expected means ``{dist = "fixed", value = <number>}``.
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from beringia.core.distributions import DistSpec
from beringia.scenario import limits


class Provenance(BaseModel):
    """Where a figure comes from."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, strict=True)

    source: str = Field("", description="URL or publication the figure comes from")
    unverified: bool = Field(False, description="The research notes mark the figure [unverified]")
    assumed: bool = Field(False, description="No source gives the figure: a stated assumption")
    note: str = Field("", description="How the figure was derived, or what the assumption is")


class Fixed(Provenance):
    """A known value."""

    dist: Literal["fixed"] = "fixed"
    value: float


class Uniform(Provenance):
    """Uniform on ``[low, high]``."""

    dist: Literal["uniform"]
    low: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.low > self.high:
            raise ValueError(f"low ({self.low}) must not exceed high ({self.high})")
        return self


class _LowModeHigh(Provenance):
    """A distribution on ``[low, high]`` with its mode ``mode`` between them."""

    low: float
    mode: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> _LowModeHigh:
        if not self.low <= self.mode <= self.high:
            raise ValueError(
                f"need low <= mode <= high, got low={self.low}, mode={self.mode}, high={self.high}"
            )
        return self


class Triangular(_LowModeHigh):
    """Triangular on ``[low, high]`` with mode ``mode``."""

    dist: Literal["triangular"]


class Pert(_LowModeHigh):
    """Beta-PERT on ``[low, high]`` with mode ``mode`` and shape ``shape`` (4 is classic)."""

    dist: Literal["pert"]
    shape: float = Field(4.0, gt=0, le=limits.MAX_PERT_SHAPE)


class Normal(Provenance):
    """Normal with mean ``mean`` and standard deviation ``sd``, optionally truncated.

    ``low`` and ``high`` truncate it to ``[low, high]`` (sampled exactly, by inverse CDF
    on the truncated range); fields that must stay positive need ``low``.
    """

    dist: Literal["normal"]
    mean: float
    sd: float = Field(gt=0)
    low: float | None = None
    high: float | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Normal:
        lo = -math.inf if self.low is None else self.low
        hi = math.inf if self.high is None else self.high
        if lo >= hi:
            raise ValueError(f"low ({self.low}) must be below high ({self.high})")
        # The sampler is exact at any depth, but a window more than 8 sd out (mass < 1e-15)
        # is almost surely a slip (units, a swapped mean) rather than an intended input.
        if (lo - self.mean) / self.sd > 8 or (hi - self.mean) / self.sd < -8:
            raise ValueError("the truncation [low, high] lies more than 8 sd from the mean")
        return self


class LogNormal(Provenance):
    """Log-normal with median ``median`` and geometric standard deviation ``gsd`` (>= 1)."""

    dist: Literal["lognormal"]
    median: float = Field(gt=0)
    gsd: float = Field(ge=1, le=limits.MAX_GSD)


class Discrete(Provenance):
    """Discrete on ``values`` with ``probabilities`` (summing to one)."""

    dist: Literal["discrete"]
    values: list[float] = Field(min_length=1, max_length=limits.MAX_DISCRETE_VALUES)
    probabilities: list[float] = Field(min_length=1, max_length=limits.MAX_DISCRETE_VALUES)

    @model_validator(mode="after")
    def _probabilities(self) -> Discrete:
        if len(self.values) != len(self.probabilities):
            raise ValueError(
                f"values ({len(self.values)}) and probabilities ({len(self.probabilities)}) "
                "must have the same length"
            )
        if any(p < 0 for p in self.probabilities):
            raise ValueError("probabilities must be non-negative")
        total = sum(self.probabilities)
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"probabilities must sum to 1, they sum to {total:g}")
        return self


def _bare_number(v: Any) -> Any:
    if isinstance(v, bool):
        return v
    if isinstance(v, int | float):
        return {"dist": "fixed", "value": v}
    return v


Distribution = Annotated[
    Fixed | Uniform | Triangular | Pert | Normal | LogNormal | Discrete,
    Field(discriminator="dist"),
    BeforeValidator(_bare_number),
]
"""Any uncertain input."""

AnyDist = Fixed | Uniform | Triangular | Pert | Normal | LogNormal | Discrete
"""Any uncertain input, once validated."""

DIST_KINDS = ("fixed", "uniform", "triangular", "pert", "normal", "lognormal", "discrete")


def support(
    d: Fixed | Uniform | Triangular | Pert | Normal | LogNormal | Discrete,
) -> tuple[float, float]:
    """Return the smallest and largest value ``d`` can take."""
    if isinstance(d, Fixed):
        return d.value, d.value
    if isinstance(d, Uniform | Triangular | Pert):
        return d.low, d.high
    if isinstance(d, Normal):
        return (
            -math.inf if d.low is None else d.low,
            math.inf if d.high is None else d.high,
        )
    if isinstance(d, LogNormal):
        return math.ulp(0.0), math.inf  # strictly positive
    return min(d.values), max(d.values)


_TAIL_Z = NormalDist().inv_cdf(1.0 - limits.TAIL_PROBABILITY)


def credible_high(d: AnyDist) -> float:
    """Return the highest value ``d`` takes, or its 1-in-a-million upper quantile if unbounded.

    Upper limits are checked against this value, so an untruncated normal or a log-normal can
    meet one (its tail beyond the quantile is a one-in-a-million draw).
    """
    hi = support(d)[1]
    if math.isfinite(hi):
        return hi
    if isinstance(d, Normal):
        return d.mean + _TAIL_Z * d.sd
    if isinstance(d, LogNormal):
        return float(d.median * d.gsd**_TAIL_Z)
    return hi


def within(low: float | None, high: float | None, *, open_low: bool = False) -> Any:
    """Return a validator: every value of a distribution lies in ``[low, high]``.

    An upper limit is met by a distribution without an upper end when its 1-in-a-million upper
    quantile meets it (:func:`credible_high`); a lower limit by a log-normal when its
    1-in-a-million lower quantile does. A normal must be truncated to meet a lower limit.
    """

    def check(d: Any) -> Any:
        lo = d.median / d.gsd**_TAIL_Z if isinstance(d, LogNormal) else support(d)[0]
        if low is not None and (lo < low or (open_low and lo <= low)):
            sign = ">" if open_low else ">="
            kind = "" if not isinstance(d, Normal) else f" (truncate the normal: low = {low:g})"
            raise ValueError(f"every value must be {sign} {low:g}, the lowest is {lo:g}{kind}")
        hi = credible_high(d)
        if high is not None and hi > high:
            tail = "" if math.isfinite(support(d)[1]) else " (its 1-in-a-million upper quantile)"
            raise ValueError(f"every value must be <= {high:g}, the highest is {hi:g}{tail}")
        return d

    return AfterValidator(check)


PositiveDist = Annotated[Distribution, within(0.0, None, open_low=True)]
"""A distribution whose every value is > 0."""
NonNegDist = Annotated[Distribution, within(0.0, None)]
"""A distribution whose every value is >= 0."""
FractionDist = Annotated[Distribution, within(0.0, 1.0, open_low=True)]
"""A distribution on (0, 1]."""


def dist_spec(d: AnyDist) -> DistSpec:
    """Compile one scenario distribution to a :class:`DistSpec`."""
    if isinstance(d, Fixed):
        return DistSpec("fixed", (d.value,))
    if isinstance(d, Uniform):
        return DistSpec("uniform", (d.low, d.high))
    if isinstance(d, Triangular):
        return DistSpec("triangular", (d.low, d.mode, d.high))
    if isinstance(d, Pert):
        return DistSpec("pert", (d.low, d.mode, d.high, d.shape))
    if isinstance(d, Normal):
        lo = -math.inf if d.low is None else d.low
        hi = math.inf if d.high is None else d.high
        return DistSpec("normal", (d.mean, d.sd, lo, hi))
    if isinstance(d, LogNormal):
        return DistSpec("lognormal", (d.median, d.gsd))
    return DistSpec("discrete", values=tuple(d.values), probs=tuple(d.probabilities))
