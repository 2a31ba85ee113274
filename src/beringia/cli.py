"""The ``beringia`` command line: a thin shell over the pipeline and the report."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from typer._click import exceptions as _click_exc  # typer vendors click

from beringia import __version__
from beringia.alignment import alignment_for, length_table
from beringia.compile import compile_construction
from beringia.errors import BeringiaError, ScenarioError
from beringia.pipeline import assess as run_assessment
from beringia.pipeline import check_run_arguments
from beringia.results import Assessment
from beringia.scenario.io import (
    DEFAULT_SCENARIO,
    builtin_names,
    builtin_text,
    load_scenario,
    scenario_schema,
)

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False)


class _Group(typer.core.TyperGroup):
    """Command group whose usage errors are one line on stderr, exit status 2."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """Run the command; print usage errors in one line and exit with their status."""
        standalone = kwargs.pop("standalone_mode", True)
        kwargs["standalone_mode"] = False
        try:
            rv = super().main(*args, **kwargs)
        except _click_exc.ClickException as exc:
            no_args = getattr(_click_exc, "NoArgsIsHelpError", ())
            if no_args and isinstance(exc, no_args):
                exc.show()
                sys.exit(0)
            ctx = getattr(exc, "ctx", None)
            cmd = ctx.command_path if ctx is not None else "beringia"
            argv = kwargs.get("args") or (args[0] if args else None) or sys.argv[1:]
            given = _given_value(exc, list(argv))
            got = f" (got {given!r})" if given is not None else ""
            err.print(
                f"[bold red]error:[/] {escape(exc.format_message() + got)} "
                f"(see '{escape(cmd)} --help')",
                soft_wrap=True,
            )
            sys.exit(exc.exit_code)
        except typer.Abort:
            err.print("aborted")
            sys.exit(1)
        if standalone:
            sys.exit(rv if isinstance(rv, int) else 0)
        return rv


def _given_value(exc: Exception, argv: list[str]) -> str | None:
    """Return the command-line value a bad-parameter error refers to, if found."""
    param = getattr(exc, "param", None)
    for opt in getattr(param, "opts", None) or []:
        for i, token in enumerate(argv):
            if token == opt and i + 1 < len(argv):
                return argv[i + 1]
            if token.startswith(opt + "="):
                return token[len(opt) + 1 :]
    return None


def _fail(exc: BeringiaError) -> typer.Exit:
    err.print(f"[bold red]error:[/] {escape(str(exc))}", soft_wrap=True)
    return typer.Exit(code=2)


def _check_report_path(path: Path) -> None:
    """Refuse a report path that cannot be written, before any work is done."""
    if path.exists() and path.is_dir():
        raise ScenarioError("--report", str(path), "is a directory; give a file path")
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise ScenarioError("--report", str(path), f"{parent} is not a directory")
            break


app = typer.Typer(
    name="beringia",
    cls=_Group,
    help="Feasibility simulator for the Bering Strait rail tunnel: cost, schedule, claims.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        out.print(f"beringia {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """Feasibility simulator for the Bering Strait rail tunnel."""


ScenarioArg = Annotated[str, typer.Argument(help="Built-in scenario name or TOML file.")]
OverridesOpt = Annotated[
    list[str] | None,
    typer.Option("--set", help="Override a scenario field: path=value (repeatable)."),
]


@app.command()
def assess(
    scenario: ScenarioArg = DEFAULT_SCENARIO,
    draws: Annotated[
        int, typer.Option("--draws", "-n", help="Monte Carlo draws (1..10^8).")
    ] = 20_000,
    seed: Annotated[int, typer.Option("--seed", "-s", help="Seed of all random streams.")] = 2025,
    overrides: OverridesOpt = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object on stdout and nothing else.")
    ] = False,
    report: Annotated[
        Path | None,
        typer.Option(
            "--report", help="Where to write the HTML report [default: reports/<scenario>.html]."
        ),
    ] = None,
    processes: Annotated[
        int, typer.Option("--processes", "-j", help="Worker processes (results do not change).")
    ] = 1,
) -> None:
    """Assess a scenario: Monte Carlo cost, schedule and claim probabilities."""
    try:
        check_run_arguments(draws, seed, processes)
        sc = load_scenario(scenario, overrides or [])
        if report is not None and report.exists() and report.is_dir():
            raise ScenarioError("--report", str(report), "is a directory; give a file path")
        path = (
            report
            if report is not None
            else (None if as_json else Path("reports") / f"{sc.name}.html")
        )
        show_bar = not as_json and sys.stdout.isatty()
        if show_bar:
            with Progress(
                TextColumn("[bold]simulating[/]"),
                BarColumn(),
                TextColumn("{task.completed:,}/{task.total:,} draws"),
                TimeRemainingColumn(),
                console=out,
                transient=True,
            ) as bar:
                task = bar.add_task("draws", total=draws)
                result = run_assessment(
                    sc,
                    draws=draws,
                    seed=seed,
                    processes=processes,
                    progress=lambda done, _total: bar.update(task, completed=done),
                )
        else:
            result = run_assessment(sc, draws=draws, seed=seed, processes=processes)
        if path is not None:
            from beringia.report import write_report

            try:
                written = write_report(result, path)
            except OSError as exc:
                raise ScenarioError(
                    "--report", str(path), f"cannot write: {exc.strerror}"
                ) from None
        else:
            written = None
    except BeringiaError as exc:
        raise _fail(exc) from None
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(), indent=2) + "\n")
        if written is not None:
            err.print(f"report written to {escape(str(written))}")
        return
    _print_summary(result)
    if written is not None:
        out.print(f"\nReport: [bold]{escape(str(written))}[/]")


def _q_row(name: str, q: dict[str, float], fmt: str) -> list[str]:
    return [name] + [format(q[k], fmt) for k in ("mean", "p10", "p50", "p80", "p90")]


def _print_summary(a: Assessment) -> None:
    d = a.to_dict()
    c = d["construction"]
    out.print(
        f"[bold]{escape(a.scenario.title or a.scenario.name)}[/]  ({escape(a.scenario.name)})"
    )
    out.print(
        f"{a.draws:,} draws, seed {a.seed}, scenario sha256 {a.scenario_sha256[:12]}, "
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
    if a.claims:
        ct = Table(title="Claims", title_justify="left")
        ct.add_column("claim")
        ct.add_column("cost <=", justify="right")
        ct.add_column("years <=", justify="right")
        ct.add_column("probability", justify="right")
        for cl in a.claims:
            ct.add_row(
                escape(cl.name),
                "-" if cl.max_cost_usd_bn is None else f"${cl.max_cost_usd_bn:g}bn",
                "-" if cl.max_duration_years is None else f"{cl.max_duration_years:g}",
                f"{100 * cl.probability:.1f} %",
            )
        out.print(ct)
    bt = Table(title="Cost breakdown (USD bn)", title_justify="left")
    bt.add_column("component")
    bt.add_column("mean", justify="right")
    bt.add_column("P10-P90", justify="right")
    for k, q in c["cost_breakdown_usd_bn"].items():
        bt.add_row(k, f"{q['mean']:.2f}", f"{q['p10']:.2f}-{q['p90']:.2f}")
    out.print(bt)
    if a.tornado:
        tt = Table(title="What moves the result (rank correlation)", title_justify="left")
        tt.add_column("input")
        tt.add_column("cost", justify="right")
        tt.add_column("duration", justify="right")
        for bar in a.tornado[:5]:
            tt.add_row(bar.input, f"{bar.cost_rank_corr:+.2f}", f"{bar.duration_rank_corr:+.2f}")
        out.print(tt)


@app.command()
def scenarios() -> None:
    """List the built-in scenarios, one line each."""
    for name in builtin_names():
        sc = load_scenario(name)
        out.print(f"{name:<28} {escape(sc.title)}")


@app.command()
def show(name: Annotated[str, typer.Argument(help="Built-in scenario name.")]) -> None:
    """Print the TOML of a built-in scenario."""
    try:
        text = builtin_text(name)
    except BeringiaError as exc:
        raise _fail(exc) from None
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
        inp = compile_construction(sc)  # also places attack points and zones on the route
    except BeringiaError as exc:
        raise _fail(exc) from None
    pts = ", ".join(p.name for p in sc.route.attack_points)
    out.print(
        escape(
            f"ok: {sc.name} - {inp.length_m / 1000:g} km, {len(sc.construction.bores)} bores, "
            f"attack points: {pts}"
        )
    )


@app.command()
def alignment(
    scenario: ScenarioArg = DEFAULT_SCENARIO,
    overrides: OverridesOpt = None,
) -> None:
    """Print the tunnel's geometry and its length against gradient limit and cover."""
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
        raise _fail(exc) from None
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


@app.command()
def schema() -> None:
    """Print the JSON Schema of the scenario document."""
    sys.stdout.write(json.dumps(scenario_schema(), indent=2) + "\n")


def main() -> None:
    """Entry point of the ``beringia`` console script."""
    app()


__all__ = ["app", "main"]

if __name__ == "__main__":
    main()
