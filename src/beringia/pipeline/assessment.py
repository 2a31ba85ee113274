"""The result of an assessment: arrays over draws plus provenance, and its JSON form."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from beringia.core.construction import COMPONENTS, ConstructionInputs
from beringia.core.distributions import FloatArray
from beringia.core.stats import quantiles, share_within
from beringia.models.alignment import AlignmentResult
from beringia.models.construction.results import GanttBar, HeadingSummary, TornadoBar
from beringia.models.construction.run import sampled_inputs
from beringia.models.corridor.results import CorridorAssessment
from beringia.models.operations import OperationsAssessment
from beringia.models.reference.claims import ClaimResult
from beringia.models.reference.view import ReferenceView
from beringia.pipeline.calibrated import Calibrated
from beringia.pipeline.provenance import provenance_counts
from beringia.pipeline.streamed import StreamedSummary, check_draws_out
from beringia.scenario.model import Scenario

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Assessment:
    """Everything one run of ``beringia assess`` produced.

    Arrays have one value per draw, in draw order.
    """

    scenario: Scenario
    scenario_sha256: str
    seed: int
    n_draws: int
    version: str
    cost_usd_bn: FloatArray
    duration_years: FloatArray
    breakdown_usd_bn: dict[str, FloatArray]
    headings: list[HeadingSummary]
    tornado: list[TornadoBar]
    claims: list[ClaimResult]
    gantt: list[GanttBar]
    median_draw: int
    construction_inputs: ConstructionInputs | None = None
    inside_duration_years: FloatArray | None = None
    """Duration of each draw without the project-wide schedule factor (the inside view)."""
    calibrated: Calibrated | None = None
    """The inside view times the model error learned from blind hindcasts."""
    alignment: AlignmentResult | None = None
    reference: ReferenceView | None = None
    operations: OperationsAssessment | None = None
    corridor: CorridorAssessment | None = None
    provenance: dict[str, Any] = field(default_factory=dict)
    streamed: StreamedSummary | None = None
    """A streamed run's reductions over every draw; the arrays then hold only its first
    chunk (see :mod:`beringia.pipeline.streamed`)."""

    def _q(self, name: str, x: FloatArray) -> dict[str, float]:
        """Quantiles of a construction output: over every draw of a streamed run."""
        return quantiles(x) if self.streamed is None else self.streamed.construction[name]

    @property
    def inside_cost_usd_bn(self) -> FloatArray:
        """Cost of each draw without the project-wide cost factor: bottom-up plus named risks."""
        out: FloatArray = self.cost_usd_bn - self.breakdown_usd_bn["systemic"]
        return out

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
            "draws": self.n_draws,
            "construction": {
                "cost_usd_bn": self._q("cost_usd_bn", self.cost_usd_bn),
                "duration_years": self._q("duration_years", self.duration_years),
                "cost_breakdown_usd_bn": {
                    k: self._q(f"breakdown.{k}", self.breakdown_usd_bn[k]) for k in COMPONENTS
                },
                "inside_view": {
                    "cost_usd_bn": self._q("inside.cost_usd_bn", self.inside_cost_usd_bn),
                    "duration_years": self._q(
                        "inside.duration_years",
                        self.duration_years
                        if self.inside_duration_years is None
                        else self.inside_duration_years,
                    ),
                },
                "calibrated_forecast": None
                if self.calibrated is None
                else {
                    "cost_usd_bn": self._q("calibrated.cost_usd_bn", self.calibrated.cost_usd_bn),
                    "duration_years": self._q(
                        "calibrated.duration_years", self.calibrated.duration_years
                    ),
                    "model_error": {
                        "blind_hindcasts": self.calibrated.cases,
                        "blind_hindcasts_with_cost": self.calibrated.cost_cases,
                        "factor_p10_p50_p90": self.calibrated.factor_p10_p50_p90,
                    },
                    "tornado": [
                        {
                            "input": t.input,
                            "cost_rank_corr": t.cost_rank_corr,
                            "duration_rank_corr": t.duration_rank_corr,
                        }
                        for t in self.calibrated.tornado
                    ],
                },
                "headings": [
                    {
                        "name": h.name,
                        "bore": h.bore,
                        "attack_point": h.attack_point,
                        "direction": h.direction,
                        "length_km": self._q(f"heading.{i}.length_km", h.length_km),
                        "duration_years": self._q(f"heading.{i}.duration_years", h.duration_years),
                    }
                    for i, h in enumerate(self.headings)
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
                    "scope": c.scope,
                    "claimed_cost_bn": c.claimed_cost_bn,
                    "currency": c.currency,
                    "money_year": c.money_year,
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

    def sampled_inputs(self) -> dict[str, FloatArray]:
        """Return the uncertain construction inputs of every draw (input path -> values).

        Drawn again from their own random streams: the exact values the run used.
        """
        if self.construction_inputs is None:
            return {}
        return sampled_inputs(self.construction_inputs, self.seed, self.cost_usd_bn.shape[0])

    def draws(self, inputs: bool = True) -> pd.DataFrame:
        """Per-draw results (and sampled inputs) as a labelled table, one row per draw.

        Columns: ``cost_usd_bn`` and ``duration_years`` (construction, 2025 USD), the inside
        view's ``inside.cost_usd_bn`` and ``inside.duration_years``, one
        ``cost.<component>_usd_bn`` per cost component, ``heading.<name>.length_km`` and
        ``.duration_years`` per heading; with a corridor, ``tunnel.*`` and ``corridor.*``
        (NPV and IRR without and with the residual value, payback year, revenue-cost ratio,
        economic NPV, capex), ``corridor.opening_year``,
        ``traffic.<direction>.carried_teu`` and ``traffic.<direction>.demand_teu``; with
        ``inputs``, one ``input.<path>`` column per uncertain construction input, in the
        scenario's money and units.

        Parameters
        ----------
        inputs : bool
            Include the sampled inputs (drawn again from their streams; exact).

        Returns
        -------
        pandas.DataFrame
            Indexed by draw number (``draw``), in draw order.

        Raises
        ------
        ScenarioError
            For a streamed run (more than
            :data:`~beringia.pipeline.streamed.STREAM_DRAWS` draws), which does not keep them.
        """
        import pandas as pd

        if self.streamed is not None:
            check_draws_out(self.n_draws, self.streamed.stream_above)

        cols: dict[str, FloatArray] = {
            "cost_usd_bn": self.cost_usd_bn,
            "duration_years": self.duration_years,
            "inside.cost_usd_bn": self.inside_cost_usd_bn,
            "inside.duration_years": (
                self.duration_years
                if self.inside_duration_years is None
                else self.inside_duration_years
            ),
        }
        for k in COMPONENTS:
            cols[f"cost.{k}_usd_bn"] = self.breakdown_usd_bn[k]
        for h in self.headings:
            cols[f"heading.{h.name}.length_km"] = h.length_km
            cols[f"heading.{h.name}.duration_years"] = h.duration_years
        c = self.corridor
        if c is not None:
            cols["corridor.opening_year"] = c.opening_year
            cols["corridor.capex_usd_bn"] = c.capex_usd_bn
            cols["corridor.discount_rate"] = c.discount_rate
            for name, p in (("tunnel", c.tunnel), ("whole_corridor", c.corridor)):
                cols[f"{name}.npv_usd_bn"] = p.npv_usd_bn
                cols[f"{name}.npv_with_residual_usd_bn"] = p.npv_with_residual_usd_bn
                cols[f"{name}.irr"] = p.irr
                cols[f"{name}.irr_with_residual"] = p.irr_with_residual
                cols[f"{name}.payback_year"] = p.payback_year
                cols[f"{name}.revenue_cost_ratio"] = p.revenue_cost_ratio
                if p.economic is not None:
                    cols[f"{name}.economic_npv_usd_bn"] = p.economic.npv_usd_bn
                cols[f"{name}.capex_usd_bn"] = p.capex_usd_bn
            for d, v in c.carried_teu_per_year.items():
                cols[f"traffic.{d}.carried_teu"] = v
            for d, v in c.demand_teu_per_year.items():
                cols[f"traffic.{d}.demand_teu"] = v
        if inputs:
            for k, v in self.sampled_inputs().items():
                cols[f"input.{k}"] = v
        frame = pd.DataFrame(cols)
        frame.index.name = "draw"
        return frame

    def scatter_sample(self, limit: int = 5000) -> tuple[FloatArray, FloatArray]:
        """Up to ``limit`` (cost, duration) pairs, evenly spaced over the draws (held)."""
        step = max(1, self.cost_usd_bn.shape[0] // limit)
        return self.cost_usd_bn[::step][:limit], self.duration_years[::step][:limit]

    def claim_probability(self, max_cost: float | None, max_years: float | None) -> float:
        """Share of draws with cost and duration within the given limits."""
        return share_within(self.cost_usd_bn, self.duration_years, max_cost, max_years)
