"""Outside view, reference checks and the claim checker for one assessment.

The glue between the simulated draws, the scenario's money and the shipped reference data:
it converts claims to the assessment's price base, places costs among real tunnels and
writes the claim sentences.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from beringia.core.calendar import YEAR_DAYS
from beringia.core.construction import ConstructionInputs
from beringia.core.distributions import FloatArray
from beringia.core.stats import share_within
from beringia.errors import ScenarioError
from beringia.models.construction.results import HeadingSummary
from beringia.models.reference.claims import ClaimResult, claim_sentence
from beringia.models.reference.dataset import reference_rows, reference_table
from beringia.models.reference.uplift import uplift
from beringia.models.reference.view import (
    MonthRecord,
    ReferenceFacts,
    ReferenceView,
    reference_view,
)
from beringia.scenario.model import Claim, Scenario
from beringia.scenario.reference import MoneyAmount
from beringia.tables.advance_records import advance_records
from beringia.tables.money import DEFAULT_TO_YEAR, money_table

PRICE_BASE_YEAR = DEFAULT_TO_YEAR
"""Every dollar beringia reports is a US dollar of this year."""
PRICE_BASE = f"{PRICE_BASE_YEAR} USD"


def money_factor(sc: Scenario) -> float:
    """Return the factor from the scenario's money to US dollars of :data:`PRICE_BASE_YEAR`."""
    if sc.currency == "USD" and sc.price_base_year == PRICE_BASE_YEAR:
        return 1.0
    return money_table().to_usd(1.0, sc.currency, sc.price_base_year, PRICE_BASE_YEAR)


def claim_cost_usd_bn(c: Claim, sc: Scenario) -> float | None:
    """Return a claim's cost limit in US dollars of :data:`PRICE_BASE_YEAR` (billions)."""
    if c.max_cost_bn is None:
        return None
    currency = c.currency or sc.currency
    year = c.year if c.year is not None else sc.price_base_year
    if currency == "USD" and year == PRICE_BASE_YEAR:
        return c.max_cost_bn
    return money_table().to_usd(
        c.max_cost_bn,
        currency,
        year,
        PRICE_BASE_YEAR,
        currency_field=f"claims.{c.name}.currency",
        year_field=f"claims.{c.name}.year",
    )


def outcome_cost_usd_bn(sc: Scenario, name: str | None = None) -> float | None:
    """Return a hindcast's outturn cost in US dollars of :data:`PRICE_BASE_YEAR` (billions).

    The outturn goes first into the scenario's own money (deflated within the currency where
    it is the same), then takes the same factor to 2025 USD as the prediction, so that
    exchange-rate swings between the two years cannot pose as overruns. ``None`` for a
    scenario without an ``outcome``. Errors name fields under ``name`` (default: the
    scenario's name).
    """
    if sc.outcome is None:
        return None
    return outcome_money_usd_bn(sc, sc.outcome.cost_bn, "cost_bn", name)


def outcome_money_usd_bn(
    sc: Scenario, money: MoneyAmount, field: str, name: str | None = None
) -> float:
    """Return an amount of a hindcast's ``outcome`` (its ``field``) in 2025 USD bn.

    Converted exactly like the outturn (:func:`outcome_cost_usd_bn`); errors name
    ``<name>.outcome.<field>``.
    """
    name = sc.name if name is None else name
    in_scenario_money = money_table().convert(
        money.amount,
        money.currency,
        money.year,
        sc.currency,
        sc.price_base_year,
        currency_field=f"{name}.outcome.{field}.currency",
        year_field=f"{name}.outcome.{field}.year",
        to_currency_field=f"{name}.currency",
        to_year_field=f"{name}.price_base_year",
    )
    return in_scenario_money * money_factor(sc)


def check_money(sc: Scenario) -> float | None:
    """Convert every money figure of a scenario once, so a bad currency or year fails early.

    Returns
    -------
    float or None
        The hindcast outturn in 2025 USD bn (:func:`outcome_cost_usd_bn`), if any.

    Raises
    ------
    ScenarioError
        Naming the currency or year field the shipped table does not cover.
    """
    money_factor(sc)
    for claim in sc.claims:
        claim_cost_usd_bn(claim, sc)
    return outcome_cost_usd_bn(sc)


ALL_IN = frozenset({"tunnel"})
"""Cost scopes compared with the model's all-in cost (civil-only contracts are left out)."""


def _best_month() -> tuple[MonthRecord, ...]:
    return tuple(
        MonthRecord(r.label, r.m_per_day, r.diameter_m, r.min_diameter_m, r.max_diameter_m)
        for r in advance_records().best_month
    )


def reference_facts(sc: Scenario) -> ReferenceFacts:
    """Return what the checks need of the reference set (shipped plus the scenario's rows).

    All-in unit costs of the tunnels built or under construction, the best month on record
    and the reported mean advances.
    """
    rows = reference_rows(sc.reference.rows)
    table = reference_table(rows, scopes=ALL_IN)
    built = table.mask()
    unit = table.usd_m_per_bore_km
    costs = {
        name: float(unit[i])
        for i, name in enumerate(table.names)
        if built[i] and np.isfinite(unit[i])
    }
    advances = {
        r.name: r.mean_advance_m_per_day
        for r in rows
        if r.mean_advance_m_per_day is not None and r.status != "proposed"
    }
    return ReferenceFacts(unit_costs=costs, best_month=_best_month(), mean_advances=advances)


def assess_reference(
    sc: Scenario,
    inp: ConstructionInputs,
    cost_usd_bn: FloatArray,
    systemic_usd_bn: FloatArray,
    heading_rows: Sequence[HeadingSummary],
    facts: ReferenceFacts,
) -> ReferenceView:
    """Return the outside view, unit costs and flags of an assessment."""
    diameters = {b.name: b.diameter_m for b in inp.bores}
    advance = []
    total = np.zeros_like(cost_usd_bn)
    count = np.zeros_like(cost_usd_bn)
    for h in heading_rows:  # one heading at a time: memory stays O(draws)
        days = np.maximum(h.duration_years * YEAR_DAYS, 1e-9)
        bored = h.length_km > 0  # a heading overtaken before its launch bores nothing
        rate = np.where(bored, h.length_km * 1000.0 / days, 0.0)
        total += rate
        count += bored
        med = float(np.median(rate[bored])) if np.any(bored) else float("nan")
        advance.append((h.name, med, diameters[h.bore]))
    mean_advance = total / np.maximum(count, 1.0)
    return reference_view(
        cost_usd_bn,
        cost_usd_bn - systemic_usd_bn,
        route_km=inp.length_m / 1000.0,
        bores=len(inp.bores),
        uplift=uplift(sc.reference.uplift, sc.reference.reference_class),
        facts=facts,
        inp=inp,
        heading_advance_m_per_day=advance,
        mean_advance_m_per_day=mean_advance,
    )


def untested_claims(sc: Scenario, has_corridor: bool) -> list[dict[str, str]]:
    """Return the claims that cannot be tested on their scope: name, scope and why.

    Parameters
    ----------
    sc : Scenario
        The scenario and its claims.
    has_corridor : bool
        Whether the assessment has corridor draws (capex, build years, opening).

    Returns
    -------
    list of dict
        ``{"name", "scope", "reason"}`` per claim of scope ``corridor`` or ``both`` when there
        is no corridor; empty otherwise.
    """
    if has_corridor:
        return []
    return [
        {
            "name": c.name,
            "scope": c.scope,
            "reason": "the claim covers the corridor's railway and the scenario has no corridor "
            "section to test it on",
        }
        for c in sc.claims
        if c.scope != "tunnel"
    ]


def _scope_draws(
    c: Claim,
    tunnel: tuple[FloatArray, FloatArray],
    corridor: tuple[FloatArray, FloatArray, FloatArray] | None,
) -> tuple[FloatArray, FloatArray]:
    """Return the cost and duration draws a claim of ``c.scope`` is tested against.

    Raises
    ------
    ScenarioError
        For a corridor or both claim without the corridor's draws.
    """
    if c.scope == "tunnel":
        return tunnel
    if corridor is None:
        raise ScenarioError(
            f"claims.{c.name}.scope", c.scope, "'tunnel' (no corridor draws to test against)"
        )
    capex, build_years, opening = corridor
    if c.scope == "corridor":
        return capex, build_years
    return tunnel[0] + capex, opening


def assess_claims(
    sc: Scenario,
    cost_usd_bn: FloatArray,
    duration_years: FloatArray,
    bore_km: float,
    facts: ReferenceFacts,
    corridor: tuple[FloatArray, FloatArray, FloatArray] | None = None,
) -> list[ClaimResult]:
    """Return each claim's probability, implied unit cost and sentence, on the claim's scope.

    A claim of scope ``corridor`` or ``both`` is left out when ``corridor`` is ``None`` (the
    scenario has no corridor to test it on): see :func:`untested_claims`.

    Parameters
    ----------
    sc : Scenario
        The scenario and its claims.
    cost_usd_bn, duration_years : ndarray
        The tunnel's cost (2025 USD bn) and construction years per draw.
    bore_km : float
        Bore-km of the tunnel (the implied unit cost of a tunnel claim).
    facts : ReferenceFacts
        The reference set's unit costs.
    corridor : tuple of ndarray, optional
        ``(capex_usd_bn, build_years, opening_year)`` of the corridor per draw, for the claims
        of scope ``corridor`` (its capex and build years) and ``both`` (tunnel + corridor capex,
        and the years to opening).
    """
    out = []
    cheapest = facts.cheapest() if facts.unit_costs else None
    draws = int(cost_usd_bn.shape[0])
    for c in sc.claims:
        if c.scope != "tunnel" and corridor is None:
            continue
        limit = claim_cost_usd_bn(c, sc)
        cost, years = _scope_draws(c, (cost_usd_bn, duration_years), corridor)
        p = share_within(cost, years, limit, c.max_duration_years)
        unit = None if limit is None or c.scope != "tunnel" else limit * 1000.0 / bore_km
        currency = c.currency or sc.currency
        year = c.year if c.year is not None else sc.price_base_year
        same = (currency, year) == ("USD", PRICE_BASE_YEAR)
        money = (
            "" if c.max_cost_bn is None or same else f"{currency} {c.max_cost_bn:,.4g}bn of {year}"
        )
        pct = None if unit is None or not facts.unit_costs else facts.percentile(unit)
        out.append(
            ClaimResult(
                name=c.name,
                max_cost_usd_bn=limit,
                max_duration_years=c.max_duration_years,
                probability=p,
                source=c.source,
                unverified=c.unverified,
                assumed=c.assumed,
                note=c.note,
                implied_usd_m_per_bore_km=unit,
                percentile_in_reference=pct,
                scope=c.scope,
                currency=currency if c.max_cost_bn is not None else None,
                money_year=year if c.max_cost_bn is not None else None,
                claimed_cost_bn=c.max_cost_bn,
                sentence=claim_sentence(
                    claim=c.name,
                    scenario=sc.name,
                    probability=p,
                    draws=draws,
                    max_cost_usd_bn=limit,
                    max_duration_years=c.max_duration_years,
                    implied_usd_m_per_bore_km=unit,
                    percentile_in_reference=pct,
                    cheapest=cheapest,
                    price_base=PRICE_BASE,
                    scope=c.scope,
                    money=money,
                ),
            )
        )
    return out
