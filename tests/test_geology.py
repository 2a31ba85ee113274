"""The ground model: exact coverage, class shares, common random numbers along the chainage."""

from __future__ import annotations

import numpy as np
import pytest

from beringia.core import rng
from beringia.core.geology import Streams, Zone, runs_expected, sample_ground

ZONES = (
    Zone("a", 0.0, 5_000.0, (0.5, 0.3, 0.2), (800.0, 300.0, 100.0)),
    Zone("b", 5_000.0, 40_000.0, (0.2, 0.7, 0.1), (2000.0, 500.0, 150.0)),
)


def streams(seed: int) -> Streams:
    return lambda key: rng.stream(seed, "construction", 0, key)


def test_runs_cover_every_zone_exactly() -> None:
    g = sample_ground(ZONES, streams(1), 3000)
    np.testing.assert_array_equal(g.bounds[0], 0.0)
    np.testing.assert_array_equal(g.bounds[-1], 40_000.0)
    assert np.all(g.length >= 0)
    for zone, (_, start, stop) in zip(ZONES, g.zone_rows, strict=True):
        np.testing.assert_array_equal(g.bounds[start], zone.from_m)
        np.testing.assert_array_equal(g.bounds[stop], zone.to_m)


def test_a_short_first_guess_is_topped_up_from_the_same_streams() -> None:
    # One zone much longer than its first guess covers in some draws: top-ups must follow.
    zone = (Zone("z", 0.0, 10_000.0, (0.9, 0.1), (50.0, 5000.0)),)
    g = sample_ground(zone, streams(2), 2000)
    assert g.length.shape[0] > runs_expected(zone[0])  # at least one top-up happened
    np.testing.assert_array_equal(g.bounds[-1], 10_000.0)


@pytest.mark.parametrize("zone_index", [0, 1])
def test_class_shares_match_the_zone(zone_index: int) -> None:
    zone = ZONES[zone_index]
    g = sample_ground(ZONES, streams(3), 4000)
    _, start, stop = g.zone_rows[zone_index]
    n = g.length.shape[1]
    cls = g.flat_cls[start:stop] // n
    length = g.length[start:stop]
    total = length.sum()
    for c, share in enumerate(zone.share):
        assert length[cls == c].sum() / total == pytest.approx(share, abs=0.01)


def test_a_longer_zone_only_adds_ground_at_its_end() -> None:
    longer = (*ZONES[:-1], Zone("b", 5_000.0, 45_000.0, ZONES[1].share, ZONES[1].mean_run_m))
    g1 = sample_ground(ZONES, streams(4), 500)
    g2 = sample_ground(longer, streams(4), 500)
    k = min(g1.length.shape[0], g2.length.shape[0])
    before = g1.bounds[1 : k + 1] < 40_000.0  # runs that end inside the shorter route
    assert before.sum() > 0.9 * (g1.length[:k] > 0).sum()
    np.testing.assert_array_equal(g1.bounds[1 : k + 1][before], g2.bounds[1 : k + 1][before])
    np.testing.assert_array_equal(g1.flat_cls[:k][before], g2.flat_cls[:k][before])


def test_the_sequence_is_stationary_from_the_zone_start() -> None:
    # P(class at chainage x = c) = share[c] at any x, even 100 m into a zone.
    n = 20_000
    g = sample_ground(ZONES, streams(5), n)
    k = (g.bounds[1:] <= 100.0).sum(axis=0)
    cls = g.flat_cls[k, np.arange(n)] // n
    freq = np.bincount(cls, minlength=3) / n
    se = np.sqrt(np.array(ZONES[0].share) * (1 - np.array(ZONES[0].share)) / n)
    assert np.all(np.abs(freq - np.array(ZONES[0].share)) < 4 * se)
