"""Shipped data tables, read and checked one way at the I/O boundary.

:mod:`~beringia.tables.schema` holds the one reader of ``beringia/data/*.toml`` and the strict
pydantic base whose errors name the field, the value and what is allowed; beside it the layouts
of the tables that need nothing of the scenario (money, optimism bias, advance records). The
corridor's tables, whose figures are scenario distributions, have their layouts in
:mod:`beringia.models.corridor.schema`.
"""
