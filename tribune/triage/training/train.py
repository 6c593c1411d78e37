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
    model = fit(matrix([t for t, _, _ in train], settings, idf),
                np.array([y for _, y, _ in train]), best_c)
    weights = model.coef_[0].astype("<f4")
    out.mkdir(parents=True, exist_ok=True)
    meta = {
        "name": dataset.model,
        "description": DESCRIPTIONS[name],
        "dataset": name,
        "format": 1,
        **settings,
        "intercept": float(model.intercept_[0]),
        "thresholds": THRESHOLDS,
        "C": best_c,
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
