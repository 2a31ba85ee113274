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
    InflowPerKm,
    KmPerYearPerFront,
    LogitScale,
    MwhPerKmYear,
    PctPerDay,
    PositiveUsd,
    PositiveUsdMPerKm,
    Probability,
    SpeedFactor,
    Teu,
    Usd,
    UsdMPerKm,
    UsdPerFeuKm,
    UsdPerKwh,
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


class PolicyRate(Strict):
    """A fixed real discount rate of the NPV table, with the guidance it comes from."""

    name: Name
    rate: float = Field(ge=0.0, le=L.MAX_DISCOUNT_RATE, description="Real rate, a fraction a year")
    source: str = Field(min_length=1, description="The guidance that sets it (URL or publication)")
    unverified: bool = False
    note: str = ""


POLICY_RATES: tuple[PolicyRate, ...] = (
    PolicyRate(
        name="eurocontrol_3",
        rate=0.03,
        source="EUROCONTROL Standard Inputs for Economic Analyses, 'Discount rate': recommended "
        "value 3 %, https://standard-inputs.netlify.app/chapters/discount_rate.html ; OMB "
        "Circular A-4 (2003) lower rate 3 % real, per CEA issue brief Jan 2017, "
        "https://docslib.org/doc/13378068/theory-and-recent-evidence-on-the-merits-of-updating-"
        "the-discount-rate",
    ),
    PolicyRate(
        name="uk_green_book_3_5",
        rate=0.035,
        source="HM Treasury, Review of discounting in the Green Book: Terms of Reference (16 Dec "
        "2025): STPR 3.5 % real for the first 30 years, "
        "https://www.gov.uk/government/publications/green-book-discount-rate-review-2026/"
        "review-of-discounting-in-the-green-book-terms-of-reference",
        note="The Green Book's declining schedule (3.0 % after year 30, 2.5 % after 75) is not "
        "applied: one rate for all years.",
    ),
    PolicyRate(
        name="eu_5",
        rate=0.05,
        source="Evans, D., 'Social discount rates for the European Union: new estimates', ch. 12 "
        "in Florio (ed.), Cost-Benefit Analysis and Incentives in Evaluation (Edward Elgar, "
        "2007): the EC benchmark of 5 % (European Commission 2002, App. B.2), "
        "https://www.elgaronline.com/view/9781847202383.00021.xml ; EC DG REGIO (2014) Guide "
        "to Cost-Benefit Analysis of Investment Projects: 5 % for Cohesion countries "
        "[unverified: the retrieved pages did not show the figure]",
    ),
    PolicyRate(
        name="us_omb_a94_7",
        rate=0.07,
        unverified=True,
        source="OMB Circular A-94 (revised 29 Oct 1992), base case 7 % real, copy at "
        "http://web.pdx.edu/~stipakb/download/PA555/BenefitCostAnalysisOMB.mht",
        note="The 1992 rate; A-94 was revised in 2023 (that rate was not retrieved).",
    ),
)
"""The built-in table of fixed rates (the sources of ``data/corridor_costs.toml``
``[[discount_rates]]``)."""


class Financing(Sourced):
    """Who pays for the construction and at what price: public borrowing, or a PPP.

    ``public``: the whole capex is borrowed at ``debt_rate`` (the state's real borrowing rate);
    the appraisal reports the interest during construction (IDC) beside the capex. ``ppp``: a
    concessionaire borrows ``debt_share`` of the capex at ``debt_rate`` and puts up the rest as
    equity that requires ``equity_return``; the debt (IDC capitalised) is repaid as an annuity
    over ``debt_tenor_years`` from opening out of the project's net operating cash, and the
    appraisal reports the equity's IRR and NPV at the required return.
    """

    structure: Literal["public", "ppp"] = Field("public", description="public or ppp")
    debt_rate: float = Field(
        ge=L.MIN_DEBT_RATE, le=L.MAX_DISCOUNT_RATE, description="Real interest rate a year"
    )
    debt_share: float = Field(1.0, ge=0.0, le=1.0, description="Share of capex borrowed")
    equity_return: float | None = Field(
        None, ge=0.0, le=L.MAX_DISCOUNT_RATE, description="Required real return on equity (ppp)"
    )
    debt_tenor_years: int = Field(
        30, ge=1, le=L.MAX_HORIZON_YEARS, description="Years of debt repayment from opening"
    )
    interest_during_construction: bool = Field(
        True, description="Capitalise interest on the debt drawn before opening"
    )

    @model_validator(mode="after")
    def _check(self) -> Financing:
        if self.structure == "public":
            if self.debt_share != 1.0:
                raise ValueError(
                    f"economics.financing.debt_share: got {self.debt_share!r}; allowed: 1.0 "
                    "with structure = "
                    "'public' (the state borrows the whole capex); use structure = 'ppp'"
                )
            if self.equity_return is not None:
                raise ValueError(
                    f"economics.financing.equity_return: got {self.equity_return!r}; allowed: "
                    "only with "
                    "structure = 'ppp'"
                )
        elif self.equity_return is None:
            raise ValueError(
                "economics.financing.equity_return: required with structure = 'ppp'; allowed: "
                "a real rate from 0 "
                f"to {L.MAX_DISCOUNT_RATE:g}"
            )
        return self


class Renewals(Sourced):
    """Periodic renewal of the tunnel's track and systems, booked as capex after opening."""

    share_of_capex: Probability = Field(description="Cost of one renewal / the tunnel's capex")
    interval_years: float = Field(
        ge=L.MIN_RENEWAL_INTERVAL_YEARS,
        le=L.MAX_RENEWAL_INTERVAL_YEARS,
        description="Years between renewals",
    )


class TunnelOM(Sourced):
    """Operation and maintenance of the tunnel itself, from long tunnels in service.

    A year's cost is ``maintenance x bore-km x arctic_factor`` plus the electricity of the
    tunnel's systems (``systems x route-km``) and of pumping its steady inflow up
    ``pump_head_m`` (``rho g Q H / pump_efficiency``), at ``electricity_usd_per_kwh``. Traction
    energy is the train operators' cost (``opex_usd_per_train_km``), not the tunnel's.
    """

    maintenance_usd_per_bore_km_year: Usd = Field(
        description="Maintenance, cleaning, safety and rescue staff a year per bore-km, 2025 USD"
    )
    systems_mwh_per_km_year: MwhPerKmYear = Field(
        description="Electricity of ventilation, cooling, lighting and signalling a year per "
        "route-km, MWh (traction excluded)"
    )
    inflow_m3_per_min_per_km: InflowPerKm = Field(
        description="Steady water inflow pumped out, m³ a minute per route-km"
    )
    pump_head_m: float | None = Field(
        None,
        gt=0,
        le=L.MAX_PUMP_HEAD_M,
        description="Lift of the drainage, m (default: the alignment's deepest invert below sea "
        "level)",
    )
    pump_efficiency: float = Field(
        0.7, gt=0.05, le=1.0, description="Wire-to-water efficiency of the drainage pumps"
    )
    electricity_usd_per_kwh: UsdPerKwh = Field(description="Electricity price, 2025 USD per kWh")


class Economics(Sourced):
    """Discounting, tariffs, operating costs, asset lives and financing (2025 USD, real terms).

    The object's ``source`` covers its plain numbers (``horizon_years``). ``discount_rate`` is
    the policy rate of the headline NPV: a fixed rate by default; a distribution makes the rate
    uncertain (a policy choice drawn with the risks). ``policy_rates`` is the table of fixed
    rates the NPV is also reported at.
    """

    discount_rate: Probability = Field(description="Real discount rate, a fraction a year")
    policy_rates: list[PolicyRate] = Field(
        default_factory=lambda: list(POLICY_RATES),
        max_length=L.MAX_POLICY_RATES,
        description="Fixed rates of the NPV table (default: 3, 3.5, 5 and 7 %, sourced)",
    )
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
        description="Fixed maintenance per route-km and year (per bore-km in the tunnel unless "
        "tunnel_om is given)"
    )
    arctic_factor: Factor = Field(
        description="Multiplies operating costs on permafrost and subsea segments"
    )
    tunnel_life_years: AssetLife = Field(description="Asset life for the residual value")
    corridor_life_years: AssetLife = Field(description="Asset life for the residual value")
    tunnel_renewals: Renewals | None = Field(
        None, description="Periodic renewals of the tunnel's track and systems (none: no renewals)"
    )
    tunnel_om: TunnelOM | None = Field(
        None,
        description="The tunnel's own operation and maintenance (none: opex_usd_per_route_km_year"
        " per bore-km, as the open line)",
    )
    financing: Financing | None = Field(
        None, description="Financing structure and interest during construction (none: not shown)"
    )

    @model_validator(mode="after")
    def _check(self) -> Economics:
        unique_names("economics.policy_rates", [r.name for r in self.policy_rates])
        f = self.financing
        if f is not None and f.debt_tenor_years > self.horizon_years:
            raise ValueError(
                f"economics.financing.debt_tenor_years: got {f.debt_tenor_years}; allowed: 1 to "
                f"horizon_years ({self.horizon_years})"
            )
        return self


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
