"""Triage reads text a stranger wrote: no pattern or count in it may take time
that grows faster than the text (issue #20). Each entry point is fed the
longest comment a site allows, made of repetitions of a pattern's ambiguous
parts (starts of addresses, links, numbers and tags that never end as one) and
of distinct words; best of three, so a loaded machine does not fail it."""

from __future__ import annotations

import pytest

from tribune.core.testing import best_of_3
from tribune.triage import campaign, features
from tribune.triage.classifier import model_load
from tribune.triage.personal import personal_information
from tribune.triage.text_signals import (
    is_repetitive,
    link_spans,
    text_signals,
    wordlist_hits,
)

BODY_LONGEST = 20_000  # the most a site may allow (Site.body_max_length)
UNITS = ["a", "a@", "@a", "a.", "a@a.", "aa@a-", "1", "1 ", "1-", "+1", "(", "1.", "<", "<a",
         "a-", "a.b", "www.", "http://", "x.com/", ". ", "&#", "&amp;", "\u00a0", "中",
         "၀", "၀-", "ab", "aab", "!", "！a",
         # Starts of many of the Korean lexicon's terms (lexicon.py).
         "개", "시바", "ㅅ", "개 ", "씨8"]


def _crafted() -> list[tuple[str, str]]:
    texts = [(repr(unit), unit * (BODY_LONGEST // len(unit))) for unit in UNITS]
    # Distinct words: counting each again was quadratic (0.9 s).
    texts.append(("distinct words", " ".join(f"w{i}" for i in range(BODY_LONGEST // 7))))
    # Ten letters in a scrambled order without spaces: every start of the
    # repeated-run pattern (2-12 characters four times) almost matches.
    texts.append(("ten letters", "".join("abcdefghij"[(i * i + i // 10) % 10]
                                         for i in range(BODY_LONGEST))))
    return texts


CRAFTED = _crafted()



ENTRY_POINTS = {
    "personal_information": personal_information,
    "link_spans": link_spans,
    "is_repetitive": is_repetitive,
    "clean": features.clean,
    "shingles": campaign.shingles,
    "signature": campaign.signature,
    "wordlist_hits": lambda text: wordlist_hits(text, ["abc", "def ghi", "中文"]),
    "lexicons": lambda text: (
        model_load("ko_toxicity").lexicon.value([], text),
        model_load("en_toxicity").lexicon.value(features.analyse(text)[1], text)),
}


@pytest.mark.parametrize("entry", ENTRY_POINTS)
@pytest.mark.parametrize(("name", "text"), CRAFTED, ids=[name for name, _ in CRAFTED])
def test_each_pattern_is_linear_on_crafted_worst_cases(entry, name, text):
    # Linear, each takes a few to some tens of milliseconds here.
    assert best_of_3(lambda: ENTRY_POINTS[entry](text)) < 0.5


@pytest.mark.parametrize("desk", ["en", "ko"])
@pytest.mark.parametrize(("name", "text"), CRAFTED, ids=[name for name, _ in CRAFTED])
def test_every_signal_of_a_crafted_comment_in_bounded_time(name, text, desk):
    assert best_of_3(lambda: text_signals(body=text, author=text[:100], desk_language=desk,
                                           terms=["abc"])) < 1.0


def test_the_linear_patterns_still_find_what_they_look_for():
    assert personal_information("write to " + "x" * 100 + ".reader@mail.example.org") == ["email"]
    assert personal_information("a@b@reader@mail.example.org") == ["email"]
    assert features.clean("<b>Hi</b> <<i>there</i>") == " hi  < there "
    assert is_repetitive("one two one three one four one five")
    assert not is_repetitive("one two three four five six seven eight")
