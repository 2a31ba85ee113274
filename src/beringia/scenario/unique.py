"""Names that identify items of a list must be unique."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from beringia.errors import shorten


def unique_names(path: str, names: Iterable[str]) -> None:
    """Check that no name occurs twice in the list at ``path``.

    Parameters
    ----------
    path : str
        Dotted path of the list (``construction.machines``), named in the error.
    names : iterable of str
        The names of its items, in order.

    Raises
    ------
    ValueError
        ``"<path>: names must be unique; <name> appears <n> times"`` for the first repeat.
    """
    counts = Counter(names)
    for name, n in counts.items():
        if n > 1:
            raise ValueError(
                f"{path}: names must be unique; {shorten(repr(name))} appears {n} times"
            )
