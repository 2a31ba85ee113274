"""Every user mistake: a one- or two-line error naming the field, exit status 2, nothing written.

The project rule checked here, for each mistake, through the real ``beringia`` command line:

* exit status 2 and no uncaught exception (so no traceback);
* stderr holds one or two lines naming the offending field (or option) and the bad value
  or what is allowed;
* stdout is empty (``--json`` consumers never see half an answer);
* no report is written: no ``reports/`` directory under the working directory and no HTML
  file anywhere under it.
"""

from __future__ import annotations

import copy
import functools
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from conftest import typed_in
from helpers import assert_clean_failure, toml_text
from typer.testing import CliRunner

import beringia
from beringia.cli import app
from beringia.errors import ScenarioError
from beringia.pipeline.assess import MAX_DRAWS
from beringia.scenario import builtin_text

BUILTIN = builtin_text("bering-strait")
SMALL = ["--draws", "50"]


def edit(old: str, new: str, text: str = BUILTIN) -> str:
    """Replace exactly one occurrence of ``old`` (which must be there) with ``new``."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in the built-in"
    return text.replace(old, new)


def swap(a: str, b: str, text: str = BUILTIN) -> str:
    """Exchange the one occurrence of ``a`` with the one occurrence of ``b``."""
    return edit("\0", b, edit(b, a, edit(a, "\0", text)))


def drop_line(prefix: str, text: str = BUILTIN) -> str:
    """Remove the one line that starts with ``prefix``."""
    lines = text.splitlines(keepends=True)
    hits = [i for i, line in enumerate(lines) if line.startswith(prefix)]
    assert len(hits) == 1, f"{prefix!r} starts {len(hits)} lines"
    del lines[hits[0]]
    return "".join(lines)


@functools.cache
def _typed_in() -> dict[str, Any]:
    return typed_in("bering-strait")


def typed_in_text(field: str, point: str, value: Any) -> str:
    """The built-in with typed-in chainages (no alignment), one attack point's field changed."""
    doc = copy.deepcopy(_typed_in())
    (target,) = [p for p in doc["route"]["attack_points"] if p["name"] == point]
    target[field] = value
    return toml_text(doc)


@pytest.fixture
def cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory: the default report path would be ``reports/...`` here."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


def reference_row(
    sources: str = '["https://example.org"]', currency: str = '"EUR"', year: str = "2010"
) -> str:
    """A user's own reference row appended to a scenario (valid with the defaults)."""
    return f"""
[[reference.rows]]
name = "My tunnel"
country = "XX"
status = "built"
use = "rail"
method = "TBM"
length_km = 20.0
bores = 2
running_bores = 2
build_start_year = 2000
build_end_year = 2008
cost = {{ amount = 2.0e9, currency = {currency}, year = {year} }}
sources = {sources}
"""


# --------------------------------------------------------------------------- bad files
@dataclass(frozen=True)
class FileCase:
    """A scenario file made by editing the built-in text, and what the error must say."""

    id: str
    text: Callable[[], str]
    expected: tuple[str, ...]
    marks: tuple[pytest.MarkDecorator, ...] = field(default=())


FILE_CASES = [
    FileCase(
        "malformed-toml",
        lambda: edit("schema_version = 1\n", "schema_version = = 1\n"),
        ("bad.toml", "malformed TOML", "line 9"),
    ),
    FileCase(
        "malformed-toml-unclosed-table",
        lambda: BUILTIN + "\n[[claims]\nname = 'x'\n",
        ("bad.toml", "malformed TOML"),
    ),
    FileCase(
        "unknown-top-level-field",
        lambda: edit("price_base_year = 2025\n", "price_base_year = 2025\ncolour = 'red'\n"),
        ("colour", "'red'", "unknown field"),
    ),
    FileCase(
        "unknown-nested-field",
        lambda: edit("[construction]\n", "[construction]\nfoo = 1\n"),
        ("construction.foo", "got 1", "unknown field"),
    ),
    FileCase(
        "unknown-field-in-list-element",
        lambda: edit('name = "service"\n', 'name = "service"\nspeed = 3\n'),
        ("construction.bores.service.speed", "unknown field"),
    ),
    FileCase(
        "wrong-type",
        lambda: edit("lat_deg = 65.78111\n", 'lat_deg = "far"\n'),
        ("alignment.waypoints.big-diomede.lat_deg", "'far'", "a number is required"),
    ),
    FileCase(
        "negative-diameter",
        lambda: edit("\ndiameter_m = 7.0\n", "\ndiameter_m = -3\n"),
        ("construction.bores.service.diameter_m", "-3", "allowed: >= 1"),
    ),
    FileCase(
        "negative-cover",
        lambda: edit("min_cover_m = 40.0\n", "min_cover_m = -5\n"),
        ("alignment.min_cover_m", "-5", "allowed: >= 0"),
    ),
    FileCase(
        "negative-gradient",
        lambda: edit("max_gradient_permille = 12.5\n", "max_gradient_permille = -1\n"),
        ("alignment.max_gradient_permille", "-1", "allowed: >= 1"),
    ),
    FileCase(
        "typed-in-wrong-type",
        lambda: typed_in_text("chainage_km", "big-diomede", "far"),
        ("route.attack_points.big-diomede.chainage_km", "'far'", "a number is required"),
    ),
    FileCase(
        "typed-in-negative-chainage",
        lambda: typed_in_text("chainage_km", "big-diomede", -1),
        ("route.attack_points.big-diomede.chainage_km", "-1", "allowed: >= 0"),
    ),
    FileCase(
        "zone-share-not-one",
        lambda: edit(
            "share = { sediment = 0.15, rock = 0.60,", "share = { sediment = 0.15, rock = 0.70,"
        ),
        ("geology.zones.diomedes", "share", "sum to 1", "1.1"),
    ),
    FileCase(
        "discrete-probabilities-not-one",
        lambda: edit(
            'owner_cost_fraction = { dist = "triangular", low = 0.10, mode = 0.125, high = 0.15,',
            'owner_cost_fraction = { dist = "discrete", values = [0.1, 0.15], '
            "probabilities = [0.5, 0.6],",
        ),
        ("construction.owner_cost_fraction", "probabilities", "sum to 1", "1.1"),
    ),
    FileCase(
        "uniform-low-above-high",
        lambda: edit(
            'owner_cost_fraction = { dist = "triangular", low = 0.10, mode = 0.125, high = 0.15,',
            'owner_cost_fraction = { dist = "uniform", low = 0.15, high = 0.10,',
        ),
        ("construction.owner_cost_fraction", "low (0.15)", "high (0.1)"),
    ),
    FileCase(
        "triangular-low-above-high",
        lambda: edit(
            'owner_cost_fraction = { dist = "triangular", low = 0.10, mode = 0.125, high = 0.15,',
            'owner_cost_fraction = { dist = "triangular", low = 0.15, mode = 0.125, high = 0.10,',
        ),
        ("construction.owner_cost_fraction", "low <= mode <= high", "low=0.15"),
    ),
    FileCase(
        "unknown-distribution",
        lambda: edit(
            'owner_cost_fraction = { dist = "triangular", low = 0.10, mode = 0.125, high = 0.15,',
            'owner_cost_fraction = { dist = "gamma", shape = 2.0, scale = 0.06,',
        ),
        ("construction.owner_cost_fraction", "dist", "triangular", "lognormal", "discrete"),
    ),
    FileCase(
        "normal-where-positive-required",
        lambda: edit(
            'unit_cost_usd_m_per_km = { dist = "triangular", low = 10, mode = 15, high = 25, '
            'assumed = true, source = "as the running bores',
            'unit_cost_usd_m_per_km = { dist = "normal", mean = 15, sd = 3, '
            'assumed = true, source = "as the running bores',
        ),
        ("construction.bores.service.unit_cost_usd_m_per_km", "> 0", "normal"),
    ),
    FileCase(
        "schema-version-2",
        lambda: edit("schema_version = 1\n", "schema_version = 2\n"),
        ("schema_version", "got 2", "schema_version = 1"),
    ),
    FileCase(
        "schema-version-missing",
        lambda: edit("schema_version = 1\n", ""),
        ("schema_version", "(missing)", "reads 1"),
    ),
    FileCase(
        # The islands' waypoints swapped: Little Diomede's attack point lies west of Big's.
        "attack-points-out-of-order",
        lambda: swap('waypoint = "big-diomede"\n', 'waypoint = "little-diomede"\n'),
        ("route.attack_points.little-diomede", "must lie east of big-diomede", "west to east"),
    ),
    FileCase(
        "typed-in-attack-points-out-of-order",
        lambda: typed_in_text("chainage_km", "little-diomede", 40.0),
        ("route", "chainage_km order", "40.0"),
    ),
    FileCase(
        "stretch-with-no-heading",
        lambda: edit('headings = ["west", "east"]\n', 'headings = ["west"]\n'),
        ("route", "big-diomede - little-diomede", "no heading"),
    ),
    FileCase(
        "machine-missing-ground-class",
        lambda: drop_line("penetration_m_per_h.fault"),
        ("construction.machines.mixshield.penetration_m_per_h", "fault"),
    ),
    FileCase(
        "claim-without-source",
        lambda: drop_line('source = "TASS 2025-10-17'),
        ("claims.Dmitriev 2025: under $8bn and under 8 years.source", "required"),
    ),
    FileCase(
        "claim-unknown-currency",
        lambda: edit('currency = "USD"\nyear = 2007\n', 'currency = "XYZ"\nyear = 2007\n'),
        ("claims.TKM-World Link 2007: $65bn, tunnel and railway", "unknown currency 'XYZ'", "GBP"),
    ),
    FileCase(
        "claim-year-outside-table",
        lambda: edit("year = 2007\n", "year = 1850\n"),
        ("claims.TKM-World Link 2007: $65bn, tunnel and railway", "year 1850", "1960 to 2025"),
    ),
    FileCase(
        "scenario-unknown-currency",
        lambda: edit("price_base_year = 2025\n", 'price_base_year = 2025\ncurrency = "ABC"\n'),
        ("currency / price_base_year", "unknown currency 'ABC'"),
    ),
    FileCase(
        "reference-row-without-source",
        lambda: BUILTIN + reference_row(sources="[]"),
        ("reference.rows.My tunnel.sources", "missing source"),
    ),
    FileCase(
        "reference-row-unknown-currency",
        lambda: BUILTIN + reference_row(currency='"QQQ"'),
        ("reference.rows.My tunnel.cost", "unknown currency 'QQQ'"),
    ),
    FileCase(
        "reference-row-year-outside-table",
        lambda: BUILTIN + reference_row(year="1900"),
        ("reference.rows.My tunnel.cost", "year 1900", "1999 to 2025 for EUR"),
    ),
    FileCase(
        "bore-names-unknown-machine",
        lambda: edit(
            'diameter_m = 7.0\nmachine = "mixshield"', 'diameter_m = 7.0\nmachine = "tbm-x"'
        ),
        ("construction.bores.service.machine", "tbm-x", "mixshield"),
    ),
]


@pytest.mark.parametrize("as_json", [False, True], ids=["summary", "json"])
@pytest.mark.parametrize("case", [pytest.param(c, id=c.id, marks=c.marks) for c in FILE_CASES])
def test_bad_file(runner: CliRunner, cwd: Path, case: FileCase, as_json: bool) -> None:
    bad = cwd / "bad.toml"
    bad.write_text(case.text(), encoding="utf-8")
    args = ["assess", str(bad), *SMALL] + (["--json"] if as_json else [])
    assert_clean_failure(runner.invoke(app, args), cwd, *case.expected)


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in FILE_CASES[:6]])
def test_validate_bad_file(runner: CliRunner, cwd: Path, case: FileCase) -> None:
    bad = cwd / "bad.toml"
    bad.write_text(case.text(), encoding="utf-8")
    assert_clean_failure(runner.invoke(app, ["validate", str(bad)]), cwd, *case.expected)


def test_builtin_edits_are_the_only_fault(runner: CliRunner, cwd: Path) -> None:
    """The untouched built-in, written out the same way, is accepted: the edits are the fault."""
    good = cwd / "good.toml"
    good.write_text(BUILTIN, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(good)])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""


# --------------------------------------------------------------------------- bad values via --set
SET_CASES = [
    # (id, overrides, expected in stderr)
    ("set-no-equals", ["construction.arctic"], ("--set", "construction.arctic", "path=value")),
    ("set-empty-path", ["=3"], ("--set", "path=value")),
    (
        "set-unknown-path",
        ["construction.nope.x=1"],
        ("construction.nope.x", "'nope'", "no such field"),
    ),
    ("set-unknown-leaf", ["construction.nope=1"], ("construction.nope", "unknown field")),
    (
        "set-index-out-of-range",
        ["construction.bores.7.diameter_m=9"],
        ("construction.bores.7.diameter_m", "'7'", "0..2"),
    ),
    (
        "set-unknown-element-name",
        ["construction.bores.nope.diameter_m=9"],
        ("construction.bores.nope.diameter_m", "'nope'", "running-north", "service"),
    ),
    (
        "set-descend-into-value",
        ["name.x=1"],
        ("name.x", "'x'", "plain value"),
    ),
    (
        "set-wrong-type",
        ['route.attack_points.big-diomede.chainage_km="far"'],
        ("route.attack_points.big-diomede.chainage_km", "'far'", "a number is required"),
    ),
    (
        "set-negative-diameter",
        ["construction.bores.running-north.diameter_m=-3"],
        ("construction.bores.running-north.diameter_m", "-3", "allowed: >= 1"),
    ),
    (
        "set-diameter-too-large",
        ["construction.bores.running-north.diameter_m=30"],
        ("construction.bores.running-north.diameter_m", "30", "<= 20"),
    ),
    (
        "set-wrong-type-latitude",
        ['alignment.waypoints.big-diomede.lat_deg="far"'],
        ("alignment.waypoints.big-diomede.lat_deg", "'far'", "a number is required"),
    ),
    (
        "set-negative-cover",
        ["alignment.min_cover_m=-5"],
        ("alignment.min_cover_m", "-5", "allowed: >= 0"),
    ),
    (
        "set-negative-gradient",
        ["alignment.max_gradient_permille=-1"],
        ("alignment.max_gradient_permille", "-1", "allowed: >= 1"),
    ),
    (
        "set-negative-chainage",
        ["route.attack_points.1.chainage_km=-1"],
        ("route.attack_points.big-diomede.chainage_km", "-1", "allowed: >= 0"),
    ),
    (
        "set-negative-fixed-dist",
        ["construction.arctic.labour_cost_factor=-1"],
        ("construction.arctic.labour_cost_factor", ">= 0.01", "-1"),
    ),
    (
        "set-normal-where-positive",
        ['construction.arctic.labour_cost_factor={dist="normal", mean=1.6, sd=0.2}'],
        ("construction.arctic.labour_cost_factor", ">= 0.01", "normal"),
    ),
    (
        "set-discrete-not-one",
        [
            'construction.owner_cost_fraction={dist="discrete", values=[0.1, 0.2], '
            "probabilities=[0.2, 0.3]}"
        ],
        ("construction.owner_cost_fraction", "probabilities", "sum to 1", "0.5"),
    ),
    (
        "set-unknown-dist",
        ['construction.owner_cost_fraction={dist="gamma", shape=2}'],
        ("construction.owner_cost_fraction", "dist", "uniform", "pert"),
    ),
    ("set-schema-version-2", ["schema_version=2"], ("schema_version", "got 2", "= 1")),
    (
        "set-out-of-order",
        [
            'route.attack_points.big-diomede.waypoint="little-diomede"',
            'route.attack_points.little-diomede.waypoint="big-diomede"',
        ],
        ("route.attack_points.little-diomede", "must lie east of big-diomede", "west to east"),
    ),
    (
        "set-island-west-of-the-previous",
        ['route.attack_points.little-diomede.waypoint="cape-dezhnev"'],
        (
            "route.attack_points.little-diomede",
            "got '4.30 km'",
            "must lie east of big-diomede (47.18 km)",
            "west to east",
        ),
    ),
    (
        "set-no-heading",
        ['route.attack_points.big-diomede.headings=["west"]'],
        ("route", "big-diomede - little-diomede", "no heading"),
    ),
    (
        "set-unknown-machine",
        ['construction.bores.service.machine="tbm-x"'],
        ("construction.bores.service.machine", "tbm-x", "mixshield"),
    ),
    (
        "set-zone-share",
        ["geology.zones.strait-west.share.fault=0.5"],
        ("geology.zones.strait-west", "share", "sum to 1"),
    ),
    (
        "set-unknown-regime",
        ['construction.advance_envelope.regime.sediment="slurry"'],
        (
            "construction.advance_envelope.regime.sediment",
            "slurry",
            "'hard-rock', 'closed-face' or 'drill-and-blast'",
        ),
    ),
    (
        "set-regime-of-unknown-class",
        ['construction.advance_envelope.regime.granite="hard-rock"'],
        ("construction.advance_envelope.regime", "granite", "allowed", "sediment"),
    ),
    (
        "set-negative-zone-pressure",
        ["geology.zones.strait-west.water_pressure_bar=-1"],
        ("geology.zones.strait-west.water_pressure_bar", "-1", ">= 0"),
    ),
    (
        "set-unknown-pressure-regime",
        ["construction.events.collapse.pressure_factor={deep=2}"],
        ("construction.events.collapse.pressure_factor", "deep", "'air', 'mixed-gas'"),
    ),
    (
        "set-site-power-too-small",
        ["route.attack_points.big-diomede.power_mw=0.1", "construction.power_mwh_per_m3=1"],
        ("route.attack_points.big-diomede.power_mw", "would last", "raise it"),
    ),
    (
        "set-site-power-without-energy",
        ["route.attack_points.big-diomede.power_mw=40"],
        ("big-diomede.power_mw", "construction.power_mwh_per_m3"),
    ),
    (
        "set-second-of-two-bad",
        ["construction.arctic.labour_cost_factor=1.0", "construction.foo=1"],
        ("construction.foo", "unknown field"),
    ),
]


@pytest.mark.parametrize("as_json", [False, True], ids=["summary", "json"])
@pytest.mark.parametrize(
    ("overrides", "expected"), [pytest.param(o, e, id=i) for i, o, e in SET_CASES]
)
def test_bad_set(
    runner: CliRunner,
    cwd: Path,
    overrides: list[str],
    expected: tuple[str, ...],
    as_json: bool,
) -> None:
    args = ["assess", *SMALL] + (["--json"] if as_json else [])
    for item in overrides:
        args += ["--set", item]
    assert_clean_failure(runner.invoke(app, args), cwd, *expected)


def test_validate_bad_set(runner: CliRunner, cwd: Path) -> None:
    result = runner.invoke(
        app, ["validate", "bering-strait", "--set", "construction.bores.9.diameter_m=9"]
    )
    assert_clean_failure(result, cwd, "construction.bores.9.diameter_m", "0..2")


# --------------------------------------------------------------------------- bad run options
OPTION_CASES = [
    ("draws-zero", ["--draws", "0"], ("draws", "got 0", "1 to 100,000,000")),
    ("draws-negative", ["--draws=-5"], ("draws", "got -5", "1 to 100,000,000")),
    (
        "draws-too-many",
        ["--draws", str(MAX_DRAWS + 1)],
        ("draws", "got 100000001", "1 to 100,000,000"),
    ),
    ("seed-negative", ["--seed", "-1", *SMALL], ("seed", "got -1", "from 0")),
    ("seed-negative-eq", ["--seed=-1", *SMALL], ("seed", "got -1", "from 0")),
    ("seed-too-big", ["--seed", str(2**63), *SMALL], ("seed", str(2**63), "2**63 - 1")),
    ("processes-zero", ["--processes", "0", *SMALL], ("processes", "got 0", "1 to 64")),
]


@pytest.mark.parametrize("as_json", [False, True], ids=["summary", "json"])
@pytest.mark.parametrize(
    ("options", "expected"), [pytest.param(o, e, id=i) for i, o, e in OPTION_CASES]
)
def test_bad_option(
    runner: CliRunner, cwd: Path, options: list[str], expected: tuple[str, ...], as_json: bool
) -> None:
    args = ["assess", *options] + (["--json"] if as_json else [])
    assert_clean_failure(runner.invoke(app, args), cwd, *expected)


def test_bad_option_is_reported_before_a_bad_scenario(runner: CliRunner, cwd: Path) -> None:
    result = runner.invoke(app, ["assess", "no-such-scenario", "--draws", "0"])
    assert_clean_failure(result, cwd, "draws")


def test_non_integer_draws(runner: CliRunner, cwd: Path) -> None:
    result = runner.invoke(app, ["assess", "--draws", "many"])
    assert_clean_failure(result, cwd, "draws", "many")


# --------------------------------------------------------------------------- bad scenario argument
@pytest.mark.parametrize("as_json", [False, True], ids=["summary", "json"])
def test_unknown_scenario_name(runner: CliRunner, cwd: Path, as_json: bool) -> None:
    args = ["assess", "bering-strai", *SMALL] + (["--json"] if as_json else [])
    assert_clean_failure(
        runner.invoke(app, args),
        cwd,
        "scenario",
        "'bering-strai'",
        "bering-strait, bering-strait-claim, bering-strait-claim-112, bering-strait-interbering",
    )


def test_show_unknown_name(runner: CliRunner, cwd: Path) -> None:
    assert_clean_failure(
        runner.invoke(app, ["show", "nope"]), cwd, "scenario", "'nope'", "bering-strait"
    )


@pytest.mark.parametrize("name", ["missing.toml", "sub/missing", "missing.TOML"])
def test_path_does_not_exist(runner: CliRunner, cwd: Path, name: str) -> None:
    result = runner.invoke(app, ["assess", name, *SMALL, "--json"])
    assert_clean_failure(result, cwd, "scenario", repr(name), "no such file")


def test_directory_as_scenario(runner: CliRunner, cwd: Path) -> None:
    (cwd / "scen.toml").mkdir()
    for target in (str(cwd / "scen.toml"), str(cwd)):
        result = runner.invoke(app, ["assess", target, *SMALL])
        assert_clean_failure(result, cwd, "scenario", target, "directory")


def test_invalid_utf8_file(runner: CliRunner, cwd: Path) -> None:
    bad = cwd / "latin1.toml"
    bad.write_bytes(BUILTIN.replace("Koumal", "K\u00f6umal").encode("latin-1", "replace"))
    assert b"\xf6" in bad.read_bytes()
    result = runner.invoke(app, ["assess", str(bad), *SMALL, "--json"])
    assert_clean_failure(result, cwd, "scenario", "latin1.toml", "unreadable", "utf-8")


def test_unreadable_file(runner: CliRunner, cwd: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = cwd / "secret.toml"
    bad.write_text(BUILTIN, encoding="utf-8")
    real_open = os.open

    def denied(path: Any, *args: Any, **kwargs: Any) -> int:
        # chmod 000 does not stop root, so the permission error is simulated.
        if Path(path).name == "secret.toml":
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", denied)
    result = runner.invoke(app, ["assess", str(bad), *SMALL])
    assert_clean_failure(result, cwd, "scenario", "secret.toml", "unreadable")


# --------------------------------------------------------------------------- bad --report
def test_report_is_a_directory(runner: CliRunner, cwd: Path) -> None:
    out = cwd / "out"
    out.mkdir()
    for extra in ([], ["--json"]):
        result = runner.invoke(app, ["assess", *SMALL, "--report", str(out), *extra])
        assert_clean_failure(result, cwd, "--report", str(out), "directory")
        assert list(out.iterdir()) == []


def test_report_under_a_file(runner: CliRunner, cwd: Path) -> None:
    (cwd / "notes.txt").write_text("not a directory\n")
    result = runner.invoke(app, ["assess", *SMALL, "--report", "notes.txt/r.html"])
    assert_clean_failure(result, cwd, "--report", "notes.txt")


# --------------------------------------------------------------------------- known bugs
def test_value_with_closing_markup_tag(runner: CliRunner, cwd: Path) -> None:
    result = runner.invoke(app, ["assess", *SMALL, "--set", "name=[/x]"])
    assert_clean_failure(result, cwd, "name", "[/x]")


def test_value_with_bracketed_word_is_shown_verbatim(runner: CliRunner, cwd: Path) -> None:
    result = runner.invoke(app, ["assess", "drafts[draft]/s.toml", *SMALL])
    assert_clean_failure(result, cwd, "scenario", "'drafts[draft]/s.toml'", "no such file")


@pytest.mark.parametrize(
    "override",
    [
        "construction.arctic.labour_cost_factor=nan",
        "construction.arctic.labour_cost_factor=inf",
        'construction.owner_cost_fraction={dist="uniform", low=nan, high=0.1}',
    ],
)
def test_non_finite_values(runner: CliRunner, cwd: Path, override: str) -> None:
    result = runner.invoke(app, ["assess", *SMALL, "--json", "--set", override])
    assert_clean_failure(result, cwd, override.split("=", 1)[0])


# --------------------------------------------------------------------------- Python API
@pytest.mark.parametrize(
    ("overrides", "field", "pattern"),
    [
        (
            ["construction.bores.service.diameter_m=-3"],
            "construction.bores.service.diameter_m",
            "-3",
        ),
        (["construction.foo=1"], "construction.foo", "unknown field"),
        (["schema_version=2"], "schema_version", "schema_version = 1"),
        (["construction.bores.5.diameter_m=9"], "construction.bores.5.diameter_m", "0..2"),
        (["no-equals-sign"], "--set", "path=value"),
        (
            ['construction.owner_cost_fraction={dist="uniform", low=0.2, high=0.1}'],
            "construction.owner_cost_fraction",
            "must not exceed",
        ),
    ],
)
def test_api_raises_scenario_error(overrides: list[str], field: str, pattern: str) -> None:
    with pytest.raises(beringia.ScenarioError, match=re.escape(pattern)) as info:
        beringia.load_scenario("bering-strait", overrides=overrides)
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, beringia.BeringiaError)
    assert info.value.field == field
    assert str(info.value).startswith(field + ":")
    assert "\n" not in str(info.value)


def test_api_bad_file_and_name(tmp_path: Path) -> None:
    with pytest.raises(beringia.ScenarioError) as info:
        beringia.load_scenario("no-such-builtin")
    assert info.value.field == "scenario"
    assert info.value.value == "no-such-builtin"
    bad = tmp_path / "bad.toml"
    bad.write_text("schema_version = = 1\n")
    with pytest.raises(beringia.ScenarioError, match="malformed TOML") as info:
        beringia.load_scenario(bad)
    assert info.value.field == str(bad)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"draws": 0}, "draws"), ({"seed": -1}, "seed"), ({"processes": 0}, "processes")],
)
def test_api_assess_rejects_bad_arguments(kwargs: dict[str, int], field: str) -> None:
    sc = beringia.load_scenario("bering-strait")
    with pytest.raises(beringia.ScenarioError) as info:
        beringia.assess(sc, **kwargs)
    assert info.value.field == field


# --------------------------------------------------------------------------- fuzzer findings
# Each case below crashed, hung or was silently accepted before the scenario layer checked
# types, bounds, names and file kinds (issue 11, section 4); tests/test_fuzz.py looks for more.
LONG_NAME = "n" * 5000
FUZZ_SET_CASES = [
    ("bool-as-number", ["construction.bores.service.diameter_m=true"], ("diameter_m", "number")),
    ("text-as-number", ['construction.bores.service.diameter_m="7.0"'], ("'7.0'", "number")),
    ("float-as-int", ["operations.simulated_years=20.0"], ("simulated_years", "whole number")),
    ("tiny-bore", ["construction.bores.service.diameter_m=1.2e-5"], ("1.2e-05", ">= 1")),
    ("huge-bore", ["construction.bores.service.diameter_m=40"], ("got 40", "<= 20")),
    ("endless-years", ["operations.simulated_years=1000000"], ("simulated_years", "<= 2000")),
    (
        "event-rate-multiplier",
        ["construction.events.fire.rate_multiplier=1e5"],
        ("construction.events.fire.rate_multiplier", "<= 100"),
    ),
    (
        "lognormal-tail",
        ['construction.events.fire.rate_multiplier={dist="lognormal", median=5, gsd=3}'],
        ("rate_multiplier", "1-in-a-million"),
    ),
    ("date-value", ["construction.start_day_of_year=2025-01-01"], ("start_day_of_year", "date")),
    ("time-value", ["name=12:30:00"], ("name", "date or time")),
    ("double-dash-index", ["construction.bores.--1.diameter_m=6"], ("'--1'", "no element")),
    ("two-assignments", ['name="x"\nbogus=1'], ("--set", "one path=value on one line")),
    ("deep-value", ["title=" + "[" * 1000 + "]" * 1000], ("title", "nested too deep")),
    (
        "line-speed",
        ["operations.line_speed_kmh=1e-5"],
        ("operations.line_speed_kmh", ">= 10"),
    ),
    ("long-name", [f'name="{LONG_NAME}"'], ("name", "...", "at most 100 characters")),
    (
        "duplicate-machine",
        ['construction.machines.0={name="x"}'],
        ("construction.machines",),
    ),
    (
        "duplicate-bore",
        ['construction.bores.service.name="running-north"'],
        ("construction.bores", "'running-north' appears 2 times"),
    ),
    (
        "duplicate-ground-class",
        ['geology.classes.fault.name="rock"'],
        ("geology.classes", "'rock' appears 2 times"),
    ),
    (
        "duplicate-event",
        ['construction.events.fire.name="collapse"'],
        ("construction.events", "'collapse' appears 2 times"),
    ),
    (
        "duplicate-zone",
        ['geology.zones.strait-east.name="strait-west"'],
        ("geology.zones", "'strait-west' appears 2 times"),
    ),
    (
        "duplicate-incident",
        ['operations.incidents.derailment.name="major-fire"'],
        ("operations.incidents", "'major-fire' appears 2 times"),
    ),
    (
        "duplicate-depth-point",
        ['alignment.seabed.eastern-channel.name="western-channel"'],
        ("alignment.seabed", "'western-channel' appears 2 times"),
    ),
    (
        "island-at-sea",
        ["alignment.waypoints.big-diomede.lat_deg=65.85"],
        ("alignment.waypoints.big-diomede", "island attack point big-diomede", "at sea"),
    ),
    (
        "earthquakes-every-day",
        ["operations.earthquakes.a_value=15"],
        ("operations.earthquakes", "closing earthquakes a year"),
    ),
    (
        "duplicate-corridor-node",
        ['corridor.nodes=[{name="Nome"}, {name="Nome"}]'],
        ("corridor.nodes", "'Nome' appears 2 times"),
    ),
    (
        "too-many-trains-to-simulate",
        ["operations.traffic.container-1520.trains_per_day=1000"],
        ("operations.simulated_years", "train-years", "simulate fewer years"),
    ),
    (
        "repeated-heading",
        ['route.attack_points.big-diomede.headings=["east", "east"]'],
        ("route.attack_points.big-diomede.headings", "'east' appears 2 times"),
    ),
    (
        "segment-too-long",
        ['corridor.segments=[{from="Seattle", to="Chicago", length_km=1e9}]'],
        ("corridor.segments.0.length_km", "0 to 20000"),
    ),
    (
        "tiny-block",
        ["operations.signalling.block_length_m=1e-6"],
        ("operations.signalling.block_length_m", ">= 100"),
    ),
]


@pytest.mark.parametrize(
    ("overrides", "expected"), [pytest.param(o, e, id=i) for i, o, e in FUZZ_SET_CASES]
)
def test_fuzzer_findings_via_set(
    runner: CliRunner, cwd: Path, overrides: list[str], expected: tuple[str, ...]
) -> None:
    args = ["validate", "bering-strait"]
    for item in overrides:
        args += ["--set", item]
    err = assert_clean_failure(runner.invoke(app, args), cwd, *expected)
    assert len(err) < 700
    assert LONG_NAME not in err


def test_duplicate_claim_names(runner: CliRunner, cwd: Path) -> None:
    text = BUILTIN.replace(
        'name = "TKM-World Link 2007: $65bn, tunnel and railway"', 'name = "same"'
    )
    text = text.replace('name = "InterBering: tunnelling could approach $35bn"', 'name = "same"')
    path = cwd / "claims.toml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert_clean_failure(result, cwd, "claims", "'same' appears 2 times")


@pytest.mark.parametrize(
    "line",
    [
        "when = 2025-01-01",
        "at = 07:32:00",
        "stamp = 1979-05-27T07:32:00Z",
        "local = 1979-05-27T07:32:00",
    ],
)
def test_toml_dates_in_a_file(runner: CliRunner, cwd: Path, line: str) -> None:
    path = cwd / "dated.toml"
    path.write_text(edit("price_base_year = 2025\n", f"price_base_year = 2025\n{line}\n"))
    result = runner.invoke(app, ["validate", str(path)])
    assert_clean_failure(result, cwd, line.split(" ")[0], "date or time")
    result = runner.invoke(app, ["assess", str(path), *SMALL])
    assert_clean_failure(result, cwd, line.split(" ")[0], "date or time")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x = " + "[" * 1000 + "]" * 1000 + "\n", "nested too deep"),
        (".".join(["a"] * 1000) + " = 1\n", "nested too deep"),
    ],
    ids=["deep-array", "deep-dotted-key"],
)
def test_deep_nesting(runner: CliRunner, cwd: Path, text: str, expected: str) -> None:
    path = cwd / "deep.toml"
    path.write_text(text, encoding="utf-8")
    assert_clean_failure(runner.invoke(app, ["validate", str(path)]), cwd, expected)


def test_device_is_not_read(runner: CliRunner, cwd: Path) -> None:
    result = runner.invoke(app, ["validate", "/dev/zero"])
    assert_clean_failure(result, cwd, "/dev/zero", "not a regular file")


def test_fifo_does_not_block(runner: CliRunner, cwd: Path) -> None:
    fifo = cwd / "pipe.toml"
    os.mkfifo(fifo)  # nobody writes to it: opening it for reading would block forever
    result = runner.invoke(app, ["validate", str(fifo)])
    assert_clean_failure(result, cwd, "pipe.toml", "not a regular file")


def test_huge_file_is_refused(runner: CliRunner, cwd: Path) -> None:
    big = cwd / "big.toml"
    big.write_text(BUILTIN + "#" * (5 * 1024 * 1024), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(big)])
    assert_clean_failure(result, cwd, "big.toml", "larger than 4 MB")


def test_error_messages_are_cut() -> None:
    err = ScenarioError("name", "x" * 5000, "allowed: " + "y" * 5000)
    assert len(str(err)) <= 600
    assert "x" * 81 not in str(err) and "y" * 81 not in str(err)
    assert "..." in str(err)


def test_a_date_is_shown_as_written_in_toml() -> None:
    import datetime as dt

    from beringia.errors import ScenarioError

    err = ScenarioError("cases.0.opening.date", dt.date(1970, 3, 13), "a date after start.date")
    assert str(err) == "cases.0.opening.date: got 1970-03-13; a date after start.date"
