"""Reference-class uplifts (the outside view): the ratio actual / estimate of past projects.

Both shipped sources become a log-normal distribution of the ratio ``r = actual / estimate``:

- ``dft-2004`` publishes quantiles of the uplift ``r - 1`` (P50, P80, P90); the log-normal is
  fitted to them by least squares in log space (``ln r = mu + sigma z_p``).
- ``flyvbjerg-2003`` publishes the mean and standard deviation of the escalation ``r - 1``;
  the log-normal has that mean and standard deviation.

The outside view of a cost is then ``estimate x r``; beringia takes the inside view's median
as the estimate (see :func:`outside_view`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

from scipy.stats import norm

from beringia.core.stats import QUANTILES
from beringia.tables.optimism_bias import optimism_bias_table

_PERCENT = {"p50": 0.50, "p80": 0.80, "p90": 0.90}


@dataclass(frozen=True)
class Uplift:
    """A log-normal distribution of the ratio actual / estimate of one reference class.

    Attributes
    ----------
    source_key : str
        ``dft-2004`` or ``flyvbjerg-2003``.
    reference_class : str
        ``fixed-links``, ``rail`` or ``roads``.
    label : str
        Readable name of the class.
    mu, sigma : float
        Mean and standard deviation of ``ln(actual / estimate)``.
    source : str
        Publication of the figures.
    unverified : bool
        Some published figures could not be checked against the primary source.
    note : str
        How the figures were obtained.
    published : dict
        The published figures the distribution was fitted to.
    """

    source_key: str
    reference_class: str
    label: str
    mu: float
    sigma: float
    source: str
    unverified: bool
    note: str
    published: dict[str, float]

    def ratio_quantile(self, p: float) -> float:
        """Return the ``p`` quantile of the ratio actual / estimate."""
        return math.exp(self.mu + self.sigma * float(norm.ppf(p)))

    def mean_ratio(self) -> float:
        """Return the mean ratio actual / estimate."""
        return math.exp(self.mu + 0.5 * self.sigma**2)

    def quantiles(self, estimate: float) -> dict[str, float]:
        """Return the outside view of ``estimate`` as ``{mean, p5, ..., p95}``."""
        out = {"mean": estimate * self.mean_ratio()}
        out.update({k: estimate * self.ratio_quantile(v / 100) for k, v in QUANTILES.items()})
        return out


def fit_quantiles(uplifts: dict[str, float]) -> tuple[float, float]:
    """Fit ``(mu, sigma)`` of ``ln r`` to published uplift quantiles ``{"p50": u, ...}``.

    Least squares of ``ln(1 + u_p) = mu + sigma z_p`` over the given quantiles.
    """
    zs = [float(norm.ppf(_PERCENT[k])) for k in uplifts]
    ys = [math.log1p(u) for u in uplifts.values()]
    n = len(zs)
    zbar, ybar = sum(zs) / n, sum(ys) / n
    szz = sum((z - zbar) ** 2 for z in zs)
    sigma = sum((z - zbar) * (y - ybar) for z, y in zip(zs, ys, strict=True)) / szz
    return ybar - sigma * zbar, sigma


def fit_moments(mean_escalation: float, sd_escalation: float) -> tuple[float, float]:
    """Return ``(mu, sigma)`` of the log-normal ratio with the given escalation mean and SD."""
    m = 1.0 + mean_escalation
    s2 = math.log1p((sd_escalation / m) ** 2)
    return math.log(m) - 0.5 * s2, math.sqrt(s2)


def uplift_sources() -> dict[str, list[str]]:
    """Return the shipped uplift sources and the reference classes each covers."""
    return {k: sorted(t.classes) for k, t in optimism_bias_table().items()}


@cache
def uplift(source_key: str, reference_class: str) -> Uplift:
    """Return the uplift distribution of ``reference_class`` from ``source_key``.

    Raises
    ------
    KeyError
        If the source or class is not shipped (the scenario model only allows shipped ones).
    """
    table = optimism_bias_table()[source_key]
    row = table.classes[reference_class]
    published: dict[str, float]
    if row.uplift_quantiles is not None:
        published = {str(k): v for k, v in row.uplift_quantiles.items()}
        mu, sigma = fit_quantiles(published)
    else:
        assert row.mean_escalation is not None and row.sd_escalation is not None
        published = {"mean": row.mean_escalation, "sd": row.sd_escalation}
        mu, sigma = fit_moments(row.mean_escalation, row.sd_escalation)
    return Uplift(
        source_key=source_key,
        reference_class=reference_class,
        label=row.label,
        mu=mu,
        sigma=sigma,
        source=table.source,
        unverified=row.unverified,
        note=row.note,
        published=published,
    )
