"""Running times from train dynamics: speed and time over distance for one train on one line.

Conventions follow OSRD (research notes ``corridor.md`` §1.1-§1.7):

* the train is a point mass whose inertia is ``mass x rotating_mass_factor``;
  ``a = (F_te(v) - R(v) - m g sin(atan(i / 1000))) / (m xi)``;
* Davis resistance ``R(v) = A + B v + C v^2`` in SI units (v in m/s), or a resistance table
  (speed, force) interpolated linearly;
* the tractive-effort curve is piecewise linear in speed and clamped at both ends;
* the grade ``i`` is the average of ``gradient + 800 / R`` under the train, tail to head;
* braking is a constant service deceleration (SNCF/OSRD timetable practice);
* the most restrictive speed profile is shifted by the train length: a train does not
  accelerate until its tail clears a restriction, and brakes so that its head meets a
  restriction at the limit;
* a linear allowance scales all speeds by one factor (percentage of running time and/or
  minutes per 100 km).

The profile is integrated over the distance grid of the track in the ``v^2`` domain: a forward
pass builds the maximum-effort (acceleration) curve under the speed-limit envelope with Heun's
method (exact when the acceleration is constant), a backward pass builds the braking curves
(closed form for constant deceleration), and the profile is the lower of the two. Between grid
points ``v^2`` is linear in distance, i.e. the acceleration is constant over a step, so each
step's time is ``2 dx / (v_k + v_{k+1})`` exactly.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from beringia.core.distributions import FloatArray
from beringia.errors import NumericalError, ScenarioError

GRAVITY_M_S2 = 9.81
"""Gravity used by OSRD's weight force (``TrainPhysicsIntegrator.kt``, notes §1.1)."""

CURVE_RESISTANCE_M = 800.0
"""Curve resistance as an equivalent gradient of ``800 / R`` per mille (notes §1.1)."""

STALL_SPEED_M_S = 1.0 / 3.6
"""Below 1 km/h on the maximum-effort curve, and not gaining speed, the train has stalled."""


class TrainCannotClimbError(NumericalError):
    """A train's tractive effort cannot hold it on a rising grade: it stalls.

    Parameters
    ----------
    train : str
        Name of the train type.
    chainage_km : float
        Where the head of the train stalls.
    """

    def __init__(self, train: str, chainage_km: float) -> None:
        self.train = train
        self.chainage_km = chainage_km
        super().__init__(
            f"operations.trains.{train}: the train stalls at chainage {chainage_km:.2f} km, "
            "its tractive effort below resistance plus grade; give it more tractive_effort or "
            "less mass_t, or lower alignment.max_gradient_permille"
        )


@dataclass(frozen=True)
class TrainSpec:
    """A train type as the running-time model sees it.

    Parameters
    ----------
    name : str
        Name of the train type (used in error messages and headway keys).
    length_m : float
        Train length over couplers (m).
    mass_t : float
        Total mass of the train including locomotives (t).
    rotating_mass_factor : float
        Inertia / mass (>= 1).
    davis_a_n, davis_b_n_per_m_s, davis_c_n_per_m2_s2 : float
        Davis resistance coefficients, ``R = A + B v + C v^2`` with v in m/s, R in N.
    tractive_effort : tuple of (float, float)
        ``(speed_kmh, force_kn)`` points, speeds strictly increasing, forces >= 0.
    max_speed_kmh : float
        Maximum speed of the train.
    service_brake_m_s2 : float
        Constant service deceleration used for running times (and signalling by default).
    emergency_brake_m_s2 : float
        Emergency deceleration (signalling may use it instead of the service rate).
    adhesive_mass_t : float or None
        Mass on the driven axles (t): the locomotives' weight the wheels can push on. With
        ``restart_adhesion`` it caps the tractive effort at ``mu x adhesive mass x g`` at every
        speed. ``None`` (with ``restart_adhesion``): no adhesion limit.
    restart_adhesion : float or None
        Wheel-rail adhesion coefficient ``mu`` the train must restart with (a wet rail in the
        bore), in ``(0, 1]``.
    resistance_table : tuple of (float, float) or None
        Running resistance as measured or published, ``(speed_kmh, force_kn)`` points from
        0 km/h to at least ``max_speed_kmh``, speeds strictly increasing, interpolated
        linearly. When given it replaces the Davis coefficients.
    """

    name: str
    length_m: float
    mass_t: float
    rotating_mass_factor: float
    davis_a_n: float
    davis_b_n_per_m_s: float
    davis_c_n_per_m2_s2: float
    tractive_effort: tuple[tuple[float, float], ...]
    max_speed_kmh: float
    service_brake_m_s2: float
    emergency_brake_m_s2: float
    adhesive_mass_t: float | None = None
    restart_adhesion: float | None = None
    resistance_table: tuple[tuple[float, float], ...] | None = None

    def __post_init__(self) -> None:
        where = f"trains.{self.name}"
        if self.resistance_table is not None:
            object.__setattr__(self, "resistance_table", self._checked_table(where))
        if (self.adhesive_mass_t is None) != (self.restart_adhesion is None):
            raise ScenarioError(
                f"{where}.adhesive_mass_t",
                self.adhesive_mass_t,
                "give adhesive_mass_t and restart_adhesion together, or neither",
            )
        if self.adhesive_mass_t is not None and not (
            math.isfinite(self.adhesive_mass_t) and 0 < self.adhesive_mass_t <= self.mass_t
        ):
            raise ScenarioError(
                f"{where}.adhesive_mass_t", self.adhesive_mass_t, "a mass > 0 and <= mass_t"
            )
        if self.restart_adhesion is not None and not (
            math.isfinite(self.restart_adhesion) and 0 < self.restart_adhesion <= 1
        ):
            raise ScenarioError(
                f"{where}.restart_adhesion", self.restart_adhesion, "a coefficient in (0, 1]"
            )
        positive = {
            "length_m": self.length_m,
            "mass_t": self.mass_t,
            "max_speed_kmh": self.max_speed_kmh,
            "service_brake_m_s2": self.service_brake_m_s2,
            "emergency_brake_m_s2": self.emergency_brake_m_s2,
        }
        for key, value in positive.items():
            if not (math.isfinite(value) and value > 0):
                raise ScenarioError(f"{where}.{key}", value, "a finite number > 0")
        if not (math.isfinite(self.rotating_mass_factor) and self.rotating_mass_factor >= 1):
            raise ScenarioError(
                f"{where}.rotating_mass_factor", self.rotating_mass_factor, "a number >= 1"
            )
        davis = {
            "davis_a_n": self.davis_a_n,
            "davis_b_n_per_m_s": self.davis_b_n_per_m_s,
            "davis_c_n_per_m2_s2": self.davis_c_n_per_m2_s2,
        }
        for key, value in davis.items():
            if not (math.isfinite(value) and value >= 0):
                raise ScenarioError(f"{where}.{key}", value, "a finite number >= 0")
        curve = self.tractive_effort
        allowed = (
            "a tractive-effort curve as a function of speed: at least one [speed_kmh, force_kn] "
            "point, speeds >= 0 and strictly increasing, forces finite and >= 0"
        )
        try:
            pts = [(float(s), float(f)) for s, f in curve]
        except (TypeError, ValueError):
            raise ScenarioError(f"{where}.tractive_effort", curve, allowed) from None
        if not pts:
            raise ScenarioError(f"{where}.tractive_effort", curve, allowed)
        speeds = [s for s, _ in pts]
        forces = [f for _, f in pts]
        if (
            not all(math.isfinite(s) and s >= 0 for s in speeds)
            or any(b <= a for a, b in itertools.pairwise(speeds))
            or not all(math.isfinite(f) and f >= 0 for f in forces)
        ):
            raise ScenarioError(f"{where}.tractive_effort", curve, allowed)
        object.__setattr__(self, "tractive_effort", tuple(pts))

    def _checked_table(self, where: str) -> tuple[tuple[float, float], ...]:
        table = self.resistance_table
        allowed = (
            "a resistance table: [speed_kmh, force_kn] points from 0 km/h to at least "
            f"max_speed_kmh ({self.max_speed_kmh:g}), speeds strictly increasing, forces "
            "finite and >= 0"
        )
        try:
            pts = [(float(v), float(f)) for v, f in table or ()]
        except (TypeError, ValueError):
            raise ScenarioError(f"{where}.resistance_table", table, allowed) from None
        speeds = [v for v, _ in pts]
        if (
            len(pts) < 2
            or speeds[0] != 0
            or speeds[-1] < self.max_speed_kmh
            or any(b <= a for a, b in itertools.pairwise(speeds))
            or not all(math.isfinite(v) for v in speeds)
            or not all(math.isfinite(f) and f >= 0 for _, f in pts)
        ):
            raise ScenarioError(f"{where}.resistance_table", table, allowed)
        return tuple(pts)

    @property
    def adhesion_limit_n(self) -> float:
        """Return the largest force the driven wheels can exert, ``mu m g`` (N; inf if none)."""
        if self.adhesive_mass_t is None or self.restart_adhesion is None:
            return math.inf
        return self.restart_adhesion * self.adhesive_mass_t * 1000.0 * GRAVITY_M_S2

    def tractive_effort_n(self, speed_m_s: FloatArray) -> FloatArray:
        """Return the maximum tractive effort (N) at the given speeds (m/s), clamped at the ends.

        The curve is capped by adhesion (:attr:`adhesion_limit_n`).
        """
        s = np.array([p[0] for p in self.tractive_effort]) / 3.6
        f = np.array([p[1] for p in self.tractive_effort]) * 1000.0
        return np.minimum(np.interp(speed_m_s, s, f), self.adhesion_limit_n)

    def resistance_n(self, speed_m_s: FloatArray) -> FloatArray:
        """Return the running resistance (N) at the given speeds (m/s).

        From the resistance table when there is one (linear between its points), else Davis.
        """
        v = np.abs(speed_m_s)
        if self.resistance_table is not None:
            s = np.array([p[0] for p in self.resistance_table]) / 3.6
            f = np.array([p[1] for p in self.resistance_table]) * 1000.0
            return np.asarray(np.interp(v, s, f), dtype=np.float64)
        return self.davis_a_n + self.davis_b_n_per_m_s * v + self.davis_c_n_per_m2_s2 * v * v


def _as_float_array(value: object, name: str) -> FloatArray:
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ScenarioError(name, value, "an array of numbers") from None
    if arr.ndim != 1:
        raise ScenarioError(name, value, "a one-dimensional array")
    return arr


@dataclass(frozen=True, eq=False)
class Track:
    """A line as a grid of chainage points with per-point attributes.

    Parameters
    ----------
    position_m : ndarray
        Chainage of the grid points (m): strictly increasing, starting at 0.
    gradient_permille : ndarray
        Gradient at each point (per mille, + = rising in the direction of travel).
    curve_radius_m : ndarray or None
        Curve radius at each point (m); ``inf`` or ``0`` = straight; ``None`` = all straight.
    speed_limit_kmh : ndarray
        Line speed at each point (km/h, > 0). A point's limit holds until the next point.
    """

    position_m: FloatArray
    gradient_permille: FloatArray
    curve_radius_m: FloatArray | None
    speed_limit_kmh: FloatArray

    def __post_init__(self) -> None:
        x = _as_float_array(self.position_m, "track.position_m")
        if len(x) < 2 or not np.all(np.isfinite(x)) or x[0] != 0 or np.any(np.diff(x) <= 0):
            raise ScenarioError(
                "track.position_m",
                x.tolist(),
                "at least two finite chainages, strictly increasing, the first one 0",
            )
        n = len(x)
        grad = _as_float_array(self.gradient_permille, "track.gradient_permille")
        limit = _as_float_array(self.speed_limit_kmh, "track.speed_limit_kmh")
        for name, arr in (("gradient_permille", grad), ("speed_limit_kmh", limit)):
            if len(arr) != n:
                raise ScenarioError(f"track.{name}", len(arr), f"{n} values (one per point)")
        if not np.all(np.isfinite(grad)):
            raise ScenarioError("track.gradient_permille", grad.tolist(), "finite numbers")
        if not np.all(np.isfinite(limit) & (limit > 0)):
            raise ScenarioError("track.speed_limit_kmh", limit.tolist(), "finite numbers > 0")
        radius: FloatArray | None = None
        if self.curve_radius_m is not None:
            radius = _as_float_array(self.curve_radius_m, "track.curve_radius_m")
            if len(radius) != n:
                raise ScenarioError(
                    "track.curve_radius_m", len(radius), f"{n} values (one per point)"
                )
            if np.any(np.isnan(radius)):
                raise ScenarioError(
                    "track.curve_radius_m", radius.tolist(), "numbers (inf or 0 = straight)"
                )
        object.__setattr__(self, "position_m", x)
        object.__setattr__(self, "gradient_permille", grad)
        object.__setattr__(self, "curve_radius_m", radius)
        object.__setattr__(self, "speed_limit_kmh", limit)

    @classmethod
    def from_sections(
        cls,
        length_m: float,
        *,
        speed_limits: Sequence[tuple[float, float, float]],
        gradients: Sequence[tuple[float, float, float]] = (),
        curves: Sequence[tuple[float, float, float]] = (),
        spacing_m: float = 10.0,
    ) -> Track:
        """Build a track from sections given as chainage ranges, as a line is described.

        Parameters
        ----------
        length_m : float
            Length of the line (m).
        speed_limits : sequence of (float, float, float)
            ``(from_m, to_m, kmh)``: they must cover the whole line; where two overlap, the
            later one holds.
        gradients : sequence of (float, float, float)
            ``(from_m, to_m, permille)`` (+ rising in the direction of travel); level elsewhere.
        curves : sequence of (float, float, float)
            ``(from_m, to_m, radius_m)``; straight elsewhere.
        spacing_m : float
            Spacing of the grid (m); every section boundary is added to the grid, so a limit
            or a gradient changes exactly where its section does.

        Returns
        -------
        Track
            The grid and the value of each section at every point (a point's value holds
            until the next point).

        Raises
        ------
        ScenarioError
            Naming the section that lies outside the line, is empty or leaves part of the line
            without a speed limit.
        """
        if not (math.isfinite(length_m) and length_m > 0):
            raise ScenarioError("track.length_m", length_m, "a finite length > 0 m")
        if not (math.isfinite(spacing_m) and spacing_m > 0):
            raise ScenarioError("track.spacing_m", spacing_m, "a finite spacing > 0 m")
        named = (("speed_limits", speed_limits), ("gradients", gradients), ("curves", curves))
        edges = [0.0, float(length_m)]
        for what, sections in named:
            for i, (a, b, _) in enumerate(sections):
                if not (0.0 <= a < b <= length_m):
                    raise ScenarioError(
                        f"track.{what}.{i}", [a, b], f"0 <= from_m < to_m <= {length_m:g}"
                    )
                edges += [float(a), float(b)]
        grid = np.arange(0.0, length_m, spacing_m)
        x = np.unique(np.concatenate([grid, np.array(edges)]))

        def fill(sections: Sequence[tuple[float, float, float]], default: float) -> FloatArray:
            out = np.full(len(x), default)
            for a, b, value in sections:
                out[(x >= a) & (x < b)] = value
            out[-1] = out[-2]  # the end point carries the last interval's value
            return out

        limit = fill(speed_limits, math.nan)
        if np.any(np.isnan(limit)):
            gap = float(x[np.flatnonzero(np.isnan(limit))[0]])
            raise ScenarioError(
                "track.speed_limits", f"none at {gap:g} m", "sections covering the whole line"
            )
        return cls(
            position_m=x,
            gradient_permille=fill(gradients, 0.0),
            curve_radius_m=fill(curves, math.inf) if curves else None,
            speed_limit_kmh=limit,
        )

    @property
    def length_m(self) -> float:
        """Length of the line (m)."""
        return float(self.position_m[-1])

    def equivalent_gradient_permille(self) -> FloatArray:
        """Return gradient plus the ``800 / R`` curve term at every point (per mille)."""
        if self.curve_radius_m is None:
            return self.gradient_permille.copy()
        r = np.abs(self.curve_radius_m)
        curved = np.isfinite(r) & (r > 0)
        extra = np.zeros_like(r)
        extra[curved] = CURVE_RESISTANCE_M / r[curved]
        return self.gradient_permille + extra

    def reversed(self) -> Track:
        """Return the same line run in the opposite direction (gradients flip sign)."""
        x = self.position_m
        radius = None if self.curve_radius_m is None else self.curve_radius_m[::-1].copy()
        limit = self.speed_limit_kmh[::-1].copy()
        # A point's limit holds until the next point: in the reverse direction the value of the
        # interval (x_k, x_{k+1}) must be carried by the point that now starts it.
        limit[:-1] = self.speed_limit_kmh[:-1][::-1]
        limit[-1] = self.speed_limit_kmh[0]
        return Track(
            position_m=(x[-1] - x[::-1]),
            gradient_permille=-self.gradient_permille[::-1],
            curve_radius_m=radius,
            speed_limit_kmh=limit,
        )


@dataclass(frozen=True, eq=False)
class Profile:
    """A train's run over a track.

    Attributes
    ----------
    train : str
        Name of the train type.
    position_m : ndarray
        Head position at each grid point (m).
    speed_m_s : ndarray
        Speed at each grid point (m/s), allowance applied.
    time_s : ndarray
        Time at which the head reaches each point (s, 0 at the first point), allowance applied.
    total_s : float
        Running time over the whole track including the allowance (s).
    technical_s : float
        Minimum (technical) running time before the allowance (s).
    train_length_m : float
        Train length, kept for blocking-time calculations.
    """

    train: str
    position_m: FloatArray
    speed_m_s: FloatArray
    time_s: FloatArray
    total_s: float
    technical_s: float
    train_length_m: float


def _window_min(values: FloatArray, lo: np.ndarray) -> FloatArray:
    """Return ``min(values[lo[k] : k + 1])`` for every ``k`` (sparse table, O(n log n))."""
    n = len(values)
    table = [values]
    width = 1
    while 2 * width <= n:
        prev = table[-1]
        table.append(np.minimum(prev[: len(prev) - width], prev[width:]))
        width *= 2
    hi = np.arange(n)
    span = hi - lo + 1
    level = np.floor(np.log2(span)).astype(np.int64)
    out = np.empty(n)
    for j in np.unique(level):
        sel = level == j
        row = table[int(j)]
        out[sel] = np.minimum(row[lo[sel]], row[hi[sel] - (1 << int(j)) + 1])
    return out


def speed_envelope_m_s(train: TrainSpec, track: Track) -> FloatArray:
    """Return the most restrictive speed (m/s) at every point for the head of the train.

    The lower of the train's maximum speed and every line limit between the tail and the head:
    a restriction holds until the tail has cleared it.
    """
    x = track.position_m
    limit = track.speed_limit_kmh / 3.6
    tail = x - train.length_m
    lo = np.searchsorted(x, tail, side="right") - 1
    lo = np.clip(lo, 0, None)
    return np.minimum(_window_min(limit, lo), train.max_speed_kmh / 3.6)


def average_grade_permille(train: TrainSpec, track: Track) -> FloatArray:
    """Return the average equivalent gradient under the train with its head at every point.

    Uses the cumulative integral of ``gradient + 800/R`` along the grid, so each average costs
    O(1). Before the start of the track the first point's gradient is assumed to continue.
    """
    x = track.position_m
    g = track.equivalent_gradient_permille()
    cum = np.concatenate([[0.0], np.cumsum(0.5 * (g[1:] + g[:-1]) * np.diff(x))])
    tail = x - train.length_m
    inside = tail >= 0
    cum_tail = np.where(inside, np.interp(np.clip(tail, 0, None), x, cum), g[0] * tail)
    avg: FloatArray = (cum - cum_tail) / train.length_m
    return avg


def max_restart_mass_t(train: TrainSpec, grade_permille: float) -> float:
    """Return the heaviest train (t, locomotives included) the train's traction can restart.

    A planner's tonnage rating: at a standstill on the grade the starting force,
    ``min(F_te(0), mu m_adhesive g)``, must exceed the resistance at rest plus the grade,
    ``R(0) + M g sin(atan(i / 1000))``. The resistance at rest ``R(0)`` (Davis ``A``) is taken
    as proportional to the train's mass (the Strahl and ALTRIOS forms behind the built-in
    trains are), so ``R(0) / mass_t`` newtons per tonne; breakaway resistance above it is not
    modelled.

    Parameters
    ----------
    train : TrainSpec
        The train type (its starting tractive effort, adhesion and Davis ``A``).
    grade_permille : float
        Rising gradient the train stands on (per mille, curves included); <= 0 is level.

    Returns
    -------
    float
        Largest total mass (t); ``inf`` if nothing holds the train back.
    """
    force = min(float(train.tractive_effort[0][1]) * 1000.0, train.adhesion_limit_n)
    per_t = float(train.resistance_n(np.zeros(1))[0]) / train.mass_t
    per_t += 1000.0 * GRAVITY_M_S2 * math.sin(math.atan(max(grade_permille, 0.0) / 1000.0))
    return math.inf if per_t <= 0 else force / per_t


def ruling_grade_permille(train: TrainSpec, tracks: list[Track]) -> float:
    """Return the steepest rising grade averaged under the train on any of the tracks."""
    return max(float(np.max(average_grade_permille(train, t))) for t in tracks)


def check_restart(train: TrainSpec, tracks: list[Track]) -> None:
    """Refuse a train its locomotives could not restart on the ruling gradient of the line.

    A train may stop anywhere in the bore (at a signal, in an incident) and must start again
    on a wet rail: the train's mass must not exceed :func:`max_restart_mass_t` on the
    :func:`ruling_grade_permille`. Trains without adhesion data are checked against their
    starting tractive effort only.

    Raises
    ------
    ScenarioError
        Naming ``operations.trains.<name>.mass_t``, the mass given, the largest mass and
        trailing load allowed (the tonnage rating) and the grade.
    """
    grade = ruling_grade_permille(train, tracks)
    limit = max_restart_mass_t(train, grade)
    if train.mass_t <= limit:
        return
    loco = train.adhesive_mass_t
    trailing = "" if loco is None else f" (trailing load {max(limit - loco, 0.0):,.0f} t)"
    mu = "" if train.restart_adhesion is None else f" at adhesion {train.restart_adhesion:g}"
    raise ScenarioError(
        f"operations.trains.{train.name}.mass_t",
        train.mass_t,
        f"its locomotives can restart at most {limit:,.0f} t{trailing} on the ruling gradient "
        f"of {grade:.1f} per mille{mu} (wet rail); add a locomotive (tractive_effort, "
        "adhesive_mass_t), shorten the train, or flatten alignment.max_gradient_permille",
    )


def _validate_allowance(pct: float, min_per_100km: float) -> None:
    if not (math.isfinite(pct) and pct >= 0):
        raise ScenarioError("allowance_pct", pct, "a finite percentage >= 0")
    if not (math.isfinite(min_per_100km) and min_per_100km >= 0):
        raise ScenarioError("allowance_min_per_100km", min_per_100km, "a finite number >= 0")


def running_profile(
    train: TrainSpec,
    track: Track,
    *,
    allowance_pct: float = 0.0,
    allowance_min_per_100km: float = 0.0,
    start_speed_kmh: float | None = 0.0,
    end_speed_kmh: float | None = None,
    stops: Sequence[tuple[float, float]] = (),
) -> Profile:
    """Compute the speed and time profile of a train over a track.

    Parameters
    ----------
    train : TrainSpec
        The train type.
    track : Track
        The line, its grid and attributes.
    allowance_pct : float
        Regularity allowance as a percentage of the technical running time.
    allowance_min_per_100km : float
        Regularity allowance in minutes per 100 km (OSRD ``TimePerDistance``).
    start_speed_kmh : float or None
        Speed of the head at the first point. ``None`` means the train enters at the speed
        limit there (trains usually reach a tunnel portal at line speed); a given speed is
        capped at that limit. ``0`` is a standing start.
    end_speed_kmh : float or None
        Speed at the last point: ``None`` runs through (no braking at the end), ``0`` stops.
    stops : sequence of (float, float)
        Intermediate stops ``(chainage_m, dwell_s)``: the head brakes (service rate) to a stand
        at the grid point nearest each chainage, waits ``dwell_s`` and starts again at maximum
        effort. Chainages strictly inside the track, on distinct grid points.

    Returns
    -------
    Profile
        Speed and time at every grid point; times and speeds include the allowance, which is
        spread linearly over the running time (every speed scaled by the same factor); the
        time at a stop is the arrival, the dwell is added after it. ``total_s`` and
        ``technical_s`` include the dwells.

    Raises
    ------
    TrainCannotClimbError
        If the maximum-effort curve falls to a standstill (below 1 km/h and not gaining speed,
        whatever the grid spacing).
    ScenarioError
        If a speed or allowance is negative or not finite.
    """
    _validate_allowance(allowance_pct, allowance_min_per_100km)
    x = track.position_m
    n = len(x)
    env = speed_envelope_m_s(train, track)
    env2 = env * env

    if start_speed_kmh is None:
        u0 = float(env2[0])
    else:
        if not (math.isfinite(start_speed_kmh) and start_speed_kmh >= 0):
            raise ScenarioError("start_speed_kmh", start_speed_kmh, "a speed >= 0 or None")
        u0 = min((start_speed_kmh / 3.6) ** 2, float(env2[0]))
    stop_at, dwell = _stop_points(track, stops)
    stop_set = set(stop_at)

    # Forward pass: maximum effort under the envelope (Heun's method in v^2 over distance).
    grade = average_grade_permille(train, track)
    mass_kg = train.mass_t * 1000.0
    weight = mass_kg * GRAVITY_M_S2 * np.sin(np.arctan(grade / 1000.0))
    inv_inertia = 1.0 / (mass_kg * train.rotating_mass_factor)
    te_v = [p[0] / 3.6 for p in train.tractive_effort]
    te_f = [p[1] * 1000.0 for p in train.tractive_effort]
    cap_f = train.adhesion_limit_n
    te_slope = [(te_f[i + 1] - te_f[i]) / (te_v[i + 1] - te_v[i]) for i in range(len(te_v) - 1)]
    last = len(te_v) - 1
    a_n, b_n, c_n = train.davis_a_n, train.davis_b_n_per_m_s, train.davis_c_n_per_m2_s2
    table = train.resistance_table
    rt_v = [] if table is None else [p[0] / 3.6 for p in table]
    rt_f = [] if table is None else [p[1] * 1000.0 for p in table]
    rt_slope = [(rt_f[i + 1] - rt_f[i]) / (rt_v[i + 1] - rt_v[i]) for i in range(len(rt_v) - 1)]
    rt_last = len(rt_v) - 1

    def accel_davis(u: float, w: float) -> float:
        v = math.sqrt(u)
        i = bisect.bisect_right(te_v, v) - 1
        if i < 0:
            f = te_f[0]
        elif i >= last:
            f = te_f[last]
        else:
            f = te_f[i] + te_slope[i] * (v - te_v[i])
        if f > cap_f:
            f = cap_f
        return (f - (a_n + b_n * v + c_n * u) - w) * inv_inertia

    def accel_table(u: float, w: float) -> float:
        v = math.sqrt(u)
        i = bisect.bisect_right(te_v, v) - 1
        if i < 0:
            f = te_f[0]
        elif i >= last:
            f = te_f[last]
        else:
            f = te_f[i] + te_slope[i] * (v - te_v[i])
        if f > cap_f:
            f = cap_f
        j = bisect.bisect_right(rt_v, v) - 1
        r = rt_f[rt_last] if j >= rt_last else rt_f[j] + rt_slope[j] * (v - rt_v[j])
        return (f - r - w) * inv_inertia

    accel = accel_davis if table is None else accel_table

    stall2 = STALL_SPEED_M_S**2
    xs = x.tolist()
    ws = weight.tolist()
    caps = env2.tolist()
    fwd = [0.0] * n
    fwd[0] = u = u0
    for k in range(n - 1):
        dx = xs[k + 1] - xs[k]
        a1 = accel(u, ws[k])
        u_star = u + 2.0 * a1 * dx
        if u_star < 0.0:
            u_star = 0.0
        a2 = accel(u_star, ws[k + 1])
        u_next = u + (a1 + a2) * dx
        cap = caps[k + 1]
        if k + 1 in stop_set:
            u_next = 0.0  # stands at the stop, then starts again from rest
        elif u_next >= cap:
            u_next = cap
        elif u_next <= stall2 and u_next <= u:
            # Stalled: slow and not gaining speed. (A train starting from rest is slow on a
            # fine grid's first steps, sqrt(2 a dx), but gaining speed: not a stall.)
            raise TrainCannotClimbError(train.name, xs[k + 1] / 1000.0)
        fwd[k + 1] = u = u_next

    # Backward pass: constant service braking to every drop of the envelope (closed form).
    caps_b = env2.copy()
    if end_speed_kmh is not None:
        if not (math.isfinite(end_speed_kmh) and end_speed_kmh >= 0):
            raise ScenarioError("end_speed_kmh", end_speed_kmh, "a speed >= 0 or None")
        caps_b[-1] = min(caps_b[-1], (end_speed_kmh / 3.6) ** 2)
    for k in stop_at:
        caps_b[k] = 0.0
    two_b_x = 2.0 * train.service_brake_m_s2 * x
    bwd = np.minimum.accumulate((caps_b + two_b_x)[::-1])[::-1] - two_b_x

    u_final = np.minimum(np.asarray(fwd), bwd)
    v = np.sqrt(np.clip(u_final, 0.0, None))
    v_sum = v[1:] + v[:-1]
    if np.any(v_sum <= 0):
        k = int(np.argmax(v_sum <= 0))
        raise NumericalError(
            f"operations.trains.{train.name}: the train stands still between "
            f"{x[k] / 1000:.3f} and {x[k + 1] / 1000:.3f} km, so its running time is infinite; "
            "raise its tractive_effort, its max_speed_kmh or operations.line_speed_kmh"
        )
    dt = 2.0 * np.diff(x) / v_sum
    time = np.concatenate([[0.0], np.cumsum(dt)])
    technical = float(time[-1])
    total = technical * (1.0 + allowance_pct / 100.0) + allowance_min_per_100km * 60.0 * (
        track.length_m / 100_000.0
    )
    factor = total / technical
    waited = np.zeros(n)
    for k, d in zip(stop_at, dwell, strict=True):
        waited[k + 1 :] += d
    return Profile(
        train=train.name,
        position_m=x.copy(),
        speed_m_s=v / factor,
        time_s=time * factor + waited,
        total_s=total + float(sum(dwell)),
        technical_s=technical + float(sum(dwell)),
        train_length_m=train.length_m,
    )


def _stop_points(
    track: Track, stops: Sequence[tuple[float, float]]
) -> tuple[list[int], list[float]]:
    """Return the grid indices of the stops (sorted) and their dwells, checked."""
    x = track.position_m
    found: dict[int, float] = {}
    for i, stop in enumerate(stops):
        try:
            at, dwell = (float(v) for v in stop)
        except (TypeError, ValueError):
            raise ScenarioError(f"stops.{i}", stop, "a (chainage_m, dwell_s) pair") from None
        if not (math.isfinite(at) and 0 < at < track.length_m):
            raise ScenarioError(
                f"stops.{i}.chainage_m", at, f"a chainage strictly between 0 and {track.length_m:g}"
            )
        if not (math.isfinite(dwell) and dwell >= 0):
            raise ScenarioError(f"stops.{i}.dwell_s", dwell, "a dwell >= 0 s")
        k = int(np.argmin(np.abs(x - at)))
        if k in found or k in (0, len(x) - 1):
            raise ScenarioError(
                f"stops.{i}.chainage_m",
                at,
                "stops on distinct grid points inside the track (use a finer grid)",
            )
        found[k] = dwell
    order = sorted(found)
    return order, [found[k] for k in order]
