"""Names the scenario layer and the shells share, in a module that imports nothing."""

DEFAULT_SCENARIO = "bering-strait"
"""The scenario run when none is named: the built-in Bering Strait scenario."""
