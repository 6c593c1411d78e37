"""The signals read from a comment's text alone (no database): fast and pure.

:func:`text_signals` is what the service stores for each comment; the
velocity and campaign signals, which need other comments, are added by
:mod:`tribune.triage.scoring`.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .classifier import SPAM_MODEL, TOXICITY_MODELS, model_load
from .features import analyse
from .personal import personal_information
from .scripts import SCRIPT_LANGUAGE, dominant_script, language_expected, name_signals

# Links: a scheme or "www." and what follows, or a bare host name ending in one
# of TLDS. Possessive quantifiers and no nested optional groups, so the pattern
# never backtracks: linear in the text's length (the old pattern took ~7 ms on a
# long spam comment).
TLDS = frozenset(
    "com net org info biz io ly me co tk xyz top site online club shop click link live app "
    "ru cn kr tv gl gg to cc".split()
)
LINK_RE = re.compile(
    r"(?:https?|ftp)://[^\s<>\"']++|www\.[^\s<>\"']++"
    r"|(?<![\w.-])[a-z0-9][a-z0-9-]*+(?:\.[a-z0-9-]++)++(?:/[^\s<>\"']*+)?",
    re.IGNORECASE,
)
_REPEATED_CHAR_RE = re.compile(r"(\S)\1{5,}")
# A run of 2 to 12 characters four times in a row ("打倒打倒打倒打倒"): the only
# way repetition shows in scripts written without spaces between words. Each
# start tries at most 11 lengths: linear, but about 2 µs a character on a
# hostile text, so only the first RUN_CHARS are searched (0.4 ms at worst).
_REPEATED_RUN_RE = re.compile(r"(\S{2,12}?)\1{3,}")
RUN_CHARS = 1000
# Scripts without capitals shout with exclamation marks ("！！！", "!!!").
_EMPHASIS_RE = re.compile(r"[!！¡]{3,}")
EMPHASIS_MIN_LETTERS = 5
_WORD_RE = re.compile(r"\w+")

SHOUT_MIN_LETTERS = 12
SHOUT_SHARE = 0.7
MISMATCH_MIN_LETTERS = 8
HEAD_CHARS = 2000


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


def _bare_host(raw: str) -> str | None:
    """The host name of a bare link candidate (``shop.example.net/b``), cut after
    its last known top-level domain, or None when it has none (``e.g``, ``3.14``)."""
    labels = raw.split("/", 1)[0].split(".")
    for index in range(len(labels) - 1, 0, -1):
        if labels[index].lower() in TLDS:
            kept = labels[: index + 1]
            if all(0 < len(label) <= 63 for label in kept):
                return ".".join(kept)
            return None
    return None


def link_spans(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, host)`` of every link in ``text``."""
    spans = []
    for match in LINK_RE.finditer(text):
        raw = match.group(0)
        if "://" in raw or raw[:4].lower() == "www.":
            host = urlsplit(raw if "://" in raw else f"http://{raw}").hostname or ""
        else:
            host = _bare_host(raw)
            if host is None:
                continue
        spans.append((match.start(), match.end(), host.lower().removeprefix("www.")))
    return spans


def links_in(text: str, spans: list[tuple[int, int, str]] | None = None) -> tuple[int, list[str]]:
    """How many links ``text`` holds and their host names (first five, in order)."""
    if spans is None:
        spans = link_spans(text)
    domains: list[str] = []
    for _start, _end, host in spans:
        if host and host not in domains:
            domains.append(host)
    return len(spans), domains[:5]


def without_links(text: str, spans: list[tuple[int, int, str]]) -> str:
    if not spans:
        return text
    parts, last = [], 0
    for start, end, _host in spans:
        parts.append(text[last:start])
        last = end
    parts.append(text[last:])
    return " ".join(parts)


def is_shouting(text: str) -> bool:
    """Mostly capitals; or, in a text of scripts without capitals (Han,
    Hangul, Tibetan, Arabic, Myanmar, Khmer, Lao…), a run of three exclamation
    marks."""
    # Counted per distinct character (a Counter is built in C).
    chars = Counter(text).items()
    cased = sum(n for c, n in chars if c.isupper() or c.islower())
    if cased < SHOUT_MIN_LETTERS:
        letters = sum(n for c, n in chars if c.isalpha())
        return (not cased and letters >= EMPHASIS_MIN_LETTERS
                and _EMPHASIS_RE.search(text) is not None)
    return sum(n for c, n in chars if c.isupper()) / cased >= SHOUT_SHARE


def is_repetitive(text: str) -> bool:
    """A character six times in a row, a run of characters or a word four times
    running, or one word making up half of a comment of eight words or more."""
    if _REPEATED_CHAR_RE.search(text) or _REPEATED_RUN_RE.search(text, 0, RUN_CHARS):
        return True
    words = [w.casefold() for w in _WORD_RE.findall(text)]
    run = 1
    for index in range(1, len(words)):
        run = run + 1 if words[index] == words[index - 1] else 1
        if run >= 4:
            return True
    if len(words) >= 8:
        # Counted once (counting each distinct word again was quadratic: 0.9 s
        # for a 20,000-character comment of distinct words).
        top = max(Counter(words).values())
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
    # Script, language and tone show in the first characters; links and
    # personal information are looked for in the whole text.
    head = body[:HEAD_CHARS]
    script, _share = dominant_script(head)
    signals.script = script
    expected = language_expected(desk_language)
    letters = sum(n for c, n in Counter(head).items() if c.isalpha())
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
    # The text is turned into counts once per feature setting: the English and
    # spam models share theirs.
    # Cleaned and split once (when a model scores at all).
    analysed: list = []
    shared: dict[tuple, dict[int, int]] = {}

    def score(name: str) -> float:
        model = model_load(name)
        if not analysed:
            analysed.extend(analyse(body))
        found = shared.get(model.feature_key)
        if found is None:
            found = shared[model.feature_key] = model.counts_of(*analysed)
        return model.score_counts(found, analysed[1], body)

    if model_name:
        signals.toxicity = score(model_name)
    if script in ("Latin", ""):
        signals.spam = score(SPAM_MODEL)
    signals.wordlist_hits = wordlist_hits(body, list(terms))
    spans = link_spans(body)
    signals.links, signals.domains = links_in(body, spans)
    signals.shouting = is_shouting(without_links(body, spans)[:HEAD_CHARS])
    signals.repetition = is_repetitive(body)
    signals.personal = sorted(set(personal_information(body)) | set(personal_information(author)))
    signals.name = name_signals(author)
    return signals
