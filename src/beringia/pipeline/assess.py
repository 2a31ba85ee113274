"""Compile a scenario, run the models block by block, and assemble the Assessment."""

from __future__ import annotations

import platform
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from beringia._version import __version__
from beringia.core import rng as rngmod
from beringia.core.construction import COMPONENTS, ConstructionInputs
from beringia.errors import ScenarioError
from beringia.models.alignment import AlignmentResult, alignment_for
from beringia.models.construction.checks import check_construction, check_sites
from beringia.models.construction.compile import compile_construction
from beringia.models.construction.run import ConstructionRun, anchor_programme, run_construction
from beringia.models.corridor.appraise import assess_corridor
from beringia.models.corridor.compile import scenario_appraisal
from beringia.models.corridor.plan import DAYS_PER_YEAR, CorridorPlan
from beringia.models.corridor.results import CorridorAssessment
from beringia.models.corridor.run import run_corridor, scenario_plan
from beringia.models.corridor.timetable import demand_timetable, with_timetable
from beringia.models.operations import OperationsAssessment, assess_operations
from beringia.models.reference.assess import (
    PRICE_BASE,
    assess_claims,
    assess_reference,
    check_money,
    money_factor,
    reference_facts,
    untested_claims,
)
from beringia.pipeline.assessment import Assessment
from beringia.pipeline.calibrated import calibrated_forecast
from beringia.pipeline.checks import quiet_numerics
from beringia.pipeline.scenarios import ScenarioLike, as_scenario
from beringia.pipeline.scheduler import Cluster, check_scheduler, describe, open_scheduler
from beringia.pipeline.streamed import (
    CHUNK_DRAWS,
    STREAM_DRAWS,
    ClaimCounts,
    check_chunk,
    stream_construction,
)
from beringia.scenario.io import scenario_hash
from beringia.scenario.model import Scenario

MAX_DRAWS = 100_000_000

Progress = Callable[[str, int, int], None]
"""Called as ``progress(stage, done, total)``; stages run in the order of :data:`STAGES`."""

STAGES = ("operations", "construction", "corridor")
"""The stages of an assessment that report progress: operations (simulated years, one step),
construction and corridor (draws, block by block); a stage a scenario lacks is not reported."""


def _operations_on_demand(
    scenario: Scenario,
    alignment: AlignmentResult | None,
    operations: OperationsAssessment,
    plan: CorridorPlan,
    corridor: CorridorAssessment,
    seed: int,
    years: int | None,
) -> OperationsAssessment:
    """Simulate the timetable that carries the median demand (``market.timetable = demand``).

    Capacity, headways and the mix curve stay those of the scenario's timetable (the mix the
    corridor's capacity was appraised on); the simulated years (trains run, tonnes, boxes,
    availability, delays) and the timetabled trains are those of the demand's timetable.
    """
    if scenario.market is None or scenario.market.timetable != "demand":
        return operations
    tt = demand_timetable(plan, corridor)
    ops = assess_operations(
        with_timetable(scenario, tt, operations.teu), alignment, seed=seed, years=years
    )
    return replace(
        operations, annual=ops.annual, demand_per_day=ops.demand_per_day, timetable=tt.to_dict()
    )


def _demand_timetable(
    scenario: Scenario,
    alignment: AlignmentResult | None,
    operations: OperationsAssessment | None,
    plan: CorridorPlan | None,
    corridor: CorridorAssessment | None,
    seed: int,
    years: int | None,
) -> tuple[OperationsAssessment | None, CorridorAssessment | None]:
    """Operations on the demand's timetable, and the corridor with what that timetable offers."""
    if corridor is None or plan is None or operations is None:
        return operations, corridor
    operations = _operations_on_demand(scenario, alignment, operations, plan, corridor, seed, years)
    if operations.timetable is not None and operations.timetable["follows"] == "demand":
        # what the simulated (demand's) timetable offers, the busier direction
        trains = max(operations.timetable["timetabled_trains_per_day"].values())
        offered = trains * plan.teu_per_train * DAYS_PER_YEAR
        corridor = replace(corridor, timetable_teu_per_year=float(offered))
    return operations, corridor


def check_run_arguments(draws: int, seed: int, processes: int) -> None:
    """Reject impossible run arguments with a :class:`ScenarioError`."""
    if not isinstance(draws, int) or isinstance(draws, bool) or not 1 <= draws <= MAX_DRAWS:
        raise ScenarioError("draws", draws, f"allowed: an integer from 1 to {MAX_DRAWS:,}")
    if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed < 2**63:
        raise ScenarioError("seed", seed, "allowed: an integer from 0 to 2**63 - 1")
    if not isinstance(processes, int) or not 1 <= processes <= 64:
        raise ScenarioError("processes", processes, "allowed: an integer from 1 to 64")


@quiet_numerics()
def assess(
    scenario: ScenarioLike,
    *,
    overrides: Iterable[str] = (),
    draws: int = 20_000,
    seed: int = 2025,
    processes: int = 1,
    progress: Progress | None = None,
    operations_years: int | None = None,
    scheduler: str | Cluster | None = None,
    stream_above: int = STREAM_DRAWS,
    chunk_draws: int = CHUNK_DRAWS,
) -> Assessment:
    """Assess a scenario by Monte Carlo.

    Parameters
    ----------
    scenario : Scenario, str, Path or mapping
        A validated scenario (see :func:`beringia.load_scenario`), a built-in name, a TOML
        path or a parsed document.
    overrides : iterable of str
        ``path=value`` overrides, as ``--set`` on the command line.
    draws : int
        Monte Carlo draws, 1 to 10**8.
    seed : int
        Seed of every random stream. The same scenario, seed and draws give bit-identical
        results whatever ``processes`` is.
    processes : int
        Worker processes for the blocks of draws (forked here, or a local cluster's workers
        with ``scheduler="local"``).
    progress : callable, optional
        ``progress(stage, done, total)`` as each stage of :data:`STAGES` advances.
    operations_years : int, optional
        Replicated years of operations (default: the scenario's ``simulated_years``); only
        for scenarios with an ``operations`` section.
    scheduler : str or Cluster, optional
        Run the construction model's blocks on Dask: ``"local"`` (a LocalCluster on this
        machine), ``"tcp://HOST:PORT"`` (an existing cluster) or an open
        :class:`~beringia.pipeline.scheduler.Cluster`; see
        :mod:`beringia.pipeline.scheduler`. The results do not change.
    stream_above, chunk_draws : int
        A run of more than ``stream_above`` draws is streamed in chunks of ``chunk_draws``
        (a multiple of the block size) in bounded memory: its construction quantiles and claim
        probabilities are exact over every draw, the rest is computed on the first chunk and
        the provenance's ``streamed`` entry says so (see :mod:`beringia.pipeline.streamed`).

    Returns
    -------
    Assessment
        Per-draw results, summaries and provenance.
    """
    check_run_arguments(draws, seed, processes)
    if not isinstance(scheduler, Cluster):
        check_scheduler(scheduler)
    scenario = as_scenario(scenario, overrides)
    t0 = time.perf_counter()

    def report(stage: str, done: int, total: int) -> None:
        if progress is not None:
            progress(stage, done, total)

    check_money(scenario)  # money errors before any model runs
    alignment = alignment_for(scenario)
    inp = anchor_programme(scenario, compile_construction(scenario, alignment))
    check_sites(inp)  # a site limit that alone makes it absurd, before any draw (as validate)
    # Operations and the corridor's plan first: their input errors show before the long run.
    t_ops = time.perf_counter()
    operations = None
    if scenario.operations is not None:
        report("operations", 0, 1)
        operations = assess_operations(scenario, alignment, seed=seed, years=operations_years)
        report("operations", 1, 1)
    t_ops = time.perf_counter() - t_ops
    plan = (
        None
        if scenario.corridor is None or operations is None
        else scenario_plan(scenario, operations, inp.length_m / 1000.0)
    )
    if draws > stream_above:
        check_chunk(chunk_draws)
        with open_scheduler(scheduler, processes) as cluster:
            return _assess_streamed(
                _Setup(scenario, alignment, inp, operations, plan, t0, t_ops),
                draws=draws,
                seed=seed,
                processes=processes,
                report=report,
                cluster=cluster,
                operations_years=operations_years,
                chunk_draws=chunk_draws,
                stream_above=stream_above,
            )
    with open_scheduler(scheduler, processes) as cluster:
        run = run_construction(
            inp,
            draws=draws,
            seed=seed,
            processes=processes,
            progress=lambda done, total: report("construction", done, total),
            mapper=None if cluster is None else cluster.imap,
        )
        scheduled = describe(cluster)
    check_construction(inp, run)
    cost, years, parts = run.cost_usd_bn, run.duration_years, run.breakdown_usd_bn
    factor = money_factor(scenario)
    if factor != 1.0:  # costs are linear in the money inputs: convert once, after the run
        cost *= factor
        for k in COMPONENTS:
            parts[k] *= factor
    heading_rows = run.headings
    facts = reference_facts(scenario)
    reference = assess_reference(scenario, inp, cost, parts["systemic"], heading_rows, facts)
    t_corridor = time.perf_counter()
    if plan is not None:
        report("corridor", 0, draws)
    corridor = (
        None
        if plan is None
        else run_corridor(
            scenario,
            plan,
            cost,
            years,
            seed=seed,
            progress=lambda done, total: report("corridor", done, total),
            deepest_invert_m=None if alignment is None else alignment.deepest_invert_m(),
        )
    )
    t_corridor = time.perf_counter() - t_corridor
    operations, corridor = _demand_timetable(
        scenario, alignment, operations, plan, corridor, seed, operations_years
    )
    claims = assess_claims(
        scenario,
        cost,
        years,
        reference.bore_km,
        facts,
        None
        if corridor is None
        else (corridor.capex_usd_bn, corridor.build_years, corridor.opening_year),
    )
    inside_years = years if run.inside_duration_years is None else run.inside_duration_years
    calibrated = calibrated_forecast(
        cost - parts["systemic"], inside_years, seed, run.tornado_inputs
    )
    return Assessment(
        scenario=scenario,
        scenario_sha256=scenario_hash(scenario),
        seed=seed,
        n_draws=draws,
        version=__version__,
        cost_usd_bn=cost,
        duration_years=years,
        inside_duration_years=run.inside_duration_years,
        calibrated=calibrated,
        breakdown_usd_bn=parts,
        headings=heading_rows,
        tornado=run.tornado,
        claims=claims,
        gantt=run.gantt,
        median_draw=run.median_draw,
        construction_inputs=inp,
        alignment=alignment,
        reference=reference,
        operations=operations,
        corridor=corridor,
        provenance=_provenance(
            scenario,
            inp,
            seed=seed,
            draws=draws,
            processes=processes,
            scheduled=scheduled,
            variates=run.random_variates,
            seconds=(run.seconds, t_ops, t_corridor, time.perf_counter() - t0),
            factor=factor,
            has_corridor=corridor is not None,
        ),
    )


def _provenance(
    scenario: Scenario,
    inp: ConstructionInputs,
    *,
    seed: int,
    draws: int,
    processes: int,
    scheduled: Any,
    variates: int,
    seconds: tuple[float, float, float, float],
    factor: float,
    has_corridor: bool,
) -> dict[str, Any]:
    """Return the run's provenance: versions, seed, draws, timings and money.

    ``seconds`` are the simulation's, the operations', the corridor's and the total.
    """
    simulation, ops, corridor, total = seconds
    return {
        "beringia_version": __version__,
        "claims_not_tested": untested_claims(scenario, has_corridor),
        "scenario_sha256": scenario_hash(scenario),
        "seed": seed,
        "draws": draws,
        "block_size": rngmod.BLOCK_SIZE,
        "processes": processes,
        "scheduler": scheduled,
        "random_variates": variates,
        "simulation_seconds": round(simulation, 3),
        "operations_seconds": round(ops, 3),
        "corridor_seconds": round(corridor, 3),
        "total_seconds": round(total, 3),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "price_base": PRICE_BASE,
        "scenario_money": f"{scenario.currency} of {scenario.price_base_year}",
        "money_factor": factor,
        "programme_time_scale": inp.time_scale,
    }


@dataclass(frozen=True)
class _Setup:
    """What :func:`assess` prepared before the Monte Carlo."""

    scenario: Scenario
    alignment: AlignmentResult | None
    inp: ConstructionInputs
    operations: OperationsAssessment | None
    plan: CorridorPlan | None
    t0: float
    t_ops: float


def _assess_streamed(
    setup: _Setup,
    *,
    draws: int,
    seed: int,
    processes: int,
    report: Progress,
    cluster: Cluster | None,
    operations_years: int | None,
    chunk_draws: int,
    stream_above: int,
) -> Assessment:
    """:func:`assess` of a run too large to hold: see :mod:`beringia.pipeline.streamed`."""
    scenario, alignment, inp, plan = setup.scenario, setup.alignment, setup.inp, setup.plan
    operations = setup.operations
    factor = money_factor(scenario)
    facts = reference_facts(scenario)
    appraisal = (
        None
        if plan is None
        else scenario_appraisal(
            scenario, None if alignment is None else alignment.deepest_invert_m()
        )
    )
    if plan is not None and appraisal is None:
        raise ScenarioError("corridor", "(missing)", "the corridor needs market and economics")
    every_chunk = any(c.scope != "tunnel" for c in scenario.claims)
    counts = ClaimCounts()
    sample: dict[str, Any] = {}
    t_corridor = 0.0

    def on_chunk(first_block: int, run: ConstructionRun) -> None:
        nonlocal t_corridor
        cost, years, parts = run.cost_usd_bn, run.duration_years, run.breakdown_usd_bn
        size = cost.shape[0]
        if first_block == 0:
            sample["reference"] = assess_reference(
                scenario, inp, cost, parts["systemic"], run.headings, facts
            )
        corridor = None
        if appraisal is not None and plan is not None and (first_block == 0 or every_chunk):
            t = time.perf_counter()
            corridor = assess_corridor(
                appraisal, plan, cost, years, seed=seed, first_block=first_block
            )
            t_corridor += time.perf_counter() - t
            start = first_block * rngmod.BLOCK_SIZE
            report("corridor", min(start + size, draws), draws)
        if first_block == 0:
            sample["corridor"] = corridor
        claims = assess_claims(
            scenario,
            cost,
            years,
            sample["reference"].bore_km,
            facts,
            None
            if corridor is None
            else (corridor.capex_usd_bn, corridor.build_years, corridor.opening_year),
        )
        counts.add(claims, size)
        if first_block == 0:
            sample["claims"] = claims

    parts = stream_construction(
        inp,
        draws=draws,
        seed=seed,
        chunk_draws=chunk_draws,
        stream_above=stream_above,
        factor=factor,
        processes=processes,
        mapper=None if cluster is None else cluster.imap,
        progress=lambda done, total: report("construction", done, total),
        on_chunk=on_chunk,
    )
    scheduled = describe(cluster)
    run = parts.sample
    check_construction(inp, run)
    corridor: CorridorAssessment | None = sample["corridor"]
    operations, corridor = _demand_timetable(
        scenario, alignment, operations, plan, corridor, seed, operations_years
    )
    claims = counts.results(
        sample["claims"], scenario.name, facts.cheapest() if facts.unit_costs else None
    )
    provenance = _provenance(
        scenario,
        inp,
        seed=seed,
        draws=draws,
        processes=processes,
        scheduled=scheduled,
        variates=parts.variates,
        seconds=(0.0, setup.t_ops, t_corridor, time.perf_counter() - setup.t0),
        factor=factor,
        has_corridor=corridor is not None,
    )
    provenance["simulation_seconds"] = round(
        provenance["total_seconds"] - setup.t_ops - t_corridor, 3
    )
    provenance["streamed"] = parts.summary.statement()
    return Assessment(
        scenario=scenario,
        scenario_sha256=scenario_hash(scenario),
        seed=seed,
        n_draws=draws,
        version=__version__,
        cost_usd_bn=run.cost_usd_bn,
        duration_years=run.duration_years,
        inside_duration_years=run.inside_duration_years,
        calibrated=parts.calibrated,
        breakdown_usd_bn=run.breakdown_usd_bn,
        headings=run.headings,
        tornado=run.tornado,
        claims=claims,
        gantt=run.gantt,
        median_draw=parts.median_draw,
        construction_inputs=inp,
        alignment=alignment,
        reference=sample["reference"],
        operations=operations,
        corridor=corridor,
        provenance=provenance,
        streamed=parts.summary,
    )
