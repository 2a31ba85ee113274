"""Benchmark: designing the default scenario's alignment (issue: well under a second).

Prints the best-of-5 time of ``beringia.models.alignment.alignment_for`` on ``bering-strait`` (a
~120 km trace at 10 m: geodesics, land mask, seabed, two-sweep vertical design), the same
for the whole gradient x cover length table, and writes ``alignment.json`` in the results
directory (``bench/results/`` unless ``--results-dir``). The last line is
``seconds_per_alignment=<float>`` (judged against 1 second). ``--quick`` times one design.
"""

from __future__ import annotations

import argparse
import time

from _common import add_common_options, results_path, write_results

import beringia
from beringia.models.alignment import alignment_for, length_table


def best_of(fn: object, repeats: int = 5) -> float:
    """Best wall time of ``fn()`` over ``repeats`` calls."""
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    add_common_options(parser)
    args = parser.parse_args()
    out = results_path(args, "alignment")
    sc = beringia.load_scenario("bering-strait")
    alignment_for(sc)  # warm-up: land mask, pyproj
    one = best_of(lambda: alignment_for(sc), repeats=1 if args.quick else 5)
    table = best_of(lambda: length_table(sc), repeats=1 if args.quick else 2)
    result = alignment_for(sc)
    assert result is not None
    figures = {
        "benchmark": "alignment",
        "trace_points": int(result.trace.s.size),
        "seconds_per_alignment": round(one, 4),
        "seconds_length_table_20_designs": round(table, 3),
        "tunnel_length_km": round(result.summary.tunnel_length_km, 3),
    }
    write_results(out, figures, quick=args.quick)
    print(f"{result.trace.s.size:,} trace points; tunnel {result.summary.tunnel_length_km:.2f} km")
    print(f"length table (20 designs): {table:.2f} s")
    print(f"results: {out}")
    print(f"seconds_per_alignment={one:.4f}")


if __name__ == "__main__":
    main()
