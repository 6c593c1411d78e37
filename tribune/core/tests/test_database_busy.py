"""A database that stays busy past its timeout (here: another process holds
SQLite's write turn) is a 503 with Retry-After the reader can act on, on the
API the widget uses and on the no-JavaScript form; never a 500. Once the turn
is free, the same request is accepted."""

from __future__ import annotations

import fcntl
import http.cookiejar
import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request

from conftest import TribuneCLI

ORIGIN = "https://busy.example.org"
ARTICLE = f"{ORIGIN}/news/busy"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _sqlite_cli(tmp_path) -> TribuneCLI:
    # SQLite in its own working directory whatever DATABASE_URL says: the write
    # turn is SQLite's (PostgreSQL has no single writer).
    env = {key: value for key, value in os.environ.items()
           if key not in {"DJANGO_SETTINGS_MODULE", "TRIBUNE_VAR_DIR", "DATABASE_URL"}}
    env.update({"TRIBUNE_SQLITE_TIMEOUT": "0.5", "TRIBUNE_RATE_SUBMIT_NETWORK": "",
                "TRIBUNE_RATE_SUBMIT_COMMENTER": "", "TRIBUNE_FORM_MIN_SECONDS": "0"})
    return TribuneCLI(tmp_path, env)


def _open(opener, request):
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def _api_submit(opener, server):
    body = json.dumps({"url": ARTICLE, "author": "Busy", "body": "Sent during a flood."})
    return _open(opener, urllib.request.Request(
        f"{server.url}/api/v1/comments", data=body.encode(), method="POST",
        headers={"Content-Type": "application/json"}))


def _form_submit(opener, server):
    status, _headers, page = _open(opener, f"{server.url}/embed/thread?"
                                   + urllib.parse.urlencode({"url": ARTICLE}))
    assert status == 200
    html = page.decode()
    fields = {
        "url": ARTICLE, "author": "Busy", "body": "Sent without JavaScript.",
        "csrfmiddlewaretoken": re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1],
        "issued": re.search(r'name="issued" value="([^"]+)"', html)[1],
    }
    return _open(opener, urllib.request.Request(
        f"{server.url}/embed/thread", data=urllib.parse.urlencode(fields).encode(),
        method="POST", headers={"Content-Type": "application/x-www-form-urlencoded"}))


def test_a_busy_database_answers_503_with_retry_after_then_accepts(tmp_path):
    cli = _sqlite_cli(tmp_path)
    cli.run("migrate", "--verbosity", "0")
    cli.run("site", "add", ORIGIN, "--name", "Busy")
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirects)
    with cli.serving(workers=1) as server:
        # Once the worker has answered a submission, the next ones take its fast
        # path (tribune.publishing.intake): the busy answer must be the same there.
        assert _api_submit(opener, server)[0] == 202
        turn = os.open(tmp_path / "var" / "tribune.sqlite3.writer",
                       os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(turn, fcntl.LOCK_EX)  # another process is writing, for long
            status, headers, body = _api_submit(opener, server)
            assert status == 503, body
            assert headers["Retry-After"] == "5"
            error = json.loads(body)["error"]
            assert error["code"] == "busy" and "try again" in error["message"]
            assert headers["X-Content-Type-Options"] == "nosniff"  # the security headers too

            status, headers, body = _form_submit(opener, server)
            assert status == 503 and headers["Retry-After"] == "5"
            assert b"try again" in body
        finally:
            os.close(turn)  # releases the turn
        assert _api_submit(opener, server)[0] == 202
        assert _form_submit(opener, server)[0] == 303  # accepted: on to the thread page
        log = server.output()
    assert "database unavailable: database is locked" in log
    assert "Traceback" not in log and "Internal Server Error" not in log
