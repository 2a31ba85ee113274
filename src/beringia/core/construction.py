"""Monte Carlo of tunnel construction cost and schedule (DAT-style), vectorised over draws.

One call of :func:`simulate_block` simulates a block of draws:

1. sample every uncertain input from its own stream;
2. sample the ground along the route (:mod:`beringia.core.geology`);
3. per bore: advance per ground class = penetration x utilisation x 24 h of the bore's
   machine, or of the machine a zone forces (:func:`zone_machine`: a drill-and-blast or
   NATM stretch), scaled by face area and capped by the best whole-drive average achieved in
   the machine's regime where it has one, else the class's (per zone: closed-face under
   saturation pressure takes the pressurised drives' cap); rare events as Poisson points
   per bore-km; nothing outside the bore's span;
4. schedule: marine works in the ice-free season, site works, machine manufacture and
   delivery by sea (or the end of the drive a reused machine comes from, plus its move),
   launch, a learning curve, boring until headings meet or a heading reaches its stop
   (:mod:`beringia.core.headings`), cross-passages, fit-out, integration, commissioning;
5. cost = fixed + per-metre + time-dependent + events + fit-out + owner's costs.

Times are in days from notice to proceed; money in USD millions inside, USD billions out.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from beringia.core import rng as rngmod
from beringia.core.calendar import MONTH_DAYS, YEAR_DAYS, seasonal_finish
from beringia.core.distributions import DistSpec, FloatArray, ppf
from beringia.core.events import EventIn, add_events, event_rates
from beringia.core.geology import (
    Ground,
    Streams,
    Zone,
    bisect_columns,
    cumsum_rows,
    sample_ground,
)
from beringia.core.headings import solve_fronts
from beringia.core.risks import (
    RiskDraws,
    RiskIn,
    place_delays,
    project_delays,
    risk_costs,
    risk_impacts,
    sample_risks,
)
from beringia.core.rng import VariateCounter
from beringia.errors import NumericalError

COMPONENTS = (
    "machines",
    "sites",
    "tunnelling_length",
    "tunnelling_time",
    "site_overheads",
    "events",
    "risks",
    "cross_passages",
    "fitout",
    "owner",
    "systemic",
)
"""Cost components, in the order they are reported (``systemic``: the project-wide factor)."""

MIN_DRIVE_M = 1e-3
"""A heading that bores less than this (m) did not bore: the rest is rounding."""


@dataclass(frozen=True)
class PointIn:
    """An attack point; string fields are keys into :attr:`ConstructionInputs.inputs`."""

    name: str
    kind: str
    chainage_m: float
    east: bool
    west: bool
    marine_days: str
    site_months: str
    site_cost: str
    overhead: str
    supply: str | None = None
    """Excavated volume per day (m³) the site's deliveries sustain over the year; None: any."""
    spoil: str | None = None
    """Excavated volume per day (m³) whose spoil the site can place or ship; None: any."""
    power: str | None = None
    """Electric power (MW) the site has for the works; None: any."""
    beds: str | None = None
    """Beds of the site's camp for the works' people on site; None: any."""


@dataclass(frozen=True)
class MachineIn:
    """A machine type; per-class keys are in ground-class order."""

    name: str
    reference_diameter_m: float
    penetration: tuple[str, ...]
    utilisation: tuple[str, ...]
    manufacture_months: str
    shipping_days: str
    launch_months: str
    learning_days: str
    learning_efficiency: str
    caps: tuple[tuple[DriveCap, ...], ...] | None = None
    """The machine's own advance caps, ``caps[s][c]`` like :attr:`ConstructionInputs.caps`
    (its method's regime in every ground class); ``None``: each class's regime's."""


@dataclass(frozen=True)
class ReuseIn:
    """A heading of a bore driven by the machine of an earlier heading, moved after it.

    The heading (``point``, ``direction``) of the bore that holds this launches once the
    earlier heading (``after_bore``, ``after_point``, ``after_direction``) has finished
    boring and the machine has been moved (``relocation``: key of the months it takes to
    dismantle, carry and bring it to the new site), then assembles and learns as usual.
    """

    point: int
    direction: str
    after_bore: int
    after_point: int
    after_direction: str
    relocation: str


@dataclass(frozen=True)
class StopIn:
    """A heading that stops at a given chainage; the opposite front bores the rest."""

    point: int
    direction: str
    stop_m: float


@dataclass(frozen=True)
class BoreIn:
    """A bore, over the whole route or over its span ``from_m`` .. ``to_m``.

    Outside its span a bore has nothing to bore: fronts pass there instantly and nothing
    is charged. ``launches`` lists the (point, direction) it launches headings in (``None``:
    every point's own directions); ``reuse`` and ``stops`` refine some of those headings.
    """

    name: str
    role: str
    diameter_m: float
    machine: int
    cost_reference_diameter_m: float
    unit_cost: str
    machine_cost: str
    heading_cost: str
    performance: str
    from_m: float = 0.0
    to_m: float | None = None
    """End of the span (m); ``None``: the route's end."""
    launches: tuple[tuple[int, str], ...] | None = None
    reuse: tuple[ReuseIn, ...] = ()
    stops: tuple[StopIn, ...] = ()


@dataclass(frozen=True)
class DriveCap:
    """The whole-drive averages that bound one ground class's sustained advance.

    The cap for a bore of diameter ``D`` is the best of the drives' calendar averages, each
    scaled ``(d / D) ** (2 alpha)`` from the drive's diameter ``d`` with the area exponent
    ``alpha`` (:func:`drive_caps`); a drive without a diameter is not scaled.
    """

    field: str
    """The scenario path that chose these drives (what to change if the cap binds)."""
    label: str
    """What the drives are, e.g. ``closed-face drives at 5 bar or more``."""
    drives: tuple[tuple[float, float | None], ...]
    """(calendar average m/day, diameter m or None) of each drive."""


def drive_caps(caps: tuple[DriveCap, ...], diameter_m: float, alpha: FloatArray) -> FloatArray:
    """Return each class's cap (m/day) for a bore, shape (C, n), from ``alpha`` of shape (n,).

    Parameters
    ----------
    caps : tuple of DriveCap
        One per ground class.
    diameter_m : float
        The bore's diameter.
    alpha : ndarray
        The area exponent per draw.

    Returns
    -------
    ndarray
        ``max_i avg_i * (d_i / diameter_m) ** (2 alpha)`` per class and draw.
    """
    out = np.zeros((len(caps), alpha.shape[0]))
    for c, cap in enumerate(caps):
        for avg, d in cap.drives:
            scaled = avg * (d / diameter_m) ** (2.0 * alpha) if d is not None else avg
            np.maximum(out[c], scaled, out=out[c])
    return out


@dataclass(frozen=True)
class ConstructionInputs:
    """Everything the construction model needs, as plain data.

    ``inputs`` maps each uncertain scalar (one value per draw) to its distribution; the
    other fields refer to it by key.
    """

    classes: tuple[str, ...]
    zones: tuple[Zone, ...]
    points: tuple[PointIn, ...]
    machines: tuple[MachineIn, ...]
    bores: tuple[BoreIn, ...]
    events: tuple[EventIn, ...]
    inputs: Mapping[str, DistSpec]
    start_day_of_year: float
    season_open_doy: float
    season_close_doy: float
    caps: tuple[tuple[DriveCap, ...], ...]
    """Advance caps: ``caps[s][c]`` for ground class ``c`` under cap set ``s``."""
    zone_caps: tuple[int, ...]
    """The cap set of each zone (set 1: closed-face classes under saturation pressure)."""
    area_exponent: str
    cp_spacing_m: float
    cp_cost: str
    cp_months: str
    fit_usd_per_track_km: str
    fit_fixed: str
    fit_rate: str
    integration_months: str
    commissioning_months: str
    labour_factor: str
    materials_factor: str
    surface_productivity: str
    owner_fraction: str
    systemic_cost: str | None = None
    systemic_schedule: str | None = None
    ventilation_plant: str | None = None
    """Key of the cost of the ventilation and cooling plant at each attack point."""
    power_energy: str | None = None
    """Key of the energy per m³ excavated (MWh), which turns a site's power into m³ a day."""
    beds_per_face: str | None = None
    """Key of the people on site per working face, which turns a site's beds into faces manned."""
    ventilation_reference_m: float | None = None
    """Route a plant of that cost serves; ``None``: every plant costs it, whatever it serves."""
    ventilation_exponent: float | None = None
    """A plant costs ``(route served / ventilation_reference_m) ** this`` times the plant cost."""
    station_spacing_m: float | None = None
    station_cost: str | None = None
    """Key of the cost of one emergency station (stations at most ``station_spacing_m`` apart)."""
    time_scale: float = 1.0
    """Scales every date (anchors the bottom-up schedule to a project's own programme)."""
    risks: tuple[RiskIn, ...] = ()
    risk_groups: Mapping[str, float] = field(default_factory=dict)
    """Correlation of the occurrences within each risk group."""
    zone_machines: Mapping[tuple[str, int], int] = field(default_factory=dict)
    """Methods forced by zone: (zone name, bore index) to the machine that bore uses there
    (:func:`zone_machine`); a pair not listed uses the bore's own machine."""

    @property
    def length_m(self) -> float:
        """Route length (m)."""
        return self.points[-1].chainage_m


@dataclass(frozen=True)
class Heading:
    """A heading: one machine launched from one attack point in one direction in one bore."""

    bore: int
    point: int
    direction: str

    def label(self, inp: ConstructionInputs) -> str:
        """Human-readable name, e.g. ``running-north: big-diomede -> east``."""
        return f"{inp.bores[self.bore].name}: {inp.points[self.point].name} -> {self.direction}"


SPAN_TOL_M = 1e-6
"""Tolerance (m) of a point at the end of a bore's span."""


def bore_span(inp: ConstructionInputs, bore: BoreIn) -> tuple[float, float]:
    """Return a bore's span (m): where it starts and ends along the route."""
    return bore.from_m, inp.length_m if bore.to_m is None else bore.to_m


def full_span(inp: ConstructionInputs, bore: BoreIn) -> bool:
    """Whether a bore runs the whole route."""
    start, end = bore_span(inp, bore)
    return start <= 0.0 and end >= inp.length_m


def launches(inp: ConstructionInputs, b: int, p: int, direction: str) -> bool:
    """Whether bore ``b`` launches a heading at point ``p`` in ``direction``.

    A bore launches where its own ``launches`` say (by default every point's directions),
    and only from points inside its span.
    """
    bore, pt = inp.bores[b], inp.points[p]
    start, end = bore_span(inp, bore)
    if not start - SPAN_TOL_M <= pt.chainage_m <= end + SPAN_TOL_M:
        return False
    if bore.launches is not None:
        return (p, direction) in bore.launches
    return pt.east if direction == "east" else pt.west


def headings(inp: ConstructionInputs) -> list[Heading]:
    """All headings of the scenario, bore by bore, point by point, west before east."""
    out = []
    for b in range(len(inp.bores)):
        for p in range(len(inp.points)):
            for direction in ("west", "east"):
                if launches(inp, b, p, direction):
                    out.append(Heading(b, p, direction))
    return out


def reused(inp: ConstructionInputs, h: Heading) -> ReuseIn | None:
    """Return the reuse of an earlier heading's machine that drives ``h``, if any."""
    for r in inp.bores[h.bore].reuse:
        if (r.point, r.direction) == (h.point, h.direction):
            return r
    return None


def _order(inp: ConstructionInputs) -> tuple[list[int], int | None]:
    """Bores in dependency order as far as it goes, and the first bore left in a cycle."""
    deps = [{r.after_bore for r in bo.reuse} for bo in inp.bores]
    order: list[int] = []
    while len(order) < len(inp.bores):
        ready = [b for b in range(len(inp.bores)) if b not in order and deps[b] <= set(order)]
        if not ready:
            return order, next(b for b in range(len(inp.bores)) if b not in order)
        order.append(ready[0])
    return order, None


def reuse_cycle(inp: ConstructionInputs) -> int | None:
    """Return a bore whose machine reuse waits, through other bores, on itself (or None)."""
    return _order(inp)[1]


def bore_order(inp: ConstructionInputs) -> list[int]:
    """Return the bores in an order that solves a reused machine's first drive before its next.

    Stable: bores keep their order unless a reuse needs an earlier one later. A cycle
    raises ``ValueError`` naming a bore in it (the compiler reports it first, as a scenario
    error, with :func:`reuse_cycle`).
    """
    order, stuck = _order(inp)
    if stuck is not None:
        raise ValueError(f"the machine reuse of bore {inp.bores[stuck].name!r} is a cycle")
    return order


def zone_machine(inp: ConstructionInputs, b: int, zone: str) -> int:
    """Return the machine (method) bore ``b`` uses in zone ``zone``: the zone's, else its own."""
    return inp.zone_machines.get((zone, b), inp.bores[b].machine)


def heading_machine(inp: ConstructionInputs, h: Heading) -> int:
    """Return the machine heading ``h`` starts with, whose lead time it waits for.

    It is the machine its bore uses in the zone where the heading starts boring (the zone
    east of its attack point for an eastward heading, west for a westward one): the bore's
    own, unless that zone forces another (:func:`zone_machine`). A bore that starts in
    drill-and-blast and turns to a TBM has its TBM headings wait for the TBM, and its
    drill-and-blast faces only for their mobilisation.
    """
    c = inp.points[h.point].chainage_m
    east = h.direction == "east"
    for z in inp.zones:
        if (z.from_m <= c < z.to_m) if east else (z.from_m < c <= z.to_m):
            return zone_machine(inp, h.bore, z.name)
    return inp.bores[h.bore].machine


def machine_caps(inp: ConstructionInputs, mi: int) -> tuple[tuple[DriveCap, ...], ...]:
    """Return the advance caps ``[s][c]`` of machine ``mi``: its own, else the classes'.

    A machine with a regime (:attr:`MachineIn.caps`) is capped by its method's drives in
    every ground class; any other by the drives of each class's regime.
    """
    own = inp.machines[mi].caps
    return inp.caps if own is None else own


def _method_bores(inp: ConstructionInputs) -> list[BoreIn]:
    """Each bore, and each bore with each machine a zone forces on it (for the caps)."""
    out = list(inp.bores)
    for b, bore in enumerate(inp.bores):
        forced = {mi for (_, fb), mi in inp.zone_machines.items() if fb == b}
        for mi in sorted(forced - {bore.machine}):
            out.append(replace(bore, machine=mi))
    return out


def span_overlap_m(
    inp: ConstructionInputs, bore: BoreIn, lo: FloatArray | float, hi: FloatArray | float
) -> FloatArray:
    """Length (m) of ``lo .. hi`` inside a bore's span (elementwise, never negative)."""
    start, end = bore_span(inp, bore)
    return np.asarray(np.maximum(np.minimum(hi, end) - np.maximum(lo, start), 0.0))


@dataclass
class Activity:
    """One activity of the schedule network, for every draw of a block."""

    name: str
    group: str
    start: FloatArray
    finish: FloatArray
    critical: NDArray[np.bool_] | None = None


@dataclass
class BlockResult:
    """Outputs of one block of draws (arrays of length ``n`` unless stated)."""

    cost_usd_bn: FloatArray
    duration_years: FloatArray
    breakdown_usd_bn: dict[str, FloatArray]
    heading_length_km: FloatArray  # (H, n)
    heading_duration_years: FloatArray  # (H, n)
    inputs: dict[str, FloatArray]
    inside_duration_years: FloatArray
    """Duration without the project-wide schedule factor (the inside view)."""
    variates: int
    variates_used: tuple[int, int] = (0, 0)
    """Variates the model used (not only drew): uniform doubles, standard exponentials."""
    activities: list[Activity] = field(default_factory=list)
    risk_impacts: dict[str, FloatArray] = field(default_factory=dict)


def sample_inputs(
    inp: ConstructionInputs,
    seed: int,
    block: int,
    n: int,
    counter: VariateCounter,
    given: Mapping[str, FloatArray] | None = None,
) -> dict[str, FloatArray]:
    """Draw every uncertain scalar input for a block from its own stream.

    An input in ``given`` takes those ``n`` values instead (a sensitivity design feeds its
    sample points this way); its stream is not read, and no other stream moves.
    """
    out: dict[str, FloatArray] = {}
    for key, spec in inp.inputs.items():
        if given is not None and key in given:
            out[key] = np.asarray(given[key], dtype=np.float64)
            continue
        if spec.is_fixed:
            out[key] = ppf(spec, np.full(n, 0.5))
            continue
        u = rngmod.stream(seed, "construction", block, "input/" + key).random(n)
        counter.add(n)
        counter.use(uniform=n)
        out[key] = ppf(spec, u)
    return out


def _advance_and_cap(
    inp: ConstructionInputs, bore: BoreIn, x: Mapping[str, FloatArray], cap_set: int = 0
) -> tuple[FloatArray, FloatArray]:
    """Mean advance per ground class for a bore and its cap, both shape (C, n).

    The advance is penetration x utilisation x 24 h scaled to the bore's face area, held
    at the machine's cap of set ``cap_set`` (:func:`machine_caps`, :func:`drive_caps`).
    """
    mach = inp.machines[bore.machine]
    alpha = x[inp.area_exponent]
    scale = (mach.reference_diameter_m / bore.diameter_m) ** (2.0 * alpha)
    cap = drive_caps(machine_caps(inp, bore.machine)[cap_set], bore.diameter_m, alpha)
    rates = np.stack(
        [x[p] * x[u] * 24.0 for p, u in zip(mach.penetration, mach.utilisation, strict=True)]
    )
    return np.asarray(np.minimum(rates * scale, cap), dtype=np.float64), cap


def _advance_m_per_day(
    inp: ConstructionInputs, bore: BoreIn, x: Mapping[str, FloatArray], cap_set: int = 0
) -> FloatArray:
    """Mean advance per ground class for a bore, shape (C, n), capped (:func:`machine_caps`)."""
    return _advance_and_cap(inp, bore, x, cap_set)[0]


def cap_floor(inp: ConstructionInputs, x: Mapping[str, FloatArray]) -> FloatArray:
    """Return the smallest factor on the programme that keeps every machine within its cap.

    The advance a heading keeps in a ground class is ``advance / (performance x factor)``;
    this returns the largest ``advance / (performance x cap)`` over bores, classes and the
    cap sets the zones use. The simulation itself holds each run within its cap
    (:func:`_days_per_metre`); this floor serves the inside view, which re-scales the
    programme to a smaller factor.
    """
    floor = np.zeros(x[inp.area_exponent].shape)
    for bore in _method_bores(inp):
        for cap_set in sorted(set(inp.zone_caps)) or [0]:
            advance, cap = _advance_and_cap(inp, bore, x, cap_set)
            ratio = advance / (cap * x[bore.performance])
            floor = np.maximum(floor, ratio.max(axis=0))
    return floor


def advance_limit(
    inp: ConstructionInputs, bore: BoreIn, median: Callable[[str], float]
) -> tuple[str, float]:
    """Name the input that holds back a bore's slowest advance, and that advance.

    Parameters
    ----------
    inp : ConstructionInputs
        The compiled scenario.
    bore : BoreIn
        The bore.
    median : callable
        ``median(key)``: the median over draws of input ``key``.

    Returns
    -------
    tuple of (str, float)
        The scenario path to change (a penetration or utilisation of the slowest ground
        class, the machine's reference diameter, the area exponent, or the field that sets
        the class's regime when its whole-drive cap binds) and the median advance in that
        class, m/day, as :func:`_advance_m_per_day` gives it (over the cap sets in use).
    """
    mach = inp.machines[bore.machine]
    own_caps = machine_caps(inp, bore.machine)
    alpha = median(inp.area_exponent)
    machine = inp.area_exponent.replace("advance_envelope.area_exponent", "machines.")
    sets = sorted(set(inp.zone_caps)) or [0]
    with np.errstate(all="ignore"):
        scale = (mach.reference_diameter_m / bore.diameter_m) ** (2.0 * alpha)
        raw = [
            median(p) * median(u) * 24.0
            for p, u in zip(mach.penetration, mach.utilisation, strict=True)
        ]
        caps = {s: drive_caps(own_caps[s], bore.diameter_m, np.array([alpha]))[:, 0] for s in sets}
        s, g = min(
            ((s, g) for s in sets for g in range(len(raw))),
            key=lambda sg: np.nan_to_num(min(raw[sg[1]] * scale, caps[sg[0]][sg[1]]), nan=-1.0),
        )
        cap = float(caps[s][g])
        advance = float(min(raw[g] * scale, cap))
    steep = alpha > 2.0  # a face-area exponent far above the ~0.5 of the records
    if not cap >= raw[g] * scale:  # the whole-drive cap binds (or is not a number)
        key = inp.area_exponent if steep else own_caps[s][g].field
    elif not scale >= 0.05:  # scaling from the machine's reference diameter binds
        key = inp.area_exponent if steep else f"{machine}{mach.name}.reference_diameter_m"
    else:  # penetration is ~0.5-5 m/h and utilisation ~0.1-0.6: the one further below
        pen, util = median(mach.penetration[g]), median(mach.utilisation[g])
        key = mach.penetration[g] if pen / 2.0 < util / 0.3 else mach.utilisation[g]
    return key, advance


def best_pace(inp: ConstructionInputs, bore: BoreIn, value: Callable[[str], float]) -> float:
    """Fastest m/day a bore's machine keeps in any ground class, held at the class's cap.

    ``value(key)`` gives each input (a mean or a median); penetration x utilisation x 24 h,
    scaled to the bore's face area, capped by the machine's whole-drive caps of cap set 0
    (:func:`machine_caps`).
    """
    mach = inp.machines[bore.machine]
    alpha = value(inp.area_exponent)
    scale = (mach.reference_diameter_m / bore.diameter_m) ** (2.0 * alpha)
    caps = drive_caps(machine_caps(inp, bore.machine)[0], bore.diameter_m, np.array([alpha]))
    caps = caps[:, 0]
    return float(
        max(
            min(value(pk) * value(uk) * 24.0 * scale, float(c))
            for pk, uk, c in zip(mach.penetration, mach.utilisation, caps, strict=True)
        )
    )


def _days_per_metre(
    inp: ConstructionInputs,
    bore: BoreIn,
    x: Mapping[str, FloatArray],
    ground: Ground,
    methods: tuple[int, ...],
    f_time: FloatArray,
) -> FloatArray:
    """Days to bore one metre of each run, shape (K, n), zone by zone.

    Each zone uses its method's machine (``methods``, one per zone) and its cap set. A run
    takes ``performance / advance`` days per metre, but never less than ``1 / (f_time x
    cap)``: every date is later multiplied by the programme factor ``f_time``, and no factor
    (performance or programme) may make a machine bore faster than its cap. The floor acts
    on boring alone, so a slower crew never shortens anything else.
    """
    sets = inp.zone_caps or (0,) * len(ground.zone_rows)
    combos = list(zip(methods, sets, strict=True))
    per_set: dict[tuple[int, int], FloatArray] = {}
    for mi, s in combos:
        if (mi, s) not in per_set:
            b = bore if mi == bore.machine else replace(bore, machine=mi)
            advance, cap = _advance_and_cap(inp, b, x, s)
            per_set[(mi, s)] = np.maximum(x[bore.performance] / advance, 1.0 / (f_time * cap))
    if len(per_set) == 1:
        return ground.gather(next(iter(per_set.values())))
    out = np.empty(ground.length.shape)
    for (_, start, stop), combo in zip(ground.zone_rows, combos, strict=True):
        np.take(per_set[combo].ravel(), ground.flat_cls[start:stop], out=out[start:stop])
    return out


def site_limits(
    inp: ConstructionInputs, p: PointIn, value: Callable[[str], Any], pace: Any = None
) -> list[tuple[Any, str, str]]:
    """Each limit of a site as (excavated m³ a day it sustains, its input key, what it is).

    ``value(key)`` gives an input: per-draw arrays in the simulation, a median or a mean in
    checks and flags. Power ``P`` MW turns into ``24 P / e`` m³ a day with ``e`` MWh per m³
    excavated (``inp.power_energy``). Given ``pace``, the m/day the site's faces keep at
    their machines' pace, its camp beds (:func:`crew_share`) sustain ``share x pace x V``
    m³ a day (``V``: its faces, :func:`site_face_m2`); without it they are left out, as the
    simulation applies them run by run (:func:`crew_factor`).
    """
    out = [(value(k), k, what) for k, what in ((p.supply, "deliveries"), (p.spoil, "spoil")) if k]
    if p.power is not None and inp.power_energy is not None:
        out.append((24.0 * value(p.power) / value(inp.power_energy), p.power, "power"))
    if pace is not None and p.beds is not None:
        j = inp.points.index(p)
        share = crew_share(inp, j, value)
        if share is not None:
            out.append((share * pace * site_face_m2(inp, j), p.beds, "crews"))
    return out


def site_pace(
    inp: ConstructionInputs, point: int, value: Callable[[str], float], pace: float
) -> tuple[float, str, str] | None:
    """Return the m/day a site's least limit allows each of its faces, with its key and kind.

    Each limit of :func:`site_limits` (camp beds as their share of ``pace``, the fastest the
    site's machines keep) over the face area the site launches (:func:`site_face_m2`).
    ``None`` when the site has no limit or launches no face.
    """
    face = site_face_m2(inp, point)
    limits = site_limits(inp, inp.points[point], value, pace)
    if face <= 0 or not limits:
        return None
    m3, key, what = min(limits)
    return float(m3) / face, key, what


def site_faces(inp: ConstructionInputs, point: int) -> int:
    """Count the headings (faces) launched at attack point ``point``, all bores."""
    return sum(1 for h in headings(inp) if h.point == point)


def crew_share(inp: ConstructionInputs, point: int, value: Callable[[str], Any]) -> Any | None:
    """Share of its faces' full pace that a site's camp can man: ``min(1, B / (K F))``.

    A crew works a face whatever its pace, so beds limit the faces a site mans, not its m³:
    with ``B`` camp beds, ``K`` people on site per working face (``inp.beds_per_face``:
    face crews of every shift, surface, plant and camp staff) and ``F`` faces launched
    there (:func:`site_faces`, all counted as working together, as the supply floor
    counts them), the site mans ``B / K`` faces' worth of pace, shared among its ``F``.
    Never above 1: spare beds speed nothing up. ``None`` when the site gives no beds or
    launches no face.
    """
    p = inp.points[point]
    faces = site_faces(inp, point)
    if p.beds is None or inp.beds_per_face is None or faces == 0:
        return None
    return np.minimum(1.0, value(p.beds) / (value(inp.beds_per_face) * faces))


def site_face_m2(inp: ConstructionInputs, point: int) -> float:
    """Face area (m²) of every heading launched at attack point ``point``, all bores."""
    return float(
        sum(
            np.pi / 4.0 * inp.bores[h.bore].diameter_m ** 2
            for h in headings(inp)
            if h.point == point
        )
    )


def site_capacity(
    inp: ConstructionInputs, p: PointIn, x: Mapping[str, FloatArray]
) -> FloatArray | None:
    """Excavated m³ a day a site sustains: the least of its limits (:func:`site_limits`).

    ``None`` when the site has no limit.
    """
    limits = [m3 for m3, _, _ in site_limits(inp, p, x.__getitem__)]
    if not limits:
        return None
    out: FloatArray = limits[0] if len(limits) == 1 else np.minimum.reduce(limits)
    return out


def supply_floor(
    inp: ConstructionInputs, ground: Ground, x: Mapping[str, FloatArray], f_time: FloatArray
) -> tuple[FloatArray, FloatArray] | None:
    """Least days per metre of each run that the sites' supply allows, per direction, (K, n) each.

    A site whose supply sustains ``S`` m³ of excavation a day (:func:`site_capacity`: the
    least of its deliveries, spoil and power), with headings whose faces add up to ``V`` m²
    (every heading launched there, all bores), can advance each of them at most ``S / V`` m a
    day while they bore together (an approximation: one that has stopped frees no supply for
    the others). Each front bores at its own site's pace (:func:`_per_front`), so the two
    fronts of a stretch may differ. Like the machines' caps the floors are divided by the
    programme factor ``f_time``, since every date is later multiplied by it. Returns the
    eastward and the westward fronts' floors; ``None`` when no site has a supply limit. Camp
    beds limit faces, not m³: they act on the machines' pace instead (:func:`crew_factor`).
    """
    capacity = [site_capacity(inp, p, x) for p in inp.points]
    if all(c is None for c in capacity):
        return None
    per_point = np.zeros((len(inp.points), ground.length.shape[1]))
    for j, cap in enumerate(capacity):
        if cap is None:
            continue
        per_point[j] = site_face_m2(inp, j) / (cap * f_time)
    return _per_front(inp, ground, per_point, 0.0)


def crew_factor(
    inp: ConstructionInputs, ground: Ground, x: Mapping[str, FloatArray]
) -> tuple[FloatArray, FloatArray] | None:
    """Factor (at least 1) on each run's days per metre that the camps allow, per direction.

    A site that mans a share ``s`` of its faces' full pace (:func:`crew_share`) bores each
    metre in ``1 / s`` times the days its machines take, whatever holds them (ground,
    performance, cap): the simulation multiplies a run's machine days per metre by this
    factor, then applies the supply floor (:func:`supply_floor`), so a run takes
    ``max(machine / s, supply)`` days per metre. As for the supply, each front takes its own
    site's factor (:func:`_per_front`). Returns the eastward and the westward fronts'
    factors, shape (K, n) each; ``None`` when no site gives camp beds: nothing changes.
    """
    shares = [crew_share(inp, j, x.__getitem__) for j in range(len(inp.points))]
    if all(s is None for s in shares):
        return None
    per_point = np.ones((len(inp.points), ground.length.shape[1]))
    for j, share in enumerate(shares):
        if share is not None:
            per_point[j] = 1.0 / share
    return _per_front(inp, ground, per_point, 1.0)


def _per_front(
    inp: ConstructionInputs, ground: Ground, per_point: FloatArray, neutral: float
) -> tuple[FloatArray, FloatArray]:
    """Spread a per-site quantity ``(m, n)`` over the runs ``(K, n)``, for each direction.

    An eastward front is supplied and manned by the nearest site at or west of its stretch
    that launches eastward headings, a westward front by the nearest at or east of it that
    launches westward ones (a front that has passed another attack point is taken to be
    served from there on by that point's site if it launches headings its way, an
    approximation: the owner of a front is known only once the fronts are solved).
    ``neutral`` stands where no site launches a front that way. Returns the eastward and the
    westward fronts' values.
    """
    m = len(inp.points)
    n = per_point.shape[1]
    hds = headings(inp)
    chain = np.array([p.chainage_m for p in inp.points])
    mid = 0.5 * (ground.bounds[:-1] + ground.bounds[1:])
    gap = np.clip(np.searchsorted(chain, mid, side="right") - 1, 0, m - 2)
    out = []
    for direction in ("east", "west"):
        launches = [any(h.point == j and h.direction == direction for h in hds) for j in range(m)]
        per_gap = np.full((m - 1, n), neutral)
        site: int | None = None
        east = direction == "east"
        for j in range(m - 1) if east else range(m - 1, 0, -1):  # from the front's side
            if launches[j]:
                site = j
            if site is not None:
                per_gap[j if east else j - 1] = per_point[site]
        out.append(np.asarray(np.take_along_axis(per_gap, gap, axis=0), dtype=np.float64))
    return out[0], out[1]


@dataclass
class Timeline:
    """Schedule of one block (days from notice to proceed), per draw.

    Lists run over attack points or machine types; ``(H, n)`` arrays over headings;
    ``(G, n)`` arrays over the stretches between consecutive attack points.
    """

    marine_done: list[FloatArray]
    site_ready: list[FloatArray]
    delivered: list[FloatArray]
    launch_start: FloatArray  # (H, n)
    boring_start: FloatArray  # (H, n)
    stop: FloatArray  # (H, n) when each heading stopped boring
    active: NDArray[np.bool_]  # (H, n) whether it bored at all
    breakthrough: FloatArray  # (G, n)
    cp_done: FloatArray  # (G, n)
    fit_end: FloatArray  # (G, n): fit-out of the stretch finished
    fit_done: FloatArray  # (G, n): stretch ready (cross-passages and fit-out finished)
    fit_all: FloatArray
    integrated: FloatArray
    commissioned: FloatArray  # testing and commissioning finished
    done: FloatArray  # open: after any project-wide stops of the risk register


@dataclass
class _Boring:
    """What the bores' headings did in one block."""

    launch_start: FloatArray  # (H, n)
    boring_start: FloatArray  # (H, n)
    length_m: FloatArray  # (H, n)
    stop: FloatArray  # (H, n)
    active: NDArray[np.bool_]  # (H, n)
    gap_finish: FloatArray  # (B, G, n)
    event_cost: FloatArray  # (n,)


def _sites_and_machines(
    inp: ConstructionInputs, x: Mapping[str, FloatArray], n: int
) -> tuple[list[FloatArray], list[FloatArray], list[FloatArray]]:
    """Marine works done, sites ready (per point) and machines delivered (per type)."""
    season = (inp.start_day_of_year, inp.season_open_doy, inp.season_close_doy)
    zero = np.zeros(n)
    surface = x[inp.surface_productivity]
    marine_done = [seasonal_finish(zero, x[p.marine_days], *season) for p in inp.points]
    site_ready = [
        md + x[p.site_months] * MONTH_DAYS / surface
        for md, p in zip(marine_done, inp.points, strict=True)
    ]
    delivered = [
        seasonal_finish(x[mc.manufacture_months] * MONTH_DAYS, x[mc.shipping_days], *season)
        for mc in inp.machines
    ]
    return marine_done, site_ready, delivered


def _at(ground: Ground, chain: FloatArray) -> tuple[NDArray[np.intp], FloatArray]:
    """Run index and fraction of that run at each chainage, shape (q, n) each."""
    n = ground.length.shape[1]
    draws = np.arange(n)
    k = bisect_columns(ground.bounds, np.repeat(chain[:, None], n, axis=1))  # (q, n)
    length = ground.length[k, draws]
    offset = chain[:, None] - ground.bounds[k, draws]
    frac = np.clip(np.divide(offset, length, out=np.zeros_like(length), where=length > 0), 0, 1)
    return k, frac


class _Meeting:
    """Where the two fronts of each gap of one bore meet when they bore at different paces.

    ``cum_east``/``cum_west`` (K + 1, n) are the days an eastward/westward front needs from
    chainage 0 to each run boundary, ``run_east``/``run_west`` (K, n) the days of each run,
    and ``k``, ``frac`` (m, n) the run and fraction of it at each of the bore's points. The
    fronts leaving a gap's ends at ``left`` and ``right`` meet at the chainage ``x`` where
    ``left + E(x) - E(a) = right + W(b) - W(x)`` (``E``, ``W`` the two cumulative days,
    piecewise linear in chainage): ``E + W`` rises along the bore, so ``x`` is found by
    bisection on it and is exact within each run.
    """

    def __init__(
        self,
        cum_east: FloatArray,
        cum_west: FloatArray,
        run_east: FloatArray,
        run_west: FloatArray,
        k: NDArray[np.intp],
        frac: FloatArray,
    ) -> None:
        n = run_east.shape[1]
        self._draws = np.arange(n)
        self._cum_east, self._run_east, self._run_west = cum_east, run_east, run_west
        self._sum = cum_east + cum_west
        self._at_east = cum_east[k, self._draws] + frac * run_east[k, self._draws]  # (m, n)
        self._at_west = cum_west[k, self._draws] + frac * run_west[k, self._draws]

    def gap_west(self) -> FloatArray:
        """Days a westward front needs for each gap, shape (n, m - 1)."""
        return np.asarray(np.diff(self._at_west, axis=0).T, dtype=np.float64)

    def __call__(self, left: FloatArray, right: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Meeting day and the eastward front's days to the meeting point, each (n, m - 1)."""
        d = self._draws
        a_east = self._at_east[:-1]  # (m - 1, n)
        target = right.T - left.T + a_east + self._at_west[1:]
        k = bisect_columns(self._sum, target)
        both = self._run_east[k, d] + self._run_west[k, d]
        frac = np.divide(target - self._sum[k, d], both, out=np.zeros_like(both), where=both > 0)
        x_east = self._cum_east[k, d] + np.clip(frac, 0.0, 1.0) * self._run_east[k, d]
        days = np.clip(x_east - a_east, 0.0, np.diff(self._at_east, axis=0)).T
        return left + days, days


def _inside(
    ground: Ground, k: NDArray[np.intp], start: float, end: float
) -> tuple[FloatArray, FloatArray]:
    """Where the part of run ``k`` inside the span ``start .. end`` begins, and its length."""
    draws = np.arange(ground.length.shape[1])
    lo = np.maximum(ground.bounds[k, draws], start)
    return lo, np.maximum(np.minimum(ground.bounds[k + 1, draws], end) - lo, 0.0)


def _span_at(
    ground: Ground, chain: FloatArray, start: float, end: float
) -> tuple[NDArray[np.intp], FloatArray]:
    """Run index and fraction of each chainage along the part of its run inside a span.

    A bore placed on ``start .. end`` bores only that part of a run that straddles a span
    end (its days are the run's share inside), so a point's place in the run is measured
    along that part; a point outside the span sits at the part's nearer end.
    """
    k, _ = _at(ground, chain)
    lo, inside = _inside(ground, k, start, end)
    offset = chain[:, None] - lo
    frac = np.clip(np.divide(offset, inside, out=np.zeros_like(inside), where=inside > 0), 0, 1)
    return k, frac


def bore_points(
    inp: ConstructionInputs, bore: BoreIn
) -> tuple[FloatArray, NDArray[np.intp], NDArray[np.bool_], NDArray[np.bool_]]:
    """Return the points a bore's fronts run between: attack points and stop chainages.

    Returns chainages (sorted), the attack point each is (``-1``: a virtual point at a
    stop) and the eastward and westward barriers there.
    """
    chain = [p.chainage_m for p in inp.points]
    glob = list(range(len(chain)))
    east, west = [False] * len(chain), [False] * len(chain)
    for st in bore.stops:
        at = next((i for i, c in enumerate(chain) if abs(c - st.stop_m) <= SPAN_TOL_M), None)
        if at is None:
            at = int(np.searchsorted(chain, st.stop_m))
            chain.insert(at, st.stop_m)
            glob.insert(at, -1)
            east.insert(at, False)
            west.insert(at, False)
        (east if st.direction == "east" else west)[at] = True
    return (
        np.asarray(chain, dtype=np.float64),
        np.asarray(glob, dtype=np.intp),
        np.asarray(east),
        np.asarray(west),
    )


def _bore(
    inp: ConstructionInputs,
    ground: Ground,
    x: Mapping[str, FloatArray],
    site_ready: list[FloatArray],
    delivered: list[FloatArray],
    streams: Streams,
    counter: VariateCounter,
    risks: RiskDraws,
    f_time: FloatArray,
) -> _Boring:
    """Drive every heading of every bore through the sampled ground.

    Place risks of the register (:mod:`beringia.core.risks`) stop the heading that meets
    their chainage: their delay is added to the run of ground that holds it. Bores are
    solved in :func:`bore_order`, so a machine reused for a later drive has finished its
    first one; a bore's runs outside its span take no time (fronts pass there instantly)
    and draw no events or risks; a heading with a stop chainage leaves the rest of its
    stretch to the opposite front.
    """
    n = ground.length.shape[1]
    hds = headings(inp)
    index = {h: i for i, h in enumerate(hds)}
    chain = np.array([p.chainage_m for p in inp.points])
    m = len(chain)
    draws = np.arange(n)
    # Run index and fraction of that run at each attack point (shared by the bores).
    point_k, point_frac = _at(ground, chain)
    out = _Boring(
        launch_start=np.zeros((len(hds), n)),
        boring_start=np.zeros((len(hds), n)),
        length_m=np.zeros((len(hds), n)),
        stop=np.zeros((len(hds), n)),
        active=np.zeros((len(hds), n), dtype=bool),
        gap_finish=np.zeros((len(inp.bores), m - 1, n)),
        event_cost=np.zeros(n),
    )
    cum = np.empty((ground.length.shape[0] + 1, n))
    cum[0] = 0.0
    rates = event_rates(inp.events, ground, x)
    floors = supply_floor(inp, ground, x, f_time)
    crews = crew_factor(inp, ground, x)
    two_paces = floors is not None or crews is not None
    cum_west = cum.copy() if two_paces else None
    # Days per run (eastward fronts; westward fronts where the sites' limits differ).
    base: dict[tuple[object, ...], tuple[FloatArray, FloatArray | None]] = {}
    for b in bore_order(inp):
        bore = inp.bores[b]
        # Days to bore each run, then stoppages, then days from chainage 0 to each boundary.
        # Bores with the same machines and diameter share the ground's days per run.
        methods = tuple(zone_machine(inp, b, z) for z, _, _ in ground.zone_rows)
        key: tuple[object, ...] = (bore.machine, bore.diameter_m, bore.performance)
        if any(mi != bore.machine for mi in methods):
            key += methods
        if key not in base:
            per_m = _days_per_metre(inp, bore, x, ground, methods, f_time)
            if not two_paces:
                per_m *= ground.length
                base[key] = (per_m, None)
            else:
                paced = []
                for d in range(2):  # eastward, westward fronts
                    days = per_m if crews is None else per_m * crews[d]  # a camp's share
                    if floors is not None:  # no site supplies more than it can
                        days = np.maximum(days, floors[d])
                    paced.append(days * ground.length)
                base[key] = (paced[0], paced[1])
        east_base, west_base = base[key]
        run_days = east_base.copy()
        run_west = None if west_base is None else west_base.copy()
        bore_rates = rates
        whole = full_span(inp, bore)
        if not whole:  # only the part of each run inside the span is bored
            inside = span_overlap_m(inp, bore, ground.bounds[:-1], ground.bounds[1:])
            share = np.divide(
                inside, ground.length, out=np.zeros_like(inside), where=ground.length > 0
            )
            run_days *= share
            if run_west is not None:
                run_west *= share
            if rates is not None:
                bore_rates = replace(rates, per_run=rates.per_run * share)
        bored = None if run_west is None else run_days.copy()
        out.event_cost += add_events(
            inp.events, ground, bore.name, bore_rates, run_days, streams, counter
        )
        if run_west is not None and bored is not None:  # a stoppage holds either front
            run_west += run_days - bored
        if inp.risks:
            at_m, delay = place_delays(inp.risks, risks, b, len(inp.bores))
            if not whole:
                delay = np.where(span_overlap_m(inp, bore, at_m, at_m + 1.0) > 0, delay, 0.0)
            for r in np.flatnonzero(delay.any(axis=1)):
                hit = np.flatnonzero(delay[r])
                k_r = bisect_columns(ground.bounds[:, hit], at_m[r, hit][None, :])[0]
                for days_of in (run_days, run_west):
                    if days_of is not None:
                        np.add.at(days_of, (k_r, hit), delay[r, hit])
        cumsum_rows(run_days, cum[1:])
        bchain, glob, e_bar, w_bar = bore_points(inp, bore)
        start, end = bore_span(inp, bore)
        if not whole:  # a point's place along the part of its run inside the span
            bk, bfrac = _span_at(ground, bchain, start, end)
        elif bore.stops:
            bk, bfrac = _at(ground, bchain)
        else:
            bk, bfrac = point_k, point_frac
        mb = len(bchain)
        pos = {int(g): j for j, g in enumerate(glob) if g >= 0}  # attack point -> index
        g_at = cum[bk, draws] + bfrac * run_days[bk, draws]  # (mb, n)
        meeting: _Meeting | None = None
        if run_west is not None and cum_west is not None:
            cumsum_rows(run_west, cum_west[1:])
            meeting = _Meeting(cum, cum_west, run_days, run_west, bk, bfrac)
        east = np.full((mb, n), np.inf)
        west = np.full((mb, n), np.inf)
        mine = [(i, h) for i, h in enumerate(hds) if h.bore == b]
        for i, h in mine:
            hm = heading_machine(inp, h)  # the machine it starts with: its lead times
            mach = inp.machines[hm]
            learning = x[mach.learning_days] * (1.0 - x[mach.learning_efficiency]) / 2.0
            launch = x[mach.launch_months] * MONTH_DAYS
            ready = np.maximum(site_ready[h.point], delivered[hm])
            ru = reused(inp, h)
            if ru is not None:  # the machine comes from an earlier heading, moved
                j = index[Heading(ru.after_bore, ru.after_point, ru.after_direction)]
                bored = out.active[j] & (out.length_m[j] > MIN_DRIVE_M)
                free = np.where(bored, out.stop[j], out.launch_start[j])
                ready = np.maximum(site_ready[h.point], free + x[ru.relocation] * MONTH_DAYS)
            out.launch_start[i] = ready
            out.boring_start[i] = out.launch_start[i] + launch + learning
            (east if h.direction == "east" else west)[pos[h.point]] = out.boring_start[i]
        gaps = np.diff(g_at, axis=0).T
        fr = solve_fronts(
            gaps,
            east.T,
            west.T,
            east_barrier=e_bar if bore.stops else None,
            west_barrier=w_bar if bore.stops else None,
            gap_time_west=None if meeting is None else meeting.gap_west(),
            meeting=meeting,
        )
        # Chainage where the fronts of each stretch meet: invert days -> chainage.
        target = g_at[:-1] + fr.meet.T  # (mb-1, n)
        k = bisect_columns(cum, target)
        days = run_days[k, draws]
        frac = np.divide(target - cum[k, draws], days, out=np.zeros_like(days), where=days > 0)
        if whole:
            x_meet = ground.bounds[k, draws] + np.clip(frac, 0.0, 1.0) * ground.length[k, draws]
        else:  # along the part of the run inside the span, as the points are placed
            lo, inside = _inside(ground, k, start, end)
            x_meet = lo + np.clip(frac, 0.0, 1.0) * inside
        x_meet = np.clip(x_meet, bchain[:-1, None], bchain[1:, None])
        for gi in range(mb - 1):
            for i, h in mine:
                if h.direction == "east":
                    owns = fr.east_owner[:, gi] == pos[h.point]
                    lo, hi = bchain[gi], x_meet[gi]
                else:
                    owns = fr.west_owner[:, gi + 1] == pos[h.point]
                    lo, hi = x_meet[gi], bchain[gi + 1]
                extent = hi - lo if whole else span_overlap_m(inp, bore, lo, hi)
                out.length_m[i] += np.where(owns, extent, 0.0)
                out.stop[i] = np.where(
                    owns, np.maximum(out.stop[i], fr.gap_finish[:, gi]), out.stop[i]
                )
                out.active[i] |= owns
        for i, h in mine:  # a launch overtaken by another heading never bored
            own = fr.east_owner if h.direction == "east" else fr.west_owner
            out.active[i] &= own[:, pos[h.point]] == pos[h.point]
        if bore.stops or not whole:
            # A stretch is finished when its last part is; parts outside the span are not
            # the bore's to finish.
            sub = fr.gap_finish.T.copy()  # (mb-1, n)
            outside = span_overlap_m(inp, bore, bchain[:-1], bchain[1:]) <= 0
            sub[outside] = 0.0
            stretch = np.searchsorted(chain, bchain[:-1], side="right") - 1
            out.gap_finish[b] = 0.0
            for j, gi in enumerate(stretch):
                out.gap_finish[b, gi] = np.maximum(out.gap_finish[b, gi], sub[j])
        else:
            out.gap_finish[b] = fr.gap_finish.T
    # Overtaken before it bored: idle. A share below a millimetre is rounding in the
    # meeting point (days -> chainage), not boring.
    out.active &= (out.stop > 0) & (out.length_m > MIN_DRIVE_M)
    out.length_m = np.where(out.active, out.length_m, 0.0)
    never = ~np.isfinite(out.gap_finish)  # (bores, stretches, n)
    if never.any():
        b, gi, _ = (int(i[0]) for i in np.nonzero(never))
        culprit, advance = advance_limit(inp, inp.bores[b], lambda k: float(np.median(x[k])))
        with np.errstate(divide="ignore", over="ignore"):
            endless_boring = not np.isfinite(1.0 / np.float64(advance))
        stretch_name = f"{inp.points[gi].name} - {inp.points[gi + 1].name}"
        where = f"bore {inp.bores[b].name!r} never finishes the stretch {stretch_name}"
        raise NumericalError(
            f"{culprit}: {where}, its advance being {advance:.3g} m/day; change it"
            if endless_boring
            else f"construction.events: {where}, its stoppages never ending; lower the "
            "events' delay_days or rate_multiplier"
        )
    return out


def emergency_stations(inp: ConstructionInputs) -> int:
    """Underground emergency stations: the fewest that keep every gap within the spacing.

    The portals count as ends, so a tunnel of length ``L`` needs ``ceil(L / spacing) - 1``
    (the Gotthard's 57 km at 20 km: 2, as built at Sedrun and Faido).
    """
    if inp.station_spacing_m is None:
        return 0
    return max(0, int(np.ceil(inp.length_m / inp.station_spacing_m - 1e-9)) - 1)


def ventilation_plants(inp: ConstructionInputs) -> float:
    """Ventilation plants in units of the reference plant: one per attack point, sized.

    Each attack point's plant serves the route to the middle of the stretch on either side
    (a portal: half its one stretch). Sized, a plant serving ``s`` metres counts
    ``(s / ventilation_reference_m) ** ventilation_exponent`` reference plants (a cost-capacity
    rule: the fans' duty grows with the length of tunnel they ventilate); unsized, one each.
    """
    if inp.ventilation_plant is None:
        return 0.0
    if inp.ventilation_reference_m is None or inp.ventilation_exponent is None:
        return float(len(inp.points))
    chain = np.array([p.chainage_m for p in inp.points], dtype=np.float64)
    gaps = np.diff(chain)
    served = np.zeros(chain.size)
    served[:-1] += 0.5 * gaps
    served[1:] += 0.5 * gaps
    return float(np.sum((served / inp.ventilation_reference_m) ** inp.ventilation_exponent))


def bore_km(inp: ConstructionInputs, bore: BoreIn) -> float:
    """Length of a bore (km): its span."""
    if full_span(inp, bore):
        return inp.length_m / 1000.0
    start, end = bore_span(inp, bore)
    return (end - start) / 1000.0


def running_track_km(inp: ConstructionInputs, lo: float = 0.0, hi: float | None = None) -> float:
    """Track-km of the running bores between chainages ``lo`` and ``hi`` (m; default all)."""
    hi = inp.length_m if hi is None else hi
    running = [bo for bo in inp.bores if bo.role == "running"]
    if all(full_span(inp, bo) for bo in running):
        return len(running) * ((hi - lo) / 1000.0)
    return sum(float(span_overlap_m(inp, bo, lo, hi)) for bo in running) / 1000.0


def side_by_side_m(inp: ConstructionInputs) -> float:
    """Length (m) where two bores run side by side: where cross-passages join them.

    A tunnel of a single bore counts its whole span (its cross-passages are refuges).
    """
    if all(full_span(inp, bo) for bo in inp.bores):
        return inp.length_m
    spans = [bore_span(inp, bo) for bo in inp.bores]
    need = min(2, len(spans))
    cuts = sorted({c for span in spans for c in span})
    return sum(
        hi - lo
        for lo, hi in itertools.pairwise(cuts)
        if sum(1 for s, e in spans if s <= lo and hi <= e) >= need
    )


def _costs(
    inp: ConstructionInputs,
    x: Mapping[str, FloatArray],
    bored: _Boring,
    years: FloatArray,
    f_time: FloatArray,
    risk_cost: FloatArray,
) -> dict[str, FloatArray]:
    """Bottom-up cost components (USD m) per draw, in :data:`COMPONENTS` order.

    ``years`` is the final duration (after the schedule factor ``f_time``), and heading days
    are dilated by ``f_time`` too: time-dependent costs are paid on the schedule the project
    actually keeps, so a project that takes twice as long pays for twice the time.
    """
    hds = headings(inp)
    zero = np.zeros_like(years)
    labour, materials = x[inp.labour_factor], x[inp.materials_factor]
    # Days a heading's crew and machine are on the clock: from launch to the end of boring,
    # or, for a heading overtaken before it bored, to the earlier of its boring start and the
    # day the opposite front reached it (never negative); then dilated like every date.
    overtaken = np.where(bored.stop > 0, np.minimum(bored.stop, bored.boring_start), np.inf)
    idle_end = np.minimum(bored.boring_start, overtaken)
    active_days = f_time * np.where(
        bored.active,
        bored.stop - bored.launch_start,
        np.maximum(idle_end - bored.launch_start, 0.0),
    )
    area = [(bo.diameter_m / bo.cost_reference_diameter_m) ** 2 for bo in inp.bores]
    comp = {
        # One machine per heading, except a heading driven by an earlier heading's machine.
        "machines": sum(
            (x[inp.bores[h.bore].machine_cost] for h in hds if reused(inp, h) is None),
            start=zero,
        ),
        "sites": sum((x[p.site_cost] for p in inp.points), start=zero),
        "tunnelling_length": materials
        * sum(
            (bore_km(inp, bo) * x[bo.unit_cost] * a for bo, a in zip(inp.bores, area, strict=True)),
            start=zero,
        ),
        "tunnelling_time": labour
        * sum(
            (active_days[i] * x[inp.bores[h.bore].heading_cost] for i, h in enumerate(hds)),
            start=zero,
        ),
        "site_overheads": labour * years * sum((x[p.overhead] for p in inp.points), start=zero),
        "events": bored.event_cost,
        "risks": risk_cost,
        "cross_passages": materials
        * np.floor(side_by_side_m(inp) / inp.cp_spacing_m)
        * x[inp.cp_cost],
        "fitout": materials
        * (
            running_track_km(inp) * x[inp.fit_usd_per_track_km]
            + x[inp.fit_fixed]
            + (
                0.0
                if inp.ventilation_plant is None
                else ventilation_plants(inp) * x[inp.ventilation_plant]
            )
            + (0.0 if inp.station_cost is None else emergency_stations(inp) * x[inp.station_cost])
        ),
    }
    comp["owner"] = x[inp.owner_fraction] * sum(comp.values(), start=zero)
    return {k: comp[k] for k in COMPONENTS if k != "systemic"}


def _risk_variates_used(inp: ConstructionInputs, risks: RiskDraws) -> int:
    """Count the register's uniforms a block uses (after :func:`project_delays`).

    Every risk uses its occurrence uniform, and every correlated group its common factor;
    an occurrence uses its delay and cost, a place risk drawn by probability its place, and
    a risk of one bore out of several its bore.
    """
    n = risks.count.shape[1] if risks.count.ndim == 2 else 0
    used = len(inp.risks) * n
    for g, rho in inp.risk_groups.items():
        if rho > 0.0 and any(r.group == g for r in inp.risks):
            used += n
    for i, risk in enumerate(inp.risks):
        hits = int(np.count_nonzero(risks.count[i] > 0))
        used += 2 * hits
        if risk.is_place and risk.rate_per_km is None:
            used += hits
        if risk.is_place and risk.bore is None and not risk.all_bores:
            used += hits
    return used


def simulate_block(
    inp: ConstructionInputs,
    seed: int,
    block: int,
    n: int,
    *,
    detail: bool = False,
    given: Mapping[str, FloatArray] | None = None,
) -> BlockResult:
    """Simulate ``n`` draws of block ``block``.

    Parameters
    ----------
    inp : ConstructionInputs
        The compiled scenario.
    seed : int
        The user's seed.
    block : int
        Block index; with ``seed`` it fixes every random stream.
    n : int
        Draws in this block.
    detail : bool
        Also return the schedule's activities (start, finish, critical) for every draw.
    given : mapping, optional
        Input key to ``n`` values used in place of that input's draws
        (:func:`sample_inputs`); the ground, events and every other input keep theirs.

    Returns
    -------
    BlockResult
        Per-draw outputs.
    """
    counter = VariateCounter()

    def streams(key: str) -> np.random.Generator:
        return rngmod.stream(seed, "construction", block, key)

    x = sample_inputs(inp, seed, block, n, counter, given)
    ground = sample_ground(inp.zones, streams, n)
    counter.add(2 * ground.length.size)
    runs = int(np.count_nonzero(ground.length > 0))  # runs past a zone's end are not used
    counter.use(uniform=runs, exponential=runs)
    marine_done, site_ready, delivered = _sites_and_machines(inp, x, n)
    risks = sample_risks(inp.risks, x, inp.risk_groups, streams, counter, n)
    # Project-wide risk: one factor per draw on the whole cost, one dilating the whole
    # programme (every date scales by it, so the schedule's logic is kept). Neither goes
    # below 1: the reference classes' ratios below 1 are outturns under estimates that
    # carried contingency, and the bottom-up base carries none. Boring is held within the
    # caps under the factor (:func:`_days_per_metre`).
    ones = np.ones(n)
    f_cost = np.maximum(x[inp.systemic_cost], 1.0) if inp.systemic_cost is not None else ones
    f_time = np.maximum(x[inp.systemic_schedule], 1.0) if inp.systemic_schedule else ones
    if inp.time_scale != 1.0:
        f_time = f_time * inp.time_scale
    bored = _bore(inp, ground, x, site_ready, delivered, streams, counter, risks, f_time)

    # When the last bore of a stretch breaks through, its cross-passages are finished and
    # its fit-out runs from both ends, side by side; the stretch is ready when both are
    # done. Then integration and commissioning of the whole line.
    breakthrough = bored.gap_finish.max(axis=0)  # (m-1, n)
    cp_done = breakthrough + x[inp.cp_months] * MONTH_DAYS
    pts = inp.points
    track_km = np.array(
        [running_track_km(inp, a.chainage_m, b.chainage_m) for a, b in itertools.pairwise(pts)]
    )
    fit_months = track_km[:, None] / (2.0 * x[inp.fit_rate])
    fit_end = breakthrough + fit_months * MONTH_DAYS
    fit_done = np.maximum(cp_done, fit_end)
    fit_all = fit_done.max(axis=0)
    integrated = fit_all + x[inp.integration_months] * MONTH_DAYS
    commissioned = integrated + x[inp.commissioning_months] * MONTH_DAYS

    # Project-wide risks (political stops, failed supply seasons, earthquakes) delay every
    # later date by their own length, not dilated; shown as one stop before opening. Rates
    # act over the works' duration.
    stops = project_delays(inp.risks, risks, x, commissioned * f_time / YEAR_DAYS)
    counter.use(uniform=_risk_variates_used(inp, risks))
    done = commissioned * f_time + stops
    years = done / YEAR_DAYS
    # The inside view: the same draw without the project-wide schedule factor (the anchor
    # kept), for the report's three views. An approximation: the programme is the one held
    # within the caps under the full factor, re-scaled, and floored so that no machine beats
    # its cap at the smaller factor. The floor stretches the whole programme, not only the
    # boring, so it is held at the full factor: the inside view is never longer than the
    # headline (a smaller factor never lengthens a programme), only at worst as long.
    f_inside = np.minimum(np.maximum(np.full(n, inp.time_scale), cap_floor(inp, x)), f_time)
    inside_years = (commissioned * f_inside + stops) / YEAR_DAYS
    rc = risk_costs(risks)
    comp = _costs(inp, x, bored, years, f_time, rc)
    bottom_up = sum(comp.values(), start=np.zeros(n))
    systemic = bottom_up * (f_cost - 1.0)
    total = bottom_up + systemic
    if inp.systemic_schedule is not None:
        # The components are the inside view's: time-dependent costs on the inside schedule.
        # What the schedule factor adds to them (crews, plant and sites kept longer) is
        # project-wide, so it joins the systemic part; the total is the same.
        comp = _costs(inp, x, bored, inside_years, f_inside, rc)
        systemic = total - sum(comp.values(), start=np.zeros(n))
    comp["systemic"] = systemic
    # Non-finite results are reported by the pipeline's checks, naming the input to change.
    boring_days = np.where(bored.active, bored.stop - bored.boring_start, 0.0)
    result = BlockResult(
        cost_usd_bn=total / 1000.0,
        duration_years=years,
        breakdown_usd_bn={k: v / 1000.0 for k, v in comp.items()},
        heading_length_km=bored.length_m / 1000.0,
        heading_duration_years=boring_days * f_time / YEAR_DAYS,
        inputs={k: v for k, v in x.items() if not inp.inputs[k].is_fixed},
        inside_duration_years=inside_years,
        variates=counter.n,
        variates_used=(counter.used_uniform, counter.used_exponential),
        risk_impacts=risk_impacts(inp.risks, risks),
    )
    if detail:
        timeline = Timeline(
            marine_done=[a * f_time for a in marine_done],
            site_ready=[a * f_time for a in site_ready],
            delivered=[a * f_time for a in delivered],
            launch_start=bored.launch_start * f_time,
            boring_start=bored.boring_start * f_time,
            stop=bored.stop * f_time,
            active=bored.active,
            breakthrough=breakthrough * f_time,
            cp_done=cp_done * f_time,
            fit_end=fit_end * f_time,
            fit_done=fit_done * f_time,
            fit_all=fit_all * f_time,
            integrated=integrated * f_time,
            commissioned=commissioned * f_time,
            done=done,
        )
        result.activities = activities(inp, timeline)
    return result


def activities(inp: ConstructionInputs, t: Timeline) -> list[Activity]:
    """Return the schedule network's activities with a critical-path flag, per draw."""
    hds = headings(inp)
    n = t.done.shape[0]
    zero = np.zeros(n)
    acts: list[Activity] = []
    tol = 1e-6
    # Critical path traced backwards from commissioning.
    last_gap = np.argmax(t.fit_done, axis=0)
    gaps = range(t.fit_done.shape[0])
    crit_gap = [last_gap == gi for gi in gaps]
    crit_heading = np.zeros((len(hds), n), dtype=bool)
    for i in range(len(hds)):
        for gi in gaps:
            crit_heading[i] |= (
                crit_gap[gi] & t.active[i] & (np.abs(t.stop[i] - t.breakthrough[gi]) < tol)
            )
    crit_site = np.zeros((len(inp.points), n), dtype=bool)
    crit_machine = np.zeros((len(inp.machines), n), dtype=bool)
    for i, h in enumerate(hds):
        site_is = np.abs(t.launch_start[i] - t.site_ready[h.point]) < tol
        crit_site[h.point] |= crit_heading[i] & site_is
        if reused(inp, h) is None:  # a reused machine waits for its earlier drive
            crit_machine[heading_machine(inp, h)] |= crit_heading[i] & ~site_is
    for p, pt in enumerate(inp.points):
        acts.append(
            Activity(f"marine works: {pt.name}", "sites", zero, t.marine_done[p], crit_site[p])
        )
        acts.append(
            Activity(
                f"site works: {pt.name}", "sites", t.marine_done[p], t.site_ready[p], crit_site[p]
            )
        )
    for mi, mc in enumerate(inp.machines):
        acts.append(
            Activity(
                f"manufacture and delivery: {mc.name}",
                "machines",
                zero,
                t.delivered[mi],
                crit_machine[mi],
            )
        )
    for i, h in enumerate(hds):
        label = h.label(inp)
        acts.append(
            Activity(
                f"launch: {label}", "launch", t.launch_start[i], t.boring_start[i], crit_heading[i]
            )
        )
        stop = np.where(t.active[i], t.stop[i], t.boring_start[i])
        acts.append(
            Activity(f"boring: {label}", "boring", t.boring_start[i], stop, crit_heading[i])
        )
    for gi in gaps:
        name = f"{inp.points[gi].name} - {inp.points[gi + 1].name}"
        cp_last = t.cp_done[gi] >= t.fit_end[gi]
        acts.append(
            Activity(
                f"cross-passages: {name}",
                "fit-out",
                t.breakthrough[gi],
                t.cp_done[gi],
                crit_gap[gi] & cp_last,
            )
        )
        acts.append(
            Activity(
                f"fit-out: {name}",
                "fit-out",
                t.breakthrough[gi],
                t.fit_end[gi],
                crit_gap[gi] & ~cp_last,
            )
        )
    ones = np.ones(n, dtype=bool)
    acts.append(Activity("system integration", "commissioning", t.fit_all, t.integrated, ones))
    acts.append(
        Activity("testing and commissioning", "commissioning", t.integrated, t.commissioned, ones)
    )
    if any(not r.is_place for r in inp.risks):
        stops = "project-wide stops (risk register)"
        acts.append(Activity(stops, "risks", t.commissioned, t.done, ones))
    return acts
