"""Public endpoints: read a thread, count comments, submit a comment."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from tribune.abuse.forms import form_stamp, stamp_age
from tribune.abuse.services import ratelimit_check
from tribune.abuse.timing import submission_weigh
from tribune.comments.commenters import (
    commenter_cookie_set,
    commenter_token_for_submission,
    commenter_token_signed,
    token_hash,
)
from tribune.comments.services import comment_submit
from tribune.core.errors import InvalidInput
from tribune.embed.origins import origin_check_for_article
from tribune.notifications.services import email_clean, notice_address_set
from tribune.privacy.services import network_hash
from tribune.publishing.http import json_etag, render_response
from tribune.publishing.selectors import published_counts, published_render, published_view
from tribune.threads.language import ref_desk, request_speak, request_speak_article
from tribune.threads.services import article_resolve

from .pages import published_page
from .schemas import ErrorOut, StampOut, SubmitIn, SubmitOut, ThreadCommentsOut

router = Router(tags=["comments"])

COUNTS_MAX_URLS = 100
# Published views change only when a moderator decides; a CDN may keep them a
# little and must revalidate after (ETag makes that cheap).
READ_CACHE_CONTROL = "public, max-age=30, stale-while-revalidate=30"

def submitted_message() -> str:
    return _(
        "Thank you. Your comment will be read by a moderator before it is published; "
        "comments do not appear in real time."
    )


def etag_response(request: HttpRequest, body: str, etag: str) -> HttpResponse:
    quoted = f'"{etag}"'
    if quoted in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["ETag"] = quoted
    response["Cache-Control"] = READ_CACHE_CONTROL
    return response


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
    return etag_response(request, body, etag)


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
    from tribune.triage.personal_check import personal_information_check  # 400 unless confirmed

    personal_information_check(author=payload.author, body=payload.body,
                               confirmed=bool(payload.confirm_personal_information))
    token, is_new = commenter_token_for_submission(request)
    network = network_hash(request)
    # Counted before anything is written; reads are never limited (tribune.abuse).
    ratelimit_check(scope="submit", keys={"commenter": token_hash(token), "network": network})
    held = None
    if payload.issued is not None:
        # The stamp names the thread by its normalised URL, as the form's does.
        url = article_resolve(url=payload.url).url
        held = submission_weigh(
            age=stamp_age(payload.issued, url=url), url=url, author=payload.author,
            body=payload.body, commenter_token=token, commenter_is_new=is_new,
            network_hash=network)
    email = email_clean(payload.email)
    # comment_submit validates everything before its one short write transaction,
    # so a refused comment leaves no thread behind.
    comment = comment_submit(
        url=payload.url,
        author=payload.author,
        body=payload.body,
        parent=payload.parent,
        title=payload.title,
        desk=payload.desk,
        commenter_token=token,
        commenter_is_new=is_new,
        network_hash=network,
        held=held.label() if held is not None else None,
    )
    notice_address_set(comment=comment, email=email)  # checked above, by email_clean
    signed = commenter_token_signed(token) if is_new else None
    return {
        "id": comment.pk,
        "status": comment.status,
        "url": comment.thread.url,
        "submitted": comment.submitted_at,
        "message": submitted_message(),
        "commenter_token": signed,
    }, signed
