"""Moderator endpoints, authorised by an API token (``Authorization: Bearer``)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router
from ninja.security import HttpBearer

from tribune.comments.models import Comment, Status
from tribune.core.errors import InvalidInput
from tribune.integrations.services import integration_authenticate
from tribune.moderation.selectors import QUEUE_PAGE, queue_count, queue_page
from tribune.moderation.services import comment_decide, token_authenticate

from .schemas import DecisionIn, ErrorOut, QueueCommentOut, QueueOut


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        return token_authenticate(token) or integration_authenticate(request, token)


router = Router(tags=["moderation"], auth=TokenAuth())


def moderator_comment(comment: Comment) -> dict:
    return {
        "id": comment.pk,
        "status": comment.status,
        "thread_url": comment.thread.url,
        "thread_title": comment.thread.title,
        "desk": comment.thread.desk.code,
        "parent": comment.parent_id,
        "author": comment.author,
        "body": comment.body,
        "edited_body": comment.edited_body,
        "commenter": comment.commenter.pseudonym,
        "language": comment.language,
        "submitted": comment.submitted_at,
        "decided": comment.decided_at,
        "decision_clause": comment.decision_clause,
    }


@router.get("/queue", response={200: QueueOut, 400: ErrorOut, 401: ErrorOut},
            summary="The moderation queue")
def queue(request: HttpRequest, status: str = Status.PENDING, after: int | None = None,
          limit: int = QUEUE_PAGE):
    """Comments of the moderator's desks with the given status, oldest first.
    Page with ``after`` (the ``next_after`` of the previous page)."""
    if status not in Status.values:
        raise InvalidInput(_("The status must be pending, approved or rejected."),
                           field="status")
    if not 1 <= limit <= 200:
        raise InvalidInput(_("The limit must be between 1 and 200."), field="limit")
    comments = queue_page(user=request.auth, status=status, after=after, limit=limit)
    return {
        "status": status,
        "count": queue_count(user=request.auth, status=status),
        "comments": [moderator_comment(c) for c in comments],
        "next_after": comments[-1].pk if len(comments) == limit else None,
    }


@router.post(
    "/comments/{comment_id}/decision",
    response={200: QueueCommentOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut,
              415: ErrorOut},
    summary="Decide a comment",
)
def decide(request: HttpRequest, comment_id: int, payload: DecisionIn):
    """Approve, reject (with a clause) or edit (with a clause and the new text).
    The decision and its audit row are committed together."""
    comment = comment_decide(
        comment_id=comment_id,
        moderator=request.auth,
        action=payload.action,
        clause=payload.clause,
        body=payload.body,
        note=payload.note,
    )
    return moderator_comment(
        Comment.objects.select_related("thread__desk", "commenter").get(pk=comment.pk)
    )
