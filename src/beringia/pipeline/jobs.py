"""The public API's narrower jobs: operations alone, the corridor, the claim checker."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from beringia.errors import ScenarioError
from beringia.models.alignment import alignment_for
from beringia.models.operations import OperationsAssessment, assess_operations
from beringia.pipeline.assess import Progress, assess, check_run_arguments
from beringia.pipeline.assessment import Assessment
from beringia.pipeline.checks import quiet_numerics
from beringia.pipeline.scenarios import ScenarioLike, as_scenario, document
from beringia.scenario.io import validate_document
from beringia.scenario.model import Scenario


@quiet_numerics()
def operations(
    scenario: ScenarioLike,
    *,
    overrides: Iterable[str] = (),
    seed: int = 2025,
    years: int | None = None,
) -> OperationsAssessment:
    """Run the operations models alone: running times, headways, capacity, simulated years.

    Parameters
    ----------
    scenario : Scenario, str, Path or mapping
        A scenario with an ``operations`` section.
    overrides : iterable of str
        ``path=value`` overrides.
    seed : int
        Seed of the random streams.
    years : int, optional
        Replicated years (default: the scenario's ``operations.simulated_years``).

    Returns
    -------
    OperationsAssessment
        Its ``to_dict()`` is the JSON of ``beringia operations --json``.
    """
    check_run_arguments(1, seed, 1)
    sc = as_scenario(scenario, overrides)
    return assess_operations(sc, alignment_for(sc), seed=seed, years=years)


def corridor(
    scenario: ScenarioLike,
    *,
    overrides: Iterable[str] = (),
    draws: int = 20_000,
    seed: int = 2025,
    processes: int = 1,
    progress: Progress | None = None,
) -> Assessment:
    """Assess a scenario that has a corridor: its ``corridor`` holds routes and economics.

    Parameters are those of :func:`beringia.assess`; the scenario must have ``corridor``,
    ``market``, ``economics`` and ``operations`` sections.
    """
    check_run_arguments(draws, seed, processes)
    sc = as_scenario(scenario, overrides)
    if sc.corridor is None:
        raise ScenarioError(
            "corridor", "(missing)", f"scenario {sc.name!r} has no corridor section"
        )
    return assess(sc, draws=draws, seed=seed, processes=processes, progress=progress)


def with_claims(scenario: Scenario, add: Sequence[Mapping[str, Any]]) -> Scenario:
    """Return the scenario with more claims, validated as if they had been in its file."""
    if not add:
        return scenario
    doc = document(scenario)
    doc["claims"] = list(doc.get("claims", [])) + [dict(c) for c in add]
    return validate_document(doc)


def claims(
    scenario: ScenarioLike,
    *,
    add: Sequence[Mapping[str, Any]] = (),
    overrides: Iterable[str] = (),
    draws: int = 20_000,
    seed: int = 2025,
    processes: int = 1,
    progress: Progress | None = None,
) -> Assessment:
    """Check a scenario's claims (and any added ones): probability, unit cost, a sentence.

    Parameters
    ----------
    scenario : Scenario, str, Path or mapping
        The scenario.
    add : sequence of mappings
        Claims to add, as in a scenario's ``[[claims]]`` tables (``name``, ``max_cost_bn``,
        ``max_duration_years``, ``currency``, ``year``, ``source``).
    overrides, draws, seed, processes, progress
        As for :func:`beringia.assess`.

    Returns
    -------
    Assessment
        Its ``claims`` hold the verdicts.

    Raises
    ------
    ScenarioError
        If the scenario has no claims and none is added.
    """
    check_run_arguments(draws, seed, processes)
    sc = with_claims(as_scenario(scenario, overrides), add)
    if not sc.claims:
        raise ScenarioError("claims", [], "this scenario has no claims; add one with --claim")
    return assess(sc, draws=draws, seed=seed, processes=processes, progress=progress)
