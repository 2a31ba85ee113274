"""Checks shared by the corridor's data-file readers (network, places): one error per field."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from typing import Any

from beringia.errors import ScenarioError


def check_keys(table: Any, allowed: frozenset[str], field: str, what: str) -> Mapping[str, Any]:
    """Return ``table`` if it is a table with only ``allowed`` keys, else raise naming it."""
    if not isinstance(table, Mapping):
        raise ScenarioError(field, table, f"{what}: a table")
    extra = sorted(set(table) - allowed)
    if extra:
        raise ScenarioError(
            f"{field}.{extra[0]}", table[extra[0]], f"{what}: keys {', '.join(sorted(allowed))}"
        )
    return table


def text(table: Mapping[str, Any], key: str, field: str, what: str, default: str | None) -> str:
    """Return a string field; ``default=None`` makes it required and non-empty."""
    v = table.get(key, default)
    if not isinstance(v, str) or (default is None and not v.strip()):
        shown = "missing" if v is None else v
        raise ScenarioError(f"{field}.{key}", shown, f"{what}: a non-empty string")
    return v


def flag(table: Mapping[str, Any], key: str, field: str, what: str) -> bool:
    """Return a boolean field (``False`` when absent)."""
    v = table.get(key, False)
    if not isinstance(v, bool):
        raise ScenarioError(f"{field}.{key}", v, f"{what}: true or false")
    return v


def allowed_names(name: str, names: Sequence[str], what: str) -> str:
    """Say what is allowed instead of ``name``: close matches first, then every name."""
    close = difflib.get_close_matches(name, list(names), n=3, cutoff=0.5)
    hint = f"did you mean {', '.join(repr(c) for c in close)}? " if close else ""
    return f"{hint}{what}: {', '.join(sorted(names))}"
