"""The intercontinental rail corridor: network, routes and new-build lengths."""

from beringia.models.corridor.network import (
    KINDS,
    STATUSES,
    TERRAINS,
    WEIGHTS,
    Network,
    NewBuild,
    Node,
    RouteResult,
    Segment,
    graph,
    load_network,
    new_build,
    route,
)
from beringia.models.corridor.quantity import Quantity

__all__ = [
    "KINDS",
    "STATUSES",
    "TERRAINS",
    "WEIGHTS",
    "Network",
    "NewBuild",
    "Node",
    "Quantity",
    "RouteResult",
    "Segment",
    "graph",
    "load_network",
    "new_build",
    "route",
]
