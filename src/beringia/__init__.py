"""beringia: an open feasibility simulator for the Bering Strait rail tunnel.

The public API, imported lazily (``import beringia`` loads nothing heavy until a name is
used)::

    import beringia

    sc = beringia.load_scenario("bering-strait", ["construction.bores.0.diameter_m=7"])
    beringia.validate(sc)                      # every check of assess, without the long run
    a = beringia.assess(sc, draws=20_000, seed=2025)
    a.draws()                                  # per-draw results and sampled inputs (pandas)
    beringia.write_report(a, "reports/bering-strait.html")
    beringia.write_draws(a, "draws.parquet")   # the same per draw, with units and provenance

``compare`` runs variants on common random numbers and gives paired differences (``Variant``,
``Comparison``); ``sweep`` runs a scenario over a grid or hypercube of inputs; ``what_if``
finds the input levels at which a claim becomes likely. ``operations``, ``corridor``,
``claims`` and ``hindcast`` run the narrower jobs of the command line's commands of the same
names. ``running_profile`` runs one train over one track (``TrainSpec``, ``Track``, e.g.
``Track.from_sections``): the running-time model alone.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from beringia._version import __version__
from beringia.errors import BeringiaError, ScenarioError

if TYPE_CHECKING:
    from beringia.draws_file import write_draws
    from beringia.pipeline import (
        Assessment,
        Comparison,
        HindcastReport,
        Profile,
        Sweep,
        Track,
        TrainCannotClimbError,
        TrainSpec,
        Validation,
        Variant,
        WhatIf,
        assess,
        claims,
        compare,
        corridor,
        hindcast,
        operations,
        running_profile,
        sweep,
        validate,
        what_if,
    )
    from beringia.report import write_report
    from beringia.scenario import Scenario, load_scenario

_LAZY = {
    "Assessment": "beringia.pipeline",
    "Comparison": "beringia.pipeline",
    "Variant": "beringia.pipeline",
    "compare": "beringia.pipeline",
    "Sweep": "beringia.pipeline",
    "sweep": "beringia.pipeline",
    "WhatIf": "beringia.pipeline",
    "what_if": "beringia.pipeline",
    "HindcastReport": "beringia.pipeline",
    "Validation": "beringia.pipeline",
    "assess": "beringia.pipeline",
    "claims": "beringia.pipeline",
    "corridor": "beringia.pipeline",
    "hindcast": "beringia.pipeline",
    "operations": "beringia.pipeline",
    "validate": "beringia.pipeline",
    "write_draws": "beringia.draws_file",
    "write_report": "beringia.report",
    "Scenario": "beringia.scenario",
    "load_scenario": "beringia.scenario",
    "Profile": "beringia.pipeline",
    "Track": "beringia.pipeline",
    "TrainCannotClimbError": "beringia.pipeline",
    "TrainSpec": "beringia.pipeline",
    "running_profile": "beringia.pipeline",
}


def __getattr__(name: str) -> Any:
    """Import a public name on first use (PEP 562)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'beringia' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "Assessment",
    "BeringiaError",
    "Comparison",
    "HindcastReport",
    "Profile",
    "Scenario",
    "ScenarioError",
    "Sweep",
    "Track",
    "TrainCannotClimbError",
    "TrainSpec",
    "Validation",
    "Variant",
    "WhatIf",
    "__version__",
    "assess",
    "claims",
    "compare",
    "corridor",
    "hindcast",
    "load_scenario",
    "operations",
    "running_profile",
    "sweep",
    "validate",
    "what_if",
    "write_draws",
    "write_report",
]
