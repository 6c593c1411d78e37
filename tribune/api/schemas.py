"""Input and output schemas, one pair per operation. Public and moderator
outputs are separate types so that private data cannot leak by accident."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import ConfigDict, Field, StrictBool


class ErrorDetail(Schema):
    code: str = Field(examples=["invalid"])
    message: str = Field(examples=["This field cannot be empty."])
    field: str | None = Field(default=None, examples=["body"])


class ErrorOut(Schema):
    error: ErrorDetail


class SubmitIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"url": "https://news.example.org/2026/11/story",
                                          "author": "Reader", "body": "Thank you for this."}]}
    )
    url: str = Field(description="The article's URL, under a registered site.")
    author: str = Field(description="Display name, 1–60 characters.")
    body: str = Field(description="Plain text, 1–3,000 characters by default.")
    parent: int | None = Field(default=None, description="Id of a published comment to reply to.")
    title: str | None = Field(default=None, description="The article's title, used on first use.")
    desk: str | None = Field(
        default=None, description="Code of the desk for a thread created by this comment."
    )
    email: str | None = Field(
        default=None,
        description="Optional: an e-mail address to be told once about the decision. It is "
        "never shown to moderators and is deleted once used or after 30 days.",
    )
    issued: str | None = Field(
        default=None,
        description="Optional: the signed stamp of the form the comment was written in "
        "(GET /api/v1/stamp?url=…, fetched when the form is shown). A comment sent "
        "seconds after its stamp is held for a moderator, or refused with code too_fast "
        "when it also looks automated; an altered or another article's stamp is refused "
        "(400, form_tampered), one older than a day too (form_expired).",
    )
    confirm_personal_information: bool = Field(
        default=False,
        description="Send even though the text seems to hold personal information (a phone "
        "number, e-mail address or ID number); without it such a comment is answered 400 "
        "with code confirm_personal_information.",
    )


class StampOut(Schema):
    issued: str = Field(description="Send it back as `issued` with the comment.")
    min_seconds: float = Field(
        description="A comment sent sooner than this after the stamp is weighed as "
                    "possibly automated (held for a moderator, or refused with other signs).")


class SubmitOut(Schema):
    id: int
    status: str = Field(examples=["pending"])
    url: str
    submitted: dt.datetime
    message: str
    commenter_token: str | None = Field(
        default=None,
        description="Only when this submission made a new commenter: the value of the "
        "commenter cookie, for clients whose browser blocks third-party cookies. Send it "
        "back in the X-Tribune-Commenter header.",
    )


class ThreadOut(Schema):
    url: str
    title: str
    desk: str | None
    language: str | None
    direction: str
    open: bool
    moderation: str
    count: int
    times: str = Field(
        default="day", description="Precision of the comments' times: day, hour or minute "
        "(the site's choice; a coarse time helps nobody link a comment to a person).")
    time_zone: str = Field(default="UTC", description="The desk's time zone (IANA name), "
                           "in which the times are cut to that precision.")


class PublicCommentOut(Schema):
    id: int
    parent: int | None
    author: str
    body: str
    created: dt.datetime = Field(description="When it was sent, cut to the thread's `times` "
                                 "precision in its `time_zone` (e.g. the day's start).")
    published: dt.datetime | None
    edited: bool
    edit_clause: int | None


class PageOut(Schema):
    limit: int = Field(examples=[50])
    total: int = Field(description="Comments matching `since` (all of them without it).")
    next: str | None = Field(description="Pass as `cursor` for the next page; null at the end.")


class ThreadCommentsOut(Schema):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{
            "thread": {"url": "https://news.example.org/2026/11/story",
                       "title": "Floods in the north", "desk": "en", "language": "en",
                       "direction": "ltr", "open": True, "moderation": "pre", "count": 1,
                       "times": "day", "time_zone": "UTC"},
            "comments": [{"id": 41, "parent": None, "author": "Mina",
                          "body": "Thank you for this report.",
                          "created": "2026-11-29T00:00:00+00:00",
                          "published": "2026-11-29T00:00:00+00:00",
                          "edited": False, "edit_clause": None}],
        }]}
    )
    thread: ThreadOut
    comments: list[PublicCommentOut]
    page: PageOut | None = Field(
        default=None, description="Only when `limit`, `cursor` or `since` is given."
    )


class QueueCommentOut(Schema):
    """A comment as a moderator sees it: the original, any edit, the context."""

    id: int
    status: str
    thread_url: str
    thread_title: str
    desk: str
    parent: int | None
    author: str
    body: str
    edited_body: str | None
    commenter: str = Field(description="Pseudonym of the commenter, stable per browser.")
    language: str
    submitted: dt.datetime
    decided: dt.datetime | None
    decision_clause: int | None


class QueueOut(Schema):
    status: str
    count: int
    comments: list[QueueCommentOut]
    next_after: int | None = Field(description="Pass as `after` to get the next page.")


class DecisionIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={"examples": [
            {"action": "approve"},
            {"action": "reject", "clause": 3, "note": "insult"},
            {"action": "edit", "body": "Edited text", "clause": 4},
        ]}
    )
    action: str = Field(description="approve, reject or edit")
    body: str | None = Field(default=None, description="The new text (edit only).")
    clause: int | None = Field(default=None, description="Clause number (reject and edit).")
    note: str | None = Field(default=None, description="Internal note for the audit trail.")
    expected_status: str | None = Field(
        default=None,
        description="Decide only if the comment's status is still this (e.g. pending); "
                    "otherwise 409 with code status_changed, and nothing is written.",
    )


class ThreadIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={"examples": [
            {"url": "https://news.example.org/2026/11/story", "title": "Floods in the north",
             "desk": "en"},
            {"url": "https://news.example.org/2026/11/story", "open": False},
            {"url": "https://news.example.org/2026/11/story", "moderation": "post"},
        ]}
    )
    url: str = Field(description="The article's URL, under a registered site.")
    title: str | None = Field(default=None, description="The article's title (plain text).")
    desk: str | None = Field(default=None, description="Code of the desk that moderates it.")
    open: StrictBool | None = Field(
        default=None, description="false closes the thread to comments."
    )
    moderation: str | None = Field(
        default=None, description="pre (nothing published before approval) or post."
    )


class ThreadSavedOut(Schema):
    model_config = ConfigDict(
        json_schema_extra={"examples": [
            {"url": "https://news.example.org/2026/11/story", "title": "Floods in the north",
             "desk": "en", "language": "en", "direction": "ltr", "open": True,
             "moderation": "pre", "count": 12, "created": False},
        ]}
    )
    url: str
    title: str
    desk: str
    language: str
    direction: str
    open: bool
    moderation: str
    count: int = Field(description="Published comments.")
    created: bool = Field(description="True when this call created the thread.")
