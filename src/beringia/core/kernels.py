"""Compiled inner loops (numba) of the operations year, each with a NumPy twin as the oracle.

A kernel here is the plain-Python loop of work that NumPy can only do one step at a time over
all rows, or with several passes over big arrays; numba compiles it once per machine (cached
beside this module) on first use (about 15 s of compiling on a busy 2-core machine; later
runs load the cache in well under a second). ``numba`` is imported only then, so importing
beringia stays light. Each kernel does the same floating-point operations in the same order as its
NumPy twin in :mod:`beringia.core.operations`: results are bit-identical
(tests/test_kernels.py). Sums that NumPy computes with ``ndarray.sum`` are reproduced by
:func:`pairwise_sum`, NumPy's own pairwise summation (the same tree of additions).

The loops (``_*_loop`` and their helpers) call each other by their global names; on
compilation every one of them is compiled in one namespace where those names are the
compiled functions (:func:`_compiled`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from types import FunctionType
from typing import Any

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

_BUDGET = 8
"""Insertion sorts give up after ``_BUDGET`` moves an element (then a merge sort)."""


def _pairwise_leaf(a: FloatArray, lo: int, n: int) -> float:  # pragma: no cover
    """NumPy's pairwise sum of at most 128 values (see :func:`pairwise_sum`)."""
    if n < 8:
        res = 0.0
        for i in range(lo, lo + n):
            res += a[i]
        return res
    r0 = a[lo]
    r1 = a[lo + 1]
    r2 = a[lo + 2]
    r3 = a[lo + 3]
    r4 = a[lo + 4]
    r5 = a[lo + 5]
    r6 = a[lo + 6]
    r7 = a[lo + 7]
    i = 8
    whole = n - n % 8
    while i < whole:
        j = lo + i
        r0 += a[j]
        r1 += a[j + 1]
        r2 += a[j + 2]
        r3 += a[j + 3]
        r4 += a[j + 4]
        r5 += a[j + 5]
        r6 += a[j + 6]
        r7 += a[j + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[lo + i]
        i += 1
    total: float = res
    return total


def pairwise_sum(a: FloatArray, lo: int, n: int) -> float:  # pragma: no cover
    """Sum ``a[lo:lo + n]`` exactly as NumPy's ``add.reduce`` of a contiguous row does.

    NumPy's pairwise summation (``numpy/_core/src/umath/loops_utils.h.src``): fewer than 8
    values one after the other, up to 128 in 8 interleaved accumulators, more split in two at
    a multiple of 8 below the half, the halves summed and added. The recursion runs on an
    explicit stack (numba's cache mishandles recursive functions).
    """
    if n <= 128:
        leaf: float = _pairwise_leaf(a, lo, n)
        return leaf
    depth = 64  # halves: at most log2(n / 64) levels
    s_lo = np.empty(depth, dtype=np.int64)
    s_n = np.empty(depth, dtype=np.int64)
    state = np.zeros(depth, dtype=np.int64)
    left = np.empty(depth)
    top = 0
    s_lo[0] = lo
    s_n[0] = n
    ret = 0.0
    while top >= 0:
        m = s_n[top]
        half = m // 2
        half -= half % 8
        if m <= 128:
            ret = _pairwise_leaf(a, s_lo[top], m)
            top -= 1
        elif state[top] == 0:  # sum the first half
            state[top] = 1
            s_lo[top + 1] = s_lo[top]
            s_n[top + 1] = half
            state[top + 1] = 0
            top += 1
        elif state[top] == 1:  # then the second half
            left[top] = ret
            state[top] = 2
            s_lo[top + 1] = s_lo[top] + half
            s_n[top + 1] = m - half
            state[top + 1] = 0
            top += 1
        else:
            ret = left[top] + ret
            top -= 1
    return ret


def _row_sum(a: FloatArray, lo: int, n: int) -> float:  # pragma: no cover
    """``a[lo:lo + n].sum()`` of NumPy: the identity 0 plus the pairwise sum."""
    return 0.0 + pairwise_sum(a, lo, n)


def merge_order(key: FloatArray, order: IntArray) -> None:  # pragma: no cover
    """Order of ``key`` as ``numpy.argsort(key, kind="stable")``: a bottom-up merge sort."""
    n = key.size
    for i in range(n):
        order[i] = i
    tmp = np.empty(n, dtype=np.int64)
    width = 1
    while width < n:
        for lo in range(0, n, 2 * width):
            mid = min(lo + width, n)
            hi = min(lo + 2 * width, n)
            i = lo
            j = mid
            k = lo
            while k < hi:
                if j >= hi or (i < mid and key[order[i]] <= key[order[j]]):
                    tmp[k] = order[i]  # ties: the left run first (stable)
                    i += 1
                else:
                    tmp[k] = order[j]
                    j += 1
                k += 1
        for k in range(n):
            order[k] = tmp[k]
        width *= 2


def stable_order(
    base: FloatArray, add: FloatArray, key: FloatArray, order: IntArray, sorted_key: FloatArray
) -> None:  # pragma: no cover
    """Order of ``key = base + add`` as ``numpy.argsort(key, kind="stable")``, the sorted keys.

    Insertion sort (linear on nearly sorted keys, as arrivals in timetable order are); past
    ``_BUDGET`` moves an element, a (stable) merge sort (:func:`merge_order`). ``key``
    gets ``base + add``.
    """
    n = key.size
    budget = _BUDGET * n + 64
    moves = 0
    for i in range(n):
        x = base[i] + add[i]
        key[i] = x
        j = i - 1
        while j >= 0 and sorted_key[j] > x:
            sorted_key[j + 1] = sorted_key[j]
            order[j + 1] = order[j]
            j -= 1
        sorted_key[j + 1] = x
        order[j + 1] = i
        moves += i - 1 - j
        if moves > budget:
            for c in range(i + 1, n):
                key[c] = base[c] + add[c]
            merge_order(key, order)
            for c in range(n):
                sorted_key[c] = key[order[c]]
            return


def _sort_by_start(s: FloatArray, e: FloatArray, lo: int, n: int) -> None:  # pragma: no cover
    """Sort the intervals ``s[lo:lo + n], e[lo:lo + n]`` by start, in place."""
    budget = _BUDGET * n + 64
    moves = 0
    for i in range(lo + 1, lo + n):
        xs = s[i]
        xe = e[i]
        j = i - 1
        while j >= lo and s[j] > xs:
            s[j + 1] = s[j]
            e[j + 1] = e[j]
            j -= 1
        s[j + 1] = xs
        e[j + 1] = xe
        moves += i - 1 - j
        if moves > budget:
            order = np.empty(n, dtype=np.int64)
            merge_order(s[lo : lo + n], order)
            s2 = np.empty(n)
            e2 = np.empty(n)
            for c in range(n):
                s2[c] = s[lo + order[c]]
                e2[c] = e[lo + order[c]]
            for c in range(n):
                s[lo + c] = s2[c]
                e[lo + c] = e2[c]
            return


def _sort_two_runs(
    s: FloatArray, e: FloatArray, lo: int, mid: int, hi: int, tmp_s: FloatArray, tmp_e: FloatArray
) -> None:  # pragma: no cover
    """Sort ``[lo, mid)`` and ``[mid, hi)`` by start, then merge the two runs, in place."""
    _sort_by_start(s, e, lo, mid - lo)
    _sort_by_start(s, e, mid, hi - mid)
    if mid == lo or mid == hi or s[mid - 1] <= s[mid]:
        return
    i = lo
    j = mid
    k = 0
    while i < mid and j < hi:
        if s[j] < s[i]:
            tmp_s[k] = s[j]
            tmp_e[k] = e[j]
            j += 1
        else:
            tmp_s[k] = s[i]
            tmp_e[k] = e[i]
            i += 1
        k += 1
    while i < mid:
        tmp_s[k] = s[i]
        tmp_e[k] = e[i]
        i += 1
        k += 1
    for c in range(k):  # the rest of the second run is in place already
        s[lo + c] = tmp_s[c]
        e[lo + c] = tmp_e[c]


def _merge_sorted(s: FloatArray, e: FloatArray, lo: int, n: int) -> int:  # pragma: no cover
    """Merge sorted intervals into disjoint ones in place (touching ones merge); their count.

    As ``_merge`` of :mod:`beringia.core.operations`: an interval starts a new one when its
    start is past every end before it; a merged interval ends at the largest end in it.
    """
    if n == 0:
        return 0
    out = lo
    cur_e = e[lo]
    for i in range(lo + 1, lo + n):
        if s[i] > cur_e:
            e[out] = cur_e
            out += 1
            s[out] = s[i]
            cur_e = e[i]
        elif e[i] > cur_e:
            cur_e = e[i]
    e[out] = cur_e
    return out - lo + 1


def _measure(
    s: FloatArray, e: FloatArray, lo: int, n: int, width: int, year: float, tmp: FloatArray
) -> float:  # pragma: no cover
    """``_measure`` of :mod:`beringia.core.operations` of one row padded to ``width`` cells."""
    for i in range(n):
        a = min(max(s[lo + i], 0.0), year)
        b = min(max(e[lo + i], 0.0), year)
        tmp[i] = max(b - a, 0.0)
    for i in range(n, width):
        tmp[i] = 0.0
    return _row_sum(tmp, 0, width)


def _events_loop(
    t0: FloatArray,
    closure: FloatArray,
    degraded: FloatArray,
    poss_u: FloatArray,
    poss_e: FloatArray,
) -> tuple[FloatArray, FloatArray, IntArray, FloatArray, FloatArray, IntArray]:  # pragma: no cover
    """Closures and degraded intervals ``[u, u + span)`` (the possessions first) of each year."""
    n, slots = t0.shape
    n_poss = poss_u.size
    cl_s = np.empty((n, slots))
    cl_e = np.empty((n, slots))
    n_cl = np.zeros(n, dtype=np.int64)
    dg_u = np.empty((n, slots + n_poss))
    dg_span = np.empty((n, slots + n_poss))
    n_dg = np.zeros(n, dtype=np.int64)
    for y in range(n):
        for i in range(n_poss):
            dg_u[y, i] = poss_u[i]
            dg_span[y, i] = poss_e[i] - poss_u[i]
        nd = n_poss
        nc = 0
        for j in range(slots):
            t = t0[y, j]
            if not np.isfinite(t):
                continue
            c = closure[y, j]
            if c > 0:
                cl_s[y, nc] = t
                cl_e[y, nc] = t + c
                nc += 1
            g = degraded[y, j]
            if g > 0:
                u = t + c
                dg_u[y, nd] = u
                dg_span[y, nd] = (u + g) - u
                nd += 1
        n_cl[y] = nc
        n_dg[y] = nd
    return cl_s, cl_e, n_cl, dg_u, dg_span, n_dg


def _closed_time_loop(
    cl_s: FloatArray,
    cl_e: FloatArray,
    n_cl: IntArray,
    dg_u: FloatArray,
    dg_span: FloatArray,
    n_dg: IntArray,
    n_poss: int,
    year: float,
) -> tuple[IntArray, FloatArray, FloatArray]:  # pragma: no cover
    """Merge each year's closures in place; closed time, and degraded or closed time."""
    n, slots = cl_s.shape
    # Closed time (closures) and degraded time (closures and degraded intervals) per year.
    merged_c = np.zeros(n, dtype=np.int64)
    both_s = np.empty((n, slots + slots + n_poss))
    both_e = np.empty((n, slots + slots + n_poss))
    merged_b = np.zeros(n, dtype=np.int64)
    tmp_s = np.empty(slots + slots + n_poss)
    tmp_e = np.empty(slots + slots + n_poss)
    for y in range(n):
        nc = n_cl[y]
        _sort_by_start(cl_s[y], cl_e[y], 0, nc)
        merged_c[y] = _merge_sorted(cl_s[y], cl_e[y], 0, nc)
        nb = 0
        for i in range(n_dg[y]):
            both_s[y, nb] = dg_u[y, i]
            both_e[y, nb] = dg_u[y, i] + dg_span[y, i]
            nb += 1
        for i in range(merged_c[y]):
            both_s[y, nb] = cl_s[y, i]  # the merged closures: the same union
            both_e[y, nb] = cl_e[y, i]
            nb += 1
        _sort_two_runs(both_s[y], both_e[y], 0, min(n_poss, nb), nb, tmp_s, tmp_e)
        merged_b[y] = _merge_sorted(both_s[y], both_e[y], 0, nb)
    width_c = 0
    width_b = 0
    for y in range(n):
        width_c = max(width_c, n_cl[y])  # widths count the intervals before merging
        width_b = max(width_b, n_dg[y] + n_cl[y])
    tmp = np.empty(max(width_c, width_b) + 1)
    out = np.empty((2, n))
    for which in range(2):  # one call site: the compiled code stays small
        for y in range(n):
            if which == 0:
                ss, ee, m, w = cl_s[y], cl_e[y], merged_c[y], width_c
            else:
                ss, ee, m, w = both_s[y], both_e[y], merged_b[y], width_b
            out[which, y] = _measure(ss, ee, 0, m, w + 1, year, tmp)
    return merged_c, out[0], out[1]


def _red_loop(
    cl_s: FloatArray,
    merged_c: IntArray,
    cl_e: FloatArray,
    n_cl: IntArray,
    dg_u: FloatArray,
    dg_span: FloatArray,
    n_dg: IntArray,
    n_poss: int,
    green: float,
    switch: float,
    cyc: float,
    offsets: FloatArray,
    k_lo: FloatArray,
    year: float,
) -> tuple[FloatArray, FloatArray, IntArray, FloatArray]:  # pragma: no cover
    """Red intervals of each direction's entry signal and the time they cover in the year."""
    n, slots = cl_s.shape
    red_len = cyc - green
    # Red intervals of each direction's entry signal: rows (direction, year), CSR with an
    # (inf, inf) sentinel ending each row.
    rows = 2 * n
    count = np.zeros((2, n, slots + n_poss), dtype=np.int64)
    ptr = np.zeros(rows + 1, dtype=np.int64)
    for d in range(2):
        for y in range(n):
            nd = n_dg[y]
            total = nd + n_cl[y] + 1
            for i in range(nd):
                k_hi = np.ceil((dg_span[y, i] - offsets[d]) / cyc) - 1
                cnt = k_hi - k_lo[d] + 1
                count[d, y, i] = int(cnt) if cnt > 0 else 0
                total += count[d, y, i]
            ptr[d * n + y + 1] = ptr[d * n + y] + total
    cs = np.empty(ptr[rows])
    ce = np.empty(ptr[rows])
    longest = 0
    for r in range(rows):
        longest = max(longest, ptr[r + 1] - ptr[r])
    tmp_s = np.empty(longest)
    tmp_e = np.empty(longest)
    unmerged = np.zeros(rows, dtype=np.int64)
    merged = np.zeros(rows, dtype=np.int64)
    for d in range(2):
        off = offsets[d]
        for y in range(n):
            r = d * n + y
            p = ptr[r]
            q = p
            nd = n_dg[y]
            mid = p
            for i in range(nd):  # the possessions first, in order of time, then the events
                u = dg_u[y, i]
                span = dg_span[y, i]
                for j in range(count[d, y, i]):
                    kc = (k_lo[d] + j) * cyc
                    r_s = u + max(kc + off, 0.0)
                    r_e = u + min(kc + off + red_len, span)
                    if r_e > r_s:
                        cs[q] = r_s
                        ce[q] = r_e
                        q += 1
                cs[q] = u + max(span - switch, 0.0)  # the last switch: red both ways
                ce[q] = u + span
                q += 1
                if i == n_poss - 1:
                    mid = q
            for i in range(merged_c[y]):
                cs[q] = cl_s[y, i]
                ce[q] = cl_e[y, i]
                q += 1
            unmerged[r] = (q - p) - merged_c[y] + n_cl[y]  # count unmerged closures
            _sort_two_runs(cs, ce, p, mid, q, tmp_s, tmp_e)
            m = _merge_sorted(cs, ce, p, q - p)
            merged[r] = m
            cs[p + m] = np.inf
            ce[p + m] = np.inf
    width_r = 0
    for r in range(rows):
        width_r = max(width_r, unmerged[r])
    tmp = np.empty(width_r + 1)
    red_m = np.empty(rows)
    for r in range(rows):
        red_m[r] = _measure(cs, ce, ptr[r], merged[r], width_r + 1, year, tmp)
    return cs, ce, ptr, red_m


def _trains_loop(
    delays: FloatArray,
    year0: int,
    years_in_chunk: int,
    sched: FloatArray,
    kinds: IntArray,
    slot: IntArray,
    size0: int,
    hw: FloatArray,
    cs: FloatArray,
    ce: FloatArray,
    ptr: IntArray,
    year: float,
    type_start: IntArray,
    type_width: IntArray,
    buf: FloatArray,
    trains_run: IntArray,
) -> None:  # pragma: no cover
    """Run the trains of ``delays.shape[0]`` years (years ``year0 ...`` of the chunk).

    ``sched``, ``kinds`` (train types) and ``slot`` hold direction 0's paths then direction
    1's (``size0`` of direction 0). Writes each train's delay (``inf`` if it did not run) at
    its slot in its type's block of ``buf`` and counts the trains run.
    """
    n_years, n_trains = delays.shape
    n_types = type_width.size
    key = np.empty(n_trains)
    sorted_key = np.empty(n_trains)
    order = np.empty(n_trains, dtype=np.int64)
    row = np.empty(n_types, dtype=np.int64)
    ran = np.empty(n_types, dtype=np.int64)
    for yy in range(n_years):
        y = year0 + yy
        for k in range(n_types):
            row[k] = type_start[k] + yy * type_width[k]
        for d in range(2):
            lo = 0 if d == 0 else size0
            hi = size0 if d == 0 else n_trains
            size = hi - lo
            stable_order(
                sched[lo:hi], delays[yy, lo:hi], key[:size], order[:size], sorted_key[:size]
            )
            ran[:] = 0
            p = ptr[d * years_in_chunk + y]
            nx = cs[p]
            prev = -np.inf
            last = -1
            for j in range(size):
                c = lo + order[j]
                k = kinds[c]
                head = 0.0 if last < 0 else hw[last, k]
                last = k
                dep = prev + head
                a = sorted_key[j]
                if a > dep:
                    dep = a
                if dep >= nx:
                    while ce[p] <= dep:
                        p += 1
                    if cs[p] <= dep:
                        dep = ce[p]
                        p += 1
                    nx = cs[p]
                prev = dep
                if dep < year:
                    buf[row[k] + slot[c]] = dep - sched[c]
                    ran[k] += 1
                else:
                    buf[row[k] + slot[c]] = np.inf
            for k in range(n_types):
                trains_run[y, d, k] = ran[k]


def _delay_stats_loop(
    buf: FloatArray,
    year0: int,
    n_years: int,
    type_start: IntArray,
    type_width: IntArray,
    trains_run: IntArray,
    qs: FloatArray,
    mean_delay: FloatArray,
    quant: FloatArray,
) -> None:  # pragma: no cover
    """Mean and quantiles of the delays of each year and type from their sorted blocks."""
    for k in range(type_start.size):
        width = type_width[k]
        for yy in range(n_years):
            y = year0 + yy
            c = trains_run[y, 0, k] + trains_run[y, 1, k]
            if c == 0:
                continue
            row = type_start[k] + yy * width
            for i in range(row + c, row + width):
                buf[i] = 0.0  # trains not run (inf, sorted last) count 0 in the sum
            mean_delay[y, k] = _row_sum(buf, row, width) / c / 60.0
            for i in range(qs.size):
                pos = qs[i] * (c - 1)
                lo = int(np.floor(pos))
                hi = min(lo + 1, c - 1)
                v_lo = buf[row + lo]
                v_hi = buf[row + hi]
                quant[y, k, i] = (v_lo + (pos - lo) * (v_hi - v_lo)) / 60.0


_LOOPS = (
    "_pairwise_leaf",
    "pairwise_sum",
    "_row_sum",
    "merge_order",
    "stable_order",
    "_sort_by_start",
    "_sort_two_runs",
    "_merge_sorted",
    "_measure",
    "_events_loop",
    "_closed_time_loop",
    "_red_loop",
    "_trains_loop",
    "_delay_stats_loop",
)


def compile_loops(
    module_globals: dict[str, Any], names: tuple[str, ...]
) -> dict[str, Callable[..., Any]]:
    """Compile the loops ``names`` of a module in one namespace where their names are compiled.

    Each loop calls the others by their global names; compiled in a copy of the module's
    globals where those names are the compiled functions, they call each other compiled.
    The cache (numba ``cache=True``) lies beside the module the loops' code comes from.
    """
    import numba

    namespace: dict[str, Any] = dict(module_globals)
    out: dict[str, Callable[..., Any]] = {}
    for name in names:
        fn = module_globals[name]
        copy = FunctionType(fn.__code__, namespace, name, fn.__defaults__)
        out[name] = namespace[name] = numba.njit(cache=True, nogil=True)(copy)
    return out


@cache
def _compiled() -> dict[str, Callable[..., Any]]:
    """Compile every loop in one namespace where their names are the compiled functions."""
    return compile_loops(globals(), _LOOPS)


def kernel(name: str) -> Callable[..., Any]:
    """Return the compiled loop ``name`` (compiled, or loaded from the cache, on first use)."""
    return _compiled()[name]


def closed_intervals(
    start_s: FloatArray,
    closure_s: FloatArray,
    degraded_s: FloatArray,
    possession_start_s: FloatArray,
    possession_end_s: FloatArray,
    green_s: float,
    switch_s: float,
    cycle_s: float,
    year_s: float,
) -> tuple[FloatArray, FloatArray, IntArray, FloatArray, FloatArray, FloatArray]:
    """Return each direction's closed intervals of the entry signal and the closed times.

    The twin of ``_closed_intervals`` and ``_measure`` of :mod:`beringia.core.operations`
    (module docstring there, item 5): full closures; the degraded intervals (the possessions
    and the periods after events) each with its own single-bore cycle.

    Parameters
    ----------
    start_s, closure_s, degraded_s : ndarray (n, M)
        The events of ``n`` years (unused slots: ``start_s`` not finite).
    possession_start_s, possession_end_s : ndarray (P,)
        The nightly possessions of a year.
    green_s, switch_s, cycle_s : float
        Single-bore green time, switch time and cycle.
    year_s : float
        Length of a year.

    Returns
    -------
    cs, ce : ndarray
        Disjoint sorted closed intervals of row ``r = direction * n + year`` from ``ptr[r]``,
        ending with an ``(inf, inf)`` sentinel.
    ptr : ndarray of int64 (2 n + 1,)
        Where each row's intervals start.
    closed_s : ndarray (n,)
        Full closure within each year.
    degraded_or_closed_s : ndarray (n,)
        Single-bore working or closure within each year.
    red_s : ndarray (2 n,)
        Time each row's entry signal is red within the year.
    """
    offsets = np.array([green_s, 2.0 * green_s + switch_s])
    red_len = cycle_s - green_s
    k_lo = np.array([np.floor((-o - red_len) / cycle_s) + 1 for o in offsets.tolist()])
    cl_s, cl_e, n_cl, dg_u, dg_span, n_dg = kernel("_events_loop")(
        np.ascontiguousarray(start_s, dtype=np.float64),
        np.ascontiguousarray(closure_s, dtype=np.float64),
        np.ascontiguousarray(degraded_s, dtype=np.float64),
        np.ascontiguousarray(possession_start_s, dtype=np.float64),
        np.ascontiguousarray(possession_end_s, dtype=np.float64),
    )
    n_poss = int(np.asarray(possession_start_s).size)
    merged_c, closed_s, both_s = kernel("_closed_time_loop")(
        cl_s, cl_e, n_cl, dg_u, dg_span, n_dg, n_poss, float(year_s)
    )
    cs, ce, ptr, red_s = kernel("_red_loop")(
        cl_s,
        merged_c,
        cl_e,
        n_cl,
        dg_u,
        dg_span,
        n_dg,
        n_poss,
        float(green_s),
        float(switch_s),
        float(cycle_s),
        offsets,
        k_lo,
        float(year_s),
    )
    return cs, ce, ptr, closed_s, both_s, red_s
