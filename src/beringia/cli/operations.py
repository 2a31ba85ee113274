"""``beringia operations``: running times, headways, capacity and simulated years of traffic."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from beringia.cli.base import app, err, fail, out, report_written, write_page
from beringia.cli.options import (
    DEFAULT_SCENARIO,
    FiguresOpt,
    JsonOpt,
    OverridesOpt,
    PageOpt,
    ScenarioArg,
    SeedOpt,
)
from beringia.errors import BeringiaError
from beringia.output import check_output_path


def _q(q: dict[str, float], fmt: str) -> list[str]:
    return [format(q[k], fmt) for k in ("mean", "p10", "p50", "p90")]


def _print(d: dict[str, Any], title: str, name: str) -> None:
    out.print(f"[bold]{escape(title)}[/]  ({escape(name)}), {d['simulated_years']:,} years")
    rt = Table(title="Running time through the tunnel (min)", title_justify="left")
    for col in ("train", "eastbound", "westbound"):
        rt.add_column(col, justify="left" if col == "train" else "right")
    by_dir = d["running_time_min_by_direction"]
    for k in d["running_time_min"]:
        rt.add_row(escape(k), f"{by_dir['eastbound'][k]:.1f}", f"{by_dir['westbound'][k]:.1f}")
    out.print(rt)
    names = list(d["running_time_min"])
    ht = Table(title="Minimum headway (s), leader (row) -> follower (column)", title_justify="left")
    ht.add_column("")
    for b in names:
        ht.add_column(escape(b), justify="right")
    for a in names:
        ht.add_row(escape(a), *[f"{d['min_headway_s'][f'{a}->{b}']:.0f}" for b in names])
    out.print(ht)
    out.print(
        f"Capacity: [bold]{d['capacity_trains_per_day_per_direction']:.0f}[/] trains a day per "
        f"direction (mean headway {d['capacity_mean_headway_s']:.0f} s); timetable asks for "
        f"{d['demand_trains_per_day_per_direction']}."
    )
    if d["shortfall"]:
        out.print(f"[yellow]shortfall:[/] {escape(d['shortfall'])}")
    at = Table(title="A simulated year, per direction", title_justify="left")
    for col in ("", "mean", "P10", "P50", "P90"):
        at.add_column(col, justify="left" if not col else "right")
    a = d["annual"]
    at.add_row("trains run", *_q(a["trains_per_direction"], ",.0f"))
    at.add_row("freight (Mt)", *_q(a["freight_mt_per_direction"], ".2f"))
    at.add_row("TEU", *_q(a["teu_per_direction"], ",.0f"))
    at.add_row("availability", *_q(a["availability"], ".3f"))
    at.add_row("mean delay (min)", *_q(a["mean_delay_min"], ".1f"))
    at.add_row("trains not run", *_q(a["shortfall_trains_per_direction"], ",.0f"))
    out.print(at)


@app.command()
def operations(
    scenario: ScenarioArg = DEFAULT_SCENARIO,
    years: Annotated[
        int | None,
        typer.Option(
            "--years",
            "-y",
            help="Replicated years of traffic.",
            show_default="the scenario's operations.simulated_years",
        ),
    ] = None,
    seed: SeedOpt = 2025,
    overrides: OverridesOpt = None,
    as_json: JsonOpt = False,
    report: PageOpt = None,
    figures: FiguresOpt = None,
) -> None:
    """Print running times, the headway matrix, capacity and simulated years of traffic."""
    import beringia

    written = None
    try:
        sc = beringia.load_scenario(scenario, overrides or [])
        if report is not None:
            check_output_path(report, field="--report")
        if figures is not None:
            from beringia.report.export import check_figures_dir

            check_figures_dir(figures)
        result = beringia.operations(sc, seed=seed, years=years)
        if report is not None or figures is not None:
            from beringia.models.alignment import alignment_for
            from beringia.report.operations_page import OperationsView, write_operations_report

            view = OperationsView(sc, result, alignment_for(sc))
        if report is not None:
            written = write_page(report, lambda p: write_operations_report(view, p, seed=seed))
        if figures is not None:
            from beringia.report.export import write_figures
            from beringia.report.operations_figures import OPERATIONS_FIGURES

            images = write_figures({k: b(view) for k, b in OPERATIONS_FIGURES.items()}, figures)
    except BeringiaError as exc:
        raise fail(exc) from None
    d = result.to_dict()
    if as_json:
        sys.stdout.write(json.dumps(d, indent=2) + "\n")
    else:
        _print(d, sc.title or sc.name, sc.name)
    report_written(written, as_json=as_json)
    if figures is not None:
        (err if as_json else out).print(f"{len(images)} images in {escape(str(figures))}")
