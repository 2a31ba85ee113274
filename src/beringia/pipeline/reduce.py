"""Reductions of a column of draws seen a chunk at a time: exact percentiles, exact ranks.

A streamed run (:mod:`beringia.pipeline.streamed`) never holds a whole column of draws. Its
percentiles are nevertheless exact, found in one pass by bracketing: a pilot (the run's first
chunk, a random sample of the same draws) gives for each reported percentile an interval of
values that contains it with overwhelming probability (:data:`SIGMAS` standard errors of a
sample quantile's rank on either side); every chunk then adds the count of its draws below
the interval and keeps the draws inside it. As draws come in, each bracket is narrowed to
the same number of standard errors of all the draws seen so far (the draws it no longer holds
join the count below or are dropped), so the draws kept grow as the square root of the run,
not in proportion to it. At the end the percentile's two order statistics are looked up among
the kept draws, and the count below proves that they are the right ones. Should a bracket miss
(the count shows it), that percentile is the pilot's, and :attr:`StreamedQuantiles.approximate`
names it.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from beringia.core.distributions import FloatArray
from beringia.core.stats import QUANTILES

IntArray = NDArray[np.int64]

SIGMAS = 8.0
"""Half-width of a bracket in standard errors of the pilot quantile's rank."""

NARROW_AT = 4.0
"""A bracket holding this many times the draws a fresh bracket would is narrowed."""
NARROW_MIN = 4096
"""... but never below this many draws held (narrowing small brackets gains nothing)."""


def percentile_from_order(
    order: dict[int, float], n: int
) -> dict[str, float]:  # mirrors numpy's "linear" method
    """Percentiles of :data:`QUANTILES` from the order statistics they need, as numpy has them.

    Parameters
    ----------
    order : dict
        0-based rank to value; holds every rank in :func:`needed_ranks` of ``n``.
    n : int
        Number of draws.

    Returns
    -------
    dict
        Percentile key (``p5`` ...) to the value :func:`numpy.percentile` gives.
    """
    q = np.true_divide(np.asarray(list(QUANTILES.values()), dtype=np.float64), 100)
    vi = (n - 1) * q
    prev = np.floor(vi)
    nxt = prev + 1
    above = vi >= n - 1
    prev[above] = n - 1
    nxt[above] = n - 1
    gamma = vi - np.floor(vi)
    a = np.array([order[int(i)] for i in prev])
    b = np.array([order[int(i)] for i in nxt])
    diff = b - a
    out = np.add(a, diff * gamma)
    np.subtract(b, diff * (1 - gamma), out=out, where=gamma >= 0.5)
    return {k: float(v) for k, v in zip(QUANTILES, out, strict=True)}


def needed_ranks(n: int) -> dict[str, tuple[int, int]]:
    """Return the two 0-based ranks each percentile of :data:`QUANTILES` interpolates between."""
    out = {}
    for k, p in QUANTILES.items():
        vi = (n - 1) * (p / 100)
        lo = min(math.floor(vi), n - 1)
        out[k] = (lo, min(lo + 1, n - 1))
    return out


class StreamedQuantiles:
    """Exact mean and percentiles of :data:`QUANTILES` of a column fed a chunk at a time.

    Parameters
    ----------
    pilot : ndarray
        A random sample of the column (a streamed run's first chunk); it is not added.
    total : int
        Draws the column will have once every chunk is added.
    sigmas : float
        Half-width of each bracket in standard errors of the pilot quantile's rank.
    """

    def __init__(self, pilot: FloatArray, total: int, sigmas: float = SIGMAS) -> None:
        s = np.sort(np.asarray(pilot, dtype=np.float64))
        m = s.shape[0]
        if m == 0 or not np.all(np.isfinite(s)):
            raise ValueError("StreamedQuantiles: the pilot is empty or not finite")
        self.total = total
        self.sigmas = sigmas
        self.n = 0
        self._sum = 0.0
        self._ranks = needed_ranks(total)
        self._bounds: dict[str, tuple[float, float]] = {}
        self._pilot: dict[str, float] = {}
        pilot_q = np.percentile(s, list(QUANTILES.values()))
        for j, (k, p) in enumerate(QUANTILES.items()):
            q = p / 100
            d = sigmas * math.sqrt(q * (1 - q) / m) + 2.0 / m
            lo_i, hi_i = math.floor((q - d) * (m - 1)), math.ceil((q + d) * (m - 1))
            self._bounds[k] = (
                float(s[lo_i]) if lo_i >= 0 else -math.inf,
                float(s[hi_i]) if hi_i <= m - 1 else math.inf,
            )
            self._pilot[k] = float(pilot_q[j])
        self._below = dict.fromkeys(QUANTILES, 0)
        # Each bracket's draws as distinct values and their counts: a point mass (a cost
        # component that is zero in most draws) is one entry, not one per draw.
        self._kept: dict[str, list[tuple[FloatArray, IntArray]]] = {k: [] for k in QUANTILES}
        self.approximate: list[str] = []
        """Percentiles whose bracket missed: the pilot's value stands in for them."""

    def add(self, x: FloatArray) -> None:
        """Add a chunk of draws (finite values)."""
        x = np.asarray(x, dtype=np.float64)
        if not np.all(np.isfinite(x)):
            raise ValueError("StreamedQuantiles: draws that are not finite")
        self.n += x.shape[0]
        self._sum += float(np.sum(x))
        for k, (lo, hi) in self._bounds.items():
            self._below[k] += int(np.count_nonzero(x < lo))
            values, counts = np.unique(x[(x >= lo) & (x <= hi)], return_counts=True)
            self._kept[k].append((values, counts.astype(np.int64)))
            held = sum(v.shape[0] for v, _ in self._kept[k])
            if held > max(NARROW_MIN, NARROW_AT * self._width(QUANTILES[k] / 100)):
                self._narrow(k)

    def _merged(self, k: str) -> tuple[FloatArray, IntArray]:
        """Bracket ``k``'s distinct values (ascending) and the cumulative count up to each."""
        parts = self._kept[k]
        if not parts:
            return np.empty(0), np.empty(0, dtype=np.int64)
        values, inverse = np.unique(np.concatenate([v for v, _ in parts]), return_inverse=True)
        counts = np.zeros(values.shape[0], dtype=np.int64)
        np.add.at(counts, inverse, np.concatenate([c for _, c in parts]))
        self._kept[k] = [(values, counts)]
        return values, np.cumsum(counts)

    @staticmethod
    def _at(values: FloatArray, cum: IntArray, i: int) -> float:
        """Return the ``i``-th (0-based) kept draw in order, from distinct values and counts."""
        return float(values[int(np.searchsorted(cum, i, side="right"))])

    def _half(self, q: float) -> float:
        """Half-width of a bracket at quantile ``q`` over the draws seen, as a fraction."""
        return self.sigmas * math.sqrt(q * (1 - q) / self.n) + 2.0 / self.n

    def _width(self, q: float) -> float:
        """Draws a bracket at quantile ``q`` fresh from the draws seen would hold."""
        return 2.0 * self._half(q) * self.n

    def _narrow(self, k: str) -> None:
        """Narrow bracket ``k`` to :attr:`sigmas` standard errors of every draw seen.

        The kept draws below the new bracket join the count below, those above are
        dropped; the bracket never widens.
        """
        values, cum = self._merged(k)
        total = int(cum[-1]) if cum.shape[0] else 0
        below, n = self._below[k], self.n
        q = QUANTILES[k] / 100
        d = self._half(q)
        lo, hi = self._bounds[k]
        i_lo = math.floor((q - d) * (n - 1)) - below
        i_hi = math.ceil((q + d) * (n - 1)) - below
        if 0 < i_lo < total:
            lo = self._at(values, cum, i_lo)
        if 0 <= i_hi < total - 1:
            hi = self._at(values, cum, i_hi)
        cut_lo = int(np.searchsorted(values, lo, side="left"))
        cut_hi = int(np.searchsorted(values, hi, side="right"))
        counts = np.diff(cum, prepend=0)
        self._below[k] = below + int(cum[cut_lo - 1]) if cut_lo > 0 else below
        self._kept[k] = [(values[cut_lo:cut_hi], counts[cut_lo:cut_hi])]
        self._bounds[k] = (lo, hi)

    def kept(self) -> int:
        """Distinct values held in the brackets (memory: 16 bytes each, value and count)."""
        return sum(v.shape[0] for parts in self._kept.values() for v, _ in parts)

    def result(self) -> dict[str, float]:
        """Mean and percentiles, as :func:`beringia.core.stats.quantiles` gives them.

        The percentiles are exact (bit-identical to ``numpy.percentile`` of the whole column)
        unless named in :attr:`approximate`; the mean is the sum of the chunks' sums over the
        draws, equal to numpy's mean of the whole column to within rounding (about 1e-15).
        """
        if self.n != self.total:
            raise ValueError(f"StreamedQuantiles: {self.n} draws added, {self.total} expected")
        order: dict[int, float] = {}
        fallback: dict[str, float] = {}
        for k, (lo_r, hi_r) in self._ranks.items():
            values, cum = self._merged(k)
            total = int(cum[-1]) if cum.shape[0] else 0
            below = self._below[k]
            if below <= lo_r and hi_r < below + total:
                order[lo_r] = self._at(values, cum, lo_r - below)
                order[hi_r] = self._at(values, cum, hi_r - below)
            else:
                fallback[k] = self._pilot[k]
                self.approximate.append(k)
        out = {"mean": self._sum / self.n}
        exact = (
            percentile_from_order(order, self.n)
            if not fallback
            else _partial(order, self.n, self._ranks)
        )
        for k in QUANTILES:
            out[k] = fallback.get(k, exact.get(k, math.nan))
        return out


def _partial(
    order: dict[int, float], n: int, ranks: dict[str, tuple[int, int]]
) -> dict[str, float]:
    """Return the percentiles whose order statistics are known (a bracket missed for the others)."""
    filled = {r: order.get(r, 0.0) for pair in ranks.values() for r in pair}
    full = percentile_from_order(filled, n)
    return {k: v for k, v in full.items() if ranks[k][0] in order and ranks[k][1] in order}


class RankCounter:
    """Exact average ranks, among every draw of a column, of a few candidate values.

    ``ranks`` as :func:`beringia.core.stats.ranks` (ties share the average rank) gives them
    over the whole column: the count of draws below plus half the other draws equal.
    """

    def __init__(self, candidates: FloatArray) -> None:
        self.candidates = np.asarray(candidates, dtype=np.float64)
        self._less = np.zeros(self.candidates.shape[0], dtype=np.int64)
        self._equal = np.zeros(self.candidates.shape[0], dtype=np.int64)

    def add(self, x: FloatArray) -> None:
        """Count a chunk of draws."""
        s = np.sort(np.asarray(x, dtype=np.float64))
        left = np.searchsorted(s, self.candidates, side="left")
        right = np.searchsorted(s, self.candidates, side="right")
        self._less += left
        self._equal += right - left

    def ranks(self) -> FloatArray:
        """Return the candidates' 0-based average ranks among all draws added."""
        # scipy's average rank is ((less + 1) + (less + equal)) / 2; minus 1 as core.stats.ranks
        lo = (self._less + 1).astype(np.float64)
        hi = (self._less + self._equal).astype(np.float64)
        out: FloatArray = (lo + hi) / 2.0 - 1.0
        return out
