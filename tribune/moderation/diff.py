"""The change a moderator's edit made, word by word."""

from __future__ import annotations

import difflib
import re

_TOKENS = re.compile(r"\s+|[^\s]+")


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    """``[(op, text)]`` turning ``before`` into ``after``: ``=`` kept, ``-`` removed,
    ``+`` added. Whitespace is kept, so joining the ``=`` and ``+`` parts gives
    ``after`` back exactly, and the ``=`` and ``-`` parts give ``before``."""
    a, b = _TOKENS.findall(before), _TOKENS.findall(after)
    parts: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            parts.append(("=", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            parts.append(("-", "".join(a[i1:i2])))
        if j2 > j1:
            parts.append(("+", "".join(b[j1:j2])))
    return parts
