"""The intercontinental rail corridor as a network of nodes and segments.

The built-in network is shipped as ``beringia/data/corridor.toml``; a scenario may replace it
with its own parsed document of the same shape (``nodes`` and ``segments`` arrays of tables).
Everything here is deterministic: uncertain dwell times enter routes as their means, and the
caller samples them.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, TypedDict, get_args

import networkx as nx

from beringia.errors import ScenarioError
from beringia.models.corridor.quantity import Quantity
from beringia.models.corridor.schema import (
    Kind,
    NetworkDoc,
    NodeTable,
    SegmentTable,
    Status,
    Terrain,
    quantity,
    row_label,
)
from beringia.tables.schema import Loc, allowed_names, check, read_table

KINDS: tuple[str, ...] = get_args(Kind)
"""Allowed node kinds."""
STATUSES: tuple[str, ...] = get_args(Status)
"""Allowed segment statuses (``new`` is new build)."""
TERRAINS: tuple[str, ...] = get_args(Terrain)
"""Allowed segment terrains (``subsea`` is the strait tunnel)."""
WEIGHTS = ("time", "distance")
"""What :func:`route` minimises."""

_PREFIX = "corridor"


@dataclass(frozen=True)
class Node:
    """A place on the network.

    Parameters
    ----------
    name : str
        Unique name.
    kind : str
        One of :data:`KINDS`.
    country : str
        ISO 3166 alpha-2 code.
    lat, lon : float
        WGS84 degrees.
    dwell_h : Quantity or None
        Dwell of a train passing the node (border and gauge-break points), hours.
    transshipment_usd_per_feu : Quantity or None
        Transshipment cost per FEU at a gauge break, where sourced.
    source, unverified, assumed, note
        Provenance of the node's position and attributes.
    """

    name: str
    kind: str
    country: str
    lat: float
    lon: float
    dwell_h: Quantity | None = None
    transshipment_usd_per_feu: Quantity | None = None
    source: str = ""
    unverified: bool = False
    assumed: bool = False
    note: str = ""

    @property
    def mean_dwell_h(self) -> float:
        """Mean dwell in hours (zero without a dwell)."""
        return 0.0 if self.dwell_h is None else self.dwell_h.mean


@dataclass(frozen=True)
class Segment:
    """An undirected rail link between two nodes.

    Parameters
    ----------
    name : str
        Display name (``"A – B"`` unless the data gives one).
    start, end : str
        Node names (``from`` and ``to`` in the data).
    length_km : float
        Route length.
    status : str
        One of :data:`STATUSES`.
    gauge_mm : int
        Track gauge.
    electrified : bool
        Whether the line is electrified.
    line_speed_kmh : float
        Average freight running speed.
    commercial : bool
        ``True`` when ``line_speed_kmh`` is already a commercial speed (stops, meets and crew
        changes included, as in a published end-to-end schedule): the corridor's commercial
        speed factor is then not applied to it.
    terrain : str
        One of :data:`TERRAINS`.
    country : str
        ISO code, or two joined by ``-`` for a cross-border segment.
    bridge_km : float
        Length of major river crossings within the segment (priced as ``bridge``, not as its
        terrain, when the segment is new).
    source, unverified, assumed, note
        Provenance.
    """

    name: str
    start: str
    end: str
    length_km: float
    status: str
    gauge_mm: int
    electrified: bool
    line_speed_kmh: float
    terrain: str
    country: str
    commercial: bool = False
    bridge_km: float = 0.0
    source: str = ""
    unverified: bool = False
    assumed: bool = False
    note: str = ""

    def running_h(self, speed_factor: float = 1.0) -> float:
        """Return the running time in hours at ``speed_factor`` times the line speed.

        The factor is not applied to a segment whose speed is already commercial.
        """
        factor = 1.0 if self.commercial else speed_factor
        return self.length_km / (self.line_speed_kmh * factor)

    def other(self, name: str) -> str:
        """Return the node at the other end from ``name``."""
        return self.end if name == self.start else self.start


@dataclass(frozen=True)
class Network:
    """A validated, connected corridor network.

    Parameters
    ----------
    nodes : tuple of Node
        Nodes, names unique.
    segments : tuple of Segment
        Segments between known nodes, at most one per node pair.
    """

    nodes: tuple[Node, ...]
    segments: tuple[Segment, ...]

    @property
    def names(self) -> tuple[str, ...]:
        """Node names in data order."""
        return tuple(n.name for n in self.nodes)

    def node(self, name: str) -> Node:
        """Return the node called ``name``.

        Raises
        ------
        ScenarioError
            If there is no such node.
        """
        for n in self.nodes:
            if n.name == name:
                return n
        raise ScenarioError(
            f"{_PREFIX}.nodes", name, allowed_names(name, self.names, "a node of the network")
        )

    def segment(self, a: str, b: str) -> Segment:
        """Return the segment between nodes ``a`` and ``b`` (either order).

        Raises
        ------
        ScenarioError
            If no segment joins them.
        """
        for s in self.segments:
            if {s.start, s.end} == {a, b}:
                return s
        raise ScenarioError(
            f"{_PREFIX}.segments", f"{a} – {b}", "a pair of nodes joined by a segment"
        )


@dataclass(frozen=True)
class RouteResult:
    """A route through the network with point estimates of its time.

    Parameters
    ----------
    origin, destination : str
        End nodes.
    weight : str
        What was minimised (``time`` or ``distance``).
    nodes : tuple of str
        Node names along the path, origin first.
    segments : tuple of Segment
        Segments along the path.
    distance_km : float
        Route length.
    running_h : float
        Sum of length / (line speed x speed factor).
    dwell_h : float
        Sum of the mean dwell at the intermediate nodes passed.
    dwell_nodes : tuple of str
        Intermediate nodes with a dwell (non-zero or not).
    gauge_breaks : int
        Number of intermediate nodes where the gauge changes.
    gauge_break_nodes : tuple of str
        Those nodes.
    new_build_km, upgrade_km : float
        Length on the path of status ``new`` and ``upgrade``.
    """

    origin: str
    destination: str
    weight: str
    nodes: tuple[str, ...]
    segments: tuple[Segment, ...]
    distance_km: float
    running_h: float
    dwell_h: float
    dwell_nodes: tuple[str, ...]
    gauge_breaks: int
    gauge_break_nodes: tuple[str, ...]
    new_build_km: float
    upgrade_km: float

    @property
    def total_h(self) -> float:
        """Running plus dwell hours."""
        return self.running_h + self.dwell_h

    @property
    def transit_days(self) -> float:
        """Running plus dwell, in days."""
        return self.total_h / 24.0


class NewBuild(TypedDict):
    """Network length by country, terrain and status (see :func:`new_build`)."""

    by_group: dict[tuple[str, str, str], float]
    by_status: dict[str, float]
    new_by_country: dict[str, float]
    new_by_terrain: dict[str, float]
    total_km: float
    new_km: float
    upgrade_km: float
    existing_km: float


# ------------------------------------------------------------------------------- loading


def _label(loc: Loc, doc: Any) -> str:
    """Name the node or segment an error at ``loc`` of a network document belongs to."""
    if len(loc) < 2 or loc[0] not in ("nodes", "segments") or not isinstance(loc[1], int):
        return ""
    rows = doc.get(loc[0]) if isinstance(doc, Mapping) else None
    raw = rows[loc[1]] if isinstance(rows, list) and loc[1] < len(rows) else None
    if loc[0] == "nodes":
        return row_label("node", raw, loc[1])
    if isinstance(raw, Mapping):
        label = raw.get("name") or f"{raw.get('from')} – {raw.get('to')}"
        return f"segment {str(label)!r}"
    return f"segment {loc[1]}"


def _node(t: NodeTable) -> Node:
    return Node(
        name=t.name,
        kind=t.kind,
        country=t.country,
        lat=t.lat,
        lon=t.lon,
        dwell_h=None if t.dwell_h is None else quantity(t.dwell_h),
        transshipment_usd_per_feu=(
            None if t.transshipment_usd_per_feu is None else quantity(t.transshipment_usd_per_feu)
        ),
        source=t.source,
        unverified=t.unverified,
        assumed=t.assumed,
        note=t.note,
    )


def _segment(i: int, t: SegmentTable, names: Sequence[str]) -> Segment:
    field = f"{_PREFIX}.segments.{i}"
    label = t.name or f"{t.start} – {t.end}"
    what = f"segment {label!r}"
    for key, v in (("from", t.start), ("to", t.end)):
        if v not in names:
            raise ScenarioError(
                f"{field}.{key}", v, f"{what}: {allowed_names(v, names, 'a node of the network')}"
            )
    if t.start == t.end:
        raise ScenarioError(f"{field}.to", t.end, f"{what}: a node other than 'from'")
    if t.bridge_km > t.length_km:
        raise ScenarioError(
            f"{field}.bridge_km",
            t.bridge_km,
            f"{what}: at most the segment's length_km ({t.length_km:g})",
        )
    return Segment(
        name=label,
        start=t.start,
        end=t.end,
        length_km=t.length_km,
        status=t.status,
        gauge_mm=t.gauge_mm,
        electrified=t.electrified,
        line_speed_kmh=t.line_speed_kmh,
        terrain=t.terrain,
        country=t.country,
        commercial=t.commercial,
        bridge_km=t.bridge_km,
        source=t.source,
        unverified=t.unverified,
        assumed=t.assumed,
        note=t.note,
    )


def _check_topology(net: Network) -> None:
    """Raise if segments repeat a node pair, gauges meet off a gauge break, or parts are cut off."""
    seen: dict[frozenset[str], int] = {}
    for i, s in enumerate(net.segments):
        pair = frozenset((s.start, s.end))
        if pair in seen:
            raise ScenarioError(
                f"{_PREFIX}.segments.{i}",
                s.name,
                f"at most one segment per pair of nodes; segment {seen[pair]} already joins "
                f"{net.segments[seen[pair]].start!r} and {net.segments[seen[pair]].end!r}",
            )
        seen[pair] = i
    index = {n.name: i for i, n in enumerate(net.nodes)}
    gauges: dict[str, set[int]] = {n.name: set() for n in net.nodes}
    for s in net.segments:
        gauges[s.start].add(s.gauge_mm)
        gauges[s.end].add(s.gauge_mm)
    for n in net.nodes:
        if len(gauges[n.name]) > 1 and n.kind != "gauge_break":
            raise ScenarioError(
                f"{_PREFIX}.nodes.{index[n.name]}.kind",
                n.kind,
                f"node {n.name!r}: segments of gauges "
                f"{', '.join(str(g) for g in sorted(gauges[n.name]))} mm meet here, so its kind "
                "must be 'gauge_break' (with a dwell_h)",
            )
        if n.kind == "gauge_break" and n.dwell_h is None:
            raise ScenarioError(
                f"{_PREFIX}.nodes.{index[n.name]}.dwell_h",
                "missing",
                f"node {n.name!r}: a gauge-break node needs a dwell_h distribution (hours)",
            )
    g = graph(net)
    parts = sorted(nx.connected_components(g), key=lambda c: (-len(c), min(index[x] for x in c)))
    if len(parts) > 1:
        main = min(parts[0], key=lambda x: index[x])
        cut = sorted((x for part in parts[1:] for x in part), key=lambda x: index[x])
        shown = ", ".join(repr(x) for x in cut[:10]) + (" ..." if len(cut) > 10 else "")
        raise ScenarioError(
            f"{_PREFIX}.nodes.{index[cut[0]]}",
            cut[0],
            f"a connected network; {len(parts)} components: {len(cut)} node(s) unreachable "
            f"from {main!r}: {shown}",
        )


@cache
def shipped_doc() -> dict[str, Any]:
    """Return the parsed ``data/corridor.toml`` (cached; do not modify it)."""
    return read_table("corridor.toml")


def load_network(doc: Mapping[str, Any] | None = None) -> Network:
    """Load and validate a corridor network.

    Parameters
    ----------
    doc : mapping, optional
        A parsed document with ``nodes`` and ``segments`` arrays of tables (the layout of
        ``beringia/data/corridor.toml``). The shipped network when omitted.

    Returns
    -------
    Network
        The validated, connected network.

    Raises
    ------
    ScenarioError
        Naming the node or segment at fault: a missing or non-positive length or speed, a
        segment to an unknown node, duplicate node names, an unknown kind, status or terrain,
        differing gauges meeting at a node that is not a gauge break, or a disconnected network.
    """
    if doc is None:
        doc = shipped_doc()
    raw = doc
    parsed = check(NetworkDoc, raw, _PREFIX, lambda loc: _label(loc, raw))
    nodes = tuple(_node(t) for t in parsed.nodes)
    first: dict[str, int] = {}
    for i, n in enumerate(nodes):
        if n.name in first:
            raise ScenarioError(
                f"{_PREFIX}.nodes.{i}.name",
                n.name,
                f"unique node names; node {first[n.name]} is already called {n.name!r}",
            )
        first[n.name] = i
    names = tuple(first)
    segments = tuple(_segment(i, t, names) for i, t in enumerate(parsed.segments))
    net = Network(nodes=nodes, segments=segments)
    _check_topology(net)
    return net


# ------------------------------------------------------------------------------- queries


def graph(network: Network) -> nx.Graph:
    """Build the undirected networkx graph of ``network``.

    Node attributes: ``kind``, ``country``, ``lat``, ``lon``, ``dwell_h`` (mean hours),
    ``node`` (the :class:`Node`). Edge attributes: ``name``, ``length_km``, ``status``,
    ``gauge_mm``, ``electrified``, ``line_speed_kmh``, ``terrain``, ``country``, ``hours``
    (running time at line speed) and ``segment`` (the :class:`Segment`).
    """
    g = nx.Graph()
    for n in network.nodes:
        g.add_node(
            n.name,
            kind=n.kind,
            country=n.country,
            lat=n.lat,
            lon=n.lon,
            dwell_h=n.mean_dwell_h,
            node=n,
        )
    for s in network.segments:
        g.add_edge(
            s.start,
            s.end,
            name=s.name,
            length_km=s.length_km,
            status=s.status,
            gauge_mm=s.gauge_mm,
            electrified=s.electrified,
            line_speed_kmh=s.line_speed_kmh,
            terrain=s.terrain,
            country=s.country,
            hours=s.running_h(),
            segment=s,
        )
    return g


def route(
    network: Network,
    origin: str,
    destination: str,
    *,
    weight: Literal["time", "distance"] = "time",
    speed_factor: float = 1.0,
) -> RouteResult:
    """Find the fastest (or shortest) route between two nodes.

    Time is running time (length / (line speed x ``speed_factor``)) plus the mean dwell at
    every intermediate node passed; dwell at the origin and destination is left to the caller
    (terminal handling).

    Parameters
    ----------
    network : Network
        The corridor network.
    origin, destination : str
        Node names.
    weight : {"time", "distance"}
        Minimise transit hours or route kilometres.
    speed_factor : float
        Multiplies every line speed (> 0).

    Returns
    -------
    RouteResult
        Path, distance, running and dwell hours, gauge breaks and new-build km.

    Raises
    ------
    ScenarioError
        An unknown origin or destination (with close names), an unknown weight or a
        non-positive speed factor.
    """
    names = network.names
    for field, name in (("origin", origin), ("destination", destination)):
        if name not in names:
            raise ScenarioError(
                f"{_PREFIX}.route.{field}",
                name,
                allowed_names(name, names, "a node of the network"),
            )
    if weight not in WEIGHTS:
        raise ScenarioError(f"{_PREFIX}.route.weight", weight, f"one of {', '.join(WEIGHTS)}")
    if not (math.isfinite(speed_factor) and speed_factor > 0):
        raise ScenarioError(f"{_PREFIX}.route.speed_factor", speed_factor, "a number > 0")
    g = graph(network)
    dwell = {n.name: n.mean_dwell_h for n in network.nodes}

    def cost(u: str, v: str, attrs: dict[str, Any]) -> float:
        seg: Segment = attrs["segment"]
        if weight == "distance":
            return seg.length_km
        # networkx relaxes edges from the settled node ``u``: charge its dwell on leaving it.
        return seg.running_h(speed_factor) + (dwell[u] if u != origin else 0.0)

    path: list[str] = nx.dijkstra_path(g, origin, destination, weight=cost)
    segs = tuple(g.edges[a, b]["segment"] for a, b in itertools.pairwise(path))
    middle = path[1:-1]
    dwell_nodes = tuple(x for x in middle if network.node(x).dwell_h is not None)
    breaks = tuple(
        path[i + 1] for i in range(len(segs) - 1) if segs[i].gauge_mm != segs[i + 1].gauge_mm
    )
    return RouteResult(
        origin=origin,
        destination=destination,
        weight=weight,
        nodes=tuple(path),
        segments=segs,
        distance_km=math.fsum(s.length_km for s in segs),
        running_h=math.fsum(s.running_h(speed_factor) for s in segs),
        dwell_h=math.fsum(dwell[x] for x in middle),
        dwell_nodes=dwell_nodes,
        gauge_breaks=len(breaks),
        gauge_break_nodes=breaks,
        new_build_km=math.fsum(s.length_km for s in segs if s.status == "new"),
        upgrade_km=math.fsum(s.length_km for s in segs if s.status == "upgrade"),
    )


def new_build(network: Network) -> NewBuild:
    """Sum segment lengths by country, terrain and status.

    Parameters
    ----------
    network : Network
        The corridor network (all its segments, branches included).

    Returns
    -------
    NewBuild
        ``by_group`` km by ``(country, terrain, status)``; ``by_status`` km by status;
        ``new_by_country`` and ``new_by_terrain`` km of new build; totals ``total_km``,
        ``new_km``, ``upgrade_km`` and ``existing_km``.
    """
    by_group: dict[tuple[str, str, str], float] = {}
    by_status = dict.fromkeys(STATUSES, 0.0)
    new_by_country: dict[str, float] = {}
    new_by_terrain: dict[str, float] = {}
    for s in network.segments:
        key = (s.country, s.terrain, s.status)
        by_group[key] = by_group.get(key, 0.0) + s.length_km
        by_status[s.status] += s.length_km
        if s.status == "new":
            new_by_country[s.country] = new_by_country.get(s.country, 0.0) + s.length_km
            new_by_terrain[s.terrain] = new_by_terrain.get(s.terrain, 0.0) + s.length_km
    return NewBuild(
        by_group=by_group,
        by_status=by_status,
        new_by_country=new_by_country,
        new_by_terrain=new_by_terrain,
        total_km=math.fsum(by_status.values()),
        new_km=by_status["new"],
        upgrade_km=by_status["upgrade"],
        existing_km=by_status["existing"],
    )
