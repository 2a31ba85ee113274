"""The one bridge from the pydantic scenario to the model's plain arrays and specs."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import numpy as np

from beringia.core.construction import (
    BoreIn,
    ConstructionInputs,
    DriveCap,
    Heading,
    MachineIn,
    PointIn,
    ReuseIn,
    StopIn,
    bore_points,
    heading_machine,
    headings,
    reuse_cycle,
)
from beringia.core.distributions import DistSpec
from beringia.core.events import EventIn
from beringia.core.geology import Zone
from beringia.core.pressure import PRESSURE_REGIMES, SATURATION, split_by_pressure
from beringia.core.risks import RiskIn
from beringia.errors import ScenarioError
from beringia.models.alignment import AlignmentResult, alignment_for
from beringia.scenario.distributions import AnyDist, dist_spec
from beringia.scenario.model import Bore, Machine, PressureRegime, Scenario
from beringia.tables.drive_averages import (
    DEFAULT_REGIME,
    PRESSURE_SENSITIVE,
    SATURATION_BAR,
    cap_drives,
)


class _Registry:
    def __init__(self) -> None:
        self.specs: dict[str, DistSpec] = {}

    def add(self, key: str, d: AnyDist) -> str:
        self.specs[key] = dist_spec(d)
        return key

    def add_optional(self, key: str, d: AnyDist | None) -> str | None:
        """Register ``d`` under ``key`` if it is given; return the key or None."""
        return None if d is None else self.add(key, d)


def places_m(sc: Scenario, alignment: AlignmentResult | None) -> dict[str, float]:
    """Chainage (m from the west portal) of every named place the scenario can refer to."""
    if alignment is not None:
        return alignment.places_m
    return {p.name: (p.chainage_km or 0.0) * 1000.0 for p in sc.route.attack_points}


def tunnel_length_km(sc: Scenario) -> float:
    """Portal-to-portal length (km): typed in, or from the designed alignment."""
    alignment = alignment_for(sc)
    return places_m(sc, alignment)[sc.route.attack_points[-1].name] / 1000.0


def zone_bounds(sc: Scenario, places: dict[str, float]) -> list[tuple[float, float]]:
    """Resolve each zone's start and end (m); check they tile the tunnel from 0 to its end.

    Raises
    ------
    ScenarioError
        Naming the zone whose bounds are out of order or leave the tunnel.
    """
    length = places[sc.route.attack_points[-1].name]
    bounds = []
    for z in sc.geology.zones:
        start = places[z.from_point] if z.from_point is not None else (z.from_km or 0.0) * 1000
        end = places[z.to_point] if z.to_point is not None else (z.to_km or 0.0) * 1000
        if not 0 <= start < end <= length + 1e-6:
            raise ScenarioError(
                f"geology.zones.{z.name}",
                f"{start / 1000:.2f} to {end / 1000:.2f} km",
                f"a zone must run eastwards inside the tunnel (0 to {length / 1000:.2f} km)",
            )
        bounds.append((start, min(end, length)))
    if bounds[0][0] > 1e-6 or abs(bounds[-1][1] - length) > 1e-6:
        raise ScenarioError(
            "geology.zones",
            f"{bounds[0][0] / 1000:.2f} to {bounds[-1][1] / 1000:.2f} km",
            f"the zones must cover the tunnel from 0 to {length / 1000:.2f} km",
        )
    return bounds


TOL_M = 1e-6


def _bore_span(sc: Scenario, bo: Bore, places: dict[str, float]) -> tuple[float, float | None]:
    """Resolve a bore's span (m); ``None`` as the end: the route's end."""
    length = places[sc.route.attack_points[-1].name]
    k = f"construction.bores.{bo.name}."
    ends: list[float | None] = []
    for field, km, point, default in (
        ("from", bo.from_km, bo.from_point, 0.0),
        ("to", bo.to_km, bo.to_point, None),
    ):
        if point is not None:
            if point not in places:
                raise ScenarioError(
                    f"{k}{field}_point", point, f"a named point: {', '.join(sorted(places))}"
                )
            ends.append(places[point])
        else:
            ends.append(default if km is None else km * 1000.0)
    start, end = ends
    assert start is not None
    if not 0.0 <= start < (length if end is None else end) <= length + TOL_M:
        stop = length if end is None else end
        raise ScenarioError(
            f"{k}from_km",
            f"{start / 1000:.3f} to {stop / 1000:.3f} km",
            f"a span running eastwards inside the tunnel (0 to {length / 1000:.3f} km)",
        )
    if start <= TOL_M and (end is None or end >= length - TOL_M):
        return 0.0, None
    return start, end if end is None else min(end, length)


def _launches(sc: Scenario, bo: Bore) -> tuple[tuple[int, str], ...] | None:
    """Resolve a bore's ``headings`` override into (point, direction) pairs."""
    if bo.headings is None:
        return None
    pts = sc.route.attack_points
    names = [p.name for p in pts]
    for name, dirs in bo.headings.items():
        where = f"construction.bores.{bo.name}.headings.{name}"
        if name not in names:
            raise ScenarioError(where, name, f"an attack point: {', '.join(names)}")
        if name == names[0] and "west" in dirs:
            raise ScenarioError(where, "west", "east or nothing (the first point)")
        if name == names[-1] and "east" in dirs:
            raise ScenarioError(where, "east", "west or nothing (the last point)")
    return tuple(
        (p, d)
        for p, pt in enumerate(pts)
        for d in ("west", "east")
        if d in bo.headings.get(pt.name, pt.headings)
    )


def _resolve_reuse_and_stops(sc: Scenario, bores: list[BoreIn], reg: _Registry) -> list[BoreIn]:
    """Resolve every bore's ``reuse`` and ``stops`` against the headings that exist."""
    names = [p.name for p in sc.route.attack_points]
    bore_index = {bo.name: b for b, bo in enumerate(bores)}
    out = []
    used: dict[tuple[int, int, str], str] = {}
    for bo, core in zip(sc.construction.bores, bores, strict=True):
        k = f"construction.bores.{bo.name}."
        reuse = []
        for i, r in enumerate(bo.reuse):
            where = f"{k}reuse.{i}"
            point, direction = r.heading.split(":")
            after_bore, after_point, after_dir = r.after.split(":")
            if after_bore not in bore_index or after_bore == bo.name:
                others = sorted(set(bore_index) - {bo.name})
                raise ScenarioError(
                    f"{where}.after", r.after, f"a heading of another bore: {', '.join(others)}"
                )
            a = bore_index[after_bore]
            for field, pname in (("heading", point), ("after", after_point)):
                if pname not in names:
                    raise ScenarioError(
                        f"{where}.{field}", pname, f"an attack point: {', '.join(names)}"
                    )
            key = (a, names.index(after_point), after_dir)
            if key in used:
                raise ScenarioError(
                    f"{where}.after", r.after, f"a heading not already reused by {used[key]}"
                )
            used[key] = where
            reuse.append(
                ReuseIn(
                    point=names.index(point),
                    direction=direction,
                    after_bore=a,
                    after_point=key[1],
                    after_direction=after_dir,
                    relocation=reg.add(f"{k}reuse.{i}.relocation_months", r.relocation_months),
                )
            )
        stops = []
        for i, st in enumerate(bo.stops):
            point, direction = st.heading.split(":")
            if point not in names:
                raise ScenarioError(
                    f"{k}stops.{i}.heading", point, f"an attack point: {', '.join(names)}"
                )
            stops.append(StopIn(names.index(point), direction, st.stop_km * 1000.0))
        out.append(dataclasses.replace(core, reuse=tuple(reuse), stops=tuple(stops)))
    return out


def check_bores(inp: ConstructionInputs) -> None:
    """Check that every bore's headings exist and that its fronts reach its whole span.

    Raises
    ------
    ScenarioError
        Naming the reuse, stop or span that cannot be, and what is allowed.
    """
    exist = {(h.bore, h.point, h.direction) for h in headings(inp)}
    stuck = reuse_cycle(inp)
    if stuck is not None:
        bo = inp.bores[stuck]
        raise ScenarioError(
            f"construction.bores.{bo.name}.reuse",
            ", ".join(
                f"{inp.bores[r.after_bore].name}:{inp.points[r.after_point].name}:"
                f"{r.after_direction}"
                for r in bo.reuse
            ),
            "a machine reused after a drive that does not wait on this bore (a cycle)",
        )
    for b, bo in enumerate(inp.bores):
        k = f"construction.bores.{bo.name}."
        mine = sorted(f"{inp.points[p].name}:{d}" for bb, p, d in exist if bb == b)
        for i, r in enumerate(bo.reuse):
            if (b, r.point, r.direction) not in exist:
                raise ScenarioError(
                    f"{k}reuse.{i}.heading",
                    f"{inp.points[r.point].name}:{r.direction}",
                    f"a heading of this bore: {', '.join(mine) or 'none'}",
                )
            other = inp.bores[r.after_bore].name
            after = f"{other}:{inp.points[r.after_point].name}:{r.after_direction}"
            if (r.after_bore, r.after_point, r.after_direction) not in exist:
                raise ScenarioError(
                    f"{k}reuse.{i}.after", after, f"a heading that bore {other!r} launches"
                )
            mine_m = heading_machine(inp, Heading(b, r.point, r.direction))
            theirs = heading_machine(inp, Heading(r.after_bore, r.after_point, r.after_direction))
            if mine_m != theirs:
                raise ScenarioError(
                    f"{k}reuse.{i}.after",
                    after,
                    "a heading that starts with the same machine as this one "
                    f"({inp.machines[mine_m].name}; that one starts with "
                    f"{inp.machines[theirs].name})",
                )
        start = bo.from_m
        end = inp.length_m if bo.to_m is None else bo.to_m
        for i, st in enumerate(bo.stops):
            where = f"{k}stops.{i}"
            label = f"{inp.points[st.point].name}:{st.direction}"
            if (b, st.point, st.direction) not in exist:
                raise ScenarioError(
                    f"{where}.heading", label, f"a heading of this bore: {', '.join(mine)}"
                )
            at = inp.points[st.point].chainage_m
            ahead = st.stop_m > at + TOL_M if st.direction == "east" else st.stop_m < at - TOL_M
            if not (ahead and start + TOL_M < st.stop_m < end - TOL_M):
                raise ScenarioError(
                    f"{where}.stop_km",
                    f"{st.stop_m / 1000:g}",
                    f"a chainage {st.direction} of {inp.points[st.point].name} "
                    f"({at / 1000:g} km) inside the bore's span "
                    f"({start / 1000:g} to {end / 1000:g} km)",
                )
        _check_reach(inp, b, exist)


def _check_reach(inp: ConstructionInputs, b: int, exist: set[tuple[int, int, str]]) -> None:
    """Every stretch of a bore's span is reached by a front that no barrier stops."""
    bo = inp.bores[b]
    chain, glob, e_bar, w_bar = bore_points(inp, bo)
    start = bo.from_m
    end = inp.length_m if bo.to_m is None else bo.to_m
    east = [g >= 0 and (b, int(g), "east") in exist for g in glob]
    west = [g >= 0 and (b, int(g), "west") in exist for g in glob]
    for j in range(len(chain) - 1):
        if min(chain[j + 1], end) - max(chain[j], start) <= TOL_M:
            continue
        from_west = any(east[p] and not e_bar[p + 1 : j + 1].any() for p in range(j + 1))
        from_east = any(west[q] and not w_bar[j + 1 : q].any() for q in range(j + 1, len(chain)))
        if not (from_west or from_east):
            raise ScenarioError(
                f"construction.bores.{bo.name}",
                f"{chain[j] / 1000:g} to {chain[j + 1] / 1000:g} km",
                "a heading reaching every part of the bore's span (launch one there, or "
                "move a stop)",
            )


def drive_caps_of(sc: Scenario) -> tuple[tuple[DriveCap, ...], ...]:
    """Return the advance caps of every ground class: set 0 everywhere, set 1 under saturation.

    The rule: a class's regime (``construction.advance_envelope.regime``, ``hard-rock`` when
    not named) selects the drives of ``data/drive_averages.toml`` whose whole-drive averages
    bound it (:func:`beringia.tables.drive_averages.cap_drives`); the core caps the class's
    advance at the best of them, each scaled to the bore's diameter with the area exponent.
    In set 1 (zones at :data:`SATURATION_BAR` or more) closed-face classes take only the
    drives driven at such pressure.
    """
    regimes = sc.construction.advance_envelope.regime
    return tuple(
        tuple(
            _drive_cap(
                regimes.get(c.name, DEFAULT_REGIME),
                f"construction.advance_envelope.regime.{c.name}",
                saturation,
            )
            for c in sc.geology.classes
        )
        for saturation in (False, True)
    )


def machine_caps_of(sc: Scenario, machine: Machine) -> tuple[tuple[DriveCap, ...], ...] | None:
    """Return a machine's own advance caps (its ``regime`` in every class), else ``None``.

    Set 0 everywhere, set 1 under saturation, as :func:`drive_caps_of`; the cap's field is
    ``construction.machines.<name>.regime``.
    """
    if machine.regime is None:
        return None
    field = f"construction.machines.{machine.name}.regime"
    return tuple(
        tuple(_drive_cap(machine.regime, field, saturation) for _ in sc.geology.classes)
        for saturation in (False, True)
    )


def _drive_cap(regime: str, field: str, saturation: bool) -> DriveCap:
    """Return the drives of ``regime`` that cap advance (under saturation pressure or not)."""
    drives = cap_drives(regime, saturation=saturation)
    pressured = saturation and regime in PRESSURE_SENSITIVE
    label = f"{regime} drives" + (f" at {SATURATION_BAR:g} bar or more" if pressured else "")
    if not drives:  # the shipped table lacks the regime: a broken installation
        allowed = "a regime with drives in data/drive_averages.toml"
        raise ScenarioError(field, regime, allowed)
    return DriveCap(
        field=field, label=label, drives=tuple((d.m_per_day, d.diameter_m) for d in drives)
    )


def _zone_factor(
    by_regime: Mapping[PressureRegime, float], regimes: tuple[int, ...]
) -> tuple[float, ...]:
    """Return an event's rate factor for each zone from its factors by pressure regime."""
    if not by_regime:
        return ()
    factor: dict[str, float] = {str(k): v for k, v in by_regime.items()}
    return tuple(factor.get(PRESSURE_REGIMES[r], 1.0) for r in regimes)


def pressure_zones(
    sc: Scenario, zones: tuple[Zone, ...], alignment: AlignmentResult | None
) -> tuple[tuple[Zone, ...], tuple[int, ...]]:
    """Split the zones at the pressure regimes' lines; return the pieces and their regimes.

    The pressure is the zone's ``water_pressure_bar`` where given (the zone is not split),
    else the alignment's water pressure at rail level
    (:meth:`~beringia.models.alignment.AlignmentResult.water_pressure_bar`), else
    atmospheric (0 bar: a scenario without an alignment that states no pressure).
    """
    given = tuple(z.water_pressure_bar for z in sc.geology.zones)
    if alignment is not None:
        chainage, bar = alignment.water_pressure_bar()
    else:
        chainage, bar = np.array([zones[0].from_m, zones[-1].to_m]), np.zeros(2)
    return split_by_pressure(zones, chainage, bar, given)


def _zone_machines(
    sc: Scenario, pieces: tuple[Zone, ...], machine_index: Mapping[str, int]
) -> dict[tuple[str, int], int]:
    """Return (zone piece, bore index) -> the machine forced there.

    The zone's ``machines`` entry for the bore, else its ``machine``; the pieces of a zone
    split by pressure inherit it.
    """
    out: dict[tuple[str, int], int] = {}
    for z in sc.geology.zones:
        for b, bo in enumerate(sc.construction.bores):
            name = (z.machines or {}).get(bo.name, z.machine)
            if name is None:
                continue
            for piece in pieces:
                if piece.name == z.name or piece.name.startswith(z.name + "@"):
                    out[(piece.name, b)] = machine_index[name]
    return out


def compile_construction(
    sc: Scenario, alignment: AlignmentResult | None = None
) -> ConstructionInputs:
    """Compile a scenario into :class:`ConstructionInputs`.

    Input keys are the dotted paths of the scenario fields, with list elements named by
    their ``name`` (``construction.machines.mixshield.utilisation.rock``), so a key is also
    a valid ``--set`` path. With an alignment section, attack points and zone bounds are
    placed on the designed alignment (``alignment`` saves designing it again).
    """
    if alignment is None and sc.alignment is not None:
        alignment = alignment_for(sc)
    places = places_m(sc, alignment)
    reg = _Registry()
    classes = tuple(c.name for c in sc.geology.classes)
    bounds = zone_bounds(sc, places)
    zones = tuple(
        Zone(
            name=z.name,
            from_m=start,
            to_m=end,
            share=tuple(z.share.get(c, 0.0) for c in classes),
            mean_run_m=tuple(z.mean_run_m.get(c, 100.0) for c in classes),
        )
        for z, (start, end) in zip(sc.geology.zones, bounds, strict=True)
    )
    zones, regimes = pressure_zones(sc, zones, alignment)
    points = []
    for p in sc.route.attack_points:
        k = f"route.attack_points.{p.name}."
        points.append(
            PointIn(
                name=p.name,
                kind=p.kind,
                chainage_m=places[p.name],
                east="east" in p.headings,
                west="west" in p.headings,
                marine_days=reg.add(k + "marine_works_days", p.marine_works_days),
                site_months=reg.add(k + "site_works_months", p.site_works_months),
                site_cost=reg.add(k + "site_cost_usd_m", p.site_cost_usd_m),
                overhead=reg.add(k + "overhead_usd_m_per_year", p.overhead_usd_m_per_year),
                supply=reg.add_optional(k + "supply_m3_per_day", p.supply_m3_per_day),
                spoil=reg.add_optional(k + "spoil_m3_per_day", p.spoil_m3_per_day),
                power=reg.add_optional(k + "power_mw", p.power_mw),
                beds=reg.add_optional(k + "camp_beds", p.camp_beds),
            )
        )
    c = sc.construction
    machines = []
    for mc in c.machines:
        k = f"construction.machines.{mc.name}."
        machines.append(
            MachineIn(
                name=mc.name,
                reference_diameter_m=mc.reference_diameter_m,
                penetration=tuple(
                    reg.add(f"{k}penetration_m_per_h.{g}", mc.penetration_m_per_h[g])
                    for g in classes
                ),
                utilisation=tuple(
                    reg.add(f"{k}utilisation.{g}", mc.utilisation[g]) for g in classes
                ),
                manufacture_months=reg.add(k + "manufacture_months", mc.manufacture_months),
                shipping_days=reg.add(k + "shipping_days", mc.shipping_days),
                launch_months=reg.add(k + "launch_months", mc.launch_months),
                learning_days=reg.add(k + "learning_days", mc.learning_days),
                learning_efficiency=reg.add(
                    k + "learning_initial_efficiency", mc.learning_initial_efficiency
                ),
                caps=machine_caps_of(sc, mc),
            )
        )
    machine_index = {mc.name: i for i, mc in enumerate(c.machines)}
    bores = []
    for bo in c.bores:
        k = f"construction.bores.{bo.name}."
        from_m, to_m = _bore_span(sc, bo, places)
        bores.append(
            BoreIn(
                name=bo.name,
                role=bo.role,
                diameter_m=bo.diameter_m,
                machine=machine_index[bo.machine],
                cost_reference_diameter_m=bo.cost_reference_diameter_m,
                unit_cost=reg.add(k + "unit_cost_usd_m_per_km", bo.unit_cost_usd_m_per_km),
                machine_cost=reg.add(k + "machine_cost_usd_m", bo.machine_cost_usd_m),
                heading_cost=reg.add(
                    k + "heading_cost_usd_m_per_day", bo.heading_cost_usd_m_per_day
                ),
                performance=reg.add(k + "performance_factor", bo.performance_factor),
                from_m=from_m,
                to_m=to_m,
                launches=_launches(sc, bo),
            )
        )
    bores = _resolve_reuse_and_stops(sc, bores, reg)
    events = tuple(
        EventIn(
            name=ev.name,
            rate_per_km=tuple(ev.rate_per_km.get(g, 0.0) for g in classes),
            rate_multiplier=reg.add(
                f"construction.events.{ev.name}.rate_multiplier", ev.rate_multiplier
            ),
            delay_days=dist_spec(ev.delay_days),
            cost_usd_m=dist_spec(ev.cost_usd_m),
            zone_factor=_zone_factor(ev.pressure_factor, regimes),
        )
        for ev in c.events
    )
    span = {z.name: b for z, b in zip(sc.geology.zones, bounds, strict=True)}
    risks = tuple(
        RiskIn(
            name=r.name,
            probability=reg.add_optional(f"construction.risks.{r.name}.probability", r.probability),
            rate_per_year=reg.add_optional(
                f"construction.risks.{r.name}.rate_per_year", r.rate_per_year
            ),
            rate_per_km=reg.add_optional(f"construction.risks.{r.name}.rate_per_km", r.rate_per_km),
            spans=tuple(span[z] for z in r.zones),
            all_bores=r.bores == "all",
            bore=b,
            delay_days=dist_spec(r.delay_days),
            cost_usd_m=dist_spec(r.cost_usd_m),
            group=r.group,
        )
        for r in c.risks
        for b in (range(len(c.bores)) if r.bores == "each" else [None])
    )
    env = c.advance_envelope
    inp = ConstructionInputs(
        classes=classes,
        zones=zones,
        points=tuple(points),
        machines=tuple(machines),
        bores=tuple(bores),
        events=events,
        inputs=reg.specs,
        start_day_of_year=c.start_day_of_year,
        season_open_doy=c.marine_season.open_day_of_year,
        season_close_doy=c.marine_season.close_day_of_year,
        caps=drive_caps_of(sc),
        zone_caps=tuple(1 if r == SATURATION else 0 for r in regimes),
        area_exponent=reg.add("construction.advance_envelope.area_exponent", env.area_exponent),
        cp_spacing_m=c.cross_passages.spacing_m,
        cp_cost=reg.add(
            "construction.cross_passages.cost_usd_m_each", c.cross_passages.cost_usd_m_each
        ),
        cp_months=reg.add(
            "construction.cross_passages.months_after_breakthrough",
            c.cross_passages.months_after_breakthrough,
        ),
        fit_usd_per_track_km=reg.add(
            "construction.fitout.usd_m_per_track_km", c.fitout.usd_m_per_track_km
        ),
        fit_fixed=reg.add("construction.fitout.fixed_usd_m", c.fitout.fixed_usd_m),
        ventilation_plant=reg.add_optional(
            "construction.fitout.ventilation_plant_usd_m_each",
            c.fitout.ventilation_plant_usd_m_each,
        ),
        power_energy=reg.add_optional("construction.power_mwh_per_m3", c.power_mwh_per_m3),
        # drawn only where a site gives beds: otherwise no input, no stream, nothing changes
        beds_per_face=reg.add_optional(
            "construction.beds_per_face",
            c.beds_per_face
            if any(p.camp_beds is not None for p in sc.route.attack_points)
            else None,
        ),
        ventilation_reference_m=(
            None
            if c.fitout.ventilation_reference_km is None
            else c.fitout.ventilation_reference_km * 1000.0
        ),
        ventilation_exponent=c.fitout.ventilation_size_exponent,
        station_spacing_m=(
            None
            if c.fitout.emergency_station_spacing_km is None
            else c.fitout.emergency_station_spacing_km * 1000.0
        ),
        station_cost=reg.add_optional(
            "construction.fitout.emergency_station_usd_m_each",
            c.fitout.emergency_station_usd_m_each,
        ),
        fit_rate=reg.add(
            "construction.fitout.track_km_per_month_per_front",
            c.fitout.track_km_per_month_per_front,
        ),
        integration_months=reg.add(
            "construction.fitout.integration_months", c.fitout.integration_months
        ),
        commissioning_months=reg.add(
            "construction.fitout.commissioning_months", c.fitout.commissioning_months
        ),
        labour_factor=reg.add(
            "construction.arctic.labour_cost_factor", c.arctic.labour_cost_factor
        ),
        materials_factor=reg.add(
            "construction.arctic.materials_cost_factor", c.arctic.materials_cost_factor
        ),
        surface_productivity=reg.add(
            "construction.arctic.surface_productivity", c.arctic.surface_productivity
        ),
        owner_fraction=reg.add("construction.owner_cost_fraction", c.owner_cost_fraction),
        risks=risks,
        risk_groups={g.name: g.correlation for g in c.risk_groups},
        systemic_cost=(
            None
            if c.systemic is None
            else reg.add("construction.systemic.cost_factor", c.systemic.cost_factor)
        ),
        systemic_schedule=(
            None
            if c.systemic is None
            else reg.add("construction.systemic.schedule_factor", c.systemic.schedule_factor)
        ),
        zone_machines=_zone_machines(sc, zones, machine_index),
    )
    check_bores(inp)
    return inp
