"""``beringia sweep``: a scenario at many settings of chosen inputs, on common random numbers."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from beringia.cli.base import app, fail, files_written, out
from beringia.cli.options import (
    DEFAULT_SCENARIO,
    DrawsOpt,
    JsonOpt,
    OverridesOpt,
    ProcessesOpt,
    ScenarioArg,
    SchedulerOpt,
    SeedOpt,
)
from beringia.cli.progress import stage_bars
from beringia.cli.scheduling import scheduled
from beringia.errors import BeringiaError, ScenarioError
from beringia.models.numfmt import percent
from beringia.output import check_output_path

if TYPE_CHECKING:
    from beringia.pipeline.sweep import Sweep

VaryOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--vary",
        help=(
            "An input to vary: path=v1,v2,... or path=low:high:n (n evenly spaced values), or "
            "path=low:high with --lhs (repeatable; several --vary make a grid of every "
            "combination)."
        ),
    ),
]
LhsOpt = Annotated[
    int | None,
    typer.Option("--lhs", help="Sample N points of a Latin hypercube over the --vary ranges."),
]
OutOpt = Annotated[
    Path | None,
    typer.Option("--out", help="Write the table of points to a .csv or .parquet file."),
]
SweepReportOpt = Annotated[
    Path | None,
    typer.Option("--report", help="Write the sweep's HTML page (charts and table) to this file."),
]


@app.command()
def sweep(
    scenario: ScenarioArg = DEFAULT_SCENARIO,
    vary: VaryOpt = None,
    lhs: LhsOpt = None,
    draws: DrawsOpt = 5_000,
    seed: SeedOpt = 2025,
    overrides: OverridesOpt = None,
    as_json: JsonOpt = False,
    table_out: OutOpt = None,
    report: SweepReportOpt = None,
    processes: ProcessesOpt = 1,
    scheduler: SchedulerOpt = None,
) -> None:
    """Run a scenario at every point of a grid or Latin hypercube of inputs.

    Every point runs with the same seed and draws (common random numbers); the table gives
    the P10, P50 and P90 of cost, time and NPV and each claim's probability per point.
    """
    from beringia.pipeline.scheduler import cli_scheduler
    from beringia.pipeline.sweep import grid_points, lhs_points, parse_vary
    from beringia.pipeline.sweep import sweep as run_sweep

    try:
        where = cli_scheduler(scheduler, processes)
        axes = [parse_vary(v) for v in vary or []]
        if not axes:
            raise ScenarioError("--vary", "(none)", "a sweep of zero points; give --vary")
        points = lhs_points(axes, lhs, seed) if lhs is not None else grid_points(axes)
        if table_out is not None:
            if table_out.suffix.lower() not in (".csv", ".parquet"):
                raise ScenarioError("--out", str(table_out), "allowed: a .csv or .parquet file")
            check_output_path(table_out, field="--out")
        if report is not None:
            check_output_path(report, field="--report")
        with (
            scheduled(where, processes) as cluster,
            stage_bars(not as_json and sys.stdout.isatty()) as progress,
        ):
            result = run_sweep(
                scenario,
                points,
                overrides=overrides or [],
                draws=draws,
                seed=seed,
                processes=processes,
                design="grid" if lhs is None else "lhs",
                progress=progress,
                scheduler=cluster,
            )
        written = _write(result, table_out, report)
    except BeringiaError as exc:
        raise fail(exc) from None
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(), indent=2) + "\n")
    else:
        _print(result)
    files_written(written, as_json=as_json)


def _write(result: Sweep, table_out: Path | None, report: Path | None) -> list[Path]:
    from beringia.output import write_atomic
    from beringia.report.sweep import write_sweep_report

    written = []
    try:
        if table_out is not None:
            frame = result.to_frame()
            if table_out.suffix.lower() == ".csv":
                data: str | bytes = frame.to_csv()
            else:
                import io

                buffer = io.BytesIO()
                frame.to_parquet(buffer)
                data = buffer.getvalue()
            written.append(write_atomic(data, table_out, field="--out"))
        if report is not None:
            written.append(write_sweep_report(result, report))
    except OSError as exc:
        raise ScenarioError(
            "--out/--report", exc.filename, f"cannot write: {exc.strerror}"
        ) from None
    return written


def _print(sw: Sweep) -> None:
    out.print(
        f"[bold]{escape(sw.scenario.name)}[/]: {len(sw.points):,} points "
        f"({'Latin hypercube' if sw.design == 'lhs' else 'grid'}), {sw.n_draws:,} draws each, "
        f"seed {sw.seed}, common random numbers"
    )
    t = Table()
    for path in sw.paths:
        t.add_column(path.rsplit(".", 1)[-1], justify="right")
    for col in ("cost P50", "cost P90", "years P50", "years P90"):
        t.add_column(col, justify="right")
    has_npv = "tunnel_npv_usd_bn" in sw.points[0].metrics
    if has_npv:
        t.add_column("tunnel NPV P50", justify="right")
    claims = list(sw.points[0].claims)
    for i, _ in enumerate(claims):
        t.add_column(f"claim {i + 1}", justify="right")
    for point in sw.points:
        c, y = point.metrics["cost_usd_bn"], point.metrics["duration_years"]
        row = [f"{v:.4g}" if isinstance(v, float) else str(v) for v in point.values.values()]
        row += [f"{c['p50']:.1f}", f"{c['p90']:.1f}", f"{y['p50']:.1f}", f"{y['p90']:.1f}"]
        if has_npv:
            row.append(f"{point.metrics['tunnel_npv_usd_bn']['p50']:.1f}")
        row += [percent(point.claims[n], sw.n_draws) for n in claims]
        t.add_row(*row)
    out.print(t)
    out.print(
        "Cost in USD bn (2025), years of construction, NPV in USD bn. Varied: "
        + ", ".join(sw.paths)
    )
    for i, name in enumerate(claims):
        out.print(f"claim {i + 1}: {escape(name)}")
