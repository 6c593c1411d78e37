"""Submissions written in batches: many comments made durable by one commit.

SQLite has one writer at a time, and each submission's transaction held that
writer for about 1.6 ms under load, most of it not the two inserts but the
hand-overs around them (every SQLite call lets the process's other threads run
first). On a file database, :func:`comment_store` hands the comment to one
writer thread per process instead: it takes every comment waiting, inserts
their new commenters with one multi-row ``INSERT`` and the comments with
another (``bulk_create``), commits once, and only then wakes each caller with
its comment's id. So "answered" still means "durable", and the write lock is
taken once per batch instead of once per comment (docs/benchmarks.md).

Under ``tribune serve`` the batches are made by one process for the whole host
instead, ``tribune writer`` (:mod:`tribune.comments.writer`), with the same
:func:`commit_jobs`; :func:`comment_store` sends each comment there, and uses
this process's writer thread only when no writer answers.

If a batch fails (a commenter made meanwhile by another process, a thread
deleted meanwhile), each of its comments is written again in a transaction of
its own, so one comment's error is that comment's alone. Only plain
submissions come here (see :func:`tribune.comments.services.comment_submit`):
what needs more rows in the same transaction (webhook deliveries, a queue
alert, a post-moderation decision, a new thread, inline triage) takes the
ordinary path.
"""

from __future__ import annotations

import logging
import os
import queue
import threading

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.utils import OperationalError

from .models import Comment, Commenter

log = logging.getLogger("tribune.comments")

# At most this many comments per commit; the rest wait for the next one.
BATCH_MAX = 64
# A caller waits at most this long (the writer itself waits at most the
# database timeout for the write lock, then reports "database is locked").
WAIT_SECONDS = 120.0


class _Job:
    __slots__ = ("comment", "done", "error", "new_commenter", "token_hash")

    def __init__(self, comment: Comment, token_hash: str):
        self.comment = comment
        self.token_hash = token_hash
        self.new_commenter = comment.commenter_id is None
        self.done: threading.Event | None = None  # made by the writer thread's store()
        self.error: BaseException | None = None

    def forget(self) -> None:
        """Back to unsaved after a rollback (ids given by it are void)."""
        self.comment.pk = None
        self.comment._state.adding = True
        if self.new_commenter:
            self.comment.commenter_id = None


def _store_batch(jobs: list[_Job]) -> None:
    """Commenters still to be made, then the comments: two inserts."""
    new = {job.token_hash: Commenter(token_hash=job.token_hash)
           for job in jobs if job.comment.commenter_id is None}
    Commenter.objects.bulk_create(new.values())
    for job in jobs:
        if job.comment.commenter_id is None:
            job.comment.commenter_id = new[job.token_hash].pk
    Comment.objects.bulk_create([job.comment for job in jobs])
    if any(job.comment.pk is None or job.comment.commenter_id is None for job in jobs):
        # A SQLite too old to return the ids of a multi-row insert (< 3.35).
        raise OperationalError("the ids of a batch were not returned")


def _store_one(job: _Job) -> None:
    if job.comment.commenter_id is None:
        commenter, _created = Commenter.objects.get_or_create(token_hash=job.token_hash)
        job.comment.commenter_id = commenter.pk
    job.comment.save(force_insert=True)


class _Writer:
    def __init__(self) -> None:
        self.pid = os.getpid()
        self.jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        threading.Thread(target=self._run, name="tribune-comment-writer", daemon=True).start()

    def store(self, job: _Job) -> None:
        job.done = threading.Event()
        self.jobs.put(job)
        if not job.done.wait(WAIT_SECONDS):
            raise OperationalError("the comment writer did not answer in time")
        if job.error is not None:
            raise job.error

    def _run(self) -> None:
        while True:
            batch = [self.jobs.get()]
            while len(batch) < BATCH_MAX:
                try:
                    batch.append(self.jobs.get_nowait())
                except queue.Empty:
                    break
            try:
                commit_jobs(batch)
            finally:
                for job in batch:
                    job.done.set()


def commit_jobs(batch: list[_Job]) -> None:
    """Write ``batch`` (:func:`_commit`); should the database itself fail, every
    job carries that error and the connection is closed, to be opened afresh."""
    try:
        _commit(batch)
    except Exception as error:  # not even one by one: the database is away
        for job in batch:
            job.forget()
            job.error = job.error or error
        connections[DEFAULT_DB_ALIAS].close()


def _commit(batch: list[_Job]) -> None:
    """Write ``batch`` in one transaction; if that fails, each comment in a
    transaction of its own (foreign keys are checked at commit, so a savepoint
    would not keep one bad comment from failing the others). A job that fails
    carries its error and is left unsaved."""
    try:
        with transaction.atomic():
            _store_batch(batch)
        return
    except Exception:
        if len(batch) > 1:
            log.warning("a batch of %d comments failed; writing them one by one", len(batch))
        for job in batch:  # nothing of the batch was kept
            job.forget()
    for job in batch:
        try:
            with transaction.atomic():
                _store_one(job)
        except Exception as error:  # that comment's alone
            job.forget()
            job.error = error


_writer: _Writer | None = None
_writer_lock = threading.Lock()


def batch_database() -> str | None:
    """The path of the SQLite file that comments are written to in batches, or
    None: another database, an in-memory one, or batches turned off
    (``TRIBUNE_BATCH_SUBMISSIONS=0``)."""
    connection = connections[DEFAULT_DB_ALIAS]
    if (connection.vendor != "sqlite" or connection.is_in_memory_db()
            or not settings.TRIBUNE_BATCH_SUBMISSIONS):
        return None
    return os.path.abspath(str(connection.settings_dict["NAME"]))


def batching_possible() -> bool:
    """Whether comments written now would go in a batch: a
    :func:`batch_database`, outside any transaction of the caller's."""
    return (batch_database() is not None
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block)


def comment_store(*, comment: Comment, token_hash: str) -> Comment:
    """Insert ``comment`` (and its commenter, when ``comment.commenter_id`` is
    None, from ``token_hash``) in the next batch; returns once it is committed,
    with its id. Raises what its insert raised; nothing of it is then stored.
    Call only when :func:`batching_possible`."""
    from .writer import send_to_writer

    job = _Job(comment, token_hash)
    if send_to_writer(job):  # the host's writer process, when it runs
        return comment
    global _writer
    with _writer_lock:
        if _writer is None or _writer.pid != os.getpid():  # first use, or after a fork
            _writer = _Writer()
        writer = _writer
    writer.store(job)
    return comment
