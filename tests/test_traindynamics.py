"""Running-time model: closed forms, speed-limit handling, allowances, errors, built-in trains."""

from __future__ import annotations

import dataclasses
import math
import tomllib
from importlib import resources
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq

from beringia.core.traindynamics import (
    GRAVITY_M_S2,
    Track,
    TrainCannotClimbError,
    TrainSpec,
    average_grade_permille,
    check_restart,
    max_restart_mass_t,
    running_profile,
    speed_envelope_m_s,
)
from beringia.errors import NumericalError, ScenarioError

SPEC_KEYS = (
    "name",
    "length_m",
    "mass_t",
    "rotating_mass_factor",
    "davis_a_n",
    "davis_b_n_per_m_s",
    "davis_c_n_per_m2_s2",
    "tractive_effort",
    "max_speed_kmh",
    "service_brake_m_s2",
    "emergency_brake_m_s2",
)


def make_train(**over: Any) -> TrainSpec:
    base: dict[str, Any] = {
        "name": "test",
        "length_m": 500.0,
        "mass_t": 1000.0,
        "rotating_mass_factor": 1.0,
        "davis_a_n": 0.0,
        "davis_b_n_per_m_s": 0.0,
        "davis_c_n_per_m2_s2": 0.0,
        "tractive_effort": ((0.0, 500.0), (300.0, 500.0)),
        "max_speed_kmh": 300.0,
        "service_brake_m_s2": 0.5,
        "emergency_brake_m_s2": 0.8,
    }
    base.update(over)
    return TrainSpec(**base)


def level(length_m: float, dx: float = 10.0, limit_kmh: float = 100.0, grade: float = 0.0) -> Track:
    x = np.arange(0.0, length_m + dx / 2, dx)
    return Track(x, np.full_like(x, grade), None, np.full_like(x, limit_kmh))


def builtin_trains() -> list[dict[str, Any]]:
    text = resources.files("beringia.data").joinpath("trains.toml").read_text(encoding="utf-8")
    trains: list[dict[str, Any]] = tomllib.loads(text)["trains"]
    return trains


def spec_from_toml(entry: dict[str, Any]) -> TrainSpec:
    kw = {k: entry[k] for k in SPEC_KEYS}
    kw.update({k: entry[k] for k in ("adhesive_mass_t", "restart_adhesion") if k in entry})
    kw["tractive_effort"] = tuple((float(s), float(f)) for s, f in entry["tractive_effort"])
    return TrainSpec(**kw)


# --- closed forms -------------------------------------------------------------------------


def test_constant_force_reaches_the_limit_in_v_over_a() -> None:
    train = make_train(rotating_mass_factor=1.05)
    track = level(20_000.0, dx=10.0, limit_kmh=100.0)
    p = running_profile(train, track)
    a = 500e3 / (1000e3 * 1.05)
    v = 100 / 3.6
    d = v * v / (2 * a)
    # the speed reaches the limit at v^2 / 2a and stays there
    first = int(np.argmax(p.speed_m_s >= v - 1e-9))
    assert abs(p.position_m[first] - d) <= 10.0
    assert float(np.interp(d, p.position_m, p.time_s)) == pytest.approx(v / a, abs=0.01)
    # before that, x = a t^2 / 2 exactly (constant acceleration is integrated exactly)
    acc = p.position_m < d - 10
    assert np.allclose(p.time_s[acc], np.sqrt(2 * p.position_m[acc] / a), rtol=0, atol=1e-9)
    assert p.total_s == pytest.approx(v / a + (20_000 - d) / v, abs=0.01)


def test_level_cruise_at_the_limit_takes_l_over_v() -> None:
    p = running_profile(make_train(), level(50_000.0, limit_kmh=120.0), start_speed_kmh=None)
    assert p.total_s == pytest.approx(50_000 / (120 / 3.6), rel=1e-12)
    assert np.allclose(p.speed_m_s, 120 / 3.6)


def test_entering_at_the_limit_is_the_same_as_giving_that_speed() -> None:
    track = level(5_000.0, limit_kmh=80.0)
    a = running_profile(make_train(), track, start_speed_kmh=None)
    b = running_profile(make_train(), track, start_speed_kmh=80.0)
    c = running_profile(make_train(), track, start_speed_kmh=200.0)  # capped at the limit
    assert a.total_s == b.total_s == c.total_s


def test_balancing_speed_on_a_gradient() -> None:
    power = 5.0e6
    curve = tuple(
        (s, min(400.0, power / (s / 3.6) / 1000.0) if s else 400.0) for s in range(0, 201, 5)
    )
    train = make_train(
        mass_t=2000.0,
        rotating_mass_factor=1.06,
        davis_a_n=20_000.0,
        davis_b_n_per_m_s=300.0,
        davis_c_n_per_m2_s2=80.0,
        tractive_effort=curve,
        max_speed_kmh=200.0,
    )
    grade = 8.0
    track = level(60_000.0, limit_kmh=200.0, grade=grade)
    p = running_profile(train, track, start_speed_kmh=None)
    weight = 2000e3 * GRAVITY_M_S2 * math.sin(math.atan(grade / 1000))

    def net(v: float) -> float:
        te = float(train.tractive_effort_n(np.array([v]))[0])
        return te - float(train.resistance_n(np.array([v]))[0]) - weight

    v_bal = brentq(net, 1.0, 55.0)
    assert 10.0 < v_bal < 50.0
    assert p.speed_m_s[-1] == pytest.approx(v_bal, rel=1e-4)


def test_braking_distance_is_v2_over_2b() -> None:
    b = 0.4
    train = make_train(service_brake_m_s2=b)
    length = 10_000.0
    p = running_profile(train, level(length, dx=5.0), start_speed_kmh=None, end_speed_kmh=0.0)
    v = 100 / 3.6
    d = v * v / (2 * b)
    assert p.speed_m_s[-1] == 0.0
    braking = p.position_m >= length - d
    expected = np.sqrt(2 * b * (length - p.position_m[braking]))
    assert np.allclose(p.speed_m_s[braking], expected, atol=1e-9)
    assert np.allclose(p.speed_m_s[~braking], v)
    assert p.total_s == pytest.approx((length - d) / v + v / b, abs=0.05)


def test_allowances() -> None:
    track = level(50_000.0)
    base = running_profile(make_train(), track)
    pct = running_profile(make_train(), track, allowance_pct=5.0)
    assert pct.total_s == pytest.approx(base.total_s * 1.05, rel=1e-12)
    assert pct.technical_s == base.total_s
    assert np.allclose(pct.time_s, base.time_s * 1.05)
    assert np.allclose(pct.speed_m_s, base.speed_m_s / 1.05)
    per_km = running_profile(make_train(), track, allowance_min_per_100km=3.0)
    assert per_km.total_s == pytest.approx(base.total_s + 0.5 * 3.0 * 60.0, rel=1e-12)
    both = running_profile(make_train(), track, allowance_pct=3, allowance_min_per_100km=4.5)
    assert both.total_s == pytest.approx(base.total_s * 1.03 + 0.5 * 4.5 * 60, rel=1e-12)


# --- track and limits ---------------------------------------------------------------------


def test_reversed_track_flips_gradients_and_keeps_curves() -> None:
    x = np.array([0.0, 100.0, 250.0, 400.0])
    track = Track(
        x,
        np.array([1.0, 2.0, 3.0, 4.0]),
        np.array([np.inf, 500, 0, 800]),
        np.array([80.0, 100.0, 60.0, 60.0]),
    )
    r = track.reversed()
    assert np.array_equal(r.position_m, [0.0, 150.0, 300.0, 400.0])
    assert np.array_equal(r.gradient_permille, [-4.0, -3.0, -2.0, -1.0])
    assert r.curve_radius_m is not None
    assert np.array_equal(r.curve_radius_m, [800, 0, 500, np.inf])
    # interval limits travel with their intervals: (250, 400) was 60, (100, 250) 100, (0, 100) 80
    assert np.array_equal(r.speed_limit_kmh[:-1], [60.0, 100.0, 80.0])
    rr = r.reversed()
    assert np.array_equal(rr.position_m, x)
    assert np.array_equal(rr.gradient_permille, track.gradient_permille)
    assert np.array_equal(rr.speed_limit_kmh[:-1], track.speed_limit_kmh[:-1])


def test_running_a_reversed_climb_is_a_descent() -> None:
    x = np.arange(0.0, 10_001.0, 10.0)
    climb = Track(x, np.where(x < 5000, 0.0, 10.0), None, np.full_like(x, 100.0))
    weak = make_train(tractive_effort=((0.0, 80.0), (300.0, 80.0)))
    up = running_profile(weak, climb, start_speed_kmh=None)
    down = running_profile(weak, climb.reversed(), start_speed_kmh=None)
    assert up.total_s > down.total_s == pytest.approx(10_000 / (100 / 3.6))


def test_curve_resistance_is_800_over_r() -> None:
    x = np.arange(0.0, 20_001.0, 10.0)
    limit = np.full_like(x, 160.0)
    curved = Track(x, np.zeros_like(x), np.where(x > 5000, 1000.0, np.inf), limit)
    graded = Track(x, np.where(x > 5000, 0.8, 0.0), None, limit)
    assert np.array_equal(curved.equivalent_gradient_permille(), graded.gradient_permille)
    weak = make_train(tractive_effort=((0.0, 50.0), (300.0, 50.0)), max_speed_kmh=160)
    a = running_profile(weak, curved, start_speed_kmh=None)
    b = running_profile(weak, graded, start_speed_kmh=None)
    assert a.total_s == b.total_s


def test_average_grade_under_the_train() -> None:
    x = np.arange(0.0, 3001.0, 10.0)
    track = Track(x, np.where(x >= 1000, 10.0, 0.0), None, np.full_like(x, 100.0))
    train = make_train(length_m=500.0)
    avg = average_grade_permille(train, track)
    at = dict(zip(x.tolist(), avg.tolist(), strict=True))
    assert at[500.0] == pytest.approx(0.0)
    assert at[1250.0] == pytest.approx(10.0 * 250 / 500, abs=0.11)  # half a grid cell of slack
    assert at[1500.0] == pytest.approx(10.0 * 495 / 500, abs=0.11)
    assert at[2000.0] == pytest.approx(10.0)


def test_restriction_holds_until_the_tail_clears_and_is_met_at_the_limit() -> None:
    x = np.arange(0.0, 12_001.0, 5.0)
    limit = np.where((x >= 4000) & (x < 5000), 60.0, 120.0)
    track = Track(x, np.zeros_like(x), None, limit)
    train = make_train(length_m=500.0, service_brake_m_s2=0.5, max_speed_kmh=120)
    env = speed_envelope_m_s(train, track)
    assert np.all(env[(x >= 4000) & (x < 5500)] == pytest.approx(60 / 3.6))
    assert np.all(env[x >= 5500] == pytest.approx(120 / 3.6))
    p = running_profile(train, track, start_speed_kmh=None)
    v = dict(zip(x.tolist(), p.speed_m_s.tolist(), strict=True))
    assert v[4000.0] == pytest.approx(60 / 3.6)
    assert v[5495.0] == pytest.approx(60 / 3.6)  # tail still inside the restriction
    assert v[5600.0] > 60 / 3.6  # accelerating once the tail has cleared it
    d = ((120 / 3.6) ** 2 - (60 / 3.6) ** 2) / (2 * 0.5)
    assert v[4000.0 - 5 * math.ceil(d / 5) - 5] == pytest.approx(120 / 3.6)
    assert v[4000.0 - 100] == pytest.approx(math.sqrt((60 / 3.6) ** 2 + 2 * 0.5 * 100))


def test_train_max_speed_caps_the_line_speed() -> None:
    p = running_profile(
        make_train(max_speed_kmh=90), level(5000.0, limit_kmh=160), start_speed_kmh=None
    )
    assert float(p.speed_m_s.max()) == pytest.approx(90 / 3.6)


# --- errors -------------------------------------------------------------------------------


def test_a_weak_train_stalls_on_a_climb() -> None:
    x = np.arange(0.0, 20_001.0, 10.0)
    track = Track(x, np.where(x < 5000, 0.0, 15.0), None, np.full_like(x, 100.0))
    weak = make_train(name="weakling", tractive_effort=((0.0, 120.0), (100.0, 120.0)))
    with pytest.raises(TrainCannotClimbError) as info:
        running_profile(weak, track, start_speed_kmh=None)
    assert isinstance(info.value, NumericalError)
    assert info.value.train == "weakling"
    # the train holds 100 km/h until most of it is on the grade (the average grade under it
    # ramps up over one train length), then decelerates at a constant rate: it stops about
    # v^2 / 2d beyond the point where the whole train is on the grade
    dec = (1000e3 * GRAVITY_M_S2 * math.sin(math.atan(0.015)) - 120e3) / 1000e3
    expected_km = (5000 + 500 + (100 / 3.6) ** 2 / (2 * dec)) / 1000
    assert info.value.chainage_km == pytest.approx(expected_km, abs=0.06)
    assert "weakling" in str(info.value) and "km" in str(info.value)


def test_a_train_that_cannot_start_on_the_grade_stalls_at_once() -> None:
    weak = make_train(name="weakling", tractive_effort=((0.0, 100.0), (100.0, 100.0)))
    with pytest.raises(TrainCannotClimbError) as info:
        running_profile(weak, level(2000.0, grade=12.5))
    assert info.value.chainage_km == pytest.approx(0.01)


@pytest.mark.parametrize(
    "curve",
    [
        ((0.0, 300.0), (50.0, 200.0), (50.0, 100.0)),
        ((0.0, 300.0), (60.0, 200.0), (40.0, 100.0)),
        ((0.0, 300.0), (50.0, -1.0)),
        ((0.0, float("nan")),),
        (),
        ((0.0, 1.0, 2.0),),
    ],
)
def test_tractive_effort_must_be_a_function_of_speed(curve: Any) -> None:
    with pytest.raises(ScenarioError) as info:
        make_train(name="oddity", tractive_effort=curve)
    assert "trains.oddity.tractive_effort" in str(info.value)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("mass_t", 0.0),
        ("length_m", -1.0),
        ("service_brake_m_s2", 0.0),
        ("rotating_mass_factor", 0.9),
        ("davis_c_n_per_m2_s2", -1.0),
    ],
)
def test_bad_train_numbers(field: str, value: float) -> None:
    with pytest.raises(ScenarioError) as info:
        make_train(name="oddity", **{field: value})
    assert f"trains.oddity.{field}" in str(info.value)


def test_bad_tracks_and_speeds() -> None:
    x = np.array([0.0, 10.0, 5.0])
    with pytest.raises(ScenarioError, match=r"track\.position_m"):
        Track(x, np.zeros(3), None, np.full(3, 80.0))
    with pytest.raises(ScenarioError, match=r"track\.speed_limit_kmh"):
        Track(np.array([0.0, 10.0]), np.zeros(2), None, np.array([80.0, 0.0]))
    with pytest.raises(ScenarioError, match=r"track\.gradient_permille"):
        Track(np.array([0.0, 10.0]), np.zeros(3), None, np.full(2, 80.0))
    with pytest.raises(ScenarioError, match="allowance_pct"):
        running_profile(make_train(), level(1000.0), allowance_pct=-1)
    with pytest.raises(ScenarioError, match="start_speed_kmh"):
        running_profile(make_train(), level(1000.0), start_speed_kmh=-5)


# --- properties ---------------------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(
    g1=st.floats(0.0, 14.0),
    extra=st.floats(0.0, 6.0),
    mass=st.floats(800.0, 3000.0),
    start=st.sampled_from([0.0, None]),
)
def test_a_steeper_climb_never_shortens_the_run(
    g1: float, extra: float, mass: float, start: float | None
) -> None:
    train = make_train(
        mass_t=mass,
        davis_a_n=10_000.0,
        davis_c_n_per_m2_s2=50.0,
        tractive_effort=((0.0, 700.0), (40.0, 700.0), (100.0, 280.0), (160.0, 175.0)),
        max_speed_kmh=160.0,
    )
    x = np.arange(0.0, 8001.0, 20.0)
    limit = np.full_like(x, 160.0)
    gentle = Track(x, np.where(x > 1000, g1, 0.0), None, limit)
    steep = Track(x, np.where(x > 1000, g1 + extra, 0.0), None, limit)
    try:
        t_gentle = running_profile(train, gentle, start_speed_kmh=start).total_s
    except TrainCannotClimbError:
        with pytest.raises(TrainCannotClimbError):
            running_profile(train, steep, start_speed_kmh=start)
        return
    try:
        t_steep = running_profile(train, steep, start_speed_kmh=start).total_s
    except TrainCannotClimbError:
        return
    assert t_steep >= t_gentle * (1 - 1e-12)


# --- built-in trains ----------------------------------------------------------------------


def test_trains_toml_loads_and_every_train_runs() -> None:
    trains = builtin_trains()
    names = {t["name"] for t in trains}
    assert {"container-1520", "doublestack-na", "passenger", "truck-shuttle"} <= names
    assert len(names) == len(trains)
    for entry in trains:
        for key in (
            "description",
            "gauge_mm",
            "payload_t",
            "teu",
            "passengers",
            "source",
            "unverified",
            "assumed",
            "note",
        ):
            assert key in entry, (entry["name"], key)
        assert entry["gauge_mm"] in (1435, 1520)
        assert entry["source"] and entry["note"]
        spec = spec_from_toml(entry)
        p = running_profile(spec, level(20_000.0, limit_kmh=200.0))
        assert p.speed_m_s.max() == pytest.approx(spec.max_speed_kmh / 3.6)
        assert np.all(np.diff(p.time_s) > 0)


@pytest.mark.parametrize("entry", builtin_trains(), ids=lambda e: e["name"])
@pytest.mark.parametrize("start", [0.0, None])
def test_every_builtin_train_climbs_the_steepest_default_grade(
    entry: dict[str, Any], start: float | None
) -> None:
    spec = spec_from_toml(entry)
    p = running_profile(spec, level(20_000.0, limit_kmh=200.0, grade=12.5), start_speed_kmh=start)
    assert p.speed_m_s[-1] > 20 / 3.6


def test_golden_container_train_climb() -> None:
    # Golden values from a fresh run (issue 13: two 2ES10 in multiple, adhesion 0.25).
    entry = next(t for t in builtin_trains() if t["name"] == "container-1520")
    p = running_profile(spec_from_toml(entry), level(20_000.0, limit_kmh=200.0, grade=12.5))
    assert p.total_s == pytest.approx(GOLDEN_CONTAINER_CLIMB_S, rel=1e-9)
    assert p.speed_m_s[-1] * 3.6 == pytest.approx(GOLDEN_CONTAINER_CLIMB_END_KMH, rel=1e-9)


GOLDEN_CONTAINER_CLIMB_S = 1268.4488462155148
GOLDEN_CONTAINER_CLIMB_END_KMH = 71.70280453084176


ISO_40FT_MAX_GROSS_T = 30.48
"""ISO 668 rating of a 40-ft box (data/trains.toml header)."""
BOX_TARE_T = 3.8
"""Tare of a 40-ft box assumed in data/trains.toml."""


@pytest.mark.parametrize(
    "entry", [e for e in builtin_trains() if e["teu"] > 0], ids=lambda e: e["name"]
)
def test_container_trains_load_boxes_within_the_iso_rating(entry: dict[str, Any]) -> None:
    boxes = entry["teu"] / 2.0  # 40-ft boxes
    per_box = entry["payload_t"] / boxes
    assert per_box + BOX_TARE_T <= ISO_40FT_MAX_GROSS_T
    # The average loaded box (IMO EEOI: 10 t per loaded TEU gross, 2 t per TEU tare).
    assert per_box == pytest.approx(2 * (10.0 - 2.0))


# --- adhesion ------------------------------------------------------------------------------


def test_adhesion_limited_mass_known_answer() -> None:
    # 100 t on driven axles, mu 0.25: 0.25 x 100 t x 9.81 = 245.25 kN < 500 kN of the curve.
    # No rolling resistance; on 10 per mille the weight pulls M g sin(atan(0.01)) back, so
    # M = 245,250 / (9,810 x 0.0099995) = 2,500.1 t.
    train = make_train(
        davis_a_n=0.0, davis_c_n_per_m2_s2=0.0, adhesive_mass_t=100.0, restart_adhesion=0.25
    )
    assert train.adhesion_limit_n == pytest.approx(245_250.0)
    expected = 245_250.0 / (9_810.0 * math.sin(math.atan(0.01)))
    assert max_restart_mass_t(train, 10.0) == pytest.approx(expected)
    assert expected == pytest.approx(2_500.1, abs=0.05)
    # Davis A proportional to mass: 20 N a tonne more.
    heavy = dataclasses.replace(train, davis_a_n=20.0 * train.mass_t)
    assert max_restart_mass_t(heavy, 10.0) == pytest.approx(
        245_250.0 / (20.0 + 9_810.0 * math.sin(math.atan(0.01)))
    )
    # Without adhesion data the starting tractive effort (500 kN) limits.
    free = dataclasses.replace(train, adhesive_mass_t=None, restart_adhesion=None)
    assert max_restart_mass_t(free, 10.0) == pytest.approx(500e3 / 245_250.0 * expected)
    assert max_restart_mass_t(train, 0.0) == math.inf


def test_adhesion_caps_the_tractive_effort_and_slows_the_start() -> None:
    train = make_train(adhesive_mass_t=100.0, restart_adhesion=0.25)
    np.testing.assert_allclose(train.tractive_effort_n(np.array([0.0, 50.0])), [245_250.0] * 2)
    free = dataclasses.replace(train, adhesive_mass_t=None, restart_adhesion=None)
    track = level(20_000.0, dx=10.0, limit_kmh=100.0)
    # Constant force either way: the limit is reached after v^2 / (2 a), a = F / (m xi).
    for spec, force in ((train, 245_250.0), (free, 500e3)):
        p = running_profile(spec, track)
        a = force / (spec.mass_t * 1000.0 * spec.rotating_mass_factor)
        reach = int(np.argmax(p.speed_m_s >= 100 / 3.6 - 1e-9))
        assert p.position_m[reach] == pytest.approx((100 / 3.6) ** 2 / (2 * a), abs=10.0)


def test_a_train_its_locomotives_cannot_restart_is_refused_with_its_tonnage_rating() -> None:
    train = make_train(
        davis_a_n=0.0, davis_c_n_per_m2_s2=0.0, adhesive_mass_t=100.0, restart_adhesion=0.25
    )
    steep = level(5_000.0, grade=10.0)
    check_restart(train, [steep])  # 1,000 t < 2,500 t
    heavy = dataclasses.replace(train, mass_t=3_000.0)
    with pytest.raises(ScenarioError) as info:
        check_restart(heavy, [level(5_000.0), steep.reversed(), steep])
    msg = str(info.value)
    assert "operations.trains." in msg and ".mass_t" in msg and "3000" in msg
    assert "2,500 t" in msg and "trailing load 2,400 t" in msg and "10.0 per mille" in msg
    # Downhill only: nothing to restart against.
    check_restart(heavy, [steep.reversed()])


def test_adhesion_inputs_are_checked() -> None:
    with pytest.raises(ScenarioError, match="together"):
        make_train(adhesive_mass_t=100.0)
    with pytest.raises(ScenarioError, match="adhesive_mass_t"):
        make_train(adhesive_mass_t=5_000.0, restart_adhesion=0.3)
    with pytest.raises(ScenarioError, match="restart_adhesion"):
        make_train(adhesive_mass_t=100.0, restart_adhesion=1.5)


@pytest.mark.parametrize("entry", builtin_trains(), ids=lambda e: e["name"])
def test_every_builtin_train_restarts_on_the_steepest_default_grade(entry: dict[str, Any]) -> None:
    spec = spec_from_toml(entry)
    check_restart(spec, [level(5_000.0, grade=12.5)])
    if spec.adhesive_mass_t is not None:
        assert spec.adhesion_limit_n <= spec.tractive_effort[0][1] * 1000.0


# --- fine grids ----------------------------------------------------------------------------


FINE_GRIDS = [
    pytest.param(e, dx, grade, id=f"{e['name']}-{dx}m-{grade}permille")
    for e in builtin_trains()
    for dx, grade in ((0.1, 0.0), (1.0, 18.0), (0.5, 12.5))
    # on 18 per mille only the trains whose traction can restart there (check_restart)
    if max_restart_mass_t(spec_from_toml(e), grade) >= e["mass_t"]
]


@pytest.mark.parametrize(("entry", "dx", "grade"), FINE_GRIDS)
def test_a_standing_start_on_a_fine_grid_is_no_stall(
    entry: dict[str, Any], dx: float, grade: float
) -> None:
    # The first step's speed sqrt(2 a dx) is under 1 km/h on a fine grid (0.1 m on the level,
    # 1 m on 18 per mille): a train gaining speed has not stalled. The run agrees with the
    # 10 m grid's.
    spec = spec_from_toml(entry)
    fine = running_profile(spec, level(3_000.0, dx=dx, limit_kmh=200.0, grade=grade))
    coarse = running_profile(spec, level(3_000.0, dx=10.0, limit_kmh=200.0, grade=grade))
    assert fine.total_s == pytest.approx(coarse.total_s, rel=2e-3)


def test_fine_grids_cover_every_builtin_train_and_the_steep_grade() -> None:
    cases = [(p.values[0]["name"], p.values[2]) for p in FINE_GRIDS]
    assert {n for n, _ in cases} == {e["name"] for e in builtin_trains()}
    assert sum(g == 18.0 for _, g in cases) >= 2


def test_the_first_step_speed_is_exact_on_a_fine_grid() -> None:
    # Constant 0.3 m/s^2 from rest on a 0.1 m grid: v1 = sqrt(2 x 0.3 x 0.1) = 0.88 km/h.
    train = make_train(tractive_effort=((0.0, 300.0), (300.0, 300.0)))
    p = running_profile(train, level(2_000.0, dx=0.1))
    assert p.speed_m_s[1] == pytest.approx(math.sqrt(2 * 0.3 * 0.1))
    assert p.speed_m_s[1] * 3.6 < 1.0
    assert p.position_m[int(np.argmax(p.speed_m_s >= 100 / 3.6 - 1e-9))] == pytest.approx(
        (100 / 3.6) ** 2 / 0.6, abs=0.2
    )


@pytest.mark.parametrize("dx", [0.1, 1.0, 10.0])
def test_a_train_that_cannot_start_still_stalls_at_chainage_0(dx: float) -> None:
    # 500 kN against 1,000 t on 60 per mille (588 kN of grade): it never moves.
    train = make_train()
    with pytest.raises(TrainCannotClimbError) as info:
        running_profile(train, level(1_000.0, dx=dx, grade=60.0))
    assert info.value.chainage_km == pytest.approx(dx / 1000.0)


# --- resistance tables ---------------------------------------------------------------------


def _table_from(speeds_kmh: np.ndarray, force_n: np.ndarray) -> tuple[tuple[float, float], ...]:
    return tuple((float(v), float(f) / 1000.0) for v, f in zip(speeds_kmh, force_n, strict=True))


def test_a_constant_resistance_table_is_davis_a() -> None:
    davis = make_train(davis_a_n=40_000.0, tractive_effort=((0.0, 300.0), (300.0, 300.0)))
    table = make_train(
        tractive_effort=((0.0, 300.0), (300.0, 300.0)),
        resistance_table=((0.0, 40.0), (300.0, 40.0)),
    )
    track = level(10_000.0, grade=5.0)
    a, b = running_profile(davis, track), running_profile(table, track)
    np.testing.assert_allclose(b.time_s, a.time_s, rtol=1e-12)
    assert max_restart_mass_t(table, 5.0) == pytest.approx(max_restart_mass_t(davis, 5.0))


def test_a_resistance_table_runs_like_its_davis_fit() -> None:
    # The container train's resistance sampled every 10 km/h, with a +-3 % ripple a real
    # measurement would have; Davis A + C v^2 (B = 0, as the Strahl form) fitted to it by
    # least squares.
    entry = next(t for t in builtin_trains() if t["name"] == "container-1520")
    base = spec_from_toml(entry)
    kmh = np.arange(0.0, 101.0, 10.0)
    ripple = 1.0 + 0.03 * np.sin(kmh / 7.0)
    force = base.resistance_n(kmh / 3.6) * ripple
    tabled = dataclasses.replace(base, resistance_table=_table_from(kmh, force))
    np.testing.assert_allclose(tabled.resistance_n(kmh / 3.6), force, rtol=1e-12)
    v = kmh / 3.6
    (a, c), *_ = np.linalg.lstsq(np.column_stack([np.ones_like(v), v * v]), force, rcond=None)
    fitted = dataclasses.replace(base, davis_a_n=a, davis_b_n_per_m_s=0.0, davis_c_n_per_m2_s2=c)
    track = level(20_000.0, limit_kmh=200.0, grade=12.5)
    t_table = running_profile(tabled, track).total_s
    t_fit = running_profile(fitted, track).total_s
    assert t_table == pytest.approx(t_fit, rel=2e-3)
    assert t_table != t_fit  # the table, not the Davis coefficients, was used


def test_bad_resistance_tables_are_refused() -> None:
    for bad in (
        ((0.0, 10.0),),
        ((5.0, 10.0), (300.0, 20.0)),
        ((0.0, 10.0), (100.0, 20.0)),  # stops below max_speed_kmh (300)
        ((0.0, 10.0), (200.0, 20.0), (150.0, 30.0), (300.0, 40.0)),
        ((0.0, -1.0), (300.0, 20.0)),
    ):
        with pytest.raises(ScenarioError, match="resistance_table"):
            make_train(resistance_table=bad)


# --- intermediate stops --------------------------------------------------------------------


def test_an_intermediate_stop_costs_its_dwell_plus_braking_and_starting() -> None:
    # Constant 0.5 m/s^2 of acceleration and of braking, 100 km/h: a stop at 10 km with a
    # 120 s dwell costs 120 s + v / (2 a) + v / (2 b) = 120 + 27.78 + 27.78 s.
    train = make_train()
    track = level(20_000.0, dx=1.0)
    through = running_profile(train, track)
    stop = running_profile(train, track, stops=[(10_000.0, 120.0)])
    v = 100 / 3.6
    assert stop.total_s - through.total_s == pytest.approx(120.0 + 2 * v / (2 * 0.5), abs=0.05)
    k = 10_000
    assert stop.speed_m_s[k] == 0.0
    assert stop.time_s[k + 1] - stop.time_s[k] > 120.0
    # Braking distance v^2 / (2 b) = 771.6 m before the stop, the same to regain speed after.
    slow = 5_000 + np.flatnonzero(stop.speed_m_s[5_000:15_000] < v - 1e-9)
    assert slow[0] == pytest.approx(k - v * v / 1.0, abs=2)
    assert slow[-1] == pytest.approx(k + v * v / 1.0, abs=2)
    # The allowance stretches the running time, not the dwell.
    slack = running_profile(train, track, stops=[(10_000.0, 120.0)], allowance_pct=10.0)
    assert slack.total_s == pytest.approx((stop.total_s - 120.0) * 1.1 + 120.0, rel=1e-12)


def test_two_stops_on_a_grade_and_their_order() -> None:
    train = make_train()
    track = level(30_000.0, dx=5.0, grade=5.0)
    one = running_profile(train, track, stops=[(20_000.0, 60.0)])
    two = running_profile(train, track, stops=[(20_000.0, 60.0), (10_000.0, 30.0)])
    assert two.total_s > one.total_s + 30.0
    assert two.speed_m_s[2_000] == 0.0 and two.speed_m_s[4_000] == 0.0
    assert np.all(np.diff(two.time_s) > 0)


@pytest.mark.parametrize(
    ("stops", "field"),
    [
        ([(0.0, 10.0)], "stops.0.chainage_m"),
        ([(5_000.0, 10.0)], "stops.0.chainage_m"),
        ([(1_000.0, -1.0)], "stops.0.dwell_s"),
        ([(1_000.0, 10.0), (1_001.0, 10.0)], "stops.1.chainage_m"),
        ([(1_000.0,)], "stops.0"),
    ],
)
def test_bad_stops_are_refused(stops: Any, field: str) -> None:
    with pytest.raises(ScenarioError, match=field):
        running_profile(make_train(), level(5_000.0), stops=stops)


def _cruiser() -> Any:
    """A train strong enough to hold any limit on the level: time is length / speed."""
    import beringia

    return beringia.TrainSpec(
        name="cruiser",
        length_m=100.0,
        mass_t=100.0,
        rotating_mass_factor=1.0,
        davis_a_n=0.0,
        davis_b_n_per_m_s=0.0,
        davis_c_n_per_m2_s2=0.0,
        tractive_effort=((0.0, 1000.0), (300.0, 1000.0)),
        max_speed_kmh=300.0,
        service_brake_m_s2=1.0,
        emergency_brake_m_s2=1.5,
    )


def test_track_from_sections_is_the_grid_written_by_hand() -> None:
    import beringia

    t = beringia.Track.from_sections(
        1000.0,
        speed_limits=[(0.0, 1000.0, 100.0), (400.0, 600.0, 60.0)],
        gradients=[(250.0, 505.0, 12.5)],
        curves=[(700.0, 800.0, 2000.0)],
        spacing_m=100.0,
    )
    x = [0, 100, 200, 250, 300, 400, 500, 505, 600, 700, 800, 900, 1000]
    np.testing.assert_array_equal(t.position_m, x)
    np.testing.assert_array_equal(
        t.speed_limit_kmh, [100, 100, 100, 100, 100, 60, 60, 60, 100, 100, 100, 100, 100]
    )
    np.testing.assert_array_equal(
        t.gradient_permille, [0, 0, 0, 12.5, 12.5, 12.5, 12.5, 0, 0, 0, 0, 0, 0]
    )
    assert t.curve_radius_m is not None
    assert t.curve_radius_m[9] == 2000.0 and np.isinf(t.curve_radius_m[10])


def test_public_running_profile_over_sections_known_answer() -> None:
    """Entering at line speed on the level, a strong train holds 80 km/h: time = L / v."""
    import beringia

    t = beringia.Track.from_sections(12_000.0, speed_limits=[(0.0, 12_000.0, 80.0)])
    p = beringia.running_profile(_cruiser(), t, start_speed_kmh=None)
    assert p.total_s == pytest.approx(12_000.0 / (80.0 / 3.6), rel=1e-9)


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"speed_limits": [(0.0, 500.0, 80.0)]}, "sections covering the whole line"),
        (
            {"speed_limits": [(0.0, 1000.0, 80.0)], "gradients": [(900.0, 1200.0, 5.0)]},
            "gradients.0",
        ),
        ({"speed_limits": [(300.0, 300.0, 80.0)]}, "speed_limits.0"),
    ],
)
def test_bad_sections_name_the_section(kwargs: dict[str, Any], expected: str) -> None:
    import beringia

    with pytest.raises(beringia.ScenarioError, match=expected):
        beringia.Track.from_sections(1000.0, **kwargs)
