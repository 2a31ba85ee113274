"""The construction risk register of a scenario: named risks and their correlation groups."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from beringia.scenario import limits as L
from beringia.scenario.base import Label, Name, Sourced
from beringia.scenario.distributions import Distribution, within
from beringia.scenario.quantities import Days, Probability, UsdM
from beringia.scenario.unique import unique_names

RatePerYear = Annotated[Distribution, within(0.0, L.MAX_RISKS_PER_YEAR)]
"""Occurrences a year of a project-wide risk."""
RatePerKm = Annotated[Distribution, within(0.0, L.MAX_EVENT_RATE_PER_KM)]
"""Occurrences per km of a risk at a place."""


class RiskGroup(Sourced):
    """Risks that tend to occur together (one cause behind them), and how strongly."""

    name: Name
    correlation: float = Field(
        ge=0.0, lt=1.0, description="Correlation of the risks' occurrences (Gaussian copula)"
    )


class Risk(Sourced):
    """A named risk: where or when it strikes, how likely, and what it costs in time and money.

    With ``zones`` it strikes a place, at most once, stopping the heading that meets it:
    with ``rate_per_km`` at the first occurrence of a Poisson process along those zones
    (joined in the order named), with ``probability`` at a chainage drawn uniformly along
    them. Without zones it strikes the whole project and delays every later date, with a
    ``probability`` or ``rate_per_year`` (a Poisson process over the works). Exactly one of
    the three is given.
    """

    name: Name
    description: str = ""
    zones: list[Label] = Field(
        default_factory=list,
        max_length=L.MAX_ZONES,
        description="Geology zones where it can strike (empty: the whole project)",
    )
    bores: Literal["one", "all", "each"] = Field(
        "one",
        description="A place risk stops one bore (drawn at random) or all of them at once, "
        "or strikes each bore on its own (a rate per bore-km)",
    )
    probability: Probability | None = Field(None, description="Chance it occurs (per project)")
    rate_per_year: RatePerYear | None = Field(
        None, description="Occurrences a year during the works (project-wide risks only)"
    )
    rate_per_km: RatePerKm | None = Field(
        None, description="Occurrences per km along its zones (risks at a place only)"
    )
    delay_days: Days = Field(description="Stoppage per occurrence")
    cost_usd_m: UsdM = Field(description="Direct cost per occurrence")
    group: Name | None = Field(None, description="Correlation group (construction.risk_groups)")

    @model_validator(mode="after")
    def _one_chance(self) -> Risk:
        given = [self.probability, self.rate_per_year, self.rate_per_km]
        if sum(g is not None for g in given) != 1:
            raise ValueError(
                f"construction.risks.{self.name}: give exactly one of probability, "
                "rate_per_year and rate_per_km"
            )
        if self.rate_per_km is not None and not self.zones:
            raise ValueError(
                f"construction.risks.{self.name}.rate_per_km: only for risks at a place "
                "(give zones)"
            )
        if self.rate_per_year is not None and self.zones:
            raise ValueError(
                f"construction.risks.{self.name}.rate_per_year: only for project-wide risks "
                "(no zones); give a probability for a risk at a place"
            )
        return self


def check_risks(risks: list[Risk], groups: list[RiskGroup], zones: set[str]) -> None:
    """Check names are unique and every zone and group a risk names exists.

    Raises
    ------
    ValueError
        Naming the field, the value and what is allowed.
    """
    unique_names("construction.risks", [r.name for r in risks])
    unique_names("construction.risk_groups", [g.name for g in groups])
    known = {g.name for g in groups}
    for r in risks:
        for z in r.zones:
            if z not in zones:
                raise ValueError(
                    f"construction.risks.{r.name}.zones: unknown zone {z!r}; allowed: "
                    f"{', '.join(sorted(zones))}"
                )
        if r.group is not None and r.group not in known:
            raise ValueError(
                f"construction.risks.{r.name}.group: unknown group {r.group!r}; allowed: "
                f"{', '.join(sorted(known)) or 'none (add construction.risk_groups)'}"
            )
