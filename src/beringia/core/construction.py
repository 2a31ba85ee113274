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
from beringia.core.geology import Ground, Zone, bisect_rows, sample_ground
from beringia.core.headings import solve_fronts

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
    """Mean advance per ground class for a bore, shape (n, C), capped by the envelope."""
    mach = inp.machines[bore.machine]
    alpha = x[inp.area_exponent]
    scale = (mach.reference_diameter_m / bore.diameter_m) ** (2.0 * alpha)
    cap = inp.record_m_per_day * (inp.record_diameter_m / bore.diameter_m) ** (2.0 * alpha)
    rates = np.stack(
        [x[p] * x[u] * 24.0 for p, u in zip(mach.penetration, mach.utilisation, strict=True)],
        axis=1,
    )
    return np.asarray(np.minimum(rates * scale[:, None], cap[:, None]), dtype=np.float64)


def _add_events(
    inp: ConstructionInputs,
    ground: Ground,
    bore: BoreIn,
    x: Mapping[str, FloatArray],
    run_time: FloatArray,
    seed: int,
    block: int,
    counter: _Counter,
) -> FloatArray:
    """Add rare-event stoppages to ``run_time`` in place; return direct event cost (n,).

    Events of each type form a Poisson process along the bore whose rate depends on the
    ground class. They are drawn by thinning: candidates at the type's highest rate,
    placed uniformly along the route, each kept with probability
    ``rate(class at its place) / highest rate``.
    """
    n = run_time.shape[0]
    cost = np.zeros(n)
    length_m = inp.length_m
    for ev in inp.events:
        rates = np.asarray(ev.rate_per_km) / 1000.0
        top = float(rates.max())
        if top <= 0:
            continue
        g = rngmod.stream(seed, "construction", block, f"events/{bore.name}/{ev.name}")
        counts = g.poisson(top * length_m * x[ev.rate_multiplier])
        counter.add(n)
        total = int(counts.sum())
        if total == 0:
            continue
        rows = np.repeat(np.arange(n), counts)
        u = g.random((total, 4))
        counter.add(4 * total)
        # Candidates are exchangeable: sorting their places within each draw changes
        # nothing but makes the row-wise search faster.
        shift = ground.search.shift(rows)
        place = np.sort(u[:, 0] * length_m + shift) - shift
        run = ground.locate(rows, place, presorted=True)
        keep = u[:, 1] * top < rates[ground.cls[rows, run]]
        rows, run, u = rows[keep], run[keep], u[keep]
        np.add.at(run_time, (rows, run), ppf(ev.delay_days, u[:, 2]))
        cost += np.bincount(rows, weights=ppf(ev.cost_usd_m, u[:, 3]), minlength=n)
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
    x = sample_inputs(inp, seed, block, n, counter)
    geo_rng = rngmod.stream(seed, "construction", block, "geology")
    ground = sample_ground(inp.zones, geo_rng, n)
    counter.add(2 * ground.length.size)
    rows = np.arange(n)
    chain = np.array([p.chainage_m for p in inp.points])
    point_k = bisect_rows(ground.bounds, np.broadcast_to(chain, (n, len(chain))))
    point_run = []
    for j, c in enumerate(chain):
        k = point_k[:, j]
        run_len = ground.length[rows, k]
        frac = np.divide(c - ground.bounds[rows, k], run_len, out=np.zeros(n), where=run_len > 0)
        point_run.append((k, np.clip(frac, 0.0, 1.0)))
    m = len(inp.points)

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

    # --- boring, bore by bore -----------------------------------------------------------
    hds = headings(inp)
    h_index = {(h.bore, h.point, h.direction): i for i, h in enumerate(hds)}
    launch_start = np.zeros((len(hds), n))
    boring_start = np.zeros((len(hds), n))
    h_len = np.zeros((len(hds), n))
    h_stop = np.zeros((len(hds), n))
    h_active = np.zeros((len(hds), n), dtype=bool)
    gap_finish = np.zeros((len(inp.bores), m - 1, n))
    event_cost = np.zeros(n)
    for b, bore in enumerate(inp.bores):
        mach = inp.machines[bore.machine]
        per_m = x[bore.performance][:, None] / _advance_m_per_day(inp, bore, x)
        run_total = ground.gather(per_m)
        run_total *= ground.length
        event_cost += _add_events(inp, ground, bore, x, run_total, seed, block, counter)
        cum = np.empty((n, run_total.shape[1] + 1))
        cum[:, 0] = 0.0
        np.cumsum(run_total, axis=1, out=cum[:, 1:])
        g_at = np.stack(
            [cum[rows, k] + f * run_total[rows, k] for k, f in point_run], axis=1
        )  # (n, m)
        learning = x[mach.learning_days] * (1.0 - x[mach.learning_efficiency]) / 2.0
        launch = x[mach.launch_months] * MONTH_DAYS
        le = np.full((n, m), np.inf)
        lw = np.full((n, m), np.inf)
        for (hb, hp, hdir), i in h_index.items():
            if hb != b:
                continue
            launch_start[i] = np.maximum(site_ready[hp], delivered[bore.machine])
            boring_start[i] = launch_start[i] + launch + learning
            (le if hdir == "east" else lw)[:, hp] = boring_start[i]
        fr = solve_fronts(np.diff(g_at, axis=1), le, lw)
        gap_finish[b] = fr.gap_finish.T
        # Chainage where the fronts of each gap meet.
        target = (g_at[:, :-1] + fr.meet).T.ravel()  # gap-major, (m-1) * n
        q_rows = np.tile(rows, m - 1)
        k_all = bisect_rows(cum, (g_at[:, :-1] + fr.meet)).T.ravel()
        rt = run_total[q_rows, k_all]
        frac_all = np.divide(target - cum[q_rows, k_all], rt, out=np.zeros_like(rt), where=rt > 0)
        x_all = (
            ground.bounds[q_rows, k_all] + np.clip(frac_all, 0, 1) * ground.length[q_rows, k_all]
        )
        for gi in range(m - 1):
            x_meet = np.clip(
                x_all[gi * n : (gi + 1) * n],
                inp.points[gi].chainage_m,
                inp.points[gi + 1].chainage_m,
            )
            e_own, w_own = fr.east_owner[:, gi], fr.west_owner[:, gi + 1]
            for (hb, hp, hdir), i in h_index.items():
                if hb != b:
                    continue
                if hdir == "east":
                    mine = e_own == hp
                    extent = x_meet - inp.points[gi].chainage_m
                else:
                    mine = w_own == hp
                    extent = inp.points[gi + 1].chainage_m - x_meet
                h_len[i] += np.where(mine, extent, 0.0)
                h_stop[i] = np.where(mine, np.maximum(h_stop[i], fr.gap_finish[:, gi]), h_stop[i])
                h_active[i] |= mine
        for (hb, hp, hdir), i in h_index.items():
            if hb == b:
                own = fr.east_owner[:, hp] if hdir == "east" else fr.west_owner[:, hp]
                h_active[i] &= own == hp
    h_active &= h_stop > 0
    if np.any(gap_finish == np.inf) or np.any(np.isnan(gap_finish)):
        raise ValueError("a gap of the route is never excavated")

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
        raise ValueError("construction model produced a non-finite cost or duration")

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
