"""Sourced market and cost data of the corridor (``market.toml``, ``corridor_costs.toml``).

Small typed loaders: each returns a frozen dataclass whose uncertain figures are
:class:`~beringia.models.corridor.quantity.Quantity` objects (a compiled
:class:`~beringia.core.distributions.DistSpec` plus provenance). Bad data raises
:class:`~beringia.errors.ScenarioError` naming the field path.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from beringia.errors import ScenarioError
from beringia.models.corridor.quantity import Quantity, parse_quantity

COUNTRIES = ("US", "CA", "RU")
"""Countries with new-build capex."""
TERRAINS = ("plain", "mountain", "permafrost")
"""Terrains with new-build capex."""
DIRECTIONS = ("eastbound", "westbound", "both")
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


# ----------------------------------------------------------------------------- parsing helpers


def _table(raw: Any, field: str) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise ScenarioError(field, raw, "a table")
    return raw


def _keys(t: Mapping[str, Any], allowed: set[str], field: str) -> None:
    extra = sorted(set(t) - allowed)
    if extra:
        raise ScenarioError(
            f"{field}.{extra[0]}", t[extra[0]], f"keys {', '.join(sorted(allowed))}"
        )
    missing = sorted(allowed - set(t) - _OPTIONAL)
    if missing:
        raise ScenarioError(f"{field}.{missing[0]}", None, "a value (required)")


_OPTIONAL = {"unverified", "assumed", "note", "per_km"}


def _quantity(t: Mapping[str, Any], key: str, field: str) -> Quantity:
    raw = t.get(key)
    if raw is None:
        raise ScenarioError(f"{field}.{key}", None, "a distribution table (required)")
    q = parse_quantity(raw, f"{field}.{key}")
    if not q.source:
        raise ScenarioError(f"{field}.{key}.source", "", "a source (URL or publication)")
    return q


def _str(t: Mapping[str, Any], key: str, field: str, allowed: tuple[str, ...] = ()) -> str:
    v = t.get(key)
    if not isinstance(v, str) or not v or (allowed and v not in allowed):
        raise ScenarioError(f"{field}.{key}", v, f"one of {allowed}" if allowed else "a name")
    return v


def _num(t: Mapping[str, Any], key: str, field: str) -> float:
    v = t.get(key)
    if isinstance(v, bool) or not isinstance(v, int | float) or v <= 0:
        raise ScenarioError(f"{field}.{key}", v, "a positive number")
    return float(v)


def _int(t: Mapping[str, Any], key: str, field: str) -> int:
    v = t.get(key)
    if isinstance(v, bool) or not isinstance(v, int) or not 1900 <= v <= 2100:
        raise ScenarioError(f"{field}.{key}", v, "a year (integer 1900-2100)")
    return v


def _bool(t: Mapping[str, Any], key: str, field: str) -> bool:
    v = t.get(key, False)
    if not isinstance(v, bool):
        raise ScenarioError(f"{field}.{key}", v, "true or false")
    return v


def _named(doc: Mapping[str, Any], section: str, key: str, prefix: str) -> dict[str, Quantity]:
    out: dict[str, Quantity] = {}
    items = doc.get(section, [])
    if not isinstance(items, list):
        raise ScenarioError(f"{prefix}.{section}", items, "an array of tables")
    for i, raw in enumerate(items):
        field = f"{prefix}.{section}.{i}"
        t = _table(raw, field)
        _keys(t, {"name", key}, field)
        name = _str(t, "name", field)
        if name in out:
            raise ScenarioError(f"{field}.name", name, "a name not used before")
        out[name] = _quantity(t, key, field)
    return out


def _read(filename: str) -> dict[str, Any]:
    text = resources.files("beringia.data").joinpath(filename).read_text(encoding="utf-8")
    return tomllib.loads(text)


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
        A missing or malformed field, named by its path.
    """
    p = "market"
    flows: list[Flow] = []
    raw_flows = doc.get("flows")
    if not isinstance(raw_flows, list) or not raw_flows:
        raise ScenarioError(f"{p}.flows", raw_flows, "a non-empty array of tables")
    seen: set[str] = set()
    for i, raw in enumerate(raw_flows):
        field = f"{p}.flows.{i}"
        t = _table(raw, field)
        _keys(
            t,
            {
                "name",
                "origin_region",
                "destination_region",
                "direction",
                "mode",
                "cargo",
                "year",
                "teu_per_year",
            },
            field,
        )
        name = _str(t, "name", field)
        if name in seen:
            raise ScenarioError(f"{field}.name", name, "a name not used before")
        seen.add(name)
        flows.append(
            Flow(
                name=name,
                origin_region=_str(t, "origin_region", field),
                destination_region=_str(t, "destination_region", field),
                direction=_str(t, "direction", field, DIRECTIONS),
                mode=_str(t, "mode", field, ("sea", "rail")),
                cargo=_str(t, "cargo", field, ("container",)),
                year=_int(t, "year", field),
                teu_per_year=_quantity(t, "teu_per_year", field),
            )
        )
    tv = _table(doc.get("time_value"), f"{p}.time_value")
    _keys(tv, {"cargo_value_usd_per_feu", "time_cost_pct_per_day"}, f"{p}.time_value")
    mc = _table(doc.get("mode_choice"), f"{p}.mode_choice")
    _keys(mc, {"logit_scale_per_1000usd_per_feu", "ramp_up_years"}, f"{p}.mode_choice")
    return Market(
        flows=tuple(flows),
        claims=_named(doc, "claims", "mt_per_year", p),
        cargo_value_usd_per_feu=_quantity(tv, "cargo_value_usd_per_feu", f"{p}.time_value"),
        time_cost_pct_per_day=_quantity(tv, "time_cost_pct_per_day", f"{p}.time_value"),
        logit_scale_per_1000usd_per_feu=_quantity(
            mc, "logit_scale_per_1000usd_per_feu", f"{p}.mode_choice"
        ),
        ramp_up_years=_quantity(mc, "ramp_up_years", f"{p}.mode_choice"),
    )


def load_market() -> Market:
    """Load the shipped ``market.toml``."""
    return parse_market(_read("market.toml"))


# ----------------------------------------------------------------------------- costs


def _reference(i: int, raw: Any) -> CostReference:
    field = f"corridor_costs.references.{i}"
    t = _table(raw, field)
    _keys(
        t,
        {
            "name",
            "length_km",
            "amount",
            "currency",
            "year",
            "usd_m_per_km_2025",
            "claim",
            "per_km",
            "source",
            "unverified",
            "assumed",
            "note",
        },
        field,
    )
    return CostReference(
        name=_str(t, "name", field),
        length_km=_num(t, "length_km", field),
        amount=_num(t, "amount", field),
        currency=_str(t, "currency", field),
        year=_int(t, "year", field),
        usd_m_per_km_2025=_num(t, "usd_m_per_km_2025", field),
        claim=_bool(t, "claim", field),
        per_km=_bool(t, "per_km", field),
        source=_str(t, "source", field),
        unverified=_bool(t, "unverified", field),
        assumed=_bool(t, "assumed", field),
        note=str(t.get("note", "")),
    )


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
        A missing or malformed field, a duplicate or missing country/terrain pair.
    """
    p = "corridor_costs"
    meta = _table(doc.get("meta"), f"{p}.meta")
    _keys(meta, {"price_year", "currency"}, f"{p}.meta")
    _str(meta, "currency", f"{p}.meta", ("USD",))
    new_build: list[NewBuildCost] = []
    raw_nb = doc.get("new_build")
    if not isinstance(raw_nb, list):
        raise ScenarioError(f"{p}.new_build", raw_nb, "an array of tables")
    for i, raw in enumerate(raw_nb):
        field = f"{p}.new_build.{i}"
        t = _table(raw, field)
        _keys(t, {"country", "terrain", "usd_m_per_km"}, field)
        c = NewBuildCost(
            country=_str(t, "country", field, COUNTRIES),
            terrain=_str(t, "terrain", field, TERRAINS),
            usd_m_per_km=_quantity(t, "usd_m_per_km", field),
        )
        if any(o.country == c.country and o.terrain == c.terrain for o in new_build):
            raise ScenarioError(f"{field}", f"{c.country}/{c.terrain}", "one entry per pair")
        new_build.append(c)
    have = {(c.country, c.terrain) for c in new_build}
    for country in COUNTRIES:
        for terrain in TERRAINS:
            if (country, terrain) not in have:
                raise ScenarioError(
                    f"{p}.new_build", f"{country}/{terrain}", "an entry for every country/terrain"
                )

    def section(name: str, keys: set[str]) -> Mapping[str, Any]:
        t = _table(doc.get(name), f"{p}.{name}")
        _keys(t, keys, f"{p}.{name}")
        return t

    upgrade = section("upgrade", {"usd_m_per_km"})
    build = section("build", {"km_per_year_per_front"})
    opex = section("opex", {"usd_per_train_km", "usd_per_route_km_year", "arctic_factor"})
    tariffs = section("tariffs", {"rail_usd_per_feu_km"})
    discount = section("discount", {"default_real_rate", "horizon_years"})
    life = _table(doc.get("asset_life"), f"{p}.asset_life")
    lives: dict[str, Quantity] = {}
    for key in life:
        if not key.endswith("_years"):
            raise ScenarioError(f"{p}.asset_life.{key}", life[key], "a key ending in _years")
        lives[key.removesuffix("_years")] = _quantity(life, key, f"{p}.asset_life")
    refs = doc.get("references", [])
    if not isinstance(refs, list):
        raise ScenarioError(f"{p}.references", refs, "an array of tables")
    return CorridorCosts(
        price_year=_int(meta, "price_year", f"{p}.meta"),
        new_build=tuple(new_build),
        upgrade_usd_m_per_km=_quantity(upgrade, "usd_m_per_km", f"{p}.upgrade"),
        build_km_per_year_per_front=_quantity(build, "km_per_year_per_front", f"{p}.build"),
        opex_usd_per_train_km=_quantity(opex, "usd_per_train_km", f"{p}.opex"),
        maintenance_usd_per_route_km_year=_quantity(opex, "usd_per_route_km_year", f"{p}.opex"),
        arctic_opex_factor=_quantity(opex, "arctic_factor", f"{p}.opex"),
        rail_tariff_usd_per_feu_km=_quantity(tariffs, "rail_usd_per_feu_km", f"{p}.tariffs"),
        tolls_usd_per_feu=_named(doc, "tolls", "usd_per_feu", p),
        discount_real_rates=_named(doc, "discount_rates", "real_rate", p),
        default_real_rate=_quantity(discount, "default_real_rate", f"{p}.discount"),
        horizon_years=_quantity(discount, "horizon_years", f"{p}.discount"),
        asset_life_years=lives,
        references=tuple(_reference(i, r) for i, r in enumerate(refs)),
    )


def load_corridor_costs() -> CorridorCosts:
    """Load the shipped ``corridor_costs.toml``."""
    return parse_corridor_costs(_read("corridor_costs.toml"))
