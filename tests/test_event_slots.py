"""Event slots read by jumping the generator give the numbers drawn whole (issue 16)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from beringia.core import events
from beringia.core.rng import VariateCounter


def _read(
    jump_cost: int, seed: int, slot: np.ndarray, draw: np.ndarray, n: int, width: int
) -> tuple[np.ndarray, np.ndarray, float]:
    gen = np.random.Generator(np.random.PCG64(seed))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(events, "JUMP_COST", jump_cost)
        values, order = events._slot_variates(gen, slot, draw, n, width, VariateCounter())
    return values, order, float(gen.random())  # and where the stream was left


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 200),
    width=st.integers(1, 3),
    seed=st.integers(0, 2**32 - 1),
    tail=st.floats(0.8, 3.0),
)
def test_jumping_reads_the_same_uniforms_and_leaves_the_stream_in_place(
    n: int, width: int, seed: int, tail: float
) -> None:
    counts = np.minimum(np.random.default_rng(seed).pareto(tail, n).astype(np.intp), 2000)
    draw = np.repeat(np.arange(n), counts)
    if draw.size == 0:
        return
    slot = events._rank_within(draw, n)
    whole = _read(10**9, seed, slot, draw, n, width)  # every buffer drawn whole
    for cost in (0, events.JUMP_COST):  # every buffer jumped; the default mix
        got = _read(cost, seed, slot, draw, n, width)
        assert np.array_equal(got[0], whole[0])
        assert np.array_equal(got[1], whole[1])
        assert got[2] == whole[2]
