"""Benchmark: a sweep on a Dask LocalCluster of one and of two workers, and its efficiency.

Definitions (issue 14, point 5):

* The job: ``beringia.sweep`` of ``bering-strait`` over :data:`POINTS` values of the Arctic
  labour cost factor, :data:`DRAWS` draws each, one task per point.
* Two ``LocalCluster`` s are started, of one and of two worker processes (one thread each),
  on loopback, without a dashboard; each is warmed up by a one-point sweep (the workers
  import beringia) before any timing.
* The sweep runs on each cluster in turn, :data:`ROUNDS` rounds, the order alternated. Times
  are wall-clock seconds (the work is in the workers, so this process's CPU time says
  nothing).
* ``speedup``: median over rounds of (one worker's seconds ÷ two workers' seconds);
  ``dask_efficiency`` (judged) = ``speedup / 2``. The goal is >= 0.8 where two cores are
  free; the load average when the run starts says how many were (``cores_free_at_start`` =
  CPUs - the 1-minute load average, at least 0).
* ``bit_identical``: the sweep's results on one worker, on two, and in this process without
  Dask (timed once too: ``in_process_seconds``) are equal, every quantile and probability;
  the script fails if not.

Writes ``dask.json`` in the results directory (``bench/results/`` unless
``--results-dir``); the last line printed is ``dask_efficiency=<float>``. ``--quick``: two
points of 500 draws, one round.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

# This file is bench/dask.py: its directory, first on sys.path, would hide the dask package
# (here and in the spawned workers, which inherit sys.path). Last, it still finds _common.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if not p or Path(p).resolve() != _HERE] + [str(_HERE)]

from _common import add_common_options, results_path, write_results  # noqa: E402

import beringia  # noqa: E402
from beringia.pipeline.scheduler import quiet_logs, start_local  # noqa: E402
from beringia.pipeline.sweep import grid_points, parse_vary  # noqa: E402

SCENARIO = "bering-strait"
PATH = "construction.arctic.labour_cost_factor"
POINTS = 8
DRAWS = 4096
ROUNDS = 3
GOAL = 0.8


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_options(parser)
    args = parser.parse_args()
    points_n, draws, rounds = (2, 500, 1) if args.quick else (POINTS, DRAWS, ROUNDS)
    cpus = os.cpu_count() or 1
    load_start = os.getloadavg()[0]
    free = max(0.0, cpus - load_start)
    print(
        f"cores free at the start: {free:.1f} of {cpus} (1-minute load average "
        f"{load_start:.2f}); the goal of {GOAL} applies where two are free",
        flush=True,
    )
    points = grid_points([parse_vary(f"{PATH}=1.0:2.0:{points_n}")])
    quiet_logs()

    def run(scheduler: Any) -> dict[str, Any]:
        result = beringia.sweep(SCENARIO, points, draws=draws, seed=2025, scheduler=scheduler)
        out: dict[str, Any] = result.to_dict()
        return out

    one, two = start_local(1), start_local(2)
    try:
        for cluster in (one, two):  # warm: the workers import beringia before any timing
            beringia.sweep(SCENARIO, points[:1], draws=100, seed=1, scheduler=cluster)
        wall: dict[int, list[float]] = {1: [], 2: []}
        results: dict[int, dict[str, Any]] = {}
        for i in range(rounds):
            for workers in (1, 2) if i % 2 == 0 else (2, 1):
                t0 = time.perf_counter()
                results[workers] = run(one if workers == 1 else two)
                wall[workers].append(time.perf_counter() - t0)
                print(f"round {i + 1}, {workers} worker(s): {wall[workers][-1]:.2f} s", flush=True)
    finally:
        one.close()
        two.close()
    t0 = time.perf_counter()
    here = run(None)
    in_process = time.perf_counter() - t0
    identical = results[1] == results[2] == here
    speedup = statistics.median(a / b for a, b in zip(wall[1], wall[2], strict=True))
    efficiency = speedup / 2
    figures = {
        "benchmark": "dask",
        "scenario": SCENARIO,
        "varied": PATH,
        "points": points_n,
        "draws": draws,
        "rounds": rounds,
        "seconds_1_worker": [round(x, 3) for x in wall[1]],
        "seconds_2_workers": [round(x, 3) for x in wall[2]],
        "in_process_seconds": round(in_process, 3),
        "speedup": round(speedup, 4),
        "dask_efficiency": round(efficiency, 4),
        "goal": GOAL,
        "bit_identical": identical,
        "cores_free_at_start": round(free, 2),
        "load_average_at_start": round(load_start, 2),
        "machine": platform.machine(),
        "python": platform.python_version(),
    }
    write_results(results_path(args, "dask"), figures, quick=args.quick)
    print(
        f"1 worker {statistics.median(wall[1]):.2f} s, 2 workers "
        f"{statistics.median(wall[2]):.2f} s (median of {rounds}), in this process "
        f"{in_process:.2f} s; speed-up {speedup:.2f}; results bit-identical: {identical}"
    )
    if free < 2.0:
        print(f"(only {free:.1f} cores were free: the efficiency is not judged against the goal)")
    if not identical:
        sys.exit("the sweep's results differ between schedulers")
    print(f"dask_efficiency={efficiency:.4f}")


if __name__ == "__main__":  # the workers are spawned: they import this file, not run it
    main()
