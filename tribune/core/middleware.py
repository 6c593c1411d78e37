"""A database that cannot take a request in time answers 503, not 500."""

from __future__ import annotations

import logging

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

log = logging.getLogger("tribune.database")

RETRY_AFTER_SECONDS = 5


class DatabaseBusyMiddleware:
    """When the database is too busy (SQLite's one writer stayed taken for the
    whole timeout) or briefly unreachable, the reader is told to try again in a
    few seconds — ``503`` with ``Retry-After``, as JSON on the API (which the
    widget shows) — instead of an internal error. Nothing about the request is
    logged, only the database's own message."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not isinstance(exception, OperationalError):
            return None
        return busy_response(request, exception)


def busy_response(request: HttpRequest, exception: OperationalError) -> HttpResponse:
    """The ``503`` for a database that could not take ``request`` in time."""
    log.warning("database unavailable: %s", exception)
    message = _("The comment service is busy. Please try again in a few seconds.")
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"error": {"code": "busy", "message": message}}, status=503,
            json_dumps_params={"ensure_ascii": False})
    else:
        response = HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
