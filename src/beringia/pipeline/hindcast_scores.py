"""Scores of the hindcasts and the sentences that say what the model gets wrong.

Everything here is computed from the cases of one run: the coverage of the predicted
P10-P90 with an exact interval for so few cases, the bias and spread of the P50, the cases
that fell outside the band (named), and the model's error beside the official forecast made
at the time (the estimate at decision for cost, the project's own programme for duration).
Only :data:`STRUCTURAL_LIMITS` and :data:`BLIND_MONEY` are fixed text, and they name no case
and no number.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from scipy import stats

from beringia.pipeline.hindcast_case import NO_OUTTURN

if TYPE_CHECKING:
    from beringia.pipeline.hindcast import HindcastCase, HindcastReport

Metric = Literal["cost", "duration"]
METRICS: tuple[Metric, Metric] = ("cost", "duration")

COVERAGE_GOAL = 0.80
"""Goal for the share of cases whose actual lies inside the predicted P10-P90 (issue 4).

An honest P10-P90 band holds the outcome four times in five."""
LOG_ERROR_GOAL = 0.25
"""Goal for the median over cases of ``|ln(P50 / actual)|`` (issue 4): within a factor of
about 1.28 either way."""
INTERVAL_LEVEL = 0.90
"""Level of the exact (Clopper-Pearson) interval given for a coverage of k cases in n."""
ANCHORED_SPREAD = 1.25
"""Largest ratio of the highest to the lowest ``P50 / official forecast`` over the cases at
which the forecasts are called anchored to the official ones: nearly the same multiple
(within about 11 % either way of a middle one) whatever the tunnel."""

STRUCTURAL_LIMITS = (
    "Few cases: each actual is one draw from its predicted distribution, so a case inside or "
    "outside its band proves little on its own; only the spread of the actuals' percentiles "
    "over many cases (the calibration chart) tests the band, and the interval given with each "
    "coverage says how little a handful of cases can tell.",
    "Scope at decision: the model prices the project as it was defined at the decision. Later "
    "scope changes are not modelled, and disputes, appeals and pacing by funding or procurement "
    "only where a scenario lists them among its risks; an outturn that includes them otherwise "
    "lies above the forecast for reasons the model cannot see.",
    "Money: each outturn is deflated within its own currency to the scenario's price base, "
    "then converted to 2025 USD exactly like the prediction, so exchange-rate swings cannot "
    "pose as overruns. An outturn whose scope is wider than the model's (value added tax, "
    "interest during construction) is not corrected: each case states its scope.",
)
"""What is true of the hindcasts whatever the cases: fixed text, no cases, no numbers."""

BLIND_MONEY = (
    "Money: every cost (each outturn, each estimate, and the earlier tunnels' costs a unit "
    "cost is learned from) is converted to 2025 USD at the market rate of its year of money "
    "and US consumer prices; a nominal total spread over the works is read at the middle year "
    "of the works. Differences between countries' price levels and exchange-rate swings "
    "therefore enter the learned unit costs, as they would for an estimator pricing in "
    "dollars. An outturn whose scope is wider than the tunnel (a crossing, a line) is not "
    "scored for cost."
)


def structural_limits(blind: bool) -> tuple[str, ...]:
    """Return :data:`STRUCTURAL_LIMITS`, with blind hindcasts' money paragraph if ``blind``."""
    return (*STRUCTURAL_LIMITS[:-1], BLIND_MONEY) if blind else STRUCTURAL_LIMITS


_WHAT = {"cost": "cost", "duration": "duration"}
_OFFICIAL = {"cost": "the estimate at decision", "duration": "the project's own programme"}


def coverage_interval(inside: int, n: int, level: float = INTERVAL_LEVEL) -> tuple[float, float]:
    """Exact (Clopper-Pearson) interval for a coverage observed as ``inside`` of ``n`` cases.

    Parameters
    ----------
    inside : int
        Cases whose actual lay inside the band, ``0 <= inside <= n``.
    n : int
        Cases, at least 1.
    level : float
        Two-sided level in (0, 1).

    Returns
    -------
    tuple of float
        ``(low, high)``: the true coverage lies in it with probability at least ``level``,
        e.g. ``(0.549, 1.0)`` for 5 of 5 at 90 %.

    Raises
    ------
    ValueError
        If the counts or the level are out of range.
    """
    if n < 1 or not 0 <= inside <= n or not 0 < level < 1:
        raise ValueError(f"need 0 <= inside <= n, n >= 1, 0 < level < 1 (got {inside}, {n})")
    tail = (1 - level) / 2
    low = 0.0 if inside == 0 else float(stats.beta.ppf(tail, inside, n - inside + 1))
    high = 1.0 if inside == n else float(stats.beta.ppf(1 - tail, inside + 1, n - inside))
    return low, high


def percentile_text(p: float, draws: int) -> str:
    """Format the percentile of an actual among the draws, as a bound where it is one.

    Parameters
    ----------
    p : float
        Percentile in [0, 100] (:func:`beringia.core.stats.percentile_of`).
    draws : int
        Draws it was measured on.

    Returns
    -------
    str
        ``"63"``; ``"0.4"`` or ``"99.6"`` near the ends; ``"< 0.05"`` or ``"> 99.95"`` for an
        actual below or above every one of 2,000 draws (the bound rounded outwards).
    """
    step = 100.0 / max(draws, 1)
    unit = 10.0 ** (math.floor(math.log10(step)) - 1)
    step = math.ceil(step / unit - 1e-9) * unit  # two significant digits, rounded up
    if p <= 0:
        return f"< {step:g}"
    if p >= 100:
        return f"> {round(100 - step, 12):g}"
    if p < 1 or p > 99:
        return f"{p:.1f}"
    return f"{p:.0f}"


def _pct(c: HindcastCase, m: Metric) -> float:
    p = c.cost_percentile_of_actual if m == "cost" else c.duration_percentile_of_actual
    return math.nan if p is None else p


def _actual(c: HindcastCase, m: Metric) -> float:
    a = c.actual_cost_usd_bn if m == "cost" else c.actual_duration_years
    return math.nan if a is None else a


def _q(c: HindcastCase, m: Metric) -> dict[str, float]:
    return c.cost_usd_bn if m == "cost" else c.duration_years


def official_forecast(c: HindcastCase, m: Metric) -> float | None:
    """Return the official forecast made at the time: the estimate at decision or programme."""
    return c.estimate_at_decision_usd_bn if m == "cost" else c.programme_years


def log_ratio(c: HindcastCase, m: Metric) -> float:
    """``ln(P50 / actual)`` of a case: above 0 when the model predicted too much."""
    return math.log(_q(c, m)["p50"] / _actual(c, m))


@dataclass(frozen=True)
class Benchmark:
    """The model's P50 beside the official forecast of the time, over the cases that have one."""

    official: str
    n: int
    official_error: float
    model_error: float
    model_closer: tuple[str, ...]
    official_closer: tuple[str, ...]
    official_ratio: tuple[float, float]
    """Lowest and highest ``P50 / official forecast`` over the cases."""

    @property
    def anchored(self) -> bool:
        """Whether every P50 is nearly the same multiple of its official forecast."""
        lo, hi = self.official_ratio
        return self.n >= 2 and hi / lo <= ANCHORED_SPREAD

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return {
            "official": self.official,
            "n": self.n,
            "official_median_abs_log_error": self.official_error,
            "model_median_abs_log_error": self.model_error,
            "model_closer": list(self.model_closer),
            "official_closer": list(self.official_closer),
            "p50_over_official": {"min": self.official_ratio[0], "max": self.official_ratio[1]},
            "anchored_to_official": self.anchored,
        }


@dataclass(frozen=True)
class InsideView:
    """Where the actuals fell in the inside view alone (bottom-up and named risks)."""

    n: int
    inside: int
    above_p90: tuple[str, ...]
    below_p10: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return {
            "n": self.n,
            "inside_p10_p90": self.inside,
            "above_p90": list(self.above_p90),
            "below_p10": list(self.below_p10),
        }


def _inside_q(c: HindcastCase, m: Metric) -> dict[str, float]:
    return c.inside_cost_usd_bn if m == "cost" else c.inside_duration_years


def _inside_view(cases: Sequence[HindcastCase], m: Metric) -> InsideView | None:
    """Count the actuals in the inside view's band; ``None`` where it is the headline."""
    with_inside = [c for c in cases if _inside_q(c, m)]
    if not with_inside or all(_inside_q(c, m) == _q(c, m) for c in with_inside):
        return None
    above = tuple(c.label for c in with_inside if _actual(c, m) > _inside_q(c, m)["p90"])
    below = tuple(c.label for c in with_inside if _actual(c, m) < _inside_q(c, m)["p10"])
    return InsideView(
        n=len(with_inside),
        inside=len(with_inside) - len(above) - len(below),
        above_p90=above,
        below_p10=below,
    )


@dataclass(frozen=True)
class MetricScores:
    """How the predictions of one metric (cost or duration) compare with what happened."""

    metric: Metric
    n: int
    inside: int
    interval: tuple[float, float]
    bias: float
    """Median over cases of ``ln(P50 / actual)``: above 0, the model predicts too much."""
    spread: float
    """Median over cases of ``|ln(P50 / actual)|``."""
    p50_above_actual: int
    above_p90: tuple[str, ...]
    """Cases whose actual lay above the predicted P90 (under-predicted), by label."""
    below_p10: tuple[str, ...]
    """Cases whose actual lay below the predicted P10 (over-predicted), by label."""
    benchmark: Benchmark | None
    inside_view: InsideView | None = None
    """The inside view's band (no project-wide factor), where it differs from the headline."""

    @property
    def coverage(self) -> float:
        """Share of cases inside the predicted P10-P90."""
        return self.inside / self.n

    @property
    def spread_factor(self) -> float:
        """``exp(spread)``: the factor by which the P50 typically misses, either way."""
        return math.exp(self.spread)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return {
            "n": self.n,
            "inside_p10_p90": self.inside,
            "coverage_p10_p90": self.coverage,
            "coverage_interval": {
                "level": INTERVAL_LEVEL,
                "low": self.interval[0],
                "high": self.interval[1],
            },
            "median_log_ratio_p50": self.bias,
            "median_abs_log_error_p50": self.spread,
            "p50_above_actual": self.p50_above_actual,
            "above_p90": list(self.above_p90),
            "below_p10": list(self.below_p10),
            "official": None if self.benchmark is None else self.benchmark.to_dict(),
            "inside_view": None if self.inside_view is None else self.inside_view.to_dict(),
        }


def _benchmark(cases: Sequence[HindcastCase], m: Metric) -> Benchmark | None:
    with_official = [(c, f) for c in cases if (f := official_forecast(c, m)) is not None]
    if not with_official:
        return None
    model_closer, official_closer = [], []
    official_err, model_err, ratios = [], [], []
    for c, f in with_official:
        actual, p50 = _actual(c, m), _q(c, m)["p50"]
        e_off, e_mod = abs(math.log(f / actual)), abs(math.log(p50 / actual))
        official_err.append(e_off)
        model_err.append(e_mod)
        ratios.append(p50 / f)
        if e_mod < e_off:
            model_closer.append(c.label)
        elif e_off < e_mod:
            official_closer.append(c.label)
    return Benchmark(
        official=_OFFICIAL[m],
        n=len(with_official),
        official_error=statistics.median(official_err),
        model_error=statistics.median(model_err),
        model_closer=tuple(model_closer),
        official_closer=tuple(official_closer),
        official_ratio=(min(ratios), max(ratios)),
    )


def metric_scores(cases: Sequence[HindcastCase], metric: Metric) -> MetricScores:
    """Score one metric over the cases.

    Parameters
    ----------
    cases : sequence of HindcastCase
        At least one case with an actual for ``metric``; cases without one (a cost outturn
        that covers more than the tunnel) are left out.
    metric : {"cost", "duration"}
        Which prediction to score.

    Returns
    -------
    MetricScores
        Coverage (k of n and its exact interval), bias and spread of the P50, the cases
        outside the band by name, and the official forecast's error beside the model's.

    Raises
    ------
    ValueError
        If there are no cases with an actual for ``metric``.
    """
    cases = [c for c in cases if c.scored(metric)]
    if not cases:
        raise ValueError(f"no hindcast cases with an actual {metric} to score")
    inside = 0
    above: list[str] = []
    below: list[str] = []
    for c in cases:
        q, a = _q(c, metric), _actual(c, metric)
        if a > q["p90"]:
            above.append(c.label)
        elif a < q["p10"]:
            below.append(c.label)
        else:
            inside += 1
    ratios = [log_ratio(c, metric) for c in cases]
    return MetricScores(
        metric=metric,
        n=len(cases),
        inside=inside,
        interval=coverage_interval(inside, len(cases)),
        bias=statistics.median(ratios),
        spread=statistics.median(abs(r) for r in ratios),
        p50_above_actual=sum(r > 0 for r in ratios),
        above_p90=tuple(above),
        below_p10=tuple(below),
        benchmark=_benchmark(cases, metric),
        inside_view=_inside_view(cases, metric),
    )


def _names(names: Sequence[str]) -> str:
    if not names:
        return "none"
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def _count(names: Sequence[str]) -> str:
    return "none" if not names else f"{len(names)} ({_names(names)})"


def _share(x: float) -> str:
    return f"{100 * x:.0f} %"


def _factor(x: float) -> str:
    return f"{x:.2f}"


def coverage_sentence(s: MetricScores) -> str:
    """Say how many actuals fell inside the band, what so few cases can tell, and which fell out."""
    lo, hi = s.interval
    head = (
        f"{_WHAT[s.metric].capitalize()}: the actual fell inside the predicted P10 to P90 in "
        f"{s.inside} of {s.n} cases ({_share(s.coverage)}). With {s.n} "
        f"case{'s' if s.n != 1 else ''}, the exact {_share(INTERVAL_LEVEL)} interval for the "
        f"band's true coverage runs from {_share(lo)} to {_share(hi)}"
    )
    if hi < COVERAGE_GOAL:
        verdict = (
            f": below the {_share(COVERAGE_GOAL)} an honest band holds, so the band is too "
            "narrow (the model is overconfident)."
        )
    elif lo > COVERAGE_GOAL:
        verdict = f": above {_share(COVERAGE_GOAL)}, so the band is wider than it needs to be."
    else:
        verdict = (
            f": consistent with the {_share(COVERAGE_GOAL)} an honest band holds, and too "
            "few cases to confirm it."
        )
    out = [head + verdict]
    if s.above_p90 or s.below_p10:
        out.append(
            f"Above the predicted P90 (under-predicted): {_names(s.above_p90)}; below the P10 "
            f"(over-predicted): {_names(s.below_p10)}."
        )
    else:
        out.append("No actual fell outside the band.")
    return " ".join(out)


def bias_sentence(s: MetricScores) -> str:
    """Say which way the P50 leans and how far it typically misses."""
    lean = math.exp(s.bias) - 1
    if abs(lean) < 0.005:
        way = "neither above nor below the actual"
    else:
        way = f"{100 * abs(lean):.0f} % {'above' if lean > 0 else 'below'} the actual"
    goal = "within" if s.spread <= LOG_ERROR_GOAL else "outside"
    return (
        f"{_WHAT[s.metric].capitalize()} bias: the median of ln(P50 / actual) is "
        f"{s.bias:+.3f}, so the P50 is typically {way}; it lay above the actual in "
        f"{s.p50_above_actual} of {s.n} cases. Spread: the median |ln(P50 / actual)| is "
        f"{s.spread:.3f}, a factor {_factor(math.exp(s.spread))} either way, {goal} the goal of "
        f"{LOG_ERROR_GOAL:.2f} (a factor {_factor(math.exp(LOG_ERROR_GOAL))})."
    )


def benchmark_sentence(s: MetricScores) -> str | None:
    """Set the model's error beside the official forecast's, per case; ``None`` without one."""
    b = s.benchmark
    if b is None:
        return None
    if b.model_error < b.official_error:
        better = "smaller than"
    elif b.model_error > b.official_error:
        better = "larger than"
    else:
        better = "equal to"
    digits = next(
        (d for d in range(3, 7) if f"{b.model_error:.{d}f}" != f"{b.official_error:.{d}f}"), 3
    )
    text = (
        f"{_WHAT[s.metric].capitalize()} against {b.official} ({b.n} of {s.n} cases have one): "
        f"the model's median |ln(P50 / actual)| of {b.model_error:.{digits}f} is {better} the "
        f"official forecast's {b.official_error:.{digits}f}. Closer to the actual: the model in "
        f"{_count(b.model_closer)}, the official forecast in {_count(b.official_closer)}."
    )
    lo, hi = b.official_ratio
    span = f"{lo:.2f}" if f"{lo:.2f}" == f"{hi:.2f}" else f"{lo:.2f} to {hi:.2f}"
    if b.anchored:
        text += (
            f" But every P50 is {span} times {b.official}, whatever the tunnel: the forecast "
            f"follows {b.official}, so this compares an uplift on the official forecast with "
            "the forecast itself, not an independent model with it."
        )
    else:
        text += f" The P50 is {span} times {b.official} across these cases."
    return text


def inside_view_sentence(s: MetricScores, *, blind: bool = False) -> str | None:
    """Say how the inside view alone (no project-wide factor) fared; ``None`` if headline.

    ``blind``: the inside view is the blind bottom-up, without the learned model error.
    """
    v = s.inside_view
    if v is None:
        return None
    what = (
        "the blind bottom-up, without the learned model error"
        if blind
        else "bottom-up and named risks, without the project-wide factor"
    )
    return (
        f"{_WHAT[s.metric].capitalize()}, inside view alone ({what}): the actual fell inside "
        f"its P10 to P90 in {v.inside} of "
        f"{v.n} cases; above its P90 in {_count(v.above_p90)}, below its P10 in "
        f"{_count(v.below_p10)}."
    )


def not_blind_sentence(cases: Sequence[HindcastCase]) -> str:
    """Say how many cases declare inputs that are not blind to their outcome, by name."""
    named = [c.label for c in cases if c.not_blind]
    n = len(cases)
    if not named:
        return (
            "No case states an input that is not blind to its outcome (which does not prove "
            "that the inputs are blind)."
        )
    if n == 1:
        return (
            "Not blind: the case declares inputs that knew something of the outcome; it states "
            "what, beside its scores. This score is therefore not a blind test."
        )
    who = f"all {n} cases declare" if len(named) == n else f"{len(named)} of the {n} cases declare"
    return (
        f"Not blind: {who} inputs that knew something of the outcome ({_names(named)}); each "
        "case states what, beside its scores. These scores are therefore not a blind test."
    )


def findings(report: HindcastReport) -> list[str]:
    """Return the "what the model gets wrong" sentences of a run, computed from its cases.

    Parameters
    ----------
    report : HindcastReport
        The run, with at least one case.

    Returns
    -------
    list of str
        For cost and then duration: coverage (with its exact interval and the cases outside
        the band, named), bias and spread, the official forecast beside the model, and how
        the inside view alone fared where it differs from the headline; then how many cases
        are not blind.
    """
    out: list[str] = []
    if report.blind:
        out.append(blind_sentence(report))
    for m in METRICS:
        if not any(c.scored(m) for c in report.cases):
            continue
        s = metric_scores(report.cases, m)
        out.append(coverage_sentence(s))
        out.append(bias_sentence(s))
        for extra in (benchmark_sentence(s), inside_view_sentence(s, blind=report.blind)):
            if extra is not None:
                out.append(extra)
    if (bounds := bound_sentence(report.cases)) is not None:
        out.append(bounds)
    if not report.blind:
        out.append(not_blind_sentence(report.cases))
    return out


def bound_sentence(cases: Sequence[HindcastCase]) -> str | None:
    """Test the forecasts of cases known only by a wider scope's outturn against it.

    A crossing's or a line's outturn is an upper bound on its tunnel's cost: a P50 above it
    is over-predicted for certain. ``None`` when no case has such a bound.
    """
    bounded = [c for c in cases if c.cost_upper_bound_usd_bn is not None]
    if not bounded:
        return None
    over = [c.label for c in bounded if c.above_bound]
    beyond = [
        f"{c.label} {100 - (c.cost_percentile_of_bound or 0.0):.0f} %"
        for c in bounded
        if c.above_bound
    ]
    n = len(bounded)
    text = (
        f"Upper bounds: for {n} case{'s' if n != 1 else ''} "
        f"({_names([c.label for c in bounded])}) only the outturn of a wider scope (a "
        "crossing, a line) is known, and the tunnel cannot have cost more than it. "
    )
    if over:
        return text + (
            f"The predicted P50 lies above it in {len(over)} ({_names(over)}): over-predicted "
            f"for certain (share of draws above the bound: {', '.join(beyond)})."
        )
    return text + "Every predicted P50 lies below it."


def widened_cases(cases: Sequence[HindcastCase]) -> list[str]:
    """Return the labels of the blind cases that learned partly from later tunnels.

    Those had too few tunnels finished before their decision, as each case's notes say.
    """
    return [c.label for c in cases if "finished after the decision" in (c.not_blind or "")]


def blind_sentence(report: HindcastReport) -> str:
    """Say how the blind cases were made, what is still not blind, and what was not scored."""
    cases = report.cases
    unscored = [c.label for c in cases if not c.scored("cost")]
    widened = widened_cases(cases)
    text = (
        f"Blind: each of the {len(cases)} cases is compiled from its geometry and unit costs "
        "and advance laws learned from earlier tunnels, and scored against a model error "
        "learned from the other cases only (leave-one-out); no estimate or programme is read. "
    )
    if widened:
        text += (
            f"Too little history for {len(widened)} of them ({_names(widened)}): some of what they "
            "learned from was finished after their decision, as each case states. "
        )
    missing = [c.label for c in cases if c.cost_scope == NO_OUTTURN]
    wider = [c for c in unscored if c not in missing]
    if wider:
        text += (
            f"The outturn of {len(wider)} ({_names(wider)}) covers more than the "
            "tunnel (a crossing or a whole line): their cost is not scored. "
        )
    if missing:
        text += (
            f"No outturn was found for {len(missing)} ({_names(missing)}): their cost is not "
            "scored."
        )
    return text.strip()


__all__ = [
    "ANCHORED_SPREAD",
    "COVERAGE_GOAL",
    "INTERVAL_LEVEL",
    "LOG_ERROR_GOAL",
    "METRICS",
    "STRUCTURAL_LIMITS",
    "Benchmark",
    "InsideView",
    "Metric",
    "MetricScores",
    "coverage_interval",
    "findings",
    "inside_view_sentence",
    "metric_scores",
    "official_forecast",
    "percentile_text",
    "structural_limits",
    "widened_cases",
]
