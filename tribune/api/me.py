"""A reader's own data: their comments with the decisions on them, an export,
and deletion (see :mod:`tribune.privacy.retention` for what deletion keeps).

The reader is named by their commenter token, never by an account: the signed
``tribune_commenter`` cookie a browser got with its first comment, or, for API
and widget clients, the same signed value in the ``X-Tribune-Commenter`` header
(the ``commenter_token`` returned by the first ``POST /api/v1/comments``).
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field

from tribune.actions.erase import reader_data_erase
from tribune.comments.commenters import COMMENTER_HEADER, commenter_token
from tribune.core.errors import TribuneError
from tribune.core.ids import IdParam
from tribune.privacy.retention import commenter_for_token, reader_export

from .schemas import ErrorOut

router = Router(tags=["reader data"])


class NoCommenter(TribuneError):
    status = 401
    code = "no_commenter"


class MeDecisionOut(Schema):
    action: str = Field(examples=["reject"])
    clause: int | None = Field(description="The Terms of Use clause it rests on.")
    clause_title: str
    status_before: str
    status_after: str
    body_after: str = Field(description="The text as published after the decision "
                                        "('' for a rejection or once the text was removed).")
    at: dt.datetime


class MeCommentOut(Schema):
    id: int
    url: str
    thread_title: str
    parent: int | None
    author: str
    body: str = Field(description="What you wrote ('' once removed).")
    edited_body: str | None = Field(description="A moderator's edit, if any.")
    status: str = Field(examples=["pending"])
    language: str
    submitted: dt.datetime
    decided: dt.datetime | None
    published: dt.datetime | None
    erased: dt.datetime | None = Field(description="When the text was removed, if it was.")
    decisions: list[MeDecisionOut]


class MeCommentsOut(Schema):
    format: str = Field(examples=["tribune.reader-export/1"])
    exported: dt.datetime
    commenter: str | None = Field(description="Your pseudonym, as moderators see it.")
    comments: list[MeCommentOut]


class MeDeletedOut(Schema):
    deleted: int = Field(description="Comments not yet decided, deleted outright.")
    erased: int = Field(description="Decided comments whose text was removed; the "
                                    "decisions' facts stay in the audit trail.")


def _commenter(request: HttpRequest):
    token = commenter_token(request)
    if not token:
        raise NoCommenter(_(
            "No commenter token was sent. Use the browser you commented from, or send "
            "the %(header)s header with the commenter_token you were given."
        ) % {"header": COMMENTER_HEADER})
    return commenter_for_token(token)


def _private(response: HttpResponse) -> None:
    patch_cache_control(response, private=True, no_store=True)


@router.get("/comments", response={200: MeCommentsOut, 401: ErrorOut},
            summary="Your comments and the decisions on them")
def my_comments(request: HttpRequest, response: HttpResponse):
    """Every comment sent with your commenter token, oldest first, with each
    decision on it (action, clause, resulting text, time)."""
    _private(response)
    return reader_export(commenter=_commenter(request))


@router.get("/export", response={200: MeCommentsOut, 401: ErrorOut},
            summary="Download your comments (JSON)")
def my_export(request: HttpRequest, response: HttpResponse):
    """The same as ``GET /me/comments``, as a file to keep."""
    _private(response)
    response["Content-Disposition"] = 'attachment; filename="tribune-comments.json"'
    return reader_export(commenter=_commenter(request))


@router.delete("/comments", response={200: MeDeletedOut, 401: ErrorOut},
               summary="Delete all your comments")
def my_comments_delete(request: HttpRequest, response: HttpResponse):
    """Comments not yet decided are deleted; decided ones lose their text, name and
    network hash, leave the published view and are no longer linked to you."""
    _private(response)
    report = reader_data_erase(commenter=_commenter(request))
    return {"deleted": report.deleted, "erased": report.erased}


@router.delete("/comments/{comment_id}",
               response={200: MeDeletedOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut},
               summary="Delete one of your comments")
def my_comment_delete(request: HttpRequest, response: HttpResponse, comment_id: IdParam):
    """As ``DELETE /me/comments``, for one comment; another reader's comment is
    ``404`` whether or not it exists."""
    _private(response)
    report = reader_data_erase(commenter=_commenter(request), comment_id=comment_id)
    return {"deleted": report.deleted, "erased": report.erased}
