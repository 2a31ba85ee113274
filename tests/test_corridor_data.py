"""Tests of the corridor market and cost data files and their loaders."""

from __future__ import annotations

import copy
import tomllib
from importlib import resources
from typing import Any

import numpy as np
import pytest

from beringia.core.distributions import ppf
from beringia.errors import ScenarioError
from beringia.models.corridor.data import (
    COUNTRIES,
    TERRAINS,
    load_corridor_costs,
    load_market,
    parse_corridor_costs,
    parse_market,
)
from beringia.models.corridor.network import Quantity

UNIT_SUFFIXES = (
    "_per_year",
    "_per_feu",
    "_per_km",
    "_per_day",
    "_years",
    "_factor",
    "_rate",
    "_per_train_km",
    "_per_route_km_year",
    "_per_feu_km",
    "_per_1000usd_per_feu",
    "_per_year_per_front",
)


def _doc(name: str) -> dict[str, Any]:
    return tomllib.loads(resources.files("beringia.data").joinpath(name).read_text("utf-8"))


def _dist_keys(node: Any, path: str = "") -> list[tuple[str, dict[str, Any]]]:
    """Every inline distribution table in a parsed document, with its key path."""
    out: list[tuple[str, dict[str, Any]]] = []
    if isinstance(node, dict):
        if "dist" in node:
            return [(path, node)]
        for k, v in node.items():
            out += _dist_keys(v, f"{path}.{k}" if path else k)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _dist_keys(v, f"{path}.{i}")
    return out


def _support(q: Quantity) -> tuple[float, float]:
    x = ppf(q.spec, np.array([1e-9, 1 - 1e-9]))
    return float(x[0]), float(x[1])


@pytest.mark.parametrize("name", ["market.toml", "corridor_costs.toml"])
def test_every_figure_has_source_and_unit(name: str) -> None:
    found = _dist_keys(_doc(name))
    assert len(found) >= 9
    for path, d in found:
        assert d.get("source"), path
        assert path.split(".")[-1].endswith(UNIT_SUFFIXES), path
        # A flagged figure says why.
        if d.get("assumed") or d.get("unverified"):
            assert d.get("note") or "none" in d["source"] or "x" in d["source"], path


def test_market_loads_with_sensible_values() -> None:
    m = load_market()
    names = {f.name for f in m.flows}
    assert {"asia_us_eastbound_2024", "us_asia_westbound_2024", "china_europe_rail_2024"} <= names
    east = m.flow("asia_us_eastbound_2024").teu_per_year.mean
    west = m.flow("us_asia_westbound_2024").teu_per_year.mean
    assert 15e6 < east < 30e6
    assert 2.5 < east / west < 5.0  # the known trans-Pacific imbalance
    assert m.flow("china_europe_rail_2024").teu_per_year.unverified
    # Hummels & Schaur: 0.6-2.1 % per day; value of time per FEU-day ~ $650-2,300.
    lo, hi = _support(m.time_cost_pct_per_day)
    assert (lo, hi) == pytest.approx((0.6, 2.1), abs=1e-6)
    assert 500 < m.time_value_usd_per_feu_day < 3000
    assert m.logit_scale_per_1000usd_per_feu.assumed
    assert m.ramp_up_years.assumed
    assert m.claims["tkm_world_link_freight"].unverified
    with pytest.raises(ScenarioError, match=r"market\.flows"):
        m.flow("nowhere")


def test_costs_load_capex_in_range_and_flags() -> None:
    c = load_corridor_costs()
    assert c.price_year == 2025
    for country in COUNTRIES:
        for terrain in TERRAINS:
            q = c.new_build_cost(country, terrain)
            lo, hi = _support(q)
            top = 1000.0 if terrain == "bridge" else 200.0  # major river crossings per km
            assert 1.0 <= lo <= hi <= top, (country, terrain)
            assert q.source
    # Terrain ordering holds within each country (means).
    for country in COUNTRIES:
        plain = c.new_build_cost(country, "plain").mean
        assert c.new_build_cost(country, "mountain").mean > plain
        assert c.new_build_cost(country, "bridge").mean > c.new_build_cost(country, "mountain").mean
    # Multiplier-derived cells and every opex figure are assumptions.
    assert c.new_build_cost("US", "mountain").assumed
    assert not c.new_build_cost("US", "plain").assumed
    for q in (c.opex_usd_per_train_km, c.maintenance_usd_per_route_km_year, c.arctic_opex_factor):
        assert q.assumed
    assert c.arctic_opex_factor.mean > 1.0
    # Low-grade China-Europe tariff (notes 5.1) stays unverified; ~$0.5-0.6 per FEU-km.
    assert c.rail_tariff_usd_per_feu_km.unverified
    assert 0.4 < c.rail_tariff_usd_per_feu_km.mean < 0.8
    rates = {k: v.mean for k, v in c.discount_real_rates.items()}
    assert rates["uk_green_book"] == pytest.approx(0.035)
    assert rates["us_omb_a94_1992"] == pytest.approx(0.07)
    assert all(0.0 < r < 0.1 for r in rates.values())
    assert 30 <= c.horizon_years.mean <= 75
    assert set(c.asset_life_years) >= {"tunnel_structure", "track"}
    assert 10 < c.build_km_per_year_per_front.mean < 200
    assert 0.1 < c.upgrade_usd_m_per_km.mean < 10
    claims = [r for r in c.references if r.claim]
    assert claims and all(r.usd_m_per_km_2025 > 100 for r in claims)
    with pytest.raises(ScenarioError, match="terrain"):
        c.new_build_cost("US", "swamp")


def test_reference_figures_match_money_table() -> None:
    from beringia.tables.money import money_table

    m = money_table()
    c = load_corridor_costs()
    nre = next(r for r in c.references if r.name.startswith("Northern Rail"))
    derived = m.to_usd(nre.amount, nre.currency, nre.year) / nre.length_km / 1e6
    assert derived == pytest.approx(nre.usd_m_per_km_2025, rel=0.02)
    ayam = next(r for r in c.references if r.per_km)
    assert m.to_usd(ayam.amount, ayam.currency, ayam.year) / 1e6 == pytest.approx(
        ayam.usd_m_per_km_2025, rel=0.02
    )


def test_bad_data_is_a_clear_error() -> None:
    doc = _doc("corridor_costs.toml")
    bad = copy.deepcopy(doc)
    bad["new_build"] = bad["new_build"][1:]
    with pytest.raises(ScenarioError, match="every country/terrain"):
        parse_corridor_costs(bad)
    bad = copy.deepcopy(doc)
    bad["opex"]["usd_per_train_km"] = {"dist": "uniform", "low": 5, "high": 1, "source": "x"}
    with pytest.raises(ScenarioError, match=r"corridor_costs\.opex\.usd_per_train_km"):
        parse_corridor_costs(bad)
    bad = copy.deepcopy(doc)
    del bad["tariffs"]["rail_usd_per_feu_km"]["source"]
    with pytest.raises(ScenarioError, match="source"):
        parse_corridor_costs(bad)
    mdoc = _doc("market.toml")
    bad = copy.deepcopy(mdoc)
    bad["flows"][0]["direction"] = "sideways"
    with pytest.raises(ScenarioError, match=r"market\.flows\.0\.direction"):
        parse_market(bad)
    bad = copy.deepcopy(mdoc)
    bad["flows"][0]["teu"] = 1
    with pytest.raises(ScenarioError, match=r"market\.flows\.0\.teu"):
        parse_market(bad)


def test_market_and_cost_tables_are_strict() -> None:
    mdoc = _doc("market.toml")
    bad = copy.deepcopy(mdoc)
    bad["flows"][0]["year"] = "2024"  # a string is not a year
    with pytest.raises(ScenarioError) as info:
        parse_market(bad)
    assert info.value.field == "market.flows.0.year"
    assert "a whole number >= 1900 and <= 2100" in str(info.value)
    bad = copy.deepcopy(mdoc)
    bad["flows"].append(copy.deepcopy(bad["flows"][0]))
    with pytest.raises(ScenarioError, match="a name not used before") as info:
        parse_market(bad)
    assert info.value.field == f"market.flows.{len(bad['flows']) - 1}.name"
    doc = _doc("corridor_costs.toml")
    bad = copy.deepcopy(doc)
    bad["asset_life"]["track"] = bad["asset_life"].pop("track_years")
    with pytest.raises(ScenarioError, match="_years") as info:
        parse_corridor_costs(bad)
    assert info.value.field == "corridor_costs.asset_life.track"
    bad = copy.deepcopy(doc)
    bad["references"][0]["claim"] = "yes"
    with pytest.raises(ScenarioError, match="true or false") as info:
        parse_corridor_costs(bad)
    assert info.value.field == "corridor_costs.references.0.claim"
