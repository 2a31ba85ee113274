"""What every bench script shares: the ``--quick`` and ``--results-dir`` options and the JSON.

Not a benchmark itself (``tests/test_bench.py`` runs every ``bench/*.py`` not starting with
an underscore).

* ``--quick``: tiny sizes, a few seconds, so the test suite can run every bench and none can
  break unseen. Its figures are not benchmarks; the JSON says ``"quick": true`` and
  ``tools/readme.py`` refuses to quote it.
* ``--results-dir DIR`` (or the environment variable ``BERINGIA_BENCH_RESULTS``): where the
  JSON goes; default ``bench/results/``. The tests write to a temporary directory, so they
  never overwrite the figures of the last ``make bench``.

Ratios are measured by :func:`alternated_rounds`: the two sides of a comparison run in
turn, in one process, for several rounds (the first side first in even rounds, last in odd
ones), each timed in CPU time (``time.process_time``: this process's own CPU, every thread,
so other work on a shared machine does not count) and wall time; a ratio is the median of the
per-round ratios of CPU times (:func:`median_ratio`).

Every JSON file also records ``run_utc`` (when the run finished, ISO 8601), ``cpus`` and
``load_average_1min`` (the machine's load when the run finished: timings are only as quiet
as the machine) beside the script's own figures.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: Rounds of alternated timings a ratio is the median of (at least 5).
ROUNDS = 5

DEFAULT_RESULTS = Path(__file__).resolve().parent / "results"
RESULTS_ENV = "BERINGIA_BENCH_RESULTS"


def add_common_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--quick`` and ``--results-dir`` to a bench script's parser."""
    parser.add_argument(
        "--quick",
        action="store_true",
        help="tiny sizes, seconds: a smoke run for the tests, not a benchmark",
    )
    parser.add_argument(
        "--results-dir",
        type=Path,
        default=None,
        help=f"where to write the JSON (default: ${RESULTS_ENV} or bench/results/)",
    )


def results_path(args: argparse.Namespace, name: str) -> Path:
    """The JSON file of benchmark ``name`` under the chosen results directory."""
    chosen = args.results_dir or os.environ.get(RESULTS_ENV) or DEFAULT_RESULTS
    return Path(chosen) / f"{name}.json"


def write_results(path: Path, figures: dict[str, Any], *, quick: bool) -> None:
    """Write ``figures`` as JSON to ``path``, with ``quick``, the time and the load added."""
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    record = {
        **figures,
        "quick": quick,
        "run_utc": now.isoformat(),
        "cpus": os.cpu_count(),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=2) + "\n")


def alternated_rounds(
    sides: dict[str, Callable[[], Any]], rounds: int
) -> tuple[dict[str, list[float]], dict[str, list[float]], dict[str, Any]]:
    """Run every side once per round, alternating the order; return CPU and wall times.

    Returns the CPU seconds and the wall seconds of each side, one per round, and each
    side's result from the last round.
    """
    names = list(sides)
    cpu: dict[str, list[float]] = {k: [] for k in names}
    wall: dict[str, list[float]] = {k: [] for k in names}
    last: dict[str, Any] = {}
    for i in range(rounds):
        for k in names if i % 2 == 0 else names[::-1]:
            c0, w0 = time.process_time(), time.perf_counter()
            last[k] = sides[k]()
            cpu[k].append(time.process_time() - c0)
            wall[k].append(time.perf_counter() - w0)
    return cpu, wall, last


def median_ratio(num: list[float], den: list[float]) -> float:
    """Median over rounds of ``num[i] / den[i]``."""
    return statistics.median(a / b for a, b in zip(num, den, strict=True))


def median(values: list[float]) -> float:
    """Median of a list of timings."""
    return statistics.median(values)
