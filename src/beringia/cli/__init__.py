"""The ``beringia`` command line: a thin shell over the pipeline and the report."""

from beringia.cli import (  # noqa: F401  (register the commands)
    alignment,
    assess,
    corridor,
    operations,
    reference,
    scenarios,
)
from beringia.cli.base import app


def main() -> None:
    """Entry point of the ``beringia`` console script."""
    app()


__all__ = ["app", "main"]
