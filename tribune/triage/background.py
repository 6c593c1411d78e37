"""Triage off the answer path: after the submission commits, in this process.

``TRIBUNE_TRIAGE_MODE`` (setting or environment variable) chooses when a new
comment is triaged:

* ``thread`` (the default): after the submitting transaction commits, the
  comment's id is handed to one daemon thread per process, which triages it in
  a transaction of its own (:func:`tribune.triage.scoring.comment_triage_by_id`).
  The reader's answer does not wait for it.
* ``worker``: not in the web process at all: a ``tribune triage worker``
  process (:mod:`tribune.triage.worker`) finds the committed comments without
  triage and triages them. ``tribune serve`` starts one and runs its web
  workers in this mode.
* ``inline``: inside the submitting transaction, before the answer (the test
  suite uses it: its transactions never commit).
* ``off``: not at submission; only ``tribune triage backfill`` triages.

Nothing is lost if the process dies between the commit and the triage: the
comment simply has no triage row (the queue shows it, unscored, after the
scored ones), and it is triaged by the first triage thread that starts in any
process (it first sweeps :data:`SWEEP_DAYS` days for comments without triage)
or by ``tribune triage backfill``. The thread lives as long as the process
(it closes its database connection when idle); before the process exits it
waits (at most :data:`EXIT_WAIT_SECONDS`) for what is queued. Triage
never publishes anything, whenever it runs.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from collections import deque

from django.conf import settings
from django.db import connections, transaction

from tribune.comments.models import Comment

from . import scoring
from .models import CommentTriage

log = logging.getLogger("tribune.triage")

MODES = ("thread", "worker", "inline", "off")
SWEEP_DAYS = 7
SWEEP_MAX = 1000
EXIT_WAIT_SECONDS = 30.0
# The thread starts on the batch this long after it is woken, so that the
# submitting request finishes its answer first (both need the interpreter
# lock) and a flood is taken in batches.
BATCH_DELAY_SECONDS = 0.01
# The thread keeps its database connection while busy; idle this long, it
# closes it.
IDLE_CLOSE_SECONDS = 30.0

_pending: deque[int] = deque()
_lock = threading.Lock()
_changed = threading.Condition(_lock)
_thread: threading.Thread | None = None
_busy = False
_stopping = False
_swept = False


def triage_mode_chosen() -> str | None:
    """The mode the operator set (setting, else environment variable), or None."""
    return settings.TRIBUNE_TRIAGE_MODE or os.environ.get(
        "TRIBUNE_TRIAGE_MODE") or None


def triage_mode() -> str:
    mode = triage_mode_chosen() or "thread"
    return mode if mode in MODES else "thread"


def _next_batch() -> list[int] | None:
    """Wait for work; the ids to triage, or None when asked to stop."""
    global _busy
    with _changed:
        if not _pending:
            _busy = False
            _changed.notify_all()
            if not _changed.wait_for(lambda: _pending or _stopping, timeout=IDLE_CLOSE_SECONDS):
                connections.close_all()
                _changed.wait_for(lambda: _pending or _stopping)
            if _stopping:
                return None
            _busy = True
    time.sleep(BATCH_DELAY_SECONDS)
    with _changed:
        batch = list(_pending)
        _pending.clear()
        return batch


def _run() -> None:
    global _swept, _thread, _busy
    try:
        while True:
            batch = _next_batch()
            if batch is None:
                return
            try:
                if not _swept:
                    _swept = True
                    scoring.triage_missing(days=SWEEP_DAYS, limit=SWEEP_MAX)
                for comment_id in batch:
                    scoring.comment_triage_by_id(comment_id=comment_id)
            except Exception:  # a broken database must not kill the thread
                log.exception("triage thread failed; those comments wait for "
                              "`tribune triage backfill`")
    finally:
        connections.close_all()
        with _changed:
            _thread = None
            _busy = False
            _changed.notify_all()


def enqueue(comment_id: int) -> None:
    """Triage comment ``comment_id`` soon, in this process's triage thread.
    Call after the comment is committed (``transaction.on_commit``)."""
    global _thread, _busy, _stopping
    with _changed:
        _pending.append(comment_id)
        _busy = True
        _stopping = False
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_run, name="tribune-triage", daemon=True)
            _thread.start()
        _changed.notify_all()


def drain(timeout: float | None = None) -> bool:
    """Wait until this process's triage thread has nothing left; True if so."""
    with _changed:
        return _changed.wait_for(lambda: not _pending and not _busy, timeout=timeout)


def stop(timeout: float | None = EXIT_WAIT_SECONDS) -> bool:
    """Finish what is queued, then end the thread (closing its database
    connection); True if it ended in time."""
    global _stopping
    drained = drain(timeout)
    with _changed:
        _stopping = True
        _changed.notify_all()
        return drained and _changed.wait_for(lambda: _thread is None, timeout=timeout)


atexit.register(stop)


def comment_triage(*, comment: Comment, extra_label: dict | None = None
                   ) -> CommentTriage | None:
    """Triage a comment being submitted; called inside the submitting
    transaction, right after the comment row is created.

    Under ``TRIBUNE_TRIAGE_MODE=thread`` (the default) it only arranges for the
    comment to be triaged after the commit, by this process's triage thread
    (see this module's docstring) and returns None; under ``inline`` it
    triages now (:func:`tribune.triage.scoring.comment_score`); under ``worker``
    and ``off`` it does nothing (a ``tribune triage worker`` process, or ``tribune triage
    backfill``, triages the committed comment). Either way a failure of triage
    never loses the comment: it is logged (the comment's id only) and the
    comment waits unscored until ``tribune triage backfill`` or the next sweep.

    With ``extra_label`` (a comment held for how it was sent) it triages now,
    whatever the mode: the label exists only in this call, and it is how the
    moderator learns why the comment was held.
    """
    mode = triage_mode()
    if extra_label is not None:
        mode = "inline"
    if mode == "thread":
        comment_id = comment.pk
        transaction.on_commit(lambda: enqueue(comment_id))
        return None
    if mode != "inline":
        return None
    try:
        with transaction.atomic():
            return scoring.comment_score(comment=comment, extra_label=extra_label)
    except Exception:
        log.exception("triage failed for comment %s", comment.pk)
        return None
