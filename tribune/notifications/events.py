"""Where a comment's events leave Tribune: webhooks and e-mail.

The comment services call :func:`comment_event` once, inside the transaction
that made the change; moderation's decisions reach it through the
``comment_decided`` signal (:func:`decision_heard`, connected in this app's
``ready``). Everything it queues is written in that
transaction and sent only after it commits, off the request path.
"""

from __future__ import annotations

from tribune.comments.models import Comment
from tribune.core.errors import InvalidInput
from tribune.webhooks.services import event_parse, webhooks_emit

from .services import notice_on_decision, queue_check


def comment_event(*, event: str, comment: Comment) -> None:
    """``event``: submitted, approve(d), reject(ed) or edit(ed); any other
    action (an undo, say) is not an event integrators subscribe to, and is ignored."""
    try:
        name = event_parse(event)
    except InvalidInput:
        return
    webhooks_emit(event=name, comment=comment)
    if name == "comment.submitted":
        queue_check(comment=comment)
    else:
        notice_on_decision(comment=comment)


def decision_heard(sender, *, comment: Comment, action: str, **kwargs) -> None:
    """Receiver of :data:`tribune.moderation.signals.comment_decided`."""
    comment_event(event=action, comment=comment)
