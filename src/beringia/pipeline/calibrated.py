"""The calibrated forecast: the inside view times the model error learned from blind hindcasts.

Each draw of the inside view (bottom-up and named risks, no project-wide factor) is multiplied
by ``exp(r)``, with ``r`` one draw of the residual fitted to every blind hindcast's errors
(``data/model_error.toml``): cost and duration errors keep the correlation they had in the
hindcasts. The draws come from one stream of the run's seed, drawn after the run, so they are
the same whatever the number of processes.

Its tornado ranks the engineering inputs and named risks of the inside view and the two
learned errors side by side, on the same draws as the headline's tornado.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from beringia.core.distributions import FloatArray
from beringia.core.rng import stream
from beringia.models.construction.results import TornadoBar, tornado_bars
from beringia.tables.model_error import model_error

MODEL_ERROR_INPUTS = ("model_error.cost", "model_error.duration")
"""How the two learned errors are named in the calibrated forecast's tornado."""


@dataclass(frozen=True)
class Calibrated:
    """Calibrated draws and the model error they came from."""

    cost_usd_bn: FloatArray
    duration_years: FloatArray
    cases: int
    """Blind hindcasts the model error was learned from."""
    factor_p10_p50_p90: dict[str, list[float]]
    """The model error as a factor on the inside view, at P10, P50 and P90."""
    cost_cases: int = 0
    """Of them, those with a cost error (an outturn of the tunnel's own scope)."""
    tornado: list[TornadoBar] = field(default_factory=list)
    """Rank correlations of the inputs, risks and learned errors with the calibrated draws."""


def calibrated_forecast(
    cost: FloatArray,
    years: FloatArray,
    seed: int,
    tornado_inputs: Mapping[str, FloatArray] | None = None,
) -> Calibrated:
    """Multiply inside-view draws by draws of the learned model error.

    Parameters
    ----------
    cost, years : ndarray
        The inside view's cost (USD bn) and duration (years) per draw.
    seed : int
        The run's seed.
    tornado_inputs : mapping, optional
        The headline tornado's per-draw inputs and risk impacts (the first draws of the
        run, all of the same length); with them the calibrated forecast gets its own
        tornado, where the learned cost and duration errors stand beside them.

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
    return calibrate(
        cost, years, r, len(me.cases), residual.factors(), tornado_inputs, me.cost_cases
    )


def calibrate(
    cost: FloatArray,
    years: FloatArray,
    r: FloatArray,
    cases: int,
    factors: dict[str, list[float]],
    tornado_inputs: Mapping[str, FloatArray] | None = None,
    cost_cases: int = 0,
) -> Calibrated:
    """Apply drawn log errors ``r`` (n, 2) to inside-view draws; rank the drivers if given.

    The tornado (with ``tornado_inputs``) is taken on the first draws, as many as the
    shortest input holds, with the two learned errors named :data:`MODEL_ERROR_INPUTS`.
    """
    cal_cost = cost * np.exp(r[:, 0])
    cal_years = years * np.exp(r[:, 1])
    bars: list[TornadoBar] = []
    if tornado_inputs:
        k = min(min(v.shape[0] for v in tornado_inputs.values()), cost.size)
        x = {name: v[:k] for name, v in tornado_inputs.items()}
        x.update({name: r[:k, i] for i, name in enumerate(MODEL_ERROR_INPUTS)})
        bars = tornado_bars(x, cal_cost[:k], cal_years[:k])
    return Calibrated(
        cost_usd_bn=cal_cost,
        duration_years=cal_years,
        cases=cases,
        cost_cases=cost_cases,
        factor_p10_p50_p90=factors,
        tornado=bars,
    )


__all__ = ["MODEL_ERROR_INPUTS", "Calibrated", "calibrate", "calibrated_forecast"]
