"""beringia: an open feasibility simulator for the Bering Strait rail tunnel."""

from beringia._version import __version__
from beringia.errors import BeringiaError, ScenarioError
from beringia.pipeline.assess import assess
from beringia.pipeline.assessment import Assessment
from beringia.scenario import Scenario, load_scenario

__all__ = [
    "Assessment",
    "BeringiaError",
    "Scenario",
    "ScenarioError",
    "__version__",
    "assess",
    "load_scenario",
]
