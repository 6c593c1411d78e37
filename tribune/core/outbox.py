"""Sending what the outboxes hold, off the request path.

Webhook deliveries and e-mails are written to the database in the transaction
that caused them (an outbox). After that transaction commits, :func:`kick`
wakes one daemon thread per process that sends whatever is due, waits for the
next retry that falls due, and exits when nothing is left. The thread is the
same for every outbox, so it lives here, below them: each app that keeps one
(webhooks, notifications) names its sender with :func:`outbox_register` in its
``AppConfig.ready``. A process that stops
mid-way loses nothing: the rows stay in the database, and the next kick in any
process — or ``tribune webhook deliver`` running as a worker — sends them.

``TRIBUNE_OUTBOX_MODE`` chooses who sends: ``thread`` (the default), ``worker``
(only the worker command; for operators who prefer a separate process) or
``inline`` (the committing thread sends at once; for tests).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.conf import settings
from django.db import connections

log = logging.getLogger("tribune.outbox")

IDLE_POLL_SECONDS = 60.0

_senders: list[Callable[[], float | None]] = []
_wake = threading.Event()
_lock = threading.Lock()
_thread: threading.Thread | None = None


def outbox_mode() -> str:
    return settings.TRIBUNE_OUTBOX_MODE


def outbox_register(sender: Callable[[], float | None]) -> None:
    """Have the sender thread call ``sender`` (send what is due in one outbox; the
    seconds until its next retry falls due, or None when nothing waits). Called
    by the owning app's ``ready``, in ``INSTALLED_APPS`` order; twice is harmless."""
    if sender not in _senders:
        _senders.append(sender)


def send_due() -> float | None:
    """Send what is due in every registered outbox (webhook deliveries, e-mails)
    once; the seconds until the next retry falls due, or None when nothing is
    waiting."""
    waits = [w for w in [sender() for sender in _senders] if w is not None]
    return min(waits) if waits else None


def _run() -> None:
    global _thread
    try:
        while True:
            _wake.clear()
            try:
                wait = send_due()
            except Exception:  # a broken database must not kill the process
                log.exception("outbox sender failed; will retry on the next kick")
                wait = IDLE_POLL_SECONDS
            if wait is None:
                with _lock:
                    # A kick between send_due() and here set _wake: go round again.
                    if not _wake.is_set():
                        _thread = None
                        return
                continue
            _wake.wait(timeout=max(0.05, min(wait, IDLE_POLL_SECONDS)))
    finally:
        connections.close_all()


def kick() -> None:
    """Something was queued and committed: make sure it gets sent soon."""
    global _thread
    mode = outbox_mode()
    if mode == "inline":
        send_due()
        return
    if mode != "thread":
        return
    with _lock:
        _wake.set()
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_run, name="tribune-outbox", daemon=True)
            _thread.start()
