"""Triage off the answer path: after the submission commits, in this process.

``TRIBUNE_TRIAGE_MODE`` (setting or environment variable) chooses when a new
comment is triaged:

* ``thread`` (the default): after the submitting transaction commits, the
  comment's id is handed to one daemon thread per process, which triages it in
  a transaction of its own (:func:`tribune.triage.services.comment_triage_by_id`).
  The reader's answer does not wait for it.
* ``inline``: inside the submitting transaction, before the answer (the test
  suite uses it: its transactions never commit).
* ``off``: not at submission; only ``tribune triage backfill`` triages.

Nothing is lost if the process dies between the commit and the triage: the
comment simply has no triage row (the queue shows it, unscored, after the
scored ones), and it is triaged by the first triage thread that starts in any
process (it first sweeps :data:`SWEEP_DAYS` days for comments without triage)
or by ``tribune triage backfill``. Before a command-line process exits it
waits (at most :data:`EXIT_WAIT_SECONDS`) for its thread to finish. Triage
never publishes anything, whenever it runs.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from collections import deque

from django.conf import settings
from django.db import connections

log = logging.getLogger("tribune.triage")

MODES = ("thread", "inline", "off")
SWEEP_DAYS = 7
SWEEP_MAX = 1000
EXIT_WAIT_SECONDS = 30.0

_pending: deque[int] = deque()
_lock = threading.Lock()
_idle = threading.Condition(_lock)
_thread: threading.Thread | None = None
_swept = False


def triage_mode() -> str:
    mode = getattr(settings, "TRIBUNE_TRIAGE_MODE", None) or os.environ.get(
        "TRIBUNE_TRIAGE_MODE", "thread")
    return mode if mode in MODES else "thread"


def _run() -> None:
    global _thread, _swept
    from .services import comment_triage_by_id, triage_missing

    try:
        if not _swept:
            _swept = True
            try:
                triage_missing(days=SWEEP_DAYS, limit=SWEEP_MAX)
            except Exception:  # a broken database must not kill the process
                log.exception("triage sweep failed")
        while True:
            with _lock:
                if not _pending:
                    _thread = None
                    _idle.notify_all()
                    return
                batch = list(_pending)
                _pending.clear()
            for comment_id in batch:
                comment_triage_by_id(comment_id=comment_id)
    finally:
        connections.close_all()
        with _lock:
            if _thread is threading.current_thread():
                _thread = None
            _idle.notify_all()


def enqueue(comment_id: int) -> None:
    """Triage comment ``comment_id`` soon, in this process's triage thread.
    Call after the comment is committed (``transaction.on_commit``)."""
    global _thread
    with _lock:
        _pending.append(comment_id)
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_run, name="tribune-triage", daemon=True)
            _thread.start()


def drain(timeout: float | None = None) -> bool:
    """Wait until this process's triage thread has nothing left; True if so."""
    with _lock:
        return _idle.wait_for(lambda: _thread is None and not _pending, timeout=timeout)


atexit.register(drain, EXIT_WAIT_SECONDS)
