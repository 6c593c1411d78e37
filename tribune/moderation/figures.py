"""Figures for a desk's moderators: how the queue and the decisions went,
over the last days, on the desks the moderator sees."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from tribune.comments.models import Status

from .models import Action, Decision
from .permissions import comments_visible_to, moderator_desk_ids

FIGURE_DAYS = 14


@dataclass
class Figures:
    days: list[dt.date]
    # Comments waiting at the end of each day (the last one: now).
    queue_size: list[int]
    # Seconds from submission to the first decision, by day of decision.
    median_wait: list[float | None]
    p90_wait: list[float | None]
    # {moderator name: [decisions on each day]}
    per_moderator: dict[str, list[int]] = field(default_factory=dict)
    # [(desk code, desk name, approved, decided)]
    approval: list[tuple[str, str, int, int]] = field(default_factory=list)


def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile (``share`` 0.5 is the median); None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def _decisions_visible(user: AbstractBaseUser):
    decisions = Decision.objects.all()
    desks = moderator_desk_ids(user)
    if desks is not None:
        decisions = decisions.filter(comment__thread__desk_id__in=desks)
    return decisions


def figures_for(*, user: AbstractBaseUser, days: int = FIGURE_DAYS) -> Figures:
    """The figures of the last ``days`` days (UTC) in a handful of queries,
    whatever the number of comments: counts are aggregated in the database; only
    the waiting times of the window's first decisions are read, to take their
    median and 90th percentile."""
    now = timezone.now()
    today = now.date()
    day_list = [today - dt.timedelta(days=n) for n in range(days - 1, -1, -1)]
    ends = [
        min(now, dt.datetime.combine(d + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC))
        for d in day_list
    ]
    start = dt.datetime.combine(day_list[0], dt.time.min, tzinfo=dt.UTC)

    submitted = comments_visible_to(user).aggregate(
        **{f"s{i}": Count("id", filter=Q(submitted_at__lt=end)) for i, end in enumerate(ends)}
    )
    decisions = _decisions_visible(user)
    left = Q(status_before=Status.PENDING) & ~Q(status_after=Status.PENDING)
    back = Q(status_after=Status.PENDING) & ~Q(status_before=Status.PENDING)
    moved = decisions.aggregate(
        **{f"l{i}": Count("id", filter=left & Q(created_at__lt=end)) for i, end in
           enumerate(ends)},
        **{f"b{i}": Count("id", filter=back & Q(created_at__lt=end)) for i, end in
           enumerate(ends)},
    )
    queue_size = [
        max(0, submitted[f"s{i}"] - moved[f"l{i}"] + moved[f"b{i}"]) for i in range(days)
    ]

    waits: dict[dt.date, list[float]] = defaultdict(list)
    first = decisions.filter(left, created_at__gte=start, moderator__isnull=False)
    for decided, sent in first.values_list("created_at", "comment__submitted_at").iterator():
        waits[decided.astimezone(dt.UTC).date()].append((decided - sent).total_seconds())

    per_moderator: dict[str, list[int]] = {}
    index = {d: i for i, d in enumerate(day_list)}
    rows = (
        decisions.filter(created_at__gte=start, moderator__isnull=False)
        .exclude(action=Action.UNDO)
        .annotate(day=TruncDate("created_at", tzinfo=dt.UTC))
        .values_list("moderator__username", "day")
        .annotate(n=Count("id"))
        .order_by("moderator__username", "day")
    )
    for name, day, n in rows:
        series = per_moderator.setdefault(name, [0] * days)
        if day in index:
            series[index[day]] += n

    approval_rows = (
        first.values_list("comment__thread__desk__code", "comment__thread__desk__name")
        .annotate(
            approved=Count("id", filter=Q(status_after=Status.APPROVED)), total=Count("id")
        )
        .order_by("comment__thread__desk__code")
    )
    return Figures(
        days=day_list,
        queue_size=queue_size,
        median_wait=[percentile(waits.get(d, []), 0.5) for d in day_list],
        p90_wait=[percentile(waits.get(d, []), 0.9) for d in day_list],
        per_moderator=per_moderator,
        approval=[(code, name, a, t) for code, name, a, t in approval_rows],
    )
