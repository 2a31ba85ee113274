"""The happy paths of the ``beringia`` command line and the ``--json`` contract."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from conftest import typed_in
from helpers import toml_text
from typer.testing import CliRunner, Result

import beringia
from beringia.cli import app
from beringia.core.rng import BLOCK_SIZE
from beringia.models.construction.compile import tunnel_length_km
from beringia.scenario import builtin_text, load_scenario, scenario_hash
from beringia.scenario.io import resolve_variant, validate_document
from beringia.tables.money import money_table

BUILTINS = [
    "bering-strait",
    "bering-strait-claim",
    "bering-strait-claim-112",
    "bering-strait-interbering",
]
QKEYS = {"mean", "p5", "p10", "p50", "p80", "p90", "p95"}
ORDER = ["p5", "p10", "p50", "p80", "p90", "p95"]
TIMING = ("simulation_seconds", "operations_seconds", "corridor_seconds", "total_seconds")
DRAWS = "300"


def ok(result: Result) -> Result:
    assert result.exception is None, (result.exception, result.output)
    assert result.exit_code == 0, result.output
    return result


def strict_json(text: str) -> dict[str, Any]:
    """Parse the whole text as one JSON object; NaN and Infinity are not JSON."""

    def reject(token: str) -> None:
        raise AssertionError(f"non-JSON constant {token} in output")

    doc = json.loads(text, parse_constant=reject)
    assert isinstance(doc, dict)
    return doc


def assess_json(runner: CliRunner, *args: str) -> dict[str, Any]:
    result = ok(runner.invoke(app, ["assess", "--json", "--draws", DRAWS, *args]))
    assert result.stderr == ""
    return strict_json(result.stdout)


def files_under(path: Path) -> list[Path]:
    return sorted(p for p in path.rglob("*") if p.is_file())


def check_q(q: dict[str, float], where: str) -> None:
    assert set(q) == QKEYS, where
    assert all(isinstance(v, float) and math.isfinite(v) for v in q.values()), where
    values = [q[k] for k in ORDER]
    assert values == sorted(values), f"{where}: quantiles out of order {q}"


# --------------------------------------------------------------------------- small commands
def test_version(runner: CliRunner) -> None:
    result = ok(runner.invoke(app, ["--version"]))
    assert result.stdout.strip() == f"beringia {beringia.__version__}"
    assert re.fullmatch(r"\d+\.\d+\.\d+\S*", beringia.__version__)


def test_scenarios_lists_the_builtins(runner: CliRunner) -> None:
    result = ok(runner.invoke(app, ["scenarios"]))
    lines = result.stdout.strip().splitlines()
    assert [line.split()[0] for line in lines] == BUILTINS
    for name, line in zip(BUILTINS, lines, strict=True):
        assert load_scenario(name).title in line
    result = ok(runner.invoke(app, ["scenarios", "--hindcasts"]))
    names = [line.split()[0] for line in result.stdout.strip().splitlines()]
    assert names == [
        "ceneri-base",
        "channel-tunnel",
        "gotthard-base",
        "guadarrama",
        "loetschberg-base",
    ]


@pytest.mark.parametrize("name", BUILTINS)
def test_show_prints_toml_that_validates(runner: CliRunner, name: str) -> None:
    result = ok(runner.invoke(app, ["show", name]))
    assert result.stdout == builtin_text(name)
    # A variant (variant_of a built-in plus edits) validates once resolved.
    sc = validate_document(resolve_variant(tomllib.loads(result.stdout), name))
    assert sc.name == name
    assert scenario_hash(sc) == scenario_hash(load_scenario(name))


@pytest.mark.parametrize("name", BUILTINS)
def test_validate_a_written_copy(runner: CliRunner, cwd: Path, name: str) -> None:
    copy = cwd / f"my-{name}.toml"
    copy.write_text(ok(runner.invoke(app, ["show", name])).stdout, encoding="utf-8")
    result = ok(runner.invoke(app, ["validate", str(copy)]))
    sc = load_scenario(name)
    assert result.stdout.startswith(f"ok: {name} - {tunnel_length_km(sc):g} km")
    assert f"{len(sc.construction.bores)} bores" in result.stdout
    for p in sc.route.attack_points:
        assert p.name in result.stdout
    assert result.stderr == ""


def test_validate_with_overrides(runner: CliRunner) -> None:
    overrides = ["alignment.max_gradient_permille=10", "alignment.min_cover_m=60"]
    length = tunnel_length_km(load_scenario("bering-strait", overrides))
    # A gentler gradient and deeper cover lengthen the ramps.
    assert length > tunnel_length_km(load_scenario("bering-strait")) + 1
    args = ["validate", "bering-strait"]
    for item in overrides:
        args += ["--set", item]
    result = ok(runner.invoke(app, args))
    assert result.stdout.startswith(f"ok: bering-strait - {length:g} km, 3 bores")


def test_validate_typed_in_with_overrides(runner: CliRunner, cwd: Path) -> None:
    path = cwd / "typed.toml"
    path.write_text(toml_text(typed_in()), encoding="utf-8")
    result = ok(
        runner.invoke(
            app,
            [
                "validate",
                str(path),
                "--set",
                "route.attack_points.alaska-portal.chainage_km=110",
                "--set",
                "geology.zones.alaska-approach.to_km=110",
            ],
        )
    )
    assert result.stdout.startswith("ok: bering-strait - 110 km, 3 bores")


def test_schema(runner: CliRunner) -> None:
    result = ok(runner.invoke(app, ["schema"]))
    schema = strict_json(result.stdout)
    props = schema["properties"]
    assert {"schema_version", "name", "route", "geology", "construction", "claims"} <= set(props)
    assert schema["title"] == "beringia scenario"
    assert "2020-12" in schema["$schema"]
    assert schema.get("additionalProperties") is False


# --------------------------------------------------------------------------- assess --json
def test_assess_json_contract(runner: CliRunner, cwd: Path) -> None:
    d = assess_json(runner)
    sc = load_scenario("bering-strait")
    doc = tomllib.loads(builtin_text("bering-strait"))

    assert d["beringia_version"] == beringia.__version__
    assert d["scenario"]["name"] == "bering-strait"
    assert re.fullmatch(r"[0-9a-f]{64}", d["scenario"]["sha256"])
    assert d["scenario"]["sha256"] == scenario_hash(sc)
    assert d["seed"] == 2025
    assert d["draws"] == int(DRAWS)

    c = d["construction"]
    check_q(c["cost_usd_bn"], "cost_usd_bn")
    check_q(c["duration_years"], "duration_years")
    assert 1 < c["cost_usd_bn"]["p50"] < 1000
    assert 1 < c["duration_years"]["p50"] < 100

    parts = c["cost_breakdown_usd_bn"]
    assert len(parts) >= 3
    for name, q in parts.items():
        check_q(q, f"cost_breakdown_usd_bn.{name}")
        if name != "systemic":  # the project-wide factor may fall below 1: an underrun
            assert q["p5"] >= 0, name
    # The components add up to the total, draw by draw, so their means add up too.
    assert sum(q["mean"] for q in parts.values()) == pytest.approx(
        c["cost_usd_bn"]["mean"], rel=1e-9
    )

    bores = {b.name for b in sc.construction.bores}
    assert c["headings"]
    for h in c["headings"]:
        assert {"name", "bore", "length_km", "duration_years"} <= set(h)
        assert h["bore"] in bores
        check_q(h["length_km"], f"heading {h['name']} length_km")
        check_q(h["duration_years"], f"heading {h['name']} duration_years")
        assert h["length_km"]["p5"] >= 0
    # Every bore is driven over the whole route by its headings, in every draw.
    for bore in bores:
        total = sum(h["length_km"]["mean"] for h in c["headings"] if h["bore"] == bore)
        assert total == pytest.approx(tunnel_length_km(sc), rel=1e-6), bore

    tornado = c["tornado"]
    assert 1 <= len(tornado) <= 10
    for bar in tornado:
        assert set(bar) == {"input", "cost_rank_corr", "duration_rank_corr"}
        assert isinstance(bar["input"], str) and bar["input"]
        assert -1 <= bar["cost_rank_corr"] <= 1
        assert -1 <= bar["duration_rank_corr"] <= 1
    assert len({bar["input"] for bar in tornado}) == len(tornado)

    claims = d["claims"]
    assert [cl["name"] for cl in claims] == [cl["name"] for cl in doc["claims"]]
    for cl, given in zip(claims, doc["claims"], strict=True):
        assert {
            "name",
            "max_cost_usd_bn",
            "max_duration_years",
            "probability",
            "implied_usd_m_per_bore_km",
            "sentence",
        } <= set(cl)
        if given.get("max_cost_bn") is None:
            assert cl["max_cost_usd_bn"] is None
            assert cl["implied_usd_m_per_bore_km"] is None
        else:
            expected = money_table().to_usd(
                given["max_cost_bn"], given.get("currency", "USD"), given.get("year", 2025)
            )
            assert cl["max_cost_usd_bn"] == pytest.approx(expected, rel=1e-12)
            assert cl["scope"] == given.get("scope", "tunnel")
            assert cl["money_year"] == given.get("year", 2025)
            if cl["scope"] != "tunnel":  # no tunnel unit cost for a tunnel-and-railway figure
                assert cl["implied_usd_m_per_bore_km"] is None
            else:
                assert cl["implied_usd_m_per_bore_km"] == pytest.approx(
                    cl["max_cost_usd_bn"] * 1000 / d["reference"]["bore_km"], rel=1e-12
                )
        assert cl["sentence"].startswith(cl["name"]) and cl["sentence"].endswith(".")
        assert cl["max_duration_years"] == given.get("max_duration_years")
        assert 0 <= cl["probability"] <= 1
        # Probabilities are shares of the draws.
        assert (cl["probability"] * int(DRAWS)) == pytest.approx(
            round(cl["probability"] * int(DRAWS)), abs=1e-9
        )


def test_json_writes_no_report(runner: CliRunner, cwd: Path) -> None:
    assess_json(runner)
    assert files_under(cwd) == []
    assert not (cwd / "reports").exists()


def test_json_with_report(runner: CliRunner, cwd: Path) -> None:
    result = ok(
        runner.invoke(
            app, ["assess", "--json", "--draws", DRAWS, "--report", "out/x.html", "--seed", "7"]
        )
    )
    d = strict_json(result.stdout)  # the whole of stdout is the JSON object
    assert d["seed"] == 7
    report = cwd / "out" / "x.html"
    assert report.is_file()
    html = report.read_text(encoding="utf-8")
    assert "<html" in html.lower()
    assert "bering-strait" in html
    assert files_under(cwd) == [report]  # no leftover temporary file
    assert "x.html" in result.stderr
    assert "Traceback" not in result.output


def test_summary_and_default_report(runner: CliRunner, cwd: Path) -> None:
    result = ok(runner.invoke(app, ["assess", "--draws", DRAWS]))
    text = result.stdout
    assert "simulating" not in result.output  # no progress bar when stdout is not a terminal
    assert "Construction" in text
    assert "Claims" in text
    for cl in tomllib.loads(builtin_text("bering-strait"))["claims"]:
        assert cl["name"] in text
    assert "Report:" in text
    assert "reports/bering-strait.html" in text
    report = cwd / "reports" / "bering-strait.html"
    assert report.is_file()
    assert "<html" in report.read_text(encoding="utf-8").lower()
    assert files_under(cwd) == [report]
    assert f"{int(DRAWS):,} draws, seed 2025" in text
    assert "{" not in text.splitlines()[0]  # a summary, not JSON


def test_summary_report_option(runner: CliRunner, cwd: Path) -> None:
    result = ok(
        runner.invoke(
            app, ["assess", "bering-strait-claim", "--draws", "100", "--report", "r/claim.html"]
        )
    )
    assert (cwd / "r" / "claim.html").is_file()
    assert not (cwd / "reports").exists()
    assert "r/claim.html" in result.stdout


@pytest.mark.parametrize("name", BUILTINS[1:])
def test_other_builtins_assess(runner: CliRunner, cwd: Path, name: str) -> None:
    d = assess_json(runner, name)
    assert d["scenario"]["name"] == name
    assert d["scenario"]["sha256"] == scenario_hash(load_scenario(name))
    check_q(d["construction"]["cost_usd_bn"], name)


def test_assess_a_file(runner: CliRunner, cwd: Path) -> None:
    path = cwd / "copy.toml"
    path.write_text(builtin_text("bering-strait"), encoding="utf-8")
    from_file = assess_json(runner, str(path))
    from_name = assess_json(runner, "bering-strait")
    assert from_file["scenario"] == from_name["scenario"]
    assert from_file["construction"] == from_name["construction"]


def test_override_changes_hash_and_lowers_cost(runner: CliRunner, cwd: Path) -> None:
    base = assess_json(runner)
    cheap = assess_json(runner, "--set", "construction.arctic.labour_cost_factor=1.0")
    assert cheap["scenario"]["sha256"] != base["scenario"]["sha256"]
    assert cheap["scenario"]["name"] == base["scenario"]["name"]
    # The built-in's labour factor is triangular(1.3, 1.6, 2.0): 1.0 is cheaper in every draw.
    assert (
        cheap["construction"]["cost_usd_bn"]["mean"] < base["construction"]["cost_usd_bn"]["mean"]
    )
    assert cheap["construction"]["cost_usd_bn"]["p95"] < base["construction"]["cost_usd_bn"]["p95"]
    inputs = {bar["input"] for bar in cheap["construction"]["tornado"]}
    assert "construction.arctic.labour_cost_factor" not in inputs  # now fixed, not sampled


def test_same_seed_same_json(runner: CliRunner, cwd: Path) -> None:
    first = assess_json(runner, "--seed", "11")
    second = assess_json(runner, "--seed", "11")
    other = assess_json(runner, "--seed", "12")
    for d in (first, second, other):
        for key in TIMING:
            assert isinstance(d["provenance"].pop(key), float)
    assert first == second
    assert other["construction"] != first["construction"]
    assert other["scenario"] == first["scenario"]


def test_processes_do_not_change_results(runner: CliRunner, cwd: Path) -> None:
    draws = str(2 * BLOCK_SIZE + 17)  # three blocks, the last one short
    runs = []
    for processes in ("1", "2"):
        result = ok(
            runner.invoke(
                app, ["assess", "--json", "--draws", draws, "--seed", "5", "-j", processes]
            )
        )
        runs.append(strict_json(result.stdout))
    one, two = runs
    assert one["draws"] == two["draws"] == int(draws)
    assert one["construction"] == two["construction"]
    assert one["claims"] == two["claims"]
    assert one["provenance"]["processes"] == 1
    assert two["provenance"]["processes"] == 2


def test_console_script_json(tmp_path: Path) -> None:
    """End to end in a real process whose stdout is a pipe, not a terminal."""
    script = Path(sys.executable).parent / "beringia"
    cmd = (
        [str(script)]
        if script.exists()
        else [sys.executable, "-c", "from beringia.cli import main; main()"]
    )
    proc = subprocess.run(
        [*cmd, "assess", "--json", "--draws", "200", "--seed", "3"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    d = strict_json(proc.stdout)
    assert d["draws"] == 200
    assert d["seed"] == 3
    assert d["scenario"]["name"] == "bering-strait"
    assert "simulating" not in proc.stdout
    assert list(tmp_path.iterdir()) == []  # --json without --report writes nothing


def test_json_counts_the_scenarios_assumptions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["assess", "--draws", "50", "--json"])
    counts = json.loads(result.stdout)["scenario"]["inputs"]
    assert counts["inputs"] == counts["sourced"] + counts["missing_source"]
    assert 0 < counts["assumed"] < counts["inputs"]
    assert counts["unverified"] > 0
