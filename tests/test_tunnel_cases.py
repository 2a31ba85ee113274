"""The shipped finished-tunnel cases for blind hindcasts: they load, add up and are sourced."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pydantic import BaseModel

from beringia.errors import ScenarioError
from beringia.tables.money import money_table
from beringia.tables.schema import read_table
from beringia.tables.tunnel_cases import (
    BORE_OVER_ROUTE,
    SEGMENT_TOLERANCE_KM,
    Case,
    Cited,
    parse_tunnel_cases,
    tunnel_cases,
)

CASES = tunnel_cases().cases
NAMES = [c.name for c in CASES]


def raw() -> dict[str, Any]:
    """A fresh, mutable copy of the shipped document."""
    return copy.deepcopy(read_table("tunnel_cases.toml"))


def cited(model: BaseModel, path: str = "") -> Iterator[tuple[str, Cited]]:
    """Every sourced table inside ``model`` with its dotted path."""
    if isinstance(model, Cited):
        yield path, model
    for name in type(model).model_fields:
        value = getattr(model, name)
        items = value if isinstance(value, list) else [value]
        for i, item in enumerate(items):
            if isinstance(item, BaseModel):
                where = f"{path}.{name}.{i}" if isinstance(value, list) else f"{path}.{name}"
                yield from cited(item, where)


# ------------------------------------------------------------------------------ the file


def test_at_least_fourteen_finished_cases_across_uses_and_settings() -> None:
    assert len(CASES) >= 14
    assert len(set(NAMES)) == len(NAMES)
    assert {c.use for c in CASES} == {"rail", "road"}
    assert {"subsea", "mountain"} <= {c.setting for c in CASES}
    assert any(c.use == "road" and c.setting == "subsea" for c in CASES)


def test_by_name_finds_a_case_and_names_the_others_when_it_fails() -> None:
    assert tunnel_cases().by_name("gotthard-base").title.startswith("Gotthard Base")
    with pytest.raises(ScenarioError, match="gotthard-base"):
        tunnel_cases().by_name("bering-strait")


@pytest.mark.parametrize("case", CASES, ids=NAMES)
def test_dates_are_in_order(case: Case) -> None:
    assert case.decision.year <= case.start.date.year
    assert case.opening.date > case.start.date
    assert 0.5 < case.actual_duration_years < 40.0
    for adv in case.advance:
        assert case.start.date.year - 1 <= adv.start.year
        assert adv.start < adv.end <= case.opening.date
    if case.programme is not None:
        assert case.programme.stated <= case.opening.date
        planned = case.planned_duration_years
        assert planned is not None and 0.0 < planned < 30.0


@pytest.mark.parametrize("case", CASES, ids=NAMES)
def test_bores_are_the_sum_of_their_method_segments(case: Case) -> None:
    route = case.geometry.route_length_km
    for bore in case.geometry.bores:
        total = sum(s.length_km for s in bore.segments)
        assert total == pytest.approx(bore.length_km, abs=max(SEGMENT_TOLERANCE_KM, 0.005 * total))
        assert bore.length_km <= BORE_OVER_ROUTE * route
        assert bore.diameter_m is None or 3.0 < bore.diameter_m < 16.0


@pytest.mark.parametrize("case", CASES, ids=NAMES)
def test_attack_points_lie_on_the_route_and_drive_somewhere(case: Case) -> None:
    route = case.geometry.route_length_km
    points = case.geometry.attack_points
    assert all(0.0 <= p.chainage_km <= route for p in points)
    assert any(p.headings for p in points)
    for p in points:  # a heading never drives off the end of the route
        assert not (p.chainage_km == 0.0 and "west" in p.headings)
        assert not (p.chainage_km == route and "east" in p.headings)


@pytest.mark.parametrize("case", CASES, ids=NAMES)
def test_tbm_count_matches_the_methods(case: Case) -> None:
    tbm_km = sum(
        s.length_km for b in case.geometry.bores for s in b.segments if s.method.startswith("tbm-")
    )
    if case.geometry.tbm_count is not None:
        assert (case.geometry.tbm_count > 0) == (tbm_km > 0)


@pytest.mark.parametrize("case", CASES, ids=NAMES)
def test_every_figure_is_sourced_and_every_assumption_explained(case: Case) -> None:
    tables = list(cited(case, case.name))
    assert len(tables) >= 6  # decision, start, opening, geometry, bores, attack points
    for where, table in tables:
        assert table.source.strip(), where
        if table.assumed:
            assert table.note.strip(), where
    assert len(case.not_blind) > 40


@pytest.mark.parametrize("case", CASES, ids=NAMES)
def test_money_converts_with_the_money_table(case: Case) -> None:
    table = money_table()
    for money in (case.estimate, case.outturn):
        if money is not None:
            usd = table.to_usd(money.amount, money.currency, money.year)
            assert usd > 0.0
    if case.estimate is not None and case.outturn is not None:
        est = case.estimate
        out = case.outturn
        ratio = table.convert(out.amount, out.currency, out.year, est.currency, est.year)
        assert 0.5 < ratio / est.amount < 15.0  # Hallandsas is the worst, about x10


@pytest.mark.parametrize("case", CASES, ids=NAMES)
def test_stated_advance_agrees_with_length_over_calendar_days(case: Case) -> None:
    for adv in case.advance:
        derived = adv.length_m / (adv.end - adv.start).days
        assert adv.calendar_m_per_day == pytest.approx(derived, rel=0.25)
        assert 1.0 < adv.calendar_m_per_day < 40.0


def test_coverage_of_the_benchmark_and_the_outcome() -> None:
    with_estimate = [c for c in CASES if c.estimate is not None]
    with_outturn = [c for c in CASES if c.outturn is not None]
    with_programme = [c for c in CASES if c.programme is not None]
    assert len(with_estimate) >= 11
    assert len(with_outturn) >= 12
    assert len(with_programme) >= 10
    assert sum(c.programme_before_start for c in CASES) >= 6


def test_known_answers() -> None:
    gotthard = tunnel_cases().by_name("gotthard-base")
    assert gotthard.actual_duration_years == pytest.approx(17.1, abs=0.01)
    assert gotthard.estimate is not None and gotthard.estimate.amount == 6.4e9
    assert not gotthard.programme_before_start  # promised in 2000, after the 1999 start
    ceneri = tunnel_cases().by_name("ceneri-base")
    assert ceneri.planned_duration_years == pytest.approx(10.15, abs=0.01)
    assert ceneri.programme_before_start
    arlberg = tunnel_cases().by_name("arlberg-road")
    assert [round(a.calendar_m_per_day, 1) for a in arlberg.advance] == [4.4, 6.7]


def test_a_statement_in_the_start_month_counts_as_before_a_start_known_to_the_month() -> None:
    guadarrama = tunnel_cases().by_name("guadarrama")
    assert guadarrama.start.precision == "month"
    assert guadarrama.programme is not None
    assert guadarrama.programme.stated > guadarrama.start.date
    assert guadarrama.programme_before_start


# ------------------------------------------------------------------------------ bad files


def _case(doc: dict[str, Any], name: str) -> dict[str, Any]:
    return next(c for c in doc["cases"] if c["name"] == name)


def _index(name: str) -> int:
    return NAMES.index(name)


Edit = Callable[[dict[str, Any]], None]


def _set(name: str, keys: tuple[str | int, ...], value: Any) -> Edit:
    def edit(doc: dict[str, Any]) -> None:
        node: Any = _case(doc, name)
        for k in keys[:-1]:
            node = node[k]
        node[keys[-1]] = value

    return edit


def _drop(name: str, keys: tuple[str | int, ...]) -> Edit:
    def edit(doc: dict[str, Any]) -> None:
        node: Any = _case(doc, name)
        for k in keys[:-1]:
            node = node[k]
        del node[keys[-1]]

    return edit


G = _index("gotthard-base")
C = _index("ceneri-base")

BAD: list[tuple[str, Edit, str, str]] = [
    ("unknown key", _set("gotthard-base", ("colour",), "red"), f"cases.{G}.colour", "keys"),
    (
        "missing source",
        _drop("gotthard-base", ("decision", "source")),
        f"cases.{G}.decision.source",
        "non-empty",
    ),
    (
        "blank source",
        _set("gotthard-base", ("opening", "source"), "  "),
        f"cases.{G}.opening.source",
        "non-empty",
    ),
    (
        "string for a number",
        _set("gotthard-base", ("geometry", "route_length_km"), "57.1"),
        f"cases.{G}.geometry.route_length_km",
        "number",
    ),
    (
        "negative length",
        _set("gotthard-base", ("geometry", "bores", 0, "length_km"), -1.0),
        f"cases.{G}.geometry.bores.0.length_km",
        "> 0",
    ),
    (
        "unknown method",
        _set("gotthard-base", ("geometry", "bores", 0, "segments", 0, "method"), "mole"),
        f"cases.{G}.geometry.bores.0.segments.0.method",
        "tbm-gripper",
    ),
    (
        "bad name",
        _set("gotthard-base", ("name",), "Gotthard Base"),
        f"cases.{G}.name",
        "kebab-case",
    ),
    (
        "assumed without note",
        _set("gotthard-base", ("decision", "assumed"), True),
        f"cases.{G}.decision",
        "note",
    ),
    (
        "opening before start",
        _set("gotthard-base", ("opening", "date"), dt.date(1999, 1, 1)),
        f"cases.{G}.opening.date",
        "after start.date",
    ),
    (
        "decision after start",
        _set("gotthard-base", ("decision", "year"), 2001),
        f"cases.{G}.decision.year",
        "at most",
    ),
    (
        "segments do not add up",
        _set("gotthard-base", ("geometry", "bores", 0, "length_km"), 50.0),
        f"cases.{G}.geometry.bores.0.segments",
        "summing",
    ),
    (
        "chainage off the route",
        _set("gotthard-base", ("geometry", "attack_points", 2, "chainage_km"), 70.0),
        f"cases.{G}.geometry.attack_points.2.chainage_km",
        "route_length_km",
    ),
    (
        "bore much longer than route",
        _set("ceneri-base", ("geometry", "route_length_km"), 10.0),
        f"cases.{C}.geometry.bores.0.length_km",
        "route_length_km",
    ),
    (
        "unknown currency",
        _set("gotthard-base", ("estimate", "currency"), "XYZ"),
        f"cases.{G}.estimate.currency",
        "one of",
    ),
    (
        "year outside money table",
        _set("gotthard-base", ("outturn", "year"), 1901),
        f"cases.{G}.outturn.year",
        "a year from",
    ),
    (
        "advance on an unknown bore",
        _set("gotthard-base", ("advance", 0, "bore"), "pilot"),
        f"cases.{G}.advance.0.bore",
        "a bore of the case",
    ),
    (
        "advance disagrees with its dates",
        _set("gotthard-base", ("advance", 0, "m_per_day"), 30.0),
        f"cases.{G}.advance.0.m_per_day",
        "calendar days",
    ),
    (
        "shares above one",
        _set("gotthard-base", ("ground", "soft_share"), 0.5),
        f"cases.{G}.ground",
        "summing",
    ),
    (
        "programme without a date",
        _drop("gotthard-base", ("programme", "planned_opening")),
        f"cases.{G}.programme",
        "planned_opening",
    ),
    (
        "no TBM but TBM segments",
        _set("gotthard-base", ("geometry", "tbm_count"), 0),
        f"cases.{G}.geometry.tbm_count",
        "at least 1",
    ),
    (
        "same heading twice",
        _set("gotthard-base", ("geometry", "attack_points", 2, "headings"), ["east", "east"]),
        f"cases.{G}.geometry.attack_points.2.headings",
        "at most once",
    ),
    (
        "a date as a string",
        _set("gotthard-base", ("start", "date"), "1999-11-04"),
        f"cases.{G}.start.date",
        "date",
    ),
]


@pytest.mark.parametrize(
    ("edit", "field", "allowed"), [b[1:] for b in BAD], ids=[b[0] for b in BAD]
)
def test_a_bad_file_names_the_field(edit: Edit, field: str, allowed: str) -> None:
    doc = raw()
    edit(doc)
    with pytest.raises(ScenarioError) as info:
        parse_tunnel_cases(doc)
    assert info.value.field == f"data/tunnel_cases.toml.{field}"
    assert allowed in info.value.allowed


def test_a_repeated_case_name_is_refused() -> None:
    doc = raw()
    doc["cases"].append(copy.deepcopy(doc["cases"][0]))
    with pytest.raises(ScenarioError) as info:
        parse_tunnel_cases(doc)
    assert info.value.field == f"data/tunnel_cases.toml.cases.{len(CASES)}.name"


def test_errors_name_the_case() -> None:
    doc = raw()
    _set("ceneri-base", ("geometry", "route_length_km"), "long")(doc)
    with pytest.raises(ScenarioError, match="case 'ceneri-base'"):
        parse_tunnel_cases(doc)


def test_the_shipped_document_parses_the_same_twice() -> None:
    assert parse_tunnel_cases(raw()) == tunnel_cases()
