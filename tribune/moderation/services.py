"""Moderation: every change of a comment's status goes through
:func:`comment_decide`, which writes the audit row in the same transaction and
re-renders the thread's published view."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tribune.comments.models import Comment, Status
from tribune.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from tribune.core.ids import parse_id
from tribune.core.text import clean_body, clean_text
from tribune.privacy.models import Erasure
from tribune.publishing.services import thread_publish
from tribune.sites.models import Desk
from tribune.sites.services import clause_get

from .models import Action, ApiToken, Decision, DeskAssignment, Report, Resolution, Role
from .permissions import (  # noqa: F401 - the rules' home; re-exported for the callers
    can_ban_on_desk,
    can_edit_desk,
    can_see_desk,
    editor_desk_ids,
    is_editor,
    moderator_desk_ids,
    settings_desk_ids,
)

NOTE_MAX = 1000
BULK_MAX = 200
TOKEN_PREFIX = "trb_"  # noqa: S105 - a visible prefix, not a secret

_STATUS_AFTER = {
    Action.APPROVE: Status.APPROVED,
    Action.EDIT: Status.APPROVED,
    Action.REJECT: Status.REJECTED,
}


def undo_window() -> timedelta:
    """How long a moderator may take back their last decision
    (``TRIBUNE_UNDO_SECONDS``, 5 minutes by default)."""
    return timedelta(seconds=getattr(settings, "TRIBUNE_UNDO_SECONDS", 300))


def comments_visible_to(user: AbstractBaseUser) -> QuerySet:
    desk_ids = moderator_desk_ids(user)
    comments = Comment.objects.all()
    return comments if desk_ids is None else comments.filter(thread__desk_id__in=desk_ids)


def _held_for_a_senior(comment: Comment, moderator: AbstractBaseUser) -> bool:
    """Whether triage holds ``comment`` for a senior moderator and ``moderator``
    is not one (see tribune.triage: site policies)."""
    from tribune.triage.models import CommentTriage
    from tribune.triage.seniors import is_senior

    return (CommentTriage.objects.filter(comment=comment, held=True).exists()
            and not is_senior(moderator))


def comment_decide(
    *,
    comment_id: int,
    moderator: AbstractBaseUser | None,
    action: object,
    clause: object = None,
    body: object = None,
    note: object = "",
    expected_status: object = None,
) -> Comment:
    """Approve, reject, edit or undo; the only way a comment's status changes.

    ``moderator`` None is Tribune itself (post-moderation). A moderator may only
    decide comments of their desks; another desk's comment is ``NotFound``, so its
    existence does not leak. Rejection and edit require a clause of the site's
    Terms of Use; an edit keeps the reader's original in ``body``. On return the
    decision, its audit row and the thread's new published view are committed
    together.

    ``undo`` takes back the moderator's own latest decision on the comment, if it
    is the comment's latest and younger than :func:`undo_window`: a new decision
    restores the status, text and clause from before (rows are never deleted).
    A rejection resolves the comment's open reader reports as removed.

    ``expected_status`` (e.g. "pending"), when given, is checked under the row
    lock: if another decision changed the status first, this one is refused with
    ``Conflict`` (code ``status_changed``) and nothing is written, so of several
    moderators deciding one comment at once exactly one wins.
    """
    if expected_status not in (None, "") and expected_status not in Status.values:
        raise InvalidInput(_("The expected status must be pending, approved or rejected."),
                           field="expected_status")
    if action not in Action.values:
        raise InvalidInput(
            _("The action must be approve, reject, edit or undo."), field="action"
        )
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
        if expected_status not in (None, "") and comment.status != expected_status:
            raise Conflict(
                _("Someone else decided this comment first: it is now %(status)s. "
                  "Reload it to see their decision.") % {"status": Status(comment.status).label},
                code="status_changed",
            )
        if moderator is not None and _held_for_a_senior(comment, moderator):
            raise PermissionDenied(
                _("This comment is held for a senior moderator under the site's triage "
                  "policy."), code="held")
        if Erasure.objects.filter(comment=comment).exists():
            # Its text was removed by its author or the retention policy; a
            # decision must not bring text back.
            raise Conflict(_("This comment was erased and can no longer be decided."),
                           code="erased")

        if action == Action.UNDO:
            if clause not in (None, ""):
                raise InvalidInput(_("An undo cites no clause."), field="clause")
            return _undo(comment=comment, moderator=moderator, note=clean_note)

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
        before_clause = comment.decision_clause
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
            clause_before=before_clause,
            status_before=before_status,
            status_after=comment.status,
            body_before=before_body,
            body_after=comment.published_body,
            created_at=now,
        )
        if comment.status == Status.REJECTED:
            Report.objects.filter(comment=comment, resolved_at__isnull=True).update(
                resolved_at=now, resolved_by=moderator, resolution=Resolution.REMOVED
            )
        if Status.APPROVED in (before_status, comment.status):
            thread_publish(thread=comment.thread)
        from tribune.notifications.events import comment_event  # webhooks, e-mail: after commit

        comment_event(event=action, comment=comment)
    return comment


def _undo(*, comment: Comment, moderator: AbstractBaseUser | None, note: str) -> Comment:
    """Within comment_decide's transaction, with the comment locked."""
    refusal = _("Only your own latest decision on a comment can be undone, "
                "within %(minutes)s minutes.") % {
        "minutes": max(1, int(undo_window().total_seconds() // 60))}
    if moderator is None:
        raise Conflict(refusal, code="undo_unavailable")
    decisions = Decision.objects.filter(comment=comment).order_by("-created_at", "-id")
    last = decisions.first()
    now = timezone.now()
    if (
        last is None
        or last.moderator_id != moderator.pk
        or last.action == Action.UNDO
        or now - last.created_at > undo_window()
        or last.status_after != comment.status
    ):
        raise Conflict(refusal, code="undo_unavailable")
    previous = decisions.exclude(pk=last.pk).first()
    before_status, before_body = comment.status, comment.published_body
    comment.status = last.status_before
    comment.edited_body = last.body_before if last.body_before != comment.body else None
    comment.decision_clause = last.clause_before
    comment.decided_at = previous.created_at if previous else None
    if comment.status == Status.APPROVED:
        comment.published_at = comment.published_at or (previous.created_at if previous else now)
    else:
        comment.published_at = None
    comment.save(update_fields=[
        "status", "edited_body", "decision_clause", "decided_at", "published_at",
    ])
    Decision.objects.create(
        comment=comment,
        moderator=moderator,
        action=Action.UNDO,
        undoes=last,
        note=note,
        clause_before=last.clause,
        status_before=before_status,
        status_after=comment.status,
        body_before=before_body,
        body_after=comment.published_body,
        created_at=now,
    )
    if last.action == Action.REJECT:
        # The reports the rejection resolved are open again.
        Report.objects.filter(
            comment=comment, resolution=Resolution.REMOVED, resolved_at=last.created_at
        ).update(resolved_at=None, resolved_by=None, resolution="")
    if Status.APPROVED in (before_status, comment.status):
        thread_publish(thread=comment.thread)
    return comment


def decision_undoable(*, moderator: AbstractBaseUser) -> Decision | None:
    """The moderator's latest decision if they may still undo it, else None."""
    last = (
        Decision.objects.filter(moderator=moderator)
        .select_related("comment")
        .order_by("-created_at", "-id")
        .first()
    )
    if last is None or last.action == Action.UNDO:
        return None
    if timezone.now() - last.created_at > undo_window():
        return None
    latest_on_comment = (
        Decision.objects.filter(comment_id=last.comment_id)
        .order_by("-created_at", "-id").values_list("pk", flat=True).first()
    )
    return last if latest_on_comment == last.pk else None


def decision_undo_last(*, moderator: AbstractBaseUser) -> Comment:
    """Take back the moderator's own latest decision (see ``comment_decide``)."""
    last = decision_undoable(moderator=moderator)
    if last is None:
        raise Conflict(
            _("There is no recent decision of yours to undo."), code="undo_unavailable"
        )
    return comment_decide(comment_id=last.comment_id, moderator=moderator, action=Action.UNDO)


@dataclass
class BulkOutcome:
    """What a bulk decision did: the comments decided, and each refusal by id."""

    decided: list[Comment] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)


def comments_decide_bulk(
    *, comment_ids: object, moderator: AbstractBaseUser, action: object,
    clause: object = None, note: object = "",
) -> BulkOutcome:
    """Approve or reject several comments at once (at most :data:`BULK_MAX`).

    Each comment is decided by :func:`comment_decide` in its own transaction, so
    one refusal (decided meanwhile, another desk's) does not hold up the rest;
    the refusals are returned by comment id with their message.
    """
    if action not in (Action.APPROVE, Action.REJECT):
        raise InvalidInput(
            _("Several comments can only be approved or rejected together."), field="action"
        )
    if not isinstance(comment_ids, list | tuple) or not comment_ids:
        raise InvalidInput(_("Select at least one comment."), field="ids")
    if len(comment_ids) > BULK_MAX:
        raise InvalidInput(
            _("Select at most %(max)s comments at a time.") % {"max": BULK_MAX}, field="ids"
        )
    ids = list(dict.fromkeys(parse_id(i, field="ids") for i in comment_ids))
    if action == Action.REJECT and clause in (None, ""):
        raise InvalidInput(
            _("Choose the clause of the Terms of Use this decision rests on."),
            field="clause", code="clause_required",
        )
    outcome = BulkOutcome()
    for comment_id in ids:
        try:
            outcome.decided.append(comment_decide(
                comment_id=comment_id, moderator=moderator, action=action,
                clause=clause, note=note,
            ))
        except (InvalidInput, NotFound, Conflict) as error:
            outcome.refused[comment_id] = error.message
    return outcome


def reports_keep(*, comment_id: object, moderator: AbstractBaseUser) -> int:
    """Keep a reported comment: its open reports are resolved as kept (by whom,
    when). Returns how many reports were resolved; another desk's comment is
    ``NotFound``."""
    comment_id = parse_id(comment_id, field="id")
    comment = comments_visible_to(moderator).filter(pk=comment_id).first()
    if comment is None:
        raise NotFound(_("There is no comment %(id)s.") % {"id": comment_id})
    resolved = Report.objects.filter(comment=comment, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=moderator, resolution=Resolution.KEPT
    )
    if not resolved:
        raise Conflict(_("This comment has no open report."), code="no_report")
    return resolved


def moderator_create(
    *, name: str, password: str, desk_codes: list[str], admin: bool = False,
    role: str = Role.MODERATOR,
) -> AbstractBaseUser:
    """Create a moderator of the given desks (an administrator sees every desk);
    ``role`` is their role on each of them (moderator or desk editor)."""
    if role not in Role.values:
        raise InvalidInput(_("The role must be moderator or editor."), field="role")
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
        DeskAssignment.objects.bulk_create(
            DeskAssignment(user=user, desk=d, role=role) for d in desks
        )
    return user


def moderator_update(
    *, actor: AbstractBaseUser, user_id: object, desk_roles: dict[str, str],
    admin: bool, active: bool,
) -> AbstractBaseUser:
    """An administrator sets a moderator's desks and roles (``{desk code: role}``),
    whether they are an administrator, and whether their account is active.
    An administrator cannot take away their own administration or account."""
    if not actor.is_superuser:
        raise PermissionDenied(_("Only an administrator manages moderators."))
    user_id = parse_id(user_id, field="id")
    user = get_user_model().objects.filter(pk=user_id, is_staff=True).first()
    if user is None:
        raise NotFound(_("There is no moderator %(id)s.") % {"id": user_id})
    if user.pk == actor.pk and (not admin or not active):
        raise InvalidInput(
            _("You cannot remove your own administrator role or account."), field="admin"
        )
    codes = {code.lower(): r for code, r in desk_roles.items()}
    if any(r not in Role.values for r in codes.values()):
        raise InvalidInput(_("The role must be moderator or editor."), field="role")
    desks = {d.code: d for d in Desk.objects.filter(code__in=codes)}
    missing = sorted(set(codes) - set(desks))
    if missing:
        raise InvalidInput(
            _("There is no desk %(codes)s.") % {"codes": ", ".join(missing)}, field="desk"
        )
    if not desks and not admin:
        raise InvalidInput(
            _("A moderator needs at least one desk, or to be an administrator."), field="desk"
        )
    with transaction.atomic():
        user.is_superuser = admin
        user.is_active = active
        user.save(update_fields=["is_superuser", "is_active"])
        DeskAssignment.objects.filter(user=user).delete()
        DeskAssignment.objects.bulk_create(
            DeskAssignment(user=user, desk=desk, role=codes[code]) for code, desk in desks.items()
        )
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
