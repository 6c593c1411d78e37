"""Reads for moderators: the queue, oldest first, scoped to their desks."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from tribune.comments.models import Comment, Status
from tribune.core.ids import parse_id

from .services import comments_visible_to

QUEUE_PAGE = 50


def queue_page(
    *, user: AbstractBaseUser, status: str = Status.PENDING, after: int | None = None,
    limit: int = QUEUE_PAGE,
) -> list[Comment]:
    """One page of the queue, oldest first. ``after`` is the id of the last
    comment of the previous page (keyset pagination: fast however long the queue)."""
    comments: QuerySet = comments_visible_to(user).filter(status=status)
    if after is not None:
        after = parse_id(after, field="after")
        anchor = Comment.objects.filter(pk=after).values_list("submitted_at", flat=True).first()
        if anchor is not None:
            comments = comments.filter(submitted_at__gte=anchor).exclude(
                submitted_at=anchor, id__lte=after
            )
    return list(
        comments.select_related("thread__desk", "thread__site", "parent", "commenter")
        .order_by("submitted_at", "id")[:limit]
    )


def queue_count(*, user: AbstractBaseUser, status: str = Status.PENDING) -> int:
    return comments_visible_to(user).filter(status=status).count()
