"""Shared pieces of the command line: the app, consoles, one-line errors, common options."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from typer._click import exceptions as _click_exc  # typer vendors click

from beringia._version import __version__
from beringia.errors import BeringiaError, ScenarioError

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False)


COMMAND_ORDER = (
    "assess",
    "claims",
    "whatif",
    "compare",
    "sweep",
    "sensitivity",
    "runs",
    "serve",
    "corridor",
    "operations",
    "alignment",
    "hindcast",
    "reference",
    "scenarios",
    "show",
    "validate",
    "schema",
)
"""The order of the commands in ``beringia --help``: the main job first."""


class _Group(typer.core.TyperGroup):
    """Command group whose usage errors are one line on stderr, exit status 2."""

    def list_commands(self, ctx: Any) -> list[str]:
        """List the commands in :data:`COMMAND_ORDER`, any others after them."""
        names = super().list_commands(ctx)
        rank = {n: i for i, n in enumerate(COMMAND_ORDER)}
        return sorted(names, key=lambda n: (rank.get(n, len(rank)), names.index(n)))

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


def write_page(path: Path, write: Callable[[Path], Path]) -> Path:
    """Write a page with ``write(path)``; an OS error becomes a ``--report`` user error.

    Parameters
    ----------
    path : Path
        The ``--report`` path, already checked with :func:`beringia.output.check_output_path`.
    write : callable
        Renders and writes the page, returning the file written.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    ScenarioError
        If writing fails (disk full, permissions changed during the run).
    """
    try:
        return write(path)
    except OSError as exc:
        raise ScenarioError("--report", str(path), f"cannot write: {exc.strerror}") from None


def report_written(path: Path | None, *, as_json: bool) -> None:
    """Say where the page went: on stdout, or on stderr when stdout carries JSON."""
    if path is not None:
        (err if as_json else out).print(f"Report: [bold]{escape(str(path))}[/]")


def files_written(paths: list[Path], *, as_json: bool) -> None:
    """Name each file written: on stdout, or on stderr when stdout carries JSON."""
    for p in paths:
        if as_json:
            err.print(f"written: {escape(str(p))}")
        else:
            out.print(f"Written: [bold]{escape(str(p))}[/]")


def fail(exc: BeringiaError) -> typer.Exit:
    """Print a user error in one line and return the exit (status 2) to raise."""
    err.print(f"[bold red]error:[/] {escape(str(exc))}", soft_wrap=True)
    return typer.Exit(code=2)


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
