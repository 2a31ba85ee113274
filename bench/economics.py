"""Benchmark: vectorised NPV and IRR over Monte Carlo draws against two plain peers.

Inputs: 100,000 draws x 60 years of project cash flows built with
``beringia.core.economics`` (S-curve capex over a drawn construction time, ramped traffic
capped by capacity, variable and fixed opex with an Arctic factor, straight-line residual
value). The draws are synthetic (uniform ranges chosen for the benchmark, not sourced
figures): the point is the timing and the agreement, not the economics.

Definitions (issue 16): every ratio is the median over :data:`_common.ROUNDS` rounds, the
sides alternated in one process, of the per-round ratio of CPU seconds per draw.

* ``ratio_vs_loop`` (judged): one ``scipy.optimize.brentq`` per draw over the same bracket
  ``(-0.99, 100)``, NPV evaluated with NumPy per call, on a 2,000-draw subsample, against
  ``irr`` on all draws.
* ``ratio_vs_numpy_newton``: a vectorised Newton written plainly in NumPy (every draw from
  ``r = 0``, all draws stepped together until every step is below 1e-12 or 100 steps),
  on all draws, against ``irr``. Plain Newton has no bracket: the draws where it fails or
  finds another root than ``irr`` are counted and reported.

Writes ``economics.json`` in the results directory (``bench/results/`` unless
``--results-dir``); the last line printed is ``ratio_vs_loop=<float>``. ``--quick``: 2,000
draws, 200 in the loop, one round.
"""

from __future__ import annotations

import argparse
import math
import platform
import time

import numpy as np
import scipy
from _common import (
    ROUNDS,
    add_common_options,
    alternated_rounds,
    median,
    median_ratio,
    results_path,
    write_results,
)
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
NEWTON_START = 0.0
NEWTON_STEPS = 100
NEWTON_TOL = 1e-12
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


def irr_numpy_newton(cash: np.ndarray) -> np.ndarray:
    """IRR by a plain vectorised Newton in NumPy: every draw from the same start, together.

    NaN where it has not converged, or left the domain ``r > -1``.
    """
    times = np.arange(cash.shape[1], dtype=np.float64)
    r = np.full(cash.shape[0], NEWTON_START)
    ok = np.zeros(cash.shape[0], dtype=bool)
    with np.errstate(all="ignore"):
        for _ in range(NEWTON_STEPS):
            disc = np.exp(-np.log1p(r)[:, None] * times)
            f = (cash * disc).sum(axis=1)
            df = -(cash * times * disc).sum(axis=1) / (1.0 + r)
            step = f / df
            r = r - step
            ok = np.abs(step) <= NEWTON_TOL * np.maximum(1.0, np.abs(r))
            if ok.all() or not np.isfinite(r).any():
                break
    return np.where(ok & (r > -1.0), r, np.nan)


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
    out = results_path(args, "economics")
    t_start = time.perf_counter()
    t0 = time.perf_counter()
    cash = cash_flows(args.draws, args.years, args.seed)
    t_build = time.perf_counter() - t0

    irr(cash[:1000])  # warm-up
    t_npv = min(alternated_rounds({"npv": lambda: npv(cash, RATE)}, 3)[0]["npv"])
    values = npv(cash, RATE)
    sub = cash[: args.loop_draws]
    rounds = 1 if args.quick else ROUNDS
    cpu, wall, last = alternated_rounds(
        {
            "irr": lambda: irr(cash),
            "newton": lambda: irr_numpy_newton(cash),
            "loop": lambda: irr_loop(sub),
        },
        rounds,
    )
    rates, newton, loop = last["irr"], last["newton"], last["loop"]
    per = {
        "irr": [t / args.draws for t in cpu["irr"]],
        "newton": [t / args.draws for t in cpu["newton"]],
        "loop": [t / sub.shape[0] for t in cpu["loop"]],
    }
    t_irr = median(cpu["irr"])
    t_loop = median(cpu["loop"])
    t_newton = median(cpu["newton"])
    per_draw_loop = median(per["loop"])
    ratio = median_ratio(per["loop"], per["irr"])
    ratio_newton = median_ratio(per["newton"], per["irr"])
    both_n = np.isfinite(rates) & np.isfinite(newton)
    newton_agree = both_n & (np.abs(rates - newton) < 1e-9)
    newton_failed = np.isfinite(rates) & ~np.isfinite(newton)

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
        "rounds": rounds,
        "seconds_are": "median CPU seconds over the rounds",
        "seconds_npv": round(t_npv, 5),
        "seconds_irr": round(t_irr, 4),
        "microseconds_per_draw_irr": round(t_irr / args.draws * 1e6, 3),
        "draws_per_second_irr": round(args.draws / t_irr, 1),
        "seconds_irr_loop_subsample": round(t_loop, 3),
        "seconds_irr_loop_scaled_to_all_draws": round(per_draw_loop * args.draws, 2),
        "ratio_vs_loop": round(ratio, 1),
        "ratio_vs_loop_rounds": [
            round(a / b, 2) for a, b in zip(per["loop"], per["irr"], strict=True)
        ],
        "seconds_numpy_newton": round(t_newton, 4),
        "ratio_vs_numpy_newton": round(ratio_newton, 2),
        "numpy_newton_agree_share": float(newton_agree.sum() / max(np.isfinite(rates).sum(), 1)),
        "numpy_newton_failed_share": float(newton_failed.sum() / args.draws),
        "wall_seconds": {k: round(median(v), 4) for k, v in wall.items()},
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
    print(
        f"irr: {t_irr:.3f} CPU s for all draws, {t_irr / args.draws * 1e6:.2f} us/draw "
        f"({1.0 - finite.mean():.1%} NaN: no sign change)"
    )
    print(
        f"brentq loop: {t_loop:.2f} s for {sub.shape[0]:,} draws, "
        f"{per_draw_loop * args.draws:.1f} s scaled to {args.draws:,}"
    )
    print(
        f"plain NumPy Newton: {t_newton:.3f} s for all draws, ratio {ratio_newton:.2f}; "
        f"agrees within 1e-9 on {newton_agree.sum():,} draws, fails on {newton_failed.sum():,}"
    )
    print(f"ratio_vs_numpy_newton={ratio_newton:.2f}")
    print(f"agreement on the subsample: same NaNs {same_nan}, max |diff| {max_diff:.2e}")
    print(f"results: {out}")
    assert same_nan, "the vectorised IRR and the loop disagree on which draws have a root"
    assert max_diff < 1e-9, f"IRR differs from brentq by {max_diff}"
    print(f"ratio_vs_loop={ratio:.1f}")


if __name__ == "__main__":
    main()
