"""Crews: a site's camp beds cap the share of its faces' pace it can man (issue 12).

The hand-checkable tunnel (tests/conftest.py): 12 km bored from the west portal at 12 m/day,
1,000 days. With ``camp_beds`` B, ``beds_per_face`` K and F faces, a site mans
``min(1, B / (K F))`` of its faces' full pace.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import minimal_doc
from helpers import assert_clean_failure
from hypothesis import example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import beringia
from beringia.cli import app
from beringia.core.calendar import YEAR_DAYS
from beringia.core.construction import crew_share, site_faces
from beringia.errors import ScenarioError
from beringia.models.construction.checks import check_sites
from beringia.models.construction.compile import compile_construction
from beringia.models.reference.view import site_flags
from beringia.pipeline.scenarios import as_scenario

BOREDAYS = 12_000 / 12.0  # 12 km at 2 m/h x 0.25 x 24 h


def run(doc: dict[str, Any], draws: int = 16, seed: int = 1) -> beringia.Assessment:
    return beringia.assess(beringia.load_scenario(doc), draws=draws, seed=seed)


def fixed(value: float) -> dict[str, Any]:
    return {"dist": "fixed", "value": value}


def with_beds(doc: dict[str, Any], beds: float, per_face: float = 10.0, site: int = 0) -> None:
    doc["route"]["attack_points"][site]["camp_beds"] = fixed(beds)
    doc["construction"]["beds_per_face"] = fixed(per_face)


def face_m2(doc: dict[str, Any]) -> float:
    return math.pi / 4.0 * float(doc["construction"]["bores"][0]["diameter_m"]) ** 2


@pytest.mark.parametrize(("beds", "slower"), [(5.0, 2.0), (2.5, 4.0), (7.5, 4.0 / 3.0)])
def test_beds_below_the_need_slow_the_heading_in_proportion(
    hand_doc: dict[str, Any], beds: float, slower: float
) -> None:
    """One face needing 10 beds: 5 beds man half its pace, 2.5 a quarter, 7.5 three quarters."""
    with_beds(hand_doc, beds)
    a = run(hand_doc)
    np.testing.assert_allclose(
        a.headings[0].duration_years, slower * BOREDAYS / YEAR_DAYS, rtol=1e-12
    )


@pytest.mark.parametrize("beds", [10.0, 11.0, 1000.0])
def test_beds_at_or_above_the_need_change_nothing(hand_doc: dict[str, Any], beds: float) -> None:
    base = run(hand_doc)
    with_beds(hand_doc, beds)
    a = run(hand_doc)
    np.testing.assert_array_equal(a.duration_years, base.duration_years)
    np.testing.assert_array_equal(a.cost_usd_bn, base.cost_usd_bn)


def test_beds_are_shared_among_the_faces_a_site_launches(hand_doc: dict[str, Any]) -> None:
    """Two bores launched at the west site: 10 beds at 10 a face man half of each face."""
    bore = dict(hand_doc["construction"]["bores"][0])
    hand_doc["construction"]["bores"].append({**bore, "name": "second"})
    base = run(hand_doc)
    with_beds(hand_doc, 10.0)
    inp = compile_construction(beringia.load_scenario(hand_doc))
    assert site_faces(inp, 0) == 2
    assert crew_share(inp, 0, lambda k: 10.0) == pytest.approx(0.5)
    a = run(hand_doc)
    for h, h0 in zip(a.headings, base.headings, strict=True):
        np.testing.assert_allclose(h.duration_years, 2.0 * h0.duration_years, rtol=1e-12)


def test_each_front_is_manned_by_its_own_camp(hand_doc: dict[str, Any]) -> None:
    """Two fronts meet; the west camp mans half its face (6 m/day), the east front bores at
    12: ``x / 6 = (12,000 - x) / 12``, so they meet at 4,000 m after 666.7 days."""
    hand_doc["route"]["attack_points"][1]["headings"] = ["west"]
    with_beds(hand_doc, 5.0)
    a = run(hand_doc)
    west_camp, east_front = a.headings
    np.testing.assert_allclose(west_camp.length_km, 4.0, rtol=1e-9)
    np.testing.assert_allclose(east_front.length_km, 8.0, rtol=1e-9)
    for h in a.headings:
        np.testing.assert_allclose(h.duration_years, 4000.0 / 6.0 / YEAR_DAYS, rtol=1e-12)


@pytest.mark.parametrize(
    ("supply_m_per_day", "beds", "days"),
    [
        (3.0, 5.0, 4000.0),  # supply for 3 m/day, beds for 6: supply governs
        (9.0, 5.0, 2000.0),  # supply for 9 m/day, beds for 6: beds govern
        (24.0, 20.0, 1000.0),  # neither below the machine's 12 m/day
    ],
)
def test_a_run_takes_the_slower_of_its_crews_and_its_supply(
    hand_doc: dict[str, Any], supply_m_per_day: float, beds: float, days: float
) -> None:
    site = hand_doc["route"]["attack_points"][0]
    site["supply_m3_per_day"] = fixed(supply_m_per_day * face_m2(hand_doc))
    with_beds(hand_doc, beds)
    a = run(hand_doc)
    np.testing.assert_allclose(a.headings[0].duration_years, days / YEAR_DAYS, rtol=1e-12)


@settings(max_examples=15, deadline=None)
@example(fewer=1.0, more=1.0000000000000002)  # found by a fresh-clone run: an ulp apart
@given(
    fewer=st.floats(min_value=1.0, max_value=60.0),
    more=st.floats(min_value=1.0, max_value=60.0),
)
def test_fewer_beds_never_shorten_the_programme(fewer: float, more: float) -> None:
    """Uncertain ground and machine, two fronts, a supply limit at the far site: whatever
    the beds, fewer never make any draw shorter (or cheaper in boring time)."""
    fewer, more = min(fewer, more), max(fewer, more)
    doc = minimal_doc()
    doc["route"]["attack_points"][1]["headings"] = ["west"]
    doc["route"]["attack_points"][1]["supply_m3_per_day"] = fixed(8.0 * face_m2(doc))
    doc["construction"]["machines"][0]["utilisation"] = {
        "rock": {"dist": "triangular", "low": 0.1, "mode": 0.25, "high": 0.5}
    }
    doc["construction"]["beds_per_face"] = {
        "dist": "triangular",
        "low": 10.0,
        "mode": 20.0,
        "high": 40.0,
    }
    years = []
    for beds in (fewer, more):
        doc["route"]["attack_points"][0]["camp_beds"] = fixed(beds)
        years.append(run(doc, draws=32, seed=3).duration_years)
    # within rounding: one bed against 1 + 2e-16 moves the fronts' meeting by an ulp either
    # way (the two fronts' paces differ, and where they meet is solved in floating point)
    assert np.all(years[0] >= years[1] * (1.0 - 1e-12))


def test_without_beds_no_input_is_drawn_and_nothing_changes() -> None:
    """The built-ins give beds_per_face but no camp: it is not an input of the run."""
    sc = beringia.load_scenario("bering-strait")
    assert sc.construction.beds_per_face is not None
    inp = compile_construction(sc)
    assert "construction.beds_per_face" not in inp.inputs
    assert all(p.beds is None for p in inp.points)
    bedded = compile_construction(
        as_scenario("bering-strait", ["route.attack_points.little-diomede.camp_beds=200"])
    )
    assert "construction.beds_per_face" in bedded.inputs


def test_camp_beds_need_beds_per_face(hand_doc: dict[str, Any]) -> None:
    hand_doc["route"]["attack_points"][0]["camp_beds"] = fixed(100.0)
    with pytest.raises(ScenarioError, match=r"camp_beds needs construction\.beds_per_face"):
        beringia.load_scenario(hand_doc)


def test_binding_beds_are_flagged_with_their_share(hand_doc: dict[str, Any]) -> None:
    with_beds(hand_doc, 5.0)
    (flag,) = site_flags(compile_construction(beringia.load_scenario(hand_doc)))
    assert flag.subject == "route.attack_points.west.camp_beds"
    assert flag.value == pytest.approx(6.0) and flag.limit == pytest.approx(12.0)
    assert "5 camp beds" in flag.message and "50% of its 1 face' pace" in flag.message
    with_beds(hand_doc, 10.0)  # exactly the need: not flagged
    assert site_flags(compile_construction(beringia.load_scenario(hand_doc))) == []


def test_check_sites_names_the_least_beds_allowed(hand_doc: dict[str, Any]) -> None:
    """1 bed for a face needing 10,000: 12 km at 12 / 10,000 m/day takes 27,379 years."""
    with_beds(hand_doc, 1.0, per_face=10_000.0)
    inp = compile_construction(beringia.load_scenario(hand_doc))
    years = 12_000.0 / (12.0 / 10_000.0) / YEAR_DAYS
    with pytest.raises(ScenarioError) as err:
        check_sites(inp)
    assert err.value.field == "route.attack_points.west.camp_beds"
    assert err.value.value == 1.0
    assert f"at least {years:,.0f} years" in str(err.value)
    # 1 x 27,379 / 1,000 = 27.4, up to a whole bed
    assert "raise it to at least 28" in str(err.value)
    with_beds(hand_doc, 28.0, per_face=10_000.0)
    check_sites(compile_construction(beringia.load_scenario(hand_doc)))  # within: no error


BIG = "route.attack_points.big-diomede.camp_beds"
WEST = "route.attack_points.chukotka-portal.camp_beds"
# One bed at Big Diomede alone is not absurd: the fronts from its neighbours bore its
# stretches at their own pace. With one at the Chukotka portal too, the stretch between them
# has no front worth the name.
ABSURD = ["--set", f"{BIG}=1", "--set", f"{WEST}=1"]


def _least(err: str) -> float:
    found = re.search(r"raise it to at least ([0-9.,]+)", err)
    assert found, err
    return float(found.group(1).replace(",", ""))


def test_validate_refuses_an_absurd_camp(runner: CliRunner, cwd: Path) -> None:
    result = runner.invoke(app, ["validate", "bering-strait", *ABSURD])
    err = assert_clean_failure(result, cwd, BIG, "got 1", "would last at least", "camp beds")
    assert list(cwd.iterdir()) == []  # nothing written
    # the least value it names is allowed, the other camp unchanged
    least = _least(err)
    args = ["validate", "bering-strait", "--set", f"{BIG}={least}", "--set", f"{WEST}=1"]
    ok = runner.invoke(app, args)
    assert ok.exit_code == 0, ok.output
    # one starved camp alone is not absurd: its neighbours' fronts bore its stretches
    alone = runner.invoke(app, ["validate", "bering-strait", "--set", f"{BIG}=1"])
    assert alone.exit_code == 0, alone.output


def test_assess_refuses_it_with_the_same_message(runner: CliRunner, cwd: Path) -> None:
    args = ["bering-strait", *ABSURD]
    checked = runner.invoke(app, ["validate", *args])
    assessed = runner.invoke(app, ["assess", "--draws", "20", *args])
    assert_clean_failure(assessed, cwd, BIG)
    assert assessed.stderr == checked.stderr


def test_a_small_camp_set_on_the_command_line_lengthens_the_programme(
    runner: CliRunner, cwd: Path
) -> None:
    def p50(*sets: str) -> tuple[float, list[dict[str, Any]]]:
        args = ["assess", "bering-strait", "--draws", "200", "--seed", "5", "--json"]
        for s in sets:
            args += ["--set", s]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        out = json.loads(result.stdout)
        return out["construction"]["duration_years"]["p50"], out["reference"]["flags"]

    base, base_flags = p50()
    small, flags = p50("route.attack_points.little-diomede.camp_beds=120")
    assert small > base
    camp = [f for f in flags if f["subject"].endswith("little-diomede.camp_beds")]
    assert len(camp) == 1 and "camp beds" in camp[0]["message"]
    assert not any("camp_beds" in f["subject"] for f in base_flags)
    large, _ = p50("route.attack_points.little-diomede.camp_beds=100000")
    assert large == base  # a camp far above the need changes nothing


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        (f"{BIG}=0", (BIG, "got 0")),
        ("construction.beds_per_face=0.5", ("construction.beds_per_face", "got 0.5")),
        (f"{BIG}=1e6", (BIG, "got 1000000")),
    ],
)
def test_beds_out_of_bounds_are_refused(
    runner: CliRunner, cwd: Path, setting: str, expected: tuple[str, ...]
) -> None:
    result = runner.invoke(app, ["validate", "bering-strait", "--set", setting])
    assert_clean_failure(result, cwd, *expected)


def test_a_camp_too_small_in_a_few_draws_names_the_camp(hand_doc: dict[str, Any]) -> None:
    """A camp whose median is fine but whose low draws are absurd: the duration error of
    assess names the camp (raise it), not the machine."""
    hand_doc["route"]["attack_points"][0]["camp_beds"] = {
        "dist": "uniform",
        "low": 1.0,
        "high": 200.0,
    }
    hand_doc["construction"]["beds_per_face"] = fixed(10_000.0)
    # at the median, 100.5 beds: 12 km at 12 x 0.01005 m/day, 272 years; 1 bed: 27,379
    check_sites(compile_construction(beringia.load_scenario(hand_doc)))
    with pytest.raises(ScenarioError) as err:
        run(hand_doc, draws=64)
    assert err.value.field == "route.attack_points.west.camp_beds"
    assert "longest critical activity is 'boring: main: west -> east'; raise it" in str(err.value)
