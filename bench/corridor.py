"""Benchmark: the corridor and economics job against the construction job on the same draws.

For the built-in ``bering-strait`` scenario: the construction Monte Carlo (cost and duration
per draw) is run for ``--draws`` draws, then the corridor job on those draws (door-to-door
draws of every route, mode choice, traffic, capex profiles, NPV, IRR, payback, benefit-cost
ratio and break-even for the tunnel and the whole corridor). The plan (paths, searoute
distances) is made once beforehand and timed separately.

Definition (issue 16): ``ratio_to_construction`` (judged) = corridor CPU seconds /
construction CPU seconds, the median over :data:`_common.ROUNDS` rounds of the per-round
ratio, the two jobs alternated in one process: how much the corridor adds to an assessment.
Writes ``corridor.json`` in the results directory (``bench/results/`` unless
``--results-dir``); the last line printed is ``ratio_to_construction=<float>``. ``--quick``
runs 2,000 draws in one round.
"""

from __future__ import annotations

import argparse
import platform
import time

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
from beringia.models.corridor.appraise import assess_corridor
from beringia.models.corridor.compile import scenario_appraisal
from beringia.models.corridor.run import scenario_plan
from beringia.models.operations import assess_operations
from beringia.scenario.io import load_scenario

QUICK_DRAWS = 2_000


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--draws", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2025)
    add_common_options(parser)
    args = parser.parse_args()
    if args.quick:
        args.draws = QUICK_DRAWS
    out = results_path(args, "corridor")
    sc = load_scenario("bering-strait")
    alignment = alignment_for(sc)
    inp = compile_construction(sc, alignment)
    cost = np.empty(args.draws)
    years = np.empty(args.draws)

    def construction() -> None:
        for block, start, size in rngmod.blocks(args.draws):
            res = simulate_block(inp, args.seed, block, size)
            cost[start : start + size] = res.cost_usd_bn
            years[start : start + size] = res.duration_years

    construction()
    ops = assess_operations(sc, alignment, seed=args.seed, years=20)
    t0 = time.perf_counter()
    plan = scenario_plan(sc, ops, inp.length_m / 1000.0)
    t_plan = time.perf_counter() - t0
    inputs = scenario_appraisal(sc)
    if inputs is None:
        raise SystemExit("bering-strait has no corridor section")
    rounds = 1 if args.quick else ROUNDS
    cpu, wall, last = alternated_rounds(
        {
            "construction": construction,
            "corridor": lambda: assess_corridor(inputs, plan, cost, years, seed=args.seed),
        },
        rounds,
    )
    result = last["corridor"]
    t_construction = median(cpu["construction"])
    t_corridor = median(cpu["corridor"])
    ratio = median_ratio(cpu["corridor"], cpu["construction"])
    figures = {
        "benchmark": "corridor",
        "draws": args.draws,
        "routes": len(result.routes),
        "rounds": rounds,
        "seconds_are": "median CPU seconds over the rounds",
        "construction_seconds": round(t_construction, 3),
        "construction_microseconds_per_draw": round(t_construction / args.draws * 1e6, 2),
        "plan_seconds": round(t_plan, 3),
        "corridor_seconds": round(t_corridor, 3),
        "corridor_draws_per_second": round(args.draws / t_corridor, 1),
        "corridor_microseconds_per_draw": round(t_corridor / args.draws * 1e6, 2),
        "ratio_to_construction": round(ratio, 3),
        "ratio_to_construction_rounds": [
            round(a / b, 3) for a, b in zip(cpu["corridor"], cpu["construction"], strict=True)
        ],
        "wall_seconds": {k: round(median(v), 3) for k, v in wall.items()},
        "tunnel_npv_p50_usd_bn": float(np.median(result.tunnel.npv_usd_bn)),
        "beringia_version": beringia.__version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
    }
    write_results(out, figures, quick=args.quick)
    print(f"construction job: {args.draws:,} draws in {t_construction:.2f} CPU s")
    print(f"corridor plan (paths, searoute): {t_plan:.2f} s, once")
    print(
        f"corridor job: {args.draws:,} draws x {len(result.routes)} route rows and two "
        f"appraisals in {t_corridor:.2f} CPU s ({args.draws / t_corridor:,.0f} draws/s)"
    )
    print(f"results: {out}")
    print(f"ratio_to_construction={ratio:.3f}")


if __name__ == "__main__":
    main()
