"""How a render is answered over HTTP: the same headers from the Django views and
from the WSGI fast path (:mod:`tribune.publishing.fastpath`)."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response

# Published views change only when a moderator decides; a CDN may keep them a
# little and must revalidate after (the ETag makes that a 304).
READ_CACHE_CONTROL = "public, max-age=30, stale-while-revalidate=30"
JSON_TYPE = "application/json; charset=utf-8"


def etag_matches(if_none_match: str, quoted: str) -> bool:
    """Whether an ``If-None-Match`` header names ``quoted`` (weak or strong, or ``*``).

    For the WSGI fast path, which has no Django request; Django's views answer
    through :func:`conditional_response` (Django's own rules, the same answers)."""
    if not if_none_match:
        return False
    for tag in if_none_match.split(","):
        tag = tag.strip()
        if tag == quoted or tag == "*" or (tag.startswith("W/") and tag[2:] == quoted):
            return True
    return False


def content_language(language: str) -> str:
    return language or settings.LANGUAGE_CODE


def json_etag(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:32]


def conditional_response(request: HttpRequest, body: bytes | str, etag: str) -> HttpResponse:
    """``200`` with the JSON body, or ``304`` (no body) when ``If-None-Match``
    names ``etag``, weakly or strongly, or is ``*`` (Django's
    ``get_conditional_response``, as its ``condition`` decorator uses it); with the
    ETag and ``Cache-Control`` a CDN can honour."""
    quoted = f'"{etag}"'
    response = get_conditional_response(request, etag=quoted)
    if response is None:
        response = HttpResponse(body, content_type=JSON_TYPE)
    response["ETag"] = quoted
    response["Cache-Control"] = READ_CACHE_CONTROL
    return response


def render_response(request: HttpRequest, body: bytes | str, etag: str,
                    language: str = "") -> HttpResponse:
    """:func:`conditional_response` stating the thread's language."""
    response = conditional_response(request, body, etag)
    response["Content-Language"] = content_language(language)
    return response
