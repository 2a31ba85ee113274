"""Accept a scenario as the public API's users hold it: a name, a file, a mapping or a model."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, TypeAlias

from beringia.scenario.io import load_scenario
from beringia.scenario.model import Scenario

ScenarioLike: TypeAlias = Scenario | str | Path | Mapping[str, Any]
"""A validated :class:`Scenario`, a built-in name, a TOML path, or a parsed document."""


def document(scenario: Scenario) -> dict[str, Any]:
    """Return the document a validated scenario was read from (only the fields it set)."""
    return scenario.model_dump(mode="json", exclude_unset=True)


def as_scenario(scenario: ScenarioLike, overrides: Iterable[str] = ()) -> Scenario:
    """Return a validated scenario, applying dotted-path ``overrides`` if any.

    Parameters
    ----------
    scenario : Scenario, str, Path or mapping
        What to load; a :class:`Scenario` is returned as it is when there are no overrides.
    overrides : iterable of str
        ``path=value`` overrides, as ``--set`` on the command line.

    Returns
    -------
    Scenario
        The validated, frozen scenario.

    Raises
    ------
    ScenarioError
        If the scenario cannot be read or is invalid, naming the field.
    """
    overrides = list(overrides)
    if isinstance(scenario, Scenario):
        if not overrides:
            return scenario
        return load_scenario(document(scenario), overrides)
    return load_scenario(scenario, overrides)
