"""Comments: what a reader may send, and what is kept of it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Protocol

from django.db import connection, transaction
from django.db.models import OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from tribune.core.errors import InvalidInput, PermissionDenied, TribuneError
from tribune.core.ids import parse_id
from tribune.core.text import clean_author, clean_body
from tribune.sites.models import Site, SiteOrigin
from tribune.sites.services import desk_get
from tribune.sites.url_rules import origin_of
from tribune.threads.models import Thread
from tribune.threads.services import (
    article_resolve,
    thread_get_or_create,
    thread_title_fill,
    title_clean,
)

from .batches import Recheck, _Job, batching_possible, comment_store
from .commenters import commenter_get_or_create, commenter_id_of, token_hash
from .models import Comment, Commenter, Status


class SubmissionEffects(Protocol):
    """What follows an accepted comment, declared by the submission's use case
    (:mod:`tribune.actions.submit`)."""

    def in_transaction(self, thread: Thread) -> bool:
        """Whether an effect on a comment of ``thread`` must run inside the
        transaction that writes it (rows that commit with it)."""

    def run(self, comment: Comment, *, held: dict | None) -> Comment:
        """The effects: inside the comment's transaction, or right after its
        commit when :meth:`in_transaction` said none must be inside."""


class SenderBar(Protocol):
    """A rule that bars a sender from a desk: moderation's bans of a commenter and
    restrictions of a network, registered by moderation (a package above) in its
    ``AppConfig.ready`` with :func:`sender_bar_register`. Every submission asks
    each registered rule, in the form its path needs; the three must agree."""

    def refuse(self, *, commenter_token: str, network_hash: str, desk_id: int,
               shared_exits: bool) -> None:
        """Raise ``PermissionDenied``, saying why, when the rule bars the sender
        (one submission; from memory outside a transaction, else the database)."""

    def barred(self, *, senders: list[tuple[str, str, int, bool]]) -> list[bool]:
        """For each sender (token hash, network hash, desk id, whether the site's
        readers come through shared exits), whether the rule bars them, read
        from the database in a fixed number of queries (a batch's check)."""

    def sql_passes(self, quote_name: Callable[[str], str]) -> str:
        """The rule as an SQL condition, true when the sender passes, inside the
        batch's one statement (:data:`_BATCH_WRITE_SQL`): on the row ``job``
        (``token_hash``, ``network_hash``), its thread ``t`` (``desk_id``) and
        site ``s`` (``shared_exits``), the time as ``%(now)s``; tables named with
        ``quote_name``."""


_SENDER_BARS: list[SenderBar] = []


def sender_bar_register(bar: SenderBar) -> None:
    """Have every submission obey ``bar``; registering twice is harmless."""
    if bar not in _SENDER_BARS:
        _SENDER_BARS.append(bar)


def comment_write(
    *,
    url: object,
    author: object,
    body: object,
    parent: object = None,
    title: object = None,
    desk: object = None,
    commenter_token: str,
    commenter_is_new: bool = False,
    network_hash: str = "",
    held: dict | None = None,
    effects: SubmissionEffects,
) -> Comment:
    """Accept a reader's comment into the moderation queue, and run its
    ``effects`` (the use case's: :func:`tribune.actions.submit.comment_submit`).

    Everything is validated before anything is written: a refusal
    (``InvalidInput``, ``NotFound``, ``PermissionDenied``) leaves no trace. When
    this returns, the comment is committed (durable) with status ``pending``,
    or ``approved`` on a post-moderated thread. ``title`` and ``desk`` come from the
    embedding page: a thread made by this comment gets them; an existing thread
    only gains a title it lacks. ``commenter_is_new``: the token was made for this
    submission (:func:`~tribune.comments.commenters.commenter_token_for_submission`),
    so no commenter can have it yet. ``held``: why the comment is held for a
    moderator although accepted (a triage label from
    :func:`tribune.abuse.timing.submission_weigh`): it stays pending even on a
    post-moderated thread, and is triaged in this transaction with that label,
    so the moderator sees why.

    Safety state is obeyed everywhere at once: on PostgreSQL, where other hosts
    may have just banned the sender, closed the thread or removed the site, the
    site, the thread and the bans are read from the database inside the
    transaction that writes the comment, not from this process's memory. A
    plain submission is first weighed against memory and, if nothing refuses
    it, written in the next batch of this process (a group commit), whose
    transaction reads the thread, its site's origins and policy and the
    sender's bans again before its inserts (:func:`_batch_check`); anything
    memory or that check refuses is submitted again in a transaction of its own
    (what processes remember is not used inside a transaction), so that every
    refusal is the database's and says why. On SQLite every process of the one
    host has heard of a change before its call answered (stamp files), so memory
    is enough there and the write lock is held for the inserts only.

    A submission is written in a batch when it needs nothing but its own rows
    (an existing thread with its title, ``effects`` with nothing to write inside
    the transaction, no ``held``); its effects then run right after the batch's
    commit. Either way the same ``effects.run`` follows every comment.
    """
    arguments = {"url": url, "author": author, "body": body, "parent": parent, "title": title,
                 "desk": desk, "commenter_token": commenter_token,
                 "commenter_is_new": commenter_is_new, "network_hash": network_hash,
                 "held": held, "effects": effects}
    if connection.vendor == "postgresql":
        if held is None and batching_possible():
            try:
                comment = _submit(**arguments, batch_only=True)
            except (TribuneError, Recheck):
                comment = None  # memory or the batch's check refused: the strict path says
            if comment is not None:
                return comment
        try:
            with transaction.atomic():
                return _submit(**arguments)
        except PermissionDenied as refusal:
            if refusal.code == "thread_closed":
                # A thread past its closing time is closed as it is found, and the
                # refusal rolled that back: resolve again outside its transaction so
                # the closing is kept (and its render says so).
                article_resolve(url=url)
            raise
    return _submit(**arguments)


def _submit(*, url: object, author: object, body: object, parent: object, title: object,
            desk: object, commenter_token: str, commenter_is_new: bool,
            network_hash: str, held: dict | None, effects: SubmissionEffects,
            batch_only: bool = False) -> Comment | None:
    """The submission; with ``batch_only`` (PostgreSQL), None unless it was plain
    and written in a batch."""
    ref = article_resolve(url=url)
    # Validated here, before the write transaction (SQLite holds its write lock
    # from BEGIN): nothing but the inserts below runs under it.
    chosen_desk = desk_get(code=desk) if desk not in (None, "") and ref.thread is None else None
    title_clean(title)
    clean_name = clean_author(author)
    clean_text = clean_body(body, max_length=ref.site.body_max_length)
    parent_id = None if parent in (None, "") else parse_id(parent, field="parent")
    if ref.thread is not None and not ref.thread.is_open:
        raise PermissionDenied(
            _("Comments on this article are closed."), field="url", code="thread_closed"
        )
    # A ban of the commenter, or a moderator's restriction of their network.
    for bar in _SENDER_BARS:
        bar.refuse(
            commenter_token=commenter_token, network_hash=network_hash,
            desk_id=ref.thread.desk_id if ref.thread is not None else ref.site.default_desk_id,
            shared_exits=ref.site.shared_exits,
        )
    if parent_id is not None:
        visible_parent = (
            ref.thread is not None
            and Comment.objects.filter(
                pk=parent_id, thread=ref.thread, status=Status.APPROVED
            ).exists()
        )
        if not visible_parent:
            raise InvalidInput(
                _("The comment you are replying to does not exist under this article."),
                field="parent",
                code="unknown_parent",
            )

    if held is None and _plain(ref, title, effects):
        # Most submissions: written in the next batch (tribune.comments.batches).
        thread = ref.thread
        postgres = connection.vendor == "postgresql"
        comment = Comment(
            thread=thread, parent_id=parent_id, author=clean_name, body=clean_text,
            language=thread.desk.language, network_hash=network_hash,
            submitted_at=timezone.now(),
            # On PostgreSQL the batch's one upsert finds returning commenters too.
            commenter_id=None if commenter_is_new or postgres
            else commenter_id_of(commenter_token),
        )
        comment_store(comment=comment, token_hash=token_hash(commenter_token),
                      check=_batch_check if postgres else None,
                      write=_batch_write if postgres else None)
        return effects.run(comment, held=None)  # committed: the same effects after it
    if batch_only:
        return None

    # On PostgreSQL this is inside comment_submit's own transaction, which rolls
    # back whatever fails here: no savepoint (two round trips).
    with transaction.atomic(savepoint=connection.vendor != "postgresql"):
        if ref.thread is None:
            thread = thread_get_or_create(url=ref.url, title=title, desk=chosen_desk)
        else:
            thread = ref.thread
            if title not in (None, ""):
                thread_title_fill(thread=thread, title=title)
        comment = Comment.objects.create(
            thread=thread,
            parent_id=parent_id,
            commenter=commenter_get_or_create(commenter_token, new=commenter_is_new),
            author=clean_name,
            body=clean_text,
            language=thread.desk.language,
            network_hash=network_hash,
            submitted_at=timezone.now(),
        )
        comment = effects.run(comment, held=held)
    return comment


def _plain(ref, title: object, effects: SubmissionEffects) -> bool:
    """Whether a submission needs nothing but its own rows (and perhaps its
    commenter's) in its transaction, so that it can be written in a batch: an
    existing thread with its title, and no effect that must commit with it."""
    thread = ref.thread
    return (
        thread is not None
        and (title in (None, "") or bool(thread.title))
        and batching_possible()
        and not effects.in_transaction(thread)
    )


def _batch_check(jobs: list[_Job]) -> list[_Job]:
    """The jobs of a batch (PostgreSQL) that the database, read inside the batch's
    transaction, does not let through as they are: a thread gone, closed or past
    its closing time, an origin no longer its site's, a body over the site's
    limit now, a ban in force on the commenter or a moderator's restriction of
    their network (the registered :class:`SenderBar`). Three queries, whatever
    the size of the batch: the threads with their sites and origins, the bans,
    and the restrictions. Their senders are submitted again, one transaction
    each, and refused there with the right words."""
    # PostgreSQL's own expressions, needed on PostgreSQL only (django.contrib.postgres
    # imports psycopg when loaded).
    from django.contrib.postgres.expressions import ArraySubquery

    origins = SiteOrigin.objects.filter(site_id=OuterRef("site_id")).values("origin")
    threads = {thread.pk: thread for thread in Thread.objects.filter(
        pk__in={job.comment.thread_id for job in jobs}).select_related("site").annotate(
        origins=ArraySubquery(origins))}
    now = timezone.now()
    refused, senders = [], []
    for job in jobs:
        thread = threads.get(job.comment.thread_id)
        if (thread is None or not thread.is_open
                or thread.closes_at is not None and thread.closes_at <= now
                or origin_of(thread.url) not in thread.origins
                or len(job.comment.body) > thread.site.body_max_length):
            refused.append(job)
        else:
            senders.append((job, thread.desk_id, thread.site.shared_exits))
    asked = [(job.token_hash, job.comment.network_hash, desk_id, shared)
             for job, desk_id, shared in senders]
    barred = [False] * len(senders)
    for bar in _SENDER_BARS:
        barred = [before or now for before, now in
                  zip(barred, bar.barred(senders=asked), strict=True)]
    return refused + [job for (job, _desk, _shared), bar in zip(senders, barred, strict=True)
                      if bar]


# One statement for a whole batch on PostgreSQL, committed when it returns: the
# checks of _batch_check (the registered SenderBars' as their SQL conditions),
# the commenters' upsert and the comments' insert. Under load each round trip to
# the server waits for a backend that shares the cores, and a batch written with
# the ORM took six (BEGIN, threads, bans, commenters, comments, COMMIT): see
# docs/benchmarks.md. Its parameters are the jobs' values only; the table names
# are the models' (the bans' and restrictions' come with moderation's condition).
_BATCH_WRITE_SQL = """
WITH job (n, thread_id, parent_id, author, body, language, network_hash, submitted_at,
          token_hash, origin) AS (VALUES {rows}),
ok AS (
  SELECT job.* FROM job
  JOIN {thread} t ON t.id = job.thread_id
  JOIN {site} s ON s.id = t.site_id
  WHERE t.is_open AND (t.closes_at IS NULL OR t.closes_at > %(now)s)
    AND char_length(job.body) <= s.body_max_length
    AND EXISTS (SELECT 1 FROM {origin} o WHERE o.site_id = t.site_id AND o.origin = job.origin)
    {senders_pass}
),
c AS (
  INSERT INTO {commenter} (token_hash, created_at)
  SELECT DISTINCT token_hash, %(now)s FROM ok
  ON CONFLICT (token_hash) DO UPDATE SET token_hash = EXCLUDED.token_hash
  RETURNING id, token_hash
)
INSERT INTO {comment} (thread_id, parent_id, commenter_id, author, body, edited_body, status,
                       decision_clause, language, network_hash, submitted_at, decided_at,
                       published_at)
SELECT ok.thread_id, ok.parent_id, c.id, ok.author, ok.body, NULL, %(pending)s, NULL,
       ok.language, ok.network_hash, ok.submitted_at, NULL, NULL
FROM ok JOIN c ON c.token_hash = ok.token_hash ORDER BY ok.n
RETURNING id, commenter_id, submitted_at
"""
_NAMED = re.compile(r"%\((\w+)\)s")
_BATCH_ROW = ("(%s::integer, %s::bigint, %s::bigint, %s::text, %s::text, %s::text, %s::text, "
              "%s::timestamptz, %s::text, %s::text)")


def _batch_write(jobs: list[_Job]) -> list[_Job]:
    """Write a batch in one statement (PostgreSQL, outside any transaction: the
    statement is its own, durable when it returns) with the checks of
    :func:`_batch_check` in it; the jobs it refused are returned, the others
    carry their ids. A failure (a parent that does not exist, a commenter made
    meanwhile…) fails the whole statement, which writes nothing; the caller then
    writes the jobs one by one."""
    tables = {"thread": Thread, "site": Site, "origin": SiteOrigin,
              "commenter": Commenter, "comment": Comment}
    quote_name = connection.ops.quote_name
    sql = _BATCH_WRITE_SQL.format(
        rows=", ".join([_BATCH_ROW] * len(jobs)),
        senders_pass="".join(f"AND {bar.sql_passes(quote_name)}\n    "
                             for bar in _SENDER_BARS).rstrip(),
        **{name: quote_name(model._meta.db_table) for name, model in tables.items()})
    values: list[object] = []
    taken: set = set()
    for n, job in enumerate(jobs):
        comment = job.comment
        # Its answer is found by its submission time: one each in a batch.
        while comment.submitted_at in taken:
            comment.submitted_at += dt.timedelta(microseconds=1)
        taken.add(comment.submitted_at)
        values += [n, comment.thread_id, comment.parent_id, comment.author, comment.body,
                   comment.language, comment.network_hash, comment.submitted_at,
                   job.token_hash, origin_of(comment.thread.url)]
    # Named and positional parameters do not mix: the rows' come first (the
    # VALUES list opens the statement), then the named ones in their order.
    named = {"now": timezone.now(), "pending": Status.PENDING}
    params = values + [named[name] for name in _NAMED.findall(sql)]
    sql = _NAMED.sub("%s", sql)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    # Matched back by submission time (the statement cannot return the job's
    # number; the times were made distinct above).
    found = {submitted_at: (pk, commenter_id) for pk, commenter_id, submitted_at in rows}
    refused = []
    for job in jobs:
        comment = job.comment
        if comment.submitted_at not in found:
            refused.append(job)
            continue
        comment.pk, comment.commenter_id = found[comment.submitted_at]
        comment._state.adding = False
    return refused
