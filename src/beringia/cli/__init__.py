"""The ``beringia`` command line: a thin shell over the pipeline and the report."""

from beringia.cli import (  # noqa: F401  (register the commands)
    alignment,
    assess,
    compare,
    corridor,
    operations,
    reference,
    runs,
    scenarios,
    sensitivity,
    serve,
    sweep,
    whatif,
)
from beringia.cli.base import app
from beringia.cli.signals import sigterm_as_interrupt


def main() -> None:
    """Entry point of the ``beringia`` console script."""
    with sigterm_as_interrupt():
        app()


__all__ = ["app", "main"]
