"""Deciding: one comment, several at once, or taking back one's last decision.

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

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _

from tribune.comments.models import Comment
from tribune.core.errors import Conflict, InvalidInput, NotFound
from tribune.core.ids import parse_id
from tribune.moderation.decisions import comment_decide
from tribune.moderation.models import Action
from tribune.moderation.undo import decision_undo_last

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


def decision_undo(*, moderator: AbstractBaseUser) -> Comment:
    """Take back the moderator's own latest decision, if it is recent enough
    (``Conflict`` with code ``undo_unavailable`` otherwise)."""
    return decision_undo_last(moderator=moderator)


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
