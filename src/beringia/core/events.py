"""Rare events during boring: water inflow, collapse, machine entrapment, fire.

Each event type is a Poisson process along a bore whose rate (events per km) depends on
the ground class, times an uncertain multiplier per draw, times an optional fixed factor per
zone (interventions, whose rate depends on the water pressure of the zone). Every event stops
the heading that meets it for a heavy-tailed delay and has a direct cost.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import special

from beringia.core.distributions import DistSpec, FloatArray, ppf
from beringia.core.event_kernels import event_kernel
from beringia.core.geology import Ground, Streams
from beringia.core.rng import VariateCounter


@dataclass(frozen=True)
class EventIn:
    """A rare-event type: rates per bore-km by ground class, per-event delay and cost.

    ``zone_factor`` multiplies the rates zone by zone (one factor per zone, in zone order);
    empty means 1 everywhere.
    """

    name: str
    rate_per_km: tuple[float, ...]
    rate_multiplier: str
    delay_days: DistSpec
    cost_usd_m: DistSpec
    zone_factor: tuple[float, ...] = ()


def per_event(specs: list[DistSpec], kind: NDArray[np.intp], u: FloatArray) -> FloatArray:
    """Draw each event's value from the distribution of its type ``kind``.

    Log-normals of every type are evaluated in one pass (the usual case); other mixes
    type by type. Both give the same numbers as :func:`ppf` per type.
    """
    if all(spec.kind == "lognormal" for spec in specs):
        median = np.array([spec.params[0] for spec in specs])[kind]
        log_gsd = np.log(np.array([spec.params[1] for spec in specs]))[kind]
        return np.asarray(median * np.exp(log_gsd * special.ndtri(u)), dtype=np.float64)
    out = np.empty(u.shape)
    for t, spec in enumerate(specs):
        sel = kind == t
        out[sel] = ppf(spec, u[sel])
    return out


def _attr_used(events: int, types: int) -> int:
    """Uniforms the events' attributes use: type (when there are several), delay, cost."""
    return events * (3 if types > 1 else 2)


def _rank_within(groups: NDArray[np.intp], n: int) -> NDArray[np.intp]:
    """Position of each element within its run of equal ``groups`` (sorted ascending)."""
    start = np.searchsorted(groups, np.arange(n))
    return np.asarray(np.arange(groups.size) - start[groups], dtype=np.intp)


SLOT_ROWS = 32
"""Slots of a block's event streams drawn at a time (a small buffer, not every slot at once)."""

JUMP_COST = 400
"""A jump of the generator to one (slot, draw) costs about as much as drawing this many
uniforms (measured: 5 us against 14 ns): a buffer of slots with fewer elements than its
uniforms / JUMP_COST is read by jumping from element to element instead of drawn whole."""


def _slot_variates(
    gen: np.random.Generator,
    slot: NDArray[np.intp],
    draw: NDArray[np.intp],
    n: int,
    width: int,
    counter: VariateCounter,
) -> tuple[FloatArray, NDArray[np.intp]]:
    """Return the ``width`` uniforms of every (slot, draw), in slot-major order, and that order.

    The stream is laid out slot-major: slot ``s`` of draw ``d`` takes the uniforms
    ``(s * n + d) * width`` onwards, so a draw's later slots only extend it. It is read
    :data:`SLOT_ROWS` slots at a time into one buffer (the same numbers as one
    ``gen.random((slots, n, width))``, without holding them all); every slot up to the
    largest is drawn. Row ``i`` of the values belongs to element ``order[i]`` of ``slot``
    (sorted by slot, then as given: within a draw, the elements keep their order).

    Event counts are heavy-tailed, so the last slots hold few draws: such a buffer is read by
    jumping the generator (``advance``: a uniform double is one 64-bit output of PCG64) to
    each element's uniforms, which gives the same numbers without drawing the others.
    """
    order = np.argsort(slot.astype(np.uint16) if slot.max() < 65536 else slot, kind="stable")
    flat = slot[order] * n + draw[order]  # index into the stream's (slots x n) layout
    return _read_slots(gen, flat, n, width, counter), order


def _read_slots(
    gen: np.random.Generator,
    flat: NDArray[np.intp],
    n: int,
    width: int,
    counter: VariateCounter,
    order: NDArray[np.intp] | None = None,
) -> FloatArray:
    """Return the ``width`` uniforms of the (slot x n) positions ``flat`` (ascending).

    The reading of :func:`_slot_variates`, given the positions in slot-major order. Row
    ``i`` of the values belongs to position ``flat[i]``; with ``order`` given, row
    ``order[i]`` does (compiled: :mod:`beringia.core.event_kernels`).
    """
    rows = int(flat[-1]) // n + 1
    counter.add(rows * n * width)
    edges = np.searchsorted(flat, np.arange(0, rows + SLOT_ROWS, SLOT_ROWS) * n)
    out = np.empty((flat.size, width))
    buf = np.empty((min(SLOT_ROWS, rows) * n, width))
    bitgen = gen.bit_generator
    pcg = bitgen if isinstance(bitgen, np.random.PCG64) else None  # the streams' generator
    for i, s0 in enumerate(range(0, rows, SLOT_ROWS)):
        m = min(SLOT_ROWS, rows - s0)
        a, b = int(edges[i]), int(edges[i + 1])
        if pcg is not None and (b - a) * JUMP_COST < m * n * width:
            if order is None:
                _jump_read(gen, pcg, flat[a:b], s0 * n, (s0 + m) * n, width, out[a:b])
            else:
                part = np.empty((b - a, width))
                _jump_read(gen, pcg, flat[a:b], s0 * n, (s0 + m) * n, width, part)
                out[order[a:b]] = part
            continue
        gen.random(out=buf[: m * n])
        if order is None:
            np.take(buf, flat[a:b] - s0 * n, axis=0, out=out[a:b])
        else:
            event_kernel("_gather_rows_loop")(buf, flat[a:b] - s0 * n, order[a:b], out)
    return out


def _jump_read(
    gen: np.random.Generator,
    bitgen: np.random.PCG64,
    flat: NDArray[np.intp],
    begin: int,
    end: int,
    width: int,
    out: FloatArray,
) -> None:
    """Read the ``width`` uniforms of (slot x n) positions ``flat`` (ascending) by jumping.

    The generator stands at position ``begin`` and is left at ``end``, as if it had drawn
    every uniform in between. ``bitgen`` is ``gen``'s bit generator.
    """
    at = begin
    for i, pos in enumerate(flat.tolist()):
        bitgen.advance((pos - at) * width)
        gen.random(out=out[i])
        at = pos + 1
    bitgen.advance((end - at) * width)


def poisson_ppf(mean: FloatArray, u: FloatArray) -> NDArray[np.intp]:
    """Poisson quantile: the smallest ``k`` with ``P(X <= k) >= u``, by summing terms.

    Each element sums its own terms and leaves the loop when it is done, so the work is
    the sum of the counts, not the largest count times the number of elements.
    """
    u = np.broadcast_to(u, mean.shape)
    k = np.zeros(mean.shape, dtype=np.intp)
    term = np.exp(-mean)
    cdf = term.copy()
    idx = np.flatnonzero(u > cdf)
    if idx.size == 0:
        return k
    mean_c, u_c = mean.ravel()[idx], u.ravel()[idx]
    term_c, cdf_c = term.ravel()[idx], cdf.ravel()[idx]
    k_c = np.zeros(idx.size, dtype=np.intp)
    while idx.size:
        k_c += 1
        term_c = term_c * mean_c / np.maximum(k_c, 1)
        cdf_c = cdf_c + term_c
        more = (u_c > cdf_c) & (term_c > 1e-300)
        if not more.all():
            k.ravel()[idx[~more]] = k_c[~more]
            idx, mean_c, u_c = idx[more], mean_c[more], u_c[more]
            term_c, cdf_c, k_c = term_c[more], cdf_c[more], k_c[more]
    return k


COMPILED = True
"""Run :func:`add_events` compiled (:mod:`beringia.core.event_kernels`); False: the NumPy
twin (:func:`_add_events_numpy`), the test oracle (the same numbers, slower)."""


@dataclass(frozen=True)
class EventRates:
    """Rare-event rates of a block: per zone, type, class and draw (events per metre)."""

    cumulative: FloatArray  # (Z, T, C * n): rates of types 0..t summed, per class and draw
    per_run: FloatArray  # (K, n) expected events in each run, all types
    zone_of_run: NDArray[np.intp]  # (K,) index into the first axis of ``cumulative``


def event_rates(
    events: tuple[EventIn, ...], ground: Ground, x: Mapping[str, FloatArray]
) -> EventRates | None:
    """Return expected events per run, shared by every bore (the ground is shared).

    Without zone factors one table serves every zone; with them, each zone has its own.
    """
    if not events:
        return None
    per_class = np.stack(
        [
            np.asarray(ev.rate_per_km, dtype=np.float64)[:, None] / 1000.0 * x[ev.rate_multiplier]
            for ev in events
        ]
    )  # (T, C, n)
    rows = ground.length.shape[0]
    if not any(ev.zone_factor for ev in events):
        cumulative = np.cumsum(per_class, axis=0)
        lam = ground.gather(cumulative[-1])
        lam *= ground.length
        flat = cumulative.reshape(1, len(events), -1)
        return EventRates(flat, lam, np.zeros(rows, dtype=np.intp))
    zones = len(ground.zone_rows)
    factor = np.array([ev.zone_factor or (1.0,) * zones for ev in events]).T  # (Z, T)
    by_zone = np.cumsum(per_class[None] * factor[:, :, None, None], axis=1)  # (Z, T, C, n)
    flat = by_zone.reshape(zones, len(events), -1)
    lam = np.empty(ground.length.shape)
    zone_of_run = np.empty(rows, dtype=np.intp)
    for z, (_, start, stop) in enumerate(ground.zone_rows):
        np.take(flat[z, -1], ground.flat_cls[start:stop], out=lam[start:stop])
        zone_of_run[start:stop] = z
    lam *= ground.length
    return EventRates(flat, lam, zone_of_run)


def add_events(
    events: tuple[EventIn, ...],
    ground: Ground,
    bore: str,
    rates: EventRates | None,
    run_time: FloatArray,
    streams: Streams,
    counter: VariateCounter,
) -> FloatArray:
    """Add rare-event stoppages to ``run_time`` (K, n) in place; return event cost (n,).

    Events of all types form one Poisson process along the bore with rate
    ``sum_t rate_t(class) * multiplier_t`` per metre. In each run the first event falls
    at unit-rate time ``E ~ Exp(1)``: the run has an event if ``E < lambda`` (its expected
    count), and then ``1 + Poisson(lambda - E)`` events (memorylessness), each of a type
    drawn in proportion to its rate, with its delay and cost. ``E = -log(1 - u)`` is
    computed only where ``u < lambda`` (a necessary condition, since
    ``1 - exp(-lambda) <= lambda``). The first-event variates are indexed by zone
    and run, so a longer zone only adds events at its end (common random numbers).

    Compiled (:mod:`beringia.core.event_kernels`) when :data:`COMPILED`, else the NumPy
    twin (:func:`_add_events_numpy`); both give the same numbers.
    """
    if COMPILED:
        return _add_events_compiled(events, ground, bore, rates, run_time, streams, counter)
    return _add_events_numpy(events, ground, bore, rates, run_time, streams, counter)


def _first_uniforms(
    ground: Ground, bore: str, rates: EventRates, streams: Streams, counter: VariateCounter
) -> FloatArray:
    """Draw each run's first-event uniform, shape (K, n), zone by zone (both twins' start).

    One stream per bore and zone: a run's variate does not depend on other zones' runs.
    """
    u_first = np.empty(rates.per_run.shape)
    for zone, start, stop in ground.zone_rows:
        streams(f"events/{bore}/{zone}/first").random(out=u_first[start:stop])
    counter.add(u_first.size)
    return u_first


def _add_events_compiled(
    events: tuple[EventIn, ...],
    ground: Ground,
    bore: str,
    rates: EventRates | None,
    run_time: FloatArray,
    streams: Streams,
    counter: VariateCounter,
) -> FloatArray:
    """:func:`add_events` with the bookkeeping compiled; the transcendentals and draws in NumPy."""
    n = run_time.shape[1]
    if rates is None:
        return np.zeros(n)
    lam = np.ascontiguousarray(rates.per_run).ravel()
    u_flat = _first_uniforms(ground, bore, rates, streams, counter).ravel()
    cand, positive = event_kernel("_candidates_loop")(u_flat, lam)
    counter.use(uniform=int(positive))
    first = -np.log1p(-u_flat[cand])
    cum = rates.cumulative  # (Z, T, C * n)
    draw, mean, where, flat_hit, pos = event_kernel("_hits_loop")(
        cand,
        first,
        lam,
        np.ascontiguousarray(ground.flat_cls).ravel(),
        rates.zone_of_run,
        cum.shape[1] * cum.shape[2],
        n,
    )
    cost = np.zeros(n)
    if draw.size == 0:
        return cost
    # The hits by draw (then chainage); the streams are read slot-major as in the NumPy twin.
    slot_order = event_kernel("_slot_order_loop")
    order, flat = slot_order(draw, np.ones(draw.size, dtype=np.int64), n)
    u_count = _read_slots(streams(f"events/{bore}/count"), flat, n, 1, counter, order)
    counter.use(uniform=draw.size)
    count = event_kernel("_poisson_loop")(mean, np.exp(-mean), u_count.ravel())
    order, flat = slot_order(draw, count, n)  # the events, by draw
    u = _read_slots(streams(f"events/{bore}/attributes"), flat, n, 3, counter, order)
    counter.use(uniform=_attr_used(order.size, len(events)))
    kind = event_kernel("_kind_loop")(u, count, where, cum.ravel(), len(events), cum.shape[2])
    delay = per_event([ev.delay_days for ev in events], kind, u[:, 1])
    ev_cost = per_event([ev.cost_usd_m for ev in events], kind, u[:, 2])
    event_kernel("_sums_loop")(delay, ev_cost, count, draw, flat_hit, pos, run_time, cost)
    return cost


def _add_events_numpy(
    events: tuple[EventIn, ...],
    ground: Ground,
    bore: str,
    rates: EventRates | None,
    run_time: FloatArray,
    streams: Streams,
    counter: VariateCounter,
) -> FloatArray:
    """:func:`add_events` in NumPy: the oracle of the compiled version (the same numbers)."""
    n = run_time.shape[1]
    if rates is None:
        return np.zeros(n)
    lam = rates.per_run
    u_first = _first_uniforms(ground, bore, rates, streams, counter)
    counter.use(uniform=int(np.count_nonzero(lam > 0)))  # a run without a rate cannot have one
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
    u_sorted, by_slot = _slot_variates(streams(f"events/{bore}/count"), slot, draw, n, 1, counter)
    counter.use(uniform=run.size)
    u_count = np.empty(run.size)
    u_count[by_slot] = u_sorted[:, 0]
    count = 1 + poisson_ppf(lam_c - first, u_count)
    run, draw = np.repeat(run, count), np.repeat(draw, count)
    slot = _rank_within(draw, n)
    # The events' attributes, in slot-major order (``run_s``, ``draw_s``): within a draw
    # the events keep their chainage order, so the sums per draw below add in that order.
    u, by_slot = _slot_variates(streams(f"events/{bore}/attributes"), slot, draw, n, 3, counter)
    counter.use(uniform=_attr_used(run.size, len(events)))
    run_s, draw_s = run[by_slot], draw[by_slot]
    # The type: the first whose cumulative rate exceeds u0 x the total (one gather a type).
    cum = rates.cumulative  # (Z, T, C * n)
    at = rates.zone_of_run[run_s] * (cum.shape[1] * cum.shape[2]) + ground.flat_cls[run_s, draw_s]
    flat = cum.ravel()
    types = len(events)
    target = u[:, 0] * flat[at + (types - 1) * cum.shape[2]]
    kind = np.zeros(run_s.size, dtype=np.intp)
    for t in range(types):
        kind += target > flat[at + t * cum.shape[2]]
    np.minimum(kind, types - 1, out=kind)
    delay = np.empty(run.size)
    delay[by_slot] = per_event([ev.delay_days for ev in events], kind, u[:, 1])
    ev_cost = per_event([ev.cost_usd_m for ev in events], kind, u[:, 2])
    # Events of one run are adjacent (sorted by draw, then run): sum them, then add once.
    first_of_group = np.ones(run.size, dtype=bool)
    first_of_group[1:] = (run[1:] != run[:-1]) | (draw[1:] != draw[:-1])
    starts = np.flatnonzero(first_of_group)
    run_time[run[starts], draw[starts]] += np.add.reduceat(delay, starts)
    cost += np.bincount(draw_s, weights=ev_cost, minlength=n)
    return cost
