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
        be infinite); lognormal ``(median, gsd)``.
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
        if len(p) == 4:  # truncated: inverse CDF on the truncated range
            a, b = special.ndtr((p[2] - p[0]) / p[1]), special.ndtr((p[3] - p[0]) / p[1])
            z = special.ndtri(a + u * (b - a))
            return np.asarray(np.clip(p[0] + p[1] * z, p[2], p[3]), dtype=np.float64)
        return p[0] + p[1] * np.asarray(special.ndtri(u), dtype=np.float64)
    if k == "lognormal":
        return np.asarray(p[0] * np.exp(np.log(p[1]) * special.ndtri(u)), dtype=np.float64)
    if k == "discrete":
        cum = np.cumsum(np.asarray(spec.probs, dtype=np.float64))
        cum[-1] = 1.0
        idx = np.searchsorted(cum, u, side="right")
        values = np.asarray(spec.values, dtype=np.float64)
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
        if len(p) == 4:
            alpha, beta = (p[2] - p[0]) / p[1], (p[3] - p[0]) / p[1]
            pdf = np.exp(-(np.array([alpha, beta]) ** 2) / 2) / np.sqrt(2 * np.pi)
            mass = special.ndtr(beta) - special.ndtr(alpha)
            return float(p[0] + p[1] * (pdf[0] - pdf[1]) / mass)
        return p[0]
    if k == "lognormal":
        return float(p[0] * np.exp(np.log(p[1]) ** 2 / 2))
    if k == "discrete":
        return float(np.dot(spec.values, spec.probs))
    raise ValueError(f"unknown distribution kind {k!r}")
