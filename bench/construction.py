"""Benchmark: construction Monte Carlo throughput against the machine's raw RNG limit.

Definitions (issue 16):

* ``ratio_to_rng_limit`` (judged): the CPU time the same generator (PCG64) needs to produce
  the random variates the model *uses* in one ``beringia.assess`` of ``bering-strait`` at
  100,000 draws, in their real mix (uniform doubles and standard exponentials, counted
  exactly by the model: :class:`beringia.core.rng.VariateCounter`), divided by the CPU time
  of that assessment, end to end (summaries, tornado and the median draw's Gantt
  included). 1.0 would mean the model costs nothing beyond the random numbers it needs.
  Variates drawn but never looked at (a run past its zone's end, a run without an event
  rate, event slots a draw does not fill) do not count: drawing more waste would otherwise
  raise the ratio.
* ``ratio_to_rng_limit_drawn``: the same against every variate drawn, as uniform doubles
  (the old definition, for comparison).
* Each ratio is the median over :data:`_common.ROUNDS` rounds, the model and the generator
  alternated in one process, of the per-round ratio of CPU times.
* ``draws_per_second`` and ``microseconds_per_draw``: from the median CPU time of the
  assessment.

A second measurement runs 1,000,000 draws in a child process and records its peak memory.

The job timed is construction alone: the built-in's ``operations``, ``corridor``, ``market``
and ``economics`` sections are removed (``bench/operations.py`` and ``bench/corridor.py``
time those). Writes ``construction.json`` in the results directory (``bench/results/``
unless ``--results-dir``); the last line printed is ``ratio_to_rng_limit=<float>``.
``--quick`` runs 4,096 draws in one round, and 4,096 in the child.
"""

from __future__ import annotations

import argparse
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from _common import (
    ROUNDS,
    add_common_options,
    alternated_rounds,
    median,
    median_ratio,
    results_path,
    write_results,
)

import beringia
from beringia.core import rng as rngmod
from beringia.core.construction import simulate_block
from beringia.models.alignment import alignment_for
from beringia.models.construction.compile import compile_construction
from beringia.scenario.io import read_document

DRAWS = 100_000
BIG_DRAWS = 1_000_000
CHUNK = 4_000_000
QUICK_DRAWS = 4_096
#: The sections of the built-in that belong to other jobs than construction.
OTHER_JOBS = ("operations", "corridor", "market", "economics")


def construction_only(name: str = "bering-strait") -> dict[str, Any]:
    """The built-in scenario's document without the sections of the other jobs."""
    doc = read_document(name)
    for section in OTHER_JOBS:
        doc.pop(section, None)
    return doc


def variates_used(sc: beringia.Scenario, draws: int, seed: int) -> tuple[int, int, int]:
    """Variates an assessment draws, and the uniforms and exponentials it uses (untimed run)."""
    inp = compile_construction(sc, alignment_for(sc))
    drawn = uniform = exponential = 0
    for block, _, size in rngmod.blocks(draws):
        res = simulate_block(inp, seed, block, size)
        drawn += res.variates
        uniform += res.variates_used[0]
        exponential += res.variates_used[1]
    return drawn, uniform, exponential


def draw_variates(uniform: int, exponential: int) -> None:
    """Draw ``uniform`` doubles and ``exponential`` standard exponentials from PCG64, in chunks."""
    g = np.random.Generator(np.random.PCG64(12345))
    buf = np.empty(CHUNK)
    for count, method in ((uniform, g.random), (exponential, g.standard_exponential)):
        left = count
        while left > 0:
            m = min(left, CHUNK)
            method(out=buf[:m])
            left -= m


def peak_memory_gib(draws: int) -> float:
    """Peak resident memory (GiB) of a child process running one assessment."""
    code = (
        "import resource, beringia; from construction import construction_only; "
        f"beringia.assess(beringia.load_scenario(construction_only()), draws={draws}, seed=1); "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent,
    ).stdout
    return int(out.split()[-1]) / 1024**2  # ru_maxrss is in KiB on Linux


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--draws", type=int, default=DRAWS, help="draws of the timed runs")
    parser.add_argument(
        "--big-draws", type=int, default=BIG_DRAWS, help="draws of the peak-memory child run"
    )
    add_common_options(parser)
    args = parser.parse_args()
    out = results_path(args, "construction")
    draws = QUICK_DRAWS if args.quick else args.draws
    big_draws = QUICK_DRAWS if args.quick else args.big_draws
    rounds = 1 if args.quick else ROUNDS
    sc = beringia.load_scenario(construction_only())
    beringia.assess(sc, draws=min(draws, 5_000), seed=1)  # warm-up: imports, caches
    drawn, used_u, used_e = variates_used(sc, draws, seed=1)
    sims: list[float] = []

    def model() -> beringia.Assessment:
        result = beringia.assess(sc, draws=draws, seed=1)
        sims.append(float(result.provenance["simulation_seconds"]))
        return result

    cpu, wall, last = alternated_rounds(
        {
            "model": model,
            "rng_used": lambda: draw_variates(used_u, used_e),
            "rng_drawn": lambda: draw_variates(drawn, 0),
        },
        rounds,
    )
    result = last["model"]
    variates = int(result.provenance["random_variates"])
    assert variates == drawn, (variates, drawn)
    ratio = median_ratio(cpu["rng_used"], cpu["model"])
    ratio_drawn = median_ratio(cpu["rng_drawn"], cpu["model"])
    best = median(cpu["model"])
    t_rng = median(cpu["rng_used"])
    sim = median(sims)
    ratio_sim = median_ratio(wall["rng_used"], sims)
    t0 = time.perf_counter()
    peak = peak_memory_gib(big_draws)
    t_big = time.perf_counter() - t0
    figures = {
        "benchmark": "construction",
        "scenario": "bering-strait",
        "draws": draws,
        "rounds": rounds,
        "seconds": round(best, 4),
        "seconds_are": "median CPU seconds of the rounds",
        "wall_seconds": round(median(wall["model"]), 4),
        "draws_per_second": round(draws / best, 1),
        "microseconds_per_draw": round(best / draws * 1e6, 2),
        "random_variates": variates,
        "variates_per_draw": round(variates / draws, 1),
        "used_uniform": used_u,
        "used_exponential": used_e,
        "used_per_draw": round((used_u + used_e) / draws, 1),
        "rng_limit_seconds": round(t_rng, 4),
        "ratio_to_rng_limit": round(ratio, 4),
        "ratio_to_rng_limit_rounds": [
            round(a / b, 4) for a, b in zip(cpu["rng_used"], cpu["model"], strict=True)
        ],
        "rng_drawn_seconds": round(median(cpu["rng_drawn"]), 4),
        "ratio_to_rng_limit_drawn": round(ratio_drawn, 4),
        "simulation_seconds": round(sim, 4),
        "ratio_to_rng_limit_simulation_only": round(ratio_sim, 4),
        "ratio_to_rng_limit_simulation_only_is": "wall time (the blocks are timed in wall time)",
        "peak_memory_draws": big_draws,
        "peak_memory_gib": round(peak, 3),
        "peak_memory_seconds_with_startup": round(t_big, 2),
        "cost_usd_bn_p50": round(float(np.median(result.cost_usd_bn)), 3),
        "duration_years_p50": round(float(np.median(result.duration_years)), 3),
        "beringia_version": beringia.__version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "machine": platform.machine(),
        "this_process_max_rss_gib": round(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2, 3
        ),
    }
    write_results(out, figures, quick=args.quick)
    print(
        f"{draws:,} draws: {best:.2f} CPU s (median of {rounds} rounds), {draws / best:,.0f} "
        f"draws/s, {best / draws * 1e6:.1f} us/draw end to end"
    )
    print(
        f"variates: {variates / draws:,.0f} drawn per draw, {(used_u + used_e) / draws:,.0f} "
        f"used ({used_u / draws:,.0f} uniform, {used_e / draws:,.0f} exponential); the raw "
        f"generator needs {t_rng:.3f} CPU s for the used ones"
    )
    print(f"ratio against every variate drawn (old definition): {ratio_drawn:.4f}")
    print(f"simulation alone (blocks, wall): {sim:.2f} s, ratio {ratio_sim:.4f}")
    print(f"peak memory at {big_draws:,} draws: {peak:.2f} GiB (limit 1.5 GiB)")
    print(f"results: {out}")
    print(f"ratio_to_rng_limit={ratio:.4f}")


if __name__ == "__main__":
    main()
