"""The shipped linear models: loaded without pickle, scored in pure Python.

A model is three files under ``models_data/``: ``NAME.json`` (what it is, how its
features are made, its intercept and the thresholds in use), ``NAME.f32`` (the
weights, little-endian float32, one per hash bucket) and ``NAME.idf.f32`` (the
inverse document frequency of each bucket in the training rows). Loading reads bytes
into an :class:`array.array`; no code in the files is ever run.
"""

from __future__ import annotations

import json
import math
import sys
from array import array
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from operator import mul

from .features import Counts, Hasher, analyse, counts_of
from .lexicon import Substrings, WordPrior, lexicon_from_json

MODELS_PACKAGE = "tribune.triage.models_data"
# Which model scores which desk language for insult and hate; spam is scored
# for every desk.
TOXICITY_MODELS = {"en": "en_toxicity", "ko": "ko_toxicity"}
SPAM_MODEL = "spam"


@dataclass
class LinearModel:
    name: str
    description: str
    bits: int
    char_min: int
    char_max: int
    word_bigrams: bool
    intercept: float
    weights: array
    idf: array | None = None
    # Probability thresholds: "flag" shows a label on the card, "high" weighs more.
    thresholds: dict[str, float] = field(default_factory=dict)
    meta: dict = field(default_factory=dict)
    # Knowledge from outside the training sets (``lexicon.py``): one more
    # feature, with its weight.
    lexicon: WordPrior | Substrings | None = None
    lexicon_weight: float = 0.0
    # The n-gram range of the letters of Hangul words (``features.jamo_hashes``),
    # or None.
    jamo: tuple[int, int] | None = None

    def __post_init__(self) -> None:
        self.hasher = Hasher(self.bits)
        idf = self.idf if self.idf is not None else array("f", [1.0]) * len(self.weights)
        self.weight_idf = array("f", map(mul, self.weights, idf))
        self.idf_squared = array("f", map(mul, idf, idf))

    @property
    def feature_key(self) -> tuple:
        """Models with the same key see the same raw counts of a text."""
        return (self.bits, self.char_min, self.char_max, self.word_bigrams, self.jamo)

    def counts(self, text: str) -> dict[int, int]:
        return self.counts_of(*analyse(text))

    def counts_of(self, cleaned: str, words: list[str]) -> dict[int, int]:
        return counts_of(cleaned, words, hasher=self.hasher, char_min=self.char_min,
                         char_max=self.char_max, word_bigrams=self.word_bigrams, jamo=self.jamo)

    def lexicon_value(self, words: list[str], text: str) -> float:
        """The lexicon's feature of a text (0 without a lexicon)."""
        return self.lexicon.value(words, text) if self.lexicon is not None else 0.0

    def score_counts(self, found: dict[int, int], words: list[str] = (), text: str = "") -> float:
        """Probability from raw counts made with this model's :attr:`feature_key`
        (and, for the lexicon, the text's words and the text): the weights times
        :func:`features.weighted` of the counts, without building the vector.

        Weight x idf and idf squared are kept per bucket (:meth:`__post_init__`),
        so a bucket seen once — most of them — costs one look-up in each, all
        fetched in one C call (:func:`operator.itemgetter`), and the split of
        the counts (:meth:`features.Counts.split`) is made once for the models
        that share them: a long comment's thousands of buckets cost C-level
        loops."""
        extra = self.lexicon_weight * self.lexicon_value(list(words), text) if self.lexicon else 0.0
        if not found:
            return self.probability(extra)
        every, more, added, added_squared = (
            found if isinstance(found, Counts) else Counts(found)).split()
        weight_idf, idf_squared = self.weight_idf, self.idf_squared
        dot = sum(every(weight_idf)) + sum(map(mul, more(weight_idf), added))
        square = sum(every(idf_squared)) + sum(map(mul, more(idf_squared), added_squared))
        return self.probability((dot / math.sqrt(square) if square else 0.0) + extra)

    def probability(self, decision: float) -> float:
        z = self.intercept + decision
        if z < -30:
            return 0.0
        return 1.0 / (1.0 + math.exp(-z))

    def score(self, text: str) -> float:
        """Probability (0..1) that ``text`` belongs to the model's positive class."""
        cleaned, words = analyse(text)
        return self.score_counts(self.counts_of(cleaned, words), words, text)


def _floats(data: bytes, size: int, what: str) -> array:
    values = array("f")
    values.frombytes(data)
    if sys.byteorder != "little":
        values.byteswap()
    if len(values) != size:
        raise ValueError(f"{what}: {len(values)} values where {size} were expected")
    return values


def model_from_files(meta_text: str, weight_bytes: bytes, idf_bytes: bytes | None,
                     lexicon_text: str | None = None) -> LinearModel:
    meta = json.loads(meta_text)
    size = 1 << int(meta["bits"])
    weights = _floats(weight_bytes, size, f"model {meta['name']} weights")
    idf = _floats(idf_bytes, size, f"model {meta['name']} idf") if idf_bytes else None
    return LinearModel(
        name=meta["name"],
        description=meta.get("description", ""),
        bits=int(meta["bits"]),
        char_min=int(meta["char_min"]),
        char_max=int(meta["char_max"]),
        word_bigrams=bool(meta.get("word_bigrams", True)),
        intercept=float(meta["intercept"]),
        weights=weights,
        idf=idf,
        thresholds={k: float(v) for k, v in meta.get("thresholds", {}).items()},
        meta=meta,
        lexicon=lexicon_from_json(lexicon_text) if lexicon_text else None,
        lexicon_weight=float(meta.get("lexicon_weight", 0.0)),
        jamo=tuple(int(n) for n in meta["jamo"]) if meta.get("jamo") else None,
    )


@cache
def model_load(name: str) -> LinearModel:
    """The shipped model ``name``, loaded once per process."""
    return model_from_dir(resources.files(MODELS_PACKAGE), name)


def model_from_dir(folder, name: str) -> LinearModel:
    """Model ``name`` from the files in ``folder``: the package's, or a folder
    of models trained for an evaluation (``tribune triage evaluate --models``)."""
    from pathlib import Path

    if isinstance(folder, str):
        folder = Path(folder)
    idf_file = folder / f"{name}.idf.f32"
    lexicon_file = folder / f"{name}.lexicon.json"
    return model_from_files(
        (folder / f"{name}.json").read_text(encoding="utf-8"),
        (folder / f"{name}.f32").read_bytes(),
        idf_file.read_bytes() if idf_file.is_file() else None,
        lexicon_file.read_text(encoding="utf-8") if lexicon_file.is_file() else None,
    )


def model_names() -> list[str]:
    folder = resources.files(MODELS_PACKAGE)
    return sorted(p.name[:-5] for p in folder.iterdir()
                  if p.name.endswith(".json") and not p.name.endswith(".lexicon.json"))


def model_for(lang: str, folder=None) -> LinearModel:
    """The model ``tribune triage evaluate --lang`` uses: a toxicity model for
    ``en``/``ko``, the spam model for ``spam``; the shipped one, or the one in
    ``folder``."""
    lang = (lang or "").lower()
    name = SPAM_MODEL if lang == "spam" else TOXICITY_MODELS.get(lang.split("-")[0])
    if name is None:
        raise KeyError(lang)
    return model_load(name) if folder is None else model_from_dir(folder, name)
