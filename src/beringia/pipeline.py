"""Compile a scenario, run the models block by block, and assemble the Assessment."""

from __future__ import annotations

import dataclasses
import platform
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from beringia import __version__
from beringia.alignment import alignment_for
from beringia.checks import (
    PRICE_BASE,
    assess_claims,
    assess_reference,
    money_factor,
    reference_facts,
)
from beringia.compile import compile_construction
from beringia.core import rng as rngmod
from beringia.core.calendar import YEAR_DAYS
from beringia.core.construction import (
    COMPONENTS,
    BlockResult,
    ConstructionInputs,
    headings,
    simulate_block,
)
from beringia.core.stats import rank_correlation, ranks
from beringia.corridor.run import run_corridor, scenario_plan
from beringia.errors import ScenarioError
from beringia.operate import assess_operations
from beringia.results import (
    Assessment,
    GanttBar,
    HeadingSummary,
    TornadoBar,
)
from beringia.scenario.io import scenario_hash
from beringia.scenario.model import Scenario

MAX_DRAWS = 100_000_000
TORNADO_DRAWS = 10_000
"""The tornado's rank correlations use at most this many draws (the first ones); the
standard error of a rank correlation is then at most 0.01."""
TORNADO_SIZE = 10

Progress = Callable[[int, int], None]
"""Called as ``progress(draws_done, draws_total)`` after each block."""


def _run(args: tuple[ConstructionInputs, int, int, int]) -> BlockResult:
    inp, seed, block, n = args
    # The first block also keeps its schedule, from which the median draw's Gantt is taken.
    return simulate_block(inp, seed, block, n, detail=block == 0)


def _results(
    inp: ConstructionInputs, seed: int, draws: int, processes: int
) -> Iterator[tuple[int, BlockResult]]:
    tasks = [(inp, seed, i, size) for i, _, size in rngmod.blocks(draws)]
    starts = [start for _, start, _ in rngmod.blocks(draws)]
    if processes <= 1 or len(tasks) == 1:
        for task, start in zip(tasks, starts, strict=True):
            yield start, _run(task)
        return
    with ProcessPoolExecutor(max_workers=processes) as pool:
        yield from zip(starts, pool.map(_run, tasks), strict=True)


CALIBRATION_DRAWS = 4096
CALIBRATION_SEED = 0
"""A programme anchor is computed from this fixed run, so it does not depend on the user's
seed, draws or processes."""


def anchor_programme(scenario: Scenario, inp: ConstructionInputs) -> ConstructionInputs:
    """Scale the schedule so that its bottom-up median equals the planned duration, if any.

    The median is that of a fixed calibration run (:data:`CALIBRATION_DRAWS` draws, seed
    :data:`CALIBRATION_SEED`) without the systemic schedule factor.
    """
    programme = scenario.construction.programme
    if programme is None:
        return inp
    base = dataclasses.replace(inp, systemic_schedule=None, time_scale=1.0)
    res = simulate_block(base, CALIBRATION_SEED, 0, CALIBRATION_DRAWS)
    median = float(np.median(res.duration_years))
    return dataclasses.replace(inp, time_scale=programme.duration_years / median)


def check_run_arguments(draws: int, seed: int, processes: int) -> None:
    """Reject impossible run arguments with a :class:`ScenarioError`."""
    if not isinstance(draws, int) or isinstance(draws, bool) or not 1 <= draws <= MAX_DRAWS:
        raise ScenarioError("draws", draws, f"allowed: an integer from 1 to {MAX_DRAWS:,}")
    if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed < 2**63:
        raise ScenarioError("seed", seed, "allowed: an integer from 0 to 2**63 - 1")
    if not isinstance(processes, int) or not 1 <= processes <= 64:
        raise ScenarioError("processes", processes, "allowed: an integer from 1 to 64")


def assess(
    scenario: Scenario,
    *,
    draws: int = 20_000,
    seed: int = 2025,
    processes: int = 1,
    progress: Progress | None = None,
    operations_years: int | None = None,
) -> Assessment:
    """Assess a scenario by Monte Carlo.

    Parameters
    ----------
    scenario : Scenario
        A validated scenario (see :func:`beringia.load_scenario`).
    draws : int
        Monte Carlo draws, 1 to 10**8.
    seed : int
        Seed of every random stream. The same scenario, seed and draws give bit-identical
        results whatever ``processes`` is.
    processes : int
        Worker processes for the blocks of draws.
    progress : callable, optional
        ``progress(done, total)`` after each block.
    operations_years : int, optional
        Replicated years of operations (default: the scenario's ``simulated_years``); only
        for scenarios with an ``operations`` section.

    Returns
    -------
    Assessment
        Per-draw results, summaries and provenance.
    """
    check_run_arguments(draws, seed, processes)
    t0 = time.perf_counter()
    alignment = alignment_for(scenario)
    inp = anchor_programme(scenario, compile_construction(scenario, alignment))
    # Operations and the corridor's plan first: their input errors show before the long run.
    t_ops = time.perf_counter()
    operations = (
        None
        if scenario.operations is None
        else assess_operations(scenario, alignment, seed=seed, years=operations_years)
    )
    t_ops = time.perf_counter() - t_ops
    plan = (
        None
        if scenario.corridor is None or operations is None
        else scenario_plan(scenario, operations)
    )
    t0_sim = time.perf_counter()
    hds = headings(inp)
    cost = np.empty(draws)
    years = np.empty(draws)
    parts = {k: np.empty(draws) for k in COMPONENTS}
    h_len = np.empty((len(hds), draws))
    h_dur = np.empty((len(hds), draws))
    sampled = [k for k, spec in inp.inputs.items() if not spec.is_fixed]
    n_tornado = min(draws, TORNADO_DRAWS)
    x_in = {k: np.empty(n_tornado, dtype=np.float64) for k in sampled}
    variates = 0
    done = 0
    first_block: BlockResult | None = None
    for start, res in _results(inp, seed, draws, processes):
        if start == 0:
            first_block = res
        stop = start + res.cost_usd_bn.shape[0]
        cost[start:stop] = res.cost_usd_bn
        years[start:stop] = res.duration_years
        for k in COMPONENTS:
            parts[k][start:stop] = res.breakdown_usd_bn[k]
        h_len[:, start:stop] = res.heading_length_km
        h_dur[:, start:stop] = res.heading_duration_years
        if start < n_tornado:
            keep = min(stop, n_tornado) - start
            for k in sampled:
                x_in[k][start : start + keep] = res.inputs[k][:keep]
        variates += res.variates
        done = stop
        if progress is not None:
            progress(done, draws)
    t_sim = time.perf_counter() - t0_sim
    factor = money_factor(scenario)
    if factor != 1.0:  # costs are linear in the money inputs: convert once, after the run
        cost *= factor
        for k in COMPONENTS:
            parts[k] *= factor

    if first_block is None:  # draws >= 1, so block 0 always runs
        raise RuntimeError("the first block of draws did not run")
    median_draw = _median_draw(cost, years, first_block.cost_usd_bn.shape[0])
    gantt = _gantt(first_block, median_draw)
    tornado = _tornado(x_in, cost[:n_tornado], years[:n_tornado])
    heading_rows = [
        HeadingSummary(
            name=h.label(inp),
            bore=inp.bores[h.bore].name,
            attack_point=inp.points[h.point].name,
            direction=h.direction,
            length_km=h_len[i],
            duration_years=h_dur[i],
        )
        for i, h in enumerate(hds)
    ]
    facts = reference_facts(scenario)
    reference = assess_reference(scenario, inp, cost, parts["systemic"], heading_rows, facts)
    claims = assess_claims(scenario, cost, years, reference.bore_km, facts)
    t_corridor = time.perf_counter()
    corridor = (
        None
        if plan is None or operations is None
        else run_corridor(scenario, operations, cost, years, seed=seed, plan=plan)
    )
    t_corridor = time.perf_counter() - t_corridor
    return Assessment(
        scenario=scenario,
        scenario_sha256=scenario_hash(scenario),
        seed=seed,
        draws=draws,
        version=__version__,
        cost_usd_bn=cost,
        duration_years=years,
        breakdown_usd_bn=parts,
        headings=heading_rows,
        tornado=tornado,
        claims=claims,
        gantt=gantt,
        median_draw=median_draw,
        alignment=alignment,
        reference=reference,
        operations=operations,
        corridor=corridor,
        provenance={
            "beringia_version": __version__,
            "scenario_sha256": scenario_hash(scenario),
            "seed": seed,
            "draws": draws,
            "block_size": rngmod.BLOCK_SIZE,
            "processes": processes,
            "random_variates": variates,
            "simulation_seconds": round(t_sim, 3),
            "operations_seconds": round(t_ops, 3),
            "corridor_seconds": round(t_corridor, 3),
            "total_seconds": round(time.perf_counter() - t0, 3),
            "python": platform.python_version(),
            "numpy": np.__version__,
            "price_base": PRICE_BASE,
            "scenario_money": f"{scenario.currency} of {scenario.price_base_year}",
            "money_factor": factor,
            "programme_time_scale": inp.time_scale,
        },
    )


def _median_draw(cost: np.ndarray, years: np.ndarray, among: int) -> int:
    """Return the draw, among the first ``among``, nearest the median of cost and duration.

    Nearest means the smallest larger distance of its two percentile ranks (over all
    draws) from 50 %. With a block of candidates both ranks land within about a percent.
    """
    n = cost.shape[0]
    off_cost = np.abs(ranks(cost)[:among] / max(n - 1, 1) - 0.5)
    off_years = np.abs(ranks(years)[:among] / max(n - 1, 1) - 0.5)
    return int(np.argmin(np.maximum(off_cost, off_years)))


def _gantt(first_block: BlockResult, offset: int) -> list[GanttBar]:
    """Return the activities of draw ``offset`` of the first block (run with detail)."""
    res = first_block
    return [
        GanttBar(
            name=a.name,
            group=a.group,
            start_years=float(a.start[offset]) / YEAR_DAYS,
            finish_years=float(a.finish[offset]) / YEAR_DAYS,
            critical=bool(a.critical[offset]) if a.critical is not None else False,
        )
        for a in res.activities
    ]


def _tornado(x_in: dict[str, np.ndarray], cost: np.ndarray, years: np.ndarray) -> list[TornadoBar]:
    """Return the inputs whose rank correlation with cost or duration is largest."""
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
    return bars[:TORNADO_SIZE]
