"""The live queue: what changed in a moderator's queue since they last looked.

An open queue learns within a second or two that a comment arrived, that
another moderator decided one, or that another moderator has one open — on
every app host. Nothing new carries the news: the submission, the decision and
the opening bump the ``QUEUE`` stamp of :mod:`tribune.publishing.store` in their
own transaction (on PostgreSQL a ``publishing_version`` row announced with
``NOTIFY``; on SQLite a stamp file), and each open queue's stream
(:mod:`tribune.moderation.live_views`) watches that stamp in memory and, when it
moves, reads what changed from the database — the truth every host shares.

What changed is read against a :class:`Cursor` (the highest comment and
decision ids seen) with a short look-back, because ids are handed out before
their transactions commit and one may become visible after a higher one; the
page drops what it already has.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import threading
import time
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import connections, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tribune.comments.models import Comment, Status
from tribune.core.errors import NotFound
from tribune.core.ids import parse_id
from tribune.publishing.services import stamp_invalidate
from tribune.publishing.store import QUEUE, store

from .decided import decided_line
from .models import Decision, QueuePresence
from .permissions import comments_visible_to

# A moderator's open comment counts for this long after their page last said so
# (the page repeats it every PRESENCE_REPEAT seconds while the comment is open).
PRESENCE_SECONDS = 45
PRESENCE_REPEAT = 20
LOOKBACK = dt.timedelta(seconds=10)
EVENTS_MAX = 100


def queue_moved() -> None:
    """Record, in the current transaction, that the queue changed: once it
    commits, every open queue on every host looks again."""
    stamp_invalidate(QUEUE)


# Arrivals are announced at most this often per process (seconds). A flood's
# every comment bumping the stamp cost half the submission rate (docs/live-queue.md).
ARRIVALS_EVERY = 0.25


class _Arrivals:
    """Tells open queues that comments arrived, at most every
    :data:`ARRIVALS_EVERY` seconds per process, never later than that.

    The bump comes after the comment's commit, so a queue that sees the new
    stamp finds the comment in the database. The first arrival after a quiet
    spell bumps at once; those within the next :data:`ARRIVALS_EVERY` share one
    bump, made by a timer at its end.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last = 0.0
        self._timer: threading.Timer | None = None

    def arrived(self) -> None:
        transaction.on_commit(self._committed)

    def _committed(self) -> None:
        with self._lock:
            if self._timer is not None:
                return  # a bump is on its way and will cover this comment
            wait = self._last + ARRIVALS_EVERY - time.monotonic()
            if wait > 0:
                self._timer = threading.Timer(wait, self._later)
                self._timer.daemon = True
                self._timer.start()
                return
            self._last = time.monotonic()
        stamp_invalidate(QUEUE)

    def _later(self) -> None:
        with self._lock:
            self._timer = None
            self._last = time.monotonic()
        try:
            stamp_invalidate(QUEUE)
        finally:
            connections.close_all()  # the timer thread's own connection, if it made one


_arrivals = _Arrivals()
# A worker forked while a bump was pending would inherit a timer that never runs
# in it, and so never bump again: a child starts with no bump pending.
os.register_at_fork(after_in_child=_arrivals.__init__)


def queue_arrived() -> None:
    """Record, in the current transaction, that a comment arrives: once it
    commits, every open queue on every host looks again within
    :data:`ARRIVALS_EVERY` seconds."""
    _arrivals.arrived()


def queue_stamp() -> str:
    """The queue's stamp as this process knows it (memory on PostgreSQL, one
    ``stat`` on SQLite). Without a store (an in-memory database: nothing to
    share with other processes) the queue's own ids stand for it."""
    current = store()
    if not current.enabled:
        return str(cursor_now())
    return current.stamp(QUEUE)


@dataclass(frozen=True)
class Cursor:
    """How far a queue has seen: the highest comment id and decision id."""

    comment: int = 0
    decision: int = 0

    _FORM = re.compile(r"c(\d{1,19})d(\d{1,19})")

    @classmethod
    def parse(cls, text: object) -> Cursor | None:
        match = cls._FORM.fullmatch(str(text or "").strip())
        if match is None:
            return None
        return cls(int(match[1]), int(match[2]))

    def __str__(self) -> str:
        return f"c{self.comment}d{self.decision}"


def cursor_now() -> Cursor:
    """Where the queue stands now: what a page loaded now has seen."""
    comment = Comment.objects.aggregate(m=Max("id"))["m"] or 0
    decision = Decision.objects.aggregate(m=Max("id"))["m"] or 0
    return Cursor(comment, decision)


def presence_map(*, user: AbstractBaseUser) -> dict[int, str]:
    """The comments other moderators have open now, on the user's desks:
    ``{comment id: moderator's name}``."""
    since = timezone.now() - dt.timedelta(seconds=PRESENCE_SECONDS)
    rows = (QueuePresence.objects.filter(seen_at__gte=since, comment__in=comments_visible_to(user))
            .exclude(moderator=user).select_related("moderator").order_by("seen_at"))
    return {row.comment_id: row.moderator.get_username() for row in rows}


def queue_events(*, user: AbstractBaseUser, since: Cursor) -> tuple[Cursor, dict]:
    """What changed in the user's queue after ``since``: the pending comments
    that arrived, the decisions made (by anyone, on the user's desks), and who
    has which comment open. Returns the new cursor and the event's data."""
    horizon = timezone.now() - LOOKBACK
    visible = comments_visible_to(user)
    arrived = list(
        visible.filter(status=Status.PENDING)
        .filter(Q(pk__gt=since.comment) | Q(submitted_at__gte=horizon))
        .order_by("id").values_list("id", flat=True)[:EVENTS_MAX]
    )
    decisions = list(
        Decision.objects.filter(comment__in=visible)
        .filter(Q(pk__gt=since.decision) | Q(created_at__gte=horizon))
        .select_related("moderator", "comment").order_by("id")[:EVENTS_MAX]
    )
    cursor = Cursor(
        max([since.comment, *arrived]), max([since.decision, *(d.pk for d in decisions)])
    )
    latest: dict[int, Decision] = {}
    for decision in decisions:
        latest[decision.comment_id] = decision
    decided = [
        {"decision": d.pk, "comment": d.comment_id, "status": d.comment.status,
         "by_me": d.moderator_id == user.pk, "line": decided_line(d)}
        for d in latest.values()
    ]
    return cursor, {
        "arrived": arrived,
        "decided": decided,
        "open": {str(k): v for k, v in presence_map(user=user).items()},
    }


def presence_open(*, user: AbstractBaseUser, comment_id: object) -> None:
    """The moderator has ``comment_id`` open (or still has it: the page repeats
    it). Another desk's comment is ``NotFound``. Open queues hear of a newly
    opened comment at once; a repeat only keeps it marked."""
    comment_id = parse_id(comment_id, field="comment")
    if not comments_visible_to(user).filter(pk=comment_id).exists():
        raise NotFound(_("There is no comment %(id)s.") % {"id": comment_id})
    now = timezone.now()
    with transaction.atomic():
        row = QueuePresence.objects.select_for_update().filter(moderator=user).first()
        fresh = row is not None and row.seen_at >= now - dt.timedelta(seconds=PRESENCE_SECONDS)
        if row is None:
            QueuePresence.objects.create(moderator=user, comment_id=comment_id, seen_at=now)
        else:
            QueuePresence.objects.filter(pk=row.pk).update(comment_id=comment_id, seen_at=now)
        if row is None or row.comment_id != comment_id or not fresh:
            queue_moved()


def presence_close(*, user: AbstractBaseUser) -> None:
    """The moderator left the queue (or closed the comment)."""
    with transaction.atomic():
        if QueuePresence.objects.filter(moderator=user).delete()[0]:
            queue_moved()
