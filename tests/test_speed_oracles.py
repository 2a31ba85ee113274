"""The fast paths give the very numbers of the plain ones they replaced (issue 16).

Each plain version is kept here as the oracle: the fast one must be bit-identical to it.
"""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray
from scipy.optimize import brentq

import beringia
from beringia.core import rng as rngmod
from beringia.core.construction import simulate_block
from beringia.core.economics import irr
from beringia.core.events import _slot_variates, poisson_ppf
from beringia.core.geology import sample_ground
from beringia.core.rng import VariateCounter
from beringia.models.alignment import alignment_for
from beringia.models.construction.compile import compile_construction


def poisson_ppf_plain(mean: NDArray[np.float64], u: NDArray[np.float64]) -> NDArray[np.intp]:
    """The term-summing Poisson quantile over the whole array until every element is done."""
    k = np.zeros(mean.shape, dtype=np.intp)
    term = np.exp(-mean)
    cdf = term.copy()
    todo = u > cdf
    while todo.any():
        k += todo
        term = np.where(todo, term * mean / np.maximum(k, 1), term)
        cdf = np.where(todo, cdf + term, cdf)
        todo &= (u > cdf) & (term > 1e-300)
    return k


def test_poisson_ppf_is_the_plain_sum_bit_for_bit() -> None:
    g = np.random.default_rng(16)
    mean = np.concatenate(
        [np.zeros(50), g.exponential(2.0, 5000), g.uniform(50.0, 400.0, 500), [700.0, 1e-12]]
    )
    u = g.random(mean.size)
    u[:20] = 0.0
    u[20:40] = np.nextafter(1.0, 0.0)
    assert np.array_equal(poisson_ppf(mean, u), poisson_ppf_plain(mean, u))


def test_poisson_ppf_known_answers() -> None:
    # P(X <= 0) = exp(-1) = 0.368, P(X <= 1) = 0.736, P(X <= 2) = 0.920 for mean 1
    mean = np.ones(4)
    assert poisson_ppf(mean, np.array([0.3, 0.5, 0.9, 0.95])).tolist() == [0, 1, 2, 3]
    assert poisson_ppf(np.zeros(2), np.array([0.0, 0.99])).tolist() == [0, 0]


def _flows(n: int, horizon: int, seed: int) -> NDArray[np.float64]:
    """Conventional flows: capex for a few years, then income up to a last year per draw."""
    g = np.random.default_rng(seed)
    c = np.zeros((n, horizon))
    build = g.integers(3, 12, n)
    last = g.integers(20, horizon, n)
    for i in range(n):
        c[i, : build[i]] = -g.uniform(1.0, 5.0, build[i])
        c[i, build[i] : last[i] + 1] = g.uniform(0.1, 1.5, last[i] + 1 - build[i])
    return c


def test_irr_does_not_depend_on_trailing_zero_years_or_on_other_draws() -> None:
    c = _flows(300, 90, 16)
    rates = irr(c)
    # The rounding-noise bound grows with the array's horizon (8 T eps), so a longer
    # horizon may stop a draw a few ulps elsewhere (as before issue 16); nothing more.
    padded = irr(np.concatenate([c, np.zeros((300, 60))], axis=1))
    assert np.allclose(rates, padded, rtol=0.0, atol=1e-12)
    alone = np.array([irr(c[i : i + 1])[0] for i in range(0, 300, 37)])
    assert np.array_equal(alone, rates[::37])


def test_irr_matches_brentq_on_ragged_horizons() -> None:
    c = _flows(200, 120, 17)
    rates = irr(c)
    times = np.arange(c.shape[1], dtype=np.float64)
    for i in range(0, 200, 9):
        row = c[i]

        def f(r: float, row: NDArray[np.float64] = row) -> float:
            return float(np.dot(row, (1.0 + r) ** -times))

        assert rates[i] == pytest.approx(brentq(f, -0.5, 1.0, xtol=1e-15), abs=1e-12)


def test_slot_variates_are_the_plain_layout_read_in_slices() -> None:
    g = np.random.default_rng(3)
    n = 50
    count = g.integers(0, 90, n)  # more slots than one buffer holds
    draw = np.repeat(np.arange(n), count)
    slot = np.concatenate([np.arange(c) for c in count])
    for width in (1, 3):
        values, order = _slot_variates(
            rngmod.stream(1, "construction", 0, "x"), slot, draw, n, width, VariateCounter()
        )
        plain = rngmod.stream(1, "construction", 0, "x").random((int(slot.max()) + 1, n, width))
        assert np.array_equal(values, plain[slot[order], draw[order]])
        assert np.array_equal(np.sort(order), np.arange(slot.size))
        assert np.all(np.diff(slot[order]) >= 0)


def test_variates_used_count_the_ground_runs_and_stay_below_those_drawn() -> None:
    sc = beringia.load_scenario("bering-strait")
    inp = compile_construction(sc, alignment_for(sc))
    n = 64
    res = simulate_block(inp, 5, 0, n)
    ground = sample_ground(inp.zones, lambda key: rngmod.stream(5, "construction", 0, key), n)
    assert res.variates_used[1] == np.count_nonzero(ground.length > 0)
    sampled = sum(not spec.is_fixed for spec in inp.inputs.values())
    assert sampled * n + res.variates_used[1] < res.variates_used[0]
    assert sum(res.variates_used) < res.variates
