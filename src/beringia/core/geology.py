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


def _zone_runs(zone: Zone, streams: Streams, n: int) -> tuple[NDArray[np.int8], FloatArray]:
    """Class index (K, n) and end chainage (K, n) of a zone's runs, covering the zone."""
    share = np.asarray(zone.share, dtype=np.float64)
    mean_run = np.asarray(zone.mean_run_m, dtype=np.float64)
    r = share / mean_run
    edges = np.cumsum(r / r.sum())[:-1]
    # The first run is drawn in proportion to the shares themselves: with exponential run
    # lengths (memoryless) the sequence is then stationary from the zone's start, so every
    # chainage, not only the long run, is in class c with probability share[c].
    first_edges = np.cumsum(share / share.sum())[:-1]
    g_class = streams(f"geology/{zone.name}/class")
    g_length = streams(f"geology/{zone.name}/length")
    classes: list[NDArray[np.int8]] = []
    ends: list[FloatArray] = []
    reached = np.full(n, zone.from_m)
    k = runs_expected(zone)
    while True:
        # Row-major draws: row j holds run j of every draw, whatever k is.
        u = g_class.random((k, n))
        small = np.zeros((k, n), dtype=np.int8)  # class index, accumulated in one byte
        for edge in edges:
            small += u > edge
        if not classes:
            small[0] = (u[0, :, None] > first_edges).sum(axis=1)
        end = g_length.standard_exponential((k, n))
        end *= np.take(mean_run, small)
        end[0] += reached
        cumsum_rows(end, end)
        classes.append(small)
        ends.append(end)
        reached = end[-1]
        if reached.min() >= zone.to_m:
            break
        k = TOP_UP_RUNS
    end_all = ends[0] if len(ends) == 1 else np.concatenate(ends)
    np.minimum(end_all, zone.to_m, out=end_all)
    return (classes[0] if len(classes) == 1 else np.concatenate(classes)), end_all


def sample_ground(zones: tuple[Zone, ...], streams: Streams, n: int) -> Ground:
    """Draw the ground along the route for ``n`` draws.

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
    parts = [_zone_runs(z, streams, n) for z in zones]
    total = sum(c.shape[0] for c, _ in parts)
    bounds = np.empty((total + 1, n))
    bounds[0] = 0.0
    flat_cls = np.empty((total, n), dtype=np.intp)
    draw = np.arange(n)
    rows = []
    row = 0
    for z, (small, end) in zip(zones, parts, strict=True):
        k = small.shape[0]
        bounds[row + 1 : row + k + 1] = end
        zc = flat_cls[row : row + k]
        np.multiply(small, np.intp(n), out=zc)
        zc += draw
        rows.append((z.name, row, row + k))
        row += k
    length = np.diff(bounds, axis=0)
    return Ground(bounds=bounds, length=length, flat_cls=flat_cls, zone_rows=tuple(rows))
