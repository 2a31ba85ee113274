"""Mutation fuzzer: broken variants of the shipped scenarios never crash beringia.

Each example takes a built-in scenario or hindcast, applies one to three random mutations (delete
a key, change a value's type, scale a number by 1e-9..1e9, put NaN or infinity, a TOML date or
time, a long string, deep nesting, duplicate a list item), writes the mutant to a TOML file and
runs it. The rule checked is the project's rule for user mistakes:

* the scenario layer (:func:`beringia.load_scenario`) returns a scenario or raises
  :class:`beringia.ScenarioError`, nothing else, and emits no warning;
* through the command line, ``beringia validate`` and a small ``beringia assess --json`` either
  succeed (exit 0) or print one or two lines starting ``error:`` and exit with status 2: no
  traceback, nothing on stdout, no warning on stderr, no file written, and no hang (a time
  limit per run).

The default run is small and deterministic (derandomised, no example database). Set
``BERINGIA_FUZZ_EXAMPLES`` for a bigger campaign, e.g. ``BERINGIA_FUZZ_EXAMPLES=5000``;
``BERINGIA_FUZZ_SEED`` then varies the examples between campaigns, and ``BERINGIA_FUZZ_LOG``
(a file) records every broken rule of the command-line runs instead of stopping at the first.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import os
import signal
import traceback
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from helpers import toml_text
from hypothesis import HealthCheck, event, given, seed, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from beringia import ScenarioError, load_scenario
from beringia.cli import app
from beringia.scenario.io import builtin_names, hindcast_names, read_document

BASES = builtin_names() + hindcast_names()
DOCS = {name: read_document(name) for name in BASES}
_BIG = os.environ.get("BERINGIA_FUZZ_EXAMPLES")
LOAD_EXAMPLES = int(_BIG) if _BIG else 300
CLI_EXAMPLES = int(_BIG) if _BIG else 300
SEED = int(os.environ.get("BERINGIA_FUZZ_SEED", "0"))
SURVEY = os.environ.get("BERINGIA_FUZZ_LOG")
TIME_LIMIT_S = 60
"""Longest one command may take on a loaded machine (the built-ins take a few seconds)."""
ASSESS = ["--draws", "200", "--json"]
SMALL_YEARS = 3
"""Simulated years of operations in the mutants (the built-ins' 200 take most of a run)."""

ODD_VALUES: list[Any] = [
    True,
    False,
    "7.0",
    "",
    "x" * 5000,
    0,
    -1,
    1,
    2**63 - 1,
    -(2**63),
    1e308,
    -1e-308,
    [],
    {},
    [1, 2],
    {"dist": "fixed"},
    {"dist": "lognormal", "median": 1.0, "gsd": 1e9},
    {"dist": "normal", "mean": 1.0, "sd": 1e300},
    dt.date(2025, 1, 1),
    dt.time(12, 30),
    dt.datetime(2025, 1, 1, 12, 0, tzinfo=dt.UTC),
    dt.datetime(2025, 1, 1, 12, 0),
]
"""Replacement values of a "change the type" mutation."""


# --------------------------------------------------------------------------- TOML writing


# --------------------------------------------------------------------------- mutations
def locations(doc: Any) -> list[tuple[Any, Any]]:
    """Every (container, key) of the document, depth first."""
    out: list[tuple[Any, Any]] = []
    stack = [doc]
    while stack:
        node = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in items:
            out.append((node, key))
            if isinstance(value, dict | list):
                stack.append(value)
    return out


class Nested:
    """An array nested ``depth`` deep, written as TOML text (too deep for a recursive writer)."""

    def __init__(self, depth: int) -> None:
        self.depth = depth

    def __repr__(self) -> str:
        return f"Nested({self.depth})"

    def toml(self) -> str:
        """The array as TOML text."""
        return "[" * self.depth + "1" + "]" * self.depth


MUTATIONS = ("nudge", "scale", "delete", "type", "nudge", "nonfinite", "duplicate", "deep")
"""Kinds of mutation; nudges are the commonest, as they yield mutants that reach the models."""
FACTORS = [10.0**k for k in range(-9, 10)]
"""Factors of a "scale" mutation."""
NUDGES = [0.1, 0.5, 0.9, 1.1, 2.0, 10.0]
"""Factors of a "nudge": mild changes that mostly keep a mutant valid, so the models run."""


def where(doc: Any, container: Any, key: Any) -> str:
    """Dotted path of ``container[key]`` in ``doc`` (list items by name where they have one)."""
    stack: list[tuple[Any, str]] = [(doc, "")]
    while stack:
        node, path = stack.pop()
        if node is container:
            if isinstance(container, dict):
                item = container.get(key)
            else:
                item = container[key] if key < len(container) else None
            label = item.get("name") if isinstance(item, dict) else None
            return f"{path}.{label or key}".lstrip(".")
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for k, v in items:
            if isinstance(v, dict | list):
                label = v.get("name") if isinstance(v, dict) else None
                stack.append((v, f"{path}.{label or k}"))
    return str(key)


def short(container: Any, key: Any = None) -> str:
    """A short repr of a value (or of ``container[key]`` if that still exists)."""
    if key is None:
        value = container
    elif isinstance(container, dict):
        value = container.get(key, "(deleted)")
    else:
        value = container[key] if key < len(container) else "(deleted)"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def spread(n: int, count: int) -> int:
    """Map a drawn integer to 0..count-1 evenly (Hypothesis favours small integers)."""
    return ((n * 2654435761 + 97) % 2**32) % count


@dataclass
class Mutant:
    """A base scenario, the mutations applied and the mutated document (not in the repr)."""

    base: str
    done: list[str]
    doc: dict[str, Any] = field(repr=False)


@st.composite
def mutants(draw: st.DrawFn) -> Mutant:
    """A base scenario with one to three mutations."""
    base = draw(st.sampled_from(BASES))
    doc = copy.deepcopy(DOCS[base])
    if isinstance(doc.get("operations"), dict):
        doc["operations"]["simulated_years"] = SMALL_YEARS
    done: list[str] = []
    for _ in range(draw(st.sampled_from([1, 1, 2, 3]))):
        kind = MUTATIONS[spread(draw(st.integers(0, 2**32 - 1)), len(MUTATIONS))]
        places = locations(doc)
        if kind == "duplicate":
            places = [(c, k) for c, k in places if isinstance(c, list)]
        if kind in ("scale", "nudge"):
            places = [
                (c, k)
                for c, k in places
                if isinstance(c[k], int | float) and not isinstance(c[k], bool)
            ]
        if not places:
            continue
        container, key = places[spread(draw(st.integers(0, 2**32 - 1)), len(places))]
        old = container[key]
        if kind == "delete":
            del container[key]
        elif kind == "type":
            container[key] = copy.deepcopy(draw(st.sampled_from(ODD_VALUES)))
        elif kind in ("scale", "nudge"):
            factors = FACTORS if kind == "scale" else NUDGES
            sign = -1 if kind == "scale" and draw(st.booleans()) else 1
            factor = draw(st.sampled_from(factors)) * sign
            container[key] = old * factor
            if isinstance(old, int) and abs(old * factor) < 2**63:
                container[key] = round(old * factor)
        elif kind == "nonfinite":
            container[key] = draw(st.sampled_from([math.nan, math.inf, -math.inf]))
        elif kind == "duplicate":
            container.insert(key, copy.deepcopy(old))
        else:
            container[key] = Nested(draw(st.sampled_from([20, 1000])))
        done.append(f"{kind} {where(doc, container, key)}: {short(old)} -> {short(container, key)}")
    return Mutant(base, done, doc)


# --------------------------------------------------------------------------- the checks
class Hang(Exception):
    """A run took longer than :data:`TIME_LIMIT_S`."""


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    def alarm(_signum: int, _frame: Any) -> None:
        raise Hang(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def write(tmp: Path, doc: dict[str, Any]) -> Path:
    tmp.mkdir(parents=True, exist_ok=True)
    for old in tmp.iterdir():
        old.unlink()
    path = tmp / "mutant.toml"
    path.write_text(toml_text(doc), encoding="utf-8")
    return path


def problems(result: Result, work: Path) -> list[str]:
    """What breaks the rule in one run (empty if it succeeded or failed cleanly)."""
    out = []
    if not isinstance(result.exception, SystemExit | None):
        out.append(f"uncaught {result.exception!r}")
    if result.exit_code not in (0, 2):
        out.append(f"exit status {result.exit_code}")
    if "Traceback" in result.output:
        out.append("traceback printed")
    if "Warning" in result.stderr:
        out.append("warning on stderr")
    written = sorted(p.name for p in work.iterdir() if p.name != "mutant.toml")
    if written:
        out.append(f"files written: {written}")
    if result.exit_code == 2:
        err = result.stderr.strip()
        if result.stdout:
            out.append("stdout on error")
        if not err.startswith("error:") or not 1 <= len(err.splitlines()) <= 2:
            out.append("not a one- or two-line error:")
    return out


def origin(result: Result) -> str:
    """File and line of beringia's deepest frame in the exception's traceback."""
    if result.exc_info is None or isinstance(result.exception, SystemExit | None):
        return ""
    frames = [f for f in traceback.extract_tb(result.exc_info[2]) if "beringia" in f.filename]
    last = frames[-1] if frames else None
    return "" if last is None else f"{last.filename.split('src/')[-1]}:{last.lineno}"


def check_run(runner: CliRunner, args: list[str], work: Path, what: str) -> int:
    """Run one command; assert it succeeded or failed cleanly; return its exit status.

    With ``BERINGIA_FUZZ_LOG`` set, a broken rule is appended to that file (one JSON object a
    line) instead of failing, so one campaign surveys every kind of failure.
    """
    try:
        with time_limit(TIME_LIMIT_S):
            result = runner.invoke(app, args)
    except Hang as exc:
        found, status, detail = [str(exc)], -1, f"{what}\n{args}\n{exc}"
    else:
        found, status = problems(result, work), result.exit_code
        detail = f"{what}\n{args}\nexit={result.exit_code} exc={result.exception!r} "
        detail += f"at {origin(result)}\nstderr={result.stderr[-2000:]!r}"
    if found and SURVEY:
        with open(SURVEY, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"problems": found, "detail": detail}) + "\n")
        return 2
    assert not found, f"{'; '.join(found)}\n{detail}"
    return status


def fuzz_settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=_BIG is None,
        print_blob=True,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.function_scoped_fixture,
        ],
    )


# --------------------------------------------------------------------------- the tests
def test_builtins_and_hindcasts_are_valid() -> None:
    # The limits of beringia.scenario.limits admit every shipped scenario as it is.
    for name in BASES:
        assert load_scenario(name).name == name


@seed(SEED)
@fuzz_settings(LOAD_EXAMPLES)
@given(case=mutants())
def test_mutants_load_or_fail_cleanly(
    case: Mutant, tmp_path_factory: pytest.TempPathFactory
) -> None:
    base, doc, done = case.base, case.doc, case.done
    work = tmp_path_factory.getbasetemp() / "load"
    path = write(work, doc)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with time_limit(TIME_LIMIT_S):
            try:
                load_scenario(path)
                event("valid")
            except ScenarioError as exc:
                event("refused")
                message = str(exc)
                assert message, (base, done)
                assert len(message.splitlines()) <= 2, (base, done, message)
                assert len(message) <= 600, (base, done, message)


@seed(SEED)
@fuzz_settings(CLI_EXAMPLES)
@given(case=mutants())
def test_mutants_run_or_fail_cleanly(
    case: Mutant,
    tmp_path_factory: pytest.TempPathFactory,
    runner: CliRunner,
) -> None:
    base, doc, done = case.base, case.doc, case.done
    work = tmp_path_factory.getbasetemp() / "cli"
    path = write(work, doc)
    what = f"{base}: {'; '.join(done)}"
    cwd = Path.cwd()
    os.chdir(work)
    try:
        status = check_run(runner, ["validate", str(path)], work, what)
        event(f"validate exit {status}")
        if status == 0:
            status = check_run(runner, ["assess", str(path), *ASSESS], work, what)
            event(f"assess exit {status}")
    finally:
        os.chdir(cwd)


@pytest.mark.parametrize("text", ["x = 2025-01-01", "x = 12:30:00", "x = 2025-01-01T12:00:00Z"])
def test_toml_dates_name_the_field(tmp_path: Path, text: str) -> None:
    path = tmp_path / "dated.toml"
    path.write_text(toml_text(DOCS["bering-strait"]) + text + "\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"^x: .*TOML date or time"):
        load_scenario(path)
