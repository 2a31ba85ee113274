"""Known answers worked out by hand for the construction model and its building blocks."""

from __future__ import annotations

import copy
import math
from typing import Any

import numpy as np
import pytest

import beringia
from beringia.core.calendar import MONTH_DAYS, YEAR_DAYS, seasonal_finish
from beringia.core.construction import advance_limit
from beringia.core.distributions import DistSpec, mean, ppf
from beringia.core.headings import solve_fronts
from beringia.errors import ScenarioError
from beringia.models.construction.compile import compile_construction

BOREDAYS = 12_000 / 12.0  # 12 km at 2 m/h x 0.25 x 24 h


def run(doc: dict[str, Any], draws: int = 64, seed: int = 1) -> beringia.Assessment:
    return beringia.assess(beringia.load_scenario(doc), draws=draws, seed=seed)


def hand_cost_usd_m(
    bore_days: float, years: float, *, length_cost: float = 120.0, headings: int = 1
) -> float:
    subtotal = (
        20.0 * headings  # machines
        + 100.0  # two sites at 50
        + length_cost  # 12 km x 10
        + 0.1 * bore_days  # heading-days x 0.1
        + 20.0 * years  # overheads 2 x 10 per year
        + 24.0  # floor(12000 / 500) cross-passages x 1
        + 12 * 5.0
        + 100.0  # fit-out
    )
    return subtotal * 1.1  # owner's costs 10 %


def test_single_heading_fixed_advance_duration_and_cost(hand_doc: dict[str, Any]) -> None:
    a = run(hand_doc)
    fitout_days = 12 / (2 * 1.0) * MONTH_DAYS
    years = (BOREDAYS + fitout_days) / YEAR_DAYS
    np.testing.assert_allclose(a.duration_years, years, rtol=1e-12)
    np.testing.assert_allclose(a.cost_usd_bn, hand_cost_usd_m(BOREDAYS, years) / 1000, rtol=1e-12)
    assert a.headings[0].length_km == pytest.approx(12.0)
    np.testing.assert_allclose(a.headings[0].duration_years, BOREDAYS / YEAR_DAYS, rtol=1e-12)
    probs = {c.name: c.probability for c in a.claims}
    assert probs == {"cheap": 0.0, "fast": 1.0}


def test_two_headings_meet_in_the_middle(hand_doc: dict[str, Any]) -> None:
    hand_doc["route"]["attack_points"][1]["headings"] = ["west"]
    a = run(hand_doc)
    years = (BOREDAYS / 2 + 12 / 2 * MONTH_DAYS) / YEAR_DAYS
    np.testing.assert_allclose(a.duration_years, years, rtol=1e-12)
    for h in a.headings:
        np.testing.assert_allclose(h.length_km, 6.0, rtol=1e-9)
    expected = hand_cost_usd_m(BOREDAYS, years, headings=2) / 1000
    np.testing.assert_allclose(a.cost_usd_bn, expected, rtol=1e-12)


def test_learning_curve_costs_half_the_lost_efficiency(hand_doc: dict[str, Any]) -> None:
    machine = hand_doc["construction"]["machines"][0]
    machine["learning_days"] = 100.0
    machine["learning_initial_efficiency"] = 0.5
    a = run(hand_doc)
    years = (BOREDAYS + 25.0 + 6 * MONTH_DAYS) / YEAR_DAYS
    np.testing.assert_allclose(a.duration_years, years, rtol=1e-12)


def test_performance_factor_scales_boring_time(hand_doc: dict[str, Any]) -> None:
    hand_doc["construction"]["bores"][0]["performance_factor"] = 2.0
    a = run(hand_doc)
    np.testing.assert_allclose(a.headings[0].duration_years, 2 * BOREDAYS / YEAR_DAYS, rtol=1e-12)


@pytest.mark.parametrize(
    ("regime", "diameter", "cap"),
    [
        # The best hard-rock whole drive, Sunkoshi (23.3 m/day at 6.4 m), scaled by face area.
        ("hard-rock", 9.0, 23.3 * (6.4 / 9.0) ** 0.8),
        ("hard-rock", 12.0, 23.3 * (6.4 / 12.0) ** 0.8),
        # Closed face: Madrid M-30's 14.7 m/day at 15.2 m scales up to a smaller bore.
        ("closed-face", 9.0, 14.7 * (15.2 / 9.0) ** 0.8),
        # Drill and blast: one face in Norway, 15.3 m/day, no diameter: not scaled.
        ("drill-and-blast", 9.0, 15.3),
    ],
)
def test_whole_drive_cap_holds_advance(
    hand_doc: dict[str, Any], regime: str, diameter: float, cap: float
) -> None:
    machine = hand_doc["construction"]["machines"][0]
    machine["penetration_m_per_h"] = {"rock": 20.0}  # 480 m a day, far above every cap
    machine["utilisation"] = {"rock": 1.0}
    hand_doc["construction"]["advance_envelope"]["regime"] = {"rock": regime}
    hand_doc["construction"]["bores"][0]["diameter_m"] = diameter
    a = run(hand_doc)
    np.testing.assert_allclose(a.headings[0].duration_years, 12_000 / cap / YEAR_DAYS, rtol=1e-12)


def test_advance_below_the_cap_is_untouched(hand_doc: dict[str, Any]) -> None:
    # 12 m/day in rock at 9 m is below every regime's cap there: the hand answer stands.
    for regime in ("hard-rock", "closed-face", "drill-and-blast"):
        hand_doc["construction"]["advance_envelope"]["regime"] = {"rock": regime}
        a = run(hand_doc)
        np.testing.assert_allclose(a.headings[0].duration_years, BOREDAYS / YEAR_DAYS, rtol=1e-12)


def test_face_area_scales_advance_and_unit_cost(hand_doc: dict[str, Any]) -> None:
    hand_doc["construction"]["bores"][0]["diameter_m"] = 18.0
    hand_doc["construction"]["advance_envelope"]["area_exponent"] = 0.5
    a = run(hand_doc)
    np.testing.assert_allclose(a.headings[0].duration_years, 2 * BOREDAYS / YEAR_DAYS, rtol=1e-12)
    np.testing.assert_allclose(a.breakdown_usd_bn["tunnelling_length"], 0.480, rtol=1e-12)


def test_marine_works_wait_for_the_ice_free_season(hand_doc: dict[str, Any]) -> None:
    hand_doc["route"]["attack_points"][0]["marine_works_days"] = 61.5
    a = run(hand_doc)
    start = 182.0 + 61.5  # the window opens on day 182; works take 61.5 days inside it
    np.testing.assert_allclose(
        a.duration_years, (start + BOREDAYS + 6 * MONTH_DAYS) / YEAR_DAYS, rtol=1e-12
    )


def test_event_costs_match_the_poisson_mean(hand_doc: dict[str, Any]) -> None:
    hand_doc["construction"]["events"] = [
        {
            "name": "flood",
            "rate_per_km": {"rock": 0.5},
            "rate_multiplier": 1.0,
            "delay_days": 10.0,
            "cost_usd_m": 2.0,
        }
    ]
    draws = 20_000
    a = run(hand_doc, draws=draws)
    counts = a.breakdown_usd_bn["events"] * 1000 / 2.0
    np.testing.assert_allclose(counts, np.round(counts), atol=1e-9)  # whole events
    expected = 0.5 * 12  # events per draw
    se = math.sqrt(expected / draws)
    assert abs(counts.mean() - expected) < 4 * se
    assert abs(counts.var() - expected) < 0.1 * expected  # Poisson: variance = mean
    # Every event stops the only heading for 10 days.
    extra_days = (a.headings[0].duration_years * YEAR_DAYS) - BOREDAYS
    np.testing.assert_allclose(extra_days, 10.0 * counts, atol=1e-6)


# --------------------------------------------------------------------------- calendar
@pytest.mark.parametrize(
    ("start", "work", "finish"),
    [
        (0.0, 0.0, 0.0),  # no work: finishes at once
        (0.0, 10.0, 192.0),  # waits for the window (opens day 182)
        (200.0, 10.0, 210.0),  # inside the window
        (300.0, 10.0, 182 + YEAR_DAYS + 5),  # 5 days this season, 5 the next
        (0.0, 123.0, 305.0),  # exactly one full season
        (0.0, 124.0, 182 + YEAR_DAYS + 1),  # one day more than a season
        (310.0, 246.0, 182 + 2 * YEAR_DAYS + 123),  # two full seasons, starting after close
    ],
)
def test_seasonal_finish(start: float, work: float, finish: float) -> None:
    got = seasonal_finish(np.array([start]), np.array([work]), 0.0, 182.0, 305.0)
    assert got[0] == pytest.approx(finish)


# --------------------------------------------------------------------------- fronts
def test_fronts_meet_where_progress_meets() -> None:
    gap = np.array([[100.0]])
    fr = solve_fronts(gap, np.array([[0.0, np.inf]]), np.array([[np.inf, 40.0]]))
    assert fr.gap_finish[0, 0] == pytest.approx(70.0)  # (0 + 40 + 100) / 2
    assert fr.meet[0, 0] == pytest.approx(70.0)  # the east heading bored 70 days' worth


def test_late_launch_is_overtaken_and_cancelled() -> None:
    # Point 1 launches east only at day 500; the heading from point 0 passes it at day 100.
    gaps = np.array([[100.0, 100.0]])
    east = np.array([[0.0, 500.0, np.inf]])
    west = np.full((1, 3), np.inf)
    fr = solve_fronts(gaps, east, west)
    assert fr.east_owner[0, 1] == 0
    assert fr.gap_finish[0, 1] == pytest.approx(200.0)


def test_heading_stops_at_a_point_that_launched_towards_it() -> None:
    gaps = np.array([[100.0, 100.0]])
    east = np.array([[0.0, np.inf, np.inf]])
    west = np.array([[np.inf, 10.0, np.inf]])  # point 1 launches west at day 10
    fr = solve_fronts(gaps, east, west)
    assert fr.gap_finish[0, 0] == pytest.approx(55.0)
    assert math.isinf(fr.gap_finish[0, 1])  # nobody drives the second gap


# --------------------------------------------------------------------------- distributions
@pytest.mark.parametrize(
    "spec",
    [
        DistSpec("uniform", (2.0, 5.0)),
        DistSpec("triangular", (1.0, 2.0, 6.0)),
        DistSpec("pert", (1.0, 2.0, 6.0, 4.0)),
        DistSpec("normal", (3.0, 0.5)),
        DistSpec("lognormal", (2.0, 1.5)),
        DistSpec("discrete", values=(1.0, 4.0), probs=(0.25, 0.75)),
    ],
)
def test_inverse_cdf_reproduces_the_analytic_mean(spec: DistSpec) -> None:
    u = (np.arange(200_000) + 0.5) / 200_000  # stratified uniforms
    assert ppf(spec, u).mean() == pytest.approx(mean(spec), rel=2e-3)


def test_triangular_and_lognormal_quantiles() -> None:
    tri = DistSpec("triangular", (0.0, 0.0, 1.0))
    assert ppf(tri, np.array([0.75]))[0] == pytest.approx(0.5)  # F(x) = 1 - (1 - x)^2
    logn = DistSpec("lognormal", (10.0, 2.0))
    assert ppf(logn, np.array([0.5]))[0] == pytest.approx(10.0)


def test_length_cost_is_linear_in_unit_cost(hand_doc: dict[str, Any]) -> None:
    other = copy.deepcopy(hand_doc)
    other["construction"]["bores"][0]["unit_cost_usd_m_per_km"] = 20.0
    a, b = run(hand_doc), run(other)
    np.testing.assert_allclose(
        b.breakdown_usd_bn["tunnelling_length"], 2 * a.breakdown_usd_bn["tunnelling_length"]
    )


def test_truncated_normal_stays_in_range_and_has_the_analytic_mean() -> None:
    spec = DistSpec("normal", (1.0, 1.0, 0.0, math.inf))
    u = (np.arange(200_000) + 0.5) / 200_000
    x = ppf(spec, u)
    assert x.min() >= 0.0
    # Mean of N(1, 1) truncated below at 0: 1 + phi(-1) / (1 - Phi(-1)) = 1.2876
    assert x.mean() == pytest.approx(1.0 + 0.24197072451914337 / 0.8413447460685429, rel=1e-3)
    assert mean(spec) == pytest.approx(x.mean(), rel=1e-3)


def test_a_truncated_normal_is_accepted_where_a_positive_value_is_required(
    hand_doc: dict[str, Any],
) -> None:
    hand_doc["construction"]["bores"][0]["performance_factor"] = {
        "dist": "normal",
        "mean": 1.0,
        "sd": 0.1,
        "low": 0.5,
        "high": 1.5,
    }
    a = run(hand_doc, draws=2000)
    days = a.headings[0].duration_years * YEAR_DAYS
    assert days.min() >= 0.5 * BOREDAYS - 1e-9
    assert days.max() <= 1.5 * BOREDAYS + 1e-9
    assert days.std() > 0


def test_per_event_draws_match_the_per_type_inverse_cdf() -> None:
    from beringia.core.events import per_event

    specs = [DistSpec("lognormal", (30.0, 2.5)), DistSpec("lognormal", (120.0, 2.2))]
    kind = np.array([0, 1, 1, 0, 1])
    u = np.array([0.1, 0.5, 0.9, 0.99, 0.01])
    expected = np.array([ppf(specs[k], u[i : i + 1])[0] for i, k in enumerate(kind)])
    np.testing.assert_allclose(per_event(specs, kind, u), expected, rtol=1e-15)
    mixed = [specs[0], DistSpec("triangular", (1.0, 2.0, 4.0))]
    expected_mixed = np.array([ppf(mixed[k], u[i : i + 1])[0] for i, k in enumerate(kind)])
    np.testing.assert_allclose(per_event(mixed, kind, u), expected_mixed, rtol=1e-15)


def test_advance_limit_names_the_regime_when_the_cap_binds(hand_doc: dict[str, Any]) -> None:
    machine = hand_doc["construction"]["machines"][0]
    machine["penetration_m_per_h"] = {"rock": 20.0}
    machine["utilisation"] = {"rock": 1.0}
    hand_doc["construction"]["advance_envelope"]["regime"] = {"rock": "closed-face"}
    inp = compile_construction(beringia.load_scenario(hand_doc))
    key, advance = advance_limit(inp, inp.bores[0], lambda k: mean(inp.inputs[k]))
    assert key == "construction.advance_envelope.regime.rock"
    assert advance == pytest.approx(14.7 * (15.2 / 9.0) ** 0.8)  # Madrid M-30, scaled
    # Below the cap the slower of penetration and utilisation is named, as before.
    machine["penetration_m_per_h"] = {"rock": 0.2}
    inp = compile_construction(beringia.load_scenario(hand_doc))
    key, advance = advance_limit(inp, inp.bores[0], lambda k: mean(inp.inputs[k]))
    assert key == "construction.machines.tbm.penetration_m_per_h.rock"
    assert advance == pytest.approx(0.2 * 1.0 * 24.0)


def _face_m2(doc: dict[str, Any]) -> float:
    return math.pi / 4.0 * float(doc["construction"]["bores"][0]["diameter_m"]) ** 2


@pytest.mark.parametrize(("m_per_day", "slower"), [(6.0, 2.0), (24.0, 1.0)])
def test_site_supply_caps_the_advance_it_feeds(
    hand_doc: dict[str, Any], m_per_day: float, slower: float
) -> None:
    """A site that supplies 6 m/day of the bore's face halves a 12 m/day heading; 24 does not."""
    site = hand_doc["route"]["attack_points"][0]
    site["supply_m3_per_day"] = {"dist": "fixed", "value": m_per_day * _face_m2(hand_doc)}
    a = run(hand_doc)
    np.testing.assert_allclose(
        a.headings[0].duration_years, slower * BOREDAYS / YEAR_DAYS, rtol=1e-12
    )


@pytest.mark.parametrize(
    ("limits", "slower"),
    [
        # spoil for 6 m/day of face, deliveries for 24: spoil governs, halving 12 m/day
        ({"supply_m3_per_day": 24.0, "spoil_m3_per_day": 6.0}, 2.0),
        # deliveries for 6, spoil for 24: deliveries govern
        ({"supply_m3_per_day": 6.0, "spoil_m3_per_day": 24.0}, 2.0),
        # power: 24 h x P MW / 0.5 MWh per m3 = 6 m/day of face
        ({"power_mw": 0.125}, 2.0),
        # every limit above 12 m/day: none binds
        ({"supply_m3_per_day": 24.0, "spoil_m3_per_day": 30.0, "power_mw": 1.0}, 1.0),
    ],
)
def test_the_least_of_deliveries_spoil_and_power_caps_the_advance(
    hand_doc: dict[str, Any], limits: dict[str, float], slower: float
) -> None:
    site = hand_doc["route"]["attack_points"][0]
    face = _face_m2(hand_doc)
    for key, value in limits.items():
        # in metres of face a day; power in MW per m2 of face (x 24 h / 0.5 MWh per m3)
        site[key] = {"dist": "fixed", "value": value * face}
    hand_doc["construction"]["power_mwh_per_m3"] = {"dist": "fixed", "value": 0.5}
    a = run(hand_doc)
    np.testing.assert_allclose(
        a.headings[0].duration_years, slower * BOREDAYS / YEAR_DAYS, rtol=1e-12
    )


def test_site_power_needs_the_energy_per_m3(hand_doc: dict[str, Any]) -> None:
    hand_doc["route"]["attack_points"][0]["power_mw"] = {"dist": "fixed", "value": 10.0}
    with pytest.raises(ScenarioError, match="power_mwh_per_m3"):
        beringia.load_scenario(hand_doc)


@pytest.mark.parametrize(
    ("near_pace", "far_pace", "near_km", "days"),
    [
        # the near site unlimited (12 m/day): x / 12 = (12,000 - x) / 3, x = 9,600 m
        (None, 3.0, 9.6, 800.0),
        # both limited: x / 6 = (12,000 - x) / 2, x = 9,000 m
        (6.0, 2.0, 9.0, 1500.0),
    ],
)
def test_each_front_bores_at_its_own_sites_pace(
    hand_doc: dict[str, Any],
    near_pace: float | None,
    far_pace: float,
    near_km: float,
    days: float,
) -> None:
    """Two headings meet where their progress meets, each at its own site's supply limit
    (the faster front is not held to the slower site's pace)."""
    near, far = hand_doc["route"]["attack_points"][:2]
    far["headings"] = ["west"]
    far["supply_m3_per_day"] = {"dist": "fixed", "value": far_pace * _face_m2(hand_doc)}
    if near_pace is not None:
        near["supply_m3_per_day"] = {"dist": "fixed", "value": near_pace * _face_m2(hand_doc)}
    a = run(hand_doc)
    east_heading, west_heading = a.headings
    np.testing.assert_allclose(east_heading.length_km, near_km, rtol=1e-9)
    np.testing.assert_allclose(west_heading.length_km, 12.0 - near_km, rtol=1e-9)
    for h in a.headings:
        np.testing.assert_allclose(h.duration_years, days / YEAR_DAYS, rtol=1e-12)


def test_a_binding_site_limit_is_flagged_with_its_pace(hand_doc: dict[str, Any]) -> None:
    from beringia.models.reference.view import site_flags

    site = hand_doc["route"]["attack_points"][0]
    face = _face_m2(hand_doc)
    site["power_mw"] = {"dist": "fixed", "value": 0.125 * face}  # 6 m/day at 0.5 MWh/m3
    hand_doc["construction"]["power_mwh_per_m3"] = {"dist": "fixed", "value": 0.5}
    inp = compile_construction(beringia.load_scenario(hand_doc))
    (flag,) = site_flags(inp)
    assert flag.subject.endswith(".power_mw")
    assert flag.value == pytest.approx(6.0) and flag.limit > 6.0
    # a limit above the machines' pace is not flagged
    site["power_mw"] = {"dist": "fixed", "value": 10.0 * face}
    assert site_flags(compile_construction(beringia.load_scenario(hand_doc))) == []
