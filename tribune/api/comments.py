"""Public endpoints: read a thread, count comments, submit a comment."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from tribune.abuse.forms import form_stamp
from tribune.actions.submit import submit as submit_action
from tribune.comments.commenters import commenter_cookie_set
from tribune.core.errors import InvalidInput
from tribune.embed.origins import origin_check_for_article
from tribune.publishing.http import conditional_response, json_etag, render_response
from tribune.publishing.selectors import published_counts, published_render, published_view
from tribune.threads.language import ref_desk, request_speak, request_speak_article
from tribune.threads.services import article_resolve

from .pages import published_page
from .schemas import ErrorOut, StampOut, SubmitIn, SubmitOut, ThreadCommentsOut

router = Router(tags=["comments"])

COUNTS_MAX_URLS = 100

def submitted_message() -> str:
    return _(
        "Thank you. Your comment will be read by a moderator before it is published; "
        "comments do not appear in real time."
    )


@router.get(
    "/comments",
    response={200: ThreadCommentsOut, 400: ErrorOut, 404: ErrorOut},
    summary="Published comments of an article",
)
def thread_comments(request: HttpRequest, url: str, limit: int | None = None,
                    cursor: str | None = None, since: str | None = None):
    """Published comments only, oldest first; replies name their ``parent``.
    Answers ``304`` to a matching ``If-None-Match``. With ``limit``, ``cursor``
    (a page's ``page.next``) or ``since`` (ISO 8601: published after it), the
    answer is one page and carries ``page``; without them, the whole thread."""
    if limit is None and not cursor and not since:
        # The whole thread: the render as stored, no query in steady state.
        render = published_render(url=url)
        return render_response(request, render.body, render.etag, render.language)
    request_speak_article(request, url)  # a refused cursor or date: in the desk's language
    body, etag = published_view(url=url)
    body, etag = published_page(payload=body, etag=etag, limit=limit, cursor=cursor,
                                since=since)
    return conditional_response(request, body, etag)


@router.get("/counts", response={200: dict[str, int], 400: ErrorOut}, summary="Comment counts")
def counts(request: HttpRequest, url: Query[list[str]]):
    """Published comment counts for up to 100 article URLs, keyed as given."""
    if len(url) > COUNTS_MAX_URLS:
        raise InvalidInput(
            _("Ask for at most %(limit)d URLs at once.") % {"limit": COUNTS_MAX_URLS}, field="url"
        )
    body = json.dumps(published_counts(urls=url), ensure_ascii=False,
                      separators=(",", ":")).encode()
    return render_response(request, body, json_etag(body))


@router.get("/stamp", response={200: StampOut, 400: ErrorOut, 404: ErrorOut},
            summary="A signed stamp for a comment form")
def stamp(request: HttpRequest, url: str, response: HttpResponse):
    """The signed time at which a comment form for ``url`` is shown: send it back
    as ``issued`` with the comment. Never cached: each form gets its own."""
    ref = article_resolve(url=url)
    request_speak(request, ref_desk(ref))
    response["Cache-Control"] = "no-store"
    return {"issued": form_stamp(url=ref.url), "min_seconds": settings.TRIBUNE_FORM_MIN_SECONDS}


@router.post(
    "/comments",
    response={202: SubmitOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 415: ErrorOut,
              429: ErrorOut},
    summary="Submit a comment for moderation",
)
def submit(request: HttpRequest, payload: SubmitIn, response: HttpResponse):
    """Accepted comments wait for a moderator (``202``, status ``pending``); they are
    durably stored before this answers."""
    answer, signed = submission_accept(request, payload)
    if signed:
        commenter_cookie_set(response, signed)
    return Status(202, answer)


def submission_accept(request: HttpRequest, payload: SubmitIn) -> tuple[dict, str | None]:
    """What ``POST /api/v1/comments`` does with a parsed payload, for this route and
    for :mod:`tribune.publishing.intake`: the answer's fields (:class:`SubmitOut`) and, when
    the submission made a new commenter, the signed token to set as their cookie.
    Raises the service's errors (``TribuneError``), which the API turns into answers."""
    # The answer and every refusal from here on are in the article's desk's language.
    request_speak_article(request, payload.url, desk_code=payload.desk)
    origin_check_for_article(request, url=payload.url)
    submitted = submit_action(
        request=request, url=payload.url, author=payload.author, body=payload.body,
        parent=payload.parent, title=payload.title, desk=payload.desk, email=payload.email,
        personal_information_confirmed=bool(payload.confirm_personal_information),
        stamp=payload.issued)
    comment, signed = submitted.comment, submitted.signed_token
    return {
        "id": comment.pk,
        "status": comment.status,
        "url": comment.thread.url,
        "submitted": comment.submitted_at,
        "message": submitted_message(),
        "commenter_token": signed,
    }, signed
