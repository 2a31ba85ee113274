"""The options several commands share, declared once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from beringia.scenario.defaults import DEFAULT_SCENARIO

__all__ = [
    "DEFAULT_SCENARIO",
    "DrawsOpt",
    "DrawsOutOpt",
    "FiguresOpt",
    "JsonOpt",
    "OverridesOpt",
    "PageOpt",
    "ProcessesOpt",
    "ReportOpt",
    "ScenarioArg",
    "SchedulerOpt",
    "SeedOpt",
]

ScenarioArg = Annotated[
    str, typer.Argument(help="Built-in scenario name or TOML file.", show_default=True)
]
OverridesOpt = Annotated[
    list[str] | None,
    typer.Option("--set", help="Override a scenario field: path=value (repeatable)."),
]
DrawsOpt = Annotated[int, typer.Option("--draws", "-n", help="Monte Carlo draws (1 to 10^8).")]
SeedOpt = Annotated[int, typer.Option("--seed", "-s", help="Seed of all random streams.")]
JsonOpt = Annotated[
    bool, typer.Option("--json", help="Print one JSON object on stdout and nothing else.")
]
ProcessesOpt = Annotated[
    int, typer.Option("--processes", "-j", help="Worker processes (results do not change).")
]
SchedulerOpt = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        help=(
            "Run on Dask: local (a LocalCluster on this machine, -j workers or one per CPU; "
            "the default when -j is over 1) or tcp://HOST:PORT (an existing cluster whose "
            "workers have beringia). Results do not change."
        ),
        show_default="this process; local with -j over 1",
    ),
]
ReportOpt = Annotated[
    Path | None,
    typer.Option(
        "--report",
        help="Write the HTML report to this file.",
        show_default="reports/<scenario>.html; none with --json",
    ),
]
PageOpt = Annotated[
    Path | None,
    typer.Option(
        "--report",
        help="Also write the HTML report of this run to this file.",
        show_default="none",
    ),
]
FiguresOpt = Annotated[
    Path | None,
    typer.Option(
        "--figures",
        help=(
            "Also write every chart of the report as SVG and PNG into this folder (drawn by "
            "kaleido with the system Chromium)."
        ),
        show_default="none",
    ),
]
DrawsOutOpt = Annotated[
    Path | None,
    typer.Option(
        "--draws-out",
        help=(
            "Also write every draw's sampled inputs and results to this Parquet file (units "
            "in the column names and metadata, the scenario's SHA-256 in the metadata)."
        ),
    ),
]
