"""How a render is answered over HTTP: the same headers from the Django views and
from the WSGI fast path (:mod:`tribune.publishing.fastpath`)."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.http import HttpRequest, HttpResponse

# Published views change only when a moderator decides; a CDN may keep them a
# little and must revalidate after (the ETag makes that a 304).
READ_CACHE_CONTROL = "public, max-age=30, stale-while-revalidate=30"
JSON_TYPE = "application/json; charset=utf-8"


def etag_matches(if_none_match: str, quoted: str) -> bool:
    """Whether an ``If-None-Match`` header names ``quoted`` (weak or strong, or ``*``)."""
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


def render_response(request: HttpRequest, body: bytes | str, etag: str,
                    language: str = "") -> HttpResponse:
    """``200`` with the body, or ``304`` when the reader already holds it; with
    the ETag, ``Cache-Control`` a CDN can honour and the thread's language."""
    quoted = f'"{etag}"'
    if etag_matches(request.headers.get("If-None-Match", ""), quoted):
        response = HttpResponse(status=304)
        del response["Content-Type"]  # a 304 has no body to describe
    else:
        response = HttpResponse(body, content_type=JSON_TYPE)
    response["ETag"] = quoted
    response["Cache-Control"] = READ_CACHE_CONTROL
    response["Content-Language"] = content_language(language)
    return response
