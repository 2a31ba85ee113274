"""Properties of the general construction model: barriers in the fronts solver, bores of their
own length, stopped headings and methods forced by zone (draw by draw, common random numbers)."""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import typed_in
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import beringia
from beringia.core.calendar import MONTH_DAYS
from beringia.core.construction import simulate_block
from beringia.core.distributions import DistSpec
from beringia.core.headings import Fronts, solve_fronts
from beringia.models.construction.compile import compile_construction

BASE = typed_in("bering-strait")
DRAWS = 100
SETTINGS = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FRONT_SETTINGS = settings(max_examples=200, deadline=None)


def assess(doc: dict[str, Any], seed: int) -> beringia.Assessment:
    return beringia.assess(beringia.load_scenario(doc), draws=DRAWS, seed=seed)


# --------------------------------------------------------------------------- fronts
launch = st.one_of(st.just(np.inf), st.floats(0.0, 300.0))


@st.composite
def bores(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, float]:
    """One bore: gap times, launches, and a gap and fraction where a virtual point goes."""
    m = draw(st.integers(2, 5))
    gaps = np.array([[draw(st.floats(1.0, 200.0)) for _ in range(m - 1)]])
    east = np.array([[draw(launch) for _ in range(m)]])
    west = np.array([[draw(launch) for _ in range(m)]])
    east[0, -1] = np.inf
    west[0, 0] = np.inf
    return gaps, east, west, draw(st.integers(0, m - 2)), draw(st.floats(0.05, 0.95))


def with_virtual_point(
    gaps: np.ndarray, east: np.ndarray, west: np.ndarray, g: int, f: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The same bore with a point of no launches a fraction ``f`` into gap ``g``."""
    split = np.concatenate(
        [gaps[:, :g], [[gaps[0, g] * f, gaps[0, g] * (1 - f)]], gaps[:, g + 1 :]], axis=1
    )
    inf = np.full((1, 1), np.inf)
    e = np.concatenate([east[:, : g + 1], inf, east[:, g + 1 :]], axis=1)
    w = np.concatenate([west[:, : g + 1], inf, west[:, g + 1 :]], axis=1)
    return split, e, w


def stretch_finish(fr: Fronts, g: int) -> np.ndarray:
    """Gap finish times of the bore with a virtual point in gap ``g``, per original gap."""
    f = fr.gap_finish[0]
    return np.concatenate([f[:g], [max(f[g], f[g + 1])], f[g + 2 :]])


def barrier(m: int, at: int) -> np.ndarray:
    out = np.zeros(m, dtype=bool)
    out[at] = True
    return out


@FRONT_SETTINGS
@given(bores())
def test_a_point_with_no_launches_changes_nothing(
    bore: tuple[np.ndarray, np.ndarray, np.ndarray, int, float],
) -> None:
    gaps, east, west, g, f = bore
    plain = solve_fronts(gaps, east, west)
    split = solve_fronts(*with_virtual_point(gaps, east, west, g, f))
    np.testing.assert_allclose(stretch_finish(split, g), plain.gap_finish[0], rtol=1e-9)


def uniform_meeting(gap_east: np.ndarray, gap_west: np.ndarray) -> Any:
    """Where fronts meet in gaps of uniform ground: ``left + s G = right + (1 - s) G'``."""

    def meeting(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        s = np.clip((right - left + gap_west) / (gap_east + gap_west), 0.0, 1.0)
        return left + s * gap_east, s * gap_east

    return meeting


@FRONT_SETTINGS
@given(bores())
def test_fronts_of_equal_pace_meet_as_before(
    bore: tuple[np.ndarray, np.ndarray, np.ndarray, int, float],
) -> None:
    """Giving the westward fronts the eastward ones' gap times changes nothing."""
    gaps, east, west, _, _ = bore
    plain = solve_fronts(gaps, east, west)
    paced = solve_fronts(gaps, east, west, gap_time_west=gaps, meeting=uniform_meeting(gaps, gaps))
    np.testing.assert_allclose(paced.gap_finish, plain.gap_finish, rtol=1e-12)
    np.testing.assert_allclose(paced.meet, plain.meet, rtol=1e-12, atol=1e-9)
    np.testing.assert_array_equal(paced.east_owner, plain.east_owner)
    np.testing.assert_array_equal(paced.west_owner, plain.west_owner)


@FRONT_SETTINGS
@given(bores(), st.floats(1.0, 5.0))
def test_slower_westward_fronts_never_finish_a_bore_earlier(
    bore: tuple[np.ndarray, np.ndarray, np.ndarray, int, float], slower: float
) -> None:
    """A site that supplies its westward fronts less never makes the bore finish sooner,
    and the eastward fronts, held by nothing new, never bore less far."""
    gaps, east, west, _, _ = bore
    plain = solve_fronts(gaps, east, west)
    gap_west = gaps * slower
    paced = solve_fronts(
        gaps, east, west, gap_time_west=gap_west, meeting=uniform_meeting(gaps, gap_west)
    )
    assert paced.gap_finish.max() >= plain.gap_finish.max() * (1 - 1e-12)
    assert np.all(paced.meet >= plain.meet * (1 - 1e-12) - 1e-9)


def test_gap_time_west_needs_a_meeting() -> None:
    gaps = np.array([[10.0]])
    east, west = np.array([[0.0, np.inf]]), np.array([[np.inf, 0.0]])
    with pytest.raises(ValueError, match="together"):
        solve_fronts(gaps, east, west, gap_time_west=gaps)


@FRONT_SETTINGS
@given(bores(), st.sampled_from(["east", "west"]))
def test_a_barrier_never_makes_a_bore_finish_earlier(
    bore: tuple[np.ndarray, np.ndarray, np.ndarray, int, float], direction: str
) -> None:
    gaps, east, west, g, f = bore
    split = with_virtual_point(gaps, east, west, g, f)
    m = split[1].shape[1]
    free = solve_fronts(*split)
    kw = {f"{direction}_barrier": barrier(m, g + 1)}
    stopped = solve_fronts(*split, **kw)
    with np.errstate(invalid="ignore"):
        later = stopped.gap_finish >= free.gap_finish * (1 - 1e-12)
    assert np.all(later | np.isnan(free.gap_finish))
    assert stopped.gap_finish.max() >= free.gap_finish.max() * (1 - 1e-12)


@FRONT_SETTINGS
@given(bores(), st.sampled_from(["east", "west"]))
def test_a_barrier_no_front_passes_changes_nothing(
    bore: tuple[np.ndarray, np.ndarray, np.ndarray, int, float], direction: str
) -> None:
    """A barrier beyond where the fronts meet (no front of its direction leaves it)."""
    gaps, east, west, g, f = bore
    split = with_virtual_point(gaps, east, west, g, f)
    m = split[1].shape[1]
    free = solve_fronts(*split)
    leaves = free.east_time[0, g + 1] if direction == "east" else free.west_time[0, g + 1]
    if np.isfinite(leaves):
        return  # a front passes the virtual point: the barrier may bind
    stopped = solve_fronts(*split, **{f"{direction}_barrier": barrier(m, g + 1)})
    np.testing.assert_array_equal(stopped.gap_finish, free.gap_finish)
    np.testing.assert_array_equal(stopped.meet, free.meet)
    np.testing.assert_array_equal(stopped.east_owner, free.east_owner)
    np.testing.assert_array_equal(stopped.west_owner, free.west_owner)


# --------------------------------------------------------------------------- model
def bore_length_km(a: beringia.Assessment, bore: str) -> np.ndarray:
    return sum((h.length_km for h in a.headings if h.bore == bore), start=np.zeros(DRAWS))


@SETTINGS
@given(
    start=st.floats(0.0, 47.0),
    end=st.floats(54.2, 96.778782),
    seed=st.integers(0, 2**31),
)
def test_a_bores_headings_bore_exactly_its_span(start: float, end: float, seed: int) -> None:
    doc = copy.deepcopy(BASE)
    doc["construction"]["bores"][2].update(from_km=start, to_km=end)
    a = assess(doc, seed)
    np.testing.assert_allclose(bore_length_km(a, "service"), end - start, rtol=1e-9)
    np.testing.assert_allclose(bore_length_km(a, "running-north"), 96.778782, rtol=1e-9)


@SETTINGS
@given(where=st.floats(0.02, 0.98), seed=st.integers(0, 2**31))
def test_a_stopped_heading_never_finishes_sooner_and_the_bore_is_complete(
    where: float, seed: int
) -> None:
    doc = copy.deepcopy(BASE)
    stop = 54.101173 + where * (96.778782 - 54.101173)
    doc["construction"]["bores"][0]["stops"] = [{"heading": "little-diomede:east", "stop_km": stop}]
    free = assess(BASE, seed)
    stopped = assess(doc, seed)
    assert np.all(stopped.duration_years >= free.duration_years * (1 - 1e-12))
    np.testing.assert_allclose(bore_length_km(stopped, "running-north"), 96.778782, rtol=1e-9)
    east = next(h for h in stopped.headings if h.name == "running-north: little-diomede -> east")
    assert np.all(east.length_km <= stop - 54.101173 + 1e-9)


@SETTINGS
@given(slower=st.floats(0.2, 1.0), seed=st.integers(0, 2**31))
def test_a_slower_method_forced_in_a_zone_never_finishes_sooner(slower: float, seed: int) -> None:
    """A zone forced onto a machine slower than the bore's own in every draw and class."""
    doc = copy.deepcopy(BASE)
    slow = copy.deepcopy(doc["construction"]["machines"][0])
    slow["name"] = "slow"
    for field, factor in (("penetration_m_per_h", slower), ("utilisation", 1.0)):
        for k, v in slow[field].items():
            slow[field][k] = {"dist": "fixed", "value": lowest(v) * factor}
    doc["construction"]["machines"].append(slow)
    doc["geology"]["zones"][2]["machine"] = "slow"
    base = assess(BASE, seed)
    forced = assess(doc, seed)
    assert np.all(forced.duration_years >= base.duration_years * (1 - 1e-12))
    assert np.any(forced.duration_years > base.duration_years) or slower == 1.0


def lowest(dist: Any) -> float:
    """The smallest value a (fixed, uniform or triangular) distribution takes."""
    if isinstance(dist, int | float):
        return float(dist)
    if dist["dist"] == "fixed":
        return float(dist["value"])
    return float(dist["low"])


DEMO = Path(__file__).parent / "data" / "general-demo.toml"


@SETTINGS
@given(months=st.floats(0.0, 24.0), seed=st.integers(0, 2**31))
def test_a_reused_machine_launches_only_after_its_drive_and_the_move(
    months: float, seed: int
) -> None:
    """Draw by draw: the second drive's launch starts when the first drive has stopped plus
    the relocation (or when its site is ready, if later), never earlier."""
    sc = beringia.load_scenario(DEMO)
    inp = compile_construction(sc)
    key = "construction.bores.tube-b.reuse.0.relocation_months"
    inp = dataclasses.replace(inp, inputs={**inp.inputs, key: DistSpec("fixed", (months,))})
    res = simulate_block(inp, seed, 0, 64, detail=True)
    acts = {a.name: a for a in res.activities}
    first = acts["boring: tube-a: west -> east"]
    second = acts["launch: tube-b: west -> east"]
    site = acts["site works: west"]
    ready = np.maximum(first.finish + months * MONTH_DAYS, site.finish)
    np.testing.assert_allclose(second.start, ready, rtol=1e-12)
