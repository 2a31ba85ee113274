"""Shared fixtures: a minimal scenario document whose answers can be worked out by hand."""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from typer.testing import CliRunner

# CI runs the property tests on a fixed sequence of examples, so a run is repeatable;
# locally they explore new examples each time.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


def minimal_doc() -> dict[str, Any]:
    """One bore, one ground class, fixed inputs, no events: a hand-checkable tunnel.

    12 km bored from the west portal only at 2 m/h x 0.25 x 24 h = 12 m/day: 1,000 days.
    """
    fixed0 = {"dist": "fixed", "value": 0.0}
    point = {
        "kind": "portal",
        "marine_works_days": fixed0,
        "site_works_months": fixed0,
        "site_cost_usd_m": 50.0,
        "overhead_usd_m_per_year": 10.0,
        "source": "test",
    }
    return {
        "schema_version": 1,
        "name": "hand",
        "title": "hand-checkable",
        "route": {
            "attack_points": [
                {**point, "name": "west", "chainage_km": 0.0, "headings": ["east"]},
                {**point, "name": "east", "chainage_km": 12.0, "headings": []},
            ]
        },
        "geology": {
            "classes": [{"name": "rock", "source": "test"}],
            "zones": [
                {
                    "name": "all",
                    "from_km": 0.0,
                    "to_km": 12.0,
                    "share": {"rock": 1.0},
                    "mean_run_m": {"rock": 1000.0},
                    "source": "test",
                }
            ],
        },
        "construction": {
            "start_day_of_year": 0.0,
            "marine_season": {"open_day_of_year": 182, "close_day_of_year": 305},
            "advance_envelope": {
                "record_m_per_day": 1000.0,
                "record_diameter_m": 3.4,
                "area_exponent": 0.4,
            },
            "machines": [
                {
                    "name": "tbm",
                    "reference_diameter_m": 9.0,
                    "penetration_m_per_h": {"rock": 2.0},
                    "utilisation": {"rock": 0.25},
                    "manufacture_months": 0.0,
                    "shipping_days": 0.0,
                    "launch_months": 0.0,
                    "learning_days": 0.0,
                    "learning_initial_efficiency": 1.0,
                }
            ],
            "bores": [
                {
                    "name": "main",
                    "role": "running",
                    "diameter_m": 9.0,
                    "machine": "tbm",
                    "cost_reference_diameter_m": 9.0,
                    "unit_cost_usd_m_per_km": 10.0,
                    "machine_cost_usd_m": 20.0,
                    "heading_cost_usd_m_per_day": 0.1,
                    "performance_factor": 1.0,
                }
            ],
            "events": [],
            "cross_passages": {
                "spacing_m": 500.0,
                "cost_usd_m_each": 1.0,
                "months_after_breakthrough": 0.0,
            },
            "fitout": {
                "usd_m_per_track_km": 5.0,
                "fixed_usd_m": 100.0,
                "track_km_per_month_per_front": 1.0,
                "integration_months": 0.0,
                "commissioning_months": 0.0,
            },
            "arctic": {
                "labour_cost_factor": 1.0,
                "materials_cost_factor": 1.0,
                "surface_productivity": 1.0,
            },
            "owner_cost_fraction": 0.1,
        },
        "claims": [
            {"name": "cheap", "max_cost_bn": 0.1, "source": "test"},
            {"name": "fast", "max_duration_years": 10.0, "source": "test"},
        ],
    }


@pytest.fixture
def runner() -> CliRunner:
    """A CLI runner on a wide, colourless terminal, so nothing wraps or is styled."""
    return CliRunner(env={"COLUMNS": "300", "NO_COLOR": "1", "FORCE_COLOR": None})


@pytest.fixture
def cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in an empty directory (the default report path lands there)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def hand_doc() -> dict[str, Any]:
    """A fresh copy of :func:`minimal_doc`."""
    return copy.deepcopy(minimal_doc())


def typed_in(name: str = "bering-strait") -> dict[str, Any]:
    """A built-in scenario with its alignment replaced by the chainages it designs.

    Tests that vary chainages directly (a longer tunnel, an extra shaft) start from this.
    """
    from beringia.models.alignment import alignment_for
    from beringia.models.construction.compile import places_m, zone_bounds
    from beringia.scenario import load_scenario
    from beringia.scenario.io import read_document

    doc = read_document(name)
    sc = load_scenario(doc)
    places = places_m(sc, alignment_for(sc))
    bounds = zone_bounds(sc, places)
    doc.pop("alignment")
    for section in ("operations", "corridor", "market", "economics"):
        doc.pop(section, None)  # construction only: traffic has nothing to do with these tests
    for p in doc["route"]["attack_points"]:
        p.pop("waypoint", None)
        p["chainage_km"] = round(places[p["name"]] / 1000.0, 6)
    for z, (start, end) in zip(doc["geology"]["zones"], bounds, strict=True):
        z.pop("from_point", None)
        z.pop("to_point", None)
        z["from_km"] = round(start / 1000.0, 6)
        z["to_km"] = round(end / 1000.0, 6)
    doc["geology"]["zones"][-1]["to_km"] = doc["route"]["attack_points"][-1]["chainage_km"]
    return doc
