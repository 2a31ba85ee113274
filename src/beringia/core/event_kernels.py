"""Compiled bookkeeping (numba) of the rare events of construction, with NumPy twins as oracles.

:func:`beringia.core.events.add_events` spends most of its time on arithmetic that NumPy does
in several passes over big arrays: picking the runs with an event, sorting them by draw,
counting each run's events (a Poisson quantile summed term by term), ordering them
slot-major, choosing each event's type and summing the delays per run and the costs per
draw. The loops here do that work in one pass each. Everything else stays in NumPy exactly as
in the NumPy twin (``_add_events_numpy``): every transcendental function (``log1p``, ``exp``,
``ndtri``), so the results do not depend on numba's maths library, and every random number
(the same generator calls in the same order). The loops do the same floating-point operations
in the same order as the twin, so the results are bit-identical (tests/test_event_kernels.py):
sums that NumPy does with ``np.add.reduceat`` (the first element plus NumPy's pairwise sum
of the rest) use :func:`beringia.core.kernels.pairwise_sum`; ``np.bincount`` sums in element
order. Stable sorts by a small integer key are counting sorts (the same order). Past the
reading of their uniforms (slot-major), the events are handled in draw-major order, where
each draw's events are adjacent: the same values (NumPy's functions act element by element)
and the same sums (a draw's events in the same order).

As in :mod:`beringia.core.kernels`, ``numba`` is imported on first use only, the loops are
compiled once per machine (cached beside the modules: about 3 s of CPU on a busy 2-core
machine; later runs load the cache in about 0.35 s, numba's import included) in one
namespace where their names are the compiled functions. ``pairwise_sum`` and its leaf are
compiled here from the code of :mod:`beringia.core.kernels` (the same cache entries: the same
code), so the operations kernels need not be compiled for construction.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

from beringia.core.kernels import (  # noqa: F401 (the pairwise sum is compiled here)
    _pairwise_leaf,
    compile_loops,
    pairwise_sum,
)

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

__all__ = ["event_kernel"]


def _candidates_loop(u: FloatArray, lam: FloatArray) -> tuple[IntArray, int]:  # pragma: no cover
    """Flat indices where ``u < lam`` (ascending), and how many ``lam`` are positive."""
    m = u.size
    cand = np.empty(m, dtype=np.int64)  # only the pages written are touched
    positive = 0
    j = 0
    for i in range(m):
        cand[j] = i
        j += u[i] < lam[i]
        positive += lam[i] > 0
    return cand[:j], positive


def _hits_loop(
    cand: IntArray,
    first: FloatArray,
    lam: FloatArray,
    cls: IntArray,
    zone_of_run: IntArray,
    zone_stride: int,
    n: int,
) -> tuple[IntArray, FloatArray, IntArray, IntArray, IntArray]:  # pragma: no cover
    """Return the candidates with ``first < lam`` (hits), sorted by draw (stable), and where.

    ``lam`` and ``cls`` are flat (K x n) tables of expected counts and of class columns
    (indices into the last axis of the cumulative rates, (Z, T, width)).

    Returns
    -------
    draw, mean, where
        By draw: each hit's draw, ``lam - first`` and the flat index of its cumulative
        rate of type 0, ``zone * zone_stride + class column``.
    flat, pos
        In chainage order (as the candidates): each hit's flat index into (K x n) and its
        position in the order by draw.
    """
    start = np.zeros(n + 1, dtype=np.int64)
    row = 0  # the candidates ascend: their run without a division
    for i in range(cand.size):
        c = cand[i]
        while c >= row + n:
            row += n
        if first[i] < lam[c]:
            start[c - row + 1] += 1
    for d in range(n):
        start[d + 1] += start[d]
    hits = start[n]
    draw = np.empty(hits, dtype=np.int64)
    mean = np.empty(hits)
    where = np.empty(hits, dtype=np.int64)
    flat = np.empty(hits, dtype=np.int64)
    pos = np.empty(hits, dtype=np.int64)
    h = 0
    row = 0
    run = 0
    for i in range(cand.size):  # a counting sort by draw: stable
        c = cand[i]
        while c >= row + n:
            row += n
            run += 1
        if first[i] < lam[c]:
            d = c - row
            j = start[d]
            start[d] += 1
            draw[j] = d
            mean[j] = lam[c] - first[i]
            where[j] = zone_of_run[run] * zone_stride + cls[c]
            flat[h] = c
            pos[h] = j
            h += 1
    return draw, mean, where, flat, pos


def _poisson_loop(
    mean: FloatArray, term0: FloatArray, u: FloatArray
) -> IntArray:  # pragma: no cover
    """``1 + poisson_ppf(mean, u)`` given ``term0 = exp(-mean)``.

    The terms and partial sums of :func:`beringia.core.events.poisson_ppf`, element by
    element: ``term * mean / k`` and ``cdf + term`` until ``u <= cdf`` or the term is below
    1e-300.
    """
    m = mean.size
    count = np.empty(m, dtype=np.int64)
    for i in range(m):
        term = term0[i]
        cdf = term
        ui = u[i]
        mu = mean[i]
        k = 0
        if ui > cdf:
            while True:
                k += 1
                term = term * mu / k
                cdf = cdf + term
                if not (ui > cdf and term > 1e-300):
                    break
        count[i] = 1 + k
    return count


def _slot_order_loop(
    draw: IntArray, count: IntArray, n: int
) -> tuple[IntArray, IntArray]:  # pragma: no cover
    """Slot-major order of events, and their positions ``slot * n + draw`` in the stream.

    Element ``i`` (sorted by draw) stands for ``count[i]`` events of draw ``draw[i]``; the
    events are numbered in that order (by draw, then chainage) and an event's slot is its
    rank within its draw. The order is by slot, then draw (the stable sort by slot).
    """
    per_draw = np.zeros(n, dtype=np.int64)
    for i in range(draw.size):
        per_draw[draw[i]] += count[i]
    offset = np.zeros(n, dtype=np.int64)
    rows = 0
    for d in range(1, n):
        offset[d] = offset[d - 1] + per_draw[d - 1]
    for d in range(n):
        rows = max(rows, per_draw[d])
    total = offset[n - 1] + per_draw[n - 1]
    order = np.empty(total, dtype=np.int64)
    flat = np.empty(total, dtype=np.int64)
    i = 0
    for s in range(rows):
        for d in range(n):
            if per_draw[d] > s:
                order[i] = offset[d] + s
                flat[i] = s * n + d
                i += 1
    return order, flat


def _gather_rows_loop(
    buf: FloatArray, at: IntArray, order: IntArray, out: FloatArray
) -> None:  # pragma: no cover
    """``out[order[i]] = buf[at[i]]`` row by row (``np.take`` into the order by draw)."""
    for i in range(at.size):
        o = order[i]
        a = at[i]
        for c in range(buf.shape[1]):
            out[o, c] = buf[a, c]


def _kind_loop(
    u: FloatArray, count: IntArray, where: IntArray, cum: FloatArray, types: int, width: int
) -> IntArray:  # pragma: no cover
    """Type of each event: the first whose cumulative rate exceeds ``u[:, 0]`` x the total.

    The events are those of the hits (by draw), ``count`` of each; a hit's cumulative rates
    are ``cum[where + t * width]`` (``cum`` flat (Z, T, width)).
    """
    kind = np.empty(u.shape[0], dtype=np.int64)
    rates = np.empty(types)
    i = 0
    for h in range(count.size):
        for t in range(types):
            rates[t] = cum[where[h] + t * width]
        for _ in range(count[h]):
            target = u[i, 0] * rates[types - 1]
            k = 0
            for t in range(types):
                if target > rates[t]:
                    k += 1
            kind[i] = min(k, types - 1)
            i += 1
    return kind


def _sums_loop(
    delay: FloatArray,
    ev_cost: FloatArray,
    count: IntArray,
    draw: IntArray,
    flat: IntArray,
    pos: IntArray,
    run_time: FloatArray,
    cost: FloatArray,
) -> None:  # pragma: no cover
    """Add each hit's delays to ``run_time`` and each draw's costs to ``cost``, in place.

    The events (``delay``, ``ev_cost``) are the hits' (``count``, ``draw``: by draw), one
    after the other. A hit's delays add as ``np.add.reduceat`` does (the first, plus NumPy's
    pairwise sum of the rest); a draw's costs one after the other, as ``np.bincount`` (from
    0), then to ``cost``. ``flat`` and ``pos`` (:func:`_hits_loop`) place the hits' sums.
    """
    n = run_time.shape[1]
    hits = count.size
    summed = np.zeros(cost.size)
    total = np.empty(hits)
    i = 0
    for h in range(hits):
        c = count[h]
        t = delay[i]
        if c > 1:
            t += pairwise_sum(delay, i + 1, c - 1)
        total[h] = t
        for j in range(i, i + c):
            summed[draw[h]] += ev_cost[j]
        i += c
    row = 0
    run = 0
    for h in range(hits):  # in chainage order (ascending flat): run_time row by row
        c = flat[h]
        while c >= row + n:
            row += n
            run += 1
        run_time[run, c - row] += total[pos[h]]
    for d in range(cost.size):
        cost[d] += summed[d]


_LOOPS = (
    "_pairwise_leaf",
    "pairwise_sum",
    "_candidates_loop",
    "_hits_loop",
    "_poisson_loop",
    "_slot_order_loop",
    "_gather_rows_loop",
    "_kind_loop",
    "_sums_loop",
)


@cache
def _compiled() -> dict[str, Callable[..., Any]]:
    """Compile every loop in one namespace where their names are the compiled functions."""
    return compile_loops(globals(), _LOOPS)


def event_kernel(name: str) -> Callable[..., Any]:
    """Return the compiled loop ``name`` (compiled, or loaded from the cache, on first use)."""
    return _compiled()[name]
