"""The map of the corridor network, from Europe across Asia and the strait to North America.

A pure function like the other figure modules. The land is the shipped world land mask,
coarsened and drawn as one small indexed PNG (a data URI, allowed by the page's
Content-Security-Policy) stretched under the network, so the map adds only a few kB to the
page and nothing is fetched when it opens.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import plotly.graph_objects as go
from numpy.typing import NDArray

from beringia.geo.world import WorldLand, world_land, wrap_lon
from beringia.models.corridor.network import Network
from beringia.models.corridor.results import CorridorAssessment
from beringia.pipeline.assessment import Assessment
from beringia.report.png import png_data_uri
from beringia.report.style import (
    LAND_COLOUR,
    SEA_COLOUR,
    TUNNEL_COLOUR,
    empty_figure,
    layout,
    source_note,
)
from beringia.report.text import plot_text, short_source

STATUS_COLOURS = {"existing": "#7a7a7a", "upgrade": "#d08c00", "new": "#1f5fa8"}
"""Colour of a segment by status; the strait tunnel is drawn in ``TUNNEL_COLOUR``."""
STATUS_LABELS = {"existing": "existing line", "upgrade": "line to upgrade", "new": "new build"}
MAP_STEP_DEG = 0.25
"""Cell size of the map's land raster (degrees, majority vote over the 0.05 deg mask)."""
MAP_MARGIN_LON_DEG = 8.0
MAP_MARGIN_LAT_DEG = (6.0, 8.0)
"""Margins around the network's nodes: longitude each side; latitude south and north."""


def map_window(network: Network) -> tuple[float, float, float, float]:
    """Return the map's ``(west, east, south, north)`` around every node of the network.

    The longitude axis is continuous: it starts in the widest gap between the nodes (the
    Atlantic for the built-in network), so ``east`` may exceed 180 and points are put on the
    axis with ``wrap_lon(lon, west)``.

    Parameters
    ----------
    network : Network
        The corridor network.

    Returns
    -------
    west, east : float
        Longitude range, ``west < east <= west + 360``.
    south, north : float
        Latitude range, within the shipped world land band.
    """
    land = world_land()
    lon = np.sort(wrap_lon([n.lon for n in network.nodes], -180.0))
    lat = np.array([n.lat for n in network.nodes], dtype=np.float64)
    if lon.size == 0:
        return -180.0, 180.0, land.south, land.north
    gaps = np.diff(np.append(lon, lon[0] + 360.0))
    k = int(np.argmax(gaps))
    first = float(lon[(k + 1) % lon.size])  # the first node east of the widest gap
    span = 360.0 - float(gaps[k])
    margin = min(MAP_MARGIN_LON_DEG, float(gaps[k]) / 2)
    west = float(wrap_lon(first - margin, -180.0))
    east = west + span + 2 * margin
    south = max(land.south, float(lat.min()) - MAP_MARGIN_LAT_DEG[0])
    north = min(land.north, float(lat.max()) + MAP_MARGIN_LAT_DEG[1])
    return west, east, south, north


def _majority(z: NDArray[np.uint8], axis: int, k: int) -> NDArray[np.uint8]:
    """Coarsen a 0/1 image by ``k`` along ``axis`` by majority vote (ties are land)."""
    n = z.shape[axis]
    starts = np.arange(0, n, k)
    counts = np.add.reduceat(z.astype(np.int32), starts, axis=axis)
    sizes = np.diff(np.append(starts, n))
    shape = [1, 1]
    shape[axis] = sizes.size
    return (2 * counts >= sizes.reshape(shape)).astype(np.uint8)


def land_raster(
    land: WorldLand, window: tuple[float, float, float, float], step_deg: float = MAP_STEP_DEG
) -> tuple[NDArray[np.uint8], tuple[float, float, float, float]]:
    """Crop and coarsen the world land mask to ``window`` at about ``step_deg`` cells.

    Parameters
    ----------
    land : WorldLand
        The shipped mask.
    window : (west, east, south, north)
        From :func:`map_window` (``east`` may exceed 180).
    step_deg : float
        Target cell size; the mask is coarsened by majority vote over whole cells.

    Returns
    -------
    z : ndarray of uint8
        1 for land, 0 for sea, north row first.
    extent : (left, right, bottom, top)
        Outer edges of the raster on the map's continuous axes.
    """
    west, east, south, north = window
    k = max(1, round(step_deg / land.step_deg))
    span = east - west
    cols = max(1, math.ceil(span / land.step_deg))
    lat, lon, z = land.image((south, north), (west, west + span), max_cells=math.ceil(cols / k))
    dlon = float(lon[1] - lon[0]) if lon.size > 1 else land.step_deg
    dlat = float(lat[0] - lat[1]) if lat.size > 1 else land.step_deg
    top = float(lat[0]) + dlat / 2
    left = float(lon[0]) - dlon / 2
    if dlat < dlon and lat.size > 1:  # rows were not coarsened as much as columns
        r = max(1, round(dlon / dlat))
        z = _majority(z, 0, r)
        dlat *= r
    return z, (left, left + dlon * z.shape[1], top - dlat * z.shape[0], top)


def _labelled(c: CorridorAssessment) -> set[str]:
    """Return the nodes named on the map: route ends, portals and the benchmark's ends."""
    names = {r.origin for r in c.routes} | {r.destination for r in c.routes}
    names |= {n.name for n in c.network.nodes if n.kind == "portal"}
    names |= {str(c.benchmark.get(k, "")) for k in ("origin", "destination")}
    return names


def corridor_map(a: Assessment) -> go.Figure:
    """Map of the corridor network from Europe across Asia and the strait to North America.

    Parameters
    ----------
    a : Assessment
        The assessment; its ``corridor.network``.

    Returns
    -------
    plotly.graph_objects.Figure
        The shipped world land mask at about :data:`MAP_STEP_DEG` as one small PNG under
        the network, on a continuous longitude axis (degrees east of the window's western
        edge, which lies in the widest gap between the nodes, so the map crosses the
        antimeridian at the strait). Segments as straight lines coloured by status
        (:data:`STATUS_COLOURS`), the strait tunnel bold in ``TUNNEL_COLOUR``, with an
        invisible hover point at each segment's middle; nodes as markers, named on hover,
        route ends and portals labelled. A placeholder without a corridor.
    """
    title = "The corridor network"
    c = a.corridor
    if c is None:
        return empty_figure(title, "the scenario has no corridor section")
    net = c.network
    land = world_land()
    window = map_window(net)
    west, east, south, north = window
    z, (left, right, bottom, top) = land_raster(land, window)
    fig = go.Figure()
    fig.add_layout_image(
        source=png_data_uri(z, (SEA_COLOUR, LAND_COLOUR)),
        xref="x",
        yref="y",
        x=left,
        y=top,
        sizex=right - left,
        sizey=top - bottom,
        xanchor="left",
        yanchor="top",
        sizing="stretch",
        layer="below",
    )
    pos = {n.name: (float(wrap_lon(n.lon, west)), n.lat) for n in net.nodes}
    groups: dict[str, list[Any]] = {}
    for s in net.segments:
        key = "tunnel" if s.terrain == "subsea" else s.status
        groups.setdefault(key, []).append(s)
    order = [k for k in (*STATUS_COLOURS, "tunnel") if k in groups]
    mid_x: list[float] = []
    mid_y: list[float] = []
    mid_text: list[str] = []
    for key in order:
        segs = groups[key]
        xs: list[float | None] = []
        ys: list[float | None] = []
        for s in segs:
            (x0, y0), (x1, y1) = pos[s.start], pos[s.end]
            xs += [x0, x1, None]
            ys += [y0, y1, None]
            mid_x.append((x0 + x1) / 2)
            mid_y.append((y0 + y1) / 2)
            mid_text.append(
                f"{plot_text(s.name)}<br>{s.status}, {s.terrain}, {s.country}<br>"
                f"{s.length_km:,.0f} km, {s.gauge_mm} mm gauge, "
                f"{'electric' if s.electrified else 'diesel'}"
            )
        km = math.fsum(s.length_km for s in segs)
        if key == "tunnel":
            name = f"strait tunnel ({km:,.1f} km)"
            line = {"color": TUNNEL_COLOUR, "width": 7}
        else:
            name = f"{STATUS_LABELS.get(key, key)} ({km:,.0f} km)"
            line = {"color": STATUS_COLOURS[key], "width": 3 if key != "existing" else 2}
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line=line, name=name, hoverinfo="skip"))
    fig.add_trace(
        go.Scatter(
            x=mid_x,
            y=mid_y,
            mode="markers",
            marker={"size": 10, "opacity": 0},
            text=mid_text,
            hovertemplate="%{text}<extra></extra>",
            showlegend=False,
            name="segments",
        )
    )
    named = _labelled(c)
    fig.add_trace(
        go.Scatter(
            x=[pos[n.name][0] for n in net.nodes],
            y=[n.lat for n in net.nodes],
            mode="markers+text",
            marker={"size": 6, "color": "#ffffff", "line": {"color": "#333333", "width": 1.5}},
            text=[plot_text(n.name) if n.name in named else "" for n in net.nodes],
            textposition="top center",
            textfont={"size": 10, "color": "#333333"},
            customdata=[
                [plot_text(n.name), n.kind.replace("_", " "), n.country, n.lat, n.lon]
                for n in net.nodes
            ],
            hovertemplate="%{customdata[0]} (%{customdata[1]}, %{customdata[2]})<br>"
            "%{customdata[3]:.2f} N, %{customdata[4]:.2f} E<extra></extra>",
            name="places (hover for names)",
        )
    )
    source_note(fig, "Land and sea: " + plot_text(short_source(land.source)), yshift=-40)
    ticks = [float(t) for t in np.arange(math.ceil(west / 30) * 30, east + 1e-9, 30)]
    fig.update_xaxes(
        title_text="Longitude (continuous across the antimeridian)",
        range=[west, east],
        showgrid=False,
        tickvals=ticks,
        ticktext=[_lon_label(t) for t in ticks],
    )
    fig.update_yaxes(
        title_text="Latitude (° N)", range=[south, north], showgrid=False, ticksuffix="°"
    )
    fig.update_layout(showlegend=True, plot_bgcolor=SEA_COLOUR)
    fig = layout(fig, title, 560, legend_top=True)
    fig.update_layout(margin={"b": 80})
    return fig


def _lon_label(x: float) -> str:
    """Label a continuous longitude as degrees east or west of Greenwich."""
    v = float(wrap_lon(x, -180.0))
    if v == 0 or v == -180:
        return f"{abs(v):.0f}°"
    return f"{abs(v):.0f}° {'E' if v > 0 else 'W'}"
