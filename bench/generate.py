"""Fill a Tribune database with generated threads and comments, fast.

    .venv/bin/python bench/generate.py --threads 100000 --comments 1000000 \\
        [--published-threads 1000] [--big 500] [--origin https://bench.example.org]

Threads are ``ORIGIN/t/1`` … ``ORIGIN/t/N`` (and ``ORIGIN/big`` with ``--big``). The
comments are spread evenly over the threads; those of the first
``--published-threads`` threads (and of the big thread) are approved and their
threads rendered with ``thread_publish``, as decisions would; all others are
pending, so they fill the moderation queue. Rows go in with ``executemany`` on
SQLite and ``COPY`` on PostgreSQL, in chunks, one transaction per chunk; every
column the models add later gets its model default.

The database is the one ``tribune`` uses (``DATABASE_URL`` or ``var/`` under the
working directory); run ``tribune migrate`` first.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tribune.settings")
import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from tribune.comments.models import Comment, Commenter, Status  # noqa: E402
from tribune.publishing.services import thread_publish  # noqa: E402
from tribune.sites.models import SiteOrigin  # noqa: E402
from tribune.sites.services import desk_get_or_create, site_create  # noqa: E402
from tribune.threads.models import Thread  # noqa: E402

CHUNK = 50_000
AGE_DAYS = 8
TEXT = ("a sentence or two of a reader's text, about the length of a typical comment "
        "under a news article, with a question at the end?")


def _columns(model, values: dict) -> tuple[list[str], list]:
    """Every concrete column but the id, with ``values`` or the model's default."""
    names, defaults = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        names.append(field.column)
        if field.name in values or field.attname in values:
            defaults.append(values.get(field.name, values.get(field.attname)))
        else:
            defaults.append(field.get_db_prep_save(field.get_default(), connection))
    return names, defaults


def _insert(table: str, names: list[str], rows: list[tuple]) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            columns = ", ".join(names)
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # noqa: S608
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(names))
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})", rows)  # noqa: S608


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--comments", type=int, required=True)
    parser.add_argument("--published-threads", type=int, default=0)
    parser.add_argument("--big", type=int, default=0)
    parser.add_argument("--origin", default="https://bench.example.org")
    args = parser.parse_args(argv)
    started = time.monotonic()

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:  # a bulk load is re-runnable, not precious
            cursor.execute("PRAGMA synchronous=OFF")
    origin_row = SiteOrigin.objects.select_related("site").filter(origin=args.origin).first()
    site = origin_row.site if origin_row else site_create(
        origins=[args.origin], name="Benchmark", desk=desk_get_or_create(code="en"))
    desk = site.default_desk
    commenter, _ = Commenter.objects.get_or_create(token_hash="b" * 64)
    # Generated comments are history: dated before triage's start-up sweep window
    # (tribune.triage.background.SWEEP_DAYS), as a real installation's comments
    # already carry their triage rows, so no server re-triages them under load.
    now = dt.datetime.now(dt.UTC) - dt.timedelta(days=AGE_DAYS)
    first_thread = (Thread.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1

    urls = [f"{args.origin}/t/{i}" for i in range(1, args.threads + 1)]
    if args.big:
        urls.append(f"{args.origin}/big")
    adapt = connection.ops.adapt_datetimefield_value
    names, template = _columns(Thread, {"site": site.pk, "desk": desk.pk, "url": "",
                                         "title": "", "created_at": adapt(now)})
    url_at, title_at = names.index("url"), names.index("title")
    for start in range(0, len(urls), CHUNK):
        rows = []
        for offset, url in enumerate(urls[start:start + CHUNK]):
            row = list(template)
            row[url_at], row[title_at] = url, f"Article {start + offset + 1}"
            rows.append(tuple(row))
        _insert(Thread._meta.db_table, names, rows)
    ids = dict(Thread.objects.filter(url__in=urls[:1]).values_list("url", "id"))
    base_id = ids[urls[0]]
    print(f"threads: {len(urls)} in {time.monotonic() - started:.1f}s (first id {base_id}, "
          f"expected {first_thread})", flush=True)

    names, template = _columns(Comment, {
        "thread": 0, "parent": None, "commenter": commenter.pk, "author": "Reader",
        "body": TEXT, "edited_body": None, "status": Status.PENDING, "language": "en",
        "network_hash": "", "submitted_at": now, "decided_at": None, "published_at": None,
        "decision_clause": None})
    at = {name: names.index(name) for name in (
        "thread_id", "status", "submitted_at", "decided_at", "published_at", "author")}
    published = set(range(base_id, base_id + args.published_threads))
    big_id = base_id + args.threads if args.big else None
    if big_id is not None:
        published.add(big_id)
    plan = [(base_id + (n % args.threads)) for n in range(args.comments)]
    plan.extend([big_id] * args.big if big_id else [])
    total = len(plan)
    for start in range(0, total, CHUNK):
        rows = []
        for n in range(start, min(start + CHUNK, total)):
            thread_id = plan[n]
            row = list(template)
            when = adapt(now - dt.timedelta(seconds=total - n))
            row[at["thread_id"]] = thread_id
            row[at["submitted_at"]] = when
            row[at["author"]] = f"Reader {n % 997}"
            if thread_id in published:
                row[at["status"]] = Status.APPROVED
                row[at["decided_at"]] = row[at["published_at"]] = when
            rows.append(tuple(row))
        _insert(Comment._meta.db_table, names, rows)
        print(f"comments: {min(start + CHUNK, total)}/{total} "
              f"({time.monotonic() - started:.1f}s)", flush=True)
    for thread in Thread.objects.select_related("desk").filter(pk__in=published):
        thread_publish(thread=thread)
    print(f"done: {len(urls)} threads, {total} comments, {len(published)} rendered, "
          f"in {time.monotonic() - started:.1f}s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
