"""Outside view, systemic factors, claim checker and hindcast scoring: known answers."""

from __future__ import annotations

import math
import tomllib
from importlib import resources

import numpy as np
import pytest
from scipy.stats import norm

import beringia
from beringia.core.construction import COMPONENTS
from beringia.core.stats import percentile_of
from beringia.models.reference.assess import PRICE_BASE_YEAR, claim_cost_usd_bn, money_factor
from beringia.models.reference.claims import claim_sentence, probability_phrase
from beringia.models.reference.systemic import cost_factor, schedule_factor, schedule_ratios
from beringia.models.reference.uplift import fit_moments, fit_quantiles, uplift, uplift_sources
from beringia.pipeline.hindcast import HindcastCase, HindcastReport
from beringia.tables.money import money_table

# --------------------------------------------------------------------------- uplifts


def test_flyvbjerg_lognormal_has_the_published_mean_and_sd() -> None:
    up = uplift("flyvbjerg-2003", "fixed-links")
    mean = math.exp(up.mu + up.sigma**2 / 2)
    sd = mean * math.sqrt(math.exp(up.sigma**2) - 1)
    assert mean == pytest.approx(1.338, rel=1e-12)
    assert sd == pytest.approx(0.62, rel=1e-12)
    assert up.mean_ratio() == pytest.approx(1.338, rel=1e-12)


def test_dft_fit_passes_near_the_published_quantiles() -> None:
    up = uplift("dft-2004", "fixed-links")
    assert up.unverified
    for key, p in (("p50", 0.5), ("p80", 0.8), ("p90", 0.9)):
        assert up.ratio_quantile(p) - 1 == pytest.approx(up.published[key], abs=0.05)


def test_fit_quantiles_is_exact_on_a_lognormal() -> None:
    mu, sigma = 0.2, 0.3
    pub = {
        k: math.exp(mu + sigma * float(norm.ppf(p))) - 1
        for k, p in (("p50", 0.5), ("p80", 0.8), ("p90", 0.9))
    }
    assert fit_quantiles(pub) == pytest.approx((mu, sigma), rel=1e-12)
    assert fit_moments(0.0, 0.0) == (0.0, 0.0)


def test_uplift_quantiles_scale_the_estimate() -> None:
    up = uplift("dft-2004", "rail")
    q = up.quantiles(10.0)
    assert q["p50"] == pytest.approx(10.0 * math.exp(up.mu), rel=1e-12)
    assert q["p5"] < q["p10"] < q["p50"] < q["p80"] < q["p90"] < q["p95"]
    assert set(uplift_sources()) == {"dft-2004", "flyvbjerg-2003"}


# --------------------------------------------------------------------------- systemic


def _builtin(name: str) -> dict:
    text = (resources.files("beringia.scenario") / "builtin" / f"{name}.toml").read_text()
    return tomllib.loads(text)


@pytest.mark.parametrize("name", ["bering-strait", "bering-strait-interbering"])
def test_builtin_systemic_factors_match_their_derivation(name: str) -> None:
    syst = _builtin(name)["construction"]["systemic"]
    med, gsd = cost_factor()
    assert syst["cost_factor"]["median"] == pytest.approx(med, abs=5e-4)
    assert syst["cost_factor"]["gsd"] == pytest.approx(gsd, abs=5e-4)
    med, gsd = schedule_factor()
    assert syst["schedule_factor"]["median"] == pytest.approx(med, abs=5e-4)
    assert syst["schedule_factor"]["gsd"] == pytest.approx(gsd, abs=5e-4)


def test_schedule_ratios_by_hand() -> None:
    ratios = schedule_ratios()
    # Channel Tunnel: built 1988-1994, planned 1993.
    assert ratios["Channel Tunnel"] == pytest.approx(6 / 5)
    assert len(ratios) >= 8 and all(v > 0 for v in ratios.values())


def test_systemic_factors_scale_cost_and_time_exactly() -> None:
    # Project-wide stops of the register add their own length, undilated: switched off here.
    no_stops = [
        f"construction.risks.{r}.rate_per_year=0"
        for r in ("failed-supply-season", "political-stop", "earthquake")
    ]
    # Bores at their rated performance (factor 1): the cap floor (largest advance / (cap x
    # performance), at most 1 then) never raises a schedule factor of 1 or more.
    rated = [
        f"construction.bores.{b}.performance_factor=1"
        for b in ("running-north", "running-south", "service")
    ]
    # Sites that supply without limit: a binding supply, like a cap, does not dilate.
    supplied = [
        f"route.attack_points.{p}.supply_m3_per_day=1000000"
        for p in ("chukotka-portal", "big-diomede", "little-diomede", "alaska-portal")
    ]
    rated += supplied
    base = [
        "construction.systemic.cost_factor=1",
        "construction.systemic.schedule_factor=1",
        *no_stops,
        *rated,
    ]
    a = beringia.assess(beringia.load_scenario("bering-strait", base), draws=300, seed=3)
    b = beringia.assess(
        beringia.load_scenario(
            "bering-strait",
            [
                "construction.systemic.cost_factor=1.5",
                "construction.systemic.schedule_factor=2",
                *no_stops,
                *rated,
            ],
        ),
        draws=300,
        seed=3,
    )
    assert np.allclose(b.duration_years, 2.0 * a.duration_years, rtol=1e-12)
    # The components are the inside view's, on the inside schedule (factor 1 here): a's.
    # The total pays the time-dependent costs on the final (dilated) schedule.
    for k in COMPONENTS:
        if k != "systemic":
            assert np.array_equal(b.breakdown_usd_bn[k], a.breakdown_usd_bn[k]), k
    timed = a.breakdown_usd_bn["tunnelling_time"] + a.breakdown_usd_bn["site_overheads"]
    owner_rate = a.breakdown_usd_bn["owner"] / (a.cost_usd_bn - a.breakdown_usd_bn["owner"])
    bottom_up = b.cost_usd_bn / 1.5
    assert np.allclose(bottom_up, a.cost_usd_bn + (1.0 + owner_rate) * timed, rtol=1e-10)
    assert np.all(bottom_up > a.cost_usd_bn)
    assert np.all(a.breakdown_usd_bn["systemic"] == 0)
    total = sum(b.breakdown_usd_bn[k] for k in COMPONENTS)
    assert np.allclose(total, b.cost_usd_bn, rtol=1e-12)
    # the outside view applies to the inside view's median, whatever the project-wide factors
    # (the inside view pays its own schedule, not the dilated one)
    c = beringia.assess(
        beringia.load_scenario(
            "bering-strait",
            [
                "construction.systemic.cost_factor=1.5",
                "construction.systemic.schedule_factor=1",
                *no_stops,
                *rated,
            ],
        ),
        draws=300,
        seed=3,
    )
    assert c.reference is not None and a.reference is not None and b.reference is not None
    assert c.reference.estimate_usd_bn == pytest.approx(a.reference.estimate_usd_bn, rel=1e-12)
    assert b.reference.estimate_usd_bn == pytest.approx(a.reference.estimate_usd_bn, rel=1e-12)


@pytest.mark.parametrize("name", ["bering-strait", "bering-strait-interbering"])
def test_the_inside_view_never_exceeds_the_headline_draw_by_draw(name: str) -> None:
    # Slow bores whose raw advance far exceeds the caps (a cap floor above the schedule
    # factor) once stretched the inside view's whole programme past the headline's, and
    # made the systemic part negative (found by a domain review, 188 of 2,000 draws).
    a = beringia.assess(beringia.load_scenario(name), draws=1500, seed=2025)
    assert np.all(a.inside_duration_years <= a.duration_years)
    assert np.all(a.inside_cost_usd_bn <= a.cost_usd_bn)
    assert np.all(a.breakdown_usd_bn["systemic"] >= 0.0)
    # ... and it is a smaller programme where the schedule factor is well above the floor
    assert np.mean(a.inside_duration_years < a.duration_years) > 0.5


def test_outside_view_is_the_bottom_up_median_times_the_uplift() -> None:
    a = beringia.assess(beringia.load_scenario("bering-strait"), draws=500, seed=5)
    ref = a.reference
    assert ref is not None
    bottom_up = a.cost_usd_bn - a.breakdown_usd_bn["systemic"]
    assert ref.estimate_usd_bn == pytest.approx(float(np.median(bottom_up)), rel=1e-12)
    up = uplift("dft-2004", "fixed-links")
    assert ref.outside_view_cost_usd_bn == pytest.approx(up.quantiles(ref.estimate_usd_bn))
    unit = a.cost_usd_bn * 1000 / ref.bore_km
    assert ref.unit_cost_usd_m_per_bore_km["p50"] == pytest.approx(float(np.median(unit)))
    assert 0 <= ref.unit_cost_percentile_in_reference <= 100
    # the mean advance of the headings, ranked among the tunnels that report one
    rates = [
        np.where(h.length_km > 0, h.length_km * 1000 / np.maximum(h.duration_years, 1e-12), np.nan)
        / 365.25
        for h in a.headings
    ]
    assert ref.advance_m_per_day["p50"] == pytest.approx(
        float(np.median(np.nanmean(rates, axis=0))), rel=1e-9
    )
    assert 0 <= ref.advance_percentile_in_reference <= 100


def test_claim_scenario_flags_rates_beyond_the_records() -> None:
    a = beringia.assess(beringia.load_scenario("bering-strait-claim"), draws=300, seed=5)
    assert a.reference is not None
    messages = " ".join(f.message for f in a.reference.flags)
    assert "230 m/day" in messages and "best whole-drive average" in messages
    quiet = beringia.assess(beringia.load_scenario("bering-strait"), draws=300, seed=5)
    assert quiet.reference is not None
    assert not any("best whole-drive average" in f.message for f in quiet.reference.flags)


# --------------------------------------------------------------------------- money and claims


def test_claim_limits_convert_to_the_price_base() -> None:
    sc = beringia.load_scenario("bering-strait")
    tkm = next(c for c in sc.claims if c.year == 2007)
    expected = 65.0 * money_table().cpi[PRICE_BASE_YEAR] / money_table().cpi[2007]
    assert claim_cost_usd_bn(tkm, sc) == pytest.approx(expected, rel=1e-12)
    assert money_factor(sc) == 1.0


def test_probability_phrase_rule_of_three() -> None:
    assert probability_phrase(0.0, 20_000) == "below 0.015 % (no draw of 20,000 qualifies)"
    assert probability_phrase(1.0, 1000).startswith("above 99.7 %")
    assert probability_phrase(0.25, 1000) == "25 %"
    assert probability_phrase(0.005, 1000) == "0.5 %"


def test_claim_sentence_names_the_cheapest_tunnel_when_below_all() -> None:
    text = claim_sentence(
        claim="C",
        scenario="s",
        probability=0.0,
        draws=1000,
        max_cost_usd_bn=8.0,
        max_duration_years=8.0,
        implied_usd_m_per_bore_km=27.5,
        percentile_in_reference=0.0,
        cheapest=("Somewhere", 40.0),
    )
    assert text.startswith("C: under the s scenario")
    assert "$28m per bore-km" in text and "cheapest: Somewhere, $40m" in text
    assert text.endswith(".")


# --------------------------------------------------------------------------- hindcast scores


def test_percentile_of_known_answers() -> None:
    v = np.array([1.0, 2.0, 3.0, 4.0])
    assert percentile_of(v, 0.5) == 0.0
    assert percentile_of(v, 5.0) == 100.0
    assert percentile_of(v, 2.0) == 37.5
    assert percentile_of(v, 2.5) == 50.0


def _case(name: str, actual_cost: float, actual_years: float) -> HindcastCase:
    q = {"mean": 10.0, "p5": 6.0, "p10": 7.0, "p50": 10.0, "p80": 12.0, "p90": 14.0, "p95": 16.0}
    return HindcastCase(
        name=name,
        title=name,
        actual_cost_usd_bn=actual_cost,
        actual_duration_years=actual_years,
        cost_usd_bn=q,
        duration_years=q,
        outside_view_cost_usd_bn=q,
        cost_percentile_of_actual=50.0,
        duration_percentile_of_actual=50.0,
        cost_scope="test",
        start="t0",
        end="opening",
        source="test",
    )


def test_coverage_and_median_abs_log_error_by_hand() -> None:
    rep = HindcastReport(
        cases=[_case("a", 10.0, 20.0), _case("b", 20.0, 10.0), _case("c", 5.0, 10.0 * math.e)],
        draws=100,
        seed=1,
    )
    assert rep.coverage() == {"cost": pytest.approx(1 / 3), "duration": pytest.approx(1 / 3)}
    err = rep.median_abs_log_error()
    assert err["cost"] == pytest.approx(math.log(2))
    assert err["duration"] == pytest.approx(math.log(2))
    d = rep.to_dict()
    assert set(d) >= {"cases", "coverage_p10_p90", "median_abs_log_error_p50"}
    assert {
        "name",
        "actual_cost_usd_bn",
        "actual_duration_years",
        "cost_usd_bn",
        "duration_years",
        "cost_percentile_of_actual",
        "duration_percentile_of_actual",
    } <= set(d["cases"][0])


# --------------------------------------------------------------------------- programme anchor


def test_programme_anchor_puts_the_bottom_up_median_on_the_plan() -> None:
    from beringia.models.construction.run import CALIBRATION_DRAWS, CALIBRATION_SEED

    # The cap floor (no factor makes a machine beat its whole-drive cap) stops a programme
    # that asks for more than the caps allow: Guadarrama's own 4.08 years would need its
    # machines at about twice the bottom-up rates, beyond the hard-rock cap. Slower machines
    # (well below the cap) and a longer plan keep the floor out of the way, so the anchor's
    # own arithmetic is what is tested here.
    slow = [
        "construction.machines.double-shield.utilisation.rock=0.15",
        "construction.machines.double-shield.utilisation.fractured=0.1",
        "construction.programme.duration_years=20",
    ]
    sc = beringia.load_scenario("guadarrama", ["construction.systemic.schedule_factor=1", *slow])
    assert sc.construction.programme is not None
    plan = sc.construction.programme.duration_years
    a = beringia.assess(sc, draws=CALIBRATION_DRAWS, seed=CALIBRATION_SEED)
    assert float(np.median(a.duration_years)) == pytest.approx(plan, rel=1e-12)
    assert a.provenance["programme_time_scale"] != 1.0
    # other seeds and draw counts keep the same anchor
    b = beringia.assess(sc, draws=500, seed=9)
    assert b.provenance["programme_time_scale"] == a.provenance["programme_time_scale"]
    # the anchor scales time only
    doc = beringia.scenario.io.read_document("guadarrama")
    doc["construction"].pop("programme")
    doc["construction"]["systemic"]["schedule_factor"] = 1.0
    free = beringia.assess(beringia.load_scenario(doc, slow[:2]), draws=500, seed=9)
    scale = b.provenance["programme_time_scale"]
    assert np.allclose(b.duration_years, free.duration_years * scale, rtol=1e-12)
    assert np.array_equal(
        b.breakdown_usd_bn["tunnelling_length"], free.breakdown_usd_bn["tunnelling_length"]
    )
