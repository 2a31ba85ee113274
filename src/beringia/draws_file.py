"""Per-draw data of an assessment as a Parquet file: every draw's inputs and outputs.

The table is :meth:`beringia.Assessment.draws` (one row per draw, in draw order). Column
names carry their unit where the quantity has one (``_usd_bn``, ``_years``, ``_km``, ``_teu``;
an ``input.<path>`` column is the scenario field of that path, in the scenario's units); the
file's key-value metadata adds ``beringia.units`` (every column's unit, JSON), the scenario's
name and SHA-256, the seed, the number of draws and the beringia version, so a file can always
be traced back to the run that made it.
"""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from beringia.output import check_output_path, write_atomic

if TYPE_CHECKING:
    from beringia.pipeline import Assessment

_UNITS = (
    (re.compile(r"_usd_bn$"), "USD bn (2025)"),
    (re.compile(r"_usd_m(_|$)"), "USD m"),
    (re.compile(r"_years$"), "years"),
    (re.compile(r"_year$"), "years after notice to proceed"),
    (re.compile(r"_km$"), "km"),
    (re.compile(r"_teu$"), "TEU a year"),
    (re.compile(r"_days$"), "days"),
    (re.compile(r"_m$"), "m"),
    (re.compile(r"(^|\.)irr(_with_residual)?$|discount_rate$"), "fraction a year"),
    (re.compile(r"ratio$|factor$|multiplier$"), "ratio"),
)


def column_unit(column: str) -> str:
    """Return the unit of a column of :meth:`Assessment.draws`, read from its name.

    ``input.<path>`` columns are in the unit of the scenario field (see the scenario schema);
    a name with no unit suffix gives ``"as in the scenario"`` for inputs and ``""`` otherwise.
    """
    for pattern, unit in _UNITS:
        if pattern.search(column):
            return unit
    return "as in the scenario" if column.startswith("input.") else ""


def write_draws(assessment: Assessment, path: str | os.PathLike[str]) -> Path:
    """Write every draw's sampled inputs and results to a Parquet file.

    Parameters
    ----------
    assessment : Assessment
        A finished assessment.
    path : str or PathLike
        Where to write; checked before anything is computed, written atomically (a reader
        never sees half a file).

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    ScenarioError
        If the path cannot hold a regular file (field ``--draws-out``).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    check_output_path(path, field="--draws-out")
    frame = assessment.draws(inputs=True)
    table = pa.Table.from_pandas(frame, preserve_index=True)
    meta = dict(table.schema.metadata or {})
    meta.update(
        {
            b"beringia.scenario": assessment.scenario.name.encode(),
            b"beringia.scenario_sha256": assessment.scenario_sha256.encode(),
            b"beringia.seed": str(assessment.seed).encode(),
            b"beringia.draws": str(assessment.n_draws).encode(),
            b"beringia.version": assessment.version.encode(),
            b"beringia.units": json.dumps({c: column_unit(c) for c in frame.columns}).encode(),
        }
    )
    buffer = io.BytesIO()
    pq.write_table(table.replace_schema_metadata(meta), buffer, compression="zstd")
    return write_atomic(buffer.getvalue(), path, field="--draws-out")


__all__ = ["column_unit", "write_draws"]
