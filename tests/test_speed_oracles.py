"""The fast paths give the very numbers of the plain ones they replaced (issue 16).

Each plain version is kept here as the oracle: the fast one must be bit-identical to it.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from beringia.core.events import poisson_ppf


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
