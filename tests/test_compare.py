"""Paired comparison on common random numbers: known answers, pairing's gain, CLI and errors."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from beringia.cli import app
from beringia.errors import ScenarioError
from beringia.pipeline import assess
from beringia.pipeline.compare import (
    METRICS,
    Comparison,
    Variant,
    compare,
    paired_difference,
    variants_from_arguments,
)

DRAWS = 300
SHORT = ("operations.simulated_years=8",)
SMALL = "construction.bores.2.diameter_m=6"
COST, NPV = METRICS[0], METRICS[2]


def test_paired_difference_known_answers() -> None:
    a = np.array([1.0, 2.0, 3.0, 4.0])
    # A constant shift: no noise in the difference, every draw worse for a cost.
    r = paired_difference(COST, a, a + 1.0)
    assert r.difference["p50"] == 1.0 and r.difference["p10"] == 1.0
    assert r.p_variant_better == 0.0
    assert r.se_paired == 0.0 and math.isinf(r.noise_reduction)
    # sd of [1, 2, 3, 4] with ddof 1 is sqrt(5/3); independent SE sqrt(2 * 5/3 / 4).
    assert r.se_independent == pytest.approx(math.sqrt(2 * 5 / 3 / 4))
    # For an NPV higher is better; ties count one half.
    assert paired_difference(NPV, a, a + 1.0).p_variant_better == 1.0
    b = np.array([1.0, 3.0, 2.0, 4.0])
    r2 = paired_difference(COST, a, b)
    assert r2.p_variant_better == pytest.approx((1 + 0.5 * 2) / 4)
    assert r2.se_paired == pytest.approx(np.std(b - a, ddof=1) / 2)
    with pytest.raises(ValueError):
        paired_difference(COST, a, b[:3])


@pytest.fixture(scope="module")
def compared() -> Comparison:
    base = Variant("base", "bering-strait", SHORT)
    return compare(
        [
            base,
            Variant("same", "bering-strait", SHORT),
            Variant(
                "small service bore", "bering-strait", (*SHORT, "construction.bores.2.diameter_m=6")
            ),
        ],
        draws=DRAWS,
        seed=11,
    )


def test_identical_variants_differ_by_exactly_nothing(compared: Comparison) -> None:
    rows = compared.results[0]
    assert {r.metric for r in rows} == {m.key for m in METRICS}
    for r in rows:
        assert r.difference["p5"] == r.difference["p95"] == 0.0
        assert r.p_variant_better == 0.5
        assert r.se_paired == 0.0


def test_a_smaller_service_bore_costs_less_in_every_draw(compared: Comparison) -> None:
    cost = next(r for r in compared.results[1] if r.metric == "cost_usd_bn")
    assert cost.difference["p95"] < 0.0
    assert cost.p_variant_better == 1.0
    assert cost.noise_reduction > 5.0


def test_pairing_shrinks_the_noise_of_independent_runs(compared: Comparison) -> None:
    # The same variant run on another seed: the independent estimate of the mean difference
    # scatters with se_independent, the paired one with se_paired, many times smaller.
    cost = next(r for r in compared.results[1] if r.metric == "cost_usd_bn")
    base = assess("bering-strait", overrides=SHORT, draws=DRAWS, seed=11)
    other = assess(
        "bering-strait",
        overrides=(*SHORT, SMALL),
        draws=DRAWS,
        seed=12,
    )
    independent = float(other.cost_usd_bn.mean() - base.cost_usd_bn.mean())
    paired = cost.difference["mean"]
    assert abs(independent - paired) < 4.0 * cost.se_independent
    assert cost.se_paired * 5.0 < cost.se_independent


def test_variants_from_arguments() -> None:
    vs = variants_from_arguments(["a"], ['x.y=1 z="two words"'], ["c=3"])
    assert [v.scenario for v in vs] == ["a", "a"]
    assert vs[0].overrides == ("c=3",)
    assert vs[1].overrides == ("c=3", "x.y=1", "z=two words")
    for bad_scenarios, bad_variants in (
        (["a"], []),
        ([], ["x=1"]),
        (["a"], ["novalue"]),
        (["a"], ['x="']),
    ):
        with pytest.raises(ScenarioError):
            variants_from_arguments(bad_scenarios, bad_variants)


def test_cli_json_contract(runner: CliRunner) -> None:
    res = runner.invoke(
        app,
        ["compare", "bering-strait", "bering-strait-claim", "-n", "50", "--json"]
        + [a for s in SHORT for a in ("--set", s)],
    )
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert d["draws"] == 50 and d["baseline"]["scenario"] == "bering-strait"
    (c,) = d["comparisons"]
    assert c["variant"]["scenario"] == "bering-strait-claim"
    cost = next(m for m in c["metrics"] if m["metric"] == "cost_usd_bn")
    assert cost["variant"]["p50"] < cost["baseline"]["p50"]
    assert set(cost["se_mean_difference"]) == {"paired", "independent"}


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["bering-strait"], "at least two"),
        (["bering-strait", "--variant", "nonsense"], "--variant"),
        (["bering-strait", "--variant", "construction.nothing=1"], "construction.nothing"),
        (["bering-strait", "no-such-scenario"], "no-such-scenario"),
        (["bering-strait", "bering-strait", "-n", "0"], "draws"),
    ],
)
def test_cli_errors_are_one_line_and_exit_2(
    runner: CliRunner, cwd: Path, args: list[str], named: str
) -> None:
    res = runner.invoke(app, ["compare", *args])
    assert res.exit_code == 2, res.output
    assert named in res.output
    assert "Traceback" not in res.output
    assert list(cwd.iterdir()) == []
