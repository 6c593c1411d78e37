"""Reads for moderators: the queue, oldest first, scoped to their desks."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, QuerySet

from tribune.comments.models import Comment, Status
from tribune.core.ids import parse_id
from tribune.sites.models import Clause, Desk

from .models import Decision
from .services import comments_visible_to, moderator_desk_ids

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


def queue_counts(*, user: AbstractBaseUser) -> dict[str, int]:
    """How many comments of each status the moderator may see, in one query;
    every status is a key, with 0 when there are none."""
    rows = (
        comments_visible_to(user).order_by().values_list("status").annotate(n=Count("id"))
    )
    counts = dict.fromkeys(Status.values, 0)
    counts.update({status: n for status, n in rows if status in counts})
    return counts


def moderator_desks(*, user: AbstractBaseUser) -> list[Desk] | None:
    """The desks a moderator works on, by code; ``None`` means every desk."""
    desk_ids = moderator_desk_ids(user)
    if desk_ids is None:
        return None
    return list(Desk.objects.filter(pk__in=desk_ids).order_by("code"))


def clauses_for_sites(*, site_ids: Iterable[int]) -> dict[int, list[Clause]]:
    """Each site's Terms of Use clauses in number order, in one query; a site
    without clauses maps to an empty list."""
    ids = set(site_ids)
    clauses: dict[int, list[Clause]] = {site_id: [] for site_id in ids}
    for clause in Clause.objects.filter(site_id__in=ids).order_by("site_id", "number"):
        clauses[clause.site_id].append(clause)
    return clauses


def decisions_latest(*, comment_ids: Iterable[int]) -> dict[int, Decision]:
    """The latest decision on each of the comments (with its moderator), in one
    query; comments never decided are absent."""
    latest: dict[int, Decision] = {}
    decisions = (
        Decision.objects.filter(comment_id__in=set(comment_ids))
        .select_related("moderator")
        .order_by("comment_id", "created_at", "id")
    )
    for decision in decisions:
        latest[decision.comment_id] = decision
    return latest
