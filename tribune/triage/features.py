"""Text cleaning and hashed n-gram features, the same at training and at run time.

The shipped models are linear over these features, so a model is only as good as
the promise that :func:`features` gives the same numbers in production as it did
when the model was trained. Both sides import this module; nothing else turns
text into features.
"""

from __future__ import annotations

import html
import math
import re
import unicodedata
import zlib
from collections import Counter
from collections.abc import Sequence
from itertools import accumulate, chain, repeat
from operator import itemgetter

# Only the first characters are scored: a long comment's tone shows early, and
# it keeps the time per comment bounded (see docs/triage.md).
SCORED_CHARS = 1000

_INVISIBLE = dict.fromkeys(
    map(ord, "\ufeff\u200b\u200c\u200d\u2060\u00ad\u200e\u200f"), None
)
_URL_RE = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_MENTION_RE = re.compile(r"@\w+")
_DIGITS_RE = re.compile(r"\d")
_WORD_RE = re.compile(r"\w+")
# A tag holds no "<": each "<" starts one attempt that ends at the next "<", so
# "<<<<…" costs a step each, not 200.
_TAG_RE = re.compile(r"<[^<>]{0,200}+>")


def clean(text: str) -> str:
    """Cleaned text as the models see it: HTML entities resolved, invisible
    characters dropped, compatibility forms folded (NFKC), case folded, links
    and @-names reduced to placeholders, digits to 0."""
    text = html.unescape(text[: SCORED_CHARS * 2]).translate(_INVISIBLE)
    text = _TAG_RE.sub(" ", text)
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _URL_RE.sub(" xurlx ", text)
    text = _MENTION_RE.sub(" xuserx ", text)
    text = _DIGITS_RE.sub("0", text)
    return text[:SCORED_CHARS]


class Hasher:
    """Maps feature strings to buckets with CRC-32 (stable across processes and
    machines, unlike ``hash()``), remembering up to ``cache_size`` answers.

    The cache is never cleared: once full it stops growing, so no comment ever
    pays for freeing a few hundred thousand strings at once (that was a spike of
    tens of milliseconds at p99)."""

    def __init__(self, bits: int, cache_size: int = 200_000, word_cache_size: int = 50_000):
        self.mask = (1 << bits) - 1
        self.cache: dict[str, int] = {}
        self.cache_size = cache_size
        # A word's buckets (unigram and character n-grams), for words that
        # recur: one look-up instead of one per n-gram (a 1,000-character
        # comment was 8 ms at p99 on a loaded machine). Bounded like ``cache``.
        # One table per n-gram range, so that a text's words are looked up
        # by ``map`` over the table's ``get`` (see ``counts_of``).
        self.tables: dict[tuple, dict[str, tuple[int, ...]]] = {}
        self.words = 0
        self.word_cache_size = word_cache_size

    def __call__(self, key: str) -> int:
        bucket = self.cache.get(key)
        if bucket is None:
            bucket = zlib.crc32(key.encode("utf-8")) & self.mask
            if len(self.cache) < self.cache_size:
                self.cache[key] = bucket
        return bucket


    def word_buckets(self, word: str, char_min: int, char_max: int,
                     jamo: tuple[int, int] | None = None) -> tuple[int, ...]:
        """The buckets of ``word``: its unigram, then its character n-grams
        (``char_min``..``char_max``) inside the padded word, in order, then,
        with ``jamo`` and a word written in Hangul (syllables or bare
        letters), the n-grams of its letters (see :func:`jamo_hashes`)."""
        table = self.word_table(char_min, char_max, jamo)
        found = table.get(word)
        if found is None:
            # A word new to the table: its n-grams are sliced from the word's
            # bytes, encoded once, and hashed by ``map`` over ``zlib.crc32``
            # (in C) instead of one ``__call__`` each: the same buckets as
            # ``self(gram)``, in half the time (docs/triage.md, *Speed*).
            padded = f" {word} "
            mask = self.mask
            hashes = list(map(zlib.crc32, grams_of(padded, char_min, char_max)))
            if jamo and not padded.isascii():
                hashes.extend(jamo_hashes(padded, *jamo))
            found = (self("w " + word), *[bucket & mask for bucket in hashes])
            if self.words < self.word_cache_size:
                table[word] = found
                self.words += 1
        return found

    def word_table(self, char_min: int, char_max: int,
                   jamo: tuple[int, int] | None = None) -> dict[str, tuple[int, ...]]:
        """The remembered buckets of words, for these n-gram ranges."""
        key = (char_min, char_max, jamo)
        table = self.tables.get(key)
        if table is None:
            table = self.tables[key] = {}
        return table

    def buckets(self, keys: list[str]) -> list[int]:
        """The bucket of each of ``keys`` (remembered ones by ``map``)."""
        found = list(map(self.cache.get, keys))
        if None in found:
            for index, bucket in enumerate(found):
                if bucket is None:
                    found[index] = self(keys[index])
        return found


def grams_of(text: str, n_min: int, n_max: int) -> list[bytes]:
    """The UTF-8 of each character n-gram (``n_min``..``n_max``) of ``text``,
    shortest first, sliced from the text's bytes."""
    raw = text.encode("utf-8")
    length = len(text)
    if len(raw) == length:
        return [raw[start : start + n]
                for n in range(n_min, n_max + 1) for start in range(0, length - n + 1)]
    offsets = [0, *accumulate(map(len, map(str.encode, text)))]
    return [raw[offsets[start] : offsets[start + n]]
            for n in range(n_min, n_max + 1) for start in range(0, length - n + 1)]


# A letter n-gram is hashed as b"\x01" + its UTF-8, apart from the character
# n-grams: CRC-32 continued from the mark's (``zlib.crc32(gram, _JAMO_MARK)``
# is ``zlib.crc32(b"\x01" + gram)``).
_JAMO_MARK = zlib.crc32(b"\x01")
# Hangul syllables, and the letters (conjoining, and compatibility letters,
# which NFKC folds to conjoining ones).
_HANGUL_RE = re.compile("[\uac00-\ud7a3\u1100-\u11ff\u3131-\u318e\ua960-\ua97f\ud7b0-\ud7ff]")


def jamo_hashes(padded: str, jamo_min: int, jamo_max: int) -> list[int]:
    """The CRC-32 of the n-grams (``jamo_min``..``jamo_max``) of the letters
    (jamo) of a padded word written in Hangul, in syllables or in bare letters,
    marked apart from the character n-grams; none for a word without Hangul.

    A Korean syllable packs two or three letters; insults are disguised by
    changing one of them ("씨발", "시발", "씌발") or by writing the letters
    alone ("ㅅㅂ", which ``clean``'s NFKC folds to the letters the syllables'
    NFD gives), and one source's spelling then still shares most of its letter
    n-grams with another's."""
    if _HANGUL_RE.search(padded) is None:
        return []
    letters = unicodedata.normalize("NFD", padded)
    return list(map(zlib.crc32, grams_of(letters, jamo_min, jamo_max), repeat(_JAMO_MARK)))


def tokens(cleaned: str) -> list[str]:
    return _WORD_RE.findall(cleaned)


def counts(
    text: str, *, hasher: Hasher, char_min: int, char_max: int, word_bigrams: bool = True,
    jamo: tuple[int, int] | None = None,
) -> dict[int, int]:
    """Raw counts per bucket of ``text``: word unigrams (and bigrams), character
    n-grams inside padded words (``char_min``..``char_max``) and non-word marks.
    Models with the same settings share these (see ``text_signals.text_signals``).

    The buckets are gathered in one list and counted by :class:`Counter` (in C),
    and marks are counted per distinct character: a long comment's thousands of
    n-grams no longer pay one Python-level dictionary update each."""
    cleaned, words = analyse(text)
    return counts_of(cleaned, words, hasher=hasher, char_min=char_min, char_max=char_max,
                     word_bigrams=word_bigrams, jamo=jamo)


def analyse(text: str) -> tuple[str, list[str]]:
    """``(cleaned text, its words)``: what :func:`counts_of` and the lexicons
    (``lexicon.py``) read; the same for every model."""
    cleaned = clean(text)
    return cleaned, tokens(cleaned)


def _getter(keys: list[int]):
    """A function of a sequence returning its items at ``keys``, as a tuple:
    :func:`operator.itemgetter`, which fetches them all in one C call (twice as
    fast as ``map`` over ``__getitem__``), also for zero or one key."""
    if len(keys) > 1:
        return itemgetter(*keys)
    if keys:
        key = keys[0]
        return lambda sequence: (sequence[key],)
    return lambda _sequence: ()


class Counts(Counter):
    """Raw counts per bucket, and (:meth:`split`, made once and shared by the
    models that score these counts) every bucket at once, with apart the few
    seen more than once and what their log-scaled counts add."""

    _split: tuple | None = None

    def split(self) -> tuple:
        """``(items at every bucket, items at the buckets counted more than
        once, what each of those adds to a weight, to a squared weight)``, the
        first two as functions of a sequence (:func:`_getter`).

        A bucket counted n times is scaled by f(n) = 1 + log(n): 1 for most
        buckets of a text, which are seen once. So every bucket is taken at 1
        in one C call, and the few others add log(n) to the weight and
        f(n)² − 1 = log(n)·(2 + log(n)) to its square. (Sorting the buckets
        into "once" and "more" with ``compress`` took a third of a long
        comment's time.)"""
        if self._split is None:
            more = [(key, number) for key, number in self.items() if number > 1]
            logs = [math.log(number) for _key, number in more]
            self._split = (_getter(list(self)), _getter([key for key, _n in more]),
                           logs, [log * (2.0 + log) for log in logs])
        return self._split


def counts_of(
    cleaned: str, words: list[str], *, hasher: Hasher, char_min: int, char_max: int,
    word_bigrams: bool = True, jamo: tuple[int, int] | None = None,
) -> dict[int, int]:
    """:func:`counts` of a text already analysed (:func:`analyse`)."""
    # Each word's buckets: remembered ones by ``map`` over the table (in C),
    # the others made (and remembered) one by one.
    per_word = list(map(hasher.word_table(char_min, char_max, jamo).get, words))
    if None in per_word:
        for index, buckets in enumerate(per_word):
            if buckets is None:
                per_word[index] = hasher.word_buckets(words[index], char_min, char_max, jamo)
    keys = list(chain.from_iterable(per_word))
    if word_bigrams and len(words) > 1:
        keys.extend(hasher.buckets(list(map("b {} {}".format, words, words[1:]))))
    found = Counts(keys)
    # Non-word marks (emoji, "!!!", "?") carry tone in every language.
    for char, number in Counter(cleaned).items():
        if not char.isalnum() and not char.isspace():
            found[hasher("p " + char)] += number
    return found


def weighted(found: dict[int, float], idf: Sequence[float] | None = None) -> dict[int, float]:
    """Log-scaled ``found`` counts times ``idf`` (when given), L2-normalised."""
    if not found:
        return {}
    log = math.log
    if idf is None:
        scaled = {key: 1.0 + log(value) for key, value in found.items()}
    else:
        scaled = {key: (1.0 + log(value)) * idf[key] for key, value in found.items()}
    norm = math.sqrt(sum(v * v for v in scaled.values())) or 1.0
    return {key: value / norm for key, value in scaled.items()}


def features(
    text: str, *, hasher: Hasher, char_min: int, char_max: int, word_bigrams: bool = True,
    jamo: tuple[int, int] | None = None, idf: Sequence[float] | None = None,
) -> dict[int, float]:
    """Sparse feature vector of ``text``: :func:`counts`, log-scaled, times
    ``idf`` (when given), L2-normalised. Keys are bucket numbers."""
    return weighted(
        counts(text, hasher=hasher, char_min=char_min, char_max=char_max,
               word_bigrams=word_bigrams, jamo=jamo),
        idf,
    )
