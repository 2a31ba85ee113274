"""Benchmark: how long ``beringia --version`` and ``beringia --help`` take, as whole processes.

Each command is run as a new process, the way a user types it (the ``beringia`` script
beside this interpreter, or ``python -m beringia`` where there is none), ``--runs`` times
in turn with the others, and its wall time from spawn to exit is recorded: median, min and
max. The floor is ``python -c pass`` by the same interpreter (what no import work can go
below); ``python -c "import beringia"`` is shown too. The goal (issue 11) is a median under
0.3 s for ``--version`` and ``--help``.

Writes ``startup.json`` in the results directory (``bench/results/`` unless
``--results-dir``); the last line printed is ``seconds_version_median=<float>``.
``--quick`` runs each command once, without the warm-up run.
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _common import add_common_options, results_path, write_results

GOAL_SECONDS = 0.3
RUNS = 15
QUICK_RUNS = 1


def beringia_command() -> list[str]:
    """The ``beringia`` command of this interpreter's environment."""
    script = Path(sys.executable).parent / "beringia"
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [sys.executable, "-m", "beringia"]


def commands() -> dict[str, list[str]]:
    """What is timed, by the name it is reported under."""
    cli = beringia_command()
    return {
        "version": [*cli, "--version"],
        "help": [*cli, "--help"],
        "import": [sys.executable, "-c", "import beringia"],
        "floor": [sys.executable, "-c", "pass"],
    }


def wall_seconds(argv: list[str]) -> float:
    """Wall time of one process running ``argv`` to its end (it must exit 0)."""
    t0 = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def summary(times: list[float]) -> dict[str, float]:
    """Median, min and max of some wall times, in seconds."""
    return {
        "median": round(statistics.median(times), 4),
        "min": round(min(times), 4),
        "max": round(max(times), 4),
    }


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS, help="processes per command")
    add_common_options(parser)
    args = parser.parse_args()
    runs = QUICK_RUNS if args.quick else args.runs
    out = results_path(args, "startup")
    argvs = commands()
    if not args.quick:
        for argv in argvs.values():  # warm-up: the file cache, .pyc files
            wall_seconds(argv)
    times: dict[str, list[float]] = {name: [] for name in argvs}
    for _ in range(runs):  # in turn, so a busy spell of the machine hits every command
        for name, argv in argvs.items():
            times[name].append(wall_seconds(argv))
    stats = {name: summary(t) for name, t in times.items()}
    version = stats["version"]["median"]
    shown = {name: shlex.join([Path(argv[0]).name, *argv[1:]]) for name, argv in argvs.items()}
    figures = {
        "benchmark": "startup",
        "runs": runs,
        "commands": shown,
        "seconds": stats,
        "goal_seconds": GOAL_SECONDS,
        "seconds_version_median": version,
        "seconds_help_median": stats["help"]["median"],
        "seconds_floor_median": stats["floor"]["median"],
        "version_within_goal": version < GOAL_SECONDS,
        "help_within_goal": stats["help"]["median"] < GOAL_SECONDS,
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    write_results(out, figures, quick=args.quick)
    for name in ("version", "help", "import", "floor"):
        s = stats[name]
        print(
            f"{shown[name]}: median {s['median']:.3f} s "
            f"(min {s['min']:.3f}, max {s['max']:.3f}; runs: {runs})"
        )
    for name in ("version", "help"):
        median = stats[name]["median"]
        verdict = "within" if median < GOAL_SECONDS else f"{median / GOAL_SECONDS:.1f} x"
        print(
            f"beringia --{name}: {median:.3f} s against the {GOAL_SECONDS} s goal ({verdict}); "
            f"floor (python -c pass) {stats['floor']['median']:.3f} s"
        )
    print(f"results: {out}")
    print(f"seconds_version_median={version:.4f}")


if __name__ == "__main__":
    main()
