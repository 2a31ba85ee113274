"""Commands about scenario documents: list, show, validate, schema."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.markup import escape

from beringia.cli.base import app, fail, out
from beringia.cli.options import OverridesOpt
from beringia.errors import BeringiaError


@app.command()
def scenarios(
    hindcasts: Annotated[
        bool, typer.Option("--hindcasts", help="List the built-in hindcasts (built tunnels).")
    ] = False,
) -> None:
    """List the built-in scenarios (or hindcasts), one line each."""
    from beringia.scenario.io import builtin_names, hindcast_names, load_scenario

    for name in hindcast_names() if hindcasts else builtin_names():
        sc = load_scenario(name)
        out.print(f"{name:<28} {escape(sc.title)}")


@app.command()
def show(name: Annotated[str, typer.Argument(help="Built-in scenario name.")]) -> None:
    """Print the TOML of a built-in scenario."""
    from beringia.scenario.io import builtin_text

    try:
        text = builtin_text(name)
    except BeringiaError as exc:
        raise fail(exc) from None
    sys.stdout.write(text)


@app.command()
def validate(
    file: Annotated[str, typer.Argument(help="Scenario TOML file (or built-in name).")],
    overrides: OverridesOpt = None,
) -> None:
    """Check a scenario as deeply as assess and hindcast do; print what it describes."""
    import beringia

    try:
        result = beringia.validate(file, overrides or [])
    except BeringiaError as exc:
        raise fail(exc) from None
    for line in result.lines():
        out.print(escape(line))


@app.command()
def schema() -> None:
    """Print the JSON Schema of the scenario document."""
    from beringia.scenario.io import scenario_schema

    sys.stdout.write(json.dumps(scenario_schema(), indent=2) + "\n")
