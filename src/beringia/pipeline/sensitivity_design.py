"""How a sensitivity design's sample points are laid out on blocks of draws, and the noise maths.

A Saltelli (Sobol) or Morris sample is a stack of *row groups*: for Sobol base row ``i`` the
rows ``A_i, AB_i^1 ... AB_i^D, B_i``; for Morris trajectory ``i`` its ``D + 1`` points. Row
``j`` of every group forms the *matrix* ``j``. A model is evaluated one block of matrix rows at
a time, :meth:`Model.evaluate` ``(u, block) -> y``: row ``p`` of the block sees the model's
internal randomness (ground sequences, events, every input not in the design) of position
``p`` of random block ``block`` (:mod:`beringia.core.rng`). So every row of group ``i`` that
sits at the same position of the same random block shares its internal randomness: common
random numbers across the group, the differences ``f(A) - f(AB^j)`` carry no noise of their
own when the noise is additive.

Two treatments of the internal randomness (the ``noise`` argument):

- ``"mean"`` -- each point is the mean over ``k`` replications; replication ``r`` of every
  row of group ``i`` sits at position ``i`` of the same random block. The indices are those
  of the conditional mean ``E[f | inputs]`` (up to the noise left in a mean of ``k``:
  :func:`noise_shares`).
- ``"group"`` -- the internal randomness is one more factor of the design (its column of the
  sample only says which rows share it). In Sobol, ``A_i`` and every ``AB_i^j`` share
  ``A_i``'s randomness, ``B_i`` and ``AB_i^seed`` share ``B_i``'s: the seed factor's indices
  are the share of the variance the internal randomness explains, and the others are those
  of the whole stochastic model.

Everything here is pure NumPy; the tasks are independent, so any ``map`` (a process pool, a
Dask client) can run them, and the result does not depend on how they are scheduled.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from beringia.core import rng as rngmod
from beringia.core.distributions import FloatArray

NOISE_METHODS = ("mean", "group")


class Model(Protocol):
    """A model a sensitivity design can evaluate, block by block."""

    @property
    def outputs(self) -> tuple[str, ...]:
        """Names of the outputs, the columns of :meth:`evaluate`'s result."""
        ...

    def evaluate(self, u: FloatArray, block: int) -> FloatArray:
        """Evaluate ``u`` ``(m, d)`` (each input's quantile in (0, 1)) on random block ``block``.

        Row ``p`` takes the internal randomness of position ``p`` of the block. Returns
        ``(m, len(outputs))``.
        """
        ...


@dataclass(frozen=True)
class Task:
    """One call of :meth:`Model.evaluate`: some rows of the sample on one random block.

    Attributes
    ----------
    rows : ndarray of int
        Rows of the sample, in position order (row ``rows[p]`` at position ``p``).
    block : int
        Random block of the internal randomness.
    replication : int
        Which of the ``k`` replications this is.
    keep : ndarray of bool
        Which of the rows take their result from this task (``"group"`` noise with several
        sides in one matrix, as Morris gives: the block is evaluated once per side).
    """

    rows: NDArray[np.intp]
    block: int
    replication: int
    keep: NDArray[np.bool_]


def sides(seed_column: FloatArray, width: int) -> NDArray[np.intp]:
    """Return which random side each row of the sample sits on, from the seed factor's column.

    Within a row group, rows with the same value of the seed factor share their internal
    randomness; the side is the rank of that value by first appearance in the group (``A_i``
    side 0, ``B_i`` side 1 in a Saltelli group).
    """
    col = seed_column.reshape(-1, width)
    out = np.zeros(col.shape, dtype=np.intp)
    for j in range(1, width):
        same = np.zeros(col.shape[0], dtype=bool)
        for q in range(j):
            match = (col[:, q] == col[:, j]) & ~same
            out[match, j] = out[match, q]
            same |= match
        out[~same, j] = out[~same, :j].max(axis=1) + 1
    return out.reshape(-1)


def plan_tasks(
    n_groups: int,
    width: int,
    *,
    replications: int = 1,
    side: NDArray[np.intp] | None = None,
    block_size: int = rngmod.BLOCK_SIZE,
) -> list[Task]:
    """Lay a sample of ``n_groups`` row groups of ``width`` rows out on random blocks.

    Group ``i`` sits at position ``i % block_size`` of chunk ``i // block_size``; matrix ``j``
    of chunk ``c``, replication ``r`` and side ``s`` runs on random block
    ``(r * n_sides + s) * n_chunks + c``: the same block for every matrix, so the rows of a
    group share their internal randomness (per side).

    Parameters
    ----------
    n_groups, width : int
        Row groups (Sobol base rows, Morris trajectories) and rows per group.
    replications : int
        ``k`` replications of every row (``"mean"`` noise).
    side : ndarray of int, optional
        Side of every row (:func:`sides`, ``"group"`` noise); ``None``: one side.
    block_size : int
        Positions per random block.
    """
    chunks = rngmod.blocks(n_groups, block_size)
    n_sides = 1 if side is None else int(side.max(initial=0)) + 1
    tasks = []
    for r in range(replications):
        for j in range(width):
            for c, start, size in chunks:
                rows = (np.arange(start, start + size, dtype=np.intp) * width + j).astype(np.intp)
                present = [0] if side is None else sorted({int(s) for s in side[rows]})
                for s in present:
                    keep = (
                        np.ones(size, dtype=bool) if side is None else np.asarray(side[rows] == s)
                    )
                    block = (r * n_sides + s) * len(chunks) + c
                    tasks.append(Task(rows, block, r, keep))
    return tasks


def evaluate_task(model: Model, x: FloatArray, task: Task) -> FloatArray:
    """Evaluate one task: the rows ``task.rows`` of the sample ``x`` on ``task.block``.

    A module-level function, so that ``functools.partial(evaluate_task, model, x)`` pickles
    (a process pool's or a cluster's ``map`` can ship it).
    """
    return model.evaluate(np.ascontiguousarray(x[task.rows]), task.block)


Mapper = Callable[[Callable[[Task], FloatArray], Iterable[Task]], Iterable[FloatArray]]
"""A ``map``: the built-in one, a pool's, or a Dask client's gather of its map."""


def evaluate_sample(
    model: Model,
    u: FloatArray,
    width: int,
    *,
    replications: int = 1,
    seed_column: int | None = None,
    mapper: Mapper = map,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[FloatArray, FloatArray | None]:
    """Evaluate every row of a sample, block by block; return the means and the noise variance.

    Parameters
    ----------
    model : Model
        What to evaluate.
    u : ndarray
        The sample ``(n_groups * width, d)`` of quantiles, row groups one after the other.
    width : int
        Rows per group.
    replications : int
        ``k``: each row is the mean of ``k`` evaluations on common random numbers.
    seed_column : int, optional
        Column of the seed factor (``"group"`` noise); it is not passed to the model.
    mapper : callable
        ``map``-like runner of the tasks (results in task order).
    progress : callable, optional
        ``progress(done, total)`` after each task.

    Returns
    -------
    means : ndarray
        ``(rows, outputs)``: each row's mean over its replications.
    within : ndarray or None
        ``(rows, outputs)``: each row's sample variance over its replications (``None`` when
        ``k = 1``).
    """
    rows_total = u.shape[0]
    n_groups = rows_total // width
    side = None
    x = u
    if seed_column is not None:
        side = sides(u[:, seed_column], width)
        x = np.delete(u, seed_column, axis=1)
    tasks = plan_tasks(n_groups, width, replications=replications, side=side)
    run = functools.partial(evaluate_task, model, x)

    n_out = len(model.outputs)
    total = np.zeros((rows_total, n_out))
    square = np.zeros((rows_total, n_out)) if replications > 1 else None
    for done, (task, y) in enumerate(zip(tasks, mapper(run, tasks), strict=True), start=1):
        rows = task.rows[task.keep]
        values = np.asarray(y, dtype=np.float64)[task.keep]
        total[rows] += values
        if square is not None:
            square[rows] += values * values
        if progress is not None:
            progress(done, len(tasks))
    means = total / replications
    if square is None:
        return means, None
    within = np.maximum(square - replications * means * means, 0.0) / (replications - 1)
    return means, within


@dataclass(frozen=True)
class NoiseShare:
    """How much of an output's variance is the model's internal randomness.

    Attributes
    ----------
    single : float
        Share of the variance of one draw ``f`` that the internal randomness makes:
        ``E[Var(f | inputs)] / Var(f)``.
    of_means : float
        Share of the variance of the ``k``-replication means that is noise left in them:
        ``E[Var(f | inputs)] / k / Var(mean)``. The indices of the conditional mean are
        fractions of ``Var(mean)``, so together they fall short of one by about this much.
    """

    single: float
    of_means: float


def noise_shares(means: FloatArray, within: FloatArray, replications: int) -> list[NoiseShare]:
    """Estimate, per output, the share of variance from the internal randomness.

    Parameters
    ----------
    means, within : ndarray
        ``(rows, outputs)`` from :func:`evaluate_sample` with ``replications >= 2``.
    replications : int
        ``k``.
    """
    noise = within.mean(axis=0)  # E[Var(f | x)], unbiased per row
    var_means = means.var(axis=0, ddof=1)
    signal = np.maximum(var_means - noise / replications, 0.0)  # Var(E[f | x])
    out = []
    for s, v, e in zip(signal, var_means, noise, strict=True):
        single = e / (s + e) if s + e > 0 else 0.0
        of_means = e / replications / v if v > 0 else 0.0
        out.append(NoiseShare(float(single), float(min(of_means, 1.0))))
    return out


def check_power_of_two(n: int) -> bool:
    """Whether ``n`` is a power of two (Sobol sequences are balanced only then)."""
    return n >= 1 and n & (n - 1) == 0


def ishigami(x: FloatArray, a: float = 7.0, b: float = 0.1) -> FloatArray:
    """Return Ishigami's ``sin x1 + a sin^2 x2 + b x3^4 sin x1`` of ``(m, 3)`` inputs."""
    s1 = np.sin(x[:, 0])
    out: FloatArray = s1 + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * s1
    return out


@dataclass(frozen=True)
class IshigamiModel:
    """Ishigami's test function as a :class:`Model`, each input uniform on ``[-pi, pi]``.

    Its Sobol indices are known (Ishigami and Homma 1990; SALib's test function):
    ``S1 = 0.314, 0.442, 0`` and ``ST = 0.558, 0.442, 0.244``. ``noise_sd`` adds internal
    randomness: a standard normal per position of the random block, times ``noise_sd``
    (variance of the function: ``a**2 / 8 + b pi**4 / 5 + b**2 pi**8 / 18 + 1/2``).
    """

    noise_sd: float = 0.0
    seed: int = 0
    names: tuple[str, ...] = ("x1", "x2", "x3")

    @property
    def outputs(self) -> tuple[str, ...]:
        """One output, ``y``."""
        return ("y",)

    def evaluate(self, u: FloatArray, block: int) -> FloatArray:
        """Map the quantiles to ``[-pi, pi]`` and evaluate; add the block's noise if any."""
        y = ishigami(-np.pi + 2.0 * np.pi * u)
        if self.noise_sd > 0:
            eps = rngmod.stream(self.seed, "calibration", block, "ishigami").standard_normal(
                rngmod.BLOCK_SIZE
            )
            y = y + self.noise_sd * eps[: u.shape[0]]
        out: FloatArray = y[:, None]
        return out


def ishigami_variance(a: float = 7.0, b: float = 0.1) -> float:
    """Return the variance of the Ishigami function on uniform ``[-pi, pi]^3``."""
    return float(a**2 / 8 + b * np.pi**4 / 5 + b**2 * np.pi**8 / 18 + 0.5)


__all__ = [
    "NOISE_METHODS",
    "IshigamiModel",
    "Mapper",
    "Model",
    "NoiseShare",
    "Task",
    "check_power_of_two",
    "evaluate_sample",
    "evaluate_task",
    "ishigami",
    "ishigami_variance",
    "noise_shares",
    "plan_tasks",
    "sides",
]
