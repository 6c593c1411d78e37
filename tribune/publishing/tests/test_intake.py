"""Submissions answered before Django's request cycle (tribune.publishing.intake) get
exactly the answer Django gives: each request below is sent through Django and
then through the fast path, and the two answers compared (status, every header,
the body), but for what is drawn anew for each comment (its id and time, a new
commenter's token, the date)."""

from __future__ import annotations

import contextlib
import io
import json
import re
import sys

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import override_settings

from tribune.comments.models import Comment
from tribune.core import testing as factories
from tribune.publishing.intake import SubmissionFastPath
from tribune.publishing.wsgi import django_application
from tribune.threads.models import Thread

ARTICLE = "https://news.example.org/2026/11/intake"
OTHER_ORIGIN = "https://other.example.net"
TOKEN = re.compile(r"[A-Za-z0-9_-]{43}:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+")


class Counting:
    """The application behind the fast path, counting what reaches it."""

    def __init__(self, app):
        self.app, self.calls = app, 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.app(environ, start_response)


@contextlib.contextmanager
def _connection_kept():
    """As Django's test client does: the server's handlers close the database
    connection between requests, which would end the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _call(app, payload: object = None, *, body: bytes | None = None, **environ_extra):
    if body is None:
        body = json.dumps(payload).encode()
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, headers

    environ = {
        "REQUEST_METHOD": "POST", "PATH_INFO": "/api/v1/comments", "QUERY_STRING": "",
        "SERVER_NAME": "testserver", "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "203.0.113.7", "SCRIPT_NAME": "", "wsgi.url_scheme": "http",
        "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr, **environ_extra,
    }
    with _connection_kept():
        chunks = app(environ, start_response)
        content = b"".join(chunks)
        if hasattr(chunks, "close"):
            chunks.close()  # as a server does: Django's request_finished
    return seen["status"], seen["headers"], content


def _comparable(answer) -> tuple[str, list[tuple[str, str]], object]:
    status, headers, content = answer
    kept = sorted(
        (name, TOKEN.sub("TOKEN", re.sub(r"(expires|csrftoken)=[^;]+", r"\1=NEW", value)))
        for name, value in headers if name not in {"Date", "Server"}
    )
    try:
        body = json.loads(content)
    except ValueError:  # Django's own pages (a host not allowed)
        body = content
    if isinstance(body, dict) and "id" in body:
        body = {**body, "id": "ID", "submitted": "TIME",
                "commenter_token": body["commenter_token"] and "TOKEN"}
    return status, kept, body


@pytest.fixture
def paths(site):
    Thread.objects.all().delete()
    factories.make_comment(url=ARTICLE, body="The first comment makes the thread.")
    factories.make_site(origin=OTHER_ORIGIN, name="Other", desk_code="en")
    django = Counting(django_application)
    fast = SubmissionFastPath(django)
    # The fast path's first submission goes through Django, which it learns from.
    learned = _call(fast, {"url": ARTICLE, "author": "First", "body": "Learning."})
    assert learned[0] == "202 Accepted" and django.calls == 1
    return django, fast


def _same(paths, payload=None, **environ):
    """The answer of Django, and that of the fast path, which answered itself."""
    django, fast = paths
    through = _call(django, payload, **environ)
    calls = django.calls
    answered = _call(fast, payload, **environ)
    assert django.calls == calls, "the fast path handed this request to Django"
    assert _comparable(answered) == _comparable(through)
    return answered


def _submission(**fields) -> dict:
    return {"url": ARTICLE, "author": "Reader", "body": "A fair point, well made.", **fields}


def test_an_accepted_submission_is_answered_as_django_answers_it(paths):
    status, headers, content = _same(paths, _submission())
    assert status == "202 Accepted"
    answer = json.loads(content)
    assert answer["status"] == "pending" and TOKEN.fullmatch(answer["commenter_token"])
    names = {name for name, _value in headers}
    assert {"Content-Security-Policy", "X-Frame-Options", "Vary", "Set-Cookie"} <= names
    stored = Comment.objects.get(pk=answer["id"])
    assert stored.body == "A fair point, well made." and stored.network_hash
    assert Comment.objects.filter(body="A fair point, well made.").count() == 2


def test_origins_cookies_and_languages_as_django(paths, site):
    # The widget on the site's own pages: CORS allowed, with credentials.
    status, headers, _content = _same(paths, _submission(), HTTP_ORIGIN="https://news.example.org")
    assert status == "202 Accepted"
    assert ("Access-Control-Allow-Origin", "https://news.example.org") in headers
    # Another registered site's page, and an unknown one: refused, without CORS.
    for origin in (OTHER_ORIGIN, "https://unknown.example.com", "null"):
        status, headers, content = _same(paths, _submission(), HTTP_ORIGIN=origin)
        assert status.startswith("403") and b"origin_mismatch" in content
    # A returning reader: cookie or header, no new token and no new cookie.
    _status, headers, content = _call(paths[1], _submission())
    signed = json.loads(content)["commenter_token"]
    for environ in ({"HTTP_COOKIE": f"tribune_commenter={signed}"},
                    {"HTTP_X_TRIBUNE_COMMENTER": signed},
                    {"HTTP_COOKIE": "tribune_commenter=tampered"}):
        status, headers, content = _same(paths, _submission(), **environ)
        assert status == "202 Accepted"
    returning = _same(paths, _submission(), HTTP_X_TRIBUNE_COMMENTER=signed)
    assert json.loads(returning[2])["commenter_token"] is None
    assert not [value for name, value in returning[1] if name == "Set-Cookie"]
    # The language of the article's desk, whatever the browser asks for
    # (tribune.threads.language), for the message and Content-Language.
    english = _comparable(_call(paths[1], _submission()))[2]["message"]
    _status, headers, content = _same(paths, _submission(), HTTP_ACCEPT_LANGUAGE="ko-KR,ko;q=0.9")
    assert ("Content-Language", "en") in headers and json.loads(content)["message"] == english
    factories.make_site(origin="https://ko.example.org", name="Korean", desk_code="ko")
    korean = _submission(url="https://ko.example.org/2026/12/gisa")
    for accept in ("en-US,en;q=0.9", "*", "xx;;q=nonsense"):
        _status, headers, content = _same(paths, korean, HTTP_ACCEPT_LANGUAGE=accept)
        assert ("Content-Language", "ko") in headers
        assert json.loads(content)["message"] != english
        _status, headers, content = _same(paths, {**korean, "author": ""},
                                          HTTP_ACCEPT_LANGUAGE=accept)
        assert ("Content-Language", "ko") in headers
        assert json.loads(content)["error"]["message"] == "이 항목은 비워 둘 수 없습니다."


def test_refusals_of_the_service_as_django(paths, settings):
    for payload, status in (
        (_submission(url="https://unregistered.example.com/a"), "404"),
        (_submission(url="ftp://news.example.org/a"), "400"),
        (_submission(author=""), "400"),
        (_submission(body="x" * 20_000), "400"),
        (_submission(body="Call me on +1 415 555 0132 tonight."), "400"),
        (_submission(parent=999_999), "400"),
        (_submission(url="https://news.example.org/\ud800"), "400"),  # a lone surrogate
        (_submission(body="Half a character: \ud800"), "400"),
        (_submission(email="not an address"), "400"),
    ):
        answered = _same(paths, payload)
        assert answered[0].startswith(status), (payload, answered)
    Thread.objects.filter(url=ARTICLE).update(is_open=False)
    status, _headers, content = _same(paths, _submission())
    assert status.startswith("403") and b"thread_closed" in content
    Thread.objects.filter(url=ARTICLE).update(is_open=True)
    # Over the rate limit: 429 with Retry-After from both.
    settings.TRIBUNE_RATE_LIMITS = {**settings.TRIBUNE_RATE_LIMITS,
                                    "submit": {"commenter": "", "network": "1/3600"}}
    _call(paths[0], _submission(), REMOTE_ADDR="198.51.100.9")
    status, headers, _content = _same(paths, _submission(), REMOTE_ADDR="198.51.100.9")
    assert status.startswith("429") and "Retry-After" in dict(headers)


@pytest.mark.parametrize("request_", [
    {"body": b"{not json"},
    {"body": b"[1, 2]"},
    {"body": b"\xff\xfe"},
    {"body": b"[" * 100_000},
    {"payload": {"url": ARTICLE, "author": "Reader"}},  # no body
    {"payload": {"url": ARTICLE, "author": ["a list"], "body": "x"}},
    {"payload": _submission(), "CONTENT_TYPE": "text/plain"},
    {"payload": _submission(), "CONTENT_TYPE": "application/x-www-form-urlencoded"},
    {"payload": _submission(), "HTTP_HOST": "evil.example"},
    {"payload": _submission(), "HTTP_COOKIE": "sessionid=abc"},
    {"payload": _submission(), "HTTP_COOKIE": "csrftoken=bad"},  # Django sends a new one
    {"payload": _submission(), "wsgi.url_scheme": "https"},  # HTTPS: not learned yet
])
def test_what_django_would_answer_otherwise_goes_to_django_untouched(paths, request_):
    django, fast = paths
    request_ = dict(request_)
    payload = request_.pop("payload", None)
    before = Comment.objects.count()
    through = _call(django, payload, **request_)
    calls = django.calls
    answered = _call(fast, payload, **request_)
    assert django.calls == calls + 1  # Django answered, with the body it was sent
    assert _comparable(answered) == _comparable(through)
    if not answered[0].startswith("202"):
        assert Comment.objects.count() == before


def test_other_paths_and_methods_are_not_touched(paths):
    django, fast = paths
    calls = django.calls
    status, _headers, _content = _call(fast, None, REQUEST_METHOD="GET",
                                       QUERY_STRING=f"url={ARTICLE}", body=b"")
    assert status.startswith("200") and django.calls == calls + 1
    status, _headers, _content = _call(fast, _submission(), PATH_INFO="/api/v1/comments/")
    assert django.calls == calls + 2


def test_with_other_middleware_or_settings_django_answers_every_submission(site, settings):
    factories.make_comment(url=ARTICLE, body="The first comment makes the thread.")
    assert SubmissionFastPath(django_application)._enabled  # as shipped
    for change in ({"MIDDLEWARE": [*settings.MIDDLEWARE, "tribune.core.middleware.Added"]},
                   {"DISALLOWED_USER_AGENTS": [re.compile("curl")]},
                   {"PREPEND_WWW": True}):
        with override_settings(**change):
            django = Counting(django_application)
            fast = SubmissionFastPath(django)
            for _ in range(2):
                _call(fast, _submission())
            assert django.calls == 2, change
