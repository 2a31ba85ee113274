"""Compiled inner loops (numba), each with its plain NumPy twin kept as the test oracle.

A kernel here is the plain-Python loop of a recursion that NumPy can only run one step at a
time over all rows (a Python loop per step); numba compiles it once per machine (cached
beside this module) on first use. ``numba`` is imported only then, so importing beringia
stays light. Each kernel gives the same floating-point operations in the same order as its
NumPy twin: results are bit-identical (tests/test_kernels.py).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


def _timetable_departures_loop(
    arr: FloatArray,
    perm: IntArray,
    types: IntArray,
    rows_per_direction: int,
    hw: FloatArray,
    cs: FloatArray,
    ce: FloatArray,
    ptr: IntArray,
    nxt: FloatArray,
    out: FloatArray,
) -> None:  # pragma: no cover - run compiled by numba
    rows, width = arr.shape
    for r in range(rows):
        d_ = r // rows_per_direction
        order = perm[r]
        prev = -np.inf
        p = ptr[r]
        nx = nxt[r]
        last_type = -1
        for j in range(width):
            c = order[j]
            k = types[d_, c]
            head = 0.0 if last_type < 0 else hw[last_type, k]
            last_type = k
            d = prev + head
            a = arr[r, c]
            if a > d:
                d = a
            if d >= nx:
                while ce[p] <= d:
                    p += 1
                if cs[p] <= d:
                    d = ce[p]
                    p += 1
                nx = cs[p]
            out[r, c] = d
            prev = d
        ptr[r] = p
        nxt[r] = nx


@cache
def timetable_departures_kernel() -> Callable[..., Any]:
    """Return the compiled :func:`timetable_departures`."""
    import numba

    kernel: Callable[..., Any] = numba.njit(cache=True, nogil=True)(_timetable_departures_loop)
    return kernel


def timetable_departures(
    arr: FloatArray,
    types: IntArray,
    rows_per_direction: int,
    hw: FloatArray,
    cs: FloatArray,
    ce: FloatArray,
    ptr: IntArray,
    nxt: FloatArray,
) -> FloatArray:
    """Return each train's departure, in timetable order, compiled.

    Row ``r`` (a direction of a simulated year: direction ``r // rows_per_direction``) takes
    its trains in order of arrival (``numpy.argsort(arr, axis=1, kind="stable")``, sorted
    by NumPy, faster than a compiled sort row by row). A train departs at ``max(previous departure +
    hw[type ahead, type], arrival)`` (the headway behind the train ahead, 0 for the first,
    or its arrival), pushed to the end of a closed interval it falls in; the row's closed
    intervals are ``cs[p], ce[p]`` from ``ptr[r]`` on, sorted and disjoint, ending with one
    that never closes, and ``nxt[r] = cs[ptr[r]]``.

    Parameters
    ----------
    arr : ndarray (rows, width)
        Arrivals at the portal, timetable order.
    types : ndarray of int64 (2, width)
        Train type of each timetable column per direction (padding columns: the last type of
        ``hw``, whose headways are 0).
    rows_per_direction : int
        Rows of direction 0; the rest are direction 1.
    hw : ndarray (types + 1, types + 1)
        Minimum headway of a follower behind a leader, seconds.
    cs, ce : ndarray
        Flat starts and ends of every row's closed intervals.
    ptr : ndarray of int64 (rows,)
        Each row's first interval not yet passed; advanced in place.
    nxt : ndarray (rows,)
        ``cs[ptr]``; updated in place.

    Returns
    -------
    ndarray (rows, width)
        Departures in timetable order.
    """
    out = np.empty_like(arr)
    perm = np.argsort(arr, axis=1, kind="stable")
    kernel = timetable_departures_kernel()
    kernel(arr, perm, types, rows_per_direction, hw, cs, ce, ptr, nxt, out)
    return out
