"""The pipeline: runs the models in order and assembles their results.

Its functions are the public API (re-exported by :mod:`beringia`): :func:`validate`,
:func:`assess`, :func:`operations`, :func:`corridor`, :func:`claims` and :func:`hindcast`.
"""

from beringia.pipeline.assess import assess
from beringia.pipeline.assessment import Assessment
from beringia.pipeline.hindcast import HindcastReport
from beringia.pipeline.hindcast import run_hindcasts as hindcast
from beringia.pipeline.jobs import claims, corridor, operations
from beringia.pipeline.validate import Validation, validate

__all__ = [
    "Assessment",
    "HindcastReport",
    "Validation",
    "assess",
    "claims",
    "corridor",
    "hindcast",
    "operations",
    "validate",
]
