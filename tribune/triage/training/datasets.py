"""The training data in ``../shared/data/`` and the fixed held-out splits.

The data is read where it lies and never copied into the repository. Each
dataset is reduced to a binary label (1 = offensive, hateful or spam) and split
with a fixed seed so that training and evaluation (bench/) always see the same,
disjoint rows: class by class, or, for a source whose comments come in threads
(``group``: the Fox News article), whole threads at a time, so no thread has
comments on both sides. Pure Python, so the split does not depend on any
library's version.
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
    # The column naming the thread a comment belongs to, when the source has
    # threads: held-out parts and cross-validation folds keep each thread whole.
    group: str = ""
    # The column whose values cross-validation keeps whole, when it is not
    # ``group``: the spam collection's video, whose comments are one thread
    # each (its held-out part is still drawn row by row: three videos are too
    # few to hold one out, and bench/triage_eval.py leaves each out in turn).
    folds: str = ""

    @property
    def fold_column(self) -> str:
        return self.folds or self.group


DATASETS = {
    "en_davidson": Dataset("en_davidson", "en_davidson_train.csv",
                           frozenset({"offensive", "hate"}), frozenset({"neither"}),
                           "en_toxicity"),
    "en_foxnews": Dataset("en_foxnews", "en_foxnews_train.csv", frozenset({"hateful"}),
                          frozenset({"non-hateful"}), "en_toxicity", group="article"),
    "ko_beep": Dataset("ko_beep", "ko_beep_train.csv",
                       frozenset({"offensive", "hate"}), frozenset({"none"}), "ko_toxicity"),
    "ko_kmhas": Dataset("ko_kmhas", "ko_kmhas_valid.csv", frozenset({"hate"}),
                        frozenset({"none"}), "ko_toxicity"),
    "spam_youtube": Dataset("spam_youtube", "spam_youtube_train.csv",
                            frozenset({"spam"}), frozenset({"ham"}), "spam", folds="source"),
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


def split_groups(items: list, *, column: str, seed: int = SEED,
                 held_out: float = HELD_OUT) -> tuple[list, list]:
    """``(train, test)``: whole groups (``item[2][column]``, e.g. an article's
    thread) on one side or the other; groups are drawn in a seeded order until
    the held-out side has about ``held_out`` of the rows."""
    groups: dict[str, list] = {}
    for item in items:
        groups.setdefault(item[2][column], []).append(item)
    names = sorted(groups)
    random.Random(seed).shuffle(names)
    train, test = [], []
    target = held_out * len(items)
    for name in names:
        side = test if len(test) + len(groups[name]) / 2 <= target else train
        side.extend(groups[name])
    return train, test


def split_dataset(dataset: Dataset, items: list, *, seed: int = SEED,
                  held_out: float = HELD_OUT) -> tuple[list, list]:
    """The fixed ``(train, test)`` split of ``dataset``: by thread when it has
    threads, else stratified by label."""
    if dataset.group:
        return split_groups(items, column=dataset.group, seed=seed, held_out=held_out)
    return split(items, seed=seed, held_out=held_out)


def sources_of(model: str) -> list[Dataset]:
    """The datasets model ``model`` is trained on, in a fixed order."""
    return [dataset for dataset in DATASETS.values() if dataset.model == model]
