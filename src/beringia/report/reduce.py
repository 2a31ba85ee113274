"""Reduce per-draw arrays to what a figure needs, so a report stays small at any draw count.

A curve over draws is thinned to at most :data:`MAX_CURVE_POINTS` points and stored in 32 bits
(plotly writes arrays into the page; half the bytes, precision to spare).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
"""Per-draw (or per-point) values as the results hold them."""
MAX_CURVE_POINTS = 1000
"""Most points of one empirical CDF (S-curve)."""


def f32(x: FloatArray) -> NDArray[np.float32]:
    """Store a plotted array in 32 bits: half the bytes in the page, precision to spare.

    Parameters
    ----------
    x : ndarray
        Values to plot.

    Returns
    -------
    ndarray of float32
        The same values rounded to single precision.
    """
    return np.asarray(x, dtype=np.float32)


def ecdf_points(
    values: FloatArray, max_points: int = MAX_CURVE_POINTS
) -> tuple[FloatArray, FloatArray]:
    """Points of the empirical CDF of ``values``, thinned to at most ``max_points``.

    Parameters
    ----------
    values : ndarray
        Per-draw values.
    max_points : int
        Most points returned; the smallest and largest values are always kept.

    Returns
    -------
    x, p : ndarray
        Sorted values and the share of draws at or below each (0 to 1].
    """
    x = np.sort(np.asarray(values, dtype=np.float64))
    n = x.size
    if n == 0:
        return x, x.copy()
    p = np.arange(1, n + 1, dtype=np.float64) / n
    if n > max_points:
        idx = np.unique(np.linspace(0, n - 1, max_points).round().astype(np.int64))
        return x[idx], p[idx]
    return x, p
