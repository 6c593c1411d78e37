"""Moderator endpoints, authorised by an API token (``Authorization: Bearer``)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja import Status as HttpStatus
from ninja.security import HttpBearer
from pydantic import Field

from tribune.accounts.tokens import token_authenticate
from tribune.actions.ban import ban_end, commenter_ban
from tribune.actions.decide import decision_make, decision_undo, decisions_make_bulk
from tribune.actions.report import report_keep
from tribune.actions.thread_settings import thread_settings_update
from tribune.comments.models import Comment, Status
from tribune.core.errors import InvalidInput, NotFound
from tribune.core.ids import IdParam
from tribune.integrations.services import integration_authenticate
from tribune.moderation.bans import ban_in_force, bans_of_commenter
from tribune.moderation.permissions import can_see_desk, comments_visible_to
from tribune.moderation.restrictions import (
    network_restrict,
    network_restriction_lift,
    network_seen,
)
from tribune.moderation.selectors import (
    QUEUE_ORDERS,
    QUEUE_PAGE,
    QUEUE_STATUSES,
    QueueFilter,
    decisions_latest,
    queue_count,
    queue_page,
    reports_open,
)
from tribune.threads.models import Thread

from .schemas import DecisionIn, ErrorOut, QueueCommentOut, QueueOut


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        return token_authenticate(token) or integration_authenticate(request, token)


router = Router(tags=["moderation"], auth=TokenAuth())


class WorkspaceCommentOut(QueueCommentOut):
    thread: int = Field(description="The article's thread id (for its settings).")
    commenter_id: int = Field(description="The commenter's id (for history and bans).")
    reports: int = Field(default=0, description="Open reader reports.")


class WorkspaceQueueOut(QueueOut):
    comments: list[WorkspaceCommentOut]


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
        "thread": comment.thread_id,
        "commenter_id": comment.commenter_id,
    }


@router.get("/queue", response={200: WorkspaceQueueOut, 400: ErrorOut, 401: ErrorOut},
            summary="The moderation queue")
def queue(request: HttpRequest, status: str = Status.PENDING, after: int | None = None,
          limit: int = QUEUE_PAGE, desk: str = "", article: int | None = None,
          language: str = "", since: dt.date | None = None, until: dt.date | None = None,
          q: str = "", order: str = "oldest"):
    """Comments of the moderator's desks in one tab (pending, reported, approved,
    rejected or all), filtered by desk code, article (thread id), language,
    submission dates and a search in text and names; ``order`` oldest or newest.
    Page with ``after`` (the ``next_after`` of the previous page)."""
    if status not in QUEUE_STATUSES:
        raise InvalidInput(
            _("The status must be pending, reported, approved, rejected or all."),
            field="status")
    if not 1 <= limit <= 200:
        raise InvalidInput(_("The limit must be between 1 and 200."), field="limit")
    if order not in QUEUE_ORDERS:
        raise InvalidInput(_("Unknown order."), field="order")
    if len(q) > 100 or len(language) > 16 or len(desk) > 32:
        raise InvalidInput(_("A filter is too long."), field="q")
    filters = QueueFilter(status=status, desk=desk.lower(), article=article,
                          language=language.lower(), since=since, until=until,
                          q=q.strip(), order=order)
    comments = queue_page(user=request.auth, filters=filters, after=after, limit=limit)
    open_reports = reports_open(comment_ids=[c.pk for c in comments])
    return {
        "status": status,
        "count": queue_count(user=request.auth, filters=filters),
        "comments": [moderator_comment(c) | {"reports": len(open_reports.get(c.pk, []))}
                     for c in comments],
        "next_after": comments[-1].pk if len(comments) == limit else None,
    }


@router.post(
    "/comments/{comment_id}/decision",
    response={200: QueueCommentOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut,
              415: ErrorOut},
    summary="Decide a comment",
)
def decide(request: HttpRequest, comment_id: IdParam, payload: DecisionIn):
    """Approve, reject (with a clause) or edit (with a clause and the new text).
    The decision and its audit row are committed together."""
    comment = decision_make(
        comment_id=comment_id,
        moderator=request.auth,
        action=payload.action,
        clause=payload.clause,
        body=payload.body,
        note=payload.note,
        expected_status=payload.expected_status,
    )
    return moderator_comment(
        Comment.objects.select_related("thread__desk", "commenter").get(pk=comment.pk)
    )


class BulkIn(Schema):
    ids: list[int] = Field(description="Up to 200 comment ids.")
    action: str = Field(description="approve or reject")
    clause: int | None = None
    note: str | None = None


class BulkOut(Schema):
    decided: list[int]
    refused: dict[str, str]


@router.post("/decisions", response={200: BulkOut, 400: ErrorOut, 401: ErrorOut, 415: ErrorOut},
             summary="Decide several comments at once")
def decide_bulk(request: HttpRequest, payload: BulkIn):
    """Approve or reject (with a clause) several comments; each is decided on its
    own, and the refusals are listed by id with their reason."""
    outcome = decisions_make_bulk(comment_ids=payload.ids, moderator=request.auth,
                                  action=payload.action, clause=payload.clause,
                                  note=payload.note or "")
    return {"decided": [c.pk for c in outcome.decided],
            "refused": {str(k): v for k, v in outcome.refused.items()}}


@router.post("/undo", response={200: QueueCommentOut, 401: ErrorOut, 409: ErrorOut},
             summary="Undo one's own last decision")
def undo(request: HttpRequest):
    """Take back the caller's latest decision if it is recent (5 minutes by default)."""
    comment = decision_undo(moderator=request.auth)
    return moderator_comment(
        Comment.objects.select_related("thread__desk", "commenter").get(pk=comment.pk)
    )


class ReportOut(Schema):
    id: int
    reason: str
    text: str
    created: dt.datetime


@router.get("/comments/{comment_id}/reports",
            response={200: list[ReportOut], 401: ErrorOut, 404: ErrorOut},
            summary="Open reports on a comment")
def reports(request: HttpRequest, comment_id: IdParam):
    if not comments_visible_to(request.auth).filter(pk=comment_id).exists():
        raise NotFound(_("There is no comment %(id)s.") % {"id": comment_id})
    return [{"id": r.pk, "reason": r.reason, "text": r.text, "created": r.created_at}
            for r in reports_open(comment_ids=[comment_id]).get(comment_id, [])]


class KeepOut(Schema):
    comment: int
    dismissed: int


@router.post("/comments/{comment_id}/keep",
             response={200: KeepOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut},
             summary="Keep a reported comment")
def keep(request: HttpRequest, comment_id: IdParam):
    """Dismiss the open reports: the comment stays published. To remove it,
    reject it with a clause (the reports are then resolved as removed)."""
    return {"comment": comment_id,
            "dismissed": report_keep(comment_id=comment_id, moderator=request.auth)}


class HistoryItemOut(Schema):
    id: int
    status: str
    thread_url: str
    body: str
    edited_body: str | None
    submitted: dt.datetime
    decision: str | None
    decision_clause: int | None


class BanOut(Schema):
    id: int
    desk: str | None
    until: dt.datetime | None
    reason: str
    in_force: bool
    created: dt.datetime


class CommenterOut(Schema):
    id: int
    pseudonym: str
    comments: list[HistoryItemOut]
    bans: list[BanOut]


def _ban_out(ban) -> dict:
    return {"id": ban.pk, "desk": ban.desk.code if ban.desk else None, "until": ban.until,
            "reason": ban.reason, "in_force": ban_in_force(ban), "created": ban.created_at}


@router.get("/commenters/{commenter_id}",
            response={200: CommenterOut, 401: ErrorOut, 404: ErrorOut},
            summary="A commenter's history")
def commenter(request: HttpRequest, commenter_id: IdParam):
    """The commenter's latest 100 comments on the caller's desks, with the latest
    decision on each, and their bans."""
    comments = list(
        comments_visible_to(request.auth).filter(commenter_id=commenter_id)
        .select_related("thread", "commenter").order_by("-submitted_at", "-id")[:100]
    )
    if not comments:
        raise NotFound(_("There is no commenter %(id)s.") % {"id": commenter_id})
    decisions = decisions_latest(comment_ids=[c.pk for c in comments])
    return {
        "id": commenter_id,
        "pseudonym": comments[0].commenter.pseudonym,
        "comments": [
            {"id": c.pk, "status": c.status, "thread_url": c.thread.url, "body": c.body,
             "edited_body": c.edited_body, "submitted": c.submitted_at,
             "decision": decisions[c.pk].action if c.pk in decisions else None,
             "decision_clause": c.decision_clause}
            for c in comments
        ],
        "bans": [_ban_out(b) for b in bans_of_commenter(user=request.auth,
                                                       commenter_id=commenter_id)],
    }


class BanIn(Schema):
    desk: str | None = Field(default=None, description="Desk code; none: every desk "
                                                       "(administrators)")
    days: int | None = Field(default=None, description="Suspension in days; none: permanent")
    reason: str | None = None


@router.post("/commenters/{commenter_id}/bans",
             response={201: BanOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                       415: ErrorOut},
             summary="Ban or suspend a commenter")
def ban(request: HttpRequest, commenter_id: IdParam, payload: BanIn):
    """Desk editors (on their desks) and administrators."""
    made = commenter_ban(actor=request.auth, commenter_id=commenter_id, desk_code=payload.desk,
                         days=payload.days, reason=payload.reason or "")
    return HttpStatus(201, _ban_out(made))


@router.post("/bans/{ban_id}/lift", response={200: BanOut, 401: ErrorOut, 404: ErrorOut},
             summary="Lift a ban")
def lift(request: HttpRequest, ban_id: IdParam):
    return _ban_out(ban_end(actor=request.auth, ban_id=ban_id))


class ThreadSettingsIn(Schema):
    open: bool
    moderation: str = Field(description="pre or post")
    closes_at: dt.datetime | None = None


class ThreadSettingsOut(Schema):
    id: int
    url: str
    open: bool
    moderation: str
    closes_at: dt.datetime | None


def _thread_for(user, thread_id: int) -> Thread:
    thread = Thread.objects.filter(pk=thread_id).first()
    if thread is None or not can_see_desk(user, thread.desk_id):
        raise NotFound(_("There is no article %(id)s.") % {"id": thread_id})
    return thread


def _thread_out(thread: Thread) -> dict:
    return {"id": thread.pk, "url": thread.url, "open": thread.is_open,
            "moderation": thread.moderation, "closes_at": thread.closes_at}


@router.get("/threads/{thread_id}", response={200: ThreadSettingsOut, 401: ErrorOut,
                                              404: ErrorOut}, summary="An article's settings")
def thread_settings(request: HttpRequest, thread_id: IdParam):
    return _thread_out(_thread_for(request.auth, thread_id))


@router.put("/threads/{thread_id}",
            response={200: ThreadSettingsOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut,
                      404: ErrorOut, 415: ErrorOut},
            summary="Change an article's settings")
def thread_settings_change(request: HttpRequest, thread_id: IdParam, payload: ThreadSettingsIn):
    """Open or closed, pre- or post-moderation, automatic closing time (desk
    editors and administrators; an integration's token needs ``threads:write``)."""
    return _thread_out(thread_settings_update(
        actor=request.auth, thread_id=thread_id, is_open=payload.open,
        moderation=payload.moderation,
        closes_at=payload.closes_at,
    ))


# --- Network restrictions (issue #15): not bans; brief; the count first ------------


class NetworkSeenOut(Schema):
    others: int = Field(description="Other commenters seen from the commenter's networks "
                        "in the window: what a restriction would also hold back.")
    window_hours: int
    networks: int = Field(description="How many networks (keyed hashes) it would name.")
    shared_exits: bool = Field(description="True when the site's readers come through "
                               "shared exits: networks cannot be restricted there.")
    desks: list[str] = Field(description="Desks on which the caller may restrict them.")


class NetworkRestrictionIn(Schema):
    desk: str
    hours: int = Field(description="1 to 24")
    others_seen: int = Field(description="The `others` number the moderator confirmed; "
                             "refused (400 others_changed) if it has grown since.")
    reason: str | None = None


class NetworkRestrictionOut(Schema):
    id: int
    desk: str
    until: dt.datetime
    others_seen: int
    in_force: bool


def _restriction_out(restriction) -> dict:
    from django.utils import timezone

    return {"id": restriction.pk, "desk": restriction.desk.code, "until": restriction.until,
            "others_seen": restriction.others_seen,
            "in_force": restriction.lifted_at is None and restriction.until > timezone.now()}


@router.get("/commenters/{commenter_id}/network",
            response={200: NetworkSeenOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut},
            summary="Who else a restriction of the commenter's network would hold back")
def network_seen_view(request: HttpRequest, commenter_id: IdParam):
    seen = network_seen(actor=request.auth, commenter_id=commenter_id)
    return {"others": seen.others, "window_hours": seen.window_hours,
            "networks": len(seen.network_hashes), "shared_exits": seen.shared_exits,
            "desks": [d.code for d in seen.desks]}


@router.post("/commenters/{commenter_id}/network-restrictions",
             response={201: list[NetworkRestrictionOut], 400: ErrorOut, 401: ErrorOut,
                       403: ErrorOut, 404: ErrorOut, 415: ErrorOut},
             summary="Restrict the commenter's networks on a desk for a few hours")
def network_restrict_view(request: HttpRequest, commenter_id: IdParam,
                          payload: NetworkRestrictionIn):
    """Not a ban: every reader on those networks is held back. Desk editors and
    administrators; never on a site whose readers come through shared exits."""
    made = network_restrict(actor=request.auth, commenter_id=commenter_id,
                            desk_code=payload.desk, hours=payload.hours,
                            reason=payload.reason or "", others_seen=payload.others_seen)
    return HttpStatus(201, [_restriction_out(r) for r in made])


@router.post("/network-restrictions/{restriction_id}/lift",
             response={200: NetworkRestrictionOut, 400: ErrorOut, 401: ErrorOut,
                       404: ErrorOut},
             summary="Lift a network restriction")
def network_lift_view(request: HttpRequest, restriction_id: IdParam):
    return _restriction_out(network_restriction_lift(actor=request.auth,
                                                     restriction_id=restriction_id))
