"""Run the construction model: compiled inputs in, per-draw cost and time out, block by block."""

from __future__ import annotations

import dataclasses
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from beringia.core import rng as rngmod
from beringia.core.calendar import YEAR_DAYS
from beringia.core.construction import (
    COMPONENTS,
    BlockResult,
    ConstructionInputs,
    headings,
    sample_inputs,
    simulate_block,
)
from beringia.core.distributions import FloatArray
from beringia.core.stats import ranks
from beringia.models.construction.results import (
    GanttBar,
    HeadingSummary,
    TornadoBar,
    tornado_bars,
)
from beringia.scenario.model import Scenario

TORNADO_DRAWS = 10_000
"""The tornado's rank correlations use at most this many draws (the first ones); the
standard error of a rank correlation is then at most 0.01."""

CALIBRATION_DRAWS = 4096
CALIBRATION_SEED = 0
"""A programme anchor is computed from this fixed run, so it does not depend on the user's
seed, draws or processes."""

Progress = Callable[[int, int], None]
"""Called as ``progress(draws_done, draws_total)`` after each block."""

BlockTask = tuple[ConstructionInputs, int, int, int]
"""One block of draws: inputs, seed, block index, draws in it."""
BlockMap = Callable[
    [Callable[[BlockTask], BlockResult], Sequence[BlockTask], Progress | None],
    Iterable[BlockResult],
]
"""Runs blocks elsewhere, as ``mapper(fn, tasks, progress)``: the results in task order (an
iterator may yield them as they come) and ``progress(tasks_done, tasks_total)`` as tasks
finish (a Dask cluster's :meth:`beringia.pipeline.scheduler.Cluster.imap`)."""


@dataclass(frozen=True)
class ConstructionRun:
    """Per-draw results of the construction model, in draw order (scenario money)."""

    cost_usd_bn: FloatArray
    duration_years: FloatArray
    inside_duration_years: FloatArray
    breakdown_usd_bn: dict[str, FloatArray]
    headings: list[HeadingSummary]
    tornado: list[TornadoBar]
    gantt: list[GanttBar]
    median_draw: int
    random_variates: int
    seconds: float
    tornado_inputs: dict[str, FloatArray] = dataclasses.field(default_factory=dict)
    """The tornado's per-draw inputs and risk impacts (its first draws; none past block 0)."""


HELD_SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM})
"""Signals held while worker processes are forked (see :func:`_results`)."""


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM in this thread for the block; a held signal arrives after it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, HELD_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _unblock_signals() -> None:
    """In a worker: receive the signals held while it was forked (its handlers ignore them)."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, HELD_SIGNALS)


def _run(args: BlockTask) -> BlockResult:
    inp, seed, block, n = args
    # The first block also keeps its schedule, from which the median draw's Gantt is taken.
    res = simulate_block(inp, seed, block, n, detail=block == 0)
    if block * rngmod.BLOCK_SIZE >= TORNADO_DRAWS:
        # Past the tornado's draws the per-draw inputs are not used: do not send them back
        # (two thirds of a block's result, pickled from a worker).
        res.inputs, res.risk_impacts = {}, {}
    return res


def _results(
    inp: ConstructionInputs,
    seed: int,
    draws: int,
    processes: int,
    mapper: BlockMap | None = None,
    progress: Progress | None = None,
    first_block: int = 0,
) -> Iterator[tuple[int, BlockResult]]:
    tasks: list[BlockTask] = [
        (inp, seed, first_block + i, size) for i, _, size in rngmod.blocks(draws)
    ]
    starts = [start for _, start, _ in rngmod.blocks(draws)]
    if mapper is not None:  # the blocks run elsewhere; progress follows their tasks

        def tasks_done(done: int, total: int) -> None:
            if progress is not None:
                progress(draws if done == total else min(done * rngmod.BLOCK_SIZE, draws), draws)

        yield from zip(starts, mapper(_run, tasks, tasks_done), strict=True)
        return
    if processes <= 1 or len(tasks) == 1:
        for task, start in zip(tasks, starts, strict=True):
            yield start, _run(task)
        return
    with ProcessPoolExecutor(max_workers=processes, initializer=_unblock_signals) as pool:
        # The workers are forked as tasks are submitted. A signal whose handler runs inside
        # the interpreter's after-fork hooks has its exception ignored (SIGTERM or Ctrl-C
        # would be lost and the run go on), so both are held until every fork is done.
        with _signals_held():
            futures = [pool.submit(_run, task) for task in tasks]
        try:
            for start, future in zip(starts, futures, strict=True):
                yield start, future.result()
        finally:  # interrupted (Ctrl-C, SIGTERM, an error): drop the blocks not started
            for future in futures:
                future.cancel()


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


def run_construction(
    inp: ConstructionInputs,
    *,
    draws: int,
    seed: int,
    processes: int = 1,
    progress: Progress | None = None,
    mapper: BlockMap | None = None,
    first_block: int = 0,
) -> ConstructionRun:
    """Simulate ``draws`` draws of the construction model, block by block.

    Parameters
    ----------
    inp : ConstructionInputs
        Compiled (and, where the scenario has a programme, anchored) inputs.
    draws, seed, processes : int
        Monte Carlo draws, the user seed and the worker processes; the results do not depend
        on ``processes``.
    progress : callable, optional
        ``progress(done, total)`` after each block.
    mapper : callable, optional
        Runs the blocks elsewhere (a Dask cluster, see :data:`BlockMap`) instead of here or
        on ``processes`` forked workers; the results do not depend on it.
    first_block : int
        Block index of the first draw: a streamed run (:mod:`beringia.pipeline.streamed`)
        runs its draws a chunk of blocks at a time. Past block 0 there is no tornado (its
        draws are the run's first) and no Gantt (``gantt`` is empty).

    Returns
    -------
    ConstructionRun
        Per-draw cost, duration, breakdown and headings, with the tornado and the median draw.
    """
    t0 = time.perf_counter()
    hds = headings(inp)
    cost = np.empty(draws)
    years = np.empty(draws)
    inside_years = np.empty(draws)
    parts = {k: np.empty(draws) for k in COMPONENTS}
    h_len = np.empty((len(hds), draws))
    h_dur = np.empty((len(hds), draws))
    sampled = [k for k, spec in inp.inputs.items() if not spec.is_fixed]
    n_tornado = min(draws, TORNADO_DRAWS) if first_block == 0 else 0
    # The tornado ranks the sampled inputs and, beside them, each named risk's impact.
    # A risk of every bore is one RiskIn per bore, with one impact: named once.
    ranked = sampled + list(dict.fromkeys(f"construction.risks.{r.name}" for r in inp.risks))
    x_in = {k: np.empty(n_tornado, dtype=np.float64) for k in ranked}
    variates = 0
    first: BlockResult | None = None
    for start, res in _results(inp, seed, draws, processes, mapper, progress, first_block):
        if start == 0:
            first = res
        stop = start + res.cost_usd_bn.shape[0]
        cost[start:stop] = res.cost_usd_bn
        years[start:stop] = res.duration_years
        inside_years[start:stop] = res.inside_duration_years
        for k in COMPONENTS:
            parts[k][start:stop] = res.breakdown_usd_bn[k]
        h_len[:, start:stop] = res.heading_length_km
        h_dur[:, start:stop] = res.heading_duration_years
        if start < n_tornado:
            keep = min(stop, n_tornado) - start
            per_draw = {**res.inputs, **res.risk_impacts}
            for k in ranked:
                x_in[k][start : start + keep] = per_draw[k][:keep]
        variates += res.variates
        if progress is not None and mapper is None:
            progress(stop, draws)
    if first is None:  # draws >= 1, so block 0 always runs
        raise RuntimeError("the first block of draws did not run")
    median_draw = _median_draw(cost, years, first.cost_usd_bn.shape[0])
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
    return ConstructionRun(
        cost_usd_bn=cost,
        duration_years=years,
        inside_duration_years=inside_years,
        breakdown_usd_bn=parts,
        headings=heading_rows,
        tornado=tornado_bars(x_in, cost[:n_tornado], years[:n_tornado]),
        tornado_inputs=x_in,
        gantt=_gantt(first, median_draw) if first_block == 0 else [],
        median_draw=median_draw,
        random_variates=variates,
        seconds=time.perf_counter() - t0,
    )


def sampled_inputs(inp: ConstructionInputs, seed: int, draws: int) -> dict[str, FloatArray]:
    """Return the uncertain inputs of every draw, drawn again from their own streams.

    Each input has a private stream per block (:mod:`beringia.core.rng`), so the values are
    exactly those the run used, without keeping them in memory during the run.

    Returns
    -------
    dict
        Input path to one value per draw, in draw order (scenario money and units).
    """
    sampled = [k for k, spec in inp.inputs.items() if not spec.is_fixed]
    out = {k: np.empty(draws, dtype=np.float64) for k in sampled}
    counter = rngmod.VariateCounter()
    for block, start, size in rngmod.blocks(draws):
        x = sample_inputs(inp, seed, block, size, counter)
        for k in sampled:
            out[k][start : start + size] = x[k]
    return out


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
