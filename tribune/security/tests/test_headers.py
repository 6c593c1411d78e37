"""Browser-security headers, CSRF and cookie flags, through HTTP."""

from __future__ import annotations

import pytest
from django.test import Client

from tribune.core.testing import make_published

URL = "https://news.example.org/2026/11/article"


def csp(response) -> dict[str, str]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, _sep, value = part.strip().partition(" ")
        directives[name] = value
    return directives


@pytest.fixture
def pages(site, moderator):
    make_published(moderator, url=URL, title="An article")
    return {
        "login": "/moderate/login/",
        "thread": f"/embed/thread?url={URL}",
        "terms": f"/terms/{site.pk}",
        "api": f"/api/v1/comments?url={URL}",
        "schema": "/api/v1/openapi.json",
        "health": "/healthz",
        "demo": "/demo/",
        "missing": "/no-such-page",
    }


def test_every_answer_has_a_strict_policy(pages, client):
    for name, path in pages.items():
        response = client.get(path)
        policy = csp(response)
        assert policy.get("default-src") == "'none'", name
        for directive in ("script-src", "style-src"):
            value = policy.get(directive, "'none'")
            assert "unsafe-inline" not in value and "unsafe-eval" not in value, name
            assert set(value.split()) <= {"'self'", "'none'"}, (name, value)
        assert policy.get("base-uri") == "'none'", name
        assert "frame-ancestors" in policy, name
        assert response["X-Content-Type-Options"] == "nosniff", name
        # Reader pages send no Referer at all; the moderator's pages keep it for
        # their own origin, which their CSRF check verifies.
        expected = "no-referrer" if name in ("thread", "terms") else "same-origin"
        assert response["Referrer-Policy"] == expected, name
        assert "camera=()" in response["Permissions-Policy"], name


def test_only_the_reader_pages_may_be_framed_and_only_by_the_site(pages, client):
    for name in ("thread", "terms"):
        response = client.get(pages[name])
        assert csp(response)["frame-ancestors"] == "'self' https://news.example.org"
        assert "X-Frame-Options" not in response
    for name in ("login", "api", "demo"):
        response = client.get(pages[name])
        assert csp(response)["frame-ancestors"] == "'none'", name
        assert response["X-Frame-Options"] == "DENY", name


def test_moderation_pages_have_the_strict_policy(moderator):
    client = Client()
    client.force_login(moderator)
    for path in ("/moderate/", "/moderate/account/", "/moderate/account/setup"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert csp(response)["script-src"] == "'self'"
        assert csp(response)["frame-ancestors"] == "'none'"


def test_every_form_needs_its_csrf_token(site, moderator):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/moderate/login/", {"username": "moderator",
                                            "password": moderator.raw_password}).status_code == 403
    assert strict.post("/embed/thread", {"url": URL, "author": "A", "body": "B"}).status_code == 403
    logged_in = Client(enforce_csrf_checks=True)
    logged_in.force_login(moderator)
    for path in ("/moderate/logout/", "/moderate/comments/1/decide",
                 "/moderate/account/remove-authenticator", "/moderate/account/setup"):
        assert logged_in.post(path, {"action": "approve"}).status_code == 403, path


def test_every_form_in_the_html_carries_a_token(pages, moderator, client):
    logged_in = Client()
    logged_in.force_login(moderator)
    html = [client.get(pages["login"]).content.decode(),
            client.get(pages["thread"]).content.decode(),
            logged_in.get("/moderate/account/").content.decode(),
            logged_in.get("/moderate/").content.decode()]
    for page in html:
        for form in page.split("<form")[1:]:
            if 'method="post"' in form.split(">", 1)[0]:
                assert "csrfmiddlewaretoken" in form.split("</form>", 1)[0]


def test_cookies_are_httponly_and_samesite(moderator):
    client = Client()
    client.get("/moderate/login/")
    response = client.post("/moderate/login/", {"username": "moderator",
                                                 "password": moderator.raw_password})
    session = response.cookies["sessionid"]
    assert session["httponly"] and session["samesite"] == "Lax"
    csrf = client.cookies["csrftoken"]
    assert csrf["httponly"] and csrf["samesite"] == "Lax"
