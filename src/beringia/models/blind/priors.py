"""What a blind hindcast may learn: unit cost and advance laws from earlier tunnels.

For a case decided in year ``Y`` the pools hold only tunnels opened, and drives finished,
before ``Y`` (strictly earlier years), and never the case's own tunnel under any of its names
(its ``tunnel_cases`` name, its ``reference_row`` and drives linked to it by ``case``). When
fewer than ``min_priors`` (``data/blind_priors.toml``) are that old, the pool widens to every
finished tunnel or drive except the case's own, and :attr:`Law.later` counts the ones that
were finished after the decision, so that the case can say it.

Unit cost: the all-in cost (tunnel with its systems and owner's costs) in 2025 USD per
*equivalent* bore-km, ``sum(length x (d / d_ref)^2)`` over the bores, the model's own area
law. Costs of scope ``tunnel-civil`` are divided by ``1 - systems_share``; ``tunnel`` is read
as all-in (what the sources report seldom says; an assumption). Crossings, lines and
programmes have no unit cost. Nominal totals are read at the middle year of the works.

Advance: the whole-drive (calendar) average per regime, scaled to ``d_ref`` with the
envelope's area exponent at its mode, ``m/day x (d / d_ref)^(2 alpha)``.

The unit cost is learned from earlier tunnels driven mostly the same way (TBM or
drill-and-blast) when there are enough, else from every earlier tunnel. Each law is the
median of the pool in log space (robust to a Hallandsas), with the
geometric standard deviation of the pool for the record.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from beringia.models.reference.dataset import reference_rows
from beringia.scenario.reference import ReferenceRow
from beringia.tables.blind_priors import BlindPriors, blind_priors
from beringia.tables.drive_averages import Drive, drive_averages
from beringia.tables.money import money_table
from beringia.tables.tunnel_cases import Bore, Case, Method, Money, tunnel_cases

PRICE_BASE_YEAR = 2025
ALL_IN_SCOPES = frozenset({"tunnel", "tunnel-systems"})
"""Case cost scopes read as the tunnel with its systems."""
UNIT_SCOPES = ALL_IN_SCOPES | {"tunnel-civil"}
"""Scopes a unit cost can be learned from or predicted for."""

REGIME_OF: dict[Method, str] = {
    "tbm-gripper": "hard-rock",
    "tbm-double-shield": "hard-rock",
    "tbm-single-shield": "hard-rock",
    "tbm-epb": "closed-face",
    "tbm-slurry": "closed-face",
    "drill-and-blast": "drill-and-blast",
    "natm": "drill-and-blast",
    "cut-and-cover": "drill-and-blast",
    "immersed": "drill-and-blast",
}
"""How each excavation method is driven (``cut-and-cover`` and ``immersed`` stretches, short in
the shipped cases, are read at drill-and-blast pace: an assumption the case notes carry)."""


@dataclass(frozen=True)
class Point:
    """One earlier tunnel or drive and what it teaches."""

    name: str
    year: int
    """Year it was finished (opened or broken through)."""
    value: float
    """USD m (2025) per equivalent bore-km, or m/day at the reference diameter."""
    family: str | None = None
    """``"tbm"`` or ``"drill-and-blast"``: how most of the tunnel was driven (unit costs)."""
    use: str | None = None
    """What the tunnel carries (``"rail"``, ``"road"`` ...; unit costs)."""


@dataclass(frozen=True)
class Law:
    """A learned law: the median of its pool, in log space."""

    median: float
    gsd: float
    """Geometric standard deviation of the pool (1 for a single point)."""
    points: tuple[Point, ...]
    later: int
    """Points finished in or after the decision year (the pool had to widen)."""
    pool: str = "earlier"
    """Which pool it was learned from: ``"method and use"`` (same way of driving, same
    traffic), ``"method"``, ``"earlier"`` (every earlier tunnel or drive) or ``"all"`` (too
    few earlier ones: later ones too)."""

    @property
    def names(self) -> list[str]:
        """The tunnels or drives learned from."""
        return [p.name for p in self.points]


def _law(
    points: Sequence[Point],
    decision_year: int,
    min_priors: int,
    what: str,
    family: str | None = None,
    use: str | None = None,
) -> Law:
    earlier = [p for p in points if p.year < decision_year]
    same_family = [p for p in earlier if family is not None and p.family == family]
    same_use = [p for p in same_family if use is not None and p.use == use]
    named = (("method and use", same_use), ("method", same_family), ("earlier", earlier))
    kind, pool = next(((k, p) for k, p in named if len(p) >= min_priors), ("all", list(points)))
    if not pool:
        raise ValueError(f"{what}: no finished tunnel or drive to learn from")
    logs = [math.log(p.value) for p in pool]
    gsd = math.exp(statistics.stdev(logs)) if len(logs) > 1 else 1.0
    later = sum(p.year >= decision_year for p in pool)
    return Law(math.exp(statistics.median(logs)), gsd, tuple(pool), later, kind)


def usd_bn(m: Money, start: dt.date, end: dt.date) -> float:
    """Return a case's money in 2025 USD bn; a nominal total is read at the works' middle year."""
    year = m.year
    if m.nominal:
        year = min(m.year, (start.year + end.year) // 2)
    usd = money_table().convert(m.amount, m.currency, year, "USD", PRICE_BASE_YEAR)
    return usd / 1e9


def bore_diameter_m(bore: Bore, use: str, priors: BlindPriors | None = None) -> float:
    """Return a bore's diameter, or the generic one for its use and role (assumed)."""
    if bore.diameter_m is not None:
        return bore.diameter_m
    d = (priors or blind_priors()).diameters
    if use == "road" or bore.role == "road":
        return d.road_m
    return d.rail_service_m if bore.role in ("service", "pilot") else d.rail_running_m


def equivalent_bore_km(case: Case, priors: BlindPriors | None = None) -> float:
    """Return ``sum(length x (d / d_ref)^2)`` over a case's bores (km)."""
    p = priors or blind_priors()
    ref = p.learning.reference_diameter_m
    return sum(
        b.length_km * (bore_diameter_m(b, case.use, p) / ref) ** 2 for b in case.geometry.bores
    )


def all_in_factor(scope: str, priors: BlindPriors | None = None) -> float:
    """Return what a cost of ``scope`` is multiplied by to read as all-in."""
    share = (priors or blind_priors()).scope.systems_share
    return 1.0 / (1.0 - share) if scope == "tunnel-civil" else 1.0


def _case_cost_point(case: Case, p: BlindPriors) -> Point | None:
    out = case.outturn
    if out is None or out.scope not in UNIT_SCOPES:
        return None
    usd_m = usd_bn(out, case.start.date, case.opening.date) * 1e3 * all_in_factor(out.scope, p)
    return Point(
        case.name,
        case.opening.date.year,
        usd_m / equivalent_bore_km(case, p),
        family(case),
        case.use,
    )


def _row_cost_point(row: ReferenceRow, p: BlindPriors) -> Point | None:
    c = row.cost
    if (
        row.status != "built"
        or row.build_end_year is None
        or c is None
        or c.basis != "outturn"
        or c.scope not in ("tunnel", "tunnel-civil")
    ):
        return None
    d = row.diameter_m or (p.diameters.road_m if row.use == "road" else p.diameters.rail_running_m)
    eq_km = row.length_km * row.bores * (d / p.learning.reference_diameter_m) ** 2
    usd = money_table().convert(c.amount, c.currency, c.year, "USD", PRICE_BASE_YEAR) / 1e6
    fam = {"TBM": "tbm", "D&B": "drill-and-blast"}.get(row.method)
    return Point(
        row.name, row.build_end_year, usd * all_in_factor(c.scope, p) / eq_km, fam, row.use
    )


SAME_LENGTH = 0.03
"""A reference row within this fraction of a case's route length may be the case itself."""


def same_tunnel(case: Case, row: ReferenceRow) -> bool:
    """Whether reference row ``row`` is the tunnel of ``case``, whatever the case links.

    It is when the case names it (``reference_row``), when the row's name is in the case's
    title or name (``"Seikan Tunnel"`` in ``"Seikan Tunnel (Hamanaka - Yunosato)"``), or when
    both are in the same country, within :data:`SAME_LENGTH` of the same length, and opened
    within a year of each other. A case added without its link must not learn from its own
    outturn.
    """
    if row.name == case.reference_row:
        return True
    name = row.name.casefold()
    if name in case.title.casefold() or name == case.name.casefold():
        return True
    return row.build_end_year is not None and _alike(
        case, row.country, row.length_km, row.build_end_year
    )


def _short_title(case: Case) -> str:
    return case.title.split("(")[0].strip().casefold()


def same_case(case: Case, other: Case) -> bool:
    """Whether ``other`` is the tunnel of ``case`` under another (or the same) name.

    It is when the names are equal, when both link the same ``reference_row``, when their
    titles agree before any parenthesis, or when both are in the same country, within
    :data:`SAME_LENGTH` of the same route length and opened within a year of each other.
    """
    if other.name == case.name:
        return True
    if case.reference_row is not None and other.reference_row == case.reference_row:
        return True
    if _short_title(case) == _short_title(other):
        return True
    g = other.geometry
    return _alike(case, other.country, g.route_length_km, other.opening.date.year)


def _alike(case: Case, country: str, length_km: float, opened: int) -> bool:
    """Whether a tunnel of that country, length and opening year may be ``case``'s own.

    It may when it is in the same country, within :data:`SAME_LENGTH` of the case's route
    length, and opened within a year of it.
    """
    route = case.geometry.route_length_km
    return (
        country.casefold() == case.country.casefold()
        and abs(length_km - route) <= SAME_LENGTH * route
        and abs(opened - case.opening.date.year) <= 1
    )


GENERIC_WORDS = frozenset(
    "tunnel tunnels road rail railway base line tube tubes bore east west north south "
    "second first third fourth drive service pilot exploratory marine land main".split()
)
"""Words of a drive's name that say nothing of which tunnel it is."""


def _words(text: str) -> set[str]:
    out = "".join(ch if ch.isalnum() else " " for ch in text.casefold()).split()
    return {w for w in out if len(w) >= 4 and not w.isdigit() and w not in GENERIC_WORDS}


def own_drive(case: Case, drive: Drive) -> bool:
    """Whether ``drive`` may be one of ``case``'s own drives, linked or not.

    It is when it links the case, or when it ran within the case's works (starting no
    earlier than a year before them, ending no later than a year after the opening) and its
    name shares a word with the case's name or its title before any parenthesis
    (``mont-blanc-road`` and "Mont Blanc Tunnel"; words such as "road" or "east" do not
    count, nor the places in "(Madrid - Valladolid)"): a case added without a drive's
    link must not learn its advance from its own outcome.
    """
    if drive.case == case.name:
        return True
    if drive.start is None or drive.end is None:
        return False
    start, end = int(drive.start[:4]), int(drive.end[:4])
    during = start >= case.start.date.year - 1 and end <= case.opening.date.year + 1
    return during and bool(_words(drive.name) & (_words(case.name) | _words(_short_title(case))))


def cost_points(exclude: Case, cases: Sequence[Case] | None = None) -> list[Point]:
    """Return every finished tunnel's all-in cost per equivalent bore-km, except ``exclude``'s.

    ``cases`` defaults to the shipped cases; reference rows that a case names as its
    ``reference_row`` are left out (the case stands for them), and so is any row or case
    that is ``exclude``'s own tunnel (:func:`same_tunnel`, :func:`same_case`), linked or not.
    """
    p = blind_priors()
    pool = list(tunnel_cases().cases if cases is None else cases)
    linked = {c.reference_row for c in pool if c.reference_row} | {
        r.name for r in reference_rows() if same_tunnel(exclude, r)
    }
    points = [pt for c in pool if not same_case(exclude, c) if (pt := _case_cost_point(c, p))]
    for row in reference_rows():
        if row.name not in linked and (pt := _row_cost_point(row, p)) is not None:
            points.append(pt)
    return points


def _drive_point(d: Drive, alpha: float, ref: float) -> Point | None:
    if d.end is None:
        return None
    scale = 1.0 if d.diameter_m is None else (d.diameter_m / ref) ** (2.0 * alpha)
    return Point(d.name, int(d.end[:4]), d.m_per_day * scale)


def advance_points(exclude: Case, regime: str, cases: Sequence[Case] | None = None) -> list[Point]:
    """Return the whole-drive averages of ``regime`` at the reference diameter, not ``exclude``'s.

    The pool is ``data/drive_averages.toml`` and the advance records of cases that have no
    linked drive there, unverified rows included (a central law, unlike a cap, is not set by
    one row; the drill-and-blast pool would otherwise be one road tunnel), without any drive
    that may be ``exclude``'s own (:func:`own_drive`) or any case that is its tunnel
    (:func:`same_case`).
    """
    p = blind_priors()
    alpha = float(p.schedule.area_exponent.get("mode", 0.5))
    ref = p.learning.reference_diameter_m
    drives = drive_averages().drive
    points = [
        pt
        for d in drives
        if d.regime == regime and not own_drive(exclude, d)
        if (pt := _drive_point(d, alpha, ref))
    ]
    linked = {d.case for d in drives if d.case}
    for c in tunnel_cases().cases if cases is None else cases:
        if same_case(exclude, c) or c.name in linked:
            continue
        for a in c.advance:
            if REGIME_OF[a.method] != regime:
                continue
            days = (a.end - a.start).days
            rate = a.m_per_day or (a.length_m / days if days > 0 else None)
            if rate is None:
                continue
            d_m = a.diameter_m
            scale = 1.0 if d_m is None else (d_m / ref) ** (2.0 * alpha)
            points.append(Point(f"{c.name}/{a.bore}", a.end.year, rate * scale))
    return points


def family(case: Case) -> str:
    """``"tbm"`` or ``"drill-and-blast"``: how most of a case's bore-km were driven."""
    km = {"tbm": 0.0, "drill-and-blast": 0.0}
    for b in case.geometry.bores:
        for s in b.segments:
            km["drill-and-blast" if REGIME_OF[s.method] == "drill-and-blast" else "tbm"] += (
                s.length_km
            )
    return max(km, key=lambda k: km[k])


def unit_cost_law(case: Case, cases: Sequence[Case] | None = None) -> Law:
    """Learn the all-in USD m (2025) per equivalent bore-km for ``case``.

    From the earlier tunnels driven mostly the same way (TBM or drill-and-blast) that carry
    the same traffic (rail or road) when there are at least ``min_priors`` of them, else
    from those driven the same way, else from every earlier tunnel: a reference class of
    the most similar projects first, as an estimator would choose it. The classes were
    chosen on the reference set's own tunnels, each predicted from those finished before
    it started (``data/blind_priors.toml``, ``[learning]``), never on the cases' scores.
    """
    p = blind_priors()
    return _law(
        cost_points(case, cases),
        case.decision.year,
        p.learning.min_priors,
        "unit cost",
        family(case),
        case.use,
    )


def advance_law(case: Case, regime: str, cases: Sequence[Case] | None = None) -> Law:
    """Learn the whole-drive m/day at the reference diameter in ``regime`` for ``case``."""
    p = blind_priors()
    return _law(
        advance_points(case, regime, cases),
        case.decision.year,
        p.learning.min_priors,
        f"advance ({regime})",
    )


__all__ = [
    "REGIME_OF",
    "Law",
    "Point",
    "advance_law",
    "advance_points",
    "all_in_factor",
    "bore_diameter_m",
    "cost_points",
    "equivalent_bore_km",
    "family",
    "own_drive",
    "same_case",
    "same_tunnel",
    "unit_cost_law",
    "usd_bn",
]
