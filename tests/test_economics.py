"""Project economics: closed forms, scipy cross-checks, properties and bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq

from beringia.core.economics import (
    OperatingFlows,
    benefit_cost_ratio,
    breakeven_traffic,
    capex_profile,
    carried_traffic,
    discount_factors,
    irr,
    npv,
    operating_cash_flows,
    operating_window,
    payback_year,
    ramp_profile,
    residual_value,
)
from beringia.errors import ScenarioError

FAST = settings(max_examples=60, deadline=None)


def annuity(c: float, r: float, t: int) -> float:
    return c * t if r == 0 else c * (1.0 - (1.0 + r) ** -t) / r


# --------------------------------------------------------------------------- NPV


@pytest.mark.parametrize(("c", "r", "t"), [(5.0, 0.05, 30), (1.0, 0.0, 12), (2.5, 0.12, 60)])
def test_annuity_npv_closed_form(c: float, r: float, t: int) -> None:
    cash = np.full((1, t), c)
    assert npv(cash, r)[0] == pytest.approx(annuity(c, r, t), rel=1e-12)
    # mid-year: every flow half a year earlier
    assert npv(cash, r, timing="mid")[0] == pytest.approx(
        annuity(c, r, t) * (1 + r) ** 0.5, rel=1e-12
    )
    assert npv(cash, r, timing="start")[0] == pytest.approx(annuity(c, r, t) * (1 + r), rel=1e-12)


def test_npv_per_draw_rates_match_scalar_rates() -> None:
    rng = np.random.default_rng(7)
    cash = rng.normal(size=(5, 20))
    rates = np.array([0.0, 0.03, 0.05, 0.1, -0.2])
    per_draw = npv(cash, rates)
    for i, r in enumerate(rates):
        assert per_draw[i] == pytest.approx(npv(cash[i : i + 1], float(r))[0], rel=1e-12)
    assert discount_factors(0.05, 3).tolist() == pytest.approx([1 / 1.05, 1.05**-2, 1.05**-3])


@FAST
@given(
    out=st.lists(st.floats(0.0, 50.0), min_size=1, max_size=8),
    inflow=st.lists(st.floats(0.0, 50.0), min_size=1, max_size=40),
    r1=st.floats(-0.5, 1.0),
    dr=st.floats(1e-3, 1.0),
)
def test_npv_falls_as_rate_rises(
    out: list[float], inflow: list[float], r1: float, dr: float
) -> None:
    """All outflows before all inflows.

    Valued at the end of the last outflow year, the NPV always falls as the rate rises;
    valued at notice to proceed it falls wherever it is non-negative (a project that never
    pays back can look less bad at a higher rate: its later outflows weigh less); and with
    the one outlay at the valuation time (the textbook project, ``timing="start"``) it
    always falls.
    """
    cash = np.array([[-x for x in out] + inflow])
    r2 = r1 + dr
    lo, hi = npv(cash, r1)[0], npv(cash, r2)[0]
    k = len(out)
    assert hi * (1 + r2) ** k <= lo * (1 + r1) ** k + 1e-9 * (1 + abs(lo))
    if lo >= 0:
        assert hi <= lo + 1e-9 * (1 + abs(lo))
    one = np.array([[-sum(out), *inflow]])
    lo1 = npv(one, r1, timing="start")[0]
    assert npv(one, r2, timing="start")[0] <= lo1 + 1e-9 * (1 + abs(lo1))


# --------------------------------------------------------------------------- IRR


def test_irr_of_annuity_matches_brentq() -> None:
    p, c, t = 100.0, 8.0, 30
    cash = np.concatenate([[-p], np.full(t, c)])[None, :]
    want = brentq(lambda r: annuity(c, r, t) - p, 1e-6, 1.0, xtol=1e-15)
    assert irr(cash)[0] == pytest.approx(want, abs=1e-12)


@FAST
@given(
    p=st.floats(1.0, 1e3),
    ratio=st.floats(0.005, 2.0),
    t=st.integers(2, 80),
)
def test_irr_of_annuity_property(p: float, ratio: float, t: int) -> None:
    c = p * ratio
    if c * t <= p * 1.0001:  # no positive rate pays back: root at or below zero
        return
    cash = np.concatenate([[-p], np.full(t, c)])[None, :]
    want = brentq(lambda r: annuity(c, r, t) - p, 1e-12, 10.0, xtol=1e-15)
    assert irr(cash)[0] == pytest.approx(want, rel=1e-9, abs=1e-12)


@FAST
@given(c0=st.floats(0.01, 1e4), growth=st.floats(0.02, 50.0), lead=st.integers(0, 5))
def test_irr_of_two_flows(c0: float, growth: float, lead: int) -> None:
    cash = np.zeros((1, lead + 2))
    cash[0, lead], cash[0, lead + 1] = -c0, c0 * growth
    assert 1.0 + irr(cash)[0] == pytest.approx(growth, rel=1e-10)


def test_irr_vectorised_matches_per_draw_brentq() -> None:
    rng = np.random.default_rng(2025)
    n, t = 300, 60
    build = rng.integers(3, 12, size=n)
    cash = rng.uniform(0.5, 3.0, size=(n, t))
    cols = np.arange(t)[None, :]
    cash = np.where(cols < build[:, None], -rng.uniform(5, 20, size=(n, 1)), cash)
    got = irr(cash)
    for i in range(n):
        f = (lambda row: lambda r: float(np.sum(row * (1 + r) ** -np.arange(t))))(cash[i])
        if f(-0.99) * f(100.0) > 0:
            assert np.isnan(got[i])
            continue
        want = brentq(f, -0.99, 100.0, xtol=1e-14, rtol=1e-14)
        assert got[i] == pytest.approx(want, rel=1e-9, abs=1e-12)
    assert np.isfinite(got).sum() > n * 0.9


def test_irr_nan_without_sign_change_and_nearest_root_to_zero() -> None:
    cash = np.array(
        [
            [1.0, 2.0, 3.0],  # all inflows
            [-1.0, -2.0, 0.0],  # all outflows
            [0.0, 0.0, 0.0],
            [-1.0, 5.0, -6.0],  # roots 1 + r = 2 and 3: nearest zero is r = 1
        ]
    )
    got = irr(cash)
    assert np.isnan(got[:3]).all()
    assert got[3] == pytest.approx(1.0, rel=1e-12)


def test_irr_negative_rate() -> None:
    cash = np.array([[-100.0, 50.0, 40.0]])  # pays back 90 of 100
    r = irr(cash)[0]
    assert r < 0
    assert npv(cash, r)[0] == pytest.approx(0.0, abs=1e-10)


@pytest.mark.parametrize("years", [155, 250, 420])
def test_irr_over_long_horizons_without_overflow(years: int) -> None:
    """(1 + r)^-t overflows at r = -99 % after 154 years: the search must still find the roots.

    Each row has one root known in closed form; warnings are errors in the test suite.
    """
    cash = np.zeros((6, years))
    cash[0, 0], cash[0, 1:] = -10.0, 1.0  # a perpetuity of 1 on 10: r -> 10 %
    cash[1, 0], cash[1, 1] = -1.0, 0.05  # 1 + r = 0.05
    cash[2, 0], cash[2, years - 1] = -1.0, 0.001  # (1 + r)^(T - 1) = 0.001
    cash[3, 0], cash[3, years // 2] = -1.0, 200.0  # (1 + r)^(T / 2) = 200
    cash[4, 0], cash[4, 1] = -10.0, 0.05  # 1 + r = 0.005: below the search's -99 %
    cash[5, 0], cash[5, years - 1] = -1.0, 1e-300  # (1 + r)^(T - 1) = 1e-300
    got = irr(cash)
    t = years - 1
    want = [
        brentq(lambda r: annuity(1.0, r, t) - 10.0, 1e-6, 1.0, xtol=1e-15),
        -0.95,
        0.001 ** (1 / t) - 1,
        200.0 ** (1 / (years // 2)) - 1,
        math.nan,
        10.0 ** (-300 / t) - 1,
    ]
    np.testing.assert_allclose(got, want, rtol=1e-9)


# --------------------------------------------------------------------------- capex


@FAST
@given(
    cost=st.one_of(st.just(0.0), st.floats(1e-6, 100.0)),
    duration=st.floats(0.05, 20.0),
    shape=st.sampled_from(["uniform", "s_curve"]),
)
def test_capex_sums_to_cost_and_spans_duration(cost: float, duration: float, shape: str) -> None:
    prof = capex_profile([cost], [duration], 25, shape=shape)  # type: ignore[arg-type]
    assert prof.shape == (1, 25)
    assert prof.sum() == pytest.approx(cost, rel=1e-12, abs=1e-12)
    last = math.ceil(duration)
    assert (prof[0, last:] == 0).all()
    if cost > 0:
        assert (prof[0, :last] > 0).all()
        assert (prof >= 0).all()


def test_capex_known_values() -> None:
    uni = capex_profile([10.0], [2.5], 4)
    assert uni[0].tolist() == pytest.approx([4.0, 4.0, 2.0, 0.0])
    s = capex_profile(np.array([8.0]), np.array([2.0]), 3, shape="s_curve")
    # cumulative 3x^2 - 2x^3 at x = 1/2 is 1/2: half the cost in each of two years
    assert s[0].tolist() == pytest.approx([4.0, 4.0, 0.0])
    s = capex_profile(1.0, 4.0, 4, shape="s_curve")
    f = [3 * x**2 - 2 * x**3 for x in (0, 0.25, 0.5, 0.75, 1.0)]
    assert s[0].tolist() == pytest.approx(np.diff(f).tolist())


# --------------------------------------------------------------------------- operations


def test_ramp_profile_exact_integral() -> None:
    g = ramp_profile([2.5], 8, ramp_years=3.0, initial_share=0.2)[0]
    # year 2: half a year open, ramp 0.2 + 0.8 s / 3 integrated over s in [0, 0.5]
    assert g[2] == pytest.approx(0.1 + 0.8 * 0.125 / 3)
    assert g[:2].tolist() == [0.0, 0.0]
    assert g[6:].tolist() == pytest.approx([1.0, 1.0])
    # total = open years 5.5 minus the ramp's shortfall (1 - 0.2) * 3 / 2
    assert g.sum() == pytest.approx(5.5 - 0.8 * 1.5)
    assert ramp_profile([0.25], 3)[0].tolist() == pytest.approx([0.75, 1.0, 1.0])


@FAST
@given(
    demand=st.floats(0.0, 1e7),
    cap=st.floats(0.0, 1e7),
    extra=st.floats(0.0, 1e7),
    ramp=st.floats(0.0, 1.0),
)
def test_more_capacity_never_lowers_carried(
    demand: float, cap: float, extra: float, ramp: float
) -> None:
    assert carried_traffic(demand, cap + extra, ramp) >= carried_traffic(demand, cap, ramp)


@FAST
@given(cap=st.floats(0.0, 2e6), extra=st.floats(0.0, 2e6), demand=st.floats(0.0, 3e6))
def test_more_capacity_never_lowers_carried_in_operating_flows(
    cap: float, extra: float, demand: float
) -> None:
    window = operating_window([3.5], 20, ramp_years=5.0, initial_share=0.1)
    kw = dict(
        demand=demand,
        tariff=500.0,
        variable_cost_per_unit=100.0 * 30.0 / 200.0,
        fixed_cost_per_year=100.0 * 1e5,
    )
    lo = operating_cash_flows(window, capacity=cap, **kw)
    hi = operating_cash_flows(window, capacity=cap + extra, **kw)
    assert (hi.carried >= lo.carried).all()
    assert (hi.carried <= demand + 1e-9).all()


def operating(
    demand: np.ndarray, n: int
) -> tuple[np.ndarray, OperatingFlows, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(11)
    t = 60
    cost = rng.uniform(8, 65, n)  # money unit: USD bn
    dur = rng.uniform(6, 15, n)
    capex = capex_profile(cost, dur, t, shape="s_curve")
    capacity = rng.uniform(2e7, 4e7, n)  # t a year
    tariff = rng.uniform(40e-9, 80e-9, n)  # USD bn per t
    per_train_km = rng.uniform(20e-9, 60e-9, n)
    per_km_year = rng.uniform(0.5e-3, 2e-3, n)
    arctic = rng.uniform(1.2, 1.8, n)
    route_km, t_per_train = 110.0, 3000.0
    window = operating_window(dur, t, ramp_years=rng.uniform(3, 10, n), initial_share=0.1)
    ops = operating_cash_flows(
        window,
        demand=demand,
        capacity=capacity,
        tariff=tariff,
        variable_cost_per_unit=arctic * route_km * per_train_km / t_per_train,
        fixed_cost_per_year=arctic * route_km * per_km_year,
    )
    resid = residual_value(cost, t - dur, 100.0, booked_year=t - 1, horizon_years=t)
    return capex, ops, resid, dur


def test_breakeven_traffic_gives_zero_npv() -> None:
    n, rate = 50, 0.04
    capex, ops, resid, _ = operating(np.full(50, 1e7), n)
    base = resid - capex - ops.fixed_opex
    d_star = breakeven_traffic(base, ops.unit_net, rate)
    assert np.isfinite(d_star).all() and (d_star > 0).all()
    capex2, ops2, resid2, _ = operating(d_star, n)
    cash = -capex2 + ops2.net + resid2
    scale = npv(capex2, rate)
    below = d_star <= 2e7  # capacity is at least 2e7 in every draw
    assert below.any()
    assert np.abs(npv(cash, rate)[below] / scale[below]).max() < 1e-9
    assert (npv(-capex, rate) < 0).all()
    capped = breakeven_traffic(base, ops.unit_net, rate, capacity=np.full(n, 1.0))
    assert np.isinf(capped).all()


def test_breakeven_edge_cases() -> None:
    base = np.array([[-10.0, 0.0], [5.0, 0.0], [-10.0, 0.0]])
    unit = np.array([[0.0, 2.0], [0.0, 1.0], [0.0, -1.0]])
    got = breakeven_traffic(base, unit, 0.0)
    assert got.tolist() == [5.0, 0.0, math.inf]


def test_operating_flows_hand_example() -> None:
    # 10 route-km, 100 units a train, 3 a train-km, 4 a km-year, Arctic factor 1.5
    ops = operating_cash_flows(
        operating_window([1.0], 3),
        demand=1000.0,
        capacity=600.0,
        tariff=2.0,
        variable_cost_per_unit=1.5 * 10.0 * 3.0 / 100.0,
        fixed_cost_per_year=1.5 * 10.0 * 4.0,
    )
    assert ops.carried[0].tolist() == [0.0, 600.0, 600.0]
    assert ops.revenue[0].tolist() == [0.0, 1200.0, 1200.0]
    # (6 trains x 10 km x 3 + 10 km x 4) x 1.5
    assert ops.opex[0].tolist() == pytest.approx([0.0, 330.0, 330.0])
    assert ops.net[0].tolist() == pytest.approx([0.0, 870.0, 870.0])
    # slope per unit of demand: tariff - 1.5 x 10 x 3 / 100
    assert ops.unit_net[0].tolist() == pytest.approx([0.0, 1.55, 1.55])


def test_operating_window_closes() -> None:
    """Open from 1.5 to 3.5: half of year 1, years 2 and half of 3; ramp 0.5 -> 1 over a year."""
    w = operating_window([1.5], 5, closing_year=[3.5], ramp_years=1.0, initial_share=0.5)
    assert w.open_fraction[0].tolist() == [0.0, 0.5, 1.0, 0.5, 0.0]
    # first half year on the ramp: 0.5 x 0.5 + 0.5 x 0.5^2 / 2 = 0.3125; then 0.5 - 0.3125 ...
    assert w.ramp[0].tolist() == pytest.approx([0.0, 0.3125, 0.9375, 0.5, 0.0])
    with pytest.raises(ScenarioError) as err:
        operating_window([2.0], 5, closing_year=[1.0])
    assert err.value.field == "closing_year"


def test_residual_value_straight_line() -> None:
    got = residual_value(
        [100.0, 100.0, 100.0],
        [50.0, 50.0, 0.0],
        [100.0, 40.0, 50.0],
        booked_year=[59.5, 10.0, 70.0],
        horizon_years=60,
    )
    assert got.sum(axis=1).tolist() == pytest.approx([50.0, 0.0, 100.0])
    # booked in the year holding booked_year, the last one beyond the horizon
    assert got[0, 59] == pytest.approx(50.0) and got[2, 59] == pytest.approx(100.0)


# --------------------------------------------------------------------------- other measures


def test_payback_year() -> None:
    cash = np.array(
        [
            [-10.0, 4.0, 4.0, 4.0, 4.0],  # cumulative -10 -6 -2 2 6: year 3
            [-10.0, 1.0, 1.0, 1.0, 1.0],  # never
            [1.0, 1.0, -5.0, 10.0, 0.0],  # negative at year 2: year 3
            [1.0, 1.0, 1.0, 1.0, 1.0],  # never negative: 0
        ]
    )
    got = payback_year(cash)
    assert got[0] == 3 and np.isnan(got[1]) and got[2] == 3 and got[3] == 0
    # discounted (year-end): at 5 % -10/1.05 + 4 (1.05^-2 + 1.05^-3 + 1.05^-4) = +0.85;
    # at 10 % the same sum is -0.047 and year 4 adds 4/1.1^5; at 30 % never
    assert payback_year(cash[:1], 0.05)[0] == 3
    assert payback_year(cash[:1], 0.1)[0] == 4
    assert np.isnan(payback_year(cash[:1], 0.3)[0])


def test_benefit_cost_ratio() -> None:
    b = np.array([[0.0, 11.0, 12.1], [0.0, 0.0, 0.0]])
    k = np.array([[10.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    got = benefit_cost_ratio(b, k, 0.1, timing="end")
    # PV(b) = 11/1.21 + 12.1/1.331 = 20/1.1; PV(k) = 10/1.1
    assert got[0] == pytest.approx(2.0)
    assert np.isnan(got[1])


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: capex_profile(1.0, 0.0, 10), "duration_years"),
        (lambda: capex_profile(1.0, 11.0, 10), "duration_years"),
        (lambda: capex_profile(-1.0, 2.0, 10), "cost_usd_bn"),
        (lambda: capex_profile(1.0, 2.0, 10, shape="bell"), "shape"),  # type: ignore[arg-type]
        (lambda: capex_profile(1.0, 2.0, 0), "horizon_years"),
        (lambda: npv(np.ones((2, 3)), -1.0), "rate"),
        (lambda: npv(np.ones((2, 3)), [0.1, 0.2, 0.3]), "rate"),
        (lambda: npv(np.ones((2, 3)), 0.1, timing="begin"), "timing"),  # type: ignore[arg-type]
        (lambda: npv(np.array([[1.0, np.nan]]), 0.1), "cash"),
        (lambda: irr(np.ones((2, 2, 2))), "cash"),
        (lambda: ramp_profile([1.0], 5, initial_share=1.5), "initial_share"),
        (
            lambda: residual_value(1.0, 1.0, 0.0, booked_year=1.0, horizon_years=10),
            "asset_life_years",
        ),
        (
            lambda: residual_value(1.0, -1.0, 5.0, booked_year=1.0, horizon_years=10),
            "service_years",
        ),
        (lambda: carried_traffic(-1.0, 2.0, 1.0), "demand"),
    ],
)
def test_bad_input_names_the_field(call: object, field: str) -> None:
    with pytest.raises(ScenarioError) as err:
        call()  # type: ignore[operator]
    assert err.value.field == field


def test_irr_ignores_flows_within_rounding_of_zero() -> None:
    """A residue of 1e-19 where revenue and cost cancel is no inflow: no spurious -100 % root."""
    cash = np.array([[-1.0, -1.0, -1.0, 1.5e-19], [-1.0, 0.0, 0.0, 2.0], [-1.0, 0.0, 0.0, 1e-3]])
    out = irr(cash)
    assert np.isnan(out[0])
    assert out[1] == pytest.approx(2.0 ** (1 / 3) - 1, rel=1e-12)
    # a small but real inflow still counts: its root is (1e-3) ** (1 / 3) - 1, near -90 %
    assert out[2] == pytest.approx(1e-3 ** (1 / 3) - 1, rel=1e-9)
