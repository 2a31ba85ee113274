"""The construction risk register: known answers, common random numbers, copula, errors."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from helpers import assert_clean_failure
from typer.testing import CliRunner

import beringia
from beringia.cli import app
from beringia.core.calendar import YEAR_DAYS
from beringia.core.construction import ConstructionInputs, simulate_block
from beringia.core.distributions import DistSpec
from beringia.core.risks import RiskIn, _place, sample_risks
from beringia.core.rng import VariateCounter, stream
from beringia.models.construction.compile import compile_construction

N = 2000
FIXED = DistSpec("fixed", (0.0,))


def fixed(v: float) -> DistSpec:
    return DistSpec("fixed", (v,))


@pytest.fixture(scope="module")
def claim() -> ConstructionInputs:
    """The claim scenario (no project-wide factors: dates are the bottom-up ones) without risks."""
    inp = compile_construction(beringia.load_scenario("bering-strait-claim"))
    return dataclasses.replace(inp, risks=(), risk_groups={})


def with_risks(inp: ConstructionInputs, *risks: RiskIn, **inputs: DistSpec) -> ConstructionInputs:
    return dataclasses.replace(inp, risks=risks, inputs={**inp.inputs, **inputs})


def project_risk(name: str, key: str, delay: float, cost: float) -> RiskIn:
    return RiskIn(name, key, None, (), False, fixed(delay), fixed(cost))


def test_a_certain_project_stop_adds_its_delay_to_every_draw_and_nothing_else(
    claim: ConstructionInputs,
) -> None:
    base = simulate_block(claim, 7, 0, N)
    stop = with_risks(claim, project_risk("stop", "p", 100.0, 0.0), p=fixed(1.0))
    res = simulate_block(stop, 7, 0, N)
    # Common random numbers: the register draws from its own stream, so only the delay moves.
    np.testing.assert_allclose(res.duration_years - base.duration_years, 100.0 / YEAR_DAYS)
    np.testing.assert_array_equal(res.heading_duration_years, base.heading_duration_years)
    assert np.all(res.breakdown_usd_bn["site_overheads"] > base.breakdown_usd_bn["site_overheads"])
    np.testing.assert_array_equal(res.risk_impacts["construction.risks.stop"], 100.0)


def test_a_risk_cost_lands_in_its_component_and_the_owner_share(
    claim: ConstructionInputs,
) -> None:
    base = simulate_block(claim, 7, 0, N)
    res = simulate_block(
        with_risks(claim, project_risk("fee", "p", 0.0, 10.0), p=fixed(1.0)), 7, 0, N
    )
    np.testing.assert_allclose(res.breakdown_usd_bn["risks"], 0.010)
    owner = res.inputs.get("construction.owner_cost_fraction")
    assert owner is not None
    np.testing.assert_allclose(res.cost_usd_bn - base.cost_usd_bn, 0.010 * (1.0 + owner))


def test_occurrences_follow_the_probability(claim: ConstructionInputs) -> None:
    res = simulate_block(
        with_risks(claim, project_risk("coin", "p", 30.0, 0.0), p=fixed(0.3)), 3, 0, 20_000
    )
    hit = np.mean(res.risk_impacts["construction.risks.coin"] > 0)
    assert abs(hit - 0.3) < 4 * np.sqrt(0.3 * 0.7 / 20_000)


def test_a_rate_per_year_gives_poisson_counts_over_the_bottom_up_duration(
    claim: ConstructionInputs,
) -> None:
    quake = RiskIn("quake", None, "r", (), False, fixed(1.0), fixed(0.0))
    base = simulate_block(claim, 5, 0, 20_000)
    res = simulate_block(with_risks(claim, quake, r=fixed(0.5)), 5, 0, 20_000)
    counts = res.risk_impacts["construction.risks.quake"]  # 1 day each: the count
    expected = 0.5 * (base.duration_years)
    # Mean and variance of a Poisson count equal its mean.
    assert abs(counts.mean() - expected.mean()) < 4 * np.sqrt(expected.mean() / 20_000)
    assert abs(np.var(counts - expected) / expected.mean() - 1.0) < 0.1


def test_a_place_risk_stops_a_heading_and_never_shortens_the_project(
    claim: ConstructionInputs,
) -> None:
    span = (claim.zones[1].from_m, claim.zones[1].to_m)
    flood = RiskIn("flood", "p", None, (span,), True, fixed(400.0), fixed(0.0))
    base = simulate_block(claim, 11, 0, N)
    res = simulate_block(with_risks(claim, flood, p=fixed(1.0)), 11, 0, N)
    extra = res.duration_years - base.duration_years
    assert np.all(extra >= -1e-12)
    assert np.all(extra <= 400.0 / YEAR_DAYS + 1e-9)
    assert np.mean(extra > 0) > 0.5  # usually the stopped front is on the critical path
    # The heading that met it bored longer (or the opposite front took over its ground).
    assert np.all(
        res.heading_duration_years.sum(axis=0) >= base.heading_duration_years.sum(axis=0) - 1e-9
    )


def test_places_spread_uniformly_over_joined_spans() -> None:
    spans = ((0.0, 100.0), (500.0, 800.0))
    u = np.array([0.0, 0.25, 0.2499, 0.5, 1.0])
    np.testing.assert_allclose(_place(spans, u), [0.0, 500.0, 99.96, 600.0, 800.0])
    at = _place(spans, np.random.default_rng(1).random(100_000))
    assert np.all(((at >= 0) & (at <= 100)) | ((at >= 500) & (at <= 800)))
    assert abs(np.mean(at <= 100) - 0.25) < 0.01


@pytest.mark.parametrize("rho", [0.0, 0.8])
def test_risks_in_a_group_occur_together_as_their_correlation_says(rho: float) -> None:
    risks = tuple(RiskIn(f"r{i}", "p", None, (), False, FIXED, FIXED, "g") for i in range(2))
    n = 50_000

    def streams(key: str) -> np.random.Generator:
        return stream(1, "construction", 0, key)

    draws = sample_risks(risks, {"p": np.full(n, 0.2)}, {"g": rho}, streams, VariateCounter(), n)
    occur = draws.count > 0
    assert np.all(np.abs(occur.mean(axis=1) - 0.2) < 0.01)  # marginals kept
    both = np.mean(occur[0] & occur[1])
    if rho == 0.0:
        assert abs(both - 0.04) < 0.005
    else:
        assert both > 0.10  # far above independence (0.04)


def test_the_built_in_register_shows_in_the_breakdown_and_the_tornado() -> None:
    a = beringia.assess("bering-strait", draws=2000, seed=2025)
    risks = a.breakdown_usd_bn["risks"]
    assert risks.mean() > 0.1
    assert any(t.input.startswith("construction.risks.") for t in a.tornado)


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        (
            'construction.risks.earthquake.probability={dist = "fixed", value = 0.1, source = "x"}',
            "give exactly one of probability, rate_per_year and rate_per_km",
        ),
        ('construction.risks.major-inflow.group="nope"', "unknown group 'nope'"),
        ('construction.risks.major-inflow.zones=["atlantis"]', "unknown zone 'atlantis'"),
        (
            'construction.risks.earthquake.zones=["diomedes"]',
            "only for project-wide risks",
        ),
    ],
)
def test_bad_registers_are_named_errors(tmp_path: Path, override: str, expected: str) -> None:
    out = tmp_path / "r.html"
    result = CliRunner().invoke(
        app, ["assess", "bering-strait", "-n", "100", "--set", override, "--report", str(out)]
    )
    err = assert_clean_failure(result, tmp_path, "construction.risks")
    assert expected in err


def test_a_rate_per_km_only_adds_chances_at_the_end_of_a_longer_span() -> None:
    n = 50_000

    def streams(key: str) -> np.random.Generator:
        return stream(3, "construction", 0, key)

    def draw(end_m: float) -> tuple[np.ndarray, np.ndarray]:
        risk = RiskIn("fault", None, None, ((1000.0, end_m),), False, FIXED, FIXED, None, "k")
        d = sample_risks((risk,), {"k": np.full(n, 0.01)}, {}, streams, VariateCounter(), n)
        return d.count[0] > 0, d.where_m[0]

    short, at_short = draw(51_000.0)  # 50 km at 0.01 per km
    long, at_long = draw(81_000.0)  # 80 km
    assert abs(short.mean() - (1 - np.exp(-0.5))) < 0.01
    assert abs(long.mean() - (1 - np.exp(-0.8))) < 0.01
    assert np.all(long[short]) and np.all(at_long[short] == at_short[short])
    assert np.all(at_long[long & ~short] >= 51_000.0)
