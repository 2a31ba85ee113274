"""Bounded input types by kind of quantity: the limits of :mod:`beringia.scenario.limits` as types.

A field says what it holds (``delay_days: Days``), and the type carries the bounds and
their reasons. Uncertain quantities are distributions (:mod:`beringia.scenario.distributions`)
checked over their whole range; plain ones are floats with ``Field`` bounds. Names that identify
an item (bores, machines, zones...) are non-empty, short and printable.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from beringia.scenario import limits as L
from beringia.scenario.distributions import Distribution, within

# --------------------------------------------------------------------------- names
Name = Annotated[
    str, Field(min_length=1, max_length=L.MAX_NAME_CHARS, pattern=r"^[A-Za-z0-9_.-]+$")
]
"""An identifying name usable in a dotted path (letters, digits, ``_ . -``)."""

Label = Annotated[
    str, Field(min_length=1, max_length=L.MAX_NAME_CHARS, pattern=r"^[^\x00-\x1f\x7f]+$")
]
"""An identifying name that may hold spaces and punctuation (claims, zones, depth points)."""

# --------------------------------------------------------------------------- uncertain quantities
Fraction = Annotated[Distribution, within(0.0, 1.0, open_low=True)]
"""A share on (0, 1]."""
Probability = Annotated[Distribution, within(0.0, 1.0)]
"""A probability or share on [0, 1]."""
Utilisation = Annotated[Distribution, within(L.MIN_UTILISATION, 1.0)]
"""Share of time spent boring."""
Penetration = Annotated[Distribution, within(L.MIN_PENETRATION_M_PER_H, L.MAX_PENETRATION_M_PER_H)]
"""Metres bored per hour of boring."""
Days = Annotated[Distribution, within(0.0, L.MAX_DAYS)]
"""A duration in days."""
Months = Annotated[Distribution, within(0.0, L.MAX_MONTHS)]
"""A duration in months."""
Years = Annotated[Distribution, within(0.0, L.MAX_YEARS)]
"""A duration in years."""
SupplyM3PerDay = Annotated[Distribution, within(L.MIN_SUPPLY_M3_PER_DAY, L.MAX_SUPPLY_M3_PER_DAY)]
"""Excavated volume per day that a site's supply chain sustains, averaged over the year."""
SitePowerMW = Annotated[Distribution, within(L.MIN_SITE_POWER_MW, L.MAX_SITE_POWER_MW)]
"""Electric power a site has for the works, MW."""
CampBeds = Annotated[Distribution, within(L.MIN_CAMP_BEDS, L.MAX_CAMP_BEDS)]
"""Beds a site's camp has for the works' people on site."""
BedsPerFace = Annotated[Distribution, within(L.MIN_BEDS_PER_FACE, L.MAX_BEDS_PER_FACE)]
"""People on site (camp beds) per working face, surface, plant and camp staff included."""
MWhPerM3 = Annotated[Distribution, within(L.MIN_MWH_PER_M3, L.MAX_MWH_PER_M3)]
"""Energy per cubic metre excavated (in situ), MWh."""
Hours = Annotated[Distribution, within(0.0, 24 * L.MAX_DAYS)]
"""A duration in hours."""
AssetLife = Annotated[Distribution, within(1.0, L.MAX_ASSET_LIFE_YEARS)]
"""An asset life in years."""
UsdM = Annotated[Distribution, within(0.0, L.MAX_USD_M)]
"""Money in USD millions."""
PositiveUsdMPerKm = Annotated[Distribution, within(0.0, L.MAX_USD_M_PER_KM, open_low=True)]
"""Money in USD millions per km, above zero."""
UsdMPerKm = Annotated[Distribution, within(0.0, L.MAX_USD_M_PER_KM)]
"""Money in USD millions per km."""
UsdMPerDay = Annotated[Distribution, within(0.0, L.MAX_USD_M_PER_DAY)]
"""Money in USD millions per day."""
Usd = Annotated[Distribution, within(0.0, L.MAX_USD)]
"""A plain-dollar unit rate."""
PositiveUsd = Annotated[Distribution, within(0.0, L.MAX_USD, open_low=True)]
"""A plain-dollar amount above zero."""
UsdPerFeuKm = Annotated[Distribution, within(0.0, L.MAX_USD_PER_FEU_KM)]
"""A rail tariff in USD per FEU-km."""
Factor = Annotated[Distribution, within(L.MIN_FACTOR, L.MAX_FACTOR)]
"""A multiplier (1 = as rated)."""
Exponent = Annotated[Distribution, within(0.0, L.MAX_AREA_EXPONENT)]
"""The area exponent of the advance envelope."""
Teu = Annotated[Distribution, within(0.0, L.MAX_TEU_PER_YEAR)]
"""Containers a year, twenty-foot units."""
LogitScale = Annotated[Distribution, within(0.0, L.MAX_LOGIT_SCALE, open_low=True)]
"""A logit scale per $1,000 per FEU."""
PctPerDay = Annotated[Distribution, within(0.0, L.MAX_PCT_PER_DAY)]
"""Per cent of cargo value per day."""
SpeedFactor = Annotated[Distribution, within(L.MIN_SPEED_FACTOR, 1.0)]
"""Commercial speed over line speed."""
BuildFronts = Annotated[Distribution, within(1.0, L.MAX_BUILD_FRONTS)]
"""Railheads working at once."""
KmPerYearPerFront = Annotated[
    Distribution, within(L.MIN_KM_PER_YEAR_PER_FRONT, L.MAX_KM_PER_YEAR_PER_FRONT)
]
"""Track laid per railhead and year."""
KmPerMonthPerFront = Annotated[
    Distribution, within(L.MIN_FITOUT_KM_PER_MONTH, L.MAX_FITOUT_KM_PER_MONTH)
]
"""Track fitted out per front and month."""
MwhPerKmYear = Annotated[Distribution, within(0.0, L.MAX_MWH_PER_KM_YEAR)]
"""Electricity a year per route-km, MWh."""
InflowPerKm = Annotated[Distribution, within(0.0, L.MAX_INFLOW_M3_PER_MIN_PER_KM)]
"""Steady water inflow, m³ a minute per route-km."""
UsdPerKwh = Annotated[Distribution, within(0.0, L.MAX_USD_PER_KWH, open_low=True)]
"""An electricity price, USD per kWh."""
