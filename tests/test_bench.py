"""Every bench script runs: ``bench/*.py --quick`` in a subprocess, as ``make bench`` runs them.

Each must exit 0 with warnings as errors, end with its judged ``key=<float>`` line, and
write valid JSON with the expected keys to the results directory it is given (a temporary
one, so the suite never overwrites the figures of the last ``make bench``).
"""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"

#: script -> (the key of its last printed line, other keys its JSON must hold)
EXPECTED: dict[str, tuple[str, tuple[str, ...]]] = {
    "alignment": (
        "seconds_per_alignment",
        ("trace_points", "seconds_length_table_20_designs", "tunnel_length_km"),
    ),
    "construction": (
        "ratio_to_rng_limit",
        (
            "draws",
            "seconds",
            "random_variates",
            "rng_limit_seconds",
            "ratio_to_rng_limit_simulation_only",
            "peak_memory_gib",
        ),
    ),
    "operations": (
        "ratio_vs_simpy",
        ("simpy_seconds_per_year", "our_seconds_per_year", "common_draws", "independent"),
    ),
    "economics": ("ratio_vs_loop", ("seconds_irr", "subsample_max_abs_irr_diff")),
    "corridor": ("ratio_to_construction", ("construction_seconds", "corridor_seconds")),
    "sensitivity": (
        "sobol_seconds",
        ("evaluations", "base_samples", "ratio_to_plain_draws", "goal_seconds"),
    ),
    "startup": (
        "seconds_version_median",
        ("seconds", "goal_seconds", "seconds_help_median", "seconds_floor_median"),
    ),
    "dask": (
        "dask_efficiency",
        ("speedup", "bit_identical", "cores_free_at_start", "seconds_1_worker"),
    ),
}


def bench_scripts() -> list[str]:
    """The bench scripts (modules starting with an underscore are helpers)."""
    return sorted(p.stem for p in BENCH.glob("*.py") if not p.name.startswith("_"))


def run_quick(name: str, results: Path) -> subprocess.CompletedProcess[str]:
    """Run ``bench/<name>.py --quick`` on this checkout's sources, warnings as errors."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), *filter(None, [env.get("PYTHONPATH")])])
    env.pop("BERINGIA_BENCH_RESULTS", None)
    script = str(BENCH / f"{name}.py")
    return subprocess.run(
        [sys.executable, "-W", "error", script, "--quick", "--results-dir", str(results)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )


def test_every_bench_script_is_checked_and_in_make_bench() -> None:
    assert bench_scripts() == sorted(EXPECTED)
    target = (ROOT / "Makefile").read_text().split("\nbench:", 1)[1].split("\n\n", 1)[0]
    assert re.findall(r"bench/(\w+)\.py", target) == list(EXPECTED)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_bench_quick_runs(name: str, tmp_path: Path) -> None:
    result = run_quick(name, tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    judged, keys = EXPECTED[name]
    last = result.stdout.strip().splitlines()[-1]
    match = re.fullmatch(rf"{judged}=(\S+)", last)
    assert match is not None, result.stdout
    value = float(match.group(1))
    assert math.isfinite(value) and value > 0
    assert [p.name for p in tmp_path.iterdir()] == [f"{name}.json"]
    figures: dict[str, Any] = json.loads((tmp_path / f"{name}.json").read_text())
    assert figures["benchmark"] == name
    assert figures["quick"] is True
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", figures["run_utc"])
    assert set(keys) | {judged} <= set(figures)
    assert figures[judged] == pytest.approx(value, rel=1e-3)
