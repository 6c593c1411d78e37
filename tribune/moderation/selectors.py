"""Reads for moderators: the queue and its context, scoped to their desks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy

from tribune.comments.models import Comment, Status
from tribune.core.ids import parse_id
from tribune.sites.models import Clause, Desk

from .bans import _active
from .models import Ban, Decision, Report
from .permissions import comments_visible_to, moderator_desk_ids
from .standing import trusted_only

QUEUE_PAGE = 50
# Search reads comment text and names without a text index (ILIKE / LIKE): it
# is bounded to comments submitted in the last SEARCH_DAYS days unless the
# moderator gives dates, so that a million comments are never scanned whole.
SEARCH_DAYS = 30
SEARCH_MAX = 100

# Queue tabs beyond the statuses.
REPORTED = "reported"
ALL = "all"
TRUSTED = "trusted"  # pending comments of commenters in good standing (standing.py)
QUEUE_STATUSES = (Status.PENDING, TRUSTED, REPORTED, Status.APPROVED, Status.REJECTED, ALL)


@dataclass(frozen=True)
class QueueFilter:
    """What part of the queue to show. Every field narrows; empty means any."""

    status: str = Status.PENDING
    desk: str = ""
    article: int | None = None
    language: str = ""
    since: dt.date | None = None
    until: dt.date | None = None
    q: str = ""
    # Empty: the default order (queue_order_default).
    order: str = ""


@dataclass(frozen=True)
class QueueOrder:
    """One way of ordering the queue, with keyset pagination.

    ``fields`` is the ORDER BY (ending with a unique field); ``after`` narrows a
    queryset to what comes after the anchor comment. Triage registers more
    (e.g. "priority") in :data:`QUEUE_ORDERS`.
    """

    label: str
    fields: tuple[str, ...]
    after: Callable[[QuerySet, Comment], QuerySet]


def _after_oldest(comments: QuerySet, anchor: Comment) -> QuerySet:
    return comments.filter(
        Q(submitted_at__gt=anchor.submitted_at)
        | Q(submitted_at=anchor.submitted_at, id__gt=anchor.pk)
    )


def _after_newest(comments: QuerySet, anchor: Comment) -> QuerySet:
    return comments.filter(
        Q(submitted_at__lt=anchor.submitted_at)
        | Q(submitted_at=anchor.submitted_at, id__lt=anchor.pk)
    )


QUEUE_ORDERS: dict[str, QueueOrder] = {
    "oldest": QueueOrder(gettext_lazy("Oldest first"), ("submitted_at", "id"), _after_oldest),
    "newest": QueueOrder(gettext_lazy("Newest first"), ("-submitted_at", "-id"),
                         _after_newest),
}


# Who may make their order the default: triage says "priority" wherever it is
# on (tribune.triage.selectors.queue_order_register). "oldest" otherwise.
DEFAULT_ORDERS: list[Callable[[], str | None]] = []


def queue_order_default() -> str:
    for choose in DEFAULT_ORDERS:
        chosen = choose()
        if chosen in QUEUE_ORDERS:
            return chosen
    return "oldest"


def _open_reports() -> Exists:
    return Exists(Report.objects.filter(comment=OuterRef("pk"), resolved_at__isnull=True))


def _filtered(user: AbstractBaseUser, filters: QueueFilter, *, status: bool = True) -> QuerySet:
    comments: QuerySet = comments_visible_to(user)
    if status:
        if filters.status == REPORTED:
            comments = comments.filter(_open_reports())
        elif filters.status == TRUSTED:
            comments = trusted_only(comments)
        elif filters.status in Status.values:
            comments = comments.filter(status=filters.status)
    if filters.desk:
        comments = comments.filter(thread__desk__code=filters.desk)
    if filters.article is not None:
        comments = comments.filter(thread_id=filters.article)
    if filters.language:
        comments = comments.filter(language=filters.language)
    since = filters.since
    if filters.q and since is None and filters.until is None:
        since = timezone.now().date() - dt.timedelta(days=SEARCH_DAYS)
    if since is not None:
        comments = comments.filter(submitted_at__gte=_day_start(since))
    if filters.until is not None:
        comments = comments.filter(
            submitted_at__lt=_day_start(filters.until + dt.timedelta(days=1))
        )
    if filters.q:
        comments = comments.filter(
            Q(body__icontains=filters.q) | Q(edited_body__icontains=filters.q)
            | Q(author__icontains=filters.q)
        )
    return comments


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


def queue_page(
    *, user: AbstractBaseUser, status: str = Status.PENDING, after: int | None = None,
    limit: int = QUEUE_PAGE, filters: QueueFilter | None = None, order: str | None = None,
) -> list[Comment]:
    """One page of the queue in the chosen order (``oldest`` by default). ``after``
    is the id of the last comment of the previous page (keyset pagination: as
    fast on the thousandth page as on the first)."""
    filters = filters or QueueFilter(status=status)
    chosen = (QUEUE_ORDERS.get(order or filters.order or queue_order_default())
              or QUEUE_ORDERS["oldest"])
    comments = _filtered(user, filters)
    if after is not None:
        after = parse_id(after, field="after")
        anchor = Comment.objects.filter(pk=after).only("submitted_at").first()
        if anchor is not None:
            comments = chosen.after(comments, anchor)
    return list(
        comments.select_related("thread__desk", "thread__site", "parent", "commenter",
                                "triage__cluster")
        .order_by(*chosen.fields)[:limit]
    )


def queue_count(
    *, user: AbstractBaseUser, status: str = Status.PENDING, filters: QueueFilter | None = None
) -> int:
    return _filtered(user, filters or QueueFilter(status=status)).count()


def queue_counts(
    *, user: AbstractBaseUser, filters: QueueFilter | None = None
) -> dict[str, int]:
    """How many comments of each tab the moderator may see under the filters
    (two queries); every tab is a key, with 0 when there are none."""
    filters = filters or QueueFilter()
    rows = (
        _filtered(user, filters, status=False).order_by().values_list("status")
        .annotate(n=Count("id"))
    )
    counts = dict.fromkeys(QUEUE_STATUSES, 0)
    counts.update({status: n for status, n in rows if status in counts})
    counts[ALL] = sum(counts[s] for s in Status.values)
    counts[REPORTED] = _filtered(user, filters, status=False).filter(_open_reports()).count()
    counts[TRUSTED] = trusted_only(_filtered(user, filters, status=False)).count()
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


def reports_open(*, comment_ids: Iterable[int]) -> dict[int, list[Report]]:
    """The open reports on each of the comments, oldest first, in one query."""
    reports: dict[int, list[Report]] = {}
    for report in Report.objects.filter(
        comment_id__in=set(comment_ids), resolved_at__isnull=True
    ).order_by("created_at", "id"):
        reports.setdefault(report.comment_id, []).append(report)
    return reports


HISTORY_SHOWN = 5


@dataclass
class CommenterHistory:
    """A commenter's record on the desks a moderator sees."""

    total: int = 0
    approved: int = 0
    rejected: int = 0
    pending: int = 0
    recent: list[Comment] = field(default_factory=list)
    banned: bool = False


def commenter_histories(
    *, user: AbstractBaseUser, commenter_ids: Iterable[int], exclude_ids: Iterable[int] = ()
) -> dict[int, CommenterHistory]:
    """Each commenter's counts by status and latest comments (other than
    ``exclude_ids``) on the user's desks, in three queries whatever the page."""
    ids = set(commenter_ids)
    histories = {cid: CommenterHistory() for cid in ids}
    if not ids:
        return histories
    visible = comments_visible_to(user).filter(commenter_id__in=ids)
    for cid, status, n in visible.order_by().values_list("commenter_id", "status").annotate(
        n=Count("id")
    ):
        history = histories[cid]
        history.total += n
        if status in (Status.APPROVED, Status.REJECTED, Status.PENDING):
            setattr(history, status, n)
    recent = (
        visible.exclude(pk__in=set(exclude_ids)).select_related("thread")
        .annotate(rank=Window(RowNumber(), partition_by=[F("commenter_id")],
                              order_by=[F("submitted_at").desc(), F("id").desc()]))
        .filter(rank__lte=HISTORY_SHOWN)
        .order_by("-submitted_at", "-id")
    )
    for comment in recent:
        histories[comment.commenter_id].recent.append(comment)
    banned = Ban.objects.filter(_active(timezone.now()), commenter_id__in=ids)
    desks = moderator_desk_ids(user)
    if desks is not None:
        banned = banned.filter(Q(desk__isnull=True) | Q(desk_id__in=desks))
    for cid in banned.values_list("commenter_id", flat=True):
        histories[cid].banned = True
    return histories
