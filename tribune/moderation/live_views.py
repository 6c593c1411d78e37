"""The live queue over HTTP: a Server-Sent Events stream, the cards it names,
and the moderator's open comment.

A stream holds one of the server's threads (granian runs WSGI in blocking
threads), so streams are bounded so that they can never starve the readers:

- at most :func:`streams_max` streams per process at once (half the server's
  threads by default, ``TRIBUNE_LIVE_STREAMS``); a queue beyond it gets what
  changed since its ``Last-Event-ID`` at once and is told to come back in
  ``RETRY_MS`` — it polls instead of holding a thread;
- each stream ends after ``TRIBUNE_LIVE_SECONDS`` (25 s) and the browser
  reconnects by itself with ``Last-Event-ID``, losing nothing;
- a comment line every ``HEARTBEAT_SECONDS`` keeps proxies from closing it and
  shows a dead client to the server;
- the stream does not count as activity: the idle timeout still ends a session
  whose moderator went away (tribune.accounts.middleware).

docs/live-queue.md has the measured figures.
"""

from __future__ import annotations

import copy
import json
import os
import threading
import time
from collections.abc import Iterator

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from tribune.accounts.middleware import activity, idle_deadline
from tribune.core.errors import TribuneError

from .decisions import NOTE_MAX
from .forms import QueueFilterForm, filter_query
from .live import Cursor, cursor_now, presence_close, presence_open, queue_events, queue_stamp
from .selectors import _filtered
from .views import build_cards, moderator_required, return_fields

RETRY_MS = 1500
HEARTBEAT_SECONDS = 10.0
WATCH_SECONDS = 0.3
# Who has which comment open changes without a stamp when a page goes away
# without saying so; looked at again this often.
PRESENCE_CHECK_SECONDS = 5.0
CARDS_MAX = 50

_lock = threading.Lock()
_open = 0
_stopping = threading.Event()


def streams_max() -> int:
    """How many streams one process holds at once."""
    configured = settings.TRIBUNE_LIVE_STREAMS
    if configured:
        return max(0, int(configured))
    threads = int(os.environ.get("TRIBUNE_SERVE_THREADS", "0") or 0)
    return max(1, threads // 2) if threads else 4


def stream_seconds() -> float:
    return float(settings.TRIBUNE_LIVE_SECONDS)


def streams_open() -> int:
    return _open


def _admit() -> bool:
    global _open
    with _lock:
        if _open >= streams_max():
            return False
        _open += 1
        return True


def _release() -> None:
    global _open
    with _lock:
        _open = max(0, _open - 1)


def streams_stop(timeout: float = 5.0) -> None:
    """End every open stream of this process now (browsers reconnect), and wait
    for them to be gone: before a shutdown, and between tests."""
    _stopping.set()
    try:
        deadline = time.monotonic() + timeout
        while _open and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        _stopping.clear()


def _event(cursor: Cursor, data: dict) -> str:
    return f"id: {cursor}\nevent: queue\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


def _changed(data: dict, sent_open: dict | None) -> bool:
    return bool(data["arrived"] or data["decided"]) or data["open"] != sent_open


class _Stream:
    """A stream's events; its place among the process's streams is given back
    when the server closes the response — even one never read from."""

    def __init__(self, user, since: Cursor, deadline: float):
        self._events = _events(user, since, deadline)
        self._open = True

    def __iter__(self) -> Iterator[str]:
        return self._events

    def close(self) -> None:
        try:
            self._events.close()
        finally:
            if self._open:
                self._open = False
                _release()


def _events(user, since: Cursor, deadline: float) -> Iterator[str]:
    yield f"retry: {RETRY_MS}\n\n"
    # The stamp is read before the database: a change committed in between is
    # seen again at the next look, never missed.
    stamp = queue_stamp()
    cursor, data = queue_events(user=user, since=since)
    yield _event(cursor, data)
    sent_open = data["open"]
    beat = checked = time.monotonic()
    while True:
        time.sleep(WATCH_SECONDS)
        now = time.monotonic()
        if now >= deadline or _stopping.is_set():
            return
        current = queue_stamp()
        if current != stamp or now - checked >= PRESENCE_CHECK_SECONDS:
            stamp, checked = current, now
            cursor, data = queue_events(user=user, since=cursor)
            if _changed(data, sent_open):
                sent_open = data["open"]
                beat = now
                yield _event(cursor, data)
                continue
        if now - beat >= HEARTBEAT_SECONDS:
            beat = now
            yield ": heartbeat\n\n"


@moderator_required
@require_safe
def live_stream(request: HttpRequest) -> HttpResponse:
    """``text/event-stream`` of the user's queue: one ``queue`` event (JSON: the
    ids that ``arrived``, the comments ``decided`` with a line saying by whom, and
    who has which comment ``open``) whenever it changes."""
    since = (Cursor.parse(request.headers.get("Last-Event-ID"))
             or Cursor.parse(request.GET.get("since")) or cursor_now())
    if not _admit():
        # Full: what changed so far, then come back (polling, not holding a thread).
        cursor, data = queue_events(user=request.user, since=since)
        body = f"retry: {RETRY_MS}\n\n" + _event(cursor, data)
        response = HttpResponse(body, content_type="text/event-stream; charset=utf-8")
    else:
        response = StreamingHttpResponse(
            _Stream(request.user, since, time.monotonic() + stream_seconds()),
            content_type="text/event-stream; charset=utf-8",
        )
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response


@moderator_required
@require_safe
def live_cards(request: HttpRequest) -> HttpResponse:
    """The cards of the named comments that belong on the queue page described by
    the query string (its tab and filters), as HTML, for the page to insert."""
    raw = [part for part in str(request.GET.get("ids", "")).split(",") if part]
    if len(raw) > CARDS_MAX or not all(p.isascii() and p.isdigit() and len(p) < 19 for p in raw):
        return JsonResponse({"error": _("Ask for at most %(max)s comments by number.")
                             % {"max": CARDS_MAX}}, status=400)
    form = QueueFilterForm(request.GET)
    filters = form.filters()
    comments = list(
        _filtered(request.user, filters).filter(pk__in=[int(p) for p in raw])
        .select_related("thread__desk", "thread__site", "parent", "commenter",
                        "triage__cluster")
        .order_by("submitted_at", "id")
    )
    cards = build_cards(request, comments=comments, filters=filters, after=None)
    # The cards' forms come back to the queue page they are shown on, not here.
    query = urlencode(filter_query(filters))
    page = copy.copy(request)
    page.path = page.path_info = reverse("moderation:queue")
    page.META = {**request.META, "QUERY_STRING": query}
    hidden = format_html_join("", '<input type="hidden" name="{}" value="{}">',
                              return_fields(filters, None))
    answer = []
    for card in cards:
        html = render(page, "moderation/_card_item.html", {
            "card": card, "return_hidden": hidden, "note_max": NOTE_MAX,
        }).content.decode()
        answer.append({"id": card.comment.pk, "html": html})
    return JsonResponse({"cards": answer})


@moderator_required
@require_POST
def live_open(request: HttpRequest) -> HttpResponse:
    """The moderator has a comment open (``comment``), or none (no ``comment``)."""
    try:
        if request.POST.get("comment"):
            presence_open(user=request.user, comment_id=request.POST["comment"])
        else:
            presence_close(user=request.user)
    except TribuneError as error:
        return JsonResponse({"error": error.message}, status=error.status)
    return JsonResponse({"ok": True})


@moderator_required
@require_POST
def keepalive(request: HttpRequest) -> HttpResponse:
    """The moderator is still there (they chose to stay, or they are typing and
    reading): the idle clock starts again (tribune.accounts.middleware)."""

    activity(request)
    return JsonResponse({"idle_ends_in": idle_deadline(request)})
