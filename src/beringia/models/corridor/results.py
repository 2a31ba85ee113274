"""Results of the corridor and economics assessment, and their JSON form."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from beringia.core.distributions import FloatArray
from beringia.core.stats import quantiles, quantiles_unbounded
from beringia.models.corridor.network import Network, NewBuild

MODES = ("rail", "sea", "sea-nsr")
"""Modes of a door-to-door route: the corridor, the ocean all year, the Northern Sea Route."""


@dataclass(frozen=True)
class RouteDraws:
    """One origin-destination pair by one mode, per draw.

    Attributes
    ----------
    origin, destination : str
        Places.
    flow : str
        The market flow group the pair stands for (``asia_us``, ``europe_us``, ``us_europe``,
        ``us_asia``).
    mode : str
        One of :data:`MODES`.
    distance_km : float
        Rail route-km (rail) or sea distance port to port (sea).
    path : tuple of str
        Network nodes (rail) or the two port codes (sea).
    transit_days : ndarray
        Door-to-door days per draw.
    cost_usd_per_feu : ndarray
        Door-to-door freight cost per 40-ft container per draw (2025 USD).
    season_months : tuple of int
        Months the route can be used (empty: all year).
    share : ndarray or None
        For a rail row: the corridor's logit share of the pair against the all-year sea route
        per draw; ``None`` for sea rows.
    weight : float or None
        The pair's share of its flow group's TEU (origin share x destination share).
    """

    origin: str
    destination: str
    flow: str
    mode: str
    distance_km: float
    path: tuple[str, ...]
    transit_days: FloatArray
    cost_usd_per_feu: FloatArray
    season_months: tuple[int, ...] = ()
    share: FloatArray | None = None
    weight: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the route's row of the JSON contract."""
        out: dict[str, Any] = {
            "origin": self.origin,
            "destination": self.destination,
            "flow": self.flow,
            "mode": self.mode,
            "distance_km": self.distance_km,
            "path": list(self.path),
            "transit_days": quantiles(self.transit_days),
            "cost_usd_per_feu": quantiles(self.cost_usd_per_feu),
        }
        if self.season_months:
            out["season_months"] = list(self.season_months)
        if self.share is not None:
            out["rail_share"] = quantiles(self.share)
        if self.weight is not None:
            out["weight"] = self.weight
        return out


def _q(values: FloatArray) -> dict[str, float] | None:
    """Quantiles of the finite values, or ``None`` when there are none."""
    finite = values[np.isfinite(values)]
    return quantiles(finite) if finite.size else None


@dataclass(frozen=True)
class RateNpv:
    """NPV of a project at one fixed policy rate, per draw (residual value excluded).

    Attributes
    ----------
    name, source : str
        The rate's name and the guidance that sets it.
    rate : float
        Real rate a year.
    unverified : bool
        The rate's source was not checked against the text.
    npv_usd_bn, economic_npv_usd_bn : ndarray
        Financial NPV and economic NPV at that rate.
    """

    name: str
    rate: float
    source: str
    unverified: bool
    npv_usd_bn: FloatArray
    economic_npv_usd_bn: FloatArray

    def to_dict(self) -> dict[str, Any]:
        """Return the rate's row of ``npv_at_fixed_rates``."""
        return {
            "name": self.name,
            "rate": self.rate,
            "source": self.source,
            "unverified": self.unverified,
            "npv_usd_bn": quantiles(self.npv_usd_bn),
            "p_npv_positive": float(np.mean(self.npv_usd_bn > 0)),
            "economic_npv_usd_bn": quantiles(self.economic_npv_usd_bn),
            "p_economic_npv_positive": float(np.mean(self.economic_npv_usd_bn > 0)),
        }


@dataclass(frozen=True)
class EconomicAppraisal:
    """Economic (social) appraisal of a project on the same draws as the financial one.

    Benefits are the shippers' savings in generalised cost (freight rate plus value of time x
    door-to-door days) against the best alternative route (the logsum of the mode choice, see
    :func:`beringia.core.economics.logsum_gain`), plus the operator's revenue; costs are capex,
    renewals and operating cost. Tolls and tariffs are transfers between shippers and the
    operator, so they cancel. Residual value excluded unless named.

    Attributes
    ----------
    user_benefit_pv_usd_bn : ndarray
        Present value of the shippers' savings.
    user_benefit_usd_per_teu : ndarray
        Steady-state saving per TEU carried (the market's logsum saving over carried TEU).
    npv_usd_bn, npv_with_residual_usd_bn : ndarray
        Economic NPV without and with the residual value.
    benefit_cost_ratio : ndarray
        PV(user benefits + revenue) / PV(capex + renewals + operating cost).

    No economic IRR: a third IRR search per project would cost more than the rest of the
    appraisal; the NPV at each fixed rate (:class:`RateNpv`) shows the same thing.
    """

    user_benefit_pv_usd_bn: FloatArray
    user_benefit_usd_per_teu: FloatArray
    npv_usd_bn: FloatArray
    npv_with_residual_usd_bn: FloatArray
    benefit_cost_ratio: FloatArray

    def to_dict(self) -> dict[str, Any]:
        """Return the ``economic`` part of a project's JSON."""
        return {
            "label": "economic (shippers' savings + operator revenue - costs)",
            "user_benefit_pv_usd_bn": quantiles(self.user_benefit_pv_usd_bn),
            "user_benefit_usd_per_teu": _q(self.user_benefit_usd_per_teu),
            "npv_usd_bn": quantiles(self.npv_usd_bn),
            "p_npv_positive": float(np.mean(self.npv_usd_bn > 0)),
            "npv_with_residual_usd_bn": quantiles(self.npv_with_residual_usd_bn),
            "benefit_cost_ratio": _q(self.benefit_cost_ratio),
        }


@dataclass(frozen=True)
class FinancingResult:
    """Interest during construction and, for a PPP, the equity's return, per draw.

    Attributes
    ----------
    structure : str
        ``public`` or ``ppp``.
    debt_rate, debt_share : float
        The debt's real rate and share of the capex.
    equity_return : float or None
        Required real return on equity (PPP).
    idc_usd_bn : ndarray
        Interest during construction on the debt (0 when not capitalised).
    equity_irr, equity_npv_usd_bn : ndarray or None
        PPP: the equity's IRR and its NPV at the required return (revenue less operating cost,
        equity's share of capex and renewals, and debt service; no residual value).
    """

    structure: str
    debt_rate: float
    debt_share: float
    equity_return: float | None
    idc_usd_bn: FloatArray
    equity_irr: FloatArray | None = None
    equity_npv_usd_bn: FloatArray | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the ``financing`` part of a project's JSON."""
        out: dict[str, Any] = {
            "structure": self.structure,
            "debt_rate": self.debt_rate,
            "debt_share": self.debt_share,
            "interest_during_construction_usd_bn": quantiles(self.idc_usd_bn),
        }
        if self.equity_irr is not None and self.equity_npv_usd_bn is not None:
            met = np.isfinite(self.equity_irr) & (self.equity_irr >= (self.equity_return or 0.0))
            out |= {
                "equity_return_required": self.equity_return,
                "equity_irr": _q(self.equity_irr),
                "equity_irr_defined_share": float(np.mean(np.isfinite(self.equity_irr))),
                "equity_npv_usd_bn": quantiles(self.equity_npv_usd_bn),
                "p_equity_return_met": float(np.mean(met)),
            }
        return out


@dataclass(frozen=True)
class ProjectEconomics:
    """Financial appraisal of one project (the tunnel alone, or the whole corridor), per draw.

    Money in 2025 USD bn; years counted from notice to proceed (year 0). The headline figures
    (NPV, IRR, payback, revenue-cost ratio, break-even) exclude the residual value, the
    straight-line book value left at the end of the appraisal: it is shown separately.

    Attributes
    ----------
    name : str
        ``tunnel`` or ``corridor``.
    capex_usd_bn : ndarray
        Capital cost per draw.
    npv_usd_bn : ndarray
        NPV at the draw's discount rate, residual value excluded.
    npv_with_residual_usd_bn : ndarray
        The same with the residual value booked at the end of the appraisal.
    residual_pv_usd_bn : ndarray
        Present value of the residual value.
    residual_share_of_capex : ndarray
        Residual value (undiscounted) over capex.
    irr, irr_with_residual : ndarray
        Internal rate of return without and with the residual value (NaN where none).
    payback_year : ndarray
        Simple payback year without the residual value (NaN: not within the horizon).
    revenue_cost_ratio : ndarray
        Financial: PV(revenue) / PV(capex + renewals + operating cost).
    breakeven_teu_per_year : ndarray
        Steady-state TEU a year (both directions) that makes the NPV (without residual) zero
        (inf: no traffic within capacity does).
    renewals_pv_usd_bn : ndarray
        Present value of the periodic renewals (zero without them).
    fixed_opex_usd_bn_per_year : ndarray
        Fixed operating and maintenance cost of a year in service (the tunnel's own O&M for the
        tunnel; track maintenance of the new lines and the tunnel for the corridor).
    cash_years : ndarray
        Year indices of the fan chart (0 .. horizon - 1).
    cash_fan_usd_bn : dict
        ``P10``, ``P50``, ``P90`` of each year's net cash flow (without residual), each ``(T,)``.
    rate_table : list of RateNpv
        NPV at each fixed policy rate.
    economic : EconomicAppraisal or None
        The economic appraisal.
    financing : FinancingResult or None
        Interest during construction and PPP equity.
    """

    name: str
    capex_usd_bn: FloatArray
    npv_usd_bn: FloatArray
    npv_with_residual_usd_bn: FloatArray
    residual_pv_usd_bn: FloatArray
    residual_share_of_capex: FloatArray
    irr: FloatArray
    irr_with_residual: FloatArray
    payback_year: FloatArray
    revenue_cost_ratio: FloatArray
    breakeven_teu_per_year: FloatArray
    renewals_pv_usd_bn: FloatArray
    fixed_opex_usd_bn_per_year: FloatArray
    cash_years: FloatArray
    cash_fan_usd_bn: dict[str, FloatArray]
    rate_table: list[RateNpv]
    economic: EconomicAppraisal | None = None
    financing: FinancingResult | None = None

    @property
    def p_npv_positive(self) -> float:
        """Share of draws with a positive NPV (residual value excluded)."""
        return float(np.mean(self.npv_usd_bn > 0))

    @property
    def p_payback(self) -> float:
        """Share of draws that pay back within the horizon (residual value excluded)."""
        return float(np.mean(np.isfinite(self.payback_year)))

    def to_dict(self) -> dict[str, Any]:
        """Return the project's part of the ``economics`` JSON section."""
        irr = self.irr[np.isfinite(self.irr)]
        be = self.breakeven_teu_per_year
        out: dict[str, Any] = {
            "capex_usd_bn": quantiles(self.capex_usd_bn),
            "npv_usd_bn": quantiles(self.npv_usd_bn),
            "p_npv_positive": self.p_npv_positive,
            "npv_with_residual_usd_bn": quantiles(self.npv_with_residual_usd_bn),
            "p_npv_with_residual_positive": float(np.mean(self.npv_with_residual_usd_bn > 0)),
            "residual_value": {
                "pv_usd_bn": quantiles(self.residual_pv_usd_bn),
                "share_of_capex": quantiles(self.residual_share_of_capex),
                "note": "straight-line book value left at the end of the appraisal; excluded "
                "from the headline NPV, IRR, payback and ratios",
            },
            "irr": quantiles(irr) if irr.size else None,
            "irr_defined_share": float(irr.size / self.irr.size),
            "irr_with_residual": _q(self.irr_with_residual),
            "payback": {
                "p_within_horizon": self.p_payback,
                "year_if_paid_back": _q(self.payback_year),
                "note": "simple payback without the residual value: the share of draws that "
                "pay back within the appraisal, and the years after notice to proceed of those "
                "that do (a conditional distribution)",
            },
            "revenue_cost_ratio": _q(self.revenue_cost_ratio),
            "breakeven_teu_per_year": quantiles_unbounded(be),
            "p_breakeven_within_capacity": float(np.mean(np.isfinite(be))),
            "renewals_pv_usd_bn": quantiles(self.renewals_pv_usd_bn),
            "fixed_opex_usd_m_per_year": quantiles(self.fixed_opex_usd_bn_per_year * 1000.0),
            "npv_at_fixed_rates": [r.to_dict() for r in self.rate_table],
        }
        if self.economic is not None:
            out["economic"] = self.economic.to_dict()
        if self.financing is not None:
            out["financing"] = self.financing.to_dict()
        return out


@dataclass(frozen=True)
class CorridorAssessment:
    """The corridor behind the tunnel, door-to-door routes, traffic and economics.

    Per-draw arrays have one value per Monte Carlo draw, in draw order (the same draws as the
    construction results).

    Attributes
    ----------
    network : Network
        The scenario's corridor network (built-in plus edits, tunnel length from the model).
    new_build : NewBuild
        Lengths by country, terrain and status.
    capex_usd_bn : ndarray
        Capex of the corridor's new build and upgrades (tunnel excluded), uplift included.
    build_years : ndarray
        Years to build the corridor's new lines.
    opening_year : ndarray
        When traffic can start: the later of tunnel completion and corridor completion.
    routes : list of RouteDraws
        Rail and sea rows for every origin-destination pair.
    demand_teu_per_year : dict
        Steady-state corridor demand per tunnel direction (``eastbound``, ``westbound``).
    capacity_teu_per_year : float
        TEU a year per direction the tunnel can carry (operations capacity x availability).
    carried_teu_per_year : dict
        Steady-state loaded TEU carried per direction: ``min(demand, capacity)`` per draw (the
        timetable's TEU instead of the capacity when the scenario fixes the timetable).
    empty_teu_per_year : dict
        Empty TEU returned per direction in the room the loaded boxes leave.
    timetable : str
        ``demand`` (the timetable follows demand) or ``scenario`` (fixed by the scenario).
    timetable_teu_per_year : float
        TEU a year per direction the operations section's timetabled container trains offer.
    teu_per_train : float
        TEU of the corridor's container train (trains a day = carried / TEU / 365).
    discount_rate : ndarray
        Real discount rate per draw (all equal for a fixed policy rate).
    horizon_years : int
        Appraisal horizon, years after notice to proceed.
    tunnel, corridor : ProjectEconomics
        The tunnel alone and the whole corridor (tunnel + new build + upgrades).
    benchmark : dict
        The China-Europe rail sanity check: modelled days against the quoted range.
    assumptions : list of str
        Modelling assumptions the report must state.
    value_of_time : dict
        The value of time of the mode choice and the economic appraisal: quantiles in USD per
        FEU-day and where it comes from.
    """

    network: Network
    new_build: NewBuild
    capex_usd_bn: FloatArray
    build_years: FloatArray
    opening_year: FloatArray
    routes: list[RouteDraws]
    demand_teu_per_year: dict[str, FloatArray]
    capacity_teu_per_year: float
    carried_teu_per_year: dict[str, FloatArray]
    discount_rate: FloatArray
    horizon_years: int
    tunnel: ProjectEconomics
    corridor: ProjectEconomics
    benchmark: dict[str, Any]
    assumptions: list[str]
    value_of_time: dict[str, Any]
    empty_teu_per_year: dict[str, FloatArray] = field(default_factory=dict)
    timetable: str = "demand"
    timetable_teu_per_year: float = 0.0
    teu_per_train: float = 0.0

    def traffic_dict(self) -> dict[str, Any]:
        """Capacity, demand and what is carried, each named for what it is (per direction)."""
        trains: dict[str, Any] = {}
        for k, v in self.carried_teu_per_year.items():
            boxes = v + self.empty_teu_per_year.get(k, 0.0)
            trains[k] = (
                quantiles(boxes / (self.teu_per_train * 365.0)) if self.teu_per_train else None
            )
        return {
            "timetable": (
                "follows demand" if self.timetable == "demand" else "fixed by the scenario"
            ),
            "capacity_teu_per_year_per_direction": self.capacity_teu_per_year,
            "timetable_teu_per_year_per_direction": self.timetable_teu_per_year,
            "demand_teu_per_year": {k: quantiles(v) for k, v in self.demand_teu_per_year.items()},
            "carried_teu_per_year": {k: quantiles(v) for k, v in self.carried_teu_per_year.items()},
            "empty_teu_per_year": {k: quantiles(v) for k, v in self.empty_teu_per_year.items()},
            "container_trains_per_day": trains,
            "definitions": {
                "capacity": "what the tunnel could carry a direction: capacity trains a day x "
                "TEU per train x 365 x availability",
                "demand": "loaded TEU a year the market would send by the corridor (sum over "
                "route pairs of flow TEU x pair weight x corridor share)",
                "carried": "loaded TEU a year carried: min(demand, capacity) per draw, or "
                "min(demand, timetable TEU) when the scenario fixes the timetable",
                "empty": "empty TEU returned by the corridor where loaded flows are unbalanced",
                "timetable": "TEU a year the operations section's timetabled container trains "
                "offer (its trains a day x TEU x 365), whatever the demand",
            },
        }

    def corridor_dict(self) -> dict[str, Any]:
        """Return the ``corridor`` section of ``assess --json``."""
        nb = self.new_build
        return {
            "new_build_km": nb["new_km"],
            "upgrade_km": nb["upgrade_km"],
            "network_km": nb["total_km"],
            "new_build_km_by_country": nb["new_by_country"],
            "new_build_km_by_terrain": nb["new_by_terrain"],
            "capex_usd_bn": quantiles(self.capex_usd_bn),
            "build_years": quantiles(self.build_years),
            "opening_year": quantiles(self.opening_year),
            "capacity_teu_per_year_per_direction": self.capacity_teu_per_year,
            "demand_teu_per_year": {k: quantiles(v) for k, v in self.demand_teu_per_year.items()},
            "carried_teu_per_year": {k: quantiles(v) for k, v in self.carried_teu_per_year.items()},
            "traffic": self.traffic_dict(),
            "routes": [r.to_dict() for r in self.routes],
            "benchmark": self.benchmark,
            "assumptions": self.assumptions,
        }

    def economics_dict(self) -> dict[str, Any]:
        """Return the ``economics`` section of ``assess --json``."""
        fixed = bool(np.all(self.discount_rate == self.discount_rate[0]))
        return {
            "discount_rate": quantiles(self.discount_rate),
            "discount_rate_fixed": fixed,
            "value_of_time": self.value_of_time,
            "horizon_years": self.horizon_years,
            "tunnel": self.tunnel.to_dict(),
            "corridor": self.corridor.to_dict(),
        }
