"""Compile a scenario's ``corridor``, ``market`` and ``economics`` sections for the appraisal.

The one bridge from those pydantic sections to the plain inputs of
:func:`beringia.models.corridor.appraise.assess_corridor`: every uncertain figure becomes a
:class:`~beringia.core.distributions.DistSpec`, the corridor's cost overrun the ``(mu, sigma)``
of its log-normal ratio. The appraisal itself never sees the scenario.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from beringia.core.distributions import DistSpec
from beringia.core.economics import Shape
from beringia.errors import ScenarioError
from beringia.models.alignment import alignment_for
from beringia.models.reference.uplift import uplift
from beringia.scenario.corridor import Corridor, Economics, Market
from beringia.scenario.distributions import dist_spec
from beringia.scenario.model import Scenario

UPLIFT_CLASS = "rail"
"""Reference class of the corridor's cost overrun."""


@dataclass(frozen=True)
class CorridorInputs:
    """The corridor section: door-to-door settings and the new lines' capex and build rate.

    Attributes
    ----------
    speed_factor, terminal_days, terminal_usd_per_feu : DistSpec
        Commercial speed / line speed; terminal days at each end; terminal charges per FEU.
    new_build_usd_m_per_km : mapping
        Capex of new line per route-km by ``(country, terrain)`` (USD m, before the uplift).
    upgrade_usd_m_per_km : DistSpec
        Capex of an upgrade per route-km.
    uplift : tuple of float or None
        ``(mu, sigma)`` of ``ln(actual / estimate)`` applied to the capex; ``None``: none.
    build_fronts, km_per_year_per_front : DistSpec
        Railheads working at once and their planned rate.
    build_schedule_factor : DistSpec or None
        Actual over planned build duration; ``None``: the plan holds.
    """

    speed_factor: DistSpec
    terminal_days: DistSpec
    terminal_usd_per_feu: DistSpec
    new_build_usd_m_per_km: Mapping[tuple[str, str], DistSpec]
    upgrade_usd_m_per_km: DistSpec
    uplift: tuple[float, float] | None
    build_fronts: DistSpec
    km_per_year_per_front: DistSpec
    build_schedule_factor: DistSpec | None = None


@dataclass(frozen=True)
class FlowInputs:
    """A market flow group: its direction through the tunnel and its volume (TEU a year)."""

    name: str
    tunnel_direction: str
    teu_per_year: DistSpec


@dataclass(frozen=True)
class MarketInputs:
    """The market section: flows, value of time and the mode choice (see :class:`Market`)."""

    flows: tuple[FlowInputs, ...]
    cargo_value_usd_per_feu: DistSpec
    time_cost_pct_per_day: DistSpec
    logit_scale_per_1000usd_per_feu: DistSpec
    ramp_up_years: DistSpec
    initial_share: DistSpec | None
    benchmark_rail_share: DistSpec | None
    timetable: str = "demand"


@dataclass(frozen=True)
class PolicyRateInputs:
    """A fixed rate of the NPV table: name, real rate, source, unverified flag."""

    name: str
    rate: float
    source: str
    unverified: bool = False


@dataclass(frozen=True)
class FinancingInputs:
    """The financing section (see :class:`beringia.scenario.corridor.Financing`)."""

    structure: str
    debt_rate: float
    debt_share: float
    equity_return: float | None
    debt_tenor_years: int
    interest_during_construction: bool


@dataclass(frozen=True)
class TunnelOMInputs:
    """The tunnel's own upkeep (see :class:`~beringia.scenario.corridor.TunnelOM`)."""

    maintenance_usd_per_bore_km_year: DistSpec
    systems_mwh_per_km_year: DistSpec
    inflow_m3_per_min_per_km: DistSpec
    pump_head_m: float | None
    pump_efficiency: float
    electricity_usd_per_kwh: DistSpec


@dataclass(frozen=True)
class EconomicsInputs:
    """The economics section: discounting, tariffs, operating costs, asset lives, financing."""

    discount_rate: DistSpec
    horizon_years: int
    capex_shape: Shape
    toll_usd_per_feu: DistSpec
    rail_tariff_usd_per_feu_km: DistSpec
    opex_usd_per_train_km: DistSpec
    opex_usd_per_route_km_year: DistSpec
    arctic_factor: DistSpec
    tunnel_life_years: DistSpec
    corridor_life_years: DistSpec
    discount_rate_fixed: bool = True
    policy_rates: tuple[PolicyRateInputs, ...] = ()
    renewal_share_of_capex: DistSpec | None = None
    renewal_interval_years: float | None = None
    financing: FinancingInputs | None = None
    tunnel_om: TunnelOMInputs | None = None


@dataclass(frozen=True)
class AppraisalInputs:
    """Everything the appraisal draws from, besides the plan and the tunnel's draws.

    Attributes
    ----------
    corridor, market, economics
        The compiled sections.
    tunnel_bores : int
        Bores of the tunnel (its fixed maintenance is per bore-km).
    pump_head_m : float or None
        Lift of the tunnel's drainage, m (``economics.tunnel_om``; None without it).
    running_bores : int or None
        Bores with track (``economics.tunnel_om`` maintenance is per running bore-km, as the
        Gotthard figure it comes from); None: all bores.
    """

    corridor: CorridorInputs
    market: MarketInputs
    economics: EconomicsInputs
    tunnel_bores: int
    pump_head_m: float | None = None
    running_bores: int | None = None


def compile_corridor_section(corridor: Corridor) -> CorridorInputs:
    """Compile the ``corridor`` section."""
    if corridor.uplift == "none":
        overrun = None
    else:
        up = uplift(corridor.uplift, UPLIFT_CLASS)
        overrun = (up.mu, up.sigma)
    return CorridorInputs(
        speed_factor=dist_spec(corridor.speed_factor),
        terminal_days=dist_spec(corridor.terminal_days),
        terminal_usd_per_feu=dist_spec(corridor.terminal_usd_per_feu),
        new_build_usd_m_per_km={
            (country, terrain): dist_spec(d)
            for country, by_terrain in corridor.new_build_usd_m_per_km.items()
            for terrain, d in by_terrain.items()
        },
        upgrade_usd_m_per_km=dist_spec(corridor.upgrade_usd_m_per_km),
        uplift=overrun,
        build_fronts=dist_spec(corridor.build_fronts),
        km_per_year_per_front=dist_spec(corridor.km_per_year_per_front),
        build_schedule_factor=(
            None
            if corridor.build_schedule_factor is None
            else dist_spec(corridor.build_schedule_factor)
        ),
    )


def compile_market(market: Market) -> MarketInputs:
    """Compile the ``market`` section."""
    return MarketInputs(
        flows=tuple(
            FlowInputs(f.name, f.tunnel_direction, dist_spec(f.teu_per_year)) for f in market.flows
        ),
        cargo_value_usd_per_feu=dist_spec(market.cargo_value_usd_per_feu),
        time_cost_pct_per_day=dist_spec(market.time_cost_pct_per_day),
        logit_scale_per_1000usd_per_feu=dist_spec(market.logit_scale_per_1000usd_per_feu),
        ramp_up_years=dist_spec(market.ramp_up_years),
        initial_share=None if market.initial_share is None else dist_spec(market.initial_share),
        benchmark_rail_share=(
            None if market.benchmark_rail_share is None else dist_spec(market.benchmark_rail_share)
        ),
        timetable=market.timetable,
    )


def compile_economics(econ: Economics) -> EconomicsInputs:
    """Compile the ``economics`` section."""
    f = econ.financing
    om = econ.tunnel_om
    return EconomicsInputs(
        discount_rate=dist_spec(econ.discount_rate),
        horizon_years=econ.horizon_years,
        capex_shape=econ.capex_shape,
        toll_usd_per_feu=dist_spec(econ.toll_usd_per_feu),
        rail_tariff_usd_per_feu_km=dist_spec(econ.rail_tariff_usd_per_feu_km),
        opex_usd_per_train_km=dist_spec(econ.opex_usd_per_train_km),
        opex_usd_per_route_km_year=dist_spec(econ.opex_usd_per_route_km_year),
        arctic_factor=dist_spec(econ.arctic_factor),
        tunnel_life_years=dist_spec(econ.tunnel_life_years),
        corridor_life_years=dist_spec(econ.corridor_life_years),
        discount_rate_fixed=econ.discount_rate.dist == "fixed",
        policy_rates=tuple(
            PolicyRateInputs(r.name, r.rate, r.source, r.unverified) for r in econ.policy_rates
        ),
        renewal_share_of_capex=(
            None if econ.tunnel_renewals is None else dist_spec(econ.tunnel_renewals.share_of_capex)
        ),
        renewal_interval_years=(
            None if econ.tunnel_renewals is None else econ.tunnel_renewals.interval_years
        ),
        financing=None
        if f is None
        else FinancingInputs(
            f.structure,
            f.debt_rate,
            f.debt_share,
            f.equity_return,
            f.debt_tenor_years,
            f.interest_during_construction,
        ),
        tunnel_om=None
        if om is None
        else TunnelOMInputs(
            dist_spec(om.maintenance_usd_per_bore_km_year),
            dist_spec(om.systems_mwh_per_km_year),
            dist_spec(om.inflow_m3_per_min_per_km),
            om.pump_head_m,
            om.pump_efficiency,
            dist_spec(om.electricity_usd_per_kwh),
        ),
    )


def compile_appraisal(
    corridor: Corridor,
    market: Market,
    economics: Economics,
    tunnel_bores: int,
    deepest_invert_m: float | None = None,
    running_bores: int | None = None,
) -> AppraisalInputs:
    """Compile the three sections and the tunnel's bore count for the appraisal.

    ``deepest_invert_m`` (the alignment's, when the scenario has one) is the drainage's lift
    unless ``economics.tunnel_om.pump_head_m`` gives it.

    Raises
    ------
    ScenarioError
        With ``tunnel_om`` but neither a pump head nor an alignment to take it from.
    """
    om = economics.tunnel_om
    head = None
    if om is not None:
        head = om.pump_head_m if om.pump_head_m is not None else deepest_invert_m
        if head is None:
            raise ScenarioError(
                "economics.tunnel_om.pump_head_m",
                "(missing)",
                "a lift in m from 0 to 2,000: this scenario has no alignment to take the "
                "deepest invert from",
            )
    return AppraisalInputs(
        corridor=compile_corridor_section(corridor),
        market=compile_market(market),
        economics=compile_economics(economics),
        tunnel_bores=tunnel_bores,
        pump_head_m=head,
        running_bores=running_bores,
    )


def scenario_appraisal(
    scenario: Scenario, deepest_invert_m: float | None = None
) -> AppraisalInputs | None:
    """Compile a scenario's appraisal inputs, or ``None`` without a corridor section.

    ``deepest_invert_m``: the designed alignment's deepest invert below sea level, m (the
    tunnel drainage's lift when ``economics.tunnel_om`` does not give one); designed here
    from the scenario's alignment when needed and not given.
    """
    if scenario.corridor is None or scenario.market is None or scenario.economics is None:
        return None
    om = scenario.economics.tunnel_om
    if deepest_invert_m is None and om is not None and om.pump_head_m is None:
        alignment = alignment_for(scenario)
        deepest_invert_m = None if alignment is None else alignment.deepest_invert_m()
    return compile_appraisal(
        scenario.corridor,
        scenario.market,
        scenario.economics,
        len(scenario.construction.bores),
        deepest_invert_m,
        sum(b.role == "running" for b in scenario.construction.bores),
    )
