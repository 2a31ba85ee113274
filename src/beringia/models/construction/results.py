"""What the construction model gives per heading and per draw: headings, schedule bars, tornado."""

from __future__ import annotations

from dataclasses import dataclass

from beringia.core.distributions import FloatArray


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
