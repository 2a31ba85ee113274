"""Shared pieces of the command line: the app, consoles, one-line errors, common options."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from typer._click import exceptions as _click_exc  # typer vendors click

from beringia._version import __version__
from beringia.errors import BeringiaError

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
