"""Construction results that are physical whatever the schedule: no negative days or dollars,
and time-dependent costs paid on the schedule the project keeps."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import spearmanr

import beringia
from beringia.core.calendar import YEAR_DAYS
from beringia.core.construction import COMPONENTS, DriveCap, headings, simulate_block
from beringia.models.construction.compile import compile_construction
from beringia.scenario.io import builtin_names, hindcast_names

CASES = builtin_names() + hindcast_names()


@settings(max_examples=12, deadline=None, derandomize=True)
@given(
    case=st.sampled_from(CASES),
    point=st.integers(0, 5),
    months=st.floats(0.0, 240.0),
)
def test_a_late_site_never_makes_negative_days_or_dollars(
    case: str, point: int, months: float
) -> None:
    sc = beringia.load_scenario(case)
    point %= len(sc.route.attack_points)
    late = beringia.load_scenario(case, [f"route.attack_points.{point}.site_works_months={months}"])
    a = beringia.assess(late, draws=300, seed=7)
    for h in a.headings:
        assert np.all(h.duration_years >= 0), h.name
        assert np.all(h.length_km >= 0), h.name
        assert np.all((h.length_km > 0) | (h.duration_years == 0)), h.name
    for k in COMPONENTS:
        if k != "systemic":
            assert np.all(a.breakdown_usd_bn[k] >= 0), k
    assert np.all(a.cost_usd_bn > 0)


@pytest.mark.parametrize("name", builtin_names())
def test_headings_overtaken_before_boring_drive_nothing(name: str) -> None:
    a = beringia.assess(name, draws=4096, seed=2025)
    for h in a.headings:
        assert h.duration_years.min() >= 0.0
        idle = h.duration_years == 0
        assert np.all(h.length_km[idle] == 0)


def test_time_dependent_costs_follow_the_final_schedule() -> None:
    # The total pays the time-dependent costs on the final schedule: with the cost factor
    # at 1, each further dilation of every date adds the same cost, and doubling the factor
    # doubles every date. The components are the inside view's (on the inside schedule), so
    # they do not move; what the dilation adds is in the systemic part.
    # (a hindcast: no corridor, whose economics would change with the opening year)
    sc = beringia.load_scenario("channel-tunnel")
    assert sc.construction.systemic is not None
    # Factors high enough that the cap floor (no factor makes a machine beat its cap) never
    # binds: the Channel's programme scales its dates by ~0.54 and a fast draw's chalk marl
    # advance reaches its whole-drive cap, which floors the dilation at up to ~1.6.
    runs = [
        beringia.assess(
            sc,
            overrides=[
                f'construction.systemic.schedule_factor={{dist="fixed", value={f}}}',
                'construction.systemic.cost_factor={dist="fixed", value=1.0}',
            ],
            draws=2000,
            seed=3,
        )
        for f in (4.0, 8.0, 12.0)
    ]
    base, slow, slower = runs
    np.testing.assert_allclose(slow.duration_years, 2 * base.duration_years, rtol=1e-9)
    step = slow.cost_usd_bn - base.cost_usd_bn
    assert np.all(step > 0)
    np.testing.assert_allclose(slower.cost_usd_bn - slow.cost_usd_bn, step, rtol=1e-9)
    for k in base.breakdown_usd_bn:
        if k != "systemic":
            np.testing.assert_array_equal(slow.breakdown_usd_bn[k], base.breakdown_usd_bn[k])
    np.testing.assert_allclose(
        slow.breakdown_usd_bn["systemic"] - base.breakdown_usd_bn["systemic"], step, rtol=1e-9
    )


@pytest.mark.parametrize("name", builtin_names())
def test_cost_and_duration_rank_correlate_positively(name: str) -> None:
    a = beringia.assess(name, draws=4096, seed=2025)
    rho = spearmanr(a.cost_usd_bn, a.duration_years).statistic
    assert rho > 0.1


def test_no_factor_makes_a_machine_beat_its_cap() -> None:
    """A schedule factor of 0.2 and a fast crew cannot push any heading past the cap."""
    sc = beringia.load_scenario(
        "bering-strait",
        [
            'construction.systemic.schedule_factor={dist = "fixed", value = 0.2, source = "t"}',
            'construction.bores.running-north.performance_factor={dist = "fixed", value = 0.5, '
            'source = "t"}',
        ],
    )
    inp = compile_construction(sc)
    low = tuple(
        tuple(DriveCap(c.field, "one slow drive", ((8.0, 9.5),)) for c in caps) for caps in inp.caps
    )
    inp = dataclasses.replace(inp, caps=low)
    res = simulate_block(inp, 3, 0, 2000)
    for i, h in enumerate(headings(inp)):
        d = inp.bores[h.bore].diameter_m
        alpha_max = 0.6  # the scenario's largest area exponent
        cap = 8.0 * max((9.5 / d) ** (2 * a) for a in (0.25, alpha_max))
        km, years = res.heading_length_km[i], res.heading_duration_years[i]
        bored = years > 0
        advance = km[bored] * 1000.0 / (years[bored] * YEAR_DAYS)
        assert np.all(advance <= cap * (1 + 1e-9)), (h.label(inp), advance.max(), cap)
