"""The house's layering: who may import whom, and no import cycles.

Layers, from the bottom: ``errors`` and ``_version`` (and ``output``, safe file writing for the
shells, on ``errors`` alone); ``core`` (pure kernels); ``geo`` and
``tables`` (shipped data at the I/O boundary); ``scenario`` (the input document); ``models``
(one room per model); ``pipeline`` (runs the models); the shells ``report`` and ``cli``. The
package itself (``beringia/__init__``) is the lazy public API that only shells use.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
ROOT = SRC / "beringia"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    t = node.test
    return (isinstance(t, ast.Name) and t.id == "TYPE_CHECKING") or (
        isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING"
    )


def _resolve(name: str) -> str | None:
    """The beringia module an import statement loads (longest known prefix)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(module: str, *, top_level_only: bool) -> Iterator[str]:
    """Beringia modules imported by ``module`` (runtime top level only, or anywhere)."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))

    def walk(nodes: list[ast.stmt]) -> Iterator[ast.stmt]:
        for node in nodes:
            if isinstance(node, ast.If) and _is_type_checking(node):
                if not top_level_only:
                    yield from walk(node.body)
                continue
            yield node
            if not top_level_only:
                for child in ast.iter_child_nodes(node):
                    if isinstance(child, ast.stmt):
                        yield from walk([child])

    for node in walk(tree.body):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # ``from pkg import sub`` loads the submodule; ``from pkg import name`` the package
            names = [
                f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in MODULES else node.module
                for a in node.names
            ]
        for name in names:
            if name == "beringia" or name.startswith("beringia."):
                target = _resolve(name)
                if target is not None and target != module:
                    yield target


def _layer(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "api"
    if parts[1] in ("errors", "_version", "__main__"):
        return parts[1]
    return parts[1]


ALLOWED = {
    "errors": set(),
    "_version": set(),
    "output": {"errors"},
    "draws_file": {"errors", "output", "pipeline"},
    "store": {"errors", "output", "draws_file", "pipeline", "scenario", "store"},
    "core": {"core", "errors"},
    "geo": {"core", "errors", "geo"},
    "tables": {"core", "errors", "tables"},
    "scenario": {"core", "errors", "tables", "scenario"},
    "models": {"core", "errors", "geo", "tables", "scenario", "models"},
    "pipeline": {"core", "errors", "_version", "geo", "tables", "scenario", "models", "pipeline"},
    "report": {
        "errors",
        "_version",
        "geo",
        "tables",
        "scenario",
        "models",
        "pipeline",
        "report",
        "output",
    },
    "cli": {
        "api",
        "errors",
        "_version",
        "scenario",
        "models",
        "pipeline",
        "report",
        "cli",
        "output",
        "draws_file",
        "store",
        "web",
    },
    "web": {
        "api",
        "errors",
        "_version",
        "scenario",
        "models",
        "pipeline",
        "report",
        "output",
        "store",
        "web",
    },
    "api": {"errors", "_version", "scenario", "pipeline", "report", "draws_file"},
    "__main__": {"cli"},
}


def _parents(module: str) -> set[str]:
    """Packages whose ``__init__`` runs before ``module`` is imported (not the root facade)."""
    parts = module.split(".")
    return {".".join(parts[:i]) for i in range(2, len(parts))}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_module_imports_only_lower_layers(module: str) -> None:
    layer = _layer(module)
    bad = sorted(
        t for t in _imports(module, top_level_only=False) if _layer(t) not in ALLOWED[layer]
    )
    assert not bad, f"{module} ({layer}) imports {bad}"


def test_core_is_pure() -> None:
    heavy = ("pydantic", "pandas", "sqlalchemy", "fastapi", "plotly", "jinja2", "typer", "rich")
    for module in MODULES:
        if _layer(module) != "core":
            continue
        tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            for n in names:
                assert n.split(".")[0] not in heavy, f"{module} imports {n}"
                assert n not in ("tomllib", "importlib.resources", "io"), f"{module} does I/O"


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_module_import_cycles() -> None:
    graph: dict[str, set[str]] = {}
    for m in MODULES:
        targets = set(_imports(m, top_level_only=True))
        for t in list(targets):  # importing a.b.c runs a.b's __init__ first
            targets |= {p for p in _parents(t) if not m.startswith(p + ".")}
        graph[m] = targets - {m}
    assert _cycles(graph) == []


def _package(module: str) -> str:
    parts = module.split(".")
    if len(parts) >= 3 and parts[1] == "models":
        return ".".join(parts[:3])  # each model is a room of its own
    return ".".join(parts[:2])


def test_no_package_import_cycles() -> None:
    graph: dict[str, set[str]] = {}
    for m in MODULES:
        src = _package(m)
        for t in _imports(m, top_level_only=False):
            if _package(t) != src:
                graph.setdefault(src, set()).add(_package(t))
    assert _cycles(graph) == []


def test_the_checker_sees_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
