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

On PostgreSQL each process's writer thread makes the batches (a group commit):
one submission alone took about ten round trips to the server (BEGIN, site,
thread, bans, commenter, comment, webhooks, queue alert, COMMIT), each a wait
for a backend that shares the machine's cores. Other hosts may have banned the
sender, closed the thread or removed the site's origin since this process last
heard of it, so each job carries a ``check`` that the writer runs *inside* the
batch's transaction, before the inserts, against what the database holds then:
a job it refuses is left out of the batch and carries :class:`Recheck`, for
its caller to submit it again on the strict path (one transaction of its own,
which then refuses it with the right words). New and returning commenters are
one ``INSERT … ON CONFLICT`` for the batch. Jobs that also carry a ``write``
are written by it instead: the checks, the commenters and the comments in one
statement, one round trip for the batch (six with the ORM's transaction).

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
from collections.abc import Callable

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
# A writer thread closes its database connection after this long without work.
IDLE_SECONDS = 1.0


class Recheck(Exception):  # noqa: N818 — an answer to act on, not a failure
    """A job's ``check`` refused it inside the batch's transaction: nothing of it
    was written; its caller submits it again on the strict path."""


# Called inside a batch's transaction with the jobs that carry it; returns the
# jobs it refuses (written in no batch).
Check = Callable[[list["_Job"]], list["_Job"]]
# Checks and writes a whole batch in one statement, committed when it returns
# (no transaction of the caller's); returns the jobs it refused, and leaves the
# others with their ids. Used when every job of a batch carries the same one.
Write = Callable[[list["_Job"]], list["_Job"]]


class _Job:
    __slots__ = ("check", "comment", "done", "error", "new_commenter", "token_hash", "write")

    def __init__(self, comment: Comment, token_hash: str, check: Check | None = None,
                 write: Write | None = None):
        self.comment = comment
        self.token_hash = token_hash
        self.check = check
        self.write = write
        self.new_commenter = comment.commenter_id is None
        self.done: threading.Event | None = None  # made by the writer thread's store()
        self.error: BaseException | None = None

    def forget(self) -> None:
        """Back to unsaved after a rollback (ids given by it are void)."""
        self.comment.pk = None
        self.comment._state.adding = True
        if self.new_commenter:
            self.comment.commenter_id = None


def _checked(jobs: list[_Job]) -> list[_Job]:
    """The jobs their checks let through (run in the caller's transaction); the
    others carry :class:`Recheck` and are left unsaved."""
    refused: set[int] = set()
    by_check: dict[Check, list[_Job]] = {}
    for job in jobs:
        if job.check is not None:
            by_check.setdefault(job.check, []).append(job)
    for check, checked in by_check.items():
        refused.update(id(job) for job in check(checked))
    for job in jobs:
        if id(job) in refused:
            job.forget()
            job.error = Recheck()
    return [job for job in jobs if id(job) not in refused]


def _store_batch(jobs: list[_Job]) -> None:
    """Commenters still to be made, then the comments: two inserts."""
    new = {job.token_hash: Commenter(token_hash=job.token_hash)
           for job in jobs if job.comment.commenter_id is None}
    if connections[DEFAULT_DB_ALIAS].vendor == "postgresql":
        # Returning commenters too (their id is not looked up before): ON CONFLICT
        # DO UPDATE returns the existing row's id, where DO NOTHING returns none.
        Commenter.objects.bulk_create(new.values(), update_conflicts=True,
                                      unique_fields=["token_hash"],
                                      update_fields=["token_hash"])
    else:
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
            try:
                batch = [self.jobs.get(timeout=IDLE_SECONDS)]
            except queue.Empty:
                # Idle: a server connection is not held for nothing (and a test
                # database can be dropped once its tests are over).
                connections[DEFAULT_DB_ALIAS].close()
                continue
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
    carries its error and is left unsaved. A batch whose jobs carry the same
    ``write`` is written by it instead, in one statement."""
    writes = {job.write for job in batch}
    try:
        if len(writes) == 1 and None not in writes:
            (write,) = writes
            refused = {id(job) for job in write(batch)}
            for job in batch:
                if id(job) in refused:
                    job.forget()
                    job.error = Recheck()
            return
        with transaction.atomic():
            accepted = _checked(batch)
            _store_batch(accepted)
        return
    except Exception:
        if len(batch) > 1:
            log.warning("a batch of %d comments failed; writing them one by one", len(batch))
        for job in batch:  # nothing of the batch was kept
            job.forget()
            job.error = None
    for job in batch:
        try:
            with transaction.atomic():
                if _checked([job]):
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
    :func:`batch_database` or PostgreSQL (unless ``TRIBUNE_BATCH_SUBMISSIONS=0``),
    outside any transaction of the caller's."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.in_atomic_block:
        return False
    if connection.vendor == "postgresql":
        return settings.TRIBUNE_BATCH_SUBMISSIONS
    return batch_database() is not None


# Sends a job to the host's writer process (tribune.comments.writer): True once
# committed there, False if none took it. The writer sits above this module (it
# commits with commit_jobs), so it registers itself from the app's ready().
_host_writer: Callable[[_Job], bool] | None = None


def host_writer_register(send: Callable[[_Job], bool]) -> None:
    """Route jobs without a check to ``send`` (the host's writer process) first."""
    global _host_writer
    _host_writer = send


def comment_store(*, comment: Comment, token_hash: str, check: Check | None = None,
                  write: Write | None = None) -> Comment:
    """Insert ``comment`` (and its commenter, when ``comment.commenter_id`` is
    None, from ``token_hash``) in the next batch; returns once it is committed,
    with its id. Raises what its insert raised; nothing of it is then stored.
    ``check`` runs inside the batch's transaction before the inserts (see
    :data:`Check`); a job it refuses raises :class:`Recheck`. ``write`` (:data:`Write`)
    writes a batch of such jobs in one statement instead. A job with a check
    is written by this process's writer thread, never sent to the host's writer
    process (the wire carries no function). Call only when :func:`batching_possible`."""
    job = _Job(comment, token_hash, check, write)
    if check is None and _host_writer is not None and _host_writer(job):
        return comment  # the host's writer process took it
    global _writer
    with _writer_lock:
        if _writer is None or _writer.pid != os.getpid():  # first use, or after a fork
            _writer = _Writer()
        writer = _writer
    writer.store(job)
    return comment
