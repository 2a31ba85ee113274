"""beringia: an open feasibility simulator for the Bering Strait rail tunnel."""

from beringia.errors import BeringiaError, ScenarioError
from beringia.scenario import Scenario, load_scenario

__version__ = "0.1.0"

__all__ = ["BeringiaError", "Scenario", "ScenarioError", "__version__", "load_scenario"]
