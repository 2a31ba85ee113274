"""Summary statistics in :mod:`beringia.core.stats` against ``scipy.stats``."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from beringia.core.stats import percentile_of, rank_correlation, ranks
from beringia.models.construction.results import tornado_bars
from beringia.models.construction.run import _median_draw


def _spearman(x: np.ndarray, y: np.ndarray) -> float:
    return rank_correlation(ranks(x), ranks(y))


def test_ties_share_their_average_rank() -> None:
    x = np.array([3.0, 1.0, 3.0, 2.0, 3.0])
    np.testing.assert_array_equal(ranks(x), [3.0, 0.0, 3.0, 1.0, 3.0])
    np.testing.assert_array_equal(ranks(x), stats.rankdata(x) - 1)


def test_rank_correlation_of_a_discrete_input_is_spearmans() -> None:
    # A four-valued input and a noisy response: ranking ties by position gave 0.626 here.
    rng = np.random.default_rng(0)
    x = rng.integers(0, 4, 1000).astype(np.float64)
    y = x + rng.normal(0.0, 1.5, 1000)
    assert _spearman(x, y) == pytest.approx(stats.spearmanr(x, y).statistic, abs=1e-12)
    assert _spearman(x, y) == pytest.approx(0.63687, abs=1e-5)


@settings(max_examples=50, deadline=None)
@given(
    xy=st.integers(3, 60).flatmap(
        lambda n: st.tuples(
            st.lists(st.integers(0, 5), min_size=n, max_size=n),
            st.lists(st.floats(-1e3, 1e3), min_size=n, max_size=n),
        )
    )
)
def test_rank_correlation_matches_spearmanr_with_ties(xy: tuple[list[int], list[float]]) -> None:
    x, y = np.array(xy[0], dtype=np.float64), np.array(xy[1])
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        assert _spearman(x, y) == 0.0  # spearmanr gives NaN (and warns) for a constant input
    else:
        assert _spearman(x, y) == pytest.approx(stats.spearmanr(x, y).statistic, abs=1e-12)


def test_tornado_bars_are_spearmans_coefficients() -> None:
    rng = np.random.default_rng(1)
    n = 2000
    x_in = {
        "discrete": rng.integers(0, 3, n).astype(np.float64),
        "continuous": rng.random(n),
        "constant": np.full(n, 2.0),
    }
    cost = 2.0 * x_in["discrete"] + rng.normal(0.0, 1.0, n)
    years = x_in["continuous"] + 0.1 * rng.normal(0.0, 1.0, n)
    bars = {b.input: b for b in tornado_bars(x_in, cost, years)}
    assert set(bars) == {"discrete", "continuous"}  # a constant input moves nothing
    for name in bars:
        v = x_in[name]
        assert bars[name].cost_rank_corr == pytest.approx(stats.spearmanr(v, cost).statistic)
        assert bars[name].duration_rank_corr == pytest.approx(stats.spearmanr(v, years).statistic)


def test_median_draw_is_the_one_nearest_both_medians() -> None:
    cost = np.array([5.0, 1.0, 3.0, 4.0, 2.0])
    years = np.array([1.0, 2.0, 3.0, 5.0, 4.0])
    assert _median_draw(cost, years, 5) == 2  # rank 2 of 4 in both


@pytest.mark.parametrize("score", [-1.0, 0.0, 1.0, 2.0, 2.5, 3.0, 9.0])
def test_percentile_of_is_scipys_mean_kind(score: float) -> None:
    v = np.array([0.0, 1.0, 1.0, 2.0, 3.0, 3.0, 3.0, 5.0])
    expected = stats.percentileofscore(v, score, kind="mean")
    assert percentile_of(v, score) == pytest.approx(expected, abs=1e-12)
    below, equal = np.count_nonzero(v < score), np.count_nonzero(v == score)
    assert percentile_of(v, score) == pytest.approx(100 * (below + equal / 2) / v.size)


def test_percentile_of_nothing_is_nan() -> None:
    assert np.isnan(percentile_of(np.array([]), 1.0))
