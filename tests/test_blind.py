"""Blind hindcasts: compiled from earlier tunnels only, scored leave-one-out."""

from __future__ import annotations

import json
import math
import statistics
import tomllib
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from helpers import assert_clean_failure
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from beringia.cli import app
from beringia.models.blind.compile import compile_case
from beringia.models.blind.priors import (
    REGIME_OF,
    Point,
    _law,
    advance_law,
    advance_points,
    cost_points,
    unit_cost_law,
)
from beringia.models.reference.dataset import reference_rows
from beringia.pipeline.blind import run_blind
from beringia.scenario.io import validate_document
from beringia.tables.blind_priors import blind_priors
from beringia.tables.drive_averages import drive_averages
from beringia.tables.tunnel_cases import Case, tunnel_cases

CASES = list(tunnel_cases().cases)
NAMES = [c.name for c in CASES]
DATA = Path(__file__).resolve().parents[1] / "src" / "beringia" / "data" / "tunnel_cases.toml"


@pytest.fixture(scope="module")
def blind() -> Any:
    return run_blind(draws=400, seed=7)


def test_links_name_real_rows_and_cases() -> None:
    rows = {r.name for r in reference_rows()}
    for c in CASES:
        assert c.reference_row is None or c.reference_row in rows, c.name
    for d in drive_averages().drive:
        assert d.case is None or d.case in NAMES, d.name


@pytest.mark.parametrize("case", CASES, ids=NAMES)
def test_a_case_never_learns_from_itself(case: Case) -> None:
    own = {case.name, case.reference_row}
    own_drives = {d.name for d in drive_averages().drive if d.case == case.name}
    assert not own & {p.name for p in cost_points(case)}
    regimes = {REGIME_OF[s.method] for b in case.geometry.bores for s in b.segments}
    for r in regimes:
        names = {p.name for p in advance_points(case, r)}
        assert not names & own_drives
        assert not any(n.startswith(f"{case.name}/") for n in names)


@pytest.mark.parametrize("case", CASES, ids=NAMES)
def test_history_is_earlier_unless_the_case_says_it_is_not(case: Case) -> None:
    c = compile_case(case)
    year = case.decision.year
    for what, law in [("unit cost", c.unit_cost), *c.advance.items()]:
        later = [p for p in law.points if p.year >= year]
        assert len(later) == law.later
        if later:  # too little history: the pool widened, and the case says so
            assert "finished after the decision" in c.not_blind, what
        else:
            thin = len(law.points) < blind_priors().learning.min_priors
            assert not thin or "learned from only" in c.not_blind, what


@pytest.mark.parametrize("case", CASES, ids=NAMES)
def test_drill_and_blast_is_learned_from_earlier_headings_only(case: Case) -> None:
    # Alpine road tunnels from 1962 on are in data/drive_averages.toml: even the earliest
    # decision (Gotthard road, 1969) has min_priors drill-and-blast headings finished before it.
    law = advance_law(case, "drill-and-blast")
    assert law.later == 0
    assert len(law.points) >= blind_priors().learning.min_priors
    assert all(p.year < case.decision.year for p in law.points)


@pytest.mark.parametrize("case", CASES, ids=NAMES)
def test_the_compile_never_reads_the_estimate_programme_or_outcome(case: Case) -> None:
    doc = compile_case(case).document
    changed = case.model_copy(
        update={
            "estimate": None,
            "programme": None,
            "outturn": None
            if case.outturn is None
            else case.outturn.model_copy(update={"amount": case.outturn.amount * 7.0}),
            "opening": case.opening.model_copy(
                update={"date": case.opening.date.replace(year=case.opening.date.year + 9)}
            ),
            "advance": [],
        }
    )
    assert compile_case(changed).document == doc
    validate_document(doc)  # and it is a valid scenario


def _mode_cost(doc: dict[str, Any]) -> tuple[float, float]:
    """All-in cost of a compiled document with every cost input at its value, and its base."""
    cons = doc["construction"]
    ref = cons["bores"][0]["cost_reference_diameter_m"]
    route = doc["route"]["attack_points"]
    assert all(a["site_cost_usd_m"]["value"] == 0 for a in route)
    length = max(z["to_km"] for z in doc["geology"]["zones"])
    per_km = heading = track = 0.0
    for b in cons["bores"]:
        km = b.get("to_km", length) - b.get("from_km", 0.0)
        per_km += km * (b["diameter_m"] / ref) ** 2 * b["unit_cost_usd_m_per_km"]["value"]
        days = float(b["heading_cost_usd_m_per_day"]["note"].split()[1])
        heading = b["heading_cost_usd_m_per_day"]["value"] * days  # same for every bore
        track += km if b["role"] == "running" else 0.0
    systems = cons["fitout"]["usd_m_per_track_km"]["value"] * track
    base = per_km + heading + systems
    return base * (1 + cons["owner_cost_fraction"]["mode"]), base


@pytest.mark.parametrize("case", CASES, ids=NAMES)
def test_cost_elements_add_up_to_the_learned_rate(case: Case) -> None:
    c = compile_case(case)
    total, _ = _mode_cost(c.document)
    p = blind_priors()
    ref = p.learning.reference_diameter_m
    route = case.geometry.route_length_km
    eq_km = 0.0
    for b in c.document["construction"]["bores"]:
        eq_km += (b.get("to_km", route) - b.get("from_km", 0.0)) * (b["diameter_m"] / ref) ** 2
    expected = c.unit_cost.median * eq_km
    if case.outturn is not None and case.outturn.scope == "tunnel-civil":
        expected *= 1 - p.scope.systems_share  # a civil-only outturn is predicted without systems
    assert total == pytest.approx(expected, rel=1e-4)  # heading-days read from a rounded note


@settings(max_examples=15, deadline=None)
@given(k=st.floats(1.05, 3.0), which=st.sampled_from(NAMES))
def test_a_longer_tunnel_never_costs_less(k: float, which: str) -> None:
    case = next(c for c in CASES if c.name == which)
    g = case.geometry
    longer = g.model_copy(
        update={
            "route_length_km": g.route_length_km * k,
            "bores": [
                b.model_copy(
                    update={
                        "length_km": b.length_km * k,
                        "segments": [
                            s.model_copy(update={"length_km": s.length_km * k}) for s in b.segments
                        ],
                    }
                )
                for b in g.bores
            ],
            "attack_points": [
                a.model_copy(update={"chainage_km": a.chainage_km * k}) for a in g.attack_points
            ],
        }
    )
    base, _ = _mode_cost(compile_case(case).document)
    more, _ = _mode_cost(compile_case(case.model_copy(update={"geometry": longer})).document)
    assert more > base


def test_unit_cost_is_the_log_median_of_its_pool() -> None:
    case = next(c for c in CASES if c.name == "follo-line")
    law = unit_cost_law(case)
    values = [p.value for p in law.points]
    assert law.median == pytest.approx(math.exp(statistics.median(math.log(v) for v in values)))
    assert all(p.year < case.decision.year for p in law.points) and law.later == 0


def test_unit_cost_class_is_method_and_use_then_method_then_all() -> None:
    def pt(name: str, year: int, value: float, fam: str, use: str) -> Point:
        return Point(name, year, value, fam, use)

    pool = [
        pt("road-a", 1980, 10.0, "drill-and-blast", "road"),
        pt("road-b", 1981, 20.0, "drill-and-blast", "road"),
        pt("road-c", 1982, 40.0, "drill-and-blast", "road"),
        pt("rail-a", 1983, 400.0, "drill-and-blast", "rail"),
        pt("tbm-a", 1984, 900.0, "tbm", "road"),
        pt("late", 2020, 5.0, "drill-and-blast", "road"),
    ]
    law = _law(pool, 2000, 3, "unit cost", "drill-and-blast", "road")
    assert law.names == ["road-a", "road-b", "road-c"] and law.median == pytest.approx(20.0)
    # two of the same use only: the class widens to the same method, not to every tunnel
    law = _law(pool, 2000, 3, "unit cost", "drill-and-blast", "rail")
    assert sorted(law.names) == ["rail-a", "road-a", "road-b", "road-c"]
    law = _law(pool, 2000, 3, "unit cost", "tbm", "road")
    assert "tbm-a" in law.names and "late" not in law.names and len(law.names) == 5
    # a case's own use reaches its law: the shipped road cases learn from road tunnels first
    road = next(c for c in CASES if c.name == "laerdal")
    uses = {r.name: r.use for r in reference_rows()} | {c.name: c.use for c in CASES}
    learned = unit_cost_law(road)
    assert len(learned.points) >= 3 and not learned.later
    assert all(uses[n] == "road" for n in learned.names)


def test_leave_one_out_residual_never_sees_its_case(blind: Any) -> None:
    errors, names = blind.errors, blind.names
    for c in blind.cases:
        i = names.index(c.name)
        others = np.delete(errors, i, axis=0)
        # calibrated P50 / bottom-up P50 is exp(mean of the OTHER cases' errors), up to MC noise
        for m, q, inside in (
            (1, c.duration_years, c.inside_duration_years),
            (0, c.cost_usd_bn, c.inside_cost_usd_bn),
        ):
            col = others[:, m]
            mean = float(np.nanmean(col))
            assert math.log(q["p50"] / inside["p50"]) == pytest.approx(mean, abs=0.12), c.name
    assert blind.residual.cases == len(names) == len(CASES)


def test_errors_are_actual_over_bottom_up_p50(blind: Any) -> None:
    for c in blind.cases:
        i = blind.names.index(c.name)
        e_cost, e_dur = blind.errors[i]
        assert e_dur == pytest.approx(
            math.log(c.actual_duration_years / c.inside_duration_years["p50"]), abs=0.02
        )
        if c.actual_cost_usd_bn is None:
            assert math.isnan(e_cost)
        else:
            assert e_cost == pytest.approx(
                math.log(c.actual_cost_usd_bn / c.inside_cost_usd_bn["p50"]), abs=0.02
            )


def test_same_seed_same_result() -> None:
    a = run_blind(["laerdal"], draws=200, seed=3)
    b = run_blind(["laerdal"], draws=200, seed=3)
    assert a.cases == b.cases
    assert np.array_equal(a.errors, b.errors, equal_nan=True)


def _extra_case(tmp_path: Path, name: str) -> Path:
    """A user's file holding one case: the shipped Westerschelde text under another name."""
    text = DATA.read_text(encoding="utf-8")
    start = text.index('[[cases]]\nname = "westerschelde"')
    end = text.find("\n[[cases]]\n", start + 1)
    block = text[start : end if end > 0 else len(text)]
    block = block.replace('name = "westerschelde"', f'name = "{name}"', 1)
    block = "\n".join(ln for ln in block.splitlines() if not ln.startswith("reference_row"))
    path = tmp_path / "mine.toml"
    path.write_text(f'schema_version = 1\n[meta]\ntitle = "mine"\n\n{block}\n', encoding="utf-8")
    assert tomllib.loads(path.read_text(encoding="utf-8"))["cases"][0]["name"] == name
    return path


def test_cli_runs_a_users_case_blind(tmp_path: Path, cwd: Path) -> None:
    path = _extra_case(tmp_path, "my-tunnel")
    result = CliRunner().invoke(
        app, ["hindcast", "my-tunnel", "--cases", str(path), "-n", "200", "--json"]
    )
    assert result.exit_code == 0, result.output
    d = json.loads(result.stdout)
    assert d["kind"] == "blind" and [c["name"] for c in d["cases"]] == ["my-tunnel"]
    case = d["cases"][0]
    # a copy of a shipped case learns from the shipped one (finished earlier or later)
    assert case["learned_from"]["unit_cost"]
    assert d["model_error"]["cases"] == len(CASES) + 1


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--cases", "nope.toml"], "--cases"),
        (["atlantis"], "a case name"),
        (["--bottom-up"], "only with --anchored"),
        (["--anchored", "--cases", "x.toml"], "blind hindcasts only"),
    ],
)
def test_cli_bad_blind_input_exits_2(cwd: Path, args: list[str], expected: str) -> None:
    result = CliRunner().invoke(app, ["hindcast", *args, "-n", "100"])
    assert_clean_failure(result, cwd, expected)


def test_cli_a_repeated_name_is_refused(tmp_path: Path, cwd: Path) -> None:
    path = _extra_case(tmp_path, "laerdal")
    result = CliRunner().invoke(app, ["hindcast", "--cases", str(path), "-n", "100"])
    assert_clean_failure(result, cwd, "a name no shipped or other case has")


def test_shipped_model_error_is_current() -> None:
    """``data/model_error.toml`` is what a fresh run of every blind hindcast fits."""
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "tools" / "model_error.py"
    spec = importlib.util.spec_from_file_location("model_error_tool", path)
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    assert tool.PATH.read_text(encoding="utf-8") == tool.render()


def test_calibrated_forecast_is_the_inside_view_times_the_learned_error() -> None:
    import beringia
    from beringia.tables.model_error import model_error

    a = beringia.assess("bering-strait-claim", draws=4000, seed=11)
    b = beringia.assess("bering-strait-claim", draws=4000, seed=11, processes=2)
    assert a.calibrated is not None and b.calibrated is not None
    assert np.array_equal(a.calibrated.cost_usd_bn, b.calibrated.cost_usd_bn)
    assert np.array_equal(a.calibrated.duration_years, b.calibrated.duration_years)
    me = model_error().residual()
    ratio = np.log(a.calibrated.cost_usd_bn / a.inside_cost_usd_bn)
    assert float(np.median(ratio)) == pytest.approx(me.mean[0], abs=0.05)
    assert float(np.quantile(ratio, 0.9)) == pytest.approx(me.quantile(0, 0.9), abs=0.08)
    d = a.to_dict()["construction"]["calibrated_forecast"]
    assert d["model_error"]["blind_hindcasts"] == len(model_error().cases)


def test_calibrated_tornado_ranks_the_learned_errors_beside_the_inputs() -> None:
    import beringia
    from beringia.pipeline.calibrated import MODEL_ERROR_INPUTS, calibrate

    a = beringia.assess("bering-strait", draws=3000, seed=5)
    assert a.calibrated is not None
    bars = {t.input: t for t in a.calibrated.tornado}
    cost_err, time_err = (bars[k] for k in MODEL_ERROR_INPUTS)
    # a log-error with sd ~1 dwarfs the inside view's spread: it leads its own output
    assert cost_err.cost_rank_corr > 0.8 and time_err.duration_rank_corr > 0.8
    assert any(k.startswith("construction.") for k in bars)  # engineering inputs and risks beside
    d = a.to_dict()["construction"]["calibrated_forecast"]["tornado"]
    assert [t["input"] for t in d] == [t.input for t in a.calibrated.tornado]
    # known answer: an input that is the inside cost's own log, errors of zero, ranks +1
    cost = np.exp(np.linspace(0.0, 1.0, 50))
    cal = calibrate(cost, cost, np.zeros((50, 2)), 1, {}, {"x": np.log(cost)})
    assert cal.tornado[0].input == "x" and cal.tornado[0].cost_rank_corr == pytest.approx(1.0)
    assert np.array_equal(cal.cost_usd_bn, cost)


def test_inside_view_cost_does_not_move_with_the_schedule_factor() -> None:
    import beringia

    def run(f: float) -> Any:
        return beringia.assess(
            "bering-strait",
            overrides=[f'construction.systemic.schedule_factor={{dist="fixed", value={f}}}'],
            draws=1000,
            seed=9,
        )

    a, b = run(1.5), run(3.0)
    assert np.all(b.cost_usd_bn > a.cost_usd_bn)  # the headline pays the longer schedule
    # The inside view pays its own schedule; it moves only through what the factor still
    # reaches (risks whose chance grows with the works' duration, stops): a small share of
    # the headline's move (before the inside view paid the dilated time costs: about half).
    move = float(np.median(b.cost_usd_bn) - np.median(a.cost_usd_bn))
    inside_move = float(np.median(b.inside_cost_usd_bn) - np.median(a.inside_cost_usd_bn))
    assert abs(inside_move) < 0.15 * move
    for k in ("machines", "sites", "tunnelling_length", "events", "cross_passages", "fitout"):
        assert np.array_equal(a.breakdown_usd_bn[k], b.breakdown_usd_bn[k])


def test_set_applies_to_every_blind_case(blind: Any) -> None:
    quick = run_blind(draws=400, seed=7, overrides=["construction.fitout.commissioning_months=0"])
    for a, b in zip(blind.cases, quick.cases, strict=True):
        assert b.inside_duration_years["p50"] < a.inside_duration_years["p50"], a.name
        assert b.inside_cost_usd_bn == a.inside_cost_usd_bn  # commissioning costs nothing here
