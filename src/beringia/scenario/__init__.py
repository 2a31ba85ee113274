"""The scenario document: models, loading, overrides, built-ins (imported lazily)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from beringia.scenario.io import (
        builtin_names,
        builtin_text,
        load_scenario,
        scenario_hash,
        scenario_schema,
    )
    from beringia.scenario.model import Scenario

_LAZY = {
    "builtin_names": "beringia.scenario.io",
    "builtin_text": "beringia.scenario.io",
    "load_scenario": "beringia.scenario.io",
    "scenario_hash": "beringia.scenario.io",
    "scenario_schema": "beringia.scenario.io",
    "Scenario": "beringia.scenario.model",
}


def __getattr__(name: str) -> Any:
    """Import a public name on first use (PEP 562)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'beringia.scenario' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


__all__ = [
    "Scenario",
    "builtin_names",
    "builtin_text",
    "load_scenario",
    "scenario_hash",
    "scenario_schema",
]
