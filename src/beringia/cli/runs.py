"""``beringia runs``: the saved runs (list, show, diff, rename, note, rm, export)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from beringia.cli.base import _Group, app, fail, out
from beringia.errors import BeringiaError, ScenarioError
from beringia.output import check_output_path

if TYPE_CHECKING:
    from beringia.store import Run, RunStore

runs_app = typer.Typer(
    name="runs",
    cls=_Group,
    help="Saved runs (assess --save): list, show, diff, rename, note, rm, export.",
    no_args_is_help=True,
)
app.add_typer(runs_app, name="runs")

RunArg = Annotated[str, typer.Argument(help="A saved run: its id or its name.")]


def _store() -> RunStore:
    from beringia.store import open_store

    try:
        return open_store()
    except Exception as exc:  # an unreachable or unusable database is a user error
        if isinstance(exc, BeringiaError):
            raise
        raise ScenarioError(
            "BERINGIA_DATABASE_URL", type(exc).__name__, f"cannot open the run store: {exc}"
        ) from None


def _p50(run: Run, *keys: str) -> str:
    node: Any = run.result
    for k in keys:
        if not isinstance(node, dict) or k not in node:
            return "-"
        node = node[k]
    return f"{node['p50']:,.1f}" if isinstance(node, dict) and "p50" in node else "-"


@runs_app.command("list")
def list_runs() -> None:
    """List the saved runs, newest first."""
    try:
        runs = _store().list()
    except BeringiaError as exc:
        raise fail(exc) from None
    t = Table()
    for col in (
        "id",
        "name",
        "scenario",
        "seed",
        "draws",
        "status",
        "saved",
        "cost P50",
        "years P50",
    ):
        t.add_column(col, justify="right" if col in ("id", "seed", "draws") else "left")
    for r in runs:
        t.add_row(
            str(r.id),
            escape(r.name or ""),
            escape(r.scenario_name),
            str(r.seed),
            f"{r.draws:,}",
            r.status,
            r.created_at.strftime("%Y-%m-%d %H:%M"),
            _p50(r, "construction", "cost_usd_bn"),
            _p50(r, "construction", "duration_years"),
        )
    out.print(t if runs else "No saved runs (assess --save keeps one).")


@runs_app.command("show")
def show(run: RunArg, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Show one saved run: how it was made and its key results."""
    try:
        r = _store().get(run)
    except BeringiaError as exc:
        raise fail(exc) from None
    if as_json:
        sys.stdout.write(json.dumps(r.to_dict(), indent=2) + "\n")
        return
    out.print(f"[bold]{escape(r.label)}[/]: {escape(r.scenario_name)}, {r.status}")
    out.print(
        f"seed {r.seed}, {r.draws:,} draws, beringia {r.version}, scenario sha256 "
        f"{r.scenario_sha256[:12]}, saved {r.created_at:%Y-%m-%d %H:%M} UTC"
    )
    if r.error:
        out.print(f"error: {escape(r.error)}")
    if r.note:
        out.print(f"note: {escape(r.note)}")
    if r.result is not None:
        out.print(
            f"cost P50 {_p50(r, 'construction', 'cost_usd_bn')} USD bn, duration P50 "
            f"{_p50(r, 'construction', 'duration_years')} years"
        )
        for c in r.result.get("claims", []):
            out.print(f"claim: {escape(c['name'])}: {100 * c['probability']:.2f} %")
    if r.draws_file is not None:
        out.print(f"per-draw data: {escape(str(r.draws_file))} (sha256 {r.draws_sha256})")


def _flat_results(r: Run) -> dict[str, Any]:
    from beringia.store.runs import flatten_document

    return dict(flatten_document(r.result or {}))


@runs_app.command("diff")
def diff(a: RunArg, b: Annotated[str, typer.Argument(help="The other run.")]) -> None:
    """Show what differs between two runs: scenario fields, then results side by side."""
    from beringia.store.runs import diff_documents

    try:
        store = _store()
        ra, rb = store.get(a), store.get(b)
    except BeringiaError as exc:
        raise fail(exc) from None
    out.print(f"[bold]{escape(ra.label)}[/] against [bold]{escape(rb.label)}[/]")
    fields = diff_documents(ra.scenario, rb.scenario)
    if ra.seed != rb.seed or ra.draws != rb.draws:
        out.print(f"seed {ra.seed} / {rb.seed}, draws {ra.draws:,} / {rb.draws:,}")
    t = Table(title="Scenario fields that differ", title_justify="left")
    for col in ("path", ra.label, rb.label):
        t.add_column(escape(col))
    for path, va, vb in fields:
        t.add_row(escape(path), escape(json.dumps(va)), escape(json.dumps(vb)))
    out.print(t if fields else "Same scenario document.")
    fa, fb = _flat_results(ra), _flat_results(rb)
    keys = [k for k in sorted(fa.keys() & fb.keys()) if k.endswith((".p10", ".p50", ".p90"))]
    keys += [k for k in sorted(fa.keys() & fb.keys()) if k.endswith(".probability")]
    r = Table(title="Results (quantiles and claim probabilities)", title_justify="left")
    for col in ("result", ra.label, rb.label, "difference"):
        r.add_column(escape(col), justify="left" if col == "result" else "right")
    for k in keys:
        va, vb = fa[k], fb[k]
        if not isinstance(va, int | float) or not isinstance(vb, int | float):
            continue
        r.add_row(escape(k), f"{va:,.4g}", f"{vb:,.4g}", f"{vb - va:+,.4g}")
    out.print(r)


@runs_app.command("rename")
def rename(run: RunArg, name: Annotated[str, typer.Argument(help="The new name.")]) -> None:
    """Rename a saved run (names are unique)."""
    try:
        r = _store().rename(run, name)
    except BeringiaError as exc:
        raise fail(exc) from None
    out.print(f"{escape(r.label)}")


@runs_app.command("note")
def note(run: RunArg, text: Annotated[str, typer.Argument(help="The note.")]) -> None:
    """Replace a saved run's note."""
    try:
        r = _store().annotate(run, text)
    except BeringiaError as exc:
        raise fail(exc) from None
    out.print(f"{escape(r.label)}: note saved")


@runs_app.command("rm")
def rm(run: RunArg) -> None:
    """Delete a saved run and its per-draw data."""
    try:
        r = _store().remove(run)
    except BeringiaError as exc:
        raise fail(exc) from None
    out.print(f"removed {escape(r.label)}")


@runs_app.command("export")
def export(
    run: RunArg,
    path: Annotated[
        Path | None, typer.Option("--out", help="Write the JSON here instead of stdout.")
    ] = None,
) -> None:
    """Export a saved run as JSON: how it was made, its scenario and its result."""
    from beringia.output import write_atomic

    try:
        r = _store().get(run)
        text = json.dumps(r.to_dict(), indent=2) + "\n"
        if path is None:
            sys.stdout.write(text)
            return
        check_output_path(path, field="--out")
        write_atomic(text, path, field="--out")
    except BeringiaError as exc:
        raise fail(exc) from None
    out.print(f"written: {escape(str(path))}")
