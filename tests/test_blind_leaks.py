"""A blind case never learns from its own tunnel: not under another case's name, not from
its own drives when the drive table does not link them (found by running unseen tunnels)."""

from __future__ import annotations

import pytest

from beringia.models.blind.priors import (
    advance_points,
    cost_points,
    own_drive,
    same_case,
    unit_cost_law,
)
from beringia.tables.drive_averages import Drive
from beringia.tables.tunnel_cases import Case, tunnel_cases

SHIPPED = {c.name: c for c in tunnel_cases().cases}


def _renamed(case: Case, name: str, **extra: object) -> Case:
    return case.model_copy(update={"name": name, **extra})


def _drive(name: str, start: str, end: str, case: str | None = None) -> Drive:
    return Drive(
        name=name,
        machine="drill-and-blast",
        regime="drill-and-blast",
        ground="gneiss",
        length_m=8000.0,
        start=start,
        end=end,
        m_per_day=6.0,
        source="test",
        case=case,
    )


def test_a_copy_under_another_name_is_the_same_tunnel() -> None:
    seikan = SHIPPED["seikan"]
    copy = _renamed(seikan, "seikan-copy")
    assert same_case(copy, seikan) and same_case(seikan, copy)
    # without the link: the title before its parenthesis still names it
    assert same_case(_renamed(seikan, "seikan-2", reference_row=None), seikan)


@pytest.mark.parametrize("name", ["seikan", "gotthard-base", "laerdal"])
def test_a_copy_never_learns_its_unit_cost_from_the_original(name: str) -> None:
    original = SHIPPED[name]
    copy = _renamed(original, f"{name}-again", reference_row=None)
    pool = [*SHIPPED.values(), copy]
    names = {p.name for p in cost_points(copy, pool)}
    assert original.name not in names and copy.name not in names
    assert original.name not in unit_cost_law(copy, pool).names


def test_different_tunnels_are_not_the_same() -> None:
    cases = list(SHIPPED.values())
    pairs = [(a.name, b.name) for a in cases for b in cases if a is not b and same_case(a, b)]
    assert pairs == []


def test_an_unlinked_drive_of_the_case_is_its_own() -> None:
    road = SHIPPED["gotthard-road"]  # works 1970-1980
    assert own_drive(road, _drive("gotthard-road-north", "1971-01", "1977-12"))
    assert own_drive(road, _drive("anything", "1990-01", "1991-01", case="gotthard-road"))
    # another tunnel's drive of the same years, or the same name long before: not its own
    assert not own_drive(road, _drive("tauern-road", "1971-01", "1974-12"))
    assert not own_drive(road, _drive("gotthard-road-north", "1950-01", "1955-12"))


def test_an_unlinked_own_drive_never_enters_the_advance_pool(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from beringia.models.blind import priors
    from beringia.tables.drive_averages import drive_averages

    table = drive_averages()
    mine = _drive("gotthard-road-north", "1971-01", "1977-12")
    other = _drive("tauern-road-extra", "1971-01", "1974-12")
    patched = table.model_copy(update={"drive": [*table.drive, mine, other]})
    monkeypatch.setattr(priors, "drive_averages", lambda: patched)
    names = {p.name for p in advance_points(SHIPPED["gotthard-road"], "drill-and-blast")}
    assert "tauern-road-extra" in names and "gotthard-road-north" not in names
