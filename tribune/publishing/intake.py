"""Submissions (``POST /api/v1/comments``) answered before Django's request cycle.

Through the whole of Django a submission spends about a third of its CPU on the
way to its own work: thirteen middleware (sessions, authentication, CSRF,
messages…), the URL resolver and django-ninja. In-process, with the comment
writer running, a submission took 0.84–1.17 ms of CPU through Django and
0.62–0.70 ms here; under load, 2 workers accepted 1,332–1,422 submissions a
second instead of 999–1,019 (docs/benchmarks.md). A flood of submissions is what
a server spends its CPU on when a big story breaks, so
:class:`SubmissionFastPath` answers them itself when — and only when — it can
give exactly the answer Django would, as
:class:`~tribune.publishing.fastpath.PublishedFastPath` does for reads:

* the work is the route's own, :func:`~tribune.api.comments.submission_accept`,
  and so are its answers: the body rendered by the API from :class:`SubmitOut`,
  every refusal by the API's error handlers, a busy database by
  :func:`~tribune.core.middleware.busy_response`, anything else by Django's 500;
* the middleware that decide something for a submission run as they are —
  ``SecurityMiddleware`` (a redirect to HTTPS goes to Django) and
  ``LocaleMiddleware`` (the language of the answer) — and CORS comes from the
  function the CORS middleware uses (:func:`~tribune.embed.cors.cors_headers`);
* the headers that do not depend on the request (security headers, ``Vary``)
  are copied from Django's own answer to a submission in this process (its
  first goes through Django), one copy for HTTP and one for HTTPS (HSTS);
* everything else goes to Django, before anything is written: a body that is
  not JSON or not a valid submission (so every refusal of the payload keeps the
  API's wording), a body over Django's size limit, a host not allowed, and a
  request that carries Django's own cookies (session, CSRF, messages: session
  expiry may answer it with a cookie of its own). Sessions, authentication,
  CSRF (the API's routes are exempt), messages and static files have nothing
  to do with a submission that carries none of them.
"""

from __future__ import annotations

import io
import json

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core import signals
from django.core.exceptions import DisallowedHost
from django.core.handlers.exception import response_for_exception
from django.core.handlers.wsgi import WSGIRequest, get_script_name
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.middleware.security import SecurityMiddleware
from django.urls import set_script_prefix
from django.utils import translation
from pydantic import ValidationError

from tribune import settings as shipped
from tribune.api.comments import submission_accept
from tribune.api.main import api
from tribune.api.schemas import SubmitIn, SubmitOut
from tribune.comments.commenters import commenter_cookie_set
from tribune.core.middleware import busy_response
from tribune.embed.cors import cors_headers

from .fastpath import REQUEST_HEADERS, answer_learning, varies_only_on

PATH = "/api/v1/comments"
# Made for each answer here, never copied from Django's.
_OWN_HEADERS = {"date", "server", "content-length", "content-type", "content-language",
                "retry-after", "cache-control"}
_VARY_KNOWN = {"", "accept-language", "origin", "cookie"}


def _unused(request: HttpRequest) -> None:
    """The next handler of middleware used here only for their ``process_request``."""
    return None


class SubmissionFastPath:
    """WSGI middleware: submissions answered here, everything else by ``app``."""

    def __init__(self, app):
        self.app = app
        # Django's answer's constant headers, for HTTP (False) and HTTPS (True).
        self._headers: dict[bool, list[tuple[str, str]]] = {}
        self._security = SecurityMiddleware(_unused)
        self._locale = LocaleMiddleware(_unused)
        self._django_cookies = {settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME,
                                CookieStorage.cookie_name}
        # With other middleware than Tribune's own (tribune.settings), this path
        # stays off and Django answers every submission: an operator's middleware
        # may do something for them that this path does not know about. And
        # CommonMiddleware would answer some requests itself under the last two.
        self._enabled = (list(settings.MIDDLEWARE) == shipped.MIDDLEWARE
                         and not settings.PREPEND_WWW and not settings.DISALLOWED_USER_AGENTS)

    def __call__(self, environ, start_response):
        if (environ.get("PATH_INFO") != PATH or environ.get("REQUEST_METHOD") != "POST"
                or not self._enabled):
            return self.app(environ, start_response)
        request = WSGIRequest(environ)
        if not self._eligible(request):
            return self.app(environ, start_response)
        body = request.body
        environ["wsgi.input"] = io.BytesIO(body)  # for Django, should it answer after all
        payload = _payload(body)
        if payload is None:
            return self.app(environ, start_response)
        secure = request.is_secure()
        template = self._headers.get(secure)
        if template is None:
            return self._through(environ, start_response, secure)
        return self._answer(request, payload, template, start_response)

    def _eligible(self, request: WSGIRequest) -> bool:
        """Whether Django would take this request as far as the API's parser
        (reading nothing but headers)."""
        try:
            request.get_host()
        except DisallowedHost:
            return False
        content_type = request.content_type or ""
        length = request.META.get("CONTENT_LENGTH") or "0"
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return (
            (content_type == "application/json" or content_type.endswith("+json"))
            and length.isdigit() and (limit is None or int(length) <= limit)
            and not (self._django_cookies & request.COOKIES.keys())
            and self._security.process_request(request) is None
        )

    # --- Django's answer, as a template -------------------------------------------

    def _through(self, environ, start_response, secure: bool):
        return answer_learning(self.app, environ, start_response, status="202",
                               learn=lambda headers: self._learn(secure, headers))

    def _learn(self, secure: bool, headers: list[tuple[str, str]]) -> None:
        if not varies_only_on(headers, _VARY_KNOWN):
            return  # an answer that depends on more than this path knows: stay off
        self._headers[secure] = [
            (name, value) for name, value in headers
            if name.lower() not in _OWN_HEADERS and not name.lower().startswith(REQUEST_HEADERS)
        ]

    # --- The answer -----------------------------------------------------------------

    def _answer(self, request: WSGIRequest, payload: SubmitIn,
                template: list[tuple[str, str]], start_response):
        set_script_prefix(get_script_name(request.environ))
        signals.request_started.send(sender=self.__class__, environ=request.environ)
        try:
            self._locale.process_request(request)  # activates the reader's language
            try:
                response = _respond(request, payload)
            except Exception as error:  # as Django's handler: logged, and its 500
                response = response_for_exception(request, error)
            headers = [
                *template, *response.items(), *cors_headers(request.headers.get("Origin")),
                ("Content-Language", translation.get_language()),
                ("Content-Length", str(len(response.content))),
                *(("Set-Cookie", cookie.output(header="")) for cookie in response.cookies.values()),
            ]
            start_response(f"{response.status_code} {response.reason_phrase}", headers)
            return [response.content]
        finally:
            signals.request_finished.send(sender=self.__class__)


def _payload(body: bytes) -> SubmitIn | None:
    """The submission, parsed as the API's parser and validated as its schema; None
    for anything the API would refuse."""
    try:
        data = json.loads(body.decode("utf-8"))
        return SubmitIn.model_validate(data) if isinstance(data, dict) else None
    except (ValueError, RecursionError, ValidationError):  # UnicodeDecodeError is one
        return None


def _respond(request: HttpRequest, payload: SubmitIn) -> HttpResponse:
    try:
        try:
            answer, signed = submission_accept(request, payload)
        except Exception as error:
            return api.on_exception(request, error)  # the API's handlers; others go on
    except OperationalError as error:
        return busy_response(request, error)
    response = api.create_response(request, SubmitOut.model_validate(answer).model_dump(),
                                   status=202)
    if signed:
        commenter_cookie_set(response, signed)
    return response
