"""The calibrated forecast: the inside view times the model error learned from blind hindcasts.

Each draw of the inside view (bottom-up and named risks, no project-wide factor) is multiplied
by ``exp(r)``, with ``r`` one draw of the residual fitted to every blind hindcast's errors
(``data/model_error.toml``): cost and duration errors keep the correlation they had in the
hindcasts. The draws come from one stream of the run's seed, drawn after the run, so they are
the same whatever the number of processes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from beringia.core.distributions import FloatArray
from beringia.core.rng import stream
from beringia.tables.model_error import model_error


@dataclass(frozen=True)
class Calibrated:
    """Calibrated draws and the model error they came from."""

    cost_usd_bn: FloatArray
    duration_years: FloatArray
    cases: int
    """Blind hindcasts the model error was learned from."""
    factor_p10_p50_p90: dict[str, list[float]]
    """The model error as a factor on the inside view, at P10, P50 and P90."""


def calibrated_forecast(cost: FloatArray, years: FloatArray, seed: int) -> Calibrated:
    """Multiply inside-view draws by draws of the learned model error.

    Parameters
    ----------
    cost, years : ndarray
        The inside view's cost (USD bn) and duration (years) per draw.
    seed : int
        The run's seed.

    Returns
    -------
    Calibrated
        Calibrated cost and duration per draw.
    """
    me = model_error()
    residual = me.residual()
    n = cost.size
    rng = stream(seed, "calibration", 0, "residual")
    r = residual.draws(rng.standard_normal((n, 2)), rng.random(n))
    factors = {
        m: [float(np.exp(residual.quantile(i, p))) for p in (0.1, 0.5, 0.9)]
        for i, m in enumerate(("cost", "duration"))
    }
    return Calibrated(
        cost_usd_bn=cost * np.exp(r[:, 0]),
        duration_years=years * np.exp(r[:, 1]),
        cases=len(me.cases),
        factor_p10_p50_p90=factors,
    )


__all__ = ["Calibrated", "calibrated_forecast"]
