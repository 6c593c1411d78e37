"""Decisions: every change of a comment's status goes through
:func:`comment_decide`, which writes the audit row in the same transaction and
re-renders the thread's published view. Undoing a decision is a decision too
(taken under the same row lock); which decision a moderator may still undo is
:mod:`tribune.moderation.undo`'s to say."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tribune.comments.models import Comment, Status
from tribune.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from tribune.core.ids import parse_id
from tribune.core.text import clean_body, clean_text
from tribune.privacy.models import Erasure
from tribune.privacy.vault import decision_redact, original_take_back
from tribune.publishing.services import thread_publish
from tribune.sites.services import clause_get

from .decided import already_decided_message
from .live import queue_moved
from .models import Action, Decision, Report, Resolution
from .permissions import moderator_desk_ids
from .signals import comment_decided

NOTE_MAX = 1000

_STATUS_AFTER = {
    Action.APPROVE: Status.APPROVED,
    Action.EDIT: Status.APPROVED,
    Action.REJECT: Status.REJECTED,
}


def undo_window() -> timedelta:
    """How long a moderator may take back their last decision
    (``TRIBUNE_UNDO_SECONDS``, 5 minutes by default)."""
    return timedelta(seconds=settings.TRIBUNE_UNDO_SECONDS)


# Checks that keep a comment from a given moderator: triage (above moderation)
# registers "held for a senior moderator" here in its AppConfig.ready.
_HOLDS: list[Callable[[Comment, AbstractBaseUser], bool]] = []


def decision_hold_register(check: Callable[[Comment, AbstractBaseUser], bool]) -> None:
    """Refuse a person's decision on a comment when ``check(comment, moderator)``
    is true (``PermissionDenied`` with code ``held``); Tribune's own decisions
    (``moderator`` None) are never held."""
    if check not in _HOLDS:
        _HOLDS.append(check)


def _held_for_a_senior(comment: Comment, moderator: AbstractBaseUser) -> bool:
    return any(check(comment, moderator) for check in _HOLDS)


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
            raise Conflict(already_decided_message(comment), code="status_changed")
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
        if (action == Action.APPROVE and before_status == Status.APPROVED
                or action == Action.REJECT and before_status == Status.REJECTED):
            raise Conflict(already_decided_message(comment), code="already_decided")

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
        decision = Decision.objects.create(
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
        if cited is not None and cited.personal_information:
            # What the decision removed goes to the redaction vault, sealed.

            decision_redact(comment=comment, decision=decision, before_body=before_body,
                            days=site.redaction_days, now=now)
        queue_moved()
        if comment.status == Status.REJECTED:
            Report.objects.filter(comment=comment, resolved_at__isnull=True).update(
                resolved_at=now, resolved_by=moderator, resolution=Resolution.REMOVED
            )
        if Status.APPROVED in (before_status, comment.status):
            thread_publish(thread=comment.thread)
        # Webhooks and e-mail (tribune.notifications) queue here, in this transaction.
        comment_decided.send(sender=Comment, comment=comment, action=action)
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

    if (sealed := original_take_back(decision=last)) is not None:
        # Undoing a personal-information decision: its removed text comes back.
        comment.body, last.body_before = sealed["original"], sealed["before"]
        Comment.objects.filter(pk=comment.pk).update(body=comment.body)
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
    queue_moved()
    if last.action == Action.REJECT:
        # The reports the rejection resolved are open again.
        Report.objects.filter(
            comment=comment, resolution=Resolution.REMOVED, resolved_at=last.created_at
        ).update(resolved_at=None, resolved_by=None, resolution="")
    if Status.APPROVED in (before_status, comment.status):
        thread_publish(thread=comment.thread)
    return comment


