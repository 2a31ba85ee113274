"""Known answers and properties of the general construction model: bores of their own length,
per-bore headings, one machine reused for several drives, headings stopped at a chainage and
a method forced per geology zone (drill-and-blast beside TBM in one bore).

The hand-checkable tunnel (``hand_doc``): 12 km, one bore, 2 m/h x 0.25 x 24 h = 12 m/day,
no learning, launches on day 0, fit-out 1 track-km a month per front from both ends.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import beringia
from beringia.core.calendar import MONTH_DAYS, YEAR_DAYS
from beringia.errors import ScenarioError

RATE = 12.0  # m/day


def run(doc: dict[str, Any], draws: int = 16, seed: int = 1) -> beringia.Assessment:
    return beringia.assess(beringia.load_scenario(doc), draws=draws, seed=seed)


def heading(a: beringia.Assessment, name: str) -> Any:
    return next(h for h in a.headings if h.name == name)


def second_bore(doc: dict[str, Any], name: str = "pilot", **fields: Any) -> dict[str, Any]:
    """A copy of the hand bore as a service bore called ``name``, with ``fields`` set."""
    bore = copy.deepcopy(doc["construction"]["bores"][0])
    bore.update(name=name, role="service", **fields)
    doc["construction"]["bores"].append(bore)
    return bore


# --------------------------------------------------------------------------- 1. spans
def test_a_bore_of_half_the_route_bores_half_the_days_and_pays_half_the_length(
    hand_doc: dict[str, Any],
) -> None:
    hand_doc["construction"]["bores"][0]["to_km"] = 6.0
    a = run(hand_doc)
    days = 6000 / RATE  # 500 days
    fit_days = 6 / (2 * 1.0) * MONTH_DAYS  # 6 track-km from both ends
    years = (days + fit_days) / YEAR_DAYS
    np.testing.assert_allclose(a.duration_years, years, rtol=1e-12)
    h = a.headings[0]
    np.testing.assert_allclose(h.length_km, 6.0, rtol=1e-12)
    np.testing.assert_allclose(h.duration_years, days / YEAR_DAYS, rtol=1e-12)
    bd = a.breakdown_usd_bn
    np.testing.assert_allclose(bd["tunnelling_length"], 6 * 10.0 / 1000, rtol=1e-12)
    np.testing.assert_allclose(bd["tunnelling_time"], 0.1 * days / 1000, rtol=1e-12)
    np.testing.assert_allclose(bd["cross_passages"], 12 * 1.0 / 1000, rtol=1e-12)  # 6 km / 500 m
    np.testing.assert_allclose(bd["fitout"], (6 * 5.0 + 100.0) / 1000, rtol=1e-12)


def test_a_span_from_a_point_launches_only_inside_it(hand_doc: dict[str, Any]) -> None:
    """A bore from 3 km to the east portal, bored westwards: the west portal launches nothing."""
    bore = hand_doc["construction"]["bores"][0]
    bore.update(from_km=3.0, to_point="east", headings={"east": ["west"]})
    a = run(hand_doc)
    assert [h.name for h in a.headings] == ["main: east -> west"]
    days = 9000 / RATE
    np.testing.assert_allclose(a.headings[0].length_km, 9.0, rtol=1e-12)
    np.testing.assert_allclose(a.headings[0].duration_years, days / YEAR_DAYS, rtol=1e-12)


def test_cross_passages_only_where_two_bores_run_side_by_side(hand_doc: dict[str, Any]) -> None:
    second_bore(hand_doc, to_km=4.0)
    a = run(hand_doc)
    np.testing.assert_allclose(a.breakdown_usd_bn["cross_passages"], 8 / 1000, rtol=1e-12)
    pilot = heading(a, "pilot: west -> east")
    np.testing.assert_allclose(pilot.length_km, 4.0, rtol=1e-12)
    # The pilot finishes first: the main bore alone sets the duration.
    years = (12000 / RATE + 6 * MONTH_DAYS) / YEAR_DAYS
    np.testing.assert_allclose(a.duration_years, years, rtol=1e-12)


@pytest.mark.parametrize(
    ("fields", "path"),
    [
        ({"from_km": 13.0, "to_km": 14.0}, "construction.bores.main.from_km"),
        ({"to_point": "nowhere"}, "construction.bores.main.to_point"),
        ({"from_km": 3.0}, "construction.bores.main"),  # nothing launches inside 3-12 km
    ],
)
def test_a_bad_span_names_the_field(
    hand_doc: dict[str, Any], fields: dict[str, Any], path: str
) -> None:
    hand_doc["construction"]["bores"][0].update(fields)
    with pytest.raises(ScenarioError, match=path.replace(".", r"\.")):
        run(hand_doc)


# --------------------------------------------------------------------------- 2. headings
def test_a_bore_overrides_the_points_it_launches_from(hand_doc: dict[str, Any]) -> None:
    second_bore(hand_doc, headings={"west": [], "east": ["west"]})
    a = run(hand_doc)
    assert [h.name for h in a.headings] == ["main: west -> east", "pilot: east -> west"]
    for h in a.headings:
        np.testing.assert_allclose(h.length_km, 12.0, rtol=1e-12)
        np.testing.assert_allclose(h.duration_years, 1000 / YEAR_DAYS, rtol=1e-12)


def test_a_heading_override_at_an_unknown_point_or_the_wrong_end_is_named(
    hand_doc: dict[str, Any],
) -> None:
    bore = hand_doc["construction"]["bores"][0]
    bore["headings"] = {"middle": ["east"]}
    with pytest.raises(ScenarioError, match=r"construction\.bores\.main\.headings\.middle"):
        run(hand_doc)
    bore["headings"] = {"west": ["west"]}
    with pytest.raises(ScenarioError, match=r"headings\.west.*first point"):
        run(hand_doc)


# --------------------------------------------------------------------------- 3. reuse
def reuse_doc(hand_doc: dict[str, Any], months: float = 2.0) -> dict[str, Any]:
    second_bore(
        hand_doc,
        reuse=[
            {
                "heading": "west:east",
                "after": "main:west:east",
                "relocation_months": {"dist": "fixed", "value": months},
            }
        ],
    )
    return hand_doc


def test_a_reused_machine_drives_the_second_bore_after_the_first(
    hand_doc: dict[str, Any],
) -> None:
    a = run(reuse_doc(hand_doc))
    first = 12000 / RATE
    second = first + 2 * MONTH_DAYS + 12000 / RATE
    years = (second + 6 * MONTH_DAYS) / YEAR_DAYS  # the service bore has no track
    np.testing.assert_allclose(a.duration_years, years, rtol=1e-12)
    np.testing.assert_allclose(a.breakdown_usd_bn["machines"], 20 / 1000, rtol=1e-12)
    np.testing.assert_allclose(
        heading(a, "pilot: west -> east").duration_years, first / YEAR_DAYS, rtol=1e-12
    )


def test_without_reuse_each_heading_pays_its_machine(hand_doc: dict[str, Any]) -> None:
    second_bore(hand_doc)
    a = run(hand_doc)
    np.testing.assert_allclose(a.breakdown_usd_bn["machines"], 40 / 1000, rtol=1e-12)
    np.testing.assert_allclose(a.duration_years, (1000 + 6 * MONTH_DAYS) / YEAR_DAYS, rtol=1e-12)


def test_a_reuse_cycle_or_an_unknown_heading_is_a_scenario_error(
    hand_doc: dict[str, Any],
) -> None:
    doc = reuse_doc(copy.deepcopy(hand_doc))
    doc["construction"]["bores"][0]["reuse"] = [
        {"heading": "west:east", "after": "pilot:west:east", "relocation_months": 1.0}
    ]
    with pytest.raises(
        ScenarioError, match=r"construction\.bores\.main\.reuse: .*pilot:west:east.*cycle"
    ):
        run(doc)
    doc = reuse_doc(copy.deepcopy(hand_doc))
    doc["construction"]["bores"][1]["reuse"][0]["after"] = "main:east:west"
    with pytest.raises(ScenarioError, match=r"construction\.bores\.pilot\.reuse\.0\.after"):
        run(doc)
    doc = reuse_doc(copy.deepcopy(hand_doc))
    doc["construction"]["bores"][1]["reuse"][0]["after"] = "pilot:west:east"
    with pytest.raises(ScenarioError, match=r"another bore"):
        run(doc)


# --------------------------------------------------------------------------- 4. stops
def test_a_heading_stopped_at_a_chainage_leaves_the_rest_to_the_other_side(
    hand_doc: dict[str, Any],
) -> None:
    hand_doc["route"]["attack_points"][1]["headings"] = ["west"]
    hand_doc["construction"]["bores"][0]["stops"] = [{"heading": "west:east", "stop_km": 4.0}]
    a = run(hand_doc)
    east, west = heading(a, "main: west -> east"), heading(a, "main: east -> west")
    np.testing.assert_allclose(east.length_km, 4.0, rtol=1e-12)
    np.testing.assert_allclose(west.length_km, 8.0, rtol=1e-12)
    np.testing.assert_allclose(east.duration_years, 4000 / RATE / YEAR_DAYS, rtol=1e-12)
    np.testing.assert_allclose(west.duration_years, 8000 / RATE / YEAR_DAYS, rtol=1e-12)
    years = (8000 / RATE + 6 * MONTH_DAYS) / YEAR_DAYS
    np.testing.assert_allclose(a.duration_years, years, rtol=1e-12)


def test_a_stop_beyond_the_meeting_point_changes_nothing(hand_doc: dict[str, Any]) -> None:
    hand_doc["route"]["attack_points"][1]["headings"] = ["west"]
    free = run(copy.deepcopy(hand_doc))
    hand_doc["construction"]["bores"][0]["stops"] = [{"heading": "west:east", "stop_km": 9.0}]
    stopped = run(hand_doc)
    np.testing.assert_array_equal(free.duration_years, stopped.duration_years)
    for h0, h1 in zip(free.headings, stopped.headings, strict=True):
        np.testing.assert_allclose(h0.length_km, h1.length_km, rtol=1e-12)


@pytest.mark.parametrize(
    ("stop", "match"),
    [
        (
            {"heading": "west:east", "stop_km": 4.0},
            r"stops\.0.*construction\.bores\.main|"
            r"construction\.bores\.main",
        ),  # nothing bores 4-12 km
        ({"heading": "east:west", "stop_km": 4.0}, r"stops\.0\.heading"),  # no such heading
    ],
)
def test_a_stop_no_front_can_finish_is_a_scenario_error(
    hand_doc: dict[str, Any], stop: dict[str, Any], match: str
) -> None:
    hand_doc["construction"]["bores"][0]["stops"] = [stop]
    with pytest.raises(ScenarioError, match=match):
        run(hand_doc)


def test_a_stop_behind_its_heading_is_named(hand_doc: dict[str, Any]) -> None:
    hand_doc["route"]["attack_points"][1]["headings"] = ["west"]
    hand_doc["construction"]["bores"][0]["stops"] = [{"heading": "east:west", "stop_km": 12.5}]
    with pytest.raises(ScenarioError, match=r"stops\.0\.stop_km.*west of east"):
        run(hand_doc)


# --------------------------------------------------------------------------- 5. methods
def method_doc(hand_doc: dict[str, Any]) -> dict[str, Any]:
    """West half bored by the TBM, east half drill-and-blast at 1 m/h x 0.25 x 24 = 6 m/day."""
    zone = hand_doc["geology"]["zones"][0]
    east = copy.deepcopy(zone)
    zone.update(to_km=6.0)
    east.update(name="dnb-stretch", from_km=6.0, to_km=12.0, machine="dnb")
    hand_doc["geology"]["zones"].append(east)
    dnb = copy.deepcopy(hand_doc["construction"]["machines"][0])
    dnb.update(name="dnb", penetration_m_per_h={"rock": 1.0})
    hand_doc["construction"]["machines"].append(dnb)
    return hand_doc


def test_a_zone_forces_its_method_on_the_bore(hand_doc: dict[str, Any]) -> None:
    a = run(method_doc(hand_doc))
    days = 6000 / 12.0 + 6000 / 6.0
    np.testing.assert_allclose(a.headings[0].duration_years, days / YEAR_DAYS, rtol=1e-12)
    np.testing.assert_allclose(a.headings[0].length_km, 12.0, rtol=1e-12)


def test_an_unknown_zone_machine_is_named(hand_doc: dict[str, Any]) -> None:
    hand_doc["geology"]["zones"][0]["machine"] = "drill"
    with pytest.raises(ScenarioError, match=r"geology\.zones\.all\.machine.*drill"):
        run(hand_doc)


# --------------------------------------------------------------------------- all five at once
DEMO = Path(__file__).parent / "data" / "general-demo.toml"


def test_the_demonstration_tunnel_uses_every_feature_consistently() -> None:
    a = beringia.assess(beringia.load_scenario(DEMO), draws=200, seed=3)
    lengths: dict[str, np.ndarray] = {}
    for h in a.headings:
        lengths[h.bore] = lengths.get(h.bore, 0.0) + h.length_km
    np.testing.assert_allclose(lengths["tube-a"], 20.0, rtol=1e-9)
    np.testing.assert_allclose(lengths["tube-b"], 20.0, rtol=1e-9)
    np.testing.assert_allclose(lengths["pilot"], 8.0, rtol=1e-9)  # its span: west to shaft
    assert [h.name for h in a.headings if h.bore != "tube-a"] == [
        "tube-b: west -> east",
        "tube-b: east -> west",
        "pilot: shaft -> west",
    ]
    stopped = heading(a, "tube-a: shaft -> east")
    assert np.all(stopped.length_km <= 6.0 + 1e-9)  # stops at 14 km
    # Five machines bought at 25 (tube-b's west drive reuses tube-a's) and the pilot's at 10.
    np.testing.assert_allclose(a.breakdown_usd_bn["machines"], 0.135, rtol=1e-12)
    # Cross-passages over the 20 km where the tubes run side by side, every 500 m.
    np.testing.assert_allclose(a.breakdown_usd_bn["cross_passages"], 0.040, rtol=1e-12)
    again = beringia.assess(beringia.load_scenario(DEMO), draws=200, seed=3)
    np.testing.assert_array_equal(a.cost_usd_bn, again.cost_usd_bn)
