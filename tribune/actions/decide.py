"""Deciding: one comment, several at once, a whole campaign (a triage cluster),
or taking back one's last decision.

The JSON API (tribune.api.moderation), the workspace's no-JS and scripted views
(tribune.moderation.views) and every other surface call these, never the
moderation services directly, so each path gets the same rules and effects.

Effects, declared once here for every surface:

- in the decision's transaction: the status change, its audit row, the reports
  a rejection resolves (:func:`tribune.moderation.decisions.comment_decide`),
  the thread's new published render when publication changed, and the webhook
  deliveries and decision notice queued through ``comment_decided``;
- after commit: the deliveries and e-mail are sent off the request path
  (tribune.notifications kicks its sender with ``transaction.on_commit``), and
  every process hears of the new render through the render store's version.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from tribune.comments.models import Comment, Status
from tribune.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from tribune.core.ids import parse_id
from tribune.moderation.decisions import comment_decide
from tribune.moderation.models import Action
from tribune.moderation.permissions import comments_visible_to
from tribune.moderation.undo import decision_undo_last
from tribune.triage.seniors import is_senior

BULK_MAX = 200


def decision_make(
    *, comment_id: object, moderator: AbstractBaseUser | None, action: object,
    clause: object = None, body: object = None, note: object = "",
    expected_status: object = None,
) -> Comment:
    """Approve, reject or edit one comment (see ``comment_decide`` for what the
    caller may rely on: desk rules, ``expected_status``, refusals)."""
    return comment_decide(
        comment_id=comment_id, moderator=moderator, action=action, clause=clause, body=body,
        note=note, expected_status=expected_status,
    )


def decision_undo(*, moderator: AbstractBaseUser, since: datetime | None = None) -> Comment:
    """Take back the moderator's own latest decision, if it is recent enough
    (``Conflict`` with code ``undo_unavailable`` otherwise); made after ``since``
    (the workspace session's start) when given."""
    return decision_undo_last(moderator=moderator, since=since)


@dataclass
class BulkOutcome:
    """What a bulk decision did: the comments decided, and each refusal by id."""

    decided: list[Comment] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)


def decisions_make_bulk(
    *, comment_ids: object, moderator: AbstractBaseUser, action: object,
    clause: object = None, note: object = "",
) -> BulkOutcome:
    """Approve or reject several comments at once (at most :data:`BULK_MAX`).

    Each comment is decided by :func:`decision_make` in its own transaction, so
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
            outcome.decided.append(decision_make(
                comment_id=comment_id, moderator=moderator, action=action,
                clause=clause, note=note,
            ))
        except (InvalidInput, NotFound, Conflict) as error:
            outcome.refused[comment_id] = error.message
    return outcome


def cluster_decide(
    *, cluster_id: object, moderator: AbstractBaseUser, action: object, clause: object = None,
    note: object = "",
) -> list[Comment]:
    """Decide every pending comment of a campaign's cluster the moderator may see,
    through :func:`decision_make` one by one, all or none (one transaction).

    Refuses (``PermissionDenied``) when a comment is held for a senior moderator
    and the moderator is not one; ``NotFound`` when nothing is left to decide.
    """
    cluster_id = parse_id(cluster_id, field="cluster")
    if action not in ("approve", "reject"):
        raise InvalidInput(_("A whole cluster is approved or rejected."), field="action")
    pending = list(
        comments_visible_to(moderator)
        .filter(triage__cluster_id=cluster_id, status=Status.PENDING)
        .select_related("triage").order_by("submitted_at", "id")
    )
    if not pending:
        raise NotFound(_("There is nothing left to decide in cluster %(id)s.") % {"id": cluster_id})
    if any(c.triage.held for c in pending) and not is_senior(moderator):
        raise PermissionDenied(
            _("This cluster holds comments kept for a senior moderator."), code="held"
        )
    with transaction.atomic():
        return [
            decision_make(comment_id=c.pk, moderator=moderator, action=action, clause=clause,
                          note=note)
            for c in pending
        ]
