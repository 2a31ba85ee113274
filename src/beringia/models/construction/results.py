"""What the construction model gives per heading and per draw: headings, schedule bars, tornado."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from beringia.core.distributions import FloatArray
from beringia.core.stats import rank_correlation, ranks


@dataclass(frozen=True)
class HeadingSummary:
    """One heading and its per-draw driven length and boring duration."""

    name: str
    bore: str
    attack_point: str
    direction: str
    length_km: FloatArray
    duration_years: FloatArray


@dataclass(frozen=True)
class GanttBar:
    """One activity of the schedule in the median draw."""

    name: str
    group: str
    start_years: float
    finish_years: float
    critical: bool


@dataclass(frozen=True)
class TornadoBar:
    """Rank correlation of one sampled input with cost and with duration."""

    input: str
    cost_rank_corr: float
    duration_rank_corr: float


TORNADO_SIZE = 10
"""Bars a tornado keeps, the largest first."""


def tornado_bars(
    x_in: Mapping[str, FloatArray], cost: FloatArray, years: FloatArray, size: int = TORNADO_SIZE
) -> list[TornadoBar]:
    """Return the inputs whose rank correlation with cost or duration is largest.

    Parameters
    ----------
    x_in : mapping
        Input name to its value in each draw (the same draws as ``cost`` and ``years``).
    cost, years : ndarray
        Cost and duration per draw.
    size : int
        Bars kept, ordered by the larger of the two absolute rank correlations.

    Returns
    -------
    list of TornadoBar
        Empty with fewer than three draws; inputs that never vary are left out.
    """
    if cost.shape[0] < 3:
        return []
    rc, ry = ranks(cost), ranks(years)
    bars = []
    for k, v in x_in.items():
        if np.ptp(v) == 0:
            continue  # a degenerate distribution cannot move anything
        rv = ranks(v)
        bars.append(TornadoBar(k, rank_correlation(rv, rc), rank_correlation(rv, ry)))
    bars.sort(key=lambda b: -max(abs(b.cost_rank_corr), abs(b.duration_rank_corr)))
    return bars[:size]
