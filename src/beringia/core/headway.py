"""Blocking times, minimum headways and the capacity of a bore with no overtaking.

Blocking time of a block section (Pachl; research notes ``corridor.md`` §2.1) is the time the
section is reserved for one train::

    setup + sight & reaction + approach + time between block limits + clearing + release

Here the *approach* starts when the train's braking horizon (head position plus the braking
distance at its current speed, ``x + v^2 / 2b``) reaches the entry of the section: from then on
the train needs the section clear or it must start braking. The section is freed when the tail
has cleared its exit plus the overlap, plus the release time. Times come from the train's
running profile, so acceleration, braking and speed limits all count.

* ``fixed_block``: lineside or cab signals at fixed block limits every ``block_length_m``; the
  driver's sight and reaction time counts.
* ``etcs_l2``: fixed blocks as given, movement authorities by radio: no sight time (no signals
  or marker boards to read); the ``etcs_update_s`` transmission/update delay counts instead.
* ``moving_block``: the "time between block limits" term vanishes: every grid point of the
  profile is its own zero-length section; ``overlap_m`` is the safety margin behind the tail and
  ``etcs_update_s`` the position-report interval.

The braking rate in the horizon is the train's service rate by default (the §2.3 worked examples
use it); ``braking="emergency"`` uses the emergency rate, as ETCS emergency-brake-deceleration
curves do in OSRD (notes §1.4). On level track at constant speed ``v`` this reduces to the notes'
closed forms ``h = t_fix + (s_brake + L_block + L_train + s_overlap) / v`` (fixed block) and
``h = t_fix + (s_brake + L_train + s_margin) / v`` (moving block).

The minimum headway of a following train is the push of its blocking-time stairway against the
leader's until they touch: ``h = max_k [end_lead_k - start_follow_k]`` (times relative to each
train's entry). A fast train behind a slow one in a bore with no overtaking therefore gets the
large headway ``~ L/v_slow - L/v_fast + h_min`` by itself.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

import numpy as np

from beringia.core.distributions import FloatArray
from beringia.core.traindynamics import Profile, TrainSpec
from beringia.errors import ScenarioError

SignallingKind = Literal["fixed_block", "etcs_l2", "moving_block"]
Policy = Literal["mixed", "flighted"]

_KINDS = ("fixed_block", "etcs_l2", "moving_block")
_MIN_EXIT_SPEED_M_S = 0.1


@dataclass(frozen=True)
class Signalling:
    """A train-separation system.

    Parameters
    ----------
    kind : {"fixed_block", "etcs_l2", "moving_block"}
        The separation principle.
    block_length_m : float
        Length of a block section (> 0 for fixed blocks; ignored for moving block).
    setup_s : float
        Route setting / movement-authority issue time.
    sight_reaction_s : float
        Signal sighting and driver reaction time (fixed block only).
    release_s : float
        Time to release a section after the train has cleared it.
    overlap_m : float
        Overlap beyond the block exit (fixed blocks) or safety margin behind the tail (moving
        block).
    etcs_update_s : float
        Radio movement-authority / position-report delay (ETCS level 2 and moving block).
    braking : {"service", "emergency"}
        Which of the train's braking rates sets the braking horizon.
    """

    kind: SignallingKind
    block_length_m: float
    setup_s: float
    sight_reaction_s: float
    release_s: float
    overlap_m: float
    etcs_update_s: float = 0.0
    braking: Literal["service", "emergency"] = "service"

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise ScenarioError("signalling.kind", self.kind, f"one of {', '.join(_KINDS)}")
        if self.braking not in ("service", "emergency"):
            raise ScenarioError("signalling.braking", self.braking, "'service' or 'emergency'")
        if self.kind != "moving_block" and not (
            math.isfinite(self.block_length_m) and self.block_length_m > 0
        ):
            raise ScenarioError(
                "signalling.block_length_m", self.block_length_m, "a length > 0 for fixed blocks"
            )
        for key in ("setup_s", "sight_reaction_s", "release_s", "overlap_m", "etcs_update_s"):
            value = getattr(self, key)
            if not (math.isfinite(value) and value >= 0):
                raise ScenarioError(f"signalling.{key}", value, "a finite number >= 0")


class BlockingTimes(NamedTuple):
    """Blocking time of every block section, relative to the train's entry (head at 0)."""

    start_s: FloatArray
    end_s: FloatArray


@dataclass(frozen=True)
class Capacity:
    """Capacity of one direction of a line for a traffic mix.

    Attributes
    ----------
    trains_per_day : float
        Trains per day per direction within the occupancy limit.
    trains_per_hour : float
        The same per available hour.
    mean_headway_s : float
        Expected headway per train under the sequencing policy (s).
    """

    trains_per_day: float
    trains_per_hour: float
    mean_headway_s: float


def block_sections(position_m: FloatArray, signalling: Signalling) -> tuple[FloatArray, FloatArray]:
    """Return entry and exit chainages (m) of the block sections over a line.

    Fixed blocks start at 0 every ``block_length_m``; the last one ends at the end of the line.
    Moving block has a zero-length section at every grid point.
    """
    length = float(position_m[-1])
    if signalling.kind == "moving_block":
        return position_m.copy(), position_m.copy()
    count = max(1, math.ceil(length / signalling.block_length_m - 1e-9))
    starts = np.arange(count) * signalling.block_length_m
    ends = np.minimum(starts + signalling.block_length_m, length)
    return starts.astype(np.float64), ends.astype(np.float64)


def _time_reaching(
    pos: FloatArray, time: FloatArray, targets: FloatArray, v_start: float, v_end: float
) -> FloatArray:
    """First time a non-decreasing position ``pos(time)`` reaches each target.

    Before the first point the train is taken to approach at its start speed (standing still if
    that is 0); after the last point it carries on at its end speed.
    """
    idx = np.searchsorted(pos, targets, side="left")
    out = np.empty(len(targets))
    before = idx == 0
    after = idx >= len(pos)
    mid = ~(before | after)
    if v_start > 0:
        out[before] = time[0] - (pos[0] - targets[before]) / v_start
    else:
        out[before] = time[0]
    out[after] = time[-1] + (targets[after] - pos[-1]) / v_end
    i = idx[mid]
    frac = (targets[mid] - pos[i - 1]) / (pos[i] - pos[i - 1])
    out[mid] = time[i - 1] + frac * (time[i] - time[i - 1])
    return out


def blocking_times(profile: Profile, train: TrainSpec, signalling: Signalling) -> BlockingTimes:
    """Compute the blocking time of every block section over the bore for one train.

    Parameters
    ----------
    profile : Profile
        The train's running profile over the bore; it must run through the far end.
    train : TrainSpec
        The train (length and braking rates).
    signalling : Signalling
        The separation system.

    Returns
    -------
    BlockingTimes
        ``(start_s, end_s)`` per section, relative to the time the head enters the bore.
    """
    x = profile.position_m
    v = profile.speed_m_s
    t = profile.time_s
    v_end = float(v[-1])
    if v_end < _MIN_EXIT_SPEED_M_S:
        raise ScenarioError(
            "end_speed_kmh",
            v_end * 3.6,
            "a profile that runs through the end of the bore (end_speed_kmh None or > 0) "
            "to compute when the train clears the last sections",
        )
    brake = (
        train.service_brake_m_s2 if signalling.braking == "service" else train.emergency_brake_m_s2
    )
    entry_m, exit_m = block_sections(x, signalling)
    horizon = np.maximum.accumulate(x + v * v / (2.0 * brake))
    v0 = float(v[0])
    needed = _time_reaching(horizon, t, entry_m, v0, v_end)
    before = signalling.setup_s
    if signalling.kind == "fixed_block":
        before += signalling.sight_reaction_s
    else:
        before += signalling.etcs_update_s
    cleared = _time_reaching(x, t, exit_m + train.length_m + signalling.overlap_m, v0, v_end)
    return BlockingTimes(needed - before, cleared + signalling.release_s)


def min_headway_s(lead: BlockingTimes, follow: BlockingTimes) -> float:
    """Return the minimum headway (s) of ``follow`` behind ``lead`` on the same sections.

    ``max_k [end_lead_k - start_follow_k]``: the following stairway pushed against the
    leader's until they touch at the critical section.
    """
    if lead.end_s.shape != follow.start_s.shape:
        raise ScenarioError(
            "blocking_times",
            (lead.end_s.shape, follow.start_s.shape),
            "blocking times of two trains over the same block sections",
        )
    return float(np.max(lead.end_s - follow.start_s))


def headway_matrix(
    profiles: Sequence[Profile], trains: Sequence[TrainSpec], signalling: Signalling
) -> dict[tuple[str, str], float]:
    """Return the minimum headway for every ordered pair of train types.

    Parameters
    ----------
    profiles : sequence of Profile
        One running profile per train type, all over the same bore grid.
    trains : sequence of TrainSpec
        The train types, in the order of ``profiles``; names must be unique.
    signalling : Signalling
        The separation system.

    Returns
    -------
    dict
        ``{(lead_name, follow_name): headway_s}``.
    """
    if len(profiles) != len(trains):
        raise ScenarioError("trains", len(trains), f"one train per profile ({len(profiles)})")
    names = [tr.name for tr in trains]
    if len(set(names)) != len(names):
        raise ScenarioError("trains", names, "train types with unique names")
    if profiles:
        grid = profiles[0].position_m
        for p in profiles[1:]:
            if p.position_m.shape != grid.shape or not np.array_equal(p.position_m, grid):
                raise ScenarioError(
                    "profiles", p.train, "profiles computed over the same track grid"
                )
    blocks = [blocking_times(p, tr, signalling) for p, tr in zip(profiles, trains, strict=True)]
    return {
        (names[i], names[j]): min_headway_s(blocks[i], blocks[j])
        for i in range(len(names))
        for j in range(len(names))
    }


def capacity(
    headways: Mapping[tuple[str, str], float],
    shares: Mapping[str, float],
    *,
    policy: Policy = "mixed",
    flight_size: int = 1,
    occupancy: float,
    hours_per_day: float,
) -> Capacity:
    """Return trains per day per direction for a traffic mix and a sequencing policy.

    Parameters
    ----------
    headways : mapping
        Minimum headways ``{(lead, follow): seconds}`` for every ordered pair of the types in
        ``shares`` (as from :func:`headway_matrix`).
    shares : mapping
        Share of each train type in the traffic (>= 0, summing to 1).
    policy : {"mixed", "flighted"}
        ``mixed``: trains follow in random order, expected headway ``sum_ij p_i p_j h_ij``.
        ``flighted``: trains run in flights of ``flight_size`` trains of one type; flights follow
        in random order of type (so shares hold); per flight ``n - 1`` within-flight headways and
        one transition: ``[(n-1) sum_i p_i h_ii + sum_ij p_i p_j h_ij] / n`` per train.
    flight_size : int
        Trains per flight (``flighted`` only; 1 is the same as ``mixed``).
    occupancy : float
        Usable share of the period in the UIC 406 manner (0 < occupancy <= 1).
    hours_per_day : float
        Hours per day the line is open to traffic (0 <= hours <= 24): the timetable window less
        the time maintenance closes it (see
        :func:`beringia.core.operations.open_hours_per_day`).

    Returns
    -------
    Capacity
        ``occupancy x hours x 3600 / mean_headway`` trains per day, per hour and the mean
        headway.
    """
    if policy not in ("mixed", "flighted"):
        raise ScenarioError("capacity.policy", policy, "'mixed' or 'flighted'")
    if isinstance(flight_size, bool) or not isinstance(flight_size, int) or flight_size < 1:
        raise ScenarioError("capacity.flight_size", flight_size, "a whole number >= 1")
    if not (math.isfinite(occupancy) and 0 < occupancy <= 1):
        raise ScenarioError("capacity.occupancy", occupancy, "a share in (0, 1]")
    if not (math.isfinite(hours_per_day) and 0 <= hours_per_day <= 24):
        raise ScenarioError("capacity.hours_per_day", hours_per_day, "hours in [0, 24]")
    names = [k for k, p in shares.items() if p != 0]
    p = np.array([shares[k] for k in names], dtype=np.float64)
    if (
        not np.all(np.isfinite(list(shares.values())))
        or min(shares.values(), default=0.0) < 0
        or len(names) == 0
        or abs(float(p.sum()) - 1.0) > 1e-6
    ):
        raise ScenarioError("capacity.shares", dict(shares), "shares >= 0 that sum to 1")
    h = np.empty((len(names), len(names)))
    for i, a in enumerate(names):
        for j, b in enumerate(names):
            if (a, b) not in headways:
                raise ScenarioError(
                    "capacity.headways", (a, b), "a headway for every ordered pair of types"
                )
            h[i, j] = headways[(a, b)]
    if not np.all(np.isfinite(h) & (h > 0)):
        raise ScenarioError("capacity.headways", h.tolist(), "finite headways > 0")
    mixed = float(p @ h @ p)
    if policy == "mixed" or flight_size == 1:
        mean = mixed
    else:
        within = float(p @ np.diag(h))
        mean = ((flight_size - 1) * within + mixed) / flight_size
    per_hour = occupancy * 3600.0 / mean
    return Capacity(
        trains_per_day=per_hour * hours_per_day, trains_per_hour=per_hour, mean_headway_s=mean
    )
