"""Properties that must hold draw by draw, thanks to common random numbers."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
from conftest import typed_in
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import beringia

BASE = typed_in("bering-strait")
UNSUPPLIED = copy.deepcopy(BASE)
for _p in UNSUPPLIED["route"]["attack_points"]:
    _p.pop("supply_m3_per_day", None)  # every heading of a bore at the same pace
DRAWS = 200
SETTINGS = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assess(doc: dict[str, Any], seed: int) -> beringia.Assessment:
    return beringia.assess(beringia.load_scenario(doc), draws=DRAWS, seed=seed)


def longer(doc: dict[str, Any], extra_km: float) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    out["route"]["attack_points"][-1]["chainage_km"] += extra_km
    out["geology"]["zones"][-1]["to_km"] += extra_km
    return out


@SETTINGS
@given(extra_km=st.floats(0.05, 25.0), seed=st.integers(0, 2**31))
def test_a_longer_tunnel_never_costs_less_or_finishes_sooner(extra_km: float, seed: int) -> None:
    base = assess(BASE, seed)
    long = assess(longer(BASE, extra_km), seed)
    assert np.all(long.cost_usd_bn >= base.cost_usd_bn - 1e-9)
    assert np.all(long.duration_years >= base.duration_years - 1e-9)


@SETTINGS
@given(
    where=st.floats(0.05, 0.95),
    gap=st.sampled_from([0, 2]),
    seed=st.integers(0, 2**31),
)
def test_an_extra_attack_point_never_finishes_later(where: float, gap: int, seed: int) -> None:
    """Without site supply limits: a site that supplies less than its neighbours could launch
    a slower heading that takes a stretch over, which is what would happen underground."""
    doc = copy.deepcopy(UNSUPPLIED)
    points = doc["route"]["attack_points"]
    a, b = points[gap]["chainage_km"], points[gap + 1]["chainage_km"]
    shaft = copy.deepcopy(points[1])
    shaft.update(name="extra-shaft", kind="shaft", chainage_km=a + where * (b - a))
    shaft["headings"] = ["west", "east"]
    points.insert(gap + 1, shaft)
    base = assess(UNSUPPLIED, seed)
    more = assess(doc, seed)
    assert np.all(more.duration_years <= base.duration_years + 1e-9)


@SETTINGS
@given(
    site=st.integers(0, 3),
    factor=st.floats(0.2, 5.0),
    seed=st.integers(0, 2**31),
)
def test_more_supply_never_finishes_later(site: int, factor: float, seed: int) -> None:
    doc = copy.deepcopy(BASE)
    spec = doc["route"]["attack_points"][site]["supply_m3_per_day"]
    for k in ("low", "mode", "high"):
        spec[k] = spec[k] * factor
    base, other = assess(BASE, seed), assess(doc, seed)
    if factor >= 1:
        assert np.all(other.duration_years <= base.duration_years + 1e-9)
    else:
        assert np.all(other.duration_years >= base.duration_years - 1e-9)


@SETTINGS
@given(
    factor=st.floats(1.0, 3.0),
    seed=st.integers(0, 2**31),
)
def test_slower_machines_never_finish_sooner(factor: float, seed: int) -> None:
    doc = copy.deepcopy(BASE)
    for bore in doc["construction"]["bores"]:
        pf = bore["performance_factor"]
        bore["performance_factor"] = {**pf, "median": pf["median"] * factor}
    base = assess(BASE, seed)
    slow = assess(doc, seed)
    assert np.all(slow.duration_years >= base.duration_years - 1e-9)
    assert np.all(slow.cost_usd_bn >= base.cost_usd_bn - 1e-9)


def test_claim_probability_is_monotone_in_the_limits() -> None:
    a = assess(BASE, 3)
    limits = np.linspace(a.cost_usd_bn.min(), a.cost_usd_bn.max(), 7)
    probs = [a.claim_probability(c, None) for c in limits]
    assert probs == sorted(probs)
    assert probs[-1] == 1.0
