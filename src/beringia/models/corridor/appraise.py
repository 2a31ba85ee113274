"""Door-to-door draws, traffic and economics of a scenario's corridor, draw by draw.

Each Monte Carlo draw of the construction model (tunnel cost and duration) gets its own draw of
everything here: corridor capex and build time, speeds, dwells, tariffs, freight rates, the
market and the mode choice, the discount rate. Draws come in the fixed blocks of
:func:`beringia.core.rng.blocks` from streams keyed by name, so results do not depend on the
number of processes, and adding a route does not change the draws of the others.

Money is 2025 USD. Traffic is counted in TEU (a 40-ft box, FEU, is 2 TEU).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from beringia.core import rng as rngmod
from beringia.core.distributions import DistSpec, FloatArray, ppf
from beringia.core.economics import (
    OperatingWindow,
    Shape,
    benefit_cost_ratio,
    breakeven_traffic,
    capex_profile,
    debt_service,
    discount_factors,
    interest_during_construction,
    irr,
    logsum_gain,
    npv,
    npv_at_rates,
    operating_cash_flows,
    operating_window,
    payback_year,
    periodic_costs,
    residual_value,
)
from beringia.core.modechoice import logit_share
from beringia.core.stats import quantiles
from beringia.errors import NumericalError, ScenarioError
from beringia.models.blas import one_blas_thread
from beringia.models.corridor.compile import (
    AppraisalInputs,
    CorridorInputs,
    EconomicsInputs,
    FinancingInputs,
    MarketInputs,
    PolicyRateInputs,
    TunnelOMInputs,
)
from beringia.models.corridor.network import Segment, new_build, route
from beringia.models.corridor.ocean import OceanLeg, china_europe_rail, ocean_leg
from beringia.models.corridor.places import Access
from beringia.models.corridor.plan import (
    ARCTIC_TERRAINS,
    CorridorPlan,
    RailPlan,
    SeaPlan,
    running_split,
)
from beringia.models.corridor.quantity import Quantity
from beringia.models.corridor.results import (
    CorridorAssessment,
    EconomicAppraisal,
    FinancingResult,
    ProjectEconomics,
    RateNpv,
    RouteDraws,
)

ROUTE_DRAWS = 65_536
"""Door-to-door draws kept per route for summaries and charts (the first ones)."""
FAN_DRAWS = 16_384
"""Draws whose yearly cash flows are kept for the fan chart (the first ones)."""
TEU_PER_FEU = 2.0
MAX_OPENING_YEARS = 200.0
"""Latest opening the appraisal accepts, years after notice to proceed (its yearly cash flows
span the opening plus the appraisal horizon, for every draw)."""
BENCHMARK = ("Shanghai", "Warsaw")
"""China-Europe rail sanity check: modelled terminal-to-terminal days on this pair."""
BENCHMARK_DAYS = (13.0, 15.0)
BENCHMARK_DRAWS = 4096
BENCHMARK_SOURCE = (
    "research notes 5.1: 13-15 days China -> Poland (Apr 2024), "
    "https://index1520.com/en/analytics/obzor-rynka-zheleznodorozhnykh-perevozok-aprel-2024/"
)
DIRECTIONS = ("eastbound", "westbound")
BENCHMARK_SEA = ("CNSHA", "NLRTM")
"""The sea alternative of China-Europe rail for the mode-choice calibration."""


class _Sampler:
    """Draws of named quantities for one block of draws."""

    def __init__(
        self, seed: int, block: int, size: int, given: Mapping[str, FloatArray] | None = None
    ) -> None:
        self.seed, self.block, self.size = seed, block, size
        self._cache: dict[str, FloatArray] = dict(given or {})

    def spec(self, key: str, spec: DistSpec) -> FloatArray:
        """Return the block's draws of ``spec``, one stream per ``key`` (cached by key)."""
        if key not in self._cache:
            u = rngmod.stream(self.seed, "corridor", self.block, key).random(self.size)
            self._cache[key] = ppf(spec, u)
        return self._cache[key]

    def quantity(self, key: str, q: Quantity) -> FloatArray:
        """Return draws of a data-file quantity."""
        return self.spec(key, q.spec)

    def normal(self, key: str) -> FloatArray:
        """Return standard normal draws."""
        return rngmod.stream(self.seed, "corridor", self.block, key).standard_normal(self.size)


# ----------------------------------------------------------------------- construction side


@dataclass(frozen=True)
class _Build:
    capex_usd_bn: FloatArray
    years: FloatArray


def _corridor_build(corridor: CorridorInputs, plan: CorridorPlan, s: _Sampler) -> _Build:
    """Corridor capex (uplift included) and build years of one block.

    Build years = works km / (fronts x planned km a year per front), times the drawn ratio of
    actual to planned duration when the scenario gives one (schedule risk).
    """
    capex_m = np.zeros(s.size)
    for (country, terrain), km in plan.new_km.items():
        unit = corridor.new_build_usd_m_per_km[(country, terrain)]
        capex_m += km * s.spec(f"capex:{country}:{terrain}", unit)
    capex_m += plan.upgrade_km * s.spec("capex:upgrade", corridor.upgrade_usd_m_per_km)
    if corridor.uplift is not None:
        mu, sigma = corridor.uplift
        capex_m *= np.exp(mu + sigma * s.normal("capex:uplift"))
    works_km = sum(plan.new_km.values()) + plan.upgrade_km
    rate = s.spec("build:fronts", corridor.build_fronts) * s.spec(
        "build:rate", corridor.km_per_year_per_front
    )
    years = np.asarray(works_km / rate, dtype=np.float64)
    if corridor.build_schedule_factor is not None:
        years = years * s.spec("build:schedule", corridor.build_schedule_factor)
    return _Build(capex_m / 1000.0, years)


def _spend(build: _Build, horizon: int, shape: Shape) -> FloatArray:
    """Corridor capex per year; nothing to spend when there are no works."""
    if not np.any(build.years > 0):
        return np.zeros((build.years.shape[0], horizon))
    return capex_profile(build.capex_usd_bn, build.years, horizon, shape=shape)


# ----------------------------------------------------------------------- door to door


@dataclass(frozen=True)
class _Leg:
    days: FloatArray
    cost: FloatArray


def _access(s: _Sampler, key: str, a: Access | None) -> tuple[FloatArray, FloatArray]:
    if a is None:
        return np.zeros(s.size), np.zeros(s.size)
    return s.quantity(f"{key}:days", a.days), s.quantity(f"{key}:usd", a.usd_per_feu)


def _running_hours(
    line_h: float,
    commercial_h: float,
    dwell_nodes: Sequence[str],
    plan: CorridorPlan,
    speed_factor: DistSpec,
    s: _Sampler,
) -> FloatArray:
    """Return running hours at the drawn commercial speed plus the drawn dwells passed."""
    hours = line_h / s.spec("speed_factor", speed_factor) + commercial_h
    for name in dwell_nodes:
        node = plan.network.node(name)
        if node.dwell_h is not None:
            hours = hours + s.quantity(f"dwell:{name}", node.dwell_h)
    return np.asarray(hours, dtype=np.float64)


def _rail(
    r: RailPlan, plan: CorridorPlan, corridor: CorridorInputs, econ: EconomicsInputs, s: _Sampler
) -> _Leg:
    """Door-to-door days and $/FEU of one pair by the corridor."""
    hours = _running_hours(r.line_h, r.commercial_h, r.dwell_nodes, plan, corridor.speed_factor, s)
    if r.through_tunnel:
        hours = hours + plan.tunnel_running_h
    oa_days, oa_cost = _access(s, f"rail-access:{r.pair.origin}", r.origin_access)
    da_days, da_cost = _access(s, f"rail-access:{r.pair.destination}", r.destination_access)
    days = (
        hours / 24.0
        + s.spec("terminal:origin", corridor.terminal_days)
        + s.spec("terminal:destination", corridor.terminal_days)
        + oa_days
        + da_days
    )
    cost = (
        s.spec("rail_tariff", econ.rail_tariff_usd_per_feu_km) * r.tariff_km
        + (s.spec("toll", econ.toll_usd_per_feu) if r.through_tunnel else 0.0)
        + s.spec("terminal:usd", corridor.terminal_usd_per_feu)
        + oa_cost
        + da_cost
    )
    for name in r.gauge_breaks:
        node = plan.network.node(name)
        if node.transshipment_usd_per_feu is not None:
            cost = cost + s.quantity(f"transship:{name}", node.transshipment_usd_per_feu)
    return _Leg(np.asarray(days, dtype=np.float64), np.asarray(cost, dtype=np.float64))


def _sea_leg(leg: OceanLeg, s: _Sampler) -> _Leg:
    """Port-to-port days (dwell at both ports included) and freight rate of an ocean leg."""
    days = (
        s.spec(f"port-export:{leg.origin}", leg.export_days)
        + leg.sailing_days
        + s.spec(f"port-import:{leg.destination}", leg.import_days)
    )
    return _Leg(days, s.spec(f"rate:{leg.lane}", leg.usd_per_feu))


def _sea(p: SeaPlan, s: _Sampler) -> _Leg:
    """Door-to-door days and $/FEU of one pair by sea."""
    leg = _sea_leg(p.leg, s)
    oa_days, oa_cost = _access(s, f"sea-access:{p.pair.origin}:{p.leg.origin}", p.origin_access)
    da_days, da_cost = _access(
        s, f"sea-access:{p.pair.destination}:{p.leg.destination}", p.destination_access
    )
    return _Leg(leg.days + oa_days + da_days, leg.cost + oa_cost + da_cost)


def _rail_constant(
    market: MarketInputs, s: _Sampler, vot: FloatArray, scale: FloatArray
) -> FloatArray:
    """Rail constant ($/FEU) that makes the logit reproduce China-Europe rail's share.

    Per draw: with China-Europe rail (door-to-door days and all-in rate of the shipped
    benchmark) against the sea from Shanghai to Rotterdam, at the draw's value of time and
    scale, the constant ``c`` solves ``share = 1 / (1 + exp(scale (GC_rail + c - GC_sea)))``.
    It stands for everything the generalised cost leaves out (reliability, capacity, habit,
    subsidy). Zero without a benchmark share.
    """
    if market.benchmark_rail_share is None:
        return np.zeros(s.size)
    bench = china_europe_rail()
    rail_days = s.spec("bench:rail:days", bench.door_to_door_days)
    rail_cost = s.spec("bench:rail:base", bench.base_usd_per_feu) + s.spec(
        "bench:rail:extras", bench.extras_usd_per_feu
    )
    sea = _sea_leg(ocean_leg(*BENCHMARK_SEA), s)
    share = s.spec("bench:share", market.benchmark_rail_share)
    gap = rail_cost + vot * rail_days - (sea.cost + vot * sea.days)
    out: FloatArray = np.log(1.0 / share - 1.0) / scale - gap
    return out


# ----------------------------------------------------------------------- economics


@dataclass(frozen=True)
class _Project:
    capex: FloatArray  # (n, T), positive
    revenue: FloatArray  # (n, T)
    opex: FloatArray  # (n, T)
    residual: FloatArray  # (n, T)
    renewals: FloatArray  # (n, T), positive
    carried: FloatArray  # (n, T): TEU carried
    base: FloatArray  # (n, T): cash at zero traffic, residual value excluded
    unit: FloatArray  # (n, T): cash per TEU a year of steady demand
    capex_total: FloatArray  # (n,)
    fixed_per_year: FloatArray  # (n,): fixed operating cost of a year in service


def _project(
    capex: FloatArray,
    capex_total: FloatArray,
    window: OperatingWindow,
    steady: FloatArray,
    capacity: float,
    tariff_per_teu: FloatArray,
    var_cost_per_teu: FloatArray,
    fixed_per_year: FloatArray,
    residual: FloatArray,
    renewals: FloatArray,
) -> _Project:
    flows = operating_cash_flows(
        window,
        demand=steady,
        capacity=capacity,
        tariff=tariff_per_teu,
        variable_cost_per_unit=var_cost_per_teu,
        fixed_cost_per_year=fixed_per_year,
    )
    base = -capex - flows.fixed_opex - renewals
    return _Project(
        capex,
        flows.revenue,
        flows.opex,
        residual,
        renewals,
        flows.carried,
        base,
        flows.unit_net,
        capex_total,
        np.broadcast_to(np.asarray(fixed_per_year, dtype=np.float64), capex_total.shape),
    )


class _Accumulator:
    """Per-draw results of one project, filled block by block."""

    def __init__(
        self,
        name: str,
        n: int,
        horizon: int,
        rates: Sequence[PolicyRateInputs] = (),
        financing: FinancingInputs | None = None,
    ) -> None:
        self.name, self.rates, self.financing = name, tuple(rates), financing
        keys = (
            "capex npv npv_res res_pv res_share irr irr_res payback rcr breakeven renew_pv "
            "ub_pv ub_teu e_npv e_npv_res e_bcr idc eq_irr eq_npv fixed"
        ).split()
        self.v = {k: np.empty(n) for k in keys}
        self.at_rate = [(np.empty(n), np.empty(n)) for _ in self.rates]
        self.fan = np.zeros((min(n, FAN_DRAWS), horizon))

    def add(
        self,
        start: int,
        p: _Project,
        rate: FloatArray,
        df: FloatArray,
        capacity: float,
        benefit_per_teu: FloatArray,
        opening: FloatArray,
    ) -> None:
        """Appraise one block.

        ``df``: the discount factors of ``rate`` (n, T), the same for both projects;
        ``benefit_per_teu``: USD bn per TEU carried; ``opening``: the opening year per draw.
        """
        stop = start + rate.shape[0]
        v = {k: a[start:stop] for k, a in self.v.items()}
        costs = p.capex + p.opex + p.renewals
        cash = p.revenue - costs
        with_res = cash + p.residual
        benefits = p.carried * benefit_per_teu[:, None]
        social = cash + benefits
        v["capex"][:] = p.capex_total
        v["fixed"][:] = p.fixed_per_year
        v["npv"][:] = npv(cash, rate, factors=df)
        v["res_pv"][:] = npv(p.residual, rate, factors=df)
        v["npv_res"][:] = v["npv"] + v["res_pv"]
        total = np.where(p.capex_total > 0, p.capex_total, 1.0)
        v["res_share"][:] = np.where(p.capex_total > 0, p.residual.sum(axis=1) / total, 0.0)
        v["irr"][:] = irr(cash)
        v["irr_res"][:] = irr(with_res)
        v["payback"][:] = payback_year(cash)
        v["rcr"][:] = benefit_cost_ratio(p.revenue, costs, rate, factors=df)
        v["breakeven"][:] = breakeven_traffic(p.base, p.unit, rate, capacity=capacity, factors=df)
        v["renew_pv"][:] = npv(p.renewals, rate, factors=df)
        v["ub_pv"][:] = npv(benefits, rate, factors=df)
        v["ub_teu"][:] = benefit_per_teu * 1e9
        v["e_npv"][:] = v["npv"] + v["ub_pv"]
        v["e_npv_res"][:] = v["e_npv"] + v["res_pv"]
        v["e_bcr"][:] = benefit_cost_ratio(benefits + p.revenue, costs, rate, factors=df)
        policy = [r.rate for r in self.rates]
        for (fin, eco), at_fin, at_eco in zip(
            self.at_rate, npv_at_rates(cash, policy), npv_at_rates(social, policy), strict=True
        ):
            fin[start:stop] = at_fin
            eco[start:stop] = at_eco
        f = self.financing
        if f is not None:
            drawn = f.debt_share * p.capex
            v["idc"][:] = (
                interest_during_construction(drawn, f.debt_rate, opening)
                if f.interest_during_construction
                else 0.0
            )
            if f.structure == "ppp":
                principal = f.debt_share * p.capex_total + v["idc"]
                service = debt_service(
                    principal, f.debt_rate, f.debt_tenor_years, opening, cash.shape[1]
                )
                equity = cash + drawn - service
                v["eq_irr"][:] = irr(equity)
                v["eq_npv"][:] = npv(equity, f.equity_return or 0.0)
        if start < self.fan.shape[0]:
            keep = min(stop, self.fan.shape[0]) - start
            self.fan[start : start + keep] = cash[:keep]

    def result(self) -> ProjectEconomics:
        v = self.v
        years = np.arange(self.fan.shape[1], dtype=np.float64)
        pct = np.percentile(self.fan, [10, 50, 90], axis=0)
        f = self.financing
        financing = None
        if f is not None:
            ppp = f.structure == "ppp"
            financing = FinancingResult(
                structure=f.structure,
                debt_rate=f.debt_rate,
                debt_share=f.debt_share,
                equity_return=f.equity_return,
                idc_usd_bn=v["idc"],
                equity_irr=v["eq_irr"] if ppp else None,
                equity_npv_usd_bn=v["eq_npv"] if ppp else None,
            )
        return ProjectEconomics(
            name=self.name,
            capex_usd_bn=v["capex"],
            npv_usd_bn=v["npv"],
            npv_with_residual_usd_bn=v["npv_res"],
            residual_pv_usd_bn=v["res_pv"],
            residual_share_of_capex=v["res_share"],
            irr=v["irr"],
            irr_with_residual=v["irr_res"],
            payback_year=v["payback"],
            revenue_cost_ratio=v["rcr"],
            breakeven_teu_per_year=v["breakeven"],
            renewals_pv_usd_bn=v["renew_pv"],
            fixed_opex_usd_bn_per_year=v["fixed"],
            cash_years=years,
            cash_fan_usd_bn={"p10": pct[0], "p50": pct[1], "p90": pct[2]},
            rate_table=[
                RateNpv(r.name, r.rate, r.source, r.unverified, fin, eco)
                for r, (fin, eco) in zip(self.rates, self.at_rate, strict=True)
            ],
            economic=EconomicAppraisal(
                user_benefit_pv_usd_bn=v["ub_pv"],
                user_benefit_usd_per_teu=v["ub_teu"],
                npv_usd_bn=v["e_npv"],
                npv_with_residual_usd_bn=v["e_npv_res"],
                benefit_cost_ratio=v["e_bcr"],
            ),
            financing=financing,
        )


# ----------------------------------------------------------------------- the assessment


def _split_km(
    segments: Iterable[Segment], tunnel: Segment, bores: int = 1
) -> tuple[float, float, float]:
    """Km outside the tunnel, and km off and on Arctic terrain (the tunnel counted per bore)."""
    outside = plain = arctic = 0.0
    for g in segments:
        km = g.length_km * (bores if g.name == tunnel.name else 1)
        if g.name != tunnel.name:
            outside += g.length_km
        if g.terrain in ARCTIC_TERRAINS:
            arctic += km
        else:
            plain += km
    return outside, plain, arctic


def _path_km(r: RailPlan, plan: CorridorPlan) -> tuple[float, float, float]:
    """Return the project's km on a pair's path: tariffed (outside the tunnel), plain, Arctic."""
    project = {s.name for s in plan.project_segments}
    return _split_km((g for g in r.route.segments if g.name in project), plan.tunnel)


def _late(late: int, n: int) -> list[str]:
    """Return the assumption stated when some draws take longer than the horizon to build."""
    if not late:
        return []
    rate = 100.0 * 1.05**-MAX_OPENING_YEARS
    return [
        f"{late:,} of {n:,} draws take longer than {MAX_OPENING_YEARS:,.0f} years to build the "
        f"tunnel; the appraisal opens them in year {MAX_OPENING_YEARS:,.0f}, when a dollar is "
        f"worth {rate:.3g} % of one today at 5 %."
    ]


def _check_opening(duration: FloatArray, build: FloatArray, plan: CorridorPlan) -> None:
    """Refuse a corridor built so late that the yearly cash flows would not fit in memory.

    A tunnel that takes longer than :data:`MAX_OPENING_YEARS` (a draw in the far tail of
    the project-wide schedule factor and the stops) is not refused: the appraisal opens it
    at that year, and the assessment's assumptions say how many draws did.

    Raises
    ------
    ScenarioError
        Naming the corridor's build rate, or the tunnel's construction, whichever is late.
    """
    if np.all(np.isfinite(build)) and float(build.max(initial=0.0)) > MAX_OPENING_YEARS:
        works_km = sum(plan.new_km.values()) + plan.upgrade_km
        raise ScenarioError(
            "corridor.km_per_year_per_front",
            f"{float(build.max()):,.3g} years to build {works_km:,.0f} km",
            "a build rate (build_fronts x km_per_year_per_front) that builds the corridor's "
            f"new and upgraded lines within {MAX_OPENING_YEARS:,.0f} years",
        )
    if not (np.all(np.isfinite(build)) and np.all(np.isfinite(duration))):
        raise NumericalError("the corridor's opening year is not a finite number")


@one_blas_thread
def assess_corridor(
    inputs: AppraisalInputs,
    plan: CorridorPlan,
    cost_usd_bn: FloatArray,
    duration_years: FloatArray,
    *,
    seed: int,
    progress: Callable[[int, int], None] | None = None,
    given: Mapping[str, FloatArray] | None = None,
    first_block: int = 0,
) -> CorridorAssessment:
    """Sample the corridor, its traffic and the economics of tunnel and corridor, per draw.

    Parameters
    ----------
    inputs : AppraisalInputs
        The scenario's corridor, market and economics sections, compiled
        (:func:`beringia.models.corridor.compile.compile_appraisal`).
    plan : CorridorPlan
        The deterministic plan (:func:`beringia.models.corridor.plan.plan_corridor`).
    cost_usd_bn, duration_years : ndarray
        Tunnel cost (2025 USD bn) and construction duration (years) per draw.
    seed : int
        Seed of the corridor's random streams.
    progress : callable, optional
        ``progress(done, total)`` after each block of draws.
    given : mapping, optional
        Sampler key (``toll``, ``market:<flow>`` ...) to one value per draw, used in place
        of that quantity's draws (a sensitivity design feeds its sample points this way).
    first_block : int
        Block index of the first block of draws (a sensitivity design runs its points on
        blocks of its own).

    Returns
    -------
    CorridorAssessment
        Routes, traffic and the two appraisals.
    """
    corridor, market, econ = inputs.corridor, inputs.market, inputs.economics
    tunnel_bores = inputs.tunnel_bores
    n = cost_usd_bn.shape[0]
    blocks = rngmod.blocks(n)
    samplers = [
        _Sampler(
            seed,
            first_block + b,
            size,
            None if given is None else {k: v[start : start + size] for k, v in given.items()},
        )
        for b, start, size in blocks
    ]
    builds = [_corridor_build(corridor, plan, s) for s in samplers]
    build_years = np.concatenate([b.years for b in builds])
    _check_opening(duration_years, build_years, plan)
    late = int(np.count_nonzero(duration_years > MAX_OPENING_YEARS))
    if late:  # a draw in the far tail (a few in a million): it opens at the horizon's end
        duration_years = np.minimum(duration_years, MAX_OPENING_YEARS)
    opening = np.maximum(duration_years, build_years)
    operating = econ.horizon_years
    horizon = math.ceil(float(opening.max())) + operating + 1
    keep = min(n, ROUTE_DRAWS)
    rows: dict[tuple[str, str, str, str], list[FloatArray]] = {}
    flows = {f.name: f for f in market.flows}
    demand = {d: np.empty(n) for d in DIRECTIONS}
    carried = {d: np.empty(n) for d in DIRECTIONS}
    empties = {d: np.empty(n) for d in DIRECTIONS}
    rates = np.empty(n)
    vot_all = np.empty(n)
    cap = plan.capacity_teu_per_year
    limit = cap if market.timetable == "demand" else min(cap, plan.timetable_teu_per_year)
    tunnel_acc = _Accumulator("tunnel", n, horizon, econ.policy_rates, econ.financing)
    corridor_acc = _Accumulator("corridor", n, horizon, econ.policy_rates, econ.financing)
    sea_by_pair = {(p.pair.origin, p.pair.destination): p for p in plan.sea}
    tunnel_km = plan.tunnel.length_km
    path_km = {id(r): _path_km(r, plan) for r in plan.rail}
    # the new lines' km outside the tunnel (bores = 0): the tunnel's upkeep is tunnel_fixed
    _, network_plain_km, network_arctic_km = _split_km(plan.project_segments, plan.tunnel, 0)
    for (_, start, size), s, build in zip(blocks, samplers, builds, strict=True):
        stop = start + size
        vot = s.spec("cargo_value", market.cargo_value_usd_per_feu) * (
            s.spec("time_cost_pct", market.time_cost_pct_per_day) / 100.0
        )
        scale = s.spec("logit_scale", market.logit_scale_per_1000usd_per_feu) / 1000.0
        constant = _rail_constant(market, s, vot, scale)
        vot_all[start:stop] = vot
        arctic = s.spec("arctic_factor", econ.arctic_factor)
        # per flow: the weighted corridor share (sum of weight x share over its pairs), the
        # weighted shippers' gain (logsum, USD per FEU of the flow's market) and the project km
        # of its corridor boxes, weighted by each pair's weight x share
        flow_share = {k: np.zeros(size) for k in flows}
        flow_gain = {k: np.zeros(size) for k in flows}
        flow_tariff_km = {k: np.zeros(size) for k in flows}
        flow_weighted_km = {k: np.zeros(size) for k in flows}
        for r in plan.rail:
            rail = _rail(r, plan, corridor, econ, s)
            sea_plan = sea_by_pair[(r.pair.origin, r.pair.destination)]
            sea = _sea(sea_plan, s)
            gc_rail = rail.cost + vot * rail.days + constant
            gc_sea = sea.cost + vot * sea.days
            share = logit_share(gc_rail, gc_sea, scale)
            _keep(rows, (r.pair.origin, r.pair.destination, "rail", "days"), rail.days, start, keep)
            _keep(rows, (r.pair.origin, r.pair.destination, "rail", "cost"), rail.cost, start, keep)
            _keep(rows, (r.pair.origin, r.pair.destination, "rail", "share"), share, start, keep)
            _keep(rows, (r.pair.origin, r.pair.destination, "sea", "days"), sea.days, start, keep)
            _keep(rows, (r.pair.origin, r.pair.destination, "sea", "cost"), sea.cost, start, keep)
            if r.pair.flow in flows and r.through_tunnel:
                weight = r.pair.weight or 0.0
                w = share * weight
                flow_gain[r.pair.flow] += weight * logsum_gain(gc_rail, gc_sea, scale)
                tariffed, plain, arctic_km = path_km[id(r)]
                flow_share[r.pair.flow] += w
                flow_tariff_km[r.pair.flow] += w * tariffed
                flow_weighted_km[r.pair.flow] += w * (plain + arctic * arctic_km)
        for p in plan.nsr:
            nsr = _sea(p, s)
            o, d = p.pair.origin, p.pair.destination
            _keep(rows, (o, d, "sea-nsr", "days"), nsr.days, start, keep)
            _keep(rows, (o, d, "sea-nsr", "cost"), nsr.cost, start, keep)
        by_dir = {d: np.zeros(size) for d in DIRECTIONS}
        sum_teu = np.zeros(size)
        sum_tariff_km = np.zeros(size)
        sum_weighted_km = np.zeros(size)
        user_usd = np.zeros(size)  # shippers' steady-state saving a year, USD
        for name, f in flows.items():
            volume = s.spec(f"market:{name}", f.teu_per_year)
            by_dir[f.tunnel_direction] += volume * flow_share[name]
            sum_teu += volume * flow_share[name]
            sum_tariff_km += volume * flow_tariff_km[name]
            sum_weighted_km += volume * flow_weighted_km[name]
            user_usd += volume / TEU_PER_FEU * flow_gain[name]
        loaded, empty = carried_split(by_dir["eastbound"], by_dir["westbound"], limit)
        for d in DIRECTIONS:
            demand[d][start:stop] = by_dir[d]
            carried[d][start:stop] = loaded[d]
            empties[d][start:stop] = empty[d]
        steady = loaded["eastbound"] + loaded["westbound"]
        # empty boxes ride the same trains: train-km per loaded TEU grow by empties / loaded
        empty_ratio = np.where(
            steady > 0, (empty["eastbound"] + empty["westbound"]) / np.maximum(steady, 1e-12), 0.0
        )
        # carried traffic's mean project km per TEU (weights: each pair's demand)
        total_demand = np.maximum(sum_teu, 1e-12)
        mean_tariff_km = sum_tariff_km / total_demand
        mean_weighted_km = sum_weighted_km / total_demand
        # saving per TEU carried (USD bn): carried boxes are a random part of those demanded
        benefit_per_teu = np.where(sum_teu > 0, user_usd / total_demand / 1e9, 0.0)

        rate = s.spec("discount_rate", econ.discount_rate)
        rates[start:stop] = rate
        ramp_years = np.minimum(s.spec("ramp_up_years", market.ramp_up_years), operating)
        s0 = (
            np.zeros(size)
            if market.initial_share is None
            else s.spec("initial_share", market.initial_share)
        )
        op = opening[start:stop]
        end = op + operating
        window = operating_window(
            op, horizon, closing_year=end, ramp_years=ramp_years, initial_share=s0
        )
        toll_teu = s.spec("toll", econ.toll_usd_per_feu) / TEU_PER_FEU / 1e9
        per_km_year = s.spec("opex_route_km", econ.opex_usd_per_route_km_year) / 1e9
        tunnel_fixed = (
            per_km_year * tunnel_km * tunnel_bores * arctic
            if econ.tunnel_om is None
            else tunnel_om_usd_bn(
                econ.tunnel_om,
                s,
                tunnel_km,
                tunnel_bores if inputs.running_bores is None else inputs.running_bores,
                arctic,
                inputs.pump_head_m,
            )
        )
        cost_t = cost_usd_bn[start:stop]
        dur_t = duration_years[start:stop]
        capex_t = capex_profile(cost_t, dur_t, horizon, shape=econ.capex_shape)
        tunnel_life = s.spec("tunnel_life", econ.tunnel_life_years)
        res_t = residual_value(
            cost_t, operating, tunnel_life, booked_year=end, horizon_years=horizon
        )
        renew_t = (
            np.zeros((size, horizon))
            if econ.renewal_share_of_capex is None or econ.renewal_interval_years is None
            else periodic_costs(
                s.spec("renewal_share", econ.renewal_share_of_capex) * cost_t,
                econ.renewal_interval_years,
                op,
                end,
                horizon,
            )
        )
        tunnel = _project(
            capex_t,
            cost_t,
            window,
            steady,
            2 * cap,
            toll_teu,
            np.zeros(size),
            tunnel_fixed,
            res_t,
            renew_t,
        )
        df = discount_factors(rate, horizon)
        tunnel_acc.add(start, tunnel, rate, df, 2 * cap, benefit_per_teu, op)

        capex_c = capex_t + _spend(build, horizon, econ.capex_shape)
        rail_teu = s.spec("rail_tariff", econ.rail_tariff_usd_per_feu_km) / TEU_PER_FEU / 1e9
        train_km = s.spec("opex_train_km", econ.opex_usd_per_train_km) / 1e9
        network_km = network_plain_km + arctic * network_arctic_km
        corridor_life = s.spec("corridor_life", econ.corridor_life_years)
        res_c = res_t + residual_value(
            build.capex_usd_bn, operating, corridor_life, booked_year=end, horizon_years=horizon
        )
        whole = _project(
            capex_c,
            cost_t + build.capex_usd_bn,
            window,
            steady,
            2 * cap,
            toll_teu + rail_teu * mean_tariff_km,
            train_km * mean_weighted_km / plan.teu_per_train * (1.0 + empty_ratio),
            per_km_year * network_km + tunnel_fixed,
            res_c,
            renew_t,
        )
        corridor_acc.add(start, whole, rate, df, 2 * cap, benefit_per_teu, op)
        if progress is not None:
            progress(stop, n)

    routes = _routes(plan, rows)
    nb = new_build(plan.network)
    return CorridorAssessment(
        network=plan.network,
        new_build=nb,
        capex_usd_bn=np.concatenate([b.capex_usd_bn for b in builds]),
        build_years=build_years,
        opening_year=opening,
        routes=routes,
        demand_teu_per_year=demand,
        capacity_teu_per_year=cap,
        carried_teu_per_year=carried,
        empty_teu_per_year=empties,
        timetable=market.timetable,
        timetable_teu_per_year=plan.timetable_teu_per_year,
        teu_per_train=plan.teu_per_train,
        discount_rate=rates,
        horizon_years=operating,
        tunnel=tunnel_acc.result(),
        corridor=corridor_acc.result(),
        benchmark=_benchmark(plan, corridor.speed_factor, seed),
        assumptions=ASSUMPTIONS + _late(late, n),
        value_of_time={
            "usd_per_feu_day": quantiles(vot_all),
            "definition": "market.cargo_value_usd_per_feu x market.time_cost_pct_per_day / 100",
            "source": "the scenario's market section (the mode choice's own value of time; "
            "the built-ins take the daily cost from Hummels and Schaur 2013, American Economic "
            "Review 103(7): 2935-59, doi:10.1257/aer.103.7.2935)",
        },
    )


WATER_DENSITY_KG_M3 = 1025.0
"""Sea water, kg/m³ (the drainage of a subsea tunnel is sea water)."""
GRAVITY_M_S2 = 9.80665
HOURS_PER_YEAR = 8766.0


def tunnel_om_usd_bn(
    om: TunnelOMInputs,
    s: _Sampler,
    route_km: float,
    bores: int,
    arctic: FloatArray,
    pump_head_m: float | None,
) -> FloatArray:
    """Return the tunnel's own operation and maintenance a year per draw, 2025 USD bn.

    ``maintenance x running bore-km x arctic`` plus electricity at ``electricity_usd_per_kwh``
    for the systems (``systems_mwh_per_km_year x route-km``) and for the drainage: the steady inflow
    (``inflow_m3_per_min_per_km x route-km``) lifted ``pump_head_m`` by pumps of
    ``pump_efficiency``: ``rho g Q H / eta`` watts, all year round.
    """
    maintenance = s.spec("tunnel_maintenance", om.maintenance_usd_per_bore_km_year)
    systems_mwh = s.spec("tunnel_systems_mwh", om.systems_mwh_per_km_year) * route_km
    inflow_m3_s = s.spec("tunnel_inflow", om.inflow_m3_per_min_per_km) * route_km / 60.0
    head = 0.0 if pump_head_m is None else pump_head_m
    pump_w = WATER_DENSITY_KG_M3 * GRAVITY_M_S2 * inflow_m3_s * head / om.pump_efficiency
    pump_mwh = pump_w * HOURS_PER_YEAR / 1e6
    price = s.spec("electricity_price", om.electricity_usd_per_kwh)
    usd = maintenance * route_km * bores * arctic + (systems_mwh + pump_mwh) * 1000.0 * price
    out: FloatArray = usd / 1e9
    return out


def carried_split(
    east: FloatArray, west: FloatArray, limit: float
) -> tuple[dict[str, FloatArray], dict[str, FloatArray]]:
    """Return the loaded and the empty TEU carried each way, per draw.

    Loaded boxes are carried up to ``limit`` a direction (``min(demand, limit)``). The boxes
    that cross loaded one way and not back return empty the other way by the corridor, in the
    room the loaded boxes leave: ``min(max(loaded_east - loaded_west, 0), limit - loaded_west)``
    westbound, and the mirror eastbound.

    Parameters
    ----------
    east, west : ndarray
        Loaded demand eastbound and westbound through the tunnel, TEU a year.
    limit : float
        TEU a year a direction can carry (the capacity, or the fixed timetable's TEU).
    """
    le = np.minimum(east, limit)
    lw = np.minimum(west, limit)
    ee = np.minimum(np.maximum(lw - le, 0.0), limit - le)
    ew = np.minimum(np.maximum(le - lw, 0.0), limit - lw)
    return {"eastbound": le, "westbound": lw}, {"eastbound": ee, "westbound": ew}


def _keep(
    rows: dict[tuple[str, str, str, str], list[FloatArray]],
    key: tuple[str, str, str, str],
    values: FloatArray,
    start: int,
    keep: int,
) -> None:
    if start < keep:
        rows.setdefault(key, []).append(np.asarray(values[: keep - start], dtype=np.float64))


def _routes(
    plan: CorridorPlan, rows: dict[tuple[str, str, str, str], list[FloatArray]]
) -> list[RouteDraws]:
    def cat(o: str, d: str, mode: str, what: str) -> FloatArray:
        return np.concatenate(rows[(o, d, mode, what)])

    out: list[RouteDraws] = []
    nsr = {(p.pair.origin, p.pair.destination): p for p in plan.nsr}
    sea = {(p.pair.origin, p.pair.destination): p for p in plan.sea}
    for r in plan.rail:
        o, d = r.pair.origin, r.pair.destination
        out.append(
            RouteDraws(
                origin=o,
                destination=d,
                flow=r.pair.flow,
                mode="rail",
                distance_km=r.route.distance_km,
                path=r.route.nodes,
                transit_days=cat(o, d, "rail", "days"),
                cost_usd_per_feu=cat(o, d, "rail", "cost"),
                share=cat(o, d, "rail", "share"),
                weight=r.pair.weight,
            )
        )
        for mode, plans in (("sea", sea), ("sea-nsr", nsr)):
            p = plans.get((o, d))
            if p is None:
                continue
            out.append(
                RouteDraws(
                    origin=o,
                    destination=d,
                    flow=r.pair.flow,
                    mode=mode,
                    distance_km=p.leg.distance_km,
                    path=(p.leg.origin, p.leg.destination),
                    transit_days=cat(o, d, mode, "days"),
                    cost_usd_per_feu=cat(o, d, mode, "cost"),
                    season_months=p.leg.season_months,
                )
            )
    return out


def _benchmark(plan: CorridorPlan, speed_factor: DistSpec, seed: int) -> dict[str, object]:
    """Model China-Europe rail terminal to terminal and set it beside the quoted days."""
    names = set(plan.network.names)
    origin, destination = BENCHMARK
    base: dict[str, object] = {
        "origin": origin,
        "destination": destination,
        "quoted_days": list(BENCHMARK_DAYS),
        "source": BENCHMARK_SOURCE,
    }
    if origin not in names or destination not in names:
        return {**base, "modelled_days": None, "note": "the pair is not on the network"}
    r = route(plan.network, origin, destination)
    line_h, commercial_h = running_split(r.segments)
    s = _Sampler(seed, 0, BENCHMARK_DRAWS)
    hours = _running_hours(line_h, commercial_h, r.dwell_nodes, plan, speed_factor, s)
    q = quantiles(hours / 24.0)
    return {
        **base,
        "distance_km": r.distance_km,
        "modelled_days": q,
        "median_within_quoted": BENCHMARK_DAYS[0] <= q["p50"] <= BENCHMARK_DAYS[1],
    }


ASSUMPTIONS = [
    "Each flow group's corridor share is the sum over its route pairs of the pair's weight "
    "(origin share x destination share of the flow's TEU, data/places.toml [[shares]]) times "
    "its logit share; the part of a flow no pair stands for (South China, South-East Asia, the "
    "US South ...) takes no corridor share.",
    "Demand is what the market would send by the corridor; carried is min(demand, capacity) "
    "a direction per draw (min(demand, the timetable's TEU) when market.timetable = "
    "'scenario'); empty boxes return by the corridor in the room left the other way, "
    "pay no toll and earn no tariff.",
    "Traffic is flat after the ramp-up (no market growth); carried traffic is capped by the "
    "tunnel's capacity per direction, not by the single-track new lines.",
    "Traffic starts when both the tunnel and the corridor's new lines are finished; both start "
    "at notice to proceed.",
    "The tunnel alone earns the toll and pays its own operation and maintenance "
    "(economics.tunnel_om: maintenance per running bore-km from the Gotthard Base Tunnel times "
    "the Arctic factor, plus electricity for its systems and for pumping its inflow from the "
    "deepest invert; without tunnel_om, the open line's upkeep per bore-km); the whole corridor "
    "also earns the rail tariff on its new and upgraded lines and pays the train operating "
    "cost there, for the trains that carry empty boxes back too. Existing lines' revenue and "
    "cost belong to their owners.",
    "Residual value: straight-line over the asset life, at the end of the appraisal period; "
    "shown separately and excluded from the headline NPV, IRR, payback and ratios.",
    "Economic appraisal: shippers' saving against the all-year sea route is the logsum of the "
    "mode choice (generalised cost = freight rate + value of time x door-to-door days + the "
    "calibrated rail constant), spread over the TEU carried; tolls and tariffs are transfers "
    "and cancel; shipping lines are taken to price at cost (no lost producer surplus). The "
    "tunnel alone is credited with the same savings as the whole corridor, which it needs.",
]
