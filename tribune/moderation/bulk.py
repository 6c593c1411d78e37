"""Bulk decisions: several comments approved or rejected at once, each by
:func:`comment_decide` in its own transaction."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _

from tribune.comments.models import Comment
from tribune.core.errors import Conflict, InvalidInput, NotFound
from tribune.core.ids import parse_id

from .decisions import comment_decide
from .models import Action

BULK_MAX = 200


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
