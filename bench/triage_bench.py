"""Triage benchmark and evaluation: the figures in docs/triage.md.

    .venv/bin/python bench/triage_bench.py [--quick] [--timing-only] [--baseline REF]

The accuracy figures (held-out parts, sources never seen, calibration, false
alarms) come from bench/triage_eval.py.

1. Time per comment of the text signals (all models, personal information,
   scripts, links…) and the priority, in-process, without any database work:
   p50 and p99.
2. Submission time with and without triage (triage after commit in the triage
   thread, and inside the submission), on a scratch SQLite database; and the
   time the triage thread spends per comment, its database work included.
3. A generated campaign mixed into ordinary traffic, submitted through
   ``comment_submit``: precision and recall of its cluster.
4. Dialect check of the English model on hand-written sentence pairs.

Needs ../shared/data (see tribune/triage/training/datasets.py).
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SCRATCH = Path(tempfile.mkdtemp(prefix="triage-bench-"))
os.environ["TRIBUNE_VAR_DIR"] = str(SCRATCH / "var")
os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tribune.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from tribune.triage.training.datasets import DATASETS, rows, split_dataset  # noqa: E402

# Written for this check (not from the data): the same neutral statement in
# African-American English and in Standard American English.
DIALECT_PAIRS = [
    ("he be working late every night at the shop", "he works late every night at the shop"),
    ("we finna go to the game after church", "we are about to go to the game after church"),
    ("she ain't never been to the new library", "she has never been to the new library"),
    ("they was at the meeting talking bout the budget",
     "they were at the meeting talking about the budget"),
    ("my cousin stay cooking for the whole block on sundays",
     "my cousin always cooks for the whole street on sundays"),
    ("that bus don't come on time no more", "that bus does not come on time any more"),
    ("i been told you the school reopened", "i told you long ago that the school reopened"),
    ("yall seen the new park by the river", "have you all seen the new park by the river"),
    ("it be hot in them classrooms in june", "it is usually hot in those classrooms in june"),
    ("we was just chilling at the market with the kids",
     "we were just relaxing at the market with the kids"),
    ("she finna start her new job at the clinic",
     "she is about to start her new job at the clinic"),
    ("he don't know nothing bout the election yet",
     "he does not know anything about the election yet"),
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def baseline_signals(ref: str):
    """``text_signals`` of git revision ``ref`` (its code and its model files),
    imported beside the current one as the package ``triage_baseline``, so that
    old and new are timed side by side in one run."""
    import importlib
    import importlib.util
    import io
    import subprocess
    import tarfile

    folder = SCRATCH / "baseline"
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref, "tribune/triage"],  # noqa: S603, S607
                             capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    package = folder / "tribune" / "triage"
    spec = importlib.util.spec_from_file_location(
        "triage_baseline", package / "__init__.py", submodule_search_locations=[str(package)])
    module = importlib.util.module_from_spec(spec)
    sys.modules["triage_baseline"] = module
    spec.loader.exec_module(module)
    importlib.import_module("triage_baseline.classifier").MODELS_PACKAGE = (
        "triage_baseline.models_data")
    return importlib.import_module("triage_baseline.text_signals").text_signals


def signal_timing(passes: int = 3, baseline: str | None = None) -> None:
    """Wall-clock time (what a reader would wait) and CPU time of this thread
    (immune to other processes on a busy machine) per comment, per pass. With
    ``baseline`` (a git revision), that revision's code and models are timed
    too, on the same comments, interleaved comment by comment."""
    from tribune.triage.scoring import priority_of
    from tribune.triage.text_signals import text_signals

    texts = []
    for name, lang in (("en_davidson", "en"), ("en_foxnews", "en"), ("ko_beep", "ko"),
                       ("ko_kmhas", "ko"), ("spam_youtube", "en")):
        _train, test = split_dataset(DATASETS[name], rows(DATASETS[name]))
        texts += [(t, lang, name) for t, _y, _r in test[:400]]
    versions = {"new": text_signals}
    if baseline:
        versions = {f"old ({baseline})": baseline_signals(baseline), "new": text_signals}
    for signals_of in versions.values():
        for text, lang, _name in texts[::20]:
            # Load the models and warm the hash caches, as a running server has.
            signals_of(body=text, author="Reader", desk_language=lang)
    print(f"\ntext signals + priority per comment, pure (no database), {len(texts)} "
          f"held-out comments (English, Korean, spam):")
    for number in range(1, passes + 1):
        wall: dict[str, list[float]] = {v: [] for v in versions}
        cpu: dict[str, list[float]] = {v: [] for v in versions}
        by_source: dict[str, dict[str, list[float]]] = {v: {} for v in versions}
        for text, lang, name in texts:
            for version, signals_of in versions.items():
                start, start_cpu = time.perf_counter(), time.thread_time()
                priority_of(signals_of(body=text, author="Reader", desk_language=lang))
                wall[version].append((time.perf_counter() - start) * 1000)
                cpu[version].append((time.thread_time() - start_cpu) * 1000)
                by_source[version].setdefault(name, []).append(cpu[version][-1])
        for version in versions:
            w, c = wall[version], cpu[version]
            print(f"  pass {number}, {version}: wall p50 {percentile(w, 0.5):.2f} ms, p99 "
                  f"{percentile(w, 0.99):.2f} ms, max {max(w):.2f} ms; CPU p50 "
                  f"{percentile(c, 0.5):.2f} ms, p99 {percentile(c, 0.99):.2f} ms")
            print("    CPU p99 by source: " + ", ".join(
                f"{name} {percentile(values, 0.99):.2f} ms"
                for name, values in by_source[version].items()))
        if baseline:
            old, new = (percentile(cpu[v], 0.99) for v in versions)
            print(f"    CPU p99 new / old: {new / old:.2f}")


def submission_overhead(n: int) -> None:
    """Median time of ``comment_submit`` (what the reader waits for) without
    triage, with triage after commit (the default) and with triage inside the
    submission, interleaved one by one so that drift (the database growing, other
    processes) touches all three alike. After each submission the bench waits for
    the triage thread to finish (not counted), so each submission meets an idle
    thread, as on a server that keeps up; the thread's own time is measured apart."""
    from django.conf import settings

    import tribune.actions.submit as submission
    import tribune.triage.scoring as triage_scoring
    from tribune.actions.submit import comment_submit
    from tribune.triage import background
    from tribune.triage.simulation import traffic

    texts = [t for t, _c in traffic(campaign=0, ordinary_count=max(n, 200), seed=11)]
    original, original_by_id = submission.comment_triage, triage_scoring.comment_triage_by_id
    thread_times: list[float] = []

    def timed_by_id(*, comment_id):
        start = time.perf_counter()
        try:
            return original_by_id(comment_id=comment_id)
        finally:
            thread_times.append((time.perf_counter() - start) * 1000)

    def submit(mode: str, index: int) -> float:
        settings.TRIBUNE_TRIAGE_MODE = "inline" if mode == "inline" else "thread"
        submission.comment_triage = ((lambda *, comment, extra_label=None: None)
                                     if mode == "none" else original)
        start = time.perf_counter()
        comment_submit(url=f"https://bench.example.org/{mode}", author="Reader",
                       body=texts[index % len(texts)], commenter_token=secrets.token_urlsafe(16),
                       network_hash=secrets.token_hex(8))
        elapsed = (time.perf_counter() - start) * 1000
        background.drain(timeout=30)
        return elapsed

    triage_scoring.comment_triage_by_id = timed_by_id
    times: dict[str, list[float]] = {"none": [], "thread": [], "inline": []}
    try:
        for index in range(20):
            submit("thread", index)  # warm up: models loaded, thread started
        thread_times.clear()
        for index in range(n):
            for mode in times:
                times[mode].append(submit(mode, index))
    finally:
        submission.comment_triage, triage_scoring.comment_triage_by_id = (
            original, original_by_id)
        settings.TRIBUNE_TRIAGE_MODE = "thread"
    base, after, inline = (statistics.median(times[m]) for m in ("none", "thread", "inline"))
    print(f"\nsubmission (comment_submit, SQLite WAL synchronous=FULL), median of {n} each, "
          f"interleaved:\n  without triage {base:.2f} ms\n  triage after commit "
          f"(TRIBUNE_TRIAGE_MODE=thread, the default) {after:.2f} ms "
          f"(+{100 * (after - base) / base:.1f}%)\n  triage inside the submission (inline) "
          f"{inline:.2f} ms (+{100 * (inline - base) / base:.1f}%)")
    print(f"  triage thread per comment (own transaction, database work included): "
          f"p50 {percentile(thread_times, 0.5):.2f} ms, p99 "
          f"{percentile(thread_times, 0.99):.2f} ms")


def campaign_clustering(campaign: int, ordinary_count: int) -> tuple[float, float, str]:
    from collections import Counter

    from tribune.actions.submit import comment_submit
    from tribune.triage import background
    from tribune.triage.models import CommentTriage
    from tribune.triage.selectors import cluster_line
    from tribune.triage.simulation import traffic

    commenters = [secrets.token_urlsafe(16) for _ in range(max(1, campaign * 2 // 5))]
    truth = {}
    for index, (text, is_campaign) in enumerate(traffic(campaign=campaign,
                                                        ordinary_count=ordinary_count, seed=5)):
        token = commenters[index % len(commenters)] if is_campaign else secrets.token_urlsafe(16)
        comment = comment_submit(url=f"https://bench.example.org/flood-{index % 4}",
                                 author="Reader", body=text, commenter_token=token)
        truth[comment.pk] = is_campaign
    background.drain(timeout=60)
    clusters = dict(CommentTriage.objects.filter(pk__in=truth).values_list("pk", "cluster_id"))
    votes = Counter(clusters[pk] for pk, flag in truth.items() if flag and clusters[pk])
    best = votes.most_common(1)[0][0] if votes else None
    members = {pk for pk, cluster in clusters.items() if cluster == best and best is not None}
    true_positive = sum(1 for pk in members if truth[pk])
    precision = true_positive / len(members) if members else 0.0
    recall = true_positive / sum(truth.values())
    stray = sum(1 for pk, cluster in clusters.items() if cluster and not truth[pk])
    line = ""
    if best is not None:
        from tribune.triage.models import Cluster

        line = cluster_line(Cluster.objects.get(pk=best))
    print(f"\ncampaign of {campaign} in {campaign + ordinary_count} comments: precision "
          f"{precision:.3f}, recall {recall:.3f}; ordinary comments put in any cluster: "
          f"{stray}\ncard line: {line}")
    return precision, recall, line


def dialect_check() -> None:
    from tribune.triage.classifier import model_load

    model = model_load("en_toxicity")
    aae = [model.score(a) for a, _s in DIALECT_PAIRS]
    sae = [model.score(s) for _a, s in DIALECT_PAIRS]
    flagged_aae = sum(s >= model.thresholds["flag"] for s in aae)
    flagged_sae = sum(s >= model.thresholds["flag"] for s in sae)
    print(f"\ndialect check ({len(DIALECT_PAIRS)} neutral pairs): mean score AAE "
          f"{statistics.mean(aae):.3f} vs SAE {statistics.mean(sae):.3f}; flagged AAE "
          f"{flagged_aae}, SAE {flagged_sae}")
    for (a, s), x, y in zip(DIALECT_PAIRS, aae, sae, strict=True):
        print(f"  {x:.2f} | {y:.2f}   {a}  /  {s}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="smaller runs")
    parser.add_argument("--timing-only", action="store_true",
                        help="only the time per comment of the pure scoring")
    parser.add_argument("--baseline", metavar="REF",
                        help="also time the pure scoring of this git revision (code and "
                             "models), interleaved with the current one")
    args = parser.parse_args()
    if args.timing_only:
        signal_timing(baseline=args.baseline)
        return
    call_command("migrate", verbosity=0)
    from tribune.core.testing import make_site

    make_site(origin="https://bench.example.org", name="Bench")
    print(f"scratch directory: {SCRATCH}")
    # The accuracy figures (held-out parts, unseen sources, calibration, false
    # alarms) are bench/triage_eval.py's.
    signal_timing(baseline=args.baseline)
    submission_overhead(100 if args.quick else 300)
    campaign_clustering(41, 300 if args.quick else 1000)
    dialect_check()


if __name__ == "__main__":
    main()
