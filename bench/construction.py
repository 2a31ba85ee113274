"""Benchmark: construction Monte Carlo throughput against the machine's raw RNG limit.

Judged on ``ratio_to_rng_limit``: the time this process needs to generate as many random
variates as one full ``beringia.assess`` of ``bering-strait`` at 100,000 draws consumed
(uniform doubles from the same PCG64 generator, nothing else), divided by the time of that
assessment, end to end (summaries, tornado and the median draw's Gantt included). 1.0 would
mean the model costs nothing beyond its random numbers. The same ratio for the simulation
blocks alone is reported beside it.
A second measurement runs 1,000,000 draws in a child process and records its peak memory.

Writes ``bench/results/construction.json``; the last line printed is
``ratio_to_rng_limit=<float>``.
"""

from __future__ import annotations

import json
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

import beringia
from beringia.scenario.io import read_document

DRAWS = 100_000
BIG_DRAWS = 1_000_000
REPEATS = 5
CHUNK = 4_000_000
RESULTS = Path(__file__).resolve().parent / "results" / "construction.json"


def rng_limit_seconds(variates: int) -> float:
    """Best-of-N time to draw ``variates`` uniform doubles from PCG64 (in chunks)."""
    best = float("inf")
    for _ in range(REPEATS):
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
        "import resource, beringia; from beringia.scenario.io import read_document; "
        "doc = read_document('bering-strait'); doc.pop('operations'); "
        f"beringia.assess(beringia.load_scenario(doc), draws={draws}, seed=1); "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    return int(out.split()[-1]) / 1024**2  # ru_maxrss is in KiB on Linux


def main() -> None:
    """Run the benchmark and print its figures."""
    # The construction job alone: bench/operations.py measures the operations.
    doc = read_document("bering-strait")
    doc.pop("operations")
    sc = beringia.load_scenario(doc)
    beringia.assess(sc, draws=5_000, seed=1)  # warm-up: imports, caches
    best, sim, result = float("inf"), float("inf"), None
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        result = beringia.assess(sc, draws=DRAWS, seed=1)
        best = min(best, time.perf_counter() - t0)
        sim = min(sim, float(result.provenance["simulation_seconds"]))
    assert result is not None
    variates = int(result.provenance["random_variates"])
    t_rng = rng_limit_seconds(variates)
    ratio = t_rng / best
    t0 = time.perf_counter()
    peak = peak_memory_gib(BIG_DRAWS)
    t_big = time.perf_counter() - t0
    figures = {
        "benchmark": "construction",
        "scenario": "bering-strait",
        "draws": DRAWS,
        "seconds": round(best, 4),
        "draws_per_second": round(DRAWS / best, 1),
        "random_variates": variates,
        "variates_per_draw": round(variates / DRAWS, 1),
        "rng_limit_seconds": round(t_rng, 4),
        "ratio_to_rng_limit": round(ratio, 4),
        "simulation_seconds": round(sim, 4),
        "ratio_to_rng_limit_simulation_only": round(t_rng / sim, 4),
        "peak_memory_gib_at_1m_draws": round(peak, 3),
        "seconds_at_1m_draws_with_startup": round(t_big, 2),
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
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n")
    print(f"{DRAWS:,} draws in {best:.2f} s: {DRAWS / best:,.0f} draws/s end to end")
    print(f"simulation alone (blocks, before summaries): {sim:.2f} s, ratio {t_rng / sim:.4f}")
    print(
        f"{variates:,} random variates ({variates / DRAWS:.0f} per draw); "
        f"the raw generator needs {t_rng:.3f} s for them"
    )
    print(f"peak memory at {BIG_DRAWS:,} draws: {peak:.2f} GiB (limit 1.5 GiB)")
    print(f"results: {RESULTS}")
    print(f"ratio_to_rng_limit={ratio:.4f}")


if __name__ == "__main__":
    main()
