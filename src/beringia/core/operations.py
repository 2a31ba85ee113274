"""Simulated years of tunnel operations, vectorised over replicated years.

One replicated year is a fixed-timetable day repeated ``days_per_year`` times through a
twin-bore tunnel (one bore per direction, no overtaking), disturbed by nightly maintenance,
incidents and earthquakes. Every replicated year starts with an empty tunnel and no backlog.
Times are seconds from the start of the year, ``Y = days_per_year * 86,400``.

Semantics (``bench/operations.py`` implements exactly this in SimPy):

1. **Timetable.** Direction ``d`` (0 or 1) has ``N_d = sum_k trains_per_day[d][k]`` paths a
   day at ``day * 86,400 + start + j * P / N_d`` (``j = 0 .. N_d - 1``, ``start`` and ``P`` the
   timetable start and hours). Types fill the paths in the order of the sequencing policy:
   ``mixed`` spreads each type evenly (type ``k``'s ``i``-th train at position
   ``(i + 1/2) / n_k`` of the day, ties by type); ``flighted`` groups each type into flights of
   ``flight_size`` consecutive trains and spreads the flights the same way.
2. **Entry delay.** Each train reaches its portal ``X`` after its timetabled time,
   ``X ~ Exponential(mean = entry_delay_mean_s[k])`` (0 means on time).
3. **Portal queue.** One FIFO queue per direction, in order of arrival at the portal. Train
   ``j`` (type ``k_j``) enters the bore at ``dep_j = G_d(max(arr_j, dep_{j-1} + h[k_{j-1},
   k_j]))``, where ``h`` is the minimum headway matrix (lead, follow) and ``G_d(t)`` the earliest
   time ``>= t`` at which direction ``d``'s entry signal is open. The headway holds between
   consecutive trains of a direction whichever bore they use. Delay = entry time - timetabled
   time. A train that has not entered by ``Y`` (queued, or arriving after ``Y``) is not run:
   it counts in the shortfall. Backlog is carried over from day to day, not year to year.
4. **Entry signal.** Closed during a full closure; during single-bore working (SBW) open only
   in the direction's green phase; open otherwise.
5. **Single-bore working** (SBW) runs both directions through one bore in flights during each
   *degraded interval* ``[u, v)``: the nightly possessions ``[day * 86,400 + possession_start,
   + possession_hours)`` (one bore closed for maintenance, every day) and the degraded period
   after each disruption. Each interval keeps its own cycle clock from its start ``u``: with
   green time ``g`` and switch time ``s = r + single_bore_switch_headway_s`` (the last train of
   a flight clears the single-bore section, plus a headway; ``r`` is ``single_bore_running_s``,
   the longest running time through a section between crossovers, or ``max(running_time_s)``
   when the bores have no crossovers and the whole tunnel is one section), the cycle is ``C = 2
   (g + s)``; with ``tau = t - u``, phase ``tau mod C`` in ``[0, g)`` is direction 0's green,
   ``[g + s, 2 g + s)`` direction 1's, the rest are switches. The interval ends at ``v`` as
   planned (a possession is not lengthened to a whole number of cycles): green phases stop at
   ``v - s``, so the shared bore is empty when double-bore working resumes at ``v``, and both
   entry signals are red over ``[v - s, v)`` (the whole interval if it is shorter than ``s``).
   Where degraded intervals overlap, a direction's signal is red when any of them makes it red
   (an incident during single-bore working blocks the one open bore). Availability is therefore
   continuous in ``g``, ``s`` and the intervals' lengths, and more events never raise it.
   (Simplification: the trains already in the bore when SBW starts are not waited for.)
6. **Disruptions.** Each incident type is a Poisson process in time with annual rate
   ``rate_per_million_train_km * timetabled train-km per year / 10**6`` (exposure from the
   timetable, not from the trains actually run); earthquakes that close the tunnel have the
   Gutenberg-Richter annual rate ``10 ** (a - b * closure_magnitude)``. An event at ``t`` closes
   both bores over ``[t, t + closure)``, then adds the degraded interval
   ``[t + closure, t + closure + degraded)``. Closures override SBW; overlapping events
   combine as unions. Negative duration draws count as 0.
7. **Availability** = ``(1 / 2 Y) sum_d |{t in [0, Y): direction d's signal is open}|``, the
   time-average share of entry time open, averaged over the two directions: 1 in normal
   double-bore working, 0 in a full closure, ``g / C`` per direction in SBW. One closure of
   length ``L`` and nothing else gives ``1 - L / Y``.
8. **Throughput.** Trains run per direction and type; tonnes and TEU = trains run x payload.

Random streams (``beringia.core.rng.stream(seed, "operations", block, key)``): ``entry_delay``
(``N_0 + N_1`` uniforms a year per day-timetable train, direction 0 first, timetable order),
``disruptions/<name>/count`` (1 a year) and ``disruptions/<name>/<slot>`` (3 a year: time,
closure, degraded period of the event in that slot). Each stream is consumed year by year, so
the first ``m`` years of a block do not depend on how many years the block has or on the chunk
size, and a higher rate only adds events (slots) to a year (common random numbers).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from beringia.core import rng as rngmod
from beringia.core.distributions import DistSpec, FloatArray, ppf
from beringia.core.events import poisson_ppf
from beringia.core.kernels import closed_intervals, kernel
from beringia.errors import NumericalError, ScenarioError

IntArray = NDArray[np.int64]

DAY_S = 86_400.0
DELAY_QUANTILES = (0.5, 0.8, 0.9, 0.95)
"""Quantiles of train delay reported per year and train type."""
SEQUENCING = ("mixed", "flighted")
MAX_TRAINS_PER_DAY = 5_000
MAX_EVENTS_PER_YEAR = 500.0
CHUNK_TRAIN_YEARS = 1 << 22
"""Trains x years whose events are drawn together by default (and, in the NumPy twin, whose
trains run together: about 250 MB of working memory)."""
SUB_TRAIN_YEARS = 1 << 17
"""Trains x years whose trains run together in the compiled kernels (about 1 MB an array:
the work stays in the processor's cache). Results do not depend on it."""
_OVERFLOW = 1e-15
"""Probability per year that a type has more events than its slots (then NumericalError)."""
_NO_DURATION = DistSpec("fixed", (0.0,))


@dataclass(frozen=True)
class IncidentType:
    """An incident type: rate per train-km, full closure, then single-bore working.

    Parameters
    ----------
    name : str
        Name, unique among incident types (``minor_fire``, ``derailment`` ...).
    rate_per_million_train_km : float
        Events per million train-km through the tunnel.
    closure_hours : DistSpec
        Full closure of both bores after an event, hours.
    degraded_days : DistSpec
        Single-bore working after the closure, days.
    """

    name: str
    rate_per_million_train_km: float
    closure_hours: DistSpec
    degraded_days: DistSpec = _NO_DURATION


@dataclass(frozen=True)
class Earthquakes:
    """Earthquakes strong enough to close the tunnel for inspection.

    Parameters
    ----------
    a_value, b_value : float
        Gutenberg-Richter law of the region: ``log10 N(>= M) = a - b M`` events per year.
    closure_magnitude : float
        Magnitude at and above which the tunnel closes.
    closure_hours : DistSpec
        Inspection closure of both bores, hours.
    degraded_days : DistSpec
        Single-bore working after the inspection, days.
    """

    a_value: float
    b_value: float
    closure_magnitude: float
    closure_hours: DistSpec
    degraded_days: DistSpec = _NO_DURATION

    @property
    def rate_per_year(self) -> float:
        """Annual rate of closing earthquakes, ``10 ** (a - b * closure_magnitude)``."""
        return float(10.0 ** (self.a_value - self.b_value * self.closure_magnitude))


@dataclass(frozen=True)
class OperationsInputs:
    """Inputs of the year simulation (plain numbers; see the module docstring).

    Parameters
    ----------
    train_types : tuple of str
        Names of the ``K`` train types.
    trains_per_day : tuple of two tuples of int
        Timetabled trains per day, ``[direction][type]``.
    running_time_s : tuple of float
        Running time through the bore per type, seconds.
    payload_t, teu : tuple of float
        Cargo tonnes and TEU per train, per type.
    entry_delay_mean_s : tuple of float
        Mean of the exponential delay with which each type reaches the portal, seconds.
    headway_s : tuple of tuples of float
        Minimum headway ``[lead][follow]`` in double-bore working, seconds (> 0).
    length_km : float
        Tunnel length, for train-km.
    timetable_start_h, timetable_hours : float
        Paths are spread over ``[start, start + hours)`` of each day.
    sequencing : str
        ``mixed`` or ``flighted``.
    flight_size : int
        Trains per flight when ``flighted``.
    single_bore_green_s : float
        Green time per direction and cycle in single-bore working, seconds.
    single_bore_switch_headway_s : float
        Headway added to the longest running time at each change of direction, seconds.
    possession_start_h, possession_hours : float
        Nightly maintenance possession of one bore (alternately); 0 hours for none.
    single_bore_running_s : float or None
        Longest running time through one single-bore section (between crossovers, or a portal
        and a crossover), seconds; ``None`` when the tunnel has no crossovers (the whole tunnel
        is one section: ``max(running_time_s)``).
    incidents : tuple of IncidentType
        Incident types.
    earthquakes : Earthquakes or None
        Closing earthquakes, if any.
    days_per_year : int
        Days in a replicated year.
    """

    train_types: tuple[str, ...]
    trains_per_day: tuple[tuple[int, ...], tuple[int, ...]]
    running_time_s: tuple[float, ...]
    payload_t: tuple[float, ...]
    teu: tuple[float, ...]
    entry_delay_mean_s: tuple[float, ...]
    headway_s: tuple[tuple[float, ...], ...]
    length_km: float
    timetable_start_h: float = 0.0
    timetable_hours: float = 24.0
    sequencing: str = "mixed"
    flight_size: int = 1
    single_bore_green_s: float = 3600.0
    single_bore_switch_headway_s: float = 300.0
    possession_start_h: float = 0.0
    possession_hours: float = 0.0
    single_bore_running_s: float | None = None
    incidents: tuple[IncidentType, ...] = ()
    earthquakes: Earthquakes | None = None
    days_per_year: int = 365

    @property
    def year_s(self) -> float:
        """Length of a replicated year, seconds."""
        return self.days_per_year * DAY_S

    @property
    def switch_s(self) -> float:
        """Time from the end of one direction's green to the start of the other's."""
        section = self.single_bore_running_s
        running = max(self.running_time_s) if section is None else section
        return running + self.single_bore_switch_headway_s

    @property
    def cycle_s(self) -> float:
        """Single-bore working cycle ``C = 2 (green + switch)``, seconds."""
        return 2.0 * (self.single_bore_green_s + self.switch_s)

    @property
    def trains_per_year(self) -> IntArray:
        """Timetabled trains per year, ``(2, K)``."""
        return np.asarray(self.trains_per_day, dtype=np.int64) * self.days_per_year

    @property
    def train_km_per_year(self) -> float:
        """Timetabled train-km per year, both directions."""
        return float(self.trains_per_year.sum()) * self.length_km


@dataclass(frozen=True)
class Disruptions:
    """Disruption events of ``n`` years, ``(n, M)`` arrays; unused slots have ``start = inf``.

    Parameters
    ----------
    start_s : ndarray
        Time of each event in its year, seconds.
    closure_s : ndarray
        Full closure, seconds.
    degraded_s : ndarray
        Single-bore working after the closure, seconds.
    kind : ndarray of int
        Index of the event's type in :func:`disruption_names` (-1 in unused slots).
    """

    start_s: FloatArray
    closure_s: FloatArray
    degraded_s: FloatArray
    kind: IntArray

    @staticmethod
    def none(n: int) -> Disruptions:
        """No events in any of ``n`` years."""
        empty = np.empty((n, 0))
        return Disruptions(empty, empty, empty, np.empty((n, 0), dtype=np.int64))


@dataclass(frozen=True)
class OperationsResult:
    """Outputs per replicated year (first axis: years).

    Attributes
    ----------
    train_types, disruption_names : tuple of str
        Labels of the type and disruption axes.
    trains_demanded : ndarray of int, shape (2, K)
        Timetabled trains per year, ``[direction, type]``.
    trains_run : ndarray of int, shape (n, 2, K)
        Trains that entered the bore within the year.
    tonnes, teu : ndarray, shape (n, 2)
        Cargo carried per direction.
    availability : ndarray, shape (n,)
        Time-average share of entry time open (module docstring, item 7).
    mean_delay_min : ndarray, shape (n, K)
        Mean delay of the trains run, minutes (NaN if none of the type ran).
    delay_quantiles_min : ndarray, shape (n, K, Q)
        Delay quantiles of the trains run at :data:`DELAY_QUANTILES`, minutes (linear
        interpolation; NaN if none ran).
    closed_hours : ndarray, shape (n,)
        Hours of full closure within the year.
    single_bore_hours : ndarray, shape (n,)
        Hours of single-bore working (not closed) within the year.
    disruptions : ndarray of int, shape (n, T)
        Events per disruption type.
    variates : int
        Random variates drawn.
    """

    train_types: tuple[str, ...]
    disruption_names: tuple[str, ...]
    trains_demanded: IntArray
    trains_run: IntArray
    tonnes: FloatArray
    teu: FloatArray
    availability: FloatArray
    mean_delay_min: FloatArray
    delay_quantiles_min: FloatArray
    closed_hours: FloatArray
    single_bore_hours: FloatArray
    disruptions: IntArray
    variates: int = 0

    @property
    def years(self) -> int:
        """Number of replicated years."""
        return int(self.availability.shape[0])

    @property
    def trains_run_per_direction(self) -> IntArray:
        """Trains run per direction, ``(n, 2)``."""
        return np.asarray(self.trains_run.sum(axis=2), dtype=np.int64)

    @property
    def shortfall_by_type(self) -> IntArray:
        """Trains timetabled but not run, ``(n, 2, K)``."""
        return np.asarray(self.trains_demanded[None] - self.trains_run, dtype=np.int64)

    @property
    def shortfall(self) -> IntArray:
        """Trains timetabled but not run per direction, ``(n, 2)``."""
        return np.asarray(self.shortfall_by_type.sum(axis=2), dtype=np.int64)

    @staticmethod
    def concatenate(parts: list[OperationsResult]) -> OperationsResult:
        """Join results of consecutive groups of years (same inputs) along the year axis."""
        first = parts[0]

        def cat(name: str) -> NDArray[np.generic]:
            return np.concatenate([getattr(p, name) for p in parts])

        return OperationsResult(
            train_types=first.train_types,
            disruption_names=first.disruption_names,
            trains_demanded=first.trains_demanded,
            trains_run=np.asarray(cat("trains_run"), dtype=np.int64),
            tonnes=np.asarray(cat("tonnes"), dtype=np.float64),
            teu=np.asarray(cat("teu"), dtype=np.float64),
            availability=np.asarray(cat("availability"), dtype=np.float64),
            mean_delay_min=np.asarray(cat("mean_delay_min"), dtype=np.float64),
            delay_quantiles_min=np.asarray(cat("delay_quantiles_min"), dtype=np.float64),
            closed_hours=np.asarray(cat("closed_hours"), dtype=np.float64),
            single_bore_hours=np.asarray(cat("single_bore_hours"), dtype=np.float64),
            disruptions=np.asarray(cat("disruptions"), dtype=np.int64),
            variates=sum(p.variates for p in parts),
        )


# --------------------------------------------------------------------------- validation


def _finite(field: str, value: float, low: float, high: float = math.inf) -> None:
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    if not ok or not math.isfinite(value) or not low <= value <= high:
        hi = "" if high == math.inf else f" and <= {high:g}"
        raise ScenarioError(field, value, f"allowed: a finite number >= {low:g}{hi}")


def _check_dist(field: str, spec: DistSpec) -> None:
    if spec.kind not in (
        "fixed",
        "uniform",
        "triangular",
        "pert",
        "normal",
        "lognormal",
        "discrete",
    ):
        raise ScenarioError(field, spec.kind, "allowed: a known distribution kind")
    values = spec.params + spec.values
    if not all(math.isfinite(v) for v in values):
        raise ScenarioError(field, values, "allowed: finite parameters")


def check_inputs(inp: OperationsInputs) -> None:
    """Reject impossible inputs with a :class:`ScenarioError` naming the field.

    Field paths are relative to the scenario's ``operations`` section.
    """
    k = len(inp.train_types)
    if k == 0:
        raise ScenarioError("operations.train_types", inp.train_types, "allowed: one or more")
    if len(set(inp.train_types)) != k:
        raise ScenarioError("operations.train_types", inp.train_types, "allowed: unique names")
    for name in ("running_time_s", "payload_t", "teu", "entry_delay_mean_s"):
        vals = getattr(inp, name)
        if len(vals) != k:
            raise ScenarioError(f"operations.{name}", vals, f"allowed: {k} values, one per type")
        low = 1e-9 if name == "running_time_s" else 0.0
        for i, v in enumerate(vals):
            _finite(f"operations.{name}.{i}", v, low)
    if len(inp.trains_per_day) != 2 or any(len(row) != k for row in inp.trains_per_day):
        raise ScenarioError(
            "operations.trains_per_day", inp.trains_per_day, f"allowed: 2 directions x {k} types"
        )
    for d, row in enumerate(inp.trains_per_day):
        for i, v in enumerate(row):
            if not isinstance(v, int | np.integer) or isinstance(v, bool) or v < 0:
                raise ScenarioError(
                    f"operations.trains_per_day.{d}.{i}", v, "allowed: a whole number >= 0"
                )
        if sum(row) > MAX_TRAINS_PER_DAY:
            raise ScenarioError(
                f"operations.trains_per_day.{d}", sum(row), f"allowed: <= {MAX_TRAINS_PER_DAY}"
            )
    if len(inp.headway_s) != k or any(len(row) != k for row in inp.headway_s):
        raise ScenarioError("operations.headway_s", inp.headway_s, f"allowed: a {k} x {k} matrix")
    for a, h_row in enumerate(inp.headway_s):
        for b, v in enumerate(h_row):
            _finite(f"operations.headway_s.{a}.{b}", v, 1e-3)
    _finite("operations.length_km", inp.length_km, 1e-9)
    _finite("operations.timetable_start_h", inp.timetable_start_h, 0.0, 24.0)
    _finite("operations.timetable_hours", inp.timetable_hours, 1e-6, 24.0)
    if inp.sequencing not in SEQUENCING:
        raise ScenarioError("operations.sequencing", inp.sequencing, f"allowed: {SEQUENCING}")
    if not isinstance(inp.flight_size, int) or inp.flight_size < 1:
        raise ScenarioError("operations.flight_size", inp.flight_size, "allowed: an integer >= 1")
    # The scenario gives the green phase in minutes; at least one second is needed.
    _finite("operations.maintenance.single_bore_green_min", inp.single_bore_green_s / 60, 1 / 60)
    _finite("operations.single_bore_switch_headway_s", inp.single_bore_switch_headway_s, 0.0)
    _finite("operations.possession_start_h", inp.possession_start_h, 0.0, 24.0)
    _finite("operations.possession_hours", inp.possession_hours, 0.0, 24.0)
    if inp.single_bore_running_s is not None:
        _finite(
            "operations.single_bore_running_s",
            inp.single_bore_running_s,
            1e-9,
            max(inp.running_time_s),
        )
    days = inp.days_per_year
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 366:
        raise ScenarioError("operations.days_per_year", days, "allowed: an integer 1 to 366")
    names = [ev.name for ev in inp.incidents]
    if len(set(names)) != len(names) or "earthquake" in names:
        raise ScenarioError(
            "operations.incidents", names, "allowed: unique names other than 'earthquake'"
        )
    for i, ev in enumerate(inp.incidents):
        _finite(
            f"operations.incidents.{i}.rate_per_million_train_km", ev.rate_per_million_train_km, 0
        )
        _check_dist(f"operations.incidents.{i}.closure_hours", ev.closure_hours)
        _check_dist(f"operations.incidents.{i}.degraded_days", ev.degraded_days)
    if inp.earthquakes is not None:
        eq = inp.earthquakes
        _finite("operations.earthquakes.a_value", eq.a_value, -20.0, 20.0)
        _finite("operations.earthquakes.b_value", eq.b_value, 0.0, 5.0)
        _finite("operations.earthquakes.closure_magnitude", eq.closure_magnitude, -5.0, 12.0)
        _check_dist("operations.earthquakes.closure_hours", eq.closure_hours)
        _check_dist("operations.earthquakes.degraded_days", eq.degraded_days)
    for name, rate, _, _ in disruption_types(inp):
        if rate > MAX_EVENTS_PER_YEAR:
            field = "operations.earthquakes" if name == "earthquake" else "operations.incidents"
            raise ScenarioError(
                field, f"{name}: {rate:.4g} events/year", f"allowed: <= {MAX_EVENTS_PER_YEAR:g}"
            )


# --------------------------------------------------------------------------- timetable


def disruption_types(inp: OperationsInputs) -> list[tuple[str, float, DistSpec, DistSpec]]:
    """Disruption types as ``(name, events per year, closure hours, degraded days)``."""
    out = [
        (
            ev.name,
            ev.rate_per_million_train_km * inp.train_km_per_year / 1e6,
            ev.closure_hours,
            ev.degraded_days,
        )
        for ev in inp.incidents
    ]
    if inp.earthquakes is not None:
        eq = inp.earthquakes
        out.append(("earthquake", eq.rate_per_year, eq.closure_hours, eq.degraded_days))
    return out


def disruption_names(inp: OperationsInputs) -> tuple[str, ...]:
    """Names of the disruption axis of the results."""
    return tuple(name for name, *_ in disruption_types(inp))


def daily_timetable(inp: OperationsInputs, direction: int) -> tuple[IntArray, FloatArray]:
    """Types and timetabled times (seconds after midnight) of one day's paths.

    Parameters
    ----------
    inp : OperationsInputs
        The inputs.
    direction : int
        0 or 1.

    Returns
    -------
    types : ndarray of int
        Train type of each path, in timetable order.
    times_s : ndarray
        Timetabled portal time of each path (may exceed 86,400 when the timetable window
        runs past midnight).
    """
    counts = inp.trains_per_day[direction]
    size = 1 if inp.sequencing == "mixed" else inp.flight_size
    pos: list[float] = []
    kinds: list[int] = []
    lens: list[int] = []
    for k, n_k in enumerate(counts):
        n_flights = -(-n_k // size)
        for f in range(n_flights):
            pos.append((f + 0.5) / n_flights)
            kinds.append(k)
            lens.append(min(size, n_k - f * size))
    order = np.lexsort((np.asarray(kinds), np.asarray(pos)))
    types = np.repeat(
        np.asarray(kinds, dtype=np.int64)[order], np.asarray(lens, dtype=np.int64)[order]
    )
    n = types.size
    period = inp.timetable_hours * 3600.0
    times = inp.timetable_start_h * 3600.0 + np.arange(n) * (period / max(n, 1))
    return np.asarray(types, dtype=np.int64), np.asarray(times, dtype=np.float64)


def year_timetable(inp: OperationsInputs, direction: int) -> tuple[IntArray, FloatArray]:
    """Types and timetabled times (seconds from the start of the year) of a year's paths."""
    types, times = daily_timetable(inp, direction)
    days = np.arange(inp.days_per_year, dtype=np.float64) * DAY_S
    sched = (days[:, None] + times[None, :]).ravel()
    return np.tile(types, inp.days_per_year), sched


# --------------------------------------------------------------------------- sampling


def _overlap(a: tuple[float, float], intervals: list[tuple[float, float]]) -> float:
    """Length of the intersection of ``a`` with disjoint ``intervals``."""
    return sum(max(0.0, min(a[1], e) - max(a[0], s)) for s, e in intervals)


def open_hours_per_day(inp: OperationsInputs) -> tuple[float, float]:
    """Hours a day each direction's entry signal is open to the timetable, without incidents.

    The timetable window ``[start, start + hours)`` of the day, less the nightly possession,
    plus the direction's green phases of single-bore working within the possession (module
    docstring, item 5). This is the time a daily capacity can use.

    Parameters
    ----------
    inp : OperationsInputs
        The inputs (timetable window, possession, green time and switch time).

    Returns
    -------
    tuple of float
        Open hours for direction 0 and direction 1.
    """
    day = (0.0, DAY_S)
    ts, te = inp.timetable_start_h * 3600.0, (inp.timetable_start_h + inp.timetable_hours) * 3600.0
    window = [
        (max(day[0], ts + k), min(day[1], te + k))
        for k in (-DAY_S, 0.0, DAY_S)
        if min(day[1], te + k) > max(day[0], ts + k)
    ]
    length = inp.possession_hours * 3600.0
    if length <= 0:
        total = sum(e - s for s, e in window)
        return total / 3600.0, total / 3600.0
    green, switch, cyc = inp.single_bore_green_s, inp.switch_s, inp.cycle_s
    out = []
    for offset in (0.0, green + switch):
        hours = sum(e - s for s, e in window)
        for k in (-DAY_S, 0.0):
            u = inp.possession_start_h * 3600.0 + k
            hours -= sum(_overlap(w, [(u, u + length)]) for w in window)
            stop = u + length - switch
            greens = []
            j = 0
            while (t := u + j * cyc + offset) < stop:
                greens.append((t, min(t + green, stop)))
                j += 1
            hours += sum(_overlap(w, greens) for w in window)
        out.append(hours / 3600.0)
    return out[0], out[1]


def event_slots(rate_per_year: float) -> int:
    """Slots (maximum events a year) for a rate: exceeded with probability below 1e-15."""
    if rate_per_year <= 0.0:
        return 0
    return int(poisson_ppf(np.array([rate_per_year]), np.array([1.0 - _OVERFLOW]))[0]) + 1


def _uniform_open(u: FloatArray) -> FloatArray:
    """Keep uniforms off 0, where some inverse CDFs are infinite."""
    return np.maximum(u, 2.0**-53)


def simulate_years(
    inp: OperationsInputs,
    seed: int,
    years: int,
    block: int = 0,
    *,
    chunk: int | None = None,
) -> OperationsResult:
    """Simulate ``years`` replicated years of operations (block ``block`` of the streams).

    Parameters
    ----------
    inp : OperationsInputs
        The inputs.
    seed : int
        The user's seed.
    years : int
        Replicated years in this block (the pipeline cuts draws into fixed-size blocks).
    block : int
        Block index; block ``i`` draws from ``stream(seed, "operations", i, key)``.
    chunk : int, optional
        Years simulated together (memory bound); results do not depend on it.

    Returns
    -------
    OperationsResult
        Per-year outputs. Year ``y`` of a block is the same whatever ``years`` (>= y + 1)
        and ``chunk`` are.
    """
    check_inputs(inp)
    if not isinstance(years, int) or years < 1:
        raise ScenarioError("years", years, "allowed: an integer >= 1")
    dtypes = disruption_types(inp)
    tt = [year_timetable(inp, d) for d in (0, 1)]
    n_trains = tt[0][0].size + tt[1][0].size
    if chunk is None:
        chunk = max(1, CHUNK_TRAIN_YEARS // max(n_trains, 1))
    mean = np.asarray(inp.entry_delay_mean_s)[np.concatenate([tt[0][0], tt[1][0]])]
    g_delay = rngmod.stream(seed, "operations", block, "entry_delay")
    slots = [event_slots(rate) for _, rate, _, _ in dtypes]
    g_count = [
        rngmod.stream(seed, "operations", block, f"disruptions/{name}/count") for name, *_ in dtypes
    ]
    g_slot = [
        [rngmod.stream(seed, "operations", block, f"disruptions/{name}/{i}") for i in range(m)]
        for (name, *_), m in zip(dtypes, slots, strict=True)
    ]
    scratch = np.empty(max(1, SUB_TRAIN_YEARS // max(n_trains, 1)) * n_trains)
    parts = []
    for start in range(0, years, chunk):
        m = min(chunk, years - start)
        if not COMPILED:
            delays = _draw_delays(g_delay, m, mean)
        disr, variates = _draw_disruptions(inp, dtypes, slots, g_count, g_slot, m)
        variates += m * n_trains
        if COMPILED:
            res = _run_compiled(
                inp,
                lambda _y0, rows: _draw_delays(g_delay, rows, mean, scratch),
                m,
                disr,
                tt,
                len(dtypes),
            )
        else:
            res = _run(inp, delays, disr, tt, len(dtypes))
        parts.append(_with_variates(res, variates))
    return OperationsResult.concatenate(parts)


def _draw_delays(
    g: np.random.Generator, m: int, mean: FloatArray, out: FloatArray | None = None
) -> FloatArray:
    """Draw the entry delays of the next ``m`` years of the ``entry_delay`` stream.

    In ``out`` if given: a buffer of at least ``m * mean.size`` cells, reused to spare the
    allocation (the same numbers).
    """
    shape = (m, mean.size)
    if out is None:
        delays = g.random(shape)
    else:
        delays = g.random(shape, out=out[: m * mean.size].reshape(shape))
    np.negative(delays, out=delays)
    np.log1p(delays, out=delays)
    delays *= -mean
    return delays


def _draw_disruptions(
    inp: OperationsInputs,
    dtypes: list[tuple[str, float, DistSpec, DistSpec]],
    slots: list[int],
    g_count: list[np.random.Generator],
    g_slot: list[list[np.random.Generator]],
    m: int,
) -> tuple[Disruptions, int]:
    """Events of the next ``m`` years and the variates drawn for them."""
    variates = 0
    cols: list[tuple[FloatArray, FloatArray, FloatArray, IntArray]] = []
    for t, (name, rate, closure_h, degraded_d) in enumerate(dtypes):
        u_count = g_count[t].random(m)
        variates += m
        count = poisson_ppf(np.full(m, rate), u_count) if rate > 0 else np.zeros(m, np.intp)
        if np.any(count > slots[t]):
            field = (
                "operations.earthquakes.a_value"
                if name == "earthquake"
                else f"operations.incidents.{name}.rate_per_million_train_km"
            )
            raise NumericalError(
                f"{field}: more than {slots[t]} {name} events in one simulated year "
                f"(expected {rate:.3g}, a chance below {_OVERFLOW:g}); lower it"
            )
        for i in range(slots[t]):
            ui = g_slot[t][i].random((m, 3))
            variates += ui.size
            used = i < count
            cols.append(
                (
                    np.where(used, ui[:, 0] * inp.year_s, np.inf),
                    np.maximum(ppf(closure_h, _uniform_open(ui[:, 1])), 0.0) * 3600.0,
                    np.maximum(ppf(degraded_d, _uniform_open(ui[:, 2])), 0.0) * DAY_S,
                    np.where(used, t, -1).astype(np.int64),
                )
            )
    if not cols:
        return Disruptions.none(m), variates
    disr = Disruptions(
        np.stack([c[0] for c in cols], axis=1),
        np.stack([c[1] for c in cols], axis=1),
        np.stack([c[2] for c in cols], axis=1),
        np.stack([c[3] for c in cols], axis=1),
    )
    return disr, variates


def _with_variates(res: OperationsResult, variates: int) -> OperationsResult:
    return dataclasses.replace(res, variates=variates)


# --------------------------------------------------------------------------- deterministic core


def run_years(
    inp: OperationsInputs, entry_delay_s: FloatArray, disruptions: Disruptions
) -> OperationsResult:
    """Run replicated years whose random draws are given (the deterministic core).

    Parameters
    ----------
    inp : OperationsInputs
        The inputs.
    entry_delay_s : ndarray, shape (n, N_0 + N_1)
        Entry delay of every train of the year, direction 0 first, each in the timetable
        order of :func:`year_timetable`.
    disruptions : Disruptions
        The events of each year.

    Returns
    -------
    OperationsResult
        Per-year outputs (``variates`` = 0).
    """
    check_inputs(inp)
    tt = [year_timetable(inp, d) for d in (0, 1)]
    n_trains = tt[0][0].size + tt[1][0].size
    delays = np.asarray(entry_delay_s, dtype=np.float64)
    if delays.ndim != 2 or delays.shape[1] != n_trains:
        raise ScenarioError("entry_delay_s", delays.shape, f"allowed: shape (years, {n_trains})")
    if not np.all(np.isfinite(delays)) or np.any(delays < 0):
        raise ScenarioError("entry_delay_s", "negative or non-finite", "allowed: finite, >= 0")
    n = delays.shape[0]
    shapes = {a.shape for a in (disruptions.start_s, disruptions.closure_s, disruptions.degraded_s)}
    if len(shapes) != 1 or disruptions.kind.shape != disruptions.start_s.shape:
        raise ScenarioError("disruptions", shapes, "allowed: arrays of one shape (years, M)")
    if disruptions.start_s.shape[0] != n:
        raise ScenarioError("disruptions", disruptions.start_s.shape, f"allowed: {n} years")
    n_types = len(disruption_types(inp))
    used = np.isfinite(disruptions.start_s)
    for name in ("closure_s", "degraded_s"):
        x = getattr(disruptions, name)[used]
        if not np.all(np.isfinite(x)) or np.any(x < 0):
            raise ScenarioError(f"disruptions.{name}", "negative or non-finite", "allowed: >= 0")
    kind = disruptions.kind[used]
    if np.any(kind < 0) or np.any(kind >= n_types) or np.any(disruptions.start_s[used] < 0):
        raise ScenarioError(
            "disruptions", "kind or start", f"allowed: start >= 0, kind 0 to {n_types - 1}"
        )
    return _run(inp, delays, disruptions, tt, n_types)


@dataclass(frozen=True)
class _Closed:
    """Per row (direction x year): disjoint closed intervals of the entry signal, sorted.

    Flat arrays of ``rows * width``; each row ends with an ``inf`` sentinel.
    """

    start: FloatArray
    end: FloatArray
    width: int
    closed_s: FloatArray  # (n,) full closure within the year
    single_bore_s: FloatArray  # (n,) SBW not closed within the year


def _sorted_intervals(
    row: IntArray, start: FloatArray, end: FloatArray, rows: int
) -> tuple[FloatArray, FloatArray]:
    """Group flat intervals by row into a padded ``(rows, W)`` array sorted by start."""
    order = np.lexsort((start, row))
    row, start, end = row[order], start[order], end[order]
    counts = np.bincount(row, minlength=rows)
    width = int(counts.max(initial=0))
    first = np.concatenate([[0], np.cumsum(counts)[:-1]])
    col = np.arange(row.size) - first[row]
    s = np.full((rows, width), np.inf)
    e = np.full((rows, width), np.inf)
    s[row, col] = start
    e[row, col] = end
    return s, e


def _merge(s: FloatArray, e: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Merge each row's sorted intervals into disjoint ones (touching intervals merge).

    Returns padded ``(rows, W + 1)`` arrays whose unused cells and last column are ``inf``.
    """
    rows, width = s.shape
    out_s = np.full((rows, width + 1), np.inf)
    out_e = np.full((rows, width + 1), np.inf)
    if width == 0:
        return out_s, out_e
    cme = np.maximum.accumulate(e, axis=1)
    prev = np.concatenate([np.full((rows, 1), -np.inf), cme[:, :-1]], axis=1)
    valid = np.isfinite(s)
    new = valid & (s > prev)
    pos = np.cumsum(new, axis=1) - 1
    nxt_new = np.concatenate([new[:, 1:], np.ones((rows, 1), dtype=bool)], axis=1)
    nxt_valid = np.concatenate([valid[:, 1:], np.zeros((rows, 1), dtype=bool)], axis=1)
    last = valid & (nxt_new | ~nxt_valid)
    r, c = np.nonzero(new)
    out_s[r, pos[r, c]] = s[r, c]
    r, c = np.nonzero(last)
    out_e[r, pos[r, c]] = cme[r, c]
    return out_s, out_e


def _measure(s: FloatArray, e: FloatArray, year_s: float) -> FloatArray:
    """Total length within ``[0, year_s)`` of each row's disjoint intervals."""
    a = np.clip(s, 0.0, year_s)
    b = np.clip(e, 0.0, year_s)
    return np.asarray(np.maximum(b - a, 0.0).sum(axis=1), dtype=np.float64)


def _closed_intervals(inp: OperationsInputs, disr: Disruptions, n: int) -> _Closed:
    """Build the closed intervals of each direction's entry signal (closures, SBW red).

    Each degraded interval keeps its own single-bore cycle clock from its start; a direction is
    red where any interval makes it red (module docstring, item 5).
    """
    year = inp.year_s
    cyc = inp.cycle_s
    green = inp.single_bore_green_s
    switch = inp.switch_s
    t0 = disr.start_s
    used = np.isfinite(t0)
    # Full closures.
    cl_ok = used & (disr.closure_s > 0)
    cl_row, cl_col = np.nonzero(cl_ok)
    cl_s = t0[cl_row, cl_col]
    cl_e = cl_s + disr.closure_s[cl_row, cl_col]
    # Degraded intervals: nightly possessions and the periods after disruptions.
    dg_ok = used & (disr.degraded_s > 0)
    dg_row, dg_col = np.nonzero(dg_ok)
    dg_s = t0[dg_row, dg_col] + disr.closure_s[dg_row, dg_col]
    dg_e = dg_s + disr.degraded_s[dg_row, dg_col]
    if inp.possession_hours > 0:
        days = np.arange(inp.days_per_year) * DAY_S + inp.possession_start_h * 3600.0
        dg_row = np.concatenate([dg_row, np.repeat(np.arange(n), days.size)])
        dg_s = np.concatenate([dg_s, np.tile(days, n)])
        dg_e = np.concatenate([dg_e, np.tile(days + inp.possession_hours * 3600.0, n)])
    # Each degraded interval [u, u + span) runs single-bore working on its own clock.
    p_row, u, span = dg_row, dg_s, dg_e - dg_s
    # Closed time and single-bore time (for reporting).
    cs, ce = _merge(*_sorted_intervals(cl_row.astype(np.int64), cl_s, cl_e, n))
    closed = _measure(cs, ce, year)
    both_s, both_e = _merge(
        *_sorted_intervals(
            np.concatenate([cl_row, p_row]).astype(np.int64),
            np.concatenate([cl_s, u]),
            np.concatenate([cl_e, u + span]),
            n,
        )
    )
    single = _measure(both_s, both_e, year) - closed
    # Red phases of each direction inside SBW, on the period's clock tau = t - u:
    # [k C + o_d, k C + o_d + C - g), and the last switch time [span - s, span) red for both.
    rows_all: list[IntArray] = []
    starts: list[FloatArray] = []
    ends: list[FloatArray] = []
    red_len = cyc - green
    tail_s = u + np.maximum(span - switch, 0.0)
    for d, offset in enumerate((green, 2.0 * green + switch)):
        k_lo = np.floor((-offset - red_len) / cyc) + 1
        k_hi = np.ceil((span - offset) / cyc) - 1
        count = np.maximum(k_hi - k_lo + 1, 0).astype(np.int64)
        idx = np.repeat(np.arange(u.size), count)
        first = np.repeat(np.cumsum(count) - count, count)
        k = k_lo + (np.arange(idx.size) - first)
        r_s = u[idx] + np.maximum(k * cyc + offset, 0.0)
        r_e = u[idx] + np.minimum(k * cyc + offset + red_len, span[idx])
        keep = r_e > r_s
        rows_all += [p_row[idx][keep] + d * n, p_row + d * n, cl_row + d * n]
        starts += [r_s[keep], tail_s, cl_s]
        ends += [r_e[keep], u + span, cl_e]
    s, e = _merge(
        *_sorted_intervals(
            np.concatenate(rows_all).astype(np.int64),
            np.concatenate(starts),
            np.concatenate(ends),
            2 * n,
        )
    )
    return _Closed(s.ravel(), e.ravel(), s.shape[1], closed, single)


COMPILED = True
"""Run the years compiled (:mod:`beringia.core.kernels`: the closed intervals, the trains and
the delay statistics, a few years at a time); False: the NumPy twin (:func:`_run_numpy`, one
step per train over all rows), the test oracle (the same numbers, slower)."""


def departures_numpy(
    dep: FloatArray,
    head_t: FloatArray,
    cs: FloatArray,
    ce: FloatArray,
    ptr: IntArray,
    nxt: FloatArray,
) -> None:
    """Run trains through a bore with closures, in place, one step per train over all rows.

    ``dep`` (width, rows) holds the arrivals in order of arrival and gets the departures;
    ``head_t`` (width, rows) the headway to the train ahead; the rest as
    :func:`beringia.core.kernels.timetable_departures`.
    """
    rows = dep.shape[1]
    prev = np.full(rows, -np.inf)
    t = np.empty(rows)
    hit = np.empty(rows, dtype=bool)
    for dep_j, head_j in zip(dep, head_t, strict=True):  # train j of every row (a view)
        np.add(prev, head_j, out=t)
        np.maximum(t, dep_j, out=dep_j)  # arrival, or the headway behind the train ahead
        np.greater_equal(dep_j, nxt, out=hit)  # at or past the next closed interval?
        if np.count_nonzero(hit):
            idx = hit.nonzero()[0]
            x = dep_j[idx]
            p = ptr[idx]
            e = ce[p]
            passed = e <= x
            while np.count_nonzero(passed):
                p += passed
                e = ce[p]
                passed = e <= x
            inside = cs[p] <= x
            dep_j[idx] = np.where(inside, e, x)  # wait for the end of the closed interval
            p += inside
            ptr[idx] = p
            nxt[idx] = cs[p]
        prev = dep_j


def _timetable_departures_numpy(
    arr: FloatArray,
    types_tt: IntArray,
    direction: IntArray,
    hw: FloatArray,
    cs: FloatArray,
    ce: FloatArray,
    ptr: IntArray,
    nxt: FloatArray,
) -> FloatArray:
    """Return departures in timetable order: the NumPy twin of the kernel (the oracle)."""
    rows, width = arr.shape
    perm = np.argsort(arr, axis=1, kind="stable")
    arr_sorted = np.take_along_axis(arr, perm, axis=1)
    typ_sorted = types_tt[direction[:, None], perm]
    head = np.empty((rows, width))
    head[:, 0] = 0.0
    head[:, 1:] = hw[typ_sorted[:, :-1], typ_sorted[:, 1:]]
    dep = np.ascontiguousarray(arr_sorted.T)  # (width, rows), overwritten by departures
    departures_numpy(dep, np.ascontiguousarray(head.T), cs, ce, ptr, nxt)
    # Back to timetable order: column c of direction d is the c-th path of the year.
    dep_tt = np.empty((rows, width))
    np.put_along_axis(dep_tt, perm, dep.T, axis=1)
    return dep_tt


def _run(
    inp: OperationsInputs,
    delays: FloatArray,
    disr: Disruptions,
    tt: list[tuple[IntArray, FloatArray]],
    n_disruption_types: int,
) -> OperationsResult:
    """Simulate ``n`` years given their draws, compiled or with the NumPy twin."""
    if COMPILED:
        rows = np.ascontiguousarray(delays, dtype=np.float64)
        return _run_compiled(
            inp, lambda y0, m: rows[y0 : y0 + m], rows.shape[0], disr, tt, n_disruption_types
        )
    return _run_numpy(inp, delays, disr, tt, n_disruption_types)


def _run_compiled(
    inp: OperationsInputs,
    delay_rows: Callable[[int, int], FloatArray],
    n: int,
    disr: Disruptions,
    tt: list[tuple[IntArray, FloatArray]],
    n_disruption_types: int,
) -> OperationsResult:
    """Simulate ``n`` years compiled.

    ``delay_rows(y0, m)`` gives the entry delays of years ``y0 .. y0 + m - 1`` (called in
    order of ``y0``). The closed intervals of the ``n`` years first, then the trains a few
    years at a time (:data:`SUB_TRAIN_YEARS`): their delays go to one block per type, which
    NumPy sorts row by row, and the statistics are read from the sorted blocks.
    """
    k_types = len(inp.train_types)
    year = inp.year_s
    if inp.possession_hours > 0:
        days = np.arange(inp.days_per_year) * DAY_S + inp.possession_start_h * 3600.0
        poss_u = np.asarray(days, dtype=np.float64)
        poss_e = np.asarray(days + inp.possession_hours * 3600.0, dtype=np.float64)
    else:
        poss_u = poss_e = np.empty(0)
    cs, ce, ptr, closed_s, degraded_or_closed_s, red_s = closed_intervals(
        disr.start_s,
        disr.closure_s,
        disr.degraded_s,
        poss_u,
        poss_e,
        inp.single_bore_green_s,
        inp.switch_s,
        inp.cycle_s,
        year,
    )
    sched = np.concatenate([tt[0][1], tt[1][1]])
    kinds = np.concatenate([tt[0][0], tt[1][0]])
    n_trains = sched.size
    width = np.bincount(kinds, minlength=k_types).astype(np.int64)
    slot = np.empty(n_trains, dtype=np.int64)
    for k in range(k_types):
        cols = np.flatnonzero(kinds == k)
        slot[cols] = np.arange(cols.size)  # direction 0's trains of the type first
    first = np.concatenate([[0], np.cumsum(width)[:-1]]).astype(np.int64)
    hw = np.asarray(inp.headway_s, dtype=np.float64)
    qs = np.asarray(DELAY_QUANTILES, dtype=np.float64)
    trains_run = np.zeros((n, 2, k_types), dtype=np.int64)
    mean_delay = np.full((n, k_types), np.nan)
    quant = np.full((n, k_types, qs.size), np.nan)
    step = max(1, SUB_TRAIN_YEARS // max(n_trains, 1))
    buf = np.empty(min(step, n) * n_trains)
    run_trains = kernel("_trains_loop")
    stats = kernel("_delay_stats_loop")
    for y0 in range(0, n, step):
        m = min(step, n - y0)
        start = m * first
        run_trains(
            delay_rows(y0, m),
            y0,
            n,
            sched,
            kinds,
            slot,
            tt[0][1].size,
            hw,
            cs,
            ce,
            ptr,
            year,
            start,
            width,
            buf,
            trains_run,
        )
        for k in range(k_types):
            buf[start[k] : start[k] + m * width[k]].reshape(m, width[k]).sort(axis=1)
        stats(buf, y0, m, start, width, trains_run, qs, mean_delay, quant)
    avail = 1.0 - red_s.reshape(2, n).mean(axis=0) / year
    return _result(
        inp,
        disr,
        n_disruption_types,
        trains_run,
        avail,
        mean_delay,
        quant,
        closed_s,
        degraded_or_closed_s - closed_s,
    )


def _run_numpy(
    inp: OperationsInputs,
    delays: FloatArray,
    disr: Disruptions,
    tt: list[tuple[IntArray, FloatArray]],
    n_disruption_types: int,
) -> OperationsResult:
    """Simulate ``n`` years given their draws (rows: direction 0 years, then direction 1)."""
    n = delays.shape[0]
    k_types = len(inp.train_types)
    year = inp.year_s
    sizes = [tt[0][0].size, tt[1][0].size]
    width = max(max(sizes), 1)
    rows = 2 * n
    far = 4.0 * year + 4.0 * float(np.max(delays, initial=0.0))  # padding trains never run
    arr = np.full((rows, width), far)
    types_tt = np.full((2, width), k_types, dtype=np.int64)  # type k_types = padding
    sched_tt = np.full((2, width), far)
    for d in (0, 1):
        lo = 0 if d == 0 else sizes[0]
        arr[d * n : (d + 1) * n, : sizes[d]] = tt[d][1][None, :] + delays[:, lo : lo + sizes[d]]
        types_tt[d, : sizes[d]] = tt[d][0]
        sched_tt[d, : sizes[d]] = tt[d][1]
    direction = np.repeat(np.arange(2), n)
    # Headway to the previous train of the same row, looked up once (padding: 0).
    hw = np.zeros((k_types + 1, k_types + 1))
    hw[:k_types, :k_types] = np.asarray(inp.headway_s, dtype=np.float64)
    closed = _closed_intervals(inp, disr, n)
    cs, ce = closed.start, closed.end
    ptr = np.arange(rows, dtype=np.int64) * closed.width
    nxt = cs[ptr].copy()
    dep_tt = _timetable_departures_numpy(arr, types_tt, direction, hw, cs, ce, ptr, nxt)
    del arr
    delay = dep_tt - sched_tt[direction]
    ran = dep_tt < year
    trains_run = np.zeros((n, 2, k_types), dtype=np.int64)
    mean_delay = np.full((n, k_types), np.nan)
    quant = np.full((n, k_types, len(DELAY_QUANTILES)), np.nan)
    qs = np.asarray(DELAY_QUANTILES)
    for k in range(k_types):
        blocks_d = []
        for d in (0, 1):
            cols = np.flatnonzero(types_tt[d] == k)
            r = slice(d * n, (d + 1) * n)
            trains_run[:, d, k] = ran[r][:, cols].sum(axis=1)
            blocks_d.append(np.where(ran[r][:, cols], delay[r][:, cols], np.inf))
        x = np.sort(np.concatenate(blocks_d, axis=1), axis=1)
        c = trains_run[:, :, k].sum(axis=1)
        some = c > 0
        if not some.any():
            continue
        xs = x[some]
        cs_ = c[some]
        fin = np.where(np.isfinite(xs), xs, 0.0)
        mean_delay[some, k] = fin.sum(axis=1) / cs_ / 60.0
        pos = qs[None, :] * (cs_[:, None] - 1)
        lo = np.floor(pos).astype(np.int64)
        hi = np.minimum(lo + 1, cs_[:, None] - 1)
        v_lo = np.take_along_axis(xs, lo, axis=1)
        v_hi = np.take_along_axis(xs, hi, axis=1)
        quant[some, k] = (v_lo + (pos - lo) * (v_hi - v_lo)) / 60.0
    avail = (
        1.0
        - _measure(closed.start.reshape(rows, -1), closed.end.reshape(rows, -1), year)
        .reshape(2, n)
        .mean(axis=0)
        / year
    )
    return _result(
        inp,
        disr,
        n_disruption_types,
        trains_run,
        avail,
        mean_delay,
        quant,
        closed.closed_s,
        closed.single_bore_s,
    )


def _result(
    inp: OperationsInputs,
    disr: Disruptions,
    n_disruption_types: int,
    trains_run: IntArray,
    avail: FloatArray,
    mean_delay: FloatArray,
    quant: FloatArray,
    closed_s: FloatArray,
    single_bore_s: FloatArray,
) -> OperationsResult:
    """Assemble the result of ``n`` years from the per-year figures."""
    n = trains_run.shape[0]
    payload = np.asarray(inp.payload_t, dtype=np.float64)
    teu = np.asarray(inp.teu, dtype=np.float64)
    counts = np.zeros((n, n_disruption_types), dtype=np.int64)
    used = np.isfinite(disr.start_s)
    kind = disr.kind[used]
    if kind.size:
        row = np.nonzero(used)[0]
        counts = np.bincount(
            row * n_disruption_types + kind, minlength=n * n_disruption_types
        ).reshape(n, n_disruption_types)
    if not np.all(np.isfinite(avail)):
        raise NumericalError("operations: non-finite availability")
    return OperationsResult(
        train_types=inp.train_types,
        disruption_names=disruption_names(inp),
        trains_demanded=inp.trains_per_year,
        trains_run=trains_run,
        tonnes=np.asarray(trains_run @ payload, dtype=np.float64),
        teu=np.asarray(trains_run @ teu, dtype=np.float64),
        availability=np.asarray(avail, dtype=np.float64),
        mean_delay_min=mean_delay,
        delay_quantiles_min=quant,
        closed_hours=closed_s / 3600.0,
        single_bore_hours=single_bore_s / 3600.0,
        disruptions=counts,
    )
