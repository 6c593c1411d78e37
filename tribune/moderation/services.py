"""Moderation: every change of a comment's status goes through
:func:`comment_decide`, which writes the audit row in the same transaction and
re-renders the thread's published view."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tribune.comments.models import Comment, Status
from tribune.core.errors import Conflict, InvalidInput, NotFound
from tribune.core.ids import parse_id
from tribune.core.text import clean_body, clean_text
from tribune.publishing.services import thread_publish
from tribune.sites.models import Desk
from tribune.sites.services import clause_get

from .models import Action, ApiToken, Decision, DeskAssignment

NOTE_MAX = 1000
TOKEN_PREFIX = "trb_"  # noqa: S105 - a visible prefix, not a secret

_STATUS_AFTER = {
    Action.APPROVE: Status.APPROVED,
    Action.EDIT: Status.APPROVED,
    Action.REJECT: Status.REJECTED,
}


def moderator_desk_ids(user: AbstractBaseUser) -> set[int] | None:
    """The desks a moderator may see and decide; ``None`` means every desk."""
    if user.is_superuser:
        return None
    return set(DeskAssignment.objects.filter(user=user).values_list("desk_id", flat=True))


def comments_visible_to(user: AbstractBaseUser) -> QuerySet:
    desk_ids = moderator_desk_ids(user)
    comments = Comment.objects.all()
    return comments if desk_ids is None else comments.filter(thread__desk_id__in=desk_ids)


def comment_decide(
    *,
    comment_id: int,
    moderator: AbstractBaseUser | None,
    action: object,
    clause: object = None,
    body: object = None,
    note: object = "",
) -> Comment:
    """Approve, reject or edit a comment; the only way a comment's status changes.

    ``moderator`` None is Tribune itself (post-moderation). A moderator may only
    decide comments of their desks; another desk's comment is ``NotFound``, so its
    existence does not leak. Rejection and edit require a clause of the site's
    Terms of Use; an edit keeps the reader's original in ``body``. On return the
    decision, its audit row and the thread's new published view are committed
    together.
    """
    if action not in Action.values:
        raise InvalidInput(_("The action must be approve, reject or edit."), field="action")
    action = Action(action)
    clean_note = ""
    if note not in (None, ""):
        clean_note = clean_text(note, field="note", max_length=NOTE_MAX, allow_newlines=True)
    if action != Action.EDIT and body not in (None, ""):
        raise InvalidInput(_("Only an edit may change the text."), field="body")

    comment_id = parse_id(comment_id, field="id")
    with transaction.atomic():
        comment = (
            Comment.objects.select_for_update()
            .select_related("thread__site", "thread__desk")
            .filter(pk=comment_id)
            .first()
        )
        if comment is None or (
            moderator is not None
            and (desks := moderator_desk_ids(moderator)) is not None
            and comment.thread.desk_id not in desks
        ):
            raise NotFound(_("There is no comment %(id)s.") % {"id": comment_id})

        site = comment.thread.site
        cited = None
        if action == Action.APPROVE:
            if clause not in (None, ""):
                raise InvalidInput(_("An approval cites no clause."), field="clause")
        else:
            if clause in (None, ""):
                raise InvalidInput(
                    _("Choose the clause of the Terms of Use this decision rests on."),
                    field="clause",
                    code="clause_required",
                )
            cited = clause_get(site=site, number=clause)

        before_status, before_body = comment.status, comment.published_body
        if action == Action.EDIT:
            new_body = clean_body(body, max_length=site.body_max_length)
            if new_body == before_body:
                raise InvalidInput(
                    _("The edited text is the same as the published text."), field="body"
                )
            comment.edited_body = new_body if new_body != comment.body else None
        if action == Action.APPROVE and before_status == Status.APPROVED:
            raise Conflict(_("This comment is already published."), code="already_decided")
        if action == Action.REJECT and before_status == Status.REJECTED:
            raise Conflict(_("This comment is already rejected."), code="already_decided")

        now = timezone.now()
        comment.status = _STATUS_AFTER[action]
        comment.decided_at = now
        if action != Action.APPROVE:
            comment.decision_clause = cited.number
        elif not comment.is_edited:
            comment.decision_clause = None
        if comment.status == Status.APPROVED and comment.published_at is None:
            comment.published_at = now
        if comment.status != Status.APPROVED:
            comment.published_at = None
        comment.save(update_fields=[
            "status", "edited_body", "decision_clause", "decided_at", "published_at",
        ])
        Decision.objects.create(
            comment=comment,
            moderator=moderator,
            action=action,
            clause=cited.number if cited else None,
            clause_title=cited.title if cited else "",
            note=clean_note,
            status_before=before_status,
            status_after=comment.status,
            body_before=before_body,
            body_after=comment.published_body,
            created_at=now,
        )
        if Status.APPROVED in (before_status, comment.status):
            thread_publish(thread=comment.thread)
    return comment


def moderator_create(
    *, name: str, password: str, desk_codes: list[str], admin: bool = False
) -> AbstractBaseUser:
    """Create a moderator of the given desks (an administrator sees every desk)."""
    User = get_user_model()
    name = (name or "").strip()
    if not name or len(name) > 150:
        raise InvalidInput(_("A moderator's name is 1–150 characters."), field="name")
    if User.objects.filter(username=name).exists():
        raise Conflict(_("A moderator named %(name)s already exists.") % {"name": name})
    desks = list(Desk.objects.filter(code__in=[c.lower() for c in desk_codes]))
    missing = sorted({c.lower() for c in desk_codes} - {d.code for d in desks})
    if missing:
        raise InvalidInput(
            _("There is no desk %(codes)s.") % {"codes": ", ".join(missing)}, field="desk"
        )
    if not desks and not admin:
        raise InvalidInput(
            _("A moderator needs at least one desk (or --admin for every desk)."), field="desk"
        )
    user = User(username=name, is_staff=True, is_superuser=admin)
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise InvalidInput(" ".join(error.messages), field="password") from None
    with transaction.atomic():
        user.set_password(password)
        user.save()
        DeskAssignment.objects.bulk_create(DeskAssignment(user=user, desk=d) for d in desks)
    return user


def _key_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_create(*, name: str) -> str:
    """Make an API token for a moderator; the raw token is returned once only."""
    user = get_user_model().objects.filter(username=name, is_active=True).first()
    if user is None:
        raise NotFound(_("There is no moderator named %(name)s.") % {"name": name})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, key_hash=_key_hash(raw), prefix=raw[:12])
    return raw


def token_authenticate(raw: str) -> AbstractBaseUser | None:
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_key_hash(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user
