"""Plotly figures and key figures of the report's operations section.

Pure functions like the other figure modules, with the colours of :mod:`beringia.report.style`: each
builds and returns a :class:`plotly.graph_objects.Figure` (or the plain rows of a table) and
writes nothing. Long arrays (running profiles, the alignment's 10 m grid) are thinned and
stored as 32-bit floats so that the page stays small.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import numpy as np
import plotly.graph_objects as go
from numpy.typing import NDArray

from beringia.models.alignment import AlignmentResult
from beringia.models.operations import DIRECTIONS, OperationsAssessment
from beringia.report.reduce import FloatArray, ecdf_points, f32
from beringia.report.style import empty_figure, layout, legend_entry, mark_quantile
from beringia.report.text import plot_text
from beringia.scenario.model import Scenario

TYPE_COLOURS = ("#1f5fa8", "#c0661a", "#1b7837", "#6a3d9a", "#8c510a", "#01665e", "#b2182b")
"""Colour of each train type, in the order of the traffic."""
ELEVATION_COLOUR = "#9a9a9a"
"""Thin grey line of the tunnel's design elevation behind the speed profiles."""
DEMAND_COLOUR = "#b2182b"
"""The timetable's demand (trains a day, or a year)."""
AVAILABILITY_COLOUR = "#35978f"
TRAINS_COLOUR = "#1f5fa8"
MAX_PROFILE_POINTS = 1000
"""Most points of one speed or elevation line (every n-th point, the last one kept)."""
DIRECTION_DASH = {"eastbound": "solid", "westbound": "dash"}


class OperationsRun(Protocol):
    """What the operations figures read: an assessment, or an operations run alone.

    :class:`~beringia.pipeline.Assessment` has these attributes; so has the operations page's
    view of ``beringia operations`` (:class:`beringia.report.operations_page.OperationsView`).
    """

    @property
    def scenario(self) -> Scenario:
        """The scenario run."""

    @property
    def alignment(self) -> AlignmentResult | None:
        """The designed alignment, if the scenario has one."""

    @property
    def operations(self) -> OperationsAssessment | None:
        """The operations results, if the scenario has operations."""


SIGNALLING_LABELS = {
    "fixed_block": "fixed-block",
    "etcs_l2": "ETCS level 2",
    "moving_block": "moving-block",
}
ANNUAL_QUANTILES = (("P10", "p10", 10.0), ("P50", "p50", 50.0), ("P90", "p90", 90.0))


class RunningProfile(Protocol):
    """What the figures read of a train's run through the tunnel (one direction)."""

    @property
    def position_m(self) -> FloatArray:
        """Distance from the entry portal of each point (m)."""

    @property
    def speed_m_s(self) -> FloatArray:
        """Speed at each point (m/s)."""

    @property
    def time_s(self) -> FloatArray:
        """Time since entry at each point (s)."""

    @property
    def total_s(self) -> float:
        """Running time portal to portal (s)."""


def thin_indices(n: int, max_points: int = MAX_PROFILE_POINTS) -> NDArray[np.intp]:
    """Return every ``step``-th index of ``n`` points, and the last, at most ``max_points + 1``.

    Parameters
    ----------
    n : int
        Number of points (>= 0).
    max_points : int
        Most points kept before the last one is added (>= 1).

    Returns
    -------
    ndarray of int
        ``0, step, 2 step, ...`` with ``step = ceil(n / max_points)``, then ``n - 1`` if it is
        not already there; empty for ``n = 0``.
    """
    if n <= 0:
        return np.zeros(0, dtype=np.intp)
    step = max(1, math.ceil(n / max(1, max_points)))
    idx = np.arange(0, n, step, dtype=np.intp)
    if idx[-1] != n - 1:
        idx = np.append(idx, np.intp(n - 1))
    return idx


def _legend_rows(fig: go.Figure, rows: int) -> go.Figure:
    """Make room above the plot for ``rows`` rows of a top legend, the title above them."""
    fig.update_layout(
        title={"yref": "container", "y": 1.0, "yanchor": "top", "pad": {"t": 12}},
        margin={"t": 58 + 21 * rows},
    )
    return fig


def _colour(k: int) -> str:
    return TYPE_COLOURS[k % len(TYPE_COLOURS)]


def scenario_shares(a: OperationsRun) -> dict[str, float]:
    """Return each train type's share of the scenario's timetabled trains (eastbound).

    Parameters
    ----------
    a : OperationsRun
        The assessment; its scenario's ``operations.traffic`` gives the trains a day.

    Returns
    -------
    dict of str to float
        Share per type with trains (the mix behind the capacity); empty without operations.
    """
    ops = a.scenario.operations
    if ops is None:
        return {}
    total = sum(t.trains_per_day for t in ops.traffic)
    if total <= 0:
        return {}
    return {t.train: t.trains_per_day / total for t in ops.traffic if t.trains_per_day > 0}


def _add_runs(
    fig: go.Figure,
    o: OperationsAssessment,
    value: Callable[[RunningProfile], FloatArray],
    hover: str,
    *,
    with_minutes: bool = False,
) -> None:
    """Add one line per train type and direction: ``value(profile)`` over chainage.

    Westbound chainage is measured back from the east portal, so both directions read on the
    same axis (km from the west portal); lines are thinned with :func:`thin_indices`.
    """
    for k, name in enumerate(o.train_types):
        for d in DIRECTIONS:
            p = o.profiles[d][name]
            idx = thin_indices(p.position_m.size)
            pos = p.position_m[idx]
            x = pos if d == "eastbound" else float(p.position_m[-1]) - pos
            minutes = f" ({p.total_s / 60.0:,.1f} min)" if with_minutes else ""
            fig.add_trace(
                go.Scatter(
                    x=f32(x / 1000.0),
                    y=f32(value(p)[idx]),
                    mode="lines",
                    line={"color": _colour(k), "width": 2, "dash": DIRECTION_DASH[d]},
                    legendgroup=name,
                    name=f"{plot_text(name)} {d}{minutes}",
                    hovertemplate=(
                        f"{plot_text(name)} {d}<br>chainage %{{x:,.2f}} km<br>"
                        f"{hover}<extra></extra>"
                    ),
                )
            )


def speed_profiles(a: OperationsRun) -> go.Figure:
    """Speed against chainage of every train type in both directions, over the tunnel.

    Parameters
    ----------
    a : OperationsRun
        The assessment; its ``operations.profiles`` give the runs and its ``alignment`` the
        design elevation.

    Returns
    -------
    plotly.graph_objects.Figure
        Speed (km/h) over chainage (km from the west portal) per type: eastbound solid,
        westbound dashed (its chainage measured back from the east portal, so both read on
        the same axis), and the design elevation of the tunnel crown (the line whose
        gradients the trains climb) as a thin grey line on a secondary axis when there is an
        alignment. Lines are thinned to about :data:`MAX_PROFILE_POINTS` points. A
        placeholder without operations.
    """
    title = "Speed profiles through the tunnel: eastbound solid, westbound dashed"
    o = a.operations
    if o is None:
        return empty_figure(title, "the scenario has no operations section")
    fig = go.Figure()
    al = a.alignment
    if al is not None:
        pr = al.profile
        inside = pr.inside()
        s = pr.s[inside]
        if s.size:
            idx = thin_indices(s.size)
            fig.add_trace(
                go.Scatter(
                    x=f32((s[idx] - s[0]) / 1000.0),
                    y=f32(pr.crown_z[inside][idx]),
                    yaxis="y2",
                    mode="lines",
                    line={"color": ELEVATION_COLOUR, "width": 1},
                    name="design elevation of the tunnel crown (right axis)",
                    hovertemplate="chainage %{x:,.2f} km<br>crown %{y:,.1f} m<extra></extra>",
                )
            )
    _add_runs(fig, o, lambda p: p.speed_m_s * 3.6, "%{y:,.0f} km/h", with_minutes=True)
    fig.update_xaxes(title_text="Chainage from the west portal (km)", rangemode="tozero")
    fig.update_yaxes(title_text="Speed (km/h)", rangemode="tozero")
    if al is not None:
        fig.update_layout(
            yaxis2={
                "title": {"text": "Design elevation (m above sea level)"},
                "overlaying": "y",
                "side": "right",
                "showgrid": False,
                "zeroline": False,
                "tickmode": "auto",
            }
        )
    fig.update_layout(showlegend=True)
    fig = layout(fig, title, 560, legend_top=True)
    fig.update_layout(margin={"r": 70})
    entries = 2 * len(o.train_types) + (al is not None)
    return _legend_rows(fig, math.ceil(entries / 3))


def headway_minutes(o: OperationsAssessment) -> FloatArray:
    """Return the minimum headway matrix in minutes, leader (rows) by follower (columns).

    Parameters
    ----------
    o : OperationsAssessment
        The operations results; rows and columns in the order of ``o.train_types``.

    Returns
    -------
    ndarray, shape (K, K)
        ``headway_s[(leader, follower)] / 60``.
    """
    names = o.train_types
    return np.array(
        [[o.headway_s[(lead, follow)] / 60.0 for follow in names] for lead in names],
        dtype=np.float64,
    )


def time_profiles(a: OperationsRun) -> go.Figure:
    """Time against chainage of every train type in both directions (time-distance graph).

    Parameters
    ----------
    a : OperationsRun
        The assessment; its ``operations.profiles`` give the runs.

    Returns
    -------
    plotly.graph_objects.Figure
        Minutes since entering the tunnel over chainage (km from the west portal): eastbound
        rising from the west portal, westbound from the east portal. The slope is the pace; a
        fast train behind a slow one must start later by the largest gap between the lines.
        A placeholder without operations.
    """
    title = "Time through the tunnel: eastbound solid, westbound dashed"
    o = a.operations
    if o is None:
        return empty_figure(title, "the scenario has no operations section")
    fig = go.Figure()
    _add_runs(fig, o, lambda p: p.time_s / 60.0, "%{y:,.1f} min after entry")
    fig.update_xaxes(title_text="Chainage from the west portal (km)", rangemode="tozero")
    fig.update_yaxes(title_text="Minutes after entering the tunnel", rangemode="tozero")
    fig.update_layout(showlegend=True)
    fig = layout(fig, title, 480, legend_top=True)
    return _legend_rows(fig, math.ceil(2 * len(o.train_types) / 3))


def headway_matrix(a: OperationsRun) -> go.Figure:
    """Heatmap of the minimum headway between consecutive trains, annotated in minutes.

    Parameters
    ----------
    a : OperationsRun
        The assessment; its ``operations.headway_s`` (the larger of the two directions).

    Returns
    -------
    plotly.graph_objects.Figure
        Minutes from leader (rows, first type on top) to follower (columns), each cell's
        value written in it. A placeholder without operations.
    """
    title = "Minimum headway (minutes): leader → follower"
    o = a.operations
    if o is None:
        return empty_figure(title, "the scenario has no operations section")
    names = [plot_text(n) for n in o.train_types]
    z = headway_minutes(o)
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=names,
            y=names,
            text=[[f"{v:,.1f}" for v in row] for row in z],
            texttemplate="%{text}",
            textfont={"size": 13},
            colorscale="Blues",
            zmin=0.0,
            colorbar={"title": {"text": "min"}},
            hovertemplate=(
                "leader %{y}<br>follower %{x}<br>minimum headway %{z:,.1f} min<extra></extra>"
            ),
        )
    )
    fig.update_xaxes(title_text="Follower", side="bottom", type="category")
    fig.update_yaxes(title_text="Leader", autorange="reversed", type="category", automargin=True)
    return layout(fig, title, 200 + 60 * len(names))


def capacity_mix(a: OperationsRun) -> go.Figure:
    """Capacity per direction as each type's share of the traffic varies.

    Parameters
    ----------
    a : OperationsRun
        The assessment; its ``operations.mix_curve`` (the other types keep their
        proportions), ``capacity`` and ``demand_per_day``.

    Returns
    -------
    plotly.graph_objects.Figure
        Trains a day per direction against each type's share (%), the scenario's mix marked
        on every curve, and the timetable's demand as a dashed horizontal line. A
        placeholder without operations.
    """
    title = "Capacity against traffic mix (trains a day per direction)"
    o = a.operations
    if o is None:
        return empty_figure(title, "the scenario has no operations section")
    shares = scenario_shares(a)
    cap = o.capacity.trains_per_day
    fig = go.Figure()
    order = {n: k for k, n in enumerate(o.train_types)}
    for name, (xs, ys) in o.mix_curve.items():
        fig.add_trace(
            go.Scatter(
                x=[100.0 * x for x in xs],
                y=list(ys),
                mode="lines",
                line={"color": _colour(order.get(name, 0)), "width": 2.5},
                name=plot_text(name),
                hovertemplate=(
                    f"{plot_text(name)} %{{x:.0f}} % of trains<br>%{{y:,.1f}} trains a day"
                    "<extra></extra>"
                ),
            )
        )
    marked = [n for n in o.mix_curve if n in shares]
    if marked:
        fig.add_trace(
            go.Scatter(
                x=[100.0 * shares[n] for n in marked],
                y=[cap] * len(marked),
                mode="markers",
                marker={
                    "symbol": "diamond",
                    "size": 12,
                    "color": [_colour(order.get(n, 0)) for n in marked],
                    "line": {"color": "#333333", "width": 1},
                },
                name=f"this scenario's mix: {cap:,.1f}",
                text=[plot_text(n) for n in marked],
                hovertemplate="scenario: %{text} %{x:.1f} %<br>%{y:,.1f} trains a day"
                "<extra></extra>",
            )
        )
    line = {"color": DEMAND_COLOUR, "width": 2, "dash": "dash"}
    fig.add_hline(y=o.demand_per_day, line=line)
    fig.add_trace(legend_entry(f"timetable's demand: {o.demand_per_day:,}", line=line))
    fig.update_xaxes(
        title_text="Share of one type in the traffic (%), the others in proportion",
        range=[0, 100],
    )
    fig.update_yaxes(title_text="Trains a day per direction", rangemode="tozero")
    fig.update_layout(showlegend=True)
    fig = layout(fig, title, 500, legend_top=True)
    return _legend_rows(fig, math.ceil((len(o.mix_curve) + 2) / 2))


def _ecdf_figure(
    values: FloatArray,
    marks: dict[str, float],
    *,
    title: str,
    axis: str,
    unit: str,
    colour: str,
    digits: int,
) -> go.Figure:
    """Empirical CDF over simulated years with P10, P50 and P90 marked from ``marks``."""
    if values.size == 0:
        return empty_figure(title, "no simulated years")
    x, p = ecdf_points(values)
    fig = go.Figure(
        go.Scatter(
            x=f32(x),
            y=f32(100.0 * p),
            mode="lines+markers" if x.size < 30 else "lines",
            line={"color": colour, "width": 2.5, "shape": "hv"},
            marker={"size": 4, "color": colour},
            name="share of years at or below",
            showlegend=False,
            hovertemplate=f"%{{x:,.{digits}f}}{unit}<br>%{{y:.1f}} % of years<extra></extra>",
        )
    )
    for label, key, q in ANNUAL_QUANTILES:
        xq = marks[key]
        mark_quantile(fig, xq, q, f"{label} {xq:,.{digits}f}{unit}", ax=-60)
    fig.update_xaxes(title_text=axis)
    fig.update_yaxes(title_text="Share of simulated years at or below (%)", range=[0, 101])
    return layout(fig, title, 440, legend_top=True)


def annual_trains(a: OperationsRun) -> go.Figure:
    """Empirical CDF of the trains run a year per direction over the simulated years.

    Parameters
    ----------
    a : OperationsRun
        The assessment; its ``operations.annual``.

    Returns
    -------
    plotly.graph_objects.Figure
        Per year, the trains that entered the bore averaged over the two directions (as in
        :meth:`~beringia.models.operations.OperationsAssessment.annual_summary`), with P10, P50 and
        P90 marked and the timetabled trains a year as a dashed vertical line. A placeholder
        without operations.
    """
    title = "Trains run a year per direction"
    o = a.operations
    if o is None:
        return empty_figure(title, "the scenario has no operations section")
    run = o.annual.trains_run_per_direction.astype(np.float64).mean(axis=1)
    marks = o.annual_summary()["trains_per_direction"]
    fig = _ecdf_figure(
        run,
        marks,
        title=title,
        axis="Trains run a year per direction (mean of the two directions)",
        unit="",
        colour=TRAINS_COLOUR,
        digits=0,
    )
    fig.update_xaxes(tickformat=",d")
    if run.size:
        timetabled = float(o.annual.trains_demanded.sum(axis=1).mean())
        line = {"color": DEMAND_COLOUR, "width": 2, "dash": "dot"}
        fig.add_vline(x=timetabled, line=line)
        fig.add_trace(legend_entry(f"timetabled: {timetabled:,.0f} a year", line=line))
        fig.update_layout(showlegend=True)
    return fig


def annual_availability(a: OperationsRun) -> go.Figure:
    """Empirical CDF of availability over the simulated years.

    Parameters
    ----------
    a : OperationsRun
        The assessment; its ``operations.annual.availability``.

    Returns
    -------
    plotly.graph_objects.Figure
        Availability (%) per year with P10, P50 and P90 marked. A placeholder without
        operations.
    """
    title = "Availability per simulated year"
    o = a.operations
    if o is None:
        return empty_figure(title, "the scenario has no operations section")
    marks = {k: 100.0 * v for k, v in o.annual_summary()["availability"].items()}
    return _ecdf_figure(
        100.0 * o.annual.availability,
        marks,
        title=title,
        axis="Availability: share of entry time open (%)",
        unit=" %",
        colour=AVAILABILITY_COLOUR,
        digits=1,
    )


OPERATIONS_FIGURES: Mapping[str, Callable[[OperationsRun], go.Figure]] = {
    "speed_profiles": speed_profiles,
    "time_profiles": time_profiles,
    "headway_matrix": headway_matrix,
    "capacity_mix": capacity_mix,
    "annual_trains": annual_trains,
    "annual_availability": annual_availability,
}
"""Figures of the operations section, by key, in page order (drawn with operations)."""


# --------------------------------------------------------------------------- tables


def _row(label: str, q: dict[str, float], fmt: str, unit: str, scale: float = 1.0) -> list[str]:
    return [label, unit] + [format(scale * q[k], fmt) for k in ("mean", "p10", "p50", "p90")]


def annual_rows(o: OperationsAssessment) -> list[list[str]]:
    """Return the annual key figures as table rows: label, unit, mean, P10, P50, P90.

    Parameters
    ----------
    o : OperationsAssessment
        The operations results.

    Returns
    -------
    list of list of str
        One row each for trains run, freight, TEU, trains not run (shortfall), availability
        and mean delay, formatted from :meth:`OperationsAssessment.annual_summary`: trains
        and TEU to the unit, Mt to 0.01, availability as a percentage to 0.1, delay to
        0.1 minute.
    """
    s = o.annual_summary()
    return [
        _row("Trains run per direction", s["trains_per_direction"], ",.0f", "trains a year"),
        _row("Freight per direction", s["freight_mt_per_direction"], ",.2f", "Mt a year"),
        _row("Containers per direction", s["teu_per_direction"], ",.0f", "TEU a year"),
        _row(
            "Trains timetabled but not run",
            s["shortfall_trains_per_direction"],
            ",.1f",
            "trains a year",
        ),
        _row("Availability", s["availability"], ".1f", "%", 100.0),
        _row("Mean delay at the portal", s["mean_delay_min"], ",.1f", "minutes"),
    ]


def disruption_rows(o: OperationsAssessment) -> list[dict[str, Any]]:
    """Return, per disruption type, the mean events a year and the share of years with one.

    Parameters
    ----------
    o : OperationsAssessment
        The operations results; ``annual.disruptions`` is events per year and type.

    Returns
    -------
    list of dict
        Keys ``name``, ``mean`` (events a year), ``share`` (of years with at least one,
        0 to 1) and ``max`` (most events in one year).
    """
    d = o.annual.disruptions
    out = []
    for t, name in enumerate(o.annual.disruption_names):
        col = d[:, t] if d.shape[0] else np.zeros(0, dtype=np.int64)
        out.append(
            {
                "name": name,
                "mean": float(col.mean()) if col.size else 0.0,
                "share": float(np.mean(col > 0)) if col.size else 0.0,
                "max": int(col.max()) if col.size else 0,
            }
        )
    return out


def clock(hours: float) -> str:
    """Format hours after midnight as a 24-hour clock time to the minute.

    Parameters
    ----------
    hours : float
        Hours after midnight, 0 to 24.

    Returns
    -------
    str
        E.g. ``"22:30"`` for 22.5; 24 h wraps to ``"00:00"``.
    """
    minutes = round(hours * 60.0)
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"


def operations_section(a: OperationsRun) -> dict[str, Any] | None:
    """Return what the report's operations section shows, None without operations.

    Parameters
    ----------
    a : OperationsRun
        The assessment; its ``operations`` and the scenario's timetable.

    Returns
    -------
    dict or None
        Capacity, the timetable's demand and any shortfall message, running times per type
        and direction, the annual rows (:func:`annual_rows`), the disruption rows
        (:func:`disruption_rows`), mean hours closed and in single-bore working a year, and
        the scenario figures the method sentence names.
    """
    o = a.operations
    ops = a.scenario.operations
    if o is None or ops is None:
        return None
    traffic = {t.train: t for t in ops.traffic}
    tt_run = o.timetable
    follows = tt_run if tt_run is not None and tt_run["follows"] == "demand" else None
    running = []
    for name in o.train_types:
        t = traffic.get(name)
        east = t.trains_per_day if t is not None else 0
        west = (
            east if t is None or t.westbound_trains_per_day is None else t.westbound_trains_per_day
        )
        if follows is not None and name == follows["train"]:
            east = follows["timetabled_trains_per_day"]["eastbound"]
            west = follows["timetabled_trains_per_day"]["westbound"]
        elif follows is not None and o.teu.get(name, 0.0) > 0:
            east = west = 0  # its boxes ride the demand's container trains
        running.append(
            {
                "name": name,
                "minutes": {d: o.profiles[d][name].total_s / 60.0 for d in DIRECTIONS},
                "trains": {"eastbound": east, "westbound": west},
                "payload_t": o.payload_t.get(name, 0.0),
                "teu": o.teu.get(name, 0.0),
            }
        )
    ann = o.annual
    years = ann.years
    m = ops.maintenance
    tt = ops.timetable
    return {
        "capacity": o.capacity.trains_per_day,
        "per_hour": o.capacity.trains_per_hour,
        "mean_headway_min": o.capacity.mean_headway_s / 60.0,
        "demand": o.demand_per_day,
        "timetable_basis": None
        if follows is None
        else (
            f"The timetable follows demand: the median {follows['teu_per_year']['eastbound']:,.0f}"
            f" TEU eastbound and {follows['teu_per_year']['westbound']:,.0f} westbound a year "
            f"(loaded and empty) fill {follows['trains_per_day']['eastbound']:.3g} and "
            f"{follows['trains_per_day']['westbound']:.3g} {follows['train']} trains a day, "
            "rounded to whole trains; passenger trains keep the scenario's timetable. Capacity "
            "and headways are those of the scenario's timetable mix."
        ),
        "shortfall": o.shortfall_message(),
        "running": running,
        "directions": DIRECTIONS,
        "annual": annual_rows(o),
        "years": years,
        "disruptions": disruption_rows(o),
        "closed_hours": float(ann.closed_hours.mean()) if years else 0.0,
        "single_bore_hours": float(ann.single_bore_hours.mean()) if years else 0.0,
        "occupancy_pct": 100.0 * ops.occupancy_limit,
        "timetable_hours": tt.hours,
        "open_hours": o.open_hours_per_day,
        "sequencing": tt.sequencing
        if tt.sequencing == "mixed"
        else f"flights of {tt.flight_size} trains of one type",
        "signalling": SIGNALLING_LABELS.get(ops.signalling.kind, ops.signalling.kind),
        "possession_hours": m.possession_hours,
        "possession_from": clock(m.possession_start_h),
        "green_min": m.single_bore_green_min,
        "switch_s": m.single_bore_switch_headway_s,
        "crossovers": ", ".join([*m.crossover_points, *(f"km {km:g}" for km in m.crossovers_km)]),
    }
