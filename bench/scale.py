"""Latency at scale: one thread's read and the moderation queue's first page.

    cd WORKDIR && /path/to/.venv/bin/python /path/to/bench/scale.py

Run in the working directory of a database filled by ``bench/generate.py`` with
``--big 20`` (the measured thread: ORIGIN/big, 20 published comments) and the
rest pending. Prints one JSON line: the database's total comments and pending
count, and medians over repeated calls of

* ``read_warm_ms``: ``published_render`` answered from the render store (what a
  reader's request costs in steady state),
* ``read_cold_ms``: the same with no store (every read asks the database: one
  origin, one thread and one render-row lookup),
* ``queue_first_page_ms``: ``queue_page`` for an administrator (50 oldest pending
  comments, with their threads, desks and sites).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tribune.settings")
import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402

from tribune.comments.models import Comment, Status  # noqa: E402
from tribune.moderation.selectors import queue_page  # noqa: E402
from tribune.publishing.selectors import published_render  # noqa: E402
from tribune.publishing.store import store, store_at  # noqa: E402

ORIGIN = sys.argv[1] if len(sys.argv) > 1 else "https://bench.example.org"


def median_ms(call, runs: int) -> float:
    call()  # warm caches (and the store) first
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 3)


def main() -> None:
    url = f"{ORIGIN}/big"
    User = get_user_model()
    admin = User.objects.filter(is_superuser=True).first() or User.objects.create(
        username="scale-admin", is_staff=True, is_superuser=True)
    total = Comment.objects.count()
    pending = Comment.objects.filter(status=Status.PENDING).count()
    assert published_render(url=url).count == 20, "run generate.py with --big 20 first"
    store().epoch()
    warm = median_ms(lambda: published_render(url=url), 2000)
    with store_at(None):
        cold = median_ms(lambda: published_render(url=url), 300)
    queue = median_ms(lambda: queue_page(user=admin), 30)
    print(json.dumps({"database": connection.vendor, "comments": total, "pending": pending,
                      "read_warm_ms": warm, "read_cold_ms": cold,
                      "queue_first_page_ms": queue}))


if __name__ == "__main__":
    main()
