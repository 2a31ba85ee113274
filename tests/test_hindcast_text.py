"""The hindcast's words say what the run did (found by running unseen tunnels)."""

from __future__ import annotations

import dataclasses

from hindcast_cases import make_case

from beringia.pipeline.hindcast import HindcastReport
from beringia.pipeline.hindcast_case import NO_OUTTURN
from beringia.pipeline.hindcast_scores import benchmark_sentence, blind_sentence, metric_scores


def _case(name: str, title: str, **kw: object) -> object:
    return make_case(name, title, (1.0, 0.5, 1.0, 2.0), (5.0, 4.0, 5.0, 6.0), **kw)


def test_a_case_without_an_outturn_is_not_said_to_cover_more_than_the_tunnel() -> None:
    none = _case("a", "Blind hindcast: A Tunnel", actual_cost_usd_bn=None, cost_scope=NO_OUTTURN)
    wide = _case(
        "b", "Blind hindcast: B Tunnel", actual_cost_usd_bn=None, cost_scope="line: a line"
    )
    text = blind_sentence(HindcastReport(cases=[none, wide], draws=10, seed=1, blind=True))
    assert "No outturn was found for 1 (A Tunnel)" in text
    assert "The outturn of 1 (B Tunnel) covers more than the tunnel" in text
    only = blind_sentence(HindcastReport(cases=[none], draws=10, seed=1, blind=True))
    assert "covers more" not in only


def test_the_label_drops_a_parenthesis_inside_the_name() -> None:
    case = _case("h", "Blind hindcast: Hsuehshan (Snow Mountain) Tunnel, as known in 1991")
    assert case.label == "Hsuehshan Tunnel"
    case = _case("c", "Hindcast: Channel Tunnel (Folkestone - Coquelles, UK/FR), as known")
    assert case.label == "Channel Tunnel"


def test_errors_equal_at_three_decimals_are_told_apart() -> None:
    cases = [
        _case(
            "x",
            "Blind hindcast: X Tunnel",
            programme_years=5.0 * 1.00701,
            duration_years={**_case("y", "Y").duration_years, "p50": 5.0 * 1.00704},
        )
    ]
    s = metric_scores(cases, "duration")
    assert s.benchmark is not None
    text = benchmark_sentence(s)
    assert text is not None
    model, official = f"{s.benchmark.model_error:.5f}", f"{s.benchmark.official_error:.5f}"
    assert model != official and model in text and official in text
    same = dataclasses.replace(s.benchmark, model_error=0.5, official_error=0.4)
    assert "0.500 is larger than the official forecast's 0.400" in str(
        benchmark_sentence(dataclasses.replace(s, benchmark=same))
    )


def test_a_wider_outturn_bounds_the_forecast_from_above() -> None:
    from beringia.pipeline.hindcast_scores import bound_sentence

    under = _case("u", "Blind hindcast: U Tunnel", actual_cost_usd_bn=None)
    below = dataclasses.replace(under, cost_upper_bound_usd_bn=3.0, cost_percentile_of_bound=95.0)
    above = dataclasses.replace(
        under,
        name="o",
        title="Blind hindcast: O Tunnel",
        cost_upper_bound_usd_bn=0.5,
        cost_percentile_of_bound=25.0,
    )
    assert bound_sentence([under]) is None
    assert not below.above_bound and above.above_bound
    text = bound_sentence([below, above])
    assert text is not None and "for 2 cases (U Tunnel and O Tunnel)" in text
    assert "above it in 1 (O Tunnel)" in text and "O Tunnel 75 %" in text
    assert "Every predicted P50 lies below it." in str(bound_sentence([below]))


def test_blind_runs_carry_the_wider_outturn_as_a_bound() -> None:
    from beringia.pipeline.blind import run_blind

    rep = run_blind(["follo-line", "katzenberg"], draws=300, seed=1)
    follo, katz = rep.cases
    assert follo.actual_cost_usd_bn is None and follo.cost_upper_bound_usd_bn is not None
    assert follo.cost_upper_bound_usd_bn > 0 and follo.cost_percentile_of_bound is not None
    assert katz.cost_upper_bound_usd_bn is None  # its own outturn is scored
    assert follo.to_dict()["cost_upper_bound_usd_bn"] == follo.cost_upper_bound_usd_bn
