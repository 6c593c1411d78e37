"""Undo: which of a moderator's decisions they may still take back, and taking
back their latest one (itself a decision, made by :func:`comment_decide`)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from django.utils.translation import gettext as _

from tribune.comments.models import Comment
from tribune.core.errors import Conflict

from .decisions import comment_decide, undo_window
from .models import Action, Decision


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
