"""The economics' fast paths give the numbers of the plain ones they replaced (issue 16).

Each plain version is kept here as the oracle. Where both use the same NumPy kernels the fast
one must be bit-identical to it (on any machine); the matrix-vector product of a fixed rate
is checked on flows whose sums are exact, so that no BLAS summation order can hide a slip.
A property checks the IRR against a per-draw ``brentq`` on mixed horizons, deep losses
included, and a corridor run on fixed tunnel draws is pinned to its figures before the
speed-ups.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray
from scipy.optimize import brentq
from test_corridor_assess import operations

from beringia.core import economics as econ
from beringia.core.economics import (
    IRR_GRID_POINTS,
    IRR_RATE_MAX,
    IRR_RATE_MIN,
    irr,
    npv,
    npv_at_rates,
    operating_window,
    ramp_profile,
)
from beringia.models.construction.compile import tunnel_length_km
from beringia.models.corridor.appraise import assess_corridor
from beringia.models.corridor.compile import scenario_appraisal
from beringia.models.corridor.run import scenario_plan
from beringia.scenario import load_scenario

Array = NDArray[np.float64]
EXP_MAX = 700.0


# --------------------------------------------------------------------------- plain oracles


def grid_npv_plain(c: Array, exponents: Array, last: NDArray[np.intp]) -> Array:
    """The IRR grid before issue 16: per-draw weights in every column that could overflow."""
    safe = exponents.max(axis=0) <= EXP_MAX
    out = np.empty((c.shape[0], exponents.shape[1]))
    out[:, safe] = c @ np.exp(exponents[:, safe])
    for g in np.flatnonzero(~safe):
        e = exponents[:, g]
        shift = np.maximum(e[last] - EXP_MAX, 0.0)[:, None]
        out[:, g] = np.einsum("it,it->i", c, np.exp(np.minimum(e[None, :] - shift, EXP_MAX)))
    return out


def ramp_profile_plain(
    opening: Array, horizon: int, ramp: Array | float = 0.0, s0: Array | float = 0.0
) -> Array:
    """The ramp-up profile before issue 16: every draw through the ramp formula."""
    opening, ramp_a, s0_a = np.broadcast_arrays(
        np.atleast_1d(np.asarray(opening, dtype=np.float64)),
        np.atleast_1d(np.asarray(ramp, dtype=np.float64)),
        np.atleast_1d(np.asarray(s0, dtype=np.float64)),
    )
    edges = np.arange(horizon + 1, dtype=np.float64)
    s = np.maximum(edges[None, :] - opening[:, None], 0.0)
    r = ramp_a[:, None]
    a = s0_a[:, None]
    on_ramp = np.minimum(s, r)
    safe_r = np.where(r > 0, r, 1.0)
    area_ramp = np.where(r > 0, a * on_ramp + (1.0 - a) * on_ramp**2 / (2.0 * safe_r), 0.0)
    out: Array = np.diff(area_ramp + (s - on_ramp), axis=1)
    return out


def window_plain(
    opening: Array, horizon: int, closing: Array, ramp: Array, s0: Array
) -> tuple[Array, Array]:
    """The operating window before issue 16 (ramp and open fraction)."""
    after = ramp_profile_plain(closing, horizon)
    ramp_share = np.maximum(ramp_profile_plain(opening, horizon, ramp, s0) - after, 0.0)
    open_fraction = np.maximum(ramp_profile_plain(opening, horizon) - after, 0.0)
    shut = np.arange(horizon)[None, :] >= closing[:, None]
    ramp_share[shut] = 0.0
    open_fraction[shut] = 0.0
    return ramp_share, open_fraction


def _bits_equal(a: Array, b: Array) -> bool:
    return a.shape == b.shape and a.tobytes() == b.tobytes()


def _ragged(n: int, horizon: int, seed: int) -> tuple[Array, NDArray[np.intp]]:
    """Random flows, each draw zero after its own last year (some late, some early)."""
    g = np.random.default_rng(seed)
    c = g.normal(size=(n, horizon)) * np.exp(g.normal(size=(n, horizon)))
    last = g.integers(0, horizon, n)
    c[np.arange(horizon)[None, :] > last[:, None]] = 0.0
    c[:, 0] = -np.abs(c[:, 0]) * 20.0
    return c, econ._last_flow(c)


# --------------------------------------------------------------------------- IRR grid


@pytest.mark.parametrize("horizon", [40, 160, 260, 400])
def test_irr_grid_is_the_plain_grid_bit_for_bit(horizon: int) -> None:
    c, last = _ragged(700, horizon, horizon)
    xs = np.linspace(np.log1p(IRR_RATE_MIN), np.log1p(IRR_RATE_MAX), IRR_GRID_POINTS)
    exponents = -np.outer(np.arange(horizon, dtype=np.float64), xs)
    unsafe = ~(exponents.max(axis=0) <= EXP_MAX)
    # the long horizons have columns that would overflow, and draws both sides of exp(700)
    if horizon >= 260:
        assert unsafe.any()
        top = exponents[last][:, unsafe]
        assert (top > EXP_MAX).any() and (top <= EXP_MAX).any()
    assert _bits_equal(econ._grid_npv(c, exponents, last), grid_npv_plain(c, exponents, last))


# --------------------------------------------------------------------------- Horner


def test_horner_passes_are_the_plain_horner_bit_for_bit() -> None:
    c, last = _ragged(300, 90, 3)
    order = np.argsort(-last, kind="stable")
    ct = np.ascontiguousarray(c[order].T)
    width = econ._NpvAt._width(last[order], ct.shape[0])
    g = np.random.default_rng(4)
    u = np.exp(-g.uniform(-0.5, 2.0, ct.shape[1]))
    p_plain, dp_plain = econ._horner(ct, u)
    p, dp, pa = econ._horner_ragged(ct, np.abs(ct), u, width)
    assert _bits_equal(p, p_plain) and _bits_equal(dp, dp_plain)
    pa_plain = econ._horner(np.abs(ct), u)[0]
    assert _bits_equal(pa, pa_plain)
    # the value-only pass at two points per draw: each row its own P, bit for bit
    u2 = np.stack([u, np.exp(-g.uniform(-0.5, 2.0, ct.shape[1]))])
    both = econ._horner_values(ct, u2, width)
    assert _bits_equal(both[0], p)
    assert _bits_equal(both[1], econ._horner_ragged(ct, np.abs(ct), u2[1], width)[0])


# --------------------------------------------------------------------------- NPV


@pytest.mark.parametrize(("n", "years"), [(64, 70), (4096, 70), (4096, 173), (4396, 70), (31, 9)])
def test_npv_at_a_fixed_rate_in_slices_is_the_whole_product(n: int, years: int) -> None:
    """Integer flows and a power-of-two rate: every partial sum is exact, in any order."""
    g = np.random.default_rng(n + years)
    c = g.integers(-1000, 1000, size=(n, years)).astype(np.float64)
    got = npv(c, 1.0)  # factors 2^-(t + 1)
    assert np.array_equal(got, c @ (2.0 ** -np.arange(1.0, years + 1.0)))
    assert np.array_equal(econ._matvec(c, np.ones(years)), c.sum(axis=1))
    # several fixed rates at once: npv at each rate in turn, bit for bit
    for at, rate in zip(npv_at_rates(c, [1.0, 0.035]), [1.0, 0.035], strict=True):
        assert _bits_equal(at, npv(c, rate))


def test_npv_at_a_fixed_rate_matches_the_per_draw_rates() -> None:
    c, _ = _ragged(4096, 120, 5)
    np.testing.assert_allclose(npv(c, 0.05), npv(c, np.full(4096, 0.05)), rtol=1e-12, atol=1e-9)


# --------------------------------------------------------------------------- windows


def test_ramp_profile_and_window_are_the_plain_ones_bit_for_bit() -> None:
    g = np.random.default_rng(6)
    n, horizon = 500, 120
    opening = g.uniform(0.0, 50.0, n)
    opening[:5] = [0.0, 1.0, 2.5, 50.0, 49.999]
    ramp = g.uniform(0.0, 10.0, n)
    ramp[::4] = 0.0
    s0 = g.uniform(0.0, 1.0, n)
    closing = opening + g.uniform(0.0, 60.0, n)
    closing[:3] = opening[:3]
    for kw in ({}, {"ramp_years": ramp}, {"ramp_years": ramp, "initial_share": s0}):
        got = ramp_profile(opening, horizon, **kw)
        want = ramp_profile_plain(
            opening, horizon, kw.get("ramp_years", 0.0), kw.get("initial_share", 0.0)
        )
        assert _bits_equal(got, want)
    w = operating_window(opening, horizon, closing_year=closing, ramp_years=ramp, initial_share=s0)
    ramp_share, open_fraction = window_plain(opening, horizon, closing, ramp, s0)
    assert _bits_equal(w.ramp, ramp_share) and _bits_equal(w.open_fraction, open_fraction)


def test_validation_of_broadcast_inputs_still_names_the_field() -> None:
    w = operating_window(np.array([1.0, 2.0]), 10)
    with pytest.raises(econ.ScenarioError, match="variable_cost_per_unit"):
        econ.operating_cash_flows(
            w,
            demand=1.0,
            capacity=np.array([5.0, 5.0]),
            tariff=1.0,
            variable_cost_per_unit=np.array([0.1, -0.2]),
            fixed_cost_per_year=0.0,
        )
    with pytest.raises(econ.ScenarioError, match="demand"):
        econ.carried_traffic(np.broadcast_to(np.array([[1.0], [np.nan]]), (2, 10)), 5.0, w.ramp)


# --------------------------------------------------------------------------- IRR property


@st.composite
def mixed_flows(draw: st.DrawFn) -> Array:
    """Draws with their own horizons: capex first, then income or deep losses, then zeros."""
    n = draw(st.integers(1, 12))
    horizon = draw(st.integers(2, 220))
    seed = draw(st.integers(0, 2**32 - 1))
    g = np.random.default_rng(seed)
    c = np.zeros((n, horizon))
    for i in range(n):
        last = int(g.integers(1, horizon)) if horizon > 1 else 0
        build = int(g.integers(1, last + 1))
        c[i, :build] = -g.uniform(0.5, 5.0, build)
        kind = g.integers(0, 3)
        if kind == 0:  # income: a conventional project
            c[i, build : last + 1] = g.uniform(0.01, 2.0, last + 1 - build)
        elif kind == 1:  # one tiny inflow at the end: IRR near -100 %
            c[i, last] = g.uniform(1e-9, 1e-2)
        # kind 2: no inflow, no sign change
    return c


def _weights(row: Array, r: float) -> Array:
    """``(1 + r)^-t`` divided by the largest weight over the row's own years (no overflow)."""
    x = float(np.log1p(r))
    last = int(np.flatnonzero(row)[-1])
    out: Array = np.zeros(row.size)
    out[: last + 1] = np.exp(-x * (np.arange(last + 1.0) - (last if x < 0 else 0)))
    return out


def _npv_at(row: Array, r: float) -> float:
    """The NPV up to a positive factor: the same sign and roots."""
    return float(np.sum(row * _weights(row, r)))


@settings(max_examples=60, deadline=None)
@given(mixed_flows())
def test_irr_is_brentq_per_draw_on_mixed_horizons(c: Array) -> None:
    rates = irr(c)
    for row, r in zip(c, rates, strict=True):
        if not ((row > 0).any() and (row < 0).any()):
            assert np.isnan(r)  # no sign change, no IRR, as before
            continue
        lo, hi = _npv_at(row, IRR_RATE_MIN), _npv_at(row, IRR_RATE_MAX)
        if not lo * hi < 0:
            continue  # a root outside the bracket (or none): the grid does not see it
        assert np.isfinite(r)
        want = brentq(lambda x, row=row: _npv_at(row, x), IRR_RATE_MIN, IRR_RATE_MAX, xtol=1e-15)
        assert r == pytest.approx(want, abs=1e-10)
        scale = float(np.sum(np.abs(row) * _weights(row, r)))
        assert abs(_npv_at(row, r)) <= 1e-9 * scale


# --------------------------------------------------------------------------- corridor pin


def test_corridor_on_fixed_tunnel_draws_keeps_its_figures() -> None:
    """A block and a part block of fixed tunnel draws, two of them opening after 100 years
    (the IRR grid's per-draw weights): the sums below were printed before the speed-ups."""
    sc = load_scenario("bering-strait")
    plan = scenario_plan(sc, operations(), tunnel_length_km(sc))
    g = np.random.default_rng(16)
    n = 4096 + 300
    cost = g.uniform(10.0, 60.0, n)
    years = g.uniform(5.0, 45.0, n)
    years[[7, 4200]] = [110.0, 125.5]
    inputs = scenario_appraisal(sc)
    assert inputs is not None
    a = assess_corridor(inputs, plan, cost, years, seed=16)
    assert a.tunnel.cash_years.shape == (177,)
    pins = {
        "tunnel": (
            -94372.87937692282,
            -84.93976522595557,
            -4.78223779290602,
            21,
            5.338410474093141,
            23435460481.06871,
            -113900.85596410235,
            31.15158831415153,
        ),
        "corridor": (
            -592901.1421523187,
            -96.94320831898602,
            -1.8631422289126982,
            12,
            8.137377755701237,
            22017704180.5446,
            -688677.8927806366,
            11.729753212634474,
        ),
    }
    for p in (a.tunnel, a.corridor):
        assert p.economic is not None
        be = p.breakeven_teu_per_year
        got = (
            np.nansum(p.npv_usd_bn),
            np.nansum(p.irr_with_residual),
            np.nansum(p.irr),
            int(np.isfinite(p.irr).sum()),
            np.nansum(p.revenue_cost_ratio),
            np.sum(be[np.isfinite(be)]),
            np.nansum(p.rate_table[1].npv_usd_bn),
            np.nansum(p.economic.benefit_cost_ratio),
        )
        want = pins[p.name]
        assert got[3] == want[3]
        for x, y in zip(got, want, strict=True):
            assert x == pytest.approx(y, rel=1e-12)
