"""A streamed run (issue 16): exact reductions over every draw, the sample stated."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import beringia
from beringia.core import rng
from beringia.core.stats import QUANTILES, quantiles, ranks
from beringia.errors import ScenarioError
from beringia.pipeline.assessment import Assessment
from beringia.pipeline.reduce import RankCounter, StreamedQuantiles, percentile_from_order
from beringia.pipeline.streamed import STREAM_DRAWS, chunks

CHUNK = 3 * rng.BLOCK_SIZE  # 12,288 draws: more than the tornado's 10,000
DRAWS = CHUNK + rng.BLOCK_SIZE + 100  # two chunks, the second ragged


@pytest.fixture(scope="module")
def pair() -> tuple[Assessment, Assessment]:
    sc = beringia.load_scenario("bering-strait")
    held = beringia.assess(sc, draws=DRAWS, seed=13)
    streamed = beringia.assess(sc, draws=DRAWS, seed=13, stream_above=CHUNK, chunk_draws=CHUNK)
    return held, streamed


def _same(x: Any, y: Any, path: str) -> None:
    """Equal, except a mean, which a streamed run sums chunk by chunk (rounding apart)."""
    if isinstance(x, dict):
        assert x.keys() == y.keys(), path
        for k in x:
            _same(x[k], y[k], f"{path}.{k}")
    elif isinstance(x, list):
        assert len(x) == len(y), path
        for i, (u, v) in enumerate(zip(x, y, strict=True)):
            _same(u, v, f"{path}[{i}]")
    elif path.endswith(".mean"):
        assert y == pytest.approx(x, rel=1e-13, abs=1e-13), path
    else:
        assert x == y, path


def test_streamed_run_gives_the_quantiles_of_the_run_that_holds_every_draw(
    pair: tuple[Assessment, Assessment],
) -> None:
    held, streamed = pair
    assert streamed.streamed is not None and held.streamed is None
    assert streamed.cost_usd_bn.shape[0] == CHUNK  # only the first chunk is held
    a, b = held.to_dict(), streamed.to_dict()
    for k in (
        "cost_usd_bn",
        "duration_years",
        "cost_breakdown_usd_bn",
        "inside_view",
        "calibrated_forecast",
        "headings",
        "median_draw",
        "tornado",
    ):
        _same(a["construction"][k], b["construction"][k], k)
    _same(a["claims"], b["claims"], "claims")  # probabilities and sentences over every draw
    assert b["draws"] == DRAWS and streamed.provenance["streamed"]["approximate_quantiles"] == []


def test_streamed_run_says_what_it_computed_on_a_sample(
    pair: tuple[Assessment, Assessment],
) -> None:
    _, streamed = pair
    said = streamed.to_dict()["provenance"]["streamed"]
    assert said["sample_draws"] == CHUNK
    assert said["tornado"] == f"rank correlation on the first 10,000 of {DRAWS:,} draws"
    assert f"on the first {CHUNK:,} of {DRAWS:,} draws" in said["on_sample"]
    assert "corridor" in said["on_sample"]
    with pytest.raises(ScenarioError, match="per-draw output"):
        streamed.draws()


def test_a_run_at_the_threshold_is_not_streamed() -> None:
    sc = beringia.load_scenario("bering-strait-claim")
    a = beringia.assess(sc, draws=rng.BLOCK_SIZE, seed=3, stream_above=rng.BLOCK_SIZE)
    b = beringia.assess(sc, draws=rng.BLOCK_SIZE, seed=3)
    assert a.streamed is None and "streamed" not in a.provenance
    assert np.array_equal(a.cost_usd_bn, b.cost_usd_bn)
    assert a.to_dict()["construction"] == b.to_dict()["construction"]


def test_chunks_are_whole_blocks() -> None:
    assert chunks(10_000, 4096) == [(0, 0, 4096), (1, 4096, 4096), (2, 8192, 1808)]
    assert chunks(3000, 4096) == [(0, 0, 3000)]
    # after the first (the sample) the chunks are a quarter of it, in whole blocks
    assert chunks(40_000, 32_768) == [(0, 0, 32_768), (8, 32_768, 7232)]
    assert chunks(70_000, 32_768)[1:] == [(8, 32_768, 8192), (10, 40_960, 8192)] + [
        (12 + 2 * i, 49_152 + 8192 * i, min(8192, 70_000 - 49_152 - 8192 * i)) for i in range(3)
    ]
    with pytest.raises(ValueError, match="multiple of 4096"):
        chunks(10_000, 5000)


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(2, 3000),
    seed=st.integers(0, 2**32 - 1),
    chunk=st.integers(1, 700),
    ties=st.booleans(),
)
def test_streamed_quantiles_equal_numpy_on_the_whole_column(
    n: int, seed: int, chunk: int, ties: bool
) -> None:
    g = np.random.default_rng(seed)
    x = g.lognormal(size=n)
    if ties:
        x = np.round(x, 1)
    pilot = x[: max(1, min(n, chunk))]
    r = StreamedQuantiles(pilot, n)
    for start in range(0, n, chunk):
        r.add(x[start : start + chunk])
    got, want = r.result(), quantiles(x)
    for k in QUANTILES:
        if k not in r.approximate:  # a pilot of a few draws may miss: then it says so
            assert got[k] == want[k], k
    assert got["mean"] == pytest.approx(want["mean"], rel=1e-12)
    if pilot.shape[0] >= 200:
        assert r.approximate == []


def test_a_missed_bracket_is_named_and_the_pilot_stands_in() -> None:
    pilot = np.linspace(0.0, 1.0, 1000)
    r = StreamedQuantiles(pilot, 1000)
    r.add(pilot + 10.0)  # every draw above every bracket
    got = r.result()
    assert "p50" in r.approximate
    assert got["p50"] == pytest.approx(0.5)
    # a bracket open to the top (p95 of 1,000 draws) holds every draw above it: exact
    assert "p95" not in r.approximate
    assert got["p95"] == float(np.percentile(pilot + 10.0, 95))


@given(n=st.integers(1, 400), seed=st.integers(0, 2**32 - 1))
def test_percentile_from_order_is_numpys_linear_method(n: int, seed: int) -> None:
    x = np.sort(np.random.default_rng(seed).normal(size=n))
    got = percentile_from_order({i: float(v) for i, v in enumerate(x)}, n)
    assert list(got.values()) == [float(v) for v in np.percentile(x, list(QUANTILES.values()))]


@given(n=st.integers(1, 500), seed=st.integers(0, 2**32 - 1), chunk=st.integers(1, 200))
def test_rank_counter_gives_the_average_ranks_of_the_whole_column(
    n: int, seed: int, chunk: int
) -> None:
    x = np.round(np.random.default_rng(seed).normal(size=n), 1)  # ties
    among = min(n, 37)
    c = RankCounter(x[:among])
    for start in range(0, n, chunk):
        c.add(x[start : start + chunk])
    assert np.array_equal(c.ranks(), ranks(x)[:among])


def test_per_draw_output_of_a_streamed_run_is_refused_before_it_runs(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from beringia.cli import app

    out = tmp_path / "d.parquet"
    n = str(STREAM_DRAWS + 1)
    result = CliRunner().invoke(app, ["assess", "-n", n, "--json", "--draws-out", str(out)])
    assert result.exit_code != 0
    assert "--draws-out" in result.output + result.stderr
    assert f"at most {STREAM_DRAWS:,} draws" in result.output + result.stderr
    assert "Traceback" not in result.output and not out.exists()


def _streamed(x: np.ndarray, chunk: int) -> tuple[StreamedQuantiles, list[int]]:
    """Feed ``x`` a chunk at a time (the first chunk is the pilot); the values held after each."""
    r = StreamedQuantiles(x[:chunk], x.size)
    held = []
    for start in range(0, x.size, chunk):
        r.add(x[start : start + chunk])
        held.append(r.kept())
    return r, held


def _assert_exact(r: StreamedQuantiles, x: np.ndarray) -> None:
    got, want = r.result(), quantiles(x)
    assert r.approximate == []
    for k in QUANTILES:
        assert got[k] == want[k], k


def test_brackets_narrow_as_draws_come_in_and_stay_exact() -> None:
    g = np.random.default_rng(3)
    chunk, chunks_n = 20_000, 40
    x = g.lognormal(size=chunk * chunks_n)
    r, held = _streamed(x, chunk)
    _assert_exact(r, x)
    # kept draws stay within four fresh brackets, whose width grows as the square root of
    # the draws seen (the pilot's brackets alone would keep a fixed share of every chunk)
    bound = sum(
        4.0 * 2.0 * (8.0 * np.sqrt(p / 100 * (1 - p / 100) * x.size) + 2.0) + 1.0
        for p in QUANTILES.values()
    )
    assert max(held) <= bound


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), chunk=st.integers(500, 6000), ties=st.booleans())
def test_narrowed_brackets_equal_numpy_with_ties(seed: int, chunk: int, ties: bool) -> None:
    g = np.random.default_rng(seed)
    x = g.normal(size=30_000)
    if ties:
        x = np.round(x, 2)
    r, _ = _streamed(x, chunk)
    got, want = r.result(), quantiles(x)
    for k in QUANTILES:
        if k not in r.approximate:
            assert got[k] == want[k], k
    assert r.approximate == [] or chunk < 1000


def test_a_point_mass_is_kept_as_one_value_and_stays_exact() -> None:
    # A cost component that is zero in most draws: its low brackets hold only zeros, which
    # are one distinct value however many draws there are (a leak of ~20 values a draw
    # before: the resident size of a 10M-draw run passed 2 GiB).
    g = np.random.default_rng(5)
    chunk = 20_000
    x = np.where(g.random(chunk * 30) < 0.7, 0.0, g.lognormal(size=chunk * 30))
    r, held = _streamed(x, chunk)
    _assert_exact(r, x)
    assert max(held) < 0.05 * x.size
