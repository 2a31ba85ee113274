"""Random streams: one user seed, one independent stream per (model, block, key).

Draws are cut into fixed-size blocks. Block ``i`` of model ``m`` draws each named
uncertainty from the stream ``SeedSequence(seed, spawn_key=(m, i, crc32(key)))``. Results
are therefore bit-identical whatever the number of processes, and two variants of a
scenario share the random numbers of every uncertainty they share (common random numbers).
"""

from __future__ import annotations

import zlib

import numpy as np

BLOCK_SIZE = 4096
"""Draws per block; fixed so that results do not depend on how blocks are scheduled."""

MODEL_IDS = {"construction": 1, "operations": 2, "corridor": 3, "calibration": 4}


def stream(seed: int, model: str, block: int, key: str) -> np.random.Generator:
    """Return the generator of one named uncertainty in one block.

    Parameters
    ----------
    seed : int
        The user's seed (non-negative).
    model : str
        Model name, a key of :data:`MODEL_IDS`.
    block : int
        Block index.
    key : str
        Name of the uncertainty (an input path, ``geology``, ``events/<bore>`` ...).

    Returns
    -------
    numpy.random.Generator
        A PCG64 generator private to ``(seed, model, block, key)``.
    """
    ss = np.random.SeedSequence(seed, spawn_key=(MODEL_IDS[model], block, zlib.crc32(key.encode())))
    return np.random.Generator(np.random.PCG64(ss))


def blocks(draws: int, block_size: int = BLOCK_SIZE) -> list[tuple[int, int, int]]:
    """Cut ``draws`` into ``(block_index, start, size)`` tuples of at most ``block_size``."""
    return [
        (i, start, min(block_size, draws - start))
        for i, start in enumerate(range(0, draws, block_size))
    ]


class VariateCounter:
    """Counts the random variates a block draws, and those it uses, by kind.

    ``n`` counts every variate drawn. A stream is read in a fixed layout (run ``j`` of a
    draw always takes the same variate), so some drawn variates are never looked at: a run
    past its zone's end, a run without a rare-event rate, an event slot a draw does not
    fill. ``used_uniform`` and ``used_exponential`` count only those the model uses, by the
    generator method that makes them; the construction benchmark's raw-limit peer draws
    that many, in that mix.
    """

    def __init__(self) -> None:
        self.n = 0
        self.used_uniform = 0
        self.used_exponential = 0

    def add(self, size: int) -> None:
        """Record ``size`` more variates drawn."""
        self.n += int(size)

    def use(self, uniform: int = 0, exponential: int = 0) -> None:
        """Record variates the model uses: uniform doubles and standard exponentials."""
        self.used_uniform += int(uniform)
        self.used_exponential += int(exponential)
