"""Rendering a thread's published view at decision time, and keeping the render
store (:mod:`tribune.publishing.store`) in step with the database."""

from __future__ import annotations

import hashlib
import json

from django.db import transaction
from django.utils import timezone

from tribune.comments.models import Comment, Status
from tribune.core.timezones import coarse_time
from tribune.threads.models import Thread

from .models import ThreadRender
from .store import EPOCH, Render, store


def thread_summary(thread: Thread | None, *, url: str, count: int) -> dict:
    """The public description of a thread (also for one not yet created)."""
    if thread is None:
        return {"url": url, "title": "", "desk": None, "language": None, "direction": "ltr",
                "open": True, "moderation": "pre", "count": 0, "times": "day",
                "time_zone": "UTC"}
    return {
        "url": thread.url,
        "title": thread.title,
        "desk": thread.desk.code,
        "language": thread.desk.language,
        "direction": thread.desk.direction,
        "open": thread.is_open,
        "moderation": thread.moderation,
        "count": count,
        # Published times are given at this precision, in this time zone.
        "times": thread.site.public_times,
        "time_zone": thread.desk.time_zone,
    }


def _public_comment(comment: Comment, *, precision: str, zone: str) -> dict:
    """A comment as readers see it: its times cut to the site's precision in the
    desk's time zone (moderators see exact times elsewhere)."""
    published = comment.published_at
    return {
        "id": comment.pk,
        "parent": comment.parent_id,
        "author": comment.author,
        "body": comment.published_body,
        "created": coarse_time(comment.submitted_at, precision=precision, zone=zone).isoformat(),
        "published": (coarse_time(published, precision=precision, zone=zone).isoformat()
                      if published else None),
        "edited": comment.is_edited,
        "edit_clause": comment.decision_clause if comment.is_edited else None,
    }


def render_payload(payload: str) -> tuple[bytes, str]:
    """A view's JSON text as served, with its ETag (also for views made on the fly)."""
    body = payload.encode()
    return body, hashlib.sha256(body).hexdigest()[:32]


def empty_render(thread: Thread | None, *, url: str, epoch: str) -> Render:
    """The view of a thread with nothing published (version 0), or of an article
    nobody has commented on yet (version -1)."""
    payload = json.dumps(
        {"thread": thread_summary(thread, url=url, count=0), "comments": []},
        ensure_ascii=False, separators=(",", ":"),
    )
    body, etag = render_payload(payload)
    return Render(version=0 if thread is not None else -1, etag=etag, count=0,
                  language=thread.desk.language if thread is not None else "",
                  body=body, epoch=epoch)


def row_render(*, payload: str, etag: str, count: int, version: int, language: str,
               epoch: str) -> Render:
    return Render(version=version, etag=etag, count=count, language=language,
                  body=payload.encode(), epoch=epoch)


def thread_publish(*, thread: Thread) -> ThreadRender:
    """Render and store the thread's published view. Call inside the transaction
    that changed what is published (or after changing the thread itself), so
    readers never see a half-made decision.

    Renders of one thread are serialised by a lock on the thread's row, so the
    last one to commit has seen every decision before it; once the transaction
    commits, the render replaces the previous one in the render store, where
    every process's next read sees it (on PostgreSQL, every host's: the
    render's version is announced in the same transaction)."""
    with transaction.atomic():
        locked = Thread.objects.select_for_update().filter(pk=thread.pk).values_list(
            "pk", flat=True).first()
        if locked is None:
            raise Thread.DoesNotExist(thread.pk)
        return _thread_render(thread)


def _thread_render(thread: Thread) -> ThreadRender:
    precision, zone = thread.site.public_times, thread.desk.time_zone
    comments = [
        _public_comment(c, precision=precision, zone=zone)
        # A comment its author deleted keeps its status for the record but is no
        # longer shown (tribune.privacy.retention). Ordered by exact times: coarse
        # times shown never change the published order.
        for c in Comment.objects.filter(
            thread=thread, status=Status.APPROVED, erasure__isnull=True
        ).order_by("submitted_at", "id")
    ]
    # A published comment whose parent is no longer published is shown at the
    # top level rather than lost.
    published_ids = {c["id"] for c in comments}
    for c in comments:
        if c["parent"] not in published_ids:
            c["parent"] = None
    payload = json.dumps(
        {"thread": thread_summary(thread, url=thread.url, count=len(comments)),
         "comments": comments},
        ensure_ascii=False, separators=(",", ":"),
    )
    _body, etag = render_payload(payload)
    version = (
        ThreadRender.objects.filter(thread=thread).values_list("version", flat=True).first()
        or 0
    ) + 1
    render, _created = ThreadRender.objects.update_or_create(
        thread=thread,
        defaults={"url": thread.url, "payload": payload, "etag": etag,
                  "count": len(comments), "version": version, "rendered_at": timezone.now()},
    )
    fields = {"version": version, "etag": etag, "count": len(comments),
              "language": thread.desk.language, "body": payload.encode()}
    store().published(thread.url, version=version,
                      make=lambda epoch: Render(**fields, epoch=epoch))
    return render


def thread_created(*, thread: Thread) -> None:
    """A new thread's empty view replaces, once committed, what readers were told
    about its URL before it existed (another desk, no title)."""
    store().published(thread.url, version=0,
                      make=lambda epoch: empty_render(thread, url=thread.url, epoch=epoch))


def stamp_invalidate(name: str) -> None:
    """Record, in the current transaction, that what stamp ``name`` stands for
    changes: once committed, every process drops what it keeps under it
    (:meth:`~tribune.publishing.store.FileStore.remembered`)."""
    store().changed(name)


def renders_invalidate() -> None:
    """Once committed, make every process check renders and remembered answers
    against the database again (sites, origins or desks changed)."""
    stamp_invalidate(EPOCH)


def desk_republish(*, desk_id: int) -> int:
    """Render again every published thread of a desk (its language or direction
    is part of each render). Returns how many were rendered."""
    threads = Thread.objects.select_related("desk").filter(desk_id=desk_id, render__isnull=False)
    done = 0
    for thread in threads.iterator(chunk_size=500):
        thread_publish(thread=thread)
        done += 1
    return done
