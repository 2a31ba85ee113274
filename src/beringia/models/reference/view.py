"""The outside view beside the inside view, unit costs against the reference set, and flags.

Pure functions over plain numbers: the pipeline hands in the simulated draws, the compiled
construction inputs and the reference set's figures; nothing here reads files.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from beringia.core.construction import (
    ConstructionInputs,
    best_pace,
    drive_caps,
    headings,
    machine_caps,
    site_face_m2,
    site_pace,
)
from beringia.core.distributions import FloatArray, mean
from beringia.core.stats import percentile_of, quantiles
from beringia.models.reference.uplift import Uplift


@dataclass(frozen=True)
class Flag:
    """An input or result outside what the reference set achieved, or a site limit that governs."""

    subject: str
    value: float
    limit: float
    unit: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        """Return the flag's JSON form."""
        return {
            "subject": self.subject,
            "value": self.value,
            "limit": self.limit,
            "unit": self.unit,
            "message": self.message,
        }


@dataclass(frozen=True)
class MonthRecord:
    """The best month of a TBM in one diameter class ``[min_diameter_m, max_diameter_m)``."""

    label: str
    m_per_day: float
    diameter_m: float
    min_diameter_m: float
    max_diameter_m: float


@dataclass(frozen=True)
class ReferenceFacts:
    """What the reference set says, reduced to the figures the checks need.

    Attributes
    ----------
    unit_costs : mapping
        Tunnel name -> all-in cost per bore-km (2025 USD m) of the tunnels built or under
        construction.
    best_month : tuple of MonthRecord
        The best month of a TBM in each diameter class.
    mean_advances : mapping
        Tunnel name -> mean advance per heading over the project (m/day), where reported.
    """

    unit_costs: Mapping[str, float]
    best_month: tuple[MonthRecord, ...] = ()
    mean_advances: Mapping[str, float] = field(default_factory=dict)

    def month_record(self, diameter_m: float) -> MonthRecord | None:
        """Return the best month of the diameter class of a bore, or None."""
        for rec in self.best_month:
            if rec.min_diameter_m <= diameter_m < rec.max_diameter_m:
                return rec
        return self.best_month[-1] if self.best_month else None

    def best_month_at(self, diameter_m: float, area_exponent: float) -> float | None:
        """Return the best month of the bore's class, per day, scaled to the bore, or None."""
        rec = self.month_record(diameter_m)
        if rec is None:
            return None
        return float(rec.m_per_day * (rec.diameter_m / diameter_m) ** (2.0 * area_exponent))

    def percentile(self, usd_m_per_bore_km: float) -> float:
        """Percentile (0-100) of a unit cost among the tunnels (ties count half)."""
        return percentile_of(np.fromiter(self.unit_costs.values(), float), usd_m_per_bore_km)

    def advance_percentile(self, m_per_day: float) -> float:
        """Percentile (0-100) of a mean advance among the tunnels that report one."""
        return percentile_of(np.fromiter(self.mean_advances.values(), float), m_per_day)

    def cheapest(self) -> tuple[str, float]:
        """Return the tunnel with the lowest cost per bore-km."""
        name = min(self.unit_costs, key=lambda k: self.unit_costs[k])
        return name, self.unit_costs[name]


@dataclass(frozen=True)
class ReferenceView:
    """The outside view and the reference checks of one assessment (2025 USD)."""

    uplift: Uplift
    estimate_usd_bn: float
    outside_view_cost_usd_bn: dict[str, float]
    unit_cost_usd_m_per_bore_km: dict[str, float]
    unit_cost_percentile_in_reference: float
    advance_m_per_day: dict[str, float]
    advance_percentile_in_reference: float
    route_km: float
    bore_km: float
    flags: list[Flag]

    def to_dict(self) -> dict[str, Any]:
        """Return the ``reference`` section of the JSON contract."""
        return {
            "reference_class": self.uplift.reference_class,
            "uplift_source": self.uplift.source_key,
            "uplift_unverified": self.uplift.unverified,
            "estimate_usd_bn": self.estimate_usd_bn,
            "outside_view_cost_usd_bn": self.outside_view_cost_usd_bn,
            "unit_cost_usd_m_per_bore_km": self.unit_cost_usd_m_per_bore_km,
            "unit_cost_percentile_in_reference": self.unit_cost_percentile_in_reference,
            "advance_m_per_day": self.advance_m_per_day,
            "advance_percentile_in_reference": self.advance_percentile_in_reference,
            "route_km": self.route_km,
            "bore_km": self.bore_km,
            "flags": [f.to_dict() for f in self.flags],
        }


def _label(facts: ReferenceFacts, diameter_m: float) -> str:
    rec = facts.month_record(diameter_m)
    return rec.label if rec is not None else "best month on record"


def advance_flags(inp: ConstructionInputs, facts: ReferenceFacts) -> list[Flag]:
    """Flag machine rates whose sustained advance beats what whole drives or records did.

    For each bore and ground class, the mean of penetration x utilisation x 24 h, scaled to
    the bore's face area, is compared with the class's cap (the best whole-drive average of
    its regime, scaled the same way; the model holds advance there) and with the best month
    of a TBM of the bore's size. One flag per machine and limit, for its fastest class.
    """
    alpha = mean(inp.inputs[inp.area_exponent])
    flags: list[Flag] = []
    seen: set[tuple[str, str]] = set()
    for bore in inp.bores:
        mach = inp.machines[bore.machine]
        rates = [
            mean(inp.inputs[p]) * mean(inp.inputs[u]) * 24.0
            for p, u in zip(mach.penetration, mach.utilisation, strict=True)
        ]
        scale = (mach.reference_diameter_m / bore.diameter_m) ** (2.0 * alpha)
        own = machine_caps(inp, bore.machine)[0]
        caps = drive_caps(own, bore.diameter_m, np.array([alpha]))[:, 0]
        over = [r * scale / c for r, c in zip(rates, caps, strict=True)]
        g = int(np.argmax(over))
        rate, cap, cls = rates[g] * scale, float(caps[g]), inp.classes[g]
        subject = f"construction.machines.{mach.name}"
        if rate > cap and (mach.name, "cap") not in seen:
            seen.add((mach.name, "cap"))
            flags.append(
                Flag(
                    subject,
                    rate,
                    cap,
                    "m/day",
                    f"{mach.name} in {cls}: penetration x utilisation x 24 h is a sustained "
                    f"{rate:.0f} m/day in the {bore.diameter_m:g} m bore {bore.name}, above the "
                    f"best whole-drive average of {own[g].label} ({cap:.0f} m/day at "
                    "this size); the model caps advance there",
                )
            )
        k = int(np.argmax(rates))
        rate = rates[k] * scale
        month = facts.best_month_at(bore.diameter_m, alpha)
        if month is not None and rate > month and (mach.name, "month") not in seen:
            seen.add((mach.name, "month"))
            flags.append(
                Flag(
                    subject,
                    rate,
                    month,
                    "m/day",
                    f"{mach.name} in {inp.classes[k]}: a sustained {rate:.0f} m/day in the "
                    f"{bore.diameter_m:g} m bore {bore.name} beats the "
                    f"{_label(facts, bore.diameter_m)} ({month:.0f} m/day at this size)",
                )
            )
    return flags


VERB = {
    "deliveries": "deliveries sustain",
    "spoil": "spoil placement sustains",
    "power": "power sustains",
    "crews": "camp beds man",
}
"""How a site flag's message names each kind of limit (:func:`site_limits`)."""


def site_flags(inp: ConstructionInputs) -> list[Flag]:
    """Flag sites whose deliveries, spoil, power or beds hold their faces below the machines' pace.

    A site's limit (the mean of each, the least governing) over the faces it launches is a
    pace in m/day; it is flagged when below the fastest pace its machines keep (penetration x
    utilisation x 24 h, scaled to the bore and held at the regime's cap) in their best class
    (:func:`~beringia.core.construction.best_pace`). Camp beds man a share of that pace
    (:func:`~beringia.core.construction.crew_share`): they are flagged when the share is
    below one.
    """
    hds = headings(inp)
    flags: list[Flag] = []

    def value(k: str) -> float:
        return mean(inp.inputs[k])

    for j, p in enumerate(inp.points):
        own = [h for h in hds if h.point == j]
        if not own:
            continue
        pace = max(best_pace(inp, inp.bores[h.bore], value) for h in own)
        limit = site_pace(inp, j, value, pace)
        if limit is None:
            continue
        v, key, what = limit
        if v < pace:
            if what == "crews" and inp.beds_per_face is not None:
                faces = len(own)
                how = (
                    f"its {value(key):,.0f} camp beds, at {value(inp.beds_per_face):,.0f} a "
                    f"face, man {v / pace:.0%} of its {faces} face"
                    f"{'s' if faces > 1 else ''}' pace, {v:.1f} m/day"
                )
            else:
                face = site_face_m2(inp, j)
                how = (
                    f"its {VERB[what]} {v * face:,.0f} m3 of excavation a day, "
                    f"{v:.1f} m/day over its {face:,.0f} m2 of faces"
                )
            flags.append(
                Flag(
                    key,
                    v,
                    pace,
                    "m/day",
                    f"{p.name}: {how}, below the {pace:.0f} m/day its machines keep in their "
                    "best ground: this limit governs its headings",
                )
            )
    return flags


def reference_view(
    cost_usd_bn: FloatArray,
    bottom_up_usd_bn: FloatArray,
    *,
    route_km: float,
    bores: int,
    uplift: Uplift,
    facts: ReferenceFacts,
    inp: ConstructionInputs,
    heading_advance_m_per_day: Sequence[tuple[str, float, float]] = (),
    mean_advance_m_per_day: FloatArray | None = None,
) -> ReferenceView:
    """Assemble the outside view, unit costs and flags of one assessment.

    Parameters
    ----------
    cost_usd_bn : ndarray
        Inside-view cost per draw, 2025 USD bn.
    bottom_up_usd_bn : ndarray
        The same without the project-wide (systemic) factor: its median is the estimate the
        reference-class uplift applies to.
    route_km : float
        Portal-to-portal length.
    bores : int
        Number of bores (running and service); bore-km = route_km x bores.
    uplift : Uplift
        The reference class's ratio actual / estimate.
    facts : ReferenceFacts
        Unit costs and best advance of the reference set.
    inp : ConstructionInputs
        Compiled construction inputs (for the advance flags).
    heading_advance_m_per_day : sequence of (name, float, float)
        Each heading's median (over draws) mean advance (driven length / boring time) and its
        bore's diameter (m); NaN for a heading that never bores.
    mean_advance_m_per_day : ndarray, optional
        Per draw, the mean advance of the headings that bored.

    Returns
    -------
    ReferenceView
        The ``reference`` section of an assessment.
    """
    estimate = float(np.median(bottom_up_usd_bn))
    bore_km = route_km * bores
    unit = np.asarray(cost_usd_bn, dtype=np.float64) * 1000.0 / bore_km
    unit_q = quantiles(unit)
    flags = advance_flags(inp, facts) + site_flags(inp)
    alpha = mean(inp.inputs[inp.area_exponent])
    if facts.unit_costs:
        name, low = facts.cheapest()
        if unit_q["p50"] < low:
            flags.append(
                Flag(
                    "construction.cost_usd_bn",
                    unit_q["p50"],
                    low,
                    "USD m per bore-km",
                    f"the median cost is ${unit_q['p50']:.0f}m per bore-km, below every built "
                    f"tunnel in the reference set (cheapest: {name}, ${low:.0f}m)",
                )
            )
    fast = [
        (label, med, limit, diameter)
        for label, med, diameter in heading_advance_m_per_day
        if (limit := facts.best_month_at(diameter, alpha)) is not None
        and np.isfinite(med)
        and med > limit
    ]
    if fast:
        label, med, limit, diameter = max(fast, key=lambda t: t[1] / t[2])
        flags.append(
            Flag(
                "construction.headings",
                med,
                limit,
                "m/day",
                f"{len(fast)} of {len(heading_advance_m_per_day)} headings average more over "
                f"their whole drive (median draw) than the {_label(facts, diameter)}; "
                f"fastest: {label} at "
                f"{med:.0f} m/day against {limit:.0f} m/day at its size",
            )
        )
    advance_q = quantiles(
        mean_advance_m_per_day if mean_advance_m_per_day is not None else np.zeros(1)
    )
    return ReferenceView(
        uplift=uplift,
        estimate_usd_bn=estimate,
        outside_view_cost_usd_bn=uplift.quantiles(estimate),
        unit_cost_usd_m_per_bore_km=unit_q,
        unit_cost_percentile_in_reference=facts.percentile(unit_q["p50"]),
        advance_m_per_day=advance_q,
        advance_percentile_in_reference=facts.advance_percentile(advance_q["p50"]),
        route_km=route_km,
        bore_km=bore_km,
        flags=flags,
    )
