"""Reference data: money normalisation and the reference class of real tunnels.

* :func:`money_table` converts historical amounts to US dollars of a target year (market
  exchange rate of the year of money, then US CPI-U).
* :func:`reference_rows` and :func:`reference_table` give the shipped table of long and
  undersea tunnels, with unit costs in US dollars; :func:`percentile_in_reference` places a
  figure among them.
"""

from beringia.models.reference.dataset import (
    DEFAULT_STATUS,
    METRICS,
    STATUSES,
    UNIT_COST_SCOPES,
    ReferenceTable,
    best_advance_m_per_day,
    parse_reference_row,
    percentile_in_reference,
    reference_rows,
    reference_table,
)
from beringia.tables.money import (
    DEFAULT_TO_YEAR,
    MoneyTable,
    SeriesInfo,
    money_table,
    parse_money_table,
)

__all__ = [
    "DEFAULT_STATUS",
    "DEFAULT_TO_YEAR",
    "METRICS",
    "STATUSES",
    "UNIT_COST_SCOPES",
    "MoneyTable",
    "ReferenceTable",
    "SeriesInfo",
    "best_advance_m_per_day",
    "money_table",
    "parse_money_table",
    "parse_reference_row",
    "percentile_in_reference",
    "reference_rows",
    "reference_table",
]
