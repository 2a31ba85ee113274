"""The README's examples run, and its quick start is exactly the two commands."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from beringia.cli import app

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


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
    assert out[0].startswith("(20000,)")


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


@pytest.mark.parametrize(
    "line",
    [
        line.removeprefix("$ ")
        for line in re.findall(r"^\$ beringia [^|>\n]*$", README, re.M)
        if "my.toml" not in line and "--draws 0" not in line and "--set" not in line
    ],
)
def test_documented_command_lines_run(
    line: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    args = shlex.split(line)[1:]
    if args[0] in ("assess", "claims", "hindcast", "corridor"):  # the same command, fewer draws
        for flag in ("-n", "--draws"):
            if flag in args:
                args[args.index(flag) + 1] = "300"
                break
        else:
            args += ["--draws", "300"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
