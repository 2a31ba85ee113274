"""The report's alignment section: plan map across the strait, longitudinal profile, key figures.

Pure functions like the other figure modules: figures, and what the section shows. The
map's land and sea come from the shipped land mask (no map tiles, nothing fetched); long
traces along the route are thinned to :data:`MAX_LINE_POINTS`, keeping every shore and
portal.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import plotly.graph_objects as go
from numpy.typing import NDArray

from beringia.geo.land import land_mask
from beringia.models.alignment import AlignmentResult
from beringia.pipeline.assessment import Assessment
from beringia.report.reduce import FloatArray
from beringia.report.style import (
    APPROACH_COLOUR,
    LAND_COLOUR,
    SEA_COLOUR,
    SEABED_COLOUR,
    TUNNEL_COLOUR,
    empty_figure,
    layout,
    source_note,
)
from beringia.report.text import plot_text, short_source

MAP_MARGIN_DEG = 0.3
"""Margin of the plan map around the route (degrees)."""
MAP_ASPECT = 1.7
"""Width over height of the plan map's plot area, in true distances."""
MAX_MAP_CELLS = 400
"""Most land-mask cells drawn along either axis of the plan map (more are subsampled)."""
LAND_GAP_KM = 0.2
"""Land stretches of the profile closer than this are shaded as one."""
MAX_LINE_POINTS = 1500
"""Most points of a route or profile line (the 10 m trace is thinned, keeping shores)."""


def _thin(n: int, keep: NDArray[np.intp], max_points: int = MAX_LINE_POINTS) -> NDArray[np.intp]:
    """Return about ``max_points`` evenly spaced indices plus ``keep`` and both ends."""
    base = np.linspace(0, n - 1, min(n, max_points)).round().astype(np.intp)
    keep = keep[(keep >= 0) & (keep < n)]
    return np.unique(np.concatenate([base, keep, np.array([0, n - 1], dtype=np.intp)]))


def _edges(flag: NDArray[np.bool_]) -> NDArray[np.intp]:
    """Return the indices on both sides of every change of ``flag``."""
    e = np.flatnonzero(flag[1:] != flag[:-1])
    return np.concatenate([e, e + 1]).astype(np.intp)


def _at_chainage(al: AlignmentResult, chainage_m: float) -> tuple[float, float]:
    """Latitude and longitude of the trace at a chainage from the west portal."""
    s = al.origin_m + chainage_m
    tr = al.trace
    return float(np.interp(s, tr.s, tr.lat)), float(np.interp(s, tr.s, tr.lon))


def _land_image(al: AlignmentResult) -> tuple[go.Heatmap, tuple[float, float, float, float], str]:
    """Crop the land mask to the route plus a margin and draw it as a two-colour heatmap."""
    lm = land_mask()
    tr = al.trace
    lat0 = max(float(tr.lat.min()) - MAP_MARGIN_DEG, float(lm.lat[-1]))
    lat1 = min(float(tr.lat.max()) + MAP_MARGIN_DEG, float(lm.lat[0]))
    lon0 = float(tr.lon.min()) - MAP_MARGIN_DEG
    lon1 = float(tr.lon.max()) + MAP_MARGIN_DEG
    # Widen a tall window to the map's aspect, showing more of both shores.
    cos_mid = float(np.cos(np.radians((lat0 + lat1) / 2)))
    extra = MAP_ASPECT * (lat1 - lat0) / cos_mid - (lon1 - lon0)
    if extra > 0:
        lon0, lon1 = lon0 - extra / 2, lon1 + extra / 2
    lon0, lon1 = max(lon0, float(lm.lon[0])), min(lon1, float(lm.lon[-1]))
    rows = np.flatnonzero((lm.lat >= lat0) & (lm.lat <= lat1))
    cols = np.flatnonzero((lm.lon >= lon0) & (lm.lon <= lon1))
    step_r = max(1, int(np.ceil(rows.size / MAX_MAP_CELLS)))
    step_c = max(1, int(np.ceil(cols.size / MAX_MAP_CELLS)))
    rows, cols = rows[::step_r], cols[::step_c]
    dlat = float(lm.lat[0] - lm.lat[1]) * step_r
    dlon = float(lm.lon[1] - lm.lon[0]) * step_c
    z = lm.mask[np.ix_(rows, cols)].astype(np.uint8)
    image = go.Heatmap(
        x=lm.lon[cols] + dlon / 2,  # mask[i, j] covers the cell south-east of (lat, lon)
        y=lm.lat[rows] - dlat / 2,
        z=z,
        zmin=0,
        zmax=1,
        colorscale=[[0.0, SEA_COLOUR], [0.5, SEA_COLOUR], [0.5, LAND_COLOUR], [1.0, LAND_COLOUR]],
        showscale=False,
        hoverinfo="skip",
        name="land mask",
    )
    return image, (lat0, lat1, lon0, lon1), lm.source


def _label_sides(al: AlignmentResult) -> list[str]:
    """Place attack-point labels south-west of the route, islands alternating sides."""
    out, k = [], 0
    for p in al.attack_points:
        if p.kind == "portal":
            out.append("bottom left")
        else:
            out.append("bottom left" if k % 2 == 0 else "bottom right")
            k += 1
    return out


def plan_map(a: Assessment) -> go.Figure:
    """Plan map of the route across the strait, drawn from the shipped land mask.

    Parameters
    ----------
    a : Assessment
        The assessment; its ``alignment`` gives the route.

    Returns
    -------
    plotly.graph_objects.Figure
        Land and sea of the shipped GLOBE window around the route (no map tiles, nothing
        fetched), in degrees with x scaled by the cosine of the latitude so that shapes are
        roughly true. Over it: the route between the waypoints (the tunnel between the
        portals in bold), the waypoints, the attack points at their designed chainages and
        the seabed depth points. A placeholder without an alignment.
    """
    title = "Plan of the route"
    al = a.alignment
    if al is None:
        return empty_figure(title, "the scenario has no alignment")
    tr = al.trace
    image, (lat0, lat1, lon0, lon1), source = _land_image(al)
    fig = go.Figure(image)
    chain_km = (tr.s - al.origin_m) / 1000.0
    inside = al.profile.inside()
    idx = _thin(tr.s.size, _edges(inside))
    fig.add_trace(
        go.Scatter(
            x=tr.lon[idx],
            y=tr.lat[idx],
            mode="lines",
            line={"color": APPROACH_COLOUR, "width": 2, "dash": "dot"},
            name="route (approaches at the surface)",
            hoverinfo="skip",
        )
    )
    tunnel = idx[inside[idx]]
    fig.add_trace(
        go.Scatter(
            x=tr.lon[tunnel],
            y=tr.lat[tunnel],
            mode="lines",
            line={"color": TUNNEL_COLOUR, "width": 4},
            name=f"tunnel ({al.summary.tunnel_length_km:,.1f} km between the portals)",
            customdata=chain_km[tunnel],
            hovertemplate="chainage %{customdata:,.1f} km<br>%{y:.4f} N, %{x:.4f} E<extra></extra>",
        )
    )
    wp_names = [n for n in al.places_m if n not in {p.name for p in al.attack_points}]
    wp_names = [n for n in wp_names if n not in ("west-shore", "east-shore")]
    wp = [_at_chainage(al, al.places_m[n]) for n in wp_names]
    fig.add_trace(
        go.Scatter(
            x=[p[1] for p in wp],
            y=[p[0] for p in wp],
            mode="markers+text",
            marker={"symbol": "circle-open", "size": 9, "color": "#333333", "line": {"width": 2}},
            text=[plot_text(n) for n in wp_names],
            textposition="top right",
            textfont={"size": 11, "color": "#333333"},
            name="waypoints",
            customdata=[al.places_m[n] / 1000.0 for n in wp_names],
            hovertemplate="%{text}<br>chainage %{customdata:,.1f} km<br>"
            "%{y:.4f} N, %{x:.4f} E<extra></extra>",
        )
    )
    pts = [_at_chainage(al, p.chainage_km * 1000.0) for p in al.attack_points]
    fig.add_trace(
        go.Scatter(
            x=[p[1] for p in pts],
            y=[p[0] for p in pts],
            mode="markers+text",
            marker={
                "symbol": ["square" if p.kind == "portal" else "diamond" for p in al.attack_points],
                "size": 12,
                "color": TUNNEL_COLOUR,
                "line": {"color": "#ffffff", "width": 1},
            },
            text=[plot_text(p.name) for p in al.attack_points],
            textposition=_label_sides(al),
            textfont={"size": 11, "color": TUNNEL_COLOUR},
            name="attack points (portals ■, islands ◆)",
            customdata=[[p.kind, p.chainage_km] for p in al.attack_points],
            hovertemplate="%{text} (%{customdata[0]})<br>chainage %{customdata[1]:,.1f} km<br>"
            "%{y:.4f} N, %{x:.4f} E<extra></extra>",
        )
    )
    if al.depth_points:
        dps = [_at_chainage(al, c) for _, c, _ in al.depth_points]
        fig.add_trace(
            go.Scatter(
                x=[p[1] for p in dps],
                y=[p[0] for p in dps],
                mode="markers+text",
                marker={"symbol": "triangle-down", "size": 10, "color": SEABED_COLOUR},
                text=[f"{d:g} m" for _, _, d in al.depth_points],
                textposition="top right",
                textfont={"size": 10, "color": SEABED_COLOUR},
                name="seabed depth points",
                customdata=[[plot_text(n), c / 1000.0] for n, c, _ in al.depth_points],
                hovertemplate="%{customdata[0]}: depth %{text}<br>chainage "
                "%{customdata[1]:,.1f} km<extra></extra>",
            )
        )
    source_note(fig, "Land and sea: " + plot_text(short_source(source)), yshift=-45)
    mid = np.radians((lat0 + lat1) / 2)
    fig.update_xaxes(
        title_text="Longitude (°, negative = west)",
        range=[lon0, lon1],
        constrain="domain",
        showgrid=False,
        ticksuffix="°",
    )
    fig.update_yaxes(
        title_text="Latitude (° N)",
        range=[lat0, lat1],
        scaleanchor="x",
        scaleratio=1.0 / float(np.cos(mid)),
        constrain="domain",
        showgrid=False,
        ticksuffix="°",
    )
    fig.update_layout(showlegend=True, plot_bgcolor=SEA_COLOUR)
    # A page about 1000 px wide: tall enough for the true-aspect map, within limits.
    aspect = (lat1 - lat0) / ((lon1 - lon0) * float(np.cos(mid)))
    height = int(min(800, max(420, 1000 * aspect + 200)))
    fig = layout(fig, title, height, legend_top=True)
    fig.update_layout(margin={"b": 80})
    return fig


def _runs(flag: NDArray[np.bool_], x: FloatArray, min_gap: float) -> list[tuple[int, int]]:
    """Return the first and last index of every run of True in ``flag``.

    Runs less than ``min_gap`` apart in ``x`` are merged into one.
    """
    padded = np.concatenate([[False], flag, [False]]).astype(np.int8)
    d = np.diff(padded)
    runs: list[tuple[int, int]] = []
    for j0, j1 in zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1) - 1, strict=True):
        if runs and x[j0] - x[runs[-1][1]] < min_gap:
            runs[-1] = (runs[-1][0], int(j1))
        else:
            runs.append((int(j0), int(j1)))
    return runs


def longitudinal_profile(a: Assessment) -> go.Figure:
    """Longitudinal section of the designed tunnel: sea, seabed, crown and invert.

    Parameters
    ----------
    a : Assessment
        The assessment; its ``alignment`` gives the profile.

    Returns
    -------
    plotly.graph_objects.Figure
        Elevation (m above sea level) over chainage (km from the west portal), a little
        beyond both portals: the sea down to the seabed where there is sea, land stretches
        as shaded bands (their ground level is not modelled), the tunnel between its crown
        and invert (crown less the bore diameter), the attack points and shores as vertical
        lines, and the lowest invert and steepest gradient. A placeholder without an
        alignment.
    """
    title = "Longitudinal profile"
    al = a.alignment
    if al is None:
        return empty_figure(title, "the scenario has no alignment")
    tr, pr, sm = al.trace, al.profile, al.summary
    length_km = pr.length_m / 1000.0
    pad = max(2.0, 0.04 * length_km)
    x_lo, x_hi = -pad, length_km + pad
    chain = (tr.s - al.origin_m) / 1000.0
    shown = np.flatnonzero((chain >= x_lo) & (chain <= x_hi))
    i0, i1 = int(shown[0]), int(shown[-1])
    x_all = chain[i0 : i1 + 1]
    land = al.is_land[i0 : i1 + 1]
    inside = pr.inside()[i0 : i1 + 1]
    crown = pr.crown_z[i0 : i1 + 1]
    invert_all = crown - al.bore_diameter_m
    low = int(np.argmin(np.where(inside, invert_all, np.inf)))
    idx = _thin(x_all.size, np.concatenate([_edges(land), _edges(inside), [low]]).astype(np.intp))
    x = x_all[idx]
    fig = go.Figure()
    for j0, j1 in _runs(land, x_all, LAND_GAP_KM):
        fig.add_vrect(
            x0=float(x_all[j0]),
            x1=float(x_all[j1]),
            fillcolor=LAND_COLOUR,
            opacity=0.8,
            line={"width": 0},
            layer="below",
            annotation={"text": "land", "font": {"size": 10, "color": "#7a6a3a"}},
            annotation_position="bottom",
        )
    depth = -al.seabed[i0 : i1 + 1][idx]
    fig.add_trace(
        go.Scatter(
            x=x,
            y=depth,
            mode="lines",
            line={"color": SEABED_COLOUR, "width": 2},
            fill="tozeroy",
            fillcolor="rgba(158, 202, 225, 0.45)",
            connectgaps=False,
            name="seabed (sea above)",
            hovertemplate="chainage %{x:,.2f} km<br>seabed %{y:,.0f} m<extra></extra>",
        )
    )
    tin = idx[inside[idx]]
    fig.add_trace(
        go.Scatter(
            x=x_all[tin],
            y=invert_all[tin],
            mode="lines",
            line={"color": TUNNEL_COLOUR, "width": 1},
            name=f"invert (crown − {al.bore_diameter_m:g} m bore)",
            hovertemplate="chainage %{x:,.2f} km<br>invert %{y:,.1f} m<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=x_all[tin],
            y=crown[tin],
            mode="lines",
            line={"color": TUNNEL_COLOUR, "width": 2.5},
            fill="tonexty",
            fillcolor="rgba(178, 24, 43, 0.35)",
            name="tunnel crown",
            hovertemplate="chainage %{x:,.2f} km<br>crown %{y:,.1f} m<extra></extra>",
        )
    )
    if al.depth_points:
        fig.add_trace(
            go.Scatter(
                x=[c / 1000.0 for _, c, _ in al.depth_points],
                y=[-d for _, _, d in al.depth_points],
                mode="markers",
                marker={"symbol": "triangle-down", "size": 9, "color": SEABED_COLOUR},
                name="seabed depth points",
                text=[plot_text(n) for n, _, _ in al.depth_points],
                hovertemplate="%{text}<br>chainage %{x:,.1f} km, depth %{y:,.0f} m<extra></extra>",
            )
        )
    fig.add_hline(y=0, line={"color": SEABED_COLOUR, "width": 1})
    for p in al.attack_points:
        fig.add_vline(
            x=p.chainage_km,
            line={"color": TUNNEL_COLOUR, "width": 1, "dash": "dot"},
            annotation={
                "text": plot_text(p.name),
                "font": {"size": 10, "color": TUNNEL_COLOUR},
                "textangle": -90,
            },
            annotation_position="top left",
        )
    for shore, side in (("west-shore", "bottom right"), ("east-shore", "bottom left")):
        if shore in al.places_m:
            fig.add_vline(
                x=al.places_m[shore] / 1000.0,
                line={"color": SEABED_COLOUR, "width": 1, "dash": "dash"},
                annotation={
                    "text": shore.replace("-", " "),
                    "font": {"size": 10, "color": SEABED_COLOUR},
                    "textangle": -90,
                },
                annotation_position=side,
            )
    fig.add_annotation(
        x=float(x_all[low]),
        y=float(invert_all[low]),
        text=(
            f"lowest invert {invert_all[low]:,.1f} m "
            f"({sm.max_water_pressure_bar:,.1f} bar water pressure)"
        ),
        showarrow=True,
        arrowhead=2,
        ax=0,
        ay=40,
        font={"size": 11, "color": TUNNEL_COLOUR},
        bgcolor="rgba(255,255,255,0.85)",
    )
    y_lo = float(np.nanmin(invert_all[inside])) - 25.0
    y_hi = max(30.0, float(np.nanmax(crown[inside])) + 20.0)
    fig.update_xaxes(title_text="Chainage from the west portal (km)", range=[x_lo, x_hi])
    fig.update_yaxes(title_text="Elevation above sea level (m)", range=[y_lo, y_hi])
    fig.update_layout(showlegend=True)
    fig = layout(
        fig,
        f"{title}: tunnel {sm.tunnel_length_km:,.1f} km ({sm.undersea_length_km:,.1f} km under "
        f"the sea), steepest gradient {sm.max_gradient_permille:.1f} ‰, lowest invert "
        f"{invert_all[low]:,.1f} m",
        520,
        legend_top=True,
    )
    fig.update_layout(legend={"traceorder": "normal"})
    return fig


ALIGNMENT_FIGURES: Mapping[str, Callable[[Assessment], go.Figure]] = {
    "plan_map": plan_map,
    "longitudinal_profile": longitudinal_profile,
}
"""Figures of the alignment section, by key, in page order (drawn when there is an alignment)."""


# --------------------------------------------------------------------------- the section


def alignment_section(a: Assessment) -> dict[str, Any] | None:
    """Return what the report's alignment section shows, None without an alignment.

    Parameters
    ----------
    a : Assessment
        The assessment; its ``alignment`` and the scenario's design limits.

    Returns
    -------
    dict or None
        ``rows`` of headline figures (label, formatted value: lengths, deepest invert,
        water pressure, steepest gradient), the design limits ``max_gradient`` and
        ``min_cover``, the ``bore`` diameter, the ``waypoints`` and the ``attack_points``
        (name, chainage in km).
    """
    al, spec = a.alignment, a.scenario.alignment
    if al is None or spec is None:
        return None
    sm = al.summary
    return {
        "rows": [
            ("Tunnel length (portal to portal)", f"{sm.tunnel_length_km:,.1f} km"),
            ("Undersea length", f"{sm.undersea_length_km:,.1f} km"),
            ("Deepest invert", f"{sm.max_depth_below_sea_m:,.1f} m below sea level"),
            ("Water pressure there", f"{sm.max_water_pressure_bar:,.1f} bar"),
            ("Steepest gradient", f"{sm.max_gradient_permille:,.1f} \u2030"),
        ],
        "max_gradient": spec.max_gradient_permille,
        "min_cover": spec.min_cover_m,
        "bore": al.bore_diameter_m,
        "waypoints": [w.name for w in spec.waypoints],
        "attack_points": [(p.name, p.chainage_km) for p in al.attack_points],
    }
