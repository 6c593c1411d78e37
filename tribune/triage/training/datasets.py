"""The training data in ``../shared/data/`` and the fixed held-out splits.

The data is read where it lies and never copied into the repository. Each
dataset is reduced to a binary label (1 = offensive, hateful or spam) and split
with a fixed seed, class by class, so that training and evaluation (bench/)
always see the same, disjoint rows. Pure Python, so the split does not depend
on any library's version.
"""

from __future__ import annotations

import csv
import os
import random
from dataclasses import dataclass
from pathlib import Path

SEED = 20261106
HELD_OUT = 0.2


@dataclass(frozen=True)
class Dataset:
    name: str
    file: str
    positive: frozenset[str]
    negative: frozenset[str]
    model: str


DATASETS = {
    "en_davidson": Dataset("en_davidson", "en_davidson_train.csv",
                           frozenset({"offensive", "hate"}), frozenset({"neither"}),
                           "en_toxicity"),
    "ko_beep": Dataset("ko_beep", "ko_beep_train.csv",
                       frozenset({"offensive", "hate"}), frozenset({"none"}), "ko_toxicity"),
    "spam_youtube": Dataset("spam_youtube", "spam_youtube_train.csv",
                            frozenset({"spam"}), frozenset({"ham"}), "spam"),
}


def data_dir() -> Path:
    """``TRIBUNE_TRIAGE_DATA``, else ``../shared/data`` beside the project."""
    configured = os.environ.get("TRIBUNE_TRIAGE_DATA")
    if configured:
        return Path(configured)
    project = Path(__file__).resolve().parents[3]
    return (project / ".." / "shared" / "data").resolve()


def rows(dataset: Dataset, folder: Path | None = None) -> list[tuple[str, int, dict]]:
    """``(text, label, row)`` for every row with a known label, in file order."""
    path = (folder or data_dir()) / dataset.file
    out = []
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["label"] in dataset.positive:
                out.append((row["text"], 1, row))
            elif row["label"] in dataset.negative:
                out.append((row["text"], 0, row))
    return out


def split(items: list, *, seed: int = SEED, held_out: float = HELD_OUT) -> tuple[list, list]:
    """``(train, test)``: a stratified split by the label at ``item[1]``."""
    rng = random.Random(seed)
    train, test = [], []
    for label in sorted({item[1] for item in items}):
        group = [item for item in items if item[1] == label]
        rng.shuffle(group)
        cut = round(len(group) * held_out)
        test.extend(group[:cut])
        train.extend(group[cut:])
    rng.shuffle(train)
    rng.shuffle(test)
    return train, test
