"""Mistakes in the corridor, market and economics sections: a clean error through the CLI.

Each case edits the built-in scenario (parsed, changed, written back as TOML) and runs
``beringia assess FILE``; the rule of ``test_bad_input.py`` applies: exit status 2, one or two
lines on stderr naming the field and the value at fault, nothing on stdout, no report written.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers import assert_clean_failure, toml_text
from typer.testing import CliRunner

from beringia.cli import app
from beringia.scenario.io import read_document

SMALL = ["--draws", "50"]
FIXED = {"dist": "fixed", "value": 0.0, "source": "test"}
AT_PORT = {"days": FIXED, "usd_per_feu": FIXED, "source": "test"}


@functools.cache
def _builtin() -> dict[str, Any]:
    doc = read_document("bering-strait")
    # A few replicated years of operations are enough: every case fails in the corridor.
    doc["operations"]["simulated_years"] = 2
    return doc


def builtin() -> dict[str, Any]:
    """A fresh copy of the built-in scenario document."""
    return copy.deepcopy(_builtin())


def node(name: str, kind: str = "city", **extra: Any) -> dict[str, Any]:
    return {"name": name, "kind": kind, "country": "RU", "lat": 60.0, "lon": 100.0} | extra


def segment(a: str, b: str, **extra: Any) -> dict[str, Any]:
    seg: dict[str, Any] = {
        "from": a,
        "to": b,
        "length_km": 100.0,
        "status": "existing",
        "gauge_mm": 1520,
        "line_speed_kmh": 60.0,
        "terrain": "plain",
        "country": "RU",
    }
    seg.update(extra)
    return seg


def unknown_origin(doc: dict[str, Any]) -> None:
    doc["corridor"]["routes"] = [
        {"origin": "Atlantis", "destination": "Chicago", "flow": "asia_us"}
    ]


def unknown_destination(doc: dict[str, Any]) -> None:
    doc["corridor"]["routes"] = [
        {"origin": "Shanghai", "destination": "El Dorado", "flow": "asia_us"}
    ]


def rail_node_off_network(doc: dict[str, Any]) -> None:
    doc["corridor"]["places"] = [
        {
            "name": "Shanghai",
            "rail_node": "Nowhere Junction",
            "ports": [{"port": "CNSHA", **AT_PORT}],
        }
    ]


def lonely_node(doc: dict[str, Any]) -> None:
    doc["corridor"]["nodes"] = [node("Lonely Halt")]


def two_components(doc: dict[str, Any]) -> None:
    tunnel = segment("W", "U", name="Bering Strait tunnel", terrain="subsea", gauge_mm=1520)
    doc["corridor"].update(
        replace_network=True,
        nodes=[node("W"), node("U"), node("Island A"), node("Island B")],
        segments=[tunnel, segment("Island A", "Island B")],
    )


def segment_without_length(doc: dict[str, Any]) -> None:
    seg = segment("Tynda", "Short Cut")
    del seg["length_km"]
    doc["corridor"]["nodes"] = [node("Short Cut")]
    doc["corridor"]["segments"] = [seg]


def new_line_without_unit_cost(doc: dict[str, Any]) -> None:
    doc["corridor"]["nodes"] = [node("Ulaanbaatar", country="MN")]
    doc["corridor"]["segments"] = [segment("Tarskaya", "Ulaanbaatar", status="new", country="MN")]


def unknown_tunnel_train(doc: dict[str, Any]) -> None:
    doc["corridor"]["tunnel_train"] = "maglev"


def unknown_tunnel_segment(doc: dict[str, Any]) -> None:
    doc["corridor"]["tunnel_segment"] = "Channel Tunnel"


def corridor_never_built(doc: dict[str, Any]) -> None:
    """A build rate that would take ages: refused before the yearly cash flows are allocated.

    1 km a year is the least the scenario allows (beringia.scenario.limits); on the corridor's
    thousands of km of new line it still takes centuries.
    """
    doc["corridor"]["km_per_year_per_front"] = {"dist": "fixed", "value": 1.0, "source": "x"}


def corridor_without_operations(doc: dict[str, Any]) -> None:
    del doc["operations"]


def market_without_corridor(doc: dict[str, Any]) -> None:
    del doc["corridor"]


CASES: list[tuple[str, Callable[[dict[str, Any]], None], tuple[str, ...]]] = [
    ("unknown-origin", unknown_origin, ("corridor.routes.0.origin", "Atlantis")),
    ("unknown-destination", unknown_destination, ("corridor.routes.0.destination", "El Dorado")),
    (
        "rail-node-off-network",
        rail_node_off_network,
        ("corridor.places", "Shanghai", "rail_node", "Nowhere Junction"),
    ),
    ("new-node-without-segment", lonely_node, ("corridor.nodes", "Lonely Halt", "connected")),
    (
        "replaced-network-two-components",
        two_components,
        ("corridor.nodes", "Island A", "connected"),
    ),
    (
        "segment-without-length",
        segment_without_length,
        ("corridor.segments", "length_km", "Tynda", "Short Cut", "missing"),
    ),
    (
        "unknown-tunnel-segment",
        unknown_tunnel_segment,
        ("corridor.tunnel_segment", "Channel Tunnel"),
    ),
    (
        "new-line-without-unit-cost",
        new_line_without_unit_cost,
        ("corridor.new_build_usd_m_per_km.MN.plain", "missing"),
    ),
    ("unknown-tunnel-train", unknown_tunnel_train, ("corridor.tunnel_train", "maglev")),
    (
        "corridor-never-built",
        corridor_never_built,
        ("corridor.km_per_year_per_front", "within 200 years"),
    ),
    ("corridor-without-operations", corridor_without_operations, ("corridor", "operations")),
    ("market-without-corridor", market_without_corridor, ("corridor", "market")),
]


@pytest.mark.parametrize(("edit", "expected"), [pytest.param(e, x, id=i) for i, e, x in CASES])
def test_corridor_mistake(
    runner: CliRunner,
    cwd: Path,
    edit: Callable[[dict[str, Any]], None],
    expected: tuple[str, ...],
) -> None:
    doc = builtin()
    edit(doc)
    bad = cwd / "bad.toml"
    bad.write_text(toml_text(doc), encoding="utf-8")
    assert_clean_failure(runner.invoke(app, ["assess", str(bad), *SMALL]), cwd, *expected)


def test_the_untouched_document_is_accepted(runner: CliRunner, cwd: Path) -> None:
    """Written out the same way, the built-in runs: the edits above are the only fault."""
    good = cwd / "good.toml"
    good.write_text(toml_text(builtin()), encoding="utf-8")
    result = runner.invoke(app, ["assess", str(good), *SMALL, "--json"])
    assert result.exit_code == 0, result.output
    assert '"corridor"' in result.stdout
