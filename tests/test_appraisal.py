"""The appraisal of issue 13: residual value apart, payback as a probability, the economic
appraisal, NPV at fixed policy rates, financing (interest during construction, PPP equity),
renewals, and claims tested on their own scope.

Known answers are worked out by hand (annuities); properties are hypothesis-checked.
"""

from __future__ import annotations

import copy
import functools
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_corridor_assess import HORIZON, RATE, TEU, corridor_run, fixed, toy_doc

from beringia.core.economics import (
    annuity_payment,
    debt_service,
    interest_during_construction,
    irr,
    logsum_gain,
    npv,
    payback_year,
    periodic_costs,
    residual_value,
)
from beringia.errors import ScenarioError
from beringia.models.reference.assess import (
    assess_claims,
    reference_facts,
    untested_claims,
)
from beringia.models.reference.dataset import reference_rows
from beringia.scenario import load_scenario
from beringia.scenario.io import read_document


def annuity(r: float, years: int) -> float:
    """Present value of 1 a year booked at the end of years 1 .. ``years``."""
    return (1.0 - (1.0 + r) ** -years) / r


# --------------------------------------------------------------------------- residual value

CAPEX, NET, LIFE, YEARS = 100.0, 12.0, 50.0, 20


def _project(net: float = NET) -> tuple[np.ndarray, np.ndarray]:
    """Capex in year 0, ``net`` a year in years 1..20, straight-line residual in year 20."""
    cash = np.zeros((1, YEARS + 1))
    cash[0, 0] = -CAPEX
    cash[0, 1:] = net
    res = residual_value([CAPEX], [YEARS], [LIFE], booked_year=[YEARS], horizon_years=YEARS + 1)
    return cash, res


def test_annuity_npv_with_and_without_the_residual_value() -> None:
    r = 0.05
    cash, res = _project()
    assert res[0, YEARS] == pytest.approx(CAPEX * (1 - YEARS / LIFE))  # 60, undiscounted
    without = -CAPEX / (1 + r) + NET * (annuity(r, YEARS + 1) - annuity(r, 1))
    residual_pv = 60.0 * (1 + r) ** -(YEARS + 1)
    assert npv(cash, r)[0] == pytest.approx(without, rel=1e-12)
    assert npv(res, r)[0] == pytest.approx(residual_pv, rel=1e-12)
    assert npv(cash + res, r)[0] == pytest.approx(without + residual_pv, rel=1e-12)


def test_the_residual_value_makes_a_payback_in_its_own_year() -> None:
    """Without the residual, a thin project never pays back; with it, 'in' the last year."""
    paying, _ = _project(NET)  # -100 + 12 k >= 0 from year 9 on
    thin, res = _project(4.0)  # -100 + 80 < 0 at the horizon
    cash = np.vstack([paying, thin])
    got = payback_year(cash)
    assert got[0] == 9.0 and math.isnan(got[1])
    assert payback_year(cash + np.vstack([res, res]))[1] == YEARS  # the residual year
    assert float(np.mean(np.isfinite(got))) == 0.5  # the probability the report shows
    # and the IRR: none above -100 % without the residual's cash... with it, one
    assert np.isfinite(irr(thin + res)[0]) and irr(thin + res)[0] > irr(thin)[0]


# --------------------------------------------------------------------------- financing


def test_interest_during_construction_on_a_known_drawdown() -> None:
    # 1 a year drawn at the ends of years 1, 2, 3; opening at 3: 0.1 x 1.1 + 0.1 + 0 = 0.31
    got = interest_during_construction([[1.0, 1.0, 1.0, 0.0]], 0.1, [3.0])
    assert got[0] == pytest.approx(0.31, rel=1e-12)
    # a fractional opening compounds the last part-year too
    got = interest_during_construction([[1.0, 1.0, 1.0]], 0.1, [2.5])
    assert got[0] == pytest.approx(1.1**1.5 - 1 + 1.1**0.5 - 1, rel=1e-12)
    # nothing accrues on spending at or after opening, nor at a zero rate
    assert interest_during_construction([[0.0, 0.0, 5.0]], 0.1, [1.0])[0] == 0.0
    assert interest_during_construction([[1.0, 1.0]], 0.0, [2.0])[0] == 0.0


def test_annuity_payment_and_debt_service_repay_the_principal() -> None:
    assert annuity_payment(60.0, 0.05, 10) == pytest.approx(7.770275, rel=1e-6)
    assert annuity_payment(60.0, 0.0, 10) == pytest.approx(6.0)
    r, opening, tenor = 0.05, 3.0, 10
    pay = debt_service([60.0], r, tenor, [opening], 20)
    assert np.count_nonzero(pay) == tenor and pay[0, 3] == pytest.approx(7.770275, rel=1e-6)
    # the payments' value at opening is the principal
    assert npv(pay, r)[0] * (1 + r) ** opening == pytest.approx(60.0, rel=1e-12)


def test_ppp_equity_earns_its_known_return() -> None:
    """Capex 100 at the end of year 1 (opening), 60 % debt at 5 % over 10 years: an operating
    margin that covers the debt's annuity plus the equity's 40 at 12 % gives an equity IRR of
    exactly 12 %."""
    debt_share, debt_rate, equity_return, tenor = 0.6, 0.05, 0.12, 10
    horizon = tenor + 1
    capex = np.zeros((1, horizon))
    capex[0, 0] = CAPEX
    opening = np.array([1.0])
    drawn = debt_share * capex
    idc = interest_during_construction(drawn, debt_rate, opening)
    assert idc[0] == 0.0  # drawn at opening
    pay = float(annuity_payment(debt_share * CAPEX, debt_rate, tenor))
    margin = pay + float(annuity_payment((1 - debt_share) * CAPEX, equity_return, tenor))
    cash = -capex.copy()
    cash[0, 1:] += margin
    service = debt_service(debt_share * CAPEX + idc, debt_rate, tenor, opening, horizon)
    equity = cash + drawn - service
    assert equity[0, 0] == pytest.approx(-(1 - debt_share) * CAPEX)
    assert irr(equity)[0] == pytest.approx(equity_return, abs=1e-12)
    assert npv(equity, equity_return)[0] == pytest.approx(0.0, abs=1e-9)
    # the project's own IRR lies between the debt's rate and the equity's return
    assert debt_rate < irr(cash)[0] < equity_return


def test_periodic_renewals_fall_every_interval_until_closing() -> None:
    got = periodic_costs([2.0], [10.0], [5.0], [40.0], 60)
    assert np.flatnonzero(got[0]).tolist() == [15, 25, 35]
    assert got.sum() == pytest.approx(6.0)
    assert periodic_costs([2.0], [10.0], [5.0], [15.0], 60).sum() == 0.0


# --------------------------------------------------------------------------- economic benefit


def test_logsum_gain_known_answers() -> None:
    s = 1e-3  # per USD
    assert logsum_gain(1000.0, 1000.0, s) == pytest.approx(math.log(2) / s)
    # a far dearer new route saves almost nothing, a far cheaper one its whole saving
    assert logsum_gain(1e6, 0.0, s) < 1e-9
    assert logsum_gain(0.0, 50_000.0, s) == pytest.approx(50_000.0, rel=1e-12)
    with pytest.raises(ScenarioError, match="scale"):
        logsum_gain(0.0, 1.0, 0.0)


@settings(max_examples=200, deadline=None)
@given(
    new=st.floats(-5e3, 5e3),
    base=st.floats(-5e3, 5e3),
    scale=st.floats(1e-4, 1e-1),
)
def test_logsum_gain_is_at_least_the_cheaper_choice_saving(
    new: float, base: float, scale: float
) -> None:
    gain = float(logsum_gain(new, base, scale))
    assert gain >= max(0.0, base - new) - 1e-9 * (1 + abs(base - new))
    assert gain >= 0.0
    assert float(logsum_gain(new + 100.0, base, scale)) <= gain  # dearer: saves less


# --------------------------------------------------------------------------- discounting


@settings(max_examples=200, deadline=None)
@given(
    outlays=st.lists(st.floats(0.1, 100.0), min_size=1, max_size=8),
    inflows=st.lists(st.floats(0.0, 50.0), min_size=1, max_size=40),
    r1=st.floats(0.0, 0.2),
    dr=st.floats(1e-3, 0.2),
)
def test_npv_falls_as_the_discount_rate_rises(
    outlays: list[float], inflows: list[float], r1: float, dr: float
) -> None:
    """Outlays first, then inflows: where the NPV is not negative, a higher rate lowers it;
    a stream of inflows alone is worth less at a higher rate."""
    cash = np.array([[-x for x in outlays] + inflows])
    r2 = r1 + dr
    v1, v2 = npv(cash, r1)[0], npv(cash, r2)[0]
    if v1 >= 0:
        assert v2 < v1 + 1e-12
    k = len(outlays)
    assert v2 * (1 + r2) ** k <= v1 * (1 + r1) ** k + 1e-9 * (1 + abs(v1))
    stream = np.array([inflows])
    assert npv(stream, r2)[0] <= npv(stream, r1)[0] + 1e-12


# --------------------------------------------------------------------------- the toy corridor


def _toy(**economics: Any) -> Any:
    doc = toy_doc(teu=TEU)
    doc["economics"].update(economics)
    return corridor_run(load_scenario(doc), cost=20.0, years=5.0)


def test_fixed_rate_table_and_economic_npv_on_the_toy() -> None:
    res = _toy(
        policy_rates=[
            {"name": "same", "rate": RATE, "source": "test"},
            {"name": "higher", "rate": 0.09, "source": "test"},
        ]
    )
    for p in (res.tunnel, res.corridor):
        same, higher = p.rate_table
        # at the policy rate the table's row is the headline NPV
        np.testing.assert_allclose(same.npv_usd_bn, p.npv_usd_bn, rtol=1e-10, atol=1e-12)
        paying = same.npv_usd_bn >= 0
        assert 0 < paying.sum() < paying.size
        assert np.all(higher.npv_usd_bn[paying] < same.npv_usd_bn[paying])
        e = p.economic
        assert e is not None
        # economic NPV = financial NPV + PV of the shippers' savings (tolls are transfers)
        np.testing.assert_allclose(
            e.npv_usd_bn, p.npv_usd_bn + e.user_benefit_pv_usd_bn, rtol=1e-10, atol=1e-12
        )
        np.testing.assert_allclose(same.economic_npv_usd_bn, e.npv_usd_bn, rtol=1e-10, atol=1e-9)
        assert np.all(e.user_benefit_pv_usd_bn > 0)  # every draw carries some boxes
    d = res.economics_dict()
    assert d["discount_rate_fixed"] is True
    assert "benefit_cost_ratio" not in d["tunnel"]  # the financial ratio's old name is gone
    assert {"revenue_cost_ratio", "residual_value", "payback", "npv_at_fixed_rates"} <= set(
        d["tunnel"]
    )
    assert d["tunnel"]["economic"]["label"].startswith("economic")


def test_public_financing_reports_interest_during_construction() -> None:
    """Tunnel capex 20 spread evenly over 5 years (4 a year drawn at each year end), opening
    at 5: IDC = 4 x sum over k = 0..4 of (1.04^k - 1)."""
    res = _toy(financing={"structure": "public", "debt_rate": 0.04, "source": "test"})
    f = res.tunnel.financing
    assert f is not None and f.equity_irr is None
    expected = 4.0 * sum(1.04**k - 1 for k in range(5))
    np.testing.assert_allclose(f.idc_usd_bn, expected, rtol=1e-10)
    off = _toy(
        financing={
            "structure": "public",
            "debt_rate": 0.04,
            "interest_during_construction": False,
            "source": "test",
        }
    )
    assert off.tunnel.financing is not None
    np.testing.assert_array_equal(off.tunnel.financing.idc_usd_bn, 0.0)


def test_ppp_without_debt_is_the_project_itself() -> None:
    """All equity: the equity's cash is the project's, so its IRR is the project's IRR."""
    res = _toy(
        financing={
            "structure": "ppp",
            "debt_rate": 0.04,
            "debt_share": 0.0,
            "equity_return": 0.09,
            "source": "test",
        },
        policy_rates=[{"name": "equity", "rate": 0.09, "source": "test"}],
    )
    f = res.tunnel.financing
    assert f is not None and f.equity_irr is not None and f.equity_npv_usd_bn is not None
    np.testing.assert_array_equal(f.idc_usd_bn, 0.0)
    np.testing.assert_allclose(f.equity_irr, res.tunnel.irr, rtol=1e-9, equal_nan=True)
    np.testing.assert_allclose(
        f.equity_npv_usd_bn, res.tunnel.rate_table[0].npv_usd_bn, rtol=1e-10, atol=1e-12
    )
    out = res.tunnel.to_dict()["financing"]
    assert out["p_equity_return_met"] == float(np.mean(f.equity_irr >= 0.09))


def test_renewals_lower_the_npv_by_their_present_value() -> None:
    base = _toy()
    renewed = _toy(tunnel_renewals={"share_of_capex": fixed(0.1), "interval_years": 10.0})
    # 2 a time (10 % of 20) at 5 + 10, 5 + 20 (before closing at 35), in columns 15 and 25
    pv = 2.0 * ((1 + RATE) ** -16 + (1 + RATE) ** -26)
    np.testing.assert_allclose(renewed.tunnel.renewals_pv_usd_bn, pv, rtol=1e-10)
    np.testing.assert_allclose(
        renewed.tunnel.npv_usd_bn, base.tunnel.npv_usd_bn - pv, rtol=1e-10, atol=1e-12
    )
    assert HORIZON == 30  # the closing year above: opening 5 + 30


# --------------------------------------------------------------------------- input errors


@functools.cache
def _builtin() -> dict[str, Any]:
    return read_document("bering-strait")


def _financing_error(**financing: Any) -> ScenarioError:
    doc = copy.deepcopy(_builtin())
    doc["economics"]["financing"] = {"source": "test", **financing}
    with pytest.raises(ScenarioError) as err:
        load_scenario(doc)
    return err.value


@pytest.mark.parametrize(
    ("financing", "field", "shown", "allowed"),
    [
        ({"debt_rate": 0.5}, "economics.financing.debt_rate", "0.5", "<= 0.3"),
        (
            {"debt_rate": 0.04, "debt_share": 1.5},
            "economics.financing.debt_share",
            "1.5",
            "<= 1.0",
        ),
        (
            {"structure": "bond", "debt_rate": 0.04},
            "economics.financing.structure",
            "bond",
            "'public' or 'ppp'",
        ),
        (
            {"structure": "ppp", "debt_rate": 0.04, "debt_share": 0.7},
            "economics.financing",
            "equity_return",
            "required with structure = 'ppp'",
        ),
        (
            {"debt_rate": 0.04, "debt_share": 0.7},
            "economics.financing",
            "0.7",
            "1.0 with structure = 'public'",
        ),
        (
            {"debt_rate": 0.04, "debt_tenor_years": 80},
            "economics.financing.debt_tenor_years",
            "80",
            "horizon_years (50)",
        ),
    ],
)
def test_bad_financing_names_field_value_and_what_is_allowed(
    financing: dict[str, Any], field: str, shown: str, allowed: str
) -> None:
    err = _financing_error(**financing)
    assert err.field.startswith(field), err
    assert shown in str(err) and allowed in str(err), str(err)


def test_bad_policy_rate_and_renewal_interval() -> None:
    doc = copy.deepcopy(_builtin())
    doc["economics"]["policy_rates"] = [{"name": "x", "rate": 0.5, "source": "test"}]
    with pytest.raises(ScenarioError) as err:
        load_scenario(doc)
    assert err.value.field == "economics.policy_rates.x.rate" and "0.3" in str(err.value)
    doc = copy.deepcopy(_builtin())
    doc["economics"]["tunnel_renewals"] = {"share_of_capex": fixed(0.1), "interval_years": 0.5}
    with pytest.raises(ScenarioError) as err:
        load_scenario(doc)
    assert err.value.field == "economics.tunnel_renewals.interval_years"


# --------------------------------------------------------------------------- claims and scope


def test_claims_are_tested_on_their_scope() -> None:
    sc = load_scenario("bering-strait")
    by_name = {c.name: c for c in sc.claims}
    assert by_name["TKM-World Link 2007: $65bn, tunnel and railway"].scope == "both"
    facts = reference_facts(sc)
    n = 1000
    rng = np.random.default_rng(1)
    tunnel_cost, tunnel_years = rng.uniform(5, 80, n), rng.uniform(5, 30, n)
    capex, build, opening = rng.uniform(20, 200, n), rng.uniform(5, 40, n), rng.uniform(5, 40, n)
    out = assess_claims(sc, tunnel_cost, tunnel_years, 300.0, facts, (capex, build, opening))
    got = {c.name: c for c in out}
    assert set(got) == set(by_name)
    both = got["TKM-World Link 2007: $65bn, tunnel and railway"]
    assert both.scope == "both" and both.money_year == 2007 and both.max_duration_years is None
    assert both.max_cost_usd_bn is not None
    assert both.probability == float(np.mean(tunnel_cost + capex <= both.max_cost_usd_bn))
    assert both.implied_usd_m_per_bore_km is None  # no tunnel unit cost for a wider scope
    assert "the whole project (tunnel and corridor railway) costs" in both.sentence
    assert "USD 65bn of 2007" in both.sentence
    alone = got["TKM-World Link, tunnel alone: $10-12bn, about 15 years"]
    assert alone.scope == "tunnel" and alone.max_cost_usd_bn is not None
    assert alone.probability == float(
        np.mean((tunnel_cost <= alone.max_cost_usd_bn) & (tunnel_years <= 15.0))
    )
    # a corridor-only claim is tested on the corridor's capex and build years
    doc = copy.deepcopy(_builtin())
    doc["claims"] = [
        {"name": "rail", "max_cost_bn": 100.0, "max_duration_years": 20.0, "scope": "corridor"}
        | {"source": "test", "currency": "USD", "year": 2025}
    ]
    (rail,) = assess_claims(
        load_scenario(doc), tunnel_cost, tunnel_years, 300.0, facts, (capex, build, opening)
    )
    assert rail.probability == float(np.mean((capex <= 100.0) & (build <= 20.0)))
    # without a corridor the wider claims are left out, and said to be
    tested = assess_claims(sc, tunnel_cost, tunnel_years, 300.0, facts, None)
    assert {c.scope for c in tested} == {"tunnel"}
    assert [u["name"] for u in untested_claims(sc, has_corridor=False)] == [both.name]
    assert untested_claims(sc, has_corridor=True) == []


def test_claim_money_years_agree_with_the_reference_set() -> None:
    rows = {r.name: r for r in reference_rows()}
    sc = load_scenario("bering-strait")
    claims = {c.name: c for c in sc.claims}
    inter = claims["InterBering: tunnelling could approach $35bn"]
    row = rows["Bering Strait tunnel (InterBering)"].cost
    assert row is not None and (inter.currency, inter.year) == (row.currency, row.year) == (
        "USD",
        2011,
    )
    tkm = claims["TKM-World Link 2007: $65bn, tunnel and railway"]
    (tkm_row,) = [r for r in rows.values() if "TKM" in r.name]
    assert tkm_row.cost is not None and tkm_row.cost.scope == "line"  # not a tunnel unit cost
    assert tkm.year == tkm_row.cost.year == 2007
    channel = rows["Channel Tunnel"].cost
    assert channel is not None and (channel.currency, channel.year) == ("GBP", 1985)
