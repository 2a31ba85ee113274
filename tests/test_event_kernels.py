"""The compiled rare-event bookkeeping against its NumPy twin (the oracle), bit for bit."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import beringia.core.events as ev
from beringia.core.construction import simulate_block
from beringia.core.distributions import DistSpec
from beringia.core.event_kernels import event_kernel
from beringia.core.events import EventIn, EventRates, event_rates, poisson_ppf
from beringia.core.geology import Ground, Zone, sample_ground
from beringia.core.rng import VariateCounter, stream
from beringia.models.alignment import alignment_for
from beringia.models.construction.compile import compile_construction
from beringia.scenario import load_scenario

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _streams(seed: int) -> Any:
    def streams(key: str) -> np.random.Generator:
        return stream(seed, "construction", 0, key)

    return streams


def _both(
    events: tuple[EventIn, ...], ground: Ground, rates: EventRates | None, seed: int
) -> tuple[tuple[np.ndarray, np.ndarray, dict[str, int]], ...]:
    """Run the compiled and the NumPy bookkeeping on the same input: time, cost, counter."""
    out = []
    for fn in (ev._add_events_compiled, ev._add_events_numpy):
        run_time = np.random.default_rng(seed).uniform(0.0, 50.0, ground.length.shape)
        counter = VariateCounter()
        cost = fn(events, ground, "b", rates, run_time, _streams(seed), counter)
        out.append((run_time, cost, dict(vars(counter))))
    return tuple(out)


def _assert_same(events: tuple[EventIn, ...], ground: Ground, rates: Any, seed: int) -> None:
    (t_fast, c_fast, n_fast), (t_slow, c_slow, n_slow) = _both(events, ground, rates, seed)
    assert np.array_equal(t_fast, t_slow)
    assert np.array_equal(c_fast, c_slow)
    assert n_fast == n_slow


# --------------------------------------------------------------------------- real blocks


@pytest.fixture(scope="module")
def bering() -> Any:
    scenario = load_scenario("bering-strait")
    return compile_construction(scenario, alignment_for(scenario))


@pytest.mark.parametrize("block", [0, 3])
def test_bering_strait_block_is_the_numpy_twins_bit_for_bit(
    bering: Any, block: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = simulate_block(bering, 2025, block, 512)
    monkeypatch.setattr(ev, "COMPILED", False)
    slow = simulate_block(bering, 2025, block, 512)
    assert bering.events  # the scenario has rare events: the test compares something
    for f in dataclasses.fields(fast):
        a, b = getattr(fast, f.name), getattr(slow, f.name)
        if isinstance(a, np.ndarray):
            assert np.array_equal(a, b, equal_nan=True), f.name
        elif isinstance(a, dict):
            assert a.keys() == b.keys(), f.name
            for k in a:
                assert np.array_equal(a[k], b[k], equal_nan=True), (f.name, k)
        else:
            assert a == b, f.name


def test_bering_strait_add_events_is_the_numpy_twins(
    bering: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[Any, ...]] = []
    real = ev._add_events_compiled

    def spy(*args: Any) -> Any:
        calls.append((*args[:4], args[4].copy(), *args[5:]))
        return real(*args)

    monkeypatch.setattr(ev, "_add_events_compiled", spy)
    simulate_block(bering, 7, 1, 1024)
    assert len(calls) == len(bering.bores)
    for events, ground, bore, rates, run_time, streams, _ in calls:
        got = []
        for fn in (real, ev._add_events_numpy):
            rt, counter = run_time.copy(), VariateCounter()
            cost = fn(events, ground, bore, rates, rt, streams, counter)
            got.append((rt, cost, vars(counter)))
        assert np.array_equal(got[0][0], got[1][0])
        assert np.array_equal(got[0][1], got[1][1])
        assert got[0][2] == got[1][2]
        assert np.count_nonzero(got[0][1]) > 0  # events happened


# --------------------------------------------------------------------------- generated inputs


def _lognormal(draw: st.DrawFn) -> DistSpec:
    return DistSpec("lognormal", (draw(st.floats(0.1, 100.0)), draw(st.floats(1.05, 4.0))))


@st.composite
def cases(draw: st.DrawFn) -> tuple[tuple[EventIn, ...], Ground, EventRates | None, int]:
    seed = draw(st.integers(0, 2**32 - 1))
    n = draw(st.integers(1, 160))
    n_zones = draw(st.integers(1, 3))
    classes = draw(st.integers(1, 3))
    edges = np.cumsum([0.0] + [draw(st.floats(500.0, 20_000.0)) for _ in range(n_zones)])
    zones = tuple(
        Zone(
            f"z{z}",
            float(edges[z]),
            float(edges[z + 1]),
            tuple([1.0 / classes] * classes),
            tuple(draw(st.floats(20.0, 3000.0)) for _ in range(classes)),
        )
        for z in range(n_zones)
    )
    ground = sample_ground(zones, _streams(seed), n)
    types = draw(st.integers(1, 4))
    mixed = draw(st.booleans())  # per-type inverse CDFs instead of the log-normal pass
    rate = st.one_of(st.just(0.0), st.floats(0.0, 0.05), st.floats(0.0, 200.0))
    events = tuple(
        EventIn(
            f"e{t}",
            tuple(draw(rate) for _ in range(classes)),
            f"m{t}",
            DistSpec("uniform", (1.0, 9.0)) if mixed and t == 0 else _lognormal(draw),
            _lognormal(draw),
            tuple(draw(st.floats(0.0, 5.0)) for _ in range(n_zones)) if draw(st.booleans()) else (),
        )
        for t in range(types)
    )
    x = {f"m{t}": np.random.default_rng(seed + t).uniform(0.0, 3.0, n) for t in range(types)}
    rates = event_rates(events, ground, x) if draw(st.integers(0, 9)) else None
    return events, ground, rates, seed


@SETTINGS
@given(case=cases())
def test_generated_events_are_the_numpy_twins_bit_for_bit(
    case: tuple[tuple[EventIn, ...], Ground, EventRates | None, int],
) -> None:
    _assert_same(*case)


def _one_zone(n: int, rate_per_km: tuple[float, ...], mean_run_m: float) -> Any:
    zones = (Zone("z", 0.0, 10_000.0, (1.0,), (mean_run_m,)),)
    ground = sample_ground(zones, _streams(11), n)
    fixed = DistSpec("lognormal", (5.0, 2.0))
    events = tuple(
        EventIn(f"e{t}", (r,), "m", fixed, DistSpec("lognormal", (1.0, 3.0)))
        for t, r in enumerate(rate_per_km)
    )
    return events, ground, event_rates(events, ground, {"m": np.ones(n)})


def test_no_events_at_all() -> None:
    events, ground, rates = _one_zone(50, (0.0,), 400.0)
    (t_fast, c_fast, _), (t_slow, c_slow, _) = _both(events, ground, rates, 3)
    assert np.array_equal(t_fast, t_slow) and not c_fast.any() and not c_slow.any()


def test_one_event_in_one_draw() -> None:
    events, ground, rates = _one_zone(1, (0.05,), 400.0)
    for seed in range(200):  # a seed with exactly one event
        (t_fast, c_fast, _), (t_slow, c_slow, _) = _both(events, ground, rates, seed)
        assert np.array_equal(t_fast, t_slow) and np.array_equal(c_fast, c_slow)
        if np.count_nonzero(t_fast != _both(events, ground, None, seed)[0][0]) == 1:
            break
    else:
        pytest.fail("no seed with one event")


def test_many_events_in_one_run_sum_as_numpy() -> None:
    # runs of about 5 km at 60 events per km: ~300 events a run, past NumPy's pairwise
    # summation blocks (8 and 128 values), and a few thousand slots a draw
    events, ground, rates = _one_zone(6, (20.0, 30.0, 10.0), 5000.0)
    assert rates is not None and rates.per_run.max() > 200
    _assert_same(events, ground, rates, 5)


# --------------------------------------------------------------------------- loops


@SETTINGS
@given(
    seed=st.integers(0, 2**32 - 1),
    size=st.integers(0, 400),
    scale=st.sampled_from([1e-6, 0.1, 3.0, 60.0, 800.0]),
)
def test_poisson_loop_is_poisson_ppf(seed: int, size: int, scale: float) -> None:
    rng = np.random.default_rng(seed)
    mean = rng.uniform(0.0, scale, size)
    mean[: size // 10] = 0.0
    u = rng.uniform(size=size)
    u[size // 10 : size // 5] = 1.0 - 1e-16
    got = event_kernel("_poisson_loop")(mean, np.exp(-mean), u)
    assert np.array_equal(got, 1 + poisson_ppf(mean, u))


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 300))
def test_slot_order_is_the_stable_sort_by_slot(seed: int, n: int) -> None:
    rng = np.random.default_rng(seed)
    hits = np.sort(rng.integers(0, n, rng.integers(1, 500)))  # hits sorted by draw
    count = np.minimum(rng.pareto(1.0, hits.size).astype(np.int64) + 1, 300)
    draw = np.repeat(hits, count)  # the events, by draw
    slot = ev._rank_within(draw, n)
    order, flat = event_kernel("_slot_order_loop")(hits, count, n)
    expected = np.argsort(slot, kind="stable")
    assert np.array_equal(order, expected)
    assert np.array_equal(flat, slot[expected] * n + draw[expected])


def test_read_slots_into_the_order_by_draw() -> None:
    n, rng = 50, np.random.default_rng(4)
    draw = np.repeat(np.arange(n), rng.integers(0, 90, n))
    slot = ev._rank_within(draw, n)
    gen = stream(1, "construction", 0, "x")
    values, order = ev._slot_variates(gen, slot, draw, n, 3, VariateCounter())
    flat = slot[order] * n + draw[order]
    placed = ev._read_slots(stream(1, "construction", 0, "x"), flat, n, 3, VariateCounter(), order)
    assert np.array_equal(placed[order], values)
