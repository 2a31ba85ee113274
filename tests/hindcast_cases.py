"""Hindcast cases built by hand, with chosen numbers, for the scoring and page tests."""

from __future__ import annotations

from typing import Any

from beringia.pipeline.hindcast import HindcastCase


def q3(p10: float, p50: float, p90: float) -> dict[str, float]:
    """Quantiles with the given P10, P50 and P90 (the others made up around them)."""
    return {
        "mean": p50,
        "p5": p10 * 0.9,
        "p10": p10,
        "p50": p50,
        "p80": (p50 + p90) / 2,
        "p90": p90,
        "p95": p90 * 1.1,
    }


def make_case(
    name: str, title: str, cost: tuple[float, ...], years: tuple[float, ...], **kw: Any
) -> HindcastCase:
    """A case whose ``cost`` and ``years`` are ``(actual, P10, P50, P90)``."""
    fields: dict[str, Any] = {
        "name": name,
        "title": title,
        "actual_cost_usd_bn": cost[0],
        "actual_duration_years": years[0],
        "cost_usd_bn": q3(*cost[1:]),
        "duration_years": q3(*years[1:]),
        "outside_view_cost_usd_bn": {},
        "cost_percentile_of_actual": 50.0,
        "duration_percentile_of_actual": 50.0,
        "cost_scope": f"{name} scope",
        "start": f"{name} start",
        "end": f"{name} end",
        "source": f"https://example.org/{name}?a=1&b=2",
    }
    fields.update(kw)
    return HindcastCase(**fields)
