"""The features the models score: the fast paths give the buckets the
definition gives, and Korean words share the n-grams of their letters."""

from __future__ import annotations

import unicodedata
import zlib

import pytest

from tribune.triage.features import Hasher, analyse, counts, grams_of, jamo_hashes

WORDS = ["bus", "hospital", "x", "naïve", "東京", "버스가", "씨발", "ㅅㅂ", "ཀྲུང", "ئۇيغۇر",
         "မြန်မာ", "ភ្នំពេញ", "ລາວ", "abc가나", "0", "🙂"]


def defined_buckets(hasher: Hasher, word: str, char_min: int, char_max: int,
                    jamo: tuple[int, int] | None) -> tuple[int, ...]:
    """A word's buckets as the model format defines them: its unigram, each
    character n-gram of the padded word, then each n-gram of the letters
    (NFD) of a word with Hangul in it, marked by a leading byte 1."""
    padded = f" {word} "
    keys = ["w " + word] + [padded[start:start + n] for n in range(char_min, char_max + 1)
                            for start in range(len(padded) - n + 1)]
    found = [hasher(key) for key in keys]
    letters = unicodedata.normalize("NFD", padded)
    if jamo and any(unicodedata.name(c, "").startswith("HANGUL") for c in padded):
        found += [zlib.crc32(b"\x01" + letters[start:start + n].encode("utf-8")) & hasher.mask
                  for n in range(jamo[0], jamo[1] + 1) for start in range(len(letters) - n + 1)]
    return tuple(found)


@pytest.mark.parametrize(("char_min", "char_max", "jamo"), [(2, 5, None), (1, 3, (2, 5))])
def test_a_new_word_gets_the_buckets_of_the_definition(char_min, char_max, jamo):
    fast, slow = Hasher(18), Hasher(18)
    for word in WORDS:
        expected = defined_buckets(slow, word, char_min, char_max, jamo)
        assert fast.word_buckets(word, char_min, char_max, jamo) == expected, word
        # And remembered: the second sight is the same.
        assert fast.word_buckets(word, char_min, char_max, jamo) == expected, word


def test_grams_are_sliced_on_character_boundaries():
    assert grams_of(" 버스 ", 2, 2) == [" 버".encode(), "버스".encode(), "스 ".encode()]
    assert grams_of("ab", 1, 2) == [b"a", b"b", b"ab"]


def test_a_korean_insult_with_one_letter_changed_or_written_as_letters_shares_letters():
    def letters(word):
        return set(jamo_hashes(f" {word} ", 2, 5))

    insult, changed, bare = letters("씨발"), letters("시발"), letters(analyse("ㅅㅂ")[1][0])
    assert insult and changed and bare
    assert len(insult & changed) >= 4
    # "ㅅㅂ" (compatibility letters) is folded to the letters "시발" starts with.
    assert changed & bare
    assert not letters("bus") and not letters("東京")  # no syllables, no letter n-grams


def test_only_the_korean_model_counts_letters():
    hasher = Hasher(18)
    plain = counts("버스가 늦게 와요", hasher=hasher, char_min=1, char_max=3, word_bigrams=False)
    with_letters = counts("버스가 늦게 와요", hasher=hasher, char_min=1, char_max=3,
                          word_bigrams=False, jamo=(2, 5))
    assert set(plain) < set(with_letters)
    english = counts("When does the bus come?", hasher=hasher, char_min=1, char_max=3,
                     word_bigrams=False)
    assert english == counts("When does the bus come?", hasher=hasher, char_min=1, char_max=3,
                             word_bigrams=False, jamo=(2, 5))
