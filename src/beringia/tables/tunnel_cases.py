"""Layout of ``data/tunnel_cases.toml``: finished tunnels as known before construction.

Each :class:`Case` is one real tunnel, open to traffic, recorded for a *blind* hindcast: what
was decided and when, the geometry and ground known before construction, and, kept apart as the
benchmark, the official estimate and programme of the time; then what happened (outturn cost,
opening date, whole-drive advance). Every figure carries its own ``source``; ``unverified``
marks a figure found only in a mirror, blog or unaddressed copy; ``assumed`` marks this
project's own inference (explained in ``note``). ``not_blind`` says in words what in the case
could leak the outcome.

Conventions:

* chainage: km from the first attack point along the route, ``0 <= chainage <= route length``;
  a heading ``east`` drives towards increasing chainage, ``west`` towards decreasing;
* dates are TOML dates; ``precision`` says whether a source gave the day, only the month (the
  1st is written) or only the year (1 July is written for a start or end, 31 December for a
  planned opening "in" that year: say which in ``note``);
* money: amount in full currency units, ``year`` is the year of money (price base), or, if
  ``nominal``, the year the sum was reported (a nominal total spread over the works); the
  currency and year must be in the shipped money table (:mod:`beringia.tables.money`).

:func:`tunnel_cases` loads the shipped file once; :func:`parse_tunnel_cases` checks any parsed
document of the same layout (a :class:`~beringia.errors.ScenarioError` names the field at fault).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from functools import cache
from typing import Annotated, Any, Literal, Self

from pydantic import Field, model_validator

from beringia.errors import ScenarioError
from beringia.tables.money import money_table
from beringia.tables.schema import Allowed, Loc, Table, Text, check, read_table

FILE = "data/tunnel_cases.toml"
YEAR_DAYS = 365.25
SEGMENT_TOLERANCE_KM = 0.05
"""Largest gap allowed between a bore's length and the sum of its method segments (km)."""
SEGMENT_TOLERANCE_REL = 0.005
"""... or this fraction of the bore's length, whichever is larger."""
BORE_OVER_ROUTE = 1.1
"""A bore may be at most this much longer than the route (curved or offset tubes)."""
SHARE_TOLERANCE = 0.02
"""Ground shares may sum to 1 within this."""
ADVANCE_TOLERANCE = 0.25
"""A stated whole-drive average may differ from length / calendar days by this fraction."""

Use = Literal["rail", "road"]
Setting = Literal["subsea", "mountain", "urban", "lake"]
Precision = Literal["day", "month", "year"]
Method = Literal[
    "tbm-gripper",
    "tbm-double-shield",
    "tbm-single-shield",
    "tbm-slurry",
    "tbm-epb",
    "drill-and-blast",
    "natm",
    "immersed",
    "cut-and-cover",
]
Role = Literal["running", "service", "pilot", "road"]
AttackKind = Literal["portal", "shaft", "adit", "island"]
Heading = Literal["east", "west"]
ReuseRule = Literal["same-point"]
Scope = Literal["tunnel-civil", "tunnel", "tunnel-systems", "crossing", "line", "programme"]
"""What a cost covers: ``tunnel-civil`` civil works only; ``tunnel`` the tunnel as reported
(civil works and what the source includes); ``tunnel-systems`` the tunnel with its rail or road
systems and fit-out; ``crossing`` a fixed link of which the tunnel is part (bridges, islands,
approaches); ``line`` a whole rail or road line; ``programme`` several projects under one
budget."""
Basis = Literal["estimate", "budget", "contract", "outturn", "latest-estimate"]

Name = Annotated[
    str,
    Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=60),
    Allowed("a kebab-case name (a-z, 0-9 and single hyphens)"),
]
Km = Annotated[float, Field(gt=0.0, le=200.0)]
Share = Annotated[float, Field(ge=0.0, le=1.0)]


class Cited(Table):
    """A figure (or group of figures) with its provenance; ``source`` is required.

    ``assumed = true`` needs a ``note`` saying what is this project's own inference.
    """

    source: Text
    unverified: bool = False
    assumed: bool = False
    note: str = ""

    @model_validator(mode="after")
    def _assumption_explained(self) -> Self:
        if self.assumed and not self.note.strip():
            raise ValueError("assumed = true needs a note saying what is assumed")
        return self


class Decision(Cited):
    """The decision that committed the project (a vote, a concession, a financing act)."""

    year: Annotated[int, Field(ge=1900, le=2100)]
    what: Text


class Dated(Cited):
    """An event on a date (start of main works, opening to traffic)."""

    date: dt.date
    precision: Precision = "day"
    what: Text


class Money(Cited):
    """A cost as a source states it."""

    amount: Annotated[float, Field(gt=0.0, le=1e15)]
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$"), Allowed("a currency code of money.toml")]
    year: Annotated[int, Field(ge=1900, le=2100)]
    nominal: bool = False
    scope: Scope
    scope_note: Text
    basis: Basis


class Estimate(Money):
    """The official cost estimate at the decision and the date it was stated."""

    stated: dt.date
    stated_precision: Precision = "day"


class Outturn(Money):
    """The final cost; ``same_scope`` says whether it covers what the estimate covered."""

    same_scope: bool


class Programme(Cited):
    """The official programme at the decision: a planned opening and/or a planned duration."""

    planned_opening: dt.date | None = None
    planned_opening_precision: Precision = "day"
    planned_duration_years: Annotated[float, Field(gt=0.0, le=50.0)] | None = None
    stated: dt.date
    stated_precision: Precision = "day"


class Segment(Table):
    """A stretch of a bore driven by one method."""

    method: Method
    length_km: Km
    note: str = ""


class Bore(Cited):
    """One tube: running, service, pilot or road, with its methods along it.

    ``from_km`` places a bore shorter than the route (a pilot, service or running tunnel
    over part of the route): the chainage where its span starts; it runs ``length_km`` from
    there (ending at the route's end at the latest; a bore that would end more than a tenth of
    its length past it is refused). Its ``source`` (or ``assumed`` and ``note``) covers it.
    Without it a bore shorter than 97 % of the route starts at chainage 0.
    """

    name: Name
    role: Role
    length_km: Km
    from_km: Annotated[float, Field(ge=0.0, le=200.0)] | None = None
    diameter_m: Annotated[float, Field(gt=0.0, le=20.0)] | None = None
    area_m2: Annotated[float, Field(gt=0.0, le=300.0)] | None = None
    segments: Annotated[list[Segment], Field(min_length=1)]


class HeadingStop(Table):
    """A heading written as a table: its direction and, optionally, where it stopped.

    ``stop_km`` is the chainage where the heading stopped (a lot boundary, a meeting point
    agreed in advance); the rest of its stretch was driven from the other side. The attack
    point's ``source`` covers it (say in ``note`` if it is assumed).
    """

    direction: Heading
    stop_km: Annotated[float, Field(gt=0.0, le=200.0)] | None = None
    note: str = ""


class AttackPoint(Cited):
    """A place the works were driven from.

    ``headings`` lists the directions driven from here: ``"east"``/``"west"``, or a table
    ``{ direction = "east", stop_km = 12.3 }`` for a heading that stopped at a chainage.
    """

    name: Name
    kind: AttackKind
    chainage_km: Annotated[float, Field(ge=0.0, le=200.0)]
    headings: list[
        Annotated[
            Heading | HeadingStop,
            Allowed(
                'one of east, west, or a table { direction = "east" or "west", '
                "stop_km = a chainage in km (> 0), note = text }"
            ),
        ]
    ]

    @property
    def directions(self) -> list[str]:
        """The directions driven from here, in the order given."""
        return [h if isinstance(h, str) else h.direction for h in self.headings]

    @property
    def stops(self) -> dict[str, float]:
        """Direction -> chainage (km) of the headings that stopped at a given chainage."""
        return {
            h.direction: h.stop_km
            for h in self.headings
            if not isinstance(h, str) and h.stop_km is not None
        }


class Geometry(Cited):
    """The tunnel as planned before construction.

    ``tbm_count`` and ``machines_reused`` record how many TBMs drove the bores and whether
    one drove several drives; a blind hindcast models them only if ``reuse_rule`` says how
    (``"same-point"``: a later bore's TBM heading follows the same attack point's heading
    in the same direction of an earlier bore, until ``tbm_count`` machines are left; see
    :data:`beringia.models.blind.compile.REUSE_RULE`).
    """

    route_length_km: Km
    bores: Annotated[list[Bore], Field(min_length=1)]
    attack_points: Annotated[list[AttackPoint], Field(min_length=1)]
    tbm_count: Annotated[int, Field(ge=0, le=50)] | None = None
    machines_reused: bool | None = None
    reuse_rule: ReuseRule | None = None


class Ground(Cited):
    """The ground as known before construction: rough shares along the route, depth, pressure."""

    description: Text
    hard_rock_share: Share | None = None
    fractured_share: Share | None = None
    fault_share: Share | None = None
    soft_share: Share | None = None
    max_overburden_m: Annotated[float, Field(gt=0.0, le=3000.0)] | None = None
    max_water_pressure_bar: Annotated[float, Field(ge=0.0, le=200.0)] | None = None


class Advance(Cited):
    """A whole drive's calendar-average advance (one heading, start to breakthrough)."""

    heading: Text
    bore: Name
    method: Method
    diameter_m: Annotated[float, Field(gt=0.0, le=20.0)] | None = None
    length_m: Annotated[float, Field(gt=0.0, le=100_000.0)]
    start: dt.date
    end: dt.date
    precision: Precision = "day"
    m_per_day: Annotated[float, Field(gt=0.0, le=200.0)] | None = None

    @property
    def calendar_m_per_day(self) -> float:
        """Length over calendar days, start to end (the figure used when none is stated)."""
        if self.m_per_day is not None:
            return self.m_per_day
        return self.length_m / max((self.end - self.start).days, 1)


class Case(Table):
    """One finished tunnel for a blind hindcast."""

    name: Name
    title: Text
    country: Annotated[
        str, Field(pattern=r"^[A-Z]{2}(/[A-Z]{2})*$"), Allowed("ISO codes (CH, UK/FR)")
    ]
    use: Use
    setting: Setting
    decision: Decision
    start: Dated
    opening: Dated
    estimate: Estimate | None = None
    programme: Programme | None = None
    outturn: Outturn | None = None
    geometry: Geometry
    ground: Ground | None = None
    advance: list[Advance] = Field(default_factory=list)
    not_blind: Text
    reference_row: str | None = None
    """The name of the same tunnel's row in ``data/reference_tunnels.toml``, if it has one: a
    blind hindcast never learns from its own tunnel under either name."""
    note: str = ""

    @property
    def actual_duration_years(self) -> float:
        """Derived: opening minus start of main works, in years of 365.25 days."""
        return (self.opening.date - self.start.date).days / YEAR_DAYS

    @property
    def planned_duration_years(self) -> float | None:
        """The programme's duration: stated, or planned opening minus start of main works."""
        p = self.programme
        if p is None:
            return None
        if p.planned_duration_years is not None:
            return p.planned_duration_years
        assert p.planned_opening is not None  # checked on load
        return (p.planned_opening - self.start.date).days / YEAR_DAYS

    @property
    def programme_before_start(self) -> bool:
        """True if the programme was stated no later than the start of main works.

        Compared at the start date's precision (a start known only to the month counts a
        statement in that month as before it).
        """
        return self.programme is not None and _not_after(
            self.programme.stated, self.start.date, self.start.precision
        )

    @property
    def estimate_before_start(self) -> bool:
        """True if the estimate was stated no later than the start of main works (as above)."""
        return self.estimate is not None and _not_after(
            self.estimate.stated, self.start.date, self.start.precision
        )


class TunnelCases(Table):
    """``tunnel_cases.toml``."""

    schema_version: Literal[1]
    meta: dict[str, str]
    cases: Annotated[list[Case], Field(min_length=1)]

    def by_name(self, name: str) -> Case:
        """Return the case called ``name``.

        Raises
        ------
        ScenarioError
            If there is no such case.
        """
        for case in self.cases:
            if case.name == name:
                return case
        names = ", ".join(c.name for c in self.cases)
        raise ScenarioError("case", name, f"one of {names}")


def parse_tunnel_cases(raw: Mapping[str, Any], field: str = FILE) -> TunnelCases:
    """Check a parsed document of the ``tunnel_cases.toml`` layout.

    Parameters
    ----------
    raw : mapping
        The parsed TOML.
    field : str
        Path of the document, prefixed to every error's field.

    Raises
    ------
    ScenarioError
        For the first fault: the dotted field, the value and what is allowed (a type or bound,
        a figure without a source, an inconsistency such as an opening before the start).
    """
    label = _labeller(raw)
    _check_heading_tables(raw, field, label)
    doc = check(TunnelCases, raw, field, label)
    names: list[str] = []
    for i, case in enumerate(doc.cases):
        if case.name in names:
            raise ScenarioError(f"{field}.cases.{i}.name", case.name, "a case name not used before")
        names.append(case.name)
        _check_case(case, f"{field}.cases.{i}")
    return doc


@cache
def tunnel_cases() -> TunnelCases:
    """Return the shipped tunnel cases, checked (cached).

    Raises
    ------
    ScenarioError
        Naming the field of ``data/tunnel_cases.toml`` at fault (a broken installation).
    """
    return parse_tunnel_cases(read_table("tunnel_cases.toml"))


# ------------------------------------------------------------------------------ internals


def _not_after(when: dt.date, start: dt.date, precision: Precision) -> bool:
    """Return True if ``when`` is not after ``start`` known to ``precision``."""
    if precision == "year":
        return when.year <= start.year
    if precision == "month":
        return (when.year, when.month) <= (start.year, start.month)
    return when <= start


def _labeller(raw: Mapping[str, Any]) -> Any:
    def label(loc: Loc) -> str:
        if len(loc) >= 2 and loc[0] == "cases" and isinstance(loc[1], int):
            cases = raw.get("cases")
            if isinstance(cases, list) and 0 <= loc[1] < len(cases):
                item = cases[loc[1]]
                if isinstance(item, Mapping) and isinstance(item.get("name"), str):
                    return f"case {item['name']!r}"
        return ""

    return label


def _check_heading_tables(raw: Mapping[str, Any], field: str, label: Any) -> None:
    """Check each heading written as a table on its own, so a fault names its key or value.

    (Checked within the union ``east | west | table``, a bad key or value would only get the
    union's generic description.)
    """
    cases = raw.get("cases")
    for i, case in enumerate(cases if isinstance(cases, list) else []):
        geometry = case.get("geometry") if isinstance(case, Mapping) else None
        points = geometry.get("attack_points") if isinstance(geometry, Mapping) else None
        for j, point in enumerate(points if isinstance(points, list) else []):
            headings = point.get("headings") if isinstance(point, Mapping) else None
            for k, h in enumerate(headings if isinstance(headings, list) else []):
                if not isinstance(h, Mapping):
                    continue
                loc: Loc = ("cases", i, "geometry", "attack_points", j, "headings", k)
                what = str(label(loc))
                check(HeadingStop, h, f"{field}.{'.'.join(map(str, loc))}", _fixed(what))


def _fixed(text: str) -> Callable[[Loc], str]:
    """Return a labeller naming every error's object ``text``."""

    def label(_: Loc) -> str:
        return text

    return label


def _fail(path: str, value: object, case: Case, allowed: str) -> ScenarioError:
    return ScenarioError(path, value, f"case {case.name!r}: {allowed}")


def _check_money(m: Money, path: str, case: Case) -> None:
    table = money_table()
    if m.currency not in table.currencies():
        raise _fail(f"{path}.currency", m.currency, case, f"one of {', '.join(table.currencies())}")
    lo, hi = table.years(m.currency)
    clo, chi = table.years("USD")
    lo, hi = max(lo, clo), min(hi, chi)
    if table.has_local_cpi(m.currency):  # estimate and outturn are compared within a currency
        llo, lhi = table.local_years(m.currency)
        lo, hi = max(lo, llo), min(hi, lhi)
    if not lo <= m.year <= hi:
        raise _fail(f"{path}.year", m.year, case, f"a year from {lo} to {hi} for {m.currency}")


def _check_dates(case: Case, path: str) -> None:
    start, opening = case.start.date, case.opening.date
    if opening <= start:
        raise _fail(f"{path}.opening.date", opening, case, f"a date after start.date ({start})")
    if case.decision.year > start.year:
        raise _fail(
            f"{path}.decision.year",
            case.decision.year,
            case,
            f"at most start.date's year ({start.year})",
        )
    if case.estimate is not None:
        if case.estimate.stated > opening:
            raise _fail(
                f"{path}.estimate.stated",
                case.estimate.stated,
                case,
                f"a date before opening ({opening})",
            )
        _check_money(case.estimate, f"{path}.estimate", case)
    if case.outturn is not None:
        _check_money(case.outturn, f"{path}.outturn", case)
    p = case.programme
    if p is not None:
        if p.planned_opening is None and p.planned_duration_years is None:
            raise _fail(
                f"{path}.programme", "neither", case, "planned_opening or planned_duration_years"
            )
        if p.planned_opening is not None and p.planned_opening <= p.stated:
            raise _fail(
                f"{path}.programme.planned_opening",
                p.planned_opening,
                case,
                f"a date after programme.stated ({p.stated})",
            )
        if p.stated > opening:
            raise _fail(
                f"{path}.programme.stated", p.stated, case, f"a date before opening ({opening})"
            )


def _check_geometry(case: Case, path: str) -> None:
    g = case.geometry
    route = g.route_length_km
    bores: list[str] = []
    for i, bore in enumerate(g.bores):
        here = f"{path}.geometry.bores.{i}"
        if bore.name in bores:
            raise _fail(f"{here}.name", bore.name, case, "a bore name not used before in the case")
        bores.append(bore.name)
        if bore.length_km > route * BORE_OVER_ROUTE:
            raise _fail(
                f"{here}.length_km",
                bore.length_km,
                case,
                f"at most {BORE_OVER_ROUTE:g} x route_length_km ({route})",
            )
        overshoot = (BORE_OVER_ROUTE - 1.0) * bore.length_km
        if bore.from_km is not None and not (
            bore.from_km < route and bore.from_km + bore.length_km <= route + overshoot
        ):
            raise _fail(
                f"{here}.from_km",
                bore.from_km,
                case,
                f"a chainage below route_length_km ({route}) from which the bore's length "
                f"({bore.length_km} km) ends at most {overshoot:.3g} km past the route's end "
                f"({BORE_OVER_ROUTE - 1.0:.0%} of the bore, for a curved or offset tube; the "
                "rest would not be modelled)",
            )
        total = sum(s.length_km for s in bore.segments)
        tol = max(SEGMENT_TOLERANCE_KM, SEGMENT_TOLERANCE_REL * bore.length_km)
        if abs(total - bore.length_km) > tol:
            raise _fail(
                f"{here}.segments",
                round(total, 3),
                case,
                f"segments summing to the bore's length_km ({bore.length_km}) within {tol:.3f} km",
            )
    tbm_km = sum(s.length_km for b in g.bores for s in b.segments if s.method.startswith("tbm-"))
    if g.tbm_count == 0 and tbm_km > 0:
        raise _fail(
            f"{path}.geometry.tbm_count",
            0,
            case,
            f"at least 1: the bores have {tbm_km:g} km by TBM",
        )
    if g.reuse_rule is not None and (g.machines_reused is not True or g.tbm_count is None):
        raise _fail(
            f"{path}.geometry.reuse_rule",
            g.reuse_rule,
            case,
            "a rule only with machines_reused = true and tbm_count given",
        )
    tbm_bores = [b.name for b in g.bores if any(s.method.startswith("tbm-") for s in b.segments)]
    if g.reuse_rule is not None and (not tbm_bores or (g.tbm_count or 0) < 1):
        raise _fail(
            f"{path}.geometry.reuse_rule",
            g.reuse_rule,
            case,
            "a rule only for a case with TBM headings (a bore with a segment by TBM; "
            f"here {', '.join(tbm_bores) or 'none'}) and 1 <= tbm_count "
            f"(here {g.tbm_count}): a reuse rule shares machines between TBM headings",
        )
    points: list[str] = []
    for i, ap in enumerate(g.attack_points):
        here = f"{path}.geometry.attack_points.{i}"
        if ap.name in points:
            raise _fail(f"{here}.name", ap.name, case, "an attack point name not used before")
        points.append(ap.name)
        if ap.chainage_km > route:
            raise _fail(
                f"{here}.chainage_km",
                ap.chainage_km,
                case,
                f"a chainage from 0 to route_length_km ({route})",
            )
        if len(set(ap.directions)) != len(ap.directions):
            raise _fail(f"{here}.headings", ap.directions, case, "each direction at most once")
        for j, h in enumerate(ap.headings):
            if isinstance(h, str) or h.stop_km is None:
                continue
            east = h.direction == "east"
            ahead = h.stop_km > ap.chainage_km if east else h.stop_km < ap.chainage_km
            if not (ahead and h.stop_km < route):
                raise _fail(
                    f"{here}.headings.{j}.stop_km",
                    h.stop_km,
                    case,
                    f"a chainage {h.direction} of {ap.name} ({ap.chainage_km:g} km) and inside "
                    f"the route (0 to {route:g} km)",
                )
            towards = "west" if east else "east"
            lo, hi = sorted((ap.chainage_km, h.stop_km))
            facing = sorted(
                (o for o in g.attack_points if towards in o.directions and lo < o.chainage_km < hi),
                key=lambda o: o.chainage_km if east else -o.chainage_km,
            )
            if facing:
                nxt = facing[0]
                raise _fail(
                    f"{here}.headings.{j}.stop_km",
                    h.stop_km,
                    case,
                    f"a stop before the next attack point that launches towards it: "
                    f"{nxt.name} ({nxt.chainage_km:g} km) drives {towards}, so the "
                    f"{h.direction} heading from {ap.name} ({ap.chainage_km:g} km) must stop "
                    f"at or {'before' if east else 'after'} {nxt.chainage_km:g} km",
                )
    for i, adv in enumerate(case.advance):
        here = f"{path}.advance.{i}"
        if adv.bore not in bores:
            raise _fail(f"{here}.bore", adv.bore, case, f"a bore of the case: {', '.join(bores)}")
        if adv.end <= adv.start:
            raise _fail(f"{here}.end", adv.end, case, f"a date after start ({adv.start})")
        if adv.end > case.opening.date:
            raise _fail(
                f"{here}.end", adv.end, case, f"no later than opening ({case.opening.date})"
            )
        if adv.m_per_day is not None:
            derived = adv.length_m / max((adv.end - adv.start).days, 1)
            if abs(adv.m_per_day / derived - 1.0) > ADVANCE_TOLERANCE:
                raise _fail(
                    f"{here}.m_per_day",
                    adv.m_per_day,
                    case,
                    f"within {ADVANCE_TOLERANCE:.0%} of length_m / calendar days ({derived:.2f})",
                )


def _check_ground(case: Case, path: str) -> None:
    g = case.ground
    if g is None:
        return
    shares = [g.hard_rock_share, g.fractured_share, g.fault_share, g.soft_share]
    given = [s for s in shares if s is not None]
    total = sum(given)
    if total > 1.0 + SHARE_TOLERANCE or (
        len(given) == len(shares) and abs(total - 1.0) > SHARE_TOLERANCE
    ):
        raise _fail(
            f"{path}.ground",
            round(total, 3),
            case,
            "shares (hard_rock, fractured, fault, soft) summing to at most 1, "
            "and to 1 when all four are given",
        )


def _check_case(case: Case, path: str) -> None:
    _check_dates(case, path)
    _check_geometry(case, path)
    _check_ground(case, path)


__all__ = [
    "FILE",
    "Advance",
    "AttackPoint",
    "Bore",
    "Case",
    "Cited",
    "Dated",
    "Decision",
    "Estimate",
    "Geometry",
    "Ground",
    "HeadingStop",
    "Money",
    "Outturn",
    "Programme",
    "Segment",
    "TunnelCases",
    "parse_tunnel_cases",
    "tunnel_cases",
]
