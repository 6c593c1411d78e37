"""Knowledge from published packages, turned into a lexicon at training time.

``tribune triage train`` reads what these packages ship — a trained linear
model's vocabulary and weights, keyword lists — and writes it as plain data
(``NAME.lexicon.json``, read by ``tribune/triage/lexicon.py``). The model
learns one weight for the lexicon's feature beside its own n-gram weights; the
packages are training dependencies only (the ``train`` extra), never imported
at run time.

* English: alt-profanity-check 1.9.1 (MIT licence), a linear SVM over TF-IDF
  word unigrams trained on Davidson et al.'s tweets and the Jigsaw Wikipedia
  talk-page comments. Its five calibrated folds are averaged into one linear
  decision (each fold's sigmoid slope times its weights).
  **Caveat for the evaluation:** it was trained on Davidson's tweets, so a
  figure on en_davidson with this prior is not a figure on an unseen source.
* Korean: korcen 1.0.3 (Apache-2.0), keyword lists of Korean insults and
  slurs. Its list of political terms (nicknames of presidents and parties) is
  left out, and so are the few political words in its other lists: Tribune
  never holds political words or names (docs/triage.md, *Word lists*).
"""

from __future__ import annotations

# Political words in korcen's insult lists: red-baiting, "traitor", a mocking
# allusion to a president's death. Left out with korcen's politics list.
POLITICAL = frozenset({"빨갱이", "매국노", "운지"})
KORCEN_LISTS = ("GENERAL", "MINOR", "SEXUAL", "BELITTLE", "RACE", "PARENT")


def licence_of(package: str, name: str) -> dict:
    """The package's licence, shipped with the data taken from it."""
    from importlib.metadata import distribution

    return {"licence": name, "licence_text": distribution(package).read_text("licenses/LICENSE")}


def english_profanity() -> dict:
    """alt-profanity-check's linear model as a ``word_prior`` lexicon."""
    from importlib.metadata import version

    import numpy as np
    from profanity_check import profanity_check

    vectorizer, model = profanity_check.vectorizer, profanity_check.model
    folds = model.calibrated_classifiers_
    coef = np.zeros(len(vectorizer.vocabulary_))
    for fold in folds:
        # p = 1 / (1 + exp(a·f + b)): the decision that rises with p is -a·f.
        coef += -fold.calibrators[0].a_ * fold.estimator.coef_[0]
    coef /= len(folds)
    idf = vectorizer.idf_
    terms = {
        word: [float(f"{coef[i] * idf[i]:.6g}"), float(f"{idf[i]:.6g}")]
        for word, i in sorted(vectorizer.vocabulary_.items())
    }
    return {"kind": "word_prior", **licence_of("alt-profanity-check", "MIT"),
            "source": f"alt-profanity-check {version('alt-profanity-check')} (MIT): linear "
                      "SVM over TF-IDF words, trained on Davidson et al. 2017 tweets and "
                      "the Jigsaw Wikipedia comments",
            "terms": terms}


def korean_insults() -> dict:
    """korcen's insult and slur keyword lists as a ``substrings`` lexicon."""
    from importlib.metadata import version

    import korcen.korcen as korcen

    terms, harmless = set(), set()
    for name in KORCEN_LISTS:
        listed = set(getattr(korcen, f"{name}_PROFANITY_PATTERNS")) - POLITICAL
        terms.update(listed)
        harmless.update(getattr(korcen, f"FALSE_POSITIVE_PATTERNS_{name}", ()))
        # korcen reads the text of these two lists with 년, 놈, 넘, 련 and 뇬
        # ("girl", "guy"…) made one: the same terms with each of them.
        swap = {"BELITTLE": "년", "MINOR": "놈"}.get(name)
        for term in listed if swap else ():
            for other in ("년", "놈", "넘", "련", "뇬"):
                terms.add(term.replace(swap, other))
    fold = {k: v for k, v in korcen.SINGLE_CHAR_NORMALIZATION_MAP.items()
            if len(k) == 1 and k != v}
    return {"kind": "substrings", **licence_of("korcen", "Apache-2.0"),
            "source": f"korcen {version('korcen')} (Apache-2.0): keyword lists "
                      f"{', '.join(KORCEN_LISTS)}; political list and words left out",
            "terms": sorted(terms), "harmless": sorted(harmless),
            "fold": dict(sorted(fold.items()))}


PRIORS = {"en_toxicity": english_profanity, "ko_toxicity": korean_insults}
