"""Scenario sections ``corridor``, ``market`` and ``economics``.

The corridor network and the places that boxes start and end at ship with beringia
(``data/corridor.toml``, ``data/places.toml``); a scenario edits them here (tables merged by
node name, by segment ``from``/``to`` pair and by place name) or replaces the network. The
market and the economics are plain scenario inputs, each figure with its source.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from beringia.scenario import limits as L
from beringia.scenario.base import Name, Sourced, Strict
from beringia.scenario.quantities import (
    AssetLife,
    BuildFronts,
    Days,
    Factor,
    Fraction,
    KmPerYearPerFront,
    LogitScale,
    PctPerDay,
    PositiveUsd,
    PositiveUsdMPerKm,
    Probability,
    SpeedFactor,
    Teu,
    Usd,
    UsdMPerKm,
    UsdPerFeuKm,
    Years,
)
from beringia.scenario.unique import unique_names

FLOW_GROUPS = ("asia_us", "europe_us", "us_europe", "us_asia")
FlowGroup = Literal["asia_us", "europe_us", "us_europe", "us_asia"]
"""Market flow groups a route pair can stand for."""


_SEGMENT_BOUNDS = {
    "length_km": (0.0, L.MAX_SEGMENT_KM),
    "line_speed_kmh": (L.MIN_SPEED_KMH, L.MAX_SPEED_KMH),
}
"""Bounds on the sizes in a scenario's segment tables (see :mod:`beringia.scenario.limits`)."""


class RoutePair(Strict):
    """An origin-destination pair to compare door to door (places of ``data/places.toml``)."""

    origin: str = Field(min_length=1)
    destination: str = Field(min_length=1)
    flow: FlowGroup = Field(description="The market flow group the pair stands for")
    weight: float | None = Field(
        None,
        ge=0.0,
        le=1.0,
        description="Share of the flow group's TEU the pair stands for (default: the shipped "
        "pair's, from the origin and destination shares of data/places.toml)",
    )


class Corridor(Strict):
    """The railway behind the tunnel: network edits, door-to-door settings, new-build costs."""

    replace_network: bool = Field(
        False, description="Use only the nodes and segments below, not the built-in network"
    )
    nodes: list[dict[str, Any]] = Field(
        default_factory=list,
        max_length=L.MAX_CORRIDOR_TABLES,
        description="Node tables (layout of data/corridor.toml) replacing or adding by name",
    )
    segments: list[dict[str, Any]] = Field(
        default_factory=list,
        max_length=L.MAX_CORRIDOR_TABLES,
        description="Segment tables replacing (by from/to pair) or adding segments",
    )
    places: list[dict[str, Any]] = Field(
        default_factory=list,
        max_length=L.MAX_CORRIDOR_TABLES,
        description="Place tables (layout of data/places.toml) replacing or adding by name",
    )
    routes: list[RoutePair] | None = Field(
        None,
        max_length=L.MAX_ROUTE_PAIRS,
        description="Origin-destination pairs (default: the pairs of data/places.toml)",
    )
    tunnel_segment: str = Field(
        "Bering Strait tunnel",
        min_length=1,
        description="The segment whose length and running time come from the tunnel models",
    )
    tunnel_train: Name | None = Field(
        None,
        description="Train type whose running time through the tunnel is used (default: the "
        "first container-carrying type of the operations traffic)",
    )
    nsr: bool = Field(False, description="Also compare the Northern Sea Route (in season)")
    speed_factor: SpeedFactor = Field(
        description="Commercial speed / line speed (stops, meets, crew changes)"
    )
    terminal_days: Days = Field(description="Rail terminal handling at each end, days")
    terminal_usd_per_feu: Usd = Field(
        description="Port, customs and delivery charges of a rail box, both ends together"
    )
    new_build_usd_m_per_km: dict[str, dict[str, PositiveUsdMPerKm]] = Field(
        max_length=L.MAX_CORRIDOR_TABLES,
        description="Capex of new line per route-km by country and terrain (USD m, before uplift)",
    )
    upgrade_usd_m_per_km: UsdMPerKm = Field(description="Capex of upgrading a line per route-km")
    uplift: Literal["flyvbjerg-2003", "dft-2004", "none"] = Field(
        "flyvbjerg-2003", description="Cost overrun (rail reference class) on the corridor capex"
    )

    build_fronts: BuildFronts = Field(description="Railheads working at once")
    km_per_year_per_front: KmPerYearPerFront = Field(
        description="Track laid per railhead and year at the planned pace"
    )
    build_schedule_factor: Factor | None = Field(
        None,
        description="Actual over planned duration of the new lines (schedule risk, from the "
        "reference set of long new railways; default: none, the planned pace holds)",
    )

    @model_validator(mode="after")
    def _check(self) -> Corridor:
        # Types, names and topology are the network reader's; the scenario bounds the sizes and
        # refuses a repeated name, which would silently replace the first table with the second.
        for i, seg in enumerate(self.segments):
            for key, (low, high) in _SEGMENT_BOUNDS.items():
                if key == "line_speed_kmh" and seg.get("name") == self.tunnel_segment:
                    continue  # the tunnel's running time comes from the operations model
                v = seg.get(key)
                if isinstance(v, int | float) and not isinstance(v, bool) and not low <= v <= high:
                    raise ValueError(
                        f"corridor.segments.{i}.{key}: got {v!r}; allowed: {low:g} to {high:g}"
                    )
        for key in ("nodes", "places"):
            unique_names(f"corridor.{key}", [str(t.get("name")) for t in getattr(self, key)])
        unique_names(
            "corridor.segments",
            [" - ".join(sorted((str(t.get("from")), str(t.get("to"))))) for t in self.segments],
        )
        if self.routes is not None:
            unique_names("corridor.routes", [f"{r.origin} - {r.destination}" for r in self.routes])
            for flow in FLOW_GROUPS:
                total = sum(r.weight or 0.0 for r in self.routes if r.flow == flow)
                if total > 1.0 + 1e-9:
                    raise ValueError(
                        f"corridor.routes: got weights of flow {flow} summing to {total:.4g}; "
                        "allowed: weights of one flow summing to at most 1 (each pair's share of "
                        "the flow's TEU)"
                    )
        return self


class MarketFlow(Sourced):
    """A container flow that could take the corridor."""

    name: FlowGroup = Field(
        description="Flow group; the route pairs of the same group set its corridor share"
    )
    tunnel_direction: Literal["eastbound", "westbound"] = Field(
        description="Direction through the tunnel by rail (Russia -> Alaska is eastbound)"
    )
    teu_per_year: Teu = Field(description="All modes, twenty-foot units a year")


class Market(Strict):
    """Container flows and the mode choice between corridor and ship."""

    flows: list[MarketFlow] = Field(min_length=1, max_length=len(FLOW_GROUPS))
    cargo_value_usd_per_feu: PositiveUsd
    time_cost_pct_per_day: PctPerDay = Field(
        description="Cost of a day in transit, per cent of the cargo value"
    )
    logit_scale_per_1000usd_per_feu: LogitScale = Field(
        description="Binary logit scale per $1,000 of generalised-cost difference per FEU"
    )
    ramp_up_years: Years = Field(description="Years from opening to the steady share")
    initial_share: Probability | None = Field(
        None, description="Share of the steady traffic at opening (default 0)"
    )
    timetable: Literal["demand", "scenario"] = Field(
        "demand",
        description="'demand': the timetable follows demand, carried = min(demand, capacity); "
        "'scenario': the operations section's timetable is fixed, carried = min(demand, the "
        "TEU its container trains offer, capacity)",
    )
    benchmark_rail_share: Fraction | None = Field(
        None,
        description="China-Europe rail's share of China-Europe containers: when given, a rail "
        "constant ($/FEU) is calibrated draw by draw so the logit reproduces it",
    )

    @model_validator(mode="after")
    def _unique(self) -> Market:
        unique_names("market.flows", [f.name for f in self.flows])
        return self


class Economics(Sourced):
    """Discounting, tariffs, operating costs and asset lives (2025 USD, real terms).

    The object's ``source`` covers its plain numbers (``horizon_years``).
    """

    discount_rate: Probability = Field(description="Real discount rate, a fraction a year")
    horizon_years: int = Field(
        ge=1, le=L.MAX_HORIZON_YEARS, description="Years of operation appraised after opening"
    )
    capex_shape: Literal["uniform", "s_curve"] = Field(
        "s_curve", description="Spending curve over each construction period"
    )
    toll_usd_per_feu: Usd = Field(description="Tunnel toll per 40-ft box")
    rail_tariff_usd_per_feu_km: UsdPerFeuKm = Field(description="Rail freight rate per FEU-km")
    opex_usd_per_train_km: Usd
    opex_usd_per_route_km_year: Usd = Field(
        description="Fixed maintenance per route-km and year (per bore-km in the tunnel)"
    )
    arctic_factor: Factor = Field(
        description="Multiplies operating costs on permafrost and subsea segments"
    )
    tunnel_life_years: AssetLife = Field(description="Asset life for the residual value")
    corridor_life_years: AssetLife = Field(description="Asset life for the residual value")


def check_corridor_sections(
    corridor: Corridor | None,
    market: Market | None,
    economics: Economics | None,
    has_operations: bool,
) -> None:
    """Check the three sections come together and rest on an operations section.

    Raises
    ------
    ValueError
        With the section path, if one is given without the others or without operations.
    """
    given = {"corridor": corridor, "market": market, "economics": economics}
    present = [k for k, v in given.items() if v is not None]
    if not present:
        return
    missing = [k for k, v in given.items() if v is None]
    if missing:
        raise ValueError(
            f"{missing[0]}: required with the {', '.join(present)} section(s); the corridor, "
            "market and economics sections come together"
        )
    if not has_operations:
        raise ValueError(
            "corridor: needs an operations section (the tunnel's capacity and running times)"
        )
