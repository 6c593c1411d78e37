"""Rebuild every shipped model from ``../shared/data/`` (``tribune triage train``).

Each model learns from every source of its language (:func:`sources_of`): the
English model from Davidson's tweets and the Fox News comments, the Korean one
from BEEP! and K-MHaS, the spam model from the YouTube collection. Only the
training part of each source is read (:func:`split_dataset`); the held-out part
is left for the evaluation (bench/triage_bench.py).

How a model is made, all of it reproducible (fixed seeds, liblinear, weights
written as float32):

1. every text is turned into raw hashed counts once (:func:`features.counts`,
   the very function production scores with);
2. each source weighs the same in the fit, whatever its size, and within a
   source both classes weigh the same: Davidson's 20,000 tweets do not drown the
   1,200 news comments, and its 83 % of offensive tweets does not teach the
   model that most texts are offensive;
3. C is chosen by 5-fold cross-validation (folds keep a Fox News article's
   thread whole), and the out-of-fold decisions are kept;
4. calibration: a logistic fit (Platt scaling) of the out-of-fold decisions on
   the news-comment sources (:data:`CALIBRATE_ON`), at their own share of
   hateful comments, turns the decision into the probability a moderator sees.
   It is linear, so it is folded into the weights and the intercept.

Needs the ``train`` extra (scikit-learn, numpy, scipy); production never imports
this module. About two minutes on two cores.
"""

from __future__ import annotations

import json
import math
import zlib
from collections.abc import Callable
from pathlib import Path

from tribune.triage.features import Hasher, analyse, counts
from tribune.triage.lexicon import lexicon_from_json

from .datasets import DATASETS, SEED, Dataset, data_dir, rows, sources_of, split_dataset
from .priors import PRIORS

MODELS_DIR = Path(__file__).resolve().parents[1] / "models_data"
MODELS = ("en_toxicity", "ko_toxicity", "spam")

# Feature settings per model: Korean syllables carry a lot each, so shorter
# n-grams; English and spam need longer ones (from 3 characters: the pairs of
# letters cost a quarter of a long comment's buckets and gained nothing in
# cross-validation, docs/triage.md *Speed*). 2**18 buckets: 1 MB of weights.
SETTINGS = {
    "en_toxicity": {"bits": 18, "char_min": 3, "char_max": 5, "word_bigrams": True},
    "ko_toxicity": {"bits": 18, "char_min": 1, "char_max": 3, "word_bigrams": False,
                    "jamo": (2, 5)},
    "spam": {"bits": 18, "char_min": 3, "char_max": 5, "word_bigrams": True},
}
DESCRIPTIONS = {
    "en_toxicity": "English insult and hate: Davidson et al. 2017 (offensive or hate vs "
                   "neither) and Fox News comments, Gao & Huang 2017 (hateful vs not)",
    "ko_toxicity": "Korean insult and hate: BEEP!, Moon et al. 2020 (hate or offensive vs "
                   "none) and K-MHaS, Lee et al. 2022 (hate vs none)",
    "spam": "Comment spam, YouTube Spam Collection (Alberto et al. 2015)",
}
# The sources whose out-of-fold decisions calibrate each model: comments under
# news articles, as a desk receives them (tweets found by slur search do not
# have a newsroom's share of insults).
CALIBRATE_ON = {
    "en_toxicity": ("en_foxnews",),
    "ko_toxicity": ("ko_beep", "ko_kmhas"),
    # The news comments the spam model learns as negatives (EXTRA_NEGATIVES)
    # calibrate it too: a desk receives news comments, not a music video's
    # comments, half of them spam.
    "spam": ("spam_youtube", "en_foxnews"),
}
# The share of hateful comments the calibration assumes. None: the calibration
# sources' own share. The Korean sets were sampled to be about half hateful
# (BEEP! 56 %, K-MHaS 44 %), far more than a news section receives; the one
# source here labelled as whole threads, Fox News (10 articles, every comment),
# has 28.5 %, and the Korean calibration is weighted to that share, so that a
# Korean "60 %" means what an English one does.
CALIBRATION_SHARE = {"en_toxicity": None, "ko_toxicity": 0.285, "spam": None}
# Sources whose training rows a model also learns from as negatives: the Fox
# News comments are ordinary readers' comments under news articles, none of
# them spam, while the spam collection's "ham" is praise under music videos;
# without them "A thoughtful piece on the harbour, thank you for it." scored
# 70 % spam.
EXTRA_NEGATIVES = {"spam": ("en_foxnews",)}
C_GRID = (1.0, 4.0, 16.0)
FOLDS = 5
THRESHOLDS = {"flag": 0.5, "high": 0.8}

Row = tuple[str, int, dict, str]  # text, label, source row, dataset name


def training_rows(model: str, folder: Path | None = None,
                  keep: Callable[[Dataset, dict], bool] | None = None) -> list[Row]:
    """The training part of every source of ``model`` (``keep``: only these rows)."""
    found: list[Row] = []
    for dataset in sources_of(model):
        train, _test = split_dataset(dataset, rows(dataset, folder))
        found.extend((t, y, r, dataset.name) for t, y, r in train
                     if keep is None or keep(dataset, r))
    for name in EXTRA_NEGATIVES.get(model, ()):
        dataset = DATASETS[name]
        train, _test = split_dataset(dataset, rows(dataset, folder))
        found.extend((t, 0, r, dataset.name) for t, _y, r in train
                     if keep is None or keep(dataset, r))
    return found


def raw_matrix(texts: list[str], settings: dict):
    """Raw hashed counts, one row per text (``features.counts``)."""
    import numpy as np
    from scipy.sparse import csr_matrix

    hasher = Hasher(settings["bits"])
    indptr, indices, values = [0], [], []
    for text in texts:
        found = counts(text, hasher=hasher, char_min=settings["char_min"],
                       char_max=settings["char_max"], word_bigrams=settings["word_bigrams"],
                       jamo=settings.get("jamo"))
        for key in sorted(found):
            indices.append(key)
            values.append(found[key])
        indptr.append(len(indices))
    return csr_matrix(
        (np.array(values, dtype=np.float64), np.array(indices, dtype=np.int64),
         np.array(indptr, dtype=np.int64)),
        shape=(len(texts), 1 << settings["bits"]),
    )


def idf_of(raw):
    """Smoothed inverse document frequency per bucket, as scikit-learn's TF-IDF,
    in float32 as shipped."""
    import numpy as np

    df = np.bincount(raw.indices, minlength=raw.shape[1])
    return (np.log((1 + raw.shape[0]) / (1 + df)) + 1).astype("<f4")


def weighted(raw, idf):
    """What ``features.weighted`` makes of each row: 1 + log(count), times idf,
    L2-normalised."""
    import numpy as np
    from sklearn.preprocessing import normalize

    x = raw.copy()
    x.data = (1.0 + np.log(x.data)) * idf.astype(np.float64)[x.indices]
    return normalize(x, norm="l2", copy=False)


def sample_weights(items: list[Row]):
    """Each source weighs the same in total, and within it each class."""
    import numpy as np

    cells: dict[tuple[str, int], int] = {}
    for _t, y, _r, source in items:
        cells[(source, y)] = cells.get((source, y), 0) + 1
    per_cell = len(items) / len(cells)
    return np.array([per_cell / cells[(source, y)] for _t, y, _r, source in items])


def folds_of(items: list[Row], k: int = FOLDS) -> list[int]:
    """A fold number per row: whole threads (or videos) for a source that has
    them (``Dataset.fold_column``), else stratified by source and label, in a
    seeded order."""
    import random

    fold = [0] * len(items)
    rng = random.Random(SEED + 2)
    cells: dict[tuple[str, int], list[int]] = {}
    for index, (_t, y, row, source) in enumerate(items):
        group = DATASETS[source].fold_column
        if group:
            fold[index] = zlib.crc32(row[group].encode("utf-8")) % k
        else:
            cells.setdefault((source, y), []).append(index)
    for key in sorted(cells):
        members = cells[key]
        rng.shuffle(members)
        for position, index in enumerate(members):
            fold[index] = position % k
    return fold


def fit(x, y, w, c: float):
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, solver="liblinear", random_state=SEED, max_iter=1000)
    return model.fit(x, y, sample_weight=w)


def with_prior(x, prior):
    """``x`` with the lexicon's feature (``prior``, one value per row) as its
    last column, or ``x`` itself without a lexicon."""
    if prior is None:
        return x
    from scipy.sparse import csr_matrix, hstack

    return hstack([x, csr_matrix(prior.reshape(-1, 1))], format="csr")


def prior_column(items: list[Row], lexicon):
    """The lexicon's feature of every training text, as production computes it."""
    import numpy as np

    if lexicon is None:
        return None
    return np.array([lexicon.value(analyse(item[0])[1], item[0]) for item in items])


def cross_validate(raw, items: list[Row], say: Callable[[str], None], name: str, prior=None):
    """``(best C, out-of-fold decisions at that C, {source: CV ROC AUC})``;
    ``prior``: the lexicon's feature of each row, an extra column."""
    import numpy as np
    from sklearn.metrics import roc_auc_score

    y = np.array([item[1] for item in items])
    w = sample_weights(items)
    fold = np.array(folds_of(items))
    sources = np.array([item[3] for item in items])
    oof = {c: np.zeros(len(items)) for c in C_GRID}
    for k in range(FOLDS):
        train, test = np.where(fold != k)[0], np.where(fold == k)[0]
        if not len(test):
            continue
        idf = idf_of(raw[train])
        x_train = with_prior(weighted(raw[train], idf), None if prior is None else prior[train])
        x_test = with_prior(weighted(raw[test], idf), None if prior is None else prior[test])
        for c in C_GRID:
            oof[c][test] = fit(x_train, y[train], w[train], c).decision_function(x_test)

    # A source of negatives only (EXTRA_NEGATIVES) has no AUC of its own.
    scored = [s for s in sorted(set(sources)) if len(set(y[sources == s])) == 2]

    def score(c: float) -> dict[str, float]:
        return {s: float(roc_auc_score(y[sources == s], oof[c][sources == s])) for s in scored}

    def standard_error(c: float) -> float:
        """Of the mean over the sources, from each source's spread over its
        folds (a fold with one class of a source tells nothing of it)."""
        variance = 0.0
        for s in scored:
            per_fold = [roc_auc_score(y[(sources == s) & (fold == k)],
                                      oof[c][(sources == s) & (fold == k)])
                        for k in range(FOLDS)
                        if len(set(y[(sources == s) & (fold == k)])) == 2]
            if len(per_fold) > 1:
                variance += float(np.var(per_fold, ddof=1)) / len(per_fold)
        return math.sqrt(variance) / len(scored)

    means: dict[float, float] = {}
    per_c: dict[float, dict[str, float]] = {}
    for c in C_GRID:
        per_c[c] = score(c)
        means[c] = sum(per_c[c].values()) / len(per_c[c])
        say(f"{name}: C={c} {FOLDS}-fold CV ROC AUC "
            + ", ".join(f"{s} {v:.4f}" for s, v in per_c[c].items()))
    # The one-standard-error rule: the most regularised C whose mean is within
    # one standard error of the best one's. Differences inside the noise of
    # the folds do not buy weaker regularisation, which lets a few training
    # texts' words weigh more (see docs/triage.md, *False alarms*).
    top = max(C_GRID, key=lambda c: means[c])
    floor = means[top] - standard_error(top)
    best_c = min(c for c in C_GRID if means[c] >= floor)
    say(f"{name}: best mean at C={top} ({means[top]:.4f}, standard error "
        f"{means[top] - floor:.4f}); chosen C={best_c}")
    return best_c, oof[best_c], per_c[best_c]


def share_weights(labels, share: float | None):
    """Weights that make the positive rows ``share`` of the total (all 1 when None)."""
    import numpy as np

    labels = np.asarray(labels)
    if share is None:
        return np.ones(len(labels))
    positive = labels.mean()
    return np.where(labels == 1, share / positive, (1 - share) / (1 - positive))


def platt(decisions, labels, share: float | None = None) -> tuple[float, float]:
    """``(a, b)`` of p = 1 / (1 + exp(-(a·decision + b))), fitted with the
    positive rows weighted to ``share`` (when given)."""
    from sklearn.linear_model import LogisticRegression

    fitted = LogisticRegression(C=1e6, solver="lbfgs").fit(
        decisions.reshape(-1, 1), labels, sample_weight=share_weights(labels, share))
    return float(fitted.coef_[0][0]), float(fitted.intercept_[0])


def train_model(model: str, *, folder: Path | None = None, out: Path = MODELS_DIR,
                say: Callable[[str], None] = print,
                keep: Callable[[Dataset, dict], bool] | None = None,
                calibrate_on: tuple[str, ...] | None = None, priors: bool = True) -> dict:
    """Train ``model`` on the training parts of its sources (``keep``: only
    those rows, for the evaluation on sources it never saw) and write it.
    ``priors``: with the lexicon made from a published package, when the model
    has one (``priors.PRIORS``)."""
    import numpy as np

    settings = SETTINGS[model]
    items = training_rows(model, folder, keep)
    raw = raw_matrix([item[0] for item in items], settings)
    y = np.array([item[1] for item in items])
    lexicon_data = PRIORS[model]() if priors and model in PRIORS else None
    lexicon = lexicon_from_json(json.dumps(lexicon_data)) if lexicon_data else None
    prior = prior_column(items, lexicon)
    best_c, oof, cv = cross_validate(raw, items, say, model, prior)
    present = {item[3] for item in items}
    calibrate_on = tuple(s for s in (calibrate_on or CALIBRATE_ON[model]) if s in present) \
        or tuple(sorted(present))
    mask = np.array([item[3] in calibrate_on for item in items])
    share = CALIBRATION_SHARE[model]
    a, b = platt(oof[mask], y[mask], share)
    idf = idf_of(raw)
    fitted = fit(with_prior(weighted(raw, idf), prior), y, sample_weights(items), best_c)
    coef = fitted.coef_[0]
    lexicon_weight = None
    if prior is not None:
        coef, lexicon_weight = coef[:-1], a * float(coef[-1])
    weights = (a * coef).astype("<f4")
    intercept = a * float(fitted.intercept_[0]) + b
    out.mkdir(parents=True, exist_ok=True)
    counted = {s: sum(1 for item in items if item[3] == s) for s in sorted(present)}
    meta = {
        "name": model,
        "description": DESCRIPTIONS[model],
        "sources": counted,
        "format": 1,
        **settings,
        "intercept": intercept,
        "thresholds": THRESHOLDS,
        "C": best_c,
        "kind": "logistic regression, sources weighed equally, Platt-calibrated on "
                "out-of-fold decisions of " + ", ".join(calibrate_on),
        "cv_roc_auc": {s: round(v, 4) for s, v in cv.items()},
        "platt": [round(a, 6), round(b, 6)],
        "calibration_share": share,
        "training_rows": len(items),
        "seed": SEED,
    }
    lexicon_file = out / f"{model}.lexicon.json"
    if lexicon_data is not None:
        meta["lexicon"] = lexicon_data["source"]
        meta["lexicon_weight"] = lexicon_weight
        lexicon_file.write_text(json.dumps(lexicon_data, ensure_ascii=False, indent=0,
                                           sort_keys=True) + "\n", encoding="utf-8")
    elif lexicon_file.exists():
        lexicon_file.unlink()
    (out / f"{model}.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    (out / f"{model}.f32").write_bytes(weights.tobytes())
    (out / f"{model}.idf.f32").write_bytes(idf.tobytes())
    say(f"{model}: wrote C={best_c}, {len(items)} training rows "
        f"({', '.join(f'{s} {n}' for s, n in counted.items())})")
    return meta


def train_all(*, folder: Path | None = None, out: Path = MODELS_DIR,
              say: Callable[[str], None] = print, models: tuple[str, ...] = MODELS,
              priors: bool = True) -> list[dict]:
    folder = folder or data_dir()
    return [train_model(name, folder=folder, out=out, say=say, priors=priors)
            for name in models]


if __name__ == "__main__":
    train_all()
