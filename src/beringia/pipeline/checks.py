"""Quiet arithmetic at the pipeline's boundary: NumPy's warnings never reach the user.

The models run inside :func:`quiet_numerics`; their results are then checked by each model
(e.g. :mod:`beringia.models.construction.checks`), which names the input to change.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np


@contextmanager
def quiet_numerics() -> Iterator[None]:
    """Run model code with NumPy's floating-point warnings off (results are checked after).

    Division by zero, overflow and invalid operations then give ``inf`` or ``nan`` silently,
    and the models' checks turn such results into one error naming an input.
    """
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield
