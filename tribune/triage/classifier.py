"""The shipped linear models: loaded without pickle, scored in pure Python.

A model is three files under ``models_data/``: ``NAME.json`` (what it is, how its
features are made, its intercept and the thresholds in use), ``NAME.f32`` (the
weights, little-endian float32, one per hash bucket) and ``NAME.idf.f32`` (the
inverse document frequency of each bucket in the training rows). Loading reads bytes
into an :class:`array.array`; no code in the files is ever run.

The Korean model also reads Korean morphemes (Kiwi, see ``features.morphemes``)
and has a fourth file, ``NAME.morph.f32``: per morpheme id of Kiwi's dictionary,
the model's score of that morpheme, then the morpheme's class in each
clustering named in ``NAME.json`` (``"morphemes"``). Those ids belong to one
version of ``kiwipiepy_model``, which the JSON names and the loader checks.
"""

from __future__ import annotations

import json
import math
import sys
from array import array
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from .features import Hasher, add_morpheme_counts, clean, counts, morphemes, weighted

MODELS_PACKAGE = "tribune.triage.models_data"
# Which model scores which desk language for insult and hate; spam is scored
# for every desk.
TOXICITY_MODELS = {"en": "en_toxicity", "ko": "ko_toxicity"}
SPAM_MODEL = "spam"


class Counts(dict):
    """Raw counts per bucket (``dict[int, float]``) and, for a model with a
    :class:`MorphemeTable`, the mean score of the text's morphemes."""

    morpheme_score: float = 0.0


@dataclass
class MorphemeTable:
    """Values per Kiwi morpheme id: the model's score of each morpheme (the mean
    over a text's morphemes is added to the linear score; it is the part of the
    model that reads the averaged CoNg embeddings of the morphemes, folded into
    one number per morpheme) and its class in each clustering of those
    embeddings, as ``(number of classes, class of each id)``."""

    scores: array
    clusters: list[tuple[int, array]]


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
    morpheme_table: MorphemeTable | None = None

    def __post_init__(self) -> None:
        self.hasher = Hasher(self.bits)

    @property
    def feature_key(self) -> tuple:
        """Models with the same key see the same raw counts of a text."""
        return (self.bits, self.char_min, self.char_max, self.word_bigrams,
                self.name if self.morpheme_table else None)

    def counts(self, text: str) -> Counts:
        found = Counts(counts(text, hasher=self.hasher, char_min=self.char_min,
                              char_max=self.char_max, word_bigrams=self.word_bigrams))
        table = self.morpheme_table
        if table is not None:
            morphs = morphemes(clean(text))
            add_morpheme_counts(found, morphs, hasher=self.hasher, clusters=table.clusters)
            scores = table.scores
            known = [scores[ident] for _f, _t, ident in morphs if ident < len(scores)]
            found.morpheme_score = sum(known) / len(known) if known else 0.0
        return found

    def score_counts(self, found: dict[int, float]) -> float:
        """Probability from raw counts made with this model's :attr:`feature_key`."""
        weights = self.weights
        z = self.intercept + sum(
            weights[key] * value for key, value in weighted(found, self.idf).items()
        ) + getattr(found, "morpheme_score", 0.0)
        if z < -30:
            return 0.0
        return 1.0 / (1.0 + math.exp(-z))

    def score(self, text: str) -> float:
        """Probability (0..1) that ``text`` belongs to the model's positive class."""
        return self.score_counts(self.counts(text))


def _floats(data: bytes, size: int, what: str) -> array:
    values = array("f")
    values.frombytes(data)
    if sys.byteorder != "little":
        values.byteswap()
    if len(values) != size:
        raise ValueError(f"{what}: {len(values)} values where {size} were expected")
    return values


def _morpheme_table(spec: dict, data: bytes | None, name: str) -> MorphemeTable:
    """The :class:`MorphemeTable` of ``NAME.morph.f32``, after checking that the
    installed Kiwi model numbers morphemes as the one the table was made with."""
    from importlib.metadata import PackageNotFoundError, version

    wanted = spec["kiwipiepy_model"]
    try:
        installed = version("kiwipiepy_model")
    except PackageNotFoundError:
        installed = None
    if installed != wanted:
        raise ValueError(f"model {name} needs kiwipiepy_model {wanted}, not {installed} "
                         "(pip install -e . installs the pinned version)")
    if data is None:
        raise ValueError(f"model {name}: {name}.morph.f32 is missing")
    ids, sizes = int(spec["ids"]), [int(size) for size in spec["clusters"]]
    values = _floats(data, ids * (1 + len(sizes)), f"model {name} morpheme table")
    clusters = [(size, array("i", map(int, values[ids * (n + 1): ids * (n + 2)])))
                for n, size in enumerate(sizes)]
    return MorphemeTable(scores=values[:ids], clusters=clusters)


def model_from_files(meta_text: str, weight_bytes: bytes, idf_bytes: bytes | None,
                     morpheme_bytes: bytes | None = None) -> LinearModel:
    meta = json.loads(meta_text)
    size = 1 << int(meta["bits"])
    weights = _floats(weight_bytes, size, f"model {meta['name']} weights")
    idf = _floats(idf_bytes, size, f"model {meta['name']} idf") if idf_bytes else None
    table = (_morpheme_table(meta["morphemes"], morpheme_bytes, meta["name"])
             if meta.get("morphemes") else None)
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
        morpheme_table=table,
    )


@cache
def model_load(name: str) -> LinearModel:
    """The shipped model ``name``, loaded once per process."""
    folder = resources.files(MODELS_PACKAGE)
    idf_file = folder / f"{name}.idf.f32"
    morph_file = folder / f"{name}.morph.f32"
    return model_from_files(
        (folder / f"{name}.json").read_text(encoding="utf-8"),
        (folder / f"{name}.f32").read_bytes(),
        idf_file.read_bytes() if idf_file.is_file() else None,
        morph_file.read_bytes() if morph_file.is_file() else None,
    )


def model_names() -> list[str]:
    folder = resources.files(MODELS_PACKAGE)
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".json"))


def model_for(lang: str) -> LinearModel:
    """The model ``tribune triage evaluate --lang`` uses: a toxicity model for
    ``en``/``ko``, the spam model for ``spam``."""
    lang = (lang or "").lower()
    if lang == "spam":
        return model_load(SPAM_MODEL)
    name = TOXICITY_MODELS.get(lang.split("-")[0])
    if name is None:
        raise KeyError(lang)
    return model_load(name)
