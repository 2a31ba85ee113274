"""The compiled kernels against their NumPy twins (the oracles) and known answers."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import beringia.core.operations as co
from beringia.core.kernels import timetable_departures
from beringia.models.alignment import alignment_for
from beringia.models.operations import compile_operations
from beringia.scenario import load_scenario

NEVER = 1e30


def _oracle(arr, types, hw, cs, ce, width):  # type: ignore[no-untyped-def]
    rows = arr.shape[0]
    ptr = np.arange(rows, dtype=np.int64) * width
    nxt = cs[ptr].copy()
    direction = np.repeat(np.arange(2), rows // 2)
    return co._timetable_departures_numpy(arr, types, direction, hw, cs, ce, ptr, nxt)


def _compiled(arr, types, hw, cs, ce, width):  # type: ignore[no-untyped-def]
    rows = arr.shape[0]
    ptr = np.arange(rows, dtype=np.int64) * width
    nxt = cs[ptr].copy()
    return timetable_departures(arr, types, rows // 2, hw, cs, ce, ptr, nxt)


def test_three_trains_and_a_closure_by_hand() -> None:
    # one row a direction; trains A (type 0) at 0 s, B (type 1) at 50 s, C (type 0) at 10 s
    arr = np.array([[0.0, 50.0, 10.0], [0.0, 50.0, 10.0]])
    types = np.array([[0, 1, 0], [0, 1, 0]], dtype=np.int64)
    hw = np.array([[100.0, 200.0, 0.0], [300.0, 400.0, 0.0], [0.0, 0.0, 0.0]])
    # direction 0: closed 150 to 1,000 s; direction 1: never closed
    cs = np.array([150.0, NEVER, NEVER, NEVER])
    ce = np.array([1000.0, NEVER, NEVER, NEVER])
    out = _compiled(arr, types, hw, cs, ce, 2)
    # order of arrival A (0), C (10), B (50): A departs 0; C at 0 + 100 = 100; B at 100 + 200
    # = 300, inside the closure, so at 1,000 in direction 0 and at 300 in direction 1
    np.testing.assert_array_equal(out, [[0.0, 1000.0, 100.0], [0.0, 300.0, 100.0]])
    np.testing.assert_array_equal(out, _oracle(arr, types, hw, cs, ce, 2))


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    width=st.integers(1, 40),
    closures=st.integers(0, 6),
)
def test_the_kernel_is_its_numpy_twin(seed: int, width: int, closures: int) -> None:
    rng = np.random.default_rng(seed)
    rows = 6
    arr = np.sort(rng.uniform(0, 5000, (2, width)), axis=1)
    arr = np.repeat(arr, rows // 2, axis=0) + rng.exponential(200.0, (rows, width))
    arr[:, rng.integers(0, width)] = arr[:, 0]  # ties keep timetable order
    types = rng.integers(0, 3, (2, width)).astype(np.int64)
    hw = np.zeros((4, 4))
    hw[:3, :3] = rng.uniform(30, 400, (3, 3))
    k = closures + 1  # intervals a row, the last never closing
    starts = np.sort(rng.uniform(0, 8000, (rows, closures)), axis=1)
    lengths = rng.uniform(0, 300, (rows, closures))
    ends = np.minimum(starts + lengths, np.append(starts[:, 1:], np.full((rows, 1), NEVER), 1))
    cs = np.concatenate([starts, np.full((rows, 1), NEVER)], axis=1).ravel()
    ce = np.concatenate([ends, np.full((rows, 1), NEVER)], axis=1).ravel()
    np.testing.assert_array_equal(
        _compiled(arr, types, hw, cs, ce, k), _oracle(arr, types, hw, cs, ce, k)
    )


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
    for f in dataclasses.fields(fast):
        a, b = getattr(fast, f.name), getattr(slow, f.name)
        if isinstance(a, np.ndarray):
            np.testing.assert_array_equal(a, b, err_msg=f.name)
