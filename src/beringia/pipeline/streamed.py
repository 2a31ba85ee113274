"""A large run in bounded memory: the draws a chunk of blocks at a time, reduced as they come.

Above :data:`STREAM_DRAWS` draws, :func:`beringia.pipeline.assess.assess` runs the models a
chunk of :data:`CHUNK_DRAWS` draws at a time (whole blocks, so every draw takes the random
numbers it takes in a run that holds every draw) and keeps of each chunk only:

- exact reductions over every draw: the mean and percentiles of the construction outputs
  (cost, duration, breakdown, inside view, headings, calibrated forecast; exact percentiles,
  :mod:`beringia.pipeline.reduce`), each claim's probability (a count) and the ranks that
  choose the median draw;
- the first chunk whole, as a random sample of the run: the figures, the reference view, the
  corridor and its economics, the demand's timetable and the tornado are computed on it, and
  the run's provenance says so (``streamed``).

Per-draw output (``Assessment.draws``) is not available for a streamed run.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from beringia.core import rng as rngmod
from beringia.core.construction import COMPONENTS, ConstructionInputs, simulate_block
from beringia.core.distributions import FloatArray
from beringia.errors import ScenarioError
from beringia.models.construction.run import (
    TORNADO_DRAWS,
    BlockMap,
    ConstructionRun,
    _gantt,
    run_construction,
)
from beringia.models.reference.assess import PRICE_BASE, PRICE_BASE_YEAR
from beringia.models.reference.claims import ClaimResult, claim_sentence
from beringia.pipeline.calibrated import Calibrated, calibrate
from beringia.pipeline.reduce import RankCounter, StreamedQuantiles
from beringia.tables.model_error import model_error

STREAM_DRAWS = 1_048_576
"""Runs of more draws than this (256 blocks) are streamed; smaller runs hold every draw."""

CHUNK_DRAWS = 131_072
"""Draws of a streamed run's first chunk (32 blocks), the run's sample; the later chunks
have a quarter of that (:func:`later_chunk`)."""


def check_chunk(chunk_draws: int) -> None:
    """Reject a chunk that is not a positive whole number of blocks."""
    if chunk_draws <= 0 or chunk_draws % rngmod.BLOCK_SIZE:
        raise ValueError(
            f"chunk_draws {chunk_draws}: a positive multiple of {rngmod.BLOCK_SIZE} is needed"
        )


def check_draws_out(draws: int, stream_above: int = STREAM_DRAWS) -> None:
    """Refuse per-draw output (``--draws-out``) for a run that is streamed."""
    if draws > stream_above:
        raise ScenarioError(
            "--draws-out",
            f"{draws:,} draws",
            f"per-draw output for runs of at most {stream_above:,} draws (a larger run is "
            "streamed and keeps only its reductions)",
        )


def later_chunk(chunk_draws: int) -> int:
    """Draws of a streamed run's chunks after the first: a quarter of it, whole blocks.

    The first chunk is kept as the run's sample; the later ones are smaller, so that the
    sample and one chunk at work stay well under the memory the first chunk needed.
    """
    return max(rngmod.BLOCK_SIZE, chunk_draws // 4 // rngmod.BLOCK_SIZE * rngmod.BLOCK_SIZE)


def chunks(draws: int, chunk_draws: int) -> list[tuple[int, int, int]]:
    """Cut ``draws`` into ``(first_block, start, size)`` chunks, whole blocks each.

    The first chunk has ``chunk_draws`` draws, the others :func:`later_chunk` draws.
    """
    check_chunk(chunk_draws)
    out = [(0, 0, min(chunk_draws, draws))]
    step = later_chunk(chunk_draws)
    for start in range(chunk_draws, draws, step):
        out.append((start // rngmod.BLOCK_SIZE, start, min(step, draws - start)))
    return out


@dataclass(frozen=True)
class StreamedSummary:
    """The exact reductions of a streamed run over all its draws."""

    draws: int
    sample_draws: int
    """Draws of the first chunk, which the Assessment's arrays hold."""
    chunk_draws: int
    stream_above: int
    """Runs of more draws than this were streamed."""
    construction: dict[str, dict[str, float]]
    """Column name (``cost_usd_bn``, ``breakdown.<k>``, ``heading.<i>.length_km`` ...) to
    its mean and percentiles over every draw."""
    approximate: list[str]
    """``column:percentile`` whose bracket missed (the sample's value stands in); empty in
    any but an astronomically unlikely run."""

    def statement(self) -> dict[str, Any]:
        """Return the provenance entry: what was computed on every draw, what on the sample."""
        of = f"{self.sample_draws:,} of {self.draws:,} draws"
        return {
            "chunk_draws": self.chunk_draws,
            "sample_draws": self.sample_draws,
            "exact_over_all_draws": (
                "construction quantiles (cost, duration, breakdown, inside view, headings, "
                "calibrated forecast), claim probabilities, the median draw"
            ),
            "on_sample": (
                f"on the first {of}: the corridor and economics, the reference view, the "
                "demand's timetable, the report's figures"
            ),
            "tornado": "rank correlation on the first "
            f"{min(TORNADO_DRAWS, self.sample_draws):,} of {self.draws:,} draws",
            "approximate_quantiles": list(self.approximate),
        }


class _CalibrationDraws:
    """The draws of :func:`beringia.pipeline.calibrated.calibrated_forecast`, chunk by chunk.

    That function draws ``n x 2`` normals and then ``n`` uniforms from one stream; here one
    generator gives the normals and a second, advanced past the ``2 n`` normals, the
    uniforms, so each chunk gets exactly the numbers the whole run would.
    """

    def __init__(self, seed: int, draws: int) -> None:
        self._normals = rngmod.stream(seed, "calibration", 0, "residual")
        self._uniforms = rngmod.stream(seed, "calibration", 0, "residual")
        left = draws
        while left > 0:  # normals use a variable count of raw numbers: draw them to skip
            k = min(left, 1 << 20)
            self._uniforms.standard_normal((k, 2))
            left -= k
        me = model_error()
        self._residual = me.residual()
        self.cases = len(me.cases)
        self.cost_cases = me.cost_cases
        self.factors = self._residual.factors()

    def next(
        self,
        cost: FloatArray,
        years: FloatArray,
        tornado_inputs: Mapping[str, FloatArray] | None = None,
    ) -> Calibrated:
        """Calibrate the next chunk's inside view (with its drivers for the first chunk)."""
        n = cost.size
        r = self._residual.draws(self._normals.standard_normal((n, 2)), self._uniforms.random(n))
        return calibrate(cost, years, r, self.cases, self.factors, tornado_inputs, self.cost_cases)


def columns(
    run: ConstructionRun, parts: dict[str, FloatArray], cost: FloatArray, cal: Calibrated
) -> Iterator[tuple[str, FloatArray]]:
    """Yield the construction outputs whose quantiles the JSON reports, by column name."""
    yield "cost_usd_bn", cost
    yield "duration_years", run.duration_years
    for k in COMPONENTS:
        yield f"breakdown.{k}", parts[k]
    yield "inside.cost_usd_bn", cost - parts["systemic"]
    yield "inside.duration_years", run.inside_duration_years
    yield "calibrated.cost_usd_bn", cal.cost_usd_bn
    yield "calibrated.duration_years", cal.duration_years
    for i, h in enumerate(run.headings):
        yield f"heading.{i}.length_km", h.length_km
        yield f"heading.{i}.duration_years", h.duration_years


ChunkRun = Callable[[int, int], ConstructionRun]
"""``chunk_run(first_block, size)``: the construction model on one chunk of draws."""


@dataclass
class StreamedParts:
    """What a streamed run hands back to :func:`beringia.pipeline.assess.assess`."""

    sample: ConstructionRun
    """The first chunk's run (scenario money converted)."""
    calibrated: Calibrated
    """The first chunk's calibrated draws."""
    summary: StreamedSummary
    median_draw: int
    variates: int


def stream_construction(
    inp: ConstructionInputs,
    *,
    draws: int,
    seed: int,
    chunk_draws: int,
    stream_above: int,
    factor: float,
    processes: int = 1,
    mapper: BlockMap | None = None,
    progress: Callable[[int, int], None] | None = None,
    on_chunk: Callable[[int, ConstructionRun], None] | None = None,
) -> StreamedParts:
    """Run the construction model a chunk at a time and reduce its outputs over every draw.

    Parameters
    ----------
    inp : ConstructionInputs
        Compiled, anchored inputs.
    draws, seed, processes, mapper
        As for :func:`beringia.models.construction.run.run_construction`.
    chunk_draws : int
        Draws of the first chunk, a multiple of the block size (:func:`chunks`).
    stream_above : int
        The threshold above which the run is streamed (for what it says).
    factor : float
        Money factor applied to the costs (scenario money), as in a run that holds every draw.
    progress : callable, optional
        ``progress(done, total)`` over all draws.
    on_chunk : callable, optional
        ``on_chunk(first_block, run)`` with each chunk's run (scenario money), in draw order:
        for the caller's own reductions (claims, the corridor).

    Returns
    -------
    StreamedParts
        The first chunk whole and the reductions over all draws.
    """
    cut = chunks(draws, chunk_draws)
    cal_draws = _CalibrationDraws(seed, draws)
    reducers: dict[str, StreamedQuantiles] = {}
    ranks_cost: RankCounter | None = None
    ranks_years: RankCounter | None = None
    sample: ConstructionRun | None = None
    sample_cal: Calibrated | None = None
    variates = 0
    for first_block, start, size in cut:

        def chunk_progress(done: int, _total: int, start: int = start) -> None:
            if progress is not None:
                progress(start + done, draws)

        run = run_construction(
            inp,
            draws=size,
            seed=seed,
            processes=processes,
            progress=chunk_progress,
            mapper=mapper,
            first_block=first_block,
        )
        variates += run.random_variates
        cost, parts = run.cost_usd_bn, run.breakdown_usd_bn
        if factor != 1.0:
            cost *= factor
            for k in COMPONENTS:
                parts[k] *= factor
        cal = cal_draws.next(
            cost - parts["systemic"], run.inside_duration_years, run.tornado_inputs
        )
        if sample is None:
            sample, sample_cal = run, cal
            for name, col in columns(run, parts, cost, cal):
                reducers[name] = StreamedQuantiles(col, draws)
            among = min(rngmod.BLOCK_SIZE, size)
            ranks_cost = RankCounter(cost[:among])
            ranks_years = RankCounter(run.duration_years[:among])
        for name, col in columns(run, parts, cost, cal):
            reducers[name].add(col)
        if ranks_cost is not None and ranks_years is not None:
            ranks_cost.add(cost)
            ranks_years.add(run.duration_years)
        if on_chunk is not None:
            on_chunk(first_block, run)
    if sample is None or sample_cal is None or ranks_cost is None or ranks_years is None:
        raise RuntimeError("the first chunk of draws did not run")
    quantiles = {name: r.result() for name, r in reducers.items()}
    approximate = [f"{name}:{k}" for name, r in reducers.items() for k in r.approximate]
    scale = max(draws - 1, 1)
    off = np.maximum(
        np.abs(ranks_cost.ranks() / scale - 0.5), np.abs(ranks_years.ranks() / scale - 0.5)
    )
    median_draw = int(np.argmin(off))
    detail = simulate_block(inp, seed, 0, ranks_cost.candidates.shape[0], detail=True)
    sample = replace(sample, gantt=_gantt(detail, median_draw), median_draw=median_draw)
    return StreamedParts(
        sample=sample,
        calibrated=sample_cal,
        summary=StreamedSummary(
            draws=draws,
            sample_draws=cut[0][2],
            chunk_draws=chunk_draws,
            stream_above=stream_above,
            construction=quantiles,
            approximate=approximate,
        ),
        median_draw=median_draw,
        variates=variates,
    )


class ClaimCounts:
    """Each claim's count of draws within its limits, added a chunk at a time."""

    def __init__(self) -> None:
        self.within: list[int] = []
        self.draws = 0

    def add(self, claims: list[ClaimResult], size: int) -> None:
        """Add a chunk's claim results (``probability`` is the chunk's share)."""
        counts = [round(c.probability * size) for c in claims]
        if self.draws == 0:
            self.within = counts
        else:
            self.within = [a + b for a, b in zip(self.within, counts, strict=True)]
        self.draws += size

    def results(
        self, sample: list[ClaimResult], scenario: str, cheapest: tuple[str, float] | None
    ) -> list[ClaimResult]:
        """Return the sample's claims with probability and sentence over every draw."""
        out = []
        for c, k in zip(sample, self.within, strict=True):
            p = float(np.float64(k) / np.float64(self.draws))
            same = (c.currency, c.money_year) == ("USD", PRICE_BASE_YEAR)
            money = (
                ""
                if c.claimed_cost_bn is None or same
                else f"{c.currency} {c.claimed_cost_bn:,.4g}bn of {c.money_year}"
            )
            out.append(
                dataclasses.replace(
                    c,
                    probability=p,
                    sentence=claim_sentence(
                        claim=c.name,
                        scenario=scenario,
                        probability=p,
                        draws=self.draws,
                        max_cost_usd_bn=c.max_cost_usd_bn,
                        max_duration_years=c.max_duration_years,
                        implied_usd_m_per_bore_km=c.implied_usd_m_per_bore_km,
                        percentile_in_reference=c.percentile_in_reference,
                        cheapest=cheapest,
                        price_base=PRICE_BASE,
                        scope=c.scope,
                        money=money,
                    ),
                )
            )
        return out


__all__ = [
    "CHUNK_DRAWS",
    "STREAM_DRAWS",
    "ClaimCounts",
    "StreamedSummary",
    "chunks",
    "stream_construction",
]
