"""Calendar arithmetic for work that can only proceed in the ice-free marine season."""

from __future__ import annotations

import numpy as np

from beringia.core.distributions import FloatArray

YEAR_DAYS = 365.25
MONTH_DAYS = YEAR_DAYS / 12


def seasonal_finish(
    start: FloatArray,
    work_days: FloatArray,
    start_doy: float,
    open_doy: float,
    close_doy: float,
) -> FloatArray:
    """Finish time of work that progresses only inside a yearly open-water window.

    Parameters
    ----------
    start : ndarray
        Day (since notice to proceed) from which the work may start.
    work_days : ndarray
        Working days the activity needs inside the window.
    start_doy : float
        Day of year of notice to proceed (day 0 of the project).
    open_doy, close_doy : float
        The window is ``[open_doy, close_doy)`` in days of the year, ``open < close``.

    Returns
    -------
    ndarray
        Project day on which the work is finished. Zero work finishes at ``start``.
    """
    season = close_doy - open_doy
    t_abs = start + start_doy
    year0 = np.floor(t_abs / YEAR_DAYS)
    doy = t_abs - year0 * YEAR_DAYS
    # Time to the next moment inside the window, and what is left of that window.
    before = doy < open_doy
    inside = (doy >= open_doy) & (doy < close_doy)
    wait = np.where(before, open_doy - doy, np.where(inside, 0.0, YEAR_DAYS - doy + open_doy))
    left = np.where(inside, close_doy - doy, season)
    first_open = t_abs + wait
    remaining = work_days - left
    # Work that fits in the current window ends inside it.
    fits = remaining <= 0
    extra_seasons = np.ceil(np.maximum(remaining, 0.0) / season)
    tail = remaining - (extra_seasons - 1) * season
    # Start of the window in which the work ends.
    later_open = np.where(inside, t_abs - (doy - open_doy), first_open) + extra_seasons * YEAR_DAYS
    finish = np.where(fits, first_open + work_days, later_open + tail)
    finish = np.where(work_days <= 0, t_abs, finish)
    return np.asarray(finish - start_doy, dtype=np.float64)
