"""Readers' reports of published comments (no account, no token)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from tribune.actions.report import comment_report, request_keys
from tribune.core.ids import IdParam
from tribune.privacy.services import network_hash

from .schemas import ErrorOut

router = Router(tags=["reports"])


class ReportIn(Schema):
    reason: str = Field(description="spam, abuse, false, privacy, off_topic or other")
    text: str | None = Field(default=None, description="Optional explanation, up to 500 "
                                                       "characters.")


class ReportOut(Schema):
    id: int
    comment: int
    status: str = Field(examples=["received"])
    created: dt.datetime


@router.post("/comments/{comment_id}/reports",
             response={201: ReportOut, 400: ErrorOut, 404: ErrorOut, 415: ErrorOut,
                       429: ErrorOut},
             summary="Report a published comment")
def report(request: HttpRequest, comment_id: IdParam, payload: ReportIn):
    """Send a published comment to the moderators' reported queue. Reporting the
    same comment again from the same network returns the same report."""
    made = comment_report(comment_id=comment_id, reason=payload.reason, text=payload.text,
                          keys=request_keys(request), reporter_hash=network_hash(request))
    return Status(201, {"id": made.pk, "comment": made.comment_id, "status": "received",
                        "created": made.created_at})
