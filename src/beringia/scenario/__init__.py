"""The scenario document: models, loading, overrides, built-ins."""

from beringia.scenario.io import (
    builtin_names,
    builtin_text,
    load_scenario,
    scenario_hash,
    scenario_schema,
)
from beringia.scenario.model import Scenario

__all__ = [
    "Scenario",
    "builtin_names",
    "builtin_text",
    "load_scenario",
    "scenario_hash",
    "scenario_schema",
]
