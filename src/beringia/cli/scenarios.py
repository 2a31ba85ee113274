"""Commands about scenario documents: list, show, validate, schema."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.markup import escape

from beringia.cli.base import app, fail, out
from beringia.errors import BeringiaError
from beringia.models.alignment import alignment_for
from beringia.models.construction.compile import compile_construction
from beringia.models.corridor.run import scenario_plan
from beringia.models.operations import assess_operations, compile_operations
from beringia.scenario.io import (
    builtin_names,
    builtin_text,
    hindcast_names,
    load_scenario,
    scenario_schema,
)


@app.command()
def scenarios(
    hindcasts: Annotated[
        bool, typer.Option("--hindcasts", help="List the built-in hindcasts (built tunnels).")
    ] = False,
) -> None:
    """List the built-in scenarios (or hindcasts), one line each."""
    for name in hindcast_names() if hindcasts else builtin_names():
        sc = load_scenario(name)
        out.print(f"{name:<28} {escape(sc.title)}")


@app.command()
def show(name: Annotated[str, typer.Argument(help="Built-in scenario name.")]) -> None:
    """Print the TOML of a built-in scenario."""
    try:
        text = builtin_text(name)
    except BeringiaError as exc:
        raise fail(exc) from None
    sys.stdout.write(text)


@app.command()
def validate(
    file: Annotated[str, typer.Argument(help="Scenario TOML file (or built-in name).")],
    overrides: Annotated[
        list[str] | None, typer.Option("--set", help="Override a field: path=value.")
    ] = None,
) -> None:
    """Check a scenario document; print what it describes or the first error."""
    try:
        sc = load_scenario(file, overrides or [])
        alignment = alignment_for(sc)
        inp = compile_construction(sc, alignment)  # places attack points and zones on the route
        # running times and headways too: a train too weak to climb is an error here
        ops = None if sc.operations is None else compile_operations(sc, alignment)
        plan = None
        if sc.corridor is not None:  # the network, places and routes: a few simulated years
            plan = scenario_plan(sc, assess_operations(sc, alignment, seed=0, years=VALIDATE_YEARS))
    except BeringiaError as exc:
        raise fail(exc) from None
    pts = ", ".join(p.name for p in sc.route.attack_points)
    out.print(
        escape(
            f"ok: {sc.name} - {inp.length_m / 1000:g} km, {len(sc.construction.bores)} bores, "
            f"attack points: {pts}"
        )
    )
    if ops is not None:
        out.print(
            escape(
                f"operations: {len(ops.names)} train types, capacity "
                f"{ops.capacity.trains_per_day:.0f} trains a day per direction"
            )
        )
    if plan is not None:
        new_km = sum(plan.new_km.values())
        out.print(
            escape(
                f"corridor: {len(plan.network.nodes)} nodes, {len(plan.network.segments)} "
                f"segments, {new_km:,.0f} km of new line besides the tunnel, "
                f"{len(plan.pairs)} route pairs"
            )
        )


VALIDATE_YEARS = 4
"""Simulated years of operations ``validate`` runs to plan a corridor (availability)."""


@app.command()
def schema() -> None:
    """Print the JSON Schema of the scenario document."""
    sys.stdout.write(json.dumps(scenario_schema(), indent=2) + "\n")
