"""Near-duplicate detection: MinHash signatures and LSH band keys.

A comment becomes a set of shingles that survive the usual disguises of a
campaign: case, punctuation and emoji are dropped, compatibility forms folded,
and shingles are character 4-grams *inside* words plus the words themselves, so
reordering the words changes nothing and a paraphrase changes only the words it
touches. The signature is one-permutation MinHash (one 64-bit hash per shingle,
split into :data:`BINS` bins, empty bins filled by rotation), so it costs one
hash per shingle instead of one per shingle and permutation. :data:`BANDS`
bands of :data:`ROWS` rows give the LSH keys stored in the database, so that
candidates are found by an indexed lookup from any process.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

BINS = 64
BANDS = 16
ROWS = BINS // BANDS
# Estimated Jaccard similarity from which two comments are near-identical.
SIMILARITY = 0.5
# Fewer shingles than this: too short to tell a campaign from common phrases.
MIN_SHINGLES = 12
_EMPTY = (1 << 58) - 1
_WORD_RE = re.compile(r"\w+")
_URL_RE = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)


def shingles(text: str) -> set[str]:
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = _URL_RE.sub(lambda m: " " + m.group(0).split("//")[-1].split("/")[0] + " ", folded)
    out: set[str] = set()
    for word in _WORD_RE.findall(folded):
        out.add("#" + word)
        if len(word) > 4:
            out.update(word[i : i + 4] for i in range(len(word) - 3))
    return out


def signature(text: str) -> list[int] | None:
    """The comment's MinHash signature, or None when it is too short to compare."""
    items = shingles(text)
    if len(items) < MIN_SHINGLES:
        return None
    bins = [_EMPTY] * BINS
    for item in items:
        value = int.from_bytes(hashlib.blake2b(item.encode(), digest_size=8).digest(), "little")
        index, rest = value % BINS, value >> 6
        if rest < bins[index]:
            bins[index] = rest
    # Densify: an empty bin borrows the next filled bin's value (rotation), so
    # that two similar sets still agree bin by bin.
    filled = [i for i in range(BINS) if bins[i] != _EMPTY]
    for i in range(BINS):
        if bins[i] == _EMPTY:
            j = next((k for k in filled if k > i), filled[0])
            bins[i] = bins[j] + (j - i) % BINS * 7919
    return bins


def band_keys(sig: list[int]) -> list[str]:
    keys = []
    for band in range(BANDS):
        chunk = ",".join(map(str, sig[band * ROWS : (band + 1) * ROWS]))
        keys.append(f"{band:02d}" + hashlib.blake2b(chunk.encode(), digest_size=8).hexdigest())
    return keys


def similarity(a: list[int], b: list[int]) -> float:
    """Estimated Jaccard similarity of two signatures' shingle sets."""
    return sum(x == y for x, y in zip(a, b, strict=True)) / BINS


def encode(sig: list[int]) -> str:
    return ",".join(f"{value:x}" for value in sig)


def decode(text: str) -> list[int]:
    return [int(value, 16) for value in text.split(",")] if text else []
