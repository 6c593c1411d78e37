"""Standing: commenters with a good record on a desk.

A desk may say that a commenter with N approved comments on it and no rejected
one is *trusted*. Their new comments are still pre-moderated — nothing is
published without a person's decision — but they wait in a queue of their own,
the "Trusted" tab, that a moderator can approve in one action.

A desk's editors also set its idle timeout here (tribune.accounts.middleware).
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Exists, F, IntegerField, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from tribune.comments.models import Comment, Status
from tribune.core.errors import InvalidInput, NotFound, PermissionDenied
from tribune.sites.models import Desk

from .models import DeskAssignment
from .permissions import can_see_desk, can_set_standing

TRUSTED = "trusted"
TRUSTED_MAX = 1000
IDLE_MIN, IDLE_MAX = 5, 720


def _record(status: str) -> QuerySet:
    return Comment.objects.filter(commenter=OuterRef("commenter"),
                                  thread__desk=OuterRef("thread__desk"), status=status)


def trusted_only(comments: QuerySet) -> QuerySet:
    """The pending comments, among ``comments``, of commenters trusted on the
    comment's desk."""
    approved = (_record(Status.APPROVED).order_by().values("commenter")
                .annotate(n=Count("id")).values("n"))
    return (
        comments.filter(status=Status.PENDING, thread__desk__trusted_after__isnull=False)
        .annotate(standing_approved=Coalesce(Subquery(approved, output_field=IntegerField()), 0))
        .filter(standing_approved__gte=F("thread__desk__trusted_after"))
        .exclude(Exists(_record(Status.REJECTED)))
    )


def trusted_ids(comments: list[Comment]) -> set[int]:
    """Which of these comments come from a commenter trusted on their desk."""
    ids = [c.pk for c in comments if c.status == Status.PENDING
           and c.thread.desk.trusted_after is not None]
    if not ids:
        return set()
    return set(trusted_only(Comment.objects.filter(pk__in=ids)).values_list("pk", flat=True))


def _number(value: object, *, field: str, low: int, high: int, message: str) -> int | None:
    if value in (None, ""):
        return None
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or not low <= int(text) <= high:
        raise InvalidInput(message, field=field)
    return int(text)


def desk_standing_set(*, actor: AbstractBaseUser, desk_code: object, trusted_after: object,
                      idle_minutes: object) -> Desk:
    """Set a desk's standing rule (empty: no trusted queue) and its idle timeout
    (empty: the site's default). Desk editors of the desk and administrators."""
    desk = Desk.objects.filter(code=str(desk_code or "").lower()).first()
    if desk is None or not can_see_desk(actor, desk.pk):
        raise NotFound(_("There is no desk %(code)s.") % {"code": desk_code or ""})
    if not can_set_standing(actor, desk.pk):
        raise PermissionDenied(_("Only a desk editor or an administrator changes a desk's "
                                 "settings."))
    desk.trusted_after = _number(
        trusted_after, field="trusted_after", low=1, high=TRUSTED_MAX,
        message=_("Trusted after 1 to %(max)s approved comments, or empty.") % {
            "max": TRUSTED_MAX})
    desk.idle_minutes = _number(
        idle_minutes, field="idle_minutes", low=IDLE_MIN, high=IDLE_MAX,
        message=_("The idle timeout is %(low)s to %(high)s minutes, or empty.") % {
            "low": IDLE_MIN, "high": IDLE_MAX})
    desk.save(update_fields=["trusted_after", "idle_minutes"])
    return desk


def desk_idle_seconds(user: AbstractBaseUser) -> int | None:
    """The longest idle timeout the user's desks ask for, in seconds; None when
    none asks (the site's default applies)."""
    minutes = DeskAssignment.objects.filter(user=user).aggregate(
        m=Max("desk__idle_minutes"))["m"]
    return minutes * 60 if minutes else None
