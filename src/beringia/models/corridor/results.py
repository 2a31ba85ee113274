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


@dataclass(frozen=True)
class ProjectEconomics:
    """Appraisal of one project (the tunnel alone, or the whole corridor), per draw.

    Money in 2025 USD bn; years counted from notice to proceed (year 0).

    Attributes
    ----------
    name : str
        ``tunnel`` or ``corridor``.
    capex_usd_bn : ndarray
        Capital cost per draw.
    npv_usd_bn : ndarray
        Net present value per draw at the draw's discount rate.
    irr : ndarray
        Internal rate of return per draw (NaN where the cash flow has none).
    payback_year : ndarray
        Simple payback year (NaN: not by the horizon).
    benefit_cost_ratio : ndarray
        Present value of revenue and residual value over that of capex and opex.
    breakeven_teu_per_year : ndarray
        Steady-state TEU a year (per direction carried) that would make the NPV zero (inf:
        no traffic within capacity does).
    cash_years : ndarray
        Year indices of the fan chart (0 .. horizon - 1).
    cash_fan_usd_bn : dict
        ``P10``, ``P50``, ``P90`` of each year's net cash flow over draws, each ``(T,)``.
    """

    name: str
    capex_usd_bn: FloatArray
    npv_usd_bn: FloatArray
    irr: FloatArray
    payback_year: FloatArray
    benefit_cost_ratio: FloatArray
    breakeven_teu_per_year: FloatArray
    cash_years: FloatArray
    cash_fan_usd_bn: dict[str, FloatArray]

    @property
    def p_npv_positive(self) -> float:
        """Share of draws with a positive NPV."""
        return float(np.mean(self.npv_usd_bn > 0))

    def to_dict(self) -> dict[str, Any]:
        """Return the project's part of the ``economics`` JSON section."""
        irr = self.irr[np.isfinite(self.irr)]
        payback = self.payback_year[np.isfinite(self.payback_year)]
        be = self.breakeven_teu_per_year
        return {
            "capex_usd_bn": quantiles(self.capex_usd_bn),
            "npv_usd_bn": quantiles(self.npv_usd_bn),
            "irr": quantiles(irr) if irr.size else None,
            "irr_defined_share": float(irr.size / self.irr.size),
            "p_npv_positive": self.p_npv_positive,
            "payback_year": quantiles(payback) if payback.size else None,
            "p_payback_by_horizon": float(payback.size / self.payback_year.size),
            "benefit_cost_ratio": quantiles(self.benefit_cost_ratio),
            "breakeven_teu_per_year": quantiles_unbounded(be),
            "p_breakeven_within_capacity": float(np.mean(np.isfinite(be))),
        }


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
        Real discount rate per draw.
    horizon_years : int
        Appraisal horizon, years after notice to proceed.
    tunnel, corridor : ProjectEconomics
        The tunnel alone and the whole corridor (tunnel + new build + upgrades).
    benchmark : dict
        The China-Europe rail sanity check: modelled days against the quoted range.
    assumptions : list of str
        Modelling assumptions the report must state.
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
        return {
            "discount_rate": quantiles(self.discount_rate),
            "horizon_years": self.horizon_years,
            "tunnel": self.tunnel.to_dict(),
            "corridor": self.corridor.to_dict(),
        }
