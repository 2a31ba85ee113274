"""Sourced market and cost data of the corridor (``market.toml``, ``corridor_costs.toml``).

Each file is checked against its layout (:mod:`beringia.models.corridor.schema`); each loader
returns a frozen dataclass whose uncertain figures are
:class:`~beringia.models.corridor.quantity.Quantity` objects (a compiled
:class:`~beringia.core.distributions.DistSpec` plus provenance). Bad data raises
:class:`~beringia.errors.ScenarioError` naming the field path.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, get_args

from beringia.errors import ScenarioError
from beringia.models.corridor.quantity import Quantity
from beringia.models.corridor.schema import (
    CostsDoc,
    Country,
    Direction,
    MarketDoc,
    NewBuildTerrain,
    quantity,
)
from beringia.tables.schema import check, read_table

COUNTRIES: tuple[str, ...] = get_args(Country)
"""Countries with new-build capex."""
TERRAINS: tuple[str, ...] = get_args(NewBuildTerrain)
"""Terrains with new-build capex."""
DIRECTIONS: tuple[str, ...] = get_args(Direction)
"""Allowed flow directions."""


@dataclass(frozen=True)
class Flow:
    """A freight flow between two regions in one year.

    Parameters
    ----------
    name : str
        Unique name.
    origin_region, destination_region : str
        Region names (see the data file's header).
    direction : str
        One of :data:`DIRECTIONS`.
    mode : str
        The mode the flow travels by today (``sea`` or ``rail``).
    cargo : str
        ``container``.
    year : int
        Year of the count.
    teu_per_year : Quantity
        Volume, TEU a year.
    """

    name: str
    origin_region: str
    destination_region: str
    direction: str
    mode: str
    cargo: str
    year: int
    teu_per_year: Quantity


@dataclass(frozen=True)
class Market:
    """Container flows, claims, value of cargo time and mode-choice parameters.

    Parameters
    ----------
    flows : tuple of Flow
        Sourced flows, names unique.
    claims : dict of str to Quantity
        Promoters' figures kept for comparison (not defaults).
    cargo_value_usd_per_feu, time_cost_pct_per_day : Quantity
        Value of the goods in a 40-ft box; cost of a day in transit as a share of it.
    logit_scale_per_1000usd_per_feu, ramp_up_years : Quantity
        Binary-logit scale on the generalised-cost difference; years to full share.
    """

    flows: tuple[Flow, ...]
    claims: Mapping[str, Quantity]
    cargo_value_usd_per_feu: Quantity
    time_cost_pct_per_day: Quantity
    logit_scale_per_1000usd_per_feu: Quantity
    ramp_up_years: Quantity

    def flow(self, name: str) -> Flow:
        """Return the flow called ``name``.

        Raises
        ------
        ScenarioError
            No flow has that name.
        """
        for f in self.flows:
            if f.name == name:
                return f
        raise ScenarioError("market.flows", name, f"one of {', '.join(f.name for f in self.flows)}")

    @property
    def time_value_usd_per_feu_day(self) -> float:
        """Mean value of a day of transit time per FEU (independent value and rate)."""
        return self.cargo_value_usd_per_feu.mean * self.time_cost_pct_per_day.mean / 100.0


@dataclass(frozen=True)
class NewBuildCost:
    """Capex of new line per route-km in one country and terrain.

    Parameters
    ----------
    country : str
        One of :data:`COUNTRIES`.
    terrain : str
        One of :data:`TERRAINS`.
    usd_m_per_km : Quantity
        Millions of USD (price year of the file) per route-km.
    """

    country: str
    terrain: str
    usd_m_per_km: Quantity


@dataclass(frozen=True)
class CostReference:
    """A published whole-project figure (or claim) behind the per-km defaults.

    Parameters
    ----------
    name : str
        Project name.
    length_km : float
        Route length it covers.
    amount : float
        Amount in ``currency`` of ``year`` (per km when ``per_km``).
    currency : str
        Currency code.
    year : int
        Year of money.
    usd_m_per_km_2025 : float
        Derived 2025 USD millions per km.
    claim : bool
        A promoter's statement rather than an estimate.
    per_km : bool
        ``amount`` is per km, not for the whole length.
    source, unverified, assumed, note
        Provenance.
    """

    name: str
    length_km: float
    amount: float
    currency: str
    year: int
    usd_m_per_km_2025: float
    claim: bool
    per_km: bool
    source: str
    unverified: bool
    assumed: bool
    note: str


@dataclass(frozen=True)
class CorridorCosts:
    """Capex, build rate, opex, tariffs, tolls, discounting and asset lives.

    Parameters
    ----------
    price_year : int
        Year of the US dollars.
    new_build : tuple of NewBuildCost
        One per country and terrain.
    upgrade_usd_m_per_km, build_km_per_year_per_front : Quantity
        Upgrade capex per route-km; new-build progress of one front.
    opex_usd_per_train_km, maintenance_usd_per_route_km_year, arctic_opex_factor : Quantity
        Variable and fixed operating costs and the Arctic multiplier.
    rail_tariff_usd_per_feu_km : Quantity
        Rail freight rate.
    tolls_usd_per_feu : dict of str to Quantity
        Tunnel toll candidates.
    discount_real_rates : dict of str to Quantity
        Published public-sector discount rates.
    default_real_rate, horizon_years : Quantity
        Default discount-rate range and appraisal horizon.
    asset_life_years : dict of str to Quantity
        Asset lives by component (keys without the ``_years`` suffix).
    references : tuple of CostReference
        Published figures and claims.
    """

    price_year: int
    new_build: tuple[NewBuildCost, ...]
    upgrade_usd_m_per_km: Quantity
    build_km_per_year_per_front: Quantity
    opex_usd_per_train_km: Quantity
    maintenance_usd_per_route_km_year: Quantity
    arctic_opex_factor: Quantity
    rail_tariff_usd_per_feu_km: Quantity
    tolls_usd_per_feu: Mapping[str, Quantity]
    discount_real_rates: Mapping[str, Quantity]
    default_real_rate: Quantity
    horizon_years: Quantity
    asset_life_years: Mapping[str, Quantity]
    references: tuple[CostReference, ...]

    def new_build_cost(self, country: str, terrain: str) -> Quantity:
        """Return the capex per km of new line in ``country`` and ``terrain``.

        Raises
        ------
        ScenarioError
            An unknown country or terrain.
        """
        if country not in COUNTRIES:
            raise ScenarioError("corridor_costs.country", country, f"one of {COUNTRIES}")
        if terrain not in TERRAINS:
            raise ScenarioError("corridor_costs.terrain", terrain, f"one of {TERRAINS}")
        for c in self.new_build:
            if c.country == country and c.terrain == terrain:
                return c.usd_m_per_km
        raise ScenarioError(
            "corridor_costs.new_build", f"{country}/{terrain}", "a country and terrain in the data"
        )


# ----------------------------------------------------------------------------- market


def parse_market(doc: Mapping[str, Any]) -> Market:
    """Validate a parsed ``market.toml`` document.

    Parameters
    ----------
    doc : mapping
        The parsed TOML.

    Returns
    -------
    Market
        The validated market data.

    Raises
    ------
    ScenarioError
        A missing or malformed field, named by its path, or a flow or claim name used twice.
    """
    t = check(MarketDoc, doc, "market")
    _unique([f.name for f in t.flows], "market.flows")
    _unique([c.name for c in t.claims], "market.claims")
    return Market(
        flows=tuple(
            Flow(
                name=f.name,
                origin_region=f.origin_region,
                destination_region=f.destination_region,
                direction=f.direction,
                mode=f.mode,
                cargo=f.cargo,
                year=f.year,
                teu_per_year=quantity(f.teu_per_year),
            )
            for f in t.flows
        ),
        claims={c.name: quantity(c.mt_per_year) for c in t.claims},
        cargo_value_usd_per_feu=quantity(t.time_value.cargo_value_usd_per_feu),
        time_cost_pct_per_day=quantity(t.time_value.time_cost_pct_per_day),
        logit_scale_per_1000usd_per_feu=quantity(t.mode_choice.logit_scale_per_1000usd_per_feu),
        ramp_up_years=quantity(t.mode_choice.ramp_up_years),
    )


def load_market() -> Market:
    """Load the shipped ``market.toml``."""
    return parse_market(read_table("market.toml"))


# ----------------------------------------------------------------------------- costs


def _unique(names: list[str], field: str) -> None:
    for i, name in enumerate(names):
        if name in names[:i]:
            raise ScenarioError(f"{field}.{i}.name", name, "a name not used before")


def parse_corridor_costs(doc: Mapping[str, Any]) -> CorridorCosts:
    """Validate a parsed ``corridor_costs.toml`` document.

    Parameters
    ----------
    doc : mapping
        The parsed TOML.

    Returns
    -------
    CorridorCosts
        The validated cost data.

    Raises
    ------
    ScenarioError
        A missing or malformed field, a duplicate or missing country/terrain pair, a name
        used twice, an asset life whose key does not end in ``_years``.
    """
    p = "corridor_costs"
    t = check(CostsDoc, doc, p)
    new_build: list[NewBuildCost] = []
    for i, row in enumerate(t.new_build):
        if any(o.country == row.country and o.terrain == row.terrain for o in new_build):
            raise ScenarioError(
                f"{p}.new_build.{i}", f"{row.country}/{row.terrain}", "one entry per pair"
            )
        new_build.append(NewBuildCost(row.country, row.terrain, quantity(row.usd_m_per_km)))
    have = {(c.country, c.terrain) for c in new_build}
    for country in COUNTRIES:
        for terrain in TERRAINS:
            if (country, terrain) not in have:
                raise ScenarioError(
                    f"{p}.new_build", f"{country}/{terrain}", "an entry for every country/terrain"
                )
    for key, d in t.asset_life.items():
        if not key.endswith("_years"):
            raise ScenarioError(f"{p}.asset_life.{key}", d.model_dump(), "a key ending in _years")
    _unique([r.name for r in t.tolls], f"{p}.tolls")
    _unique([r.name for r in t.discount_rates], f"{p}.discount_rates")
    return CorridorCosts(
        price_year=t.meta.price_year,
        new_build=tuple(new_build),
        upgrade_usd_m_per_km=quantity(t.upgrade.usd_m_per_km),
        build_km_per_year_per_front=quantity(t.build.km_per_year_per_front),
        opex_usd_per_train_km=quantity(t.opex.usd_per_train_km),
        maintenance_usd_per_route_km_year=quantity(t.opex.usd_per_route_km_year),
        arctic_opex_factor=quantity(t.opex.arctic_factor),
        rail_tariff_usd_per_feu_km=quantity(t.tariffs.rail_usd_per_feu_km),
        tolls_usd_per_feu={r.name: quantity(r.usd_per_feu) for r in t.tolls},
        discount_real_rates={r.name: quantity(r.real_rate) for r in t.discount_rates},
        default_real_rate=quantity(t.discount.default_real_rate),
        horizon_years=quantity(t.discount.horizon_years),
        asset_life_years={k.removesuffix("_years"): quantity(d) for k, d in t.asset_life.items()},
        references=tuple(
            CostReference(
                name=r.name,
                length_km=r.length_km,
                amount=r.amount,
                currency=r.currency,
                year=r.year,
                usd_m_per_km_2025=r.usd_m_per_km_2025,
                claim=r.claim,
                per_km=r.per_km,
                source=r.source,
                unverified=r.unverified,
                assumed=r.assumed,
                note=r.note,
            )
            for r in t.references
        ),
    )


def load_corridor_costs() -> CorridorCosts:
    """Load the shipped ``corridor_costs.toml``."""
    return parse_corridor_costs(read_table("corridor_costs.toml"))
