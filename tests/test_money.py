"""Money normalisation: known answers, sanity anchors, provenance and error messages."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from beringia.errors import ScenarioError
from beringia.reference import money_table, parse_money_table
from beringia.scenario.reference import MoneyAmount

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
    legal = {"ESP": 166.386, "FRF": 6.55957, "DEM": 1.95583, "ITL": 1936.27, "ATS": 13.7603}
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


def test_malformed_table_is_a_runtime_error() -> None:
    doc = {
        "cpi_u": {"source": "x", "values": {"2000": 1.0, "2002": 1.1}},
        "fixed_euro": {},
        "fx": {"EUR": {"source": "x", "per_usd": {"2000": 1.0}}},
    }
    with pytest.raises(RuntimeError, match="consecutive years"):
        parse_money_table(doc)
    with pytest.raises(RuntimeError, match="malformed"):
        parse_money_table({"fx": {}})


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
