"""Where the default project-wide (systemic) factors of the built-in scenarios come from.

- Cost: Flyvbjerg, Skamris Holm & Buhl (2003), fixed links (tunnels and bridges): cost
  escalation mean 33.8 %, standard deviation 62 %, as the log-normal ratio with that mean and
  standard deviation (:func:`beringia.models.reference.uplift.fit_moments`).
- Schedule: the built tunnels of the shipped reference set that report a planned opening:
  the ratio of the actual to the planned construction time, as a log-normal fitted robustly
  (median and median absolute deviation of the log ratios), because two extreme cases
  (Hallandsas, 23 years against 3 planned; Pajares, 19 against 6) would dominate a
  moment fit of nine cases.

The built-in scenarios type these numbers in (rounded, with this derivation as their source);
a test recomputes them from the data so the two cannot drift apart.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence

from beringia.models.reference.dataset import reference_rows
from beringia.models.reference.uplift import uplift
from beringia.scenario.reference import ReferenceRow

MAD_TO_SIGMA = 1.4826
"""Median absolute deviation to standard deviation, for a normal distribution."""


def cost_factor() -> tuple[float, float]:
    """Return ``(median, gsd)`` of the default systemic cost factor (Flyvbjerg 2003)."""
    up = uplift("flyvbjerg-2003", "fixed-links")
    return math.exp(up.mu), math.exp(up.sigma)


def schedule_ratios(rows: Sequence[ReferenceRow] | None = None) -> dict[str, float]:
    """Return actual / planned construction time of built reference tunnels that report both."""
    out = {}
    for r in reference_rows() if rows is None else rows:
        if r.status != "built" or r.build_start_year is None or r.build_end_year is None:
            continue
        planned: float | None = r.planned_end_year
        if planned is None and r.schedule_overrun_years is not None:
            planned = r.build_end_year - r.schedule_overrun_years
        if planned is None or planned <= r.build_start_year:
            continue
        out[r.name] = (r.build_end_year - r.build_start_year) / (planned - r.build_start_year)
    return out


def schedule_factor(rows: Sequence[ReferenceRow] | None = None) -> tuple[float, float]:
    """Return ``(median, gsd)`` of the default systemic schedule factor (robust log-normal)."""
    logs = [math.log(v) for v in schedule_ratios(rows).values()]
    med = statistics.median(logs)
    mad = statistics.median(abs(v - med) for v in logs)
    return math.exp(med), math.exp(MAD_TO_SIGMA * mad)
