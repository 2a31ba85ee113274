"""Blind cases general enough for real tunnels: placed short bores, stopped headings, a TBM
pilot beside drill-and-blast bores, machines reused, fields recorded but not modelled."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from helpers import assert_clean_failure, case_head
from typer.testing import CliRunner

from beringia.cli import app
from beringia.errors import ScenarioError
from beringia.models.blind.compile import REUSE_RULE, compile_case
from beringia.pipeline.assess import assess
from beringia.pipeline.blind import case_pool, read_cases, run_blind
from beringia.scenario.io import validate_document
from beringia.tables.tunnel_cases import Case, tunnel_cases

SHIPPED = list(tunnel_cases().cases)
NAME = "test-twin"


def _case_toml(
    *,
    main_method: str = "tbm-gripper",
    pilot_method: str = "tbm-gripper",
    pilot_from: float | None = None,
    north_headings: str = '["east"]',
    shaft_headings: str = '["west", "east"]',
    far_headings: str = '["west"]',
    geometry_extra: str = "",
    ground: bool = False,
) -> str:
    """A fictitious 20 km twin-bore tunnel with an 8 km pilot bore and a shaft at 10 km."""
    bores = ""
    for name, role, km, method in (
        ("west-tube", "running", 20.0, main_method),
        ("east-tube", "running", 20.0, main_method),
        ("pilot", "pilot", 8.0, pilot_method),
    ):
        place = f"from_km = {pilot_from}\n" if name == "pilot" and pilot_from is not None else ""
        bores += f"""
[[cases.geometry.bores]]
name = "{name}"
role = "{role}"
length_km = {km}
{place}source = "test"
segments = [{{ method = "{method}", length_km = {km} }}]
"""
    points = ""
    for name, kind, km, headings in (
        ("north", "portal", 0.0, north_headings),
        ("shaft", "shaft", 10.0, shaft_headings),
        ("south", "portal", 20.0, far_headings),
    ):
        points += f"""
[[cases.geometry.attack_points]]
name = "{name}"
kind = "{kind}"
chainage_km = {km}
headings = {headings}
source = "test"
"""
    ground_table = (
        """
[cases.ground]
description = "test ground"
hard_rock_share = 0.6
fault_share = 0.1
max_water_pressure_bar = 12.0
source = "test"
"""
        if ground
        else ""
    )
    return (
        case_head(NAME, "Test twin tunnel")
        + f"""{geometry_extra}
{bores}
{points}
{ground_table}
"""
    )


def _read(tmp_path: Path, text: str) -> Case:
    path = tmp_path / "case.toml"
    path.write_text(text)
    (case,) = read_cases(path)
    return case


def _doc(case: Case) -> dict[str, Any]:
    return compile_case(case, case_pool([case])).document


def _bores(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["name"]: b for b in doc["construction"]["bores"]}


# ------------------------------------------------------------------ the default layout


@pytest.mark.parametrize("case", SHIPPED, ids=[c.name for c in SHIPPED])
def test_shipped_cases_compile_without_the_new_keys(case: Case) -> None:
    c = compile_case(case)
    placed = {b.name for b in case.geometry.bores if b.from_km is not None}
    for b in c.document["construction"]["bores"]:
        assert not {"stops", "reuse"} & set(b), (case.name, b["name"])
        assert ("from_km" in b) == (b["name"] in placed), (case.name, b["name"])
    for a in c.document["route"]["attack_points"]:
        assert all(h in ("east", "west") for h in a["headings"])


@pytest.mark.parametrize("case", SHIPPED, ids=[c.name for c in SHIPPED])
def test_notes_list_what_is_recorded_but_not_used(case: Case) -> None:
    notes = compile_case(case).notes
    line = [n for n in notes if n.startswith("Recorded but not used by the blind compile")]
    given = case.ground is not None or case.geometry.tbm_count is not None
    assert len(line) == (1 if given else 0)
    if case.ground is not None:
        assert "ground" in line[0]
    if case.geometry.tbm_count is not None:  # no shipped case gives a reuse_rule
        assert "geometry.tbm_count" in line[0]


def test_unused_fields_change_nothing_and_are_named(tmp_path: Path) -> None:
    plain = _read(tmp_path, _case_toml())
    grounded = _read(tmp_path, _case_toml(ground=True))
    assert _doc(grounded) == _doc(plain)
    (line,) = [n for n in compile_case(grounded, case_pool([grounded])).notes if "Recorded" in n]
    assert "ground (hard_rock_share, fault_share, max_water_pressure_bar)" in line
    assert not [n for n in compile_case(plain, case_pool([plain])).notes if "Recorded" in n]


# ------------------------------------------------------------------ from_km


def test_a_short_bore_starts_at_zero_unless_placed(tmp_path: Path) -> None:
    default = _bores(_doc(_read(tmp_path, _case_toml())))["pilot"]
    assert "from_km" not in default and default["to_km"] == 8.0
    placed = _bores(_doc(_read(tmp_path, _case_toml(pilot_from=6.0))))["pilot"]
    assert placed["from_km"] == 6.0 and placed["to_km"] == 14.0
    # the same length costs the same per km, wherever it lies
    assert placed["unit_cost_usd_m_per_km"] == default["unit_cost_usd_m_per_km"]


def test_a_placed_bore_ends_at_the_route_end_at_the_latest(tmp_path: Path) -> None:
    """8 km from 12.5 km ends 0.5 km past the 20 km route: within a tenth of the bore."""
    pilot = _bores(_doc(_read(tmp_path, _case_toml(pilot_from=12.5))))["pilot"]
    assert pilot["from_km"] == 12.5 and "to_km" not in pilot  # to the end: 7.5 km


@pytest.mark.parametrize("start", [20.0, 15.0, 13.0])
def test_a_bore_placed_beyond_the_route_is_refused(tmp_path: Path, start: float) -> None:
    with pytest.raises(ScenarioError) as err:
        _read(tmp_path, _case_toml(pilot_from=start))
    assert err.value.field.endswith("cases.0.geometry.bores.2.from_km")
    assert "route_length_km (20.0)" in str(err.value)


def test_placing_a_bore_moves_its_headings(tmp_path: Path) -> None:
    """From 6 km the pilot is bored from the shaft both ways, not from the north portal."""
    case = _read(tmp_path, _case_toml(pilot_from=6.0))
    sc = validate_document(_doc(case))
    run = assess(sc, draws=50, seed=3)
    pilot = {(h.attack_point, h.direction) for h in run.headings if h.bore == "pilot"}
    assert pilot == {("shaft", "west"), ("shaft", "east")}


# ------------------------------------------------------------------ stop_km


def test_a_stopped_heading_compiles_to_a_stop_in_every_bore_it_lies_in(tmp_path: Path) -> None:
    text = _case_toml(shaft_headings='["west", { direction = "east", stop_km = 16.0 }]')
    doc = _doc(_read(tmp_path, text))
    bores = _bores(doc)
    for name in ("west-tube", "east-tube"):
        assert bores[name]["stops"] == [{"heading": "shaft:east", "stop_km": 16.0}]
    assert "stops" not in bores["pilot"]  # 0 to 8 km: neither the shaft nor the stop
    shaft = next(a for a in doc["route"]["attack_points"] if a["name"] == "shaft")
    assert shaft["headings"] == ["west", "east"]


def test_a_stop_shortens_the_heading_and_lengthens_the_other(tmp_path: Path) -> None:
    free = validate_document(_doc(_read(tmp_path, _case_toml())))
    stop = '["west", { direction = "east", stop_km = 12.0 }]'
    stopped = validate_document(_doc(_read(tmp_path, _case_toml(shaft_headings=stop))))

    def lengths(sc: Any) -> dict[tuple[str, str], Any]:
        run = assess(sc, draws=50, seed=3)
        return {
            (h.attack_point, h.direction): h.length_km
            for h in run.headings
            if h.bore == "west-tube"
        }

    a, b = lengths(free), lengths(stopped)
    for run in (a, b):  # the two fronts meet: together they drive the 10 km
        np.testing.assert_allclose(run[("shaft", "east")] + run[("south", "west")], 10.0)
    assert b[("shaft", "east")].max() <= 2.0 + 1e-9  # never beyond its stop
    assert float(np.median(b[("shaft", "east")])) == pytest.approx(2.0)
    assert float(np.median(a[("shaft", "east")])) > 2.3  # unstopped it drives further


def test_a_stop_behind_its_point_is_refused(tmp_path: Path) -> None:
    text = _case_toml(shaft_headings='["west", { direction = "east", stop_km = 9.0 }]')
    with pytest.raises(ScenarioError) as err:
        _read(tmp_path, text)
    assert err.value.field.endswith("cases.0.geometry.attack_points.1.headings.1.stop_km")
    assert "east of shaft (10 km)" in str(err.value)


def test_a_stretch_no_heading_reaches_is_a_case_error(tmp_path: Path) -> None:
    text = _case_toml(
        shaft_headings='["west", { direction = "east", stop_km = 15.0 }]', far_headings="[]"
    )
    case = _read(tmp_path, text)
    with pytest.raises(ScenarioError) as err:
        compile_case(case, case_pool([case]))
    assert err.value.field == f"cases.{NAME}.geometry.bores.west-tube"
    assert "15 to 20 km" in str(err.value)


# ------------------------------------------------------------------ methods per bore


def test_a_tbm_pilot_beside_drill_and_blast_bores_gets_its_machine(tmp_path: Path) -> None:
    case = _read(tmp_path, _case_toml(main_method="drill-and-blast", pilot_from=6.0))
    c = compile_case(case, case_pool([case]))
    machines = [m["name"] for m in c.document["construction"]["machines"]]
    assert machines == ["drill-and-blast", "hard-rock"]
    assert _bores(c.document)["pilot"]["machine"] == "hard-rock"
    (zone,) = c.document["geology"]["zones"]
    assert zone["machine"] == "drill-and-blast"
    assert zone["machines"] == {"pilot": "hard-rock"}  # it bores by its own method
    assert not any("longest bore" in n for n in c.notes)
    validate_document(c.document)


def test_a_tbm_pilot_beside_drill_and_blast_runs_from_the_cli(tmp_path: Path) -> None:
    path = tmp_path / "pilot.toml"
    path.write_text(_case_toml(main_method="drill-and-blast", pilot_from=6.0, ground=True))
    result = CliRunner().invoke(
        app, ["hindcast", "--cases", str(path), "--draws", "200", NAME, "--json"]
    )
    assert result.exit_code == 0, result.output
    (c,) = json.loads(result.stdout)["cases"]
    assert c["name"] == NAME
    assert "Bore pilot is driven hard-rock" not in c["not_blind"]  # it is modelled so now
    assert "Recorded but not used by the blind compile" in c["not_blind"]
    q = c["duration_years"]
    assert 0 < q["p10"] <= q["p50"] <= q["p90"]


def test_an_unreachable_stretch_fails_cleanly_from_the_cli(tmp_path: Path) -> None:
    path = tmp_path / "stop.toml"
    path.write_text(
        _case_toml(
            shaft_headings='["west", { direction = "east", stop_km = 15.0 }]', far_headings="[]"
        )
    )
    result = CliRunner().invoke(app, ["hindcast", "--cases", str(path), "--draws", "200", NAME])
    assert_clean_failure(result, tmp_path, f"cases.{NAME}.geometry.bores.west-tube")


# ------------------------------------------------------------------ machines reused

REUSED = 'tbm_count = {n}\nmachines_reused = true\nreuse_rule = "same-point"'


def test_without_a_rule_tbm_count_changes_nothing(tmp_path: Path) -> None:
    one = _read(tmp_path, _case_toml(geometry_extra="tbm_count = 1\nmachines_reused = true"))
    eight = _read(tmp_path, _case_toml(geometry_extra="tbm_count = 8\nmachines_reused = true"))
    assert _doc(one) == _doc(eight)
    (line,) = [n for n in compile_case(one, case_pool([one])).notes if "Recorded" in n]
    assert "geometry.tbm_count and machines_reused" in line


def test_reuse_shares_tbm_count_machines_by_the_rule(tmp_path: Path) -> None:
    # TBM headings: each tube 4 (north:east, shaft:west, shaft:east, south:west), pilot 1
    # (0 to 8 km: north:east only); 9 headings in all
    three = _bores(_doc(_read(tmp_path, _case_toml(geometry_extra=REUSED.format(n=6)))))
    assert "reuse" not in three["west-tube"] and "reuse" not in three["pilot"]
    got = [(r["heading"], r["after"]) for r in three["east-tube"]["reuse"]]
    assert got == [
        ("north:east", "west-tube:north:east"),
        ("shaft:west", "west-tube:shaft:west"),
        ("shaft:east", "west-tube:shaft:east"),
    ]
    case = _read(tmp_path, _case_toml(geometry_extra=REUSED.format(n=4)))
    c = compile_case(case, case_pool([case]))
    bores = _bores(c.document)
    assert len(bores["east-tube"]["reuse"]) == 4
    pilot = [(r["heading"], r["after"]) for r in bores["pilot"]["reuse"]]
    assert pilot == [("north:east", "east-tube:north:east")]  # the nearest earlier bore
    relocation = bores["pilot"]["reuse"][0]["relocation_months"]
    assert relocation["assumed"] is True and relocation["note"]
    (note,) = [n for n in c.notes if n.startswith("Machines reused")]
    assert REUSE_RULE in note and "Only" not in note
    assert not [n for n in c.notes if "geometry.tbm_count" in n]


def test_reuse_beyond_what_the_rule_can_pair_is_said(tmp_path: Path) -> None:
    case = _read(tmp_path, _case_toml(geometry_extra=REUSED.format(n=1)))
    c = compile_case(case, case_pool([case]))
    reused = sum(len(b.get("reuse", [])) for b in c.document["construction"]["bores"])
    assert reused == 5  # 9 TBM headings; only the later bores' can follow an earlier one
    (note,) = [n for n in c.notes if n.startswith("Machines reused")]
    assert "modelled with 4 machines (3 more than tbm_count" in note


def test_enough_machines_means_no_reuse(tmp_path: Path) -> None:
    plain = _read(tmp_path, _case_toml())
    enough = _read(tmp_path, _case_toml(geometry_extra=REUSED.format(n=9)))
    assert _doc(enough) == _doc(plain)


def test_reused_machines_take_longer(tmp_path: Path) -> None:
    plain = validate_document(_doc(_read(tmp_path, _case_toml())))
    shared = validate_document(_doc(_read(tmp_path, _case_toml(geometry_extra=REUSED.format(n=5)))))
    a = assess(plain, draws=200, seed=11)
    b = assess(shared, draws=200, seed=11)
    assert float(np.median(b.duration_years)) > float(np.median(a.duration_years)) + 0.5


def test_a_reuse_rule_needs_machines_reused_and_a_count(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as err:
        _read(tmp_path, _case_toml(geometry_extra='tbm_count = 2\nreuse_rule = "same-point"'))
    assert err.value.field.endswith("cases.0.geometry.reuse_rule")


def test_a_bad_heading_says_both_forms(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as err:
        _read(tmp_path, _case_toml(shaft_headings='["north"]'))
    assert err.value.field.endswith("cases.0.geometry.attack_points.1.headings.0")
    assert 'one of east, west, or a table { direction = "east" or "west"' in str(err.value)


@pytest.mark.parametrize(
    ("heading", "key", "value", "allowed"),
    [
        ('{ direction = "east", stop_km = 0 }', "stop_km", "0", "a number > 0"),
        ('{ direction = "east", stop_km = -3.0 }', "stop_km", "-3.0", "a number > 0"),
        ('{ direction = "east", stop = 12.0 }', "stop", "12.0", "keys direction, note, stop_km"),
        ('{ direction = "north" }', "direction", "'north'", "one of east, west"),
    ],
)
def test_a_bad_heading_table_names_its_key_and_value(
    tmp_path: Path, heading: str, key: str, value: str, allowed: str
) -> None:
    with pytest.raises(ScenarioError) as err:
        _read(tmp_path, _case_toml(north_headings=f"[{heading}]"))
    assert err.value.field.endswith(f"cases.0.geometry.attack_points.0.headings.0.{key}")
    assert f"got {value};" in str(err.value) and allowed in str(err.value)


def test_a_stop_past_the_next_point_driving_towards_it_is_refused(tmp_path: Path) -> None:
    # the shaft (10 km) drives west, so north's east heading must stop at 10 km at the latest
    with pytest.raises(ScenarioError) as err:
        _read(tmp_path, _case_toml(north_headings='[{ direction = "east", stop_km = 15.0 }]'))
    assert err.value.field.endswith("cases.0.geometry.attack_points.0.headings.0.stop_km")
    assert "shaft (10 km) drives west" in str(err.value)
    assert "at or before 10 km" in str(err.value)
    with pytest.raises(ScenarioError) as err:
        _read(tmp_path, _case_toml(far_headings='[{ direction = "west", stop_km = 5.0 }]'))
    assert err.value.field.endswith("cases.0.geometry.attack_points.2.headings.0.stop_km")
    assert "at or after 10 km" in str(err.value)
    # up to the point, or past a point that drives the same way only, is fine
    _read(tmp_path, _case_toml(north_headings='[{ direction = "east", stop_km = 10.0 }]'))
    _read(
        tmp_path,
        _case_toml(
            north_headings='[{ direction = "east", stop_km = 15.0 }]', shaft_headings='["east"]'
        ),
    )


def test_a_placed_bore_no_heading_reaches_names_its_own_span(tmp_path: Path) -> None:
    case = _read(tmp_path, _case_toml(pilot_from=11.0))  # 11 to 19 km: no attack point in it
    with pytest.raises(ScenarioError) as err:
        compile_case(case, case_pool([case]))
    assert err.value.field == f"cases.{NAME}.geometry.bores.pilot"
    assert err.value.value == "11 to 19 km (the bore's whole span)"
    assert "10 to 20 km" not in str(err.value)


def test_bores_differing_only_in_length_force_no_other_method(tmp_path: Path) -> None:
    same = _read(
        tmp_path, _case_toml(main_method="drill-and-blast", pilot_method="drill-and-blast")
    )
    zones = _doc(same)["geology"]["zones"]
    assert [(z["machine"], z.get("machines")) for z in zones] == [("drill-and-blast", None)]
    other = _read(tmp_path, _case_toml(main_method="drill-and-blast", pilot_from=6.0))
    zones = _doc(other)["geology"]["zones"]
    assert [z.get("machines") for z in zones] == [{"pilot": "hard-rock"}]


@pytest.mark.parametrize("count", [0, 2])
def test_a_reuse_rule_without_tbm_headings_is_refused(tmp_path: Path, count: int) -> None:
    text = _case_toml(
        main_method="drill-and-blast",
        pilot_method="drill-and-blast",
        geometry_extra=REUSED.format(n=count),
    )
    with pytest.raises(ScenarioError) as err:
        _read(tmp_path, text)
    assert err.value.field.endswith("cases.0.geometry.reuse_rule")
    assert "got 'same-point'" in str(err.value)
    assert "a case with TBM headings" in str(err.value) and "1 <= tbm_count" in str(err.value)


def test_a_reuse_rule_with_enough_machines_is_said_to_change_nothing(tmp_path: Path) -> None:
    case = _read(tmp_path, _case_toml(geometry_extra=REUSED.format(n=9)))
    (note,) = [n for n in compile_case(case, case_pool([case])).notes if "Recorded" in n]
    assert "geometry.tbm_count, machines_reused and reuse_rule" in note


def test_the_terminal_lists_the_fields_not_used(tmp_path: Path) -> None:
    path = tmp_path / "ground.toml"
    path.write_text(_case_toml(ground=True))
    result = CliRunner().invoke(app, ["hindcast", "--cases", str(path), "--draws", "200", NAME])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("Recorded but not used"))
    end = next(i for i, line in enumerate(lines) if line.startswith("How the cases were"))
    assert at < end < lines.index("What the model gets wrong (computed from this run)")
    mine = [line for line in lines[at:end] if line.startswith("- Test twin tunnel:")]
    assert mine == [
        "- Test twin tunnel: ground (hard_rock_share, fault_share, max_water_pressure_bar)"
    ]


def test_a_set_failing_on_another_case_says_every_case_runs() -> None:
    with pytest.raises(ScenarioError) as err:
        run_blind(
            ["laerdal"], draws=50, overrides=["route.attack_points.tynjadalen.chainage_km=12"]
        )
    assert "applies to every case of the pool, which all run" in str(err.value)
    assert "CASE:path=value to that case alone" in str(err.value)


def test_a_stretch_without_any_heading_names_the_case(tmp_path: Path) -> None:
    case = _read(tmp_path, _case_toml(shaft_headings="[]", far_headings="[]"))
    with pytest.raises(ScenarioError) as err:
        compile_case(case, case_pool([case]))
    assert err.value.field == f"cases.{NAME}.geometry.attack_points"
    assert "has no heading" in str(err.value)
