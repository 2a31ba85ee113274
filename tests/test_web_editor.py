"""The editor form generated from the JSON Schema: every input is a `--set` path that the
validator takes back unchanged, and every figure's provenance shows as its group's badges."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from beringia.pipeline.provenance import input_rows
from beringia.scenario.io import (
    builtin_names,
    load_scenario,
    read_document,
    scenario_hash,
    scenario_schema,
)
from beringia.web.editor import Group, Input, editor_sections, unit_of


def _inputs(g: Group) -> Iterator[Input]:
    yield from g.inputs
    for sub in g.groups:
        yield from _inputs(sub)


def _groups(g: Group) -> Iterator[Group]:
    yield g
    for sub in g.groups:
        yield from _groups(sub)


def _in_document(doc: dict[str, Any], path: str) -> bool:
    """Whether the first two steps of a path are in the document itself."""
    head, _, rest = path.partition(".")
    section = doc.get(head)
    return not isinstance(section, dict) or rest.split(".")[0] in section


def _as_set(i: Input) -> str:
    """The edit the page's script sends for an input left at its value."""
    if i.kind in ("number", "integer", "list", "bool"):
        return f"{i.path}={i.value}"
    return f"{i.path}={json.dumps(i.value)}"


@pytest.mark.parametrize("name", builtin_names())
def test_every_input_is_a_set_path_the_validator_takes_back(name: str) -> None:
    sections = editor_sections(read_document(name), scenario_schema())
    inputs = [i for s in sections for i in _inputs(s)]
    assert len(inputs) > 200
    assert len({i.path for i in inputs}) == len(inputs)
    same = load_scenario(name, [_as_set(i) for i in inputs if not i.readonly])
    assert scenario_hash(same) == scenario_hash(load_scenario(name))


def test_a_changed_input_changes_that_field_only() -> None:
    sections = editor_sections(read_document("bering-strait"), scenario_schema())
    (d,) = [i for s in sections for i in _inputs(s) if i.path.endswith("running-north.diameter_m")]
    assert (d.kind, d.unit, d.minimum, d.maximum) == ("number", "m", 1.0, 20.0)
    changed = load_scenario("bering-strait", [f"{d.path}=8.1"])
    assert changed.construction.bores[0].diameter_m == 8.1


def test_every_figure_shows_its_source_and_badges() -> None:
    doc = read_document("bering-strait")
    groups = {g.path: g for s in editor_sections(doc, scenario_schema()) for g in _groups(s)}
    rows = input_rows(load_scenario("bering-strait"))
    assert len(rows) > 100
    # figures a scenario takes from shipped tables (the corridor's network and places, the
    # train library) are not in its document, so not in the editor
    shown = [r for r in rows if _in_document(doc, r.path)]
    assert len(shown) > 200 and len(rows) - len(shown) < 100
    for row in shown:
        g = groups[row.path]
        assert g.source == row.source, row.path
        assert ("assumed" in g.badges) == row.assumed, row.path
        assert ("unverified" in g.badges) == row.unverified, row.path


@pytest.mark.parametrize(
    ("key", "unit"),
    [
        ("unit_cost_usd_m_per_km", "USD m/km"),
        ("diameter_m", "m"),
        ("length_km", "km"),
        ("max_gradient_permille", "‰"),
        ("start_day_of_year", "day of year"),
        ("owner_cost_fraction", ""),
    ],
)
def test_units_come_from_field_names(key: str, unit: str) -> None:
    assert unit_of(key) == unit
