"""The queue shows a moderator's edit word by word; the text before is a
stranger's, so the diff takes bounded time whatever the two texts (issue #20:
17 kB of words against the same words reversed took 10 s)."""

from __future__ import annotations

import pytest

from tribune.core.testing import best_of_3
from tribune.moderation.diff import word_diff

WORDS = " ".join(f"w{i}" for i in range(3000))
CASES = {
    "reversed": (WORDS, " ".join(f"w{i}" for i in range(3000, 0, -1))),
    "swapped pairs": ("a b " * 5000, "b a " * 5000),
    "cut to one line": ("a b " * 5000, "a b"),
    "one word removed": (WORDS, WORDS.replace(" w1500 ", " ")),
    "all words changed": (WORDS, WORDS.replace("w", "v")),
}


@pytest.mark.parametrize("name", CASES)
def test_a_diff_takes_bounded_time_and_rebuilds_both_texts(name):
    before, after = CASES[name]
    assert best_of_3(lambda: word_diff(before, after)) < 0.5
    parts = word_diff(before, after)
    assert "".join(text for op, text in parts if op != "+") == before
    assert "".join(text for op, text in parts if op != "-") == after


def test_a_small_edit_in_a_long_comment_is_shown_word_by_word():
    parts = word_diff(WORDS, WORDS.replace(" w1500 ", " w1500b "))
    assert ("-", "w1500") in parts and ("+", "w1500b") in parts
    assert sum(len(text) for op, text in parts if op != "=") == len("w1500") + len("w1500b")
