"""The learned model error: predictive residual of log cost and log duration errors."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from beringia.core.calibration import MIN_CASES, fit_residual, leave_one_out

ERRORS = np.array([[0.1, 0.2], [0.3, 0.1], [-0.2, 0.0], [0.4, 0.5], [0.0, -0.1], [0.2, 0.3]])


def test_the_fit_is_the_jeffreys_predictive_by_hand() -> None:
    r = fit_residual(ERRORS)
    k = len(ERRORS)
    np.testing.assert_allclose(r.mean, ERRORS.mean(axis=0))
    s = np.cov(ERRORS.T, ddof=1)
    np.testing.assert_allclose(r.scale, s * (1 + 1 / k) * (k - 1) / (k - 2), atol=1e-11)
    assert r.dof == k - 2 and r.cases == k
    assert r.correlation == pytest.approx(s[0, 1] / np.sqrt(s[0, 0] * s[1, 1]))
    # Marginal quantiles are Student t quantiles.
    q = stats.t.ppf(0.9, k - 2, loc=r.mean[0], scale=np.sqrt(r.scale[0, 0]))
    assert r.quantile(0, 0.9) == pytest.approx(q)


def test_draws_follow_the_predictive() -> None:
    r = fit_residual(ERRORS)
    rng = np.random.default_rng(5)
    n = 200_000
    d = r.draws(rng.standard_normal((n, 2)), rng.random(n))
    for which in (0, 1):
        for p in (0.1, 0.5, 0.9):
            assert np.quantile(d[:, which], p) == pytest.approx(r.quantile(which, p), abs=0.01)
    rho = stats.spearmanr(d[:, 0], d[:, 1]).statistic
    assert np.sign(rho) == np.sign(r.correlation) and abs(rho) > 0.3


def test_leave_one_out_never_sees_the_case_it_scores() -> None:
    fits = leave_one_out(ERRORS)
    for i, f in enumerate(fits):
        np.testing.assert_allclose(f.mean, np.delete(ERRORS, i, axis=0).mean(axis=0))
        assert f.cases == len(ERRORS) - 1


def test_predictive_intervals_cover_new_cases_as_stated() -> None:
    """Over many synthetic hindcast sets of 12, the P10-P90 interval holds ~80 % of new cases."""
    rng = np.random.default_rng(11)
    cov = np.array([[0.16, 0.06], [0.06, 0.09]])
    hits = []
    for _ in range(4000):
        sample = rng.multivariate_normal([0.3, 0.2], cov, size=13)
        r = fit_residual(sample[:12])
        new = sample[12]
        hits.append([r.quantile(j, 0.1) <= new[j] <= r.quantile(j, 0.9) for j in (0, 1)])
    coverage = np.mean(hits, axis=0)
    # Jeffreys' joint predictive is a little wider than the exact univariate interval.
    assert np.all(coverage > 0.78) and np.all(coverage < 0.88), coverage


@pytest.mark.parametrize(
    ("errors", "expected"),
    [
        (ERRORS[: MIN_CASES - 1], "at least 4"),
        (np.array([[0.1, np.nan]] * 5), "finite"),
        (np.zeros((5, 3)), "shape (k, 2)"),
    ],
)
def test_bad_error_sets_are_refused(errors: np.ndarray, expected: str) -> None:
    with pytest.raises(ValueError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        fit_residual(errors)
