"""The README's examples run, what it shows is what the program prints, and it cannot rot.

``tools/readme.py`` writes every output block, the input-count table, the test count and
the bench table of the README; here its check runs on the README (all but the bench table,
whose JSON git does not keep) and its pieces are tested on small inputs.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shlex
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from typer.testing import CliRunner

from beringia.cli import app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def load_tool() -> ModuleType:
    """Import ``tools/readme.py`` (the tools are scripts, not a package)."""
    spec = importlib.util.spec_from_file_location("beringia_readme_tool", ROOT / "tools/readme.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


tool = load_tool()


def console_blocks(text: str) -> list[tuple[str, str]]:
    """Every ``console`` block of ``text``: (the lines before it, its body)."""
    return [
        (m.group(1), m.group(2))
        for m in re.finditer(r"((?:^[^\n]*\n){0,8})```console\n(.*?)```", text, re.M | re.S)
    ]


def test_quick_start_is_exactly_two_commands() -> None:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, re.S)
    assert blocks == ["make demo\nmake test\n"]


def test_python_api_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    section = README.split("### Python API", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code is not None
    exec(compile(code.group(1), "README.md", "exec"), {})
    out = capsys.readouterr().out.splitlines()
    # Each print's comment is what it prints, "..." standing for more digits.
    shown = re.findall(r"^print\(.*\)  # (.*)$", code.group(1), re.M)
    assert len(shown) == len(out) >= 2
    for printed, comment in zip(out, shown, strict=True):
        assert re.fullmatch(re.escape(comment).replace(r"\.\.\.", r"\d*"), printed), printed


def test_documented_commands_exist() -> None:
    runner = CliRunner()
    for command in (
        "assess",
        "claims",
        "hindcast",
        "operations",
        "corridor",
        "reference",
        "alignment",
        "scenarios",
        "show",
        "validate",
        "schema",
    ):
        assert f"beringia {command}" in README
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0, result.output


def test_every_shown_output_is_generated() -> None:
    """A console block that shows output (not only `$` lines) stands under an output mark."""
    blocks = console_blocks(README)
    assert len(blocks) >= 8
    for before, body in blocks:
        shows_output = any(not line.startswith("$ ") for line in body.splitlines())
        if shows_output:
            assert before.splitlines()[-1].startswith("<!-- output"), body[:200]


def unmarked_command_lines() -> list[str]:
    """``$ beringia`` lines of console blocks that show no output (so nothing generates)."""
    lines = []
    for before, body in console_blocks(README):
        if before.splitlines()[-1].startswith("<!-- output"):
            continue
        lines += [line.removeprefix("$ ") for line in body.splitlines()]
    return [line for line in lines if "my.toml" not in line]


def test_unmarked_command_lines_exist() -> None:
    assert unmarked_command_lines() == [
        "beringia assess bering-strait-claim -n 100000 -j 2 --json > claim.json"
    ]


@pytest.mark.parametrize("line", unmarked_command_lines())
def test_unmarked_command_lines_run(
    line: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same command with 300 draws, its redirection left out."""
    monkeypatch.chdir(tmp_path)
    args = shlex.split(line.split(" > ", 1)[0])[1:]
    args[args.index("-n") + 1] = "300"
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["draws"] == 300


def test_readme_is_current(tmp_path: Path) -> None:
    """``tools/readme.py --check``: every output block, count and generated table."""
    outcome = tool.regenerate(README, tool.Options(results=tmp_path))
    assert outcome.notes == [f"bench table left as it is: no results in {tmp_path}"]
    assert outcome.text == README, (
        tool.diff(README, outcome.text) + "\nrun `.venv/bin/python tools/readme.py --write`"
    )


def test_readme_bench_table_was_generated() -> None:
    section = README.split("<!-- begin generated: bench -->\n", 1)[1].split("<!-- end", 1)[0]
    assert section.startswith("| bench | figure | last run | meaning |\n")
    for name, rows in tool.BENCH_ROWS.items():
        for figure, _, _ in rows:
            assert re.search(rf"^\| `{name}` \| `{figure}` \| [\d,.]+ \|", section, re.M)
    assert re.search(r"^From `make bench` on \d{4}-\d\d-\d\d", section, re.M)


def test_normalisation_touches_only_the_run_time() -> None:
    text = (
        "2,000 draws, seed 2025, scenario sha256 6cd3b16ae693, 6.3 s\n"
        "Capacity: 149 trains a day per direction (mean headway 349 s); timetable asks for 52.\n"
        "1 draw, seed 7, scenario sha256 00, 12 s\n"
    )
    assert tool.normalise(text) == (
        "2,000 draws, seed 2025, scenario sha256 6cd3b16ae693, … s\n"
        "Capacity: 149 trains a day per direction (mean headway 349 s); timetable asks for 52.\n"
        "1 draw, seed 7, scenario sha256 00, … s\n"
    )


def test_check_fails_with_a_diff_on_a_stale_block(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = tmp_path / "README.md"
    mark = "<!-- output: beringia --version -->\n"
    stale = f"Intro.\n\n{mark}```console\n$ beringia --version\nbering 9\n```\n"
    readme.write_text(stale)
    args = ["--readme", str(readme), "--results", str(tmp_path), "--skip-tests-count"]
    assert tool.main(["--check", *args]) == 1
    out = capsys.readouterr().out
    assert "-bering 9\n" in out and "+beringia " in out
    assert tool.main(["--write", *args]) == 0
    assert tool.main(["--check", *args]) == 0
    assert readme.read_text().startswith(f"Intro.\n\n{mark}```console\n$ beringia --version\n")


def test_a_command_with_the_wrong_exit_status_is_an_error(tmp_path: Path) -> None:
    text = "<!-- output: beringia assess --draws 0 -->\n```console\n```\n"
    with pytest.raises(tool.ReadmeError, match="exited 2, the README expects 0"):
        tool.regenerate(text, tool.Options(results=tmp_path))
    fixed = tool.regenerate(text.replace("output:", "output (exit 2):"), tool.Options(tmp_path))
    assert "error: draws: got 0" in fixed.text


def bench_json(name: str, **figures: Any) -> dict[str, Any]:
    common = {"quick": False, "run_utc": "2026-12-05T18:30:00+00:00", "cpus": 2}
    return {"benchmark": name, "load_average_1min": 3.5, **common, **figures}


FAKE_RESULTS = {
    "alignment": bench_json("alignment", seconds_per_alignment=0.0123),
    "construction": bench_json(
        "construction",
        draws=100_000,
        ratio_to_rng_limit=0.1234,
        ratio_to_rng_limit_drawn=0.456,
        draws_per_second=12345.6,
        microseconds_per_draw=81.0,
        peak_memory_gib=1.01,
        peak_memory_draws=1_000_000,
        python="3.11.7",
        numpy="2.4.6",
        machine="x86_64",
    ),
    "operations": bench_json(
        "operations",
        ratio_vs_simpy=54.11,
        ratio_vs_simpy_heavy=210.0,
        simpy_seconds_per_year=0.5,
        our_seconds_per_year=0.0092,
        simpy_years=25,
        our_years=2000,
    ),
    "economics": bench_json(
        "economics", ratio_vs_loop=7.3, ratio_vs_numpy_newton=2.5, draws=100_000, years=60
    ),
    "corridor": bench_json("corridor", ratio_to_construction=1.578, draws=100_000),
    "sensitivity": bench_json(
        "sensitivity",
        sobol_seconds=71.0,
        inputs=20,
        base_samples=4096,
        replications=2,
        evaluations=180_224,
    ),
    "dask": bench_json("dask", dask_efficiency=0.81, cores_free_at_start=1.82),
    "startup": bench_json(
        "startup",
        seconds_version_median=1.3,
        seconds_help_median=1.4,
        seconds_floor_median=0.011,
        runs=15,
    ),
}


def write_results(directory: Path, results: dict[str, dict[str, Any]]) -> None:
    for name, figures in results.items():
        (directory / f"{name}.json").write_text(json.dumps(figures))


def test_bench_table_copies_the_json(tmp_path: Path) -> None:
    write_results(tmp_path, FAKE_RESULTS)
    table = tool.bench_section(tmp_path)
    assert "| `operations` | `ratio_vs_simpy` | 54.1 |" in table
    assert "| `construction` | `ratio_to_rng_limit` | 0.1234 |" in table
    assert "| `construction` | `ratio_to_rng_limit_drawn` | 0.456 |" in table
    assert "| `economics` | `ratio_vs_numpy_newton` | 2.50 |" in table
    assert "| `corridor` | `ratio_to_construction` | 1.58 |" in table
    assert "| `startup` | `seconds_version_median` | 1.300 |" in table
    assert "| `sensitivity` | `sobol_seconds` | 71.0 |" in table
    assert "| `dask` | `dask_efficiency` | 0.81 |" in table and "1.82 of 2 cores free" in table
    assert "peak memory of a 1,000,000-draw run" in table
    assert "From `make bench` on 2026-12-05 (UTC), x86_64, 2 CPUs; load average" in table


def test_bench_table_refuses_quick_or_missing_results(tmp_path: Path) -> None:
    write_results(
        tmp_path, {**FAKE_RESULTS, "economics": {**FAKE_RESULTS["economics"], "quick": True}}
    )
    with pytest.raises(tool.ReadmeError, match="--quick"):
        tool.bench_section(tmp_path)
    write_results(tmp_path, FAKE_RESULTS)
    (tmp_path / "startup.json").unlink()
    with pytest.raises(tool.ReadmeError, match=r"startup\.json is missing"):
        tool.bench_section(tmp_path)
