"""Money normalisation: historical amounts to US dollars, or to another year of the same currency.

Two rules, for two questions.

*Placing costs of different countries side by side* (research notes, construction.md section
4.4): convert at the annual-average market rate of the year of money, then inflate with the US
CPI-U annual average from that year to the target year::

    usd(to_year) = amount / per_usd[currency][year] * cpi[to_year] / cpi[year]

*Comparing two amounts of the same project in the same currency* (a 2000 estimate in EUR against
a 2007 nominal outturn in EUR): deflate within the currency with its own consumer-price index,
so that exchange-rate swings (EUR/USD +48 % from 2000 to 2007) do not show up as overruns::

    local(to_year) = amount * local_cpi[currency][to_year] / local_cpi[currency][year]

:meth:`MoneyTable.convert` picks the rule: the same currency is deflated locally; the euro and a
legacy euro currency (ESP, FRF, DEM, ITL, ATS, NLG) are linked by the fixed legal conversion rate
and deflated with the legacy country's own index (the euro-area HICP if it has none); any other pair
goes to USD of ``year`` at the market rate, is inflated with US CPI-U to ``to_year`` and converted
to the target currency at ``to_year``'s market rate.

The table ships as package data (``beringia/data/money.toml``) with a source for every series
and the years that could not be verified. The legacy euro currencies are tabled up to 1998;
from 1999 their exchange rate is derived from the EUR rate and the fixed legal conversion rates.
USD's local index is the CPI-U table.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Annotated, Any

from pydantic import ConfigDict, Field

from beringia.errors import ScenarioError
from beringia.tables.schema import Table, Text, check, read_table

DEFAULT_TO_YEAR = 2025
USD = "USD"
CPI_SERIES = "CPI-U"
EURO_START_YEAR = 1999
EUR = "EUR"


def _no_series() -> Mapping[str, Mapping[int, float]]:
    return MappingProxyType({})


def _no_info() -> Mapping[str, SeriesInfo]:
    return MappingProxyType({})


@dataclass(frozen=True)
class SeriesInfo:
    """Where one series of the money table comes from.

    Attributes
    ----------
    source : str
        URL or publication (and the copy that was read).
    unverified_years : frozenset of int
        Years that could not be confirmed, or the latest, possibly provisional, year.
    derived_years : frozenset of int
        Years computed at load time rather than tabled (legacy euro currencies from 1999).
    note : str
        Caveats: coverage, breaks, how a year was derived.
    """

    source: str
    unverified_years: frozenset[int]
    derived_years: frozenset[int]
    note: str


@dataclass(frozen=True)
class MoneyTable:
    """US CPI-U deflator, annual-average exchange rates and local price indices, with provenance.

    Attributes
    ----------
    cpi : Mapping of int to float
        CPI-U annual average by year (1982-84 = 100).
    fx : Mapping of str to Mapping of int to float
        Units of currency per 1 USD by currency code and year (USD is not listed).
    provenance : Mapping of str to SeriesInfo
        By series: ``"CPI-U"`` and each currency code.
    fixed_euro : Mapping of str to float
        Units of legacy currency per 1 EUR (exact legal conversion rates).
    local_cpi : Mapping of str to Mapping of int to float
        Consumer-price index by currency code and year, for the currencies with a series (USD
        is the CPI-U table). Each series has its own base; only ratios within one are used.
    local_cpi_provenance : Mapping of str to SeriesInfo
        Source, unverified years and caveats of each local series (USD: the CPI-U entry).
    """

    cpi: Mapping[int, float]
    fx: Mapping[str, Mapping[int, float]]
    provenance: Mapping[str, SeriesInfo]
    fixed_euro: Mapping[str, float]
    local_cpi: Mapping[str, Mapping[int, float]] = field(default_factory=_no_series)
    local_cpi_provenance: Mapping[str, SeriesInfo] = field(default_factory=_no_info)

    def currencies(self) -> list[str]:
        """Return the currency codes the table converts, USD included, sorted."""
        return sorted([USD, *self.fx])

    def years(self, currency: str = USD) -> tuple[int, int]:
        """Return the first and last year a currency can be converted in (both included).

        Parameters
        ----------
        currency : str
            A code from :meth:`currencies`; ``"USD"`` gives the span of the CPI series.

        Raises
        ------
        ScenarioError
            If the currency is not in the table.
        """
        series = self._series(currency, "currency")
        return min(series), max(series)

    def deflator(
        self,
        year: int,
        to_year: int = DEFAULT_TO_YEAR,
        *,
        year_field: str = "year",
        to_year_field: str = "to_year",
    ) -> float:
        """Return the US CPI-U ratio ``cpi[to_year] / cpi[year]``.

        Parameters
        ----------
        year, to_year : int
            Year of money and target price year.
        year_field, to_year_field : str
            Field paths named in the error if a year is outside the CPI table.

        Raises
        ------
        ScenarioError
            If a year is outside the CPI table.
        """
        return self._cpi(to_year, to_year_field) / self._cpi(year, year_field)

    def per_usd(
        self,
        currency: str,
        year: int,
        *,
        currency_field: str = "currency",
        year_field: str = "year",
    ) -> float:
        """Return the annual-average units of ``currency`` per 1 USD in ``year`` (1 for USD).

        Raises
        ------
        ScenarioError
            If the currency is unknown or the year is outside its table.
        """
        series = self._series(currency, currency_field)
        if year not in series:
            lo, hi = min(series), max(series)
            raise ScenarioError(year_field, year, f"allowed: {lo} to {hi} for {currency}")
        return series[year]

    def to_usd(
        self,
        amount: float,
        currency: str,
        year: int,
        to_year: int = DEFAULT_TO_YEAR,
        *,
        currency_field: str = "currency",
        year_field: str = "year",
        to_year_field: str = "to_year",
    ) -> float:
        """Convert ``amount`` of ``currency`` in money of ``year`` to USD of ``to_year``.

        Converts at the market rate of ``year`` (annual average), then inflates with US CPI-U
        from ``year`` to ``to_year``. USD amounts are only inflated.

        Parameters
        ----------
        amount : float
            The amount, in full currency units (not millions).
        currency : str
            Currency code, one of :meth:`currencies`.
        year : int
            Year of money of the amount (price base, or the year of a nominal figure).
        to_year : int
            Price year of the result.
        currency_field, year_field, to_year_field : str
            Field paths named in the error if an input is not in the table.

        Returns
        -------
        float
            The amount in US dollars of ``to_year``.

        Raises
        ------
        ScenarioError
            Unknown currency, a year outside the tables, or a non-finite amount.
        """
        _check_amount(amount)
        rate = self.per_usd(currency, year, currency_field=currency_field, year_field=year_field)
        return (
            amount
            / rate
            * self.deflator(year, to_year, year_field=year_field, to_year_field=to_year_field)
        )

    def from_usd(
        self,
        usd: float,
        currency: str,
        year: int,
        from_year: int = DEFAULT_TO_YEAR,
    ) -> float:
        """Convert USD of ``from_year`` into ``currency`` in money of ``year``.

        The exact inverse of :meth:`to_usd`.

        Raises
        ------
        ScenarioError
            Unknown currency, a year outside the tables, or a non-finite amount.
        """
        return usd / self.to_usd(1.0, currency, year, from_year)

    def is_unverified(self, currency: str, year: int) -> bool:
        """Return True if converting ``currency`` of ``year`` to USD uses an unverified figure.

        The CPI figure of ``year`` counts as well as the exchange rate; for a legacy euro
        currency after 1998, so does the EUR rate it is derived from.
        """
        cpi_flag = year in self.provenance[CPI_SERIES].unverified_years
        if currency == USD:
            return cpi_flag
        info = self.provenance.get(currency)
        if info is None:
            return True
        flagged = year in info.unverified_years
        if year in info.derived_years:
            flagged = flagged or year in self.provenance["EUR"].unverified_years
        return cpi_flag or flagged

    def has_local_cpi(self, currency: str) -> bool:
        """Return True if ``currency`` can be deflated within itself (:meth:`deflate_local`)."""
        return currency in self.local_cpi

    def local_years(self, currency: str, *, currency_field: str = "currency") -> tuple[int, int]:
        """Return the first and last year of a currency's local price index (both included).

        Raises
        ------
        ScenarioError
            If the currency has no local series.
        """
        series = self._local_series(currency, currency_field)
        return min(series), max(series)

    def deflate_local(
        self,
        amount: float,
        currency: str,
        year: int,
        to_year: int,
        *,
        currency_field: str = "currency",
        year_field: str = "year",
        to_year_field: str = "to_year",
    ) -> float:
        """Move an amount of ``currency`` money of ``year`` to that currency's money of ``to_year``.

        Uses the currency's own consumer-price index only (no exchange rate). For EUR amounts of
        a legacy euro country, convert with :attr:`fixed_euro` first (or use :meth:`convert`,
        which does).

        Parameters
        ----------
        amount : float
            The amount, in full currency units.
        currency : str
            A code with a local series (:meth:`has_local_cpi`).
        year, to_year : int
            Year of money of the amount and of the result.
        currency_field, year_field, to_year_field : str
            Field paths named in the error if an input is not covered.

        Returns
        -------
        float
            ``amount * local_cpi[currency][to_year] / local_cpi[currency][year]``.

        Raises
        ------
        ScenarioError
            A currency without a local series, a year outside it, or a non-finite amount.
        """
        _check_amount(amount)
        series = self._local_series(currency, currency_field)
        ratio = self._local_index(series, currency, to_year, to_year_field) / self._local_index(
            series, currency, year, year_field
        )
        return amount * ratio

    def convert(
        self,
        amount: float,
        currency: str,
        year: int,
        to_currency: str,
        to_year: int = DEFAULT_TO_YEAR,
        *,
        currency_field: str = "currency",
        year_field: str = "year",
        to_currency_field: str = "to_currency",
        to_year_field: str = "to_year",
    ) -> float:
        """Convert an amount of ``currency`` money of ``year`` to ``to_currency`` of ``to_year``.

        The rule of the module docstring: the same currency is deflated with its own index
        (:meth:`deflate_local`); EUR and a legacy euro currency are linked by the fixed
        conversion rate and deflated with the legacy country's index (the euro-area HICP if it
        has none); any other pair goes through USD: market rate of ``year``, US CPI-U to
        ``to_year``, market rate of ``to_year``.

        Parameters
        ----------
        amount : float
            The amount, in full currency units.
        currency, to_currency : str
            Currency codes of the amount and of the result.
        year, to_year : int
            Year of money of the amount and of the result.
        currency_field, year_field, to_currency_field, to_year_field : str
            Field paths named in the error if an input is not covered.

        Returns
        -------
        float
            The amount in ``to_currency`` money of ``to_year``.

        Raises
        ------
        ScenarioError
            Unknown currency, a currency without the series its rule needs, a year outside the
            tables, or a non-finite amount.
        """
        _check_amount(amount)
        fields = {
            "currency_field": currency_field,
            "year_field": year_field,
            "to_year_field": to_year_field,
        }
        if currency == to_currency:
            return self.deflate_local(amount, currency, year, to_year, **fields)
        legacy = self._euro_partner(currency, to_currency)
        if legacy is not None:
            rate = self.fixed_euro[legacy]
            if year == to_year:  # the legal rate alone; no price index needed
                return amount * rate if currency == EUR else amount / rate
            index = legacy if self.has_local_cpi(legacy) else EUR
            if currency == EUR:
                return self.deflate_local(amount * rate, index, year, to_year, **fields)
            return self.deflate_local(amount, index, year, to_year, **fields) / rate
        usd = self.to_usd(amount, currency, year, to_year, **fields)
        return usd * self.per_usd(
            to_currency, to_year, currency_field=to_currency_field, year_field=to_year_field
        )

    def is_local_unverified(self, currency: str, *years: int) -> bool:
        """Return True if deflating ``currency`` between ``years`` uses an unverified index figure.

        Unknown currencies count as unverified.
        """
        info = self.local_cpi_provenance.get(currency)
        if info is None:
            return True
        return any(y in info.unverified_years for y in years)

    def _euro_partner(self, currency: str, to_currency: str) -> str | None:
        pair = {currency, to_currency}
        if EUR not in pair:
            return None
        (other,) = pair - {EUR}
        return other if other in self.fixed_euro else None

    def _local_series(self, currency: str, field: str) -> Mapping[int, float]:
        if currency not in self.local_cpi:
            codes = ", ".join(sorted(self.local_cpi))
            raise ScenarioError(field, currency, f"allowed (currencies with a local CPI): {codes}")
        return self.local_cpi[currency]

    @staticmethod
    def _local_index(series: Mapping[int, float], currency: str, year: int, field: str) -> float:
        if year not in series:
            lo, hi = min(series), max(series)
            raise ScenarioError(field, year, f"allowed: {lo} to {hi} for the {currency} local CPI")
        return series[year]

    def _cpi(self, year: int, field: str) -> float:
        if year not in self.cpi:
            lo, hi = min(self.cpi), max(self.cpi)
            raise ScenarioError(field, year, f"allowed: {lo} to {hi} (US CPI-U table)")
        return self.cpi[year]

    def _series(self, currency: str, field: str) -> Mapping[int, float]:
        if currency == USD:
            return MappingProxyType({y: 1.0 for y in self.cpi})
        if currency not in self.fx:
            raise ScenarioError(field, currency, f"allowed: {', '.join(self.currencies())}")
        return self.fx[currency]


def _check_amount(amount: float) -> None:
    if not math.isfinite(amount):
        raise ScenarioError("amount", amount, "must be a finite number")


_FILE = "data/money.toml"

Positive = Annotated[float, Field(gt=0.0)]


class _Series(Table):
    """Provenance shared by every series of ``money.toml``."""

    name: str = ""
    source: Text
    unverified_years: list[int] = Field(default_factory=list)
    note: str = ""


class _CpiSeries(_Series):
    series: str = ""
    values: dict[str, Positive]


class _FxSeries(_Series):
    per_usd: dict[str, Positive]


class _LocalSeries(_Series):
    base: Text
    values: dict[str, Positive]


class _FixedEuro(Table):
    """Units of each legacy currency per 1 EUR (every upper-case key), with provenance."""

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, Positive] = Field(init=False)

    source: str = ""
    note: str = ""


class _Meta(Table):
    base: str = ""
    fx_unit: str = ""
    rule: str = ""
    default_to_year: int = DEFAULT_TO_YEAR
    local_rule: str = ""


class _MoneyDoc(Table):
    """Layout of ``data/money.toml``."""

    meta: _Meta = _Meta()
    cpi_u: _CpiSeries
    fixed_euro: _FixedEuro
    fx: dict[str, _FxSeries]
    local_cpi: dict[str, _LocalSeries] = Field(default_factory=dict)


def _years(raw: Mapping[str, float], field: str) -> dict[int, float]:
    """Return a series by year; its keys must be years, consecutive."""
    out: dict[int, float] = {}
    for key, value in raw.items():
        if not key.isdigit():
            raise ScenarioError(f"{field}.{key}", value, 'a year ("1999") as the key')
        out[int(key)] = value
    ys = sorted(out)
    if not ys or ys != list(range(ys[0], ys[-1] + 1)):
        raise ScenarioError(field, ys, "a series of consecutive years")
    return out


def _info(raw: _Series, derived: frozenset[int] = frozenset()) -> SeriesInfo:
    return SeriesInfo(
        source=raw.source,
        unverified_years=frozenset(raw.unverified_years),
        derived_years=derived,
        note=raw.note,
    )


def parse_money_table(doc: Mapping[str, Any]) -> MoneyTable:
    """Build a :class:`MoneyTable` from the parsed TOML document.

    Legacy euro currencies get rates for every EUR year from 1999 on, derived as
    ``fixed_euro[code] * per_usd["EUR"][year]``. The ``[local_cpi]`` section is optional; USD's
    local series is always the CPI-U table.

    Raises
    ------
    ScenarioError
        Naming the field of ``data/money.toml`` at fault (a broken installation).
    """
    t = check(_MoneyDoc, doc, _FILE)
    cpi = _years(t.cpi_u.values, f"{_FILE}.cpi_u.values")
    fixed = {k: v for k, v in (t.fixed_euro.model_extra or {}).items() if k.isupper()}
    fx: dict[str, Mapping[int, float]] = {}
    prov: dict[str, SeriesInfo] = {CPI_SERIES: _info(t.cpi_u)}
    for code, raw in t.fx.items():
        fx[code] = _years(raw.per_usd, f"{_FILE}.fx.{code}.per_usd")
    if EUR not in fx:
        raise ScenarioError(f"{_FILE}.fx", sorted(fx), "a table with an EUR series")
    eur = fx[EUR]
    for code, raw in t.fx.items():
        derived: frozenset[int] = frozenset()
        if code in fixed:
            table = dict(fx[code])
            if max(table) >= EURO_START_YEAR:
                raise ScenarioError(
                    f"{_FILE}.fx.{code}.per_usd",
                    max(table),
                    f"years before {EURO_START_YEAR} (later ones derive from EUR)",
                )
            extra = {y: fixed[code] * r for y, r in eur.items() if y >= EURO_START_YEAR}
            table.update(extra)
            fx[code] = _years({str(y): v for y, v in table.items()}, f"{_FILE}.fx.{code}")
            derived = frozenset(extra)
        prov[code] = _info(raw, derived)
    missing = [c for c in fixed if c not in fx]
    if missing:
        raise ScenarioError(f"{_FILE}.fixed_euro.{missing[0]}", fixed[missing[0]], "a tabled fx")
    local, local_prov = _parse_local(t.local_cpi, cpi, prov[CPI_SERIES], set(fx))
    return MoneyTable(
        cpi=MappingProxyType(cpi),
        fx=MappingProxyType({c: MappingProxyType(dict(s)) for c, s in fx.items()}),
        provenance=MappingProxyType(prov),
        fixed_euro=MappingProxyType(fixed),
        local_cpi=MappingProxyType({c: MappingProxyType(s) for c, s in local.items()}),
        local_cpi_provenance=MappingProxyType(local_prov),
    )


def _parse_local(
    raw: Mapping[str, _LocalSeries], cpi: dict[int, float], cpi_info: SeriesInfo, known: set[str]
) -> tuple[dict[str, dict[int, float]], dict[str, SeriesInfo]]:
    local: dict[str, dict[int, float]] = {USD: dict(cpi)}
    info: dict[str, SeriesInfo] = {USD: cpi_info}
    for code, entry in raw.items():
        if code not in known:
            raise ScenarioError(
                f"{_FILE}.local_cpi.{code}", code, f"a tabled currency: {', '.join(sorted(known))}"
            )
        local[code] = _years(entry.values, f"{_FILE}.local_cpi.{code}.values")
        info[code] = _info(entry)
    return local, info


def has_local_cpi(currency: str) -> bool:
    """Return True if the shipped table can deflate ``currency`` within itself.

    Raises
    ------
    ScenarioError
        Naming the field of the shipped ``money.toml`` at fault (a broken installation).
    """
    return money_table().has_local_cpi(currency)


@functools.cache
def money_table() -> MoneyTable:
    """Return the shipped money table (loaded once).

    Raises
    ------
    ScenarioError
        Naming the field of the shipped ``money.toml`` at fault (a broken installation).
    """
    return parse_money_table(read_table("money.toml"))
