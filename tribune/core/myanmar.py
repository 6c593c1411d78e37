"""Burmese typed in the Zawgyi encoding, stored as Unicode.

Many Burmese readers still type with a Zawgyi font and keyboard: their text uses
Myanmar code points in Zawgyi's own, non-standard way, so a Unicode font (what
every other reader, and moderators, see) shows it garbled, and search and
duplicate detection miss it. Tribune therefore converts such text to Unicode
before it is stored, by one rule (docs/scripts.md):

* only text containing Myanmar letters (U+1000–U+109F) is examined;
* Google's ``myanmartools`` detector gives the probability that it is Zawgyi;
  above :data:`ZAWGYI_THRESHOLD` (0.95, the detector's own recommendation for
  acting on a guess) the text is converted, otherwise it is left as typed;
* the conversion is ``python-myanmar``'s rule-based Zawgyi→Unicode converter
  (MIT, offline, no data downloaded), then NFC like all text.

Each paragraph (line) is judged on its own, so a comment quoting Unicode text
and adding a line in Zawgyi has only the Zawgyi line converted.
"""

from __future__ import annotations

import re
from functools import cache

ZAWGYI_THRESHOLD = 0.95
_MYANMAR = re.compile("[\u1000-\u109f]")


@cache
def _detector():
    from myanmartools import ZawgyiDetector  # its model loads once, on first Burmese text

    return ZawgyiDetector()


def zawgyi_probability(text: str) -> float:
    """The detector's probability that ``text`` is Zawgyi (0.0 without Myanmar letters)."""
    if not _MYANMAR.search(text):
        return 0.0
    return float(_detector().get_zawgyi_probability(text))


def zawgyi_to_unicode(text: str) -> str:
    """``text`` with each line that is Zawgyi-encoded Burmese converted to Unicode;
    every other line, and all text without Myanmar letters, returned as it was."""
    if not _MYANMAR.search(text):
        return text
    from myanmar import converter

    lines = text.split("\n")
    for index, line in enumerate(lines):
        if zawgyi_probability(line) > ZAWGYI_THRESHOLD:
            lines[index] = converter.convert(line, "zawgyi", "unicode")
    return "\n".join(lines)
