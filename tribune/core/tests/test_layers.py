"""The layers, beyond what the import contract checks.

An import made inside a function is an exception that says why: a comment on
its line or on the block of imports and comments just above it. Such imports
hide edges from a reader of the module's head (the import contract in
pyproject.toml sees them all the same). The 35 found without a reason when the
rule was written (issue #13) have all moved to their module's head or say why.

No package imports another that imports it back, directly or around a longer
circle, counting imports inside functions: the graph is grimp's (import-linter's
library), without the surfaces that ``ignore_imports`` puts at the top whatever
their folder (views, URLconfs, management commands, tests…)."""

from __future__ import annotations

import ast
import re
import tomllib
from collections import defaultdict
from pathlib import Path

import grimp

PACKAGE = Path(__file__).resolve().parents[2]



def _target(node: ast.ImportFrom | ast.Import) -> str:
    if isinstance(node, ast.Import):
        return node.names[0].name
    return "." * node.level + (node.module or "")


def _has_reason(lines: list[str], index: int) -> bool:
    if "#" in lines[index]:
        return True
    for line in reversed(lines[:index]):
        text = line.strip()
        if text.startswith("#"):
            return True
        if not (text == "" or text.startswith(("from ", "import ", ")")) or text.endswith(",")):
            return False
    return False


def _unexplained() -> set[tuple[str, str]]:
    found = set()
    for path in PACKAGE.rglob("*.py"):
        if {"tests", "migrations"} & set(path.relative_to(PACKAGE).parts):
            continue
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        for function in ast.walk(ast.parse(source)):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if not isinstance(node, ast.Import | ast.ImportFrom):
                    continue
                target = _target(node)
                if not (target.startswith(("tribune", "."))):
                    continue
                if not _has_reason(lines, node.lineno - 1):
                    found.add((path.relative_to(PACKAGE).as_posix(), target))
    return found


def test_an_import_inside_a_function_says_why():
    new = _unexplained()
    assert not new, (
        "Imports inside functions without a comment saying why (import at the top, or "
        f"say why not on the line or just above): {sorted(new)}"
    )


def _surface_patterns() -> list[re.Pattern]:
    """The importers that ``ignore_imports`` lets import anything: the surfaces
    (and tests), read from pyproject.toml so that the two lists cannot differ."""
    config = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = []
    for contract in config["tool"]["importlinter"]["contracts"]:
        for rule in contract.get("ignore_imports", []):
            importer, imported = (part.strip() for part in rule.split("->"))
            if imported != "tribune.**":
                continue
            parts = [{"*": r"[^.]+", "**": r"[^.]+(?:\.[^.]+)*"}.get(part, re.escape(part))
                     for part in importer.split(".")]
            # A surface's own submodules are surface too (a views package).
            patterns.append(re.compile(r"\.".join(parts) + r"(?:\..+)?"))
    return patterns


def _package(module: str) -> str:
    return ".".join(module.split(".")[:2])


def _package_imports() -> dict[tuple[str, str], tuple[str, str, int]]:
    """Each import of one package by another (``tribune.x``), with one import that
    makes it (importer, imported, line), surfaces left out."""
    graph = grimp.build_graph("tribune", cache_dir=None)
    surfaces = _surface_patterns()

    def kept(module: str) -> bool:
        return module != "tribune" and not any(p.fullmatch(module) for p in surfaces)

    edges: dict[tuple[str, str], tuple[str, str, int]] = {}
    for importer in sorted(filter(kept, graph.modules)):
        for imported in sorted(filter(kept, graph.find_modules_directly_imported_by(importer))):
            pair = (_package(importer), _package(imported))
            if pair[0] != pair[1] and pair not in edges:
                details = graph.get_import_details(importer=importer, imported=imported)
                line = details[0]["line_number"] if details else 0
                edges[pair] = (importer, imported, line)
    return edges


def _a_cycle(edges) -> list[str] | None:
    """One circle of packages (first package repeated at the end), or None."""
    following: dict[str, list[str]] = defaultdict(list)
    for importer, imported in sorted(edges):
        following[importer].append(imported)
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(package: str) -> list[str] | None:
        state[package] = 1
        path.append(package)
        for nxt in following[package]:
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[package] = 2
        return None

    for package in sorted(following):
        if package not in state and (found := visit(package)):
            return found
    return None


def test_no_package_imports_itself_round_a_circle():
    edges = _package_imports()
    cycle = _a_cycle(edges)
    if cycle is None:
        return
    steps = "\n".join(
        f"  {a} -> {b}: {edges[a, b][0]} imports {edges[a, b][1]} (line {edges[a, b][2]})"
        for a, b in zip(cycle, cycle[1:], strict=False))
    raise AssertionError(
        f"A package cycle: {' -> '.join(cycle)}\n{steps}\nInvert the edge against the "
        "layers (a signal or registry in the lower package, registered in the upper one's "
        "AppConfig.ready), move the code to tribune/actions/ or down, or pass what it "
        "needs as an argument (docs/architecture.md).")


def test_the_package_graph_counts_imports_inside_functions():
    """The cycle check sees every import made inside a function (grimp reads the
    whole module, not only its head): checked against the syntax tree."""
    graph = grimp.build_graph("tribune", cache_dir=None)
    missing = []
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        package = module if parts[-1] == "__init__" else module.rsplit(".", 1)[0]
        for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.Import):
                    targets = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom):
                    base = node.module or ""
                    if node.level:
                        up = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                        base = f"{up}.{base}" if base else up
                    # "from . import scoring" imports the submodule.
                    targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in graph.modules
                               else base for alias in node.names]
                else:
                    continue
                missing += [(module, target) for target in targets
                            if target.startswith("tribune.") and target in graph.modules
                            and target != module and not graph.direct_import_exists(
                                importer=module, imported=target)]
    assert not missing, f"Imports inside functions the graph does not see: {missing}"


def test_no_module_imports_itself_round_a_circle():
    """Within a package too (issue #13 named four circles of modules: batches and
    the writer, the outbox's senders, moderation and triage, the importers):
    every module of Tribune but its tests and migrations, imports in functions
    counted."""
    graph = grimp.build_graph("tribune", cache_dir=None)

    def kept(module: str) -> bool:
        return ".tests" not in module and ".migrations" not in module

    edges = {(importer, imported)
             for importer in filter(kept, graph.modules)
             for imported in filter(kept, graph.find_modules_directly_imported_by(importer))}
    cycle = _a_cycle(edges)
    assert cycle is None, (
        f"A circle of modules: {' -> '.join(cycle)}. Move what both need down, or let "
        "the lower one offer a registry that the upper one fills in its AppConfig.ready.")
