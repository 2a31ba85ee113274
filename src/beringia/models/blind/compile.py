"""Compile a finished tunnel (``data/tunnel_cases.toml``) into a blind hindcast scenario.

The scenario holds only what was known before construction: the case's geometry (bores,
method segments, attack points), the unit cost and whole-drive advance learned from tunnels
and drives finished before the decision (:mod:`beringia.models.blind.priors`), and generic
inputs (``data/blind_priors.toml``). The official estimate and programme are never read; the
outturn, opening and estimate go to ``outcome`` and :class:`Compiled` for scoring only.

How the case becomes a scenario (one rule for every case):

* **Route**: the attack points with their headings (an adit is a shaft to the model); no
  marine works; generic site works at a portal, and generic access works (sinking, driving
  or building the access) at a shaft, adit or island. A heading with a ``stop_km`` stops
  there in every bore whose span holds both the point and the stop.
* **Bores**: each bore's span runs from its ``from_km`` for its length (at most to the
  route's end); without ``from_km``, a bore shorter than :data:`SPAN_SHORT` of the route
  runs from chainage 0, any other the whole route. Each bore's own machine is its first
  segment's regime's; each heading waits for the machine of the method it starts in (its
  lead time: manufacture or mobilisation, launch), and only headings that start in a TBM
  stretch count as TBM headings for machine reuse.
* **Methods**: every bore follows its own method segments, placed along its own span and
  scaled to it. One ground class per regime (``hard-rock``, ``closed-face``,
  ``drill-and-blast``); the zones are cut at every bore's method changes (the union of the
  bores' boundaries; a boundary closer than :data:`MERGE_KM` to one already cut, taken from
  the longer bores first, is that one). A zone's class is the regime of the longest bore
  that runs through it, and it forces that regime's machine (``machine``); a bore whose own
  regime there differs is forced its own (``machines``). A drill-and-blast main tube beside
  a TBM pilot, or a tube that ends in drill-and-blast beside one that ends closed-face,
  each advance by its own method.
* **Not used**: the case's ``ground`` and bores' ``area_m2``; the notes list them when given.
* **Advance**: each regime's machine bores at its regime's learned whole-drive calendar
  average in every ground class (penetration = m/day / 24 at utilisation 1, scaled by the
  envelope's area law to each bore's diameter) and is capped by its regime's drives
  (``regime``), so the rate and cap follow the method, not the zone. Whole-drive averages
  include start-up and stoppages, so there is no learning curve and no generic event; the
  performance factor carries crew variation.
* **Cost**: the learned all-in rate (2025 USD m per equivalent bore-km) times the case's
  equivalent bore-km, split as owner's costs on a base; the base as systems (fit-out per
  track-km) and civil works; civil works as time-dependent (per heading-day, on the plan's
  heading-days, each bore's metres at its own regime's advance) and per km. A civil-only
  outturn is predicted without the systems. The pools' spread (:attr:`Law.gsd`) is not
  drawn: the inside view takes the learned medians, and the model error, learned from the
  cases' ``ln(actual / P50)``, carries how far such medians miss; drawing both would count
  that spread twice. So the inside view's own band is narrow on cost.
* **Route ends**: a route whose first attack point is past chainage 0, or whose last is
  short of its end, gets a point there that launches nothing, so a heading can drive to it.
* **No project-wide factor and no programme anchor**: the model error is learned from the
  hindcasts' own errors (:mod:`beringia.core.calibration`).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from beringia.errors import ScenarioError
from beringia.models.blind.priors import (
    ALL_IN_SCOPES,
    PRICE_BASE_YEAR,
    REGIME_OF,
    UNIT_SCOPES,
    Law,
    advance_law,
    bore_diameter_m,
    family,
    unit_cost_law,
    usd_bn,
)
from beringia.models.construction.compile import compile_construction
from beringia.scenario.io import validate_document
from beringia.tables.blind_priors import BlindPriors, blind_priors
from beringia.tables.tunnel_cases import Bore, Case

SPAN_SHORT = 0.97
"""A bore shorter than this fraction of the route is modelled as a span from chainage 0."""
MERGE_KM = 0.05
"""Method boundaries of different bores closer than this are one (the longer bore's): bores
of lengths a few tens of metres apart, each scaled to its span, shift the same change of
method by that much, which would only cut slivers of zone (and split the ground's runs)."""
STOP_MARGIN_KM = 0.001
"""A stop closer than this to a bore's span end is no stop for that bore (its front ends
there anyway)."""
REUSE_RULE = (
    "reuse_rule 'same-point': a TBM heading of a later bore (in the case's order) is driven "
    "by the machine of the same attack point's heading in the same direction in the nearest "
    "earlier bore whose heading starts with the same machine, bore by bore and point by "
    "point, until tbm_count machines are left"
)
"""How a case's ``reuse_rule = "same-point"`` (with ``machines_reused`` and a ``tbm_count``
below the TBM headings) becomes the scenario's ``reuse``."""
SYSTEMS_REFERENCE_YEAR = 2016
"""Opening of the Gotthard Base Tunnel, from which the generic systems installation rate and
commissioning time derive: cases decided before it are not blind to them."""
SYSTEMS_REFERENCE = "Gotthard Base Tunnel"
"""The reference row the generic systems rate and commissioning time derive from."""
GENERIC = "data/blind_priors.toml"
UNUSED_NOTE = "Recorded but not used by the blind compile (they change nothing in this hindcast): "
"""Opening of the note listing the case fields the compile does not read (always the last
note, so it runs to the end of :attr:`Compiled.not_blind`)."""
UNUSED_WHY = {
    "area": " (the diameter is diameter_m or generic)",
    "reuse": " (read only with reuse_rule, machines_reused = true and tbm_count below the TBM "
    "headings: then machines are reused)",
}
"""Why a field listed in the :data:`UNUSED_NOTE` note is not read, as the note words it."""


@dataclass(frozen=True)
class Compiled:
    """A case compiled for a blind hindcast."""

    case: Case
    document: dict[str, Any]
    """The scenario document (validated by :func:`beringia.scenario.io.validate_document`)."""
    unit_cost: Law
    advance: dict[str, Law]
    actual_cost_usd_bn: float | None
    """Outturn in 2025 USD bn, ``None`` unless its scope is the tunnel (tunnel-civil, tunnel,
    tunnel-systems): a crossing's or a line's outturn cannot score a tunnel's cost."""
    actual_duration_years: float
    estimate_usd_bn: float | None
    """Official estimate at the decision, converted like the outturn, when its scope is the
    outturn's (else ``None``)."""
    programme_years: float | None
    """Official programme, start to planned opening, when stated before the start."""
    notes: list[str] = field(default_factory=list)
    """What is approximate or not blind in the compile, in words."""

    @property
    def not_blind(self) -> str:
        """The case's own not-blind statement and the compile's, in one text."""
        return " ".join([self.case.not_blind, *self.notes])


def _dist(value: float) -> dict[str, Any]:
    return {"dist": "fixed", "value": value}


def _machine(bore: Bore) -> str:
    """Return the machine (regime) a bore is driven with: its first segment's."""
    return REGIME_OF[bore.segments[0].method]


def _regimes(bore: Bore) -> list[tuple[str, float]]:
    """Consecutive segments of one regime merged: (regime, km)."""
    out: list[tuple[str, float]] = []
    for s in bore.segments:
        r = REGIME_OF[s.method]
        if out and out[-1][0] == r:
            out[-1] = (r, out[-1][1] + s.length_km)
        else:
            out.append((r, s.length_km))
    return out


def _runs(bore: Bore, route_km: float) -> list[tuple[str, float, float]]:
    """(regime, from_km, to_km) of a bore's own segments, along its span and scaled to it."""
    lo, hi = _span(bore, route_km)
    runs = _regimes(bore)
    total = sum(km for _, km in runs)
    out, at = [], lo
    for i, (r, km) in enumerate(runs):
        end = hi if i == len(runs) - 1 else at + km * (hi - lo) / total
        out.append((r, at, end))
        at = end
    return out


def _by_length(case: Case) -> list[Bore]:
    """Return the bores, longest first (the case's order among equals)."""
    return sorted(case.geometry.bores, key=lambda b: -b.length_km)


def _cuts(case: Case) -> list[float]:
    """Return the zone boundaries: 0, every bore's method changes, the route's end.

    The longer bores' changes are cut first; a change closer than :data:`MERGE_KM` to a cut
    (or to either end of the route) is that cut.
    """
    route = case.geometry.route_length_km
    cuts = [0.0, route]
    for b in _by_length(case):
        for _, at, _ in _runs(b, route)[1:]:
            if all(abs(at - c) >= MERGE_KM for c in cuts):
                cuts.append(at)
    return sorted(cuts)


def _snapped(bore: Bore, route_km: float, cuts: Sequence[float]) -> list[tuple[str, float]]:
    """(regime, to_km) of a bore's runs with each change of method moved to its nearest cut."""
    runs = _runs(bore, route_km)
    out = [(r, min(cuts, key=lambda c: abs(c - z))) for r, _, z in runs[:-1]]
    return [*out, (runs[-1][0], runs[-1][2])]


def _regime_at(runs: Sequence[tuple[str, float]], km: float) -> str:
    """Return the regime of the snapped runs at ``km`` (the last run's beyond them)."""
    return next((r for r, z in runs if km < z), runs[-1][0])


@dataclass(frozen=True)
class _Zone:
    """A zone of the compiled route and the regime each bore drives there."""

    start: float
    end: float
    regime: str
    """The ground class: the regime of the longest bore that runs through the zone."""
    lead: Bore
    """That bore."""
    own: dict[str, str]
    """Bore name -> its own regime in the zone, for every bore that runs through it."""


def _zones(case: Case) -> list[_Zone]:
    """Return the zones (:func:`_cuts`) and each bore's own regime in each."""
    route = case.geometry.route_length_km
    cuts = _cuts(case)
    snapped = {b.name: _snapped(b, route, cuts) for b in case.geometry.bores}
    out = []
    for a, z in itertools.pairwise(cuts):
        mid = (a + z) / 2.0
        inside = [b for b in _by_length(case) if _overlap_km(b, route, a, z) > 0.0]
        lead = (inside or _by_length(case))[0]
        own = {b.name: _regime_at(snapped[b.name], mid) for b in inside or [lead]}
        out.append(_Zone(a, z, own[lead.name], lead, own))
    return out


def _overlap_km(bore: Bore, route_km: float, a: float, z: float) -> float:
    lo, hi = _span(bore, route_km)
    return max(0.0, min(z, hi) - max(a, lo))


def _span(bore: Bore, route_km: float) -> tuple[float, float]:
    """(from, to) km of a bore on the route: from its ``from_km``, else from chainage 0."""
    if bore.from_km is not None:
        return bore.from_km, min(route_km, bore.from_km + bore.length_km)
    return 0.0, bore.length_km if bore.length_km < SPAN_SHORT * route_km else route_km


def _span_km(bore: Bore, route_km: float) -> float:
    lo, hi = _span(bore, route_km)
    return hi - lo


def _stops(case: Case, bore: Bore) -> list[dict[str, Any]]:
    """Return the bore's stops: the headings stopped at a chainage inside its span."""
    lo, hi = _span(bore, case.geometry.route_length_km)
    return [
        {"heading": f"{a.name}:{direction}", "stop_km": km}
        for a in case.geometry.attack_points
        for direction, km in sorted(a.stops.items())
        if lo <= a.chainage_km <= hi and lo + STOP_MARGIN_KM < km < hi - STOP_MARGIN_KM
    ]


def _starts_in(case: Case, bore: Bore, km: float, direction: str) -> str:
    """Return the regime a heading of ``bore`` from chainage ``km`` starts boring in.

    Read on the bore's runs snapped to the zones' cuts (:func:`_snapped`), as the compiled
    zones force it, so the core's machine for the heading is this regime's.
    """
    route = case.geometry.route_length_km
    runs = _snapped(bore, route, _cuts(case))
    if direction == "east":
        return next((r for r, z in runs if z > km), runs[-1][0])
    starts = [_span(bore, route)[0], *(z for _, z in runs[:-1])]
    pairs = zip(runs[::-1], starts[::-1], strict=True)
    return next((r for (r, _), a in pairs if a < km), runs[0][0])


def _tbm_headings(case: Case, bore: Bore) -> list[tuple[str, str]]:
    """Return (point, direction) of a bore's headings that start boring with a TBM.

    Only headings that drive some length count, and not one that starts in a
    drill-and-blast stretch of the bore (no TBM heading), whatever the bore's first method.
    """
    route = case.geometry.route_length_km
    lo, hi = _span(bore, route)
    return [
        (a.name, d)
        for a in case.geometry.attack_points
        if lo <= a.chainage_km <= hi
        for d in ("west", "east")
        if d in a.directions and (a.chainage_km > lo if d == "west" else a.chainage_km < hi)
        if _starts_in(case, bore, a.chainage_km, d) != "drill-and-blast"
    ]


@dataclass(frozen=True)
class _Reuse:
    """The machine reuse compiled from ``machines_reused`` and ``tbm_count``."""

    by_bore: dict[str, list[dict[str, Any]]]
    headings: int
    """TBM headings of the case."""
    machines: int
    """Machines after the reuse (``headings`` minus the reuses)."""


def _reuse(case: Case, p: BlindPriors) -> _Reuse | None:
    """Share ``tbm_count`` machines between the TBM headings, by :data:`REUSE_RULE`.

    ``None`` unless the case gives ``reuse_rule`` (with ``machines_reused`` true) and
    ``tbm_count`` is below the TBM headings.
    """
    g = case.geometry
    own = {b.name: _tbm_headings(case, b) for b in g.bores}
    count = sum(len(h) for h in own.values())
    if g.reuse_rule is None or not g.machines_reused or g.tbm_count is None:
        return None
    if g.tbm_count >= count:
        return None
    need = count - g.tbm_count
    chain = {a.name: a.chainage_km for a in g.attack_points}

    def starts(bore: Bore, point: str, d: str) -> str:
        return _starts_in(case, bore, chain[point], d)

    relocation = dict(p.schedule.tbm_launch_months) | {
        "source": f"{GENERIC} (schedule.tbm_launch_months)",
        "assumed": True,
        "note": "no source gives it: dismantling the machine and carrying it back to its "
        "attack point is assumed to take as long as assembling and launching it",
    }
    by_bore: dict[str, list[dict[str, Any]]] = {}
    followed: set[tuple[str, str, str]] = set()
    for k, b in enumerate(g.bores):
        for point, d in own[b.name]:
            earlier = next(
                (
                    e
                    for e in reversed(g.bores[:k])
                    if starts(e, point, d) == starts(b, point, d)
                    and (point, d) in own[e.name]
                    and (e.name, point, d) not in followed
                ),
                None,
            )
            if need == 0 or earlier is None:
                continue
            followed.add((earlier.name, point, d))
            by_bore.setdefault(b.name, []).append(
                {
                    "heading": f"{point}:{d}",
                    "after": f"{earlier.name}:{point}:{d}",
                    "relocation_months": relocation,
                }
            )
            need -= 1
    return _Reuse(by_bore, count, g.tbm_count + need)


def _advance_at(law: Law, d: float, ref: float, alpha: float) -> float:
    return float(law.median * (ref / d) ** (2.0 * alpha))


def _heading_days(
    case: Case, zones: Sequence[_Zone], laws: dict[str, Law], p: BlindPriors
) -> float:
    """Heading-days of the plan: each metre of each bore at its own regime's learned advance."""
    ref = p.learning.reference_diameter_m
    alpha = float(p.schedule.area_exponent.get("mode", 0.5))
    route = case.geometry.route_length_km
    days = 0.0
    for b in case.geometry.bores:
        d = bore_diameter_m(b, case.use, p)
        for zone in zones:
            if b.name in zone.own:
                km = _overlap_km(b, route, zone.start, zone.end)
                days += km * 1000.0 / _advance_at(laws[zone.own[b.name]], d, ref, alpha)
    return days


def _notes(
    case: Case, cost: Law, laws: dict[str, Law], p: BlindPriors, reuse: _Reuse | None
) -> list[str]:
    year = case.decision.year
    notes = []
    if cost.later:
        notes.append(
            f"Too few tunnels with a tunnel-scope outturn were finished before {year}: the unit "
            f"cost is learned from {len(cost.points)}, {cost.later} of them finished after the "
            "decision."
        )
    if cost.pool != "method and use":
        method = "TBM" if family(case) == "tbm" else "drill-and-blast"
        notes.append(
            f"Fewer than {p.learning.min_priors} earlier {method} {case.use} tunnels have a "
            f"tunnel-scope outturn: the unit cost is learned from "
            + (
                f"every earlier {method} tunnel, rail and road ({len(cost.points)})."
                if cost.pool == "method"
                else f"every tunnel with one ({len(cost.points)}), whatever its method or use."
            )
        )
    generic = [b.name for b in case.geometry.bores if b.diameter_m is None]
    if generic:
        d = {b.name: bore_diameter_m(b, case.use, p) for b in case.geometry.bores}
        notes.append(
            "No diameter given for bore "
            + ", ".join(f"{n} (the generic {d[n]:g} m is assumed)" for n in generic)
            + ": its cost scales with the square of the diameter, its advance with the "
            "face-area law."
        )
    for r, law in sorted(laws.items()):
        if law.later:
            notes.append(
                f"Too few {r} drives were finished before {year}: the advance is learned from "
                f"{len(law.points)}, {law.later} of them finished after the decision."
            )
        elif len(law.points) < p.learning.min_priors:
            notes.append(
                f"The {r} advance is learned from only {len(law.points)} drive"
                f"{'s' if len(law.points) != 1 else ''} ({', '.join(law.names)}): every one "
                "recorded."
            )
    for b in case.geometry.bores:
        runs = [r for r, _ in _regimes(b)]
        if len(runs) > 1:
            notes.append(
                f"Bore {b.name} changes method along its span ({' then '.join(runs)}): each "
                "of its headings waits for the machine it starts with (manufacture or "
                "mobilisation, launch); a later method's machine is taken as ready when the "
                "heading reaches it."
            )
    for name, km in _route_ends(case):
        notes.append(
            f"No attack point at the route's {'start' if km == 0.0 else 'end'} ({km:g} km): "
            f"a point that launches nothing ({name}) stands there, for the headings that "
            "drive to it."
        )
    if case.reference_row == SYSTEMS_REFERENCE:
        notes.append(
            "Not blind: the generic systems installation rate and commissioning time derive "
            "from this very tunnel's outcome (the Gotthard Base Tunnel, opened 2016)."
        )
    elif year < SYSTEMS_REFERENCE_YEAR:
        notes.append(
            "The generic systems installation rate and commissioning time derive from the "
            "Gotthard Base Tunnel (opened 2016)."
        )
    small = [
        f"the {what} from only {len(law.points)} ({', '.join(law.names)})"
        for what, law in (("unit cost", cost), *((f"{r} advance", v) for r, v in laws.items()))
        if law.pool != "all" and len(law.points) == p.learning.min_priors
    ]
    if small:
        notes.append(
            f"Learned from the fewest its class allows ({p.learning.min_priors}): "
            + "; ".join(small)
            + ". One tunnel more or less in the pool moves it most."
        )
    if reuse is not None:
        short = reuse.machines - (case.geometry.tbm_count or 0)
        notes.append(
            f"Machines reused: tbm_count {case.geometry.tbm_count} for {reuse.headings} TBM "
            f"headings; {REUSE_RULE}; each move takes as long as a launch (assumed)."
            + (
                f" Only {reuse.headings - reuse.machines} headings can follow another bore's "
                f"drive so: modelled with {reuse.machines} machines ({short} more than "
                "tbm_count; the model reuses a machine only from another bore)."
                if short
                else ""
            )
        )
    unused = _unused_fields(case, reuse is not None)
    if unused:
        notes.append(f"{UNUSED_NOTE}{'; '.join(unused)}.")  # keep it the last note
    return notes


def _unused_fields(case: Case, reused: bool) -> list[str]:
    """Return the case fields given that the blind compile does not read."""
    out = []
    g = case.ground
    if g is not None:
        given = [
            k
            for k in (
                "hard_rock_share",
                "fractured_share",
                "fault_share",
                "soft_share",
                "max_overburden_m",
                "max_water_pressure_bar",
            )
            if getattr(g, k) is not None
        ]
        out.append("ground" + (f" ({', '.join(given)})" if given else ""))
    areas = [b.name for b in case.geometry.bores if b.area_m2 is not None]
    if areas:
        out.append(f"area_m2 of bore {', '.join(areas)}{UNUSED_WHY['area']}")
    given = [
        k
        for k in ("tbm_count", "machines_reused", "reuse_rule")
        if getattr(case.geometry, k) is not None
    ]
    if given and not reused:
        out.append(
            f"geometry.{', '.join(given[:-1])}{' and ' if len(given) > 1 else ''}{given[-1]}"
            + UNUSED_WHY["reuse"]
        )
    return out


END_TOLERANCE_KM = 0.001
"""An attack point closer than this to an end of the route stands at that end."""


def _route_ends(case: Case) -> list[tuple[str, float]]:
    """(name, chainage) of the points without headings the compile adds at the route's ends.

    A route whose first attack point is past chainage 0, or whose last is short of the
    route's end, gets a point there that launches nothing, so a heading can drive to it.
    """
    g = case.geometry
    names = {a.name for a in g.attack_points}
    chain = [a.chainage_km for a in g.attack_points]
    out = []
    if min(chain) > END_TOLERANCE_KM:
        out.append((_free("route-start", names), 0.0))
    if max(chain) < g.route_length_km - END_TOLERANCE_KM:
        out.append((_free("route-end", names), g.route_length_km))
    return out


def _free(name: str, taken: set[str]) -> str:
    """Return ``name``, or ``name-2``, ``name-3`` ... if it is taken."""
    k, out = 1, name
    while out in taken:
        k += 1
        out = f"{name}-{k}"
    return out


def _attack_points(case: Case, p: BlindPriors) -> list[dict[str, Any]]:
    sched = p.schedule
    ends = [
        {
            "name": name,
            "kind": "portal",
            "chainage_km": km,
            "headings": [],
            "source": "the route's end as the case gives it (route_length_km); no attack point "
            "is recorded there",
            "marine_works_days": _dist(0.0) | {"source": "a blind hindcast has no marine works"},
            "site_works_months": _dist(0.0) | {"source": "launches nothing"},
            "site_cost_usd_m": _dist(0.0) | {"source": "launches nothing"},
            "overhead_usd_m_per_year": _dist(0.0) | {"source": "launches nothing"},
        }
        for name, km in _route_ends(case)
    ]
    points = [
        {
            "name": a.name,
            "kind": "shaft" if a.kind == "adit" else a.kind,
            "chainage_km": a.chainage_km,
            "headings": a.directions,
            "source": a.source,
            "unverified": a.unverified,
            "note": a.note,
            "marine_works_days": _dist(0.0) | {"source": "a blind hindcast has no marine works"},
            "site_works_months": dict(
                sched.site_works_months if a.kind == "portal" else sched.access_months
            )
            | {"source": GENERIC},
            "site_cost_usd_m": _dist(0.0) | {"source": "inside the learned all-in rate"},
            "overhead_usd_m_per_year": _dist(0.0)
            | {"source": "inside the learned rate per heading-day"},
        }
        for a in case.geometry.attack_points
    ]
    return sorted([*ends, *points], key=lambda a: float(a["chainage_km"]))


def _machines(
    classes: Sequence[str], regimes: Sequence[str], laws: dict[str, Law], p: BlindPriors
) -> list[Any]:
    """One machine per regime any bore drives in, each at its own learned law in every class."""
    s = p.schedule
    ref = p.learning.reference_diameter_m
    util = {c: _dist(1.0) | {"source": "a calendar average includes every stop"} for c in classes}
    out = []
    for r in regimes:
        tbm = r != "drill-and-blast"
        rate = _dist(laws[r].median / 24.0) | {
            "source": f"learned whole-drive average: {', '.join(laws[r].names)}"
        }
        out.append(
            {
                "name": r,
                "kind": "TBM" if tbm else "drill-and-blast or NATM faces",
                "reference_diameter_m": ref,
                "source": GENERIC,
                "regime": r,
                "penetration_m_per_h": {c: rate for c in classes},
                "utilisation": util,
                "manufacture_months": dict(
                    s.tbm_manufacture_months if tbm else s.dnb_mobilisation_months
                )
                | {"source": GENERIC},
                "shipping_days": _dist(0.0) | {"source": "delivery inside manufacture"},
                "launch_months": (dict(s.tbm_launch_months) if tbm else _dist(0.0))
                | {"source": GENERIC},
                "learning_days": _dist(0.0)
                | {"source": "a whole-drive average includes the start-up"},
                "learning_initial_efficiency": _dist(1.0)
                | {"source": "a whole-drive average includes the start-up"},
            }
        )
    return out


def compile_case(case: Case, cases: Sequence[Case] | None = None) -> Compiled:
    """Compile one case into a blind hindcast scenario document.

    Parameters
    ----------
    case : Case
        The finished tunnel.
    cases : sequence of Case, optional
        The pool of finished tunnels to learn from (default: the shipped cases); ``case``
        itself is always left out.

    Returns
    -------
    Compiled
        The document, the laws learned and what the hindcast is scored against.
    """
    p = blind_priors()
    g = case.geometry
    route = g.route_length_km
    zones = _zones(case)
    regimes = sorted({z.regime for z in zones})
    used = sorted({r for z in zones for r in z.own.values()} | {_machine(b) for b in g.bores})
    laws = {r: advance_law(case, r, cases) for r in used}
    cost = unit_cost_law(case, cases)
    ref = p.learning.reference_diameter_m

    # --- money: the all-in rate split over the model's elements (2025 USD m)
    eq_km = sum(_span_km(b, route) * (bore_diameter_m(b, case.use, p) / ref) ** 2 for b in g.bores)
    all_in = cost.median * eq_km
    owner = float(p.owner.fraction.get("mode", 0.125))
    base = all_in / (1.0 + owner)
    out_scope = case.outturn.scope if case.outturn is not None else "tunnel"
    systems = 0.0 if out_scope == "tunnel-civil" else base * p.scope.systems_share
    civil = base * (1.0 - p.scope.systems_share)
    time_part = civil * p.scope.civil_share_of_time
    heading_days = _heading_days(case, zones, laws, p)
    reuse = _reuse(case, p)
    track_km = sum(_span_km(b, route) for b in g.bores if b.role in ("running", "road"))
    rate_src = (
        f"learned all-in rate {cost.median:.1f} USD m (2025) per equivalent {ref:g} m bore-km "
        f"from {', '.join(cost.names)}; split by {GENERIC}"
    )
    bores = []
    for b in g.bores:
        d = bore_diameter_m(b, case.use, p)
        lo, hi = _span(b, route)
        bore: dict[str, Any] = {
            "name": b.name,
            "role": "service" if b.role in ("service", "pilot") else "running",
            "diameter_m": d,
            "machine": _machine(b),
            "cost_reference_diameter_m": ref,
            "source": b.source,
            "unverified": b.unverified,
            "assumed": b.assumed or b.diameter_m is None,
            "unit_cost_usd_m_per_km": _dist((civil - time_part) / eq_km) | {"source": rate_src},
            "machine_cost_usd_m": _dist(0.0) | {"source": "inside the learned all-in rate"},
            "heading_cost_usd_m_per_day": _dist(time_part / heading_days)
            | {"source": rate_src, "note": f"over {heading_days:.0f} planned heading-days"},
            "performance_factor": dict(p.schedule.performance_factor) | {"source": GENERIC},
        }
        if b.from_km is not None:
            bore["from_km"] = lo
        if hi < route:
            bore["to_km"] = hi
        stops = _stops(case, b)
        if stops:
            bore["stops"] = stops
        if reuse is not None and b.name in reuse.by_bore:
            bore["reuse"] = reuse.by_bore[b.name]
        bores.append(bore)

    sched = p.schedule
    doc: dict[str, Any] = {
        "schema_version": 1,
        "name": case.name,
        "title": f"Blind hindcast: {case.title}, as known at the {case.decision.year} decision",
        "description": case.note or case.title,
        "currency": "USD",
        "price_base_year": PRICE_BASE_YEAR,
        "claims": [],
        "route": {"attack_points": _attack_points(case, p)},
        "geology": {
            "classes": [
                {"name": r, "description": f"driven {r}", "source": GENERIC} for r in regimes
            ],
            "zones": [_zone_doc(i, z) for i, z in enumerate(zones)],
        },
        "construction": {
            "start_day_of_year": float(case.start.date.timetuple().tm_yday - 1),
            "marine_season": {
                "open_day_of_year": 0.0,
                "close_day_of_year": 366.0,
                "source": "no marine season in a blind hindcast",
            },
            "advance_envelope": {
                "regime": {r: r for r in regimes},
                "area_exponent": dict(sched.area_exponent) | {"source": GENERIC},
                "source": "data/drive_averages.toml (caps use every drive, later ones too)",
            },
            "machines": _machines(regimes, used, laws, p),
            "bores": bores,
            "cross_passages": {
                "spacing_m": sched.cross_passage_spacing_m,
                "cost_usd_m_each": _dist(0.0) | {"source": "inside the learned all-in rate"},
                "months_after_breakthrough": dict(sched.months_after_breakthrough)
                | {"source": GENERIC},
                "source": GENERIC,
            },
            "fitout": {
                "usd_m_per_track_km": _dist(systems / track_km) | {"source": rate_src},
                "fixed_usd_m": _dist(0.0) | {"source": "inside the rate per track-km"},
                "track_km_per_month_per_front": dict(sched.track_km_per_month_per_front)
                | {"source": GENERIC},
                "integration_months": dict(sched.integration_months) | {"source": GENERIC},
                "commissioning_months": dict(sched.commissioning_months) | {"source": GENERIC},
                "source": rate_src,
            },
            "arctic": {
                k: _dist(1.0) | {"source": "no Arctic factors in a hindcast"}
                for k in ("labour_cost_factor", "materials_cost_factor", "surface_productivity")
            },
            "owner_cost_fraction": dict(p.owner.fraction)
            | {"source": p.owner.source, "unverified": p.owner.unverified},
        },
    }
    _check(case, doc)
    return Compiled(
        case=case,
        document=doc,
        unit_cost=cost,
        advance=laws,
        actual_cost_usd_bn=_actual_cost(case),
        actual_duration_years=case.actual_duration_years,
        estimate_usd_bn=_estimate(case),
        programme_years=_programme_years(case),
        notes=_notes(case, cost, laws, p, reuse),
    )


def _zone_doc(i: int, zone: _Zone) -> dict[str, Any]:
    """Return a zone of the document: its class, forced on every bore not driven otherwise."""
    r, a, z = zone.regime, zone.start, zone.end
    doc: dict[str, Any] = {
        "name": f"z{i + 1}-{r}",
        "from_km": a,
        "to_km": z,
        "share": {r: 1.0},
        "mean_run_m": {r: max(10.0, (z - a) * 1000.0)},
        "machine": r,
        "source": zone.lead.source,
    }
    other = {name: own for name, own in zone.own.items() if own != r}
    if other:
        doc["machines"] = other
    return doc


def _check(case: Case, doc: dict[str, Any]) -> None:
    """Validate the compiled scenario; a fault is reported on the case's own field.

    A stretch of the route that no bore runs through is refused first.

    Raises
    ------
    ScenarioError
        Naming ``cases.<case>.geometry...`` (the bore, or the attack point's headings for a
        stop), the value and what is allowed; never a compiled field alone.
    """
    route = case.geometry.route_length_km
    at = 0.0
    for lo, hi in sorted(_span(b, route) for b in case.geometry.bores):
        if lo > at + END_TOLERANCE_KM:
            break
        at = max(at, hi)
    else:
        lo = route
    if at < route - END_TOLERANCE_KM:
        raise ScenarioError(
            f"cases.{case.name}.geometry.bores",
            f"no bore from {at:g} to {lo:g} km",
            f"bores that together run the whole route (route_length_km {route:g}; a bore "
            "runs from its from_km, else from chainage 0, for its length_km)",
        )
    try:
        compile_construction(validate_document(doc))
    except ScenarioError as exc:
        raise _case_error(case, doc, exc) from None


def _case_error(case: Case, doc: dict[str, Any], exc: ScenarioError) -> ScenarioError:
    """Restate an error of the compiled document on the case field it comes from."""
    at = f"cases.{case.name}.geometry"
    parts = exc.field.split(".")
    allowed = f"{exc.allowed} (compiled as {exc.field})"
    if parts[0] == "route":
        return ScenarioError(f"{at}.attack_points", exc.value, allowed)
    if parts[:2] != ["construction", "bores"] or len(parts) < 3:
        return ScenarioError(at, exc.value, allowed)
    bore = parts[2]
    rest = parts[3:]
    if rest[:1] == ["stops"] and len(rest) >= 2 and rest[1].isdigit():
        stops = next(b for b in doc["construction"]["bores"] if b["name"] == bore)["stops"]
        point = str(stops[int(rest[1])]["heading"]).split(":")[0]
        return ScenarioError(f"{at}.attack_points.{point}.headings", exc.value, allowed)
    if rest[:1] == ["machine"]:
        return ScenarioError(f"{at}.bores.{bore}.segments", exc.value, allowed)
    tail = "" if not rest or rest[0] not in ("from_km", "to_km") else ".from_km"
    return ScenarioError(f"{at}.bores.{bore}{tail}", _in_span(case, bore, exc), allowed)


def _in_span(case: Case, name: str, exc: ScenarioError) -> object:
    """Return the value of a bore's error, a stretch ``'a to b km'`` cut to the bore's span."""
    bore = next((b for b in case.geometry.bores if b.name == name), None)
    words = str(exc.value).split()
    if bore is None or len(words) != 4 or words[1::2] != ["to", "km"]:
        return exc.value
    try:
        a, z = float(words[0]), float(words[2])
    except ValueError:
        return exc.value
    lo, hi = _span(bore, case.geometry.route_length_km)
    a, z = max(a, lo), min(z, hi)
    if (a, z) == (lo, hi):
        return f"{a:g} to {z:g} km (the bore's whole span)"
    return f"{a:g} to {z:g} km of the bore's span {lo:g} to {hi:g} km"


def _actual_cost(case: Case) -> float | None:
    out = case.outturn
    if out is None or out.scope not in UNIT_SCOPES:
        return None
    return usd_bn(out, case.start.date, case.opening.date)


def _estimate(case: Case) -> float | None:
    est, out = case.estimate, case.outturn
    if est is None or out is None or out.scope not in UNIT_SCOPES:
        return None
    same = est.scope == out.scope or {est.scope, out.scope} <= ALL_IN_SCOPES
    return usd_bn(est, case.start.date, case.opening.date) if same else None


def _programme_years(case: Case) -> float | None:
    pr = case.programme
    if pr is None or pr.stated > case.start.date:
        return None
    return case.planned_duration_years


__all__ = ["UNUSED_NOTE", "UNUSED_WHY", "Compiled", "compile_case"]
