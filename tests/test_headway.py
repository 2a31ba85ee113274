"""Blocking times, headways and capacity: the notes' worked examples, closed forms, properties."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from beringia.core.headway import (
    Signalling,
    block_sections,
    blocking_times,
    capacity,
    headway_matrix,
    min_headway_s,
)
from beringia.core.traindynamics import Profile, Track, TrainSpec, running_profile
from beringia.errors import ScenarioError


def steady_train(name: str, v_kmh: float, b: float, length: float) -> TrainSpec:
    """A train that holds its speed: ample tractive effort, no resistance."""
    return TrainSpec(
        name=name,
        length_m=length,
        mass_t=1000.0,
        rotating_mass_factor=1.0,
        davis_a_n=0.0,
        davis_b_n_per_m_s=0.0,
        davis_c_n_per_m2_s2=0.0,
        tractive_effort=((0.0, 1000.0), (400.0, 1000.0)),
        max_speed_kmh=v_kmh,
        service_brake_m_s2=b,
        emergency_brake_m_s2=2 * b,
    )


def bore(length_m: float = 20_000.0, dx: float = 10.0) -> Track:
    x = np.arange(0.0, length_m + dx / 2, dx)
    return Track(x, np.zeros_like(x), None, np.full_like(x, 250.0))


def steady(train: TrainSpec, track: Track) -> Profile:
    return running_profile(train, track, start_speed_kmh=None)


FIXED = Signalling(
    "fixed_block", 2000.0, setup_s=10, sight_reaction_s=10, release_s=10, overlap_m=200.0
)
MOVING = Signalling(
    "moving_block",
    0.0,
    setup_s=10,
    sight_reaction_s=10,
    release_s=10,
    overlap_m=200.0,
    etcs_update_s=10,
)

# notes §2.3 worked examples: v, b, L_train, fixed-block h, moving-block h (t_fix = 30 s,
# overlap / margin 200 m, fixed blocks of 2,000 m)
WORKED = [
    ("1520 container", 100, 0.30, 1200, 199, 127),
    ("EU freight", 120, 0.35, 750, 166, 106),
    ("NA double-stack", 80, 0.25, 2200, 272, 182),
    ("passenger", 160, 0.60, 400, 126, 81),
]


@pytest.mark.parametrize(("name", "v_kmh", "b", "length", "h_fixed", "h_moving"), WORKED)
def test_worked_examples_of_the_notes(
    name: str, v_kmh: float, b: float, length: float, h_fixed: float, h_moving: float
) -> None:
    train = steady_train(name, v_kmh, b, length)
    p = steady(train, bore())
    v = v_kmh / 3.6
    s_brake = v * v / (2 * b)
    fixed = blocking_times(p, train, FIXED)
    moving = blocking_times(p, train, MOVING)
    expect_fixed = 30 + (s_brake + 2000 + length + 200) / v
    expect_moving = 30 + (s_brake + length + 200) / v
    assert min_headway_s(fixed, fixed) == pytest.approx(expect_fixed, abs=1e-6)
    assert min_headway_s(moving, moving) == pytest.approx(expect_moving, abs=1e-6)
    assert abs(min_headway_s(fixed, fixed) - h_fixed) <= 0.6
    assert abs(min_headway_s(moving, moving) - h_moving) <= 0.6


def test_notes_trains_per_hour_at_75_percent() -> None:
    train = steady_train("c", 100, 0.30, 1200)
    p = steady(train, bore())
    for sig, per_hour in ((FIXED, 13.6), (MOVING, 21.3)):
        h = headway_matrix([p], [train], sig)
        cap = capacity(h, {"c": 1.0}, occupancy=0.75, hours_per_day=1.0)
        assert cap.trains_per_hour == pytest.approx(per_hour, abs=0.05)


def test_homogeneous_capacity_is_3600_over_h() -> None:
    h = {("a", "a"): 240.0}
    cap = capacity(h, {"a": 1.0}, occupancy=0.75, hours_per_day=20.0)
    assert cap.mean_headway_s == 240.0
    assert cap.trains_per_hour == pytest.approx(0.75 * 3600 / 240)
    assert cap.trains_per_day == pytest.approx(0.75 * 3600 / 240 * 20)
    flight = capacity(
        h, {"a": 1.0}, policy="flighted", flight_size=5, occupancy=1.0, hours_per_day=24.0
    )
    assert flight.trains_per_day == pytest.approx(24 * 3600 / 240)


def test_mixed_and_flighted_formulas() -> None:
    h = {("f", "f"): 100.0, ("f", "s"): 120.0, ("s", "f"): 900.0, ("s", "s"): 200.0}
    shares = {"f": 0.25, "s": 0.75}
    mixed = capacity(h, shares, occupancy=1.0, hours_per_day=24.0)
    expected = 0.0625 * 100 + 0.1875 * 120 + 0.1875 * 900 + 0.5625 * 200
    assert mixed.mean_headway_s == pytest.approx(expected)
    one = capacity(h, shares, policy="flighted", flight_size=1, occupancy=1.0, hours_per_day=24)
    assert one.mean_headway_s == pytest.approx(expected)
    four = capacity(h, shares, policy="flighted", flight_size=4, occupancy=1.0, hours_per_day=24)
    within = 0.25 * 100 + 0.75 * 200
    assert four.mean_headway_s == pytest.approx((3 * within + expected) / 4)
    assert four.trains_per_day > mixed.trains_per_day


def test_fast_train_behind_a_slow_one_in_a_bore_waits_for_it() -> None:
    length_bore = 30_000.0
    track = bore(length_bore, dx=20.0)
    slow = steady_train("slow", 80, 0.3, 1000)
    fast = steady_train("fast", 160, 0.5, 400)
    ps, pf = steady(slow, track), steady(fast, track)
    h = headway_matrix([ps, pf], [slow, fast], FIXED)
    vs, vf = 80 / 3.6, 160 / 3.6
    fix = 30.0
    # fast after slow: critical at the last block
    expected_sf = (length_bore + 1000 + 200) / vs - (length_bore - 2000 - vf * vf / 1.0) / vf + fix
    # slow after fast: critical at the first block
    expected_fs = (2000 + 400 + 200) / vf + (vs * vs / 0.6) / vs + fix
    assert h[("slow", "fast")] == pytest.approx(expected_sf, abs=1e-6)
    assert h[("fast", "slow")] == pytest.approx(expected_fs, abs=1e-6)
    # the notes' rule of thumb: L/v_s - L/v_f + h_min
    assert h[("slow", "fast")] >= length_bore / vs - length_bore / vf
    assert h[("slow", "fast")] > 5 * h[("fast", "fast")]


def test_signalling_kinds_order_headways() -> None:
    train = steady_train("c", 100, 0.3, 1200)
    p = steady(train, bore())
    etcs = Signalling(
        "etcs_l2",
        2000.0,
        setup_s=10,
        sight_reaction_s=10,
        release_s=10,
        overlap_m=200.0,
        etcs_update_s=4,
    )
    short = Signalling(
        "etcs_l2",
        1000.0,
        setup_s=10,
        sight_reaction_s=10,
        release_s=10,
        overlap_m=200.0,
        etcs_update_s=4,
    )
    hs = [
        min_headway_s(bt, bt)
        for bt in (blocking_times(p, train, s) for s in (FIXED, etcs, short, MOVING))
    ]
    assert hs[0] - hs[1] == pytest.approx(6.0)  # sight & reaction 10 s replaced by 4 s update
    assert hs[1] - hs[2] == pytest.approx(1000 / (100 / 3.6))  # a block shorter by 1 km
    assert hs[3] < hs[2]
    emergency = Signalling(
        "fixed_block",
        2000.0,
        setup_s=10,
        sight_reaction_s=10,
        release_s=10,
        overlap_m=200.0,
        braking="emergency",
    )
    he = blocking_times(p, train, emergency)
    assert min_headway_s(he, he) < hs[0]


def test_blocking_times_cover_every_section() -> None:
    train = steady_train("c", 100, 0.3, 1200)
    track = bore(21_000.0)
    p = steady(train, track)
    entry, exit_ = block_sections(track.position_m, FIXED)
    assert len(entry) == 11 and exit_[-1] == 21_000.0 and exit_[-2] - entry[-2] == 2000.0
    bt = blocking_times(p, train, FIXED)
    assert len(bt.start_s) == 11
    assert np.all(bt.end_s > bt.start_s)
    assert np.all(np.diff(bt.start_s) > 0) and np.all(np.diff(bt.end_s) > 0)
    # a train entering at speed needs the first section before it reaches the portal
    assert bt.start_s[0] < 0


def test_standing_start_and_climbing_train() -> None:
    x = np.arange(0.0, 20_001.0, 10.0)
    track = Track(x, np.where(x > 10_000, 12.5, 0.0), None, np.full_like(x, 120.0))
    power = 6e6
    train = TrainSpec(
        "heavy",
        750,
        2500,
        1.06,
        30_000,
        0,
        60,
        tuple((s, min(500.0, power / (s / 3.6) / 1000) if s else 500.0) for s in range(0, 121, 5)),
        120,
        0.3,
        0.5,
    )
    p = running_profile(train, track, start_speed_kmh=0.0)
    bt = blocking_times(p, train, FIXED)
    assert bt.start_s[0] == pytest.approx(-20.0)  # standing at the portal: setup + sight only
    h = min_headway_s(bt, bt)
    cruiser = steady_train("s", 120, 0.3, 750)
    cruise = blocking_times(steady(cruiser, track), cruiser, FIXED)
    steady_h = min_headway_s(cruise, cruise)
    assert h > steady_h  # slowing on the climb stretches the critical blocking time


def test_errors() -> None:
    with pytest.raises(ScenarioError, match=r"signalling\.kind"):
        Signalling("semaphore", 2000, 10, 10, 10, 200)  # type: ignore[arg-type]
    with pytest.raises(ScenarioError, match=r"signalling\.block_length_m"):
        Signalling("fixed_block", 0.0, 10, 10, 10, 200)
    with pytest.raises(ScenarioError, match=r"signalling\.setup_s"):
        Signalling("etcs_l2", 1000.0, -1, 10, 10, 200)
    train = steady_train("c", 100, 0.3, 1200)
    stopped = running_profile(train, bore(), start_speed_kmh=None, end_speed_kmh=0.0)
    with pytest.raises(ScenarioError, match="end_speed_kmh"):
        blocking_times(stopped, train, FIXED)
    h = {("a", "a"): 100.0}
    for kw, field in (
        ({"shares": {"a": 0.5}}, "shares"),
        ({"shares": {"a": 1.0, "b": 0.0}, "occupancy": 1.5}, "occupancy"),
        ({"shares": {"a": 0.5, "b": 0.5}}, "headways"),
        ({"shares": {"a": 1.0}, "flight_size": 0, "policy": "flighted"}, "flight_size"),
        ({"shares": {"a": 1.0}, "hours_per_day": 25}, "hours_per_day"),
    ):
        args: dict[str, Any] = {"occupancy": 0.75, "hours_per_day": 20.0, **kw}
        with pytest.raises(ScenarioError, match=rf"capacity\.{field}"):
            capacity(h, **args)
    p = steady(train, bore())
    with pytest.raises(ScenarioError, match="unique"):
        headway_matrix([p, p], [train, train], FIXED)
    other = steady(train, bore(dx=20.0))
    with pytest.raises(ScenarioError, match="same track grid"):
        headway_matrix([p, other], [train, steady_train("d", 90, 0.3, 500)], FIXED)


@settings(max_examples=30, deadline=None)
@given(
    v_fast=st.floats(60.0, 130.0),
    slower_by=st.floats(5.0, 40.0),
    b=st.floats(0.3, 0.6),
    length=st.floats(300.0, 1500.0),
    q=st.floats(0.01, 0.99),
    kind=st.sampled_from(["fixed_block", "etcs_l2"]),
    policy=st.sampled_from(["mixed", "flighted"]),
    flight=st.integers(1, 8),
)
def test_adding_a_slower_type_never_raises_capacity(
    v_fast: float,
    slower_by: float,
    b: float,
    length: float,
    q: float,
    kind: str,
    policy: str,
    flight: int,
) -> None:
    track = bore(10_000.0, dx=50.0)
    sig = Signalling(
        kind,
        2000.0,
        setup_s=10,
        sight_reaction_s=10,
        release_s=10,  # type: ignore[arg-type]
        overlap_m=200.0,
        etcs_update_s=5,
    )
    fast = steady_train("fast", v_fast, b, length)
    slow = steady_train("slow", v_fast - slower_by, b, length)
    h = headway_matrix([steady(fast, track), steady(slow, track)], [fast, slow], sig)
    kw: dict[str, Any] = {
        "policy": policy,
        "flight_size": flight,
        "occupancy": 0.75,
        "hours_per_day": 20.0,
    }
    before = capacity(h, {"fast": 1.0}, **kw)
    after = capacity(h, {"fast": 1 - q, "slow": q}, **kw)
    assert after.trains_per_day <= before.trains_per_day * (1 + 1e-9)


def test_headway_matrix_of_four_builtin_like_trains_is_consistent() -> None:
    track = bore(50_000.0, dx=25.0)
    trains = [steady_train(n, v, b, ln) for n, v, b, ln, *_ in WORKED]
    profiles = [steady(t, track) for t in trains]
    h = headway_matrix(profiles, trains, FIXED)
    assert len(h) == 16
    for a in trains:
        for c in trains:
            # triangle inequality of stairways: inserting a train never shortens a gap
            assert all(
                h[(a.name, c.name)] <= h[(a.name, m.name)] + h[(m.name, c.name)] + 1e-9
                for m in trains
            )
    assert math.isfinite(sum(h.values()))
