"""Every distribution kind of the scenario against ``scipy.stats``: quantiles and moments.

The inverse CDF (:func:`beringia.core.distributions.ppf`) is checked quantile by quantile, far
into the tails, and its moments from many stratified quantile draws against SciPy's exact ones;
the analytic :func:`beringia.core.distributions.mean` against SciPy too. Truncated normals are
checked deep in either tail, where a CDF near 1 keeps no digits (issue 11: ``[9, 10]`` used to
give 10.0 for every draw).
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special, stats

from beringia.core.distributions import DistSpec, mean, ppf
from beringia.scenario.distributions import Normal, dist_spec

INF = math.inf

# Uniforms from the far lower tail (2**-53, the smallest the generator gives) to the upper one.
U_TAILS = np.array(
    [2.0**-53, 1e-12, 1e-6, 1e-3, 0.025, 0.2, 0.5, 0.8, 0.975, 0.999, 1 - 1e-6, 1 - 1e-9]
)
# Stratified uniforms: their mean and variance of ppf are midpoint-rule integrals of the
# quantile function, the distribution's moments up to the rule's error.
N_STRATA = 100_000
U_STRATA = (np.arange(N_STRATA) + 0.5) / N_STRATA


def _normal(m: float, sd: float, lo: float = -INF, hi: float = INF) -> DistSpec:
    return DistSpec("normal", (m, sd, lo, hi))


def _pert_scipy(lo: float, mode: float, hi: float, lam: float) -> Any:
    a = 1 + lam * (mode - lo) / (hi - lo)
    b = 1 + lam * (hi - mode) / (hi - lo)
    return stats.beta(a, b, loc=lo, scale=hi - lo)


def _truncnorm(m: float, sd: float, lo: float, hi: float) -> Any:
    return stats.truncnorm((lo - m) / sd, (hi - m) / sd, loc=m, scale=sd)


# (our spec, the same distribution in scipy.stats)
CONTINUOUS: list[tuple[str, DistSpec, Any]] = [
    ("uniform", DistSpec("uniform", (2.0, 5.0)), stats.uniform(loc=2.0, scale=3.0)),
    (
        "triangular",
        DistSpec("triangular", (1.0, 2.0, 6.0)),
        stats.triang(c=0.2, loc=1.0, scale=5.0),
    ),
    (
        "triangular, mode at low",
        DistSpec("triangular", (0.0, 0.0, 4.0)),
        stats.triang(c=0.0, loc=0.0, scale=4.0),
    ),
    (
        "triangular, mode at high",
        DistSpec("triangular", (-3.0, 1.0, 1.0)),
        stats.triang(c=1.0, loc=-3.0, scale=4.0),
    ),
    ("pert", DistSpec("pert", (1.0, 2.0, 6.0, 4.0)), _pert_scipy(1.0, 2.0, 6.0, 4.0)),
    ("pert, shape 10", DistSpec("pert", (0.5, 3.0, 3.5, 10.0)), _pert_scipy(0.5, 3.0, 3.5, 10.0)),
    ("normal", DistSpec("normal", (3.0, 0.5)), stats.norm(3.0, 0.5)),
    ("normal, compiled untruncated", _normal(-2.0, 4.0), stats.norm(-2.0, 4.0)),
    ("normal, low cut", _normal(1.0, 1.0, 0.0), _truncnorm(1.0, 1.0, 0.0, INF)),
    ("normal, high cut", _normal(1.0, 2.0, -INF, 2.5), _truncnorm(1.0, 2.0, -INF, 2.5)),
    ("normal, both cut", _normal(10.0, 3.0, 8.0, 20.0), _truncnorm(10.0, 3.0, 8.0, 20.0)),
    ("normal, above the mean", _normal(0.0, 1.0, 0.5, 3.0), _truncnorm(0.0, 1.0, 0.5, 3.0)),
    ("normal, [8, 9] sd", _normal(0.0, 1.0, 8.0, 9.0), _truncnorm(0.0, 1.0, 8.0, 9.0)),
    ("normal, [9, 10] sd", _normal(0.0, 1.0, 9.0, 10.0), _truncnorm(0.0, 1.0, 9.0, 10.0)),
    ("normal, [-10, -9] sd", _normal(0.0, 1.0, -10.0, -9.0), _truncnorm(0.0, 1.0, -10.0, -9.0)),
    ("normal, [30, 31] sd", _normal(5.0, 0.1, 8.0, 8.1), _truncnorm(5.0, 0.1, 8.0, 8.1)),
    ("normal, above 40 sd", _normal(0.0, 1.0, 40.0), _truncnorm(0.0, 1.0, 40.0, INF)),
    ("normal, below -40 sd", _normal(0.0, 1.0, -INF, -40.0), _truncnorm(0.0, 1.0, -INF, -40.0)),
    ("lognormal", DistSpec("lognormal", (2.0, 1.5)), stats.lognorm(s=math.log(1.5), scale=2.0)),
    (
        "lognormal, wide",
        DistSpec("lognormal", (30.0, 2.5)),
        stats.lognorm(s=math.log(2.5), scale=30.0),
    ),
]
IDS = [c[0] for c in CONTINUOUS]


@pytest.mark.parametrize(("name", "spec", "ref"), CONTINUOUS, ids=IDS)
def test_quantiles_match_scipy_into_both_tails(name: str, spec: DistSpec, ref: Any) -> None:
    np.testing.assert_allclose(ppf(spec, U_TAILS), ref.ppf(U_TAILS), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize(("name", "spec", "ref"), CONTINUOUS, ids=IDS)
def test_moments_of_the_quantile_draws_match_scipy(name: str, spec: DistSpec, ref: Any) -> None:
    x = ppf(spec, U_STRATA)
    scale = math.sqrt(ref.var())
    assert mean(spec) == pytest.approx(ref.mean(), rel=1e-10, abs=1e-12 * scale)
    assert x.mean() == pytest.approx(ref.mean(), abs=1e-3 * scale)
    assert x.var() == pytest.approx(ref.var(), rel=1e-2)
    lo, hi = ref.support()
    assert lo <= x.min() and x.max() <= hi


@pytest.mark.parametrize(
    ("window", "expected_mean"),
    [
        ((8.0, 9.0), 8.121188992980),
        ((9.0, 10.0), 9.108456288012),  # issue 11: all draws were 10.0
        ((-10.0, -9.0), -9.108456288012),
        ((38.0, INF), 38.026279466573),
        ((-INF, -38.0), -38.026279466573),
    ],
)
def test_a_normal_truncated_far_in_a_tail_spreads_over_its_window(
    window: tuple[float, float], expected_mean: float
) -> None:
    lo, hi = window
    spec = _normal(0.0, 1.0, lo, hi)
    x = ppf(spec, U_STRATA)
    assert lo <= x.min() and x.max() <= hi
    assert np.unique(x).size > N_STRATA // 2  # not piled up on one end
    assert x.mean() == pytest.approx(expected_mean, abs=1e-5)
    assert mean(spec) == pytest.approx(expected_mean, abs=1e-11)
    assert mean(spec) == pytest.approx(_truncnorm(0.0, 1.0, lo, hi).mean(), rel=1e-12)


def test_a_scenario_normal_eight_sd_below_its_window_samples_the_window() -> None:
    # mean 1, sd 1 cut to [9, 10]: 8 sd out, the furthest the scenario accepts.
    spec = dist_spec(Normal(dist="normal", mean=1.0, sd=1.0, low=9.0, high=10.0))
    x = ppf(spec, U_STRATA)
    assert 9.0 <= x.min() and x.max() <= 10.0
    assert x.mean() == pytest.approx(1.0 + 8.121188992980, abs=1e-5)


def test_a_window_above_the_mean_is_the_mirror_image_of_one_below_it() -> None:
    u = np.random.default_rng(11).random(10_000)
    for lo, hi in [(0.5, 3.0), (9.0, 10.0), (2.0, INF), (45.0, 46.0)]:
        above = ppf(_normal(0.0, 1.0, lo, hi), u)
        below = ppf(_normal(0.0, 1.0, -hi, -lo), 1.0 - u)
        np.testing.assert_array_equal(above, -below)


def test_lower_half_draws_are_bit_identical_to_the_plain_inverse_cdf() -> None:
    # The old kernel, ndtri(Phi(a) + u (Phi(b) - Phi(a))), was exact where that probability
    # is at most 1/2 in a window reaching below the mean: those draws keep their bits. Upper
    # halves now come from the upper-tail probability, and differ by rounding only.
    u = np.random.default_rng(5).random(50_000)
    for m, sd, lo, hi in [(1.0, 1.0, 0.0, INF), (10.0, 3.0, 8.0, 20.0), (0.0, 1.0, -10.0, -9.0)]:
        a, b = special.ndtr((lo - m) / sd), special.ndtr((hi - m) / sd)
        p = a + u * (b - a)
        old = np.clip(m + sd * special.ndtri(p), lo, hi)
        new = ppf(_normal(m, sd, lo, hi), u)
        lower = p <= 0.5
        assert lower.sum() > 10_000
        np.testing.assert_array_equal(new[lower], old[lower])
        np.testing.assert_allclose(new[~lower], old[~lower], rtol=1e-12)
    np.testing.assert_array_equal(ppf(_normal(3.0, 2.0), u), 3.0 + 2.0 * special.ndtri(u))


def test_the_far_upper_tail_of_a_low_cut_normal_is_exact() -> None:
    # N(1, 1) cut at 0: P(X > x) = Phi(1 - x) / Phi(1) must be 1 - u to rounding. (SciPy's
    # truncnorm.ppf is 7e-6 off in that probability at u = 1 - 2**-40, hence this check.)
    u = 1.0 - np.array([2.0**-30, 2.0**-40, 2.0**-50])
    x = ppf(_normal(1.0, 1.0, 0.0), u)
    np.testing.assert_allclose(stats.norm.sf(x - 1.0) / stats.norm.cdf(1.0), 1.0 - u, rtol=1e-12)


def test_lognormal_quantiles_far_in_the_upper_tail_match_scipy() -> None:
    spec = DistSpec("lognormal", (60.0, 1.8))
    ref = stats.lognorm(s=math.log(1.8), scale=60.0)
    u = 1.0 - np.logspace(-15, -3, 13)
    np.testing.assert_allclose(ppf(spec, u), ref.ppf(u), rtol=1e-12)
    np.testing.assert_allclose(ppf(spec, 1.0 - u), ref.isf(u), rtol=1e-12)


def test_a_lognormal_of_gsd_one_is_its_median() -> None:
    spec = DistSpec("lognormal", (7.5, 1.0))
    np.testing.assert_array_equal(ppf(spec, U_TAILS), np.full(U_TAILS.shape, 7.5))
    assert mean(spec) == 7.5


def test_fixed_and_degenerate_ranges_give_their_one_value() -> None:
    for spec, value in [
        (DistSpec("fixed", (4.2,)), 4.2),
        (DistSpec("uniform", (3.0, 3.0)), 3.0),
        (DistSpec("triangular", (2.0, 2.0, 2.0)), 2.0),
        (DistSpec("pert", (1.5, 1.5, 1.5, 4.0)), 1.5),
        (DistSpec("discrete", values=(9.0,), probs=(1.0,)), 9.0),
    ]:
        np.testing.assert_array_equal(ppf(spec, U_TAILS), np.full(U_TAILS.shape, value))
        assert mean(spec) == value
    ref = stats.rv_discrete(values=([4.2], [1.0]))
    assert ref.ppf(0.3) == ppf(DistSpec("fixed", (4.2,)), np.array([0.3]))[0]


DISCRETE = [
    ((1.0, 4.0), (0.25, 0.75)),
    ((5.0, -1.0, 2.0), (0.2, 0.5, 0.3)),  # not in ascending order
    ((0.0, 1.0, 2.0, 3.0), (0.1, 0.0, 0.6, 0.3)),  # a value of probability 0
]


@pytest.mark.parametrize(("values", "probs"), DISCRETE)
def test_discrete_quantiles_and_moments_match_scipy(
    values: tuple[float, ...], probs: tuple[float, ...]
) -> None:
    spec = DistSpec("discrete", values=values, probs=probs)
    ref = stats.rv_discrete(values=(values, probs))
    # Away from the steps of the CDF, where both conventions of the inverse agree.
    u = np.random.default_rng(3).random(20_000)
    np.testing.assert_array_equal(ppf(spec, u), ref.ppf(u))
    x = ppf(spec, U_STRATA)
    assert mean(spec) == pytest.approx(ref.mean(), rel=1e-12)
    assert x.mean() == pytest.approx(ref.mean(), abs=1e-5)
    assert x.var() == pytest.approx(ref.var(), rel=1e-4)
    for v, p in zip(values, probs, strict=True):
        assert (np.count_nonzero(x == v) > 0) == (p > 0)  # a value of probability 0: never


@settings(max_examples=40, deadline=None)
@given(
    kind=st.sampled_from(["uniform", "triangular", "pert", "normal", "lognormal", "discrete"]),
    a=st.floats(-50, 50),
    b=st.floats(0.01, 30),
    c=st.floats(0, 1),
)
def test_every_kind_is_monotone_in_u(kind: str, a: float, b: float, c: float) -> None:
    spec = {
        "uniform": DistSpec("uniform", (a, a + b)),
        "triangular": DistSpec("triangular", (a, a + c * b, a + b)),
        "pert": DistSpec("pert", (a, a + c * b, a + b, 4.0)),
        "normal": _normal(a, b, a + (c - 0.5) * 20 * b, a + (c - 0.4) * 20 * b),
        "lognormal": DistSpec("lognormal", (b, 1.0 + 3.0 * c)),
        "discrete": DistSpec("discrete", values=(a + b, a, a - b), probs=(c / 2, 0.5, 0.5 - c / 2)),
    }[kind]
    u = np.sort(np.random.default_rng(0).random(2_000))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x = ppf(spec, u)
    assert np.all(np.isfinite(x))
    assert np.all(np.diff(x) >= 0)


def test_a_window_beyond_floating_point_is_refused() -> None:
    with pytest.raises(ValueError, match="no float probability"):
        ppf(_normal(0.0, 1.0, 1e200, INF), U_TAILS)
