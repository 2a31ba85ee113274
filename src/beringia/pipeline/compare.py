"""Paired comparison of scenarios and variants on common random numbers.

Every uncertain input of beringia draws from its own named stream
(:mod:`beringia.core.rng`), so two scenarios run with the same seed and number of draws see
the same value of every input they share in every draw: draw ``i`` of variant A and draw
``i`` of variant B differ only where their inputs differ. The difference is then measured
per draw, and its noise is that of the change, not of the whole model.

For each metric and each variant against the baseline (the first variant) the comparison
gives the quantiles of both, the quantiles of the paired difference ``variant - baseline``,
the probability that the variant does better than the baseline in a draw (ties count one
half, so two identical variants give exactly 0.5), and the standard error of the mean
difference twice: paired (``sd(B - A) / sqrt(n)``) and as two independent runs of the same
size would give it (``sqrt((var A + var B) / n)``). Their ratio is how many times less noise
pairing leaves; the number of independent draws that would match the paired precision is
``n`` times its square.
"""

from __future__ import annotations

import math
import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from beringia.core.distributions import FloatArray
from beringia.core.stats import quantiles
from beringia.errors import ScenarioError
from beringia.pipeline.assess import Progress, assess, check_run_arguments
from beringia.pipeline.assessment import Assessment
from beringia.pipeline.scheduler import Cluster, check_scheduler, map_blocks
from beringia.scenario.io import load_scenario
from beringia.scenario.model import Scenario

MAX_VARIANTS = 20
"""Variants of one comparison (each is a whole run)."""


@dataclass(frozen=True)
class Variant:
    """One side of a comparison: a scenario and the overrides that make the variant.

    Parameters
    ----------
    label : str
        How the variant is named in the output.
    scenario : str
        Built-in scenario name or TOML path.
    overrides : tuple of str
        ``path=value`` overrides, as ``--set``.
    """

    label: str
    scenario: str
    overrides: tuple[str, ...] = ()


@dataclass(frozen=True)
class Metric:
    """A per-draw result that can be compared."""

    key: str
    label: str
    unit: str
    higher_is_better: bool
    get: Callable[[Assessment], FloatArray | None]


def _npv(which: str) -> Callable[[Assessment], FloatArray | None]:
    def get(a: Assessment) -> FloatArray | None:
        if a.corridor is None:
            return None
        out: FloatArray = getattr(a.corridor, which).npv_usd_bn
        return out

    return get


METRICS: tuple[Metric, ...] = (
    Metric("cost_usd_bn", "construction cost", "USD bn (2025)", False, lambda a: a.cost_usd_bn),
    Metric("duration_years", "construction time", "years", False, lambda a: a.duration_years),
    Metric("tunnel_npv_usd_bn", "NPV, tunnel alone", "USD bn", True, _npv("tunnel")),
    Metric("corridor_npv_usd_bn", "NPV, whole corridor", "USD bn", True, _npv("corridor")),
)
"""The metrics compared, where both runs have them."""


@dataclass(frozen=True)
class PairedDifference:
    """One metric of one variant against the baseline, draw by draw.

    Attributes
    ----------
    metric, label, unit : str
        The metric's key, name and unit.
    baseline, variant : dict
        Quantiles of each side (:func:`beringia.core.stats.quantiles`).
    difference : dict
        Quantiles of ``variant - baseline`` per draw.
    p_variant_better : float
        Share of draws in which the variant does better (lower cost or time, higher NPV);
        ties count one half.
    se_paired, se_independent : float
        Standard error of the mean difference, paired and as two independent runs of the
        same size would give it.
    """

    metric: str
    label: str
    unit: str
    baseline: dict[str, float]
    variant: dict[str, float]
    difference: dict[str, float]
    p_variant_better: float
    se_paired: float
    se_independent: float

    @property
    def noise_reduction(self) -> float:
        """``se_independent / se_paired`` (infinite when the paired difference has no noise)."""
        if self.se_paired == 0.0:
            return math.inf if self.se_independent > 0.0 else 1.0
        return self.se_independent / self.se_paired

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form (``noise_reduction`` is ``None`` when infinite)."""
        r = self.noise_reduction
        return {
            "metric": self.metric,
            "unit": self.unit,
            "baseline": self.baseline,
            "variant": self.variant,
            "difference": self.difference,
            "p_variant_better": self.p_variant_better,
            "se_mean_difference": {"paired": self.se_paired, "independent": self.se_independent},
            "noise_reduction": None if math.isinf(r) else r,
        }


def paired_difference(metric: Metric, a: FloatArray, b: FloatArray) -> PairedDifference:
    """Compare ``b`` (the variant) with ``a`` (the baseline), draw by draw.

    Parameters
    ----------
    metric : Metric
        What is compared (its direction decides "better").
    a, b : ndarray
        The baseline's and the variant's values, one per draw, same draws.

    Returns
    -------
    PairedDifference
        Quantiles, paired differences, the probability of doing better, standard errors.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape or a.ndim != 1 or a.size == 0:
        raise ValueError("paired_difference: two arrays of the same draws are needed")
    n = a.size
    d = b - a
    better = d > 0 if metric.higher_is_better else d < 0
    p = float((np.count_nonzero(better) + 0.5 * np.count_nonzero(d == 0)) / n)
    ddof = 1 if n > 1 else 0
    se_paired = float(np.std(d, ddof=ddof) / math.sqrt(n))
    se_indep = float(math.sqrt((np.var(a, ddof=ddof) + np.var(b, ddof=ddof)) / n))
    return PairedDifference(
        metric=metric.key,
        label=metric.label,
        unit=metric.unit,
        baseline=quantiles(a),
        variant=quantiles(b),
        difference=quantiles(d),
        p_variant_better=p,
        se_paired=se_paired,
        se_independent=se_indep,
    )


@dataclass(frozen=True)
class Comparison:
    """Variants run on common random numbers, each compared with the first.

    Attributes
    ----------
    variants : list of Variant
        The variants, the baseline first.
    scenarios : list of Scenario
        Each variant's validated scenario.
    seed, n_draws : int
        The shared seed and number of draws.
    results : list of list of PairedDifference
        ``results[i]`` compares variant ``i + 1`` with the baseline, one entry per metric
        both runs have.
    """

    variants: list[Variant]
    scenarios: list[Scenario]
    seed: int
    n_draws: int
    results: list[list[PairedDifference]]

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON contract of ``beringia compare --json``."""
        return {
            "seed": self.seed,
            "draws": self.n_draws,
            "baseline": _variant_dict(self.variants[0], self.scenarios[0]),
            "comparisons": [
                {
                    "variant": _variant_dict(v, sc),
                    "metrics": [r.to_dict() for r in rows],
                }
                for v, sc, rows in zip(
                    self.variants[1:], self.scenarios[1:], self.results, strict=True
                )
            ],
        }


def _variant_dict(v: Variant, sc: Scenario) -> dict[str, Any]:
    return {"label": v.label, "scenario": sc.name, "overrides": list(v.overrides)}


def variants_from_arguments(
    scenarios: Sequence[str], variant_specs: Sequence[str], common: Sequence[str] = ()
) -> list[Variant]:
    """Build the variants of the command line.

    Each scenario is a variant; each ``--variant`` text is the first scenario with its
    overrides (``path=value`` items separated by spaces, quoted as in a shell). ``common``
    overrides (``--set``) apply to every variant, before the variant's own.

    Raises
    ------
    ScenarioError
        If fewer than two or more than :data:`MAX_VARIANTS` variants result, or a variant
        text is empty or not ``path=value`` items.
    """
    if not scenarios:
        raise ScenarioError("scenarios", "(none)", "allowed: one or more scenario names or files")
    out = [Variant(s, s, tuple(common)) for s in scenarios]
    for spec in variant_specs:
        try:
            items = shlex.split(spec)
        except ValueError as exc:
            raise ScenarioError("--variant", spec, f"cannot split it: {exc}") from None
        if not items or any("=" not in i for i in items):
            raise ScenarioError(
                "--variant",
                spec,
                "allowed: one or more path=value overrides separated by spaces",
            )
        out.append(Variant(spec, scenarios[0], (*common, *items)))
    if len(out) < 2:
        raise ScenarioError(
            "compare",
            f"{len(out)} variant",
            "allowed: at least two (two scenarios, or a scenario and a --variant)",
        )
    if len(out) > MAX_VARIANTS:
        raise ScenarioError("compare", f"{len(out)} variants", f"allowed: at most {MAX_VARIANTS}")
    return out


def _prefixed(progress: Progress | None, prefix: str) -> Progress | None:
    if progress is None:
        return None
    report = progress

    def update(stage: str, done: int, total: int) -> None:
        report(f"{prefix} {stage}", done, total)

    return update


def compare(
    variants: Sequence[Variant],
    *,
    draws: int = 10_000,
    seed: int = 2025,
    processes: int = 1,
    progress: Progress | None = None,
    scheduler: str | Cluster | None = None,
) -> Comparison:
    """Run every variant on the same seed and draws and compare each with the first.

    Parameters
    ----------
    variants : sequence of Variant
        Two or more; the first is the baseline.
    draws, seed, processes : int
        As :func:`beringia.assess`; the same for every variant (common random numbers).
    progress : callable, optional
        ``progress(stage, done, total)`` of each run, as :func:`beringia.assess` gives it,
        with ``stage`` prefixed by the variant's position (``"2/3 construction"``); on a
        cluster ``progress("variants", done, total)`` as variants finish.
    scheduler : str or Cluster, optional
        Run the variants on Dask, one task each: ``"local"`` (a LocalCluster of
        ``processes`` workers), ``"tcp://HOST:PORT"`` or an open cluster
        (:mod:`beringia.pipeline.scheduler`). The results do not change.

    Returns
    -------
    Comparison
        Paired differences of cost, duration and NPV (where both runs have them).

    Raises
    ------
    ScenarioError
        If a variant's scenario or overrides are invalid (all are validated before any run).
    """
    if len(variants) < 2:
        raise ScenarioError("compare", len(variants), "allowed: at least two variants")
    check_run_arguments(draws, seed, processes)
    if not isinstance(scheduler, Cluster):
        check_scheduler(scheduler)
    scenarios = [load_scenario(v.scenario, v.overrides) for v in variants]
    if scheduler is None:
        runs = [
            _metrics(
                assess(
                    sc,
                    draws=draws,
                    seed=seed,
                    processes=processes,
                    progress=_prefixed(progress, f"{i + 1}/{len(scenarios)}"),
                )
            )
            for i, sc in enumerate(scenarios)
        ]
    else:
        runs = map_blocks(
            _run_variant,
            [(sc, draws, seed) for sc in scenarios],
            scheduler,
            None if progress is None else lambda done, total: progress("variants", done, total),
            processes=processes,
        )
    base = runs[0]
    results = []
    for run in runs[1:]:
        rows = []
        for m in METRICS:
            a, b = base[m.key], run[m.key]
            if a is not None and b is not None:
                rows.append(paired_difference(m, a, b))
        results.append(rows)
    return Comparison(list(variants), scenarios, seed, draws, results)


def _metrics(a: Assessment) -> dict[str, FloatArray | None]:
    """Return the per-draw values of every metric of :data:`METRICS` (``None`` where missing)."""
    return {m.key: m.get(a) for m in METRICS}


def _run_variant(task: tuple[Scenario, int, int]) -> dict[str, FloatArray | None]:
    """Run one variant of a comparison (a cluster task; module level, so picklable)."""
    sc, draws, seed = task
    return _metrics(assess(sc, draws=draws, seed=seed))


__all__ = [
    "METRICS",
    "Comparison",
    "Metric",
    "PairedDifference",
    "Variant",
    "compare",
    "paired_difference",
    "variants_from_arguments",
]
