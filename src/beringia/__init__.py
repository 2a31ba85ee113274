"""beringia: an open feasibility simulator for the Bering Strait rail tunnel."""

__version__ = "0.1.0"

from beringia.errors import BeringiaError, ScenarioError
from beringia.pipeline import assess
from beringia.results import Assessment
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
