"""Scale-out on Dask: the same results in this process and on a real cluster, clear errors.

A real ``distributed`` scheduler with two worker processes listens on loopback for the
module; assess, sweep and compare run through its ``tcp://127.0.0.1:PORT`` address, as
``--scheduler`` gives it, and must give bit-identical results to the in-process path.
"""

from __future__ import annotations

import json
import operator
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from helpers import assert_clean_failure
from typer.testing import CliRunner

from beringia.cli import app
from beringia.core import rng
from beringia.core.construction import COMPONENTS
from beringia.errors import ScenarioError
from beringia.pipeline import assess, compare, sweep
from beringia.pipeline.compare import Variant
from beringia.pipeline.scheduler import (
    LOCAL,
    _signals_deferred,
    check_scheduler,
    cli_scheduler,
    map_blocks,
    open_scheduler,
)
from beringia.pipeline.sweep import grid_points, parse_vary

SHORT = ("operations.simulated_years=4",)
LABOUR = "construction.arctic.labour_cost_factor"


@pytest.fixture(scope="module")
def address() -> Iterator[str]:
    """A scheduler and two worker processes (one thread each) on 127.0.0.1."""
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=":0",
    ) as cluster:
        addr = cluster.scheduler_address
        assert addr.startswith("tcp://127.0.0.1:")
        yield addr


# --------------------------------------------------------------------------- names
@pytest.mark.parametrize(
    ("given", "name"),
    [
        (None, None),
        ("local", "local"),
        (" local ", "local"),
        ("tcp://127.0.0.1:8786", "tcp://127.0.0.1:8786"),
        ("tls://scheduler.example.org:1", "tls://scheduler.example.org:1"),
        ("tcp://[::1]:8786", "tcp://[::1]:8786"),
    ],
)
def test_scheduler_names_accepted(given: str | None, name: str | None) -> None:
    assert check_scheduler(given) == name


@pytest.mark.parametrize(
    "given",
    ["", "nonsense", "tcp://", "tcp://host", "tcp://host:0", "tcp://host:65536", "http://h:80", 3],
)
def test_scheduler_names_refused(given: object) -> None:
    with pytest.raises(ScenarioError, match="--scheduler") as info:
        check_scheduler(given)
    assert "tcp://HOST:PORT" in str(info.value)


def test_the_command_line_goes_local_with_more_than_one_process() -> None:
    assert cli_scheduler(None, 1) is None
    assert cli_scheduler(None, 2) == LOCAL
    assert cli_scheduler("tcp://h:1", 4) == "tcp://h:1"


# --------------------------------------------------------------------------- map_blocks
def test_map_blocks_in_process_keeps_order_and_counts_tasks() -> None:
    seen: list[tuple[int, int]] = []
    out = map_blocks(operator.neg, [3, -1, 2], progress=lambda d, t: seen.append((d, t)))
    assert out == [-3, 1, -2]
    assert seen == [(1, 3), (2, 3), (3, 3)]
    assert map_blocks(operator.neg, []) == []


def test_map_blocks_on_the_cluster(address: str) -> None:
    seen: list[tuple[int, int]] = []
    blocks = list(range(-20, 20, 3))
    out = map_blocks(operator.neg, blocks, address, lambda d, t: seen.append((d, t)))
    assert out == [-b for b in blocks]
    assert [d for d, _ in seen] == list(range(1, len(blocks) + 1))
    assert {t for _, t in seen} == {len(blocks)}
    with open_scheduler(address) as cluster:
        assert cluster is not None
        assert cluster.workers == 2
        assert cluster.description == address
        # one cluster, mapped twice; equal blocks are separate tasks
        assert cluster.map(abs, [-1, -1]) == [1, 1]
        assert cluster.map(operator.neg, [5]) == [-5]
        # a window of two blocks in flight still gives every result, in order
        seen.clear()
        got = list(cluster.imap(operator.neg, blocks, lambda d, t: seen.append((d, t)), window=2))
        assert got == [-b for b in blocks]
        assert len(seen) == len(blocks)


def test_a_user_error_on_a_worker_stays_one(address: str) -> None:
    with pytest.raises(ScenarioError, match="--scheduler"):
        map_blocks(check_scheduler, ["local", "nonsense"], address)


# --------------------------------------------------------------------------- bit-identical
def test_assess_on_the_cluster_is_bit_identical(address: str) -> None:
    draws = rng.BLOCK_SIZE + 123  # two blocks, the last one short
    here = assess("bering-strait", overrides=SHORT, draws=draws, seed=11)
    stages: list[tuple[str, int, int]] = []
    there = assess(
        "bering-strait",
        overrides=SHORT,
        draws=draws,
        seed=11,
        scheduler=address,
        progress=lambda s, d, t: stages.append((s, d, t)),
    )
    assert np.array_equal(here.cost_usd_bn, there.cost_usd_bn)
    assert np.array_equal(here.duration_years, there.duration_years)
    for k in COMPONENTS:
        assert np.array_equal(here.breakdown_usd_bn[k], there.breakdown_usd_bn[k])
    for h1, h2 in zip(here.headings, there.headings, strict=True):
        assert np.array_equal(h1.duration_years, h2.duration_years)
    assert here.corridor is not None and there.corridor is not None
    assert np.array_equal(here.corridor.tunnel.npv_usd_bn, there.corridor.tunnel.npv_usd_bn)
    a, b = here.to_dict(), there.to_dict()
    assert a["construction"] == b["construction"]
    assert a["claims"] == b["claims"]
    assert here.provenance["scheduler"] == "in-process"
    assert there.provenance["scheduler"] == address
    # the construction bar follows the two tasks and ends at the draws
    built = [(d, t) for s, d, t in stages if s == "construction"]
    assert len(built) == 2
    assert built[-1] == (draws, draws)
    assert [d for d, _ in built] == sorted(d for d, _ in built)


def test_sweep_and_compare_on_the_cluster_are_bit_identical(address: str) -> None:
    points = grid_points([parse_vary(f"{LABOUR}=1.0,2.0")])
    here = sweep("bering-strait", points, overrides=SHORT, draws=1000, seed=4)
    seen: list[tuple[str, int, int]] = []
    there = sweep(
        "bering-strait",
        points,
        overrides=SHORT,
        draws=1000,
        seed=4,
        scheduler=address,
        progress=lambda s, d, t: seen.append((s, d, t)),
    )
    assert here.to_dict() == there.to_dict()
    assert [p.values for p in there.points] == points
    assert seen[-1] == ("sweep", 2, 2)
    variants = [
        Variant("base", "bering-strait", SHORT),
        Variant("dear", "bering-strait", (*SHORT, f"{LABOUR}=1.8")),
    ]
    c1 = compare(variants, draws=1000, seed=4)
    c2 = compare(variants, draws=1000, seed=4, scheduler=address)
    assert c1.to_dict() == c2.to_dict()


def test_cli_sweep_through_the_address(runner: CliRunner, cwd: Path, address: str) -> None:
    args = ["sweep", "--vary", f"{LABOUR}=1.0,2.0", "--draws", "1000", "--json"]
    args += ["--set", SHORT[0]]
    here = runner.invoke(app, args)
    there = runner.invoke(app, [*args, "--scheduler", address, "--out", "t.csv"])
    assert here.exit_code == 0, here.output
    assert there.exit_code == 0, there.output
    assert json.loads(here.stdout) == json.loads(there.stdout)
    assert (cwd / "t.csv").exists()


def test_cli_sensitivity_through_the_address(runner: CliRunner, address: str) -> None:
    """A block of model calls a task on the cluster: the same indices as in this process."""
    args = ["sensitivity", "--inputs", f"{LABOUR},construction.systemic.cost_factor"]
    args += ["-N", "16", "-k", "1", "--outputs", "cost", "--json", "--set", SHORT[0]]
    here = runner.invoke(app, args)
    there = runner.invoke(app, [*args, "--scheduler", address])
    assert here.exit_code == 0, here.output
    assert there.exit_code == 0, there.output
    a, b = json.loads(here.stdout), json.loads(there.stdout)
    a.pop("seconds", None)
    b.pop("seconds", None)
    assert a == b


# --------------------------------------------------------------------------- errors
@pytest.mark.parametrize(
    ("command", "scheduler", "words"),
    [
        (["assess", "--draws", "2000"], "tcp://127.0.0.1:1", "connection refused"),
        (["assess", "--draws", "2000"], "tcp://127.0.0.1", "tcp://HOST:PORT"),
        (["sweep", "--vary", f"{LABOUR}=1,2", "--out", "t.csv"], "tcp://127.0.0.1:1", "refused"),
        (["sweep", "--vary", f"{LABOUR}=1,2", "--out", "t.csv"], "dask", "tcp://HOST:PORT"),
        (["compare", "bering-strait", "bering-strait-claim"], "tcp://127.0.0.1:1", "refused"),
        (["sensitivity", "-N", "16", "--out", "t.csv"], "tcp://127.0.0.1:1", "refused"),
    ],
)
def test_unreachable_or_malformed_scheduler(
    runner: CliRunner, cwd: Path, command: list[str], scheduler: str, words: str
) -> None:
    result = runner.invoke(app, [*command, "--scheduler", scheduler])
    assert_clean_failure(result, cwd, "--scheduler", scheduler, words)
    assert list(cwd.iterdir()) == []


def test_an_unreachable_scheduler_saves_no_run(
    runner: CliRunner, cwd: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "store"
    monkeypatch.setenv("BERINGIA_DATA_DIR", str(data))
    monkeypatch.delenv("BERINGIA_DATABASE_URL", raising=False)
    args = ["assess", "--draws", "500", "--save", "--scheduler", "tcp://127.0.0.1:1"]
    assert_clean_failure(runner.invoke(app, args), cwd, "--scheduler", "refused")
    assert not data.exists()  # the scheduler is reached before the run is recorded


def test_ctrl_c_while_a_cluster_starts_comes_after_it() -> None:
    """An interrupt during the start is raised once the block (the start) is over."""
    reached = False
    with pytest.raises(KeyboardInterrupt):
        with _signals_deferred():
            signal.raise_signal(signal.SIGINT)
            reached = True
    assert reached
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_dask_is_not_imported_without_a_scheduler() -> None:
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from beringia.cli import app\n"
        "r = CliRunner().invoke(app, ['--version'])\n"
        "assert r.exit_code == 0, r.output\n"
        "import beringia.pipeline.assess, beringia.pipeline.sweep, beringia.pipeline.compare\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
