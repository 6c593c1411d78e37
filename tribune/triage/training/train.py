"""Rebuild every shipped model from ``../shared/data/`` (``tribune triage train``).

Reproducible: a fixed seed for the split, deterministic solvers (liblinear),
weights written as float32. Needs the ``train`` extra (scikit-learn, numpy,
scipy); production never imports this module. Takes about a minute on two cores.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tribune.triage.features import (
    Hasher,
    add_morpheme_counts,
    clean,
    counts,
    kiwi,
    morphemes,
    weighted,
)

from .datasets import DATASETS, SEED, data_dir, rows, split

MODELS_DIR = Path(__file__).resolve().parents[1] / "models_data"

# Feature settings per model: Korean syllables carry a lot each, so shorter
# n-grams; English and spam need longer ones.
SETTINGS = {
    "en_davidson": {"bits": 18, "char_min": 2, "char_max": 5, "word_bigrams": True},
    "ko_beep": {"bits": 18, "char_min": 1, "char_max": 3, "word_bigrams": False},
    "spam_youtube": {"bits": 18, "char_min": 2, "char_max": 5, "word_bigrams": True},
}
DESCRIPTIONS = {
    "en_davidson": "English insult and hate (offensive or hate vs neither), Davidson et al. 2017",
    "ko_beep": "Korean insult and hate (hate or offensive vs none), BEEP! (Moon et al. 2020)",
    "spam_youtube": "Comment spam, YouTube Spam Collection (Alberto et al. 2015)",
}
C_GRID = (0.5, 1.0, 2.0, 4.0, 8.0, 16.0)
# Models shipped as a blend of three linear models over the same features (see
# :func:`blend`), with the dataset's labels in order of severity for the ridge.
BLEND_SEVERITY = {"ko_beep": {"none": 0, "offensive": 1, "hate": 2}}
RIDGE_ALPHA = 10.0
NB_ALPHA = 0.1
# Models that also read Kiwi morphemes (see features.morphemes): the numbers of
# classes of the morpheme clusterings, the anchors that recover Kiwi's
# embeddings, and the embedding part of the blend (C, and its weight in the sum,
# chosen by 5-fold cross-validation on the training rows: docs/triage.md).
MORPHEME_CLUSTERS = {"ko_beep": (200, 1000, 4000)}
ANCHORS = 320
ANCHOR_RANGE = (50, 30000)
EMBEDDING_C = 0.01
EMBEDDING_WEIGHT = 0.5
THRESHOLDS = {"flag": 0.5, "high": 0.8}


def raw_counts(texts: list[str], settings: dict, morphs: list | None = None,
               clusters: tuple = ()) -> list[dict[int, float]]:
    """Raw counts of each text, as the model's ``counts`` makes them at run time:
    ``features.counts``, plus the morphemes and their classes when ``morphs``
    (one list per text, from ``features.morphemes``) is given."""
    hasher = Hasher(settings["bits"])
    out = []
    for index, text in enumerate(texts):
        found = counts(text, hasher=hasher, char_min=settings["char_min"],
                       char_max=settings["char_max"], word_bigrams=settings["word_bigrams"])
        if morphs is not None:
            add_morpheme_counts(found, morphs[index], hasher=hasher, clusters=clusters)
        out.append(found)
    return out


def idf_of(raws: list[dict[int, float]], settings: dict):
    """Smoothed inverse document frequency per bucket, as scikit-learn's TF-IDF."""
    import numpy as np

    df = np.zeros(1 << settings["bits"], dtype=np.float64)
    for found in raws:
        df[list(found)] += 1
    return (np.log((1 + len(raws)) / (1 + df)) + 1).astype("<f4")


def matrix(raws: list[dict[int, float]], settings: dict, idf):
    import numpy as np
    from scipy.sparse import csr_matrix

    idf_list = idf.tolist()
    indptr, indices, values = [0], [], []
    for found in raws:
        vector = weighted(found, idf_list)
        for key in sorted(vector):
            indices.append(key)
            values.append(vector[key])
        indptr.append(len(indices))
    return csr_matrix(
        (np.array(values, dtype=np.float64), np.array(indices), np.array(indptr)),
        shape=(len(raws), 1 << settings["bits"]),
    )


def morpheme_vectors(say: Callable[[str], None] = print):
    """The morpheme embeddings of Kiwi's CoNg model (one unit vector per morpheme
    id, 256 dimensions), recovered through Kiwi's public similarity API: the
    cosine similarities of every morpheme to ``ANCHORS`` anchor morphemes (drawn
    with the seed) give ``S = E A^T``; the anchors' own similarities ``A A^T``
    give ``A`` up to a rotation, hence ``E`` up to the same rotation, which
    changes nothing below. About 40 s."""
    import random

    import numpy as np

    analyser = kiwi()
    size = len(analyser.most_similar_morphemes(ANCHOR_RANGE[0], top_n=10**7))
    anchors = random.Random(SEED).sample(range(*ANCHOR_RANGE), ANCHORS)
    similarity = np.zeros((size, ANCHORS), dtype=np.float64)
    for column, anchor in enumerate(anchors):
        for found in analyser.most_similar_morphemes(anchor, top_n=size):
            similarity[found.id, column] = found.score
        similarity[anchor, column] = 1.0  # Kiwi leaves the morpheme itself out
    gram = similarity[anchors]
    values, vectors = np.linalg.eigh((gram + gram.T) / 2)
    order = np.argsort(values)[::-1]
    values, vectors = values[order], vectors[:, order]
    dims = int((values > 1e-3).sum())
    say(f"Kiwi morpheme embeddings: {size} morphemes, {dims} dimensions")
    return similarity @ vectors[:, :dims] / np.sqrt(values[:dims])


def morpheme_clusters(vectors, sizes: tuple) -> list[tuple[int, list[int]]]:
    """``(size, class of each morpheme id)`` for each number of classes: k-means
    (seeded) over the centred, unit-length embeddings."""
    import numpy as np
    from sklearn.cluster import MiniBatchKMeans

    centred = vectors - vectors.mean(axis=0)
    centred /= np.linalg.norm(centred, axis=1, keepdims=True)
    return [(size, MiniBatchKMeans(n_clusters=size, random_state=SEED, batch_size=4096,
                                   n_init=1, max_iter=50).fit(centred).labels_.tolist())
            for size in sizes]


def pooled(morphs: list, vectors):
    """Mean embedding of each text's morphemes (zeros when it has none)."""
    import numpy as np

    out = np.zeros((len(morphs), vectors.shape[1]))
    for row, found in enumerate(morphs):
        ids = [ident for _f, _t, ident in found if ident < len(vectors)]
        if ids:
            out[row] = vectors[ids].mean(axis=0)
    return out


def embedding_part(p, y) -> tuple:
    """``(v, b)``: logistic regression on the standardised mean embeddings, as a
    decision ``p @ v + b`` on the raw mean embedding ``p``."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(p)
    model = LogisticRegression(C=EMBEDDING_C, max_iter=3000).fit(scaler.transform(p), y)
    coef = model.coef_[0]
    return coef / scaler.scale_, float(model.intercept_[0] - coef @ (scaler.mean_ / scaler.scale_))


def fit(x, y, c: float):
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, solver="liblinear", class_weight="balanced",
                               random_state=SEED, max_iter=1000)
    return model.fit(x, y)


def _parts(x, y, severity, c: float) -> list[tuple]:
    """``(weights, intercept)`` of the three blended models fitted on ``x``:
    logistic regression, ridge regression on the severity (none < offensive <
    hate) and multinomial naive Bayes (its log-count ratios)."""
    from sklearn.linear_model import Ridge
    from sklearn.naive_bayes import MultinomialNB

    lr = fit(x, y, c)
    ridge = Ridge(alpha=RIDGE_ALPHA, random_state=SEED).fit(x, severity)
    nb = MultinomialNB(alpha=NB_ALPHA).fit(x, y)
    return [
        (lr.coef_[0], float(lr.intercept_[0])),
        (ridge.coef_, float(ridge.intercept_)),
        (nb.feature_log_prob_[1] - nb.feature_log_prob_[0],
         float(nb.class_log_prior_[1] - nb.class_log_prior_[0])),
    ]


def blend(x_fit, y_fit, sev_fit, x_valid, y_valid, c: float, dense: tuple | None = None):
    """The blend on the validation part: each model's decision is standardised
    by its mean and spread on the validation rows, the three are summed, and a
    logistic fit of the sum (Platt scaling) turns it into a probability. All of
    it is linear, so the blend ships as one weight vector and an intercept.

    ``dense``, when given, is ``(p_fit, p_valid)``, the mean morpheme embeddings:
    a fourth model (:func:`embedding_part`) joins the sum with weight
    ``EMBEDDING_WEIGHT``; it is linear in the mean embedding, so it ships as one
    score per morpheme (the mean of the text's morpheme scores is its share).

    Returns ``(combine, validation ROC AUC)``; ``combine(parts, dense_part)``
    applies the same standardisation and scaling to parts fitted on more rows
    and gives ``(weights, intercept, v)``, ``v`` the embedding weights (or None)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score

    parts = _parts(x_fit, y_fit, sev_fit, c)
    decisions = [x_valid @ w + b for w, b in parts]
    stats = [(float(d.mean()), float(d.std()) or 1.0) for d in decisions]
    total = sum((d - m) / sd for d, (m, sd) in zip(decisions, stats, strict=True))
    dense_stats = None
    if dense is not None:
        v, b = embedding_part(dense[0], y_fit)
        decision = dense[1] @ v + b
        dense_stats = (float(decision.mean()), float(decision.std()) or 1.0)
        total = total + EMBEDDING_WEIGHT * (decision - dense_stats[0]) / dense_stats[1]
    platt = LogisticRegression(C=1e4, solver="lbfgs").fit(total.reshape(-1, 1), y_valid)
    a, b0 = float(platt.coef_[0][0]), float(platt.intercept_[0])

    def combine(fitted, dense_part=None):
        weights = sum(w / sd for (w, _b), (_m, sd) in zip(fitted, stats, strict=True))
        intercept = sum((b - m) / sd for (_w, b), (m, sd) in zip(fitted, stats, strict=True))
        v = None
        if dense_stats is not None:
            (v, b), (m, sd) = dense_part, dense_stats
            intercept += EMBEDDING_WEIGHT * (b - m) / sd
            v = a * EMBEDDING_WEIGHT * v / sd
        return np.asarray(a * weights).ravel(), a * intercept + b0, v

    return combine, roc_auc_score(y_valid, total)


def train_one(name: str, *, folder: Path | None = None, out: Path = MODELS_DIR,
              say: Callable[[str], None] = print) -> dict:
    """Train model ``name`` on the training part of its dataset and write it."""
    import numpy as np
    from sklearn.metrics import roc_auc_score

    dataset = DATASETS[name]
    settings = SETTINGS[name]
    train, _test = split(rows(dataset, folder))
    # C is chosen on a validation part of the training rows only.
    fit_rows, valid_rows = split(train, seed=SEED + 1)
    sizes = MORPHEME_CLUSTERS.get(name)
    vectors = clusters = None
    morphs: dict[str, list | None] = {}
    if sizes:
        vectors = morpheme_vectors(say)
        clusters = morpheme_clusters(vectors, sizes)
        found = {text: morphemes(clean(text)) for text, _, _ in train}
        for part, part_rows in (("fit", fit_rows), ("valid", valid_rows), ("train", train)):
            morphs[part] = [found[text] for text, _, _ in part_rows]

    def raws(part: str, part_rows: list):
        return raw_counts([t for t, _, _ in part_rows], settings, morphs.get(part),
                          tuple(clusters or ()))

    fit_raws, valid_raws = raws("fit", fit_rows), raws("valid", valid_rows)
    fit_idf = idf_of(fit_raws, settings)
    x_fit = matrix(fit_raws, settings, fit_idf)
    x_valid = matrix(valid_raws, settings, fit_idf)
    y_fit = np.array([y for _, y, _ in fit_rows])
    y_valid = np.array([y for _, y, _ in valid_rows])
    best_c, best_auc = C_GRID[0], -1.0
    for c in C_GRID:
        auc = roc_auc_score(y_valid, fit(x_fit, y_fit, c).predict_proba(x_valid)[:, 1])
        say(f"{name}: C={c} validation ROC AUC {auc:.4f}")
        if auc > best_auc:
            best_c, best_auc = c, auc
    train_raws = raws("train", train)
    idf = idf_of(train_raws, settings)
    x_train = matrix(train_raws, settings, idf)
    y_train = np.array([y for _, y, _ in train])
    severity = BLEND_SEVERITY.get(name)
    kind = "logistic regression"
    table = None
    if severity is None:
        model = fit(x_train, y_train, best_c)
        weights, intercept = model.coef_[0], float(model.intercept_[0])
    else:
        dense = None
        if vectors is not None:
            dense = (pooled(morphs["fit"], vectors), pooled(morphs["valid"], vectors))
        combine, blend_auc = blend(
            x_fit, y_fit, np.array([severity[r["label"]] for _, _, r in fit_rows], float),
            x_valid, y_valid, best_c, dense)
        say(f"{name}: blend of logistic regression, ridge and naive Bayes"
            f"{' and the morpheme embeddings' if dense else ''}, validation "
            f"ROC AUC {blend_auc:.4f}")
        best_auc = blend_auc
        kind = "blend: logistic regression + ridge on severity + naive Bayes, Platt-scaled"
        dense_part = None
        if vectors is not None:
            kind = ("blend: logistic regression + ridge on severity + naive Bayes over "
                    "character n-grams, Kiwi morphemes and their CoNg embedding classes, "
                    "+ logistic regression on the mean CoNg embedding, Platt-scaled")
            dense_part = embedding_part(pooled(morphs["train"], vectors), y_train)
        weights, intercept, v = combine(_parts(
            x_train, y_train, np.array([severity[r["label"]] for _, _, r in train], float),
            best_c), dense_part)
        if v is not None:
            scores = vectors @ v
            table = np.concatenate([scores] + [np.array(of_id, dtype=np.float64)
                                               for _size, of_id in clusters]).astype("<f4")
    weights = np.asarray(weights).astype("<f4")
    out.mkdir(parents=True, exist_ok=True)
    meta = {
        "name": dataset.model,
        "description": DESCRIPTIONS[name],
        "dataset": name,
        "format": 2 if table is not None else 1,
        **settings,
        "intercept": float(intercept),
        "thresholds": THRESHOLDS,
        "C": best_c,
        "kind": kind,
        "validation_roc_auc": round(best_auc, 4),
        "training_rows": len(train),
        "seed": SEED,
    }
    if table is not None:
        from importlib.metadata import version

        meta["morphemes"] = {
            "kiwipiepy": version("kiwipiepy"),
            "kiwipiepy_model": version("kiwipiepy_model"),
            "ids": len(vectors),
            "clusters": list(sizes),
            "embedding_weight": EMBEDDING_WEIGHT,
            "embedding_C": EMBEDDING_C,
        }
    (out / f"{dataset.model}.json").write_text(json.dumps(meta, indent=1) + "\n",
                                               encoding="utf-8")
    (out / f"{dataset.model}.f32").write_bytes(weights.tobytes())
    (out / f"{dataset.model}.idf.f32").write_bytes(idf.tobytes())
    if table is not None:
        (out / f"{dataset.model}.morph.f32").write_bytes(table.tobytes())
    say(f"{name}: wrote {dataset.model} (C={best_c}, {len(train)} training rows)")
    return meta


def train_all(*, folder: Path | None = None, out: Path = MODELS_DIR,
              say: Callable[[str], None] = print) -> list[dict]:
    folder = folder or data_dir()
    return [train_one(name, folder=folder, out=out, say=say) for name in DATASETS]


if __name__ == "__main__":
    train_all()
