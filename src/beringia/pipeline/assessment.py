"""The result of an assessment: arrays over draws plus provenance, and its JSON form."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from beringia.core.construction import COMPONENTS
from beringia.core.distributions import FloatArray
from beringia.core.stats import quantiles, share_within
from beringia.models.alignment import AlignmentResult
from beringia.models.construction.results import GanttBar, HeadingSummary, TornadoBar
from beringia.models.reference.claims import ClaimResult
from beringia.models.reference.view import ReferenceView
from beringia.pipeline.provenance import provenance_counts
from beringia.scenario.model import Scenario

if TYPE_CHECKING:
    from beringia.models.corridor.results import CorridorAssessment
    from beringia.models.operations import OperationsAssessment


@dataclass(frozen=True)
class Assessment:
    """Everything one run of ``beringia assess`` produced.

    Arrays have one value per draw, in draw order.
    """

    scenario: Scenario
    scenario_sha256: str
    seed: int
    draws: int
    version: str
    cost_usd_bn: FloatArray
    duration_years: FloatArray
    breakdown_usd_bn: dict[str, FloatArray]
    headings: list[HeadingSummary]
    tornado: list[TornadoBar]
    claims: list[ClaimResult]
    gantt: list[GanttBar]
    median_draw: int
    sampled_inputs: dict[str, FloatArray] = field(default_factory=dict)
    alignment: AlignmentResult | None = None
    reference: ReferenceView | None = None
    operations: OperationsAssessment | None = None
    corridor: CorridorAssessment | None = None
    provenance: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON contract of ``beringia assess --json`` (see the README)."""
        return {
            "beringia_version": self.version,
            "scenario": {
                "name": self.scenario.name,
                "title": self.scenario.title,
                "sha256": self.scenario_sha256,
                "inputs": provenance_counts(self.scenario),
            },
            "seed": self.seed,
            "draws": self.draws,
            "construction": {
                "cost_usd_bn": quantiles(self.cost_usd_bn),
                "duration_years": quantiles(self.duration_years),
                "cost_breakdown_usd_bn": {
                    k: quantiles(self.breakdown_usd_bn[k]) for k in COMPONENTS
                },
                "headings": [
                    {
                        "name": h.name,
                        "bore": h.bore,
                        "attack_point": h.attack_point,
                        "direction": h.direction,
                        "length_km": quantiles(h.length_km),
                        "duration_years": quantiles(h.duration_years),
                    }
                    for h in self.headings
                ],
                "tornado": [
                    {
                        "input": t.input,
                        "cost_rank_corr": t.cost_rank_corr,
                        "duration_rank_corr": t.duration_rank_corr,
                    }
                    for t in self.tornado
                ],
                "median_draw": {
                    "index": self.median_draw,
                    "cost_usd_bn": float(self.cost_usd_bn[self.median_draw]),
                    "duration_years": float(self.duration_years[self.median_draw]),
                    "critical_path": [g.name for g in self.gantt if g.critical],
                },
            },
            **({"alignment": self.alignment.to_dict()} if self.alignment is not None else {}),
            **({"reference": self.reference.to_dict()} if self.reference is not None else {}),
            **({"operations": self.operations.to_dict()} if self.operations is not None else {}),
            **(
                {
                    "corridor": self.corridor.corridor_dict(),
                    "economics": self.corridor.economics_dict(),
                }
                if self.corridor is not None
                else {}
            ),
            "claims": [
                {
                    "name": c.name,
                    "max_cost_usd_bn": c.max_cost_usd_bn,
                    "max_duration_years": c.max_duration_years,
                    "probability": c.probability,
                    "source": c.source,
                    "unverified": c.unverified,
                    "assumed": c.assumed,
                    "note": c.note,
                    "implied_usd_m_per_bore_km": c.implied_usd_m_per_bore_km,
                    "unit_cost_percentile_in_reference": c.percentile_in_reference,
                    "sentence": c.sentence,
                }
                for c in self.claims
            ],
            "provenance": self.provenance,
        }

    def scatter_sample(self, limit: int = 5000) -> tuple[FloatArray, FloatArray]:
        """Up to ``limit`` (cost, duration) pairs, evenly spaced over the draws."""
        step = max(1, self.draws // limit)
        return self.cost_usd_bn[::step][:limit], self.duration_years[::step][:limit]

    def claim_probability(self, max_cost: float | None, max_years: float | None) -> float:
        """Share of draws with cost and duration within the given limits."""
        return share_within(self.cost_usd_bn, self.duration_years, max_cost, max_years)
