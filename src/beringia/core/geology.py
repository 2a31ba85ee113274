"""Ground along the route as a semi-Markov sequence of ground-class runs (DAT's idea).

Each zone has a share of its length in each ground class and a mean run length per class.
Runs are drawn one after another: the class of each run is drawn independently with
probability proportional to ``share / mean_run`` (so that, in the long run, each class
covers its share of the length), and its length is exponential with the class's mean.
Consecutive runs of the same class simply join. The sequence restarts at zone boundaries.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from beringia.core.distributions import FloatArray


@dataclass(frozen=True)
class Zone:
    """A stretch of the route with its own ground statistics (pure-data form)."""

    from_m: float
    to_m: float
    share: tuple[float, ...]
    mean_run_m: tuple[float, ...]


def bisect_rows(sorted_rows: FloatArray, values: FloatArray) -> NDArray[np.intp]:
    """Per row ``r``: index ``k`` with ``sorted_rows[r, k] <= values[r, j] < sorted_rows[r, k+1]``.

    Vectorised bisection for a few queries per row (``values`` has shape (n, q)); it needs
    no preparation of the rows. Results are clipped to ``0 .. W - 2``.
    """
    n, width = sorted_rows.shape
    flat = sorted_rows.ravel()
    base = (np.arange(n) * width)[:, None]
    lo = np.zeros(values.shape, dtype=np.intp)
    hi = np.full(values.shape, width - 1, dtype=np.intp)
    while True:
        open_ = hi - lo > 1
        if not open_.any():
            break
        mid = (lo + hi) >> 1
        go = flat[base + mid] <= values
        lo = np.where(go & open_, mid, lo)
        hi = np.where(~go & open_, mid, hi)
    return lo


class RowSearch:
    """Row-wise ``searchsorted`` over a matrix whose rows are sorted.

    The rows (shape (n, W), each non-decreasing and non-negative) are shifted apart and
    flattened once, so that one flat ``searchsorted`` answers many (row, value) queries.
    """

    def __init__(self, sorted_rows: FloatArray) -> None:
        n, self.width = sorted_rows.shape
        span = 2.0 * float(sorted_rows.max(initial=0.0)) + 1.0
        self.offset = span * np.arange(n, dtype=np.float64)
        self.flat = (sorted_rows + self.offset[:, None]).ravel()

    def find(
        self, rows: NDArray[np.intp], values: FloatArray, *, presorted: bool = False
    ) -> NDArray[np.intp]:
        """Index ``k`` with ``row[k] <= value < row[k + 1]`` (clipped to ``0 .. W - 2``).

        ``presorted`` promises that ``rows`` ascend and values ascend within each row,
        which makes the search faster.
        """
        keys = values + self.offset[rows]
        pos = np.searchsorted(self.flat, keys, side="right") - 1 - rows * self.width
        return np.asarray(np.clip(pos, 0, self.width - 2), dtype=np.intp)

    def shift(self, rows: NDArray[np.intp]) -> FloatArray:
        """Offsets that make values of ``rows`` comparable in the flat array."""
        return np.asarray(self.offset[rows], dtype=np.float64)


@dataclass(frozen=True)
class Ground:
    """Sampled ground for a block of draws.

    Attributes
    ----------
    bounds : ndarray, shape (n, K + 1)
        Chainage (m) of run boundaries; ``bounds[:, 0] == 0`` and ``bounds[:, -1]`` is the
        route length. Runs beyond a zone's end have zero length.
    length : ndarray, shape (n, K)
        Run lengths (m).
    cls : ndarray of int, shape (n, K)
        Ground-class index of each run.
    zone_columns : tuple of (int, int)
        Column range ``[start, stop)`` of each zone's runs.
    search : RowSearch
        Row-wise search over ``bounds``.
    n_classes : int
        Number of ground classes.
    flat_cls : ndarray of int, shape (n, K)
        ``cls`` offset by ``draw * n_classes``: indices into a flattened (n, C) array.
    """

    bounds: FloatArray
    length: FloatArray
    cls: NDArray[np.intp]
    zone_columns: tuple[tuple[int, int], ...]
    search: RowSearch
    n_classes: int
    flat_cls: NDArray[np.intp]

    def gather(self, per_class: FloatArray) -> FloatArray:
        """``per_class[draw, cls[draw, run]]`` for every run: shape (n, K)."""
        return np.asarray(per_class.ravel()[self.flat_cls], dtype=np.float64)

    def locate(
        self, rows: NDArray[np.intp], chainage_m: FloatArray, *, presorted: bool = False
    ) -> NDArray[np.intp]:
        """Index of the run containing each ``chainage_m`` of draw ``rows``."""
        return self.search.find(rows, chainage_m, presorted=presorted)


def runs_needed(zone: Zone) -> int:
    """Return how many runs to draw for a zone: expected number plus ~five sigma.

    Run lengths are exponential with class-dependent means, so their coefficient of
    variation is near one; ``E + 5 sqrt(E) + 5`` runs fall short of the zone's length with
    a probability below one in a million, in which case the last run is stretched.
    """
    share = np.asarray(zone.share)
    mean_run = np.asarray(zone.mean_run_m)
    r = share / mean_run
    r = r / r.sum()
    mean_len = float(np.dot(r, mean_run))
    expected = (zone.to_m - zone.from_m) / mean_len
    return int(np.ceil(expected + 5.0 * np.sqrt(expected) + 5))


def sample_ground(zones: tuple[Zone, ...], rng: np.random.Generator, n: int) -> Ground:
    """Draw the ground along the route for ``n`` draws.

    Parameters
    ----------
    zones : tuple of Zone
        Contiguous zones from chainage 0 to the route's end.
    rng : numpy.random.Generator
        The block's geology stream.
    n : int
        Number of draws.

    Returns
    -------
    Ground
        Runs for every draw.
    """
    counts = [runs_needed(z) for z in zones]
    total = sum(counts)
    bounds = np.empty((n, total + 1))
    bounds[:, 0] = 0.0
    cls = np.empty((n, total), dtype=np.intp)
    columns = []
    col = 0
    for z, k in zip(zones, counts, strict=True):
        share = np.asarray(z.share, dtype=np.float64)
        mean_run = np.asarray(z.mean_run_m, dtype=np.float64)
        r = share / mean_run
        cum = np.cumsum(r / r.sum())[:-1]
        u = rng.random((n, k))
        zc = cls[:, col : col + k]
        np.greater(u, cum[0], out=zc, casting="unsafe") if len(cum) else zc.fill(0)
        for edge in cum[1:]:
            zc += u > edge
        ends = bounds[:, col + 1 : col + k + 1]
        np.multiply(mean_run[zc], rng.standard_exponential((n, k)), out=ends)
        ends[:, 0] += z.from_m
        np.cumsum(ends, axis=1, out=ends)
        np.minimum(ends, z.to_m, out=ends)
        ends[:, -1] = z.to_m
        columns.append((col, col + k))
        col += k
    length = np.diff(bounds, axis=1)
    return Ground(
        bounds=bounds,
        length=length,
        cls=cls,
        zone_columns=tuple(columns),
        search=RowSearch(bounds),
        n_classes=len(zones[0].share),
        flat_cls=cls + (np.arange(n) * len(zones[0].share))[:, None],
    )
