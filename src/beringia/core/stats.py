"""Summary statistics over Monte Carlo draws."""

from __future__ import annotations

import numpy as np
from scipy import stats

from beringia.core.distributions import FloatArray

QUANTILES = {"p5": 5, "p10": 10, "p50": 50, "p80": 80, "p90": 90, "p95": 95}


def quantiles(x: FloatArray) -> dict[str, float]:
    """Mean and the reported percentiles of ``x`` (linear interpolation).

    Returns
    -------
    dict
        Keys ``mean, p5, p10, p50, p80, p90, p95``.
    """
    arr = np.asarray(x, dtype=np.float64)
    pct = np.percentile(arr, list(QUANTILES.values()))
    out = {"mean": float(arr.mean())}
    out.update({k: float(v) for k, v in zip(QUANTILES, pct, strict=True)})
    return out


def quantiles_unbounded(x: FloatArray) -> dict[str, float | None]:
    """Like :func:`quantiles` for draws that may be ``+inf`` (no finite answer in that draw).

    A percentile is ``None`` where its interpolation touches an infinite draw, and so is the
    mean if any draw is infinite (JSON has no infinity).

    Returns
    -------
    dict
        Keys ``mean, p5, p10, p50, p80, p90, p95``.
    """
    arr = np.sort(np.asarray(x, dtype=np.float64))
    if np.isnan(arr).any():
        raise ValueError("quantiles_unbounded: NaN draws")
    finite = np.isfinite(arr)
    out: dict[str, float | None] = {"mean": float(arr.mean()) if finite.all() else None}
    n = arr.shape[0]
    for k, p in QUANTILES.items():
        pos = p / 100.0 * (n - 1)
        lo, hi = int(np.floor(pos)), int(np.ceil(pos))
        if not (finite[lo] and finite[hi]):
            out[k] = None
        else:
            out[k] = float(arr[lo] + (arr[hi] - arr[lo]) * (pos - lo))
    return out


def ranks(x: FloatArray) -> FloatArray:
    """Ranks 0..n-1 of ``x``, tied values sharing the average of their ranks.

    Average ranks make :func:`rank_correlation` Spearman's coefficient as
    :func:`scipy.stats.spearmanr` computes it, ties included (ranks by position would
    invent an order among equal values).
    """
    return np.asarray(stats.rankdata(x, method="average"), dtype=np.float64) - 1.0


def rank_correlation(x_ranks: FloatArray, y_ranks: FloatArray) -> float:
    """Spearman correlation from two vectors of :func:`ranks` (0 when either is constant).

    The Pearson correlation of average ranks, as :func:`scipy.stats.spearmanr`; taking the
    ranks lets a caller rank each variable once for many pairs.
    """
    # Plain sums, not BLAS dot products: BLAS threads cost more than they save here.
    xc = x_ranks - x_ranks.mean()
    yc = y_ranks - y_ranks.mean()
    den = float(np.sqrt(np.sum(xc * xc) * np.sum(yc * yc)))
    return float(np.sum(xc * yc) / den) if den > 0 else 0.0


def percentile_of(values: FloatArray, x: float) -> float:
    """Percentile (0-100) of ``x`` among ``values``: the share below plus half the share equal.

    :func:`scipy.stats.percentileofscore` of kind ``"mean"`` (the mean of the strict and the
    weak percentile). NaN when ``values`` is empty.
    """
    v = np.asarray(values, dtype=np.float64)
    if v.size == 0:
        return float("nan")
    return float(stats.percentileofscore(v, x, kind="mean"))


def share_within(
    cost: FloatArray, years: FloatArray, max_cost: float | None, max_years: float | None
) -> float:
    """Share of draws whose cost and duration are within the limits (``None``: no limit)."""
    ok = np.ones(cost.shape[0], dtype=bool)
    if max_cost is not None:
        ok &= cost <= max_cost
    if max_years is not None:
        ok &= years <= max_years
    return float(ok.mean())
