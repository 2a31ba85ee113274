"""Plan a scenario's corridor: its network, the routes of each pair by rail and by sea.

Everything here is deterministic (paths, distances, which ports); the draws are taken in
:mod:`beringia.models.corridor.appraise`. Paths are chosen on mean values: the fastest rail path at
the mean commercial speed, and the port pair of lowest mean generalised cost.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from beringia.core.distributions import mean
from beringia.errors import ScenarioError
from beringia.models.corridor.network import (
    Network,
    RouteResult,
    Segment,
    load_network,
    route,
)
from beringia.models.corridor.network import shipped_doc as shipped_network_doc
from beringia.models.corridor.ocean import OceanLeg, load_ocean_data, ocean_leg, port
from beringia.models.corridor.places import (
    Access,
    Place,
    RoutePair,
    merge_places,
    parse_places,
)
from beringia.models.corridor.places import shipped_doc as shipped_places_doc
from beringia.models.operations import OperationsAssessment
from beringia.scenario.corridor import Corridor, Market
from beringia.scenario.distributions import dist_spec

ARCTIC_TERRAINS = ("permafrost", "subsea")
"""Terrains whose operating costs carry the Arctic factor."""
DAYS_PER_YEAR = 365.0
BRIDGE = "bridge"
"""Cost class of the major river crossings of new segments (``bridge_km``)."""


@dataclass(frozen=True)
class RailPlan:
    """The corridor route of one pair.

    Attributes
    ----------
    pair : RoutePair
        Origin, destination and flow group.
    route : RouteResult
        The network path between the places' rail nodes.
    origin_access, destination_access : Access or None
        Legs between a place and its rail node (feeder ship, truck), if any.
    line_h : float
        Running hours at line speed on segments the commercial speed factor applies to.
    commercial_h : float
        Running hours on segments whose speed is already commercial.
    through_tunnel : bool
        Whether the path uses the tunnel segment (its running time comes from operations).
    tariff_km : float
        Route-km charged the rail tariff (the tunnel is charged the toll instead).
    dwell_nodes : tuple of str
        Intermediate nodes with a dwell distribution.
    gauge_breaks : tuple of str
        Intermediate nodes where the gauge changes.
    """

    pair: RoutePair
    route: RouteResult
    origin_access: Access | None
    destination_access: Access | None
    line_h: float
    commercial_h: float
    through_tunnel: bool
    tariff_km: float
    dwell_nodes: tuple[str, ...]
    gauge_breaks: tuple[str, ...]


@dataclass(frozen=True)
class SeaPlan:
    """The ocean route of one pair: access legs and the port-to-port leg."""

    pair: RoutePair
    mode: str
    leg: OceanLeg
    origin_access: Access
    destination_access: Access


@dataclass(frozen=True)
class CorridorPlan:
    """Everything deterministic about a scenario's corridor.

    Attributes
    ----------
    network : Network
        Built-in network plus the scenario's edits, the tunnel segment at the model's length.
    tunnel : Segment
        The tunnel segment.
    tunnel_running_h : float
        Running time of the tunnel train through the tunnel (slower direction), hours.
    tunnel_train : str
        The train type it is taken from.
    teu_per_train : float
        TEU of that train.
    capacity_teu_per_year : float
        Per direction: capacity trains a day x mean TEU per train of the timetable's mix x 365
        x median availability of the simulated years.
    timetable_teu_per_year : float
        Per direction: the TEU the operations section's timetabled container trains offer
        (trains a day x TEU per train x 365), whatever the demand.
    pairs : tuple of RoutePair
        The origin-destination pairs.
    rail, sea, nsr : tuple
        Plans per pair (``nsr`` empty unless the scenario asks for it).
    new_km : dict
        New-build km (tunnel excluded) by ``(country, terrain)``; the major river crossings
        of new segments under ``(country, "bridge")``.
    upgrade_km : float
        Km of upgraded line.
    project_segments : tuple of Segment
        New and upgraded segments plus the tunnel: what the corridor project builds.
    """

    network: Network
    tunnel: Segment
    tunnel_running_h: float
    tunnel_train: str
    teu_per_train: float
    capacity_teu_per_year: float
    timetable_teu_per_year: float
    pairs: tuple[RoutePair, ...]
    rail: tuple[RailPlan, ...]
    sea: tuple[SeaPlan, ...]
    nsr: tuple[SeaPlan, ...]
    new_km: dict[tuple[str, str], float]
    upgrade_km: float
    project_segments: tuple[Segment, ...]


# ------------------------------------------------------------------------------- network


def _segment_key(t: Mapping[str, Any]) -> frozenset[str]:
    return frozenset((str(t.get("from")), str(t.get("to"))))


def _merge(
    base: Sequence[Mapping[str, Any]],
    edits: Sequence[Mapping[str, Any]],
    key: Any,
) -> tuple[list[dict[str, Any]], list[int | None]]:
    """Replace tables of ``base`` with the edit of the same key, append new keys.

    Also return, per merged table, the index of the edit it came from (``None``: shipped).
    """
    out = [dict(t) for t in base]
    origin: list[int | None] = [None] * len(out)
    index = {key(t): i for i, t in enumerate(out)}
    for j, e in enumerate(edits):
        k = key(e)
        if k in index:
            out[index[k]] = dict(e)
            origin[index[k]] = j
        else:
            index[k] = len(out)
            out.append(dict(e))
            origin.append(j)
    return out, origin


_MERGED_FIELD = re.compile(r"^corridor\.(nodes|segments)\.(\d+)(.*)$")


def _network_doc(corridor: Corridor) -> tuple[dict[str, Any], dict[str, list[int | None]]]:
    """Return the shipped network document with the scenario's edits (or its own only).

    Node tables replace the shipped node of the same ``name``; segment tables replace the
    shipped segment between the same two nodes; others are added. Also return, per merged
    table, the index of the scenario's table it came from (``None``: shipped).
    """
    empty: dict[str, Any] = {"nodes": [], "segments": []}
    base = empty if corridor.replace_network else shipped_network_doc()
    nodes, node_origin = _merge(base["nodes"], corridor.nodes, lambda t: t.get("name"))
    segments, segment_origin = _merge(base["segments"], corridor.segments, _segment_key)
    return (
        {"nodes": nodes, "segments": segments},
        {"nodes": node_origin, "segments": segment_origin},
    )


def corridor_network(corridor: Corridor) -> Network:
    """Load the scenario's network (shipped plus edits), at the shipped tunnel length.

    Errors name the user's own table, not its position in the merged list.
    """
    doc, origin = _network_doc(corridor)
    try:
        return load_network(doc)
    except ScenarioError as exc:
        m = _MERGED_FIELD.match(exc.field)
        if m is None:
            raise
        kind, i, rest = m.group(1), int(m.group(2)), m.group(3)
        j = origin[kind][i] if i < len(origin[kind]) else None
        where = (
            f"corridor.{kind}.{j}{rest}"
            if j is not None
            else f"corridor.{kind}{rest} (shipped data/corridor.toml, {kind} entry {i})"
        )
        raise ScenarioError(where, exc.value, exc.allowed) from None


def scenario_network(corridor: Corridor, tunnel_km: float) -> tuple[Network, Segment]:
    """Return the scenario's network and its tunnel segment, set to the model's length.

    Parameters
    ----------
    corridor : Corridor
        The scenario's corridor section (edits, replacement, tunnel segment name).
    tunnel_km : float
        Portal-to-portal length of the modelled tunnel.

    Raises
    ------
    ScenarioError
        Naming the node or segment at fault (see :func:`load_network`), or an unknown tunnel
        segment.
    """
    net = corridor_network(corridor)
    names = [s.name for s in net.segments]
    if corridor.tunnel_segment not in names:
        raise ScenarioError(
            "corridor.tunnel_segment",
            corridor.tunnel_segment,
            f"the name of a segment of the network: {', '.join(names)}",
        )
    segs = tuple(
        dataclasses.replace(s, length_km=tunnel_km) if s.name == corridor.tunnel_segment else s
        for s in net.segments
    )
    net = dataclasses.replace(net, segments=segs)
    tunnel = next(s for s in segs if s.name == corridor.tunnel_segment)
    return net, tunnel


# ------------------------------------------------------------------------------- routes


def _check_pair_places(pairs: Sequence[RoutePair], places: Mapping[str, Place]) -> None:
    for i, p in enumerate(pairs):
        for field in ("origin", "destination"):
            name = getattr(p, field)
            if name not in places:
                raise ScenarioError(
                    f"corridor.routes.{i}.{field}",
                    name,
                    f"a place of data/places.toml or corridor.places: {', '.join(sorted(places))}",
                )


def _check_rail_nodes(
    places: Mapping[str, Place], pairs: Sequence[RoutePair], net: Network
) -> None:
    """Check that the places the pairs use reach the network (others may be off it)."""
    names = set(net.names)
    used = {x for pair in pairs for x in (pair.origin, pair.destination)}
    for p in places.values():
        if p.name in used and p.rail_node not in names:
            raise ScenarioError(
                f"corridor.places.{p.name}.rail_node",
                p.rail_node,
                f"a node of the network: {', '.join(sorted(names))}",
            )


def running_split(
    segments: Sequence[Segment], tunnel: Segment | None = None
) -> tuple[float, float]:
    """Return the hours at line speed (speed factor applies) and on commercial segments.

    The ``tunnel`` segment, if given, is left out of both (its time comes from operations).
    """
    line_h = commercial_h = 0.0
    for s in segments:
        if tunnel is not None and s.name == tunnel.name:
            continue
        if s.commercial:
            commercial_h += s.running_h()
        else:
            line_h += s.length_km / s.line_speed_kmh
    return line_h, commercial_h


def scenario_places(corridor: Corridor) -> tuple[dict[str, Place], tuple[RoutePair, ...]]:
    """Return the shipped places with the scenario's edits, and the shipped default pairs."""
    return parse_places(merge_places(shipped_places_doc(), corridor.places))


def rail_plan(
    net: Network, tunnel: Segment, pair: RoutePair, places: Mapping[str, Place], speed: float
) -> RailPlan:
    """Plan the corridor route of ``pair`` at mean commercial speed factor ``speed``."""
    o, d = places[pair.origin], places[pair.destination]
    r = route(net, o.rail_node, d.rail_node, speed_factor=speed)
    through = any(s.name == tunnel.name for s in r.segments)
    line_h, commercial_h = running_split(r.segments, tunnel)
    return RailPlan(
        pair=pair,
        route=r,
        origin_access=o.rail_access,
        destination_access=d.rail_access,
        line_h=line_h,
        commercial_h=commercial_h,
        through_tunnel=through,
        tariff_km=r.distance_km - (tunnel.length_km if through else 0.0),
        dwell_nodes=r.dwell_nodes,
        gauge_breaks=r.gauge_break_nodes,
    )


def _mean_gc(leg: OceanLeg, oa: Access, da: Access, value_per_day: float) -> float:
    port_days = mean(leg.export_days) + leg.sailing_days + mean(leg.import_days)
    days = port_days + oa.days.mean + da.days.mean
    cost = mean(leg.usd_per_feu) + oa.usd_per_feu.mean + da.usd_per_feu.mean
    return cost + value_per_day * days


def sea_plan(
    i: int, pair: RoutePair, places: Mapping[str, Place], value_per_day: float, *, nsr: bool
) -> SeaPlan | None:
    """Plan the ocean route of ``pair``: the port pair of lowest mean generalised cost.

    Returns ``None`` for the Northern Sea Route when no port pair sails it (both ports on the
    same ocean side).

    Raises
    ------
    ScenarioError
        If no port pair of the two places has a shipped freight rate (all-year sea only).
    """
    data = load_ocean_data()
    o, d = places[pair.origin], places[pair.destination]
    best: tuple[float, SeaPlan] | None = None
    for op in o.ports:
        for dp in d.ports:
            po, pd = port(op.port), port(dp.port)
            if po.code == pd.code or f"{po.region}->{pd.region}" not in data.rates:
                continue
            if nsr and po.side == pd.side:
                continue
            leg = ocean_leg(po.code, pd.code, nsr=nsr)
            gc = _mean_gc(leg, op.access, dp.access, value_per_day)
            if best is None or gc < best[0]:
                mode = "sea-nsr" if nsr else "sea"
                best = (gc, SeaPlan(pair, mode, leg, op.access, dp.access))
    if best is None:
        if nsr:
            return None
        lanes = ", ".join(data.rates)
        raise ScenarioError(
            f"corridor.routes.{i}",
            f"{pair.origin} -> {pair.destination}",
            f"a pair whose places have ports on a lane with a shipped freight rate ({lanes})",
        )
    return best[1]


def _value_per_day(market: Market) -> float:
    value = mean(dist_spec(market.cargo_value_usd_per_feu))
    pct = mean(dist_spec(market.time_cost_pct_per_day))
    return value * pct / 100.0


def capacity_teu_per_year(ops: OperationsAssessment, traffic: Mapping[str, int]) -> float:
    """Return TEU a year per direction the tunnel can carry with the timetable's mix.

    Capacity trains a day x mean TEU per train of the mix x 365 x the median share of the
    time incidents leave open: the capacity deducts the nightly possession already, so the
    simulated availability is divided by the possession's own (no double count).
    """
    total = sum(traffic.values())
    if total <= 0:
        return 0.0
    teu = sum(ops.teu.get(k, 0.0) * n for k, n in traffic.items()) / total
    avail = float(np.median(ops.annual.availability))
    if ops.maintenance_availability > 0:
        avail = min(avail / ops.maintenance_availability, 1.0)
    return ops.capacity.trains_per_day * teu * DAYS_PER_YEAR * avail


def _tunnel_train(corridor: Corridor, ops: OperationsAssessment, tunnel: Segment) -> str:
    """Return the container train that runs through the tunnel: of the tunnel's gauge.

    The tunnel segment's ``gauge_mm`` (``data/corridor.toml``) decides: the break of gauge is
    where the data put it, so the through train is a container train of that gauge (the
    first in ``operations.traffic`` unless ``corridor.tunnel_train`` names one).
    """
    gauge = tunnel.gauge_mm
    if corridor.tunnel_train is not None:
        if corridor.tunnel_train not in ops.running_time_min:
            raise ScenarioError(
                "corridor.tunnel_train",
                corridor.tunnel_train,
                f"a train type of operations.traffic: {', '.join(ops.running_time_min)}",
            )
        own = ops.gauge_mm.get(corridor.tunnel_train)
        if own != gauge:
            raise ScenarioError(
                "corridor.tunnel_train",
                corridor.tunnel_train,
                f"a {own} mm train cannot run through the tunnel, whose segment "
                f"{tunnel.name!r} is {gauge} mm; name a {gauge} mm train of operations.traffic "
                "or change the segment's gauge_mm",
            )
        return corridor.tunnel_train
    for name in ops.train_types:
        if ops.teu.get(name, 0.0) > 0 and ops.gauge_mm.get(name) == gauge:
            return name
    raise ScenarioError(
        "corridor.tunnel_train",
        "(none)",
        f"operations.traffic needs a container train (teu > 0) of the tunnel's gauge, {gauge} mm "
        f"(segment {tunnel.name!r}), for the corridor",
    )


def plan_corridor(
    corridor: Corridor,
    market: Market,
    ops: OperationsAssessment,
    traffic: Mapping[str, int],
    tunnel_km: float,
) -> CorridorPlan:
    """Plan the scenario's corridor (deterministic part).

    Parameters
    ----------
    corridor, market : Corridor, Market
        The scenario's sections.
    ops : OperationsAssessment
        The tunnel's operations results (running times, capacity, availability).
    traffic : mapping
        Timetabled trains a day per train type (the mix behind the capacity).
    tunnel_km : float
        Modelled tunnel length.

    Raises
    ------
    ScenarioError
        For an unknown place, node or segment, a disconnected network, or a pair without a
        priced sea lane.
    """
    net, tunnel = scenario_network(corridor, tunnel_km)
    places, default_pairs = scenario_places(corridor)
    pairs = default_pairs if corridor.routes is None else _scenario_pairs(corridor, default_pairs)
    _check_pair_places(pairs, places)
    _check_weights(pairs)
    _check_rail_nodes(places, pairs, net)
    speed = mean(dist_spec(corridor.speed_factor))
    vpd = _value_per_day(market)
    rail = tuple(rail_plan(net, tunnel, p, places, speed) for p in pairs)
    sea = tuple(
        s for i, p in enumerate(pairs) if (s := sea_plan(i, p, places, vpd, nsr=False)) is not None
    )
    nsr = (
        tuple(
            s
            for i, p in enumerate(pairs)
            if (s := sea_plan(i, p, places, vpd, nsr=True)) is not None
        )
        if corridor.nsr
        else ()
    )
    train = _tunnel_train(corridor, ops, tunnel)
    new_km: dict[tuple[str, str], float] = {}
    for seg in net.segments:
        if seg.status == "new" and seg is not tunnel:
            key = (seg.country, seg.terrain)
            new_km[key] = new_km.get(key, 0.0) + seg.length_km - seg.bridge_km
            if seg.bridge_km > 0:
                bridge = (seg.country, BRIDGE)
                new_km[bridge] = new_km.get(bridge, 0.0) + seg.bridge_km
    _check_unit_costs(corridor, new_km)
    return CorridorPlan(
        network=net,
        tunnel=tunnel,
        tunnel_running_h=ops.running_time_min[train] / 60.0,
        tunnel_train=train,
        teu_per_train=ops.teu[train],
        capacity_teu_per_year=capacity_teu_per_year(ops, traffic),
        timetable_teu_per_year=sum(ops.teu.get(k, 0.0) * n for k, n in traffic.items())
        * DAYS_PER_YEAR,
        pairs=pairs,
        rail=rail,
        sea=sea,
        nsr=nsr,
        new_km=new_km,
        upgrade_km=sum(s.length_km for s in net.segments if s.status == "upgrade"),
        project_segments=tuple(
            s for s in net.segments if s.status in ("new", "upgrade") or s is tunnel
        ),
    )


def _scenario_pairs(corridor: Corridor, shipped: Sequence[RoutePair]) -> tuple[RoutePair, ...]:
    """Return the scenario's pairs, weighted as given or as the shipped pair of the same flow."""
    known = {(p.origin, p.destination, p.flow): p.weight for p in shipped}
    routes = corridor.routes or []
    return tuple(
        RoutePair(
            p.origin,
            p.destination,
            p.flow,
            p.weight if p.weight is not None else known.get((p.origin, p.destination, p.flow)),
        )
        for p in routes
    )


def _check_weights(pairs: Sequence[RoutePair]) -> None:
    """Refuse a pair whose share of its flow is unknown, or a flow over-weighted.

    Raises
    ------
    ScenarioError
        Naming ``corridor.routes.<i>.weight``.
    """
    totals: dict[str, float] = {}
    for i, p in enumerate(pairs):
        if p.weight is None:
            raise ScenarioError(
                f"corridor.routes.{i}.weight",
                "(missing)",
                f"pair {p.origin} -> {p.destination} ({p.flow}): a weight from 0 to 1, the share "
                "of the flow's TEU it stands for (no origin and destination share of this flow "
                "is shipped in data/places.toml [[shares]])",
            )
        totals[p.flow] = totals.get(p.flow, 0.0) + p.weight
        if totals[p.flow] > 1.0 + 1e-9:
            raise ScenarioError(
                f"corridor.routes.{i}.weight",
                p.weight,
                f"weights of flow {p.flow} summing to at most 1 (now {totals[p.flow]:.4g})",
            )


def _check_unit_costs(corridor: Corridor, new_km: Mapping[tuple[str, str], float]) -> None:
    table = corridor.new_build_usd_m_per_km
    for country, terrain in new_km:
        if terrain not in table.get(country, {}):
            given = ", ".join(f"{c}.{t}" for c, ts in table.items() for t in ts)
            raise ScenarioError(
                f"corridor.new_build_usd_m_per_km.{country}.{terrain}",
                "(missing)",
                f"a capex per km for every country and terrain with new line; given: {given}",
            )
