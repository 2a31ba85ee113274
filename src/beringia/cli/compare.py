"""``beringia compare``: scenarios and variants on common random numbers, draw by draw."""

from __future__ import annotations

import json
import math
import sys
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from beringia.cli.base import app, fail, out
from beringia.cli.options import (
    DrawsOpt,
    JsonOpt,
    OverridesOpt,
    ProcessesOpt,
    SchedulerOpt,
    SeedOpt,
)
from beringia.cli.progress import stage_bars
from beringia.cli.scheduling import scheduled
from beringia.errors import BeringiaError
from beringia.models.numfmt import fixed, percent

if TYPE_CHECKING:
    from beringia.pipeline.compare import Comparison

ScenariosArg = Annotated[
    list[str],
    typer.Argument(
        help="Scenarios to compare (built-in names or TOML files); the first is the baseline."
    ),
]
VariantOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--variant",
        help=(
            "A variant of the first scenario: path=value overrides separated by spaces, "
            "quoted as in a shell (repeatable)."
        ),
    ),
]


@app.command()
def compare(
    scenarios: ScenariosArg,
    variants: VariantOpt = None,
    draws: DrawsOpt = 10_000,
    seed: SeedOpt = 2025,
    overrides: OverridesOpt = None,
    as_json: JsonOpt = False,
    processes: ProcessesOpt = 1,
    scheduler: SchedulerOpt = None,
) -> None:
    """Compare scenarios or variants draw by draw on common random numbers.

    Each variant runs with the same seed and draws, so every input they share takes the same
    value in the same draw; the table gives the paired difference (variant - baseline), the
    probability that the variant does better, and how much less noise pairing leaves than two
    independent runs would. --set applies to every variant.
    """
    from beringia.pipeline.compare import compare as run_compare
    from beringia.pipeline.compare import variants_from_arguments
    from beringia.pipeline.scheduler import cli_scheduler

    try:
        where = cli_scheduler(scheduler, processes)
        chosen = variants_from_arguments(scenarios, variants or [], overrides or [])
        with (
            scheduled(where, processes) as cluster,
            stage_bars(not as_json and sys.stdout.isatty()) as progress,
        ):
            result = run_compare(
                chosen,
                draws=draws,
                seed=seed,
                processes=processes,
                progress=progress,
                scheduler=cluster,
            )
    except BeringiaError as exc:
        raise fail(exc) from None
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(), indent=2) + "\n")
        return
    _print(result)


def _fmt(x: float) -> str:
    return fixed(x, 2)


def _reduction(r: float) -> str:
    return "no noise" if math.isinf(r) else f"{r:,.1f}"


def _print(c: Comparison) -> None:
    base = c.variants[0]
    out.print(
        f"Baseline: [bold]{escape(base.label)}[/] ({escape(c.scenarios[0].name)}); "
        f"{c.n_draws:,} draws, seed {c.seed}, common random numbers"
    )
    for v, rows in zip(c.variants[1:], c.results, strict=True):
        t = Table(title=f"{v.label} against the baseline", title_justify="left")
        for col in ("", "baseline P50", "variant P50", "difference P50 (P10 to P90)", "better"):
            t.add_column(col, justify="left" if not col else "right")
        t.add_column("noise ÷", justify="right")
        for r in rows:
            d = r.difference
            t.add_row(
                f"{r.label}, {r.unit}",
                _fmt(r.baseline["p50"]),
                _fmt(r.variant["p50"]),
                f"{_fmt(d['p50'])} ({_fmt(d['p10'])} to {_fmt(d['p90'])})",
                percent(r.p_variant_better, c.n_draws),
                _reduction(r.noise_reduction),
            )
        out.print(t)
    out.print(
        "difference: variant - baseline in the same draw. better: the share of draws in which "
        "the variant has the lower cost or time, or the higher NPV (ties count one half). "
        "noise ÷: how many times smaller the standard error of the mean difference is than "
        "two independent runs would leave (pairing is worth that factor squared in draws)."
    )
