"""The claim checker's plain sentence: probability, implied unit cost, place in the reference."""

from __future__ import annotations

import math
from dataclasses import dataclass

from beringia.models.numfmt import money_bn, percent


def probability_phrase(probability: float, draws: int) -> str:
    """Say a Monte Carlo probability plainly, with the rule of three when no draw qualifies.

    The number is :func:`beringia.models.numfmt.percent`'s, as on the report's verdict cards.
    """
    if probability <= 0.0:
        return f"below {percent(0.0, draws)[2:]} (no draw of {draws:,} qualifies)"
    if probability >= 1.0:
        return f"above {percent(1.0, draws)[2:]} (every draw of {draws:,} qualifies)"
    return percent(probability, draws, decimals=0)


SCOPE_SUBJECT = {
    "tunnel": "the tunnel",
    "corridor": "the corridor's railway (tunnel excluded)",
    "both": "the whole project (tunnel and corridor railway)",
}
"""What a claim of each scope is said to cost, in the sentence."""


def _limits(max_cost_usd_bn: float | None, max_years: float | None, price_base: str) -> str:
    parts = []
    if max_cost_usd_bn is not None:
        parts.append(f"costs no more than {money_bn(max_cost_usd_bn)} ({price_base})")
    if max_years is not None:
        parts.append(f"takes no more than {max_years:g} years")
    return " and ".join(parts)


def claim_sentence(
    *,
    claim: str,
    scenario: str,
    probability: float,
    draws: int,
    max_cost_usd_bn: float | None,
    max_duration_years: float | None,
    implied_usd_m_per_bore_km: float | None,
    percentile_in_reference: float | None,
    cheapest: tuple[str, float] | None,
    price_base: str = "2025 USD",
    scope: str = "tunnel",
    money: str = "",
) -> str:
    """Return one quotable sentence on a claim.

    Parameters
    ----------
    claim : str
        The claim's name.
    scenario : str
        The scenario it was tested under.
    probability : float
        Share of draws within the claim's limits.
    draws : int
        Number of draws.
    max_cost_usd_bn, max_duration_years : float or None
        The claim's limits in the price base.
    implied_usd_m_per_bore_km : float or None
        The claimed cost per bore-km.
    percentile_in_reference : float or None
        Percentile of that unit cost among tunnels built or under construction (0-100).
    cheapest : tuple or None
        (name, USD m per bore-km) of the cheapest of them.
    price_base : str
        Label of the money.
    scope : str
        ``tunnel``, ``corridor`` or ``both``: what the claim covers and is tested against.
    money : str
        The claim's own money (e.g. "USD 65bn of 2007") where it is not the price base,
        said beside the converted limit; empty: none.

    Returns
    -------
    str
        E.g. "Under the bering-strait scenario, the chance that the tunnel costs no more
        than $8bn (2025 USD) and takes no more than 8 years is below 0.015 % ..."
    """
    base = f"{price_base}, from {money}" if money else price_base
    limits = _limits(max_cost_usd_bn, max_duration_years, base)
    subject = SCOPE_SUBJECT.get(scope, scope)
    text = (
        f"{claim}: under the {scenario} scenario, the chance that {subject} {limits} is "
        f"{probability_phrase(probability, draws)}"
    )
    if scope == "tunnel" and implied_usd_m_per_bore_km is not None and max_cost_usd_bn is not None:
        unit = implied_usd_m_per_bore_km
        text += f"; {money_bn(max_cost_usd_bn)} is ${unit:,.0f}m per bore-km"
        if cheapest is not None and unit < cheapest[1]:
            text += (
                ", cheaper than every tunnel built or under construction in the reference "
                f"set (cheapest: {cheapest[0]}, ${cheapest[1]:,.0f}m)"
            )
        elif percentile_in_reference is not None and math.isfinite(percentile_in_reference):
            text += (
                f", cheaper than {100.0 - percentile_in_reference:.0f} % of the tunnels built or "
                "under construction in the reference set"
            )
    return text + "."


@dataclass(frozen=True)
class ClaimResult:
    """Probability that a claim holds under the scenario."""

    name: str
    max_cost_usd_bn: float | None
    max_duration_years: float | None
    probability: float
    source: str
    unverified: bool = False
    assumed: bool = False
    note: str = ""
    implied_usd_m_per_bore_km: float | None = None
    percentile_in_reference: float | None = None
    sentence: str = ""
    scope: str = "tunnel"
    currency: str | None = None
    money_year: int | None = None
    claimed_cost_bn: float | None = None
