"""What every bench script shares: the ``--quick`` and ``--results-dir`` options and the JSON.

Not a benchmark itself (``tests/test_bench.py`` runs every ``bench/*.py`` not starting with
an underscore).

* ``--quick``: tiny sizes, a few seconds, so the test suite can run every bench and none can
  break unseen. Its figures are not benchmarks; the JSON says ``"quick": true`` and
  ``tools/readme.py`` refuses to quote it.
* ``--results-dir DIR`` (or the environment variable ``BERINGIA_BENCH_RESULTS``): where the
  JSON goes; default ``bench/results/``. The tests write to a temporary directory, so they
  never overwrite the figures of the last ``make bench``.

Every JSON file also records ``run_utc`` (when the run finished, ISO 8601), ``cpus`` and
``load_average_1min`` (the machine's load when the run finished: timings are only as quiet
as the machine) beside the script's own figures.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
from pathlib import Path
from typing import Any

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
