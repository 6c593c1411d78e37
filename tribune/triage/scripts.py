"""Unicode scripts: which writing system a text is in, and look-alike letters.

Ranges cover the scripts of Tribune's desks and their neighbours; anything else
counts as "other". Punctuation, digits, spaces and emoji are "common" and do not
count for any script.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from collections import Counter

_RANGES = sorted([
    (0x0041, 0x005A, "Latin"), (0x0061, 0x007A, "Latin"), (0x00C0, 0x024F, "Latin"),
    (0x1E00, 0x1EFF, "Latin"), (0xFF21, 0xFF3A, "Latin"), (0xFF41, 0xFF5A, "Latin"),
    (0x0370, 0x03FF, "Greek"), (0x1F00, 0x1FFF, "Greek"),
    (0x0400, 0x052F, "Cyrillic"),
    (0x0530, 0x058F, "Armenian"), (0x0590, 0x05FF, "Hebrew"),
    (0x0600, 0x06FF, "Arabic"), (0x0750, 0x077F, "Arabic"), (0xFB50, 0xFDFF, "Arabic"),
    (0xFE70, 0xFEFF, "Arabic"),
    (0x0900, 0x097F, "Devanagari"), (0x0E00, 0x0E7F, "Thai"), (0x0E80, 0x0EFF, "Lao"),
    (0x1780, 0x17FF, "Khmer"), (0x19E0, 0x19FF, "Khmer"),
    (0x0F00, 0x0FFF, "Tibetan"),
    (0x1000, 0x109F, "Myanmar"), (0xA9E0, 0xA9FF, "Myanmar"), (0xAA60, 0xAA7F, "Myanmar"),
    (0x10A0, 0x10FF, "Georgian"),
    (0x1100, 0x11FF, "Hangul"), (0x3130, 0x318F, "Hangul"), (0xAC00, 0xD7AF, "Hangul"),
    (0xA960, 0xA97F, "Hangul"), (0xD7B0, 0xD7FF, "Hangul"),
    (0x3040, 0x309F, "Hiragana"), (0x30A0, 0x30FF, "Katakana"),
    (0x2E80, 0x2FDF, "Han"), (0x3400, 0x4DBF, "Han"), (0x4E00, 0x9FFF, "Han"),
    (0xF900, 0xFAFF, "Han"), (0x20000, 0x3134F, "Han"),
    (0x1800, 0x18AF, "Mongolian"),
])
_STARTS = [r[0] for r in _RANGES]

# The scripts each desk language is written in (a desk may mix these freely).
LANGUAGE_SCRIPTS = {
    "en": {"Latin"}, "fr": {"Latin"}, "es": {"Latin"}, "de": {"Latin"}, "id": {"Latin"},
    "vi": {"Latin"}, "ko": {"Hangul", "Han"}, "zh": {"Han"}, "ja": {"Han", "Hiragana",
    "Katakana"}, "bo": {"Tibetan"}, "ug": {"Arabic"}, "ar": {"Arabic"}, "fa": {"Arabic"},
    "ur": {"Arabic"}, "my": {"Myanmar"}, "ru": {"Cyrillic"}, "uk": {"Cyrillic"},
    "km": {"Khmer"}, "lo": {"Lao"}, "th": {"Thai"}, "he": {"Hebrew"},
    "mn": {"Cyrillic", "Mongolian"},
}
# A best guess of the language from the script alone, for the card.
SCRIPT_LANGUAGE = {"Hangul": "ko", "Han": "zh", "Tibetan": "bo", "Myanmar": "my",
                   "Hiragana": "ja", "Katakana": "ja", "Thai": "th", "Hebrew": "he",
                   "Khmer": "km", "Lao": "lo"}
# Scripts that are normally written together, so mixing them is no signal.
_COMPATIBLE = [{"Han", "Hangul"}, {"Han", "Hiragana", "Katakana"}]

# Letters of other scripts that look like Latin ones (a small, hand-written
# subset of Unicode's confusables, the ones used to fake names in practice).
CONFUSABLE = set(
    "АВЕЅІЈКМНОРСТХУаеорсхуіјѕԁһӏԛԝ"  # Cyrillic
    "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧαοντ"  # Greek
)


def script_of(char: str) -> str:
    code = ord(char)
    index = bisect_right(_STARTS, code) - 1
    if index >= 0:
        start, end, name = _RANGES[index]
        if start <= code <= end:
            return name
    if char.isalpha():
        return "other"
    return "common"


def scripts_in(text: str) -> Counter:
    """How many letters of each script ``text`` has (common characters left out)."""
    counts: Counter = Counter()
    # Each distinct character is classified once (a comment of 2,000
    # characters has a few dozen distinct ones); the scripts keep the order of
    # their first letter in the text, as a character-by-character count did.
    for char, number in Counter(text).items():
        if char.isalpha():
            counts[script_of(char)] += number
    return counts


def dominant_script(text: str) -> tuple[str, float]:
    """The script most letters are in, and its share of the letters ("", 0 if none)."""
    counts = scripts_in(text)
    total = sum(counts.values())
    if not total:
        return "", 0.0
    script, count = counts.most_common(1)[0]
    return script, count / total


def language_expected(desk_language: str) -> set[str] | None:
    """Scripts of the desk's language, or None when we do not know it."""
    lang = (desk_language or "").lower()
    return LANGUAGE_SCRIPTS.get(lang) or LANGUAGE_SCRIPTS.get(lang.split("-")[0])


def is_mixed(scripts: set[str]) -> bool:
    """True when ``scripts`` holds two or more scripts not normally written together."""
    if len(scripts) < 2:
        return False
    return not any(scripts <= group for group in _COMPATIBLE)


def name_signals(name: str) -> list[str]:
    """``mixed_script_name`` and/or ``confusable_name`` for a display name that
    mixes scripts within a word or uses look-alike letters or full-width forms."""
    found = []
    words = name.split()
    if any(is_mixed(set(scripts_in(word))) for word in words):
        found.append("mixed_script_name")
    latin = scripts_in(name).get("Latin", 0)
    has_lookalike = any(char in CONFUSABLE for char in name)
    fullwidth = any(0xFF01 <= ord(c) <= 0xFF5E for c in name)
    if (has_lookalike and latin) or fullwidth or (
        unicodedata.normalize("NFKC", name) != name and any(c.isalpha() for c in name)
    ):
        found.append("confusable_name")
    return found
