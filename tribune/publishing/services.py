"""Rendering a thread's published view at decision time."""

from __future__ import annotations

import hashlib
import json

from django.utils import timezone

from tribune.comments.models import Comment, Status
from tribune.threads.models import Thread

from .models import ThreadRender


def thread_summary(thread: Thread | None, *, url: str, count: int) -> dict:
    """The public description of a thread (also for one not yet created)."""
    if thread is None:
        return {"url": url, "title": "", "desk": None, "language": None, "direction": "ltr",
                "open": True, "moderation": "pre", "count": 0}
    return {
        "url": thread.url,
        "title": thread.title,
        "desk": thread.desk.code,
        "language": thread.desk.language,
        "direction": thread.desk.direction,
        "open": thread.is_open,
        "moderation": thread.moderation,
        "count": count,
    }


def _public_comment(comment: Comment) -> dict:
    return {
        "id": comment.pk,
        "parent": comment.parent_id,
        "author": comment.author,
        "body": comment.published_body,
        "created": comment.submitted_at.isoformat(),
        "published": comment.published_at.isoformat() if comment.published_at else None,
        "edited": comment.is_edited,
        "edit_clause": comment.decision_clause if comment.is_edited else None,
    }


def thread_publish(*, thread: Thread) -> ThreadRender:
    """Render and store the thread's published view. Call inside the transaction
    that changed what is published, so readers never see a half-made decision."""
    comments = [
        _public_comment(c)
        for c in Comment.objects.filter(thread=thread, status=Status.APPROVED).order_by(
            "submitted_at", "id"
        )
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
    etag = hashlib.sha256(payload.encode()).hexdigest()[:32]
    render, _created = ThreadRender.objects.update_or_create(
        thread=thread,
        defaults={"url": thread.url, "payload": payload, "etag": etag,
                  "count": len(comments), "rendered_at": timezone.now()},
    )
    return render
