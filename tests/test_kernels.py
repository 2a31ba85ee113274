"""The compiled kernels against their NumPy twins (the oracles) and known answers."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import beringia.core.operations as co
from beringia.core.distributions import DistSpec
from beringia.core.kernels import closed_intervals, kernel
from beringia.models.alignment import alignment_for
from beringia.models.operations import compile_operations
from beringia.scenario import load_scenario

FIXED_2 = DistSpec("fixed", (2.0,))
UNIFORM = DistSpec("uniform", (0.05, 0.2))
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _fields_equal(fast: co.OperationsResult, slow: co.OperationsResult) -> None:
    for f in dataclasses.fields(fast):
        a, b = getattr(fast, f.name), getattr(slow, f.name)
        if isinstance(a, np.ndarray):
            np.testing.assert_array_equal(a, b, err_msg=f.name)
        else:
            assert a == b, f.name


# --------------------------------------------------------------------------- pairwise sum


@pytest.mark.parametrize("n", [0, 1, 7, 8, 9, 127, 128, 129, 136, 1101, 8192, 8193, 29_200])
def test_pairwise_sum_is_numpys_sum_bit_for_bit(n: int) -> None:
    rng = np.random.default_rng(n)
    rows = rng.exponential(1000.0, (5, n)) * rng.uniform(0.1, 10.0, (5, 1))
    rows[:, n // 2 :] *= rng.uniform(size=(5, n - n // 2)) < 0.7  # trailing zeros, as padded
    total = kernel("_row_sum")
    for r in rows:
        assert total(r, 0, n) == r.sum()
    # a row inside a longer array, as the kernels sum them
    flat = rows.ravel()
    assert [total(flat, i * n, n) for i in range(5)] == rows.sum(axis=1).tolist()


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(0, 3000))
def test_pairwise_sum_any_length(seed: int, n: int) -> None:
    x = np.random.default_rng(seed).normal(0.0, 1e6, n)
    assert kernel("_row_sum")(x, 0, n) == x.sum()


def test_pairwise_sum_differs_from_a_plain_loop() -> None:
    # the test above could not fail if every order gave the same sum: this one does not
    x = np.random.default_rng(1).normal(0.0, 1e6, 5000)
    plain = 0.0
    for v in x.tolist():
        plain += v
    assert plain != x.sum() == kernel("_row_sum")(x, 0, x.size)


# --------------------------------------------------------------------------- arrival order


@SETTINGS
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(0, 400),
    spread=st.sampled_from([0.0, 0.3, 3.0, 1e4]),
)
def test_stable_order_is_numpys_stable_argsort(seed: int, n: int, spread: float) -> None:
    # nearly sorted (insertion sort) to shuffled (past the budget: merge sort), with ties
    rng = np.random.default_rng(seed)
    base = np.arange(n, dtype=np.float64)
    add = np.round(rng.exponential(spread, n))
    key = base + add
    order = np.empty(n, dtype=np.int64)
    sorted_key = np.empty(n)
    got = np.empty(n)
    kernel("stable_order")(base, add, got, order, sorted_key)
    np.testing.assert_array_equal(got, key)
    np.testing.assert_array_equal(order, np.argsort(key, kind="stable"))
    np.testing.assert_array_equal(sorted_key, np.sort(key))


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(0, 300), ties=st.booleans())
def test_merge_order_and_interval_sort(seed: int, n: int, ties: bool) -> None:
    # shuffled keys: the merge sort (stable, as NumPy's) and the interval sort past its budget
    rng = np.random.default_rng(seed)
    key = rng.integers(0, 5, n).astype(np.float64) if ties else rng.normal(0.0, 1.0, n)
    order = np.empty(n, dtype=np.int64)
    kernel("merge_order")(key, order)
    np.testing.assert_array_equal(order, np.argsort(key, kind="stable"))
    s = np.concatenate([[-1.0], key, [-2.0]])  # sort the middle only
    e = s + 1.0
    kernel("_sort_by_start")(s, e, 1, n)
    np.testing.assert_array_equal(s[1 : n + 1], np.sort(key))
    np.testing.assert_array_equal(e, s + 1.0)  # each end moved with its start
    assert (s[0], s[-1]) == (-1.0, -2.0)


# --------------------------------------------------------------------------- closed intervals


def test_one_possession_by_hand() -> None:
    # green 100 s, switch 50 s (cycle 300 s), possession [1,000, 1,400) s, no events:
    # direction 0 green [1,000, 1,100), red [1,100, 1,300), green [1,300, 1,350) (stops at
    # v - s = 1,350), red [1,350, 1,400); direction 1 red [1,000, 1,150), green
    # [1,150, 1,250), red [1,250, 1,400).
    empty = np.empty((1, 0))
    cs, ce, ptr, closed, degraded, red = closed_intervals(
        empty, empty, empty, np.array([1000.0]), np.array([1400.0]), 100.0, 50.0, 300.0, 5000.0
    )
    rows = [
        list(zip(cs[ptr[r] : ptr[r + 1]], ce[ptr[r] : ptr[r + 1]], strict=True)) for r in (0, 1)
    ]
    assert rows[0][:3] == [(1100.0, 1300.0), (1350.0, 1400.0), (np.inf, np.inf)]
    assert rows[1][:3] == [(1000.0, 1150.0), (1250.0, 1400.0), (np.inf, np.inf)]
    assert closed.tolist() == [0.0]
    assert degraded.tolist() == [400.0]
    assert red.tolist() == [250.0, 300.0]


def _closed_oracle(inp: co.OperationsInputs, disr: co.Disruptions) -> dict[str, np.ndarray]:
    n = disr.start_s.shape[0]
    closed = co._closed_intervals(inp, disr, n)
    s = closed.start.reshape(2 * n, -1)
    e = closed.end.reshape(2 * n, -1)
    return {
        "red": co._measure(s, e, inp.year_s),
        "closed": closed.closed_s,
        "single": closed.single_bore_s,
        "rows": [s[r][np.isfinite(s[r])] for r in range(2 * n)],
        "ends": [e[r][np.isfinite(s[r])] for r in range(2 * n)],
    }


@SETTINGS
@given(
    seed=st.integers(0, 2**32 - 1),
    years=st.integers(1, 6),
    events=st.integers(0, 12),
    possession_h=st.sampled_from([0.0, 0.1, 4.0, 24.0]),
    green_s=st.sampled_from([60.0, 3000.0, 40_000.0]),
)
def test_closed_intervals_are_the_numpy_twins(
    seed: int, years: int, events: int, possession_h: float, green_s: float
) -> None:
    rng = np.random.default_rng(seed)
    inp = dataclasses.replace(
        _mixed(days_per_year=9),
        possession_hours=possession_h,
        possession_start_h=float(rng.uniform(0, 24)),
        single_bore_green_s=green_s,
    )
    year = inp.year_s
    start = rng.uniform(-0.1, 1.05, (years, events)) * year
    start[rng.uniform(size=start.shape) < 0.3] = np.inf  # unused slots
    start = np.where(start < 0, np.inf, start)
    closure = rng.exponential(20_000.0, (years, events)) * (rng.uniform(size=start.shape) < 0.7)
    degraded = rng.exponential(100_000.0, (years, events)) * (rng.uniform(size=start.shape) < 0.6)
    disr = co.Disruptions(start, closure, degraded, np.zeros((years, events), dtype=np.int64))
    want = _closed_oracle(inp, disr)
    if possession_h > 0:
        days = np.arange(inp.days_per_year) * co.DAY_S + inp.possession_start_h * 3600.0
        pu, pe = days, days + possession_h * 3600.0
    else:
        pu = pe = np.empty(0)
    cs, ce, ptr, closed, degraded_or_closed, red = closed_intervals(
        start, closure, degraded, pu, pe, green_s, inp.switch_s, inp.cycle_s, year
    )
    np.testing.assert_array_equal(red, want["red"])
    np.testing.assert_array_equal(closed, want["closed"])
    np.testing.assert_array_equal(degraded_or_closed - closed, want["single"])
    for r in range(2 * years):
        got = cs[ptr[r] : ptr[r + 1]]
        m = int(np.argmax(~np.isfinite(got)))  # the sentinel
        np.testing.assert_array_equal(got[:m], want["rows"][r])
        np.testing.assert_array_equal(ce[ptr[r] : ptr[r] + m], want["ends"][r])


# --------------------------------------------------------------------------- whole years


def _mixed(**kw: object) -> co.OperationsInputs:
    base: dict[str, object] = {
        "train_types": ("fast", "slow", "odd"),
        "trains_per_day": ((12, 8, 1), (10, 10, 0)),
        "running_time_s": (2_400.0, 3_600.0, 3_000.0),
        "payload_t": (1_000.0, 3_000.0, 10.0),
        "teu": (80.0, 0.0, 1.0),
        "entry_delay_mean_s": (600.0, 1_200.0, 0.0),
        "headway_s": ((150.0, 200.0, 90.0), (1_400.0, 200.0, 90.0), (300.0, 300.0, 300.0)),
        "length_km": 100.0,
        "single_bore_green_s": 3_000.0,
        "single_bore_switch_headway_s": 200.0,
        "possession_start_h": 1.0,
        "possession_hours": 4.0,
        "incidents": (
            co.IncidentType(
                "fire", 50.0, DistSpec("lognormal", (6.0, 2.0)), DistSpec("fixed", (2.0,))
            ),
            co.IncidentType(
                "failure", 40.0, DistSpec("fixed", (0.0,)), DistSpec("uniform", (0.05, 0.2))
            ),
        ),
        "days_per_year": 30,
    }
    base.update(kw)
    return co.OperationsInputs(**base)  # type: ignore[arg-type]


@SETTINGS
@given(
    seed=st.integers(0, 2**16),
    years=st.integers(1, 9),
    chunk=st.sampled_from([None, 1, 4]),
    sub=st.sampled_from([1, 2_000, 1 << 17]),
    delay_scale=st.sampled_from([0.0, 1.0, 200.0]),
    sequencing=st.sampled_from(["mixed", "flighted"]),
)
def test_simulated_years_are_the_numpy_twins(
    seed: int,
    years: int,
    chunk: int | None,
    sub: int,
    delay_scale: float,
    sequencing: str,
) -> None:
    # delays from none to days (arrivals far out of timetable order), trains queued past the
    # year's end, sub-chunks of one year to all, chunks of events of one year to all
    inp = _mixed(
        entry_delay_mean_s=(600.0 * delay_scale, 1_200.0 * delay_scale, 0.0),
        sequencing=sequencing,
        flight_size=3,
        timetable_start_h=20.0,
        timetable_hours=9.0,
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(co, "SUB_TRAIN_YEARS", sub)
        fast = co.simulate_years(inp, seed, years, 1, chunk=chunk)
        mp.setattr(co, "COMPILED", False)
        slow = co.simulate_years(inp, seed, years, 1, chunk=chunk)
    _fields_equal(fast, slow)


@pytest.mark.parametrize("name", ["bering-strait", "bering-strait-claim"])
def test_simulated_years_are_bit_identical_to_the_numpy_oracle(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    sc = load_scenario(name)
    inp = compile_operations(sc, alignment_for(sc)).inputs
    fast = co.simulate_years(inp, 11, 30, 0)
    monkeypatch.setattr(co, "COMPILED", False)
    slow = co.simulate_years(inp, 11, 30, 0)
    assert fast.disruptions.sum() > 0  # the years include closures and single-bore working
    _fields_equal(fast, slow)


def test_run_years_compiled_is_the_numpy_twin(monkeypatch: pytest.MonkeyPatch) -> None:
    inp = _mixed()
    n = sum(co.year_timetable(inp, d)[0].size for d in (0, 1))
    rng = np.random.default_rng(3)
    delays = rng.exponential(900.0, (4, n))
    disr = co.Disruptions(
        np.array([[1e6, np.inf], [2e5, 2.1e5], [np.inf, np.inf], [0.0, 2e6]]),
        np.array([[7200.0, 0.0], [3600.0, 86_400.0], [0.0, 0.0], [0.0, 500.0]]),
        np.array([[86_400.0, 0.0], [0.0, 3e5], [0.0, 0.0], [1e5, 0.0]]),
        np.array([[0, -1], [0, 1], [-1, -1], [1, 0]]),
    )
    fast = co.run_years(inp, delays, disr)
    monkeypatch.setattr(co, "COMPILED", False)
    _fields_equal(fast, co.run_years(inp, delays, disr))


@pytest.mark.parametrize("compiled", [True, False])
def test_a_direction_without_trains(compiled: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    # one direction has no timetable at all: its row runs no trains, the other all of its own
    monkeypatch.setattr(co, "COMPILED", compiled)
    inp = _mixed(trains_per_day=((3, 2, 1), (0, 0, 0)), incidents=(), possession_hours=0.0)
    res = co.simulate_years(inp, 1, 2)
    np.testing.assert_array_equal(res.trains_run[:, 1], 0)
    np.testing.assert_array_equal(res.trains_run[:, 0], [[90, 60, 30]] * 2)
    np.testing.assert_array_equal(res.availability, [1.0, 1.0])
