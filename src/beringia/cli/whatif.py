"""``beringia whatif``: what would have to be true for a claim to become likely."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.markup import escape

from beringia.cli.base import app, fail, out
from beringia.cli.options import (
    DEFAULT_SCENARIO,
    DrawsOpt,
    JsonOpt,
    OverridesOpt,
    ProcessesOpt,
    SeedOpt,
)
from beringia.cli.progress import stage_bars
from beringia.errors import BeringiaError
from beringia.models.numfmt import percent

ClaimArg = Annotated[
    str,
    typer.Argument(help="The claim: its number in the scenario (from 1), name, or start of name."),
]
WhatIfScenarioArg = Annotated[
    str, typer.Argument(help="Built-in scenario name or TOML file.", show_default=True)
]
InputOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--input",
        help="An uncertain construction input to move (its path; repeatable). Default: the "
        "--top inputs most correlated with the claim's cost and time.",
    ),
]
TopOpt = Annotated[int, typer.Option("--top", help="How many inputs when --input is not given.")]


@app.command()
def whatif(
    claim: ClaimArg,
    scenario: WhatIfScenarioArg = DEFAULT_SCENARIO,
    inputs: InputOpt = None,
    top: TopOpt = 6,
    draws: DrawsOpt = 2_000,
    seed: SeedOpt = 2025,
    overrides: OverridesOpt = None,
    as_json: JsonOpt = False,
    processes: ProcessesOpt = 1,
) -> None:
    """Find what would have to be true for a claim: where its chance reaches 10 % and 50 %.

    Each chosen input is fixed at levels away from its median, in the direction that helps,
    one at a time and then all together (each at the same favourable quantile of its own
    distribution), on common random numbers; each level is set beside the scenario's own
    range for that input, and the claim beside the tunnels built and the advance records.
    """
    from beringia.pipeline.whatif import what_if

    try:
        with stage_bars(not as_json and sys.stdout.isatty()) as progress:
            w = what_if(
                scenario,
                claim,
                overrides=overrides or [],
                inputs=inputs,
                top=top,
                draws=draws,
                seed=seed,
                processes=processes,
                progress=progress,
            )
    except BeringiaError as exc:
        raise fail(exc) from None
    if as_json:
        sys.stdout.write(json.dumps(w.to_dict(), indent=2) + "\n")
        return
    out.print(
        f"[bold]{escape(w.claim.name)}[/] under {escape(w.scenario.name)}: "
        f"{percent(w.baseline_probability, w.draws)} as the scenario stands "
        f"({w.draws:,} construction draws, seed {w.seed})."
    )
    for line in w.records:
        out.print(f"- {escape(line)}")
    out.print("What would have to be true, one input at a time, then all together:")
    for line in w.sentences():
        out.print(f"- {escape(line)}")
