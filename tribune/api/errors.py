"""Every API failure becomes ``{"error": {"code", "message", "field"?}}`` here."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from tribune.core.errors import TribuneError
from tribune.threads.language import request_speak_article


class UnsupportedMediaType(Exception):
    pass


def _error(api: NinjaAPI, request: HttpRequest, status: int, code: str, message: str,
           field: str | None = None) -> HttpResponse:
    error = {"code": code, "message": message}
    if field:
        error["field"] = field
    return api.create_response(request, {"error": error}, status=status)


def _speak_article_of(request: HttpRequest) -> None:
    """A refusal of a request about one article is in that article's desk's
    language (tribune.threads.language): the article named by ``?url=`` or by the
    JSON body's ``url`` (and ``desk``), when either names one."""
    url, desk = request.GET.get("url"), None
    if url is None and request.content_type == "application/json":
        try:
            data = json.loads(request.body)
        except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
            data = None
        if isinstance(data, dict):
            url, desk = data.get("url"), data.get("desk")
    if isinstance(url, str) and url:
        request_speak_article(request, url, desk_code=desk)


def install(api: NinjaAPI) -> None:
    @api.exception_handler(TribuneError)
    def tribune_error(request, exc: TribuneError):
        response = _error(api, request, exc.status, exc.code, exc.message, exc.field)
        retry_after = getattr(exc, "retry_after", None)  # tribune.abuse.RateLimited
        if retry_after is not None:
            response["Retry-After"] = str(retry_after)
        return response

    @api.exception_handler(ValidationError)
    def validation_error(request, exc: ValidationError):
        _speak_article_of(request)
        first = exc.errors[0] if exc.errors else {}
        # ninja's locations are (source, parameter, field…) for bodies and
        # (source, field…) for the query and the path.
        location = [str(part) for part in first.get("loc", ())]
        location = location[2:] if location[:1] == ["body"] else location[1:]
        field = location[0] if location else None
        kind = first.get("type", "")
        if kind == "model_attributes_type" and field is None:
            message = _("The request body must be a JSON object.")
        elif kind == "missing":
            message = _("This field is required.")
        elif kind.endswith("_type") or kind.endswith("_parsing"):
            message = _("This field has the wrong type.")
        else:
            message = str(first.get("msg", _("Invalid input.")))
        return _error(api, request, 400, "invalid", message, field)

    @api.exception_handler(AuthenticationError)
    def authentication_error(request, exc):
        return _error(api, request, 401, "unauthorised",
                      _("A valid API token is required: Authorization: Bearer TOKEN."))

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        if isinstance(exc.__cause__, UnsupportedMediaType):
            return _error(api, request, 415, "unsupported_media_type",
                          _("Send the request body as JSON (Content-Type: application/json)."))
        if exc.status_code == 400:
            return _error(api, request, 400, "malformed_json",
                          _("The request body is not valid JSON."))
        return _error(api, request, exc.status_code, "error", str(exc))
