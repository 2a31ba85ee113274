"""Operations of a scenario: running times, headways, capacity and simulated years.

The glue between the scenario's ``operations`` section and the pure models in
:mod:`beringia.core.traindynamics`, :mod:`beringia.core.headway` and
:mod:`beringia.core.operations`. Running times and headways are deterministic; the
simulated years are Monte Carlo, cut into fixed blocks of years so that results do not
depend on how they are scheduled.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import BaseModel

from beringia.core import rng as rngmod
from beringia.core.headway import Capacity, Signalling, capacity, headway_matrix
from beringia.core.operations import (
    Earthquakes,
    IncidentType,
    OperationsInputs,
    OperationsResult,
    open_hours_per_day,
    simulate_years,
)
from beringia.core.stats import quantiles
from beringia.core.traindynamics import (
    Profile,
    Track,
    TrainSpec,
    check_restart,
    running_profile,
)
from beringia.errors import ScenarioError
from beringia.models.alignment import AlignmentResult
from beringia.models.construction.compile import places_m
from beringia.scenario.distributions import dist_spec
from beringia.scenario.model import Scenario
from beringia.scenario.operations import Operations, TrainType

YEAR_BLOCK = 256
"""Replicated years per block of random streams (fixed: results do not depend on it)."""
DIRECTIONS = ("eastbound", "westbound")


@dataclass(frozen=True)
class OperationsAssessment:
    """What the tunnel can carry and what a simulated year of traffic looks like.

    Attributes
    ----------
    train_types : tuple of str
        Train types of the traffic, in scenario order.
    profiles : dict
        Running profile per direction and train type.
    running_time_min : dict
        Running time through the tunnel per type, the slower direction (minutes).
    headway_s : dict
        Minimum headway per ordered pair ``(lead, follow)``, the larger of the directions.
    capacity : Capacity
        Trains per day per direction for the traffic mix and sequencing policy, over the
        hours the entry is open (``open_hours_per_day``).
    open_hours_per_day : float
        Hours a day the entry is open to the timetable without incidents, the less open
        direction: the timetable window less the nightly possession, plus its green phases
        of single-bore working.
    maintenance_availability : float
        Availability with the nightly possession alone (no incidents): the open hours of
        both directions over 48 (the simulated availability without events).
    mix_curve : dict
        Per type: (shares, trains per day) when that type's share varies and the others keep
        their proportions (the capacity-against-mix chart).
    demand_per_day : int
        Timetabled trains a day in the busier direction.
    payload_t, teu, gauge_mm : dict
        Cargo tonnes, TEU and track gauge (mm) per train type.
    annual : OperationsResult
        Per replicated year.
    timetable : dict or None
        How the simulated timetable was set when it follows demand (see
        :class:`~beringia.models.corridor.timetable.DemandTimetable`); None: the scenario's.
    """

    train_types: tuple[str, ...]
    profiles: dict[str, dict[str, Profile]]
    running_time_min: dict[str, float]
    headway_s: dict[tuple[str, str], float]
    capacity: Capacity
    mix_curve: dict[str, tuple[list[float], list[float]]]
    open_hours_per_day: float
    maintenance_availability: float
    demand_per_day: int
    payload_t: dict[str, float]
    teu: dict[str, float]
    gauge_mm: dict[str, int]
    annual: OperationsResult
    timetable: dict[str, Any] | None = None

    def annual_summary(self) -> dict[str, dict[str, float]]:
        """Quantiles over replicated years of the headline annual figures."""
        a = self.annual
        run = a.trains_run_per_direction.astype(np.float64)
        per_type = a.trains_run.sum(axis=1).astype(np.float64)  # (n, K)
        delay = np.where(np.isnan(a.mean_delay_min), 0.0, a.mean_delay_min)
        total = per_type.sum(axis=1)
        mean_delay = (delay * per_type).sum(axis=1) / np.maximum(total, 1.0)
        return {
            "trains_per_direction": quantiles(run.mean(axis=1)),
            "freight_mt_per_direction": quantiles(a.tonnes.mean(axis=1) / 1e6),
            "teu_per_direction": quantiles(a.teu.mean(axis=1)),
            "availability": quantiles(a.availability),
            "mean_delay_min": quantiles(mean_delay),
            "shortfall_trains_per_direction": quantiles(
                a.shortfall.astype(np.float64).mean(axis=1)
            ),
        }

    def delay_by_type(self) -> dict[str, dict[str, float]]:
        """Quantiles over replicated years of each type's mean delay (minutes)."""
        out = {}
        for k, name in enumerate(self.train_types):
            v = self.annual.mean_delay_min[:, k]
            v = v[np.isfinite(v)]
            if v.size:
                out[name] = quantiles(v)
        return out

    def shortfall_message(self) -> str | None:
        """Say plainly if the timetable asks for more trains than the bore can take."""
        cap = self.capacity.trains_per_day
        if self.demand_per_day <= cap:
            return None
        return (
            f"operations.traffic: the timetable asks for {self.demand_per_day} trains a day "
            f"per direction but the bore takes {cap:.0f}; about "
            f"{self.demand_per_day - cap:.0f} a day cannot run (see the shortfall)"
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the ``operations`` section of the JSON contract."""
        return {
            "running_time_min": self.running_time_min,
            "running_time_min_by_direction": {
                d: {k: p.total_s / 60.0 for k, p in self.profiles[d].items()} for d in DIRECTIONS
            },
            "min_headway_s": {f"{a}->{b}": h for (a, b), h in self.headway_s.items()},
            "capacity_trains_per_day_per_direction": self.capacity.trains_per_day,
            "capacity_mean_headway_s": self.capacity.mean_headway_s,
            "capacity_open_hours_per_day": self.open_hours_per_day,
            "demand_trains_per_day_per_direction": self.demand_per_day,
            "shortfall": self.shortfall_message(),
            "simulated_years": self.annual.years,
            "annual": self.annual_summary(),
            "mean_delay_min_by_type": self.delay_by_type(),
            "timetable": self.timetable
            or {"follows": "scenario", "basis": "the scenario's operations.traffic"},
        }


def _fields(cls: type[Any], model: BaseModel) -> dict[str, Any]:
    """Return the attributes of ``model`` that dataclass ``cls`` has fields for."""
    return {f.name: getattr(model, f.name) for f in dataclasses.fields(cls)}


def train_spec(t: TrainType) -> TrainSpec:
    """Map a scenario train type onto the running-time model's :class:`TrainSpec`."""
    spec = _fields(TrainSpec, t)
    spec["tractive_effort"] = tuple((float(v), float(f)) for v, f in t.tractive_effort)
    if t.resistance_table is not None:
        spec["resistance_table"] = tuple((float(v), float(f)) for v, f in t.resistance_table)
    return TrainSpec(**spec)


def tunnel_track(sc: Scenario, alignment: AlignmentResult | None, ops: Operations) -> Track:
    """Return the eastbound track: the alignment's gradients, or level without one.

    ``alignment`` is the scenario's designed alignment (:func:`alignment_for`), designed once
    by the caller; ``None`` only for a scenario without an alignment section, whose tunnel
    length is typed in.
    """
    if alignment is None:
        if sc.alignment is not None:
            raise ValueError("tunnel_track: pass the designed alignment (alignment_for(sc))")
        length_m = places_m(sc, None)[sc.route.attack_points[-1].name]
        x = np.linspace(0.0, length_m, max(2, int(length_m // 10.0) + 1))
        grad = np.zeros_like(x)
    else:
        prof = alignment.profile
        inside = prof.inside()
        x = prof.s[inside] - prof.portal_west_s
        z = prof.crown_z[inside]
        grad = np.empty_like(x)
        grad[:-1] = np.diff(z) / np.diff(x) * 1000.0
        grad[-1] = grad[-2] if x.size > 1 else 0.0
        x = x - x[0]
    return Track(
        position_m=x,
        gradient_permille=grad,
        curve_radius_m=None,
        speed_limit_kmh=np.full_like(x, ops.line_speed_kmh),
    )


def crossovers_m(
    sc: Scenario, alignment: AlignmentResult | None, ops: Operations, length_m: float
) -> list[float]:
    """Chainages (m from the west portal) of the crossovers between the bores, sorted.

    Raises
    ------
    ScenarioError
        If a crossover point is not a place of the route, or a crossover lies outside the
        tunnel.
    """
    m = ops.maintenance
    places = places_m(sc, alignment)
    cuts = []
    for name in m.crossover_points:
        if name not in places:
            raise ScenarioError(
                "operations.maintenance.crossover_points",
                name,
                f"allowed: a place of the route ({', '.join(sorted(places))})",
            )
        cuts.append(places[name])
    cuts += [km * 1000.0 for km in m.crossovers_km]
    for x in cuts:
        if not 0.0 < x < length_m:
            raise ScenarioError(
                "operations.maintenance.crossovers_km",
                round(x / 1000.0, 3),
                f"allowed: inside the tunnel, between 0 and {length_m / 1000.0:.2f} km "
                "(a crossover at a portal divides nothing)",
            )
    return sorted(set(cuts))


def section_running_s(profiles: Iterable[Profile], cuts: Sequence[float]) -> float:
    """Longest running time through one section between crossovers (or a portal), seconds.

    Sections are cut at ``cuts`` (m from the start of the profiles' track); each profile's
    time at a cut is interpolated along its position grid. The result is the maximum over
    sections and profiles: the switch time of single-bore working in the worst section.
    (Trains cross over at line speed here: the turnout speed restriction is not modelled.)

    Parameters
    ----------
    profiles : iterable of Profile
        Running profiles over the same track (one per train type).
    cuts : sequence of float
        Crossover chainages, m, strictly inside the track.

    Returns
    -------
    float
        The longest section running time, seconds.
    """
    worst = 0.0
    for p in profiles:
        edges = np.concatenate([[p.position_m[0]], np.sort(cuts), [p.position_m[-1]]])
        at = np.interp(edges, p.position_m, p.time_s)
        worst = max(worst, float(np.max(np.diff(at))))
    return worst


def _signalling(ops: Operations) -> Signalling:
    return Signalling(**_fields(Signalling, ops.signalling))


def _capacity(
    headways: dict[tuple[str, str], float],
    shares: dict[str, float],
    ops: Operations,
    open_hours: float,
) -> Capacity:
    return capacity(
        headways,
        shares,
        policy=ops.timetable.sequencing,
        flight_size=ops.timetable.flight_size,
        occupancy=ops.occupancy_limit,
        hours_per_day=open_hours,
    )


def _mix_curve(
    headways: dict[tuple[str, str], float],
    shares: dict[str, float],
    ops: Operations,
    open_hours: float,
) -> dict[str, tuple[list[float], list[float]]]:
    """Capacity as each type's share goes from 0 to 1, the others keeping their proportions."""
    grid = [i / 20 for i in range(21)]
    out = {}
    for name in shares:
        others = {k: v for k, v in shares.items() if k != name}
        rest = sum(others.values())
        ys = []
        for p in grid:
            mix = {k: (1.0 - p) * v / rest for k, v in others.items()} if others else {}
            mix[name] = p if others else 1.0
            ys.append(
                _capacity(
                    headways, {k: v for k, v in mix.items() if v > 0}, ops, open_hours
                ).trains_per_day
            )
        out[name] = (grid, ys)
    return out


def operations_inputs(
    ops: Operations,
    names: tuple[str, ...],
    running_s: dict[str, float],
    headways: dict[tuple[str, str], float],
    length_km: float,
    section_running_s: float | None = None,
) -> OperationsInputs:
    """Compile the year simulation's inputs from the scenario and the deterministic results.

    ``section_running_s`` is the longest running time through one single-bore section between
    crossovers (:func:`section_running_s`), or ``None`` when the bores have no crossovers.
    """
    trains = [ops.train(t.train) for t in ops.traffic]
    east = tuple(t.trains_per_day for t in ops.traffic)
    west = tuple(
        t.trains_per_day if t.westbound_trains_per_day is None else t.westbound_trains_per_day
        for t in ops.traffic
    )
    quake = ops.earthquakes
    m = ops.maintenance
    return OperationsInputs(
        train_types=names,
        trains_per_day=(east, west),
        running_time_s=tuple(running_s[n] for n in names),
        payload_t=tuple(t.payload_t for t in trains),
        teu=tuple(t.teu for t in trains),
        entry_delay_mean_s=tuple(t.entry_delay_mean_min * 60.0 for t in ops.traffic),
        headway_s=tuple(tuple(headways[(a, b)] for b in names) for a in names),
        length_km=length_km,
        timetable_start_h=ops.timetable.start_h,
        timetable_hours=ops.timetable.hours,
        sequencing=ops.timetable.sequencing,
        flight_size=ops.timetable.flight_size,
        single_bore_green_s=m.single_bore_green_min * 60.0,
        single_bore_switch_headway_s=m.single_bore_switch_headway_s,
        possession_start_h=m.possession_start_h,
        possession_hours=m.possession_hours,
        single_bore_running_s=section_running_s,
        incidents=tuple(
            IncidentType(
                name=i.name,
                rate_per_million_train_km=i.rate_per_million_train_km,
                closure_hours=dist_spec(i.closure_hours),
                degraded_days=dist_spec(i.degraded_days),
            )
            for i in ops.incidents
        ),
        earthquakes=None
        if quake is None
        else Earthquakes(
            a_value=quake.a_value,
            b_value=quake.b_value,
            closure_magnitude=quake.closure_magnitude,
            closure_hours=dist_spec(quake.closure_hours),
            degraded_days=dist_spec(quake.degraded_days),
        ),
    )


@dataclass(frozen=True)
class CompiledOperations:
    """The deterministic part of the operations models and the year simulation's inputs."""

    names: tuple[str, ...]
    profiles: dict[str, dict[str, Profile]]
    headway_s: dict[tuple[str, str], float]
    running_s: dict[str, float]
    shares: dict[str, float]
    open_hours: float
    maintenance_availability: float
    capacity: Capacity
    inputs: OperationsInputs


def _exit_too_slow(ops: Operations, specs: list[TrainSpec], exc: ScenarioError) -> ScenarioError:
    """Name the speed limit that leaves a train too slow to clear the bore's last sections."""
    slowest = min(specs, key=lambda s: s.max_speed_kmh)
    field, value = "operations.line_speed_kmh", ops.line_speed_kmh
    if slowest.max_speed_kmh < ops.line_speed_kmh:
        field, value = f"operations.trains.{slowest.name}.max_speed_kmh", slowest.max_speed_kmh
    shown = exc.value if isinstance(exc.value, float) else 0.0
    return ScenarioError(
        field,
        value,
        f"trains would leave the tunnel at {shown:.2g} km/h, too slow for the signalling to "
        "clear its last sections; raise it",
    )


def compile_operations(sc: Scenario, alignment: AlignmentResult | None) -> CompiledOperations:
    """Run the deterministic models (running times, headways, capacity) and compile inputs.

    Raises
    ------
    ScenarioError
        If the scenario has no ``operations`` section, or an input is out of range.
    TrainCannotClimbError
        If a train stalls on a gradient, naming the train and the chainage.
    ScenarioError
        If a train's locomotives could not restart it on the ruling gradient (wet rail).
    """
    ops = sc.operations
    if ops is None:
        raise ScenarioError("operations", "(missing)", "this scenario has no operations section")
    names = tuple(t.train for t in ops.traffic)
    specs = [train_spec(ops.train(n)) for n in names]
    east = tunnel_track(sc, alignment, ops)
    tracks = {"eastbound": east, "westbound": east.reversed()}
    start = None if ops.entry_at_line_speed else 0.0
    profiles = {
        d: {
            s.name: running_profile(
                s,
                tr,
                allowance_pct=ops.allowance_pct,
                allowance_min_per_100km=ops.allowance_min_per_100km,
                start_speed_kmh=start,
                end_speed_kmh=None,
            )
            for s in specs
        }
        for d, tr in tracks.items()
    }
    for spec in specs:
        check_restart(spec, [east, tracks["westbound"]])
    sig = _signalling(ops)
    try:
        per_dir = [headway_matrix([profiles[d][n] for n in names], specs, sig) for d in DIRECTIONS]
    except ScenarioError as exc:
        raise _exit_too_slow(ops, specs, exc) if exc.field == "end_speed_kmh" else exc from None
    headways = {k: max(m[k] for m in per_dir) for k in per_dir[0]}
    running_s = {n: max(profiles[d][n].total_s for d in DIRECTIONS) for n in names}
    total = sum(t.trains_per_day for t in ops.traffic)
    shares = {t.train: t.trains_per_day / total for t in ops.traffic if t.trains_per_day > 0}
    length_km = float(east.position_m[-1]) / 1000.0
    cuts = crossovers_m(sc, alignment, ops, length_km * 1000.0)
    section_s = None
    if cuts:
        back = [length_km * 1000.0 - x for x in cuts]  # the westbound track runs east to west
        section_s = max(
            section_running_s(profiles["eastbound"].values(), cuts),
            section_running_s(profiles["westbound"].values(), back),
        )
    inputs = operations_inputs(ops, names, running_s, headways, length_km, section_s)
    by_direction = open_hours_per_day(inputs)
    open_hours = min(by_direction)
    return CompiledOperations(
        names=names,
        profiles=profiles,
        headway_s=headways,
        running_s=running_s,
        shares=shares,
        open_hours=open_hours,
        maintenance_availability=sum(by_direction) / 48.0,
        capacity=_capacity(headways, shares, ops, open_hours),
        inputs=inputs,
    )


def assess_operations(
    sc: Scenario,
    alignment: AlignmentResult | None,
    *,
    seed: int,
    years: int | None = None,
) -> OperationsAssessment:
    """Run the operations models of a scenario.

    Parameters
    ----------
    sc : Scenario
        A scenario with an ``operations`` section.
    alignment : AlignmentResult or None
        The designed alignment (its gradients); without one the track is level.
    seed : int
        Seed of the simulated years' random streams.
    years : int, optional
        Replicated years (default: the scenario's ``operations.simulated_years``).

    Returns
    -------
    OperationsAssessment
        Running times, headways, capacity and the simulated years.
    """
    c = compile_operations(sc, alignment)
    ops = sc.operations
    if ops is None:  # compile_operations has refused it already
        raise ScenarioError("operations", "(missing)", "this scenario has no operations section")
    n_years = ops.simulated_years if years is None else years
    if not isinstance(n_years, int) or isinstance(n_years, bool) or not 1 <= n_years <= 10**6:
        raise ScenarioError("years", n_years, "allowed: an integer from 1 to 1,000,000")
    parts = [
        simulate_years(c.inputs, seed, size, block)
        for block, _, size in rngmod.blocks(n_years, YEAR_BLOCK)
    ]
    demand = c.inputs.trains_per_day
    trains = {n: ops.train(n) for n in c.names}
    return OperationsAssessment(
        train_types=c.names,
        profiles=c.profiles,
        running_time_min={n: s / 60.0 for n, s in c.running_s.items()},
        headway_s=c.headway_s,
        capacity=c.capacity,
        mix_curve=_mix_curve(c.headway_s, c.shares, ops, c.open_hours),
        open_hours_per_day=c.open_hours,
        maintenance_availability=c.maintenance_availability,
        demand_per_day=max(sum(demand[0]), sum(demand[1])),
        payload_t={n: t.payload_t for n, t in trains.items()},
        teu={n: t.teu for n, t in trains.items()},
        gauge_mm={n: t.gauge_mm for n, t in trains.items()},
        annual=OperationsResult.concatenate(parts),
    )
