"""The scenario editor's form, generated from the scenario's JSON Schema and a document.

The document gives the values and the shape (which list elements, which distributions);
the schema gives each field's type, bounds, choices, title and description. Every input is
named by its ``--set`` path (list elements by their ``name``), so the form's edits go to the
server as ``path=value`` overrides and through the same validator as the command line; an
error names the same path, and the page shows it at that input. Provenance fields
(``source``, ``note``, ``assumed``, ``unverified``) are not inputs: they become the badges
and the source line of their group.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

PROVENANCE = ("source", "note", "assumed", "unverified")

UNITS = (
    ("_usd_m_per_km", "USD m/km"),
    ("_usd_m_per_year", "USD m/year"),
    ("_usd_m", "USD m"),
    ("_usd_bn", "USD bn"),
    ("_bn", "bn"),
    ("_m_per_day", "m/day"),
    ("_m_per_h", "m/h"),
    ("_km_per_h", "km/h"),
    ("_kmh", "km/h"),
    ("_m_per_s2", "m/s²"),
    ("_permille", "‰"),
    ("_per_year", "/year"),
    ("_per_day", "/day"),
    ("_per_km", "/km"),
    ("_deg", "°"),
    ("_km", "km"),
    ("_mm", "mm"),
    ("_m", "m"),
    ("_t", "t"),
    ("_kn", "kN"),
    ("_kw", "kW"),
    ("_mw", "MW"),
    ("_mpa", "MPa"),
    ("_bar", "bar"),
    ("_day_of_year", "day of year"),
    ("_years", "years"),
    ("_year", "year"),
    ("_months", "months"),
    ("_days", "days"),
    ("_hours", "h"),
    ("_h", "h"),
    ("_s", "s"),
    ("_pct", "%"),
    ("_share", "share"),
)
"""Unit of a field from the end of its name (the scenario puts units in field names)."""


def unit_of(key: str) -> str:
    """Return the unit a field name ends with (``"tunnel_km"`` -> ``"km"``), or ``""``."""
    for suffix, unit in UNITS:
        if key.endswith(suffix):
            return unit
    return ""


@dataclass
class Input:
    """One editable value."""

    path: str
    label: str
    kind: str
    """``number``, ``integer``, ``text``, ``bool``, ``enum`` or ``list`` (a TOML array)."""
    value: str
    unit: str = ""
    help: str = ""
    options: list[str] = field(default_factory=list)
    minimum: float | None = None
    maximum: float | None = None
    checked: bool = False
    readonly: bool = False
    """Names are shown, not edited: edits address list elements by them."""


@dataclass
class Group:
    """A table of the document: its inputs, its sub-tables, its provenance."""

    path: str
    label: str
    help: str = ""
    dist: str = ""
    unit: str = ""
    inputs: list[Input] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    source: str = ""
    note: str = ""
    badges: list[str] = field(default_factory=list)

    @property
    def size(self) -> int:
        """Count the inputs in this group and below."""
        return len(self.inputs) + sum(g.size for g in self.groups)


class _Schema:
    def __init__(self, schema: Mapping[str, Any]) -> None:
        self.defs: Mapping[str, Any] = schema.get("$defs", {})
        self.root = schema

    def resolve(self, node: Mapping[str, Any] | None, value: Any) -> Mapping[str, Any]:
        """Follow ``$ref``, pick the ``anyOf``/``oneOf`` branch that fits the value."""
        node = node or {}
        for _ in range(20):
            extra = {k: node[k] for k in ("title", "description") if k in node}
            if "$ref" in node:
                node = {**self.defs.get(node["$ref"].rsplit("/", 1)[-1], {}), **extra}
            elif "oneOf" in node or "anyOf" in node:
                node = {**self._branch(node, value), **extra}
            else:
                return node
        return node

    def _branch(self, node: Mapping[str, Any], value: Any) -> Mapping[str, Any]:
        disc = node.get("discriminator")
        if disc and isinstance(value, Mapping):
            ref = disc.get("mapping", {}).get(value.get(disc.get("propertyName", "")))
            if ref:
                return {"$ref": ref}
        options = list(node.get("oneOf", node.get("anyOf", [])))
        for option in options:
            target = self.resolve(option, value) if "$ref" in option else option
            kind = target.get("type")
            if (
                (isinstance(value, Mapping) and (kind == "object" or "properties" in target))
                or (isinstance(value, list) and kind == "array")
                or (isinstance(value, bool) and kind == "boolean")
                or (
                    isinstance(value, int | float)
                    and not isinstance(value, bool)
                    and kind in ("number", "integer")
                )
                or (isinstance(value, str) and kind == "string")
            ):
                return dict(option)
        return dict(next((o for o in options if o.get("type") != "null"), {}))

    def child(self, node: Mapping[str, Any], key: str) -> Mapping[str, Any] | None:
        props = node.get("properties", {})
        if key in props:
            sub: Mapping[str, Any] = props[key]
            return sub
        extra = node.get("additionalProperties")
        return extra if isinstance(extra, Mapping) else None


def _label(item: Any, index: int) -> str:
    """Path step of a list element: its name (or train), else its index (as ``--set``)."""
    if isinstance(item, Mapping):
        name = item.get("name", item.get("train"))
        if isinstance(name, str) and name and "." not in name and not re.fullmatch(r"-?\d+", name):
            return name
    return str(index)


def _help(node: Mapping[str, Any]) -> str:
    return str(node.get("description", "")).split("\n\n")[0].replace("\n", " ")


def _input(path: str, key: str, value: Any, node: Mapping[str, Any], unit: str) -> Input:
    kind = node.get("type")
    common: dict[str, Any] = {
        "path": path,
        "label": key,
        "unit": unit,
        "help": _help(node),
        "readonly": key in ("name", "train"),
    }
    if "enum" in node and isinstance(value, str):
        return Input(kind="enum", value=value, options=[str(o) for o in node["enum"]], **common)
    if isinstance(value, bool):
        return Input(kind="bool", value="true" if value else "false", checked=value, **common)
    if isinstance(value, int | float):
        lo = node.get("minimum", node.get("exclusiveMinimum"))
        hi = node.get("maximum", node.get("exclusiveMaximum"))
        return Input(
            kind="integer"
            if kind == "integer" or (isinstance(value, int) and kind != "number")
            else "number",
            value=json.dumps(value),
            minimum=lo,
            maximum=hi,
            **common,
        )
    if isinstance(value, list):
        return Input(kind="list", value=json.dumps(value, ensure_ascii=False), **common)
    return Input(kind="text", value="" if value is None else str(value), **common)


def _group(
    sch: _Schema,
    value: Mapping[str, Any],
    node: Mapping[str, Any],
    path: str,
    label: str,
    unit: str,
) -> Group:
    node = sch.resolve(node, value)
    g = Group(path=path, label=label, help=_help(node), unit=unit)
    if "dist" in value:
        g.dist = str(value["dist"])
    props = node.get("properties", {})
    g.source = str(value.get("source", "") or "")
    g.note = str(value.get("note", "") or "")
    if value.get("assumed"):
        g.badges.append("assumed")
    if value.get("unverified"):
        g.badges.append("unverified")
    if "source" in props and not g.source and not value.get("assumed"):
        g.badges.append("no source")
    for key, v in value.items():
        if key in PROVENANCE or key == "dist":
            continue
        sub = sch.resolve(sch.child(node, key), v)
        p = f"{path}.{key}" if path else key
        if isinstance(v, Mapping):
            g.groups.append(_group(sch, v, sub, p, key, unit_of(key) or unit))
        elif isinstance(v, list) and v and all(isinstance(x, Mapping) for x in v):
            items = sch.resolve(sub.get("items"), v[0]) if sub.get("type") == "array" else {}
            lg = Group(path=p, label=key, help=_help(sub))
            for i, item in enumerate(v):
                name = _label(item, i)
                lg.groups.append(
                    _group(sch, item, sub.get("items") or items, f"{p}.{name}", name, unit_of(key))
                )
            g.groups.append(lg)
        else:
            g.inputs.append(_input(p, key, v, sub, unit_of(key) or (unit if g.dist else "")))
    return g


def editor_sections(document: Mapping[str, Any], schema: Mapping[str, Any]) -> list[Group]:
    """Return the editor's sections: ``general`` (the top-level values), then one per table.

    Parameters
    ----------
    document : mapping
        A raw scenario document (``beringia show NAME``, parsed), variants resolved.
    schema : mapping
        The scenario's JSON Schema (:func:`beringia.scenario.io.scenario_schema`).

    Returns
    -------
    list of Group
        The sections, in the document's order; each input named by its ``--set`` path.
    """
    sch = _Schema(schema)
    whole = _group(sch, document, schema, "", "scenario", "")
    general = Group(path="", label="general", inputs=whole.inputs, help=_help(schema))
    return [general, *whole.groups]
