"""``beringia sensitivity``: Sobol and Morris indices of a scenario's outputs, on SALib."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from beringia.cli.base import app, fail, files_written, out
from beringia.cli.options import (
    DEFAULT_SCENARIO,
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
from beringia.output import check_output_path

if TYPE_CHECKING:
    from beringia.pipeline.sensitivity import Sensitivity

SHOWN = 12
"""Factors printed per output (largest total index or mu* first); --out has them all."""
DEFAULT_N = {"sobol": 128, "morris": 20}
NOISY = 0.1
"""A noise share of the means above this is flagged: the conditional means are not yet stable."""

InputsOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--inputs",
        help="Input paths of the design, comma-separated (repeatable); default: every "
        "uncertain input of the scenario (see --list).",
    ),
]
GroupOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--group", help="Move inputs together as one factor: name=path,path,... (repeatable)."
    ),
]
MethodOpt = Annotated[str, typer.Option("--method", help="sobol or morris.")]
SamplesOpt = Annotated[
    int | None,
    typer.Option(
        "-N",
        "--samples",
        help="Sobol base samples (a power of 2; N (D + 2) points) or Morris trajectories.",
        show_default="128 for sobol, 20 for morris",
    ),
]
NoiseOpt = Annotated[
    str,
    typer.Option(
        "--noise",
        help="The model's own randomness: 'mean' (each point the mean of k replications on "
        "common random numbers) or 'group' (one more factor).",
    ),
]
RepsOpt = Annotated[
    int | None,
    typer.Option(
        "--replications",
        "-k",
        help="k replications per point with --noise mean.",
        show_default="2 with --noise mean, 1 with --noise group",
    ),
]
OutputsOpt = Annotated[
    str | None,
    typer.Option(
        "--outputs",
        help="Outputs, comma-separated: cost, duration, npv, irr, traffic, pays, corridor-npv "
        "(default: all the scenario has; cost and duration alone skip the corridor and run "
        "faster).",
    ),
]
OutOpt = Annotated[Path | None, typer.Option("--out", help="Write every index to a .csv file.")]
SensReportOpt = Annotated[
    Path | None, typer.Option("--report", help="Write the sensitivity page (HTML) to this file.")
]
ListOpt = Annotated[
    bool, typer.Option("--list", help="List the scenario's uncertain inputs and stop.")
]


def _paths(raw: list[str] | None) -> list[str] | None:
    if not raw:
        return None
    return [p.strip() for item in raw for p in item.split(",") if p.strip()]


@app.command()
def sensitivity(
    scenario: ScenarioArg = DEFAULT_SCENARIO,
    inputs: InputsOpt = None,
    group: GroupOpt = None,
    method: MethodOpt = "sobol",
    samples: SamplesOpt = None,
    noise: NoiseOpt = "mean",
    replications: RepsOpt = None,
    outputs: OutputsOpt = None,
    seed: SeedOpt = 2025,
    overrides: OverridesOpt = None,
    as_json: JsonOpt = False,
    table_out: OutOpt = None,
    report: SensReportOpt = None,
    list_inputs: ListOpt = False,
    processes: ProcessesOpt = 1,
    scheduler: SchedulerOpt = None,
) -> None:
    """Sobol or Morris indices of cost, duration, the tunnel's NPV, IRR and traffic.

    Sobol gives first- and total-order indices with bootstrap intervals, Morris mu* and
    sigma, over the scenario's uncertain inputs or the --inputs chosen.

    Each input is sampled as its quantile and pushed through its own distribution; the
    model's own randomness (ground, events) is averaged over k replications on common random
    numbers, or made a factor of its own, and the output says which.
    """
    from beringia.pipeline import sensitivity as sens
    from beringia.pipeline.scheduler import cli_scheduler

    try:
        where = cli_scheduler(scheduler, processes)
        if list_inputs:
            found = sens.uncertain_inputs(scenario, overrides or [])
            if as_json:
                rows = [{"path": i.path, "dist": i.spec.kind, "model": i.model} for i in found]
                sys.stdout.write(json.dumps(rows, indent=2) + "\n")
            else:
                for i in found:
                    out.print(f"{escape(i.path)}  [dim]{i.spec.kind}[/]")
            return
        n = DEFAULT_N.get(method, 128) if samples is None else samples
        sens.check_design(method, n, noise, replications)
        groups = [sens.parse_group(g) for g in group or []]
        if table_out is not None:
            if table_out.suffix.lower() != ".csv":
                raise ScenarioError("--out", str(table_out), "allowed: a .csv file")
            check_output_path(table_out, field="--out")
        if report is not None:
            check_output_path(report, field="--report")
        wanted = None if outputs is None else [s for s in outputs.split(",") if s.strip()]
        with (
            scheduled(where, processes) as cluster,
            stage_bars(not as_json and sys.stdout.isatty()) as progress,
        ):
            # a block of model calls a task on the cluster, results in block order
            mapper: Any = (
                map if cluster is None else lambda fn, tasks: cluster.imap(fn, list(tasks))
            )
            result = sens.sensitivity(
                scenario,
                inputs=_paths(inputs),
                groups=groups,
                method=method,
                n=n,
                seed=seed,
                noise=noise,
                replications=replications,
                overrides=overrides or [],
                outputs=wanted,
                mapper=mapper,
                progress=None
                if progress is None
                else lambda done, total: progress(f"{method} (model calls)", done, total),
            )
        written = _write(result, table_out, report)
    except BeringiaError as exc:
        raise fail(exc) from None
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(), indent=2) + "\n")
    else:
        _print(result)
    files_written(written, as_json=as_json)


def _write(result: Sensitivity, table_out: Path | None, report: Path | None) -> list[Path]:
    from beringia.output import write_atomic
    from beringia.report.sensitivity import render_sensitivity_report

    # Both rendered before either is written: a failure leaves nothing behind.
    page = None if report is None else render_sensitivity_report(result)
    table = None if table_out is None else result.to_frame().to_csv(index=False)
    written = []
    try:
        if table_out is not None and table is not None:
            written.append(write_atomic(table, table_out, field="--out"))
        if report is not None and page is not None:
            written.append(write_atomic(page, report, field="--report"))
    except OSError as exc:
        raise ScenarioError(
            "--out/--report", exc.filename, f"cannot write: {exc.strerror}"
        ) from None
    return written


def _num(x: float, sobol: bool) -> str:
    from beringia.models.numfmt import fixed, significant

    return fixed(x, 2) if sobol else significant(x)


def _print(s: Sensitivity) -> None:
    from beringia.pipeline.sensitivity import SEED_FACTOR
    from beringia.report.sensitivity import ranked

    kind = "Sobol" if s.method == "sobol" else "Morris"
    size = "base samples" if s.method == "sobol" else "trajectories"
    out.print(
        f"[bold]{escape(s.scenario)}[/]: {kind}, {s.base_samples:,} {size}, "
        f"{s.evaluations:,} model evaluations, {len(s.factors)} factors, seed {s.seed}"
    )
    out.print(f"Inputs: {escape(s.statements['inputs'])}.")
    out.print(f"Model randomness: {escape(s.statements['noise'])}.")
    for o in s.outputs:
        t = Table(title=f"{o.label}, {o.unit}", title_justify="left")
        t.add_column("factor")
        cols: tuple[tuple[str, str], ...] = (("mu*", "mu_star_conf"),)
        if s.method == "sobol":
            cols = (("S1", "S1_conf"), ("ST", "ST_conf"))
        for name, _ in cols:
            t.add_column(name, justify="right")
        if s.method == "morris":
            t.add_column("sigma", justify="right")
        order = ranked(s, o)
        shown = order[:SHOWN] + [i for i in order[SHOWN:] if s.factors[i].name == SEED_FACTOR]
        for i in shown:
            row = [escape(s.factors[i].name)]
            for name, conf in cols:
                key = "mu_star" if name == "mu*" else name
                sobol = s.method == "sobol"
                row.append(f"{_num(o.indices[key][i], sobol)} ± {_num(o.indices[conf][i], sobol)}")
            if s.method == "morris":
                row.append(_num(o.indices["sigma"][i], False))
            t.add_row(*row)
        out.print(t)
        notes = []
        if len(order) > len(shown):
            notes.append(f"{len(order) - len(shown)} more factors below (--out for all)")
        if s.method == "sobol":
            total = sum(v for v in o.indices["S1"] if math.isfinite(v))
            notes.append(f"sum of S1 {_num(total, True)}")
        if o.noise is not None:
            notes.append(
                f"internal randomness {100 * o.noise.single:.0f} % of one draw's variance, "
                f"{100 * o.noise.of_means:.0f} % of the means'"
                + (" (still noisy: raise -k)" if o.noise.of_means > NOISY else "")
            )
        out.print("  " + "; ".join(notes))
    if "irr" in s.statements:
        out.print(f"IRR: {escape(s.statements['irr'])}.")
    if "constant" in s.statements:
        out.print(f"Constant: {escape(s.statements['constant'])}.")
    out.print(
        f"± is the {100 * s.conf_level:.0f} % bootstrap interval. {escape(s.statements['method'])}."
    )
