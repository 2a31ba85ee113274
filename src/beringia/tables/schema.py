"""One way to read and check a shipped data table: a pydantic model and one error per fault.

Every table of ``beringia/data`` (and every scenario table in the same layout, such as the
corridor's node edits) is a :class:`Table`: unknown keys are refused, types are strict (no
``"7.0"`` for a number, no ``true`` for a number), numbers are finite. :func:`check` validates a
parsed document against its model and turns the first pydantic error into a
:class:`~beringia.errors.ScenarioError` that names the dotted path, the value and what is
allowed, in words derived from the field's type and bounds (``a number > 0``, ``one of city,
port``, ``keys from, to, length_km``), or given by an :class:`Allowed` marker.
"""

from __future__ import annotations

import difflib
import tomllib
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Annotated, Any, Literal, TypeVar, get_args, get_origin

import annotated_types as at
from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError
from pydantic.fields import FieldInfo

from beringia.errors import ScenarioError

Loc = tuple[str | int, ...]
"""A location in a parsed document: table keys and array indices."""


@dataclass(frozen=True)
class Allowed:
    """What a field allows, in words (``Annotated[str, Allowed("a UN/LOCODE")]``).

    Errors of the field then say this instead of a description derived from its type.
    """

    text: str


class Distributed:
    """Marks a field holding a distribution table: errors inside it name the field itself."""


class Table(BaseModel):
    """A table of a shipped data file: unknown keys refused, strict types, finite numbers."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)


def _not_blank(v: str) -> str:
    if not v.strip():
        raise ValueError("a non-empty string")
    return v


Text = Annotated[str, AfterValidator(_not_blank), Allowed("a non-empty string")]
"""A string with something in it."""


class Sourced(Table):
    """A table row with its provenance."""

    source: str = ""
    unverified: bool = False
    assumed: bool = False
    note: str = ""


M = TypeVar("M", bound=BaseModel)


def read_table(filename: str) -> dict[str, Any]:
    """Return the parsed TOML of ``beringia/data/<filename>``.

    Raises
    ------
    ScenarioError
        If the file is not valid TOML (a broken installation).
    """
    text = resources.files("beringia.data").joinpath(filename).read_text(encoding="utf-8")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"data/{filename}", "(not TOML)", f"valid TOML: {exc}") from None


def check(
    model: type[M],
    raw: Any,
    field: str,
    label: Callable[[Loc], str] | None = None,
) -> M:
    """Validate ``raw`` against ``model``.

    Parameters
    ----------
    model : type
        The pydantic model of the table (usually a :class:`Table`).
    raw : object
        The parsed table.
    field : str
        Dotted path of ``raw`` in the document, prefixed to every error's path.
    label : callable, optional
        ``label(loc)`` names the object an error at ``loc`` (relative to ``raw``) belongs to,
        e.g. ``"segment 'A – B'"``; prefixed to what is allowed.

    Raises
    ------
    ScenarioError
        For the first fault: its path, the value given and what is allowed.
    """
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise table_error(model, exc, raw, field, label) from None


def table_error(
    model: type[BaseModel],
    exc: ValidationError,
    raw: Any,
    field: str,
    label: Callable[[Loc], str] | None = None,
) -> ScenarioError:
    """Translate the first error of ``exc`` (validating ``raw`` against ``model``)."""
    err = exc.errors(include_url=False)[0]
    loc: Loc = tuple(err["loc"])
    kind = str(err["type"])
    msg = str(err["msg"]).removeprefix("Value error, ")
    path, annotation, info, inner = _walk(model, loc)
    if kind == "extra_forbidden":
        path, allowed = loc, _keys(annotation)
    elif annotation is _DISTRIBUTION:
        allowed = _distribution_error(kind, msg, inner)
    else:
        allowed = _allowed(annotation, info, kind, msg)
    value = "missing" if kind == "missing" and not inner else _at(raw, path, err.get("input"))
    what = label(path) if label is not None else ""
    prefix = f"{what}: " if what else ""
    dotted = ".".join([field, *(str(p) for p in path)]) if path else field
    return ScenarioError(dotted, value, prefix + allowed)


# ------------------------------------------------------------------------------ internals

_DISTRIBUTION = object()
"""Stands for the annotation of a :class:`Distributed` field while walking an error's path."""


def _distribution_error(kind: str, msg: str, inner: Loc) -> str:
    """Say what a distribution field allows, given the error inside it."""
    if kind == "missing" and not inner:
        return "a distribution table"
    if kind == "value_error" and not inner:
        return msg  # a check of the whole distribution (its bounds, its source)
    where = ".".join(str(p) for p in inner)
    return f"a distribution table ({where}: {msg})" if where else f"a distribution table ({msg})"


def _strip(tp: Any) -> tuple[Any, list[Any]]:
    """Return ``tp`` without ``Annotated`` and ``None`` alternatives, and the metadata met."""
    meta: list[Any] = []
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            args = get_args(tp)
            tp = args[0]
            for m in args[1:]:  # Field(...) inside Annotated carries its bounds as metadata
                meta = [*meta, *(m.metadata if isinstance(m, FieldInfo) else [m])]
        elif origin in (typing.Union, types.UnionType):
            rest = [a for a in get_args(tp) if a is not type(None)]
            if len(rest) != 1:
                return tp, meta
            tp = rest[0]
        else:
            return tp, meta


def _field(model: type[BaseModel], key: str) -> FieldInfo | None:
    for name, fi in model.model_fields.items():
        if key in (name, fi.alias):
            return fi
    return None


def _walk(model: type[BaseModel], loc: Loc) -> tuple[Loc, Any, list[Any], Loc]:
    """Follow ``loc`` through the model's types.

    Returns the part of ``loc`` to name, the (stripped) annotation at its end with the metadata
    met on the way there, and the rest of ``loc`` (inside a distribution table).
    """
    tp: Any = model
    meta: list[Any] = []
    for i, part in enumerate(loc):
        tp, more = _strip(tp)
        meta = [*meta, *more]
        if any(isinstance(m, Distributed) for m in meta):
            return loc[:i], _DISTRIBUTION, meta, loc[i:]
        origin = get_origin(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel) and isinstance(part, str):
            fi = _field(tp, part)
            extra = _extra_type(tp)
            if fi is not None:
                tp, meta = fi.annotation, list(fi.metadata)
            elif extra is not None:
                tp, meta = extra, []
            else:
                return loc[:i], tp, meta, loc[i:]
        elif origin in (list, tuple) and isinstance(part, int):
            tp, meta = get_args(tp)[0], []
        elif origin is dict and isinstance(part, str):
            tp, meta = get_args(tp)[1], []
        else:
            return loc[:i], tp, meta, loc[i:]
    tp, more = _strip(tp)
    meta = [*meta, *more]
    if any(isinstance(m, Distributed) for m in meta):
        return loc, _DISTRIBUTION, meta, ()
    return loc, tp, meta, ()


def _extra_type(model: type[BaseModel]) -> Any:
    """Return the type of a model's typed extra keys (``__pydantic_extra__: dict[str, X]``)."""
    if model.model_config.get("extra") != "allow":
        return None
    hint = typing.get_type_hints(model).get("__pydantic_extra__")
    return get_args(hint)[1] if get_origin(hint) is dict else None


def _keys(tp: Any) -> str:
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        names = sorted(fi.alias or name for name, fi in tp.model_fields.items())
        return f"keys {', '.join(names)}"
    return "known keys only"


def _bounds(meta: list[Any]) -> str:
    parts = []
    for m in meta:
        for cls, attr, sign in (
            (at.Gt, "gt", ">"),
            (at.Ge, "ge", ">="),
            (at.Lt, "lt", "<"),
            (at.Le, "le", "<="),
        ):
            if isinstance(m, cls):
                parts.append(f"{sign} {getattr(m, attr):g}")
        if isinstance(m, at.Interval):
            for attr, sign in (("gt", ">"), ("ge", ">="), ("lt", "<"), ("le", "<=")):
                v = getattr(m, attr)
                if v is not None:
                    parts.append(f"{sign} {v:g}")
    return " and ".join(parts)


def _min_length(meta: list[Any]) -> int:
    return max([m.min_length for m in meta if isinstance(m, at.MinLen)] or [0])


def _allowed(tp: Any, meta: list[Any], kind: str, msg: str) -> str:
    """Say in words what a field of type ``tp`` (with ``meta``) allows."""
    for m in meta:
        if isinstance(m, Allowed):
            return m.text
    if kind == "value_error":
        return msg
    origin = get_origin(tp)
    bounds = _bounds(meta)
    if origin is Literal:
        return f"one of {', '.join(str(a) for a in get_args(tp))}"
    if tp is bool:
        return "true or false"
    if tp is int:
        return f"a whole number {bounds}".rstrip()
    if tp is float:
        return f"a number {bounds}".rstrip()
    if tp is str:
        return "a non-empty string" if _min_length(meta) else "a string"
    if origin in (list, tuple):
        item, _ = _strip(get_args(tp)[0])
        what = "tables" if isinstance(item, type) and issubclass(item, BaseModel) else "values"
        return f"a non-empty array of {what}" if _min_length(meta) else f"an array of {what}"
    if origin is dict or (isinstance(tp, type) and issubclass(tp, BaseModel)):
        return "a table"
    return msg


def _at(raw: Any, path: Loc, default: Any) -> Any:
    """Return the value at ``path`` in ``raw`` (``default`` if it is not there)."""
    node = raw
    for part in path:
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return default
    return node


def allowed_names(name: str, names: Sequence[str], what: str) -> str:
    """Say what is allowed instead of ``name``: close matches first, then every name."""
    close = difflib.get_close_matches(name, list(names), n=3, cutoff=0.5)
    hint = f"did you mean {', '.join(repr(c) for c in close)}? " if close else ""
    return f"{hint}{what}: {', '.join(sorted(names))}"


__all__ = [
    "Allowed",
    "Distributed",
    "Loc",
    "Sourced",
    "Table",
    "Text",
    "allowed_names",
    "check",
    "read_table",
    "table_error",
]
