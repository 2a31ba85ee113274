"""A blind case never learns from its own outturn, whether or not it links its reference row."""

from __future__ import annotations

import pytest

from beringia.models.blind.priors import cost_points, same_tunnel
from beringia.models.reference.dataset import reference_rows
from beringia.tables.tunnel_cases import Case, tunnel_cases

CASES = {c.name: c for c in tunnel_cases().cases}
ROWS = {r.name: r for r in reference_rows()}


def _unlinked(case: Case, **update: object) -> Case:
    return case.model_copy(update={"reference_row": None, **update})


@pytest.mark.parametrize("name", ["laerdal", "channel-tunnel", "gotthard-base", "eurasia"])
def test_an_unlinked_case_does_not_learn_from_its_own_row(name: str) -> None:
    case = CASES[name]
    row = case.reference_row
    assert row is not None and row in ROWS
    # by name: the row's name is in the case's title
    named = _unlinked(case)
    assert row in named.title and same_tunnel(named, ROWS[row])
    assert row not in {p.name for p in cost_points(named)}
    # by description: same country, length within 3 %, opened within a year
    anonymous = _unlinked(case, title="A tunnel", name="a-tunnel")
    assert same_tunnel(anonymous, ROWS[row])
    assert row not in {p.name for p in cost_points(anonymous)}


def test_another_tunnel_is_not_taken_for_the_case() -> None:
    case = _unlinked(CASES["laerdal"], title="A tunnel", name="a-tunnel")
    others = [r for r in ROWS.values() if r.name != "Laerdal Tunnel"]
    assert not any(same_tunnel(case, r) for r in others)
    # a tunnel of the same length and year elsewhere is someone else's
    moved = case.model_copy(update={"country": "XX"})
    assert not same_tunnel(moved, ROWS["Laerdal Tunnel"])
    # ... and so is one of the same country opened years apart
    later = case.model_copy(
        update={
            "opening": case.opening.model_copy(
                update={"date": case.opening.date.replace(year=2010)}
            )
        }
    )
    assert not same_tunnel(later, ROWS["Laerdal Tunnel"])


def test_the_shipped_cases_learn_from_the_same_pools_as_their_links_say() -> None:
    for case in CASES.values():
        own = {r.name for r in ROWS.values() if same_tunnel(case, r)}
        assert own <= {case.reference_row}, case.name
