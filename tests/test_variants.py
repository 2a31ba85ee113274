"""Variant documents: a built-in scenario plus named ``--set`` edits (the claim at 112 km)."""

from __future__ import annotations

from pathlib import Path

import pytest

import beringia
from beringia.errors import ScenarioError
from beringia.models.construction.compile import tunnel_length_km


def test_the_claim_runs_at_its_stated_112_km() -> None:
    sc = beringia.load_scenario("bering-strait-claim-112")
    assert sc.name == "bering-strait-claim-112"
    assert tunnel_length_km(sc) == pytest.approx(112.0, abs=0.5)
    base = beringia.load_scenario("bering-strait-claim")
    assert sc.construction == base.construction  # only the alignment differs
    assert sc.alignment is not None and base.alignment is not None
    assert sc.alignment.max_gradient_permille == 4.25


def test_a_variant_equals_its_base_with_the_same_edits(tmp_path: Path) -> None:
    f = tmp_path / "v.toml"
    f.write_text(
        'schema_version = 1\nvariant_of = "bering-strait"\nname = "v"\n'
        'set = ["construction.start_day_of_year=120.0"]\n'
    )
    v = beringia.load_scenario(f)
    direct = beringia.load_scenario("bering-strait", ["construction.start_day_of_year=120.0"])
    assert v.construction == direct.construction
    assert v.name == "v"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('variant_of = "atlantis"', "allowed: bering-strait"),
        ('variant_of = "bering-strait"\nset = "x=1"', 'a list of "path=value" strings'),
        ('variant_of = "bering-strait"\nroute = 1', "a variant takes only"),
        ('variant_of = "bering-strait"\nset = ["construction.nope.x=1"]', "construction.nope"),
    ],
)
def test_bad_variants_are_named_errors(tmp_path: Path, text: str, expected: str) -> None:
    f = tmp_path / "v.toml"
    f.write_text("schema_version = 1\n" + text + "\n")
    with pytest.raises(ScenarioError) as err:
        beringia.load_scenario(f)
    assert expected in str(err.value)
