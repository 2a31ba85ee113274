"""Every shipped source cites a document a reader can find, never the project's research notes.

The research notes (construction.md, corridor.md, tbm-limits-risk.md, bering-ground-hazards.md)
are not in the repository: a ``source`` that says "notes 5.1" or "construction.md 6" cannot be
followed. This walks every ``source`` and ``sources`` value of the shipped data tables and
built-in scenarios (inline tables included) and fails on any such citation (issue 17).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).resolve().parents[1] / "src" / "beringia"
SHIPPED = sorted(
    [
        *(DATA / "data").glob("*.toml"),
        *(DATA / "scenario" / "builtin").glob("*.toml"),
        *(DATA / "scenario" / "hindcast").glob("*.toml"),
    ]
)

STILL_TO_DO: set[str] = set()
"""Tables whose sources are still being fixed (none left): a name here skips the test."""

NOTE_CITATION = re.compile(
    r"\b(?:construction|corridor|tbm-limits-risk|bering-ground-hazards|aesthetics)\.md\b"
    r"|\bresearch notes?\b"
    r"|\bnotes'? ?(?:§|section|\d)"
    r"|\(notes\b"
    r"|\b(?:hazards|risk) note\b"
    r"|\bthe notes\b",
    re.IGNORECASE,
)


def _sources(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """Yield (dotted path, text) of every source string under ``value``."""
    if isinstance(value, dict):
        for k, v in value.items():
            where = f"{path}.{k}" if path else str(k)
            if k in ("source", "sources") and isinstance(v, str):
                yield where, v
            elif k in ("source", "sources") and isinstance(v, list):
                yield from ((f"{where}[{i}]", s) for i, s in enumerate(v) if isinstance(s, str))
            else:
                yield from _sources(v, where)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _sources(v, f"{path}[{i}]")


def test_the_walk_finds_sources() -> None:
    found = [s for f in SHIPPED for s in _sources(tomllib.loads(f.read_text("utf-8")), f.name)]
    assert len(SHIPPED) >= 20 and len(found) > 500
    assert list(_sources({"a": [{"x": {"source": "notes 5.1"}}]}, "t")) == [
        ("t.a[0].x.source", "notes 5.1")
    ]
    for bad in ("construction.md 5.2", "notes 3.1: x", "notes §2.3", "(notes 4)", "research notes"):
        assert NOTE_CITATION.search(bad), bad
    for good in ("Koumal 1994", "https://doi.org/10.24355/x", "footnotes 3", "keynotes"):
        assert not NOTE_CITATION.search(good), good


@pytest.mark.parametrize("path", [p for p in SHIPPED if p.name not in STILL_TO_DO], ids=str)
def test_no_source_cites_a_research_note(path: Path) -> None:
    doc = tomllib.loads(path.read_text(encoding="utf-8"))
    bad = [(where, text[:160]) for where, text in _sources(doc, "") if NOTE_CITATION.search(text)]
    assert not bad, f"{path.name}: sources cite the research notes: {bad}"


def test_the_tables_still_to_do_exist() -> None:
    assert STILL_TO_DO <= {p.name for p in SHIPPED}
