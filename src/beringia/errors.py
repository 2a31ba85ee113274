"""Domain errors of beringia.

Every error a user can cause derives from :class:`BeringiaError`; the CLI prints it in one
or two lines and exits with status 2.
"""

from __future__ import annotations


class BeringiaError(ValueError):
    """Base class of all user-facing errors."""


class ScenarioError(BeringiaError):
    """A scenario document (or an override) is invalid.

    Parameters
    ----------
    field : str
        Dotted path of the offending field (``construction.bores.0.diameter_m``).
    value : object
        The value that was given.
    allowed : str
        What would have been accepted.
    """

    def __init__(self, field: str, value: object, allowed: str) -> None:
        self.field = field
        self.value = value
        self.allowed = allowed
        if isinstance(value, dict | list):
            super().__init__(f"{field}: {allowed}")
            return
        shown = repr(value)
        if len(shown) > 80:
            shown = shown[:77] + "..."
        super().__init__(f"{field}: got {shown}; {allowed}")


class NumericalError(BeringiaError):
    """A model produced a non-finite or impossible number."""
