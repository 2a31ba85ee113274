"""Ground along the route as a semi-Markov sequence of ground-class runs (DAT's idea).

Each zone has a share of its length in each ground class and a mean run length per class.
Runs are drawn one after another: the class of each run is drawn independently with
probability proportional to ``share / mean_run`` (so that each class covers its share of
the length), and its length is exponential with the class's mean. The first run of a zone
is drawn in proportion to ``share``, which makes the sequence stationary from the zone's
start. Consecutive runs of the same class simply join. The sequence restarts at zone
boundaries.

Arrays are laid out runs x draws, shape ``(K, n)``. Each zone draws its classes and its
lengths from two streams of its own, run by run, so run ``j`` of draw ``i`` gets the same
random numbers whatever the zone's length: a longer zone only adds runs at its end
(common random numbers along the chainage).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from beringia.core.distributions import FloatArray

Streams = Callable[[str], np.random.Generator]
"""Returns the generator of a named uncertainty in the current block."""


@dataclass(frozen=True)
class Zone:
    """A stretch of the route with its own ground statistics (pure-data form)."""

    name: str
    from_m: float
    to_m: float
    share: tuple[float, ...]
    mean_run_m: tuple[float, ...]


def cumsum_rows(a: FloatArray, out: FloatArray) -> FloatArray:
    """Cumulative sum down the rows of ``a`` (K, n) into ``out`` (K, n); return ``out``.

    A loop over rows of whole-vector adds is an order of magnitude faster than
    ``np.cumsum(axis=0)`` on a C-ordered array, and gives the same sums in the same order.
    """
    if a.shape[0]:
        np.copyto(out[0], a[0])
    for j in range(1, a.shape[0]):
        np.add(out[j - 1], a[j], out=out[j])
    return out


def bisect_columns(sorted_cols: FloatArray, values: FloatArray) -> NDArray[np.intp]:
    """Per column ``i``: ``k`` with ``sorted_cols[k, i] <= values[j, i] < sorted_cols[k+1, i]``.

    Vectorised bisection for a few queries per column: ``sorted_cols`` has shape (W, n)
    with every column non-decreasing, ``values`` shape (q, n). Results are clipped to
    ``0 .. W - 2``.
    """
    width, n = sorted_cols.shape
    flat = sorted_cols.ravel()
    col = np.arange(n)
    lo = np.zeros(values.shape, dtype=np.intp)
    hi = np.full(values.shape, width - 1, dtype=np.intp)
    while True:
        open_ = hi - lo > 1
        if not open_.any():
            break
        mid = (lo + hi) >> 1
        go = flat[mid * n + col] <= values
        lo = np.where(go & open_, mid, lo)
        hi = np.where(~go & open_, mid, hi)
    return lo


@dataclass(frozen=True)
class Ground:
    """Sampled ground for a block of draws.

    Attributes
    ----------
    bounds : ndarray, shape (K + 1, n)
        Chainage (m) of run boundaries; ``bounds[0] == 0`` and ``bounds[-1]`` is the route
        length. Runs beyond a zone's end have zero length.
    length : ndarray, shape (K, n)
        Run lengths (m).
    flat_cls : ndarray of int, shape (K, n)
        ``class * n + draw`` for each run: indices into a raveled (C, n) per-class table.
    zone_rows : tuple of (str, int, int)
        Each zone's name and its rows ``[start, stop)``.
    """

    bounds: FloatArray
    length: FloatArray
    flat_cls: NDArray[np.intp]
    zone_rows: tuple[tuple[str, int, int], ...]

    def gather(self, per_class: FloatArray) -> FloatArray:
        """Return ``per_class[cls[k, i], i]`` for every run: shape (K, n) from (C, n)."""
        return np.asarray(np.take(per_class.ravel(), self.flat_cls), dtype=np.float64)


TOP_UP_RUNS = 16
"""Runs added to every draw of a zone, from the same streams, while any draw falls short."""


def runs_expected(zone: Zone) -> int:
    """Return how many runs to draw for a zone at first: expected number plus 3 sigma.

    Draws whose runs fall short of the zone's end get more runs, drawn from the same two
    streams (see :func:`sample_ground`), so coverage is exact and run ``j`` of a draw has
    the same random numbers whatever this first guess is.
    """
    share = np.asarray(zone.share)
    mean_run = np.asarray(zone.mean_run_m)
    r = share / mean_run
    r = r / r.sum()
    mean_len = float(np.dot(r, mean_run))
    expected = (zone.to_m - zone.from_m) / mean_len
    return int(np.ceil(expected + 3.0 * np.sqrt(expected) + 3))


def sample_ground(zones: tuple[Zone, ...], streams: Streams, n: int) -> Ground:
    """Draw the ground along the route for ``n`` draws.

    Each zone first draws :func:`runs_expected` runs for every draw, then, while any draw
    falls short of the zone's end, :data:`TOP_UP_RUNS` more from the same two streams
    (row-major, so run ``j`` of a draw has the same random numbers however many runs are
    drawn). Coverage is exact; runs past a zone's end get zero length.

    Parameters
    ----------
    zones : tuple of Zone
        Contiguous zones from chainage 0 to the route's end.
    streams : callable
        ``streams(key)`` gives the block's generator for ``geology/<zone>/class`` and
        ``geology/<zone>/length``.
    n : int
        Number of draws.

    Returns
    -------
    Ground
        Runs for every draw, covering every zone exactly.
    """
    capacity = sum(runs_expected(z) for z in zones) + 2 * TOP_UP_RUNS * len(zones)
    bounds = np.empty((capacity + 1, n))
    bounds[0] = 0.0
    flat_cls = np.empty((capacity, n), dtype=np.intp)
    draw = np.arange(n)
    rows = []
    row = 0
    for zone in zones:
        share = np.asarray(zone.share, dtype=np.float64)
        mean_run = np.asarray(zone.mean_run_m, dtype=np.float64)
        r = share / mean_run
        edges = np.cumsum(r / r.sum())[:-1]
        # The first run is drawn in proportion to the shares themselves: with exponential
        # run lengths (memoryless) the sequence is then stationary from the zone's start,
        # so every chainage, not only the long run, is in class c with probability share[c].
        first_edges = np.cumsum(share / share.sum())[:-1]
        g_class = streams(f"geology/{zone.name}/class")
        g_length = streams(f"geology/{zone.name}/length")
        start = row
        k = runs_expected(zone)
        while True:
            if row + k > capacity:  # rare: grow the buffers
                capacity = 2 * capacity + k
                bounds = np.concatenate([bounds, np.empty((capacity + 1 - len(bounds), n))])
                flat_cls = np.concatenate(
                    [flat_cls, np.empty((capacity - len(flat_cls), n), dtype=np.intp)]
                )
            u = g_class.random((k, n))
            small = np.zeros((k, n), dtype=np.int8)  # class index, accumulated in one byte
            for edge in edges:
                small += u > edge
            if row == start:
                small[0] = (u[0, :, None] > first_edges).sum(axis=1)
            ends = bounds[row + 1 : row + k + 1]
            g_length.standard_exponential((k, n), out=ends)
            ends *= np.take(mean_run, small)
            ends[0] += bounds[row]
            cumsum_rows(ends, ends)
            zc = flat_cls[row : row + k]
            np.multiply(small, np.intp(n), out=zc)
            zc += draw
            row += k
            if ends[-1].min() >= zone.to_m:
                break
            k = TOP_UP_RUNS
        np.minimum(bounds[start + 1 : row + 1], zone.to_m, out=bounds[start + 1 : row + 1])
        rows.append((zone.name, start, row))
    bounds = bounds[: row + 1]
    return Ground(
        bounds=bounds,
        length=np.diff(bounds, axis=0),
        flat_cls=flat_cls[:row],
        zone_rows=tuple(rows),
    )
