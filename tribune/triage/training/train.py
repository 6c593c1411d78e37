"""Rebuild every shipped model from ``../shared/data/`` (``tribune triage train``).

Reproducible: a fixed seed for the split, deterministic solvers (liblinear),
weights written as float32. Needs the ``train`` extra (scikit-learn, numpy,
scipy); production never imports this module. Takes about a minute on two cores.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tribune.triage.features import Hasher, features

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
THRESHOLDS = {"flag": 0.5, "high": 0.8}


def idf_of(texts: list[str], settings: dict):
    """Smoothed inverse document frequency per bucket, as scikit-learn's TF-IDF."""
    import numpy as np

    hasher = Hasher(settings["bits"])
    df = np.zeros(1 << settings["bits"], dtype=np.float64)
    for text in texts:
        vector = features(text, hasher=hasher, char_min=settings["char_min"],
                          char_max=settings["char_max"], word_bigrams=settings["word_bigrams"])
        df[list(vector)] += 1
    return (np.log((1 + len(texts)) / (1 + df)) + 1).astype("<f4")


def matrix(texts: list[str], settings: dict, idf):
    import numpy as np
    from scipy.sparse import csr_matrix

    hasher = Hasher(settings["bits"])
    idf_list = idf.tolist()
    indptr, indices, values = [0], [], []
    for text in texts:
        vector = features(text, hasher=hasher, char_min=settings["char_min"],
                          char_max=settings["char_max"], word_bigrams=settings["word_bigrams"],
                          idf=idf_list)
        for key in sorted(vector):
            indices.append(key)
            values.append(vector[key])
        indptr.append(len(indices))
    return csr_matrix(
        (np.array(values, dtype=np.float64), np.array(indices), np.array(indptr)),
        shape=(len(texts), 1 << settings["bits"]),
    )


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


def blend(x_fit, y_fit, sev_fit, x_valid, y_valid, c: float):
    """The blend on the validation part: each model's decision is standardised
    by its mean and spread on the validation rows, the three are summed, and a
    logistic fit of the sum (Platt scaling) turns it into a probability. All of
    it is linear, so the blend ships as one weight vector and an intercept.
    Returns ``(combine, validation ROC AUC)``; ``combine(parts)`` applies the
    same standardisation and scaling to parts fitted on more rows."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score

    parts = _parts(x_fit, y_fit, sev_fit, c)
    decisions = [x_valid @ w + b for w, b in parts]
    stats = [(float(d.mean()), float(d.std()) or 1.0) for d in decisions]
    total = sum((d - m) / sd for d, (m, sd) in zip(decisions, stats, strict=True))
    platt = LogisticRegression(C=1e4, solver="lbfgs").fit(total.reshape(-1, 1), y_valid)
    a, b0 = float(platt.coef_[0][0]), float(platt.intercept_[0])

    def combine(fitted):
        weights = sum(w / sd for (w, _b), (_m, sd) in zip(fitted, stats, strict=True))
        intercept = sum((b - m) / sd for (_w, b), (m, sd) in zip(fitted, stats, strict=True))
        return np.asarray(a * weights).ravel(), a * intercept + b0

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
    fit_idf = idf_of([t for t, _, _ in fit_rows], settings)
    x_fit = matrix([t for t, _, _ in fit_rows], settings, fit_idf)
    x_valid = matrix([t for t, _, _ in valid_rows], settings, fit_idf)
    y_fit = np.array([y for _, y, _ in fit_rows])
    y_valid = np.array([y for _, y, _ in valid_rows])
    best_c, best_auc = C_GRID[0], -1.0
    for c in C_GRID:
        auc = roc_auc_score(y_valid, fit(x_fit, y_fit, c).predict_proba(x_valid)[:, 1])
        say(f"{name}: C={c} validation ROC AUC {auc:.4f}")
        if auc > best_auc:
            best_c, best_auc = c, auc
    idf = idf_of([t for t, _, _ in train], settings)
    x_train = matrix([t for t, _, _ in train], settings, idf)
    y_train = np.array([y for _, y, _ in train])
    severity = BLEND_SEVERITY.get(name)
    kind = "logistic regression"
    if severity is None:
        model = fit(x_train, y_train, best_c)
        weights, intercept = model.coef_[0], float(model.intercept_[0])
    else:
        combine, blend_auc = blend(
            x_fit, y_fit, np.array([severity[r["label"]] for _, _, r in fit_rows], float),
            x_valid, y_valid, best_c)
        say(f"{name}: blend of logistic regression, ridge and naive Bayes, validation "
            f"ROC AUC {blend_auc:.4f}")
        best_auc = blend_auc
        kind = "blend: logistic regression + ridge on severity + naive Bayes, Platt-scaled"
        weights, intercept = combine(_parts(
            x_train, y_train, np.array([severity[r["label"]] for _, _, r in train], float),
            best_c))
    weights = np.asarray(weights).astype("<f4")
    out.mkdir(parents=True, exist_ok=True)
    meta = {
        "name": dataset.model,
        "description": DESCRIPTIONS[name],
        "dataset": name,
        "format": 1,
        **settings,
        "intercept": float(intercept),
        "thresholds": THRESHOLDS,
        "C": best_c,
        "kind": kind,
        "validation_roc_auc": round(best_auc, 4),
        "training_rows": len(train),
        "seed": SEED,
    }
    (out / f"{dataset.model}.json").write_text(json.dumps(meta, indent=1) + "\n",
                                               encoding="utf-8")
    (out / f"{dataset.model}.f32").write_bytes(weights.tobytes())
    (out / f"{dataset.model}.idf.f32").write_bytes(idf.tobytes())
    say(f"{name}: wrote {dataset.model} (C={best_c}, {len(train)} training rows)")
    return meta


def train_all(*, folder: Path | None = None, out: Path = MODELS_DIR,
              say: Callable[[str], None] = print) -> list[dict]:
    folder = folder or data_dir()
    return [train_one(name, folder=folder, out=out, say=say) for name in DATASETS]


if __name__ == "__main__":
    train_all()
