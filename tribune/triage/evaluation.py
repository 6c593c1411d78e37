"""Evaluation of a shipped model on labelled rows (``tribune triage evaluate``)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from tribune.core.errors import InvalidInput

from .classifier import LinearModel


@dataclass(frozen=True)
class AtThreshold:
    name: str
    threshold: float
    precision: float
    recall: float
    flagged: int


@dataclass(frozen=True)
class Evaluation:
    rows: int
    positives: int
    at: list[AtThreshold]
    roc_auc: float


def roc_auc(scores: list[float], labels: list[int]) -> float:
    """Area under the ROC curve (Mann–Whitney U, ties counted half)."""
    order = sorted(range(len(scores)), key=scores.__getitem__)
    ranks = [0.0] * len(scores)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and scores[order[j + 1]] == scores[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    positives = sum(labels)
    negatives = len(labels) - positives
    rank_sum = sum(r for r, y in zip(ranks, labels, strict=True) if y == 1)
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def read_rows(path: Path) -> list[tuple[str, int]]:
    """``(text, label)`` from a CSV with columns ``text`` and ``label`` (0 or 1)."""
    try:
        handle = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115
    except OSError as error:
        raise InvalidInput(f"Cannot read {path}: {error.strerror}.", field="file") from None
    with handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or not {"text", "label"} <= set(reader.fieldnames):
            raise InvalidInput(f"{path} needs the columns text and label.", field="file")
        rows = []
        for line, row in enumerate(reader, start=2):
            label = (row["label"] or "").strip()
            if label not in ("0", "1"):
                raise InvalidInput(f"{path}, line {line}: label must be 0 or 1, not {label!r}.",
                                   field="label")
            rows.append((row["text"] or "", int(label)))
    positives = sum(y for _, y in rows)
    if not positives or positives == len(rows):
        raise InvalidInput(f"{path} needs rows of both labels (0 and 1).", field="label")
    return rows


def evaluate(model: LinearModel, rows: list[tuple[str, int]]) -> Evaluation:
    scores = [model.score(text) for text, _ in rows]
    labels = [y for _, y in rows]
    at = []
    for name, threshold in sorted(model.thresholds.items(), key=lambda item: item[1]):
        flagged = [y for s, y in zip(scores, labels, strict=True) if s >= threshold]
        hits = sum(flagged)
        at.append(AtThreshold(
            name=name, threshold=threshold,
            precision=hits / len(flagged) if flagged else 0.0,
            recall=hits / sum(labels), flagged=len(flagged),
        ))
    return Evaluation(rows=len(rows), positives=sum(labels), at=at,
                      roc_auc=roc_auc(scores, labels))
