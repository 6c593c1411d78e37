"""Saying plainly who decided a comment first.

When two moderators decide one comment, the second is refused and changes
nothing; what they are told names the decision that won: "Already approved by
amina at 09:42 (UTC)"."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from tribune.comments.models import Comment, Status

from .models import Action, Decision


def latest_decision(comment: Comment) -> Decision | None:
    return (Decision.objects.filter(comment=comment).select_related("moderator")
            .order_by("-created_at", "-id").first())


def decider_name(decision: Decision) -> str:
    if decision.moderator is None:
        return _("Tribune (post-moderation)")
    return decision.moderator.get_username()


def already_decided_message(comment: Comment) -> str:
    """E.g. "Already approved by amina at 09:42 (UTC), 2026-12-07. Nothing was
    changed." — the comment's current state and the decision that made it."""
    decision = latest_decision(comment)
    if decision is None or comment.status == Status.PENDING:
        return _("This comment changed meanwhile. Nothing was changed; reload it.")
    at = decision.created_at.astimezone(dt.UTC)
    values = {"name": decider_name(decision), "time": at.strftime("%H:%M"),
              "date": at.strftime("%Y-%m-%d")}
    if decision.action == Action.UNDO:
        return _("Already changed by %(name)s at %(time)s (UTC), %(date)s: the decision was "
                 "undone. Nothing was changed.") % values
    if comment.status == Status.REJECTED:
        return _("Already rejected by %(name)s at %(time)s (UTC), %(date)s. "
                 "Nothing was changed.") % values
    if comment.is_edited:
        return _("Already edited and approved by %(name)s at %(time)s (UTC), %(date)s. "
                 "Nothing was changed.") % values
    return _("Already approved by %(name)s at %(time)s (UTC), %(date)s. "
             "Nothing was changed.") % values


def decided_line(decision: Decision) -> str:
    """A decision in a few words for a card another moderator has open:
    "Approved by amina at 09:42 (UTC)"."""
    values = {"name": decider_name(decision),
              "time": decision.created_at.astimezone(dt.UTC).strftime("%H:%M")}
    if decision.action == Action.REJECT:
        return _("Rejected by %(name)s at %(time)s (UTC)") % values
    if decision.action == Action.EDIT:
        return _("Edited and approved by %(name)s at %(time)s (UTC)") % values
    if decision.action == Action.UNDO:
        return _("Decision undone by %(name)s at %(time)s (UTC)") % values
    return _("Approved by %(name)s at %(time)s (UTC)") % values
