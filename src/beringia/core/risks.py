"""A risk register: named, discrete risks with a probability, a place and an impact.

Rare events (:mod:`beringia.core.events`) are the ordinary stoppages of boring, a Poisson
process per km of each ground class. The register holds what a tunnelling estimator lists
by name: a major inflow at high pressure, a machine buried in an unmapped fault, a heading
flooded, a failed supply season, a political stop, an earthquake during the works. Each
risk either

- strikes a *place*: it occurs at most once per draw, in one bore or in all, and stops the
  heading that meets its chainage for its delay (the opposite front may then bore on past
  it). Given a ``rate_per_km``, its first occurrence along the zones it names (joined in
  the order named) falls at an exponential distance from their start, so a longer zone
  only adds chances at its end (common random numbers along the chainage, as for the rare
  events); given a ``probability`` per project, it falls uniformly along them; or
- strikes the *project*: it occurs with a probability per project, or a number of times
  drawn from a Poisson process in time (``rate_per_year`` over the draw's bottom-up
  duration), and delays the whole programme.

Every occurrence has a direct cost. Risks in the same correlation group occur together
more often than chance: a one-factor Gaussian copula with the group's correlation.

Variates: each risk has its own stream (occurrence, place, bore, delay, cost, in that
order per draw) and each group one stream for its common factor, so adding a risk leaves
every other draw untouched (common random numbers).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import special

from beringia.core.distributions import DistSpec, FloatArray, ppf
from beringia.core.events import poisson_ppf
from beringia.core.geology import Streams
from beringia.core.rng import VariateCounter

UNIFORMS_PER_RISK = 5
"""Uniform variates per risk and draw: occurrence, place, bore, delay, cost."""


@dataclass(frozen=True)
class RiskIn:
    """One risk of the register (pure-data form).

    ``probability``, ``rate_per_year`` and ``rate_per_km`` are keys into the scenario's
    uncertain inputs (one of them is set). ``spans`` are the chainage ranges (m) where a place
    risk can strike; empty for a project risk.
    """

    name: str
    probability: str | None
    rate_per_year: str | None
    spans: tuple[tuple[float, float], ...]
    all_bores: bool
    delay_days: DistSpec
    cost_usd_m: DistSpec
    group: str | None = None
    rate_per_km: str | None = None
    bore: int | None = None
    """The one bore it strikes (a risk of every bore is one ``RiskIn`` per bore)."""

    @property
    def stream_key(self) -> str:
        """Name of its random stream (one per bore for a risk of every bore)."""
        return f"risks/{self.name}" if self.bore is None else f"risks/{self.name}/{self.bore}"

    @property
    def is_place(self) -> bool:
        """Whether the risk strikes a place on the route (else the whole project)."""
        return bool(self.spans)


@dataclass
class RiskDraws:
    """The register sampled for a block of draws; arrays are (R, n).

    ``u_occur`` is each risk's occurrence uniform after the group copula. Place risks are
    decided at once (``count`` 0 or 1); project risks given by a rate wait for the draw's
    duration (:func:`project_delays`).
    """

    count: NDArray[np.intp]
    u_occur: FloatArray
    where_m: FloatArray
    bore_u: FloatArray
    delay_each: FloatArray
    cost_each: FloatArray


def _copula(
    risks: tuple[RiskIn, ...],
    u: FloatArray,
    groups: Mapping[str, float],
    streams: Streams,
    counter: VariateCounter,
) -> FloatArray:
    """Correlate the occurrence uniforms ``u`` (R, n) of risks that share a group.

    One-factor Gaussian copula: ``z = sqrt(rho) g + sqrt(1 - rho) Phi^-1(u)`` with ``g`` the
    group's common normal; each risk's uniform stays uniform, so its probability is kept.
    """
    out = u.copy()
    n = u.shape[1]
    for g, rho in sorted(groups.items()):
        rows = [i for i, r in enumerate(risks) if r.group == g]
        if rho <= 0.0 or not rows:
            continue
        common = special.ndtri(streams(f"risks/group/{g}").random(n))
        counter.add(n)
        z = np.sqrt(rho) * common + np.sqrt(1.0 - rho) * special.ndtri(u[rows])
        out[rows] = special.ndtr(z)
    return out


def _joined_length(spans: tuple[tuple[float, float], ...]) -> float:
    """Total length (m) of ``spans``."""
    return float(sum(b - a for a, b in spans))


def _at(spans: tuple[tuple[float, float], ...], offset: FloatArray) -> FloatArray:
    """Chainage (m) at ``offset`` metres along ``spans`` joined in order (clipped to them)."""
    lengths = np.array([b - a for a, b in spans])
    ends = np.cumsum(lengths)
    at = np.clip(offset, 0.0, ends[-1])
    k = np.minimum(np.searchsorted(ends, at, side="right"), len(spans) - 1)
    starts = np.array([a for a, _ in spans])
    before = np.concatenate([[0.0], ends[:-1]])
    return np.asarray(starts[k] + (at - before[k]), dtype=np.float64)


def _place(spans: tuple[tuple[float, float], ...], u: FloatArray) -> FloatArray:
    """Chainage (m) at fraction ``u`` of the joined length of ``spans``."""
    return _at(spans, u * _joined_length(spans))


def sample_risks(
    risks: tuple[RiskIn, ...],
    x: Mapping[str, FloatArray],
    groups: Mapping[str, float],
    streams: Streams,
    counter: VariateCounter,
    n: int,
) -> RiskDraws:
    """Sample occurrence, place and impacts of every risk for ``n`` draws.

    Parameters
    ----------
    risks : tuple of RiskIn
        The register.
    x : mapping
        The block's sampled inputs (probabilities and rates by key).
    groups : mapping
        Correlation of the occurrences of the risks in each group (0: independent).
    streams : callable
        Named generators of the block.
    counter : VariateCounter
        Counts the variates drawn.
    n : int
        Draws in the block.

    Returns
    -------
    RiskDraws
        Place risks are decided; project risks with a rate are decided later by
        :func:`project_delays`.
    """
    r = len(risks)
    u = np.empty((UNIFORMS_PER_RISK, r, n))
    for i, risk in enumerate(risks):
        u[:, i, :] = streams(risk.stream_key).random((n, UNIFORMS_PER_RISK)).T
    counter.add(u.size)
    u_occur = _copula(risks, u[0], groups, streams, counter)
    count = np.zeros((r, n), dtype=np.intp)
    where = np.full((r, n), np.nan)
    for i, risk in enumerate(risks):
        if risk.rate_per_km is not None:  # first occurrence at an exponential distance
            per_m = np.maximum(x[risk.rate_per_km], 0.0) / 1000.0
            with np.errstate(divide="ignore"):
                offset = -np.log1p(-u_occur[i]) / per_m
            count[i] = offset < _joined_length(risk.spans)
            where[i] = _at(risk.spans, np.where(count[i] > 0, offset, 0.0))
            continue
        if risk.probability is not None:
            count[i] = u_occur[i] < x[risk.probability]
        if risk.is_place:
            where[i] = _place(risk.spans, u[1, i])
    delay = np.stack([ppf(k.delay_days, u[3, i]) for i, k in enumerate(risks)]) if r else u[3]
    cost = np.stack([ppf(k.cost_usd_m, u[4, i]) for i, k in enumerate(risks)]) if r else u[4]
    return RiskDraws(count, u_occur, where, u[2], delay, cost)


def place_delays(
    risks: tuple[RiskIn, ...], draws: RiskDraws, bore: int, n_bores: int
) -> tuple[FloatArray, FloatArray]:
    """Chainages (m) and delays (days) of the place risks that strike bore ``bore``.

    Returns arrays (R, n); the delay is 0 where the risk does not occur or strikes another
    bore (a one-bore risk strikes bore ``floor(u * n_bores)``).
    """
    hit = np.zeros(draws.count.shape, dtype=bool)
    for i, risk in enumerate(risks):
        if not risk.is_place:
            continue
        if risk.bore is not None:
            mine = np.full(draws.bore_u[i].shape, risk.bore == bore)
        elif risk.all_bores:
            mine = np.ones(draws.bore_u[i].shape, dtype=bool)
        else:
            mine = np.minimum((draws.bore_u[i] * n_bores).astype(np.intp), n_bores - 1) == bore
        hit[i] = (draws.count[i] > 0) & mine
    return draws.where_m, np.where(hit, draws.delay_each, 0.0)


def project_delays(
    risks: tuple[RiskIn, ...], draws: RiskDraws, x: Mapping[str, FloatArray], years: FloatArray
) -> FloatArray:
    """Decide the project risks given by a rate, over ``years``; return project delay (n,).

    A risk with ``rate_per_year`` occurs ``Poisson(rate * years)`` times (``years``: the
    draw's bottom-up duration, before the project-wide delays). Fills ``draws.count`` for
    them; every occurrence adds its delay.
    """
    total = np.zeros(years.shape)
    for i, risk in enumerate(risks):
        if risk.is_place:
            continue
        if risk.rate_per_year is not None:
            mean = np.maximum(x[risk.rate_per_year] * years, 0.0)
            draws.count[i] = poisson_ppf(mean, draws.u_occur[i])
        total += draws.count[i] * draws.delay_each[i]
    return total


def risk_costs(draws: RiskDraws) -> FloatArray:
    """Direct cost (USD m) of every occurrence of every risk, per draw (n,)."""
    return np.asarray((draws.count * draws.cost_each).sum(axis=0), dtype=np.float64)


def risk_impacts(risks: tuple[RiskIn, ...], draws: RiskDraws) -> dict[str, FloatArray]:
    """Delay (days) each risk caused per draw, keyed ``construction.risks.<name>``.

    A risk without delay reports its cost (USD m) instead. Place risks report their delay
    whether or not it fell on the critical path; these are the per-draw values the tornado
    ranks beside the sampled inputs.
    """
    out: dict[str, FloatArray] = {}
    for i, risk in enumerate(risks):
        each = draws.delay_each[i] if draws.delay_each[i].any() else draws.cost_each[i]
        key = f"construction.risks.{risk.name}"
        impact = (draws.count[i] * each).astype(np.float64)
        out[key] = out[key] + impact if key in out else impact  # summed over its bores
    return out
