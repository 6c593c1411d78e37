"""An import made inside a function is an exception that says why: a comment on
its line or on the block of imports and comments just above it. Such imports
hide edges from a reader of the module's head (the import contract in
pyproject.toml sees them all the same).

``KNOWN`` lists those found without a reason when the rule was written (issue
#13), by module and what it imports; it may only shrink."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]

KNOWN = {
    ("accounts/middleware.py", ".services"),
    ("accounts/services.py", "."),
    ("accounts/signals.py", ".services"),
    ("accounts/signals.py", "tribune.privacy.services"),
    ("api/moderation.py", "tribune.moderation.bans"),
    ("comments/batches.py", ".writer"),
    ("importers/engine.py", ".exporting"),
    ("importers/engine.py", ".records"),
    ("importers/engine.py", "tribune.sites.models"),
    ("importers/records.py", ".engine"),
    ("importers/sources.py", "."),
    ("moderation/bans.py", "tribune.publishing.store"),
    ("moderation/selectors.py", ".bans"),
    ("notifications/services.py", "tribune.publishing.store"),
    ("privacy/retention.py", "tribune.abuse.services"),
    ("publishing/checks.py", "tribune"),
    ("server/management/commands/serve.py", "tribune.comments.writer"),
    ("server/management/commands/serve.py", "tribune.privacy.services"),
    ("server/management/commands/serve.py", "tribune.publishing.wsgi"),
    ("server/management/commands/serve.py", "tribune.triage.background"),
    ("triage/background.py", "."),
    ("triage/management/commands/triage.py", "tribune.triage.training.train"),
    ("triage/scoring.py", "."),
    ("triage/scoring.py", "tribune.moderation.decisions"),
    ("triage/selectors.py", "tribune.moderation.selectors"),
    ("webhooks/services.py", "tribune.publishing.store"),
}


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
    new = _unexplained() - KNOWN
    assert not new, (
        "Imports inside functions without a comment saying why (import at the top, or "
        f"say why not on the line or just above): {sorted(new)}"
    )


def test_the_list_of_known_exceptions_only_shrinks():
    gone = KNOWN - _unexplained()
    assert not gone, f"Explained or removed since: take them off KNOWN: {sorted(gone)}"
