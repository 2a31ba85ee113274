"""Unseen tunnels through the blind compile: what running six real tunnels the project had
never seen showed (a route end without a portal, drill-and-blast faces counted as TBM
headings for reuse, unit-cost pools and diameters widened or assumed without a word)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_blind_general import REUSED, _bores, _case_toml, _doc, _read

from beringia.core.construction import ConstructionInputs
from beringia.models.blind.compile import compile_case
from beringia.models.blind.priors import Point, _law
from beringia.models.construction.compile import compile_construction
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


def test_a_stretch_no_bore_runs_through_is_refused(tmp_path: Path) -> None:
    from beringia.errors import ScenarioError

    text = _case_toml(pilot_from=2.0).replace("length_km = 20.0", "length_km = 9.0")
    text = text.replace("route_length_km = 9.0", "route_length_km = 20.0")
    case = _read(tmp_path, text)  # tubes 0-9 km, pilot 2-10 km: nothing from 10 to 20
    with pytest.raises(ScenarioError) as err:
        compile_case(case, case_pool([case]))
    assert err.value.field == "cases.test-twin.geometry.bores"
    assert "no bore from 10 to 20 km" in str(err.value)


def test_the_gotthard_base_case_is_told_its_systems_rate_is_its_own() -> None:
    from beringia.tables.tunnel_cases import tunnel_cases

    cases = {c.name: c for c in tunnel_cases().cases}
    own = compile_case(cases["gotthard-base"]).notes
    assert any(n.startswith("Not blind: the generic systems") for n in own)
    other = compile_case(cases["channel-tunnel"]).notes
    assert not any(n.startswith("Not blind: the generic systems") for n in other)
    assert any(n.startswith("The generic systems installation rate") for n in other)


def test_a_class_of_the_fewest_tunnels_is_said() -> None:
    from beringia.tables.tunnel_cases import tunnel_cases

    cases = {c.name: c for c in tunnel_cases().cases}
    follo = compile_case(cases["follo-line"])  # rail-TBM class: three earlier tunnels
    assert len(follo.unit_cost.points) == 3
    (note,) = [n for n in follo.notes if n.startswith("Learned from the fewest")]
    assert "the unit cost from only 3" in note
    laerdal = compile_case(cases["laerdal"])  # nine earlier road tunnels, no thin advance law
    assert not any(n.startswith("Learned from the fewest") for n in laerdal.notes)


def test_a_drive_of_another_tunnel_named_after_a_city_in_brackets_is_not_its_own() -> None:
    from beringia.models.blind.priors import own_drive
    from beringia.tables.drive_averages import drive_averages
    from beringia.tables.tunnel_cases import tunnel_cases

    guadarrama = next(c for c in tunnel_cases().cases if c.name == "guadarrama")
    m30 = next(d for d in drive_averages().drive if d.name == "madrid-m30")
    assert not own_drive(guadarrama, m30)


STARTS_IN_DNB = (
    'segments = [{ method = "drill-and-blast", length_km = 3.0 }, '
    '{ method = "tbm-gripper", length_km = 17.0 }]'
)


def _inputs(tmp_path: Path, text: str) -> ConstructionInputs:
    case = _read(tmp_path, text)
    doc = compile_case(case, case_pool([case])).document
    return compile_construction(validate_document(doc))


def _starts(tmp_path: Path, segments: str) -> dict[tuple[str, str, str], str]:
    """(bore, point, direction) -> the machine each heading starts with, tubes so segmented."""
    from beringia.core.construction import heading_machine, headings

    inp = _inputs(tmp_path, _case_toml().replace(TUBE, segments))
    return {
        (inp.bores[h.bore].name, inp.points[h.point].name, h.direction): inp.machines[
            heading_machine(inp, h)
        ].name
        for h in headings(inp)
    }


def test_each_heading_waits_for_the_machine_it_starts_with(tmp_path: Path) -> None:
    """Tubes ending in 3 km of drill-and-blast: the south portal's westward faces are blasted
    and wait only for their mobilisation, the others for the TBMs (not the bore's first)."""
    got = _starts(tmp_path, ENDS_IN_DNB)
    assert got[("west-tube", "south", "west")] == "drill-and-blast"
    assert got[("west-tube", "north", "east")] == "hard-rock"
    assert got[("west-tube", "shaft", "east")] == "hard-rock"
    # and the other way round: a tube that starts blasted turns to its TBM at the shaft
    got = _starts(tmp_path, STARTS_IN_DNB)
    assert got[("east-tube", "north", "east")] == "drill-and-blast"
    assert got[("east-tube", "shaft", "west")] == "hard-rock"
    assert got[("east-tube", "south", "west")] == "hard-rock"


def test_a_bore_that_starts_blasted_may_reuse_its_tbms(tmp_path: Path) -> None:
    """Reuse needs TBM headings, not a TBM first segment: each tube has 3 TBM headings
    (shaft both ways, south westward), the pilot 1, so 4 machines mean 3 reuses."""
    text = _case_toml(geometry_extra=REUSED.format(n=4)).replace(TUBE, STARTS_IN_DNB)
    case = _read(tmp_path, text)
    c = compile_case(case, case_pool([case]))
    (note,) = [n for n in c.notes if n.startswith("Machines reused")]
    assert "tbm_count 4 for 7 TBM headings" in note
    reused = sorted(r["heading"] for b in _bores(c.document).values() for r in b.get("reuse", []))
    assert reused == ["shaft:east", "shaft:west", "south:west"]
