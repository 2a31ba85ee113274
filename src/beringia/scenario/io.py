"""Loading scenario documents: built-ins, TOML files, dotted-path overrides, JSON Schema."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import stat
import tomllib
from collections.abc import Iterable, Mapping
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from beringia.errors import ScenarioError
from beringia.scenario import limits
from beringia.scenario.defaults import DEFAULT_SCENARIO
from beringia.scenario.distributions import DIST_KINDS
from beringia.scenario.model import SCHEMA_VERSION, Scenario
from beringia.scenario.plain import check_plain

_BUILTIN = resources.files("beringia.scenario") / "builtin"
_HINDCAST = resources.files("beringia.scenario") / "hindcast"


def _names(folder: Traversable) -> list[str]:
    if not folder.is_dir():
        return []
    return sorted(p.name[: -len(".toml")] for p in folder.iterdir() if p.name.endswith(".toml"))


def builtin_names() -> list[str]:
    """Names of the built-in scenarios of the Bering Strait, sorted."""
    return _names(_BUILTIN)


def hindcast_names() -> list[str]:
    """Names of the built-in hindcast scenarios (tunnels that were built), sorted."""
    return _names(_HINDCAST)


def builtin_text(name: str) -> str:
    """Return the TOML text of built-in scenario or hindcast ``name``.

    Raises
    ------
    ScenarioError
        If there is no built-in of that name.
    """
    if name in builtin_names():
        return (_BUILTIN / f"{name}.toml").read_text(encoding="utf-8")
    if name in hindcast_names():
        return (_HINDCAST / f"{name}.toml").read_text(encoding="utf-8")
    raise ScenarioError("scenario", name, f"allowed built-ins: {', '.join(_all_names())}")


def _all_names() -> list[str]:
    return builtin_names() + hindcast_names()


def _parse_toml(text: str, origin: str, *, plain: bool = True) -> dict[str, Any]:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(origin, "(file)", f"malformed TOML: {exc}") from None
    except RecursionError:
        raise ScenarioError(
            origin, "(file)", f"nested too deep; allowed: {limits.MAX_NESTING} levels"
        ) from None
    if plain:  # a scenario holds no TOML dates or times
        check_plain(doc)
    return doc


def parse_scenario_text(text: str, origin: str) -> dict[str, Any]:
    """Parse a scenario's TOML text (an upload, say) into a raw document of plain values.

    Raises
    ------
    ScenarioError
        Naming ``origin``, for malformed TOML, nesting too deep, or TOML dates and times.
    """
    return _parse_toml(text, origin)


def _read_text(path: Path, shown: str, field: str = "scenario") -> str:
    """Read a regular file of at most :data:`limits.MAX_FILE_BYTES` as UTF-8 text.

    The file is opened without blocking and checked to be a regular file before a byte is read,
    so a FIFO or a device (``/dev/zero``) is refused instead of blocking or filling memory.
    """
    cap = limits.MAX_FILE_BYTES
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise ScenarioError(field, shown, f"unreadable file: {exc.strerror}") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ScenarioError(field, shown, "not a regular file (a device, FIFO or socket)")
        chunks: list[bytes] = []
        size = 0
        while size <= cap:
            chunk = os.read(fd, cap + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise ScenarioError(field, shown, f"unreadable file: {exc.strerror}") from None
    finally:
        os.close(fd)
    if size > cap:
        raise ScenarioError(
            field, shown, f"file larger than {cap // (1024 * 1024)} MB; not a scenario"
        )
    try:
        return b"".join(chunks).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(field, shown, f"unreadable file: {exc}") from None


def read_toml_file(path: Path, field: str) -> dict[str, Any]:
    """Read a TOML file other than a scenario (e.g. ``hindcast --cases``) into a plain dict.

    The same checks as for a scenario file (a regular file, UTF-8, size limit, nesting),
    except that TOML dates are allowed (a table of finished tunnels has them); errors name
    ``field`` and the path.
    """
    shown = str(path)
    if not path.exists():
        raise ScenarioError(field, shown, "no such file")
    if path.is_dir():
        raise ScenarioError(field, shown, "is a directory, not a TOML file")
    return _parse_toml(_read_text(path, shown, field), field, plain=False)


def read_document(source: str | Path) -> dict[str, Any]:
    """Read a scenario document (built-in name or TOML path) into a plain dict.

    Parameters
    ----------
    source : str or Path
        A built-in name (see :func:`builtin_names`) or the path of a TOML file.
    """
    text_source = str(source)
    path = Path(text_source)
    if text_source in _all_names():
        return resolve_variant(_parse_toml(builtin_text(text_source), text_source), text_source)
    if path.suffix.lower() == ".toml" or path.exists() or "/" in text_source:
        if not path.exists():
            raise ScenarioError("scenario", text_source, "no such file")
        if path.is_dir():
            raise ScenarioError("scenario", text_source, "is a directory, not a TOML file")
        return resolve_variant(_parse_toml(_read_text(path, text_source), text_source), text_source)
    raise ScenarioError(
        "scenario", text_source, f"not a file; allowed built-ins: {', '.join(_all_names())}"
    )


VARIANT_KEYS = ("schema_version", "variant_of", "name", "title", "description", "set", "note")
"""Keys of a variant document: a built-in scenario with ``--set`` edits, named and explained."""


def resolve_variant(doc: dict[str, Any], shown: str) -> dict[str, Any]:
    """Resolve a variant document (``variant_of`` a built-in, plus ``set`` edits); else as is.

    A variant names the built-in it starts from and lists ``path=value`` edits exactly as
    ``--set`` takes them; its ``name``, ``title`` and ``description`` replace the base's.
    """
    if "variant_of" not in doc:
        return doc
    extra = sorted(set(doc) - set(VARIANT_KEYS))
    if extra:
        raise ScenarioError(
            f"{shown}: {extra[0]}", "(given)", f"a variant takes only {', '.join(VARIANT_KEYS)}"
        )
    base = doc["variant_of"]
    if not isinstance(base, str) or base not in builtin_names():
        raise ScenarioError(
            "variant_of", base, f"a built-in scenario; allowed: {', '.join(builtin_names())}"
        )
    edits = doc.get("set", [])
    if not isinstance(edits, list) or not all(isinstance(e, str) for e in edits):
        raise ScenarioError("set", edits, 'a list of "path=value" strings, as --set takes')
    out = apply_overrides(read_document(base), edits)
    for key in ("name", "title", "description"):
        if key in doc:
            out[key] = doc[key]
    return out


def _label(item: dict[str, Any]) -> Any:
    """Name of a list element: its ``name`` (or ``train`` for traffic entries)."""
    return item.get("name", item.get("train"))


def _parse_value(raw: str, path: str) -> Any:
    """Parse the value of one ``--set``: a TOML literal, or else the text itself."""
    try:
        parsed = tomllib.loads(f"v = {raw}")
    except tomllib.TOMLDecodeError:
        return raw
    except RecursionError:
        raise ScenarioError(
            path, raw, f"nested too deep; allowed: {limits.MAX_NESTING} levels"
        ) from None
    if set(parsed) != {"v"}:  # e.g. 'x" \r bogus = 1': one value per --set, nothing else
        raise ScenarioError(path, raw, "one value per --set (repeat --set for another field)")
    check_plain(parsed["v"], path)
    return parsed["v"]


def _step(node: Any, key: str, path: str) -> tuple[Any, Any]:
    """Return (container, resolved key) for one step of a dotted path."""
    if isinstance(node, list):
        if re.fullmatch(r"-?[0-9]+", key):
            idx = int(key)
            if not -len(node) <= idx < len(node):
                raise ScenarioError(path, key, f"index out of range 0..{len(node) - 1}")
            return node, idx
        for i, item in enumerate(node):
            if isinstance(item, dict) and _label(item) == key:
                return node, i
        names = [str(_label(item)) for item in node if isinstance(item, dict)]
        raise ScenarioError(path, key, f"no element of that name; allowed: {', '.join(names)}")
    if isinstance(node, dict):
        return node, key
    raise ScenarioError(path, key, "cannot descend into a plain value")


def apply_overrides(doc: dict[str, Any], overrides: Iterable[str]) -> dict[str, Any]:
    """Apply ``path=value`` overrides to a raw document, returning a new dict.

    Path steps are dict keys, list indices, or the ``name`` of a list element
    (``construction.bores.running-1.diameter_m=10``). Values are TOML literals (numbers,
    booleans, ``"strings"``, ``[arrays]``, ``{inline = "tables"}``); anything that does not
    parse as TOML is taken as a string. Setting a number where a distribution was given
    replaces it with a fixed value.
    """
    out: dict[str, Any] = copy.deepcopy(doc)
    for item in overrides:
        if len(item) > limits.MAX_OVERRIDE_CHARS:
            raise ScenarioError(
                "--set", item, f"longer than {limits.MAX_OVERRIDE_CHARS:,} characters"
            )
        if re.search(r"[\x00-\x1f\x7f]", item):
            raise ScenarioError(
                "--set", item, "one path=value on one line (no newlines or control characters)"
            )
        if "=" not in item:
            raise ScenarioError("--set", item, "expected path=value")
        path, raw = item.split("=", 1)
        path = path.strip()
        keys = [k for k in path.split(".") if k]
        if not keys:
            raise ScenarioError("--set", item, "expected path=value with a non-empty path")
        node: Any = out
        for k in keys[:-1]:
            container, key = _step(node, k, path)
            if isinstance(container, dict) and key not in container:
                raise ScenarioError(path, k, "no such field in the scenario")
            node = container[key]
        container, key = _step(node, keys[-1], path)
        container[key] = _parse_value(raw.strip(), path)
    return out


def _format_loc(loc: tuple[int | str, ...], doc: Mapping[str, Any]) -> str:
    parts: list[str] = []
    node: Any = doc
    for step in loc:
        if (
            isinstance(step, str)
            and step in DIST_KINDS
            and not (isinstance(node, dict) and step in node)
        ):
            continue  # the discriminator tag pydantic inserts
        if isinstance(step, str) and step.startswith("function-"):
            continue
        if isinstance(step, int) and isinstance(node, list) and 0 <= step < len(node):
            item = node[step]
            label = _label(item) if isinstance(item, dict) else None
            parts.append(str(step) if label is None else str(label))
            node = item
            continue
        parts.append(str(step))
        node = node.get(step) if isinstance(node, dict) else None
    return ".".join(parts) or "scenario"


_TYPE_MESSAGES = {
    "float_type": "a number is required (true/false and quoted text are not numbers)",
    "int_type": "a whole number is required (no decimals, true/false or quoted text)",
    "string_type": "text in double quotes is required",
    "bool_type": "true or false is required",
    "model_type": "a table is required",
    "model_attributes_type": "a table (or a plain number for a fixed value) is required",
    "dict_type": "a table is required",
    "list_type": "an array is required",
    "tuple_type": "an array is required",
}
"""Plain-words messages for pydantic's strict type errors."""

_BOUND_MESSAGES = {
    "greater_than_equal": "allowed: >= {ge}",
    "greater_than": "allowed: > {gt}",
    "less_than_equal": "allowed: <= {le}",
    "less_than": "allowed: < {lt}",
    "too_long": "allowed: at most {max_length} items",
    "too_short": "allowed: at least {min_length} items",
    "string_too_long": "allowed: at most {max_length} characters",
    "string_too_short": "allowed: at least {min_length} characters",
}
"""Messages for pydantic's bound errors, in the form the other errors use."""


def validate_document(doc: dict[str, Any]) -> Scenario:
    """Validate a raw document into a :class:`Scenario`.

    Raises
    ------
    ScenarioError
        Naming the first offending field, its value and what is allowed.
    """
    version = doc.get("schema_version")
    if "schema_version" not in doc:
        raise ScenarioError(
            "schema_version", "(missing)", f"required; this beringia reads {SCHEMA_VERSION}"
        )
    if version != SCHEMA_VERSION:
        raise ScenarioError(
            "schema_version", version, f"this beringia reads schema_version = {SCHEMA_VERSION}"
        )
    try:
        return Scenario.model_validate(doc)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        loc = tuple(err["loc"])
        field = _format_loc(loc, doc)
        msg = str(err["msg"]).removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown field (not part of the scenario format; see `beringia schema`)"
        elif err["type"] == "missing":
            msg = "required field is missing"
        elif err["type"] == "union_tag_invalid":
            tag = err.get("ctx", {}).get("tag", "?")
            msg = f"unknown distribution dist = {tag!r}; allowed: {', '.join(DIST_KINDS)}"
        elif err["type"] == "union_tag_not_found":
            msg = f"a distribution needs dist = one of: {', '.join(DIST_KINDS)}"
        elif err["type"] in _TYPE_MESSAGES:
            msg = _TYPE_MESSAGES[err["type"]]
        elif err["type"] in _BOUND_MESSAGES:
            ctx = err.get("ctx", {})
            msg = _BOUND_MESSAGES[err["type"]].format(**ctx)
        value = err.get("input", "(missing)") if err["type"] != "missing" else "(missing)"
        named = re.match(r"^([A-Za-z0-9_.-]+\.[A-Za-z0-9_.-]+): (.*)$", msg, re.S)
        if named and isinstance(value, dict | list):
            field, msg = named.group(1), named.group(2)
        raise ScenarioError(field, value, msg) from None


def load_scenario(
    source: str | Path | Mapping[str, Any] = DEFAULT_SCENARIO,
    overrides: Iterable[str] = (),
) -> Scenario:
    """Load and validate a scenario.

    Parameters
    ----------
    source : str, Path or mapping
        A built-in name, a TOML file path, or an already-parsed document.
    overrides : iterable of str
        Dotted-path ``path=value`` overrides applied before validation.

    Returns
    -------
    Scenario
        The validated, frozen scenario.
    """
    if isinstance(source, Mapping):
        doc = dict(source)
        check_plain(doc)
    else:
        doc = read_document(source)
    doc = apply_overrides(doc, overrides)
    return validate_document(doc)


def scenario_hash(scenario: Scenario) -> str:
    """SHA-256 of the scenario's canonical JSON form."""
    canonical = json.dumps(scenario.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def scenario_schema() -> dict[str, Any]:
    """JSON Schema of the scenario document."""
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "beringia scenario"
    return schema
