"""``tribune triage worker``: triage in a process of its own, after the commit.

Under ``TRIBUNE_TRIAGE_MODE=worker`` the web processes only store a comment and
answer; this process finds the comments that have no triage yet and triages
them (:func:`tribune.triage.scoring.comment_triage_by_id`: reads outside any
transaction, a short write transaction), oldest first, at a lower CPU priority
than the web processes, so that a flood of submissions is taken in at full
speed and scored right after. ``tribune serve`` starts one; other deployments
run it as a service of its own.

On start it sweeps :data:`~tribune.triage.background.SWEEP_DAYS` days for
comments left without triage (at most
:data:`~tribune.triage.background.SWEEP_MAX`), as the triage thread does; then
it polls every :data:`POLL_SECONDS` (at once again after a full batch) for
comments of those days above the highest id it has seen, less :data:`LOOKBACK`: on
PostgreSQL ids are taken before commit, so a comment with a lower id may
become visible after a higher one. A comment whose triage failed twice is logged
(by id) and not tried again by this process; ``tribune triage backfill`` or the
next start picks it up. Several workers may run at once (several hosts on
PostgreSQL): a comment gets one triage row, whoever stores it first.

Its logs name comments by id only.
"""

from __future__ import annotations

import logging
import os
import time
from datetime import timedelta

from django.db import close_old_connections, connections
from django.db.backends.signals import connection_created
from django.db.models import Max
from django.utils import timezone

from tribune.comments.models import Comment
from tribune.core.companion import CompanionLoop

from . import scoring
from .background import SWEEP_DAYS, SWEEP_MAX

log = logging.getLogger("tribune.triage")

POLL_SECONDS = 0.2
BATCH = 100
LOOKBACK = 1000
NICENESS = 10
# Idle this long, the worker closes its database connections between polls and
# polls every IDLE_POLL_SECONDS, until there is work again.
IDLE_CLOSE_SECONDS = 30.0
IDLE_POLL_SECONDS = 1.0
# After a database error (not migrated yet, server restarting): wait, then retry.
ERROR_WAIT_SECONDS = (1.0, 2.0, 5.0, 10.0)


class Worker(CompanionLoop):
    """The worker's loop; :meth:`stop` (from a signal handler or another thread)
    ends it after the comment in hand."""

    def __init__(self, *, poll_seconds: float = POLL_SECONDS, batch: int = BATCH,
                 lookback: int = LOOKBACK, parent_pid: int | None = None):
        self.poll_seconds = poll_seconds
        self.batch = batch
        self.lookback = lookback
        super().__init__(parent_pid=parent_pid)
        self.failed: set[int] = set()
        self.high: int | None = None  # the highest comment id seen
        self.triaged = 0

    def run(self) -> None:
        log.info("triage worker started (pid %s)", os.getpid())
        connection_created.connect(_triage_connection, dispatch_uid="triage-worker-sync")
        connections.close_all()  # so that every connection gets the setting
        idle_since = time.monotonic()
        errors = 0
        try:
            while not self.stopping():
                try:
                    close_old_connections()  # CONN_MAX_AGE, and any broken connection
                    if self.high is None:
                        self.high = Comment.objects.aggregate(high=Max("pk"))["high"] or 0
                        self.triage_ids(self.sweep_ids())
                    ids = self.poll_ids()
                    self.triage_ids(ids)
                    errors = 0
                except Exception:
                    wait = ERROR_WAIT_SECONDS[min(errors, len(ERROR_WAIT_SECONDS) - 1)]
                    errors += 1
                    log.exception("triage worker: database error; trying again in %ss", wait)
                    connections.close_all()
                    self._stop.wait(wait)
                    continue
                if len(ids) >= self.batch:
                    idle_since = time.monotonic()
                    continue  # more may be waiting
                if ids:
                    idle_since = time.monotonic()
                if time.monotonic() - idle_since >= IDLE_CLOSE_SECONDS:
                    connections.close_all()
                    self._stop.wait(IDLE_POLL_SECONDS)
                else:
                    self._stop.wait(self.poll_seconds)
        finally:
            connections.close_all()
            log.info("triage worker stopped (pid %s): %s comment(s) triaged",
                     os.getpid(), self.triaged)

    def sweep_ids(self) -> list[int]:
        """Comments of the last days left without triage, oldest first."""
        since = _window_start()
        return list(
            Comment.objects.filter(triage__isnull=True, submitted_at__gte=since)
            .order_by("submitted_at", "id").values_list("pk", flat=True)[:SWEEP_MAX]
        )

    def poll_ids(self) -> list[int]:
        """Up to :attr:`batch` comments without triage above ``high - lookback``,
        oldest first (a range of the primary key, each looked up in the triage
        table by its primary key); moves ``high`` on. Like the sweep, it leaves
        comments older than ``SWEEP_DAYS`` to ``tribune triage backfill``: the
        look-back is for recent comments committed out of order, not for old
        ones without triage (imported, or from before triage) that happen to
        have the highest ids when the worker starts."""
        floor = max(self.high - self.lookback, 0)
        self.failed = {pk for pk in self.failed if pk > floor}
        since = _window_start()
        ids = list(
            Comment.objects.filter(pk__gt=floor, triage__isnull=True, submitted_at__gte=since)
            .exclude(pk__in=sorted(self.failed)).order_by("pk")
            .values_list("pk", flat=True)[:self.batch]
        )
        if ids:
            self.high = max(self.high, ids[-1])
        else:  # nothing to do below the newest comment: start from there
            self.high = max(self.high, Comment.objects.aggregate(high=Max("pk"))["high"] or 0)
        return ids

    def triage_ids(self, ids: list[int]) -> None:
        for comment_id in ids:
            if self.stopping():
                return
            if comment_id in self.failed:
                continue
            for attempt in range(2):
                if scoring.comment_triage_by_id(comment_id=comment_id) is not None:
                    self.triaged += 1
                    break
                if not Comment.objects.filter(pk=comment_id, triage__isnull=True).exists():
                    break  # deleted, or triaged by another worker at the same moment
                # It failed (the service logged why). Once more, for what passes
                # (a deadlock between workers on PostgreSQL, a lock timeout);
                # then not again in this process.
                if attempt:
                    self.failed.add(comment_id)
                    log.warning("triage worker: comment %s left for `tribune triage "
                                "backfill`", comment_id)


def _window_start():
    """The oldest submission time the worker triages (the sweep's window)."""
    return timezone.now() - timedelta(days=SWEEP_DAYS)


def _triage_connection(sender, connection, **kwargs) -> None:
    """On SQLite, the worker's commits do not wait for the disk
    (``synchronous=NORMAL``; readers' comments are still committed with FULL by
    the web processes). Its writes are derived from stored comments: one lost
    to a power cut leaves the comment without triage, and the next start's
    sweep triages it again; the database itself stays intact (WAL). Each
    commit is then a fraction of a millisecond of the single write lock the
    submissions need, instead of a wait for the disk."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=NORMAL")


def lower_priority() -> None:
    """Yield the CPU to the web processes when the machine is saturated."""
    try:
        os.nice(NICENESS)
    except (AttributeError, OSError):  # not on this platform, or not allowed
        log.warning("triage worker: could not lower its CPU priority")
