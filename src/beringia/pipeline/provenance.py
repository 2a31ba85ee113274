"""Where every figure of a scenario comes from, as flat rows for reports and audits.

Each uncertain input (a distribution) and each object whose plain numbers share one
provenance (attack points, zones, ground classes, machines, bores, events, claims, the
marine season, the advance envelope, cross-passages, fit-out) becomes one
:class:`InputRow`, named by its dotted path in the scenario document. List elements are
named by their ``name`` (``construction.bores.running-north.unit_cost_usd_m_per_km``) and
dict entries by their key (``construction.machines.mixshield.utilisation.rock``), the same
keys the model and ``--set`` overrides use.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

from beringia.core.distributions import DistSpec
from beringia.models.corridor.plan import corridor_network, scenario_places
from beringia.models.corridor.quantity import Quantity
from beringia.scenario.distributions import (
    Discrete,
    Fixed,
    LogNormal,
    Normal,
    Pert,
    Provenance,
    Triangular,
    Uniform,
)
from beringia.scenario.model import Scenario

_DISTRIBUTIONS = (Fixed, Uniform, Triangular, Pert, Normal, LogNormal, Discrete)
_AnyDist = Fixed | Uniform | Triangular | Pert | Normal | LogNormal | Discrete
_PROVENANCE_FIELDS = frozenset(Provenance.model_fields)

RowKind = Literal["distribution", "object"]


@dataclass(frozen=True)
class InputRow:
    """One figure of the scenario and its provenance.

    Attributes
    ----------
    path : str
        Dotted path in the scenario document, list elements named by their ``name``.
    value : str
        Short description: the distribution (``"triangular(10, 15, 25)"``,
        ``"fixed 172.4"``) or, for an object, its plain numbers
        (``"chainage_km 48.4"``).
    source : str
        URL or publication the figure comes from (empty when none is given).
    unverified : bool
        The research notes could not confirm the figure.
    assumed : bool
        No source gives the figure: it is this project's assumption.
    note : str
        How the figure was derived, or what the assumption is.
    kind : {"distribution", "object"}
        Whether the row is an uncertain input or an object's plain numbers.
    """

    path: str
    value: str
    source: str
    unverified: bool
    assumed: bool
    note: str
    kind: RowKind = "distribution"


def format_number(x: float) -> str:
    """Format a number briefly and exactly: integers without a decimal point.

    Parameters
    ----------
    x : float
        The number.

    Returns
    -------
    str
        ``"15"`` for 15.0, ``"0.125"`` for 0.125, ``"inf"`` for infinity.
    """
    if math.isfinite(x) and x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return repr(float(x))


def describe_distribution(d: _AnyDist) -> str:
    """Describe a distribution in one short line.

    Parameters
    ----------
    d : Fixed, Uniform, Triangular, Pert, Normal, LogNormal or Discrete
        The distribution.

    Returns
    -------
    str
        For example ``"fixed 172.4"``, ``"triangular(10, 15, 25)"``,
        ``"lognormal(median 30, gsd 2.5)"``.
    """
    f = format_number
    if isinstance(d, Fixed):
        return f"fixed {f(d.value)}"
    if isinstance(d, Uniform):
        return f"uniform({f(d.low)}, {f(d.high)})"
    if isinstance(d, Triangular):
        return f"triangular({f(d.low)}, {f(d.mode)}, {f(d.high)})"
    if isinstance(d, Pert):
        shape = "" if d.shape == 4 else f", shape {f(d.shape)}"
        return f"pert({f(d.low)}, {f(d.mode)}, {f(d.high)}{shape})"
    if isinstance(d, Normal):
        cut = "".join(
            f", {name} {f(v)}" for name, v in (("low", d.low), ("high", d.high)) if v is not None
        )
        return f"normal(mean {f(d.mean)}, sd {f(d.sd)}{cut})"
    if isinstance(d, LogNormal):
        return f"lognormal(median {f(d.median)}, gsd {f(d.gsd)})"
    pairs = ", ".join(f"{f(v)}: {f(p)}" for v, p in zip(d.values, d.probabilities, strict=True))
    return f"discrete({pairs})"


def _is_number(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _plain_numbers(obj: BaseModel) -> str:
    """Summarise the plain (non-distribution) numeric fields of ``obj`` and its word maps."""
    parts: list[str] = []
    for name in type(obj).model_fields:
        if name in _PROVENANCE_FIELDS:
            continue
        v = getattr(obj, name)
        if _is_number(v):
            parts.append(f"{name} {format_number(float(v))}")
        elif isinstance(v, dict) and v and all(_is_number(x) for x in v.values()):
            inner = ", ".join(f"{k} {format_number(float(x))}" for k, x in v.items())
            parts.append(f"{name} {{{inner}}}")
        elif isinstance(v, dict) and v and all(isinstance(x, str) for x in v.values()):
            parts.append(f"{name} {{{', '.join(f'{k} {x}' for k, x in v.items())}}}")
        elif isinstance(v, list) and v and all(_is_number(x) for x in v):
            parts.append(f"{name} [{', '.join(format_number(float(x)) for x in v)}]")
    return "; ".join(parts)


def _label(item: object, index: int) -> str:
    name = getattr(item, "name", None) or getattr(item, "train", None)
    return name if isinstance(name, str) and name else str(index)


def _row(path: str, value: str, item: Provenance, kind: RowKind) -> InputRow:
    return InputRow(
        path=path,
        value=value,
        source=item.source,
        unverified=item.unverified,
        assumed=item.assumed,
        note=item.note,
        kind=kind,
    )


def _walk(value: object, path: str) -> Iterator[InputRow]:
    if isinstance(value, _DISTRIBUTIONS):
        yield _row(path, describe_distribution(value), value, "distribution")
    elif isinstance(value, BaseModel):
        if isinstance(value, Provenance):
            yield _row(path, _plain_numbers(value), value, "object")
        for name in type(value).model_fields:
            yield from _walk(getattr(value, name), f"{path}.{name}" if path else name)
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from _walk(item, f"{path}.{_label(item, i)}")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, f"{path}.{key}")


def input_rows(scenario: Scenario) -> list[InputRow]:
    """List every figure of ``scenario`` that carries provenance, in document order.

    Parameters
    ----------
    scenario : Scenario
        A validated scenario.

    Returns
    -------
    list of InputRow
        One row per distribution and one per object carrying provenance (attack points,
        zones, ground classes, machines, bores, events, claims, marine season, advance
        envelope, cross-passages, fit-out, operations ...); an object's row precedes its
        distributions. Built-in train types that the traffic uses are listed as
        ``operations.library.<name>``.
    """
    rows = list(_walk(scenario, ""))
    if scenario.corridor is not None:
        rows.extend(corridor_rows(scenario))
    ops = scenario.operations
    if ops is not None:  # built-in train types the traffic uses: their figures count too
        own = {t.name for t in ops.trains}
        for t in ops.traffic:
            if t.train not in own:
                train = ops.train(t.train)
                path = f"operations.library.{train.name}"
                rows.append(_row(path, _plain_numbers(train), train, "object"))
    return rows


def _spec_text(spec: DistSpec) -> str:
    if spec.kind == "fixed":
        return f"fixed {format_number(spec.params[0])}"
    if spec.kind == "lognormal":
        median, gsd = (format_number(p) for p in spec.params[:2])
        return f"lognormal(median {median}, gsd {gsd})"
    return f"{spec.kind}({', '.join(format_number(p) for p in spec.params)})"


def _quantity_row(path: str, q: Quantity) -> InputRow:
    return InputRow(
        path=path,
        value=_spec_text(q.spec),
        source=q.source,
        unverified=q.unverified,
        assumed=q.assumed,
        note=q.note,
        kind="distribution",
    )


def corridor_rows(scenario: Scenario) -> list[InputRow]:
    """List the figures of the scenario's corridor network and places (shipped plus edits).

    Segments are object rows (``corridor.network.segments.<name>``: length, line speed,
    status, terrain); node dwells and transshipment costs and the places' access legs are
    distribution rows. Empty without a corridor section.
    """
    c = scenario.corridor
    if c is None:
        return []
    net = corridor_network(c)
    rows: list[InputRow] = []
    for n in net.nodes:
        for key in ("dwell_h", "transshipment_usd_per_feu"):
            q = getattr(n, key)
            if q is not None:
                rows.append(_quantity_row(f"corridor.network.nodes.{n.name}.{key}", q))
    for g in net.segments:
        value = (
            f"length_km {format_number(g.length_km)}; line_speed_kmh "
            f"{format_number(g.line_speed_kmh)}; {g.status}; {g.terrain}"
        )
        rows.append(
            InputRow(
                path=f"corridor.network.segments.{g.name}",
                value=value,
                source=g.source,
                unverified=g.unverified,
                assumed=g.assumed,
                note=g.note,
                kind="object",
            )
        )
    places, _ = scenario_places(c)
    for p in places.values():
        base = f"corridor.places.{p.name}"
        legs = [("rail_access", p.rail_access)] + [(f"ports.{x.port}", x.access) for x in p.ports]
        for where, a in legs:
            if a is None:
                continue
            rows.append(_quantity_row(f"{base}.{where}.days", a.days))
            rows.append(_quantity_row(f"{base}.{where}.usd_per_feu", a.usd_per_feu))
    return rows


def provenance_counts(scenario: Scenario) -> dict[str, int]:
    """Count the rows of :func:`input_rows` by provenance.

    Parameters
    ----------
    scenario : Scenario
        A validated scenario.

    Returns
    -------
    dict of str to int
        ``inputs`` (all rows), ``sourced`` (rows with a source), ``unverified``,
        ``assumed`` and ``missing_source`` (rows with an empty source);
        ``sourced + missing_source == inputs``.
    """
    rows = input_rows(scenario)
    sourced = sum(1 for r in rows if r.source.strip())
    return {
        "inputs": len(rows),
        "sourced": sourced,
        "unverified": sum(1 for r in rows if r.unverified),
        "assumed": sum(1 for r in rows if r.assumed),
        "missing_source": len(rows) - sourced,
    }
