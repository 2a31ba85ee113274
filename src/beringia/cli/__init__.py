"""The ``beringia`` command line: a thin shell over the pipeline and the report."""

from beringia.cli import alignment, construction, reference, scenarios  # noqa: F401  (commands)
from beringia.cli.base import app


def main() -> None:
    """Entry point of the ``beringia`` console script."""
    app()


__all__ = ["app", "main"]
