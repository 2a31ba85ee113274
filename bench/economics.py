"""Benchmark: vectorised NPV and IRR over Monte Carlo draws against a per-draw brentq loop.

Inputs: 100,000 draws x 60 years of project cash flows built with
``beringia.core.economics`` (S-curve capex over a drawn construction time, ramped traffic
capped by capacity, variable and fixed opex with an Arctic factor, straight-line residual
value). The draws are synthetic (uniform ranges chosen for the benchmark, not sourced
figures): the point is the timing and the agreement, not the economics.

Timed: ``npv`` and ``irr`` on all draws (best of a few runs), and the plain way on a
2,000-draw subsample: one ``scipy.optimize.brentq`` per draw over the same bracket
``(-0.99, 100)``, NPV evaluated with NumPy per call. The loop's time is scaled per draw to
the full sample. Writes ``economics.json`` in the results directory (``bench/results/``
unless ``--results-dir``); the last line printed is ``ratio_vs_loop=<float>`` (loop seconds
per draw / ours). ``--quick``: 2,000 draws, 200 in the loop, one timing run each.
"""

from __future__ import annotations

import argparse
import math
import platform
import time
from typing import Any

import numpy as np
import scipy
from _common import add_common_options, results_path, write_results
from scipy.optimize import brentq

import beringia
from beringia.core.economics import (
    IRR_RATE_MAX,
    IRR_RATE_MIN,
    capex_profile,
    irr,
    npv,
    operating_cash_flows,
    operating_window,
    residual_value,
)

DRAWS = 100_000
YEARS = 60
LOOP_DRAWS = 2_000
SEED = 2025
RATE = 0.04
REPEAT = 3
#: --quick: draws, loop draws.
QUICK_DRAWS = (2_000, 200)


def cash_flows(n: int, years: int, seed: int) -> np.ndarray:
    """Synthetic project cash flows ``(n, years)`` in USD bn (ranges assumed for the bench)."""
    rng = np.random.default_rng(seed)
    cost = rng.uniform(8.0, 65.0, n)
    duration = rng.uniform(6.0, 15.0, n)
    capex = capex_profile(cost, duration, years, shape="s_curve")
    demand = rng.uniform(5e6, 4e7, n)  # t a year
    capacity = rng.uniform(2e7, 4e7, n)
    tariff = rng.uniform(40e-9, 120e-9, n)  # USD bn per t
    per_train_km = rng.uniform(20e-9, 60e-9, n)
    per_km_year = rng.uniform(0.5e-3, 2e-3, n)
    arctic = rng.uniform(1.2, 1.8, n)
    window = operating_window(
        duration, years, ramp_years=rng.uniform(3.0, 10.0, n), initial_share=0.1
    )
    ops = operating_cash_flows(
        window,
        demand=demand,
        capacity=capacity,
        tariff=tariff,
        variable_cost_per_unit=arctic * 110.0 * per_train_km / 3000.0,  # 110 km, 3,000 t a train
        fixed_cost_per_year=arctic * 110.0 * per_km_year,
    )
    resid = residual_value(
        cost, years - duration, 100.0, booked_year=years - 1, horizon_years=years
    )
    return ops.net - capex + resid


def best_of(fn: Any, repeat: int) -> tuple[float, Any]:
    """Return the best wall time of ``repeat`` calls and the last result."""
    best, out = math.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def irr_loop(cash: np.ndarray) -> np.ndarray:
    """IRR the plain way: one brentq per draw over the bracket the vectorised search uses."""
    times = np.arange(cash.shape[1], dtype=np.float64)
    out = np.full(cash.shape[0], np.nan)
    for i, row in enumerate(cash):

        def f(r: float, row: np.ndarray = row) -> float:
            return float(np.dot(row, (1.0 + r) ** -times))

        lo, hi = f(IRR_RATE_MIN), f(IRR_RATE_MAX)
        if lo * hi < 0:
            out[i] = brentq(f, IRR_RATE_MIN, IRR_RATE_MAX, xtol=1e-14, rtol=1e-14)
    return out


def main() -> None:
    """Run the benchmark and print its figures."""
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--draws", type=int, default=DRAWS)
    ap.add_argument("--years", type=int, default=YEARS)
    ap.add_argument("--loop-draws", type=int, default=LOOP_DRAWS)
    ap.add_argument("--seed", type=int, default=SEED)
    add_common_options(ap)
    args = ap.parse_args()
    if args.quick:
        args.draws, args.loop_draws = QUICK_DRAWS
    repeat = 1 if args.quick else REPEAT
    out = results_path(args, "economics")
    t_start = time.perf_counter()
    t0 = time.perf_counter()
    cash = cash_flows(args.draws, args.years, args.seed)
    t_build = time.perf_counter() - t0

    irr(cash[:1000])  # warm-up
    t_npv, values = best_of(lambda: npv(cash, RATE), repeat)
    t_irr, rates = best_of(lambda: irr(cash), repeat)

    sub = cash[: args.loop_draws]
    t0 = time.perf_counter()
    loop = irr_loop(sub)
    t_loop = time.perf_counter() - t0
    per_draw_loop = t_loop / sub.shape[0]
    per_draw_ours = t_irr / cash.shape[0]
    ratio = per_draw_loop / per_draw_ours

    ours_sub = rates[: sub.shape[0]]
    same_nan = bool(np.array_equal(np.isnan(ours_sub), np.isnan(loop)))
    both = np.isfinite(ours_sub) & np.isfinite(loop)
    max_diff = float(np.max(np.abs(ours_sub[both] - loop[both]))) if both.any() else 0.0
    finite = np.isfinite(rates)
    q = np.percentile(rates[finite], [5, 50, 95]) if finite.any() else [math.nan] * 3
    figures = {
        "benchmark": "economics",
        "inputs": "synthetic cash flows (assumed ranges, see bench/economics.py)",
        "draws": args.draws,
        "years": args.years,
        "loop_draws": int(sub.shape[0]),
        "seconds_build_cash_flows": round(t_build, 4),
        "seconds_npv": round(t_npv, 5),
        "seconds_irr": round(t_irr, 4),
        "seconds_irr_loop_subsample": round(t_loop, 3),
        "seconds_irr_loop_scaled_to_all_draws": round(per_draw_loop * args.draws, 2),
        "ratio_vs_loop": round(ratio, 1),
        "irr_nan_share": float(1.0 - finite.mean()),
        "irr_p5_p50_p95": [float(x) for x in q],
        "npv_mean_usd_bn": float(values.mean()),
        "subsample_same_nan": same_nan,
        "subsample_max_abs_irr_diff": max_diff,
        "total_seconds": round(time.perf_counter() - t_start, 1),
        "beringia_version": beringia.__version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "machine": platform.machine(),
    }
    write_results(out, figures, quick=args.quick)
    print(f"inputs: {args.draws:,} draws x {args.years} years (built in {t_build:.2f} s)")
    print(f"npv: {t_npv * 1e3:.1f} ms for all draws")
    print(f"irr: {t_irr:.3f} s for all draws ({1.0 - finite.mean():.1%} NaN: no sign change)")
    print(
        f"brentq loop: {t_loop:.2f} s for {sub.shape[0]:,} draws, "
        f"{per_draw_loop * args.draws:.1f} s scaled to {args.draws:,}"
    )
    print(f"agreement on the subsample: same NaNs {same_nan}, max |diff| {max_diff:.2e}")
    print(f"results: {out}")
    assert same_nan, "the vectorised IRR and the loop disagree on which draws have a root"
    assert max_diff < 1e-9, f"IRR differs from brentq by {max_diff}"
    print(f"ratio_vs_loop={ratio:.1f}")


if __name__ == "__main__":
    main()
