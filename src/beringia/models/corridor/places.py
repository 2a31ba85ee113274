"""Places where a box starts or ends, their access legs, and the default route pairs.

A place reaches the rail corridor at a network node (``rail_node``, possibly through a
``rail_access`` leg such as a feeder ship) and the sea at one or more ports shipped in
``ocean.toml`` (each through an access leg by truck or rail, zero when the place is the port).
The built-in places and route pairs are shipped as ``beringia/data/places.toml``; a scenario may
edit them with :func:`merge_places`. Parsing only: the model that samples these lives elsewhere,
and checking ``rail_node`` against a network is left to the caller (the network is a scenario
input too).
"""

from __future__ import annotations

import copy
import dataclasses
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, get_args

from beringia.errors import ScenarioError
from beringia.models.corridor import ocean
from beringia.models.corridor.quantity import Quantity
from beringia.models.corridor.schema import (
    AccessTable,
    Flow,
    PlacesDoc,
    PlaceTable,
    RouteTable,
    quantity,
    row_label,
)
from beringia.tables.schema import Loc, allowed_names, check, read_table

FLOWS: tuple[str, ...] = get_args(Flow)
"""Market flow groups a route pair can stand for."""

_DATA_FILE = "places.toml"


@dataclass(frozen=True)
class Access:
    """A land or feeder leg: its time and cost per 40-ft container.

    Parameters
    ----------
    days : Quantity
        Door-to-terminal time of the leg, days.
    usd_per_feu : Quantity
        Cost per FEU, US dollars.
    source, unverified, assumed, note
        Provenance of the leg as a whole (each quantity carries its own too).
    """

    days: Quantity
    usd_per_feu: Quantity
    source: str = ""
    unverified: bool = False
    assumed: bool = False
    note: str = ""


@dataclass(frozen=True)
class PortAccess:
    """A port a place ships through, with the place <-> port leg.

    Parameters
    ----------
    port : str
        UN/LOCODE of a port shipped in ``ocean.toml`` (resolved from a code or a port name).
    access : Access
        The leg between the place and the port (zero when the place is the port). The port's
        own export and import dwell belong to the ocean leg, not to this one.
    """

    port: str
    access: Access


@dataclass(frozen=True)
class Place:
    """Where a box starts or ends.

    Parameters
    ----------
    name : str
        Unique name.
    rail_node : str
        The corridor network node the place reaches rail at (not checked against a network).
    rail_access : Access or None
        The leg from the place to ``rail_node`` when the place is not on the network.
    ports : tuple of PortAccess
        One or more ports, codes unique.
    source, unverified, assumed, note
        Provenance of the place as a whole.
    """

    name: str
    rail_node: str
    rail_access: Access | None
    ports: tuple[PortAccess, ...]
    source: str = ""
    unverified: bool = False
    assumed: bool = False
    note: str = ""

    @property
    def port_codes(self) -> tuple[str, ...]:
        """UN/LOCODEs of the place's ports, in data order."""
        return tuple(p.port for p in self.ports)

    def port(self, code: str) -> PortAccess:
        """Return the access to the port with UN/LOCODE ``code``.

        Raises
        ------
        ScenarioError
            If the place does not ship through that port.
        """
        for p in self.ports:
            if p.port == code:
                return p
        raise ScenarioError(
            "corridor.places.ports.port",
            code,
            f"place {self.name!r}: one of its ports {', '.join(self.port_codes)}",
        )


@dataclass(frozen=True)
class RoutePair:
    """An origin-destination pair of places and the market flow it stands for.

    Parameters
    ----------
    origin, destination : str
        Place names (different).
    flow : str
        One of :data:`FLOWS`.
    weight : float or None
        Share of the flow group's TEU the pair stands for: the origin's share of the flow times
        the destination's (``[[shares]]`` of ``places.toml``), or given with the pair. ``None``
        when no share is known; the plan refuses such a pair.
    """

    origin: str
    destination: str
    flow: str
    weight: float | None = None


# ----------------------------------------------------------------------------- parsing helpers


def _label(loc: Loc, doc: Any) -> str:
    """Name the place or route pair an error at ``loc`` of a places document belongs to."""
    if len(loc) < 2 or loc[0] not in ("places", "routes") or not isinstance(loc[1], int):
        return ""
    rows = doc.get(loc[0]) if isinstance(doc, Mapping) else None
    raw = rows[loc[1]] if isinstance(rows, list) and loc[1] < len(rows) else None
    if loc[0] == "places":
        return row_label("place", raw, loc[1])
    if isinstance(raw, Mapping):
        return f"route pair {raw.get('origin')!s} -> {raw.get('destination')!s}"
    return f"route pair {loc[1]}"


def _access(t: AccessTable) -> Access:
    return Access(
        days=quantity(t.days),
        usd_per_feu=quantity(t.usd_per_feu),
        source=t.source,
        unverified=t.unverified,
        assumed=t.assumed,
        note=t.note,
    )


def _port_code(v: str, field: str, what: str) -> str:
    try:
        return ocean.port(v, field).code
    except ScenarioError as exc:
        raise ScenarioError(exc.field, v, f"{what}: {exc.allowed}") from None


def _place(i: int, t: PlaceTable, field: str) -> Place:
    fp = f"{field}.places.{i}"
    what = f"place {t.name!r}"
    ports: list[PortAccess] = []
    for j, tp in enumerate(t.ports):
        code = _port_code(tp.port, f"{fp}.ports.{j}.port", what)
        if code in (p.port for p in ports):
            raise ScenarioError(f"{fp}.ports.{j}.port", tp.port, f"{what}: each port once ({code})")
        ports.append(PortAccess(port=code, access=_access(tp)))
    return Place(
        name=t.name,
        rail_node=t.rail_node,
        rail_access=None if t.rail_access is None else _access(t.rail_access),
        ports=tuple(ports),
        source=t.source,
        unverified=t.unverified,
        assumed=t.assumed,
        note=t.note,
    )


def _route(k: int, t: RouteTable, field: str, names: Sequence[str]) -> RoutePair:
    fr = f"{field}.routes.{k}"
    what = f"route pair {t.origin} -> {t.destination}"
    for key, v in (("origin", t.origin), ("destination", t.destination)):
        if v not in names:
            raise ScenarioError(f"{fr}.{key}", v, f"{what}: {allowed_names(v, names, 'a place')}")
    if t.origin == t.destination:
        raise ScenarioError(
            f"{fr}.destination", t.destination, f"{what}: a place other than the origin"
        )
    return RoutePair(origin=t.origin, destination=t.destination, flow=t.flow)


SHARE_TOLERANCE = 1e-9
"""Slack on the sum of a flow's shares at one end (rounding of the data)."""


def _shares(
    parsed: PlacesDoc, field: str, names: Sequence[str]
) -> dict[tuple[str, str, str], float]:
    """Return ``(flow, end, place) -> share``; each end's shares of a flow sum to at most 1."""
    out: dict[tuple[str, str, str], float] = {}
    for i, t in enumerate(parsed.shares):
        fs = f"{field}.shares.{i}"
        if t.place not in names:
            raise ScenarioError(
                f"{fs}.place",
                t.place,
                f"share of {t.flow}: {allowed_names(t.place, names, 'a place')}",
            )
        key = (t.flow, t.end, t.place)
        if key in out:
            raise ScenarioError(
                f"{fs}.place", t.place, f"one {t.end} share per place and flow ({t.flow})"
            )
        out[key] = t.share
        total = sum(v for (f, e, _), v in out.items() if (f, e) == (t.flow, t.end))
        if total > 1.0 + SHARE_TOLERANCE:
            raise ScenarioError(
                f"{fs}.share",
                t.share,
                f"{t.end} shares of flow {t.flow} summing to at most 1 (now {total:.4g})",
            )
    return out


def pair_weight(
    shares: Mapping[tuple[str, str, str], float], flow: str, origin: str, destination: str
) -> float | None:
    """Return the origin's share of ``flow`` times the destination's, or ``None`` if unknown.

    The product assumes a flow's origins and destinations independent (each origin ships to
    the destinations in the proportions of the whole flow).
    """
    o = shares.get((flow, "origin", origin))
    d = shares.get((flow, "destination", destination))
    return None if o is None or d is None else o * d


# ----------------------------------------------------------------------------- public API


def parse_places(
    doc: Mapping[str, Any], field: str = "corridor"
) -> tuple[dict[str, Place], tuple[RoutePair, ...]]:
    """Validate a places document (the layout of ``beringia/data/places.toml``).

    Parameters
    ----------
    doc : mapping
        A parsed document with a non-empty ``places`` array of tables and an optional
        ``routes`` array of tables.
    field : str
        Prefix of the field paths in errors (``corridor`` gives ``corridor.places.3.ports.0.port``).

    Returns
    -------
    places : dict of str to Place
        Places by name, in data order.
    routes : tuple of RoutePair
        Route pairs in data order (empty when the document has none).

    Raises
    ------
    ScenarioError
        Naming the field and the place: an unknown key, a missing or empty name or rail node, a
        place with no ports, a port not shipped in ``ocean.toml`` (the allowed codes are
        listed), a bad distribution, a duplicate place name or port, a route pair with an
        unknown place (close names offered), the same origin and destination, an unknown flow
        or a repeated pair.
    """
    parsed = check(PlacesDoc, doc, field, lambda loc: _label(loc, doc))
    places: dict[str, Place] = {}
    first: dict[str, int] = {}
    for i, row in enumerate(parsed.places):
        p = _place(i, row, field)
        if p.name in first:
            raise ScenarioError(
                f"{field}.places.{i}.name",
                p.name,
                f"unique place names; place {first[p.name]} is already called {p.name!r}",
            )
        first[p.name] = i
        places[p.name] = p
    names = tuple(places)
    routes: list[RoutePair] = []
    seen: dict[tuple[str, str], int] = {}
    for k, pair in enumerate(parsed.routes):
        r = _route(k, pair, field, names)
        key = (r.origin, r.destination)
        if key in seen:
            raise ScenarioError(
                f"{field}.routes.{k}",
                f"{r.origin} -> {r.destination}",
                f"each origin-destination pair once; route pair {seen[key]} is the same",
            )
        seen[key] = k
        routes.append(r)
    shares = _shares(parsed, field, names)
    weighted = tuple(
        dataclasses.replace(r, weight=pair_weight(shares, r.flow, r.origin, r.destination))
        for r in routes
    )
    return places, weighted


def shipped_doc() -> dict[str, Any]:
    """Return a fresh copy of the parsed ``places.toml`` document (the base for edits)."""
    return copy.deepcopy(_shipped_doc())


@functools.cache
def _shipped_doc() -> dict[str, Any]:
    return read_table(_DATA_FILE)


@functools.cache
def _shipped() -> tuple[tuple[tuple[str, Place], ...], tuple[RoutePair, ...]]:
    places, routes = parse_places(_shipped_doc())
    return tuple(places.items()), routes


def load_places() -> tuple[dict[str, Place], tuple[RoutePair, ...]]:
    """Load the shipped places and default route pairs (parsed once, cached).

    Returns
    -------
    places : dict of str to Place
        A new dict on every call (the places themselves are frozen).
    routes : tuple of RoutePair
        The default route pairs.
    """
    items, routes = _shipped()
    return dict(items), routes


def merge_places(base: Mapping[str, Any], edits: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Apply scenario edits (``corridor.places``) to a places document.

    Parameters
    ----------
    base : mapping
        A places document (e.g. :func:`shipped_doc`); not modified.
    edits : sequence of mapping
        Place tables. Each replaces the place of the same name wholesale (keeping its position),
        or is appended when the name is new.

    Returns
    -------
    dict
        A new document (deep copies), to be validated with :func:`parse_places`.

    Raises
    ------
    ScenarioError
        If an edit is not a table with a non-empty string ``name``, if two edits name the same
        place, or if ``base`` has no ``places`` array.
    """
    out = copy.deepcopy(dict(base))
    places = out.get("places")
    if not isinstance(places, list):
        raise ScenarioError("corridor.places", places, "a base document with a 'places' array")
    index = {
        p["name"]: i
        for i, p in enumerate(places)
        if isinstance(p, Mapping) and isinstance(p.get("name"), str)
    }
    edited: set[str] = set()
    for k, edit in enumerate(edits):
        field = f"corridor.places.{k}"
        if not isinstance(edit, Mapping):
            raise ScenarioError(field, edit, "a place table")
        name = edit.get("name")
        if not isinstance(name, str) or not name.strip():
            shown = "missing" if name is None else name
            raise ScenarioError(f"{field}.name", shown, "a place table with a non-empty name")
        if name in edited:
            raise ScenarioError(f"{field}.name", name, "each place edited once")
        edited.add(name)
        table = copy.deepcopy(dict(edit))
        if name in index:
            places[index[name]] = table
        else:
            index[name] = len(places)
            places.append(table)
    return out
