"""Check that a parsed document holds only what the scenario format can: plain, shallow data.

TOML can say more than a scenario means: dates, times and date-times (``start = 2025-01-01``)
and arbitrarily deep nesting (``x = [[[[...]]]]`` or ``a.b.c.d... = 1``). A scenario has no
date field and nests a few levels, so both are refused here, naming the field, before anything
downstream (JSON, hashing, pydantic) can trip over them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from beringia.errors import ScenarioError
from beringia.scenario import limits


def _step(path: str, key: object, item: object) -> str:
    label = item.get("name") if isinstance(item, dict) else None
    part = label if isinstance(label, str) and isinstance(key, int) else key
    return f"{path}.{part}" if path else str(part)


def check_plain(value: Any, path: str = "") -> None:
    """Refuse TOML dates and times and nesting deeper than :data:`limits.MAX_NESTING`.

    The walk is iterative, so it cannot itself run out of recursion.

    Parameters
    ----------
    value : object
        A parsed document, or one value of an override.
    path : str
        Dotted path of ``value`` in the document ("" for the root).

    Raises
    ------
    ScenarioError
        Naming the first date or time, or the first table or array nested too deep.
    """
    stack: list[tuple[Any, str, int]] = [(value, path, 0)]
    while stack:
        node, where, depth = stack.pop()
        if isinstance(node, dt.date | dt.time):  # datetime is a date
            raise ScenarioError(
                where or "scenario",
                node.isoformat(),
                "a TOML date or time; no scenario field takes one (write a year as a number, "
                'or text in quotes: "2025-01-01")',
            )
        if isinstance(node, dict | list):
            if depth >= limits.MAX_NESTING:
                raise ScenarioError(
                    where or "scenario",
                    "(nested table or array)",
                    f"nested too deep; allowed: {limits.MAX_NESTING} levels",
                )
            items = node.items() if isinstance(node, dict) else enumerate(node)
            for key, item in items:
                stack.append((item, _step(where, key, item), depth + 1))
