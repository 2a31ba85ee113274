"""``beringia alignment``: the tunnel's geometry and its length table."""

from __future__ import annotations

import typer
from rich.markup import escape
from rich.table import Table

from beringia.cli.base import app, fail, out
from beringia.cli.options import DEFAULT_SCENARIO, OverridesOpt, ScenarioArg
from beringia.errors import BeringiaError, ScenarioError


@app.command()
def alignment(
    scenario: ScenarioArg = DEFAULT_SCENARIO,
    overrides: OverridesOpt = None,
) -> None:
    """Print the tunnel's geometry and its length against gradient limit and cover."""
    from beringia.models.alignment import alignment_for, length_table
    from beringia.scenario.io import load_scenario

    try:
        sc = load_scenario(scenario, overrides or [])
        result = alignment_for(sc)
        if result is None:
            raise ScenarioError(
                "alignment",
                "(missing)",
                "this scenario types its chainages in; it has no alignment",
            )
        table = length_table(sc)
    except BeringiaError as exc:
        raise fail(exc) from None
    al = sc.alignment
    if al is None:  # alignment_for returned a result, so there is a section
        raise typer.Exit(code=1)
    sm = result.summary
    out.print(f"[bold]{escape(sc.title or sc.name)}[/]  ({escape(sc.name)})")
    geo_t = Table(title="Geometry", title_justify="left")
    geo_t.add_column("")
    geo_t.add_column("value", justify="right")
    for label, value in (
        ("tunnel length (portal to portal)", f"{sm.tunnel_length_km:.2f} km"),
        ("under the sea", f"{sm.undersea_length_km:.2f} km"),
        ("deepest invert below sea level", f"{sm.max_depth_below_sea_m:.1f} m"),
        ("water pressure there", f"{sm.max_water_pressure_bar:.1f} bar"),
        ("steepest gradient", f"{sm.max_gradient_permille:.2f} per mille"),
        (
            "gradient limit / minimum cover",
            f"{al.max_gradient_permille:g} per mille / {al.min_cover_m:g} m",
        ),
    ):
        geo_t.add_row(label, value)
    out.print(geo_t)
    pts = Table(title="Attack points and shores (km from the west portal)", title_justify="left")
    pts.add_column("place")
    pts.add_column("km", justify="right")
    places = [(a.name, a.chainage_km, a.kind) for a in result.attack_points]
    places += [(n, result.places_m[n] / 1000, "shore") for n in ("west-shore", "east-shore")]
    for name, km, kind in sorted(places, key=lambda p: p[1]):
        pts.add_row(escape(f"{name} ({kind})"), f"{km:.2f}")
    out.print(pts)
    covers = sorted({c for _, c, _ in table})
    lt = Table(title="Tunnel length (km) by gradient limit and cover", title_justify="left")
    lt.add_column("gradient limit")
    for c in covers:
        lt.add_column(f"cover {c:g} m", justify="right")
    for g in sorted({g for g, _, _ in table}):
        cells = [
            "-" if length is None else f"{length:.1f}"
            for gg, _, length in sorted(table, key=lambda r: r[1])
            if gg == g
        ]
        lt.add_row(f"{g:g} per mille", *cells)
    out.print(lt)
    out.print("'-': no profile fits: a ramp runs out of land before reaching its portal.")
