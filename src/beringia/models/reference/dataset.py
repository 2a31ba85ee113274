"""The shipped reference class of real tunnels and the unit costs derived from it.

:func:`reference_rows` loads and validates ``beringia/data/reference_tunnels.toml`` once;
:func:`reference_table` turns rows into NumPy arrays in US dollars of one price year for
plotting and ranking; :func:`percentile_in_reference` places a value (a claim, a model
result) among the real tunnels.

Definitions used throughout:

* route-km: ``length_km`` of the tunnel;
* bore-km: ``length_km * bores``, where ``bores`` counts every full-length tube, running plus
  service or pilot bores (so a Channel-type tunnel of 50 km has 150 bore-km);
* unit costs are computed only for costs whose scope is the tunnel (``tunnel`` or
  ``tunnel-civil``): a cost that also covers bridges, islands, a whole line or a programme of
  tunnels has no per-km figure here (NaN).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import ValidationError

from beringia.errors import NumericalError, ScenarioError
from beringia.scenario.reference import COST_SCOPES, ReferenceRow, ReportedCost
from beringia.tables.money import DEFAULT_TO_YEAR, money_table
from beringia.tables.schema import Table, check, read_table

METRICS: tuple[str, ...] = (
    "cost_usd_bn",
    "usd_m_per_route_km",
    "usd_m_per_bore_km",
    "overrun_ratio",
    "duration_years",
)
STATUSES: tuple[str, ...] = ("built", "under-construction", "proposed")
UNIT_COST_SCOPES: frozenset[str] = frozenset({"tunnel", "tunnel-civil"})
DEFAULT_STATUS: frozenset[str] = frozenset({"built", "under-construction"})

FloatArray = NDArray[np.float64]


class _Document(Table):
    """Layout of ``data/reference_tunnels.toml``."""

    schema_version: Literal[1]
    meta: dict[str, str]
    rows: list[ReferenceRow]


_FILE = "data/reference_tunnels.toml"


@functools.cache
def _shipped_rows() -> tuple[ReferenceRow, ...]:
    doc = check(_Document, read_table("reference_tunnels.toml"), _FILE)
    names = [row.name for row in doc.rows]
    for i, name in enumerate(names):
        if name in names[:i]:
            raise ScenarioError(f"{_FILE}.rows.{i}.name", name, "a row name not used before")
    return tuple(doc.rows)


def reference_rows(extra: Sequence[ReferenceRow] = ()) -> list[ReferenceRow]:
    """Return the shipped reference rows (validated once), followed by ``extra`` rows.

    Parameters
    ----------
    extra : sequence of ReferenceRow
        Rows to add, e.g. from :func:`parse_reference_row`.

    Raises
    ------
    ScenarioError
        If an extra row is not a :class:`ReferenceRow` or repeats a row name, or naming the
        field of the shipped ``data/reference_tunnels.toml`` at fault (a broken installation).
    """
    rows = list(_shipped_rows())
    seen = {row.name for row in rows}
    for i, row in enumerate(extra):
        if not isinstance(row, ReferenceRow):
            raise ScenarioError(
                f"reference.extra.{i}", type(row).__name__, "allowed: a ReferenceRow"
            )
        if row.name in seen:
            raise ScenarioError(
                f"reference.extra.{i}.name", row.name, "must differ from every other row name"
            )
        seen.add(row.name)
        rows.append(row)
    return rows


def parse_reference_row(data: Mapping[str, Any], path: str = "reference.rows") -> ReferenceRow:
    """Validate one row given as a mapping (e.g. a TOML table).

    Parameters
    ----------
    data : mapping
        The row's fields.
    path : str
        Dotted path of the list the row belongs to; errors name ``<path>.<row name>.<field>``.

    Raises
    ------
    ScenarioError
        Naming the first offending field, its value and what is allowed.
    """
    try:
        return ReferenceRow.model_validate(dict(data))
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        loc = ".".join(str(part) for part in err["loc"])
        name = data.get("name", "?")
        field = f"{path}.{name}" + (f".{loc}" if loc else "")
        msg = str(err["msg"]).removeprefix("Value error, ")
        value: object = err.get("input", "(missing)")
        if err["type"] == "missing":
            msg, value = "required field is missing", "(missing)"
        elif err["type"] == "extra_forbidden":
            msg = "unknown field (not part of the reference row format)"
        raise ScenarioError(field, value, msg) from None


@dataclass(frozen=True)
class ReferenceTable:
    """Reference rows as arrays, money in US dollars of ``to_year``; NaN where unknown.

    Attributes
    ----------
    names, status, cost_scope : tuple of str
        Per row; ``cost_scope`` is ``""`` where there is no cost.
    to_year : int
        Price year of every dollar figure.
    length_km, undersea_km : ndarray
        Route length; length under the sea (NaN if not reported).
    bores : ndarray of int
        All full-length tubes (running plus service).
    cost_usd_bn : ndarray
        Reported cost (outturn or latest estimate) converted to ``to_year`` USD, billions.
    usd_m_per_route_km : ndarray
        ``cost / length_km`` in USD millions, only for tunnel-scope costs.
    usd_m_per_bore_km : ndarray
        ``cost / (length_km * bores)`` in USD millions, only for tunnel-scope costs.
    overrun_ratio : ndarray
        Final over decision estimate: ``1 + cost_overrun_pct / 100`` where reported, else
        the ratio of the converted cost and estimate at decision (real terms).
    duration_years : ndarray
        Built: opening minus start year; under construction: expected opening minus start.
    unverified : ndarray of bool
        The row is flagged unverified, or a conversion used an unverified money figure.
    """

    names: tuple[str, ...]
    status: tuple[str, ...]
    cost_scope: tuple[str, ...]
    to_year: int
    length_km: FloatArray
    undersea_km: FloatArray
    bores: NDArray[np.int64]
    cost_usd_bn: FloatArray
    usd_m_per_route_km: FloatArray
    usd_m_per_bore_km: FloatArray
    overrun_ratio: FloatArray
    duration_years: FloatArray
    unverified: NDArray[np.bool_]

    def __len__(self) -> int:
        """Return the number of rows."""
        return len(self.names)

    def metric(self, kind: str) -> FloatArray:
        """Return the array of one metric, one of :data:`METRICS`.

        Raises
        ------
        ScenarioError
            If ``kind`` is not a metric.
        """
        if kind not in METRICS:
            raise ScenarioError("kind", kind, f"allowed: {', '.join(METRICS)}")
        out: FloatArray = getattr(self, kind)
        return out

    def mask(self, status: Collection[str] = DEFAULT_STATUS) -> NDArray[np.bool_]:
        """Return a boolean array selecting the rows whose status is in ``status``.

        Raises
        ------
        ScenarioError
            If a status is not one of :data:`STATUSES`.
        """
        bad = sorted(set(status) - set(STATUSES))
        if bad:
            raise ScenarioError("status", bad[0], f"allowed: {', '.join(STATUSES)}")
        return np.array([s in status for s in self.status], dtype=bool)


def _usd(cost: ReportedCost | None, to_year: int) -> float:
    return math.nan if cost is None else cost.to_usd(to_year)


def _overrun(row: ReferenceRow, cost_usd: float, to_year: int) -> float:
    if row.cost_overrun_pct is not None:
        return 1.0 + row.cost_overrun_pct / 100.0
    if row.cost is None or row.estimate_at_decision is None:
        return math.nan
    return cost_usd / row.estimate_at_decision.to_usd(to_year)


def _duration(row: ReferenceRow) -> float:
    end = row.build_end_year if row.status == "built" else row.expected_end_year
    if row.build_start_year is None or end is None:
        return math.nan
    return float(end - row.build_start_year)


def _frozen(values: Sequence[float]) -> FloatArray:
    arr = np.array(values, dtype=np.float64)
    arr.flags.writeable = False
    return arr


def _build_table(
    rows: Sequence[ReferenceRow], to_year: int, scopes: frozenset[str]
) -> ReferenceTable:
    table = money_table()
    table.deflator(to_year, to_year, year_field="to_year")  # checks to_year is tabled
    cost = [_usd(r.cost, to_year) for r in rows]
    length = [r.length_km for r in rows]
    bores = [r.bores for r in rows]
    unit = [r.cost is not None and r.cost.scope in scopes for r in rows]
    per_km = [c / n / 1e6 if u else math.nan for c, n, u in zip(cost, length, unit, strict=True)]
    per_bore = [p / b for p, b in zip(per_km, bores, strict=True)]
    money_flags = [
        any(m is not None and m.is_unverified() for m in (r.cost, r.estimate_at_decision))
        for r in rows
    ]
    unverified = np.array(
        [r.unverified or f for r, f in zip(rows, money_flags, strict=True)], dtype=bool
    )
    unverified.flags.writeable = False
    bores_arr = np.array(bores, dtype=np.int64)
    bores_arr.flags.writeable = False
    undersea = [math.nan if r.undersea_km is None else r.undersea_km for r in rows]
    return ReferenceTable(
        names=tuple(r.name for r in rows),
        status=tuple(r.status for r in rows),
        cost_scope=tuple("" if r.cost is None else r.cost.scope for r in rows),
        to_year=to_year,
        length_km=_frozen(length),
        undersea_km=_frozen(undersea),
        bores=bores_arr,
        cost_usd_bn=_frozen([c / 1e9 for c in cost]),
        usd_m_per_route_km=_frozen(per_km),
        usd_m_per_bore_km=_frozen(per_bore),
        overrun_ratio=_frozen([_overrun(r, c, to_year) for r, c in zip(rows, cost, strict=True)]),
        duration_years=_frozen([_duration(r) for r in rows]),
        unverified=unverified,
    )


@functools.cache
def _shipped_table(to_year: int) -> ReferenceTable:
    return _build_table(_shipped_rows(), to_year, UNIT_COST_SCOPES)


def reference_table(
    rows: Sequence[ReferenceRow] | None = None,
    *,
    to_year: int = DEFAULT_TO_YEAR,
    scopes: Collection[str] = UNIT_COST_SCOPES,
) -> ReferenceTable:
    """Return reference rows as arrays in US dollars of ``to_year``.

    Parameters
    ----------
    rows : sequence of ReferenceRow, optional
        Rows to tabulate; the shipped rows by default (cached per ``to_year``).
    to_year : int
        Price year of the dollar figures.
    scopes : collection of str
        Cost scopes for which per-km unit costs are computed (default: the tunnel only).

    Raises
    ------
    ScenarioError
        If ``to_year`` is outside the CPI table or a scope is unknown.
    """
    scope_set = frozenset(scopes)
    bad = sorted(scope_set - set(COST_SCOPES))
    if bad:
        raise ScenarioError("scopes", bad[0], f"allowed: {', '.join(COST_SCOPES)}")
    if rows is None and scope_set == UNIT_COST_SCOPES:
        money_table().deflator(to_year, to_year, year_field="to_year")
        return _shipped_table(to_year)
    return _build_table(reference_rows() if rows is None else list(rows), to_year, scope_set)


def percentile_in_reference(
    value: float,
    kind: str = "usd_m_per_bore_km",
    status: Collection[str] = DEFAULT_STATUS,
    *,
    table: ReferenceTable | None = None,
) -> float:
    """Return where ``value`` falls among the reference tunnels, as a percentile in [0, 100].

    The percentile is the share of selected rows (finite ``kind``, status in ``status``) below
    the value, counting rows equal to it as half (mid-rank): 0 below the minimum, 100 above the
    maximum, non-decreasing in ``value``.

    Parameters
    ----------
    value : float
        The figure to place, in the units of ``kind`` (e.g. USD millions of 2025 per bore-km).
    kind : str
        One of :data:`METRICS`.
    status : collection of str
        Statuses of the rows compared against (default built and under construction).
    table : ReferenceTable, optional
        Table to compare against; the shipped rows in 2025 USD by default.

    Raises
    ------
    ScenarioError
        Non-finite value, unknown kind or status.
    NumericalError
        If no selected row has a finite ``kind``.
    """
    if not math.isfinite(value):
        raise ScenarioError("value", value, "must be a finite number")
    tab = reference_table() if table is None else table
    data = tab.metric(kind)[tab.mask(status)]
    data = data[np.isfinite(data)]
    if data.size == 0:
        raise NumericalError(
            f"no reference row with status in {sorted(status)} has a finite {kind}"
        )
    below = int(np.count_nonzero(data < value))
    equal = int(np.count_nonzero(data == value))
    return 100.0 * (below + 0.5 * equal) / data.size


def best_advance_m_per_day(
    kind: Literal["mean", "max"] = "mean", rows: Sequence[ReferenceRow] | None = None
) -> tuple[str, float]:
    """Return the row with the highest reported advance per heading, and that advance.

    Parameters
    ----------
    kind : {"mean", "max"}
        Project-average advance per heading, or best single day.
    rows : sequence of ReferenceRow, optional
        Rows to search; the shipped rows by default.

    Raises
    ------
    ScenarioError
        If ``kind`` is not ``"mean"`` or ``"max"``.
    NumericalError
        If no row reports that advance.
    """
    if kind not in ("mean", "max"):
        raise ScenarioError("kind", kind, "allowed: mean, max")
    found = [
        (r.name, v)
        for r in (reference_rows() if rows is None else rows)
        if (v := r.mean_advance_m_per_day if kind == "mean" else r.max_advance_m_per_day)
        is not None
    ]
    if not found:
        raise NumericalError(f"no reference row reports a {kind} advance rate")
    return max(found, key=lambda item: item[1])
