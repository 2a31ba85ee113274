"""What would have to be true: claim lookup, bisection, levels that hold, CLI and errors."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import beringia
from beringia.cli import app
from beringia.core.construction import bore_km as bore_km_of
from beringia.core.distributions import DistSpec
from beringia.core.stats import share_within
from beringia.errors import ScenarioError
from beringia.models.alignment import alignment_for
from beringia.models.construction.compile import compile_construction
from beringia.models.construction.run import anchor_programme, run_construction
from beringia.pipeline.whatif import STEPS, WhatIf, _bisect, _cdf, find_claim, what_if

FACTOR = "construction.systemic.cost_factor"
DRAWS = 300


def test_find_claim_by_number_name_or_start() -> None:
    sc = beringia.load_scenario("bering-strait")
    first = sc.claims[0]
    assert find_claim(sc, "1") is first
    assert find_claim(sc, first.name) is first
    assert find_claim(sc, "interbering").name.startswith("InterBering")
    for bad in ("nothing like it", "99"):
        with pytest.raises(ScenarioError) as err:
            find_claim(sc, bad)
        assert err.value.field == "claim"


def test_bisection_finds_the_first_level_that_reaches_the_target() -> None:
    t = _bisect(lambda x: x, 0.3)
    assert t is not None and 0.3 <= t <= 0.3 + 2.0**-STEPS
    assert _bisect(lambda x: x, 1.5) is None
    assert _bisect(lambda x: 1.0, 0.5) == 0.0


def test_cdf_of_a_uniform() -> None:
    spec = DistSpec("uniform", (0.0, 10.0))
    assert _cdf(spec, 2.5) == pytest.approx(0.25, abs=1e-6)
    assert _cdf(spec, -1.0) == 0.0 and _cdf(spec, 11.0) == 1.0


@pytest.fixture(scope="module")
def answer() -> WhatIf:
    return what_if("bering-strait", "3", inputs=[FACTOR], draws=DRAWS, seed=9)


def _probability(value: float | None) -> float:
    sc = beringia.load_scenario("bering-strait")
    inp = anchor_programme(sc, compile_construction(sc, alignment_for(sc)))
    if value is not None:
        fixed = {**inp.inputs, FACTOR: DistSpec("fixed", (value,))}
        inp = dataclasses.replace(inp, inputs=fixed)
    run = run_construction(inp, draws=DRAWS, seed=9)
    limit = answer_limit()
    return share_within(run.cost_usd_bn, run.duration_years, limit, None)


def answer_limit() -> float:
    # the InterBering claim: $35bn of 2011 (the reference set's year of the same figure), no
    # time limit
    from beringia.tables.money import money_table

    return money_table().to_usd(35.0, "USD", 2011)


def test_the_level_found_reaches_the_target_and_the_median_does_not(answer: WhatIf) -> None:
    assert answer.max_cost_usd_bn == pytest.approx(answer_limit())
    assert answer.max_years is None
    (a,) = answer.inputs
    assert a.path == FACTOR and a.direction == "lower"
    ten = a.levels[0]
    assert ten.target == 0.10 and ten.value is not None
    assert ten.value <= a.median
    assert _probability(ten.value) >= 0.10
    if ten.value < a.median:
        assert _probability(a.median) < 0.10
    assert 0.0 <= answer.baseline_probability <= 1.0
    assert any("per bore-km" in r for r in answer.records)
    d = answer.to_dict()
    json.dumps(d)
    assert d["claim"].startswith("InterBering") and d["sentences"]


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["nothing like it"], "claim"),
        (["3", "--input", "construction.nothing"], "--input"),
        (["3", "--top", "0"], "--top"),
        (["1", "no-such-scenario"], "no-such-scenario"),
        (["2"], "scope"),  # TKM-World Link's $65bn covers tunnel and railway
    ],
)
def test_cli_whatif_errors(runner: CliRunner, cwd: Path, args: list[str], named: str) -> None:
    res = runner.invoke(app, ["whatif", *args, "-n", "50"])
    assert res.exit_code == 2, res.output
    assert named in res.output and "Traceback" not in res.output
    assert list(cwd.iterdir()) == []


def test_cli_whatif_prints_levels_beside_the_records(runner: CliRunner) -> None:
    res = runner.invoke(
        app,
        [
            "whatif",
            "3",
            "bering-strait",
            "--input",
            FACTOR,
            "-n",
            "200",
            "--set",
            "operations.simulated_years=8",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "per bore-km" in res.output and FACTOR in res.output
    assert "together" in res.output


def test_each_level_reached_is_set_beside_the_records(answer: WhatIf) -> None:
    """The draws that meet the claim at a level: their advance and unit cost, by hand."""
    (a,) = answer.inputs
    ten = a.levels[0]
    assert ten.value is not None and ten.beside_records is not None
    sc = beringia.load_scenario("bering-strait")
    inp = anchor_programme(sc, compile_construction(sc, alignment_for(sc)))
    fixed = {**inp.inputs, FACTOR: DistSpec("fixed", (ten.value,))}
    run = run_construction(dataclasses.replace(inp, inputs=fixed), draws=DRAWS, seed=9)
    ok = run.cost_usd_bn <= answer_limit()
    bore_km = sum(bore_km_of(inp, b) for b in inp.bores)
    unit = float(np.median(run.cost_usd_bn[ok])) * 1000.0 / bore_km
    assert f"${unit:,.0f}m per bore-km" in ten.beside_records
    assert "x the best whole-project mean advance on record" in ten.beside_records
    assert ten.beside_records in " ".join(answer.sentences())
    assert answer.to_dict()["inputs"][0]["levels"][0]["beside_records"] == ten.beside_records


def test_claims_can_end_with_what_would_have_to_be_true(runner: CliRunner) -> None:
    res = runner.invoke(
        app,
        [
            "claims",
            "bering-strait",
            "-n",
            "200",
            "--whatif",
            "--json",
            "--set",
            "operations.simulated_years=8",
        ],
    )
    assert res.exit_code == 0, res.output
    claims = {c["name"]: c for c in json.loads(res.stdout)["claims"]}
    tunnel = [c for c in beringia.load_scenario("bering-strait").claims if c.scope == "tunnel"]
    for c in tunnel:
        text = claims[c.name]["what_would_have_to_be_true"]
        assert re.match(r"All 4 together \([a-z_]+\.", text) and "chance is" in text
    # a claim on tunnel and railway has no construction-only answer
    assert all(
        "what_would_have_to_be_true" not in v
        for k, v in claims.items()
        if k not in {c.name for c in tunnel}
    )
