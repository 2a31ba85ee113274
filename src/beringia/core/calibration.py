"""Model error learned from hindcasts: a joint residual of log cost and log duration.

A hindcast gives one error pair ``e = (ln(actual cost / predicted P50 cost), ln(actual
duration / predicted P50 duration))``. With ``k`` such pairs the residual is a bivariate
normal of unknown mean and covariance; its posterior predictive (Jeffreys prior) for a new
project is a bivariate Student t with ``k - 2`` degrees of freedom, centre the sample mean
and scale matrix ``(1 + 1/k) (k - 1) / (k - 2) S`` (``S`` the sample covariance). With a
dozen hindcasts the t's heavy tails say how little a dozen cases can tell; a normal with the
sample covariance would pretend to know more.

Evaluated leave-one-out, each hindcast is scored against the residual learned from the
others only, so coverage is honest. Applied to a new project, every draw of the bottom-up
forecast is multiplied by ``exp(r)`` with ``r`` one draw of the predictive: cost and
duration errors keep the correlation they had in the hindcasts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special

from beringia.core.distributions import FloatArray

MIN_CASES = 4
"""Fewest error pairs a bivariate residual can be fitted from (``k - 2`` >= 2 degrees of
freedom, so the predictive has a finite variance)."""


@dataclass(frozen=True)
class Residual:
    """A fitted residual: the predictive distribution of a new project's log errors.

    Attributes
    ----------
    mean : ndarray, shape (2,)
        Sample mean of the log errors (cost, duration).
    scale : ndarray, shape (2, 2)
        Scale matrix of the predictive t, ``(1 + 1/k) (k - 1) / (k - 2)`` times the sample
        covariance.
    dof : float
        Degrees of freedom, ``k - 2``.
    cases : int
        Hindcasts it was fitted from (some may lack a cost error).
    """

    mean: FloatArray
    scale: FloatArray
    dof: float
    cases: int

    @property
    def correlation(self) -> float:
        """Correlation of the cost and duration errors."""
        s = self.scale
        return float(s[0, 1] / np.sqrt(s[0, 0] * s[1, 1]))

    def draws(self, normals: FloatArray, chi_u: FloatArray) -> FloatArray:
        """Draws of the log errors, shape (n, 2), from standard normals (n, 2) and uniforms (n,).

        ``r = mean + L z sqrt(dof / w)`` with ``L`` the Cholesky factor of ``scale`` and
        ``w`` the chi-square quantile of ``chi_u`` with ``dof`` degrees of freedom.
        """
        chol = np.linalg.cholesky(self.scale)
        w = 2.0 * special.gammaincinv(self.dof / 2.0, chi_u)
        mix = np.sqrt(self.dof / w)
        return np.asarray(self.mean + (normals @ chol.T) * mix[:, None], dtype=np.float64)

    def quantile(self, which: int, p: float) -> float:
        """Quantile ``p`` of the marginal of error ``which`` (0 cost, 1 duration)."""
        t = special.stdtrit(self.dof, p)
        return float(self.mean[which] + t * np.sqrt(self.scale[which, which]))

    def factors(self) -> dict[str, list[float]]:
        """Return the error as a factor ``exp(r)`` at P10, P50 and P90, by cost and duration."""
        return {
            m: [math.exp(self.quantile(i, p)) for p in (0.1, 0.5, 0.9)]
            for i, m in enumerate(("cost", "duration"))
        }


def fit_residual(errors: FloatArray) -> Residual:
    """Fit the predictive residual to log error pairs, shape (k, 2).

    A cost error may be NaN (a hindcast whose outturn covers more than the tunnel scores its
    duration only): each error's mean and variance come from the cases that have it, the
    correlation from the cases that have both, and the degrees of freedom from the fewer
    (``k_cost - 2``), so the scale of each marginal is its own
    ``(1 + 1/k) (k - 1) / (k - 2) s^2``.

    Raises
    ------
    ValueError
        With fewer than :data:`MIN_CASES` cost errors, a non-finite duration error, or an
        infinite cost error.
    """
    e = np.asarray(errors, dtype=np.float64)
    if e.ndim != 2 or e.shape[1] != 2:
        raise ValueError(f"errors: expected shape (k, 2), got {e.shape}")
    if not np.all(np.isfinite(e[:, 1])) or np.any(np.isinf(e[:, 0])):
        raise ValueError("errors: every duration error must be finite, cost errors finite or NaN")
    has = np.isfinite(e[:, 0])
    k_cost, k = int(has.sum()), e.shape[0]
    if k_cost < MIN_CASES:
        raise ValueError(
            f"errors: {k_cost} hindcasts with a cost error; a joint residual needs at least "
            f"{MIN_CASES}"
        )

    def scale(x: FloatArray) -> float:
        n = x.size
        return float(np.var(x, ddof=1) * (1.0 + 1.0 / n) * (n - 1) / (n - 2))

    cost, dur = e[has, 0], e[:, 1]
    s_c, s_d = scale(cost), scale(dur)
    both = e[has]
    corr = float(np.corrcoef(both[:, 0], both[:, 1])[0, 1]) if k_cost > 2 else 0.0
    corr = 0.0 if not np.isfinite(corr) else max(-0.999, min(0.999, corr))
    cross = corr * np.sqrt(s_c * s_d)
    m = np.array([[s_c, cross], [cross, s_d]]) + np.eye(2) * 1e-12
    return Residual(np.array([cost.mean(), dur.mean()]), m, float(k_cost - 2), k)


def leave_one_out(errors: FloatArray) -> list[Residual]:
    """Fit the residual without each case in turn: element ``i`` never saw case ``i``."""
    e = np.asarray(errors, dtype=np.float64)
    return [fit_residual(np.delete(e, i, axis=0)) for i in range(e.shape[0])]
