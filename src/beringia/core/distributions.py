"""Inverse cumulative distribution functions for the scenario's distribution kinds.

Sampling by inverse CDF from uniforms keeps common random numbers exact: an input draws
its uniforms from its own stream, so changing one input's distribution leaves every other
input's draws untouched.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import special

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class DistSpec:
    """A compiled distribution.

    Parameters
    ----------
    kind : str
        One of ``fixed``, ``uniform``, ``triangular``, ``pert``, ``normal``, ``lognormal``,
        ``discrete``.
    params : tuple of float
        Kind-specific parameters (see :func:`ppf`).
    values : tuple of float
        Support points of a ``discrete`` distribution.
    probs : tuple of float
        Probabilities of a ``discrete`` distribution.
    """

    kind: str
    params: tuple[float, ...] = ()
    values: tuple[float, ...] = ()
    probs: tuple[float, ...] = ()

    @property
    def is_fixed(self) -> bool:
        """Whether the distribution has a single value."""
        return self.kind == "fixed" or (self.kind == "discrete" and len(self.values) == 1)


def ppf(spec: DistSpec, u: FloatArray) -> FloatArray:
    """Map uniforms on (0, 1) to draws of ``spec`` by its inverse CDF.

    Parameters
    ----------
    spec : DistSpec
        The distribution. Parameters by kind: fixed ``(value,)``; uniform ``(low, high)``;
        triangular ``(low, mode, high)``; pert ``(low, mode, high, lambda)``; normal
        ``(mean, sd)`` or ``(mean, sd, low, high)`` truncated to ``[low, high]`` (either may
        be infinite), exact far into either tail; lognormal ``(median, gsd)``; discrete
        ``values`` with ``probs``, taken in ascending order of value so that the map is
        monotone in ``u``.
    u : ndarray
        Uniform variates, any shape.

    Returns
    -------
    ndarray
        Draws with the shape of ``u``.
    """
    k, p = spec.kind, spec.params
    if k == "fixed":
        return np.full(u.shape, p[0])
    if k == "uniform":
        return p[0] + (p[1] - p[0]) * u
    if k == "triangular":
        lo, mode, hi = p
        if hi == lo:
            return np.full(u.shape, lo)
        fc = (mode - lo) / (hi - lo)
        left = lo + np.sqrt(u * (hi - lo) * (mode - lo))
        right = hi - np.sqrt((1.0 - u) * (hi - lo) * (hi - mode))
        return np.where(u < fc, left, right)
    if k == "pert":
        lo, mode, hi, lam = p
        if hi == lo:
            return np.full(u.shape, lo)
        a = 1.0 + lam * (mode - lo) / (hi - lo)
        b = 1.0 + lam * (hi - mode) / (hi - lo)
        return lo + (hi - lo) * np.asarray(special.betaincinv(a, b, u), dtype=np.float64)
    if k == "normal":
        if _is_truncated(p):
            z = _std_truncnorm_ppf((p[2] - p[0]) / p[1], (p[3] - p[0]) / p[1], u)
            return np.asarray(np.clip(p[0] + p[1] * z, p[2], p[3]), dtype=np.float64)
        return p[0] + p[1] * np.asarray(special.ndtri(u), dtype=np.float64)
    if k == "lognormal":
        return np.asarray(p[0] * np.exp(np.log(p[1]) * special.ndtri(u)), dtype=np.float64)
    if k == "discrete":
        # In ascending order of value, so that the map from u is the (monotone) inverse CDF.
        order = np.argsort(np.asarray(spec.values, dtype=np.float64), kind="stable")
        values = np.asarray(spec.values, dtype=np.float64)[order]
        cum = np.cumsum(np.asarray(spec.probs, dtype=np.float64)[order])
        cum[-1] = 1.0
        idx = np.searchsorted(cum, u, side="right")
        return np.asarray(values[np.minimum(idx, len(cum) - 1)], dtype=np.float64)
    raise ValueError(f"unknown distribution kind {k!r}")


def mean(spec: DistSpec) -> float:
    """Return the analytic mean of ``spec``."""
    k, p = spec.kind, spec.params
    if k == "fixed":
        return p[0]
    if k == "uniform":
        return (p[0] + p[1]) / 2
    if k == "triangular":
        return sum(p) / 3
    if k == "pert":
        lo, mode, hi, lam = p
        return (lo + lam * mode + hi) / (lam + 2)
    if k == "normal":
        if _is_truncated(p):
            m = p[0] + p[1] * _std_truncnorm_mean((p[2] - p[0]) / p[1], (p[3] - p[0]) / p[1])
            return float(np.clip(m, p[2], p[3]))
        return p[0]
    if k == "lognormal":
        return float(p[0] * np.exp(np.log(p[1]) ** 2 / 2))
    if k == "discrete":
        return float(np.dot(spec.values, spec.probs))
    raise ValueError(f"unknown distribution kind {k!r}")


# Below this lower-tail mass a fraction u of it could fall among subnormal numbers (u can be
# as small as 2**-53), where ndtr and ndtri lose digits: such windows are worked in logs.
_LOG_SPACE_MASS = 1e-280


def _is_truncated(p: tuple[float, ...]) -> bool:
    """Whether normal parameters ``(mean, sd[, low, high])`` cut off either tail."""
    return len(p) == 4 and (p[2] > -np.inf or p[3] < np.inf)


def _check_mass(alpha: float, beta: float) -> None:
    """Refuse a window (``alpha <= 0``) whose mass underflows even in logs (beyond ~1e154 sd)."""
    if not (alpha < beta and np.isfinite(special.log_ndtr(beta))):
        raise ValueError(f"no float probability in the standard normal window [{alpha}, {beta}]")


def _std_truncnorm_ppf(alpha: float, beta: float, u: FloatArray) -> FloatArray:
    """Quantiles ``u`` of the standard normal truncated to ``[alpha, beta]``.

    The inverse CDF on the truncated range, ``Phi^-1(Phi(alpha) + u (Phi(beta) -
    Phi(alpha)))``, worked wherever a probability near 1 would lose digits in its
    complement instead, as :func:`scipy.special.ndtri` does for the untruncated normal:

    - a window above the mean is solved as the mirror image of one below it,
      ``z(u) = -z'(1 - u)`` (the plain formula gave ``beta`` for every draw of ``[9, 10]``:
      both CDFs round to 1);
    - a draw in the upper half (``p > 1/2``) of a window that reaches above the mean is
      inverted from its upper-tail probability ``Phi(-beta) + (1 - u) (Phi(-alpha) -
      Phi(-beta))``;
    - a window whose mass nears the subnormal range is inverted in logs
      (:func:`scipy.special.log_ndtr`, :func:`scipy.special.ndtri_exp`).

    Lower-half draws are the plain formula, bit for bit.
    """
    if alpha > 0.0:
        return -_std_truncnorm_ppf(-beta, -alpha, 1.0 - u)
    _check_mass(alpha, beta)
    a, b = float(special.ndtr(alpha)), float(special.ndtr(beta))
    if b < _LOG_SPACE_MASS:
        log_a, log_b = float(special.log_ndtr(alpha)), float(special.log_ndtr(beta))
        ratio = np.exp(log_a - log_b)  # Phi(alpha) / Phi(beta), in [0, 1)
        log_p = log_b + np.log(u + (1.0 - u) * ratio)  # log(Phi(alpha) + u (...)), no cancelling
        return np.asarray(special.ndtri_exp(log_p), dtype=np.float64)
    p = a + u * (b - a)
    z = np.asarray(special.ndtri(p), dtype=np.float64)
    upper = p > 0.5
    if np.any(upper):
        sa, sb = float(special.ndtr(-alpha)), float(special.ndtr(-beta))
        q = sb + (1.0 - u[upper]) * (sa - sb)
        z[upper] = -np.asarray(special.ndtri(q), dtype=np.float64)
    return z


def _std_truncnorm_mean(alpha: float, beta: float) -> float:
    """Mean of the standard normal truncated to ``[alpha, beta]``, stable in either tail.

    ``(phi(alpha) - phi(beta)) / (Phi(beta) - Phi(alpha))`` with every term in logs, a window
    above the mean mirrored below it as in :func:`_std_truncnorm_ppf`.
    """
    if alpha > 0.0:
        return -_std_truncnorm_mean(-beta, -alpha)
    _check_mass(alpha, beta)
    log_a, log_b = float(special.log_ndtr(alpha)), float(special.log_ndtr(beta))
    log_mass = log_b + np.log1p(-np.exp(log_a - log_b))
    log_pdf = -0.5 * np.log(2.0 * np.pi)
    lo = np.exp(log_pdf - alpha * alpha / 2.0 - log_mass) if np.isfinite(alpha) else 0.0
    hi = np.exp(log_pdf - beta * beta / 2.0 - log_mass) if np.isfinite(beta) else 0.0
    return float(np.clip(lo - hi, alpha, beta))
