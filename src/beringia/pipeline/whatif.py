"""What would have to be true: the input levels at which a claim becomes likely.

For a claim (a cost limit, a time limit or both) and a scenario, each chosen input is fixed
at levels away from its median in the direction that helps the claim, one input at a time,
and the level at which the claim's probability first reaches each target (10 % and 50 % by
default) is found by bisection on a log scale, on common random numbers (every other input
and every ground and event draw keep their values). Then all chosen inputs move together,
each to the same favourable quantile of its own distribution, to find how far into their
own tails they must all sit at once.

Each level is put beside the scenario's own belief about that input: how many times its
median it is, and where it falls in the scenario's distribution (beyond its range when the
level lies outside P0.1 to P99.9). Only construction runs (cost and time), so a claim must
have a cost or a time limit.

Inputs are chosen by their rank correlation with the claim's quantities in a baseline run
(the strongest ``top``), or given by path. The direction that helps is the sign of that
correlation (an input that raises cost or time helps when lowered).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from beringia.core.calendar import YEAR_DAYS
from beringia.core.construction import ConstructionInputs, bore_km
from beringia.core.distributions import DistSpec, ppf
from beringia.core.stats import rank_correlation, ranks, share_within
from beringia.errors import BeringiaError, ScenarioError
from beringia.models.alignment import alignment_for
from beringia.models.construction.compile import compile_construction
from beringia.models.construction.run import (
    ConstructionRun,
    anchor_programme,
    run_construction,
    sampled_inputs,
)
from beringia.models.reference.assess import (
    assess_claims,
    assess_reference,
    claim_cost_usd_bn,
    money_factor,
    reference_facts,
)
from beringia.models.reference.view import ReferenceFacts
from beringia.pipeline.assess import check_run_arguments
from beringia.scenario.io import load_scenario
from beringia.scenario.model import Claim, Scenario

TARGETS = (0.10, 0.50)
SPAN = 100.0
"""A single input is searched from its median to this factor above or below it."""
STEPS = 8
"""Bisection steps on the log scale (resolution ``SPAN ** (1 / 2 ** STEPS)``, about 2 %)."""
TAIL = 1e-3
"""The joint search stops at each input's own P0.1 or P99.9."""

Evaluate = Callable[[dict[str, float]], float]
Explain = Callable[[dict[str, float]], str | None]


@dataclass(frozen=True)
class Level:
    """Where a claim's probability reaches ``target`` for one input (or all, jointly).

    ``value`` is ``None`` when the target is not reached within the search (``reached`` at
    the search's end says how far the probability got).
    """

    target: float
    value: float | None
    times_median: float | None
    quantile_in_scenario: float | None
    """The scenario's own CDF at ``value`` (0 or 1 beyond its range)."""
    beside_records: str | None = None
    """What the draws that meet the claim at this level would have to beat (advance on record,
    unit cost of the tunnels built)."""


@dataclass(frozen=True)
class InputAnswer:
    """One input, moved alone."""

    path: str
    direction: str
    """``"lower"`` or ``"higher"``: the way that helps the claim."""
    median: float
    range_p001_p999: tuple[float, float]
    rank_correlation: float
    levels: list[Level]
    probability_at_end: float
    end_value: float


@dataclass(frozen=True)
class JointLevel:
    """Every chosen input at its own favourable quantile ``q`` at once."""

    target: float
    quantile: float | None
    """The favourable-side quantile (e.g. 0.98: each at its own best 2 %), or None."""
    beside_records: str | None = None
    """As :attr:`Level.beside_records`."""


@dataclass(frozen=True)
class WhatIf:
    """The answer to "what would have to be true" for one claim under one scenario."""

    scenario: Scenario
    claim: Claim
    max_cost_usd_bn: float | None
    max_years: float | None
    draws: int
    seed: int
    baseline_probability: float
    inputs: list[InputAnswer]
    joint: list[JointLevel]
    joint_probability_at_end: float
    records: list[str]
    """What the claim and the scenario's machines stand against (unit costs, advance records)."""

    def sentences(self) -> list[str]:
        """Plain sentences, one per input and one for the joint search."""
        out = []
        for a in self.inputs:
            parts = []
            for lv in a.levels:
                pct = f"{100 * lv.target:.0f} %"
                if lv.value is None:
                    parts.append(f"never reaches {pct}")
                    continue
                where = _where(lv.quantile_in_scenario)
                parts.append(
                    f"reaches {pct} at {lv.value:.4g} ({lv.times_median:.3g} x its median, {where})"
                    + ("" if lv.beside_records is None else f": {lv.beside_records}")
                )
            out.append(
                f"{a.path} ({a.direction} helps; median {a.median:.4g}, scenario range "
                f"{a.range_p001_p999[0]:.4g} to {a.range_p001_p999[1]:.4g}): "
                + "; ".join(parts)
                + f" (at {a.end_value:.4g}: {100 * a.probability_at_end:.1f} %)."
            )
        joint = []
        for j in self.joint:
            pct = f"{100 * j.target:.0f} %"
            if j.quantile is None:
                joint.append(f"never reaches {pct}")
            else:
                joint.append(
                    f"reaches {pct} with every one at quantile {j.quantile:.3f} of its own "
                    "distribution on the side that helps"
                    + ("" if j.beside_records is None else f": {j.beside_records}")
                )
        if self.inputs:
            out.append(
                f"All {len(self.inputs)} together ({', '.join(a.path for a in self.inputs)}): "
                + "; ".join(joint)
                + f" (0.5 is each one's median, 0.999 the end of its range, where the claim's "
                f"chance is {100 * self.joint_probability_at_end:.1f} %)."
            )
        return out

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON contract of ``beringia whatif --json``."""
        return {
            "scenario": self.scenario.name,
            "claim": self.claim.name,
            "max_cost_usd_bn": self.max_cost_usd_bn,
            "max_years": self.max_years,
            "draws": self.draws,
            "seed": self.seed,
            "baseline_probability": self.baseline_probability,
            "inputs": [dataclasses.asdict(a) for a in self.inputs],
            "joint": [dataclasses.asdict(j) for j in self.joint],
            "joint_probability_at_end": self.joint_probability_at_end,
            "records": self.records,
            "sentences": self.sentences(),
        }


def _where(q: float | None) -> str:
    if q is None:
        return "not in the scenario's range"
    if q <= 0.0:
        return "below the scenario's whole range"
    if q >= 1.0:
        return "above the scenario's whole range"
    return f"its P{100 * q:.3g} in the scenario"


def find_claim(sc: Scenario, claim: str) -> Claim:
    """Return a scenario's claim by name, by a unique start of its name, or by number (1..).

    Raises
    ------
    ScenarioError
        If no claim or more than one matches.
    """
    names = [c.name for c in sc.claims]
    if claim.isdigit() and 1 <= int(claim) <= len(names):
        return sc.claims[int(claim) - 1]
    exact = [c for c in sc.claims if c.name == claim]
    found = exact or [c for c in sc.claims if c.name.lower().startswith(claim.lower())]
    if len(found) != 1:
        allowed = "; ".join(f"{i + 1}: {n}" for i, n in enumerate(names)) or "(none)"
        why = "matches more than one claim" if found else "no such claim"
        raise ScenarioError("claim", claim, f"{why}; allowed: {allowed}")
    if found[0].scope != "tunnel":
        tunnel = "; ".join(
            f"{i + 1}: {c.name}" for i, c in enumerate(sc.claims) if c.scope == "tunnel"
        )
        raise ScenarioError(
            "claim",
            claim,
            f"a claim on the tunnel (this one's scope is {found[0].scope!r}: whatif moves the "
            f"tunnel's construction inputs only); allowed: {tunnel or '(none)'}",
        )
    return found[0]


def _fix(inp: ConstructionInputs, values: dict[str, float]) -> ConstructionInputs:
    fixed = {k: DistSpec("fixed", (float(v),)) for k, v in values.items()}
    return dataclasses.replace(inp, inputs={**inp.inputs, **fixed})


def _quantile(spec: DistSpec, q: float) -> float:
    return float(ppf(spec, np.array([q]))[0])


def _cdf(spec: DistSpec, x: float) -> float:
    """Return the scenario distribution's CDF at ``x`` (bisection on its quantile function)."""
    lo_q, hi_q = TAIL / 10, 1 - TAIL / 10
    if x <= _quantile(spec, lo_q):
        return 0.0
    if x >= _quantile(spec, hi_q):
        return 1.0
    for _ in range(40):
        mid = 0.5 * (lo_q + hi_q)
        if _quantile(spec, mid) < x:
            lo_q = mid
        else:
            hi_q = mid
    return 0.5 * (lo_q + hi_q)


def _bisect(evaluate: Callable[[float], float], target: float) -> float | None:
    """Smallest ``t`` in [0, 1] with ``evaluate(t) >= target`` (``None`` if not at 1)."""
    if evaluate(1.0) < target:
        return None
    if evaluate(0.0) >= target:
        return 0.0
    lo, hi = 0.0, 1.0
    for _ in range(STEPS):
        mid = 0.5 * (lo + hi)
        if evaluate(mid) >= target:
            hi = mid
        else:
            lo = mid
    return hi


def what_if(
    scenario: str | Scenario,
    claim: str,
    *,
    overrides: Sequence[str] = (),
    inputs: Sequence[str] | None = None,
    top: int = 6,
    draws: int = 2_000,
    seed: int = 2025,
    processes: int = 1,
    targets: Sequence[float] = TARGETS,
    progress: Callable[[str, int, int], None] | None = None,
) -> WhatIf:
    """Find the input levels at which a claim's probability reaches each target.

    Parameters
    ----------
    scenario : str or Scenario
        Built-in name, TOML path or a validated scenario.
    claim : str
        The claim's name, a unique start of it, or its number in the scenario (from 1).
    overrides : sequence of str
        ``--set`` overrides.
    inputs : sequence of str, optional
        Uncertain construction inputs to move (their paths); default the ``top`` with the
        strongest rank correlation with the claim's quantities.
    top : int
        How many inputs when ``inputs`` is not given.
    draws, seed, processes : int
        Of every construction run (all on common random numbers).
    targets : sequence of float
        Probabilities to reach, in (0, 1).
    progress : callable, optional
        ``progress("whatif", done, total)`` after each input.

    Returns
    -------
    WhatIf
        Per input, the levels; jointly, the quantiles.

    Raises
    ------
    ScenarioError
        For an unknown claim or input, a claim without cost and time limits, or bad numbers.
    """
    check_run_arguments(draws, seed, processes)
    if not 1 <= top <= 50:
        raise ScenarioError("--top", top, "allowed: 1 to 50")
    for t in targets:
        if not 0.0 < t < 1.0:
            raise ScenarioError("--target", t, "allowed: a probability strictly between 0 and 1")
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario, overrides)
    c = find_claim(sc, claim)
    if c.scope != "tunnel":
        raise ScenarioError(
            "claim",
            c.name,
            f"its scope is {c.scope!r}; whatif moves construction inputs, so it takes claims on "
            "the tunnel alone (scope 'tunnel')",
        )
    limit = claim_cost_usd_bn(c, sc)
    if limit is None and c.max_duration_years is None:
        raise ScenarioError("claim", c.name, "it has neither a cost nor a time limit")
    inp = anchor_programme(sc, compile_construction(sc, alignment_for(sc)))
    factor = money_factor(sc)
    sampled = {k: s for k, s in inp.inputs.items() if not s.is_fixed}
    if inputs is not None:
        for path in inputs:
            if path not in sampled:
                raise ScenarioError(
                    "--input",
                    path,
                    "not an uncertain construction input of this scenario (see the report's "
                    "inputs table or the tornado for their paths)",
                )

    runs: dict[tuple[tuple[str, float], ...], ConstructionRun] = {}

    def run_at(values: dict[str, float]) -> ConstructionRun:
        key = tuple(sorted(values.items()))
        if key not in runs:
            runs[key] = run_construction(
                _fix(inp, values), draws=draws, seed=seed, processes=processes
            )
        return runs[key]

    def probability(values: dict[str, float]) -> float:
        run = run_at(values)
        return share_within(
            run.cost_usd_bn * factor, run.duration_years, limit, c.max_duration_years
        )

    base = run_construction(inp, draws=draws, seed=seed, processes=processes)
    baseline = share_within(
        base.cost_usd_bn * factor, base.duration_years, limit, c.max_duration_years
    )
    records = _records(sc, inp, c, base, factor)
    facts = reference_facts(sc)
    bore_length_km = sum(bore_km(inp, b) for b in inp.bores)

    def explain(values: dict[str, float]) -> str | None:
        run = run_at(values)
        return beside_records(run, factor, limit, c.max_duration_years, bore_length_km, facts)

    x = sampled_inputs(inp, seed, draws)
    rc, ry = ranks(base.cost_usd_bn), ranks(base.duration_years)
    corr = {}
    for k in sampled:
        if np.ptp(x[k]) == 0:
            continue
        rv = ranks(x[k])
        corr[k] = (rank_correlation(rv, rc) if limit is not None else 0.0) + (
            rank_correlation(rv, ry) if c.max_duration_years is not None else 0.0
        )
    chosen = list(inputs) if inputs is not None else sorted(corr, key=lambda k: -abs(corr[k]))[:top]
    answers = []
    for i, path in enumerate(chosen):
        answers.append(
            _one(path, sampled[path], corr.get(path, 0.0), probability, targets, explain)
        )
        if progress is not None:
            progress("whatif", i + 1, len(chosen) + 1)
    joint, joint_end = _joint(answers, sampled, probability, targets, explain)
    if progress is not None:
        progress("whatif", len(chosen) + 1, len(chosen) + 1)
    return WhatIf(
        sc,
        c,
        limit,
        c.max_duration_years,
        draws,
        seed,
        baseline,
        answers,
        joint,
        joint_end,
        records,
    )


def _records(
    sc: Scenario, inp: ConstructionInputs, c: Claim, base: ConstructionRun, factor: float
) -> list[str]:
    """Return what the claim and the machines stand against.

    The claim's sentence (its unit cost against the tunnels built) and the reference view's
    flags (advance beyond whole-drive averages or monthly records, where the model caps it).
    """
    facts = reference_facts(sc)
    cost = base.cost_usd_bn * factor
    ref = assess_reference(
        sc, inp, cost, base.breakdown_usd_bn["systemic"] * factor, base.headings, facts
    )
    results = assess_claims(sc, cost, base.duration_years, ref.bore_km, facts)
    result = next(r for r in results if r.name == c.name)
    return [result.sentence, *(f.message for f in ref.flags)]


def beside_records(
    run: ConstructionRun,
    factor: float,
    max_cost_usd_bn: float | None,
    max_years: float | None,
    bore_km: float,
    facts: ReferenceFacts,
) -> str | None:
    """Say what the draws of ``run`` that meet the claim would have to beat, or None if none do.

    Their median advance (the mean over headings of each heading's bored length over its
    boring time, per draw) beside the best whole-project mean advance per heading of the
    tunnels built, and their median cost per bore-km beside the tunnels built.
    """
    cost = run.cost_usd_bn * factor
    ok = np.ones(cost.shape[0], dtype=bool)
    if max_cost_usd_bn is not None:
        ok &= cost <= max_cost_usd_bn
    if max_years is not None:
        ok &= run.duration_years <= max_years
    if not ok.any():
        return None
    total = np.zeros(cost.shape[0])
    count = np.zeros(cost.shape[0])
    for h in run.headings:
        days = np.maximum(h.duration_years * YEAR_DAYS, 1e-9)
        bored = h.length_km > 0
        total += np.where(bored, h.length_km * 1000.0 / days, 0.0)
        count += bored
    advance = float(np.median((total / np.maximum(count, 1.0))[ok]))
    unit = float(np.median(cost[ok])) * 1000.0 / bore_km
    parts = [f"the draws that meet the claim here bore a median {advance:,.0f} m/day a heading"]
    if facts.mean_advances:
        name, best = max(facts.mean_advances.items(), key=lambda kv: kv[1])
        parts.append(
            f"{advance / best:.2g} x the best whole-project mean advance on record ({name}, "
            f"{best:,.0f} m/day)"
        )
    if facts.unit_costs:
        cheaper = 100.0 - facts.percentile(unit)
        parts.append(
            f"at ${unit:,.0f}m per bore-km, cheaper than {cheaper:.0f} % of the tunnels built"
        )
    return ", ".join(parts)


def _one(
    path: str,
    spec: DistSpec,
    corr: float,
    probability: Evaluate,
    targets: Sequence[float],
    explain: Explain | None = None,
) -> InputAnswer:
    median = _quantile(spec, 0.5)
    lower = corr > 0  # raising it raises cost or time: lowering helps
    lo, hi = _quantile(spec, TAIL), _quantile(spec, 1 - TAIL)
    if median <= 0:
        raise ScenarioError(path, median, "whatif moves inputs with a positive median only")
    end = median / SPAN if lower else median * SPAN
    end = _valid_end(path, median, end, probability)

    def at(t: float) -> float:
        return float(median * (end / median) ** t)

    cache: dict[float, float] = {}

    def evaluate(t: float) -> float:
        if t not in cache:
            cache[t] = probability({path: at(t)})
        return cache[t]

    levels = []
    for target in targets:
        t = _bisect(evaluate, target)
        if t is None:
            levels.append(Level(target, None, None, None))
        else:
            v = at(t)
            why = None if explain is None else explain({path: v})
            levels.append(Level(target, v, v / median, _cdf(spec, v), why))
    return InputAnswer(
        path=path,
        direction="lower" if lower else "higher",
        median=median,
        range_p001_p999=(lo, hi),
        rank_correlation=corr,
        levels=levels,
        probability_at_end=evaluate(1.0),
        end_value=end,
    )


def _valid_end(path: str, median: float, end: float, probability: Evaluate) -> float:
    """Pull the search's end toward the median until the model accepts it (e.g. a share)."""
    for _ in range(12):
        try:
            probability({path: end})
        except BeringiaError:
            end = math.sqrt(end * median)
            continue
        return end
    return median


def _joint(
    answers: list[InputAnswer],
    specs: dict[str, DistSpec],
    probability: Evaluate,
    targets: Sequence[float],
    explain: Explain | None = None,
) -> tuple[list[JointLevel], float]:
    if not answers:
        return [], float("nan")

    def q_at(t: float) -> float:
        return 0.5 + t * (0.5 - TAIL)

    def values(t: float) -> dict[str, float]:
        q = q_at(t)
        return {
            a.path: _quantile(specs[a.path], 1 - q if a.direction == "lower" else q)
            for a in answers
        }

    cache: dict[float, float] = {}

    def evaluate(t: float) -> float:
        if t not in cache:
            cache[t] = probability(values(t))
        return cache[t]

    out = []
    for target in targets:
        t = _bisect(evaluate, target)
        if t is None:
            out.append(JointLevel(target, None))
        else:
            why = None if explain is None else explain(values(t))
            out.append(JointLevel(target, q_at(t), why))
    return out, evaluate(1.0)


__all__ = [
    "TARGETS",
    "InputAnswer",
    "JointLevel",
    "Level",
    "WhatIf",
    "find_claim",
    "what_if",
]
