"""``beringia assess``: the main job, its terminal summary, JSON and report."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from beringia.cli.base import app, err, fail, out
from beringia.cli.corridor import corridor_lines
from beringia.cli.options import (
    DEFAULT_SCENARIO,
    DrawsOpt,
    DrawsOutOpt,
    FiguresOpt,
    JsonOpt,
    OverridesOpt,
    ProcessesOpt,
    ReportOpt,
    ScenarioArg,
    SchedulerOpt,
    SeedOpt,
)
from beringia.cli.progress import stage_bars
from beringia.cli.scheduling import scheduled
from beringia.errors import BeringiaError, ScenarioError
from beringia.models.numfmt import fixed, money_bn, percent, signed, span
from beringia.output import check_output_path

if TYPE_CHECKING:
    import beringia
    from beringia.pipeline import Assessment
    from beringia.store import RunStore

CALIBRATED_DRIVERS = 5
"""Inputs named on the line of what moves the calibrated forecast."""


@app.command()
def assess(
    scenario: ScenarioArg = DEFAULT_SCENARIO,
    draws: DrawsOpt = 20_000,
    seed: SeedOpt = 2025,
    overrides: OverridesOpt = None,
    as_json: JsonOpt = False,
    report: ReportOpt = None,
    processes: ProcessesOpt = 1,
    draws_out: DrawsOutOpt = None,
    figures: FiguresOpt = None,
    save: Annotated[
        bool, typer.Option("--save", help="Keep the run in the run store (see beringia runs).")
    ] = False,
    name: Annotated[
        str | None, typer.Option("--name", help="Name of the saved run (with --save).")
    ] = None,
    scheduler: SchedulerOpt = None,
) -> None:
    """Assess a scenario: Monte Carlo cost, schedule and claim probabilities."""
    import beringia
    from beringia.pipeline.assess import check_run_arguments
    from beringia.pipeline.scheduler import cli_scheduler
    from beringia.pipeline.streamed import check_draws_out

    try:
        check_run_arguments(draws, seed, processes)
        where = cli_scheduler(scheduler, processes)
        sc = beringia.load_scenario(scenario, overrides or [])
        path = (
            report
            if report is not None
            else (None if as_json else Path("reports") / f"{sc.name}.html")
        )
        if path is not None:
            check_output_path(path, field="--report")
        if draws_out is not None:
            check_output_path(draws_out, field="--draws-out")
            check_draws_out(draws)
        if figures is not None:
            from beringia.report.export import check_figures_dir

            check_figures_dir(figures)
        if name is not None and not save:
            raise ScenarioError("--name", name, "give --save too (a name is for a saved run)")
        with scheduled(where, processes) as cluster:  # reached before anything is saved
            store, run_id = _start_saved(sc, seed, draws, name) if save else (None, None)
            try:
                with stage_bars(not as_json and sys.stdout.isatty()) as progress:
                    result = beringia.assess(
                        sc,
                        draws=draws,
                        seed=seed,
                        processes=processes,
                        progress=progress,
                        scheduler=cluster,
                    )
            except BaseException as exc:
                if store is not None and run_id is not None:
                    store.fail(run_id, f"{type(exc).__name__}: {exc}")
                raise
        if store is not None and run_id is not None:
            # a streamed run (over STREAM_DRAWS draws) keeps its reductions, not its draws
            saved = store.finish(run_id, result, with_draws=result.streamed is None)
            (err if as_json else out).print(f"saved as run {escape(saved.label)}")
        if path is not None:
            try:
                written = beringia.write_report(result, path)
            except OSError as exc:
                raise ScenarioError(
                    "--report", str(path), f"cannot write: {exc.strerror}"
                ) from None
        else:
            written = None
        images = []
        if figures is not None:
            from beringia.report.export import write_figures
            from beringia.report.figures import all_figures

            images = write_figures(all_figures(result), figures)
        if draws_out is not None:
            try:
                beringia.write_draws(result, draws_out)
            except OSError as exc:
                raise ScenarioError(
                    "--draws-out", str(draws_out), f"cannot write: {exc.strerror}"
                ) from None
    except BeringiaError as exc:
        raise fail(exc) from None
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(), indent=2) + "\n")
        if written is not None:
            err.print(f"report written to {escape(str(written))}")
        if images:
            err.print(f"{len(images)} images written to {escape(str(figures))}")
        return
    _print_summary(result)
    if written is not None:
        out.print(f"\nReport: [bold]{escape(str(written))}[/]")
    if images:
        out.print(f"Figures: [bold]{len(images)}[/] images in {escape(str(figures))}")


def _start_saved(
    sc: beringia.Scenario, seed: int, draws: int, name: str | None
) -> tuple[RunStore, int]:
    """Open the store and record the run as running (before the Monte Carlo)."""
    from beringia import __version__
    from beringia.cli.runs import _store
    from beringia.scenario.io import scenario_hash

    store = _store()
    return store, store.start(sc, scenario_hash(sc), seed, draws, name, __version__)


def _q_row(name: str, q: dict[str, float], fmt: str) -> list[str]:
    return [name] + [signed(format(q[k], fmt)) for k in ("mean", "p10", "p50", "p80", "p90")]


def _print_summary(a: Assessment) -> None:
    d = a.to_dict()
    c = d["construction"]
    out.print(
        f"[bold]{escape(a.scenario.title or a.scenario.name)}[/]  ({escape(a.scenario.name)})"
    )
    out.print(
        f"{a.n_draws:,} draws, seed {a.seed}, scenario sha256 {a.scenario_sha256[:12]}, "
        f"{a.provenance['total_seconds']:.1f} s"
    )
    counts = d["scenario"]["inputs"]
    missing = f", {counts['missing_source']} without a source" if counts["missing_source"] else ""
    out.print(
        f"{counts['inputs']} input figures: {counts['assumed']} assumed by this project, "
        f"{counts['unverified']} unverified{missing} (see the report's inputs table)"
    )
    t = Table(title="Construction", title_justify="left")
    for col in ("", "mean", "P10", "P50", "P80", "P90"):
        t.add_column(col, justify="right" if col else "left")
    t.add_row(*_q_row("cost (USD bn, 2025)", c["cost_usd_bn"], ".1f"))
    t.add_row(*_q_row("duration (years)", c["duration_years"], ".1f"))
    out.print(t)
    iv = c["inside_view"]
    ic, iy = iv["cost_usd_bn"], iv["duration_years"]
    if ic != c["cost_usd_bn"] or iy != c["duration_years"]:
        out.print(
            f"Inside view (bottom-up and named risks, no project-wide factors): cost P10 / P50 / "
            f"P90 {ic['p10']:,.1f} / {ic['p50']:,.1f} / {ic['p90']:,.1f}; duration "
            f"{iy['p10']:,.1f} / {iy['p50']:,.1f} / {iy['p90']:,.1f} years. The table above "
            "(the headline) adds the project-wide factors from reference classes, which the "
            "bottom-up misses (scope growth, estimating bias, disputes)."
        )
    else:
        out.print(
            "The table above (the headline) is the inside view: bottom-up and named risks; "
            "this scenario has no project-wide factors."
        )
    cal = c.get("calibrated_forecast")
    if cal is not None:
        cc, cy = cal["cost_usd_bn"], cal["duration_years"]
        f = cal["model_error"]["factor_p10_p50_p90"]
        out.print(
            f"Calibrated (the inside view times the model error learned from "
            f"{cal['model_error']['blind_hindcasts']} blind hindcasts, "
            f"{cal['model_error']['blind_hindcasts_with_cost']} of them with a tunnel cost; "
            f"cost factor {f['cost'][0]:.2f} / {f['cost'][1]:.2f} / {f['cost'][2]:.2f}): cost "
            f"P10 / P50 / P90 {cc['p10']:,.1f} / {cc['p50']:,.1f} / {cc['p90']:,.1f}; duration "
            f"{cy['p10']:,.1f} / {cy['p50']:,.1f} / {cy['p90']:,.1f} years. Not the headline: "
            "that error was learned on bottom-ups priced from earlier tunnels' unit costs, not "
            "on this one, and as an empirical band it is held neither to the machines' caps "
            "nor to the bottom-up base (the report says why)."
        )
        bars = cal.get("tornado") or []
        if bars:
            top = "; ".join(
                f"{b['input']} {b['cost_rank_corr']:+.2f} / {b['duration_rank_corr']:+.2f}"
                for b in bars[:CALIBRATED_DRIVERS]
            )
            out.print(
                f"What moves the calibrated forecast (rank correlation, cost / duration): {top}."
            )
    ref = d.get("reference")
    if ref is not None:
        ov = ref["outside_view_cost_usd_bn"]
        out.print(
            f"Outside view ({ref['uplift_source']}, {ref['reference_class']}, on the bottom-up "
            f"median {money_bn(ref['estimate_usd_bn'])}): cost P10 / P50 / P90 "
            f"{ov['p10']:,.1f} / {ov['p50']:,.1f} / {ov['p90']:,.1f}. The headline's median "
            f"is ${ref['unit_cost_usd_m_per_bore_km']['p50']:,.0f}m per bore-km, percentile "
            f"{ref['unit_cost_percentile_in_reference']:.0f} of the tunnels built or under "
            "construction."
        )
        for f in ref["flags"]:
            out.print(f"[yellow]flag:[/] {escape(f['message'])}")
    ops = d.get("operations")
    if ops is not None:
        yr = ops["annual"]
        out.print(
            f"Operations: capacity {ops['capacity_trains_per_day_per_direction']:.0f} trains a "
            f"day per direction (timetable {ops['demand_trains_per_day_per_direction']}); a "
            f"simulated year (P50, per direction): {yr['trains_per_direction']['p50']:,.0f} "
            f"trains, {yr['freight_mt_per_direction']['p50']:.1f} Mt, availability "
            f"{yr['availability']['p50']:.3f} (see `beringia operations`)."
        )
        if ops["shortfall"]:
            out.print(f"[yellow]shortfall:[/] {escape(ops['shortfall'])}")
    if "corridor" in d:
        for line in corridor_lines(d):
            out.print(escape(line))
        out.print("(see `beringia corridor` for the route table)")
    if a.claims:
        ct = Table(title="Claims", title_justify="left")
        ct.add_column("claim")
        ct.add_column("cost <=", justify="right")
        ct.add_column("years <=", justify="right")
        ct.add_column("probability", justify="right")
        for cl in a.claims:
            ct.add_row(
                escape(cl.name),
                "-" if cl.max_cost_usd_bn is None else money_bn(cl.max_cost_usd_bn),
                "-" if cl.max_duration_years is None else f"{cl.max_duration_years:g}",
                percent(cl.probability, a.n_draws),
            )
        out.print(ct)
    bt = Table(title="Cost breakdown (USD bn)", title_justify="left")
    bt.add_column("component")
    bt.add_column("mean", justify="right")
    bt.add_column("P10 to P90", justify="right")
    for k, q in c["cost_breakdown_usd_bn"].items():
        bt.add_row(k, fixed(q["mean"], 2), span(fixed(q["p10"], 2), fixed(q["p90"], 2)))
    out.print(bt)
    if a.tornado:
        tt = Table(title="What moves the result (rank correlation)", title_justify="left")
        tt.add_column("input", overflow="fold")  # a long path wraps, never cut
        tt.add_column("cost", justify="right")
        tt.add_column("duration", justify="right")
        for bar in a.tornado[:5]:
            tt.add_row(
                bar.input,
                signed(f"{bar.cost_rank_corr:+.2f}"),
                signed(f"{bar.duration_rank_corr:+.2f}"),
            )
        out.print(tt)
