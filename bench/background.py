"""Background work: Tribune's after-commit daemon thread against django-tasks'
database backend (django-tasks-db) and Huey (its SQLite storage), side by side.

    python3 bench/background.py [--jobs 100] [--spacing 0.1] [--burst 1000] [--rounds 2]

What it measures, on one SQLite file in WAL mode with ``synchronous=FULL`` and
``BEGIN IMMEDIATE`` (Tribune's own settings), for each way in turn (the order
reversed from one round to the next):

- ``latency``: from the commit of a transaction that queued a job (as a decision
  queues its webhook) until the job starts, for ``--jobs`` jobs ``--spacing``
  seconds apart: p50, p99, max;
- ``tx/s``: transactions in a row, each writing a comment-like row and queueing
  its job (as a submission would queue its triage), ``--burst`` of them, before
  the worker starts (the cost of the enqueue in the submission's path, with
  nothing else running), then ``drain``: seconds from the worker's start until
  it has started every one of those jobs. ``comment-only`` is the baseline: the
  row alone, as a submission is written today (the triage worker finds new
  comments in the comment table itself).

The ways:

- ``thread``: today's pattern (``tribune/notifications/background.py``): the job
  is a row in the same transaction, and ``on_commit`` wakes a daemon thread of the
  same process, which reads the due rows;
- ``tasks-db-1s`` and ``tasks-db-0.1s``: ``django_tasks_db``: ``enqueue`` inside
  the transaction (its row commits with the comment); ``db_worker`` in a process of
  its own, polling every 1 s (its default) or 0.1 s;
- ``huey``: ``SqliteHuey`` in a file of its own, ``enqueue`` after the commit (its
  storage has its own connection, so the job cannot commit with the comment);
  ``huey_consumer`` in a process of its own, with its default polling.

It runs under its own venv, ``bench/.venv-tasks`` (made if missing: Django 5.2,
django-tasks 0.12.0, django-tasks-db 0.13.0, huey 3.5.4), so that Tribune's own
dependencies stay as they are. Results: ``bench/out/<time>-background/results.json``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
TASKS_VENV = BENCH / ".venv-tasks" / "bin"
BG_DIR = os.environ.get("BG_DIR", "")

# --- Django settings, when this module is DJANGO_SETTINGS_MODULE ----------------------
SECRET_KEY = "bench-only"  # noqa: S105 - a benchmark's throwaway database
USE_TZ = True
INSTALLED_APPS = ["django_tasks", "django_tasks_db"]
DATABASES = {"default": {
    "ENGINE": "django.db.backends.sqlite3",
    "NAME": f"{BG_DIR}/db.sqlite3",
    "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL",
                "transaction_mode": "IMMEDIATE", "timeout": 30},
}}
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
LOGGING_CONFIG = None


def _record(way: str, number: int) -> None:
    import time

    with open(f"{BG_DIR}/started-{way}.txt", "a") as handle:
        handle.write(f"{number} {time.time()}\n")


if BG_DIR and os.environ.get("BG_TASKS") == "1":
    from django_tasks import task

    @task()
    def tasks_job(way: str, number: int) -> None:
        _record(way, number)

if BG_DIR and os.environ.get("BG_HUEY") == "1":
    from huey import SqliteHuey

    huey = SqliteHuey(filename=f"{BG_DIR}/huey.sqlite3", fsync=True)

    @huey.task()
    def huey_job(way: str, number: int) -> None:
        _record(way, number)


# --- The run ---------------------------------------------------------------------------

def _venv() -> None:
    import subprocess

    if not (TASKS_VENV / "huey_consumer").exists():
        subprocess.run([sys.executable, "-m", "venv", str(TASKS_VENV.parent)],  # noqa: S603
                       check=True)
        subprocess.run([str(TASKS_VENV / "pip"), "install", "-q", "django==5.2.19",  # noqa: S603
                        "django-tasks==0.12.0", "django-tasks-db==0.13.0", "huey==3.5.4"],
                       check=True)


def main(argv: list[str]) -> None:
    import argparse
    import datetime as dt
    import json
    import statistics
    import subprocess
    import tempfile
    import threading
    import time

    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=100)
    parser.add_argument("--spacing", type=float, default=0.1)
    parser.add_argument("--burst", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    out = BENCH / "out" / (dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ") + "-background")
    out.mkdir(parents=True)
    folder = Path(tempfile.mkdtemp(prefix="tribune-bg-"))
    os.environ.update(BG_DIR=str(folder), BG_TASKS="1", BG_HUEY="1",
                      DJANGO_SETTINGS_MODULE="background", PYTHONPATH=str(BENCH))
    sys.path.insert(0, str(BENCH))
    import django

    django.setup()
    import background as bg  # this file, as the workers import it
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE comment (id INTEGER PRIMARY KEY, body TEXT, created REAL)")
        cursor.execute("CREATE TABLE outbox (id INTEGER PRIMARY KEY, way TEXT, number INTEGER,"
                       " sent INTEGER DEFAULT 0)")

    # Today's way: the row in the transaction, a daemon thread woken after commit.
    wake = threading.Event()
    stopping = threading.Event()

    def sender() -> None:
        from django.db import connections

        while not stopping.is_set():
            wake.wait(timeout=1.0)
            wake.clear()
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT id, way, number FROM outbox WHERE sent = 0")
                rows = cursor.fetchall()
                for _id, way, number in rows:
                    bg._record(way, number)
                if rows:
                    cursor.execute(f"UPDATE outbox SET sent = 1 WHERE id IN "  # noqa: S608
                                   f"({','.join(str(r[0]) for r in rows)})")
        connections.close_all()

    def queue(way: str, tag: str, number: int) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("INSERT INTO comment (body, created) VALUES (%s, %s)",
                           ["A reader's comment of an ordinary length, under an article.",
                            time.time()])
            if way == "comment-only":
                pass
            elif way == "thread":
                cursor.execute("INSERT INTO outbox (way, number) VALUES (%s, %s)",
                               [tag, number])
                transaction.on_commit(wake.set)
            elif way.startswith("tasks-db"):
                bg.tasks_job.enqueue(tag, number)
            else:  # huey: its own storage, so only once the comment is committed
                transaction.on_commit(lambda: bg.huey_job(tag, number))

    env = dict(os.environ)
    workers = {
        "comment-only": None,
        "thread": None,
        "tasks-db-1s": [str(TASKS_VENV / "python"), "-m", "django", "db_worker",
                        "--interval", "1", "--no-startup-delay"],
        "tasks-db-0.1s": [str(TASKS_VENV / "python"), "-m", "django", "db_worker",
                          "--interval", "0.1", "--no-startup-delay"],
        "huey": [str(TASKS_VENV / "huey_consumer"), "background.huey", "-w", "1", "-k",
                 "thread"],
    }

    def started(way: str) -> dict[int, float]:
        path = folder / f"started-{way}.txt"
        if not path.exists():
            return {}
        return {int(n): float(t) for n, t in
                (line.split() for line in path.read_text().splitlines() if line.strip())}

    def run_way(way: str, round_: int) -> dict:
        tag = f"{way}#{round_}"
        burst_tag = f"{tag}-burst"
        start = time.perf_counter()
        for number in range(args.burst):
            queue(way, burst_tag, number)
        seconds = time.perf_counter() - start
        result = {"tx_per_s": round(args.burst / seconds, 1)}
        if way == "comment-only":
            print(f"round {round_} {way:14} {result['tx_per_s']} tx/s", flush=True)
            return result
        log = open(out / f"{tag}.log", "w")  # noqa: SIM115 - closed below
        process = None
        thread = None
        start = time.perf_counter()
        if workers[way] is None:
            stopping.clear()
            thread = threading.Thread(target=sender, daemon=True)
            thread.start()
            wake.set()
        else:
            process = subprocess.Popen(workers[way], cwd=BENCH, stdout=log,  # noqa: S603
                                       env={**env, "BG_TASKS": "0" if way == "huey" else "1"},
                                       stderr=subprocess.STDOUT, start_new_session=True)
        try:
            deadline = time.monotonic() + 90
            while len(started(burst_tag)) < args.burst and time.monotonic() < deadline:
                time.sleep(0.05)
            drained = time.perf_counter() - start
            time.sleep(1.0)  # the worker is idle again
            committed = {}
            for number in range(args.jobs):
                queue(way, tag, number)
                committed[number] = time.time()
                time.sleep(args.spacing)
            deadline = time.monotonic() + 30
            while len(started(tag)) < args.jobs and time.monotonic() < deadline:
                time.sleep(0.1)
            begun = started(tag)
            waits = sorted(1000 * (begun[n] - committed[n]) for n in committed if n in begun)
        finally:
            if process is not None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=10)
            if thread is not None:
                stopping.set()
                wake.set()
                thread.join(timeout=10)
            log.close()

        def pct(p: float) -> float | None:
            return round(waits[min(len(waits) - 1, int(p * len(waits)))], 1) if waits else None

        result.update({"jobs_started": len(waits), "p50_ms": pct(0.5), "p99_ms": pct(0.99),
                       "max_ms": round(waits[-1], 1) if waits else None,
                       "drain_s": round(drained, 2),
                       "burst_jobs_started": len(started(burst_tag))})
        print(f"round {round_} {way:14} latency p50 {result['p50_ms']} ms  p99 "
              f"{result['p99_ms']} ms  max {result['max_ms']} ms  ({len(waits)}/{args.jobs}); "
              f"{result['tx_per_s']} tx/s with the enqueue; the burst's jobs all started "
              f"{result['drain_s']} s after the worker ({result['burst_jobs_started']})",
              flush=True)
        return result

    results: dict = {"jobs": args.jobs, "spacing": args.spacing, "burst": args.burst,
                     "rounds": []}
    order = list(workers)
    for round_ in range(1, args.rounds + 1):
        ways = order if round_ % 2 else list(reversed(order))
        results["rounds"].append({way: run_way(way, round_) for way in ways})
    summary = {}
    for way in order:
        tx = [r[way]["tx_per_s"] for r in results["rounds"]]
        p50 = [r[way]["p50_ms"] for r in results["rounds"] if r[way].get("p50_ms") is not None]
        base = [r["comment-only"]["tx_per_s"] for r in results["rounds"]]
        summary[way] = {
            "latency_p50_ms_median": statistics.median(p50) if p50 else None,
            "tx_per_s_median": statistics.median(tx),
            "tx_ratio_to_comment_only_by_round": [round(t / b, 2) for t, b in zip(tx, base,
                                                                              strict=True)],
        }
        print(f"{way:14} latency p50 (median of rounds) {summary[way]['latency_p50_ms_median']}"
              f" ms; tx/s {summary[way]['tx_per_s_median']}, against comment-only by round "
              f"{summary[way]['tx_ratio_to_comment_only_by_round']}", flush=True)
    results["summary"] = summary
    (out / "results.json").write_text(json.dumps(results, indent=2))
    print(f"results: {out / 'results.json'}")


if __name__ == "__main__":
    _venv()
    if Path(sys.prefix).resolve() != TASKS_VENV.parent.resolve():
        os.execv(TASKS_VENV / "python", [str(TASKS_VENV / "python"), __file__,  # noqa: S606
                                         *sys.argv[1:]])
    main(sys.argv[1:])
