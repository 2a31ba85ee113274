"""Sweeps: one scenario run at many settings of chosen inputs, on common random numbers.

A sweep varies one or more scenario fields (their ``--set`` paths) over a grid, the product
of each axis's values, or over a Latin hypercube of ranges, and runs the scenario at every
point with the same seed and draws. Every other uncertain input keeps its value draw by draw
(:mod:`beringia.core.rng`), so differences between points are the effect of the varied inputs,
not sampling noise. Setting a number where the scenario has a distribution fixes that input.

Each point gives the quantiles of construction cost and time, the tunnel's and the whole
corridor's NPV (with a corridor), and the probability of each of the scenario's claims.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from beringia.core.stats import quantiles
from beringia.errors import ScenarioError
from beringia.pipeline.assess import Progress, assess, check_run_arguments
from beringia.pipeline.compare import METRICS
from beringia.pipeline.scheduler import Cluster, check_scheduler, map_blocks
from beringia.scenario.io import load_scenario
from beringia.scenario.model import Scenario

if TYPE_CHECKING:
    import pandas as pd

MAX_POINTS = 1_000
"""Points of one sweep (each is a whole run)."""
MAX_AXES = 6
_RANGE = re.compile(r"^\s*([^:,]+):([^:,]+)(?::([0-9]+))?\s*$")


@dataclass(frozen=True)
class Axis:
    """One varied input: its ``--set`` path and the values (a grid) or range (a hypercube).

    Parameters
    ----------
    path : str
        Scenario path, as ``--set``.
    values : tuple of float or str
        The grid's values along this axis (empty for a range).
    low, high : float or None
        The range a Latin hypercube samples (``None`` for a list of values).
    """

    path: str
    values: tuple[float | int | str, ...] = ()
    low: float | None = None
    high: float | None = None


def _number(text: str, field: str) -> float:
    try:
        x = float(text)
    except ValueError:
        raise ScenarioError(field, text, "allowed: a number") from None
    if not math.isfinite(x):
        raise ScenarioError(field, text, "allowed: a finite number")
    return x


def _value(text: str) -> float | int | str:
    text = text.strip()
    if re.fullmatch(r"[+-]?[0-9]+", text):
        return int(text)
    try:
        x = float(text)
    except ValueError:
        return text
    return x if math.isfinite(x) else text


def parse_vary(text: str) -> Axis:
    """Parse one ``--vary`` into an axis.

    The forms are ``path=v1,v2,...``, ``path=low:high:n`` (a grid of ``n`` evenly spaced
    values) and ``path=low:high`` (a range, for ``--lhs``).

    Raises
    ------
    ScenarioError
        If the text is not one of those forms, a bound is not a number, ``n`` is under 1, or
        the list is empty.
    """
    if "=" not in text:
        raise ScenarioError(
            "--vary", text, "allowed: path=v1,v2,... or path=low:high:n or path=low:high"
        )
    path, raw = (s.strip() for s in text.split("=", 1))
    if not path:
        raise ScenarioError("--vary", text, "the path before '=' is empty")
    m = _RANGE.match(raw)
    if m is not None:
        low, high = _number(m[1], f"--vary {path}"), _number(m[2], f"--vary {path}")
        if high < low:
            raise ScenarioError(f"--vary {path}", raw, "allowed: low <= high")
        if m[3] is None:
            return Axis(path, (), low, high)
        n = int(m[3])
        if not 1 <= n <= MAX_POINTS:
            raise ScenarioError(f"--vary {path}", raw, f"allowed: 1 to {MAX_POINTS} points")
        grid = np.linspace(low, high, n) if n > 1 else np.array([low])
        return Axis(path, tuple(float(x) for x in grid))
    values = tuple(_value(v) for v in raw.split(",") if v.strip())
    if not values:
        raise ScenarioError(f"--vary {path}", raw, "no values: a sweep of zero points")
    return Axis(path, values)


def grid_points(axes: Sequence[Axis]) -> list[dict[str, float | int | str]]:
    """Return every combination of the axes' values (the first axis varies slowest)."""
    for a in axes:
        if not a.values:
            raise ScenarioError(
                f"--vary {a.path}",
                f"{a.low:g}:{a.high:g}",
                "a range needs --lhs N (or give low:high:n for a grid)",
            )
    return [
        dict(zip((a.path for a in axes), combo, strict=True))
        for combo in itertools.product(*(a.values for a in axes))
    ]


def lhs_points(axes: Sequence[Axis], n: int, seed: int) -> list[dict[str, float | int | str]]:
    """Return ``n`` points of a Latin hypercube over the axes' ranges (scrambled, seeded).

    Raises
    ------
    ScenarioError
        If an axis is a list of values rather than a range, or ``n`` is out of range.
    """
    from scipy.stats import qmc

    if not 1 <= n <= MAX_POINTS:
        raise ScenarioError("--lhs", n, f"allowed: 1 to {MAX_POINTS} points")
    for a in axes:
        if a.low is None or a.high is None:
            raise ScenarioError(
                f"--vary {a.path}", ",".join(map(str, a.values)), "--lhs needs a range low:high"
            )
    u = qmc.LatinHypercube(d=len(axes), seed=np.random.default_rng(seed)).random(n)
    lows = np.array([a.low for a in axes], dtype=np.float64)
    highs = np.array([a.high for a in axes], dtype=np.float64)
    x = lows + u * (highs - lows)
    return [{a.path: float(row[j]) for j, a in enumerate(axes)} for row in x]


@dataclass(frozen=True)
class SweepPoint:
    """The results at one point of a sweep.

    Attributes
    ----------
    values : dict
        Varied path to its value at this point.
    metrics : dict
        Metric key (as :data:`beringia.pipeline.compare.METRICS`) to its quantiles.
    claims : dict
        Claim name to its probability.
    """

    values: dict[str, float | int | str]
    metrics: dict[str, dict[str, float]]
    claims: dict[str, float]


@dataclass(frozen=True)
class Sweep:
    """A scenario run at every point of a sweep with the same seed and draws."""

    scenario: Scenario
    paths: list[str]
    seed: int
    n_draws: int
    design: str
    """``"grid"`` or ``"lhs"``."""
    points: list[SweepPoint]

    def to_frame(self) -> pd.DataFrame:
        """Return one row per point: the varied values, then the results.

        Result columns are ``<metric>.<mean|p10|p50|p90>`` and ``claim.<name>``.
        """
        import pandas as pd

        rows = []
        for p in self.points:
            row: dict[str, Any] = dict(p.values)
            for key, q in p.metrics.items():
                for name in ("mean", "p10", "p50", "p90"):
                    row[f"{key}.{name}"] = q[name]
            for name, prob in p.claims.items():
                row[f"claim.{name}"] = prob
            rows.append(row)
        frame = pd.DataFrame(rows)
        frame.index.name = "point"
        return frame

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON contract of ``beringia sweep --json``."""
        return {
            "scenario": self.scenario.name,
            "seed": self.seed,
            "draws": self.n_draws,
            "design": self.design,
            "varied": self.paths,
            "points": [
                {"values": p.values, "metrics": p.metrics, "claims": p.claims} for p in self.points
            ],
        }


def sweep(
    scenario: str | Mapping[str, Any],
    points: Sequence[dict[str, float | int | str]],
    *,
    overrides: Sequence[str] = (),
    draws: int = 5_000,
    seed: int = 2025,
    processes: int = 1,
    design: str = "grid",
    progress: Progress | None = None,
    scheduler: str | Cluster | None = None,
) -> Sweep:
    """Run ``scenario`` at every point, on common random numbers.

    Parameters
    ----------
    scenario : str or mapping
        Built-in name, TOML path, or a parsed document (as :func:`beringia.load_scenario`).
    points : sequence of dict
        Path to value at each point (:func:`grid_points` or :func:`lhs_points`).
    overrides : sequence of str
        ``--set`` overrides applied at every point, before the point's own values.
    draws, seed, processes : int
        As :func:`beringia.assess`, the same at every point.
    design : str
        How the points were chosen, for the record.
    progress : callable, optional
        ``progress("sweep", done, total)`` after each point.
    scheduler : str or Cluster, optional
        Run the points on Dask, one task each: ``"local"`` (a LocalCluster of ``processes``
        workers), ``"tcp://HOST:PORT"`` or an open cluster
        (:mod:`beringia.pipeline.scheduler`). The results do not change.

    Returns
    -------
    Sweep
        Quantiles and claim probabilities per point.

    Raises
    ------
    ScenarioError
        If there are no points or too many, or any point's scenario is invalid (every point
        is validated before the first run).
    """
    if not points:
        raise ScenarioError("--vary", "(none)", "a sweep of zero points; give --vary")
    if len(points) > MAX_POINTS:
        raise ScenarioError("--vary", f"{len(points):,} points", f"allowed: at most {MAX_POINTS}")
    check_run_arguments(draws, seed, processes)
    if not isinstance(scheduler, Cluster):
        check_scheduler(scheduler)
    paths = list(points[0])
    if len(paths) > MAX_AXES:
        raise ScenarioError("--vary", f"{len(paths)} inputs", f"allowed: at most {MAX_AXES}")
    docs = [
        load_scenario(scenario, [*overrides, *(f"{k}={_literal(v)}" for k, v in p.items())])
        for p in points
    ]
    # On a cluster each point is one task, its blocks run in the worker; here a point's
    # blocks may use the forked processes.
    per_point = processes if scheduler is None else 1
    tasks = [(dict(p), sc, draws, seed, per_point) for p, sc in zip(points, docs, strict=True)]
    results = map_blocks(
        _run_point,
        tasks,
        scheduler,
        None if progress is None else lambda done, total: progress("sweep", done, total),
        processes=processes,
    )
    return Sweep(docs[0], paths, seed, draws, design, results)


def _run_point(task: tuple[dict[str, float | int | str], Scenario, int, int, int]) -> SweepPoint:
    """Run one point of a sweep (a task of :func:`sweep`; module level, so picklable)."""
    values, sc, draws, seed, processes = task
    a = assess(sc, draws=draws, seed=seed, processes=processes)
    metrics = {}
    for m in METRICS:
        x = m.get(a)
        if x is not None:
            metrics[m.key] = quantiles(x)
    claims = {c.name: c.probability for c in a.claims}
    return SweepPoint(values, metrics, claims)


def _literal(v: float | int | str) -> str:
    """Write a value as the TOML literal ``--set`` reads."""
    return v if isinstance(v, str) else repr(v)


__all__ = [
    "MAX_POINTS",
    "Axis",
    "Sweep",
    "SweepPoint",
    "grid_points",
    "lhs_points",
    "parse_vary",
    "sweep",
]
