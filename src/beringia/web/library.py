"""The scenario library of the web app: built-in scenarios and the ones saved from the web.

A name from a request never becomes a path by itself: built-ins are looked up in the list of
built-in names, saved scenarios in the listing of their folder, and a new saved name must match
:data:`SAVED_NAME` (lower-case letters, digits, ``-`` and ``_``; no dots, no slashes).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from beringia.errors import ScenarioError
from beringia.output import write_atomic
from beringia.scenario.io import (
    apply_overrides,
    builtin_names,
    parse_scenario_text,
    read_document,
    resolve_variant,
    validate_document,
)
from beringia.scenario.io import scenario_schema as _scenario_schema
from beringia.scenario.model import Scenario
from beringia.scenario.plain import check_plain

SAVED_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
MAX_OVERRIDES = 500


@cache
def scenario_schema() -> dict[str, Any]:
    """Return the scenario's JSON Schema (built once; callers must not change it)."""
    return _scenario_schema()


@cache
def _builtin_titles() -> tuple[tuple[str, str], ...]:
    """Name and title of each built-in scenario (package data: read once)."""
    return tuple((n, str(read_document(n).get("title", ""))) for n in builtin_names())


@dataclass(frozen=True)
class Entry:
    """One scenario of the library."""

    name: str
    title: str
    kind: str
    """``builtin`` or ``saved``."""


class Library:
    """Built-in scenarios and those saved in ``<data folder>/scenarios`` as JSON."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder / "scenarios"

    def saved_names(self) -> list[str]:
        """Names of the saved scenarios, sorted (files whose names are not valid are ignored)."""
        if not self.folder.is_dir():
            return []
        return sorted(
            p.stem
            for p in self.folder.iterdir()
            if p.suffix == ".json" and SAVED_NAME.fullmatch(p.stem) and p.is_file()
        )

    def entries(self) -> list[Entry]:
        """Every scenario: built-ins first, then the saved ones."""
        out = [Entry(name, title, "builtin") for name, title in _builtin_titles()]
        for name in self.saved_names():
            out.append(Entry(name, str(self.document(name).get("title", "")), "saved"))
        return out

    def document(self, name: str) -> dict[str, Any]:
        """Return the raw document of a built-in or saved scenario.

        Raises
        ------
        ScenarioError
            If no scenario has that name.
        """
        if name in builtin_names():
            return read_document(name)
        if name in self.saved_names():
            try:
                doc = json.loads((self.folder / f"{name}.json").read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise ScenarioError("scenario", name, f"saved file unreadable: {exc}") from None
            if isinstance(doc, dict):
                return doc
        known = ", ".join(builtin_names() + self.saved_names())
        raise ScenarioError("scenario", name, f"no scenario of that name; allowed: {known}")

    def save(self, name: str, scenario: Scenario) -> Path:
        """Keep a validated scenario under a new or saved name (not a built-in's)."""
        if not SAVED_NAME.fullmatch(name):
            raise ScenarioError(
                "name",
                name,
                "allowed: 1 to 64 lower-case letters, digits, '-' or '_', starting with a "
                "letter or digit",
            )
        if name in builtin_names():
            raise ScenarioError("name", name, "a built-in scenario has that name")
        text = json.dumps(scenario.model_dump(mode="json"), indent=1, sort_keys=True) + "\n"
        return write_atomic(text, self.folder / f"{name}.json", field="name")

    def remove(self, name: str) -> None:
        """Delete a saved scenario (built-ins cannot be deleted)."""
        if name not in self.saved_names():
            raise ScenarioError("scenario", name, "not a saved scenario of this app")
        (self.folder / f"{name}.json").unlink()

    def build(
        self,
        name: str | None,
        document: Mapping[str, Any] | None,
        overrides: Iterable[str] = (),
    ) -> Scenario:
        """Validate a scenario: a library name or a whole document, then ``--set`` overrides.

        The same steps as ``beringia assess NAME --set ...`` (read, override, validate).
        """
        edits = list(overrides)
        if len(edits) > MAX_OVERRIDES:
            raise ScenarioError("overrides", len(edits), f"allowed: at most {MAX_OVERRIDES}")
        return validate_document(apply_overrides(self.source(name, document), edits))

    def source(self, name: str | None, document: Mapping[str, Any] | None) -> dict[str, Any]:
        """Return the raw document a request gives: a library name's, or a whole document.

        Variants are resolved; nothing is validated yet (as :func:`beringia.load_scenario`
        reads a file before its overrides).
        """
        if document is not None:
            doc = dict(document)
            check_plain(doc)
            return resolve_variant(doc, "document")
        if name is not None:
            return self.document(name)
        raise ScenarioError("scenario", None, "give a scenario name or a document")


def parse_toml(data: bytes, field: str = "file") -> dict[str, Any]:
    """Parse an uploaded TOML scenario (UTF-8) into a raw document, variants resolved."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(field, "(upload)", f"not UTF-8 text: {exc.reason}") from None
    doc = parse_scenario_text(text, field)
    return resolve_variant(doc, field)
