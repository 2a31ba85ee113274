"""Generate the README's sample outputs and quoted figures, or check that they are current.

Run from the venv, in the repository root::

    .venv/bin/python tools/readme.py --write    # rewrite README.md's marked blocks
    .venv/bin/python tools/readme.py --check    # exit 1 with a diff if any block is stale

Two kinds of marks, each on a line of its own in README.md:

**Command output.** One or more lines ``<!-- output: COMMAND -->`` directly before a fenced
block. The block becomes, for each command in order, ``$ COMMAND`` and then what it printed
(stdout and stderr together, as in a terminal). ``<!-- output (exit 2): COMMAND -->`` expects
that exit status instead of 0. Each command runs in ``bash`` in a new empty temporary
directory (so a report it writes lands there), with this checkout's ``src`` first on
``PYTHONPATH``, the venv's ``bin`` first on ``PATH`` (so ``beringia`` is this checkout's),
``COLUMNS=100`` and no colour. Pipes are allowed and shown (``| head -n 3``); the exit status
is then the last command's.

**Generated sections.** ``<!-- begin generated: NAME -->`` and ``<!-- end generated: NAME -->``
around text that the generator NAME writes:

* ``bench``: a table of the judged figures of the last ``make bench`` (``bench/results/*.json``,
  or ``--results DIR``), with the date of the run and the machine's load. Quick runs
  (``--quick``) are refused. ``bench/results`` is not tracked by git, so where there is no
  ``construction.json`` the table is left as it is (``--write``) or not compared
  (``--check``), with a note on stderr;
* ``tests``: the number of tests ``pytest --collect-only`` finds, rounded down to a
  multiple of 100 (so that adding a test does not make the README stale every time);
* ``provenance``: the input figures of every built-in scenario, and how many of them are
  assumed or unverified;
* ``builtins``: every built-in's cost, duration, outside view and claims, from
  ``beringia assess NAME --draws 20000 --json``;
* ``operations``: one sentence on the default scenario's running times, capacity and
  simulated years, from the same ``assess --json`` run;
* ``hindcasts``: the blind hindcast table and scores, from ``beringia hindcast --draws 20000
  --json``, and the anchored hindcasts' scores from the same with ``--anchored``.

**The one normalisation.** Only a wall-clock time varies from run to run of the same command:
the run time at the end of ``beringia assess``'s header line (``2,000 draws, seed 2025,
scenario sha256 …, 6.3 s``) is written ``… s``. Nothing else is changed, so every other
figure is checked exactly; that is why the README's sample commands state their draws and
are chosen to run in seconds.
"""

from __future__ import annotations

import argparse
import difflib
import functools
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
RESULTS = ROOT / "bench" / "results"
COLUMNS = 100
#: Draws of the generated tables of the built-ins and the hindcasts (the README says so).
SECTION_DRAWS = 20_000

OUTPUT_MARK = re.compile(r"^<!-- output(?: \(exit (\d+)\))?: (.+?) -->$")
BEGIN_MARK = re.compile(r"^<!-- begin generated: ([\w-]+) -->$")
END_MARK = "<!-- end generated: {} -->"
#: The run time at the end of `beringia assess`'s header line: the one normalisation.
RUN_TIME = re.compile(r"^([\d,]+ draws?, seed \d+, .*), \d+(?:\.\d+)? s$", re.M)
TIME_SHOWN = "… s"
#: The README's test count is rounded down to a multiple of this.
TESTS_ROUNDING = 100
#: pytest --collect-only, one test id a line and the total (the project's addopts cleared).
COLLECT_ARGS = ("--collect-only", "-q", "-o", "addopts=", "-p", "no:cacheprovider")


class ReadmeError(Exception):
    """A mark the tool cannot honour: bad syntax, a failed command, missing figures."""


@dataclass(frozen=True)
class Command:
    """One command whose output a README block shows."""

    line: str
    exit_status: int


# --------------------------------------------------------------------------- commands


def command_env() -> dict[str, str]:
    """Return the environment every README command runs in (see the module docstring)."""
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "CLICOLOR_FORCE")}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), *filter(None, [env.get("PYTHONPATH")])])
    env.update({"COLUMNS": str(COLUMNS), "NO_COLOR": "1", "TERM": "dumb"})
    return env


def normalise(text: str) -> str:
    """Apply the one normalisation: ``assess``'s run time becomes ``… s``."""
    return RUN_TIME.sub(rf"\1, {TIME_SHOWN}", text)


def run_command(command: Command) -> str:
    """Run one README command in a fresh directory; return ``$ command`` and its output."""
    with tempfile.TemporaryDirectory(prefix="beringia-readme-") as cwd:
        done = subprocess.run(
            ["bash", "-c", command.line],
            cwd=cwd,
            env=command_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=600,
        )
    if done.returncode != command.exit_status:
        raise ReadmeError(
            f"`{command.line}` exited {done.returncode}, the README expects "
            f"{command.exit_status}:\n{done.stdout[-2000:]}"
        )
    output = normalise(done.stdout).rstrip("\n")
    return f"$ {command.line}\n{output}\n" if output else f"$ {command.line}\n"


# --------------------------------------------------------------------------- generators


def load_results(results: Path) -> dict[str, dict[str, Any]]:
    """Read the bench JSON files by benchmark name, refusing quick runs."""
    figures: dict[str, dict[str, Any]] = {}
    for name in BENCH_ROWS:
        path = results / f"{name}.json"
        if not path.is_file():
            raise ReadmeError(f"{path} is missing: run `make bench` first")
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        if data.get("quick", False):
            raise ReadmeError(f"{path} is from a --quick run: its figures are not benchmarks")
        figures[name] = data
    return figures


#: benchmark -> rows of (figure, decimals shown, what it means: a format string over the JSON)
BENCH_ROWS: dict[str, list[tuple[str, int, str]]] = {
    "alignment": [
        ("seconds_per_alignment", 4, "s to design the default alignment (goal: well under 1 s)"),
    ],
    "construction": [
        (
            "ratio_to_rng_limit",
            4,
            "PCG64 time for the variates the model uses, in their mix of uniforms and "
            "exponentials ÷ CPU time of the whole assessment of {draws:,} draws (1.0: the model "
            "costs nothing beyond its random numbers; goal >= 0.25)",
        ),
        (
            "ratio_to_rng_limit_drawn",
            3,
            "the old definition: every variate drawn, as uniforms (flatters waste)",
        ),
        ("draws_per_second", 0, "draws a second, end to end"),
        ("microseconds_per_draw", 0, "µs a draw, end to end"),
        ("peak_memory_gib", 2, "GiB, peak memory of a {peak_memory_draws:,}-draw run"),
    ],
    "operations": [
        (
            "ratio_vs_simpy",
            1,
            "SimPy CPU s per simulated year ÷ beringia's, the peer a lean SimPy model (one "
            "process per direction walking its trains in arrival order; goal >= 50)",
        ),
        (
            "ratio_vs_simpy_heavy",
            1,
            "the same against a heavy SimPy model (a process per train, a `Resource` per portal)",
        ),
        ("our_seconds_per_year", 4, "s per simulated year, beringia ({our_years:,} years)"),
    ],
    "economics": [
        (
            "ratio_vs_loop",
            1,
            "one `scipy` `brentq` per draw ÷ the vectorised IRR, per draw "
            "({draws:,} draws x {years} years)",
        ),
        (
            "ratio_vs_numpy_newton",
            2,
            "a plain vectorised NumPy Newton from r = 0 ÷ the vectorised IRR, same draws",
        ),
    ],
    "corridor": [
        (
            "ratio_to_construction",
            2,
            "corridor and economics job ÷ construction job on the same {draws:,} draws, CPU "
            "time (lower is better; goal <= 0.5)",
        ),
    ],
    "sensitivity": [
        (
            "sobol_seconds",
            1,
            "s wall, Sobol indices of cost and duration for {inputs} inputs at N = "
            "{base_samples} base samples, k = {replications} ({evaluations:,} model calls; "
            "goal < 300 s)",
        ),
    ],
    "dask": [
        (
            "dask_efficiency",
            2,
            "speed-up of a sweep on a 2-worker LocalCluster over 1 worker ÷ 2 "
            "({cores_free_at_start:g} of 2 cores free at the start; goal >= 0.8 where two are "
            "free)",
        ),
    ],
    "startup": [
        (
            "seconds_version_median",
            3,
            "s, `beringia --version` as a whole process, median of {runs} (goal: under 0.3 s)",
        ),
        ("seconds_help_median", 3, "s, `beringia --help`, median of {runs}"),
        ("seconds_floor_median", 3, "s, `python -c pass`, median of {runs}: the floor"),
    ],
}


def bench_section(results: Path) -> str:
    """Write the table of judged bench figures, with the date and load of the run."""
    figures = load_results(results)
    lines = ["| bench | figure | last run | meaning |", "|---|---|---|---|"]
    for name, rows in BENCH_ROWS.items():
        data = figures[name]
        for figure, decimals, meaning in rows:
            try:
                value, text = float(data[figure]), meaning.format(**data)
            except (KeyError, TypeError, ValueError) as exc:
                raise ReadmeError(f"{results / name}.json: {figure}: {exc!r}") from None
            lines.append(f"| `{name}` | `{figure}` | {value:,.{decimals}f} | {text} |")
    runs = sorted(str(f.get("run_utc", "?")) for f in figures.values())
    days = sorted({r[:10] for r in runs})
    loads = [f["load_average_1min"] for f in figures.values() if "load_average_1min" in f]
    cpus = {int(f["cpus"]) for f in figures.values() if "cpus" in f}
    any_run = figures["construction"]
    when = days[0] if len(days) == 1 else f"{days[0]} to {days[-1]}"
    load = (
        f"; load average at the end of each bench {min(loads):.1f} to {max(loads):.1f}"
        if loads
        else ""
    )
    lines += [
        "",
        f"From `make bench` on {when} (UTC), {any_run.get('machine', '?')}"
        f"{f', {min(cpus)} CPUs' if cpus else ''}{load}; Python {any_run.get('python', '?')}, "
        f"NumPy {figures['construction'].get('numpy', '?')}. Written by "
        "`tools/readme.py --write` from `bench/results/*.json`.",
    ]
    return "\n".join(lines) + "\n"


def tests_section() -> str:
    """One sentence with the number of tests pytest collects."""
    done = subprocess.run(
        [sys.executable, "-m", "pytest", *COLLECT_ARGS],
        cwd=ROOT,
        env=command_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    found = re.search(r"^(\d+) tests? collected", done.stdout, re.M)
    if done.returncode != 0 or found is None:
        raise ReadmeError(f"pytest --collect-only failed:\n{done.stdout[-2000:]}")
    floor = int(found.group(1)) // TESTS_ROUNDING * TESTS_ROUNDING
    return (
        f"`make test` runs at least {floor:,} tests (the count of `pytest --collect-only`, "
        f"rounded down to a multiple of {TESTS_ROUNDING}).\n"
    )


def provenance_section() -> str:
    """Count the input figures of every built-in, and the assumed and unverified ones."""
    lines = ["| scenario | figures | assumed | unverified |", "|---|---|---|---|"]
    for name in builtin_names():
        counts = beringia_json("assess", name, "--draws", str(SECTION_DRAWS))["scenario"]["inputs"]
        lines.append(
            f"| `{name}` | {counts['inputs']} | {counts['assumed']} | {counts['unverified']} |"
        )
    return "\n".join(lines) + "\n"


def builtin_names() -> list[str]:
    """List the built-in scenarios, as ``beringia scenarios`` does."""
    return [line.split()[0] for line in beringia_text("scenarios").splitlines() if line.strip()]


def beringia_text(*args: str) -> str:
    """Run ``beringia ARGS`` as the README's commands run; return its stdout."""
    with tempfile.TemporaryDirectory(prefix="beringia-readme-") as cwd:
        done = subprocess.run(
            ["beringia", *args],
            cwd=cwd,
            env=command_env(),
            capture_output=True,
            text=True,
            timeout=600,
        )
    if done.returncode != 0:
        raise ReadmeError(f"beringia {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return done.stdout


_LOCKS: dict[tuple[str, ...], threading.Lock] = {}
_LOCKS_LOCK = threading.Lock()


@functools.cache
def _beringia_json(args: tuple[str, ...]) -> Any:
    return json.loads(beringia_text(*args, "--json"))


def beringia_json(*args: str) -> Any:
    """Run ``beringia ARGS --json`` once per process (two sections may ask); parse it."""
    with _LOCKS_LOCK:
        lock = _LOCKS.setdefault(args, threading.Lock())
    with lock:
        return _beringia_json(args)


def _three(q: dict[str, float], decimals: int) -> str:
    return " / ".join(f"{q[p]:.{decimals}f}" for p in ("p10", "p50", "p90"))


def _limit(claim: dict[str, Any]) -> str:
    parts = []
    if claim["max_cost_usd_bn"] is not None:
        parts.append(
            f"≤ ${claim['max_cost_usd_bn']:.{0 if claim['max_cost_usd_bn'] % 1 == 0 else 1}f}bn"
        )
    if claim["max_duration_years"] is not None:
        parts.append(f"≤ {claim['max_duration_years']:g} y")
    return " and ".join(parts)


def builtins_section(draws: int = SECTION_DRAWS) -> str:
    """Tabulate every built-in's cost, duration, outside view and claims (``assess --json``)."""
    runs = {name: beringia_json("assess", name, "--draws", str(draws)) for name in builtin_names()}
    first = next(iter(runs.values()))
    claims = [_limit(c) for c in first["claims"]]
    head = ["scenario", *(f"{x} P10 / P50 / P90" for x in ("cost", "duration", "outside view"))]
    lines = ["| " + " | ".join([*head, *claims]) + " |", "|---" * (len(head) + len(claims)) + "|"]
    for name, run in runs.items():
        if [_limit(c) for c in run["claims"]] != claims:
            raise ReadmeError(f"{name}: its claims differ from the first built-in's")
        construction = run["construction"]
        cells = [
            f"`{name}`",
            _three(construction["cost_usd_bn"], 1),
            _three(construction["duration_years"], 1),
            _three(run["reference"]["outside_view_cost_usd_bn"], 1),
            *(f"{100 * c['probability']:.1f} %" for c in run["claims"]),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def operations_section(scenario: str = "bering-strait", draws: int = SECTION_DRAWS) -> str:
    """Describe the default scenario's running times, capacity and simulated years in a line.

    From the same ``assess --json`` run as the built-ins table: its ``operations`` and
    ``alignment`` objects.
    """
    run = beringia_json("assess", scenario, "--draws", str(draws))
    ops, length = run["operations"], run["alignment"]["tunnel_length_km"]
    annual = ops["annual"]
    times = ", ".join(f"{m:.1f} min (`{t}`)" for t, m in ops["running_time_min"].items())
    return (
        f"Running times through the {length:.1f} km tunnel (the slower direction): {times}; "
        f"capacity {ops['capacity_trains_per_day_per_direction']:.0f} trains a day per "
        f"direction; over {ops['simulated_years']} simulated years a year carries "
        f"{annual['freight_mt_per_direction']['p50']:.1f} Mt and "
        f"{annual['teu_per_direction']['p50'] / 1e6:.2f} million TEU each way (P50), with "
        f"availability {annual['availability']['p50']:.2f} (P50; "
        f"{annual['availability']['p10']:.2f} at P10).\n"
    )


def hindcasts_section(draws: int = SECTION_DRAWS) -> str:
    """Tabulate the blind hindcasts and their scores, and the anchored ones' (``--json``)."""
    run = beringia_json("hindcast", "--draws", str(draws))
    anchored = beringia_json("hindcast", "--anchored", "--draws", str(draws))
    lines = [
        "| tunnel | decided | actual cost | predicted P10 / P50 / P90 | pct | estimate "
        "| actual years | predicted P10 / P50 / P90 | pct | programme |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]

    def num(x: float | None, digits: int) -> str:
        return "–" if x is None else f"{x:.{digits}f}"

    for case in run["cases"]:
        title = (
            str(case["title"])
            .removeprefix("Blind hindcast: ")
            .split(" (")[0]
            .split(", as known")[0]
        )
        lines.append(
            f"| {title} | {case['decision_year']} | {num(case['actual_cost_usd_bn'], 2)} "
            f"| {_three(case['cost_usd_bn'], 2)} | {num(case['cost_percentile_of_actual'], 0)} "
            f"| {num(case['estimate_at_decision_usd_bn'], 2)} "
            f"| {case['actual_duration_years']:.1f} | {_three(case['duration_years'], 1)} "
            f"| {case['duration_percentile_of_actual']:.0f} | {num(case['programme_years'], 1)} |"
        )
    goals = run["goals"]

    def scores(r: dict[str, Any], what: str) -> str:
        s = r["scores"][what]
        lo, hi = s["coverage_interval"]["low"], s["coverage_interval"]["high"]
        text = (
            f"{s['inside_p10_p90']} of {s['n']} inside P10–P90 (exact "
            f"{100 * s['coverage_interval']['level']:.0f} % interval of the true coverage "
            f"{100 * lo:.0f} % to {100 * hi:.0f} %), median absolute log error of P50 "
            f"{s['median_abs_log_error_p50']:.3f}"
        )
        o = s["official"]
        if o is not None and r is run:
            text += (
                f" against {o['official_median_abs_log_error']:.3f} for {o['official']} over "
                f"the {o['n']} cases that have one (the model's "
                f"{o['model_median_abs_log_error']:.3f} there)"
            )
        return text

    me = run["model_error"]
    f = me["factor_p10_p50_p90"]
    lines += [
        "",
        f"Blind, leave-one-out. Cost: {scores(run, 'cost')}. Duration: "
        f"{scores(run, 'duration')}. Goals: ≥ {100 * goals['coverage_p10_p90']:.0f} %, "
        f"≤ {goals['median_abs_log_error_p50']} and below the official forecast. "
        f"Model error learned from all {me['cases']} cases (actual ÷ bottom-up P50 at P10 / "
        f"P50 / P90): cost {f['cost'][0]:.2f} / {f['cost'][1]:.2f} / {f['cost'][2]:.2f}, "
        f"duration {f['duration'][0]:.2f} / {f['duration'][1]:.2f} / {f['duration'][2]:.2f}, "
        f"correlation {me['correlation']:.2f}. The {len(anchored['cases'])} anchored "
        f"hindcasts (`--anchored`, costs split from each project's estimate): cost "
        f"{scores(anchored, 'cost')}; duration {scores(anchored, 'duration')}.",
    ]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- the README


@dataclass
class Options:
    """What to regenerate, and from where."""

    results: Path = RESULTS
    skip_tests_count: bool = False


@dataclass
class Outcome:
    """The regenerated text and what could not be checked."""

    text: str
    notes: list[str]


def _fence_end(lines: list[str], start: int) -> int:
    """Index of the closing fence of the block whose opening fence is ``lines[start]``."""
    fence = re.match(r"^(`{3,})", lines[start])
    if fence is None:
        raise ReadmeError(f"line {start + 1}: an output mark must stand before a fenced block")
    for i in range(start + 1, len(lines)):
        if lines[i].strip() == fence.group(1):
            return i
    raise ReadmeError(f"line {start + 1}: the fenced block never closes")


def regenerate(text: str, options: Options, *, section: str | None = None) -> Outcome:
    """Return ``text`` with every marked block regenerated (or only generator ``section``).

    The commands and generators run side by side, as many at a time as there are CPUs.
    """
    lines = text.splitlines()
    notes: list[str] = []
    commands = [] if section else [as_command(m) for m in map(OUTPUT_MARK.match, lines) if m]
    names = [m[1] for m in map(BEGIN_MARK.match, lines) if m and section in (None, m[1])]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        ran = {c: pool.submit(run_command, c) for c in dict.fromkeys(commands)}
        made = {n: pool.submit(generated, n, options, notes) for n in dict.fromkeys(names)}
        outputs = {c: f.result() for c, f in ran.items()}
        sections = {n: f.result() for n, f in made.items()}
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if OUTPUT_MARK.match(line):
            shown = []
            while i < len(lines) and (m := OUTPUT_MARK.match(lines[i])):
                shown.append(as_command(m))
                out.append(lines[i])
                i += 1
            end = _fence_end(lines, i)
            if section is None:
                body = "".join(outputs[c] for c in shown)
                out += [lines[i], *body.splitlines(), lines[end]]
            else:
                out += lines[i : end + 1]
            i = end + 1
        elif begin := BEGIN_MARK.match(line):
            name = begin.group(1)
            try:
                end = lines.index(END_MARK.format(name), i + 1)
            except ValueError:
                raise ReadmeError(f"line {i + 1}: no {END_MARK.format(name)}") from None
            new = sections.get(name)
            out += [line, *(lines[i + 1 : end] if new is None else new.splitlines()), lines[end]]
            i = end + 1
        else:
            out.append(line)
            i += 1
    return Outcome("\n".join(out) + "\n", notes)


def as_command(mark: re.Match[str]) -> Command:
    """Return the command of an output mark."""
    return Command(mark.group(2), int(mark.group(1) or 0))


def generated(name: str, options: Options, notes: list[str]) -> str | None:
    """Return generated section ``name``, or None to keep what is there (with a note)."""
    if name == "bench":
        if not (options.results / "construction.json").exists():
            notes.append(f"bench table left as it is: no results in {options.results}")
            return None
        return bench_section(options.results)
    if name == "tests":
        if options.skip_tests_count:
            notes.append("test count not checked (--skip-tests-count)")
            return None
        return tests_section()
    if name == "provenance":
        return provenance_section()
    if name == "builtins":
        return builtins_section()
    if name == "hindcasts":
        return hindcasts_section()
    if name == "operations":
        return operations_section()
    raise ReadmeError(f"unknown generated section {name!r}")


def diff(old: str, new: str) -> str:
    """Return a unified diff from the README on disk to what it should be."""
    return "".join(
        difflib.unified_diff(
            old.splitlines(keepends=True),
            new.splitlines(keepends=True),
            "README.md (on disk)",
            "README.md (generated)",
        )
    )


def main(argv: list[str] | None = None) -> int:
    """Check or rewrite the README; return the exit status."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true", help="exit 1 with a diff if stale")
    mode.add_argument("--write", action="store_true", help="rewrite the README in place")
    parser.add_argument("--readme", type=Path, default=README)
    parser.add_argument("--results", type=Path, default=RESULTS, help="bench JSON directory")
    parser.add_argument(
        "--skip-tests-count", action="store_true", help="leave the test count as it is"
    )
    parser.add_argument(
        "--only", metavar="NAME", help="only the generated section NAME (e.g. bench)"
    )
    args = parser.parse_args(argv)
    options = Options(results=args.results, skip_tests_count=args.skip_tests_count)
    old = args.readme.read_text(encoding="utf-8")
    try:
        if args.only:
            outcome = regenerate(old, options, section=args.only)
        elif args.write:
            # The test count depends on the README (tests are parametrised over its
            # commands): write everything else first, then count.
            first = regenerate(old, Options(args.results, skip_tests_count=True))
            args.readme.write_text(first.text, encoding="utf-8")
            outcome = regenerate(first.text, options, section="tests")
        else:
            outcome = regenerate(old, options)
    except ReadmeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for note in outcome.notes:
        print(f"note: {note}", file=sys.stderr)
    if args.write:
        args.readme.write_text(outcome.text, encoding="utf-8")
        print(f"wrote {args.readme}")
        return 0
    if outcome.text != old:
        sys.stdout.write(diff(old, outcome.text))
        print("README.md is stale: run `.venv/bin/python tools/readme.py --write`", file=sys.stderr)
        return 1
    print("README.md is current")
    return 0


if __name__ == "__main__":
    sys.exit(main())
