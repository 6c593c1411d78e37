"""Triage evaluation: the accuracy figures in docs/triage.md.

    .venv/bin/python bench/triage_eval.py [--parts held-out,calibration,false-alarms,unseen]
        [--unseen-models en_toxicity,ko_toxicity,spam] [--compare-priors]

1. Held-out parts: each source's held-out part (20 %, whole Fox News articles;
   rows the shipped models never saw) is written to a temporary CSV outside
   the repository and scored with ``tribune triage evaluate``.
2. Unseen sources: models trained (``train_model``, same recipe) on some
   sources only, then ``tribune triage evaluate --models DIR`` on every row of
   a source training never saw: English Davidson → Fox News and back, Korean
   BEEP! → K-MHaS and back, spam: each YouTube video left out in turn.
3. Calibration of the shipped models on the held-out parts: Brier score and a
   reliability table (predicted probability against the share that was
   labelled offensive, hateful or spam).
4. False alarms: the share of Tribune's own ordinary, civil comments
   (bench/data/ordinary_*.txt, written for these tests) that the shipped
   models flag at each threshold in use, and what the whole triage makes of
   them (priority and labels).

Needs ../shared/data and the ``train`` extra for part 2.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SCRATCH = Path(tempfile.mkdtemp(prefix="triage-eval-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tribune.settings")

import django  # noqa: E402

django.setup()

from tribune.triage.training.datasets import DATASETS, rows, split_dataset  # noqa: E402

LANGS = {"en_toxicity": "en", "ko_toxicity": "ko", "spam": "spam"}
TRIBUNE = str(Path(sys.executable).with_name("tribune"))
ORDINARY = {"en": ROOT / "bench" / "data" / "ordinary_en.txt",
            "ko": ROOT / "bench" / "data" / "ordinary_ko.txt"}
PARTS = ("held-out", "calibration", "false-alarms", "unseen")
BINS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001)


def write_csv(name: str, items) -> Path:
    path = SCRATCH / f"{name}.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        writer.writerows((item[0], item[1]) for item in items)
    return path


def evaluate_command(path: Path, lang: str, models: Path | None = None) -> str:
    command = [TRIBUNE, "triage", "evaluate", str(path), "--lang", lang]
    if models is not None:
        command += ["--models", str(models)]
    out = subprocess.run(command, capture_output=True, text=True, check=True,  # noqa: S603
                         cwd=SCRATCH).stdout
    shown = " ".join(command[1:]).replace(str(SCRATCH) + "/", "")
    print(f"\n$ tribune {shown}\n{out}", end="")
    return out.strip().splitlines()[-1]


def held_out_parts() -> dict[str, list]:
    """Each source's held-out part, as ``(text, label, row)``."""
    return {name: split_dataset(dataset, rows(dataset))[1] for name, dataset in DATASETS.items()}


def held_out_evaluation(parts: dict[str, list]) -> None:
    print("\n== 1. Held-out part of each source (never seen in training) ==")
    for name, test in parts.items():
        path = write_csv(f"{name}_held_out", test)
        evaluate_command(path, LANGS[DATASETS[name].model])


def unseen_sources(models: tuple[str, ...] = tuple(LANGS), compare: bool = False) -> None:
    """Train on some sources, evaluate on every row of one training never saw;
    with ``compare``, each also without the lexicons (``--no-priors``), side by
    side."""
    from tribune.triage.training.priors import PRIORS
    from tribune.triage.training.train import train_model

    print("\n== 2. Sources training never saw ==")
    runs: list[tuple[str, str, object, str, list]] = []
    for model in [m for m in ("en_toxicity", "ko_toxicity") if m in models]:
        names = [n for n, d in DATASETS.items() if d.model == model]
        for unseen in names:
            trained = [n for n in names if n != unseen]
            runs.append((model, f"{'+'.join(trained)} -> {unseen}",
                         lambda d, _r, trained=trained: d.name in trained, unseen,
                         rows(DATASETS[unseen])))
    spam = DATASETS["spam_youtube"]
    everything = rows(spam)
    for video in sorted({r["source"] for _t, _y, r in everything} if "spam" in models else ()):
        # The news comments the spam model learns as negatives stay in.
        runs.append(("spam", f"spam_youtube without {video} (+ en_foxnews negatives) -> {video}",
                     lambda d, r, video=video: d.name != spam.name or r["source"] != video,
                     video, [item for item in everything if item[2]["source"] == video]))
    for model, title, keep, unseen, test in runs:
        path = write_csv(f"unseen_{unseen}", test)
        for priors in (False, True) if compare and model in PRIORS else (True,):
            folder = SCRATCH / f"models-{model}-{unseen}-{'priors' if priors else 'plain'}"
            train_model(model, out=folder, keep=keep, say=lambda _line: None, priors=priors)
            print(f"\n-- {model}: trained on {title} (all {len(test)} rows)"
                  + ("" if priors else ", without the lexicons (--no-priors)"))
            evaluate_command(path, LANGS[model], folder)


def calibration(parts: dict[str, list]) -> None:
    from tribune.triage.classifier import model_load

    print("\n== 3. Calibration on the held-out parts (shipped models) ==")
    for model_name in LANGS:
        model = model_load(model_name)
        sources = [n for n, d in DATASETS.items() if d.model == model_name]
        for name in sources:
            scored = [(model.score(text), label) for text, label, _row in parts[name]]
            brier = sum((p - y) ** 2 for p, y in scored) / len(scored)
            base = sum(y for _p, y in scored) / len(scored)
            print(f"\n{model_name} on {name} held-out ({len(scored)} rows, {base:.0%} "
                  f"labelled 1): Brier {brier:.3f} (always saying {base:.2f}: "
                  f"{base * (1 - base):.3f})")
            print("  predicted   rows   mean predicted   share labelled 1")
            for low, high in zip(BINS, BINS[1:], strict=False):
                cell = [(p, y) for p, y in scored if low <= p < high]
                if cell:
                    mean = sum(p for p, _y in cell) / len(cell)
                    share = sum(y for _p, y in cell) / len(cell)
                    print(f"  {low:.1f}–{min(high, 1):.1f}   {len(cell):5d}   {mean:14.2f}   "
                          f"{share:16.2f}")


def ordinary_comments(lang: str) -> list[tuple[str, str]]:
    """``(topic, text)`` of the hand-written ordinary comments."""
    found, topic = [], ""
    for line in ORDINARY[lang].read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            topic = line[3:].strip()
        elif line.strip() and not line.startswith("#"):
            found.append((topic, line.strip()))
    return found


def false_alarms() -> None:
    from tribune.triage.classifier import model_load
    from tribune.triage.scoring import priority_of
    from tribune.triage.text_signals import text_signals

    print("\n== 4. False alarms on ordinary, civil news comments (bench/data/) ==")
    spam_model = model_load("spam")
    for lang in ("en", "ko"):
        comments = ordinary_comments(lang)
        model = model_load(f"{lang}_toxicity")
        flag, high = model.thresholds["flag"], model.thresholds["high"]
        signals = [text_signals(body=text, author="Reader", desk_language=lang)
                   for _topic, text in comments]
        toxicity = [s.toxicity or 0.0 for s in signals]
        spam = [s.spam for s in signals]
        n = len(comments)
        at_flag = sum(t >= flag for t in toxicity)
        at_high = sum(t >= high for t in toxicity)
        spam_flag = sum(s >= spam_model.thresholds["flag"] for s in spam)
        spam_high = sum(s >= spam_model.thresholds["high"] for s in spam)
        labelled = [priority_of(s) for s in signals]
        any_label = sum(1 for _p, labels in labelled if labels)
        print(f"\n{lang}: {n} comments; insult/hate model ({model.name}) at flag ≥ {flag:.2f}: "
              f"{at_flag} ({at_flag / n:.1%}), at high ≥ {high:.2f}: {at_high} "
              f"({at_high / n:.1%}); spam model at flag: {spam_flag} ({spam_flag / n:.1%}), "
              f"at high: {spam_high} ({spam_high / n:.1%}); "
              f"any label on the card: {any_label} ({any_label / n:.1%}); highest priority "
              f"{max(p for p, _l in labelled)}")
        topics: dict[str, list[float]] = {}
        for (topic, _text), t in zip(comments, toxicity, strict=True):
            topics.setdefault(topic, []).append(t)
        for topic, values in topics.items():
            print(f"  {topic:36s} {len(values):3d} comments, mean {sum(values) / len(values):.2f},"
                  f" flagged {sum(v >= flag for v in values)}")
        print("  highest scores:")
        ranked = sorted(zip(toxicity, comments, strict=True), reverse=True)[:5]
        for t, (_topic, text) in ranked:
            print(f"    {t:.2f}  {text}")
        flagged_spam = sorted(((s, text) for s, (_topic, text) in zip(spam, comments, strict=True)
                               if s >= spam_model.thresholds["flag"]), reverse=True)
        for s, text in flagged_spam:
            print(f"  spam {s:.2f}  {text}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--unseen-models", default=",".join(LANGS),
                        help="the models part 'unseen' retrains (default: all three)")
    parser.add_argument("--compare-priors", action="store_true",
                        help="part 'unseen' also trains each model without the lexicons")
    parser.add_argument("--parts", default=",".join(PARTS),
                        help=f"which parts, comma-separated (default: all of {', '.join(PARTS)};"
                             f" unseen trains seven models, a few minutes)")
    args = parser.parse_args()
    chosen = args.parts.split(",")
    unknown = set(chosen) - set(PARTS)
    if unknown:
        parser.error(f"unknown part(s): {', '.join(sorted(unknown))}")
    print(f"scratch directory: {SCRATCH}")
    parts = held_out_parts()
    if "held-out" in chosen:
        held_out_evaluation(parts)
    if "calibration" in chosen:
        calibration(parts)
    if "false-alarms" in chosen:
        false_alarms()
    if "unseen" in chosen:
        unseen_sources(tuple(args.unseen_models.split(",")), compare=args.compare_priors)


if __name__ == "__main__":
    main()
