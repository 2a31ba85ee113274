"""Benchmark: construction Monte Carlo throughput against the machine's raw RNG limit.

Judged on ``ratio_to_rng_limit``: the time this process needs to generate as many random
variates as one full ``beringia.assess`` of ``bering-strait`` at 100,000 draws consumed
(uniform doubles from the same PCG64 generator, nothing else), divided by the time of that
assessment, end to end (summaries, tornado and the median draw's Gantt included). 1.0 would
mean the model costs nothing beyond its random numbers. The same ratio for the simulation
blocks alone is reported beside it.
A second measurement runs 1,000,000 draws in a child process and records its peak memory.

The job timed is construction alone: the built-in's ``operations``, ``corridor``, ``market``
and ``economics`` sections are removed (``bench/operations.py`` and ``bench/corridor.py``
time those). Writes ``construction.json`` in the results directory (``bench/results/``
unless ``--results-dir``); the last line printed is ``ratio_to_rng_limit=<float>``.
``--quick`` runs 4,096 draws once, and 4,096 in the child.
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
from _common import add_common_options, results_path, write_results

import beringia
from beringia.scenario.io import read_document

DRAWS = 100_000
BIG_DRAWS = 1_000_000
REPEATS = 5
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


def rng_limit_seconds(variates: int, repeats: int) -> float:
    """Best-of-``repeats`` time to draw ``variates`` uniform doubles from PCG64 (in chunks)."""
    best = float("inf")
    for _ in range(repeats):
        g = np.random.Generator(np.random.PCG64(12345))
        buf = np.empty(CHUNK)
        t0 = time.perf_counter()
        left = variates
        while left > 0:
            m = min(left, CHUNK)
            g.random(out=buf[:m])
            left -= m
        best = min(best, time.perf_counter() - t0)
    return best


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
    add_common_options(parser)
    args = parser.parse_args()
    out = results_path(args, "construction")
    draws = QUICK_DRAWS if args.quick else DRAWS
    big_draws = QUICK_DRAWS if args.quick else BIG_DRAWS
    repeats = 1 if args.quick else REPEATS
    sc = beringia.load_scenario(construction_only())
    beringia.assess(sc, draws=min(draws, 5_000), seed=1)  # warm-up: imports, caches
    best, sim, result = float("inf"), float("inf"), None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = beringia.assess(sc, draws=draws, seed=1)
        best = min(best, time.perf_counter() - t0)
        sim = min(sim, float(result.provenance["simulation_seconds"]))
    assert result is not None
    variates = int(result.provenance["random_variates"])
    t_rng = rng_limit_seconds(variates, repeats)
    ratio = t_rng / best
    t0 = time.perf_counter()
    peak = peak_memory_gib(big_draws)
    t_big = time.perf_counter() - t0
    figures = {
        "benchmark": "construction",
        "scenario": "bering-strait",
        "draws": draws,
        "seconds": round(best, 4),
        "draws_per_second": round(draws / best, 1),
        "random_variates": variates,
        "variates_per_draw": round(variates / draws, 1),
        "rng_limit_seconds": round(t_rng, 4),
        "ratio_to_rng_limit": round(ratio, 4),
        "simulation_seconds": round(sim, 4),
        "ratio_to_rng_limit_simulation_only": round(t_rng / sim, 4),
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
    print(f"{draws:,} draws in {best:.2f} s: {draws / best:,.0f} draws/s end to end")
    print(f"simulation alone (blocks, before summaries): {sim:.2f} s, ratio {t_rng / sim:.4f}")
    print(
        f"{variates:,} random variates ({variates / draws:.0f} per draw); "
        f"the raw generator needs {t_rng:.3f} s for them"
    )
    print(f"peak memory at {big_draws:,} draws: {peak:.2f} GiB (limit 1.5 GiB)")
    print(f"results: {out}")
    print(f"ratio_to_rng_limit={ratio:.4f}")


if __name__ == "__main__":
    main()
