"""Binary logit mode choice and the rail constant calibrated on China-Europe rail's share."""

from __future__ import annotations

import copy
import functools
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from beringia.core.modechoice import logit_share
from beringia.models.corridor.appraise import BENCHMARK_SEA, _rail_constant, _Sampler
from beringia.models.corridor.compile import MarketInputs, compile_market
from beringia.models.corridor.ocean import china_europe_rail, ocean_leg
from beringia.scenario.corridor import Market
from beringia.scenario.io import read_document

FAST = settings(max_examples=60, deadline=None)
costs = st.floats(-1e7, 1e7, allow_nan=False)
scales = st.floats(1e-6, 10.0)


# --------------------------------------------------------------------------- logit_share


def test_equal_costs_split_evenly() -> None:
    assert logit_share(5000.0, 5000.0, 0.001) == 0.5
    out = logit_share(np.array([0.0, 1e6, -3.0]), np.array([0.0, 1e6, -3.0]), 2.0)
    assert out.tolist() == [0.5, 0.5, 0.5]


@pytest.mark.parametrize(
    ("gc_a", "gc_b", "scale"),
    [(6000.0, 5000.0, 0.001), (5000.0, 6000.0, 0.001), (1000.0, 0.0, 0.002), (0.0, 250.0, 0.2e-3)],
)
def test_closed_form(gc_a: float, gc_b: float, scale: float) -> None:
    want = 1.0 / (1.0 + math.exp(scale * (gc_a - gc_b)))
    assert float(logit_share(gc_a, gc_b, scale)) == pytest.approx(want, rel=1e-14)


def test_documented_points_of_the_builtin_scale() -> None:
    """The built-in's note: a $1,000 edge moves the share to 55 % at scale 0.2, 88 % at 2.0."""
    assert float(logit_share(0.0, 1000.0, 0.2 / 1000)) == pytest.approx(0.5498, abs=1e-4)
    assert float(logit_share(0.0, 1000.0, 2.0 / 1000)) == pytest.approx(0.8808, abs=1e-4)


def test_no_overflow_at_huge_differences() -> None:
    # filterwarnings = error: an overflow in exp would fail the test
    big = logit_share(np.array([1e6, -1e6, 1e300, -1e300]), 0.0, 1.0)
    assert big.tolist() == [0.0, 1.0, 0.0, 1.0]
    assert float(logit_share(-1e6, 1e6, 10.0)) == 1.0
    assert np.all(np.isfinite(big))


def test_broadcasts_over_draws() -> None:
    gc_a = np.array([[1.0], [2.0]])
    gc_b = np.array([1.0, 2.0, 3.0])
    out = logit_share(gc_a, gc_b, 1.0)
    assert out.shape == (2, 3)
    assert out[1, 1] == 0.5
    assert out[0, 2] == pytest.approx(1.0 / (1.0 + math.exp(-2.0)), rel=1e-14)


@FAST
@given(a=costs, b=costs, scale=scales)
def test_symmetric_and_bounded(a: float, b: float, scale: float) -> None:
    s_ab = float(logit_share(a, b, scale))
    s_ba = float(logit_share(b, a, scale))
    assert 0.0 <= s_ab <= 1.0
    assert s_ab + s_ba == pytest.approx(1.0, abs=1e-12)


@FAST
@given(a=costs, b=costs, more=st.floats(0.0, 1e6), scale=scales)
def test_dearer_never_gains_share(a: float, b: float, more: float, scale: float) -> None:
    assert float(logit_share(a + more, b, scale)) <= float(logit_share(a, b, scale))
    assert float(logit_share(a, b + more, scale)) >= float(logit_share(a, b, scale))


@FAST
@given(
    x=st.floats(-30.0, 30.0),
    scale=st.floats(1e-4, 10.0),
)
def test_log_odds_are_linear_in_the_cost_gap(x: float, scale: float) -> None:
    """Odds ``s / (1 - s) = exp(-scale (gc_a - gc_b))``, the logit's defining property.

    ``1 - s`` is the share of the other alternative, ``s(b, a)``: computed directly, it stays
    accurate where ``s`` is within rounding of 1.
    """
    gap = x / scale
    odds = float(logit_share(gap, 0.0, scale)) / float(logit_share(0.0, gap, scale))
    assert odds == pytest.approx(math.exp(-x), rel=1e-12)


# --------------------------------------------------------------------------- rail constant

SEED, BLOCK, SIZE = 11, 0, 500


@functools.cache
def _market_doc() -> dict[str, Any]:
    return dict(read_document("bering-strait")["market"])


def market(share: Any) -> MarketInputs:
    """The built-in market, compiled, with ``benchmark_rail_share`` set (``None`` drops it)."""
    doc = copy.deepcopy(_market_doc())
    if share is None:
        doc.pop("benchmark_rail_share", None)
    else:
        doc["benchmark_rail_share"] = share
    return compile_market(Market.model_validate(doc))


def vot_and_scale(m: MarketInputs, s: _Sampler) -> tuple[np.ndarray, np.ndarray]:
    vot = s.spec("cargo_value", m.cargo_value_usd_per_feu) * (
        s.spec("time_cost_pct", m.time_cost_pct_per_day) / 100.0
    )
    return vot, s.spec("logit_scale", m.logit_scale_per_1000usd_per_feu) / 1000.0


def benchmark_share(constant: np.ndarray, vot: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """China-Europe rail's share recomputed from a fresh sampler's draws of the same streams."""
    s = _Sampler(SEED, BLOCK, SIZE)
    bench = china_europe_rail()
    rail_gc = (
        s.spec("bench:rail:base", bench.base_usd_per_feu)
        + s.spec("bench:rail:extras", bench.extras_usd_per_feu)
        + vot * s.spec("bench:rail:days", bench.door_to_door_days)
    )
    leg = ocean_leg(*BENCHMARK_SEA)
    sea_days = (
        s.spec(f"port-export:{leg.origin}", leg.export_days)
        + leg.sailing_days
        + s.spec(f"port-import:{leg.destination}", leg.import_days)
    )
    sea_gc = s.spec(f"rate:{leg.lane}", leg.usd_per_feu) + vot * sea_days
    return logit_share(rail_gc + constant, sea_gc, scale)


@pytest.mark.parametrize("share", [0.02, 0.12, 0.5, 0.9])
def test_rail_constant_reproduces_the_benchmark_share(share: float) -> None:
    m = market({"dist": "fixed", "value": share, "source": "test"})
    s = _Sampler(SEED, BLOCK, SIZE)
    vot, scale = vot_and_scale(m, s)
    constant = _rail_constant(m, s, vot, scale)
    assert constant.shape == (SIZE,)
    assert np.ptp(constant) > 0  # a constant per draw, not one number
    np.testing.assert_allclose(benchmark_share(constant, vot, scale), share, rtol=1e-9)


def test_rail_constant_with_an_uncertain_share() -> None:
    """With the built-in's uniform share, each draw reproduces its own share draw."""
    m = market(_market_doc()["benchmark_rail_share"])
    s = _Sampler(SEED, BLOCK, SIZE)
    vot, scale = vot_and_scale(m, s)
    constant = _rail_constant(m, s, vot, scale)
    got = benchmark_share(constant, vot, scale)
    assert m.benchmark_rail_share is not None
    want = _Sampler(SEED, BLOCK, SIZE).spec("bench:share", m.benchmark_rail_share)
    np.testing.assert_allclose(got, want, rtol=1e-9)
    assert 0.09 <= got.min() and got.max() <= 0.145


def test_rail_constant_falls_as_the_share_rises() -> None:
    """A larger observed rail share means rail is liked more than its costs say."""
    out = []
    for share in (0.05, 0.1, 0.3):
        m = market({"dist": "fixed", "value": share, "source": "test"})
        s = _Sampler(SEED, BLOCK, SIZE)  # a sampler caches each key's draws: a fresh one
        vot, scale = vot_and_scale(m, s)
        out.append(_rail_constant(m, s, vot, scale))
    assert np.all(out[0] > out[1]) and np.all(out[1] > out[2])


def test_no_benchmark_share_no_constant() -> None:
    m = market(None)
    s = _Sampler(SEED, BLOCK, SIZE)
    vot, scale = vot_and_scale(m, s)
    assert _rail_constant(m, s, vot, scale).tolist() == [0.0] * SIZE
