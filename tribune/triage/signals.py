"""The signals read from a comment's text alone (no database): fast and pure.

:func:`text_signals` is what the service stores for each comment; the
velocity and campaign signals, which need other comments, are added by
:mod:`tribune.triage.services`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .classifier import SPAM_MODEL, TOXICITY_MODELS, model_load
from .personal import personal_information
from .scripts import SCRIPT_LANGUAGE, dominant_script, language_expected, name_signals

LINK_RE = re.compile(
    r"(?:(?:https?|ftp)://[^\s<>\"']+|www\.[^\s<>\"']+|"
    r"\b[a-z0-9][a-z0-9-]{0,62}(?:\.[a-z0-9-]{1,63})*\.(?:com|net|org|info|biz|io|ly|me|co|"
    r"tk|xyz|top|site|online|club|shop|click|link|live|app|ru|cn|kr|tv|gl|gg|to|cc)\b"
    r"(?:/[^\s<>\"']*)?)",
    re.IGNORECASE,
)
_REPEATED_CHAR_RE = re.compile(r"(\S)\1{5,}")
_WORD_RE = re.compile(r"\w+")

SHOUT_MIN_LETTERS = 12
SHOUT_SHARE = 0.7
MISMATCH_MIN_LETTERS = 8


@dataclass
class TextSignals:
    """What the text of one comment says about it."""

    script: str = ""
    language: str = ""
    language_mismatch: bool = False
    toxicity: float | None = None
    spam: float = 0.0
    wordlist_hits: list[str] = field(default_factory=list)
    links: int = 0
    domains: list[str] = field(default_factory=list)
    shouting: bool = False
    repetition: bool = False
    personal: list[str] = field(default_factory=list)
    name: list[str] = field(default_factory=list)


def links_in(text: str) -> tuple[int, list[str]]:
    """How many links ``text`` holds and their host names (first five, in order)."""
    domains: list[str] = []
    count = 0
    for match in LINK_RE.finditer(text):
        count += 1
        raw = match.group(0)
        host = urlsplit(raw if "://" in raw else f"http://{raw}").hostname or ""
        host = host.removeprefix("www.")
        if host and host not in domains:
            domains.append(host)
    return count, domains[:5]


def is_shouting(text: str) -> bool:
    cased = [c for c in text if c.isupper() or c.islower()]
    if len(cased) < SHOUT_MIN_LETTERS:
        return False
    return sum(c.isupper() for c in cased) / len(cased) >= SHOUT_SHARE


def is_repetitive(text: str) -> bool:
    """A character six times in a row, a word four times running, or one word
    making up half of a comment of eight words or more."""
    if _REPEATED_CHAR_RE.search(text):
        return True
    words = [w.casefold() for w in _WORD_RE.findall(text)]
    run = 1
    for index in range(1, len(words)):
        run = run + 1 if words[index] == words[index - 1] else 1
        if run >= 4:
            return True
    if len(words) >= 8:
        top = max(words.count(w) for w in set(words))
        return top * 2 >= len(words)
    return False


def wordlist_hits(text: str, terms: list[str]) -> list[str]:
    """The desk's listed terms that occur in ``text`` (case- and width-folded).
    A term of a script written with spaces must match whole words; in scripts
    written without spaces (Chinese, Tibetan, Burmese…) it may occur anywhere."""
    if not terms:
        return []
    folded = unicodedata.normalize("NFKC", text).casefold()
    words = set(_WORD_RE.findall(folded))
    hits = []
    for term in terms:
        term_folded = unicodedata.normalize("NFKC", term).casefold().strip()
        if not term_folded:
            continue
        spaced = dominant_script(term_folded)[0] in ("Latin", "Cyrillic", "Greek", "Arabic",
                                                     "Hangul", "Armenian", "Georgian")
        if " " in term_folded or not spaced:
            found = term_folded in folded
        else:
            found = term_folded in words
        if found:
            hits.append(term)
    return hits


def text_signals(
    *, body: str, author: str, desk_language: str, terms: list[str] | tuple = ()
) -> TextSignals:
    """Every text-only signal of a comment for a desk of ``desk_language``."""
    signals = TextSignals()
    script, _share = dominant_script(body)
    signals.script = script
    expected = language_expected(desk_language)
    letters = sum(1 for c in body if c.isalpha())
    if script:
        if expected and script in expected:
            signals.language = desk_language.split("-")[0].lower()
        else:
            signals.language = SCRIPT_LANGUAGE.get(script, "")
        signals.language_mismatch = bool(
            expected and letters >= MISMATCH_MIN_LETTERS and script not in expected
        )
    model_name = TOXICITY_MODELS.get(signals.language or "")
    if model_name is None and not signals.language_mismatch:
        model_name = TOXICITY_MODELS.get((desk_language or "").split("-")[0].lower())
    if model_name:
        signals.toxicity = model_load(model_name).score(body)
    if script in ("Latin", ""):
        signals.spam = model_load(SPAM_MODEL).score(body)
    signals.wordlist_hits = wordlist_hits(body, list(terms))
    signals.links, signals.domains = links_in(body)
    signals.shouting = is_shouting(LINK_RE.sub(" ", body))
    signals.repetition = is_repetitive(body)
    signals.personal = sorted(set(personal_information(body)) | set(personal_information(author)))
    signals.name = name_signals(author)
    return signals
