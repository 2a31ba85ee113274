"""Checks of the construction model's results: finite, non-negative, not absurdly long.

A scenario can pass validation and still drive the model somewhere it cannot go: every input
in range, yet the tunnel takes ten billion years to bore, and the appraisal would need a
cash-flow table that long. Such a result becomes a :class:`~beringia.errors.ScenarioError`
that names the scenario field to change (a ``--set`` path), not the output that went wrong.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from beringia.core.calendar import MONTH_DAYS, YEAR_DAYS
from beringia.core.construction import (
    COMPONENTS,
    ConstructionInputs,
    Heading,
    advance_limit,
    best_pace,
    heading_machine,
    headings,
    site_pace,
    span_overlap_m,
)
from beringia.core.distributions import ppf
from beringia.errors import ScenarioError
from beringia.models.construction.run import ConstructionRun

MAX_CONSTRUCTION_YEARS = 1000.0
"""Longest construction the later models accept, in years. The longest tunnels built took
well under 30; the appraisal runs year by year from the start of construction."""

PLAUSIBLE_YEARS = 100.0
"""A bottom-up median programme up to this long is blamed on nothing but the systemic
schedule factor when the factor makes construction too long."""


def _median(inp: ConstructionInputs, key: str) -> float:
    """Return the median of input ``key``'s distribution."""
    return float(ppf(inp.inputs[key], np.array([0.5]))[0])


def _largest(inp: ConstructionInputs, keys: list[str]) -> str:
    """Return the key among ``keys`` with the largest median (the likeliest overflow)."""
    return max(keys, key=lambda k: abs(_median(inp, k)))


def _cost_inputs(inp: ConstructionInputs, component: str) -> list[str]:
    """Return the input keys a cost component grows with."""
    bores, points = inp.bores, inp.points
    keys: dict[str, list[str]] = {
        "machines": [b.machine_cost for b in bores],
        "sites": [p.site_cost for p in points],
        "tunnelling_length": [b.unit_cost for b in bores] + [inp.materials_factor],
        "tunnelling_time": [b.heading_cost for b in bores] + [inp.labour_factor],
        "site_overheads": [p.overhead for p in points] + [inp.labour_factor],
        "events": [e.rate_multiplier for e in inp.events],
        "risks": [
            k for r in inp.risks for k in (r.probability, r.rate_per_year, r.rate_per_km) if k
        ],
        "cross_passages": [inp.cp_cost, inp.materials_factor],
        "fitout": [inp.fit_usd_per_track_km, inp.fit_fixed, inp.materials_factor]
        + [k for k in (inp.ventilation_plant, inp.station_cost) if k is not None],
        "owner": [inp.owner_fraction],
        "systemic": [] if inp.systemic_cost is None else [inp.systemic_cost],
    }
    return keys[component]


def _event_days_per_km(inp: ConstructionInputs) -> list[tuple[float, str]]:
    """Return each event type's median stoppage (days per bore-km, worst class) and input.

    The input is the event's delay if over ten years per event, otherwise its rate.
    """
    half = np.array([0.5])
    out = []
    for e in inp.events:
        multiplier = _median(inp, e.rate_multiplier)
        delay = float(ppf(e.delay_days, half)[0])
        days = max(e.rate_per_km, default=0.0) * multiplier * delay
        field = e.rate_multiplier.rsplit(".", 1)[0] + ".delay_days"
        out.append((days, field if delay > 3650.0 else e.rate_multiplier))
    return out


def _site_limit(inp: ConstructionInputs, h: Heading, advance: float) -> tuple[float, str] | None:
    """Return the median m/day heading ``h``'s own site's limits allow it, and which.

    Each front bores at the pace of the site that launched it (:func:`supply_floor`): the
    site's deliveries, spoil and power (with the energy per m³: the power is named) over the
    faces it launches, and its camp beds' share of ``advance`` (the heading's own pace).
    ``None`` when the site has no limit.
    """
    limit = site_pace(inp, h.point, lambda k: _median(inp, k), advance)
    return None if limit is None else (limit[0], limit[1])


def _boring_culprit(inp: ConstructionInputs, h: Heading) -> str:
    """Return the input that makes a heading bore so long: slow advance, stoppages, a site."""
    performance = inp.bores[h.bore].performance
    if _median(inp, performance) > 10.0:  # multiplies boring time; 1 is as rated
        return performance
    key, advance = advance_limit(inp, inp.bores[h.bore], lambda k: _median(inp, k))
    site = _site_limit(inp, h, advance)
    if site is not None and site[0] < advance:
        key, advance = site[1], site[0]
    advance_days_per_km = 1000.0 / advance if advance > 0 else np.inf
    events = _event_days_per_km(inp)
    if events:
        days, event_key = max(events)
        if days > advance_days_per_km:
            return event_key
    return key


def _activity_inputs(inp: ConstructionInputs) -> dict[str, str]:
    """Map each schedule activity's name to the input that lengthens it most directly."""
    out: dict[str, str] = {}
    for p in inp.points:
        out[f"marine works: {p.name}"] = p.marine_days
        out[f"site works: {p.name}"] = p.site_months
    for m in inp.machines:
        making = _median(inp, m.manufacture_months) * MONTH_DAYS
        shipping = _median(inp, m.shipping_days)
        delivery = m.manufacture_months if making >= shipping else m.shipping_days
        out[f"manufacture and delivery: {m.name}"] = delivery
    for h in headings(inp):
        mach = inp.machines[heading_machine(inp, h)]
        launch = _median(inp, mach.launch_months) * MONTH_DAYS
        learning = _median(inp, mach.learning_days)  # costs (1 - efficiency) / 2 of it
        slow = mach.launch_months if launch >= learning / 2 else mach.learning_days
        out[f"launch: {h.label(inp)}"] = slow
        out[f"boring: {h.label(inp)}"] = _boring_culprit(inp, h)
    for a, b in zip(inp.points[:-1], inp.points[1:], strict=True):
        out[f"cross-passages: {a.name} - {b.name}"] = inp.cp_months
        out[f"fit-out: {a.name} - {b.name}"] = inp.fit_rate
    out["system integration"] = inp.integration_months
    out["testing and commissioning"] = inp.commissioning_months
    return out


def _duration_culprit(inp: ConstructionInputs, run: ConstructionRun) -> tuple[str, str]:
    """Return the input that makes the programme long, and how (ending in what to do)."""
    if inp.systemic_schedule is not None:
        # The factor is to blame if without it the programme is plausible, and either it
        # lengthens the median draw beyond the limit or its own spread is enormous.
        spec = inp.inputs[inp.systemic_schedule]
        f50 = _median(inp, inp.systemic_schedule)
        f99 = float(ppf(spec, np.array([0.99]))[0])
        median = float(np.nanmedian(run.duration_years))
        plausible = median / (f50 * inp.time_scale) <= PLAUSIBLE_YEARS
        if plausible and (median > MAX_CONSTRUCTION_YEARS or f99 > 10.0 * f50):
            return inp.systemic_schedule, "it stretches every date of the programme; lower it"
    bars = [b for b in run.gantt if b.critical] or run.gantt
    longest = max(
        bars, key=lambda b: float(np.nan_to_num(b.finish_years - b.start_years, nan=np.inf))
    )
    key = _activity_inputs(inp).get(longest.name, inp.commissioning_months)
    rates = {inp.fit_rate}
    rates |= {k for p in inp.points for k in (p.supply, p.spoil, p.power, p.beds) if k is not None}
    rates |= {k for m in inp.machines for k in m.penetration + m.utilisation}
    rates |= {f"construction.machines.{m.name}.reference_diameter_m" for m in inp.machines}
    regimes = {cap.field for caps in inp.caps for cap in caps}
    regimes |= {cap.field for m in inp.machines for caps in m.caps or () for cap in caps}
    how = (
        "raise it"
        if key in rates
        else "name a regime whose drives were faster"
        if key in regimes
        else "lower it"
    )
    return key, f"the longest critical activity is {longest.name!r}; {how}"


def _round_up(x: float, digits: int = 3) -> float:
    """Round ``x`` (> 0) up to ``digits`` significant figures (a least value stays enough)."""
    step = 10.0 ** (math.floor(math.log10(x)) - digits + 1)
    return math.ceil(x / step) * step


WHAT = {
    "deliveries": "deliveries hold",
    "spoil": "spoil placement holds",
    "power": "power holds",
    "crews": "camp beds hold",
}
"""How the site check names each kind of limit (:func:`site_limits`)."""


def check_sites(inp: ConstructionInputs) -> None:
    """Refuse a site limit that alone makes construction absurdly long.

    Each stretch between attack points is bored, at best, by one front from each site that
    drives into it, each front at its own site's pace (medians): the least of its
    deliveries, spoil or power over its faces, its camp beds' share of the fastest pace its
    machines keep (:func:`~beringia.core.construction.best_pace`), or that pace. A limit is
    blamed only where it is below that pace. When the stretch's longest bore then takes
    more than :data:`MAX_CONSTRUCTION_YEARS`, the slowest front's limit is named with the
    least value that keeps the stretch within, the other fronts unchanged (each limit grows
    in proportion to its field). ``validate`` and ``assess`` run this before any draw.

    Parameters
    ----------
    inp : ConstructionInputs
        The compiled construction inputs; their keys are scenario paths.

    Raises
    ------
    ScenarioError
        Naming the site field, its value and the least value allowed.
    """
    hds = headings(inp)

    def median(k: str) -> float:
        return _median(inp, k)

    for gi, (a, b) in enumerate(itertools.pairwise(inp.points)):
        sites = [
            j
            for j, toward in ((gi, "east"), (gi + 1, "west"))
            if any(h.point == j and h.direction == toward for h in hds)
        ]
        worst: tuple[float, str, str, int] | None = None
        paces = []
        for j in sites:
            pace = max(best_pace(inp, inp.bores[h.bore], median) for h in hds if h.point == j)
            limit = site_pace(inp, j, median, pace)
            if limit is not None and limit[0] < pace:
                pace = limit[0]
                if worst is None or pace < worst[0]:
                    worst = (*limit, j)
            paces.append(pace)
        if worst is None:
            continue
        v, key, what, j = worst
        length = max(
            float(span_overlap_m(inp, bore, a.chainage_m, b.chainage_m)) for bore in inp.bores
        )
        with np.errstate(divide="ignore"):
            years = float(np.float64(length) / sum(paces)) / YEAR_DAYS
        if not years > MAX_CONSTRUCTION_YEARS:
            continue
        spec = inp.inputs[key]
        given = median(key)
        fixed = spec.kind == "fixed"
        # the blamed front's pace that brings the stretch within, the other fronts unchanged
        others = sum(paces) - v
        needed = length / (MAX_CONSTRUCTION_YEARS * YEAR_DAYS) - others
        with np.errstate(divide="ignore", invalid="ignore"):
            least = _round_up(float(given * np.float64(max(needed, 0.0)) / v))
        if what == "crews":  # beds come whole
            least = float(math.ceil(least))
        raise ScenarioError(
            key,
            spec.params[0] if fixed else {},
            f"construction would last at least {years:,.0f} years (the model allows "
            f"{MAX_CONSTRUCTION_YEARS:,.0f}): {inp.points[j].name}'s {WHAT[what]} the stretch "
            f"{a.name} - {b.name} to {v:.3g} m/day; raise "
            + ("it" if fixed else f"its median ({given:,.4g})")
            + f" to at least {least:,.3g}",
        )


def check_construction(inp: ConstructionInputs, run: ConstructionRun) -> None:
    """Check the construction results: finite, non-negative, and not absurdly long.

    Parameters
    ----------
    inp : ConstructionInputs
        The compiled (and anchored) construction inputs; their keys are scenario paths.
    run : ConstructionRun
        The results of :func:`beringia.models.construction.run.run_construction`.

    Raises
    ------
    ScenarioError
        Naming the scenario field to change: the longest critical activity's input for a
        duration that is not finite or over :data:`MAX_CONSTRUCTION_YEARS`, the largest
        input of a cost component that is not finite or negative.
    """
    years = run.duration_years
    n = years.shape[0]
    bad = ~np.isfinite(years) | (years > MAX_CONSTRUCTION_YEARS)
    if bad.any():
        key, why = _duration_culprit(inp, run)
        longest = float(np.nanmax(np.where(np.isfinite(years), years, np.inf)))
        spec = inp.inputs.get(key)
        raise ScenarioError(
            key,
            spec.params[0] if spec is not None and spec.kind == "fixed" else {},
            f"construction would last up to {longest:.3g} years (the model allows "
            f"{MAX_CONSTRUCTION_YEARS:,.0f}): {why}",
        )
    for component in COMPONENTS:
        cost = run.breakdown_usd_bn[component]
        finite = np.isfinite(cost)
        negative = finite & (cost < 0) if component != "systemic" else np.zeros(n, bool)
        if finite.all() and not negative.any():
            continue
        keys = _cost_inputs(inp, component) or [inp.owner_fraction]
        what = "not finite" if not finite.all() else "negative"
        count = int((~finite | negative).sum())
        raise ScenarioError(
            _largest(inp, keys),
            {},
            f"makes the {component.replace('_', ' ')} cost of construction {what} in "
            f"{count} of {n} draws; give it a smaller value",
        )
