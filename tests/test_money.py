"""Money normalisation: known answers, sanity anchors, provenance and error messages."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from pydantic import ValidationError

from beringia.errors import ScenarioError
from beringia.models.reference import money_table, parse_money_table
from beringia.scenario.reference import MoneyAmount
from beringia.tables.money import has_local_cpi

T = money_table()
TABLED = [(c, y) for c in T.currencies() for y in range(T.years(c)[0], T.years(c)[1] + 1)]


# ----------------------------------------------------------------------- known answers
def test_usd_same_year_is_identity() -> None:
    for year in (1960, 1994, 2010, 2025):
        assert T.to_usd(123.0, "USD", year, year) == 123.0


def test_usd_2007_to_2025_is_the_cpi_ratio_exactly() -> None:
    assert T.to_usd(1.0, "USD", 2007) == T.cpi[2025] / T.cpi[2007]
    assert T.deflator(2007) == 321.943 / 207.342


def test_gbp_1994_is_market_rate_then_us_cpi() -> None:
    amount = 4.65e9
    expected = amount / T.fx["GBP"][1994] * (T.cpi[2025] / T.cpi[1994])
    assert T.to_usd(amount, "GBP", 1994) == pytest.approx(expected, rel=1e-15)
    # by hand: 4.65e9 / 0.6527 GBP per USD * 321.943 / 148.2 = 15.48e9
    assert T.to_usd(amount, "GBP", 1994) == pytest.approx(15.476e9, rel=1e-3)


def test_esp_2000_uses_the_fixed_euro_rate_times_eur() -> None:
    esp = T.per_usd("ESP", 2000)
    assert esp == 166.386 * T.fx["EUR"][2000]
    assert esp == pytest.approx(180.68, abs=0.01)  # 166.386 * 1.085898
    assert 2000 in T.provenance["ESP"].derived_years
    assert 1998 not in T.provenance["ESP"].derived_years
    assert T.to_usd(1e9, "ESP", 2000) == pytest.approx(1e9 / esp * T.deflator(2000), rel=1e-15)


def test_legacy_currencies_join_the_euro_at_the_legal_rates() -> None:
    legal = {
        "ESP": 166.386,
        "FRF": 6.55957,
        "DEM": 1.95583,
        "ITL": 1936.27,
        "ATS": 13.7603,
        "NLG": 2.20371,
    }
    assert dict(T.fixed_euro) == legal
    for code, rate in legal.items():
        for year in (1999, 2010, 2024):
            assert T.per_usd(code, year) == pytest.approx(rate * T.per_usd("EUR", year))
        # the last tabled pre-euro year is within 15% of the first derived one
        assert T.per_usd(code, 1999) / T.per_usd(code, 1998) == pytest.approx(1.0, abs=0.15)


@given(
    st.sampled_from(TABLED),
    st.floats(min_value=1e-3, max_value=1e13, allow_nan=False),
    st.integers(min_value=1960, max_value=2025),
)
def test_round_trip(point: tuple[str, int], amount: float, to_year: int) -> None:
    currency, year = point
    usd = T.to_usd(amount, currency, year, to_year)
    assert T.from_usd(usd, currency, year, to_year) == pytest.approx(amount, rel=1e-12)


@given(
    st.sampled_from(TABLED),
    st.floats(min_value=0, max_value=1e12, allow_nan=False),
    st.floats(min_value=0, max_value=1e12, allow_nan=False),
)
def test_monotone_in_amount(point: tuple[str, int], a: float, b: float) -> None:
    currency, year = point
    lo, hi = sorted((a, b))
    assert T.to_usd(lo, currency, year) <= T.to_usd(hi, currency, year)
    assert T.to_usd(2 * hi, currency, year) == pytest.approx(2 * T.to_usd(hi, currency, year))


# ----------------------------------------------------------------------- sanity anchors
def test_cpi_rises_every_year_but_2009() -> None:
    years = sorted(T.cpi)
    assert years == list(range(1960, 2026))
    falls = [b for a, b in itertools.pairwise(years) if T.cpi[b] <= T.cpi[a]]
    assert falls == [2009]
    assert T.cpi[2009] / T.cpi[2008] > 0.99


def test_anchor_values() -> None:
    assert 1.50 <= T.cpi[2025] / T.cpi[2007] <= 1.62
    assert 0.48 <= T.per_usd("GBP", 2007) <= 0.52
    assert 105 <= T.per_usd("JPY", 2000) <= 110
    assert T.cpi[1960] == 29.6
    assert T.cpi[2025] == 321.943


@pytest.mark.parametrize(
    ("year", "multiplier"), [(1994, 2.2), (2000, 1.9), (2007, 1.55), (2012, 1.4), (2015, 1.36)]
)
def test_agrees_with_the_research_notes_rough_multipliers(year: int, multiplier: float) -> None:
    # construction.md section 4.4 gives approximate CPI-U multipliers to 2025
    assert T.deflator(year) == pytest.approx(multiplier, rel=0.03)


def test_rates_are_positive_and_cover_what_the_reference_rows_need() -> None:
    assert set(T.currencies()) >= {
        "USD", "GBP", "EUR", "CHF", "JPY", "NOK", "DKK", "SEK", "CNY", "TRY", "AUD", "CAD",
        "RUB", "KRW", "ESP", "FRF", "DEM", "ITL", "ATS",
    }  # fmt: skip
    for code, series in T.fx.items():
        assert all(math.isfinite(v) and v > 0 for v in series.values()), code
    assert T.years("GBP") == (1960, 2025)
    assert T.years("EUR") == (1999, 2025)
    assert T.years("AUD")[0] == 1966  # Australian pounds before the 1966 decimalisation
    assert T.years("TRY") == (2005, 2024)


# ----------------------------------------------------------------------- provenance
def test_every_series_is_sourced_and_latest_years_are_flagged() -> None:
    assert set(T.provenance) == {"CPI-U", *T.fx}
    for name, info in T.provenance.items():
        assert info.source.strip(), name
    assert "CUUR0000SA0" in T.provenance["CPI-U"].source
    assert 2025 in T.provenance["GBP"].unverified_years
    assert T.is_unverified("GBP", 2025)
    assert not T.is_unverified("GBP", 2007)
    assert not T.is_unverified("USD", 2025)
    # a legacy currency after 1998 inherits the EUR flag of the year
    assert T.is_unverified("DEM", 2025)
    assert not T.is_unverified("DEM", 2010)


# ----------------------------------------------------------------------- errors
def test_unknown_currency_names_the_field() -> None:
    field = "reference.rows.Channel Tunnel.cost.currency"
    with pytest.raises(ScenarioError) as exc:
        T.to_usd(1.0, "XYZ", 2000, currency_field=field)
    assert str(exc.value).startswith(f"{field}: got 'XYZ'; allowed: ATS, AUD, CAD")
    assert exc.value.field == field


def test_year_outside_the_table_names_the_field_and_the_range() -> None:
    field = "reference.rows.Channel Tunnel.cost.year"
    with pytest.raises(ScenarioError, match=r"cost\.year: got 1850; allowed: 1960 to 2025 for GBP"):
        T.to_usd(1.0, "GBP", 1850, year_field=field)
    with pytest.raises(ScenarioError, match=r"^year: got 2025; allowed: 1998 to 2024 for RUB"):
        T.to_usd(1.0, "RUB", 2025)
    with pytest.raises(ScenarioError, match=r"^to_year: got 2030; allowed: 1960 to 2025"):
        T.to_usd(1.0, "USD", 2000, 2030)
    with pytest.raises(ScenarioError, match=r"^currency: got 'gbp'"):
        T.years("gbp")


def test_non_finite_amount_is_refused() -> None:
    with pytest.raises(ScenarioError, match=r"^amount: got nan"):
        T.to_usd(math.nan, "USD", 2000)


def test_malformed_table_names_the_field() -> None:
    doc = {
        "cpi_u": {"source": "x", "values": {"2000": 1.0, "2002": 1.1}},
        "fixed_euro": {},
        "fx": {"EUR": {"source": "x", "per_usd": {"2000": 1.0}}},
    }
    with pytest.raises(ScenarioError, match="consecutive years") as info:
        parse_money_table(doc)
    assert info.value.field == "data/money.toml.cpi_u.values"
    with pytest.raises(ScenarioError) as info:
        parse_money_table({"fx": {}})
    assert (info.value.field, info.value.value) == ("data/money.toml.cpi_u", "missing")
    doc["cpi_u"]["values"] = {"2000": 1.0, "2001": -1.1}
    with pytest.raises(ScenarioError, match="a number > 0") as info:
        parse_money_table(doc)
    assert info.value.field == "data/money.toml.cpi_u.values.2001"
    doc["cpi_u"]["values"] = {"2000": 1.0, "2001": "1.1"}  # strict: no strings for numbers
    with pytest.raises(ScenarioError, match="a number > 0"):
        parse_money_table(doc)
    doc["cpi_u"]["values"] = {"2000": 1.0, "2001": 1.1}
    doc["fixed_euro"] = {"DEM": 1.95583}  # a legacy currency without a table
    with pytest.raises(ScenarioError, match="a tabled fx") as info:
        parse_money_table(doc)
    assert info.value.field == "data/money.toml.fixed_euro.DEM"


# ----------------------------------------------------------------------- the pydantic model
def test_money_amount_converts() -> None:
    m = MoneyAmount(amount=1e9, currency="CHF", year=1998)
    assert m.to_usd() == pytest.approx(T.to_usd(1e9, "CHF", 1998))
    assert MoneyAmount(amount=5.0, year=2025).to_usd() == 5.0


def test_money_amount_rejects_unknown_currency_in_one_line() -> None:
    with pytest.raises(ValidationError) as exc:
        MoneyAmount(amount=1.0, currency="XYZ", year=2000)
    err = exc.value.errors()[0]
    assert err["loc"] == ("currency",)
    assert "unknown currency 'XYZ'; allowed: ATS, AUD" in err["msg"]
    assert "\n" not in err["msg"]


def test_money_amount_rejects_year_outside_the_table() -> None:
    with pytest.raises(ValidationError, match="allowed: 1960 to 2025 for GBP"):
        MoneyAmount(amount=1.0, currency="GBP", year=1850)
    with pytest.raises(ValidationError, match="allowed: 1999 to 2025 for EUR"):
        MoneyAmount(amount=1.0, currency="EUR", year=1995)
    with pytest.raises(ValidationError, match="greater than 0"):
        MoneyAmount(amount=0.0, year=2000)


# ======================================================================= local price indices
# (deflating within one currency: issue 4, hindcast honesty)
LOCAL = ["GBP", "CHF", "ESP", "EUR", "JPY", "NOK", "DKK", "SEK", "DEM", "FRF", "ITL", "ATS"]
LOCAL_POINTS = [
    (c, y) for c in T.local_cpi for y in range(T.local_years(c)[0], T.local_years(c)[1] + 1)
]


def _covered(currency: str, year: int, to_currency: str, to_year: int) -> bool:
    """Whether convert() has the series its rule needs (so the round trip can be tested)."""
    pair = {currency, to_currency}
    linked = "EUR" in pair and len(pair) == 2 and (pair - {"EUR"}) <= set(T.fixed_euro)
    if currency == to_currency or linked:
        code = currency if currency != "EUR" else to_currency
        if not T.has_local_cpi(code):
            if not linked:
                return False
            code = "EUR"
        lo, hi = T.local_years(code)
        return lo <= year <= hi and lo <= to_year <= hi
    return True  # market route: both points come from the exchange-rate tables


# ----------------------------------------------------------------------- known answers
@given(st.sampled_from(LOCAL_POINTS), st.floats(min_value=1e-3, max_value=1e13, allow_nan=False))
def test_deflate_local_same_year_is_identity(point: tuple[str, int], amount: float) -> None:
    currency, year = point
    assert T.deflate_local(amount, currency, year, year) == amount


def test_gbp_1985_to_1994_is_the_ratio_of_the_tabled_uk_index() -> None:
    ratio = T.local_cpi["GBP"][1994] / T.local_cpi["GBP"][1985]
    assert T.deflate_local(4.65e9, "GBP", 1985, 1994) == 4.65e9 * ratio
    assert T.convert(4.65e9, "GBP", 1985, "GBP", 1994) == 4.65e9 * ratio
    assert ratio == pytest.approx(64.9 / 42.9, rel=2e-3)  # OECD copy, one decimal


def test_eur_2007_to_esp_2000_uses_the_fixed_rate_and_spain_cpi() -> None:
    cpi = T.local_cpi["ESP"]
    expected = 1.6e9 * 166.386 * cpi[2000] / cpi[2007]
    assert T.convert(1.6e9, "EUR", 2007, "ESP", 2000) == pytest.approx(expected, rel=1e-15)
    # and back: ESP of 2000 -> EUR of 2007 with the same index, then the fixed rate
    back = T.convert(expected, "ESP", 2000, "EUR", 2007)
    assert back == pytest.approx(1.6e9, rel=1e-14)
    # same year: only the legal conversion rate
    assert T.convert(1.0, "EUR", 2005, "ESP", 2005) == 166.386
    assert T.convert(166.386, "ESP", 1995, "EUR", 1995) == 1.0
    assert T.convert(1.0, "EUR", 2025, "ESP", 2025) == 166.386  # beyond Spain's index: rate only


def test_eur_within_eur_uses_the_euro_area_hicp_not_the_exchange_rate() -> None:
    hicp = T.local_cpi["EUR"]
    assert hicp[1996] == 71.74 and hicp[2015] == 100.0 and hicp[2025] == 128.75
    local = T.convert(1e9, "EUR", 2000, "EUR", 2007)
    assert local == pytest.approx(1e9 * 88.49 / 76.05, rel=1e-15)  # +16.4 %
    # the market route would turn the 2000-2007 EUR/USD swing into a fall of about 19 %
    market = T.to_usd(1e9, "EUR", 2000, 2007) * T.per_usd("EUR", 2007)
    assert market == pytest.approx(0.81e9, rel=0.01)


def test_convert_between_different_currencies_is_market_rate_then_us_cpi() -> None:
    expected = T.to_usd(1e9, "GBP", 1994, 2010) * T.per_usd("CHF", 2010)
    assert T.convert(1e9, "GBP", 1994, "CHF", 2010) == pytest.approx(expected, rel=1e-15)
    assert T.convert(1e9, "GBP", 1994, "USD", 2025) == pytest.approx(T.to_usd(1e9, "GBP", 1994))
    assert T.convert(123.0, "USD", 2007, "USD", 2025) == pytest.approx(123.0 * T.deflator(2007))
    # two legacy currencies are two countries: no fixed-rate link, market route
    dem_frf = T.to_usd(1e6, "DEM", 2005, 2005) * T.per_usd("FRF", 2005)
    assert T.convert(1e6, "DEM", 2005, "FRF", 2005) == pytest.approx(dem_frf, rel=1e-15)
    assert dem_frf == pytest.approx(1e6 * 6.55957 / 1.95583, rel=1e-12)


@given(
    st.sampled_from(TABLED),
    st.sampled_from(TABLED),
    st.floats(min_value=1e-3, max_value=1e13, allow_nan=False),
)
def test_convert_round_trip(a: tuple[str, int], b: tuple[str, int], amount: float) -> None:
    (currency, year), (to_currency, to_year) = a, b
    assume(_covered(currency, year, to_currency, to_year))
    there = T.convert(amount, currency, year, to_currency, to_year)
    assert T.convert(there, to_currency, to_year, currency, year) == pytest.approx(
        amount, rel=1e-12
    )


@given(st.sampled_from(LOCAL_POINTS), st.integers(min_value=1970, max_value=2025))
def test_same_currency_round_trip(point: tuple[str, int], to_year: int) -> None:
    currency, year = point
    lo, hi = T.local_years(currency)
    assume(lo <= to_year <= hi)
    there = T.convert(1e9, currency, year, currency, to_year)
    assert T.convert(there, currency, to_year, currency, year) == pytest.approx(1e9, rel=1e-13)


# ----------------------------------------------------------------------- sanity anchors
@pytest.mark.parametrize(
    ("currency", "year", "to_year", "lo", "hi"),
    [
        ("GBP", 1985, 1994, 1.45, 1.70),  # UK prices 1985 -> 1994
        ("CHF", 1998, 2020, 1.05, 1.15),  # Swiss CPI 1998 -> 2020
        ("ESP", 2000, 2007, 1.20, 1.30),  # Spain 2000 -> 2007
        ("JPY", 1990, 2020, 1.00, 1.12),  # Japan 1990 -> 2020
        ("EUR", 1999, 2019, 1.30, 1.50),  # euro area, close to 2 % a year
    ],
)
def test_local_inflation_anchors(
    currency: str, year: int, to_year: int, lo: float, hi: float
) -> None:
    assert lo <= T.deflate_local(1.0, currency, year, to_year) <= hi


@pytest.mark.parametrize(
    ("currency", "year", "oecd"),
    [
        ("GBP", 1985, 42.9), ("GBP", 2024, 132.9), ("ESP", 1980, 20.0), ("ESP", 2000, 71.3),
        ("NOK", 1990, 59.9), ("SEK", 1980, 31.9), ("DKK", 2024, 118.8), ("DEM", 1970, 29.7),
        ("FRF", 1975, 22.3), ("ITL", 1980, 20.7),
    ],
)  # fmt: skip
def test_tabled_levels_agree_with_the_oecd_copy(currency: str, year: int, oecd: float) -> None:
    # knutsu/FIE463-V26 data/OECD/OECD_annual.csv, 2015 = 100 with one decimal
    assert T.local_cpi[currency][2015] == 100.0
    assert T.local_cpi[currency][year] == pytest.approx(oecd, abs=0.0501)


def test_every_brief_currency_has_a_series_covering_its_years() -> None:
    assert set(T.local_cpi) == {"USD", *LOCAL}
    for code in LOCAL:
        assert has_local_cpi(code) and T.has_local_cpi(code)
        lo, hi = T.local_years(code)
        first = {"EUR": 1996, "CHF": 1969}.get(code, 1970)  # CHF 1969: tunnel_cases.toml
        assert (lo, hi) == (first, 2025 if code == "EUR" else 2024), code
        series = T.local_cpi[code]
        assert all(math.isfinite(v) and v > 0 for v in series.values()), code
    assert not has_local_cpi("CAD") and not T.has_local_cpi("RUB")
    assert T.local_cpi["USD"] == T.cpi  # USD deflates with CPI-U


def test_local_series_are_sourced_and_flagged() -> None:
    assert set(T.local_cpi_provenance) == set(T.local_cpi)
    assert T.local_cpi_provenance["USD"] is T.provenance["CPI-U"]
    for code, info in T.local_cpi_provenance.items():
        assert info.source.strip(), code
    assert "FP.CPI.TOTL.ZG" in T.local_cpi_provenance["GBP"].source
    assert "prc_hicp_aind" in T.local_cpi_provenance["EUR"].source
    assert T.is_local_unverified("EUR", 2000, 2025)
    assert not T.is_local_unverified("EUR", 1996, 1997)
    assert T.is_local_unverified("CHF", 1998, 2020)  # single copy after 2012
    assert not T.is_local_unverified("CHF", 1985, 2012)
    assert not T.is_local_unverified("GBP", 1985, 1994)
    assert T.is_local_unverified("CAD", 2000)


# ----------------------------------------------------------------------- errors
def test_currency_without_local_series_names_the_field() -> None:
    field = "reference.rows.Confederation Bridge.cost.currency"
    with pytest.raises(ScenarioError) as exc:
        T.deflate_local(1.0, "CAD", 1993, 1997, currency_field=field)
    assert exc.value.field == field
    assert str(exc.value).startswith(
        f"{field}: got 'CAD'; allowed (currencies with a local CPI): ATS"
    )
    with pytest.raises(ScenarioError, match=r"^currency: got 'CAD'"):
        T.convert(1.0, "CAD", 1993, "CAD", 1997)
    with pytest.raises(ScenarioError, match=r"^to_currency: got 'XYZ'; allowed: ATS"):
        T.convert(1.0, "GBP", 1993, "XYZ", 1997)


def test_year_outside_the_local_series_names_the_field_and_the_range() -> None:
    field = "hindcast.outturn.year"
    with pytest.raises(
        ScenarioError, match=r"outturn\.year: got 1965; allowed: 1970 to 2024 for the GBP"
    ):
        T.deflate_local(1.0, "GBP", 1965, 1994, year_field=field)
    with pytest.raises(
        ScenarioError, match=r"^to_year: got 2025; allowed: 1969 to 2024 for the CHF"
    ):
        T.convert(1.0, "CHF", 2000, "CHF", 2025)
    with pytest.raises(ScenarioError, match=r"^year: got 1995; allowed: 1996 to 2025 for the EUR"):
        T.deflate_local(1.0, "EUR", 1995, 2000)
    with pytest.raises(ScenarioError, match=r"^year: got 1960; allowed: 1970 to 2024 for the ESP"):
        T.convert(1.0, "EUR", 1960, "ESP", 2000)
    with pytest.raises(ScenarioError, match=r"^amount: got inf"):
        T.deflate_local(math.inf, "GBP", 1990, 1994)
    with pytest.raises(ScenarioError, match=r"^amount: got nan"):
        T.convert(math.nan, "GBP", 1990, "EUR", 2000)


def test_malformed_local_series_names_the_field() -> None:
    base = {
        "cpi_u": {"source": "x", "values": {"2000": 1.0, "2001": 1.1}},
        "fixed_euro": {},
        "fx": {"EUR": {"source": "x", "per_usd": {"2000": 1.0}}},
    }
    good = {"source": "x", "base": "2000 = 1", "values": {"2000": 1.0, "2001": 1.02}}
    table = parse_money_table({**base, "local_cpi": {"EUR": good}})
    assert table.deflate_local(1.0, "EUR", 2000, 2001) == 1.02
    assert parse_money_table(base).local_cpi.keys() == {"USD"}  # the section is optional
    with pytest.raises(ScenarioError, match="a tabled currency: EUR") as info:
        parse_money_table({**base, "local_cpi": {"GBP": good}})
    assert info.value.field == "data/money.toml.local_cpi.GBP"
    gap = {**good, "values": {"1999": 1.0, "2001": 1.1}}
    with pytest.raises(ScenarioError, match="consecutive years") as info:
        parse_money_table({**base, "local_cpi": {"EUR": gap}})
    assert info.value.field == "data/money.toml.local_cpi.EUR.values"
    with pytest.raises(ScenarioError) as info:
        parse_money_table({**base, "local_cpi": {"EUR": {"values": {"2000": 1.0}}}})
    assert info.value.field == "data/money.toml.local_cpi.EUR.source"
    assert info.value.value == "missing"
