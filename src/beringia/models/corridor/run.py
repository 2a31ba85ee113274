"""Run the corridor and economics models of a scenario (glue between scenario and models)."""

from __future__ import annotations

from beringia.core.distributions import FloatArray
from beringia.errors import ScenarioError
from beringia.models.construction.compile import tunnel_length_km
from beringia.models.corridor.appraise import assess_corridor
from beringia.models.corridor.plan import CorridorPlan, plan_corridor
from beringia.models.corridor.results import CorridorAssessment
from beringia.models.operations import OperationsAssessment
from beringia.scenario.model import Scenario


def scenario_plan(scenario: Scenario, operations: OperationsAssessment) -> CorridorPlan:
    """Plan the corridor of a scenario with ``corridor``, ``market`` and ``economics`` sections.

    Raises
    ------
    ScenarioError
        If the scenario has no corridor section, or naming the field at fault.
    """
    if scenario.corridor is None or scenario.market is None or scenario.operations is None:
        raise ScenarioError("corridor", "(missing)", "a scenario with a corridor section")
    traffic = {t.train: t.trains_per_day for t in scenario.operations.traffic}
    return plan_corridor(
        scenario.corridor, scenario.market, operations, traffic, tunnel_length_km(scenario)
    )


def run_corridor(
    scenario: Scenario,
    operations: OperationsAssessment,
    cost_usd_bn: FloatArray,
    duration_years: FloatArray,
    *,
    seed: int,
    plan: CorridorPlan | None = None,
) -> CorridorAssessment:
    """Assess the corridor, its traffic and the economics of tunnel and corridor, per draw.

    Parameters
    ----------
    scenario : Scenario
        A scenario with ``corridor``, ``market``, ``economics`` and ``operations`` sections.
    operations : OperationsAssessment
        The tunnel's operations results.
    cost_usd_bn, duration_years : ndarray
        Tunnel cost (2025 USD bn) and construction duration per draw.
    seed : int
        Seed of the random streams.
    plan : CorridorPlan, optional
        The plan, if made already (:func:`scenario_plan`).
    """
    if plan is None:
        plan = scenario_plan(scenario, operations)
    if scenario.corridor is None or scenario.market is None or scenario.economics is None:
        raise ScenarioError("corridor", "(missing)", "a scenario with a corridor section")
    return assess_corridor(
        scenario.corridor,
        scenario.market,
        scenario.economics,
        plan,
        cost_usd_bn,
        duration_years,
        seed=seed,
        tunnel_bores=len(scenario.construction.bores),
    )
