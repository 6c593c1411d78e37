"""Knowledge from outside the training sets, as one more feature of a linear model.

A model may carry a *lexicon* (``NAME.lexicon.json`` beside its weights): data
that ``tribune triage train`` took from a published, permissively licensed
package (see ``training/priors.py``), turned into plain terms and numbers.
The lexicon gives a text one number, and the model one weight for it: the
score stays a linear function, computed here in pure Python without the
package, which is never imported at run time.

Two kinds:

* ``word_prior``: a linear model over words learnt elsewhere (for English,
  alt-profanity-check, trained on Wikipedia talk-page comments and tweets):
  each word's weight times its idf, and its idf. The feature is that model's
  decision on the text's words: the TF-IDF dot product, L2-normalised, as the
  package computes it.
* ``substrings``: insults and slurs written with or without spaces (for
  Korean, the keyword lists of korcen): the feature is 1 when one of them
  occurs in the text with its spaces and signs removed, after removing the
  listed harmless words that contain one ("false positives"), else 0.

Like desk word lists, a lexicon holds insults and slurs only, never political
words or names (docs/triage.md, *Word lists*).
"""

from __future__ import annotations

import json
import math
import re

from .features import SCORED_CHARS


class WordPrior:
    kind = "word_prior"

    def __init__(self, terms: dict[str, list[float]]):
        # word -> (weight x idf, idf)
        self.terms = {word: (float(a), float(b)) for word, (a, b) in terms.items()}

    def value(self, words: list[str], _text: str) -> float:
        found: dict[str, int] = {}
        terms = self.terms
        for word in words:
            if word in terms:
                found[word] = found.get(word, 0) + 1
        if not found:
            return 0.0
        dot = square = 0.0
        for word, number in found.items():
            weight, idf = terms[word]
            dot += number * weight
            square += (number * idf) ** 2
        return dot / math.sqrt(square)


# What is kept of a text before the substrings are looked for: letters of the
# Latin alphabet, digits and Hangul (syllables and jamo), as korcen does.
_NOT_KEPT = re.compile(r"[^0-9a-zㄱ-ㅎㅏ-ㅣ가-힣]+")
_SPACE = re.compile(r"\s+")


def squeezed(text: str, fold: dict[str, str] | None = None,
             fold_re: re.Pattern | None = None) -> str:
    """Case folded (and ``fold``-ed: look-alike signs to the letters they stand
    for), without spaces; from the raw text, not :func:`features.clean`'s (which
    folds compatibility jamo such as ㅅ and turns digits into 0)."""
    text = text[:SCORED_CHARS].casefold()
    if fold:
        if fold_re is None:
            fold_re = re.compile("|".join(map(re.escape, fold)))
        text = fold_re.sub(lambda match: fold[match.group()], text)
    return _SPACE.sub("", text)


def trie_pattern(terms: list[str], *, longest: bool = False) -> str:
    """A regular expression matching any of ``terms``, factored by common
    prefixes: at each position the engine tries a few branches, not hundreds.
    Without ``longest``, a term that another starts with is enough on its own
    (for a search); with it, the longest term at a position is matched (for a
    substitution)."""
    root: dict = {}
    for term in sorted(terms, key=len):
        node = root
        for char in term:
            if "" in node and not longest:
                break
            node = node.setdefault(char, {})
        else:
            if not longest:
                node.clear()
            node[""] = {}

    def render(node: dict) -> str:
        children = sorted((char, child) for char, child in node.items() if char)
        if not children:
            return ""
        parts = [re.escape(char) + render(child) for char, child in children]
        body = parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"
        if "" in node:
            return body + "?" if len(parts) == 1 and len(parts[0]) == 1 else f"(?:{body})?"
        return body

    return render(root) if root else ""


class Substrings:
    kind = "substrings"

    def __init__(self, terms: list[str], harmless: list[str], fold: dict[str, str] | None = None):
        self.fold = {k: v for k, v in (fold or {}).items() if len(k) == 1}
        self.fold_re = re.compile("|".join(map(re.escape, self.fold))) if self.fold else None
        kept = {squeezed(t, self.fold) for t in terms if t}
        self.terms = sorted(t for t in kept if t and not _NOT_KEPT.search(t))
        self.harmless = sorted({squeezed(h, self.fold) for h in harmless if h} - {""},
                               key=lambda h: (-len(h), h))
        self.term_re = re.compile(trie_pattern(self.terms)) if self.terms else None
        self.harmless_re = (re.compile(trie_pattern(self.harmless, longest=True))
                            if self.harmless else None)

    def value(self, _words: list[str], text: str) -> float:
        if self.term_re is None:
            return 0.0
        kept = squeezed(text, self.fold, self.fold_re)
        if self.harmless_re is not None:
            kept = self.harmless_re.sub("", kept)
        kept = _NOT_KEPT.sub("", kept)
        return 1.0 if self.term_re.search(kept) else 0.0


def lexicon_from_json(text: str) -> WordPrior | Substrings:
    data = json.loads(text)
    kind = data.get("kind")
    if kind == WordPrior.kind:
        return WordPrior(data["terms"])
    if kind == Substrings.kind:
        return Substrings(data["terms"], data.get("harmless", []), data.get("fold"))
    raise ValueError(f"unknown lexicon kind {kind!r}")
