"""docs/architecture.md stays true: every module or package it names exists, and
every function it names in a module is defined there."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
DOC = ROOT / "docs" / "architecture.md"
PATH = re.compile(r"`((?:tribune|docs)/[\w/.-]*)`")
NAMED = re.compile(r"`(tribune/[\w/]+\.py)` \(`(\w+)`\)")


def _doc() -> str:
    assert DOC.is_file(), f"{DOC} is missing: the checkout's docs travel with its tests"
    return DOC.read_text(encoding="utf-8")


def test_every_path_it_names_exists():
    named = PATH.findall(_doc())
    assert len(named) > 30  # the doc names the packages; a broken pattern would find none
    missing = [p for p in named if not (ROOT / p).exists()]
    assert missing == [], f"docs/architecture.md names what does not exist: {missing}"


def test_every_function_it_names_is_in_its_module():
    pairs = NAMED.findall(_doc())
    assert len(pairs) >= 5
    for path, name in pairs:
        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        assert hasattr(module, name), f"{path} has no {name}, as docs/architecture.md says"


def test_the_layers_it_lists_are_the_contracts():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    layers = re.search(r"layers = \[(.*?)\]", pyproject, re.S).group(1)
    contract = set(re.findall(r"tribune\.(\w+)", layers))
    documented = {p.split("/")[1].removesuffix(".py") for p in PATH.findall(_doc())
                  if p.startswith("tribune/") and p.count("/") >= 1}
    assert contract <= documented, f"layers not in the doc: {contract - documented}"
