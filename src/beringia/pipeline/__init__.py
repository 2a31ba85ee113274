"""The pipeline: runs the models in order and assembles their results.

Its functions are the public API (re-exported by :mod:`beringia`): :func:`validate`,
:func:`assess`, :func:`compare`, :func:`sweep`, :func:`operations`, :func:`corridor`,
:func:`claims` and :func:`hindcast`; and the running-time model on its own
(:func:`running_profile` of a :class:`TrainSpec` over a :class:`Track`).
"""

from beringia.core.traindynamics import (
    Profile,
    Track,
    TrainCannotClimbError,
    TrainSpec,
    running_profile,
)
from beringia.pipeline.assess import assess
from beringia.pipeline.assessment import Assessment
from beringia.pipeline.compare import Comparison, Variant, compare
from beringia.pipeline.hindcast import HindcastReport
from beringia.pipeline.hindcast import run_hindcasts as hindcast
from beringia.pipeline.jobs import claims, corridor, operations
from beringia.pipeline.sweep import Sweep, sweep
from beringia.pipeline.validate import Validation, validate
from beringia.pipeline.whatif import WhatIf, what_if

__all__ = [
    "Assessment",
    "Comparison",
    "HindcastReport",
    "Profile",
    "Sweep",
    "Track",
    "TrainCannotClimbError",
    "TrainSpec",
    "Validation",
    "Variant",
    "WhatIf",
    "assess",
    "claims",
    "compare",
    "corridor",
    "hindcast",
    "operations",
    "running_profile",
    "sweep",
    "validate",
    "what_if",
]
