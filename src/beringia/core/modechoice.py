"""Mode choice between two alternatives on generalised cost (binary logit)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from beringia.core.distributions import FloatArray


def logit_share(gc_a: ArrayLike, gc_b: ArrayLike, scale: ArrayLike) -> FloatArray:
    """Return the share choosing ``a``: ``1 / (1 + exp(scale * (gc_a - gc_b)))``.

    Parameters
    ----------
    gc_a, gc_b : array_like
        Generalised costs of the two alternatives (money per unit, e.g. USD per FEU).
    scale : array_like
        Logit scale per money unit (> 0); larger means a sharper response to a cost edge.

    Returns
    -------
    numpy.ndarray
        Share in [0, 1], broadcast over the inputs; 0.5 at equal costs, falling as ``a``
        gets dearer. Computed without overflow for large differences.
    """
    x = np.asarray(scale, dtype=np.float64) * (
        np.asarray(gc_a, dtype=np.float64) - np.asarray(gc_b, dtype=np.float64)
    )
    out: FloatArray = np.exp(-np.logaddexp(0.0, x))
    return out
