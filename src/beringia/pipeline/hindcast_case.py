"""One hindcast case: what the model predicted for a built tunnel and what happened."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

NO_OUTTURN = "no outturn found"
"""The ``cost_scope`` of a case without a recorded outturn (its cost is not scored)."""


@dataclass(frozen=True)
class HindcastCase:
    """One built tunnel: what the model predicted and what happened (2025 USD, years)."""

    name: str
    title: str
    actual_cost_usd_bn: float | None
    """``None`` where the outturn covers more than the tunnel (a crossing, a line): the case
    scores its duration only."""
    actual_duration_years: float
    cost_usd_bn: dict[str, float]
    duration_years: dict[str, float]
    outside_view_cost_usd_bn: dict[str, float]
    cost_percentile_of_actual: float | None
    duration_percentile_of_actual: float
    cost_scope: str
    start: str
    end: str
    source: str
    estimate_at_decision_usd_bn: float | None = None
    """The official cost estimate at the decision, converted like the actual."""
    programme_years: float | None = None
    """The project's own programme (``construction.programme``), t = 0 to opening."""
    not_blind: str | None = None
    """What in the case's inputs is not blind to its outcome (``outcome.not_blind``)."""
    inside_cost_usd_bn: dict[str, float] = field(default_factory=dict)
    """Quantiles of the inside view's cost: bottom-up and named risks, no project-wide factor."""
    inside_duration_years: dict[str, float] = field(default_factory=dict)
    """Quantiles of the inside view's duration."""
    decision_year: int | None = None
    """Year of the decision the inputs are known at (blind hindcasts)."""
    learned_from: dict[str, list[str]] = field(default_factory=dict)
    """Blind hindcasts: the earlier tunnels and drives each learned law came from."""
    cost_upper_bound_usd_bn: float | None = None
    """Blind hindcasts: the outturn of a wider scope (a crossing, a line) where the tunnel's
    own is not known; the tunnel cost no more than this."""
    cost_percentile_of_bound: float | None = None
    """The share of the model's cost draws below :attr:`cost_upper_bound_usd_bn` (%)."""
    model_notes: tuple[str, ...] = ()
    """Blind hindcasts: how the compile modelled the case, where it approximates or is not
    blind (also at the end of ``not_blind``)."""

    def scored(self, metric: str) -> bool:
        """Whether the case has an actual to score ``metric`` ("cost" or "duration") against."""
        return metric != "cost" or self.actual_cost_usd_bn is not None

    @property
    def label(self) -> str:
        """The case's title without the ``Hindcast:`` prefix and the qualifiers after it.

        E.g. ``"Channel Tunnel"`` for "Hindcast: Channel Tunnel (Folkestone - Coquelles),
        as known at the 1987 decision" (every parenthesis dropped, wherever it stands); the
        case's name when the title is empty.
        """
        text = self.title.strip()
        for prefix in ("blind hindcast:", "hindcast:"):
            if text.lower().startswith(prefix):
                text = text[len(prefix) :].strip()
        text = re.sub(r"\s*\([^)]*\)", "", text)  # "Hsuehshan (Snow Mountain) Tunnel"
        return text.split(", ", 1)[0].strip() or self.name

    @property
    def above_bound(self) -> bool:
        """Whether the predicted cost P50 exceeds the wider scope's outturn (over-predicted)."""
        b = self.cost_upper_bound_usd_bn
        return b is not None and self.cost_usd_bn["p50"] > b

    @property
    def cost_inside(self) -> bool | None:
        """Whether the actual cost lies within the predicted P10-P90 (``None``: not scored)."""
        a = self.actual_cost_usd_bn
        return None if a is None else self.cost_usd_bn["p10"] <= a <= self.cost_usd_bn["p90"]

    @property
    def duration_inside(self) -> bool:
        """Whether the actual duration lies within the predicted P10-P90."""
        q = self.duration_years
        return q["p10"] <= self.actual_duration_years <= q["p90"]

    def to_dict(self) -> dict[str, Any]:
        """Return the case's JSON form."""
        return {
            "name": self.name,
            "title": self.title,
            "actual_cost_usd_bn": self.actual_cost_usd_bn,
            "actual_duration_years": self.actual_duration_years,
            "cost_usd_bn": self.cost_usd_bn,
            "duration_years": self.duration_years,
            "outside_view_cost_usd_bn": self.outside_view_cost_usd_bn,
            "cost_percentile_of_actual": self.cost_percentile_of_actual,
            "duration_percentile_of_actual": self.duration_percentile_of_actual,
            "cost_inside_p10_p90": self.cost_inside,
            "duration_inside_p10_p90": self.duration_inside,
            "estimate_at_decision_usd_bn": self.estimate_at_decision_usd_bn,
            "programme_years": self.programme_years,
            "not_blind": self.not_blind,
            "inside_view": {
                "cost_usd_bn": self.inside_cost_usd_bn or None,
                "duration_years": self.inside_duration_years or None,
            },
            "decision_year": self.decision_year,
            "learned_from": self.learned_from or None,
            "model_notes": list(self.model_notes),
            "cost_upper_bound_usd_bn": self.cost_upper_bound_usd_bn,
            "cost_percentile_of_bound": self.cost_percentile_of_bound,
            "cost_scope": self.cost_scope,
            "start": self.start,
            "end": self.end,
            "source": self.source,
        }


__all__ = ["NO_OUTTURN", "HindcastCase"]
