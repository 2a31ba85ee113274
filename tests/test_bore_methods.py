"""Each bore by its own methods: ``Zone.machines`` (a method forced on one bore in a zone),
``Machine.regime`` (a machine capped by its method's drives, not the ground class's), and the
blind compile that uses both so a TBM pilot beside drill-and-blast tubes bores at the TBM law.

Known answers come from the hand-checkable tunnel (``hand_doc``: 12 km, one bore of 9 m, a
TBM at 2 m/h x 0.25 x 24 h = 12 m/day, area exponent 0.4) and from the learned laws of a
fictitious blind case with every random input fixed.
"""

from __future__ import annotations

import copy
import itertools
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from helpers import assert_clean_failure, case_head, toml_text
from typer.testing import CliRunner

import beringia
from beringia.cli import app
from beringia.core.calendar import MONTH_DAYS, YEAR_DAYS
from beringia.errors import ScenarioError
from beringia.models.blind.compile import MERGE_KM, compile_case
from beringia.models.construction.compile import compile_construction
from beringia.pipeline.blind import case_pool, read_cases
from beringia.scenario import builtin_names, load_scenario
from beringia.scenario.io import read_document
from beringia.tables.drive_averages import cap_drives
from beringia.tables.tunnel_cases import Case

ALPHA = 0.4  # hand_doc's area exponent
D = 9.0  # hand_doc's bore diameter (m)
NAME = "test-methods"


def run(doc: dict[str, Any], draws: int = 16, seed: int = 1) -> beringia.Assessment:
    return beringia.assess(beringia.load_scenario(doc), draws=draws, seed=seed)


def heading(a: beringia.Assessment, name: str) -> Any:
    return next(h for h in a.headings if h.name == name)


def days(a: beringia.Assessment, name: str) -> np.ndarray:
    return np.asarray(heading(a, name).duration_years) * YEAR_DAYS


def best_average(regime: str, diameter_m: float, alpha: float) -> float:
    """The whole-drive cap of ``regime`` at a diameter, straight from the drive table."""
    return max(
        d.m_per_day * (d.diameter_m / diameter_m) ** (2.0 * alpha) if d.diameter_m else d.m_per_day
        for d in cap_drives(regime)
    )


def with_dnb(doc: dict[str, Any], m_per_h: float = 1.0, regime: str | None = None) -> None:
    """Add a drill-and-blast machine ``dnb`` (``m_per_h`` x 0.25 x 24 h a day)."""
    dnb = copy.deepcopy(doc["construction"]["machines"][0])
    dnb.update(name="dnb", penetration_m_per_h={"rock": m_per_h})
    if regime is not None:
        dnb["regime"] = regime
    doc["construction"]["machines"].append(dnb)


def with_pilot(doc: dict[str, Any]) -> None:
    """Add a second bore ``pilot``, a copy of the hand bore as a service bore."""
    bore = copy.deepcopy(doc["construction"]["bores"][0])
    bore.update(name="pilot", role="service")
    doc["construction"]["bores"].append(bore)


# --------------------------------------------------------------------------- Zone.machines
def test_a_zone_forces_a_method_on_one_bore_only(hand_doc: dict[str, Any]) -> None:
    with_dnb(hand_doc)
    with_pilot(hand_doc)
    hand_doc["geology"]["zones"][0]["machines"] = {"pilot": "dnb"}
    a = run(hand_doc)
    np.testing.assert_allclose(days(a, "main: west -> east"), 12000 / 12.0, rtol=1e-12)
    np.testing.assert_allclose(days(a, "pilot: west -> east"), 12000 / 6.0, rtol=1e-12)


def test_a_bore_entry_wins_over_the_zone_machine(hand_doc: dict[str, Any]) -> None:
    """``machine = dnb`` for every bore, ``machines = {main = tbm}``: main keeps the TBM."""
    with_dnb(hand_doc)
    with_pilot(hand_doc)
    tbm = hand_doc["construction"]["machines"][0]["name"]
    hand_doc["geology"]["zones"][0].update(machine="dnb", machines={"main": tbm})
    a = run(hand_doc)
    np.testing.assert_allclose(days(a, "main: west -> east"), 12000 / 12.0, rtol=1e-12)
    np.testing.assert_allclose(days(a, "pilot: west -> east"), 12000 / 6.0, rtol=1e-12)


def test_machines_naming_each_bore_own_machine_change_nothing(hand_doc: dict[str, Any]) -> None:
    with_pilot(hand_doc)
    plain = run(hand_doc, draws=64, seed=5)
    tbm = hand_doc["construction"]["machines"][0]["name"]
    hand_doc["geology"]["zones"][0]["machines"] = {"main": tbm, "pilot": tbm}
    same = run(hand_doc, draws=64, seed=5)
    np.testing.assert_array_equal(same.cost_usd_bn, plain.cost_usd_bn)
    np.testing.assert_array_equal(same.duration_years, plain.duration_years)


# --------------------------------------------------------------------------- Machine.regime
@pytest.mark.parametrize("regime", [None, "drill-and-blast", "closed-face"])
def test_a_forced_machine_is_capped_by_its_own_regime(
    hand_doc: dict[str, Any], regime: str | None
) -> None:
    """A drill-and-blast machine at 20 m/h (120 m/day) forced into a hard-rock class.

    Without ``regime`` the class's hard-rock drives cap it; with one, that regime's drives.
    """
    with_dnb(hand_doc, m_per_h=20.0, regime=regime)
    hand_doc["geology"]["zones"][0]["machine"] = "dnb"
    cap = best_average(regime or "hard-rock", D, ALPHA)
    assert cap < 120.0  # the cap binds
    np.testing.assert_allclose(days(run(hand_doc), "main: west -> east"), 12000 / cap, rtol=1e-9)


def test_the_three_caps_differ() -> None:
    """The test above could not tell the regimes' caps apart otherwise."""
    regimes = ("hard-rock", "drill-and-blast", "closed-face")
    caps = sorted(best_average(r, D, ALPHA) for r in regimes)
    assert all(hi > 1.1 * lo for lo, hi in itertools.pairwise(caps))


def test_a_machine_regime_sets_its_cap_in_every_class(hand_doc: dict[str, Any]) -> None:
    with_dnb(hand_doc, regime="drill-and-blast")
    inp = compile_construction(load_scenario(hand_doc))
    tbm, dnb = inp.machines
    assert tbm.caps is None
    assert dnb.caps is not None
    for caps in dnb.caps:
        assert [c.field for c in caps] == ["construction.machines.dnb.regime"]
        assert caps[0].label == "drill-and-blast drives"


def test_an_unknown_regime_is_refused(hand_doc: dict[str, Any]) -> None:
    with_dnb(hand_doc, regime="gripper")
    with pytest.raises(ScenarioError, match=r"construction\.machines\.dnb\.regime.*gripper"):
        load_scenario(hand_doc)


@pytest.mark.parametrize(
    ("machines", "field", "value"),
    [
        ({"nosuch": "dnb"}, "geology.zones.all.machines.nosuch", "nosuch"),
        ({"main": "drill"}, "geology.zones.all.machines.main", "drill"),
    ],
)
def test_an_unknown_bore_or_machine_in_machines_is_named(
    hand_doc: dict[str, Any], machines: dict[str, str], field: str, value: str
) -> None:
    with_dnb(hand_doc)
    hand_doc["geology"]["zones"][0]["machines"] = machines
    with pytest.raises(ScenarioError) as err:
        load_scenario(hand_doc)
    assert field in str(err.value) and value in str(err.value)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (("zone", {"nosuch": "dnb"}), ("geology.zones.all.machines.nosuch", "unknown bore")),
        (("zone", {"main": "drill"}), ("geology.zones.all.machines.main", "unknown machine")),
        (("regime", "gripper"), ("construction.machines.dnb.regime", "gripper")),
    ],
    ids=["bore", "machine", "regime"],
)
def test_bad_names_fail_cleanly_from_the_cli(
    hand_doc: dict[str, Any], tmp_path: Path, edit: tuple[str, Any], expected: tuple[str, ...]
) -> None:
    kind, value = edit
    with_dnb(hand_doc, regime=value if kind == "regime" else None)
    if kind == "zone":
        hand_doc["geology"]["zones"][0]["machines"] = value
    path = tmp_path / "bad.toml"
    path.write_text(toml_text(hand_doc), encoding="utf-8")
    result = CliRunner().invoke(app, ["assess", str(path), "--draws", "20"])
    assert_clean_failure(result, tmp_path, *expected)


def test_the_hand_document_written_out_is_accepted(
    hand_doc: dict[str, Any], tmp_path: Path
) -> None:
    """The edits above are the only fault: the same document with valid names runs."""
    with_dnb(hand_doc, regime="drill-and-blast")
    with_pilot(hand_doc)
    hand_doc["geology"]["zones"][0]["machines"] = {"pilot": "dnb"}
    path = tmp_path / "good.toml"
    path.write_text(toml_text(hand_doc), encoding="utf-8")
    result = CliRunner().invoke(app, ["assess", str(path), "--draws", "20", "--json"])
    assert result.exit_code == 0, result.output


# --------------------------------------------------------------------------- built-ins
@pytest.mark.parametrize("name", builtin_names())
def test_built_ins_use_neither_field(name: str) -> None:
    """So their outputs are bit-identical (GOLDEN in test_pipeline.py checks the figures)."""
    doc = read_document(name)
    assert all("machines" not in z for z in doc["geology"]["zones"])
    assert all("regime" not in m for m in doc["construction"]["machines"])
    sc = load_scenario(doc)
    inp = compile_construction(sc)
    assert all(m.caps is None for m in inp.machines)
    # a zone's machine is forced on every bore, as before the per-bore key
    forced = {z.name: z.machine for z in sc.geology.zones if z.machine is not None}
    bores = len(sc.construction.bores)
    for (zone, b), mi in inp.zone_machines.items():
        assert forced[zone.split("@")[0]] == inp.machines[mi].name
        assert 0 <= b < bores
    assert len(inp.zone_machines) % bores == 0


# --------------------------------------------------------------------------- blind compile
def _case_toml(bores: list[tuple[str, float, list[tuple[str, float]], float | None]]) -> str:
    """A fictitious 20 km tunnel: portals at 0 and 20 km, a shaft at 10 km, given bores."""
    text = case_head(NAME, "Test tunnel of several methods")
    for name, km, segments, start in bores:
        role = "running" if km > 15.0 else "pilot"
        segs = ", ".join(f'{{ method = "{m}", length_km = {s} }}' for m, s in segments)
        place = "" if start is None else f"from_km = {start}\n"
        text += f"""
[[cases.geometry.bores]]
name = "{name}"
role = "{role}"
length_km = {km}
{place}source = "test"
segments = [{segs}]
"""
    for name, kind, km, headings in (
        ("north", "portal", 0.0, '["east"]'),
        ("shaft", "shaft", 10.0, '["west", "east"]'),
        ("south", "portal", 20.0, '["west"]'),
    ):
        text += f"""
[[cases.geometry.attack_points]]
name = "{name}"
kind = "{kind}"
chainage_km = {km}
headings = {headings}
source = "test"
"""
    return text


def _read(tmp_path: Path, text: str) -> Case:
    path = tmp_path / "case.toml"
    path.write_text(text)
    (case,) = read_cases(path)
    return case


def _zones(doc: dict[str, Any]) -> list[tuple[float, float, str, dict[str, str] | None]]:
    return [
        (round(z["from_km"], 6), round(z["to_km"], 6), z["machine"], z.get("machines"))
        for z in doc["geology"]["zones"]
    ]


DNB_TUBES = [
    ("west-tube", 20.0, [("drill-and-blast", 20.0)], None),
    ("east-tube", 20.0, [("drill-and-blast", 20.0)], None),
]


def test_a_tbm_pilot_beside_drill_and_blast_tubes_bores_at_the_tbm_law(tmp_path: Path) -> None:
    """The pilot (0 to 8 km, from the north portal only) takes 8 km / the learned TBM rate."""
    pilot = ("pilot", 8.0, [("tbm-gripper", 8.0)], None)
    case = _read(tmp_path, _case_toml([*DNB_TUBES, pilot]))
    c = compile_case(case, case_pool([case]))
    doc = copy.deepcopy(c.document)
    doc["construction"]["advance_envelope"]["area_exponent"] = {
        "dist": "fixed",
        "value": ALPHA,
        "source": "test",
    }
    for b in doc["construction"]["bores"]:
        b["performance_factor"] = {"dist": "fixed", "value": 1.0, "source": "test"}
    d = next(b for b in doc["construction"]["bores"] if b["name"] == "pilot")["diameter_m"]
    ref = next(m for m in doc["construction"]["machines"] if m["name"] == "hard-rock")[
        "reference_diameter_m"
    ]
    tbm = c.advance["hard-rock"].median * (ref / d) ** (2.0 * ALPHA)
    dnb = c.advance["drill-and-blast"].median * (ref / d) ** (2.0 * ALPHA)
    assert tbm < best_average("hard-rock", d, ALPHA)  # the learned law, not the cap, sets it
    assert tbm > 1.5 * dnb  # the drill-and-blast rate would be far off
    a = run(doc)
    np.testing.assert_allclose(days(a, "pilot: north -> east"), 8000 / tbm, rtol=1e-9)
    np.testing.assert_allclose(heading(a, "pilot: north -> east").length_km, 8.0, rtol=1e-12)


def test_two_bores_of_different_method_orders_get_zone_machines(tmp_path: Path) -> None:
    """A: 5 km drill-and-blast then TBM; B: TBM then 5 km drill-and-blast."""
    bores = [
        ("a-tube", 20.0, [("drill-and-blast", 5.0), ("tbm-gripper", 15.0)], None),
        ("b-tube", 20.0, [("tbm-gripper", 15.0), ("drill-and-blast", 5.0)], None),
    ]
    case = _read(tmp_path, _case_toml(bores))
    c = compile_case(case, case_pool([case]))
    assert _zones(c.document) == [
        (0.0, 5.0, "drill-and-blast", {"b-tube": "hard-rock"}),
        (5.0, 15.0, "hard-rock", None),
        (15.0, 20.0, "hard-rock", {"b-tube": "drill-and-blast"}),
    ]
    machines = {m["name"]: m for m in c.document["construction"]["machines"]}
    assert {n: m["regime"] for n, m in machines.items()} == {
        "drill-and-blast": "drill-and-blast",
        "hard-rock": "hard-rock",
    }
    for r, m in machines.items():  # each machine at its own law in every class
        rates = {v["value"] for v in m["penetration_m_per_h"].values()}
        assert rates == {c.advance[r].median / 24.0}
    assert any(n.startswith("Bore a-tube changes method") for n in c.notes)
    assert not any("longest bore" in n for n in c.notes)


def test_the_longest_bore_sets_the_zone_class(tmp_path: Path) -> None:
    """A drill-and-blast tube and a TBM pilot placed in its middle: the tube sets the class."""
    bores = [
        ("main", 20.0, [("drill-and-blast", 20.0)], None),
        ("pilot", 6.0, [("tbm-gripper", 3.0), ("drill-and-blast", 3.0)], 7.0),
    ]
    case = _read(tmp_path, _case_toml(bores))
    zones = _zones(compile_case(case, case_pool([case])).document)
    assert zones == [
        (0.0, 10.0, "drill-and-blast", {"pilot": "hard-rock"}),
        (10.0, 20.0, "drill-and-blast", None),
    ]


def test_method_changes_a_few_metres_apart_are_one_boundary(tmp_path: Path) -> None:
    """Seelisberg-like: tubes of 20 and 19.96 km scale the same change of method 27 m apart."""
    bores = [
        ("west-tube", 20.0, [("drill-and-blast", 10.0), ("tbm-gripper", 10.0)], None),
        ("east-tube", 19.96, [("drill-and-blast", 9.95), ("tbm-gripper", 10.01)], None),
    ]
    shift = 9.95 * 20.0 / 19.96 - 10.0
    assert 0.0 < abs(shift) < MERGE_KM
    case = _read(tmp_path, _case_toml(bores))
    assert _zones(compile_case(case, case_pool([case])).document) == [
        (0.0, 10.0, "drill-and-blast", None),
        (10.0, 20.0, "hard-rock", None),
    ]


def test_each_bore_own_methods_change_the_plan_heading_days(tmp_path: Path) -> None:
    """A TBM pilot costs fewer heading-days than a drill-and-blast pilot of the same length."""

    def per_day(method: str) -> tuple[float, str]:
        pilot = ("pilot", 8.0, [(method, 8.0)], None)
        case = _read(tmp_path, _case_toml([*DNB_TUBES, pilot]))
        bore = compile_case(case, case_pool([case])).document["construction"]["bores"][0]
        return bore["heading_cost_usd_m_per_day"]["value"], bore["heading_cost_usd_m_per_day"][
            "note"
        ]

    (tbm, tbm_note), (dnb, dnb_note) = per_day("tbm-gripper"), per_day("drill-and-blast")
    days_tbm = float(tbm_note.split()[1])
    days_dnb = float(dnb_note.split()[1])
    assert days_tbm < days_dnb
    assert tbm > dnb  # the same time-dependent money over fewer heading-days


# --------------------------------------------------------------------------- placed bores
@pytest.mark.parametrize("mean_run_m", [1000.0, 12000.0, 500000.0])
def test_a_placed_bore_bores_from_a_point_inside_its_span_at_its_rate(
    hand_doc: dict[str, Any], mean_run_m: float
) -> None:
    """The bore runs 3 to 12 km, bored from a shaft at 6 km: 3 km west and 6 km east.

    At 12 m/day that is 250 and 500 days, wherever the ground's runs begin and end (a run
    that straddles the span's start is bored only inside it, and the shaft's place in the
    run is measured along that part).
    """
    hand_doc["geology"]["zones"][0]["mean_run_m"] = {"rock": mean_run_m}
    shaft = copy.deepcopy(hand_doc["route"]["attack_points"][0])
    shaft.update(name="shaft", kind="shaft", chainage_km=6.0, headings=["west", "east"])
    hand_doc["route"]["attack_points"].insert(1, shaft)
    hand_doc["construction"]["bores"][0]["from_km"] = 3.0
    a = run(hand_doc, draws=64, seed=7)
    np.testing.assert_allclose(heading(a, "main: shaft -> west").length_km, 3.0, rtol=1e-9)
    np.testing.assert_allclose(heading(a, "main: shaft -> east").length_km, 6.0, rtol=1e-9)
    np.testing.assert_allclose(days(a, "main: shaft -> west"), 3000 / 12.0, rtol=1e-9)
    np.testing.assert_allclose(days(a, "main: shaft -> east"), 6000 / 12.0, rtol=1e-9)


def test_two_placed_headings_meet_where_their_days_are_equal(hand_doc: dict[str, Any]) -> None:
    """Span 3 to 12 km, from the east portal (launched at once) and the shaft at 6 km
    (launched 100 days late): they meet where 6,000 m - x and x take 100 days apart."""
    hand_doc["geology"]["zones"][0]["mean_run_m"] = {"rock": 500000.0}
    shaft = copy.deepcopy(hand_doc["route"]["attack_points"][0])
    shaft.update(name="shaft", kind="shaft", chainage_km=6.0, headings=["west", "east"])
    shaft["site_works_months"] = {"dist": "fixed", "value": 100.0 / MONTH_DAYS}
    hand_doc["route"]["attack_points"].insert(1, shaft)
    hand_doc["route"]["attack_points"][-1]["headings"] = ["west"]
    hand_doc["construction"]["bores"][0]["from_km"] = 3.0
    a = run(hand_doc, draws=8, seed=7)
    # east front bores x metres west from 12 km; the shaft's east front 6,000 - x, 100 days
    # later: x / 12 = (6000 - x) / 12 + 100 -> x = 3,600 m
    np.testing.assert_allclose(heading(a, "main: east -> west").length_km, 3.6, rtol=1e-9)
    np.testing.assert_allclose(heading(a, "main: shaft -> east").length_km, 2.4, rtol=1e-9)
    np.testing.assert_allclose(heading(a, "main: shaft -> west").length_km, 3.0, rtol=1e-9)
