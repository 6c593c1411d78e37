"""The reader's HTML pages, made to work with JavaScript switched off.

``/embed/thread`` shows an article's published comments, the reader's own
comments and the form; the form posts back to the same address and is answered
with a redirect (POST/redirect/GET). ``/terms/<site>`` shows the site's Terms of
Use. The views parse the request, call the services and render; the rules about
what a reader may send live in :mod:`tribune.comments.services`.

The pages are in the language and direction of the article's desk, and may be
framed by the site's own origins only.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_http_methods

from tribune.abuse.forms import FormTampered, form_guard_check
from tribune.abuse.services import RateLimited
from tribune.actions.submit import submit as submit_action
from tribune.comments.commenters import (
    commenter_cookie_set,
    commenter_from_request,
)
from tribune.comments.models import Comment, Status
from tribune.comments.selectors import comments_of_commenter
from tribune.core.errors import NotFound, PermissionDenied, TribuneError
from tribune.core.ids import ID_MAX
from tribune.core.text import NAME_MAX
from tribune.publishing.selectors import published_view
from tribune.security.csrf import csrf_token_only
from tribune.sites.models import Clause, Site
from tribune.threads.language import ref_desk, request_speak
from tribune.threads.models import ModerationMode
from tribune.threads.services import ArticleRef, article_resolve

from .forms import CommentForm

# Nothing but our own stylesheet, our own script (reader/frame.js, given to framed
# pages only), our own fonts (reader/fonts) and images, should a page ever have one,
# may load; forms post to us
# only. frame-ancestors is added per site.
READER_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
    "form-action 'self'; base-uri 'none'"
)
# Origins are validated when a site is registered; this guard only keeps a
# stray character from ever splitting the header into another directive.
_ORIGIN_RE = re.compile(r"^https?://([A-Za-z0-9.\-]+|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?$")
# Replies deeper than this are shown at this depth, with "in reply to NAME",
# so that a long chain stays readable on a phone and cannot nest without end.
MAX_DEPTH = 4


# --- What the templates show ------------------------------------------------


@dataclass(frozen=True)
class ClauseView:
    number: int
    title: str
    text: str


@dataclass
class PublishedComment:
    """A published comment as read from the thread's render."""

    id: int
    parent: int | None
    author: str
    body: str
    created: datetime | None
    edited: bool
    edit_clause: int | None
    clause: ClauseView | None = None
    # Put forward by a moderator: listed first and marked.
    featured: bool = False
    # Set when the comment is shown under another than the one it answers.
    in_reply_to: str = ""
    replies: list[PublishedComment] = field(default_factory=list)


@dataclass
class OwnComment:
    """One of the reader's own comments, with its status in plain words."""

    id: int
    author: str
    body: str
    original: str
    state: str  # pending, published, edited, rejected
    clause_number: int | None
    clause: ClauseView | None
    submitted: datetime
    in_reply_to: str


def _clauses(site: Site) -> dict[int, ClauseView]:
    """The site's clauses with titles and texts in the active language.

    They are stored in English (the defaults are gettext_noop strings), so a
    clause a publisher wrote themselves simply shows as written.
    """
    return {
        number: ClauseView(number=number, title=_(title), text=_(text))
        for number, title, text in Clause.objects.filter(site=site)
        .order_by("number")
        .values_list("number", "title", "text")
    }


def _parse_time(value: object) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def _positive_id(value: object) -> int | None:
    """A query parameter as an id, or None for anything else (never an error)."""
    text = str(value or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    number = int(text)
    return number if 1 <= number <= ID_MAX else None


def _published_tree(
    comments: list[dict], clauses: dict[int, ClauseView]
) -> tuple[list[PublishedComment], dict[int, PublishedComment]]:
    """Nest the render's comments (oldest first) under their parents.

    A comment is attached only to a parent seen before it, so no input can make
    a cycle; below :data:`MAX_DEPTH` replies go to the deepest shown ancestor.
    """
    by_id: dict[int, PublishedComment] = {}
    depth: dict[int, int] = {}
    shown_under: dict[int, PublishedComment] = {}
    roots: list[PublishedComment] = []
    for raw in comments:
        try:
            node = PublishedComment(
                id=int(raw["id"]),
                parent=raw["parent"] if isinstance(raw.get("parent"), int) else None,
                author=str(raw.get("author", "")),
                body=str(raw.get("body", "")),
                created=_parse_time(raw.get("created")),
                edited=bool(raw.get("edited")),
                edit_clause=raw["edit_clause"] if isinstance(raw.get("edit_clause"), int)
                else None,
                featured=raw.get("featured") is True,
            )
        except (KeyError, TypeError, ValueError):
            continue
        if node.edited and node.edit_clause is not None:
            node.clause = clauses.get(node.edit_clause)
        parent = by_id.get(node.parent) if node.parent is not None else None
        if parent is None:
            roots.append(node)
            depth[node.id] = 0
        else:
            holder = parent
            while depth[holder.id] >= MAX_DEPTH:
                holder = shown_under[holder.id]
            if holder is not parent:
                node.in_reply_to = parent.author
            holder.replies.append(node)
            shown_under[node.id] = holder
            depth[node.id] = depth[holder.id] + 1
        by_id[node.id] = node
    return roots, by_id


def _own_comments(
    request: HttpRequest, ref: ArticleRef, clauses: dict[int, ClauseView],
    published: dict[int, PublishedComment],
) -> list[OwnComment]:
    commenter = commenter_from_request(request)
    own = []
    comment: Comment
    for comment in comments_of_commenter(commenter=commenter, thread=ref.thread):
        if comment.status == Status.PENDING:
            state = "pending"
        elif comment.status == Status.REJECTED:
            state = "rejected"
        else:
            state = "edited" if comment.is_edited else "published"
        number = comment.decision_clause if state in ("edited", "rejected") else None
        parent = published.get(comment.parent_id) if comment.parent_id else None
        own.append(OwnComment(
            id=comment.pk,
            author=comment.author,
            body=comment.published_body if state != "rejected" else comment.body,
            original=comment.body if state == "edited" else "",
            state=state,
            clause_number=number,
            clause=clauses.get(number) if number is not None else None,
            submitted=comment.submitted_at,
            in_reply_to=parent.author if parent else "",
        ))
    return own


# --- Responses ----------------------------------------------------------------


def _thread_href(url: str) -> str:
    return f"{reverse('reader:thread')}?{urlencode({'url': url})}"


def _csp_origin(origin: str) -> str | None:
    """An origin as CSP wants it: host in ASCII (an IDN as punycode), or None."""
    scheme, sep, rest = origin.partition("://")
    host, colon, port = rest.rpartition(":") if rest.count(":") == 1 else (rest, "", "")
    try:
        ascii_host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        return None
    candidate = f"{scheme}{sep}{ascii_host}{colon}{port}"
    return candidate if _ORIGIN_RE.match(candidate) else None


def _site_origins(site: Site | None) -> list[str]:
    if site is None:
        return []
    origins = (_csp_origin(o) for o in site.origins.values_list("origin", flat=True))
    return [o for o in origins if o]


def _reader_headers(response: HttpResponse, *, site: Site | None, language: str = "") -> None:
    ancestors = " ".join(["'self'", *_site_origins(site)])
    response["Content-Security-Policy"] = f"{READER_CSP}; frame-ancestors {ancestors}"
    # No request from a reader page says which article it came from, not even to
    # us; the form is then posted with "Origin: null", which the CSRF check
    # accepts for csrf_token_only views while still requiring the token.
    response["Referrer-Policy"] = "no-referrer"
    # The page holds the reader's own comments and a CSRF token: never shared.
    patch_cache_control(response, private=True, no_cache=True)
    # A framed page carries the script that fits the frame (reader/base.html).
    patch_vary_headers(response, ["Sec-Fetch-Dest"])
    if language:
        response["Content-Language"] = language


def _in_frame(request: HttpRequest) -> bool:
    return request.headers.get("Sec-Fetch-Dest", "") == "iframe"


def _error_page(
    request: HttpRequest, error: TribuneError, *, site: Site | None = None,
    form: CommentForm | None = None, thread_href: str = "",
) -> HttpResponse:
    """A page saying what went wrong, in the reader's language, keeping any
    text they sent so that it is not lost."""
    if isinstance(error, NotFound):
        heading = _("Comments are not available here")
    elif isinstance(error, PermissionDenied):
        heading = _("Your comment could not be sent")
    else:
        heading = _("This address cannot be used")
    language = translation.get_language() or settings.LANGUAGE_CODE
    response = render(
        request,
        "reader/error.html",
        {
            "page_lang": language,
            "page_dir": "rtl" if translation.get_language_bidi() else "ltr",
            "heading": heading,
            "message": error.message,
            "form": form,
            "thread_href": thread_href,
        },
        status=error.status,
    )
    _reader_headers(response, site=site, language=language)
    return response


def _thread_page(
    request: HttpRequest, ref: ArticleRef, *, form: CommentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    desk = ref_desk(ref)
    with translation.override(desk.language):
        payload, _etag = published_view(url=ref.url)
        data = json.loads(payload)
        clauses = _clauses(ref.site)
        roots, published = _published_tree(data.get("comments") or [], clauses)
        own = _own_comments(request, ref, clauses, published)
        thread_href = _thread_href(ref.url)

        form = form or CommentForm(url=ref.url)
        # A reply is to a published comment of this thread; anything else in
        # ?reply= or a refused parent is dropped and the form is a new comment.
        reply_id = _positive_id(form.parent if request.method == "POST" else
                                request.GET.get("reply"))
        reply_to = published.get(reply_id) if reply_id and "parent" not in form.errors else None

        sent_id = _positive_id(request.GET.get("sent")) if request.method != "POST" else None
        sent = None
        if sent_id is not None:
            sent = next((c for c in own if c.id == sent_id), None) or "received"

        is_open = ref.thread.is_open if ref.thread is not None else True
        moderation = ref.thread.moderation if ref.thread is not None else ModerationMode.PRE
        title = ref.thread.title if ref.thread is not None else ""
        response = render(
            request,
            "reader/thread.html",
            {
                "page_lang": desk.language,
                "page_dir": desk.direction,
                "site": ref.site,
                "thread_url": ref.url,
                "thread_title": title,
                # Published times at the site's precision, in the desk's time zone.
                "public_times": (data.get("thread") or {}).get("times", "day"),
                "thread_href": thread_href,
                "terms_href": f"{reverse('reader:terms', args=[ref.site.pk])}?"
                              f"{urlencode({'url': ref.url})}",
                "is_open": is_open,
                "post_moderated": moderation == ModerationMode.POST,
                "comments": roots,
                "count": len(published),
                "own_comments": own,
                "sent": sent,
                "form": form,
                "error_summary": form.summary(),
                "reply_to": reply_to,
                "name_max": NAME_MAX,
                "body_max": ref.site.body_max_length,
                "in_frame": _in_frame(request),
            },
            status=status,
        )
    _reader_headers(response, site=ref.site, language=desk.language)
    return response


@csrf_token_only
@xframe_options_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def thread(request: HttpRequest) -> HttpResponse:
    """``GET``: the thread page. ``POST``: send a comment, then ``303`` back to it."""
    if request.method == "POST":
        return _thread_post(request)
    try:
        ref = article_resolve(url=request.GET.get("url", ""))
    except TribuneError as error:
        return _error_page(request, error)
    return _thread_page(request, ref)


def _thread_post(request: HttpRequest) -> HttpResponse:
    form = CommentForm.from_post(request.POST)
    try:
        ref = article_resolve(url=form.url)
    except TribuneError as error:
        return _error_page(request, error, form=form)
    form.url = ref.url
    # From here on, every message (the services' errors included) is the desk's.
    request_speak(request, ref_desk(ref))
    try:
        page_age = form_guard_check(request, request.POST, url=ref.url)
    except FormTampered as error:
        return _error_page(request, error, site=ref.site, form=form,
                           thread_href=_thread_href(ref.url))
    except TribuneError as error:  # too old: the form again, text kept
        form.add_error(error)
        return _thread_page(request, ref, form=form, status=error.status)

    if not form.precheck(site=ref.site):
        return _thread_page(request, ref, form=form, status=400)
    # Personal information: ask first (tribune.triage); "edit" goes back to the form.
    from tribune.triage import reader as triage_reader
    from tribune.triage.personal_check import personal_information_check

    if request.POST.get(triage_reader.EDIT_FIELD):
        return _thread_page(request, ref, form=form)
    kinds = personal_information_check(author=form.author, body=form.body, confirmed=True)
    if kinds and not request.POST.get(triage_reader.CONFIRM_FIELD):
        desk = ref_desk(ref)
        with translation.override(desk.language):
            response = triage_reader.confirmation_page(
                request, kinds=kinds, body=form.body, page_lang=desk.language,
                page_dir=desk.direction, thread_href=_thread_href(ref.url))
        _reader_headers(response, site=ref.site, language=desk.language)
        return response

    try:
        submitted = submit_action(  # the e-mail was checked by precheck
            request=request, url=ref.url, author=form.author, body=form.body,
            parent=form.parent or None, email=form.email,
            personal_information_confirmed=True, form_age=page_age)
    except TribuneError as error:
        form.add_error(error)
        response = _thread_page(request, ref, form=form, status=error.status)
        if isinstance(error, RateLimited):
            response["Retry-After"] = str(error.retry_after)
        return response

    comment = submitted.comment
    location = (
        f"{reverse('reader:thread')}?{urlencode({'url': comment.thread.url, 'sent': comment.pk})}"
        "#your-comments"
    )
    response = HttpResponseRedirect(location)
    response.status_code = 303  # See Other: the browser follows with a GET
    if submitted.signed_token:
        commenter_cookie_set(response, submitted.signed_token)
    return response


@xframe_options_exempt
@require_http_methods(["GET", "HEAD"])
def terms(request: HttpRequest, site_id: int) -> HttpResponse:
    """The site's Terms of Use, in the language of the article's desk when
    ``?url=`` names an article of this site (and then with a link back)."""
    site = (
        Site.objects.select_related("default_desk").filter(pk=site_id).first()
        if site_id <= ID_MAX else None
    )
    if site is None:
        return _error_page(request, NotFound(_("There are no Terms of Use at this address.")))
    desk, back_href = site.default_desk, ""
    url = request.GET.get("url", "")
    if url:
        try:
            ref = article_resolve(url=url)
        except TribuneError:
            ref = None
        if ref is not None and ref.site.pk == site.pk:
            desk, back_href = ref_desk(ref), _thread_href(ref.url)
    with translation.override(desk.language):
        response = render(
            request,
            "reader/terms.html",
            {
                "page_lang": desk.language,
                "page_dir": desk.direction,
                "site": site,
                "clauses": list(_clauses(site).values()),
                "back_href": back_href,
            },
        )
    _reader_headers(response, site=site, language=desk.language)
    return response


@xframe_options_exempt
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Django's CSRF refusal as a reader can understand it, keeping their text.

    For ``CSRF_FAILURE_VIEW``. The usual cause on the thread page is a browser
    that does not send cookies to a page framed by another site.
    """
    form = CommentForm.from_post(request.POST) if request.method == "POST" else None
    site, href = None, ""
    if form is not None:
        try:
            ref = article_resolve(url=form.url)
            site, href = ref.site, _thread_href(ref.url)
            request_speak(request, ref_desk(ref))
        except TribuneError:
            pass
    error = PermissionDenied(_(
        "Your comment could not be sent because your browser did not send back this page's "
        "security cookie. This happens when cookies are blocked, or when the comments are "
        "shown inside another site's page. Open the comments in their own page and send "
        "your comment again."
    ))
    return _error_page(request, error, site=site, form=form, thread_href=href)
