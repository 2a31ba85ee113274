"""Layouts of the corridor's data tables, as pydantic models (see :mod:`beringia.tables.schema`).

``corridor.toml`` (:class:`NetworkDoc`), ``places.toml`` (:class:`PlacesDoc`), ``ocean.toml``
(:class:`OceanDoc`), ``market.toml`` (:class:`MarketDoc`) and ``corridor_costs.toml``
(:class:`CostsDoc`); a scenario's node, segment and place edits use the same layouts. Uncertain
figures are the scenario's distribution tables with their provenance, refused when they can be
negative. Checks that need more than one table (unique names, references between tables, a
connected network) belong to the readers.

These live beside the corridor rather than in :mod:`beringia.tables` because their figures are
the scenario's distribution tables (:mod:`beringia.scenario.distributions`), and
:mod:`beringia.tables` sits below the scenario.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field

from beringia.core.distributions import mean
from beringia.models.corridor.quantity import BOUNDED, Quantity
from beringia.scenario.distributions import AnyDist, Distribution, dist_spec
from beringia.tables.schema import Allowed, Distributed, Sourced, Table, Text

# ------------------------------------------------------------------------------- figures


def _non_negative(d: AnyDist) -> AnyDist:
    spec = dist_spec(d)
    if mean(spec) < 0 or (spec.kind in BOUNDED and min(spec.params[:3]) < 0):
        raise ValueError("a distribution of values >= 0")
    return d


def _sourced(d: AnyDist) -> AnyDist:
    if not d.source:
        raise ValueError("a distribution table with a source (URL or publication)")
    return d


def _bounded(d: AnyDist) -> AnyDist:
    if dist_spec(d).kind not in BOUNDED:
        raise ValueError(f"a distribution table with dist = {' | '.join(BOUNDED)}")
    return d


Figure = Annotated[Distribution, AfterValidator(_non_negative), Distributed()]
"""An uncertain figure >= 0 (a distribution table, or a bare number: fixed)."""
SourcedFigure = Annotated[
    Distribution, AfterValidator(_non_negative), AfterValidator(_sourced), Distributed()
]
"""A figure that names its source."""
BoundedFigure = Annotated[
    Distribution, AfterValidator(_non_negative), AfterValidator(_bounded), Distributed()
]
"""A figure of a kind with finite bounds (fixed, uniform, triangular, pert)."""


def quantity(d: AnyDist) -> Quantity:
    """Compile a validated figure with its provenance."""
    return Quantity(
        spec=dist_spec(d), source=d.source, unverified=d.unverified, assumed=d.assumed, note=d.note
    )


Latitude = Annotated[float, Field(ge=-90.0, le=90.0)]
Longitude = Annotated[float, Field(ge=-180.0, le=180.0)]
Positive = Annotated[float, Field(gt=0.0)]
Year = Annotated[int, Field(ge=1900, le=2100)]

# ------------------------------------------------------------------------------- network

Kind = Literal["city", "port", "junction", "border", "gauge_break", "portal"]
Status = Literal["existing", "upgrade", "new"]
Terrain = Literal["plain", "mountain", "permafrost", "subsea"]


class NodeTable(Sourced):
    """A node of ``corridor.toml``."""

    name: Text
    kind: Kind
    country: Text
    lat: Latitude
    lon: Longitude
    dwell_h: Figure | None = None
    transshipment_usd_per_feu: Figure | None = None


class SegmentTable(Sourced):
    """A segment of ``corridor.toml`` (``from`` and ``to`` are node names)."""

    start: Text = Field(alias="from")
    end: Text = Field(alias="to")
    name: Text | None = None
    length_km: Positive
    status: Status
    gauge_mm: Annotated[int, Field(gt=0)]
    electrified: bool = False
    line_speed_kmh: Positive
    commercial: bool = False
    terrain: Terrain
    country: Text
    bridge_km: Annotated[float, Field(ge=0.0), Allowed("a length in km, 0 or more")] = 0.0


class NetworkDoc(Table):
    """``corridor.toml``: the network's nodes and segments."""

    nodes: Annotated[list[NodeTable], Field(min_length=1)]
    segments: Annotated[list[SegmentTable], Field(min_length=1)]


# ------------------------------------------------------------------------------- places

Flow = Literal["asia_us", "europe_us", "us_europe", "us_asia"]


class AccessTable(Sourced):
    """A leg between a place and its rail node or port."""

    days: Figure
    usd_per_feu: Figure


class PortTable(AccessTable):
    """A port a place ships through, with the leg to it."""

    port: Annotated[str, Allowed("a UN/LOCODE shipped in ocean.toml")]


class PlaceTable(Sourced):
    """A place of ``places.toml``."""

    name: Text
    rail_node: Text
    rail_access: AccessTable | None = None
    ports: Annotated[
        list[PortTable],
        Field(min_length=1),
        Allowed("a non-empty array of port tables (port, days, ...)"),
    ]


class RouteTable(Table):
    """A default route pair of ``places.toml``."""

    origin: Annotated[str, Allowed("a place")]
    destination: Annotated[str, Allowed("a place")]
    flow: Flow


class ShareTable(Sourced):
    """A place's share of a flow group's TEU at one end (``places.toml`` ``[[shares]]``)."""

    flow: Flow
    end: Literal["origin", "destination"]
    place: Text
    share: Annotated[float, Field(ge=0.0, le=1.0), Allowed("a fraction from 0 to 1")]


class PlacesDoc(Table):
    """``places.toml``: places, the default route pairs and the flow shares that weight them."""

    places: Annotated[list[PlaceTable], Field(min_length=1)]
    routes: list[RouteTable] = Field(default_factory=list)
    shares: list[ShareTable] = Field(default_factory=list)


# ------------------------------------------------------------------------------- ocean


class OceanMeta(Table):
    """``ocean.toml`` ``[meta]``."""

    currency: str
    port_positions_source: str


class Vessel(Table):
    """``[vessel]``."""

    speed_knots: BoundedFigure


class Dwell(Table):
    """``[dwell]``: default port dwell at loading and discharge."""

    export_days: BoundedFigure
    import_days: BoundedFigure


class PortRow(Table):
    """A container port of ``ocean.toml``."""

    code: Text
    name: Text
    lat: Latitude
    lon: Longitude
    region: Text
    side: Literal["pacific", "atlantic"]
    export_days: BoundedFigure | None = None
    import_days: BoundedFigure | None = None
    note: str = ""


class RateRow(Table):
    """An ocean freight rate per region-to-region lane."""

    lane: Text
    usd_per_feu: BoundedFigure


class WaypointRow(Sourced):
    """A position on the Northern Sea Route polyline."""

    name: Text
    lat: Latitude
    lon: Longitude


class Nsr(Table):
    """``[nsr]``: polyline, season and the figures behind its length."""

    waypoints: Annotated[list[WaypointRow], Field(min_length=2)]
    season_months: Annotated[list[Annotated[int, Field(ge=1, le=12)]], Field(min_length=1)]
    season_source: str
    path_factor: BoundedFigure
    quoted_length_km: BoundedFigure
    rate_note: str = ""


class InlandRow(Table):
    """A land leg from a port inland."""

    name: Text
    port: Text
    to: Text
    mode: Literal["rail"]
    days: BoundedFigure
    usd_per_feu: BoundedFigure


class ChinaEuropeRailRow(Table):
    """``[benchmarks.china_europe_rail]``."""

    terminal_days_poland: BoundedFigure
    terminal_days_germany: BoundedFigure
    door_to_door_days: BoundedFigure
    door_to_door_days_congested: BoundedFigure
    base_usd_per_feu: BoundedFigure
    extras_usd_per_feu: BoundedFigure


class Benchmarks(Table):
    """``[benchmarks]``."""

    china_europe_rail: ChinaEuropeRailRow


class OceanDoc(Table):
    """``ocean.toml``."""

    meta: OceanMeta
    vessel: Vessel
    dwell: Dwell
    ports: Annotated[list[PortRow], Field(min_length=1)]
    rates: Annotated[list[RateRow], Field(min_length=1)]
    nsr: Nsr
    inland: list[InlandRow] = Field(default_factory=list)
    benchmarks: Benchmarks


# ------------------------------------------------------------------------------- market

Direction = Literal["eastbound", "westbound", "both"]


class FlowRow(Table):
    """A sourced freight flow of ``market.toml``."""

    name: Text
    origin_region: Text
    destination_region: Text
    direction: Direction
    mode: Literal["sea", "rail"]
    cargo: Literal["container"]
    year: Year
    teu_per_year: SourcedFigure


class ClaimRow(Table):
    """A promoter's figure kept for comparison."""

    name: Text
    mt_per_year: SourcedFigure


class TimeValue(Table):
    """``[time_value]``."""

    cargo_value_usd_per_feu: SourcedFigure
    time_cost_pct_per_day: SourcedFigure


class ModeChoice(Table):
    """``[mode_choice]``."""

    logit_scale_per_1000usd_per_feu: SourcedFigure
    ramp_up_years: SourcedFigure


class MarketMeta(Table):
    """``market.toml`` ``[meta]``."""

    teu_note: str = ""


class MarketDoc(Table):
    """``market.toml``."""

    meta: MarketMeta = MarketMeta()
    flows: Annotated[list[FlowRow], Field(min_length=1)]
    claims: list[ClaimRow] = Field(default_factory=list)
    time_value: TimeValue
    mode_choice: ModeChoice


# ------------------------------------------------------------------------------- costs

Country = Literal["US", "CA", "RU"]
NewBuildTerrain = Literal["plain", "mountain", "permafrost", "bridge"]


class CostsMeta(Table):
    """``corridor_costs.toml`` ``[meta]``."""

    price_year: Year
    currency: Literal["USD"]


class NewBuildRow(Table):
    """Capex of new line in one country and terrain."""

    country: Country
    terrain: NewBuildTerrain
    usd_m_per_km: SourcedFigure


class Upgrade(Table):
    """``[upgrade]``."""

    usd_m_per_km: SourcedFigure


class Build(Table):
    """``[build]``."""

    km_per_year_per_front: SourcedFigure
    schedule_factor: SourcedFigure | None = None


class BuildReferenceRow(Sourced):
    """A long new railway of the schedule reference set (``[[build_references]]``)."""

    name: Text
    length_km: Positive
    start_year: float
    planned_end_year: float | None = None
    end_year: float


class Opex(Table):
    """``[opex]``."""

    usd_per_train_km: SourcedFigure
    usd_per_route_km_year: SourcedFigure
    arctic_factor: SourcedFigure


class Tariffs(Table):
    """``[tariffs]``."""

    rail_usd_per_feu_km: SourcedFigure


class Discount(Table):
    """``[discount]``."""

    default_real_rate: SourcedFigure
    horizon_years: SourcedFigure


class TollRow(Table):
    """A tunnel toll candidate."""

    name: Text
    usd_per_feu: SourcedFigure


class RateChoice(Table):
    """A published public-sector discount rate."""

    name: Text
    real_rate: SourcedFigure


class CostReferenceRow(Table):
    """A published whole-project figure (or claim) behind the per-km defaults."""

    name: Text
    length_km: Positive
    amount: Positive
    currency: Text
    year: Year
    usd_m_per_km_2025: Positive
    claim: bool = False
    per_km: bool = False
    source: Text
    unverified: bool = False
    assumed: bool = False
    note: str = ""


class CostsDoc(Table):
    """``corridor_costs.toml``."""

    meta: CostsMeta
    new_build: list[NewBuildRow]
    upgrade: Upgrade
    build: Build
    opex: Opex
    tariffs: Tariffs
    discount: Discount
    tolls: list[TollRow] = Field(default_factory=list)
    discount_rates: list[RateChoice] = Field(default_factory=list)
    asset_life: dict[str, SourcedFigure]
    references: list[CostReferenceRow] = Field(default_factory=list)
    build_references: list[BuildReferenceRow] = Field(default_factory=list)


def row_label(kind: str, raw: Any, i: int, key: str = "name") -> str:
    """Name a row of an array for an error: ``node 'A'`` or ``node 3``."""
    name = raw.get(key) if isinstance(raw, Mapping) else None
    return f"{kind} {name!r}" if isinstance(name, str) else f"{kind} {i}"
