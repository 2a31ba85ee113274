"""Unseen tunnels through the blind compile: what running six real tunnels the project had
never seen showed (a route end without a portal, drill-and-blast faces counted as TBM
headings for reuse, unit-cost pools and diameters widened or assumed without a word)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_blind_general import REUSED, _bores, _case_toml, _doc, _read

from beringia.models.blind.compile import compile_case
from beringia.models.blind.priors import Point, _law
from beringia.pipeline.assess import assess
from beringia.pipeline.blind import case_pool
from beringia.scenario.io import validate_document

TUBE = 'segments = [{ method = "tbm-gripper", length_km = 20.0 }]'
ENDS_IN_DNB = (
    'segments = [{ method = "tbm-gripper", length_km = 17.0 }, '
    '{ method = "drill-and-blast", length_km = 3.0 }]'
)


def _longer_route(text: str) -> str:
    """The same tunnel on a 22 km route (bores 22 km), its south portal still at 20 km."""
    text = text.replace("chainage_km = 20.0", "chainage_km = @")
    text = text.replace("route_length_km = 20.0", "route_length_km = 22.0")
    text = text.replace("length_km = 20.0", "length_km = 22.0")
    return text.replace("chainage_km = @", "chainage_km = 20.0")


def test_a_heading_drives_to_a_route_end_without_a_portal(tmp_path: Path) -> None:
    case = _read(tmp_path, _longer_route(_case_toml(far_headings='["west", "east"]')))
    c = compile_case(case, case_pool([case]))
    points = c.document["route"]["attack_points"]
    assert [(p["name"], p["chainage_km"], p["headings"]) for p in points[-2:]] == [
        ("south", 20.0, ["west", "east"]),
        ("route-end", 22.0, []),
    ]
    assert any("No attack point at the route's end (22 km)" in n for n in c.notes)
    a = assess(validate_document(c.document), draws=50, seed=1)
    (east,) = [
        h
        for h in a.headings
        if h.bore == "west-tube" and h.attack_point == "south" and h.direction == "east"
    ]
    assert float(east.length_km.min()) == pytest.approx(2.0, rel=1e-6)


def test_a_route_that_ends_at_a_portal_gets_no_extra_point(tmp_path: Path) -> None:
    doc = _doc(_read(tmp_path, _case_toml()))
    assert [p["name"] for p in doc["route"]["attack_points"]] == ["north", "shaft", "south"]


def test_a_face_that_starts_in_drill_and_blast_is_no_tbm_heading(tmp_path: Path) -> None:
    """The tubes end in 3 km of drill-and-blast at the south portal: its westward faces are
    blasted, so the TBM headings are 3 a tube and 1 in the pilot, 7 in all."""
    text = _case_toml(geometry_extra=REUSED.format(n=4)).replace(TUBE, ENDS_IN_DNB)
    case = _read(tmp_path, text)
    c = compile_case(case, case_pool([case]))
    (note,) = [n for n in c.notes if n.startswith("Machines reused")]
    assert "tbm_count 4 for 7 TBM headings" in note
    reused = [r["heading"] for b in _bores(c.document).values() for r in b.get("reuse", [])]
    assert "south:west" not in reused and len(reused) == 3


def test_generic_diameters_are_said(tmp_path: Path) -> None:
    c = compile_case(case := _read(tmp_path, _case_toml()), case_pool([case]))
    (note,) = [n for n in c.notes if n.startswith("No diameter given")]
    for bore in ("west-tube", "east-tube", "pilot"):
        assert f"{bore} (the generic" in note


@pytest.mark.parametrize(
    ("points", "pool"),
    [
        ([("a", "tbm", "rail"), ("b", "tbm", "rail"), ("c", "tbm", "rail")], "method and use"),
        ([("a", "tbm", "road"), ("b", "tbm", "rail"), ("c", "tbm", "road")], "method"),
        ([("a", "tbm", "road"), ("b", "d&b", "rail"), ("c", "d&b", "road")], "earlier"),
        ([("a", "tbm", "rail")], "all"),
    ],
)
def test_a_law_says_which_pool_it_was_learned_from(
    points: list[tuple[str, str, str]], pool: str
) -> None:
    pts = [Point(n, 2000, 100.0, fam, use) for n, fam, use in points]
    if pool == "all":
        pts.append(Point("later", 2020, 100.0, "tbm", "rail"))
    law = _law(pts, 2010, 3, "unit cost", "tbm", "rail")
    assert law.pool == pool
