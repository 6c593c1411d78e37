"""The change a moderator's edit made, word by word."""

from __future__ import annotations

import difflib
import re

_TOKENS = re.compile(r"\s+|[^\s]+")


# SequenceMatcher's time grows with the product of the two lengths (or worse: 10 s
# for 17 kB of words against the same words reversed), and the before-text is a
# stranger's. The common head and tail are matched in linear time; what lies
# between is diffed word by word only while it is this small, else shown as one
# removal and one addition.
MIDDLE_PAIRS_MAX = 250_000


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    """``[(op, text)]`` turning ``before`` into ``after``: ``=`` kept, ``-`` removed,
    ``+`` added. Whitespace is kept, so joining the ``=`` and ``+`` parts gives
    ``after`` back exactly, and the ``=`` and ``-`` parts give ``before``. Time is
    bounded whatever the texts (see :data:`MIDDLE_PAIRS_MAX`)."""
    a, b = _TOKENS.findall(before), _TOKENS.findall(after)
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    middle_a, middle_b = a[head:len(a) - tail], b[head:len(b) - tail]
    parts: list[tuple[str, str]] = []
    if head:
        parts.append(("=", "".join(a[:head])))
    if len(middle_a) * len(middle_b) <= MIDDLE_PAIRS_MAX:
        matcher = difflib.SequenceMatcher(a=middle_a, b=middle_b, autojunk=False)
        opcodes = matcher.get_opcodes()
    else:
        opcodes = [("replace", 0, len(middle_a), 0, len(middle_b))]
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            parts.append(("=", "".join(middle_a[i1:i2])))
            continue
        if i2 > i1:
            parts.append(("-", "".join(middle_a[i1:i2])))
        if j2 > j1:
            parts.append(("+", "".join(middle_b[j1:j2])))
    if tail:
        parts.append(("=", "".join(a[len(a) - tail:])))
    return parts
