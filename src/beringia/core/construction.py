"""Monte Carlo of tunnel construction cost and schedule (DAT-style), vectorised over draws.

One call of :func:`simulate_block` simulates a block of draws:

1. sample every uncertain input from its own stream;
2. sample the ground along the route (:mod:`beringia.core.geology`);
3. per bore: advance per ground class = penetration x utilisation x 24 h, scaled by face
   area and capped by the record envelope; rare events as Poisson points per bore-km;
4. schedule: marine works in the ice-free season, site works, machine manufacture and
   delivery by sea, launch, a learning curve, boring until headings meet
   (:mod:`beringia.core.headings`), cross-passages, fit-out, integration, commissioning;
5. cost = fixed + per-metre + time-dependent + events + fit-out + owner's costs.

Times are in days from notice to proceed; money in USD millions inside, USD billions out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from beringia.core import rng as rngmod
from beringia.core.calendar import MONTH_DAYS, YEAR_DAYS, seasonal_finish
from beringia.core.distributions import DistSpec, FloatArray, ppf
from beringia.core.geology import (
    Ground,
    Streams,
    Zone,
    bisect_columns,
    cumsum_rows,
    sample_ground,
)
from beringia.core.headings import solve_fronts
from beringia.errors import NumericalError

COMPONENTS = (
    "machines",
    "sites",
    "tunnelling_length",
    "tunnelling_time",
    "site_overheads",
    "events",
    "cross_passages",
    "fitout",
    "owner",
)
"""Cost components, in the order they are reported."""


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


@dataclass(frozen=True)
class BoreIn:
    """A bore along the whole route."""

    name: str
    role: str
    diameter_m: float
    machine: int
    cost_reference_diameter_m: float
    unit_cost: str
    machine_cost: str
    heading_cost: str
    performance: str


@dataclass(frozen=True)
class EventIn:
    """A rare-event type: rates per bore-km by ground class, per-event delay and cost."""

    name: str
    rate_per_km: tuple[float, ...]
    rate_multiplier: str
    delay_days: DistSpec
    cost_usd_m: DistSpec


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
    record_m_per_day: float
    record_diameter_m: float
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


def headings(inp: ConstructionInputs) -> list[Heading]:
    """All headings of the scenario, bore by bore, point by point, west before east."""
    out = []
    for b in range(len(inp.bores)):
        for p, pt in enumerate(inp.points):
            if pt.west:
                out.append(Heading(b, p, "west"))
            if pt.east:
                out.append(Heading(b, p, "east"))
    return out


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
    variates: int
    activities: list[Activity] = field(default_factory=list)


class _Counter:
    """Counts the random variates a block draws (for the benchmark's raw-limit peer)."""

    def __init__(self) -> None:
        self.n = 0

    def add(self, size: int) -> None:
        self.n += int(size)


def sample_inputs(
    inp: ConstructionInputs, seed: int, block: int, n: int, counter: _Counter
) -> dict[str, FloatArray]:
    """Draw every uncertain scalar input for a block from its own stream."""
    out: dict[str, FloatArray] = {}
    for key, spec in inp.inputs.items():
        if spec.is_fixed:
            out[key] = ppf(spec, np.full(n, 0.5))
            continue
        u = rngmod.stream(seed, "construction", block, "input/" + key).random(n)
        counter.add(n)
        out[key] = ppf(spec, u)
    return out


def _advance_m_per_day(
    inp: ConstructionInputs, bore: BoreIn, x: Mapping[str, FloatArray]
) -> FloatArray:
    """Mean advance per ground class for a bore, shape (C, n), capped by the envelope."""
    mach = inp.machines[bore.machine]
    alpha = x[inp.area_exponent]
    scale = (mach.reference_diameter_m / bore.diameter_m) ** (2.0 * alpha)
    cap = inp.record_m_per_day * (inp.record_diameter_m / bore.diameter_m) ** (2.0 * alpha)
    rates = np.stack(
        [x[p] * x[u] * 24.0 for p, u in zip(mach.penetration, mach.utilisation, strict=True)]
    )
    return np.asarray(np.minimum(rates * scale, cap), dtype=np.float64)


def _rank_within(groups: NDArray[np.intp], n: int) -> NDArray[np.intp]:
    """Position of each element within its run of equal ``groups`` (sorted ascending)."""
    start = np.searchsorted(groups, np.arange(n))
    return np.asarray(np.arange(groups.size) - start[groups], dtype=np.intp)


def poisson_ppf(mean: FloatArray, u: FloatArray) -> NDArray[np.intp]:
    """Poisson quantile: the smallest ``k`` with ``P(X <= k) >= u``, by summing terms."""
    k = np.zeros(mean.shape, dtype=np.intp)
    term = np.exp(-mean)
    cdf = term.copy()
    todo = u > cdf
    while todo.any():
        k += todo
        term = np.where(todo, term * mean / np.maximum(k, 1), term)
        cdf = np.where(todo, cdf + term, cdf)
        todo &= (u > cdf) & (term > 1e-300)
    return k


@dataclass(frozen=True)
class _EventRates:
    """Rare-event rates of a block: per type, class and draw (events per metre)."""

    per_class: FloatArray  # (T, C, n)
    per_run: FloatArray  # (K, n) expected events in each run, all types


def _event_rates(
    inp: ConstructionInputs, ground: Ground, x: Mapping[str, FloatArray]
) -> _EventRates | None:
    """Return expected events per run, shared by every bore (the ground is shared)."""
    if not inp.events:
        return None
    per_class = np.stack(
        [
            np.asarray(ev.rate_per_km, dtype=np.float64)[:, None] / 1000.0 * x[ev.rate_multiplier]
            for ev in inp.events
        ]
    )
    lam = ground.gather(per_class.sum(axis=0))
    lam *= ground.length
    return _EventRates(per_class, lam)


def _add_events(
    inp: ConstructionInputs,
    ground: Ground,
    bore: BoreIn,
    rates: _EventRates | None,
    run_time: FloatArray,
    streams: Streams,
    counter: _Counter,
) -> FloatArray:
    """Add rare-event stoppages to ``run_time`` (K, n) in place; return event cost (n,).

    Events of all types form one Poisson process along the bore with rate
    ``sum_t rate_t(class) * multiplier_t`` per metre. In each run the first event falls
    at unit-rate time ``E ~ Exp(1)``: the run has an event if ``E < lambda`` (its expected
    count), and then ``1 + Poisson(lambda - E)`` events (memorylessness), each of a type
    drawn in proportion to its rate, with its delay and cost. ``E = -log(1 - u)`` is
    computed only where ``u < lambda`` (a necessary condition, since
    ``1 - exp(-lambda) <= lambda``). The first-event variates are indexed by run, so a
    longer route only adds events at its end (common random numbers).
    """
    n = run_time.shape[1]
    if rates is None:
        return np.zeros(n)
    lam, per_class = rates.per_run, rates.per_class
    u_first = streams(f"events/{bore.name}/first").random(lam.shape)
    counter.add(lam.size)
    cand = np.flatnonzero(u_first < lam)
    first = -np.log1p(-u_first.ravel()[cand])
    lam_c = lam.ravel()[cand]
    hit = first < lam_c
    run, draw = np.divmod(cand[hit], n)
    cost = np.zeros(n)
    if run.size == 0:
        return cost
    # Each draw's hits in chainage order take slots 0, 1, 2 ... of that draw's column in
    # the count and attribute streams, so extra ground only adds slots at the end.
    order = np.argsort(draw, kind="stable")
    run, draw, first, lam_c = run[order], draw[order], first[hit][order], lam_c[hit][order]
    slot = _rank_within(draw, n)
    u_count = streams(f"events/{bore.name}/count").random((int(slot.max()) + 1, n))
    counter.add(u_count.size)
    count = 1 + poisson_ppf(lam_c - first, u_count[slot, draw])
    run, draw = np.repeat(run, count), np.repeat(draw, count)
    slot = _rank_within(draw, n)
    u = streams(f"events/{bore.name}/attributes").random((int(slot.max()) + 1, n, 3))
    counter.add(u.size)
    u = u[slot, draw]
    cls = ground.classes(run, draw)
    weight = np.cumsum(per_class[:, cls, draw], axis=0)  # (T, events)
    kind = np.minimum((u[:, 0] * weight[-1] > weight).sum(axis=0), len(inp.events) - 1)
    delay = np.empty(run.size)
    ev_cost = np.empty(run.size)
    for t, ev in enumerate(inp.events):
        sel = kind == t
        delay[sel] = ppf(ev.delay_days, u[sel, 1])
        ev_cost[sel] = ppf(ev.cost_usd_m, u[sel, 2])
    # Events of one run are adjacent (sorted by draw, then run): sum them, then add once.
    first_of_group = np.ones(run.size, dtype=bool)
    first_of_group[1:] = (run[1:] != run[:-1]) | (draw[1:] != draw[:-1])
    starts = np.flatnonzero(first_of_group)
    run_time[run[starts], draw[starts]] += np.add.reduceat(delay, starts)
    cost += np.bincount(draw, weights=ev_cost, minlength=n)
    return cost


def simulate_block(
    inp: ConstructionInputs, seed: int, block: int, n: int, *, detail: bool = False
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

    Returns
    -------
    BlockResult
        Per-draw outputs.
    """
    counter = _Counter()

    def streams(key: str) -> np.random.Generator:
        return rngmod.stream(seed, "construction", block, key)

    x = sample_inputs(inp, seed, block, n, counter)
    ground = sample_ground(inp.zones, streams, n)
    counter.add(2 * ground.length.size)
    draws = np.arange(n)
    chain = np.array([p.chainage_m for p in inp.points])
    m = len(chain)
    point_k = bisect_columns(ground.bounds, np.repeat(chain[:, None], n, axis=1))  # (m, n)
    point_len = ground.length[point_k, draws]
    point_frac = np.clip(
        np.divide(
            chain[:, None] - ground.bounds[point_k, draws],
            point_len,
            out=np.zeros_like(point_len),
            where=point_len > 0,
        ),
        0.0,
        1.0,
    )

    # --- sites and machines -------------------------------------------------------
    season = (inp.start_day_of_year, inp.season_open_doy, inp.season_close_doy)
    zero = np.zeros(n)
    surface = x[inp.surface_productivity]
    marine_done = [seasonal_finish(zero, x[p.marine_days], *season) for p in inp.points]
    site_ready = [
        md + x[p.site_months] * MONTH_DAYS / surface
        for md, p in zip(marine_done, inp.points, strict=True)
    ]
    made = [x[mc.manufacture_months] * MONTH_DAYS for mc in inp.machines]
    delivered = [
        seasonal_finish(mk, x[mc.shipping_days], *season)
        for mk, mc in zip(made, inp.machines, strict=True)
    ]

    # --- boring, bore by bore -------------------------------------------------------
    hds = headings(inp)
    launch_start = np.zeros((len(hds), n))
    boring_start = np.zeros((len(hds), n))
    h_len = np.zeros((len(hds), n))
    h_stop = np.zeros((len(hds), n))
    h_active = np.zeros((len(hds), n), dtype=bool)
    gap_finish = np.zeros((len(inp.bores), m - 1, n))
    event_cost = np.zeros(n)
    cum = np.empty((ground.length.shape[0] + 1, n))
    cum[0] = 0.0
    ev_rates = _event_rates(inp, ground, x)
    for b, bore in enumerate(inp.bores):
        mach = inp.machines[bore.machine]
        run_total = ground.gather(x[bore.performance] / _advance_m_per_day(inp, bore, x))
        run_total *= ground.length
        event_cost += _add_events(inp, ground, bore, ev_rates, run_total, streams, counter)
        cumsum_rows(run_total, cum[1:])
        g_at = cum[point_k, draws] + point_frac * run_total[point_k, draws]  # (m, n)
        learning = x[mach.learning_days] * (1.0 - x[mach.learning_efficiency]) / 2.0
        launch = x[mach.launch_months] * MONTH_DAYS
        le = np.full((m, n), np.inf)
        lw = np.full((m, n), np.inf)
        mine = [(i, h) for i, h in enumerate(hds) if h.bore == b]
        for i, h in mine:
            launch_start[i] = np.maximum(site_ready[h.point], delivered[bore.machine])
            boring_start[i] = launch_start[i] + launch + learning
            (le if h.direction == "east" else lw)[h.point] = boring_start[i]
        fr = solve_fronts(np.diff(g_at, axis=0).T, le.T, lw.T)
        gap_finish[b] = fr.gap_finish.T
        # Chainage where the fronts of each gap meet.
        target = g_at[:-1] + fr.meet.T  # (m-1, n)
        k = bisect_columns(cum, target)
        rt = run_total[k, draws]
        frac = np.divide(target - cum[k, draws], rt, out=np.zeros_like(rt), where=rt > 0)
        x_meet = ground.bounds[k, draws] + np.clip(frac, 0.0, 1.0) * ground.length[k, draws]
        x_meet = np.clip(x_meet, chain[:-1, None], chain[1:, None])
        for gi in range(m - 1):
            e_own, w_own = fr.east_owner[:, gi], fr.west_owner[:, gi + 1]
            for i, h in mine:
                if h.direction == "east":
                    owns = e_own == h.point
                    extent = x_meet[gi] - chain[gi]
                else:
                    owns = w_own == h.point
                    extent = chain[gi + 1] - x_meet[gi]
                h_len[i] += np.where(owns, extent, 0.0)
                h_stop[i] = np.where(owns, np.maximum(h_stop[i], fr.gap_finish[:, gi]), h_stop[i])
                h_active[i] |= owns
        for i, h in mine:
            own = fr.east_owner[:, h.point] if h.direction == "east" else fr.west_owner[:, h.point]
            h_active[i] &= own == h.point
    h_active &= h_stop > 0
    if np.any(gap_finish == np.inf) or np.any(np.isnan(gap_finish)):
        raise NumericalError("a stretch of the route is never excavated")

    # --- after breakthrough -------------------------------------------------------
    breakthrough = gap_finish.max(axis=0)  # (m-1, n)
    cp_done = breakthrough + x[inp.cp_months] * MONTH_DAYS
    n_running = sum(1 for bo in inp.bores if bo.role == "running")
    gap_km = np.diff([p.chainage_m for p in inp.points]) / 1000.0
    fit_rate = x[inp.fit_rate]
    fit_done = cp_done + (n_running * gap_km[:, None]) / (2.0 * fit_rate) * MONTH_DAYS
    fit_all = fit_done.max(axis=0)
    integrated = fit_all + x[inp.integration_months] * MONTH_DAYS
    done = integrated + x[inp.commissioning_months] * MONTH_DAYS
    years = done / YEAR_DAYS

    # --- cost (USD m) -------------------------------------------------------------------
    labour, materials = x[inp.labour_factor], x[inp.materials_factor]
    route_km = inp.length_m / 1000.0
    active_days = np.where(h_active, h_stop - launch_start, boring_start - launch_start)
    comp = {
        "machines": sum((x[inp.bores[h.bore].machine_cost] for h in hds), start=zero),
        "sites": sum((x[p.site_cost] for p in inp.points), start=zero),
        "tunnelling_length": materials
        * sum(
            (
                route_km * x[bo.unit_cost] * (bo.diameter_m / bo.cost_reference_diameter_m) ** 2
                for bo in inp.bores
            ),
            start=zero,
        ),
        "tunnelling_time": labour
        * sum(
            (active_days[i] * x[inp.bores[h.bore].heading_cost] for i, h in enumerate(hds)),
            start=zero,
        ),
        "site_overheads": labour * years * sum((x[p.overhead] for p in inp.points), start=zero),
        "events": event_cost,
        "cross_passages": materials * np.floor(inp.length_m / inp.cp_spacing_m) * x[inp.cp_cost],
        "fitout": materials
        * (n_running * route_km * x[inp.fit_usd_per_track_km] + x[inp.fit_fixed]),
    }
    subtotal = sum(comp.values(), start=zero)
    comp["owner"] = x[inp.owner_fraction] * subtotal
    total = subtotal + comp["owner"]
    if not np.all(np.isfinite(total)) or not np.all(np.isfinite(years)):
        raise NumericalError("construction model produced a non-finite cost or duration")

    result = BlockResult(
        cost_usd_bn=total / 1000.0,
        duration_years=years,
        breakdown_usd_bn={k: comp[k] / 1000.0 for k in COMPONENTS},
        heading_length_km=h_len / 1000.0,
        heading_duration_years=np.where(h_active, h_stop - boring_start, 0.0) / YEAR_DAYS,
        inputs={k: v for k, v in x.items() if not inp.inputs[k].is_fixed},
        variates=counter.n,
    )
    if detail:
        result.activities = _activities(
            inp,
            hds,
            marine_done,
            site_ready,
            delivered,
            launch_start,
            boring_start,
            h_stop,
            h_active,
            breakthrough,
            cp_done,
            fit_done,
            fit_all,
            integrated,
            done,
        )
    return result


def _activities(
    inp: ConstructionInputs,
    hds: list[Heading],
    marine_done: list[FloatArray],
    site_ready: list[FloatArray],
    delivered: list[FloatArray],
    launch_start: FloatArray,
    boring_start: FloatArray,
    h_stop: FloatArray,
    h_active: NDArray[np.bool_],
    breakthrough: FloatArray,
    cp_done: FloatArray,
    fit_done: FloatArray,
    fit_all: FloatArray,
    integrated: FloatArray,
    done: FloatArray,
) -> list[Activity]:
    """Return the schedule network's activities with a critical-path flag, per draw."""
    n = done.shape[0]
    zero = np.zeros(n)
    acts: list[Activity] = []
    tol = 1e-6
    # Critical path traced backwards from commissioning.
    last_gap = np.argmax(fit_done, axis=0)
    gaps = range(fit_done.shape[0])
    crit_gap = [last_gap == gi for gi in gaps]
    crit_heading = np.zeros((len(hds), n), dtype=bool)
    for i in range(len(hds)):
        for gi in gaps:
            crit_heading[i] |= (
                crit_gap[gi] & h_active[i] & (np.abs(h_stop[i] - breakthrough[gi]) < tol)
            )
    crit_site = np.zeros((len(inp.points), n), dtype=bool)
    crit_machine = np.zeros((len(inp.machines), n), dtype=bool)
    for i, h in enumerate(hds):
        site_is = np.abs(launch_start[i] - site_ready[h.point]) < tol
        crit_site[h.point] |= crit_heading[i] & site_is
        crit_machine[inp.bores[h.bore].machine] |= crit_heading[i] & ~site_is
    for p, pt in enumerate(inp.points):
        acts.append(
            Activity(f"marine works: {pt.name}", "sites", zero, marine_done[p], crit_site[p])
        )
        acts.append(
            Activity(f"site works: {pt.name}", "sites", marine_done[p], site_ready[p], crit_site[p])
        )
    for mi, mc in enumerate(inp.machines):
        acts.append(
            Activity(
                f"manufacture and delivery: {mc.name}",
                "machines",
                zero,
                delivered[mi],
                crit_machine[mi],
            )
        )
    for i, h in enumerate(hds):
        label = h.label(inp)
        acts.append(
            Activity(
                f"launch: {label}", "launch", launch_start[i], boring_start[i], crit_heading[i]
            )
        )
        stop = np.where(h_active[i], h_stop[i], boring_start[i])
        acts.append(Activity(f"boring: {label}", "boring", boring_start[i], stop, crit_heading[i]))
    for gi in gaps:
        name = f"{inp.points[gi].name} - {inp.points[gi + 1].name}"
        acts.append(
            Activity(
                f"cross-passages: {name}", "fit-out", breakthrough[gi], cp_done[gi], crit_gap[gi]
            )
        )
        acts.append(
            Activity(f"fit-out: {name}", "fit-out", cp_done[gi], fit_done[gi], crit_gap[gi])
        )
    ones = np.ones(n, dtype=bool)
    acts.append(Activity("system integration", "commissioning", fit_all, integrated, ones))
    acts.append(Activity("testing and commissioning", "commissioning", integrated, done, ones))
    return acts
