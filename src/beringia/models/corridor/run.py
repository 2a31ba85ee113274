"""Run the corridor and economics models of a scenario (glue between scenario and models)."""

from __future__ import annotations

from collections.abc import Callable

from beringia.core.distributions import FloatArray
from beringia.errors import ScenarioError
from beringia.models.corridor.appraise import assess_corridor
from beringia.models.corridor.compile import scenario_appraisal
from beringia.models.corridor.plan import CorridorPlan, plan_corridor
from beringia.models.corridor.results import CorridorAssessment
from beringia.models.operations import OperationsAssessment
from beringia.scenario.model import Scenario


def _missing() -> ScenarioError:
    return ScenarioError("corridor", "(missing)", "a scenario with a corridor section")


def scenario_plan(
    scenario: Scenario, operations: OperationsAssessment, tunnel_km: float
) -> CorridorPlan:
    """Plan the corridor of a scenario with ``corridor``, ``market`` and ``economics`` sections.

    Parameters
    ----------
    scenario : Scenario
        The scenario.
    operations : OperationsAssessment
        The tunnel's operations results.
    tunnel_km : float
        Portal-to-portal length of the modelled tunnel (from the alignment the caller designed
        once, e.g. ``ConstructionInputs.length_m / 1000``).

    Raises
    ------
    ScenarioError
        If the scenario has no corridor section, or naming the field at fault.
    """
    if scenario.corridor is None or scenario.market is None or scenario.operations is None:
        raise _missing()
    traffic = {t.train: t.trains_per_day for t in scenario.operations.traffic}
    return plan_corridor(scenario.corridor, scenario.market, operations, traffic, tunnel_km)


def run_corridor(
    scenario: Scenario,
    plan: CorridorPlan,
    cost_usd_bn: FloatArray,
    duration_years: FloatArray,
    *,
    seed: int,
    progress: Callable[[int, int], None] | None = None,
    deepest_invert_m: float | None = None,
) -> CorridorAssessment:
    """Assess the corridor, its traffic and the economics of tunnel and corridor, per draw.

    Parameters
    ----------
    scenario : Scenario
        A scenario with ``corridor``, ``market``, ``economics`` and ``operations`` sections.
    plan : CorridorPlan
        Its plan (:func:`scenario_plan`).
    cost_usd_bn, duration_years : ndarray
        Tunnel cost (2025 USD bn) and construction duration per draw.
    seed : int
        Seed of the random streams.
    progress : callable, optional
        ``progress(done, total)`` after each block of draws.
    deepest_invert_m : float, optional
        The alignment's deepest invert below sea level, m: the tunnel drainage's lift when
        ``economics.tunnel_om`` does not give one (default: designed here from the scenario's
        alignment when needed; pass it when the caller has designed the alignment already).
    """
    inputs = scenario_appraisal(scenario, deepest_invert_m)
    if inputs is None:
        raise _missing()
    return assess_corridor(inputs, plan, cost_usd_bn, duration_years, seed=seed, progress=progress)
