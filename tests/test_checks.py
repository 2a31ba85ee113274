"""Run-time failures name the input to change: no NumPy warnings, no traceback, one line.

Each case is a built-in scenario with one number scaled far out of its range through
``--set``: either validation refuses it (beringia.scenario.limits) or the value passes
validation, yet the models cannot give a meaningful answer.
The rule: exit status 2, exactly one ``error:`` line on stderr naming the scenario field a
user would change, nothing on stdout, no report written.
"""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import numpy as np
import pytest
from helpers import assert_clean_failure
from typer.testing import CliRunner

from beringia.cli import app
from beringia.cli.corridor import corridor_lines
from beringia.core.economics import irr
from beringia.models.construction.checks import MAX_CONSTRUCTION_YEARS
from beringia.pipeline.checks import quiet_numerics

DRAWS = ["--draws", "100"]


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def one_error_line(runner: CliRunner, where: Path, overrides: list[str], *expected: str) -> str:
    args = [a for o in overrides for a in ("--set", o)]
    result = runner.invoke(app, ["assess", *DRAWS, *args])
    err = assert_clean_failure(result, where, *expected)
    assert len(err.splitlines()) == 1, err
    assert "Warning" not in err and "Traceback" not in err
    return err


FAR_OUT = [
    # (overrides, the field the error must name, words of the message)
    (
        ["construction.machines.mixshield.penetration_m_per_h.rock=0.01"],  # the least allowed
        "construction.machines.mixshield.penetration_m_per_h.rock",
        "raise it",
    ),
    (
        ["construction.machines.mixshield.utilisation.fault=1e-7"],  # refused by validation
        "construction.machines.mixshield.utilisation.fault",
        "every value must be >= 0.01",
    ),
    (
        ["construction.machines.mixshield.reference_diameter_m=0.0095"],
        "construction.machines.mixshield.reference_diameter_m",
        "allowed: >= 1",
    ),
    (
        ["construction.advance_envelope.regime.rock=granite"],
        "construction.advance_envelope.regime.rock",
        "'hard-rock', 'closed-face' or 'drill-and-blast'",
    ),
    (
        ["construction.systemic.schedule_factor=100"],  # the most allowed
        "construction.systemic.schedule_factor",
        "stretches every date",
    ),
    (
        [
            "construction.systemic.schedule_factor.median=1.2e6",
            "construction.systemic.schedule_factor.gsd=1.4e6",
        ],
        "construction.systemic.schedule_factor.gsd",
        "allowed: <= 10",
    ),
    (
        ["construction.bores.running-north.performance_factor=100"],  # the most allowed
        "construction.bores.running-north.performance_factor",
        "lower it",
    ),
    (
        ["construction.machines.mixshield.shipping_days=1e8"],
        "construction.machines.mixshield.shipping_days",
        "every value must be <= 36525",
    ),
    (
        ["construction.machines.mixshield.learning_days=1e8"],
        "construction.machines.mixshield.learning_days",
        "every value must be <= 36525",
    ),
    (
        ["construction.fitout.integration_months=1e5"],
        "construction.fitout.integration_months",
        "every value must be <= 1200",
    ),
    (
        ["construction.events.water-inflow.delay_days=1e5"],
        "construction.events.water-inflow.delay_days",
        "every value must be <= 36525",
    ),
    (
        ["construction.bores.running-north.heading_cost_usd_m_per_day=1e306"],
        "construction.bores.running-north.heading_cost_usd_m_per_day",
        "every value must be <= 1000",
    ),
    (
        ["construction.advance_envelope.area_exponent=400"],
        "construction.advance_envelope.area_exponent",
        "every value must be <= 2",
    ),
    (
        ["operations.line_speed_kmh=0.16"],
        "operations.line_speed_kmh",
        "allowed: >= 10",
    ),
    (
        ["operations.maintenance.single_bore_green_min=1e-6"],
        "operations.maintenance.single_bore_green_min",
        "allowed: >= 1",
    ),
    (
        ["alignment.max_gradient_permille=60"],
        "operations.trains.container-1520",
        "lower alignment.max_gradient_permille",
    ),
    (
        ["construction.machines.mixshield.penetration_m_per_h.rock=1e-320"],
        "construction.machines.mixshield.penetration_m_per_h.rock",
        "every value must be >= 0.01",
    ),
]


@pytest.mark.parametrize(("overrides", "field", "words"), FAR_OUT)
def test_far_out_inputs_name_themselves(
    runner: CliRunner, work: Path, overrides: list[str], field: str, words: str
) -> None:
    err = one_error_line(runner, work, overrides, words)
    assert err.startswith(f"error: {field}: "), err


def test_too_long_is_measured_against_the_limit(runner: CliRunner, work: Path) -> None:
    err = one_error_line(
        runner, work, ["construction.machines.mixshield.penetration_m_per_h.rock=0.01"]
    )
    years = float(re.search(r"last up to (\S+) years", err)[1])  # type: ignore[index]
    assert years > MAX_CONSTRUCTION_YEARS
    assert f"allows {MAX_CONSTRUCTION_YEARS:,.0f}" in err


def test_long_horizon_reports_the_share_with_an_irr(runner: CliRunner, work: Path) -> None:
    """Was "IRR did not converge for 2 draws" after a screen of RuntimeWarnings.

    The built-in's yearly cash never turns positive (its upkeep exceeds its tolls), and after
    200 years its assets have no residual value left: no draw has an IRR, and it says so.
    """
    result = runner.invoke(
        app, ["assess", *DRAWS, "--json", "--set", "economics.horizon_years=200"]
    )
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    doc = json.loads(result.stdout)
    econ = doc["economics"]
    for project in ("tunnel", "corridor"):
        assert econ[project]["irr_defined_share"] == 0.0 and econ[project]["irr"] is None
    shown = [line for line in corridor_lines(doc) if line.startswith("Economics")]
    assert len(shown) == 2
    assert all("IRR % none in any draw (the yearly cash never turns positive)" in x for x in shown)


def test_a_late_portal_leaves_its_drive_to_the_others(runner: CliRunner, work: Path) -> None:
    """Was "cost_usd_bn: got -409.6": an overtaken heading was charged negative days."""
    site = "route.attack_points.chukotka-portal.site_works_months"
    sets = [f"{site}.low=600", f"{site}.mode=900", f"{site}.high=1200"]  # 50-100 years late
    result = runner.invoke(
        app, ["assess", *DRAWS, "--json", *[a for s in sets for a in ("--set", s)]]
    )
    assert result.exit_code == 0, result.output
    construction = json.loads(result.stdout)["construction"]
    for name, q in construction["cost_breakdown_usd_bn"].items():
        if name != "systemic":  # the project-wide factor may lower the bottom-up cost
            assert q["p5"] >= 0.0, name
    for heading in construction["headings"]:
        assert heading["duration_years"]["p5"] >= 0.0, heading["name"]
        assert heading["length_km"]["p5"] >= 0.0, heading["name"]


def test_irr_overflow_is_no_irr_not_an_error() -> None:
    """Over 210 years the NPV overflows at rates near -1: those grid cells are ignored."""
    cash = np.zeros((3, 210))
    cash[:, :10] = -1.0
    cash[:, 10:] = 0.5
    cash[1, 180:] = 0.0
    cash[2, 180:] = -0.1  # two roots too close for the grid: no IRR is reported
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rates = irr(cash)
    assert rates[0] == pytest.approx(0.04136928, abs=1e-7)
    assert rates[1] == pytest.approx(0.0413443, abs=1e-7)
    assert np.isnan(rates[2])
    npv = lambda r: float(np.sum(cash[0] / (1.0 + r) ** np.arange(210)))  # noqa: E731
    assert abs(npv(rates[0])) < 1e-9


def test_quiet_numerics_silences_floating_point_warnings() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with quiet_numerics():
            assert np.isinf(np.float64(1.0) / np.float64(0.0))
            assert np.isnan(np.log(np.array([-1.0])))[0]
        with pytest.raises(RuntimeWarning):
            np.log(np.array([-1.0]))
