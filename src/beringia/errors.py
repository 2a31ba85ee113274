"""Domain errors of beringia.

Every error a user can cause derives from :class:`BeringiaError`; the CLI prints it in one
or two lines and exits with status 2.
"""

from __future__ import annotations

import datetime as dt
import re

MAX_SHOWN_CHARS = 80
"""Longest value echoed in an error message; longer ones are cut with an ellipsis."""

MAX_MESSAGE_CHARS = 600
"""Longest whole error message (a few terminal lines); longer ones are cut with an ellipsis."""

_LONG_WORD = re.compile(r"\S{" + str(MAX_SHOWN_CHARS + 1) + ",}")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def shorten(text: str, limit: int = MAX_SHOWN_CHARS) -> str:
    """Return ``text`` cut to ``limit`` characters, ending in ``...`` when cut.

    Parameters
    ----------
    text : str
        Any text, such as the ``repr`` of a value a user gave.
    limit : int
        Largest length of the result (at least 4).
    """
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _tidy(message: str) -> str:
    """One or two printable lines: no control characters, no endless words or messages."""
    message = _CONTROL.sub("?", message)
    message = _LONG_WORD.sub(lambda m: shorten(m.group(0)), message)
    lines = message.splitlines() or [""]
    if len(lines) > 2:
        lines = [lines[0], " ".join(line.strip() for line in lines[1:])]
    return shorten("\n".join(lines), MAX_MESSAGE_CHARS)


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
        where = shorten(field, 2 * MAX_SHOWN_CHARS)
        if isinstance(value, dict | list):
            super().__init__(_tidy(f"{where}: {allowed}"))
            return
        # a date reads as written in TOML (1970-03-13), not as Python's datetime.date(...)
        shown = shorten(value.isoformat() if isinstance(value, dt.date) else repr(value))
        super().__init__(_tidy(f"{where}: got {shown}; {allowed}"))


class NumericalError(BeringiaError):
    """A model produced a non-finite or impossible number."""
