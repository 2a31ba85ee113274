"""Benchmark: simulated years of tunnel operations, plain SimPy against beringia's model.

Definitions (issue 16):

* ``ratio_vs_simpy`` (judged): SimPy CPU seconds per simulated year, the *lean* peer, over
  ours (``simulate_years``), both with their sampling; the median over
  :data:`_common.ROUNDS` rounds of the per-round ratio, the sides alternated in one process.
* ``ratio_vs_simpy_heavy``: the same against the heavy peer (second line).

The SimPy peers below are the same model as ``beringia.core.operations`` (its module
docstring is the specification). Both share the signals: a maintenance process takes a
bore every night, an incident process closes the tunnel at the events drawn for the year,
and every degraded interval (a night's possession, the period after an incident) runs its
own single-bore cycle from its start. They differ in the trains:

* lean (:func:`simpy_year_lean`), as a competent SimPy user writes it: one process per
  direction walks that direction's trains in order of arrival (timetabled time plus entry
  delay), waits for the arrival, the headway to the train ahead and the entry signal;
* heavy (:func:`simpy_year`), the most common style: a source process per direction
  starts a process per train, which waits its entry delay and queues for its portal (a
  ``simpy.Resource`` of capacity 1, FIFO), then keeps the headway and waits for the signal.

Both are fed the same draws in a round and must give identical trains run and availability
year by year (checked in the same run). Random numbers are drawn the plain way, one call per
train or event, from a NumPy generator.

Two further comparisons, over the same inputs (:func:`bench_inputs`: the compiled operations
of the built-in scenario):

* independent: SimPy with its own random numbers against ``simulate_years`` over many more
  years; mean annual throughput and availability with their Monte Carlo standard errors;
* common draws: the vectorised core (``run_years``) fed the very draws the SimPy years used;
  the two then agree year by year, so their difference has no Monte Carlo error at all.

Writes ``operations.json`` in the results directory (``bench/results/`` unless
``--results-dir``); the last line printed is ``ratio_vs_simpy=<float>``.

``--quick`` runs one round of 1 SimPy year, 20 signal-only years and 40 of ours: enough to
exercise every path and to check the common-draw agreement (which has no Monte Carlo error),
too few for the independent comparison, whose 2 % check is then reported but not enforced.
"""

from __future__ import annotations

import argparse
import math
import platform
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import simpy
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
from beringia.core.distributions import DistSpec, ppf
from beringia.core.operations import (
    DAY_S,
    Disruptions,
    OperationsInputs,
    disruption_types,
    run_years,
    simulate_years,
    year_timetable,
)
from beringia.core.traindynamics import running_profile
from beringia.models.alignment import alignment_for
from beringia.models.operations import compile_operations, train_spec, tunnel_track

SIMPY_YEARS = 5
"""SimPy years per round (each peer)."""
SIGNAL_YEARS = 800
OUR_YEARS = 400
"""Our years per round."""
#: --quick: SimPy years, signal-only years, our years (one round).
QUICK_YEARS = (1, 20, 40)
SEED = 2025
TOLERANCE = 0.02


# --------------------------------------------------------------------------- inputs


def bench_inputs(scenario: str = "bering-strait") -> OperationsInputs:
    """The compiled year-simulation inputs of a built-in scenario (the default one)."""
    sc = beringia.load_scenario(scenario)
    return compile_operations(sc, alignment_for(sc)).inputs


def time_running(scenario: str, repeat: int = 3) -> dict[str, Any]:
    """Time the running-time profiles (every type, both directions) and the headway matrix."""
    sc = beringia.load_scenario(scenario)
    al = alignment_for(sc)
    ops = sc.operations
    assert ops is not None
    track = tunnel_track(sc, al, ops)
    specs = [train_spec(ops.train(t.train)) for t in ops.traffic]
    best_profiles, best_all = math.inf, math.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        for tr in (track, track.reversed()):
            for spec in specs:
                running_profile(spec, tr, allowance_pct=ops.allowance_pct, start_speed_kmh=None)
        best_profiles = min(best_profiles, time.perf_counter() - t0)
        t0 = time.perf_counter()
        compile_operations(sc, al)
        best_all = min(best_all, time.perf_counter() - t0)
    n = 2 * len(specs)
    return {
        "grid_points": int(track.position_m.size),
        "length_km": float(track.position_m[-1]) / 1000.0,
        "profiles": n,
        "seconds_per_profile": best_profiles / n,
        "seconds_profiles_headways_capacity": best_all,
    }


# --------------------------------------------------------------------------- SimPy peer


@dataclass
class YearDraws:
    """Random draws of one year: entry delays per direction (timetable order), events."""

    delays: list[np.ndarray]
    events: list[tuple[float, ...]]  # (time_s, closure_s, degraded_s, kind)


def draw(spec: DistSpec, rng: np.random.Generator) -> float:
    """One draw of a distribution, with NumPy's own samplers where it has one."""
    p = spec.params
    if spec.kind == "fixed":
        return p[0]
    if spec.kind == "uniform":
        return float(rng.uniform(p[0], p[1]))
    if spec.kind == "triangular":
        return float(rng.triangular(p[0], p[1], p[2])) if p[2] > p[0] else p[0]
    if spec.kind == "lognormal":
        return float(rng.lognormal(math.log(p[0]), math.log(p[1])))
    return float(ppf(spec, np.array([rng.random()]))[0])


def sample_events(inp: OperationsInputs, rng: np.random.Generator) -> list[tuple[float, ...]]:
    """Draw a year's disruptions: each type a Poisson process (exponential gaps)."""
    events = []
    for kind, (_, rate, closure_h, degraded_d) in enumerate(disruption_types(inp)):
        if rate <= 0:
            continue
        t = rng.exponential(inp.year_s / rate)
        while t < inp.year_s:
            closure = max(draw(closure_h, rng), 0.0) * 3600.0
            degraded = max(draw(degraded_d, rng), 0.0) * DAY_S
            events.append((t, closure, degraded, kind))
            t += rng.exponential(inp.year_s / rate)
    return sorted(events)


def sample_year(inp: OperationsInputs, rng: np.random.Generator) -> YearDraws:
    """Draw a year: an exponential entry delay per train, then the disruptions."""
    delays = []
    for d in (0, 1):
        types, _ = year_timetable(inp, d)
        delays.append(np.array([rng.exponential(inp.entry_delay_mean_s[k]) for k in types]))
    return YearDraws(delays, sample_events(inp, rng))


class Tunnel:
    """Entry signals of the two directions, and the time each was open."""

    def __init__(self, env: simpy.Environment, year_s: float) -> None:
        self.env = env
        self.year_s = year_s
        self.closures = 0  # closures in force
        self.red = [0, 0]  # degraded intervals holding each direction's signal at red
        self.opened = [env.event(), env.event()]
        self.open_s = [0.0, 0.0]
        self._was_open = [True, True]
        self._since = 0.0

    def is_open(self, d: int) -> bool:
        """Whether direction ``d`` may enter now."""
        return self.closures == 0 and self.red[d] == 0

    def changed(self) -> None:
        """Book the open time so far and wake the trains waiting for a signal that opened."""
        now = min(self.env.now, self.year_s)
        for d in (0, 1):
            if self._was_open[d]:
                self.open_s[d] += now - self._since
            self._was_open[d] = self.is_open(d)
            if self._was_open[d]:
                self.opened[d].succeed()
                self.opened[d] = self.env.event()
        self._since = now


def start_signals(
    env: simpy.Environment, tunnel: Tunnel, inp: OperationsInputs, draws: YearDraws
) -> None:
    """Start the processes that set the entry signals: maintenance and incidents.

    Both SimPy peers share them; they differ only in how trains wait for the signals.
    """
    green, switch = inp.single_bore_green_s, inp.switch_s

    def single_bore(length: float) -> Any:
        """One degraded interval: single-bore cycles from now, greens stop a switch early."""
        end = env.now + length
        stop = end - switch
        held = [False, False]

        def hold(red0: bool, red1: bool) -> None:
            for d, r in enumerate((red0, red1)):
                tunnel.red[d] += int(r) - int(held[d])
                held[d] = r
            tunnel.changed()

        while env.now < stop:
            for phase, span in ((0, green), (None, switch), (1, green), (None, switch)):
                if env.now >= stop:
                    break
                hold(phase != 0, phase != 1)
                yield env.timeout(min(span, stop - env.now))
        hold(True, True)  # the last switch: the shared bore clears
        yield env.timeout(max(end - env.now, 0.0))
        hold(False, False)

    def maintenance() -> Any:
        for day in range(inp.days_per_year):
            yield env.timeout(day * DAY_S + inp.possession_start_h * 3600.0 - env.now)
            env.process(single_bore(inp.possession_hours * 3600.0))

    def disruption(closure_s: float, degraded_s: float) -> Any:
        if closure_s > 0:
            tunnel.closures += 1
            tunnel.changed()
            yield env.timeout(closure_s)
            tunnel.closures -= 1
            tunnel.changed()
        if degraded_s > 0:
            env.process(single_bore(degraded_s))

    def incidents() -> Any:
        for t, closure_s, degraded_s, _ in draws.events:
            yield env.timeout(t - env.now)
            env.process(disruption(closure_s, degraded_s))

    if inp.possession_hours > 0:
        env.process(maintenance())
    env.process(incidents())


def simpy_year(inp: OperationsInputs, draws: YearDraws, *, trains: bool = True) -> dict[str, Any]:
    """Simulate one year in SimPy; return trains run per direction and type, availability.

    With ``trains=False`` only the signals run (maintenance, incidents, single-bore cycle):
    the availability is the same, at a fraction of the cost.
    """
    env = simpy.Environment()
    tunnel = Tunnel(env, inp.year_s)
    portal = [simpy.Resource(env, capacity=1), simpy.Resource(env, capacity=1)]
    last: list[tuple[float, int | None]] = [(-math.inf, None), (-math.inf, None)]
    ran = np.zeros((2, len(inp.train_types)), dtype=np.int64)
    delay_s = [0.0] * len(inp.train_types)

    def train(d: int, k: int, sched: float, delay: float) -> Any:
        yield env.timeout(delay)
        with portal[d].request() as req:
            yield req
            prev_t, prev_k = last[d]
            if prev_k is not None:
                wait = prev_t + inp.headway_s[prev_k][k] - env.now
                if wait > 0:
                    yield env.timeout(wait)
            while not tunnel.is_open(d):
                yield tunnel.opened[d]
            last[d] = (env.now, k)
            ran[d, k] += 1
            delay_s[k] += env.now - sched

    def source(d: int) -> Any:
        types, sched = year_timetable(inp, d)
        for k, t, x in zip(types.tolist(), sched.tolist(), draws.delays[d].tolist(), strict=True):
            yield env.timeout(t - env.now)
            env.process(train(d, k, t, x))

    start_signals(env, tunnel, inp, draws)
    if trains:
        env.process(source(0))
        env.process(source(1))
    env.run(until=inp.year_s)
    tunnel.changed()
    return {
        "trains_run": ran,
        "availability": (tunnel.open_s[0] + tunnel.open_s[1]) / (2.0 * inp.year_s),
        "delay_s": delay_s,
    }


def simpy_year_lean(inp: OperationsInputs, draws: YearDraws) -> dict[str, Any]:
    """Simulate one year in SimPy, the lean way: one process per direction walks its trains.

    A portal is FIFO, so trains enter in order of arrival (timetabled time plus entry
    delay): each direction's process takes them in that order, waits for the arrival, the
    headway to the train ahead and the entry signal. The signals run as in
    :func:`simpy_year`.
    """
    env = simpy.Environment()
    tunnel = Tunnel(env, inp.year_s)
    ran = np.zeros((2, len(inp.train_types)), dtype=np.int64)
    delay_s = [0.0] * len(inp.train_types)
    headway = inp.headway_s

    def direction(d: int) -> Any:
        types, sched = year_timetable(inp, d)
        arrival = sched + draws.delays[d]
        order = np.argsort(arrival, kind="stable")
        prev_t, prev_k = -math.inf, None
        for k, t, a in zip(
            types[order].tolist(), sched[order].tolist(), arrival[order].tolist(), strict=True
        ):
            if a > env.now:
                yield env.timeout(a - env.now)
            if prev_k is not None:
                wait = prev_t + headway[prev_k][k] - env.now
                if wait > 0:
                    yield env.timeout(wait)
            while not tunnel.is_open(d):
                yield tunnel.opened[d]
            prev_t, prev_k = env.now, k
            ran[d, k] += 1
            delay_s[k] += env.now - t

    start_signals(env, tunnel, inp, draws)
    env.process(direction(0))
    env.process(direction(1))
    env.run(until=inp.year_s)
    tunnel.changed()
    return {
        "trains_run": ran,
        "availability": (tunnel.open_s[0] + tunnel.open_s[1]) / (2.0 * inp.year_s),
        "delay_s": delay_s,
    }


def simpy_years(
    inp: OperationsInputs, seed: int, years: int, year_fn: Any
) -> tuple[list[YearDraws], list[dict[str, Any]]]:
    """Sample and simulate ``years`` SimPy years with ``year_fn`` from ``default_rng(seed)``."""
    rng = np.random.default_rng(seed)
    draws, out = [], []
    for _ in range(years):
        draws.append(sample_year(inp, rng))
        out.append(year_fn(inp, draws[-1]))
    return draws, out


def as_arrays(inp: OperationsInputs, years: list[YearDraws]) -> tuple[np.ndarray, Disruptions]:
    """The draws of SimPy years in the layout of ``run_years``."""
    delays = np.stack([np.concatenate(y.delays) for y in years])
    width = max((len(y.events) for y in years), default=0)
    start = np.full((len(years), width), np.inf)
    closure = np.zeros((len(years), width))
    degraded = np.zeros((len(years), width))
    kind = np.full((len(years), width), -1, dtype=np.int64)
    for i, y in enumerate(years):
        for j, (t, c, g, k) in enumerate(y.events):
            start[i, j], closure[i, j], degraded[i, j], kind[i, j] = t, c, g, int(k)
    return delays, Disruptions(start, closure, degraded, kind)


# --------------------------------------------------------------------------- comparison


def compare(a: np.ndarray, b: np.ndarray) -> dict[str, float]:
    """Means of a (SimPy) and b (ours), their relative difference and its standard error.

    The standard error uses the pooled standard deviation: if the models agree, both
    samples come from one distribution, and the larger sample sees its rare bad years
    (a few SimPy years may see none and understate the spread).
    """
    ma, mb = float(a.mean()), float(b.mean())
    pooled = np.concatenate([a - ma, b - mb])
    sd = float(np.sqrt(np.sum(pooled**2) / max(pooled.size - 2, 1)))
    return {
        "simpy_mean": ma,
        "ours_mean": mb,
        "simpy_years": int(a.size),
        "our_years": int(b.size),
        "rel_diff": (mb - ma) / ma,
        "rel_se_of_diff": sd * math.sqrt(1.0 / a.size + 1.0 / b.size) / ma,
    }


def main() -> None:
    """Run the benchmark and print its figures."""
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--simpy-years", type=int, default=SIMPY_YEARS, help="full SimPy years")
    ap.add_argument(
        "--signal-years", type=int, default=SIGNAL_YEARS, help="SimPy years without trains"
    )
    ap.add_argument("--years", type=int, default=OUR_YEARS, help="years of beringia's model")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--scenario", default="bering-strait", help="built-in scenario")
    add_common_options(ap)
    args = ap.parse_args()
    if args.quick:
        args.simpy_years, args.signal_years, args.years = QUICK_YEARS
    out = results_path(args, "operations")
    inp = bench_inputs(args.scenario)
    running = time_running(args.scenario, repeat=1 if args.quick else 3)
    demanded = int(inp.trains_per_year.sum())
    t_start = time.perf_counter()

    # 1. Timed rounds: lean SimPy, heavy SimPy (same draws) and ours, alternated.
    rounds = 1 if args.quick else ROUNDS
    draws: list[YearDraws] = []
    peer: list[dict[str, Any]] = []
    heavy_equal = 0
    simulate_years(inp, args.seed, 20)  # warm-up: also compiles (or loads) the numba kernel
    cpu: dict[str, list[float]] = {"lean": [], "heavy": [], "ours": []}
    wall: dict[str, list[float]] = {"lean": [], "heavy": [], "ours": []}
    ours_rounds = []
    for r in range(rounds):
        sides = {
            "lean": lambda r=r: simpy_years(inp, args.seed + r, args.simpy_years, simpy_year_lean),
            "heavy": lambda r=r: simpy_years(inp, args.seed + r, args.simpy_years, simpy_year),
            "ours": lambda r=r: simulate_years(inp, args.seed, args.years, block=r),
        }
        order = list(sides) if r % 2 == 0 else list(sides)[::-1]  # alternate who goes first
        c, w, last = alternated_rounds({k: sides[k] for k in order}, 1)
        for k in cpu:
            cpu[k].append(c[k][0])
            wall[k].append(w[k][0])
        lean_draws, lean_years = last["lean"]
        _, heavy_years = last["heavy"]
        for a_, b_ in zip(lean_years, heavy_years, strict=True):
            heavy_equal += bool(
                np.array_equal(a_["trains_run"], b_["trains_run"])
                and a_["availability"] == b_["availability"]
            )
        draws += lean_draws
        peer += lean_years
        ours_rounds.append(last["ours"])
    per_year = {
        k: [t / (args.years if k == "ours" else args.simpy_years) for t in cpu[k]] for k in cpu
    }
    t_simpy = median(per_year["lean"])
    t_heavy = median(per_year["heavy"])
    t_ours = median(per_year["ours"])
    ratio = median_ratio(per_year["lean"], per_year["ours"])
    ratio_heavy = median_ratio(per_year["heavy"], per_year["ours"])
    o_run_all = np.concatenate([o.trains_run.sum(axis=(1, 2)) for o in ours_rounds])
    o_av_all = np.concatenate([o.availability for o in ours_rounds])
    # 2. SimPy, signals only, for the availability over many more years.
    rng_a = np.random.default_rng(args.seed + 1)
    p_av_many = np.array(
        [
            simpy_year(inp, YearDraws([], sample_events(inp, rng_a)), trains=False)["availability"]
            for _ in range(args.signal_years)
        ]
    )
    p_run = np.array([p["trains_run"].sum() for p in peer], dtype=np.float64)
    p_av = np.array([p["availability"] for p in peer])
    indep = {
        "throughput": compare(p_run, o_run_all.astype(np.float64)),
        "availability": compare(p_av_many, o_av_all),
    }
    # 4. Common draws: the vectorised core on the SimPy years' own draws.
    delays, disr = as_arrays(inp, draws)
    same = run_years(inp, delays, disr)
    s_run = same.trains_run.sum(axis=(1, 2)).astype(np.float64)
    identical = sum(
        np.array_equal(same.trains_run[i], peer[i]["trains_run"]) for i in range(len(peer))
    )
    common = {
        "years": len(peer),
        "throughput_rel_diff": float((s_run.sum() - p_run.sum()) / p_run.sum()),
        "availability_rel_diff": float((same.availability.mean() - p_av.mean()) / p_av.mean()),
        "max_abs_trains_diff_in_a_year": int(np.abs(s_run - p_run).max()),
        "max_abs_availability_diff_in_a_year": float(np.abs(same.availability - p_av).max()),
        "years_with_identical_trains_run": int(identical),
    }
    ok_common = all(
        abs(common[k]) < TOLERANCE for k in ("throughput_rel_diff", "availability_rel_diff")
    )
    ok_indep = all(abs(v["rel_diff"]) < TOLERANCE for v in indep.values())
    precise = all(v["rel_se_of_diff"] < TOLERANCE / 3 for v in indep.values())
    figures = {
        "benchmark": "operations",
        "inputs": f"compiled operations of the built-in scenario {args.scenario}",
        "running_time": running,
        "trains_demanded_per_year": demanded,
        "simpy_years": args.simpy_years,
        "simpy_signal_only_years": args.signal_years,
        "our_years": args.years,
        "rounds": rounds,
        "seconds_are": "median CPU seconds per simulated year over the rounds",
        "simpy_seconds_per_year": round(t_simpy, 5),
        "simpy_heavy_seconds_per_year": round(t_heavy, 5),
        "our_seconds_per_year": round(t_ours, 6),
        "wall_seconds_per_year": {
            k: round(median(wall[k]) / (args.years if k == "ours" else args.simpy_years), 6)
            for k in wall
        },
        "ratio_vs_simpy": round(ratio, 2),
        "ratio_vs_simpy_rounds": [
            round(a / b, 2) for a, b in zip(per_year["lean"], per_year["ours"], strict=True)
        ],
        "ratio_vs_simpy_heavy": round(ratio_heavy, 2),
        "simpy_lean_equals_heavy_years": heavy_equal,
        "independent": indep,
        "common_draws": common,
        "agree_within_2pct_common_draws": ok_common,
        "agree_within_2pct_independent": ok_indep,
        "independent_se_below_two_thirds_pct": precise,
        "total_seconds": round(time.perf_counter() - t_start, 1),
        "beringia_version": beringia.__version__,
        "simpy": simpy.__version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "machine": platform.machine(),
    }
    write_results(out, figures, quick=args.quick)
    print(f"inputs: {demanded:,} trains timetabled a year, {inp.length_km:.2f} km bore")
    print(
        f"running time over the alignment ({running['grid_points']:,} points): "
        f"{running['seconds_per_profile'] * 1e3:.1f} ms per profile; profiles, headway "
        f"matrix and capacity {running['seconds_profiles_headways_capacity']:.3f} s"
    )
    print(
        f"SimPy lean: {t_simpy:.3f} CPU s per year; heavy: {t_heavy:.3f} (median of "
        f"{rounds} rounds of {args.simpy_years} years); identical results in "
        f"{heavy_equal}/{len(peer)} years"
    )
    print(f"beringia: {args.years:,} years a round, {t_ours * 1e3:.2f} CPU ms per year")
    print(f"ratio_vs_simpy_heavy={ratio_heavy:.2f}")
    for name, v in indep.items():
        print(
            f"independent draws, {name}: SimPy {v['simpy_mean']:,.4f} ({v['simpy_years']} "
            f"years) vs ours {v['ours_mean']:,.4f} ({v['our_years']} years): "
            f"{v['rel_diff']:+.2%}, standard error {v['rel_se_of_diff']:.2%}"
        )
    print(
        f"common draws ({len(peer)} years): throughput {common['throughput_rel_diff']:+.4%}, "
        f"availability {common['availability_rel_diff']:+.4%}; identical trains run per "
        f"direction and type in {identical}/{len(peer)} years"
    )
    if not precise:
        print("note: a Monte Carlo standard error is not well below 2 %: add years")
    print(f"results: {out}")
    assert heavy_equal == len(peer), "the lean and heavy SimPy peers disagree"
    assert ok_common, f"common-draw means differ by {TOLERANCE:.0%} or more: {common}"
    assert ok_indep or args.quick, f"independent means differ by {TOLERANCE:.0%} or more: {indep}"
    print(f"ratio_vs_simpy={ratio:.2f}")


if __name__ == "__main__":
    main()
