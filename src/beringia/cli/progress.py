"""A progress display for the pipeline's stages: one bar per stage, on a terminal only."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

from beringia.cli.base import out

LABELS = {
    "operations": "operations (simulated years)",
    "construction": "construction (draws)",
    "corridor": "corridor and economics (draws)",
    "sweep": "sweep (points)",
    "variants": "variants (runs)",
}
"""What each stage of :data:`beringia.pipeline.assess.STAGES` (and of a sweep's points, a
comparison's variants on a cluster) is called on screen."""


def _label(stage: str) -> str:
    """Return a stage's screen label; ``"2/3 construction"`` keeps its prefix."""
    head, _, tail = stage.rpartition(" ")
    return f"{head} {LABELS.get(tail, tail)}" if head else LABELS.get(stage, stage)


@contextmanager
def stage_bars(show: bool) -> Iterator[Callable[[str, int, int], None] | None]:
    """Yield a ``progress(stage, done, total)`` callback drawing a bar per stage, or None.

    Parameters
    ----------
    show : bool
        Draw anything at all (False for ``--json`` or when stdout is not a terminal).
    """
    if not show:
        yield None
        return
    with Progress(
        TextColumn("[bold]{task.description:<32}[/]"),
        BarColumn(),
        TextColumn("{task.completed:,}/{task.total:,}"),
        TimeRemainingColumn(),
        console=out,
        transient=True,
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(_label(stage), total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield update
