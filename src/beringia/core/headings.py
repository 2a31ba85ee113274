"""Where headings meet: excavation fronts along one bore.

A bore is cut into gaps by its attack points ``0 .. m-1``. Each point may launch a heading
east, west or both, at a known time. Boring through a gap takes ``G`` days for an eastward
front and ``G'`` for a westward one (the same unless the sites supplying the two fronts
limit them differently; every heading of a bore shares the bore's machine type and
ground). Where two fronts of different speeds meet is where their progress meets, which
the caller solves on its own chainage coordinate (``meeting``).

Rules, which are what happens underground:

* two headings driving towards each other meet where their progress meets;
* a heading that reaches an attack point before that point's own launch in the same
  direction carries on, and the later launch is cancelled (the tunnel is already there);
* a heading that reaches an attack point after the point has launched a heading towards
  it has met that heading inside the gap;
* a front never leaves a point that is a barrier in its direction (a heading stopped at a
  given chainage: the point is a virtual one, with no launches, at the stop); the gap
  beyond is left to the opposite front.

With these rules an extra heading can never make a bore finish later, and an extra barrier
can never make it finish earlier; a barrier that no front of its direction reaches before
the opposite front has passed it changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from beringia.core.distributions import FloatArray

NO_OWNER = -1

Meeting = Callable[[FloatArray, FloatArray], tuple[FloatArray, FloatArray]]
"""``meeting(left, right)`` for fronts of different speeds: given the days the eastward front
leaves each gap's west end (``left``) and the westward front its east end (``right``), both
shape (n, m - 1), return the day they meet and the eastward front's boring days from the
gap's start to the meeting point (both shape (n, m - 1); used only where they meet)."""


@dataclass(frozen=True)
class Fronts:
    """Solution of the fronts problem for one bore.

    Attributes
    ----------
    east_time, west_time : ndarray, shape (n, m)
        Time the eastward front leaves point ``i`` into gap ``i`` (``inf`` if none), and
        the time the westward front leaves point ``i`` into gap ``i - 1``.
    east_owner, west_owner : ndarray of int, shape (n, m)
        Attack point whose heading is that front (``-1`` if none).
    gap_finish : ndarray, shape (n, m - 1)
        Time gap ``i`` is fully excavated.
    meet : ndarray, shape (n, m - 1)
        Boring time from point ``i`` to where the fronts of gap ``i`` meet (0 .. ``G_i``).
    """

    east_time: FloatArray
    west_time: FloatArray
    east_owner: NDArray[np.intp]
    west_owner: NDArray[np.intp]
    gap_finish: FloatArray
    meet: FloatArray


def solve_fronts(
    gap_time: FloatArray,
    launch_east: FloatArray,
    launch_west: FloatArray,
    east_barrier: NDArray[np.bool_] | None = None,
    west_barrier: NDArray[np.bool_] | None = None,
    gap_time_west: FloatArray | None = None,
    meeting: Meeting | None = None,
) -> Fronts:
    """Solve the excavation fronts of one bore for every draw.

    Parameters
    ----------
    gap_time : ndarray, shape (n, m - 1)
        Days of boring (with stoppages) an eastward front needs to drive gap ``i`` from one
        end to the other.
    launch_east, launch_west : ndarray, shape (n, m)
        Day each point launches its eastward / westward heading; ``inf`` where it has none.
    east_barrier, west_barrier : ndarray of bool, shape (m,), optional
        Points an eastward / westward front arriving from the other side does not pass
        (none by default).
    gap_time_west : ndarray, shape (n, m - 1), optional
        The same for a westward front (default ``gap_time``).
    meeting : callable, optional
        Where fronts of different speeds meet (:data:`Meeting`); required with
        ``gap_time_west``. Without it the fronts meet half-way in boring days.

    Returns
    -------
    Fronts
        Front times, owners, gap completion times and meeting positions.
    """
    n, m = launch_east.shape
    if (gap_time_west is None) != (meeting is None):
        raise ValueError("give gap_time_west and meeting together")
    gap_west = gap_time if gap_time_west is None else gap_time_west
    no_barrier = np.zeros(m, dtype=bool)
    e_stop = no_barrier if east_barrier is None else np.asarray(east_barrier, dtype=bool)
    w_stop = no_barrier if west_barrier is None else np.asarray(west_barrier, dtype=bool)
    idx = np.broadcast_to(np.arange(m), (n, m))
    e = launch_east.copy()
    w = launch_west.copy()
    e_own = np.where(np.isfinite(e), idx, NO_OWNER)
    w_own = np.where(np.isfinite(w), idx, NO_OWNER)
    for _ in range(m + 1):
        w_prev = w  # the eastward pass depends on the westward fronts only
        # Eastward: a front passes point i+1 if it gets there before any westward front
        # leaves that point into gap i.
        e = launch_east.copy()
        e_own = np.where(np.isfinite(e), idx, NO_OWNER)
        for i in range(m - 1):
            if e_stop[i + 1]:
                continue
            arrive = e[:, i] + gap_time[:, i]
            take = (arrive <= w[:, i + 1]) & (arrive < e[:, i + 1])
            e[:, i + 1] = np.where(take, arrive, e[:, i + 1])
            e_own[:, i + 1] = np.where(take, e_own[:, i], e_own[:, i + 1])
        w = launch_west.copy()
        w_own = np.where(np.isfinite(w), idx, NO_OWNER)
        for i in range(m - 2, -1, -1):
            if w_stop[i]:
                continue
            arrive = w[:, i + 1] + gap_west[:, i]
            take = (arrive <= e[:, i]) & (arrive < w[:, i])
            w[:, i] = np.where(take, arrive, w[:, i])
            w_own[:, i] = np.where(take, w_own[:, i + 1], w_own[:, i])
        if np.array_equal(w, w_prev):
            break
    left, right = e[:, :-1], w[:, 1:]
    with np.errstate(invalid="ignore"):
        east_alone = right >= left + gap_time
        west_alone = left >= right + gap_west
        if meeting is None:
            met_at, met_days = (left + right + gap_time) / 2, (gap_time + right - left) / 2
        else:
            both = ~(east_alone | west_alone)
            met_at, met_days = meeting(np.where(both, left, 0.0), np.where(both, right, 0.0))
        meet = np.where(east_alone, gap_time, np.where(west_alone, 0.0, met_days))
        finish = np.where(
            east_alone, left + gap_time, np.where(west_alone, right + gap_west, met_at)
        )
    return Fronts(e, w, e_own, w_own, finish, meet)
