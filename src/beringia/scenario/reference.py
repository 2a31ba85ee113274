"""Input models for money amounts and rows of the reference table of real tunnels.

A :class:`ReferenceRow` holds one long or undersea tunnel (built, under construction or
proposed) as its sources report it: lengths, bores, years, and costs in the currency and year
of money they were reported in. Conversion to US dollars of a common year happens later
(:mod:`beringia.models.reference.dataset`), with the shipped money table.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from beringia.scenario import limits as L
from beringia.tables.money import MoneyTable, money_table

Status = Literal["built", "under-construction", "proposed"]
Use = Literal["rail", "road", "rail+road", "metro"]
Method = Literal["TBM", "D&B", "immersed", "mixed", "unknown"]
CostScope = Literal["tunnel", "tunnel-civil", "crossing", "line", "programme"]
CostBasis = Literal["outturn", "latest-estimate", "contract", "estimate"]

COST_SCOPES: tuple[str, ...] = ("tunnel", "tunnel-civil", "crossing", "line", "programme")
"""What a reported cost covers.

``tunnel``: the tunnel itself, all in as reported; ``tunnel-civil``: civil-works contracts only
(no rail systems, no owner costs); ``crossing``: a whole fixed link of which the tunnel is a
part (bridges, islands, land connections); ``line``: a whole rail or road line containing the
tunnel; ``programme``: several tunnels and roads under one budget.
"""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, strict=True)


class MoneyAmount(_Strict):
    """An amount of money in a tabled currency and year of money.

    The currency and year are checked against the shipped money table
    (:func:`beringia.tables.money.money_table`).
    """

    amount: float = Field(
        gt=0,
        le=L.MAX_REPORTED_AMOUNT,
        description="Amount, in the unit the field's name gives (bn, m)",
    )
    currency: str = Field("USD", description="Currency code of the money table")
    year: int = Field(description="Year of money: price base, or year of a nominal figure")

    @field_validator("currency")
    @classmethod
    def _known_currency(cls, value: str) -> str:
        check_money(value, None)
        return value

    @model_validator(mode="after")
    def _year_in_table(self) -> MoneyAmount:
        check_money(self.currency, self.year)
        return self

    def to_usd(self, to_year: int = 2025) -> float:
        """Return the amount in US dollars of ``to_year`` (market rate, then US CPI-U)."""
        return _table().to_usd(self.amount, self.currency, self.year, to_year)

    def is_unverified(self) -> bool:
        """Return True if the conversion uses a rate or CPI figure flagged unverified."""
        return _table().is_unverified(self.currency, self.year)


class ReportedCost(MoneyAmount):
    """A cost as a source reports it, with what it covers and how final it is."""

    scope: CostScope = Field(
        "tunnel", description="What the figure covers; see COST_SCOPES for the meanings"
    )
    basis: CostBasis = Field(
        "outturn",
        description="outturn (final), latest-estimate (work ongoing), contract, estimate",
    )
    note: str = Field("", description="What the figure includes, how its year was chosen")
    assumed: bool = Field(False, description="Scope or year of money is this project's assumption")


class ReferenceRow(_Strict):
    """One real (or proposed) long or undersea tunnel, as reported by its sources.

    ``bores`` counts every full-length tube: running bores plus service or pilot bores;
    ``running_bores`` counts the tubes that carry traffic. A bore-km is ``length_km * bores``.
    """

    name: str = Field(min_length=1, max_length=L.MAX_NAME_CHARS)
    country: str = Field(min_length=1, max_length=L.MAX_NAME_CHARS)
    status: Status
    use: Use
    method: Method = Field(description="TBM, D&B (drill and blast/NATM), immersed, mixed")
    length_km: float = Field(gt=0, le=L.MAX_TUNNEL_KM, description="Tunnel length (route km)")
    undersea_km: float | None = Field(
        None,
        ge=0,
        le=L.MAX_TUNNEL_KM,
        description="Length under the sea (0 for land tunnels; None: not reported)",
    )
    bores: int = Field(
        ge=1, le=L.MAX_BORES, description="All tubes: running plus service or pilot bores"
    )
    running_bores: int = Field(ge=1, le=L.MAX_BORES, description="Tubes that carry traffic")
    diameter_m: float | None = Field(
        None, gt=0, le=L.MAX_EXCAVATED_DIAMETER_M, description="Bore (excavated) diameter"
    )
    max_depth_below_sea_m: float | None = Field(
        None, ge=0, le=11_000, description="Deepest point below sea level"
    )
    build_start_year: int | None = Field(None, ge=1800, le=2100)
    build_end_year: int | None = Field(
        None, ge=1800, le=2100, description="Opening year; None if not finished"
    )
    planned_end_year: int | None = Field(
        None, ge=1800, le=2100, description="Opening year planned at the decision"
    )
    expected_end_year: int | None = Field(
        None, ge=1800, le=2100, description="Latest expected opening (under construction)"
    )
    cost: ReportedCost | None = Field(None, description="Cost as reported (outturn or latest)")
    cost_high: ReportedCost | None = Field(
        None, description="Upper end when the source gives a range (cost is the lower end)"
    )
    estimate_at_decision: ReportedCost | None = None
    cost_overrun_pct: float | None = Field(
        None,
        ge=-100,
        le=100_000,
        description="Cost overrun against the estimate at decision, as reported",
    )
    schedule_overrun_years: float | None = Field(
        None,
        ge=-L.MAX_YEARS,
        le=L.MAX_YEARS,
        description="Opening (or expected opening) minus planned opening, years",
    )
    mean_advance_m_per_day: float | None = Field(
        None, gt=0, le=L.MAX_RECORD_M_PER_DAY, description="Per heading"
    )
    max_advance_m_per_day: float | None = Field(
        None, gt=0, le=L.MAX_RECORD_M_PER_DAY, description="Best day, one heading"
    )
    sources: list[str] = Field(max_length=100, description="URLs or publications; at least one")
    unverified: bool = Field(False, description="The research notes could not confirm a figure")
    assumed: bool = Field(False, description="A figure is this project's assumption (see note)")
    note: str = ""

    @field_validator("sources")
    @classmethod
    def _sourced(cls, value: list[str], info: ValidationInfo) -> list[str]:
        name = info.data.get("name", "?")
        if not value:
            raise ValueError(f"row {name!r}: missing source; give at least one URL or publication")
        for i, src in enumerate(value):
            if not src.strip():
                raise ValueError(f"row {name!r}: missing source (sources[{i}] is empty)")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> ReferenceRow:
        name = self.name
        if self.undersea_km is not None and self.undersea_km > self.length_km:
            raise ValueError(
                f"row {name!r}: undersea_km ({self.undersea_km}) must not exceed "
                f"length_km ({self.length_km})"
            )
        if self.running_bores > self.bores:
            raise ValueError(
                f"row {name!r}: running_bores ({self.running_bores}) must not exceed "
                f"bores ({self.bores})"
            )
        start = self.build_start_year
        for label, end in (
            ("build_end_year", self.build_end_year),
            ("planned_end_year", self.planned_end_year),
            ("expected_end_year", self.expected_end_year),
        ):
            if start is not None and end is not None and end < start:
                raise ValueError(
                    f"row {name!r}: {label} ({end}) must not be before build_start_year ({start})"
                )
        if self.status == "built" and self.build_end_year is None:
            raise ValueError(f"row {name!r}: a built tunnel needs build_end_year")
        if self.status != "built" and self.build_end_year is not None:
            raise ValueError(
                f"row {name!r}: build_end_year is only for built tunnels "
                f"(use expected_end_year for status {self.status!r})"
            )
        if self.status == "proposed" and self.build_start_year is not None:
            raise ValueError(f"row {name!r}: a proposed tunnel has no build_start_year")
        if self.cost_high is not None and self.cost is None:
            raise ValueError(f"row {name!r}: cost_high needs cost (the lower end)")
        return self


def _table() -> MoneyTable:
    return money_table()


def check_money(currency: str, year: int | None) -> None:
    """Check a currency (and year of money) against the shipped money table.

    Raises
    ------
    ValueError
        Naming the unknown currency or the year and what the table allows.
    """
    table = _table()
    if currency not in table.currencies():
        raise ValueError(f"unknown currency {currency!r}; allowed: {', '.join(table.currencies())}")
    if year is None:
        return
    lo, hi = table.years(currency)
    clo, chi = table.years("USD")
    lo, hi = max(lo, clo), min(hi, chi)
    if not lo <= year <= hi:
        raise ValueError(
            f"year {year} is outside the money table; allowed: {lo} to {hi} for {currency}"
        )
