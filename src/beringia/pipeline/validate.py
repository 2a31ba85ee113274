"""Deep validation: every check that ``assess`` and ``hindcast`` make, without the Monte Carlo."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from beringia.models.alignment import alignment_for
from beringia.models.construction.checks import check_sites
from beringia.models.construction.compile import compile_construction
from beringia.models.corridor.run import scenario_plan
from beringia.models.operations import assess_operations, compile_operations
from beringia.models.reference.assess import (
    check_money,
    reference_facts,
)
from beringia.pipeline.scenarios import ScenarioLike, as_scenario
from beringia.scenario.model import Scenario

VALIDATE_YEARS = 4
"""Simulated years of operations that validation runs to plan a corridor (availability)."""


@dataclass(frozen=True)
class Validation:
    """What a valid scenario describes, in the figures that validation computed."""

    scenario: Scenario
    length_km: float
    attack_points: tuple[str, ...]
    train_types: int | None = None
    capacity_trains_per_day: float | None = None
    corridor_nodes: int | None = None
    corridor_segments: int | None = None
    corridor_new_km: float | None = None
    route_pairs: int | None = None
    outcome_cost_usd_bn: float | None = None

    def lines(self) -> list[str]:
        """Plain-text lines, as ``beringia validate`` prints them."""
        sc = self.scenario
        out = [
            f"ok: {sc.name} - {self.length_km:g} km, {len(sc.construction.bores)} bores, "
            f"attack points: {', '.join(self.attack_points)}"
        ]
        if self.train_types is not None and self.capacity_trains_per_day is not None:
            out.append(
                f"operations: {self.train_types} train types, capacity "
                f"{self.capacity_trains_per_day:.0f} trains a day per direction"
            )
        if self.corridor_nodes is not None and self.corridor_new_km is not None:
            out.append(
                f"corridor: {self.corridor_nodes} nodes, {self.corridor_segments} segments, "
                f"{self.corridor_new_km:,.0f} km of new line besides the tunnel, "
                f"{self.route_pairs} route pairs"
            )
        if self.outcome_cost_usd_bn is not None:
            out.append(f"hindcast: outturn ${self.outcome_cost_usd_bn:,.2f}bn (2025 USD)")
        return out


def validate(scenario: ScenarioLike, overrides: Iterable[str] = ()) -> Validation:
    """Check a scenario as deeply as ``assess`` and ``hindcast`` would, without the long run.

    The document is validated; the alignment is designed and the attack points and zones
    placed on it; no site's limit (deliveries, spoil, power, camp beds) alone makes
    construction absurdly long (:func:`~beringia.models.construction.checks.check_sites`,
    as ``assess`` checks it); the trains are run through the tunnel (a train too weak to climb is an
    error here); the corridor is planned on a few simulated years; every money figure
    (scenario, claims, a hindcast's outturn) is converted to 2025 USD.

    Parameters
    ----------
    scenario : Scenario, str, Path or mapping
        The scenario (see :func:`beringia.load_scenario`).
    overrides : iterable of str
        ``path=value`` overrides.

    Returns
    -------
    Validation
        What the scenario describes.

    Raises
    ------
    ScenarioError
        At the first problem, naming the field, the value and what is allowed.
    """
    sc = as_scenario(scenario, overrides)
    outcome = check_money(sc)
    reference_facts(sc)
    alignment = alignment_for(sc)
    inp = compile_construction(sc, alignment)  # places attack points and zones on the route
    check_sites(inp)  # a site limit that alone makes construction absurd, as assess says
    ops = None if sc.operations is None else compile_operations(sc, alignment)
    plan = None
    if sc.corridor is not None:  # the network, places and routes: a few simulated years
        ops_run = assess_operations(sc, alignment, seed=0, years=VALIDATE_YEARS)
        plan = scenario_plan(sc, ops_run, inp.length_m / 1000.0)
    return Validation(
        scenario=sc,
        length_km=inp.length_m / 1000,
        attack_points=tuple(p.name for p in sc.route.attack_points),
        train_types=None if ops is None else len(ops.names),
        capacity_trains_per_day=None if ops is None else ops.capacity.trains_per_day,
        corridor_nodes=None if plan is None else len(plan.network.nodes),
        corridor_segments=None if plan is None else len(plan.network.segments),
        corridor_new_km=None if plan is None else sum(plan.new_km.values()),
        route_pairs=None if plan is None else len(plan.pairs),
        outcome_cost_usd_bn=outcome,
    )
