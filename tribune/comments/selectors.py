"""Reads of comments that are not the published view (see tribune.publishing)."""

from __future__ import annotations

from django.db.models import QuerySet

from tribune.threads.models import Thread

from .models import Comment, Commenter

OWN_COMMENTS_SHOWN = 50


def comments_of_commenter(*, commenter: Commenter | None, thread: Thread | None) -> QuerySet:
    """A reader's own comments under a thread, newest first, whatever their status."""
    if commenter is None or thread is None:
        return Comment.objects.none()
    return Comment.objects.filter(commenter=commenter, thread=thread).order_by(
        "-submitted_at", "-id"
    )[:OWN_COMMENTS_SHOWN]
