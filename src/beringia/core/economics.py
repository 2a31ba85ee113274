"""Project economics over Monte Carlo draws: cash flows, NPV, IRR, payback, break-even.

Every function works on all draws at once. Cash flows are 2-D arrays ``(draws, years)``;
column ``t`` holds the flows of year ``t``, the interval ``[t, t + 1)`` in years after notice to
proceed (year 0 starts at notice to proceed). Money is in whatever unit the caller uses
(beringia passes USD bn); traffic is in whatever unit the caller uses (TEU, tonnes), as long as
tariffs and train loads use the same one.

Timing convention of discounting (:func:`npv`, :func:`benefit_cost_ratio`, ...):

* ``timing="end"`` (default): the flows of year ``t`` are booked at its end, ``t + 1`` years
  after notice to proceed, and discounted by ``(1 + r) ** -(t + 1)``. An annuity ``C`` in
  columns ``0 .. T-1`` is worth ``C (1 - (1 + r) ** -T) / r``.
* ``timing="mid"``: booked at mid-year, discounted by ``(1 + r) ** -(t + 0.5)``.
* ``timing="start"``: booked at the start of the year, ``(1 + r) ** -t`` (the convention of
  spreadsheet ``NPV`` with the year-0 flow added undiscounted, and of ``numpy_financial.npv``).

The internal rate of return does not depend on the convention (a common shift of all flows
multiplies the NPV by a positive factor).

Model of the operating years (:func:`operating_window`, :func:`operating_cash_flows`): the line
opens at ``opening_year`` (fractional, per draw; usually the end of construction) and is
appraised until ``closing_year``. Carried traffic is ``ramp(s) * min(demand, capacity)`` where
``s`` is the time since opening and ``ramp(s) = min(1, s0 + (1 - s0) s / R)`` rises linearly
from the initial share ``s0`` to 1 over ``R`` years; each year's value is the exact integral
over the part of the year the line is open. Revenue = carried x tariff; operating cost =
carried x variable cost per unit + open fraction x fixed cost a year (the caller folds
train-km costs, route lengths and Arctic factors into those two). Because carried traffic is
linear in demand up to capacity, NPV is linear in demand there, and :func:`breakeven_traffic`
solves it in closed form. :func:`residual_value` books an asset's straight-line value left at
the end of the appraisal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from beringia.core.distributions import FloatArray
from beringia.errors import ScenarioError

Shape = Literal["uniform", "s_curve"]
Timing = Literal["end", "mid", "start"]

IRR_RATE_MIN = -0.99
"""Smallest rate the IRR search brackets (a loss of 99 % a year)."""
IRR_RATE_MAX = 100.0
"""Largest rate the IRR search brackets (10,000 % a year)."""
IRR_GRID_POINTS = 64
"""Grid points in ``log(1 + r)`` over which the IRR search looks for a sign change."""
IRR_MAX_ITERATIONS = 60
"""Upper bound on the safeguarded Newton iterations after bracketing."""

_GRID_CHUNK = 16_384
_MATVEC_SIZE = 9216
"""OpenBLAS multiplies a matrix of fewer elements than this by a vector on one thread
(``2304 x GEMM_MULTITHREAD_THRESHOLD``, the threshold 4 by default)."""
_EXP_MAX = 700.0
"""Largest exponent the IRR search evaluates (``exp(709.79)`` overflows a float64)."""


# --------------------------------------------------------------------------- validation


def _draws(value: ArrayLike, name: str, n: int | None = None) -> FloatArray:
    """Return ``value`` as a finite 1-D float array (a scalar stays 0-D)."""
    a = np.asarray(value, dtype=np.float64)
    if a.ndim > 1:
        raise ScenarioError(name, a.shape, "a number or a 1-D array with one value per draw")
    if not np.all(np.isfinite(a)):
        raise ScenarioError(name, a.tolist(), "finite numbers")
    if n is not None and a.ndim == 1 and a.size != n:
        raise ScenarioError(name, a.shape, f"one value per draw ({n})")
    return a


def _per_year(value: ArrayLike, name: str, n: int, horizon: int) -> FloatArray:
    """Return ``value`` broadcast to ``(n, horizon)``: scalar, per draw ``(n,)`` or ``(n, T)``."""
    a = np.asarray(value, dtype=np.float64)
    if a.ndim == 1:
        if a.size != n:
            raise ScenarioError(
                name, a.shape, f"one value per draw ({n}) or a (draws, years) array"
            )
        a = a[:, None]
    elif a.ndim == 2 and a.shape not in ((n, horizon), (1, horizon), (n, 1)):
        raise ScenarioError(name, a.shape, f"a (draws, years) array of shape ({n}, {horizon})")
    elif a.ndim > 2:
        raise ScenarioError(name, a.shape, "a number, one value per draw, or (draws, years)")
    if not np.all(np.isfinite(a)):
        raise ScenarioError(name, "non-finite values", "finite numbers")
    out: FloatArray = np.broadcast_to(a, (n, horizon))
    return out


def _compact(a: FloatArray) -> FloatArray:
    """Return ``a`` with its broadcast axes (stride 0) cut to length 1: the same values, once."""
    if a.ndim == 0 or all(st != 0 for st in a.strides):
        return a
    out: FloatArray = a[tuple(slice(0, 1) if st == 0 else slice(None) for st in a.strides)]
    return out


def _non_negative(a: FloatArray, name: str) -> None:
    a = _compact(np.asarray(a))
    if np.any(a < 0):
        raise ScenarioError(name, float(np.min(a)), "non-negative values")


def _horizon(horizon_years: int) -> int:
    if isinstance(horizon_years, bool) or int(horizon_years) != horizon_years or horizon_years < 1:
        raise ScenarioError("horizon_years", horizon_years, "a whole number of years >= 1")
    return int(horizon_years)


def _cash(cash: ArrayLike, name: str = "cash") -> FloatArray:
    c = np.asarray(cash, dtype=np.float64)
    if c.ndim == 1:
        c = c[None, :]
    if c.ndim != 2 or c.shape[1] < 1:
        raise ScenarioError(name, c.shape, "a (draws, years) array with at least one year")
    if not np.all(np.isfinite(c)):
        raise ScenarioError(name, "non-finite values", "finite cash flows")
    return c


def _rate(rate: ArrayLike, n: int | None) -> FloatArray:
    r = _draws(rate, "rate", n)
    if np.any(r <= -1.0):
        raise ScenarioError("rate", float(np.min(r)), "discount rates > -1 (0.05 = 5 % a year)")
    return r


def _shift(timing: Timing) -> float:
    if timing == "end":
        return 1.0
    if timing == "mid":
        return 0.5
    if timing == "start":
        return 0.0
    raise ScenarioError("timing", timing, "'end', 'mid' or 'start'")


# --------------------------------------------------------------------------- cash flows


def _cumulative_share(x: FloatArray, shape: Shape) -> FloatArray:
    """Return the share of the cost spent by construction progress ``x`` in [0, 1]."""
    if shape == "uniform":
        return x
    return x * x * (3.0 - 2.0 * x)


def capex_profile(
    cost_usd_bn: ArrayLike,
    duration_years: ArrayLike,
    horizon_years: int,
    *,
    shape: Shape = "uniform",
) -> FloatArray:
    """Spread each draw's capital cost over its own construction period.

    Year ``t`` receives the integral of the spending curve over ``[t, t + 1)``, so a
    fractional duration is handled exactly: the profile sums to the cost and is zero from
    year ``ceil(duration)`` on.

    Parameters
    ----------
    cost_usd_bn : array_like
        Capital cost per draw (``(n,)`` or a scalar), non-negative.
    duration_years : array_like
        Construction duration per draw (``(n,)`` or a scalar), in years after notice to
        proceed, > 0 and at most ``horizon_years``.
    horizon_years : int
        Number of yearly columns ``T``.
    shape : {"uniform", "s_curve"}
        Spending curve: ``uniform`` spends at a constant rate; ``s_curve`` spends at the rate
        ``6 x (1 - x)`` of progress ``x`` (cumulative ``3 x^2 - 2 x^3``, the beta(2, 2) law:
        slow start, peak at mid-construction, slow finish). The S-curve is an assumed shape,
        not a sourced one.

    Returns
    -------
    numpy.ndarray
        Spending ``(n, T)`` as positive numbers (negate for cash flows).
    """
    horizon = _horizon(horizon_years)
    if shape not in ("uniform", "s_curve"):
        raise ScenarioError("shape", shape, "'uniform' or 's_curve'")
    cost = _draws(cost_usd_bn, "cost_usd_bn")
    duration = _draws(duration_years, "duration_years")
    cost, duration = np.broadcast_arrays(np.atleast_1d(cost), np.atleast_1d(duration))
    _non_negative(cost, "cost_usd_bn")
    if np.any(duration <= 0) or np.any(duration > horizon):
        bad = duration[(duration <= 0) | (duration > horizon)][0]
        raise ScenarioError("duration_years", float(bad), f"durations in (0, {horizon}] years")
    edges = np.arange(horizon + 1, dtype=np.float64)
    progress = np.minimum(edges[None, :] / duration[:, None], 1.0)
    spent = _cumulative_share(progress, shape)
    profile: FloatArray = cost[:, None] * np.diff(spent, axis=1)
    return profile


def ramp_profile(
    opening_year: ArrayLike,
    horizon_years: int,
    *,
    ramp_years: ArrayLike = 0.0,
    initial_share: ArrayLike = 0.0,
) -> FloatArray:
    """Return each year's traffic as a share of the steady state, over the open part of it.

    Parameters
    ----------
    opening_year : array_like
        Opening time per draw, in years after notice to proceed (fractional allowed, >= 0).
    horizon_years : int
        Number of yearly columns ``T``.
    ramp_years : array_like
        Years ``R`` over which traffic rises linearly to the steady state (0: none).
    initial_share : array_like
        Share ``s0`` of the steady state carried at opening, in [0, 1].

    Returns
    -------
    numpy.ndarray
        ``(n, T)``: the integral of ``min(1, s0 + (1 - s0) s / R)`` over the part of each year
        after opening (``s`` = time since opening). With ``R = 0`` it is the open fraction of
        each year.
    """
    horizon = _horizon(horizon_years)
    opening = _draws(opening_year, "opening_year")
    ramp = _draws(ramp_years, "ramp_years")
    s0 = _draws(initial_share, "initial_share")
    opening, ramp, s0 = np.broadcast_arrays(
        np.atleast_1d(opening), np.atleast_1d(ramp), np.atleast_1d(s0)
    )
    if np.any(opening < 0):
        raise ScenarioError("opening_year", float(np.min(opening)), "opening times >= 0 years")
    _non_negative(ramp, "ramp_years")
    if np.any((s0 < 0) | (s0 > 1)):
        raise ScenarioError("initial_share", s0.tolist(), "shares in [0, 1]")
    edges = np.arange(horizon + 1, dtype=np.float64)
    s = np.maximum(edges[None, :] - opening[:, None], 0.0)  # time open at each year edge
    r = ramp[:, None]
    if not np.any(r > 0):
        # no ramp: the area below is 0 + (s - min(s, 0)) = s exactly (s >= 0)
        out: FloatArray = np.diff(s, axis=1)
        return out
    a = s0[:, None]
    on_ramp = np.minimum(s, r)
    safe_r = np.where(r > 0, r, 1.0)
    # area = where(r > 0, a on_ramp + (1 - a) on_ramp^2 / (2 r), 0) + (s - on_ramp), in place
    area_ramp = np.square(on_ramp)
    area_ramp *= 1.0 - a
    area_ramp /= 2.0 * safe_r
    area_ramp += a * on_ramp
    np.copyto(area_ramp, 0.0, where=~(r > 0))
    s -= on_ramp
    s += area_ramp
    out = np.diff(s, axis=1)
    return out


@dataclass(frozen=True)
class OperatingWindow:
    """The part of each year a line is open, and its traffic as a share of the steady state.

    Attributes
    ----------
    ramp : numpy.ndarray
        ``(n, T)``: the integral over each year of the ramp-up share (see
        :func:`ramp_profile`), zero before opening and after closing.
    open_fraction : numpy.ndarray
        ``(n, T)``: the fraction of each year between opening and closing.
    """

    ramp: FloatArray
    open_fraction: FloatArray


def operating_window(
    opening_year: ArrayLike,
    horizon_years: int,
    *,
    closing_year: ArrayLike | None = None,
    ramp_years: ArrayLike = 0.0,
    initial_share: ArrayLike = 0.0,
) -> OperatingWindow:
    """Return the operating window of each draw: open from ``opening_year`` to ``closing_year``.

    Parameters
    ----------
    opening_year : array_like
        Opening per draw, in years after notice to proceed (>= 0).
    horizon_years : int
        Number of yearly columns ``T``.
    closing_year : array_like, optional
        End of the operations appraised, per draw (>= opening); open to the horizon if omitted.
    ramp_years, initial_share : array_like
        Ramp-up, see :func:`ramp_profile`.

    Returns
    -------
    OperatingWindow
        Ramp-up shares and open fractions, ``(n, T)`` each.
    """
    if closing_year is None:
        after: FloatArray | float = 0.0
    else:
        closing = _draws(closing_year, "closing_year")
        if np.any(closing < np.asarray(opening_year, dtype=np.float64)):
            raise ScenarioError("closing_year", float(np.min(closing)), "closing >= opening")
        after = ramp_profile(closing, horizon_years)
    ramp = ramp_profile(
        opening_year, horizon_years, ramp_years=ramp_years, initial_share=initial_share
    )
    open_fraction = ramp_profile(opening_year, horizon_years)
    ramp = np.subtract(ramp, after)
    open_fraction = np.subtract(open_fraction, after)
    np.maximum(ramp, 0.0, out=ramp)
    np.maximum(open_fraction, 0.0, out=open_fraction)
    if closing_year is not None:
        # Years that start at or after closing are shut exactly: the differences above leave
        # rounding residues (~1e-16 of a year of traffic) that would read as cash flows.
        shut = np.arange(ramp.shape[1])[None, :] >= np.atleast_1d(closing)[:, None]
        np.copyto(ramp, 0.0, where=shut)
        np.copyto(open_fraction, 0.0, where=shut)
    return OperatingWindow(ramp, open_fraction)


@dataclass(frozen=True)
class OperatingFlows:
    """Yearly operating flows of every draw, each ``(n, T)``.

    Attributes
    ----------
    carried : numpy.ndarray
        Traffic carried in each year (traffic units).
    revenue : numpy.ndarray
        Carried traffic x tariff.
    opex : numpy.ndarray
        Operating cost (variable + fixed), positive.
    unit_net : numpy.ndarray
        Net cash of each year per unit of steady-state demand below capacity (the slope of
        ``net`` in demand); :func:`breakeven_traffic` uses it.
    fixed_opex : numpy.ndarray
        The part of ``opex`` that does not depend on traffic.
    """

    carried: FloatArray
    revenue: FloatArray
    opex: FloatArray
    unit_net: FloatArray
    fixed_opex: FloatArray

    @property
    def net(self) -> FloatArray:
        """Revenue minus operating cost, ``(n, T)``."""
        out: FloatArray = self.revenue - self.opex
        return out


def carried_traffic(demand: ArrayLike, capacity: ArrayLike, ramp: ArrayLike) -> FloatArray:
    """Return traffic carried: ``ramp * min(demand, capacity)``, elementwise.

    Parameters
    ----------
    demand, capacity : array_like
        Steady-state demand and capacity per year (same traffic unit), non-negative;
        broadcast against each other and ``ramp``.
    ramp : array_like
        Share of the steady state per year (:func:`ramp_profile`).

    Returns
    -------
    numpy.ndarray
        Carried traffic; never lower with more capacity or more demand.
    """
    d = np.asarray(demand, dtype=np.float64)
    k = np.asarray(capacity, dtype=np.float64)
    g = np.asarray(ramp, dtype=np.float64)
    for name, a in (("demand", d), ("capacity", k), ("ramp", g)):
        if np.any(np.isnan(_compact(a))):
            raise ScenarioError(name, "NaN", "numbers")
        _non_negative(a, name)
    out: FloatArray = g * np.minimum(d, k)
    return out


def operating_cash_flows(
    window: OperatingWindow,
    *,
    demand: ArrayLike,
    capacity: ArrayLike,
    tariff: ArrayLike,
    variable_cost_per_unit: ArrayLike,
    fixed_cost_per_year: ArrayLike,
) -> OperatingFlows:
    """Compute revenue and operating cost over an operating window, per draw and year.

    Carried traffic is ``ramp x min(demand, capacity)``; revenue is carried x tariff; operating
    cost is carried x variable cost + open fraction x fixed cost. Each input is a number, one
    value per draw ``(n,)`` or an ``(n, T)`` array.

    Parameters
    ----------
    window : OperatingWindow
        Ramp-up and open fraction of each year (:func:`operating_window`).
    demand : array_like
        Steady-state demand per year (traffic units a year), >= 0.
    capacity : array_like
        Capacity per year (same unit), >= 0.
    tariff : array_like
        Revenue per traffic unit carried (money unit per traffic unit).
    variable_cost_per_unit : array_like
        Operating cost per traffic unit carried (train-km cost x km / units per train), >= 0.
    fixed_cost_per_year : array_like
        Operating cost of a whole year open, whatever the traffic (maintenance), >= 0; pro
        rata in the years the line opens and closes.

    Returns
    -------
    OperatingFlows
        Carried traffic, revenue, operating cost, and the slope of net cash in demand.
    """
    n, horizon = window.ramp.shape
    v = {
        "demand": _per_year(demand, "demand", n, horizon),
        "capacity": _per_year(capacity, "capacity", n, horizon),
        "tariff": _per_year(tariff, "tariff", n, horizon),
        "variable_cost_per_unit": _per_year(
            variable_cost_per_unit, "variable_cost_per_unit", n, horizon
        ),
        "fixed_cost_per_year": _per_year(fixed_cost_per_year, "fixed_cost_per_year", n, horizon),
    }
    for k in ("variable_cost_per_unit", "fixed_cost_per_year"):
        _non_negative(v[k], k)
    carried = carried_traffic(v["demand"], v["capacity"], window.ramp)
    fixed = window.open_fraction * v["fixed_cost_per_year"]
    revenue = carried * v["tariff"]
    opex = carried * v["variable_cost_per_unit"] + fixed
    unit_net = window.ramp * (v["tariff"] - v["variable_cost_per_unit"])
    return OperatingFlows(carried, revenue, opex, unit_net, fixed)


def residual_value(
    cost_usd_bn: ArrayLike,
    service_years: ArrayLike,
    asset_life_years: ArrayLike,
    *,
    booked_year: ArrayLike,
    horizon_years: int,
) -> FloatArray:
    """Return the straight-line residual value of an asset, booked in one year per draw.

    The asset loses ``1 / asset_life`` of its cost a year in service: value = cost x
    max(0, 1 - service / life), booked in the column holding ``booked_year`` (the last
    column if it falls beyond the horizon).

    Parameters
    ----------
    cost_usd_bn : array_like
        Cost of the asset per draw, >= 0.
    service_years : array_like
        Years in service when the value is booked, >= 0.
    asset_life_years : array_like
        Straight-line life (> 0).
    booked_year : array_like
        When the value is booked, years after notice to proceed (>= 0), per draw.
    horizon_years : int
        Number of yearly columns ``T``.

    Returns
    -------
    numpy.ndarray
        ``(n, T)``: the residual value in its year, zero elsewhere; undiscounted.
    """
    horizon = _horizon(horizon_years)
    cost = np.atleast_1d(_draws(cost_usd_bn, "cost_usd_bn"))
    service = _draws(service_years, "service_years", cost.shape[0])
    life = _draws(asset_life_years, "asset_life_years", cost.shape[0])
    booked = _draws(booked_year, "booked_year", cost.shape[0])
    _non_negative(cost, "cost_usd_bn")
    _non_negative(service, "service_years")
    _non_negative(booked, "booked_year")
    if np.any(life <= 0):
        raise ScenarioError("asset_life_years", float(np.min(life)), "lives > 0 years")
    value = cost * np.maximum(0.0, 1.0 - service / life)
    col = np.broadcast_to(np.minimum(np.floor(booked).astype(np.intp), horizon - 1), cost.shape)
    out = np.zeros((cost.shape[0], horizon))
    out[np.arange(cost.shape[0]), col] = value
    return out


# --------------------------------------------------------------------------- measures


def discount_factors(rate: ArrayLike, horizon_years: int, *, timing: Timing = "end") -> FloatArray:
    """Return the discount factor of each year: ``(T,)`` for a scalar rate, else ``(n, T)``."""
    horizon = _horizon(horizon_years)
    r = _rate(rate, None if np.ndim(rate) == 0 else np.size(rate))
    times = np.arange(horizon, dtype=np.float64) + _shift(timing)
    if r.ndim == 0:
        out: FloatArray = (1.0 + float(r)) ** -times
        return out
    out = np.exp(-np.log1p(r)[:, None] * times[None, :])
    return out


def npv(
    cash: ArrayLike,
    rate: ArrayLike,
    *,
    timing: Timing = "end",
    factors: FloatArray | None = None,
) -> FloatArray:
    """Return the net present value at notice to proceed of each draw's cash flows.

    Parameters
    ----------
    cash : array_like
        Net cash flows ``(n, T)`` (a 1-D array is one draw).
    rate : array_like
        Discount rate a year, scalar or per draw ``(n,)``; > -1.
    timing : {"end", "mid", "start"}
        Year-end (default: year ``t`` discounted ``t + 1`` years), mid-year (``t + 0.5``) or
        start of year (``t``).
    factors : ndarray, optional
        ``discount_factors(rate, T, timing=timing)`` computed once by the caller, to save
        recomputing them for several flows of the same draws (``rate`` and ``timing`` are then
        not used).

    Returns
    -------
    numpy.ndarray
        NPV ``(n,)``.
    """
    return _present_value(_cash(cash), rate, timing, factors)


def npv_at_rates(
    cash: ArrayLike, rates: Sequence[float], *, timing: Timing = "end"
) -> list[FloatArray]:
    """Return the NPV of each draw's flows at each of several fixed rates.

    The same values as :func:`npv` at each rate in turn, the flows checked once.

    Parameters
    ----------
    cash : array_like
        Net cash flows ``(n, T)``.
    rates : sequence of float
        Discount rates a year, each > -1.
    timing : {"end", "mid", "start"}
        Discounting convention (see :func:`npv`).

    Returns
    -------
    list of numpy.ndarray
        NPV ``(n,)`` at each rate, in order.
    """
    c = _cash(cash)
    return [_present_value(c, rate, timing, None) for rate in rates]


def _present_value(
    c: FloatArray, rate: ArrayLike, timing: Timing, factors: FloatArray | None
) -> FloatArray:
    """:func:`npv` of flows already checked by :func:`_cash`."""
    df = discount_factors(rate, c.shape[1], timing=timing) if factors is None else factors
    if df.ndim == 1:
        return _matvec(c, df)
    if df.shape[0] != c.shape[0]:
        raise ScenarioError("rate", np.shape(rate), f"a number or one rate per draw ({c.shape[0]})")
    out: FloatArray = np.einsum("ij,ij->i", c, df)
    return out


def _matvec(c: FloatArray, v: FloatArray) -> FloatArray:
    """Return ``c @ v`` for ``c`` (n, T), in slices of rows when ``n`` is a multiple of 64.

    One product over a whole block of draws (4,096) is split by OpenBLAS over its threads,
    whose waiting costs more CPU time than the product (up to ~8 ms against 0.3 ms for
    4,096 x 173 on a busy machine). The slices are a multiple of 4 rows small enough for one
    thread (:data:`_MATVEC_SIZE`). Each row's value is computed by the same kernel either way,
    rows taken four at a time, so the slices give the whole product's values bit for bit when
    the threads' shares are multiples of 4 too (as with 2 threads on 4,096 rows); other sizes
    keep one product.
    """
    n, years = c.shape
    rows = max(4, (_MATVEC_SIZE - 1) // max(years, 1) // 4 * 4)
    if n % 64 or n <= rows:
        out: FloatArray = c @ v
        return out
    out = np.empty(n)
    for i in range(0, n, rows):
        np.matmul(c[i : i + rows], v, out=out[i : i + rows])
    return out


def _horner(ct: FloatArray, u: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Return ``P(u) = sum_t c_t u^t`` and ``dP/du`` for columns ``ct`` (T, n)."""
    p = ct[-1].copy()
    dp = np.zeros_like(p)
    for t in range(ct.shape[0] - 2, -1, -1):
        dp = dp * u + p
        p = p * u + ct[t]
    return p, dp


def _horner_ragged(
    ct: FloatArray, act: FloatArray, u: FloatArray, width: NDArray[np.intp]
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Return ``P(u)``, ``dP/du`` and ``sum_t |c_t| u^t`` in one pass, each column to its top.

    ``act`` is ``abs(ct)``. ``width[t]`` is how many leading columns of ``ct`` (T, m) have a
    non-zero row ``t`` or above: the columns are sorted by their last non-zero row, highest
    first, so row ``t`` only touches the first ``width[t]`` of them. The columns left out hold
    zeros from row ``t`` up, where Horner's method would keep ``p = dp = 0`` exactly: the
    results are those of :func:`_horner` over every row (``u`` finite), bit for bit.
    """
    m = ct.shape[1]
    p, dp, pa = np.zeros(m), np.zeros(m), np.zeros(m)
    for t in range(ct.shape[0] - 1, -1, -1):
        k = int(width[t])
        if k == 0:
            continue
        uk, pk = u[:k], p[:k]
        dpk = dp[:k]
        dpk *= uk
        dpk += pk
        pk *= uk
        pk += ct[t, :k]
        pak = pa[:k]
        pak *= uk
        pak += act[t, :k]
    return p, dp, pa


def _horner_values(ct: FloatArray, u: FloatArray, width: NDArray[np.intp]) -> FloatArray:
    """Return ``P(u)`` alone at several points per column: ``u`` (k, m) gives (k, m).

    The same operations as the ``P`` of :func:`_horner_ragged`, so the same values bit for bit.
    """
    p = np.zeros(u.shape)
    for t in range(ct.shape[0] - 1, -1, -1):
        k = int(width[t])
        if k == 0:
            continue
        pk = p[:, :k]
        pk *= u[:, :k]
        pk += ct[t, :k]
    return p


def _last_flow(c: FloatArray) -> NDArray[np.intp]:
    """Return the year of each draw's last non-zero flow (0 when all are zero)."""
    nonzero = c != 0
    last: NDArray[np.intp] = c.shape[1] - 1 - np.argmax(nonzero[:, ::-1], axis=1)
    return np.where(nonzero.any(axis=1), last, 0)


def _grid_npv(c: FloatArray, exponents: FloatArray, last: NDArray[np.intp]) -> FloatArray:
    """Return the NPV of each draw at each grid rate, up to a positive factor per rate and draw.

    ``exponents[t, g] = -t log(1 + r_g)``. Where ``(1 + r)^-t`` would overflow (long horizons
    at the lowest rates) a draw's column is divided by the weight of its last flow, which keeps
    the sign (all the bracketing needs) and loses only terms below ``exp(-700)`` of it.
    """
    safe = exponents.max(axis=0) <= _EXP_MAX
    if safe.all():
        out: FloatArray = c @ np.exp(exponents)
        return out
    out = np.empty((c.shape[0], exponents.shape[1]))
    out[:, safe] = c @ np.exp(exponents[:, safe])
    for g in np.flatnonzero(~safe):
        e = exponents[:, g]
        # Most draws' last flows weigh less than exp(700) (no shift): one weight vector serves
        # them all (einsum with it broadcast is the per-draw product below, bit for bit).
        shifted = e[last] > _EXP_MAX
        out[:, g] = np.einsum("it,t->i", c, np.exp(np.minimum(e, _EXP_MAX)))
        if shifted.any():
            rows = np.flatnonzero(shifted)
            shift = (e[last[rows]] - _EXP_MAX)[:, None]
            weights = np.exp(np.minimum(e[None, :] - shift, _EXP_MAX))
            out[rows, g] = np.einsum("it,it->i", c[rows], weights)
    return out


_Part = tuple[NDArray[np.bool_] | None, FloatArray, FloatArray, NDArray[np.intp], bool]
"""Draws of an :class:`_NpvAt` evaluated alike: rows, flows, their abs, widths, reversed."""


class _NpvAt:
    """The NPV of draws' flows at ``x = log(1 + r)``, its slope and its rounding noise.

    ``f(x) = sum_t c_t exp(-t x)``. For the draws flagged ``low`` (brackets at rates so low that
    ``exp(-t x)`` would overflow), the NPV is divided by the weight of the draw's last flow
    ``L``: ``g(x) = sum_t c_t exp((L - t) x)``, with the same sign and the same roots.

    The draws' columns must come sorted by ``last``, highest first: each draw is evaluated
    over its own years only (:func:`_horner_ragged`). :meth:`keep` drops the draws done.
    """

    def __init__(self, ct: FloatArray, last: NDArray[np.intp], low: NDArray[np.bool_]) -> None:
        self.ct, self.last, self.low = ct, last, low
        self.eps = 8.0 * ct.shape[0] * np.finfo(np.float64).eps
        self._prepare()

    def _prepare(self) -> None:
        """Split the draws into parts evaluated alike: (rows, flows, |flows|, widths, reversed).

        ``rows`` is ``None`` when one part holds every draw.
        """
        rows_t = self.ct.shape[0]
        if not self.low.any():
            width = self._width(self.last, rows_t)
            self.parts: list[_Part] = [(None, self.ct, np.abs(self.ct), width, False)]
            return
        # rt[s, j] = c[L_j - s, j]: the low draws' flows from their last one backwards; rt's
        # column j is non-zero up to row L_j: the same order, highest first
        s = np.arange(rows_t)[:, None]
        cols = np.flatnonzero(self.low)
        idx = self.last[cols][None, :] - s
        taken = self.ct[np.maximum(idx, 0), cols[None, :]]
        rt = np.where(idx >= 0, taken, 0.0)
        width = self._width(self.last[self.low], rows_t)
        self.parts = [(self.low, rt, np.abs(rt), width, True)]
        high = ~self.low
        if high.any():
            ct_high = self.ct[:, high]
            width = self._width(self.last[high], rows_t)
            self.parts.append((high, ct_high, np.abs(ct_high), width, False))

    @staticmethod
    def _width(last: NDArray[np.intp], rows: int) -> NDArray[np.intp]:
        """Columns (sorted by ``last``, highest first) with ``last >= t``, for each row ``t``."""
        return np.asarray(np.searchsorted(-last, -np.arange(rows), side="right"), dtype=np.intp)

    def keep(self, rows: NDArray[np.bool_]) -> None:
        """Keep only the draws ``rows`` (the order, hence the sorting, is kept)."""
        self.ct = np.ascontiguousarray(self.ct[:, rows])
        self.last, self.low = self.last[rows], self.low[rows]
        self._prepare()

    @staticmethod
    def _evaluate(part: _Part, x: FloatArray) -> tuple[FloatArray, ...]:
        _, flows, abs_flows, width, reversed_ = part
        if reversed_:
            w = np.exp(x)
            gx, dq, scale = _horner_ragged(flows, abs_flows, w, width)
            return gx, w * dq, scale
        u = np.exp(-x)
        fx, dp, scale = _horner_ragged(flows, abs_flows, u, width)
        return fx, -u * dp, scale

    def __call__(self, x: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Return the (scaled) NPV, its derivative in ``x`` and its rounding noise."""
        if self.parts[0][0] is None:
            fx, dfx, scale = self._evaluate(self.parts[0], x)
            return fx, dfx, self.eps * scale
        out = (np.empty_like(x), np.empty_like(x), np.empty_like(x))
        for part in self.parts:
            rows = part[0]
            for o, v in zip(out, self._evaluate(part, x[rows]), strict=True):
                o[rows] = v
        return out[0], out[1], self.eps * out[2]

    def values(self, x: FloatArray) -> FloatArray:
        """Return the (scaled) NPV alone at several points per draw: ``x`` (k, m) gives (k, m)."""
        out = np.empty_like(x)
        for rows, flows, _, width, reversed_ in self.parts:
            xr = x if rows is None else x[:, rows]
            u = np.exp(xr) if reversed_ else np.exp(-xr)
            if rows is None:
                return _horner_values(flows, u, width)
            out[:, rows] = _horner_values(flows, u, width)
        return out


def irr(cash: ArrayLike) -> FloatArray:
    """Return the internal rate of return of each draw's cash flows, vectorised.

    Method: the NPV is evaluated for every draw on a grid of :data:`IRR_GRID_POINTS` rates
    evenly spaced in ``x = log(1 + r)`` between :data:`IRR_RATE_MIN` and :data:`IRR_RATE_MAX`
    (one matrix product); the cell where it changes sign brackets the root; then all draws
    take safeguarded Newton steps in ``x`` at once (a step that would leave the bracket is
    replaced by bisection; the bracket shrinks every step), at most
    :data:`IRR_MAX_ITERATIONS`, until every draw converges to machine precision.

    Parameters
    ----------
    cash : array_like
        Net cash flows ``(n, T)``.

    Returns
    -------
    numpy.ndarray
        IRR ``(n,)`` a year. NaN where the NPV does not change sign over the grid (all flows
        of one sign, all zero, or a rate outside ``(-0.99, 100)``), and for a draw whose
        iteration does not converge (it should not happen for finite flows): such a draw
        counts as one without an IRR, as callers report the share of draws with one. For
        non-conventional flows with several sign changes, the root nearest 0 is returned;
        two roots within one grid cell (0.146 apart in ``log(1 + r)``) cancel and are not seen.
    """
    c = _cash(cash)
    n, horizon = c.shape
    xs = np.linspace(np.log1p(IRR_RATE_MIN), np.log1p(IRR_RATE_MAX), IRR_GRID_POINTS)
    exponents = -np.outer(np.arange(horizon, dtype=np.float64), xs)  # (T, G)
    last = _last_flow(c)
    lo_idx = np.full(n, -1, dtype=np.int64)
    mid_dist = np.abs(0.5 * (xs[:-1] + xs[1:]))
    # Flows of one sign (or none) have an NPV of that sign at every rate: no root, no grid.
    mixed = np.flatnonzero((c > 0).any(axis=1) & (c < 0).any(axis=1))
    for start in range(0, mixed.size, _GRID_CHUNK):
        rows = mixed[start : start + _GRID_CHUNK]
        f = _grid_npv(c[rows], exponents, last[rows])
        s = np.sign(f)
        # Only between finite values (a NaN's sign differs from every sign, itself included).
        finite = np.isfinite(f)
        change = (s[:, :-1] != s[:, 1:]) & finite[:, :-1] & finite[:, 1:]
        has = change.any(axis=1)
        best = np.argmin(np.where(change, mid_dist[None, :], np.inf), axis=1)
        lo_idx[rows] = np.where(has, best, -1)
    out = np.full(n, np.nan)
    found = np.flatnonzero(lo_idx >= 0)
    if found.size == 0:
        return out
    # Each draw on its own years: sorted by its last flow, highest first (_horner_ragged).
    found = found[np.argsort(-last[found], kind="stable")]
    ct = np.ascontiguousarray(c[found].T)  # (T, m): one contiguous row per year
    g = lo_idx[found]
    x_lo, x_hi = xs[g], xs[g + 1]
    npv_at = _NpvAt(ct, last[found], low=x_lo * last[found] < -_EXP_MAX)
    f_lo, f_hi = npv_at.values(np.stack([x_lo, x_hi]))
    denom = f_hi - f_lo
    x = np.where(denom != 0, x_lo - f_lo * (x_hi - x_lo) / np.where(denom != 0, denom, 1.0), x_lo)
    x = np.clip(x, x_lo, x_hi)
    # Safeguarded Newton; a draw's x is final once it has converged, and the draws done
    # leave the arrays once they are a quarter of them (dropping costs a copy of the flows).
    final = np.full(found.size, np.nan)
    left = np.arange(found.size)  # the draws in the arrays, in sorted order
    alive = np.ones(found.size, dtype=bool)  # ... and which of them still iterate
    for _ in range(IRR_MAX_ITERATIONS):
        fx, dfx, noise = npv_at(x)
        same = np.sign(fx) == np.sign(f_lo)
        x_lo = np.where(same, x, x_lo)
        f_lo = np.where(same, fx, f_lo)
        x_hi = np.where(same, x_hi, x)
        safe = np.where(dfx != 0, dfx, 1.0)
        newton = x - fx / safe
        inside = (dfx != 0) & (newton > np.minimum(x_lo, x_hi)) & (newton < np.maximum(x_lo, x_hi))
        step = np.where(inside, newton, 0.5 * (x_lo + x_hi))
        tol = 4.0 * np.finfo(np.float64).eps * np.maximum(1.0, np.abs(x))
        settled = np.abs(fx) <= noise  # the NPV at x is zero to rounding
        done = settled | (np.abs(step - x) <= tol) | (np.abs(x_hi - x_lo) <= tol)
        x = np.where(settled, x, step)
        new = done & alive
        final[left[new]] = x[new]
        alive &= ~done
        n_alive = int(np.count_nonzero(alive))
        if n_alive == 0:
            break
        if n_alive <= 0.75 * alive.size:
            left, x, x_lo, x_hi, f_lo = left[alive], x[alive], x_lo[alive], x_hi[alive], f_lo[alive]
            npv_at.keep(alive)
            alive = np.ones(n_alive, dtype=bool)
    # A draw whose iteration has not converged (its NPV not finite near the root) has no IRR.
    out[found] = np.expm1(final)
    return out


def payback_year(
    cash: ArrayLike, rate: ArrayLike | None = None, *, timing: Timing = "end"
) -> FloatArray:
    """Return the year from whose end on the cumulative cash flow stays non-negative.

    Parameters
    ----------
    cash : array_like
        Net cash flows ``(n, T)``.
    rate : array_like, optional
        Discount rate for the discounted payback; ``None`` (default) for the simple payback.
    timing : {"end", "mid", "start"}
        Discounting convention when ``rate`` is given.

    Returns
    -------
    numpy.ndarray
        Year index ``t`` (years after notice to proceed, as float) such that the cumulative
        cash of years ``0 .. t`` and of every later year is >= 0; 0 if it never goes negative;
        NaN where it is still negative at the horizon.
    """
    c = _cash(cash)
    if rate is not None:
        c = c * discount_factors(rate, c.shape[1], timing=timing)
    cum = np.cumsum(c, axis=1)
    neg = cum < 0
    horizon = c.shape[1]
    last_neg = horizon - 1 - np.argmax(neg[:, ::-1], axis=1)
    year = np.where(neg.any(axis=1), last_neg + 1, 0).astype(np.float64)
    out: FloatArray = np.where(year < horizon, year, np.nan)
    return out


def benefit_cost_ratio(
    benefits: ArrayLike,
    costs: ArrayLike,
    rate: ArrayLike,
    *,
    timing: Timing = "end",
    factors: FloatArray | None = None,
) -> FloatArray:
    """Return present value of benefits over present value of costs, per draw.

    Parameters
    ----------
    benefits, costs : array_like
        Non-negative yearly flows ``(n, T)`` (costs as positive numbers).
    rate : array_like
        Discount rate, scalar or per draw.
    timing : {"end", "mid", "start"}
        Discounting convention.
    factors : ndarray, optional
        Precomputed discount factors (see :func:`npv`).

    Returns
    -------
    numpy.ndarray
        BCR ``(n,)``; NaN where the costs' present value is zero.
    """
    b = _cash(benefits, "benefits")
    k = _cash(costs, "costs")
    if b.shape != k.shape:
        raise ScenarioError("benefits", b.shape, f"the shape of costs {k.shape}")
    _non_negative(b, "benefits")
    _non_negative(k, "costs")
    pv_b = _present_value(b, rate, timing, factors)
    pv_k = _present_value(k, rate, timing, factors)
    out: FloatArray = np.full(pv_b.shape, np.nan)
    np.divide(pv_b, pv_k, out=out, where=pv_k > 0)
    return out


def breakeven_traffic(
    base_cash: ArrayLike,
    unit_cash: ArrayLike,
    rate: ArrayLike,
    *,
    timing: Timing = "end",
    capacity: ArrayLike | None = None,
    factors: FloatArray | None = None,
) -> FloatArray:
    """Return the steady-state demand that makes NPV zero, per draw, in closed form.

    Below capacity the net cash is ``base_cash + demand x unit_cash`` (the NPV is linear in
    demand for a fixed tariff and ramp), so ``demand* = -NPV(base) / NPV(unit)``.

    Parameters
    ----------
    base_cash : array_like
        Cash flows at zero traffic ``(n, T)``: minus capex, minus fixed opex, plus residual.
    unit_cash : array_like
        Net cash per unit of steady-state demand ``(n, T)`` (``OperatingFlows.unit_net``).
    rate : array_like
        Discount rate, scalar or per draw.
    timing : {"end", "mid", "start"}
        Discounting convention.
    capacity : array_like, optional
        Steady-state capacity per draw; where the break-even demand exceeds it, no demand
        pays and the result is ``inf``.
    factors : ndarray, optional
        Precomputed discount factors (see :func:`npv`).

    Returns
    -------
    numpy.ndarray
        Break-even demand ``(n,)`` in traffic units a year; 0 where the project pays with no
        traffic; ``inf`` where more traffic cannot make it pay (non-positive unit margin and
        negative base NPV) or the demand needed exceeds ``capacity``.
    """
    base = npv(base_cash, rate, timing=timing, factors=factors)
    unit = npv(unit_cash, rate, timing=timing, factors=factors)
    if base.shape != unit.shape:
        raise ScenarioError("unit_cash", np.shape(unit_cash), "the shape of base_cash")
    out: FloatArray = np.full(base.shape, np.inf)
    needs = (base < 0) & (unit > 0)
    np.divide(-base, unit, out=out, where=needs)
    out[base >= 0] = 0.0
    if capacity is not None:
        cap = _draws(capacity, "capacity", None if np.ndim(capacity) == 0 else base.size)
        out = np.where(out > cap, np.inf, out)
    return out


# --------------------------------------------------------------------------- appraisal parts


def logsum_gain(gc_new: ArrayLike, gc_base: ArrayLike, scale: ArrayLike) -> FloatArray:
    """Return the users' expected saving from adding an alternative to a binary logit choice.

    With generalised costs ``gc_new`` (the new alternative) and ``gc_base`` (the best existing
    one) and logit scale ``s``, the expected generalised cost of the market falls from
    ``gc_base`` to ``-ln(exp(-s gc_new) + exp(-s gc_base)) / s`` (the logsum), a saving of
    ``ln(1 + exp(-s (gc_new - gc_base))) / s`` per unit of the market (de Jong, Daly, Pieters
    and van der Hoorn 2007, 'The logsum as an evaluation measure', Transportation Research A
    41(9): 874-889). It is never below ``max(0, gc_base - gc_new)``, the saving of the
    cheaper choice, and tends to it as the scale grows.

    Parameters
    ----------
    gc_new, gc_base : array_like
        Generalised costs (money per unit: fare plus value of time x days plus any constant).
    scale : array_like
        Logit scale per money unit, > 0.

    Returns
    -------
    numpy.ndarray
        Saving per unit of the whole market (users of both alternatives), >= 0.
    """
    s = np.asarray(scale, dtype=np.float64)
    if np.any(s <= 0) or not np.all(np.isfinite(s)):
        raise ScenarioError("scale", float(np.min(s)), "logit scales > 0")
    d = np.asarray(gc_new, dtype=np.float64) - np.asarray(gc_base, dtype=np.float64)
    out: FloatArray = np.logaddexp(0.0, -s * d) / s
    return out


def interest_during_construction(
    drawdown: ArrayLike, debt_rate: ArrayLike, opening_year: ArrayLike
) -> FloatArray:
    """Return the interest accrued on borrowed spending until opening, per draw.

    The spending of year ``t`` (column ``t``) is drawn at its end, ``t + 1`` years after notice
    to proceed (the ``timing="end"`` convention), and compounds at ``debt_rate`` until
    ``opening_year``; spending at or after opening accrues nothing. Three years of 1 at 10 %
    with opening at year 3 accrue ``0.21 + 0.1 + 0 = 0.31``.

    Parameters
    ----------
    drawdown : array_like
        Borrowed spending ``(n, T)``, non-negative (e.g. the debt share of the capex profile).
    debt_rate : array_like
        Interest rate a year, scalar or per draw; > -1.
    opening_year : array_like
        Opening per draw (years after notice to proceed, >= 0).

    Returns
    -------
    numpy.ndarray
        Interest during construction ``(n,)`` (capitalised into the debt at opening).
    """
    c = _cash(drawdown, "drawdown")
    _non_negative(c, "drawdown")
    n, horizon = c.shape
    r = _rate(debt_rate, None if np.ndim(debt_rate) == 0 else n)
    op = np.atleast_1d(_draws(opening_year, "opening_year"))
    if op.size not in (1, n):
        raise ScenarioError("opening_year", op.shape, f"one value per draw ({n})")
    _non_negative(op, "opening_year")
    ends = np.arange(horizon, dtype=np.float64) + 1.0
    years = np.maximum(op[:, None] - ends[None, :], 0.0)
    growth = np.expm1(np.atleast_1d(np.log1p(r))[:, None] * years)
    out: FloatArray = np.sum(c * growth, axis=1)
    return out


def annuity_payment(principal: ArrayLike, rate: ArrayLike, years: int) -> FloatArray:
    """Return the level yearly payment that repays ``principal`` over ``years`` at ``rate``.

    ``P r / (1 - (1 + r) ** -N)``; ``P / N`` at a zero rate.

    Parameters
    ----------
    principal : array_like
        Amount borrowed, per draw or scalar.
    rate : array_like
        Interest rate a year, > -1.
    years : int
        Number of yearly payments, >= 1.

    Returns
    -------
    numpy.ndarray
        Payment a year, broadcast over the inputs.
    """
    term = _horizon(years)
    p = _draws(principal, "principal")
    r = _rate(rate, None)
    denom = -np.expm1(-term * np.log1p(r))
    factor = np.where(r == 0, 1.0 / term, r / np.where(denom == 0, 1.0, denom))
    out: FloatArray = np.asarray(p * factor, dtype=np.float64)
    return out


def debt_service(
    principal: ArrayLike, rate: ArrayLike, tenor_years: int, opening_year: ArrayLike, horizon: int
) -> FloatArray:
    """Return yearly annuity payments of a loan drawn down by opening, per draw.

    The balance at opening (``principal``, interest during construction included) is repaid by
    :func:`annuity_payment` in ``tenor_years`` payments booked in the columns
    ``floor(opening) .. floor(opening) + tenor - 1`` (year ends after opening). A payment that
    would fall beyond the horizon is booked in the last column.

    Parameters
    ----------
    principal : array_like
        Balance at opening per draw, >= 0.
    rate : array_like
        Interest rate a year.
    tenor_years : int
        Number of payments.
    opening_year : array_like
        Opening per draw, >= 0.
    horizon : int
        Number of yearly columns ``T``.

    Returns
    -------
    numpy.ndarray
        ``(n, T)`` payments, positive.
    """
    horizon = _horizon(horizon)
    op = np.atleast_1d(_draws(opening_year, "opening_year"))
    _non_negative(op, "opening_year")
    p = np.broadcast_to(np.atleast_1d(_draws(principal, "principal")), op.shape)
    _non_negative(p, "principal")
    pay = np.broadcast_to(annuity_payment(p, rate, tenor_years), op.shape)
    out = np.zeros((op.size, horizon))
    first = np.floor(op).astype(np.intp)
    rows = np.arange(op.size)
    for k in range(_horizon(tenor_years)):
        np.add.at(out, (rows, np.minimum(first + k, horizon - 1)), pay)
    return out


def periodic_costs(
    amount: ArrayLike,
    interval_years: ArrayLike,
    opening_year: ArrayLike,
    closing_year: ArrayLike,
    horizon: int,
) -> FloatArray:
    """Return costs that recur every ``interval_years`` after opening (renewals), per draw.

    The ``k``-th cost (``k >= 1``) falls at ``opening + k x interval`` if that is before
    ``closing``, in the column holding that time.

    Parameters
    ----------
    amount : array_like
        Cost of one renewal per draw, >= 0.
    interval_years : array_like
        Years between renewals per draw, > 0.
    opening_year, closing_year : array_like
        The operating period per draw.
    horizon : int
        Number of yearly columns ``T``.

    Returns
    -------
    numpy.ndarray
        ``(n, T)`` costs, positive.
    """
    horizon = _horizon(horizon)
    op = np.atleast_1d(_draws(opening_year, "opening_year"))
    end = np.broadcast_to(np.atleast_1d(_draws(closing_year, "closing_year")), op.shape)
    a = np.broadcast_to(np.atleast_1d(_draws(amount, "amount")), op.shape)
    step = np.broadcast_to(np.atleast_1d(_draws(interval_years, "interval_years")), op.shape)
    _non_negative(a, "amount")
    if np.any(step <= 0):
        raise ScenarioError("interval_years", float(np.min(step)), "intervals > 0 years")
    out = np.zeros((op.size, horizon))
    rows = np.arange(op.size)
    k = 1
    while True:
        t = op + k * step
        due = (t < end) & (t < horizon)
        if not due.any():
            break
        np.add.at(out, (rows[due], np.floor(t[due]).astype(np.intp)), a[due])
        k += 1
    return out
